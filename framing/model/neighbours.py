"""Stacked context: what the neighbouring sentences look like.

A first-stage linear model scores every sentence; its probabilities for the
previous and next sentence, for the sentence that opened the current
quotation, and the mean over the rest of the article become features of the
final model. This carries a label along a quotation or an attributed summary
that has no cue of its own (LABELING.md: "context matters"). In training the
first-stage probabilities are out-of-fold, grouped by article, so the final
model never sees a neighbour's score that was fitted on that neighbour.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from framing.io.documents import doc_bounds  # noqa: F401 - re-exported: the row ranges neighbours read
from framing.schema import CONTENT_LABELS

PARTS = ("prev", "next", "quote_opener", "article_mean")


def neighbour_names() -> list[str]:
    """Feature names of the stacked context block.

    Examples
    --------
    >>> neighbour_names()[0]
    'neighbours__prev_p_reporting'
    """
    return [f"neighbours__{part}_p_{label}" for part in PARTS for label in CONTENT_LABELS]


def neighbour_features(P: np.ndarray, bounds: list[tuple[int, int]], starts_in_quote: np.ndarray) -> np.ndarray:
    """Neighbour probability features for every row.

    Parameters
    ----------
    P : ndarray of shape (n, 4)
        First-stage probabilities in ``CONTENT_LABELS`` order.
    bounds : list of (start, end)
        Row range of each document (:func:`doc_bounds`).
    starts_in_quote : ndarray of bool
        Whether each sentence begins inside an open quotation.

    Returns
    -------
    ndarray of shape (n, 16)

    Examples
    --------
    >>> P = np.array([[0, 0, 0, 1.0], [1.0, 0, 0, 0]])
    >>> neighbour_features(P, [(0, 2)], np.array([False, True]))[1, 8:12].tolist()
    [0.0, 0.0, 0.0, 1.0]
    """
    n, k = P.shape
    out = np.zeros((n, 4 * k), dtype=np.float64)
    if n == 0:
        return out
    starts = np.array([a for a, _ in bounds], dtype=np.int64)
    sizes = np.array([b - a for a, b in bounds], dtype=np.int64)
    doc = np.repeat(np.arange(len(bounds)), sizes)
    rows = np.arange(n)
    first, last = rows == starts[doc], rows == starts[doc] + sizes[doc] - 1
    out[1:, 0:k] = P[:-1]
    out[first, 0:k] = 0
    out[:-1, k : 2 * k] = P[1:]
    out[last, k : 2 * k] = 0
    # The opener of a quotation is the latest sentence of the same article
    # that did not itself start inside a quote.
    in_quote = np.asarray(starts_in_quote, dtype=bool)
    opener = np.maximum.accumulate(np.where(in_quote, -1, rows))
    has = in_quote & (opener >= starts[doc])
    out[has, 2 * k : 3 * k] = P[opener[has]]
    totals = np.add.reduceat(P, starts, axis=0) if len(starts) else np.zeros((0, k))
    many = sizes[doc] > 1
    out[many, 3 * k :] = (totals[doc[many]] - P[many]) / (sizes[doc[many]] - 1)[:, None]
    return out


def append_columns(Z: sp.csr_matrix, N: np.ndarray) -> sp.csr_matrix:
    """``Z`` (CSR) with the dense columns ``N`` appended on the right.

    The same matrix as ``scipy.sparse.hstack([Z, N])``, except that zeros of
    ``N`` are stored explicitly, built by placing each row's entries directly:
    the generic stack converts both parts to coordinates and sorts them, which
    cost more than the classifiers that read the result.

    Examples
    --------
    >>> Z = sp.csr_matrix(np.array([[0.0, 2.0], [3.0, 0.0]]))
    >>> append_columns(Z, np.array([[5.0], [0.0]])).toarray().tolist()
    [[0.0, 2.0, 5.0], [3.0, 0.0, 0.0]]
    """
    Z = sp.csr_matrix(Z)
    n, k = N.shape
    if n != Z.shape[0]:
        raise ValueError(f"Z has {Z.shape[0]} rows but N has {n}")
    indptr = Z.indptr.astype(np.int64) + k * np.arange(n + 1)
    data = np.empty(Z.nnz + n * k, dtype=np.result_type(Z.dtype, N.dtype))
    indices = np.empty(Z.nnz + n * k, dtype=np.int64)
    old = np.arange(Z.nnz) + k * np.repeat(np.arange(n), np.diff(Z.indptr))
    data[old], indices[old] = Z.data, Z.indices
    new = (indptr[1:] - k)[:, None] + np.arange(k)
    data[new], indices[new] = N, Z.shape[1] + np.arange(k)
    return sp.csr_matrix((data, indices, indptr), shape=(n, Z.shape[1] + k))


def stage1_proba(model, Z) -> np.ndarray:
    """A first-stage model's probabilities in ``CONTENT_LABELS`` order.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> m = LogisticRegression().fit([[0], [1], [2], [3]], list(reversed(CONTENT_LABELS)))
    >>> stage1_proba(m, [[0]]).shape
    (1, 4)
    """
    order = [list(model.classes_).index(c) for c in CONTENT_LABELS]
    return model.predict_proba(Z)[:, order]


def out_of_fold_proba(make_model, Z, y, content, weights, docs, cv: int, n_jobs: int | None = None) -> np.ndarray:
    """First-stage probabilities for every row from models fitted on other articles.

    Folds are grouped by article (``docs``), so no row's probability comes
    from a model that saw its own article; each fold's model is fitted on
    its content rows (``content``) only.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> Z = np.eye(8)[np.arange(40) % 8]
    >>> y = np.array(CONTENT_LABELS * 10)
    >>> P = out_of_fold_proba(LogisticRegression, Z, y, np.ones(40, bool), np.ones(40), np.arange(40) // 4, cv=5)
    >>> P.shape, bool(np.allclose(P.sum(axis=1), 1))
    ((40, 4), True)
    """
    from sklearn.model_selection import GroupKFold
    from sklearn.utils.parallel import Parallel, delayed

    P = np.zeros((len(y), len(CONTENT_LABELS)))
    splits = list(GroupKFold(n_splits=min(cv, len(np.unique(docs)))).split(Z, groups=docs))

    def one_fold(train_idx, test_idx):
        fit_idx = train_idx[content[train_idx]]
        model = make_model().fit(Z[fit_idx], y[fit_idx], sample_weight=weights[fit_idx])
        return test_idx, stage1_proba(model, Z[test_idx])

    for test_idx, proba in Parallel(n_jobs=n_jobs)(delayed(one_fold)(a, b) for a, b in splits):
        P[test_idx] = proba
    return P
