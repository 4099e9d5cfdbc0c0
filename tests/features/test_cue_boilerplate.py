"""Cue group ``boilerplate``: the dateline and comment-section forms (issue 11)."""

from __future__ import annotations

import numpy as np

from framing.features.cue_boilerplate import comment_section, datelines, furniture_forms
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


def _comments(docs: list[list[str]]) -> list[bool]:
    sizes = np.array([len(d) for d in docs])
    ends = np.cumsum(sizes)
    bounds = list(zip((ends - sizes).tolist(), ends.tolist(), strict=True))
    view = BatchView.build([s for d in docs for s in d], sizes, bounds, load_lexicons())
    return comment_section(view).tolist()


def test_comment_section_runs_from_its_header_to_the_end_of_its_document():
    page = ["Kyiv said 12 civilians were killed.", "Comments (48)", "ivan_1985 2 hours ago", "All lies!!!", "Reply"]
    kicker = ["Comment", "The ceasefire is fragile.", "Leave a Reply"]
    assert _comments([page, kicker]) == [False, True, True, True, True, False, False, True]
    # Prose that mentions comments is not a header.
    assert not any(_comments([["The minister made comments about the talks.", "Comments were closed."]]))


def test_comment_section_fires_only_on_gold_furniture_in_the_corpus():
    corpus = load_corpus()
    docs = [g["text"].tolist() for _, g in corpus.groupby("doc_id", sort=False)]
    fired = np.array(_comments(docs))
    order = np.concatenate([g.index.to_numpy() for _, g in corpus.groupby("doc_id", sort=False)])
    assert fired.sum() >= 2
    assert set(corpus.loc[order[fired], "label"]) == {"boilerplate"}
