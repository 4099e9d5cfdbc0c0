"""Stream corpora for batch scoring: folders of .txt files, CSV, JSONL, Parquet.

Two steps, kept apart so that every configuration error surfaces before any
document is scored:

1. :func:`check_inputs` opens each input, checks that it is readable, valid
   UTF-8 and has the configured columns, and returns an :class:`InputSpec`
   per input (with a cheap fingerprint used by ``--resume``). Problems raise
   :class:`framing.errors.ConfigError` naming the file and column.
2. :func:`iter_records` streams :class:`Record` tuples in input order, never
   holding more than one block of rows (CSV via pandas ``chunksize``, JSONL
   line by line, Parquet via ``iter_batches``, folders file by file). Values
   are passed on raw; per-document checks (empty text, a number where text
   was expected, duplicate ids) belong to the caller, which reports them per
   document instead of stopping the job.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from framing.errors import ConfigError
from framing.io.columns import DATE_ALTERNATIVES as DATE_ALTERNATIVES
from framing.io.columns import DEFAULT_COLUMNS as DEFAULT_COLUMNS
from framing.io.columns import Columns, resolve_columns
from framing.io.columns import date_column as date_column
from framing.io.tables import read_table

TABLE_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
# Rows read per block; memory per block is this times the size of one row.
BLOCK_ROWS = 1000


@dataclass(frozen=True)
class InputSpec:
    """One checked input: its path, kind and fingerprint."""

    path: Path
    kind: str  # "folder", "csv", "jsonl" or "parquet"
    present: frozenset[str] = field(default_factory=frozenset)
    files: tuple[str, ...] = ()  # folder inputs: .txt file names in reading order

    def fingerprint(self) -> dict:
        """Path, size and modification time of every file read (cheap; see ``--resume``)."""
        paths = [self.path / f for f in self.files] if self.kind == "folder" else [self.path]
        if self.kind == "folder" and (self.path / "manifest.csv").exists():
            paths.append(self.path / "manifest.csv")
        stats = []
        for p in paths:
            st = p.stat()
            stats.append([str(p.resolve()), st.st_size, st.st_mtime_ns])
        return {"path": str(self.path.resolve()), "kind": self.kind, "files": stats}


class Record(NamedTuple):
    """One raw document as read; values are unvalidated."""

    doc_id: Any
    source: Any
    date: Any
    text: Any
    where: str  # "file, row N" for messages
    # Last and defaulted: a record that failed to read has no metadata.
    title: Any = None
    url: Any = None


def check_inputs(paths: Sequence[str | Path], columns: Columns | None = None) -> list[InputSpec]:
    """Check that every input is readable, UTF-8 and has the configured columns.

    Parameters
    ----------
    paths : sequence of path
        Folders of ``.txt`` files (with an optional ``manifest.csv``) and
        ``.csv``, ``.jsonl`` or ``.parquet`` files.
    columns : Columns, optional
        Column names; default ``text``, ``doc_id``, ``source``, ``published``,
        ``title``, ``url``.

    Raises
    ------
    ConfigError
        One line naming the file (and column) that cannot be used.

    Examples
    --------
    >>> [s.kind for s in check_inputs(["labels/seeds"])]  # doctest: +SKIP
    ['folder']
    """
    if not paths:
        raise ConfigError("no inputs given")
    return [_check_one(Path(p), columns or Columns()) for p in paths]


def _check_one(path: Path, columns: Columns) -> InputSpec:
    if not path.exists():
        raise ConfigError(f"input not found: {path}")
    if path.is_dir():
        return _check_folder(path, columns)
    kind = TABLE_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ConfigError(
            f"{path}: unsupported input format {path.suffix!r} (use a folder, .csv, .jsonl or .parquet)"
        )
    if not os.access(path, os.R_OK):
        raise ConfigError(f"{path}: file is not readable")
    if kind != "parquet":
        _check_utf8(path)
    present = {"csv": _csv_columns, "jsonl": _jsonl_columns, "parquet": _parquet_columns}[kind](
        path
    )
    for col in columns.required():
        if col not in present:
            raise ConfigError(
                f"{path}: no column {col!r} (columns: {', '.join(map(str, sorted(present)))})"
            )
    return InputSpec(path, kind, frozenset(present))


def _check_utf8(path: Path) -> None:
    # An incremental decoder checks a large file at disk speed, so an encoding
    # problem stops the job before anything is scored, not halfway through.
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(chunk)
                offset += len(chunk)
            decoder.decode(b"", final=True)
    except (UnicodeDecodeError, OSError) as exc:
        # The incremental decoder may hold bytes of the previous chunk, so
        # the position is approximate.
        raise _read_error(path, exc, offset, exact=False) from exc


def _read_error(path: Path, exc: UnicodeDecodeError | OSError, offset: int = 0, exact: bool = True) -> ConfigError:
    """The one-line configuration error for a file that cannot be read as UTF-8 text."""
    if isinstance(exc, UnicodeDecodeError):
        where = "at" if exact else "near"
        return ConfigError(f"{path}: not valid UTF-8 ({exc.reason} {where} byte {offset + exc.start})")
    return ConfigError(f"{path}: cannot read ({exc.strerror})")


def _csv_columns(path: Path) -> set[str]:
    try:
        header = pd.read_csv(path, nrows=0, encoding="utf-8-sig")
    except pd.errors.EmptyDataError as exc:
        raise ConfigError(f"{path}: empty CSV file (no header row)") from exc
    except (pd.errors.ParserError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot parse CSV header ({_first_line(exc)})") from exc
    return {str(c) for c in header.columns}


def _jsonl_columns(path: Path) -> set[str]:
    # Lines may differ in keys; the first object stands for the file, and a
    # later line without the text field is a per-document error.
    with path.open(encoding="utf-8-sig") as fh:
        for line in fh:
            if not line.strip():
                continue
            obj = _json_object(line)
            # A bad line is a per-document error wherever it stands (the
            # reader reports it); the first good object names the columns.
            if isinstance(obj, dict):
                return set(obj)
    raise ConfigError(f"{path}: no line holds a JSON object")


def _parquet_columns(path: Path) -> set[str]:
    try:
        return set(pq.ParquetFile(path).schema_arrow.names)
    except (pa.ArrowException, OSError) as exc:
        raise ConfigError(f"{path}: not a readable Parquet file ({_first_line(exc)})") from exc


def _check_folder(path: Path, columns: Columns) -> InputSpec:
    manifest = path / "manifest.csv"
    if manifest.exists():
        _check_utf8(manifest)
        meta = _read_manifest(manifest)
        for col in (c for c in columns.required() if c != columns.text):
            if col not in meta.columns:
                raise ConfigError(
                    f"{manifest}: no column {col!r} (columns: {', '.join(map(str, meta.columns))})"
                )
        files = tuple(str(f) for f in meta["file"])
        present = frozenset(meta.columns)
    else:
        files = tuple(sorted(p.name for p in path.glob("*.txt")))
        present = frozenset({"file"})
        if not files:
            raise ConfigError(f"{path}: folder has no .txt files and no manifest.csv")
    for name in files:
        _check_folder_file(path, name, manifest)
    return InputSpec(path, "folder", present, files)


def _read_manifest(manifest: Path) -> pd.DataFrame:
    meta = read_table(manifest)
    if "file" not in meta.columns:
        raise ConfigError(
            f"{manifest}: no column 'file' (columns: {', '.join(map(str, meta.columns))})"
        )
    return meta


def _check_folder_file(folder: Path, name: str, manifest: Path) -> None:
    file = folder / name
    # A manifest entry must name a file inside the folder: "../x" or an
    # absolute path would make a data cell choose what gets read.
    if Path(name).is_absolute() or ".." in Path(name).parts or not name:
        raise ConfigError(f"{manifest}: file entry {name!r} must be a name inside {folder}")
    if not file.is_file():
        raise ConfigError(f"{manifest}: listed file not found: {file}")
    # A symlink (to a file, or a linked subfolder) must not lead outside the
    # corpus folder: its target's text would land in the outputs.
    if not file.resolve().is_relative_to(folder.resolve()):
        raise ConfigError(f"{file}: resolves outside {folder} ({file.resolve()}); refusing to read it")
    if not os.access(file, os.R_OK):
        raise ConfigError(f"{file}: file is not readable")
    _check_utf8(file)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def iter_records(specs: Sequence[InputSpec], columns: Columns | None = None) -> Iterator[Record]:
    """Stream raw records from checked inputs, in input order.

    Parameters
    ----------
    specs : sequence of InputSpec
        From :func:`check_inputs`.
    columns : Columns, optional

    Yields
    ------
    Record
        ``doc_id, source, date, text, where, title, url``; a column absent
        from the input gives ``None`` except the id, which defaults to
        ``"<file>:<row>"``.

    Examples
    --------
    >>> recs = list(iter_records(check_inputs(["labels/seeds"])))  # doctest: +SKIP
    >>> recs[0].source  # doctest: +SKIP
    'The Sun'
    """
    columns = columns or Columns()
    readers = {
        "folder": _iter_folder,
        "csv": _iter_csv,
        "jsonl": _iter_jsonl,
        "parquet": _iter_parquet,
    }
    for spec in specs:
        yield from readers[spec.kind](spec, resolve_columns(spec, columns))


def _iter_folder(spec: InputSpec, columns: Columns) -> Iterator[Record]:
    manifest = spec.path / "manifest.csv"
    if manifest.exists():
        meta = _read_manifest(manifest)
        rows = meta.to_dict("records")
    else:
        rows = [{"file": f} for f in spec.files]
    for row in rows:
        name = str(row["file"])
        file = spec.path / name
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (UnicodeDecodeError, OSError) as exc:
            raise _read_error(file, exc) from exc
        doc_id = row.get(columns.doc_id, Path(name).stem)
        yield Record(
            doc_id,
            row.get(columns.source),
            row.get(columns.date),
            text,
            str(file),
            row.get(columns.title),
            row.get(columns.url),
        )


def _iter_csv(spec: InputSpec, columns: Columns) -> Iterator[Record]:
    # All columns are read (not usecols) so that a row with extra fields is a
    # parser error instead of being cut silently; such a file is then read
    # again row by row, and each bad row becomes one document's error.
    reader = pd.read_csv(
        spec.path, dtype=str, keep_default_na=False, encoding="utf-8-sig", chunksize=BLOCK_ROWS
    )
    row = 0
    try:
        for block in reader:
            cols = {c: block[c].tolist() for c in _wanted(columns) if c in block.columns}
            yield from _block_records(cols, len(block), row, spec, columns)
            row += len(block)
    except pd.errors.ParserError as exc:
        yield from _iter_csv_rows(spec, columns, row, "EOF inside string" in str(exc))


def _iter_csv_rows(spec: InputSpec, columns: Columns, skip: int, eof_in_quote: bool) -> Iterator[Record]:
    """The slow path for a malformed CSV: Python's csv module, one row at a time."""
    with spec.path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        records = []
        line = reader.line_num
        for i, fields in enumerate(reader, start=1):
            first_line, line = line + 1, reader.line_num
            if i <= skip:
                continue
            where = f"{spec.path}, row {i} (line {first_line})"
            if len(fields) != len(header):
                bad = Unreadable(f"{len(fields)} fields where the header has {len(header)}")
                records.append(Record(None, None, None, bad, where))
                continue
            cell = dict(zip(header, fields, strict=True))
            records.append(
                Record(
                    cell.get(columns.doc_id, f"{spec.path.name}:{i}"),
                    cell.get(columns.source),
                    cell.get(columns.date),
                    cell.get(columns.text),
                    where,
                    cell.get(columns.title),
                    cell.get(columns.url),
                )
            )
            if len(records) >= BLOCK_ROWS:
                yield from records[:-1]
                records = records[-1:]
        if records and eof_in_quote and line > first_line:
            # The last row swallowed the rest of the file inside a quote.
            last = records.pop()
            records.append(Record(None, None, None, Unreadable(
                f"a quote opened in this row never closes (runs to the end of the file at line {line})"
            ), last.where))
        yield from records


def _iter_jsonl(spec: InputSpec, columns: Columns) -> Iterator[Record]:
    name = spec.path.name
    with spec.path.open(encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"{spec.path}, line {n}"
            obj = _json_object(line)
            if isinstance(obj, Unreadable):
                # One bad line is one failed document, not a failed job.
                yield Record(None, None, None, obj, where)
                continue
            yield Record(
                obj.get(columns.doc_id, f"{name}:{n}"),
                obj.get(columns.source),
                obj.get(columns.date),
                obj.get(columns.text, Unreadable(f"no field {columns.text!r}")),
                where,
                obj.get(columns.title),
                obj.get(columns.url),
            )


def _json_object(line: str) -> dict | Unreadable:
    """Parse one JSONL line; any failure is a reason, never an exception."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return Unreadable(f"not JSON ({exc.msg})")
    except RecursionError:
        return Unreadable("not JSON (nested too deeply)")
    except ValueError as exc:  # e.g. an integer past Python's digit limit
        return Unreadable(f"not JSON ({_first_line(exc)})")
    if not isinstance(obj, dict):
        return Unreadable("line is not a JSON object")
    return obj


def _iter_parquet(spec: InputSpec, columns: Columns) -> Iterator[Record]:
    wanted = [c for c in _wanted(columns) if c in spec.present]
    row = 0
    try:
        for batch in pq.ParquetFile(spec.path).iter_batches(
            batch_size=BLOCK_ROWS, columns=list(dict.fromkeys(wanted))
        ):
            yield from _block_records(batch.to_pydict(), batch.num_rows, row, spec, columns)
            row += batch.num_rows
    except (pa.ArrowException, OSError) as exc:
        raise ConfigError(
            f"{spec.path}: cannot read Parquet after row {row} ({_first_line(exc)})"
        ) from exc


def _block_records(
    cols: dict, n: int, offset: int, spec: InputSpec, columns: Columns
) -> Iterator[Record]:
    name = spec.path.name
    ids = cols.get(columns.doc_id) or [f"{name}:{offset + i + 1}" for i in range(n)]
    none = [None] * n
    sources, dates = cols.get(columns.source, none), cols.get(columns.date, none)
    titles, urls = cols.get(columns.title, none), cols.get(columns.url, none)
    texts = cols[columns.text]
    for i in range(n):
        where = f"{spec.path}, row {offset + i + 1}"
        yield Record(ids[i], sources[i], dates[i], texts[i], where, titles[i], urls[i])


def _wanted(columns: Columns) -> tuple[str, ...]:
    """The columns a table reader reads (the others are left on disk)."""
    return (columns.doc_id, columns.source, columns.date, columns.text, columns.title, columns.url)


@dataclass(frozen=True)
class Unreadable:
    """Stands in for the text of a record that could not be read, with the reason."""

    reason: str


def expected_documents(specs: Sequence[InputSpec]) -> int | None:
    """How many documents the inputs hold, when that is cheap to know (for a progress total).

    Folders count their files, Parquet its row metadata, JSONL its non-blank
    lines (one fast pass over the bytes); a CSV, whose quoted cells may hold
    line breaks, makes the total unknown (``None``).

    Examples
    --------
    >>> expected_documents(check_inputs(["labels/seeds"]))  # doctest: +SKIP
    5
    """
    total = 0
    for spec in specs:
        if spec.kind == "folder":
            total += len(spec.files)
        elif spec.kind == "parquet":
            total += pq.ParquetFile(spec.path).metadata.num_rows
        elif spec.kind == "jsonl":
            with spec.path.open("rb") as fh:
                total += sum(1 for line in fh if line.strip())
        else:
            return None
    return total
