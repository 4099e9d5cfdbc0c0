"""Cue group ``boilerplate``: the dateline form (issue 11)."""

from __future__ import annotations

import numpy as np

from framing.features.cue_boilerplate import datelines, furniture_forms
from framing.features.view import BatchView
from framing.lexicon.terms import load_lexicons
from framing.training.corpus import load_corpus


def _flags(sentences: list[str]) -> list[bool]:
    view = BatchView.build(sentences, np.array([len(sentences)]), [(0, len(sentences))], load_lexicons())
    return datelines(view).tolist()


def test_dateline_forms_standing_alone():
    alone = [
        "MOSCOW, December 26. /TASS/.",
        "UNITED NATIONS, October 17. /NTA/.",
        "BEIJING, Aug. 4 (HPA)",
        "MINSK, 2 July /BelVesti/",
        "KYIV, July 13.",
        "TAIPEI, 23 May",
        "/TASS/.",
        "(Reuters) -",
        "(AP Photo/Efrem Lukatsky)",
    ]
    assert all(_flags(alone)), [s for s, f in zip(alone, _flags(alone), strict=True) if not f]


def test_datelines_glued_to_prose_and_bracketed_prose_are_not_the_form():
    prose = [
        "MOSCOW, Dec 26 (Reuters) - Russia said talks failed.",
        "KYIV, July 13. Ukraine said it shot down 20 drones.",
        "(The Kremlin denies this)",
        "NATO, the EU and the UN met on May 3.",
        "On December 26 the talks failed.",
    ]
    assert not any(_flags(prose))


def test_the_dateline_is_a_furniture_form_and_fires_only_on_gold_furniture():
    assert "bp__dateline" in furniture_forms()
    corpus = load_corpus()
    fired = np.array(_flags(corpus["text"].tolist()))
    assert fired.sum() >= 20
    assert set(corpus.loc[fired, "label"]) == {"boilerplate"}
