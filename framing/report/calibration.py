"""Calibration figures for the notebooks: does a predicted 0.7 come true 70% of the time?

Re-exported by :mod:`framing.report.plots`; matplotlib is used through the
object-oriented API only, as there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from framing.schema import LABEL_DISPLAY

_OTHER = "#404040"  # a label outside the schema (a user's own label set)


def _name(label: str) -> str:
    style = LABEL_DISPLAY.get(label)
    return style.name if style is not None else str(label).replace("_", " ")


def reliability_table(
    y_true: Sequence[str], proba: Any, labels: Sequence[str], bins: int = 10
) -> pd.DataFrame:
    """Calibration data: per label and probability bin, the mean prediction and observed frequency.

    Each label is scored one-vs-rest: a sentence is a positive for a label
    when its gold label is that label (so gold labels outside ``labels``
    count as negatives everywhere; pass content sentences only to match the
    model's content probabilities).

    Parameters
    ----------
    y_true : sequence of str
        Gold labels, one per row of ``proba``.
    proba : array-like, shape (n, len(labels))
        Predicted probabilities, columns in ``labels`` order.
    labels : sequence of str
        The label of each column.
    bins : int, default 10
        Equal-width probability bins over [0, 1]; empty bins are left out.

    Returns
    -------
    DataFrame
        ``label, bin_lo, bin_hi, n, mean_p, observed``.

    Examples
    --------
    >>> t = reliability_table(["a", "a", "b", "b"], [[0.9, 0.1], [0.7, 0.3], [0.2, 0.8], [0.6, 0.4]],
    ...                       ["a", "b"], bins=2)
    >>> t[t["label"] == "a"][["n", "mean_p", "observed"]].round(3).values.tolist()
    [[1.0, 0.2, 0.0], [3.0, 0.733, 0.667]]
    """
    p = np.asarray(proba, dtype=float)
    gold = np.asarray(y_true, dtype=object)
    if p.ndim != 2 or p.shape != (len(gold), len(labels)):
        raise ValueError(f"proba must have shape ({len(gold)}, {len(labels)}), got {p.shape}")
    if bins < 1:
        raise ValueError(f"bins must be at least 1, got {bins}")
    if not np.isfinite(p).all() or (p < 0).any() or (p > 1).any():
        raise ValueError("proba must hold probabilities between 0 and 1")
    # p == 1 belongs in the last bin, not a bin of its own.
    which = np.minimum((p * bins).astype(int), bins - 1)
    rows = []
    for j, label in enumerate(labels):
        hit = (gold == label).astype(float)
        n = np.bincount(which[:, j], minlength=bins)
        sum_p = np.bincount(which[:, j], weights=p[:, j], minlength=bins)
        sum_hit = np.bincount(which[:, j], weights=hit, minlength=bins)
        for b in np.flatnonzero(n):
            rows.append({"label": label, "bin_lo": b / bins, "bin_hi": (b + 1) / bins, "n": float(n[b]),
                         "mean_p": sum_p[b] / n[b], "observed": sum_hit[b] / n[b]})
    return pd.DataFrame(rows, columns=["label", "bin_lo", "bin_hi", "n", "mean_p", "observed"])


def reliability_figure(
    y_true: Sequence[str], proba: Any, labels: Sequence[str], bins: int = 10
) -> Figure:
    """Reliability (calibration) plot: predicted probability against observed frequency, per label.

    Parameters
    ----------
    y_true, proba, labels, bins
        As for :func:`reliability_table`.

    Returns
    -------
    Figure
        One panel per label: the mean predicted probability of each bin
        against the share of its sentences that carry the label (the diagonal
        is perfect calibration), each point annotated with its count and the
        counts also drawn as pale bars along the bottom (scaled to the largest
        bin); the title gives the expected calibration error (ECE, the
        count-weighted mean gap).

    Examples
    --------
    >>> fig = reliability_figure(["reporting", "official_claim"], [[0.8, 0.2], [0.3, 0.7]],
    ...                          ["reporting", "official_claim"])
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['predicted probability', 'predicted probability']
    """
    table = reliability_table(y_true, proba, labels, bins)
    ncols = min(2, len(labels))
    nrows = max(1, math.ceil(len(labels) / ncols))
    fig = Figure(figsize=(4.2 * ncols, 3.8 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, label in zip(axes, labels, strict=False):
        part = table[table["label"] == label]
        colour = LABEL_DISPLAY[label].colour if label in LABEL_DISPLAY else _OTHER
        total = float(part["n"].sum())
        ax.plot([0, 1], [0, 1], linestyle="--", color="#999999", linewidth=1)
        if total:
            scale = 0.15 / float(part["n"].max())
            ax.bar((part["bin_lo"] + part["bin_hi"]) / 2, part["n"] * scale,
                   width=1 / bins * 0.9, color=colour, alpha=0.25)
            ax.plot(part["mean_p"], part["observed"], marker="o", color=colour, linewidth=1.5)
            for x, y, n in zip(part["mean_p"], part["observed"], part["n"], strict=True):
                ax.annotate(f"{int(n)}", (x, y), textcoords="offset points", xytext=(0, 5),
                            ha="center", fontsize=7)
        ece = float((part["n"] * (part["mean_p"] - part["observed"]).abs()).sum() / total) if total else math.nan
        ax.set_title(f"{_name(label)} (n={int(total)}, ECE {ece:.3f})", fontsize=10)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.05)
        ax.set_xlabel("predicted probability")
        ax.set_ylabel("observed frequency")
        ax.grid(alpha=0.3)
    for ax in axes[len(labels):]:
        fig.delaxes(ax)
    return fig
