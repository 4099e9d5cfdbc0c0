"""Pairwise differences of label shares between sources, with Holm-corrected p-values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from framing.aggregate.bootstrap import MIN_ARTICLES
from framing.aggregate.values import rounded
from framing.schema import CONTENT_LABELS


def pairwise_differences(sources: pd.DataFrame, replicates: dict[str, np.ndarray]) -> pd.DataFrame:
    """Share of source A minus share of source B, per pair of sources and label.

    ``sources`` is the per-source table (``source``, ``articles``,
    ``share_<label>``); ``replicates`` maps each source to its bootstrap
    replicate shares (replicates x labels).

    Examples
    --------
    >>> import pandas as pd
    >>> pairwise_differences(pd.DataFrame({"source": ["X"], "articles": [1]}), {}).empty
    True
    """
    names = sources["source"].tolist()
    shares = sources.set_index("source")
    rows = []
    for a_i, a in enumerate(names):
        for b in names[a_i + 1 :]:
            for j, label in enumerate(CONTENT_LABELS):
                rows.append(_compare(a, b, label, shares, replicates, j))
    frame = pd.DataFrame(
        rows,
        columns=["source_a", "source_b", "label", "difference", "lo", "hi", "significant", "p_value"],
    )
    if frame.empty:
        frame["p_holm"], frame["significant_holm"], frame["note"] = [], [], []
        return frame
    frame["p_holm"] = holm(frame["p_value"].to_numpy(dtype=float))
    frame["significant_holm"] = frame["p_holm"] < 0.05
    few = [
        min(shares.at[a, "articles"], shares.at[b, "articles"]) < MIN_ARTICLES
        for a, b in zip(frame["source_a"], frame["source_b"], strict=True)
    ]
    frame["note"] = [f"not tested: fewer than {MIN_ARTICLES} articles in a group" if f else "" for f in few]
    return frame


def _compare(a: str, b: str, label: str, shares: pd.DataFrame, replicates: dict, j: int) -> tuple:
    diff = shares.at[a, f"share_{label}"] - shares.at[b, f"share_{label}"]
    defined = shares.at[a, "articles"] >= MIN_ARTICLES and shares.at[b, "articles"] >= MIN_ARTICLES
    d = replicates[a][:, j] - replicates[b][:, j]
    d = d[np.isfinite(d)]
    if not defined or len(d) == 0:
        return (a, b, label, rounded(diff), math.nan, math.nan, False, math.nan)
    lo, hi = np.percentile(d, [2.5, 97.5])
    # A normal p-value from the bootstrap standard error: continuous, unlike
    # the share of replicates past 0 (at least 2/(B+1)), which Holm's
    # correction over many pairs would never let through.
    se = float(np.std(d, ddof=1)) if len(d) > 1 else 0.0
    p = math.erfc(abs(diff) / se / math.sqrt(2)) if se > 0 else float(diff == 0)
    return (a, b, label, rounded(diff), rounded(lo), rounded(hi), bool(lo > 0 or hi < 0), rounded(p))


def holm(p: np.ndarray) -> np.ndarray:
    """Holm-adjusted p-values (NaN stays NaN), rounded to 4 digits.

    Examples
    --------
    >>> holm(np.array([0.01, 0.04])).tolist()
    [0.02, 0.04]
    """
    out = np.full(len(p), np.nan)
    finite = np.flatnonzero(np.isfinite(p))
    if len(finite) == 0:
        return out
    order = finite[np.argsort(p[finite], kind="stable")]
    m = len(order)
    adjusted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    out[order] = np.round(adjusted, 4)
    return out
