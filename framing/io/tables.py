"""Read a whole table (CSV, JSONL or Parquet) by its extension.

For small tables read at once: labeled data, a folder's manifest. Corpora are
streamed by :mod:`framing.io.readers` instead.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV, JSONL or Parquet table by its extension.

    Examples
    --------
    >>> from framing.training.corpus import default_labels_dir
    >>> read_table(default_labels_dir() / "documents.csv").columns[0]
    'doc_id'
    """
    path = Path(path)
    try:
        return _read_table(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"{path}: cannot read table ({first})") from exc


def _read_table(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(path, dtype={"doc_id": str}, keep_default_na=False)
    if suffix in (".jsonl", ".ndjson"):
        rows = []
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    rows.append(json.loads(line))
                except (ValueError, RecursionError) as exc:
                    raise ValueError(f"{path}, line {n}: not JSON ({exc})") from exc
        frame = pd.DataFrame(rows)
        if "doc_id" in frame:
            frame["doc_id"] = frame["doc_id"].astype(str)
        return frame
    if suffix == ".parquet":
        return pd.read_parquet(path)
    raise ValueError(f"{path}: unsupported table format {suffix!r} (use .csv, .jsonl or .parquet)")
