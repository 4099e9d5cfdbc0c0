"""Turn what a user hands to :func:`framing.classify` into one documents table.

Accepted shapes (the public contract):

- a string: one document;
- a sequence of strings: one document each;
- a pandas DataFrame with a ``text`` column and optional ``doc_id`` and
  ``source`` columns;
- a sequence of dicts with ``doc_id``, ``source`` and either ``text`` or
  ``sentences`` (already split; kept exactly as given, in order).

Everything is validated here so that errors name the row and field instead of
surfacing from deep inside pandas or scikit-learn.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

DOC_COLUMNS = ("doc_id", "source", "text", "sentences")

# A single document larger than this is almost certainly a mis-read file
# (a whole archive concatenated), not an article.
MAX_DOC_CHARS = 5_000_000
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
"""A code point that cannot be encoded as UTF-8 (pyarrow and JSON output refuse it)."""


class InputError(ValueError):
    """Raised for input that cannot be scored; the message names row and field."""


def _check_text(value: Any, where: str) -> str:
    if isinstance(value, bytes):
        raise TypeError(f"{where}: text is bytes; decode it first (e.g. value.decode('utf-8'))")
    if not isinstance(value, str):
        raise TypeError(f"{where}: text must be a string, got {type(value).__name__}")
    if len(value) > MAX_DOC_CHARS:
        raise InputError(f"{where}: text has {len(value):,} characters (limit {MAX_DOC_CHARS:,})")
    if LONE_SURROGATE.search(value):
        raise InputError(f"{where}: text holds a lone surrogate (not valid Unicode text)")
    return value


def _check_sentences(value: Any, where: str) -> list[str]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise TypeError(f"{where}: 'sentences' must be a list of strings")
    out = []
    for j, sent in enumerate(value):
        out.append(_check_text(sent, f"{where}, sentence {j}"))
    return out


def key_text(value: Any) -> str | None:
    """The text of a ``doc_id`` or ``source`` cell, under the one rule both uses share.

    The rule, for :func:`framing.classify` and ``framing score`` alike: a
    non-blank string as given; an integer (not a bool) in decimal; an
    integer-valued float as that integer (pandas turns an integer column with
    a gap into floats); ``None`` for a missing value (None, NaN, a blank
    string). Anything else raises :class:`TypeError` with the type's name.
    What a missing value means is the caller's: ``classify`` numbers the row
    (``row-<i>``) or leaves the source empty; the batch job reports a missing
    ``doc_id`` in errors.jsonl, since resuming a run needs ids from the data.

    Examples
    --------
    >>> key_text("a1"), key_text(7), key_text(7.0), key_text(float("nan")), key_text("  ")
    ('a1', '7', '7', None, None)
    >>> key_text(1.5)
    Traceback (most recent call last):
    ...
    TypeError: float
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    raise TypeError(type(value).__name__)


def _doc_id(value: Any, i: int) -> str:
    try:
        key = key_text(value)
    except TypeError as exc:
        raise TypeError(f"row {i}: doc_id must be a string or an integer, got {exc}") from None
    # Not str(i): row 1 without an id would clash with a real id 1.
    return f"row-{i}" if key is None else key


def _source(value: Any, i: int) -> str:
    try:
        key = key_text(value)
    except TypeError as exc:
        raise TypeError(f"row {i}: source must be a string or an integer, got {exc}") from None
    return "" if key is None else key


def to_documents(data: Any) -> pd.DataFrame:
    """Normalise any accepted input into a documents frame.

    Parameters
    ----------
    data : str, sequence of str, DataFrame or sequence of dict
        See the module docstring.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id`` (str), ``source`` (str), ``text`` (str or None) and
        ``sentences`` (list of str or None), one row per document.

    Examples
    --------
    >>> to_documents("Putin said so. Kyiv denied it.").loc[0, "doc_id"]
    '0'
    """
    if data is None:
        raise TypeError("classify() needs text: got None")
    if isinstance(data, bytes):
        raise TypeError("classify() got bytes; decode them first (e.g. data.decode('utf-8'))")
    if isinstance(data, str):
        rows = [{"doc_id": "0", "source": "", "text": _check_text(data, "document 0"), "sentences": None}]
    elif isinstance(data, pd.DataFrame):
        rows = _rows_from_frame(data)
    elif isinstance(data, Mapping):
        raise TypeError("classify() got a single dict; wrap it in a list: classify([doc])")
    elif isinstance(data, Sequence) or hasattr(data, "__iter__"):
        rows = _rows_from_sequence(list(data))
    else:
        raise TypeError(f"classify() cannot read {type(data).__name__}; pass a string, a list or a DataFrame")
    docs = pd.DataFrame(rows, columns=[*DOC_COLUMNS, "error"])
    docs["error"] = [e if isinstance(e, str) else "" for e in docs["error"]]
    dupes = docs["doc_id"][docs["doc_id"].duplicated()]
    if len(dupes):
        raise InputError(f"duplicate doc_id {dupes.iloc[0]!r}: every document needs its own id")
    return docs


def _rows_from_frame(frame: pd.DataFrame) -> list[dict]:
    if "text" not in frame.columns:
        raise InputError(f"DataFrame needs a 'text' column; it has {list(frame.columns)}")
    ids = frame["doc_id"].tolist() if "doc_id" in frame.columns else list(range(len(frame)))
    sources = frame["source"].tolist() if "source" in frame.columns else [""] * len(frame)
    rows = []
    for i, (doc_id, source, text) in enumerate(zip(ids, sources, frame["text"].tolist(), strict=True)):
        missing = text is None or (isinstance(text, float) and text != text)
        rows.append(
            {
                "doc_id": _doc_id(doc_id, i),
                "source": _source(source, i),
                # A missing text is this row's error, shown in the output; the
                # other rows are still labeled.
                "text": None if missing else _check_text(text, f"row {i}, field 'text'"),
                "sentences": None,
                "error": "missing text" if missing else "",
            }
        )
    return rows


def _rows_from_sequence(items: list) -> list[dict]:
    rows = []
    for i, item in enumerate(items):
        if isinstance(item, str | bytes):
            rows.append({"doc_id": str(i), "source": "", "text": _check_text(item, f"document {i}"), "sentences": None})
            continue
        if not isinstance(item, Mapping):
            raise TypeError(f"document {i}: expected a string or a dict, got {type(item).__name__}")
        has_text, has_sents = "text" in item, "sentences" in item
        if has_text == has_sents:
            raise InputError(f"document {i}: give exactly one of 'text' or 'sentences'")
        rows.append(
            {
                "doc_id": _doc_id(item.get("doc_id"), i),
                "source": _source(item.get("source"), i),
                "text": _check_text(item["text"], f"document {i}, field 'text'") if has_text else None,
                "sentences": _check_sentences(item["sentences"], f"document {i}") if has_sents else None,
            }
        )
    return rows


# ---------------------------------------------------------------- sentence tables
# What the estimators take: one row per sentence, ``doc_id`` and ``text``, rows of
# a document contiguous and in reading order.


def doc_bounds(doc_ids: np.ndarray) -> list[tuple[int, int]]:
    """Start and end row of each run of equal doc ids.

    Examples
    --------
    >>> doc_bounds(np.array(["a", "a", "b"]))
    [(0, 2), (2, 3)]
    """
    if len(doc_ids) == 0:
        return []
    change = np.flatnonzero(doc_ids[1:] != doc_ids[:-1]) + 1
    edges = [0, *change.tolist(), len(doc_ids)]
    return list(zip(edges[:-1], edges[1:], strict=True))


def as_sentence_table(X: Any) -> pd.DataFrame:
    """Accept a sentence table, or a list of strings (each its own one-sentence article).

    Examples
    --------
    >>> as_sentence_table(["Putin spoke.", "Kyiv said no."])["doc_id"].tolist()
    [0, 1]
    """
    if isinstance(X, pd.DataFrame):
        return X
    if isinstance(X, str):
        raise TypeError("expected a list of sentences or a sentence table, got one string; wrap it: [text]")
    if isinstance(X, pd.Series | np.ndarray | list | tuple):
        texts = list(X)
        bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
        if bad:
            raise TypeError(f"row {bad[0]}: expected a string, got {type(texts[bad[0]]).__name__}")
        return pd.DataFrame({"doc_id": np.arange(len(texts)), "text": texts})
    raise TypeError(f"expected a sentence table or a list of strings, got {type(X).__name__}")


def documents_of(X: pd.DataFrame) -> list[list[str]]:
    """Group a sentence table into per-document sentence lists, keeping row order.

    Rows of one document must be contiguous (they are, in every table framing
    builds); a document split across the table is an error, since its context
    features would be wrong.

    Examples
    --------
    >>> documents_of(pd.DataFrame({"doc_id": ["a", "a", "b"], "text": ["x", "y", "z"]}))
    [['x', 'y'], ['z']]
    """
    if "text" not in X.columns:
        raise ValueError(f"sentence table needs a 'text' column; it has {list(X.columns)}")
    texts = X["text"].tolist()
    if "doc_id" not in X.columns:
        # Never merge unrelated rows into one article: context features would
        # read one row's quote as the next row's.
        raise ValueError(
            "sentence table needs a 'doc_id' column (rows of one article share it, in reading order); "
            "for a single article pass X.assign(doc_id=0), for unrelated sentences a list of strings"
        )
    ids = X["doc_id"].to_numpy()
    bounds = doc_bounds(ids)
    starts = [ids[a] for a, _ in bounds]
    if len(set(starts)) != len(starts):
        raise ValueError("sentence table: rows of one doc_id must be contiguous and in reading order")
    return [texts[a:b] for a, b in bounds]
