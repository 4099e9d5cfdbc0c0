"""Boilerplate rules (framing/model/boilerplate.py): glued promos and quote lead-ins (issue 11)."""

from __future__ import annotations

import numpy as np

from framing.features.encoder import encode
from framing.lexicon.terms import load_lexicons
from framing.model.boilerplate import rule_overrides
from framing.training.corpus import load_corpus


def _rules(docs: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    return rule_overrides(encode(docs, load_lexicons()).cues)


def test_a_colon_lead_in_with_a_verb_of_saying_is_content_and_a_furniture_colon_is_not():
    doc = [
        "Kyiv said talks failed.",
        "The New York Times confirmed that observation, reporting:",
        '"The talks are over."',
        "Key moments from the day:",
        "by Eric Zuesse, The Duran:",
        # Verbs of saying, but a label or a prompt to the reader, not a lead-in.
        "Reported by:",
        "Published:",
        "Tell us what you think about the talks, reply:",
        "Zelensky says Russia will pay for...",
    ]
    _, force_content = _rules([doc])
    assert force_content[[1, 3, 4, 5, 6, 7, 8]].tolist() == [True, False, False, False, False, False, False]


def test_no_lead_in_of_the_corpus_is_gold_furniture(corpus_cues):
    rows, cues = corpus_cues
    labels = rows["label"]
    lead_in = (cues["bp__lead_in"] > 0).to_numpy()
    assert lead_in.sum() >= 15
    assert (labels[lead_in] == "boilerplate").sum() == 0


def test_a_line_with_no_word_is_a_separator_even_inside_a_quote():
    doc = ['He said: "We will win.', "…", '…"', "___.", "* * *", "2022."]
    force_bp, force_content = _rules([doc])
    # A bare year is a fragment of prose (D26), not a separator: the detector decides.
    assert force_bp.tolist() == [False, True, True, True, True, False]
    assert not force_content[1:5].any()


def test_a_line_in_another_script_is_not_a_separator():
    # The model's tokens are ASCII; a quotation in Cyrillic or Chinese still has words.
    doc = ['Peskov said:', '"Мы своих не бросаем."', "«Слава Україні!»", "普京表示。"]
    force_bp, _ = _rules([doc])
    assert not force_bp.any()


def test_web_furniture_terms_fire_only_on_gold_furniture_in_the_corpus():
    from framing.lexicon.terms import fold

    terms = ["not responsible for the content of external sites", "thank you for sharing your thoughts",
             "we pay for your stories", "also read", "don't miss:", "tweet-id", "watch the full interview",
             "skip to main content", "min read", "key events", "turn on javascript"]
    lexicon = load_lexicons()
    corpus = load_corpus()
    fired = np.array([any(m[2] in terms for m in lexicon.match(fold(t))) for t in corpus["text"]])
    assert fired.sum() >= 25
    assert set(corpus.loc[fired, "label"]) == {"boilerplate"}


def test_web_furniture_terms_stay_out_of_prose_about_the_same_things():
    prose = [
        "Twitter and Facebook were blocked in Russia on Friday, the regulator Roskomnadzor said.",
        "Last updated figures from the UN show 3,000 civilians have been killed.",
        "More than a year old, the footage was recirculated on Telegram this week.",
        "Originally published in Russian, the decree was translated by the Kremlin.",
        "You are here to defend your homeland, Zelensky told the soldiers.",
        "Weapons contributed from NATO stocks have reached the front, Kyiv said.",
        "Peskov said the Kremlin would watch the interview closely.",
    ]
    cues = encode([["Kyiv said talks failed.", p] for p in prose], load_lexicons()).cues
    assert (cues["bp__promo_terms"].to_numpy()[1::2] == 0).all()
