"""Cue group ``attribution``: verbs of saying, sources, "according to", quote shapes, who speaks."""

from __future__ import annotations

import re

import numpy as np

from framing.features.view import BatchView
from framing.lexicon.terms import Lexicon, categories_with_role

# A quotation attributed at its end: '..." the minister said.' or '..., he said.'
_TRAILING_WORDS = re.compile(r",?\s+(?:\w+\s){0,4}?\w+\s*$")
_TRAILING_PRONOUN = re.compile(r"[,\"”]\s+(?:he|she|they|it)\s+\w+\.?$")


def columns(lexicon: Lexicon) -> list[str]:
    """The group's columns for ``lexicon`` (one ``attr__speaks_<party>`` per actor category).

    Examples
    --------
    >>> from framing.lexicon.terms import load_lexicons
    >>> "attr__speaks_russia" in columns(load_lexicons())
    True
    """
    return [
        "attr__speech_verb",
        "attr__source_noun",
        "attr__according_to",
        "attr__said_colon",
        "attr__trailing_attribution",
        "attr__quoted_share",
        "attr__has_quote",
        "attr__whole_quote",
        *(f"attr__speaks_{party(c)}" for c in categories_with_role(lexicon, "actor")),
    ]


def compute(view: BatchView) -> dict[str, np.ndarray]:
    """The group's columns for a batch.

    Examples
    --------
    >>> from framing.lexicon.terms import load_lexicons
    >>> v = BatchView.build(['"We will win," he said.'], np.array([1]), [(0, 1)], load_lexicons())
    >>> bool(compute(v)["attr__trailing_attribution"][0])
    True
    """
    h = view.hits
    cues: dict[str, np.ndarray] = {"attr__speech_verb": view.speech, "attr__source_noun": view.source_nouns}
    # A party's actor named outside the quotation of a sentence that reports
    # speech: the sentence relays that party's words.
    relays = (view.speech > 0) | (view.source_nouns > 0)
    for c in categories_with_role(view.lexicon, "actor"):
        named = view.count(h.rows[view.of_category(c) & ~h.inside]) > 0
        cues[f"attr__speaks_{party(c)}"] = named & relays
    trailing = np.zeros(view.n, dtype=bool)
    for i in np.flatnonzero(view.speech > 0).tolist():
        trailing[i] = trailing_attribution(view.folded[i])
    cues["attr__according_to"] = view.according
    cues["attr__said_colon"] = view.said_colon
    cues["attr__trailing_attribution"] = trailing
    cues["attr__quoted_share"] = view.quoted_share
    cues["attr__has_quote"] = np.array([bool(st.spans) or st.starts_open for st in view.states])
    cues["attr__whole_quote"] = view.quoted_share > 0.85
    return cues


def party(actor_category: str) -> str:
    """The party of an actor category: the name after its first ``_``.

    Examples
    --------
    >>> party("actor_russia")
    'russia'
    """
    return actor_category.split("_", 1)[1]


def trailing_attribution(folded: str) -> bool:
    """Whether a sentence ends with a short attribution after a quote mark or comma.

    Words and white space contain no quote mark or comma, so a match of
    either pattern can only start at the last quote mark (or, for the
    second, the last comma or double quote): each is tried there once
    instead of being searched for along the sentence.

    Examples
    --------
    >>> trailing_attribution('"we will win," he said.')
    True
    >>> trailing_attribution('he said they would win.')
    False
    """
    last = max(folded.rfind('"'), folded.rfind("”"), folded.rfind("’"), folded.rfind("'"))
    if last >= 0 and _TRAILING_WORDS.match(folded, last + 1):
        return True
    last = max(folded.rfind(","), folded.rfind('"'), folded.rfind("”"))
    return last >= 0 and _TRAILING_PRONOUN.match(folded, last) is not None
