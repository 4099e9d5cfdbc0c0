"""Cue group ``register``: shares over the rest of the article and the neighbourhood (issue 11)."""

from __future__ import annotations

import numpy as np

from framing.features import cue_register
from framing.features.encoder import encode
from framing.features.view import BatchView
from framing.lexicon.terms import load_lexicons

# A wire item (BBC, real corpus) beside a one-line opinion item.
WIRE = [
    "Russia's defence ministry said its forces had taken the village.",
    "Ukraine's military said the attack had been repelled.",
    "Heavy fighting continued in the east.",
    "Kyiv said on Monday that talks would resume.",
]
OPINION = ["This shameful war is a disgrace!"]


def _view(docs):
    sizes = np.array([len(d) for d in docs])
    ends = np.cumsum(sizes)
    bounds = list(zip((ends - sizes).tolist(), ends.tolist(), strict=True))
    return BatchView.build([s for d in docs for s in d], sizes, bounds, load_lexicons())


def test_doc_share_counts_the_other_sentences_of_the_same_article():
    cues = cue_register.compute(_view([WIRE, OPINION]))
    attributed = cue_register.indicators(_view([WIRE]))["attributed"]
    assert attributed.tolist() == [1, 1, 0, 1]
    # Row 2 (not attributed) sees 3 of 3 others attributed; the others see 2 of 3.
    assert np.allclose(cues["reg__doc_attributed"][:4], [2 / 3, 2 / 3, 1.0, 2 / 3])
    # A one-sentence article has no other sentences: every share is 0, never
    # borrowed from the article before it in the batch.
    assert all(float(cues[c][4]) == 0.0 for c in cue_register.columns(None) if c != "reg__doc_length")


def test_window_stops_at_the_article_edge():
    x = np.array([1.0, 0.0, 0.0, 0.0, 1.0])
    view = _view([WIRE, OPINION])
    near = cue_register._window_share(view, x, 2)
    # Row 3 (last of the wire item) sees rows 1 and 2 only, not the opinion row.
    assert near[3] == 0.0
    assert np.isclose(near[1], 1 / 3)  # rows 0, 2, 3


def test_register_columns_reach_the_encoding():
    enc = encode([WIRE, OPINION], load_lexicons())
    assert set(cue_register.columns(None)) <= set(enc.cues.columns)
    assert enc.cues["reg__doc_writer_terms"].iloc[4] == 0.0
