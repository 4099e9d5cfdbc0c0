"""Per-source aggregates of labeled sentences (boilerplate excluded everywhere)."""

from __future__ import annotations

import pandas as pd

from framing.schema import BOILERPLATE, CONTENT_LABELS


def source_table(sentences: pd.DataFrame) -> pd.DataFrame:
    """Articles, content sentences and label shares per source.

    Examples
    --------
    >>> s = pd.DataFrame({"doc_id": ["a", "a"], "source": ["X", "X"], "text": ["t", "u"],
    ...                   "label": ["reporting", "boilerplate"]})
    >>> source_table(s)[["source", "sentences", "share_reporting"]].values.tolist()
    [['X', 1, 1.0]]
    """
    content = sentences[sentences["label"] != BOILERPLATE]
    rows = []
    for source, g in content.groupby("source", sort=True):
        row = {"source": source, "articles": g["doc_id"].nunique(), "sentences": len(g)}
        for label in CONTENT_LABELS:
            row[f"share_{label}"] = round(float((g["label"] == label).mean()), 3)
        rows.append(row)
    return pd.DataFrame(rows, columns=["source", "articles", "sentences", *(f"share_{c}" for c in CONTENT_LABELS)])
