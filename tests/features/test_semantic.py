"""The semantic stage: the shipped word table and sentence vectors."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from framing.features.semantic import static_table, static_vectors, vectors
from framing.features.view import tokenise
from framing.training.corpus import load_seed_sentences


def _plain(tokens: list[list[str]]) -> np.ndarray:
    """Reference: mean of the known words' vectors, unit length, one sentence at a time."""
    index, matrix = static_table()
    out = np.zeros((len(tokens), matrix.shape[1]), dtype=np.float64)
    for r, toks in enumerate(tokens):
        rows = [index[t] for t in toks if t in index]
        if rows:
            v = matrix[rows].astype(np.float64).sum(axis=0)
            out[r] = v / np.linalg.norm(v)
    return out


def test_fast_static_vectors_equal_the_plain_ones():
    tokens = [tokenise(t.lower()) for t in load_seed_sentences()["text"]]
    tokens += [[], ["zzzz-not-a-word"], [], ["kremlin", "kremlin", "said"], []]
    assert np.allclose(static_vectors(tokens), _plain(tokens), atol=1e-5)


def test_table_is_package_data_with_provenance():
    index, matrix = static_table()
    assert matrix.shape == (len(index), 128) and np.isfinite(matrix).all()
    meta = json.loads(resources.files("framing").joinpath("data", "static_embeddings.json").read_text())
    assert "all-MiniLM-L6-v2" in meta["source"] and meta["words"] == len(index)
    assert meta["fit"]["fitted_cosine"] > meta["fit"]["prior_cosine"]


def test_fitted_rows_discount_function_words():
    # Rows keep the length the fit gave them: a function word says little about a sentence.
    index, matrix = static_table()
    norms = np.linalg.norm(matrix, axis=1)
    assert all(norms[index[w]] < np.median(norms) for w in ("the", "of", "and", "to"))


def test_similar_sentences_are_closer_than_unrelated_ones():
    v = static_vectors([["nato", "provoked", "the", "war"], ["the", "west", "provoked", "russia"], ["rain", "fell", "on", "monday"]])
    assert v[0] @ v[1] > v[0] @ v[2]


def test_unknown_encoder_is_refused():
    with pytest.raises(ValueError, match="encoder"):
        vectors("glove", [["a"]], ["a"])
