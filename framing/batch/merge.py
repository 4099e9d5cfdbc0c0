"""Folding finished shards into the final files, and picking the report's articles."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from framing.aggregate.accumulator import Accumulator, Aggregates
from framing.aggregate.summaries import Summary
from framing.batch.config import SHARD_NAME, ScoreConfig
from framing.batch.runtime import trim_memory
from framing.io.csv_safety import to_csv_bytes
from framing.model.persist import atomic_write_bytes
from framing.report.page import Article, render_report
from framing.schema import SENTENCE_FILE_COLUMNS, SENTENCE_SCHEMA


class Collector:
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
        self.picker = ArticlePicker(config.report_articles)
        self.lexicon_dirs: tuple = ()
        self.final = {n: config.out / n for n in (self.sentences_name, "errors.jsonl")}
        self.tmp = {n: p.with_name(f".{n}.{os.getpid()}.tmp") for n, p in self.final.items()}
        self._errors = open(self.tmp["errors.jsonl"], "w", encoding="utf-8")
        if self.csv:
            self._sentences = open(self.tmp[self.sentences_name], "wb")
            self._sentences.write(to_csv_bytes(pd.DataFrame(columns=list(SENTENCE_FILE_COLUMNS))))
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
            self.reasons[reason_kind(err["reason"])] += 1
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


def reason_kind(reason: str) -> str:
    """The kind of an error reason, without its details (for the per-reason counts).

    Examples
    --------
    >>> reason_kind("document too long (6,000,000 characters; limit 5,000,000)")
    'document too long'
    """
    return reason.split(" (")[0].split(":")[0]


def write_aggregates(out: Path, aggregates: Aggregates) -> None:
    """Write ``aggregates.csv``, ``pairwise.csv`` and ``aggregates.json`` into ``out``.

    Examples
    --------
    >>> write_aggregates(Path("runs/demo"), aggregates)  # doctest: +SKIP
    """
    atomic_write_bytes(out / "aggregates.csv", to_csv_bytes(aggregates.table))
    atomic_write_bytes(out / "pairwise.csv", to_csv_bytes(aggregates.pairwise))
    atomic_write_bytes(out / "aggregates.json", aggregates.to_json().encode("utf-8"))


class ArticlePicker:
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


def write_report(
    out: Path, aggregates: Aggregates, picker: ArticlePicker, read_articles, meta: dict
) -> None:
    """Write ``report.html``: the picked articles, read by ``read_articles``, and the aggregates.

    Examples
    --------
    >>> write_report(out, aggregates, picker, read_articles, meta)  # doctest: +SKIP
    """
    chosen = picker.chosen()
    articles = read_articles(set(chosen))
    order = {d: i for i, d in enumerate(chosen)}
    articles.sort(key=lambda a: order[a.doc_id])
    meta = {**meta, "created": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    page = render_report(aggregates, articles, meta, total_articles=picker.total)
    atomic_write_bytes(out / "report.html", page.encode("utf-8"))


def read_articles_from_shards(shards: Path, n: int, wanted: set[str]) -> list[Article]:
    """The articles with ids in ``wanted``, read from the run's ``n`` shard files.

    Examples
    --------
    >>> read_articles_from_shards(Path("runs/demo/shards"), 1, {"a1"})  # doctest: +SKIP
    """
    frames = (
        pq.read_table(shards / f"{SHARD_NAME.format(k)}.parquet").to_pandas() for k in range(n)
    )
    return collect_articles(frames, wanted)


def collect_articles(frames, wanted: set[str]) -> list[Article]:
    """The articles with ids in ``wanted`` from sentence frames, each article's rows together.

    Examples
    --------
    >>> rows = pd.DataFrame({"doc_id": ["a"], "source": ["X"], "published": [""]})
    >>> [a.doc_id for a in collect_articles([rows], {"a"})]
    ['a']
    """
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
