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
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from framing.aggregate.accumulator import Aggregates
from framing.batch.config import FINAL_OUTPUTS, RunResult, ScoreConfig
from framing.batch.engines import ModelSpec, ShardTask, make_engine
from framing.batch.merge import Collector, read_articles_from_shards, write_aggregates, write_report
from framing.batch.recompute import aggregate_run
from framing.batch.records import validate_record
from framing.batch.run_record import RunContext, run_record
from framing.batch.runtime import peak_rss_mib, use_system_allocator
from framing.batch.shards import (
    check_inputs_outside_outputs,
    explain_stale_shards,
    is_finished,
    out_lock,
    prepare_out,
    run_fingerprint,
    write_shard,
)
from framing.errors import ConfigError, ModelIntegrityError
from framing.features.semantic import missing_extras
from framing.io.readers import Record, check_inputs, expected_documents, iter_records
from framing.model.persist import atomic_write_bytes, bundled_model_path, check_model_file

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


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
    check_inputs_outside_outputs(specs, config.out)
    model = _model_spec(config)
    run = RunContext(config, model, specs, t_start=t_start)
    fingerprint = run_fingerprint(config, specs, model)
    shards = config.out / "shards"
    with contextlib.ExitStack() as stack:
        # Everything is validated (inputs, model, engine) before anything in
        # --out changes; the lock keeps a second run from writing there.
        engine = stack.enter_context(make_engine(config.engine, config.jobs, config.scheduler, model))
        stack.enter_context(out_lock(config.out))
        if config.resume:
            explain_stale_shards(shards, fingerprint)
        prepare_out(config.out, shards, config.resume)
        return _drive(run, fingerprint, engine)


def _drive(run: RunContext, fingerprint: str, engine: Any) -> RunResult:
    config, specs, model, state, timings = run.config, run.specs, run.model, run.state, run.timings
    shards = config.out / "shards"
    collector = Collector(config, shards, timings)
    try:
        run.workers = engine.workers
        tasks = _tasks(run, fingerprint, collector)
        with _progress(config.quiet, None if config.quiet else expected_documents(specs)) as bar:
            for res in engine.map(tasks, model):
                t0 = time.perf_counter()
                errors = state.driver_errors.pop(res.shard, [])
                side = write_shard(shards, res, errors, fingerprint)
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
    return _finish(run, collector, aggregates)


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


def _tasks(run: RunContext, fingerprint: str, collector: Collector) -> Iterator[ShardTask]:
    """The shards still to score, read lazily; counts what it reads into ``run.state``.

    A finished shard (``--resume``) is handed to the collector here instead
    of being yielded, so the merge keeps shard order.
    """
    config, state, timings = run.config, run.state, run.timings
    shards = config.out / "shards"
    records = iter_records(run.specs, config.columns)
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
            doc, error = validate_record(rec, state.seen)
            if error is not None:
                errors.append(error)
            else:
                docs.append(doc)
                state.undated += not doc[2]
        timings["read"] += time.perf_counter() - t0
        if config.resume and is_finished(shards, shard, fingerprint):
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


def _finish(run: RunContext, collector: Collector, aggregates: Aggregates) -> RunResult:
    config, model, state, timings = run.config, run.model, run.state, run.timings
    shards = config.out / "shards"
    out = config.out
    n = state.shards
    t0 = time.perf_counter()
    write_aggregates(out, aggregates)
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
        write_report(
            out,
            aggregates,
            collector.picker,
            lambda ids: read_articles_from_shards(shards, n, ids),
            meta,
        )
        outputs.append("report.html")
    timings["report"] += time.perf_counter() - t0
    timings["total"] = time.perf_counter() - run.t_start
    record = run_record(run, run_counts, outputs)
    atomic_write_bytes(
        out / "run.json", (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    )
    outputs.append("run.json")
    for name in set(FINAL_OUTPUTS) - set(outputs):
        # An earlier run's output this run does not make would read as this run's.
        with contextlib.suppress(FileNotFoundError):
            (out / name).unlink()
    return RunResult(out, run_counts, aggregates, dict(reasons), outputs)


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
