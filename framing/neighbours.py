"""Stacked context: what the neighbouring sentences look like.

A first-stage linear model scores every sentence; its probabilities for the
previous and next sentence, for the sentence that opened the current
quotation, and the mean over the rest of the article become features of the
final model. This carries a label along a quotation or an attributed summary
that has no cue of its own (LABELING.md: "context matters"). In training the
first-stage probabilities are out-of-fold, grouped by article, so the final
model never sees a neighbour's score that was fitted on that neighbour.
"""

from __future__ import annotations

import numpy as np

from framing.schema import CONTENT_LABELS

PARTS = ("prev", "next", "quote_opener", "article_mean")


def neighbour_names() -> list[str]:
    """Feature names of the stacked context block.

    Examples
    --------
    >>> neighbour_names()[0]
    'neighbours__prev_p_reporting'
    """
    return [f"neighbours__{part}_p_{label}" for part in PARTS for label in CONTENT_LABELS]


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


def neighbour_features(P: np.ndarray, bounds: list[tuple[int, int]], starts_in_quote: np.ndarray) -> np.ndarray:
    """Neighbour probability features for every row.

    Parameters
    ----------
    P : ndarray of shape (n, 4)
        First-stage probabilities in ``CONTENT_LABELS`` order.
    bounds : list of (start, end)
        Row range of each document (:func:`doc_bounds`).
    starts_in_quote : ndarray of bool
        Whether each sentence begins inside an open quotation.

    Returns
    -------
    ndarray of shape (n, 16)

    Examples
    --------
    >>> P = np.array([[0, 0, 0, 1.0], [1.0, 0, 0, 0]])
    >>> neighbour_features(P, [(0, 2)], np.array([False, True]))[1, 8:12].tolist()
    [0.0, 0.0, 0.0, 1.0]
    """
    n, k = P.shape
    out = np.zeros((n, 4 * k), dtype=np.float64)
    for a, b in bounds:
        block = P[a:b]
        m = b - a
        out[a + 1 : b, 0:k] = block[:-1]
        out[a : b - 1, k : 2 * k] = block[1:]
        opener = -1
        for i in range(m):
            if starts_in_quote[a + i]:
                if opener >= 0:
                    out[a + i, 2 * k : 3 * k] = block[opener]
            else:
                opener = i
        if m > 1:
            total = block.sum(axis=0)
            out[a:b, 3 * k : 4 * k] = (total[None, :] - block) / (m - 1)
    return out
