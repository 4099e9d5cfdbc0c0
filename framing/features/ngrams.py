"""Word n-grams of pre-computed tokens, tf-idf weighted, with an array-based transform.

The encoder (:mod:`framing.features.encoder`) tokenises each sentence once; this
module turns those tokens into unigram and bigram tf-idf features. Fitting is
scikit-learn's :class:`~sklearn.feature_extraction.text.TfidfVectorizer`
unchanged. Transforming is the hot path of batch scoring, so it looks every
token up once in a dictionary and finds bigrams as pairs of integer ids in a
sorted array, instead of building and hashing an n-gram string per position;
the result is the same matrix (a test holds the two to it).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain, repeat

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted


def ngram_tokens(tokens: Sequence[str]) -> list[str]:
    """Word unigrams and bigrams from pre-computed tokens (the n-gram analyzer).

    Examples
    --------
    >>> ngram_tokens(("special", "operation"))
    ['special', 'operation', 'special operation']
    """
    return [*tokens, *(f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False))]


class NgramVectorizer(TfidfVectorizer):
    """Tf-idf over the unigrams and bigrams of token lists.

    Takes the parameters of :class:`~sklearn.feature_extraction.text.TfidfVectorizer`
    and is fitted by it; build it with ``analyzer=ngram_tokens``. Its input is
    a sequence of token lists, one per sentence, not raw text. With that
    analyzer, :meth:`transform` is computed with arrays and gives the same
    matrix as the parent's; with any other analyzer it is the parent's.

    Attributes
    ----------
    token_index_ : dict of str to int
        Every token that occurs in the vocabulary, alone or in a bigram.
    unigram_columns_ : ndarray of int
        Column of each token's unigram (-1 if not in the vocabulary), with a
        trailing -1 so that an unknown token (index -1) maps to -1.
    bigram_keys_ : ndarray of int
        An open-addressing hash table of the vocabulary's bigrams: slot ``s``
        holds ``first * n_tokens + second`` of one bigram, or -1 if empty.
    bigram_columns_ : ndarray of int
        The column of the bigram in each slot of ``bigram_keys_``.

    Examples
    --------
    >>> vec = NgramVectorizer(analyzer=ngram_tokens).fit([["a", "tyrant"], ["a", "war"]])
    >>> vec.transform([["a", "tyrant", "!"]]).nnz
    3
    """

    def fit(self, raw_documents, y=None):
        super().fit(raw_documents, y)
        self._index_vocabulary()
        return self

    def fit_transform(self, raw_documents, y=None):
        X = super().fit_transform(raw_documents, y)
        self._index_vocabulary()
        return X

    def transform(self, raw_documents):
        """Tf-idf matrix of token lists (one row per list)."""
        check_is_fitted(self, "bigram_keys_")
        if self.analyzer is not ngram_tokens:
            return super().transform(raw_documents)
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over token lists expected, string object received.")
        return self._transform(list(raw_documents))

    def _index_vocabulary(self) -> None:
        # The parent's columns are numpy integers; a skops file stores each
        # one as its own array (48,000 files and a minute to save), plain
        # ints as JSON numbers.
        self.vocabulary_ = {g: int(col) for g, col in self.vocabulary_.items()}
        tokens: dict[str, int] = {}
        grams = [(g.split(" "), col) for g, col in self.vocabulary_.items()]
        for parts, _ in grams:
            for t in parts:
                tokens.setdefault(t, len(tokens))
        unigrams = np.full(len(tokens) + 1, -1, dtype=np.int64)
        keys, cols = [], []
        for parts, col in grams:
            if len(parts) == 1:
                unigrams[tokens[parts[0]]] = col
            else:
                keys.append(tokens[parts[0]] * len(tokens) + tokens[parts[1]])
                cols.append(col)
        self.token_index_ = tokens
        self.unigram_columns_ = unigrams
        self.bigram_keys_, self.bigram_columns_ = _hash_table(np.array(keys, dtype=np.int64), cols)

    def _transform(self, docs: list) -> sp.csr_matrix:
        n, width = len(docs), len(self.vocabulary_)
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=n)
        flat = list(chain.from_iterable(docs))
        ids = np.fromiter(map(self.token_index_.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
        row = np.repeat(np.arange(n), lengths)
        uni = self.unigram_columns_[ids]
        # A bigram is two neighbouring tokens of one sentence, both known.
        pair = (row[:-1] == row[1:]) & (ids[:-1] >= 0) & (ids[1:] >= 0)
        key = ids[:-1][pair] * len(self.token_index_) + ids[1:][pair]
        bigram = _lookup(self.bigram_keys_, self.bigram_columns_, key)
        found = bigram >= 0
        rows = np.concatenate([row[uni >= 0], row[:-1][pair][found]])
        cols = np.concatenate([uni[uni >= 0], bigram[found]])
        X = sp.csr_matrix((np.ones(len(rows), dtype=self.dtype), (rows, cols)), shape=(n, width))
        X.sum_duplicates()
        X.sort_indices()
        # As TfidfVectorizer: binary counts, sublinear tf, idf, then the norm.
        if self.binary:
            X.data[:] = 1
        if self.sublinear_tf:
            np.log(X.data, X.data)
            X.data += 1.0
        if self.use_idf:
            X.data *= self.idf_[X.indices]
        if self.norm is not None:
            X = normalize(X, norm=self.norm, copy=False)
        return X


# Fibonacci hashing: multiply by 2^64 / golden ratio, keep the top bits.
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _slots(keys: np.ndarray, bits: int) -> np.ndarray:
    return ((keys.astype(np.uint64) * _GOLDEN) >> np.uint64(64 - bits)).astype(np.int64)


def _hash_table(keys: np.ndarray, values: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """An open-addressing table (linear probing, at most a quarter full) of distinct keys."""
    bits = max(3, int(np.ceil(np.log2(max(1, len(keys)) * 4))))
    table = np.full(1 << bits, -1, dtype=np.int64)
    columns = np.full(1 << bits, -1, dtype=np.int64)
    mask = (1 << bits) - 1
    for key, slot, value in zip(keys.tolist(), _slots(keys, bits).tolist(), values, strict=True):
        while table[slot] != -1:
            slot = (slot + 1) & mask
        table[slot], columns[slot] = key, value
    return table, columns


def _lookup(table: np.ndarray, columns: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The value of each key in the table (:func:`_hash_table`), -1 where absent.

    All keys probe together; each round moves the unresolved ones to the next
    slot, and a quarter-full table resolves nearly all of them in one or two.
    """
    mask = len(table) - 1
    slot = _slots(keys, mask.bit_length())
    out = np.full(len(keys), -1, dtype=np.int64)
    todo = np.arange(len(keys))
    while len(todo):
        held = table[slot[todo]]
        hit = held == keys[todo]
        out[todo[hit]] = columns[slot[todo[hit]]]
        todo = todo[(held != -1) & ~hit]
        slot[todo] = (slot[todo] + 1) & mask
    return out
