"""Batch scoring: ``framing score`` and ``framing aggregate``.

``framing score INPUT... --out DIR`` streams the inputs in shards of
``--chunk-size`` documents, labels every sentence (in this process, in
``--jobs`` worker processes or on Dask) and writes::

    DIR/shards/part-00000.parquet      the shard's labeled sentences
    DIR/shards/part-00000.json         its summary, errors and fingerprint (written last)
    DIR/sentences.parquet              all sentences (sentences.csv with --format csv)
    DIR/aggregates.csv, aggregates.json, pairwise.csv
    DIR/report.html
    DIR/errors.jsonl                   one line per document that was not scored
    DIR/run.json                       model hash, versions, counts, timings, arguments

Every file is written to a temporary name and renamed into place, so a
reader (or a run killed with ``kill -9``) sees a whole file or none. A
shard counts as finished once its ``.json`` sidecar exists, matches the run's
fingerprint (framing version, model hash, inputs' paths, sizes and mtimes,
column names, chunk size, the sentence columns and types) and the Parquet
file's recorded hash and schema; ``--resume``
skips finished shards and recomputes the rest, giving the same output as an
uninterrupted run. The final files are made from the shards only after every
shard is finished.

Exit codes: 0 success; 1 some documents failed (listed in errors.jsonl; the
rest was scored and written); 2 configuration error (one line on stderr
naming the file or column).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import sys
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from hashlib import sha256
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from framing import __version__
from framing.aggregate import (
    DEFAULT_BOOTSTRAP,
    Accumulator,
    Aggregates,
    Summary,
    csv_restore,
    summarise,
    to_csv_bytes,
)
from framing.columns import meta_text
from framing.engines import (
    SENTENCE_COLUMNS,
    SENTENCE_SCHEMA,
    ModelSpec,
    ShardResult,
    ShardTask,
    make_engine,
    peak_rss_mib,
    trim_memory,
    use_system_allocator,
)
from framing.errors import ConfigError
from framing.inputs import LONE_SURROGATE, MAX_DOC_CHARS
from framing.lexicon import load_lexicons
from framing.persist import (
    ModelIntegrityError,
    atomic_write_bytes,
    bundled_model_path,
    check_model_file,
    sha256_file,
)
from framing.readers import (
    Columns,
    InputSpec,
    Record,
    Unreadable,
    check_inputs,
    expected_documents,
    iter_records,
)
from framing.report import Article, render_report
from framing.schema import PROBA_COLUMNS
from framing.semantic import missing_extras

FINAL_OUTPUTS = (
    "sentences.parquet",
    "sentences.csv",
    "aggregates.csv",
    "aggregates.json",
    "pairwise.csv",
    "report.html",
    "errors.jsonl",
    "run.json",
)
SHARD_NAME = "part-{:05d}"
REPORT_ARTICLES = 200
# Replicates beyond this change no reported digit and cost memory per source.
MAX_BOOTSTRAP = 100_000
_SHARD_FILE = re.compile(r"^part-\d{5}\.(parquet|json)$")
_ISO_DATE = re.compile(r"^(\d{4})[-/](\d{2})(?:[-/](\d{2}))?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_YEARS = re.compile(r"\b\d{4}\b")


@dataclass(frozen=True)
class ScoreConfig:
    """Settings of one ``framing score`` run (see ``framing score --help``)."""

    inputs: tuple[str, ...]
    out: Path
    columns: Columns = field(default_factory=Columns)
    format: str = "parquet"
    model: str | None = None
    trust_model: bool = False
    profile: str = "fast"
    jobs: int = 1
    engine: str = "local"
    scheduler: str | None = None
    chunk_size: int = 500
    resume: bool = False
    quiet: bool = False
    report: bool = True
    seed: int = 0
    bootstrap: int = DEFAULT_BOOTSTRAP
    report_articles: int = REPORT_ARTICLES

    @classmethod
    def from_args(cls, args: Any) -> ScoreConfig:
        """Build from parsed CLI arguments.

        Examples
        --------
        >>> from framing.cli import build_parser
        >>> ScoreConfig.from_args(build_parser().parse_args(["score", "x.csv", "--out", "o"])).jobs
        1
        """
        return cls(
            inputs=tuple(args.inputs),
            out=Path(args.out),
            columns=Columns(
                args.text_col,
                args.id_col,
                args.source_col,
                args.date_col,
                getattr(args, "title_col", "title"),
                getattr(args, "url_col", "url"),
            ),
            format=args.format,
            model=args.model,
            trust_model=args.trust_model,
            profile=getattr(args, "profile", "fast"),
            jobs=args.jobs,
            engine="dask" if args.scheduler else args.engine,
            scheduler=args.scheduler,
            chunk_size=args.chunk_size,
            resume=args.resume,
            quiet=args.quiet,
            report=not args.no_report,
            seed=args.seed,
            bootstrap=getattr(args, "bootstrap", DEFAULT_BOOTSTRAP),
            report_articles=getattr(args, "report_articles", REPORT_ARTICLES),
        )

    def validate(self) -> None:
        """Raise :class:`ConfigError` for settings that cannot work."""
        for name in ("jobs", "chunk_size", "bootstrap"):
            if getattr(self, name) < 1:
                raise ConfigError(
                    f"--{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}"
                )
        if not 0 <= self.seed < 2**32:
            raise ConfigError(f"--seed must be between 0 and {2**32 - 1}, got {self.seed}")
        if self.bootstrap > MAX_BOOTSTRAP:
            raise ConfigError(f"--bootstrap must be at most {MAX_BOOTSTRAP:,}, got {self.bootstrap:,}")
        if self.report_articles < 0:
            raise ConfigError(f"--report-articles must be 0 or more, got {self.report_articles}")
        if self.format not in ("parquet", "csv"):
            raise ConfigError(f"--format must be parquet or csv, got {self.format!r}")
        if self.engine not in ("local", "dask"):
            raise ConfigError(f"--engine must be local or dask, got {self.engine!r}")
        if self.out.exists() and not self.out.is_dir():
            raise ConfigError(f"--out {self.out}: exists and is not a folder")

    def arguments(self) -> dict:
        """JSON-ready settings for run.json."""
        d = asdict(self)
        d["out"] = str(self.out)
        d["inputs"] = list(self.inputs)
        return d


@dataclass
class RunResult:
    """What :func:`score` did: counts, aggregates and where outputs are."""

    out: Path
    counts: dict
    aggregates: Aggregates
    error_reasons: dict
    outputs: list[str]


# ---------------------------------------------------------------- CLI entry points


def run_score(args: Any) -> int:
    """The ``framing score`` command: score, print the per-source table, exit code.

    Examples
    --------
    >>> from framing.cli import main
    >>> main(["score", "labels/seeds", "--out", "runs/demo", "--quiet"])  # doctest: +SKIP
    0
    """
    use_system_allocator()
    config = ScoreConfig.from_args(args)
    result = score(config)
    _print_summary(result, sys.stdout)
    scored, undated = result.counts["documents"], result.counts.get("undated", 0)
    if scored and undated > scored / 2:
        print(
            f"framing score: warning: {undated} of {scored} documents have no date (column "
            f"{config.columns.date!r}); give the date column with --date-col for per-month shares",
            file=sys.stderr,
        )
    failed = result.counts["failed"]
    if failed:
        reasons = ", ".join(
            f"{r}: {n}"
            for r, n in sorted(result.error_reasons.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        print(
            f"framing score: {failed} of {result.counts['documents_read']} documents failed ({reasons}); "
            f"see {result.out / 'errors.jsonl'}",
            file=sys.stderr,
        )
        return 1
    return 0


def run_aggregate(args: Any) -> int:
    """The ``framing aggregate`` command: recompute the aggregates (and report) of a run.

    Examples
    --------
    >>> from framing.cli import main
    >>> main(["aggregate", "runs/demo"])  # doctest: +SKIP
    0
    """
    use_system_allocator()
    aggregates = aggregate_run(
        args.run_dir, seed=args.seed, bootstrap=getattr(args, "bootstrap", None)
    )
    _print_table(aggregates, sys.stdout)
    print(f"wrote {Path(args.run_dir)}: aggregates.csv, aggregates.json, pairwise.csv, report.html")
    return 0


# ---------------------------------------------------------------- score


def score(config: ScoreConfig) -> RunResult:
    """Score a corpus into ``config.out`` (the engine behind ``framing score``).

    Raises
    ------
    ConfigError
        Unusable settings, inputs or model; nothing final is written.

    Examples
    --------
    >>> r = score(ScoreConfig(("labels/seeds",), Path("runs/demo"), quiet=True))  # doctest: +SKIP
    >>> r.counts["documents"]  # doctest: +SKIP
    5
    """
    config.validate()
    return _score(config)


def _score(config: ScoreConfig) -> RunResult:
    t_start = time.perf_counter()
    specs = check_inputs(config.inputs, config.columns)
    _check_inputs_outside_outputs(specs, config.out)
    model = _model_spec(config)
    fingerprint = _fingerprint(config, specs, model)
    shards = config.out / "shards"
    with contextlib.ExitStack() as stack:
        # Everything is validated (inputs, model, engine) before anything in
        # --out changes; the lock keeps a second run from writing there.
        engine = stack.enter_context(make_engine(config.engine, config.jobs, config.scheduler, model))
        stack.enter_context(out_lock(config.out))
        if config.resume:
            _explain_stale_shards(shards, fingerprint)
        _prepare_out(config.out, shards, config.resume)
        return _drive(config, specs, model, fingerprint, engine, t_start)


def _drive(config, specs, model, fingerprint, engine, t_start) -> RunResult:
    shards = config.out / "shards"
    timings = Counter()
    state = _DriveState()
    collector = _Collector(config, shards, timings)
    try:
        workers = engine.workers
        tasks = _tasks(specs, config, fingerprint, shards, state, timings, collector)
        with _progress(config.quiet, None if config.quiet else expected_documents(specs)) as bar:
            for res in engine.map(tasks, model):
                t0 = time.perf_counter()
                errors = state.driver_errors.pop(res.shard, [])
                side = _write_shard(shards, res, errors, fingerprint)
                timings["write"] += time.perf_counter() - t0
                state.record(res)
                collector.add(res.shard, side, res.sentences, res.table)
                bar.update(res.counts["documents"] + len(res.errors))
                bar.set_postfix(sentences=f"{state.sentences:,}", refresh=False)
                del res, side
            bar.update(state.resumed_docs)
        engine.close()  # workers' memory is released before the merge and report
        state.scoring_peak_mib = peak_rss_mib()
        aggregates = collector.finish(state.shards)
    except ModelIntegrityError as exc:
        collector.abort()
        raise ConfigError(f"model: {exc}") from exc
    except BaseException:
        collector.abort()
        raise
    return _finish(
        config, model, specs, shards, state, timings, t_start, workers, collector, aggregates
    )


@dataclass
class _DriveState:
    seen: set = field(default_factory=set)
    shards: int = 0
    resumed: int = 0
    resumed_docs: int = 0
    sentences: int = 0
    documents_read: int = 0
    undated: int = 0
    driver_errors: dict = field(default_factory=dict)
    worker_seconds: Counter = field(default_factory=Counter)
    worker_peaks: dict = field(default_factory=dict)
    lexicon_dirs: tuple = ()
    scoring_peak_mib: float = 0.0

    def record(self, res: ShardResult) -> None:
        self.sentences += res.counts["sentences"]
        self.worker_seconds.update(res.seconds)
        pid = res.worker.get("pid")
        self.worker_peaks[pid] = max(
            self.worker_peaks.get(pid, 0.0), res.worker.get("peak_rss_mib", 0.0)
        )
        self.lexicon_dirs = tuple(res.worker.get("lexicon_dirs", ()))


def _model_spec(config: ScoreConfig) -> ModelSpec:
    path = config.model or os.environ.get("FRAMING_MODEL") or None
    try:
        resolved = Path(path).resolve() if path else bundled_model_path(config.profile)
    except (FileNotFoundError, ValueError) as exc:
        raise ConfigError(f"model: {exc}") from exc
    if config.profile == "accurate" and not path and missing_extras():
        raise ConfigError(f"--profile accurate: {missing_extras()}")
    if not resolved.is_file():
        raise ConfigError(f"model file not found: {resolved}")
    try:
        sha = check_model_file(resolved, trust=config.trust_model)
    except ModelIntegrityError as exc:
        raise ConfigError(f"model: {exc}") from exc
    return ModelSpec(str(resolved) if path else None, sha, config.trust_model, config.profile)


def _fingerprint(config: ScoreConfig, specs: list[InputSpec], model: ModelSpec) -> str:
    # What decides a shard's content; bootstrap, seed and output format do not.
    doc = {
        "framing": __version__,
        "model_sha256": model.sha256,
        "inputs": [s.fingerprint() for s in specs],
        "columns": asdict(config.columns),
        "chunk_size": config.chunk_size,
        # A shard written with other output columns (an older framing) must
        # be scored again, never merged with this run's shards.
        "sentence_schema": [[f.name, str(f.type)] for f in SENTENCE_SCHEMA],
    }
    return sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def _explain_stale_shards(shards: Path, fingerprint: str) -> None:
    """Say why ``--resume`` will score earlier shards again, instead of doing it silently."""
    stale = 0
    for side in sorted(shards.glob("part-*.json")) if shards.is_dir() else []:
        try:
            stale += json.loads(side.read_text(encoding="utf-8")).get("fingerprint") != fingerprint
        except (OSError, ValueError):
            stale += 1
    if stale:
        print(
            f"framing score: --resume: {stale} earlier shard(s) were made with other settings (model, "
            "inputs, column names, --chunk-size or framing's output columns) and are scored again",
            file=sys.stderr,
        )


def _check_inputs_outside_outputs(specs: list[InputSpec], out: Path) -> None:
    owned = {(out / name).resolve() for name in FINAL_OUTPUTS}
    shards = (out / "shards").resolve()
    for spec in specs:
        path = spec.path.resolve()
        if path in owned or path == shards or path.is_relative_to(shards):
            raise ConfigError(
                f"input {spec.path} is one of the files this run writes in --out {out}; "
                "copy it elsewhere or choose another --out"
            )


@contextlib.contextmanager
def out_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out`` for one run; refuse a second writer.

    Examples
    --------
    >>> with out_lock(Path("/tmp/framing-lock-doc")):
    ...     pass
    """
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    path = out / ".framing.lock"
    fh = open(path, "a+")
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ConfigError(
                f"--out {out}: another framing run is writing there; wait for it or choose another folder"
            ) from exc
        yield
    finally:
        fh.close()


def _prepare_out(out: Path, shards: Path, resume: bool) -> None:
    # Earlier final outputs stay until this run's replace them (see _finish).
    shards.mkdir(parents=True, exist_ok=True)
    for p in list(shards.iterdir()) + list(out.iterdir()):
        stale_tmp = p.name.startswith(".") and p.name.endswith(".tmp")
        if stale_tmp or (not resume and _SHARD_FILE.match(p.name) and p.parent == shards):
            with contextlib.suppress(FileNotFoundError):
                p.unlink()


def _tasks(specs, config, fingerprint, shards, state, timings, collector) -> Iterator[ShardTask]:
    records = iter_records(specs, config.columns)
    while True:
        t0 = time.perf_counter()
        chunk = _take(records, config.chunk_size)
        if not chunk:
            timings["read"] += time.perf_counter() - t0
            return
        shard = state.shards
        state.shards += 1
        state.documents_read += len(chunk)
        docs, errors = [], []
        for rec in chunk:
            doc, error = _validate(rec, state)
            if error is not None:
                errors.append(error)
            else:
                docs.append(doc)
        timings["read"] += time.perf_counter() - t0
        if config.resume and _finished(shards, shard, fingerprint):
            state.resumed += 1
            state.resumed_docs += len(chunk)
            collector.add(shard)
            continue
        state.driver_errors[shard] = errors
        yield ShardTask(shard, docs)


def _take(it: Iterator[Record], n: int) -> list[Record]:
    out = []
    for rec in it:
        out.append(rec)
        if len(out) == n:
            break
    return out


def _validate(rec: Record, state: _DriveState) -> tuple[tuple | None, dict | None]:
    """One record -> a document tuple, or an error naming the reason."""
    doc_id = _doc_id(rec.doc_id)
    shown_id = (
        doc_id if doc_id is not None else (None if rec.doc_id is None else repr(rec.doc_id)[:200])
    )

    def fail(reason: str):
        shown = shown_id
        if isinstance(shown, str) and LONE_SURROGATE.search(shown):
            # errors.jsonl is UTF-8: show the bad code point escaped.
            shown = shown.encode("utf-8", "backslashreplace").decode("utf-8")
        return None, {"doc_id": shown, "where": rec.where, "reason": reason}

    if isinstance(rec.text, Unreadable):
        return fail(rec.text.reason)
    if doc_id is None:
        blank = _is_missing(rec.doc_id) or (isinstance(rec.doc_id, str) and not rec.doc_id.strip())
        return fail(
            "missing doc_id"
            if blank
            else f"doc_id is not text or an integer ({type(rec.doc_id).__name__})"
        )
    text = rec.text
    if not isinstance(text, str):
        return fail(
            "missing text"
            if _is_missing(text)
            else f"non-text cell in the text column ({type(text).__name__})"
        )
    if not text.strip():
        return fail("empty document")
    if len(text) > MAX_DOC_CHARS:
        return fail(f"document too long ({len(text):,} characters; limit {MAX_DOC_CHARS:,})")
    source = rec.source
    if _is_missing(source):
        source = ""
    elif isinstance(source, bool) or not isinstance(source, str | int | float):
        return fail(f"non-text cell in the source column ({type(source).__name__})")
    for field_name, value in (("doc_id", doc_id), ("source", source), ("text", text)):
        if isinstance(value, str) and LONE_SURROGATE.search(value):
            # pyarrow cannot encode a lone surrogate: it would fail the shard.
            return fail(f"{field_name} holds a lone surrogate (not valid Unicode text)")
    if doc_id in state.seen:
        return fail("duplicate doc_id (the first document with this id was kept)")
    state.seen.add(doc_id)
    published = _published(rec.date)
    if not published:
        state.undated += 1
    return (doc_id, str(source), published, text, rec.where, meta_text(rec.title), meta_text(rec.url)), None


def _doc_id(value: Any) -> str | None:
    if isinstance(value, bool) or _is_missing(value):
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _published(value: Any) -> str:
    """An ISO date ``YYYY-MM-DD`` (or ``YYYY-MM``), or ``""`` when unknown."""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    if not isinstance(value, str) or not value.strip():
        return ""
    value = value.strip()
    m = _ISO_DATE.match(value)
    if m:
        y, mo, d = m.groups()
        return f"{y}-{mo}-{d}" if d else f"{y}-{mo}"
    if re.search(r"[A-Za-z]{3}", value):
        # Month names ("4 March 2022", RSS dates) are unambiguous; bare
        # numeric dates like 03/04/2022 are not, and stay unknown.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ts = pd.to_datetime(value, errors="coerce")
        if not pd.isna(ts):
            # "March 2022" names a month, not its first day: keep the precision given.
            return ts.strftime("%Y-%m-%d") if re.search(r"\d{1,2}(?!\d)", _YEARS.sub("", value)) else ts.strftime("%Y-%m")
    return ""


def _finished(shards: Path, shard: int, fingerprint: str) -> bool:
    name = SHARD_NAME.format(shard)
    try:
        side = json.loads((shards / f"{name}.json").read_text(encoding="utf-8"))
        data = shards / f"{name}.parquet"
        return (
            side.get("fingerprint") == fingerprint
            and side.get("sha256") == sha256_file(data)
            # The fingerprint covers the schema; this also catches a shard
            # file replaced by hand or by a build that forgot to change it.
            and pq.read_schema(data).remove_metadata().equals(SENTENCE_SCHEMA)
        )
    except (OSError, ValueError, pa.ArrowException):
        return False


def _write_shard(
    shards: Path, res: ShardResult, driver_errors: list[dict], fingerprint: str
) -> dict:
    name = SHARD_NAME.format(res.shard)
    atomic_write_bytes(shards / f"{name}.parquet", res.sentences)
    side = {
        "shard": res.shard,
        "fingerprint": fingerprint,
        "sha256": sha256(res.sentences).hexdigest(),
        "counts": res.counts,
        "errors": driver_errors + res.errors,
        "summary": res.summary,
        "seconds": res.seconds,
        "worker": res.worker,
    }
    # The sidecar is the commit marker: it is written after the data it vouches for.
    atomic_write_bytes(
        shards / f"{name}.json", json.dumps(side, ensure_ascii=False).encode("utf-8")
    )
    return side


@contextlib.contextmanager
def _progress(quiet: bool, total: int | None = None):
    from tqdm import tqdm

    bar = tqdm(
        total=total,
        unit=" docs",
        disable=quiet,
        file=sys.stderr,
        dynamic_ncols=True,
        smoothing=0.1,
        desc="scoring",
    )
    try:
        yield bar
    finally:
        bar.close()


# ---------------------------------------------------------------- finishing a run


class _Collector:
    """Folds committed shards, in shard order, into the final files while the run goes on.

    A shard is folded (its sentences appended to the merged file, its errors
    to errors.jsonl, its summary into the aggregates) as soon as it and every
    earlier shard are committed, so this work overlaps with scoring instead of
    following it. A shard committed out of order is read back from disk when
    its turn comes, so memory does not depend on how far ahead others are.
    The merged files are temporary until :meth:`finish` renames them.
    """

    def __init__(self, config: ScoreConfig, shards: Path, timings: Counter):
        self.shards, self.timings = shards, timings
        self.csv = config.format == "csv"
        self.sentences_name = "sentences.csv" if self.csv else "sentences.parquet"
        self.next = 0
        self.ready: set[int] = set()
        self.counts: Counter = Counter()
        self.reasons: Counter = Counter()
        self.acc = Accumulator(None, bootstrap=config.bootstrap, seed=config.seed)
        self.picker = _ArticlePicker(config.report_articles)
        self.lexicon_dirs: tuple = ()
        self.final = {n: config.out / n for n in (self.sentences_name, "errors.jsonl")}
        self.tmp = {n: p.with_name(f".{n}.{os.getpid()}.tmp") for n, p in self.final.items()}
        self._errors = open(self.tmp["errors.jsonl"], "w", encoding="utf-8")
        if self.csv:
            self._sentences = open(self.tmp[self.sentences_name], "wb")
            self._sentences.write(to_csv_bytes(pd.DataFrame(columns=list(SENTENCE_COLUMNS))))
        else:
            self._sentences = pq.ParquetWriter(self.tmp[self.sentences_name], SENTENCE_SCHEMA)

    def add(
        self, shard: int, side: dict | None = None, sentences: bytes | None = None, table: pa.Table | None = None
    ) -> None:
        """Shard ``shard`` is committed; its sidecar and rows (Arrow, else Parquet bytes) if still in memory."""
        if shard == self.next and side is not None:
            if table is None:
                table = pq.read_table(pa.BufferReader(sentences), schema=SENTENCE_SCHEMA)
            self._fold(side, table)
            self.next += 1
        else:
            self.ready.add(shard)
        while self.next in self.ready:
            self.ready.discard(self.next)
            name = SHARD_NAME.format(self.next)
            side = json.loads((self.shards / f"{name}.json").read_text(encoding="utf-8"))
            self._fold(side, pq.read_table(self.shards / f"{name}.parquet", schema=SENTENCE_SCHEMA))
            self.next += 1

    def _fold(self, side: dict, table) -> None:
        t0 = time.perf_counter()
        for err in side["errors"]:
            self._errors.write(json.dumps(err, ensure_ascii=False) + "\n")
            self.reasons[_reason_kind(err["reason"])] += 1
        self.counts.update(side["counts"])
        summary = Summary.from_dict(side["summary"])
        self.acc.add(summary)
        self.picker.offer(summary.docs)
        self.lexicon_dirs = tuple(side.get("worker", {}).get("lexicon_dirs", self.lexicon_dirs))
        t1 = time.perf_counter()
        if not self.csv:
            self._sentences.write_table(table)
        elif table.num_rows:
            self._sentences.write(to_csv_bytes(table.to_pandas()).split(b"\n", 1)[1])
        trim_memory()
        self.timings["aggregate"] += t1 - t0
        self.timings["write"] += time.perf_counter() - t1

    def finish(self, shards: int) -> Aggregates:
        """Put the merged files in place and return the aggregates."""
        if self.next != shards:
            raise RuntimeError(f"only {self.next} of {shards} shards were merged")
        t0 = time.perf_counter()
        self._close()
        for name, tmp in self.tmp.items():
            _fsync(tmp)
            os.replace(tmp, self.final[name])
        t1 = time.perf_counter()
        aggregates = self.acc.result()
        self.timings["write"] += t1 - t0
        self.timings["aggregate"] += time.perf_counter() - t1
        return aggregates

    def abort(self) -> None:
        """Drop the temporary merged files (a failed run writes nothing final)."""
        self._close()
        for tmp in self.tmp.values():
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()

    def _close(self) -> None:
        for fh in (self._errors, self._sentences):
            with contextlib.suppress(Exception):
                fh.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _finish(
    config, model, specs, shards, state, timings, t_start, workers, collector, aggregates
) -> RunResult:
    out = config.out
    n = state.shards
    t0 = time.perf_counter()
    _write_aggregates(out, aggregates)
    timings["write"] += time.perf_counter() - t0
    counts, reasons = collector.counts, collector.reasons
    state.lexicon_dirs = collector.lexicon_dirs or state.lexicon_dirs
    failed = sum(reasons.values())
    run_counts = {
        "documents_read": state.documents_read,
        "documents": int(counts["documents"]),
        "failed": failed,
        "undated": state.undated,
        "sentences": int(counts["sentences"]),
        "content_sentences": int(counts["content"]),
        "shards": n,
        "resumed_shards": state.resumed,
    }
    t0 = time.perf_counter()
    outputs = [
        collector.sentences_name,
        "aggregates.csv",
        "aggregates.json",
        "pairwise.csv",
        "errors.jsonl",
    ]
    if config.report:
        meta = {
            "documents": run_counts["documents"],
            "failed": failed,
            "sentences": run_counts["sentences"],
            "content": run_counts["content_sentences"],
            "model_sha256": model.sha256,
            "sentences_file": collector.sentences_name,
        }
        _write_report(
            out,
            aggregates,
            collector.picker,
            lambda ids: _read_articles_from_shards(shards, n, ids),
            meta,
        )
        outputs.append("report.html")
    timings["report"] += time.perf_counter() - t0
    timings["total"] = time.perf_counter() - t_start
    run = _run_record(
        config, model, specs, state, run_counts, timings, workers, aggregates, outputs
    )
    atomic_write_bytes(
        out / "run.json", (json.dumps(run, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    )
    outputs.append("run.json")
    for name in set(FINAL_OUTPUTS) - set(outputs):
        # An earlier run's output this run does not make would read as this run's.
        with contextlib.suppress(FileNotFoundError):
            (out / name).unlink()
    return RunResult(out, run_counts, aggregates, dict(reasons), outputs)


def _reason_kind(reason: str) -> str:
    return reason.split(" (")[0].split(":")[0]


def _write_aggregates(out: Path, aggregates: Aggregates) -> None:
    atomic_write_bytes(out / "aggregates.csv", to_csv_bytes(aggregates.table))
    atomic_write_bytes(out / "pairwise.csv", to_csv_bytes(aggregates.pairwise))
    atomic_write_bytes(out / "aggregates.json", aggregates.to_json().encode("utf-8"))


class _ArticlePicker:
    """Chooses the report's articles: round-robin over sources, in corpus order.

    Keeps at most ``limit`` ids for each of the first ``limit`` sources, so its
    memory does not grow with the corpus.
    """

    def __init__(self, limit: int):
        self.limit = limit
        self.by_source: dict[str, list[str]] = {}
        self.total = 0

    def offer(self, docs: pd.DataFrame) -> None:
        self.total += len(docs)
        for doc_id, source in zip(docs["doc_id"].tolist(), docs["source"].tolist(), strict=True):
            ids = self.by_source.get(source)
            if ids is None:
                if len(self.by_source) >= self.limit:
                    continue
                ids = self.by_source[source] = []
            if len(ids) < self.limit:
                ids.append(doc_id)

    def chosen(self) -> list[str]:
        out: list[str] = []
        depth = 0
        while len(out) < self.limit:
            layer = [ids[depth] for ids in self.by_source.values() if len(ids) > depth]
            if not layer:
                break
            out.extend(layer[: self.limit - len(out)])
            depth += 1
        return out


def _write_report(
    out: Path, aggregates: Aggregates, picker: _ArticlePicker, read_articles, meta: dict
) -> None:
    chosen = picker.chosen()
    articles = read_articles(set(chosen))
    order = {d: i for i, d in enumerate(chosen)}
    articles.sort(key=lambda a: order[a.doc_id])
    meta = {**meta, "created": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    page = render_report(aggregates, articles, meta, total_articles=picker.total)
    atomic_write_bytes(out / "report.html", page.encode("utf-8"))


def _read_articles_from_shards(shards: Path, n: int, wanted: set[str]) -> list[Article]:
    frames = (
        pq.read_table(shards / f"{SHARD_NAME.format(k)}.parquet").to_pandas() for k in range(n)
    )
    return _collect_articles(frames, wanted)


def _collect_articles(frames, wanted: set[str]) -> list[Article]:
    found: list[Article] = []
    left = set(wanted)
    for frame in frames:
        if not left:
            break
        hit = frame[frame["doc_id"].isin(left)]
        for doc_id, rows in hit.groupby("doc_id", sort=False):
            rows = rows.reset_index(drop=True)
            found.append(
                Article(str(doc_id), str(rows.at[0, "source"]), str(rows.at[0, "published"]), rows)
            )
            left.discard(doc_id)
    return found


def _run_record(config, model, specs, state, counts, timings, workers, aggregates, outputs) -> dict:
    import pyarrow
    import tqdm

    from framing.train import library_versions

    versions = {**library_versions(), "pyarrow": pyarrow.__version__, "tqdm": tqdm.__version__}
    for name in ("dask", "distributed"):
        # Read the installed version without importing (distributed takes a second to import).
        with contextlib.suppress(PackageNotFoundError):
            versions[name] = package_version(name)
    ws = state.worker_seconds
    driver_peak = peak_rss_mib()
    # In-process runs report the driver's own pid as the worker.
    worker_peaks = {pid: v for pid, v in state.worker_peaks.items() if pid != os.getpid()}
    return {
        "status": "complete",
        "framing_version": __version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model": {
            "path": model.resolve(),
            "bundled": model.path is None,
            "profile": model.profile if model.path is None else None,
            "sha256": model.sha256,
            "trusted": model.trust,
        },
        "lexicon_dirs": list(state.lexicon_dirs),
        "libraries": versions,
        "engine": {"engine": config.engine, "scheduler": config.scheduler, "workers": workers},
        "counts": counts,
        "timings": {
            "read": round(timings["read"], 3),
            "label": round(ws["label"], 3),
            "split": round(ws["split"], 3),
            "summarise": round(ws["summarise"], 3),
            "serialise": round(ws["serialise"], 3),
            "load_model": round(ws["load_model"], 3),
            "worker_total": round(ws["total"], 3),
            "write": round(timings["write"], 3),
            "aggregate": round(timings["aggregate"], 3),
            "report": round(timings["report"], 3),
            "total": round(timings["total"], 3),
        },
        "memory": {
            "driver_peak_mib": round(driver_peak, 1),
            "driver_peak_while_scoring_mib": round(state.scoring_peak_mib, 1),
            "worker_peak_mib": round(max(worker_peaks.values(), default=0.0), 1),
            "total_peak_mib": round(driver_peak + sum(worker_peaks.values()), 1),
        },
        "aggregation": {"bootstrap": config.bootstrap, "seed": config.seed},
        "inputs": [s.fingerprint() for s in specs],
        "arguments": config.arguments(),
        "outputs": outputs,
    }


# ---------------------------------------------------------------- aggregate


def aggregate_run(
    run_dir: str | Path, *, seed: int | None = None, bootstrap: int | None = None
) -> Aggregates:
    """Recompute the aggregates and report of a finished run from its sentences file.

    Parameters
    ----------
    run_dir : path
        A folder written by ``framing score`` (it has ``run.json``).
    seed, bootstrap : int, optional
        Default: the values the run used.

    Examples
    --------
    >>> aggregate_run("runs/demo").sources()["source"].tolist()  # doctest: +SKIP
    ['Daily Mirror', 'LBC', 'Sky News', 'The Sun']
    """
    run_dir = Path(run_dir)
    try:
        run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{run_dir}: not a finished run (no run.json)") from exc
    except ValueError as exc:
        raise ConfigError(f"{run_dir / 'run.json'}: not valid JSON") from exc
    seed = run["aggregation"]["seed"] if seed is None else seed
    bootstrap = run["aggregation"]["bootstrap"] if bootstrap is None else bootstrap
    if bootstrap < 1:
        raise ConfigError(f"--bootstrap must be at least 1, got {bootstrap}")
    return _aggregate_run(run_dir, run, seed, bootstrap)


def _aggregate_run(run_dir: Path, run: dict, seed: int, bootstrap: int) -> Aggregates:
    path = run_dir / "sentences.parquet"
    if not path.exists():
        path = run_dir / "sentences.csv"
    if not path.exists():
        raise ConfigError(f"{run_dir}: no sentences.parquet or sentences.csv")
    lexicon = load_lexicons(run.get("lexicon_dirs") or None)
    acc = Accumulator(None, bootstrap=bootstrap, seed=seed)
    picker = _ArticlePicker(run["arguments"].get("report_articles", REPORT_ARTICLES))
    for block in _article_blocks(path):
        summary = summarise(block, lexicon)
        acc.add(summary)
        picker.offer(summary.docs)
    aggregates = acc.result()
    _write_aggregates(run_dir, aggregates)
    if "report.html" in run.get("outputs", []):
        counts = run["counts"]
        meta = {
            "documents": counts["documents"],
            "failed": counts["failed"],
            "sentences": counts["sentences"],
            "content": counts["content_sentences"],
            "model_sha256": run["model"]["sha256"],
            "sentences_file": path.name,
        }
        _write_report(
            run_dir,
            aggregates,
            picker,
            lambda ids: _collect_articles(_article_blocks(path), ids),
            meta,
        )
    return aggregates


def _article_blocks(path: Path, rows: int = 50_000) -> Iterator[pd.DataFrame]:
    """Blocks of whole articles from a sentences file, streamed."""
    if path.suffix == ".parquet":
        pf = pq.ParquetFile(path)
        raw = (b.to_pandas() for b in pf.iter_batches(batch_size=rows))
    else:
        raw = (
            csv_restore(b)
            for b in pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=rows)
        )
    carry = None
    for block in raw:
        if carry is not None:
            block = pd.concat([carry, block], ignore_index=True)
        if len(block) == 0:
            continue
        # The last article may continue in the next block; hold it back.
        ids = block["doc_id"].to_numpy()
        other = np.flatnonzero(ids != ids[-1])
        start = int(other[-1]) + 1 if len(other) else 0
        carry = block.iloc[start:].reset_index(drop=True)
        if start:
            yield _typed(block.iloc[:start].reset_index(drop=True))
    if carry is not None and len(carry):
        yield _typed(carry)


def _typed(block: pd.DataFrame) -> pd.DataFrame:
    for col in PROBA_COLUMNS:
        if col in block.columns and block[col].dtype == object:
            block[col] = pd.to_numeric(block[col], errors="coerce")
    return block


# ---------------------------------------------------------------- printing


def _source_summary(aggregates: Aggregates) -> pd.DataFrame:
    src = aggregates.sources()
    cols = [
        "source",
        "articles",
        "sentences",
        *(c for c in src.columns if c.startswith("share_") and not c.endswith(("_lo", "_hi"))),
    ]
    table = src[cols].copy()
    # Source names come from the data: keep terminal control characters out.
    table["source"] = table["source"].map(lambda s: _CONTROL.sub("?", str(s)) or "(none)")
    for c in cols[3:]:
        table[c] = table[c].round(3)
    # The aggregates count content sentences only; say so where it is printed.
    return table.rename(columns={"sentences": "content_sentences"})


def _print_table(aggregates: Aggregates, stream) -> None:
    table = _source_summary(aggregates)
    if len(table):
        print(table.to_string(index=False), file=stream)
    else:
        print("no content sentences scored", file=stream)


def _print_summary(result: RunResult, stream) -> None:
    _print_table(result.aggregates, stream)
    c = result.counts
    resumed = f", {c['resumed_shards']} resumed" if c["resumed_shards"] else ""
    print(
        f"{c['documents']:,} documents, {c['sentences']:,} sentences ({c['content_sentences']:,} content) "
        f"in {c['shards']} shard{'s' if c['shards'] != 1 else ''}{resumed}; {c['failed']} failed",
        file=stream,
    )
    print(f"wrote {result.out}: {', '.join(result.outputs)}", file=stream)
