"""CSV files a spreadsheet can open safely, and read back exactly."""

from __future__ import annotations

import csv

import pandas as pd

# Cells a spreadsheet would run as a formula (or that hide one behind a tab or CR).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Neutralise text cells a spreadsheet would run as a formula.

    A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return gets a leading single quote, so spreadsheets show it as text.

    Examples
    --------
    >>> csv_safe(pd.DataFrame({"a": ["=1+1", "ok", "-x"], "n": [-1, 2, 3]}))["a"].tolist()
    ["'=1+1", 'ok', "'-x"]
    """
    return _map_text_columns(frame, _neutralise)


def _neutralise(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_restore(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`csv_safe` on a frame read back from a framing CSV file.

    Examples
    --------
    >>> csv_restore(csv_safe(pd.DataFrame({"a": ["=1+1", "'ok", "x"]})))["a"].tolist()
    ['=1+1', "'ok", 'x']
    """
    return _map_text_columns(frame, _restore)


def _map_text_columns(frame: pd.DataFrame, fn) -> pd.DataFrame:
    """Apply ``fn`` to every cell of the frame's text columns (a copy)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(fn).astype(object)
    return out


def _restore(value):
    if (
        isinstance(value, str)
        and value.startswith("'")
        and value[1:2]
        and value[1] in _FORMULA_START
    ):
        return value[1:]
    return value


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as UTF-8 CSV with formula cells neutralised (:func:`csv_safe`).

    Examples
    --------
    >>> to_csv_bytes(pd.DataFrame({"a": ["@x"]}))
    b"a\\n'@x\\n"
    """
    safe = csv_safe(frame)
    # The csv module quotes a field for "\n" but not for a bare "\r", which a
    # reader then takes as a row break: quote every field when one holds it.
    has_cr = any(
        safe[c].astype(str).str.contains("\r", regex=False).any()
        for c in safe.columns
        if safe[c].dtype == object or pd.api.types.is_string_dtype(safe[c])
    )
    return safe.to_csv(index=False, quoting=csv.QUOTE_ALL if has_cr else csv.QUOTE_MINIMAL).encode("utf-8")
