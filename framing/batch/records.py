"""One input record -> a document tuple for a shard, or an error naming the reason."""

from __future__ import annotations

import math
import re
import warnings
from datetime import date, datetime
from typing import Any

import pandas as pd

from framing.io.columns import meta_text
from framing.io.documents import LONE_SURROGATE, MAX_DOC_CHARS, key_text
from framing.io.readers import Record, Unreadable

_ISO_DATE = re.compile(r"^(\d{4})[-/](\d{2})(?:[-/](\d{2}))?")


_YEARS = re.compile(r"\b\d{4}\b")


def validate_record(rec: Record, seen: set[str]) -> tuple[tuple | None, dict | None]:
    """One record -> a document tuple, or an error naming the reason.

    ``doc_id`` and ``source`` follow :func:`framing.io.documents.key_text`, the
    rule :func:`framing.classify` uses too; a missing ``doc_id`` is an error here.

    ``seen`` holds the ids accepted so far in the run; an accepted id is added.
    The tuple is ``(doc_id, source, published, text, where, title, url)``.

    Examples
    --------
    >>> from framing.io.readers import Record
    >>> validate_record(Record(7, "Sun", "2022-03-04", "Text.", "row 1"), set())[0][:3]
    ('7', 'Sun', '2022-03-04')
    """
    try:
        doc_id, bad_id = key_text(rec.doc_id), None
    except TypeError as exc:
        doc_id, bad_id = None, str(exc)
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
        return fail("missing doc_id" if bad_id is None else f"doc_id is not text or an integer ({bad_id})")
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
    try:
        source = key_text(rec.source) or ""
    except TypeError as exc:
        return fail(f"non-text cell in the source column ({exc})")
    for field_name, value in (("doc_id", doc_id), ("source", source), ("text", text)):
        if isinstance(value, str) and LONE_SURROGATE.search(value):
            # pyarrow cannot encode a lone surrogate: it would fail the shard.
            return fail(f"{field_name} holds a lone surrogate (not valid Unicode text)")
    if doc_id in seen:
        return fail("duplicate doc_id (the first document with this id was kept)")
    seen.add(doc_id)
    published = published_date(rec.date)
    return (doc_id, source, published, text, rec.where, meta_text(rec.title), meta_text(rec.url)), None


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def published_date(value: Any) -> str:
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
