"""``framing aggregate``: recompute a finished run's aggregates and report from its sentences file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from framing.aggregate.accumulator import Accumulator, Aggregates
from framing.aggregate.summaries import summarise
from framing.batch.config import REPORT_ARTICLES
from framing.batch.merge import ArticlePicker, collect_articles, write_aggregates, write_report
from framing.errors import ConfigError
from framing.io.csv_safety import csv_restore
from framing.lexicon.terms import load_lexicons
from framing.schema import PROBA_COLUMNS


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
    picker = ArticlePicker(run["arguments"].get("report_articles", REPORT_ARTICLES))
    for block in article_blocks(path):
        summary = summarise(block, lexicon)
        acc.add(summary)
        picker.offer(summary.docs)
    aggregates = acc.result()
    write_aggregates(run_dir, aggregates)
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
        write_report(
            run_dir,
            aggregates,
            picker,
            lambda ids: collect_articles(article_blocks(path), ids),
            meta,
        )
    return aggregates


def article_blocks(path: Path, rows: int = 50_000) -> Iterator[pd.DataFrame]:
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
