"""Names shared by every stage: the label set and the output columns.

The label set is the product contract (LABELING.md); it is fixed here rather
than read from a file because changing it changes the meaning of every model
and aggregate.
"""

from __future__ import annotations

BOILERPLATE = "boilerplate"
CONTENT_LABELS: tuple[str, ...] = (
    "reporting",
    "official_claim",
    "editorialising",
    "propaganda_echo",
)
LABELS: tuple[str, ...] = (BOILERPLATE, *CONTENT_LABELS)
PROBA_COLUMNS: tuple[str, ...] = tuple(f"p_{label}" for label in CONTENT_LABELS)
OUTPUT_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "source",
    "sent_idx",
    "start",
    "end",
    "text",
    "label",
    *PROBA_COLUMNS,
    "evidence",
)

CLASSIFY_COLUMNS: tuple[str, ...] = (*OUTPUT_COLUMNS, "error")
"""Columns of :func:`framing.classify`: the sentence columns plus a per-document ``error``
(a DataFrame input also gets ``doc_index`` first)."""
