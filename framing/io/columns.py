"""Which input columns ``framing score`` reads, and the optional article metadata.

:class:`Columns` holds the configured names (``--text-col``, ``--id-col``,
``--source-col``, ``--date-col``, ``--title-col``, ``--url-col``);
:func:`resolve_columns` fits them to one input: a name the user gave is used
as given, while a default name the input lacks falls back to a common other
name (a ``date`` column for the date, ``headline`` for the title, ``link``
for the URL).

The title and URL are copied onto every sentence row of their article
(columns ``title`` and ``url`` of the sentences file), so report.html's
article headings show them. Both are optional: an input without them gives
empty strings, and a malformed value never fails a document, since it is
metadata, not the text being scored (:func:`meta_text`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from framing.io.documents import LONE_SURROGATE

if TYPE_CHECKING:
    from framing.io.readers import InputSpec

DEFAULT_COLUMNS = {
    "text": "text",
    "doc_id": "doc_id",
    "source": "source",
    "date": "published",
    "title": "title",
    "url": "url",
}


@dataclass(frozen=True)
class Columns:
    """Column names in the inputs, and which of them the user named explicitly.

    A column left at its default name may be absent (ids then come from the
    file name and row, the source, title and URL are empty, the date
    unknown); a column the user named must exist. The text column must
    always exist.

    Examples
    --------
    >>> Columns(text="body").required()
    ('body',)
    """

    text: str = "text"
    doc_id: str = "doc_id"
    source: str = "source"
    date: str = "published"
    title: str = "title"
    url: str = "url"

    def required(self) -> tuple[str, ...]:
        """The text column plus every column renamed from its default."""
        named = [
            getattr(self, k)
            for k in ("doc_id", "source", "date", "title", "url")
            if getattr(self, k) != DEFAULT_COLUMNS[k]
        ]
        return (self.text, *named)


DATE_ALTERNATIVES = ("date", "pubdate", "published_at", "publication_date", "timestamp")
"""Column names taken as the publication date when ``--date-col`` is left at its default and absent."""


TITLE_ALTERNATIVES = ("headline", "heading", "article_title")
"""Column names taken as the title when ``--title-col`` is left at its default and absent."""
URL_ALTERNATIVES = ("link", "permalink", "article_url", "web_url")
"""Column names taken as the URL when ``--url-col`` is left at its default and absent."""
ALTERNATIVES: dict[str, tuple[str, ...]] = {"title": TITLE_ALTERNATIVES, "url": URL_ALTERNATIVES}

MAX_META_CHARS = 2000
"""Longer titles and URLs are cut: the value is repeated on every sentence row
of its article, so a whole article pasted into a title cell would multiply the
output's size."""


def date_column(spec: InputSpec, columns: Columns) -> Columns:
    """``columns`` with the date column this input actually has.

    A manifest or table whose dates sit under a common other name ("date",
    "pubdate", ...) is read as dated instead of silently undated; an
    explicit ``--date-col`` is always kept.

    Examples
    --------
    >>> from pathlib import Path
    >>> from framing.io.readers import InputSpec
    >>> spec = InputSpec(Path("x.csv"), "csv", frozenset({"text", "date"}))
    >>> date_column(spec, Columns()).date
    'date'
    """
    if columns.date != DEFAULT_COLUMNS["date"] or columns.date in spec.present:
        return columns
    for name in DATE_ALTERNATIVES:
        if name in spec.present:
            return replace(columns, date=name)
    return columns


def resolve_columns(spec: InputSpec, columns: Columns) -> Columns:
    """``columns`` with the date, title and URL columns this input actually has.

    The date as in :func:`date_column`; the title and URL by
    :func:`pick_column` (``headline`` for a title, ``link`` for a URL, or
    the default names in other case, such as ``URL``).

    Examples
    --------
    >>> from pathlib import Path
    >>> from framing.io.readers import InputSpec
    >>> spec = InputSpec(Path("x.jsonl"), "jsonl", frozenset({"text", "headline", "link"}))
    >>> c = resolve_columns(spec, Columns())
    >>> c.title, c.url
    ('headline', 'link')
    """
    columns = date_column(spec, columns)
    picked = {
        key: pick_column(spec.present, getattr(columns, key), DEFAULT_COLUMNS[key], alts)
        for key, alts in ALTERNATIVES.items()
    }
    return replace(columns, **picked)


def pick_column(
    present: Collection[str], name: str, default: str, alternatives: Sequence[str]
) -> str:
    """The column to read for one optional field of one input.

    An explicitly named column (``name != default``) is kept as given. The
    default name is kept when the input has it; otherwise the first of
    ``alternatives`` the input has, then the first whose name matches
    ignoring case (``Title``, ``URL``, ``Headline`` are common in exported
    spreadsheets). With none present the default name is returned, and reads
    as an absent column.

    Parameters
    ----------
    present : collection of str
        The input's column (or JSON field) names.
    name : str
        The configured name (``--title-col``, ``--url-col``).
    default : str
        That option's default.
    alternatives : sequence of str
        Other common names, in order of preference.

    Returns
    -------
    str
        The column name to read.

    Examples
    --------
    >>> pick_column({"text", "headline"}, "title", "title", TITLE_ALTERNATIVES)
    'headline'
    >>> pick_column({"text", "URL"}, "url", "url", URL_ALTERNATIVES)
    'URL'
    >>> pick_column({"text", "headline"}, "name", "title", TITLE_ALTERNATIVES)
    'name'
    """
    if name != default or name in present:
        return name
    for alt in alternatives:
        if alt in present:
            return alt
    folded = {str(c).casefold(): str(c) for c in sorted(present, key=str)}
    for alt in (default, *alternatives):
        if alt.casefold() in folded:
            return folded[alt.casefold()]
    return name


def meta_text(value: Any, limit: int = MAX_META_CHARS) -> str:
    """A title or URL cell as clean one-line text; ``""`` when missing or unusable.

    Strings are stripped and their white-space runs (line breaks included)
    become one space; numbers become their text; anything else (lists,
    dicts from JSON) is dropped rather than failing the document. A lone
    surrogate is written as its escape, since the Parquet and JSON writers
    refuse it.

    Parameters
    ----------
    value : object
        The raw cell as read.
    limit : int
        Longest value kept, in characters (see :data:`MAX_META_CHARS`).

    Returns
    -------
    str

    Examples
    --------
    >>> meta_text("  Kyiv\\n  under fire ")
    'Kyiv under fire'
    >>> meta_text(None), meta_text(float("nan")), meta_text(["a"])
    ('', '', '')
    >>> meta_text(2022)
    '2022'
    """
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return ""
    text = " ".join(value.split())
    if LONE_SURROGATE.search(text):
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text[:limit]
