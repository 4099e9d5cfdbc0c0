"""Scores of held-out predictions: per-label F1, content macro-F1, boilerplate F1,
article-bootstrap intervals (plain and paired) and per-outlet share error.

Every function reads a frame (or arrays) of gold ``label`` and predicted
``pred``; macro-F1 is over the four content labels on sentences whose gold
label is content, as in LABELING.md, where boilerplate is not counted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from framing.schema import BOILERPLATE, CONTENT_LABELS, LABELS


def scores(y_true, y_pred) -> dict:
    """Per-label precision/recall/F1, macro-F1 over content labels, boilerplate F1.

    Macro-F1 is computed over the four content labels on the sentences whose
    gold label is content (a content sentence predicted as boilerplate counts
    as an error for its label).

    Examples
    --------
    >>> scores(["reporting", "boilerplate"], ["reporting", "boilerplate"])["boilerplate_f1"]
    1.0
    """
    y_true, y_pred = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    content = y_true != BOILERPLATE
    p, r, f, s = precision_recall_fscore_support(
        y_true[content], y_pred[content], labels=list(CONTENT_LABELS), zero_division=0
    )
    per_label = {
        label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
        for i, label in enumerate(CONTENT_LABELS)
    }
    return {
        "n": int(len(y_true)),
        "n_content": int(content.sum()),
        "macro_f1": float(np.mean(f)),
        "boilerplate_f1": float(f1_score(y_true == BOILERPLATE, y_pred == BOILERPLATE, zero_division=0)),
        "accuracy": float(np.mean(y_true == y_pred)),
        "per_label": per_label,
        "confusion": {
            "labels": list(LABELS),
            "matrix": confusion_matrix(y_true, y_pred, labels=list(LABELS)).tolist(),
        },
    }


def bootstrap_macro_f1(y_true, y_pred, groups, n_boot: int = 1000, seed: int = 0) -> list[float]:
    """95% interval of content macro-F1, resampling whole articles.

    Examples
    --------
    >>> lo, hi = bootstrap_macro_f1(["reporting"] * 4, ["reporting"] * 4, ["a", "a", "b", "b"], 50)
    >>> lo <= hi
    True
    """
    y_true, y_pred, groups = (np.asarray(a, dtype=object) for a in (y_true, y_pred, groups))
    content = y_true != BOILERPLATE
    values = resampled_macro_f1(y_true[content], [y_pred[content]], groups[content], n_boot, seed)[:, 0]
    return [float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))]


def bootstrap_macro_f1_delta(pred: pd.DataFrame, ref: pd.DataFrame, n_boot: int = 1000, seed: int = 0) -> list[float]:
    """95% interval of ``macro-F1(pred) - macro-F1(ref)`` on the same rows, resampling whole articles.

    A paired bootstrap: both predictions are scored on the same resampled
    articles, so the interval is that of the difference, not of either score.

    Examples
    --------
    >>> a = pd.DataFrame({"label": ["reporting", "editorialising"] * 2, "pred": ["reporting"] * 4, "doc_id": list("aabb")})
    >>> bootstrap_macro_f1_delta(a, a, 20)
    [0.0, 0.0]
    """
    ref = ref.loc[pred.index]
    content = (pred["label"] != BOILERPLATE).to_numpy()
    y = pred["label"].to_numpy(dtype=object)[content]
    pa, pb = pred["pred"].to_numpy(dtype=object)[content], ref["pred"].to_numpy(dtype=object)[content]
    groups = pred["doc_id"].to_numpy(dtype=object)[content]
    both = resampled_macro_f1(y, [pa, pb], groups, n_boot, seed)
    values = both[:, 0] - both[:, 1]
    return [float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))]


def resampled_macro_f1(y_true, preds: list, groups, n_boot: int, seed: int) -> np.ndarray:
    """Content macro-F1 of each prediction on ``n_boot`` resamples of whole articles, shape ``(n_boot, len(preds))``.

    ``y_true`` holds content labels only. Each resample draws as many articles
    as there are, with replacement (seeded). The F1 of a label is
    ``2 tp / (2 tp + fp + fn)``, 0 where undefined, as sklearn's ``f1_score``
    with ``zero_division=0``; a prediction outside the content labels is a
    miss of the true label. Confusion counts are summed per article once and
    a resample adds up its articles' counts (thousands of ``f1_score`` calls
    took minutes; a test holds the two equal).

    Examples
    --------
    >>> resampled_macro_f1(["reporting", "official_claim"], [["reporting", "reporting"]], ["a", "b"], 1, 0).shape
    (1, 1)
    """
    k = len(CONTENT_LABELS)
    code = {label: i for i, label in enumerate(CONTENT_LABELS)}
    y = np.array([code[v] for v in y_true], dtype=np.int64)
    uniq, article = np.unique(np.asarray(groups, dtype=object), return_inverse=True)
    n_art, width = len(uniq), k * (k + 1)
    per_article = []
    for pred in preds:
        p = np.array([code.get(v, k) for v in pred], dtype=np.int64)
        cells = article * width + y * (k + 1) + p
        per_article.append(np.bincount(cells, minlength=n_art * width).reshape(n_art, width))
    rng = np.random.default_rng(seed)
    out = np.empty((n_boot, len(preds)))
    for b in range(n_boot):
        # The same draws as rng.choice(uniq, size=n_art) over the article ids.
        times = np.bincount(rng.choice(n_art, size=n_art, replace=True), minlength=n_art)
        for j, counts in enumerate(per_article):
            out[b, j] = _macro_f1_of(times @ counts, k)
    return out


def _macro_f1_of(cells: np.ndarray, k: int) -> float:
    """Macro-F1 over ``k`` labels of a flattened ``k x (k + 1)`` confusion (last column: other)."""
    conf = cells.reshape(k, k + 1)
    tp = np.diagonal(conf[:, :k])
    fp = conf[:, :k].sum(axis=0) - tp
    fn = conf.sum(axis=1) - tp
    denom = 2 * tp + fp + fn
    return float(np.mean(np.divide(2 * tp, denom, out=np.zeros(k), where=denom > 0)))


def summarise_predictions(pred: pd.DataFrame, n_boot: int, seed: int) -> dict:
    """Scores plus the bootstrap interval for a frame with ``label`` and ``pred``."""
    out = scores(pred["label"], pred["pred"])
    out["macro_f1_ci"] = bootstrap_macro_f1(pred["label"], pred["pred"], pred["doc_id"], n_boot, seed)
    return out


def brief_scores(pred: pd.DataFrame, n_boot: int, seed: int) -> dict:
    """Content macro-F1 with its article-bootstrap interval, boilerplate F1 and per-label F1.

    Examples
    --------
    >>> p = pd.DataFrame({"doc_id": ["a", "b"], "label": ["reporting", "editorialising"],
    ...                   "pred": ["reporting", "reporting"]})
    >>> round(brief_scores(p, 10, 0)["f1"]["reporting"], 3)
    0.667
    """
    s = scores(pred["label"], pred["pred"])
    return {
        "macro_f1": s["macro_f1"],
        "macro_f1_ci": bootstrap_macro_f1(pred["label"], pred["pred"], pred["doc_id"], n_boot, seed),
        "boilerplate_f1": s["boilerplate_f1"],
        "f1": {k: v["f1"] for k, v in s["per_label"].items()},
    }


def per_outlet(pred: pd.DataFrame, n_boot: int, seed: int) -> dict:
    """Scores per outlet with a bootstrap interval over that outlet's articles."""
    out = {}
    for source, g in pred.groupby("source"):
        s = scores(g["label"], g["pred"])
        out[source] = {
            "articles": int(g["doc_id"].nunique()),
            "n": s["n"],
            "n_content": s["n_content"],
            "macro_f1": s["macro_f1"],
            "macro_f1_ci": bootstrap_macro_f1(g["label"], g["pred"], g["doc_id"], n_boot, seed),
            "boilerplate_f1": s["boilerplate_f1"],
            "f1": {k: v["f1"] for k, v in s["per_label"].items()},
        }
    return out


def share_mae(pred: pd.DataFrame) -> float:
    """Mean absolute error of per-source content label shares, in points (0-100).

    Shares are computed over sentences whose gold label is content, as in the
    aggregates (boilerplate excluded).

    Examples
    --------
    >>> p = pd.DataFrame({"source": ["A"] * 2, "label": ["reporting"] * 2, "pred": ["reporting", "official_claim"]})
    >>> share_mae(p)
    25.0
    """
    errs = []
    for _, g in pred.groupby("source"):
        gold = g[g["label"] != BOILERPLATE]
        predicted = g[g["pred"] != BOILERPLATE]
        for label in CONTENT_LABELS:
            gs = (gold["label"] == label).mean() if len(gold) else 0.0
            ps = (predicted["pred"] == label).mean() if len(predicted) else 0.0
            errs.append(abs(gs - ps))
    return float(100 * np.mean(errs))
