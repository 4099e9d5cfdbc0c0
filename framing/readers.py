"""Read corpora for batch scoring: folders of .txt files, CSV, JSONL, Parquet."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from framing.corpus import read_table
from framing.errors import ConfigError


def read_folder(folder: Path, text_col: str = "text") -> pd.DataFrame:
    """Read a folder of ``.txt`` files, with ``manifest.csv`` when present.

    The manifest gives ``doc_id``, ``file``, ``source`` and ``published`` per
    file; without one, the file stem is the doc_id and the source is empty.

    Examples
    --------
    >>> read_folder(Path("labels/texts")).shape[0] >= 5  # doctest: +SKIP
    True
    """
    manifest = folder / "manifest.csv"
    if manifest.exists():
        meta = read_table(manifest)
        if "file" not in meta.columns:
            raise ConfigError(f"{manifest}: needs a 'file' column")
    else:
        files = sorted(p.name for p in folder.glob("*.txt"))
        meta = pd.DataFrame({"file": files, "doc_id": [Path(f).stem for f in files]})
    if "doc_id" not in meta.columns:
        meta["doc_id"] = [Path(f).stem for f in meta["file"]]
    texts = []
    for name in meta["file"]:
        path = folder / str(name)
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"{manifest}: listed file not found: {path}") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from exc
    meta[text_col] = texts
    return meta


def read_input(path: str | Path, text_col: str = "text") -> pd.DataFrame:
    """Read one input (folder or table file) into a documents frame.

    Examples
    --------
    >>> read_input("corpus.jsonl")  # doctest: +SKIP
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"input not found: {path}")
    if path.is_dir():
        return read_folder(path, text_col)
    try:
        frame = read_table(path)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from exc
    if text_col not in frame.columns:
        raise ConfigError(f"{path}: no column {text_col!r} (columns: {', '.join(map(str, frame.columns))})")
    return frame
