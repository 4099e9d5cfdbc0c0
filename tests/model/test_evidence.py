"""Evidence: the strongest pushes of each row, in words."""

from __future__ import annotations

import numpy as np

from framing.model.evidence import _top_per_row, describe_feature


def brute_force(rows, cols, push, n, top):
    picked = [[] for _ in range(n)]
    for r in range(n):
        idx = np.flatnonzero(rows == r)
        order = idx[np.argsort(-push[idx], kind="stable")]
        picked[r] = [int(cols[k]) for k in order[:top] if push[k] > 0]
    return picked


def test_top_per_row_matches_a_stable_sort_including_ties():
    rng = np.random.default_rng(0)
    n = 200
    rows = np.sort(rng.integers(0, n, 3000))
    cols = rng.integers(0, 50, 3000)
    # Coarse values make many ties; ties must go to the earlier entry.
    push = rng.integers(1, 6, 3000).astype(float)
    for top in (1, 3, 5):
        assert _top_per_row(rows, cols, push, n, top) == brute_force(rows, cols, push, n, top)


def test_top_per_row_handles_empty_input():
    empty = np.zeros(0, dtype=np.int64)
    assert _top_per_row(empty, empty, empty.astype(float), 3, 3) == [[], [], []]


def test_term_cues_name_the_matched_terms():
    hits = [("tyrant", "loaded", False), ("said", "speech_verbs", False)]
    assert describe_feature("lexicon__lex_out__loaded", hits) == "loaded term 'tyrant' in the writer's voice"
    assert describe_feature("attribution__attr__speech_verb", hits) == "speech verb 'said'"
