"""Names shared by every stage: the label set and the output columns.

The label set is the product contract (LABELING.md); it is fixed here rather
than read from a file because changing it changes the meaning of every model
and aggregate.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

BOILERPLATE = "boilerplate"
CONTENT_LABELS: tuple[str, ...] = (
    "reporting",
    "official_claim",
    "editorialising",
    "propaganda_echo",
)
LABELS: tuple[str, ...] = (BOILERPLATE, *CONTENT_LABELS)
PROBA_COLUMNS: tuple[str, ...] = tuple(f"p_{label}" for label in LABELS)
"""One probability per label, in ``LABELS`` order, summing to one: the columns of
``FramingClassifier.predict_proba`` and of :func:`framing.classify` alike."""
OUTPUT_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "source",
    "sent_idx",
    "para",
    "start",
    "end",
    "text",
    "label",
    *PROBA_COLUMNS,
    "evidence",
)
"""The sentence columns of :func:`framing.classify` and of ``framing score``'s
sentences file. ``para`` is the sentence's 0-based paragraph in its document
(a line break starts a new one; see :func:`framing.text.sentences.paragraph_indices`)."""

CLASSIFY_COLUMNS: tuple[str, ...] = (*OUTPUT_COLUMNS, "error")
"""Columns of :func:`framing.classify`: the sentence columns plus a per-document ``error``
(a DataFrame input also gets ``doc_index`` first)."""


# Per-article values repeated on each sentence row: the date, and the title
# and URL that report.html's headings show (empty when the input has none).
ARTICLE_COLUMNS = ("published", "title", "url")
SENTENCE_FILE_COLUMNS: tuple[str, ...] = (*OUTPUT_COLUMNS, *ARTICLE_COLUMNS)
"""Columns of ``framing score``'s sentences file and shards, in order."""
SENTENCE_SCHEMA = pa.schema(
    [
        (
            name,
            pa.int64()
            if name in ("sent_idx", "para", "start", "end")
            else pa.float64()
            if name in PROBA_COLUMNS
            else pa.string(),
        )
        for name in SENTENCE_FILE_COLUMNS
    ]
)
"""Arrow types of :data:`SENTENCE_FILE_COLUMNS`; a shard with another schema is scored again."""


# ---------------------------------------------------------------- display


@dataclass(frozen=True)
class LabelStyle:
    """How a label is shown in report.html and in the notebook figures.

    Colour is never the only cue: every label also has initials (the chip
    after each sentence in the report) and an underline style, so the labels
    stay apart in greyscale print and for colour-blind readers.

    Attributes
    ----------
    name : str
        The label in words.
    colour : str
        Strong colour (bars, lines, chips), ``#rrggbb``.
    tint : str
        Light background of a highlighted sentence, ``#rrggbb``.
    initials : str
        One or two letters shown beside each sentence and in the legend.
    underline : str
        CSS ``text-decoration-style`` of a highlighted sentence.
    dash : str
        SVG ``stroke-dasharray`` of the label's line in the trend chart ("" for solid).

    Examples
    --------
    >>> LABEL_DISPLAY["propaganda_echo"].initials
    'PE'
    """

    name: str
    colour: str
    tint: str
    initials: str
    underline: str
    dash: str = ""

    def text_decoration(self) -> str:
        """CSS ``text-decoration`` of a highlighted sentence (report.html and notebook snippets alike).

        The shorthand resets the thickness, so it is part of the value.

        Examples
        --------
        >>> LABEL_DISPLAY["official_claim"].text_decoration()
        'underline double #009e73 2px'
        """
        return "none" if self.underline == "none" else f"underline {self.underline} {self.colour} 2px"


# Okabe & Ito (2008), "Color Universal Design": the strong colours stay distinct
# under the common colour-vision deficiencies. A content label's tint is its
# colour at 25% on white, light enough for black text on top.
LABEL_DISPLAY: dict[str, LabelStyle] = {
    "reporting": LabelStyle("reporting", "#0072b2", "#bfdcec", "R", "solid"),
    "official_claim": LabelStyle("official claim", "#009e73", "#bfe7dc", "OC", "double", "6 3"),
    "editorialising": LabelStyle("editorialising", "#e69f00", "#f9e7bf", "E", "dotted", "2 3"),
    "propaganda_echo": LabelStyle("propaganda echo", "#cc79a7", "#f2dee9", "PE", "wavy", "8 3 2 3"),
    BOILERPLATE: LabelStyle("boilerplate", "#999999", "#eeeeee", "B", "none", "1 3"),
}
"""Display name, colours, initials and underline of every label, in one place."""

MUTED_TEXT = "#595959"
"""Text colour of a boilerplate sentence wherever sentences are highlighted."""
