"""Cue group ``style``: the writer's voice outside quotation: ! ?, person, capitals, superlatives, length."""

from __future__ import annotations

import re

import numpy as np

from framing.features.view import BatchView, blank_spans, tokenise
from framing.lexicon.terms import Lexicon

_CAPS = re.compile(r"\b[A-Z]{4,}\b")
_SUPERLATIVE = re.compile(r"\b(?:most|least|[a-z]{3,}est)\b")
# Word cues are token-set lookups and character cues are str.count or
# substring tests: each is a C-level call per sentence, not a regex with many
# alternatives tried at every character.
_FIRST_WORDS = frozenset("i we our us my me ours".split())
_SECOND_WORDS = frozenset("you your yours".split())
_PERSON_WORDS = _FIRST_WORDS | _SECOND_WORDS


def columns(lexicon: Lexicon) -> list[str]:
    """The group's columns (the same for every lexicon).

    Examples
    --------
    >>> columns(None)[:2]
    ['style__exclamation', 'style__question']
    """
    return [
        "style__exclamation",
        "style__question",
        "style__first_person",
        "style__second_person",
        "style__capitals",
        "style__superlative",
        "style__numbers",
        "style__words",
    ]


def compute(view: BatchView) -> dict[str, np.ndarray]:
    """The group's columns for a batch.

    Examples
    --------
    >>> from framing.lexicon.terms import load_lexicons
    >>> v = BatchView.build(["We WILL win!"], np.array([1]), [(0, 1)], load_lexicons())
    >>> {k: float(x[0]) for k, x in compute(v).items() if k in ("style__exclamation", "style__capitals")}
    {'style__exclamation': 1.0, 'style__capitals': 1.0}
    """
    outside = view.outside
    cues: dict[str, np.ndarray] = {
        "style__exclamation": np.array([o.count("!") for o in outside], dtype=np.float32),
        "style__question": np.array([o.count("?") for o in outside], dtype=np.float32),
    }
    # The writer's voice: tokens outside quotation (re-tokenised only where
    # something was blanked). Distinct person words: one "we" or several
    # says the same thing here.
    voice = [
        tokenise(o) if st.spans and not _PERSON_WORDS.isdisjoint(t) else t
        for o, st, t in zip(outside, view.states, view.tokens, strict=True)
    ]
    first = np.zeros(view.n, dtype=np.float32)
    second = np.zeros(view.n, dtype=np.float32)
    for i, v in enumerate(voice):
        if not _PERSON_WORDS.isdisjoint(v):
            first[i] = len(_FIRST_WORDS.intersection(v))
            second[i] = len(_SECOND_WORDS.intersection(v))
    cues["style__first_person"] = first
    cues["style__second_person"] = second
    cues["style__superlative"] = np.array(
        [len(_SUPERLATIVE.findall(o)) if "est" in o or "most" in o or "least" in o else 0 for o in outside], dtype=np.float32
    )
    cues["style__capitals"] = _capitals(view)
    cues["style__numbers"] = view.has_digit
    cues["style__words"] = np.log1p(view.n_words)
    return cues


def _capitals(view: BatchView) -> np.ndarray:
    # Words in capitals are rare: find candidate sentences (four ASCII
    # capitals in a row) over the joined text, then count only there.
    codes = view.raw_codes
    caps = np.zeros(view.n, dtype=np.float32)
    up = (codes >= 65) & (codes <= 90)
    run4 = np.flatnonzero(up[:-3] & up[1:-2] & up[2:-1] & up[3:]) if len(up) > 3 else np.zeros(0, dtype=np.int64)
    for i in np.unique(view.rows_of(run4, view.raw_offsets)).tolist():
        caps[i] = len(_CAPS.findall(blank_spans(view.sentences[i], view.states[i].spans)))
    return caps
