"""Cue group ``context``: the neighbours' quote and attribution state, lead-ins, the place in the article."""

from __future__ import annotations

import re

import numpy as np

from framing.features.view import BatchView
from framing.lexicon.terms import Lexicon

_LEADIN_WORDS = re.compile(
    r"\b(?:statement|statements|points|remarks|comments|address|speech|said|says|"
    r"following|below|key|main|highlights|lines|excerpts|quotes|told)\b"
)


def columns(lexicon: Lexicon) -> list[str]:
    """The group's columns (the same for every lexicon).

    Examples
    --------
    >>> "ctx__starts_in_quote" in columns(None)
    True
    """
    return [
        "ctx__starts_in_quote",
        "ctx__reopens_quote",
        "ctx__ends_in_quote",
        "ctx__prev_attributed",
        "ctx__next_attributed",
        "ctx__prev_quoted_share",
        "ctx__next_quoted_share",
        "ctx__prev_lead_in",
        "ctx__under_lead_in",
        "ctx__since_attribution",
        "ctx__prev_propaganda",
        "ctx__position",
        "ctx__first",
        "ctx__last",
    ]


def compute(view: BatchView) -> dict[str, np.ndarray]:
    """The group's columns for a batch.

    Examples
    --------
    >>> from framing.lexicon.terms import load_lexicons
    >>> v = BatchView.build(['Putin said: "The operation is on time.', 'It goes to plan."'],
    ...                     np.array([2]), [(0, 2)], load_lexicons())
    >>> compute(v)["ctx__starts_in_quote"].tolist()
    [False, True]
    """
    n, states, local, size = view.n, view.states, view.local, view.size
    starts_open = np.array([st.starts_open for st in states])
    cues: dict[str, np.ndarray] = {
        "ctx__starts_in_quote": starts_open,
        "ctx__reopens_quote": np.array([st.reopens for st in states]),
        "ctx__ends_in_quote": np.array([st.ends_open for st in states]),
        "ctx__prev_attributed": view.prev(view.attributed),
        "ctx__next_attributed": view.next(view.attributed),
        "ctx__prev_quoted_share": view.prev(view.quoted_share),
        "ctx__next_quoted_share": view.next(view.quoted_share),
    }
    lead_in = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(view.colon_end).tolist():
        lead_in[i] = _LEADIN_WORDS.search(view.folded[i]) is not None
    prev_lead_in = view.prev(lead_in) > 0
    cues["ctx__prev_lead_in"] = prev_lead_in
    # Items under a lead-in keep its attribution while the list runs: a row
    # is in the run if a lead-in precedes it in its document and every row
    # since continues the list (a bullet or a continuing quote).
    opened = view.last_where(prev_lead_in)
    broken = view.last_where(~(view.bullet | starts_open) & ~prev_lead_in)
    cues["ctx__under_lead_in"] = (opened >= 0) & (opened > broken)
    # Distance to the last attributed sentence, capped at 5; 5 when none.
    last = view.last_where(view.attributed, inclusive=False)
    gap = np.where(last >= 0, np.arange(n) - last - 1, 5)
    cues["ctx__since_attribution"] = np.minimum(gap, 5) / 5.0
    cues["ctx__prev_propaganda"] = view.prev(view.has_prop)
    cues["ctx__position"] = local / np.maximum(1, size - 1)
    # A lone sentence (explain(), classify("one sentence")) has no place on a
    # page: "first" and "last" would make any text look like furniture.
    alone = size == 1
    cues["ctx__first"] = (local == 0) & ~alone
    cues["ctx__last"] = (local == size - 1) & ~alone
    return cues
