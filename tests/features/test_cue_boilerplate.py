"""Cue group ``boilerplate``: the dateline, comment-section and headline-place forms (issue 11)."""

from __future__ import annotations

import numpy as np

from framing.features.cue_boilerplate import (
    comment_section,
    datelines,
    furniture_forms,
    headline_place,
)
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


def _view(docs: list[list[str]]) -> BatchView:
    sizes = np.array([len(d) for d in docs])
    ends = np.cumsum(sizes)
    bounds = list(zip((ends - sizes).tolist(), ends.tolist(), strict=True))
    return BatchView.build([s for d in docs for s in d], sizes, bounds, load_lexicons())


def _comments(docs: list[list[str]]) -> list[bool]:
    return comment_section(_view(docs)).tolist()


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


def _headlines(docs: list[list[str]]) -> list[bool]:
    return headline_place(_view(docs)).tolist()


def test_headline_place_is_the_first_two_lines_of_four_words_or_more_and_not_a_byline():
    rt = ["Ukraine summons Vatican envoy", "Kyiv has summoned the envoy over remarks by the Pope.", "He left."]
    top = ["Most read", "By Anna Smith and Ivan Petrov", "Talks failed."]
    assert _headlines([rt, top]) == [True, True, False, False, False, False]
    # Bylines, credits, timestamps and breadcrumbs can stand there too, with no lexicon term.
    furniture = [
        "BY YURAS KARMANAU AND JIM HEINTZ",
        "Analysis by Anna Smith, CNN",
        "Photo by Sergei Supinsky / AFP",
        "Image: Reuters / Gleb Garanich",
        "Published 2 hours ago today",
        "Updated on Mar 3 at noon",
        "Home > News > World > Europe",
    ]
    assert not any(_headlines([[f, "Talks failed."] for f in furniture]))
    # Place is not a furniture form: it can keep a line, never drop one.
    assert "bp__headline" not in furniture_forms()


def test_headline_rule_keeps_headlines_and_still_drops_furniture_at_the_top():
    from framing.features.encoder import encode
    from framing.model.boilerplate import rule_overrides

    article = ["Zelensky Seeks To Cancel Russia At UN", "The UN General Assembly met on Tuesday."]
    promo = ["Sign up to our newsletter for the latest news", "Talks failed."]
    stamp = ["Russia and Ukraine trade strikes 06:35 GMT", "Talks failed."]
    force_bp, force_content = rule_overrides(encode([article, promo, stamp], load_lexicons()).cues)
    # The headline is kept; the promo and the time-stamped line at the top are not.
    assert force_content[[0, 2, 4]].tolist() == [True, False, False]
    assert force_bp[[0, 2]].tolist() == [False, True]


def test_headline_rule_keeps_almost_no_gold_furniture_of_the_corpus(corpus_cues):
    from framing.model.boilerplate import rule_overrides

    rows, cues = corpus_cues
    labels = rows["label"].to_numpy()
    real = (rows["origin"] == "real").to_numpy()
    headline = (cues["bp__headline"] > 0).to_numpy()
    only_unstopped = (cues["bp__no_terminal"] > 0).to_numpy() & (cues[list(furniture_forms())] > 0).sum(axis=1).eq(1).to_numpy()
    _, force_content = rule_overrides(cues)
    kept = headline & only_unstopped & real
    assert kept.sum() >= 400 and force_content[kept].all()
    # The lines only this rule keeps: at most one of the real corpus's is gold
    # furniture (a line that runs a headline into a time stamp, "...top court06:35").
    assert (labels[kept] == "boilerplate").sum() <= 1


def test_headline_rule_does_not_keep_page_furniture_at_the_top():
    from framing.features.encoder import encode
    from framing.model.boilerplate import rule_overrides

    tops = [
        "Skip to main content",
        "You are here: Home News World",
        "Accessibility links skip to content",
        "Last updated on 12 March 2023",
        "The Clarion Standard · 3 min read",
        "Listen to this article now",
        "Follow us on Telegram channel",
        "Show key events only please",
        "Please turn on JavaScript to use this feature",
        "Add Ukrinform to your Google News feed",
    ]
    force_bp, force_content = rule_overrides(encode([[t, "Kyiv said talks failed."] for t in tops], load_lexicons()).cues)
    assert not force_content[::2].any()
