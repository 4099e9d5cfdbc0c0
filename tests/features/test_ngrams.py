"""The array-based n-gram transform gives scikit-learn's tf-idf matrix exactly."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from framing.features.encoder import encode
from framing.features.ngrams import NgramVectorizer, ngram_tokens
from framing.lexicon.terms import load_lexicons
from framing.training.corpus import load_corpus

PARAMS = dict(analyzer=ngram_tokens, min_df=2, sublinear_tf=True, dtype=np.float32)


@pytest.fixture(scope="module")
def tokens():
    corpus = load_corpus()
    docs = [g["text"].tolist() for _, g in corpus.groupby("doc_id", sort=True)]
    return encode(docs, load_lexicons()).tokens


@pytest.mark.parametrize(
    "params",
    [PARAMS, {**PARAMS, "max_features": 500}, {**PARAMS, "sublinear_tf": False, "norm": "l1"}, {**PARAMS, "binary": True}],
)
def test_transform_equals_tfidf_vectorizer(tokens, params):
    train, test = tokens[:3000], tokens[3000:]
    test = [*test, [], ["zzz-unknown"], ["!", "?"]]
    ours = NgramVectorizer(**params).fit(train)
    theirs = TfidfVectorizer(**params).fit(train)
    assert ours.vocabulary_ == theirs.vocabulary_
    A, B = ours.transform(test), theirs.transform(test)
    assert A.shape == B.shape and A.dtype == B.dtype
    assert abs(A - B).max() == 0
    assert (ours.fit_transform(train) != theirs.fit_transform(train)).nnz == 0


def test_bigrams_do_not_cross_sentences():
    vec = NgramVectorizer(**{**PARAMS, "min_df": 1}).fit([["special", "operation"]])
    X = vec.transform([["special"], ["operation"]])
    assert "special operation" in vec.vocabulary_
    assert X[:, vec.vocabulary_["special operation"]].nnz == 0


def test_other_analyzers_use_the_parent_transform():
    vec = NgramVectorizer(min_df=1).fit(["the tyrant ranted", "the war"])
    assert vec.transform(["the tyrant"]).nnz == 2


def test_bigram_hash_table_finds_every_key_and_only_those():
    from framing.features.ngrams import _hash_table, _lookup

    rng = np.random.default_rng(0)
    keys = np.unique(rng.integers(0, 10**9, 5000))
    values = list(range(len(keys)))
    table, columns = _hash_table(keys, values)
    assert (_lookup(table, columns, keys) == values).all()
    absent = np.setdiff1d(rng.integers(0, 10**9, 5000), keys)
    assert (_lookup(table, columns, absent) == -1).all()
    empty_table, empty_columns = _hash_table(np.zeros(0, dtype=np.int64), [])
    assert (_lookup(empty_table, empty_columns, keys[:3]) == -1).all()


def test_a_plain_string_is_refused(tokens):
    vec = NgramVectorizer(**PARAMS).fit(tokens[:200])
    with pytest.raises(ValueError, match="string object received"):
        vec.transform("the tyrant ranted")
