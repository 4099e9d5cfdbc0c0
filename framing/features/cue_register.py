"""Cue group ``register``: what kind of article a sentence stands in.

Wire copy, opinion pieces, state media and propaganda sites differ less in any
one sentence than in the mix around it: how much of the article is
attributed or quoted, how often the writer's own judgement words and a
party's narrative terms appear, how the neighbourhood reads. Each column is
a share over the *other* sentences of the document (or of the two sentences
on either side), so a sentence's own cues are never counted twice.
"""

from __future__ import annotations

import numpy as np

from framing.features.view import BatchView
from framing.lexicon.terms import PLAIN_ROLE, Lexicon

WINDOW = 2
"""Sentences on either side that make a sentence's neighbourhood."""


def columns(lexicon: Lexicon) -> list[str]:
    """The group's columns (the same for every lexicon).

    Examples
    --------
    >>> "reg__doc_attributed" in columns(None)
    True
    """
    return [
        "reg__doc_attributed",
        "reg__doc_quoted",
        "reg__doc_writer_terms",
        "reg__doc_narrative",
        "reg__doc_exclaim_question",
        "reg__near_attributed",
        "reg__near_writer_terms",
        "reg__near_narrative",
        "reg__doc_length",
    ]


def indicators(view: BatchView) -> dict[str, np.ndarray]:
    """Per-sentence 0/1 indicators whose shares describe an article's register.

    Examples
    --------
    >>> from framing.lexicon.terms import load_lexicons
    >>> v = BatchView.build(["The tyrant lied.", "Kyiv said no."], np.array([2]), [(0, 2)], load_lexicons())
    >>> {k: x.tolist() for k, x in indicators(v).items() if k in ("attributed", "writer_terms")}
    {'attributed': [0.0, 1.0], 'writer_terms': [1.0, 0.0]}
    """
    h = view.hits
    rows, _ = view.narrative_rows
    return {
        "attributed": view.attributed.astype(np.float64),
        "quoted": (view.quoted_share > 0.5).astype(np.float64),
        # Loaded words, hedges and intensifiers in the writer's voice.
        "writer_terms": (view.count(h.rows[view.having(PLAIN_ROLE) & ~h.inside]) > 0).astype(np.float64),
        "narrative": ((view.count(rows) > 0) | view.has_prop).astype(np.float64),
        "exclaim_question": np.array(["!" in o or "?" in o for o in view.outside], dtype=np.float64),
    }


def compute(view: BatchView) -> dict[str, np.ndarray]:
    """The group's columns for a batch.

    Examples
    --------
    >>> from framing.lexicon.terms import load_lexicons
    >>> v = BatchView.build(["Kyiv said no.", "Moscow said yes.", "The tyrant lied."],
    ...                     np.array([3]), [(0, 3)], load_lexicons())
    >>> compute(v)["reg__doc_attributed"].tolist()
    [0.5, 0.5, 1.0]
    """
    ind = indicators(view)
    cues: dict[str, np.ndarray] = {}
    for name in ("attributed", "quoted", "writer_terms", "narrative", "exclaim_question"):
        cues[f"reg__doc_{name}"] = _doc_share(view, ind[name])
    for name in ("attributed", "writer_terms", "narrative"):
        cues[f"reg__near_{name}"] = _window_share(view, ind[name], WINDOW)
    # Length of the article: long reads and short wire items differ in kind.
    cues["reg__doc_length"] = np.minimum(1.0, np.log1p(view.size) / np.log(101.0)).astype(np.float32)
    return cues


def _doc_share(view: BatchView, x: np.ndarray) -> np.ndarray:
    """Mean of ``x`` over the other sentences of each row's document (0 for a one-sentence document)."""
    # A window wider than any document is the whole document.
    return _window_share(view, x, view.n)


def _window_share(view: BatchView, x: np.ndarray, k: int) -> np.ndarray:
    """Mean of ``x`` over up to ``k`` sentences on either side within the document."""
    if not view.n:
        return np.zeros(0, dtype=np.float32)
    idx = np.arange(view.n)
    lo = np.maximum(view.doc_start, idx - k)
    hi = np.minimum(view.doc_start + view.size, idx + k + 1)
    cs = np.concatenate([[0.0], np.cumsum(x)])
    others = cs[hi] - cs[lo] - x
    return (others / np.maximum(hi - lo - 1, 1)).astype(np.float32)
