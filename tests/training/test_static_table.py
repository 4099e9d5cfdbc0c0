"""Building the semantic stage's word table: the ridge fit towards MiniLM's sentence vectors."""

from __future__ import annotations

import numpy as np

from framing.training.static_table import bag_of_words, corpus_vocabulary, fit_static_table


def _synthetic(n_words: int = 40, n_sents: int = 1500, dims: int = 8, seed: int = 0):
    """Sentences as bags of words whose targets are the mean of hidden word vectors."""
    rng = np.random.default_rng(seed)
    true = rng.normal(size=(n_words, dims))
    words = [f"w{i}" for i in range(n_words)]
    tokens = [[words[j] for j in rng.choice(n_words, rng.integers(3, 9))] for _ in range(n_sents)]
    targets = np.array([true[[int(t[1:]) for t in toks]].mean(axis=0) for toks in tokens])
    return words, tokens, targets, true


def test_bag_of_words_is_the_mean_of_known_words():
    a = bag_of_words([["kyiv", "said", "kyiv", "zzz"], ["zzz"], []], {"kyiv": 0, "said": 1})
    assert a.shape == (3, 2)
    assert np.allclose(a.toarray(), [[2 / 3, 1 / 3], [0, 0], [0, 0]])


def test_fit_recovers_sentence_vectors_its_prior_misses():
    words, tokens, targets, true = _synthetic()
    noisy_prior = true + np.random.default_rng(1).normal(scale=2.0, size=true.shape)
    table, report = fit_static_table(tokens, targets, words, noisy_prior, alpha=0.03, dims=8)
    assert table.shape == (len(words), 8)
    assert report["held_out"] == 150 and report["fitted_on"] == 1350
    assert report["fitted_cosine"] > 0.95
    assert report["fitted_cosine"] > report["prior_cosine"] + 0.1


def test_strong_ridge_stays_near_the_prior():
    words, tokens, targets, true = _synthetic()
    prior = np.zeros_like(true)  # every word alike: the fit alone tells them apart
    weak, _ = fit_static_table(tokens, targets, words, prior, alpha=0.01, dims=8)
    strong, _ = fit_static_table(tokens, targets, words, prior, alpha=1e4, dims=8)
    assert strong.std(axis=0).sum() < 0.1 * weak.std(axis=0).sum()


def test_vocabulary_folds_case_and_drops_rare_and_one_letter_words():
    assert corpus_vocabulary(["The Kremlin said. A kremlin", "the 2022 said x", "once"]) == ["kremlin", "said", "the"]
