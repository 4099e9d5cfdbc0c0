"""Narrative detectors: the data file, the anchored scan, the features and their evidence."""

from __future__ import annotations

import pandas as pd
import pytest

from framing.features.encoder import encode
from framing.lexicon.narratives import load_narratives, read_narratives
from framing.lexicon.terms import fold, load_lexicons
from framing.model.evidence import describe_feature

from ..conftest import ROOT


def test_anchored_scan_equals_trying_every_pattern_on_real_text():
    # The fast path (patterns tried only where an anchor occurs) must find
    # exactly what the plain scan finds, on every real sentence we have.
    texts = pd.read_csv(ROOT / "labels" / "real" / "sentences.csv")["text"].tolist()
    folded = [fold(t) for t in texts]
    narratives = load_narratives()
    fast = narratives.scan(folded)
    assert fast == [narratives.find(f) for f in folded]
    assert sum(map(len, fast)) > 50  # the detectors do fire on real news


def test_a_narrative_without_a_lexicon_term_becomes_a_feature_and_evidence():
    sentences = [
        "NATO's eastward expansion is what pushed Moscow into this conflict.",
        'Officials said the "Kiev junta" must go.',
        "Prices rose in March.",
    ]
    enc = encode([sentences], load_lexicons())
    cues = enc.cues
    assert cues.loc[0, "narr_out__nato_expansion_cause"] == 1
    assert cues.loc[0, "narr__any_out"] == 1 and cues.loc[0, "narr__any_in"] == 0
    assert cues.loc[1, "narr__any_in"] == 1 and cues.loc[1, "narr_out__kyiv_illegitimate"] == 0
    assert not cues.loc[2, [c for c in cues.columns if c.startswith("narr")]].any()
    text = describe_feature("lexicon__narr_out__nato_expansion_cause", enc.hits[0])
    assert text == "narrative 'nato expansion cause' in the writer's voice (\"nato's eastward expansion\")"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("pattern,narrative\nx,y\n", "header must be"),
        ("pattern,anchors,narrative,party,note\n(unclosed,x,n,russia,\n", "line 2: pattern does not compile"),
        ("pattern,anchors,narrative,party,note\nabc,,n,russia,\n", "line 2: anchors are empty"),
        ("pattern,anchors,narrative,party,note\nabc,abc,Bad Name,russia,\n", "line 2: narrative must be"),
    ],
)
def test_a_bad_narratives_file_names_the_line(tmp_path, body, message):
    path = tmp_path / "narratives.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_narratives(path)


def test_every_bundled_detector_names_its_party_and_provenance():
    rows = read_narratives(ROOT / "framing" / "data" / "narratives.csv")
    assert all(r["note"].strip() and r["party"].strip() for r in rows)
    assert len({r["narrative"] for r in rows}) >= 10
