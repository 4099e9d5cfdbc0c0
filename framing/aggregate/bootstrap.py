"""The Poisson cluster bootstrap over articles: weights and percentile intervals."""

from __future__ import annotations

import math

import numpy as np

DEFAULT_BOOTSTRAP = 1000


# Articles per block of bootstrap weights; part of the seeding contract above.
WEIGHT_BLOCK = 1024


MIN_ARTICLES = 5
"""Fewest articles a group needs for a share interval or a pairwise test.

A cluster bootstrap resamples articles: over two or three articles it has
almost no distinct resamples and gives zero-width intervals and p-values
near 0 that mean nothing. Below this many articles, shares are reported
without an interval and comparisons are not tested (``note`` says why)."""


# P(Poisson(1) <= k) for k = 0..11; the tail beyond 11 has probability < 1e-9.
_POISSON1_CDF = np.cumsum([math.exp(-1) / math.factorial(k) for k in range(12)]).astype(np.float32)


def poisson1_weights(rng: np.random.Generator, replicates: int) -> np.ndarray:
    """Poisson(1) weights for one block of articles, by inverse CDF.

    A weight is the number of CDF steps at or below a uniform draw; counting
    them with one comparison per step is faster than ``searchsorted``
    (and ``rng.poisson``), and the same numbers.

    Examples
    --------
    >>> poisson1_weights(np.random.default_rng(0), 3).shape
    (3, 1024)
    """
    u = rng.random((replicates, WEIGHT_BLOCK), dtype=np.float32)
    out = np.zeros(u.shape, dtype=np.uint8)
    for step in _POISSON1_CDF:
        above = u >= step
        if not above.any():
            break
        out += above
    return out


def percentile_interval(reps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 2.5 and 97.5 percentiles of each column over the replicates whose values are all finite.

    Examples
    --------
    >>> lo, hi = percentile_interval(np.array([[0.1], [0.2], [float("nan")]]))
    >>> float(lo[0]) < float(hi[0])
    True
    """
    ok = np.isfinite(reps).all(axis=1)
    if not ok.any():
        nan = np.full(reps.shape[1], np.nan)
        return nan, nan
    lo, hi = np.percentile(reps[ok], [2.5, 97.5], axis=0)
    return lo, hi
