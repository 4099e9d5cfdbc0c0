"""Boilerplate rules (framing/model/boilerplate.py): glued promos and quote lead-ins (issue 11)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from framing.features.encoder import encode
from framing.lexicon.terms import load_lexicons
from framing.model.boilerplate import rule_overrides
from framing.training.corpus import load_corpus


def _rules(docs: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    return rule_overrides(encode(docs, load_lexicons()).cues)


def test_a_promo_glued_to_a_sentence_of_prose_is_left_to_the_detector():
    glued = (
        "Sign up to our World News Bulletin here The shelling was carried out at around 8.20pm local time, "
        "according to witnesses in the city."
    )
    short = "Sign up to our World News Bulletin here"
    link = "Read more: Putin hails invasion 'success' as troops bomb city"
    force_bp, _ = _rules([["Kyiv said talks failed.", glued], ["Kyiv said talks failed.", short, link]])
    assert force_bp.tolist() == [False, False, False, True, True]


def test_a_colon_lead_in_with_a_verb_of_saying_is_content_and_a_furniture_colon_is_not():
    doc = [
        "Kyiv said talks failed.",
        "The New York Times confirmed that observation, reporting:",
        '"The talks are over."',
        "Key moments from the day:",
        "by Eric Zuesse, The Duran:",
    ]
    _, force_content = _rules([doc])
    assert force_content[[1, 3, 4]].tolist() == [True, False, False]


def test_the_lead_in_rule_keeps_no_gold_furniture_of_the_corpus():
    corpus = load_corpus()
    groups = [g.sort_values("sent_idx") for _, g in corpus.groupby("doc_id", sort=False)]
    cues = encode([g["text"].tolist() for g in groups], load_lexicons()).cues
    labels = pd.Series(np.concatenate([g["label"].to_numpy() for g in groups]))
    lead_in = ((cues["bp__colon_end"] > 0) & (cues["attr__speech_verb"] > 0)).to_numpy()
    _, force_content = rule_overrides(cues)
    kept = lead_in & force_content
    assert kept.sum() >= 15
    assert (labels[kept] == "boilerplate").sum() == 0


def test_a_line_with_no_word_is_a_separator_even_inside_a_quote():
    doc = ['He said: "We will win.', "…", '…"', "___.", "* * *", "2022."]
    force_bp, force_content = _rules([doc])
    # A bare year is a fragment of prose (D26), not a separator: the detector decides.
    assert force_bp.tolist() == [False, True, True, True, True, False]
    assert not force_content[1:5].any()


def test_web_furniture_terms_fire_only_on_gold_furniture_in_the_corpus():
    from framing.lexicon.terms import fold

    terms = ["not responsible for the content of external sites", "thank you for sharing your thoughts",
             "we pay for your stories", "also read", "don't miss:", "tweet-id", "watch the interview",
             "skip to main content", "min read", "last updated"]
    lexicon = load_lexicons()
    corpus = load_corpus()
    fired = np.array([any(m[2] in terms for m in lexicon.match(fold(t))) for t in corpus["text"]])
    assert fired.sum() >= 25
    assert set(corpus.loc[fired, "label"]) == {"boilerplate"}
