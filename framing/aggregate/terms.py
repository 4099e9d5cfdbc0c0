"""Sentence counts per (group, label, lexicon term), and the terms that drive each label."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pandas as pd

from framing.aggregate.values import rounded
from framing.schema import CONTENT_LABELS

TOP_DRIVERS = 5


# Term ids below this; keys stay valid as new terms appear.
_TERM_SPACE = 1 << 24


# Buffered rows merged into the sorted store at once.
_COMPACT_ROWS = 1 << 17


class TermCounts:
    """Sentence counts per (group, label, term), as sorted int64 keys and counts.

    A dict of tuples would cost ~150 bytes per entry; these arrays cost 16.
    Rows are buffered and merged into the store once the buffer is large.
    """

    def __init__(self, compact_rows: int = _COMPACT_ROWS) -> None:
        self.compact_rows = compact_rows
        self.ids: dict[str, int] = {}
        self.names: list[str] = []
        self.keys = np.zeros(0, dtype=np.int64)
        self.counts = np.zeros(0, dtype=np.int64)
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []
        self._pending_rows = 0

    def add(self, gids, labels, terms: list[str], counts: np.ndarray, rows: np.ndarray) -> None:
        ids, names = self.ids, self.names
        # Factorise first: the dictionary is consulted once per distinct term.
        codes, distinct = pd.factorize(np.asarray(terms, dtype=object))
        for term in distinct.tolist():
            if term not in ids:
                ids[term] = len(names)
                names.append(term)
        tids = np.asarray([ids[t] for t in distinct.tolist()], dtype=np.int64)[codes]
        keys = (gids * len(CONTENT_LABELS) + labels) * _TERM_SPACE + tids[rows]
        self._pending.append((keys, counts.astype(np.int64)))
        self._pending_rows += len(keys)
        if self._pending_rows >= self.compact_rows:
            self.compact()

    def compact(self) -> None:
        if not self._pending:
            return
        keys = np.concatenate([k for k, _ in self._pending])
        counts = np.concatenate([c for _, c in self._pending])
        self._pending, self._pending_rows = [], 0
        new_keys, inv = np.unique(keys, return_inverse=True)
        new_counts = np.bincount(inv, weights=counts).astype(np.int64)
        # Merge into the sorted store; re-sorting it each time would need
        # several copies of it at once.
        at = np.searchsorted(self.keys, new_keys)
        found = at < len(self.keys)
        found[found] = self.keys[at[found]] == new_keys[found]
        self.counts[at[found]] += new_counts[found]
        fresh = ~found
        if fresh.any():
            self.keys = np.insert(self.keys, at[fresh], new_keys[fresh])
            self.counts = np.insert(self.counts, at[fresh], new_counts[fresh])

    def of_group(self, gid: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Labels, term ids and counts of one group (after :meth:`compact`)."""
        span = len(CONTENT_LABELS) * _TERM_SPACE
        a, b = np.searchsorted(self.keys, [gid * span, (gid + 1) * span])
        keys = self.keys[a:b]
        return (keys // _TERM_SPACE) % len(CONTENT_LABELS), keys % _TERM_SPACE, self.counts[a:b]


def top_drivers(
    labels: np.ndarray,
    tids: np.ndarray,
    counts: np.ndarray,
    names: list[str],
    label_counts: np.ndarray,
    content: int,
) -> dict[str, list[dict]]:
    """The lexicon terms that drive each label in one group, ranked by ``count * log2(lift)``.

    Arguments are one group's rows of :meth:`TermCounts.of_group`, the term
    names, the group's sentences per content label and its content sentences.

    Examples
    --------
    >>> out = top_drivers(np.array([2]), np.array([0]), np.array([3]), ["tyrant"], np.array([1, 1, 3, 0]), 5)
    >>> out["editorialising"][0]["term"]
    'tyrant'
    """
    per_term: dict[int, int] = defaultdict(int)
    for tid, count in zip(tids.tolist(), counts.tolist(), strict=True):
        per_term[tid] += count
    out: dict[str, list[dict]] = {}
    for j, label in enumerate(CONTENT_LABELS):
        n_label = label_counts[j]
        ranked = []
        mine = labels == j
        for tid, count in zip(tids[mine].tolist(), counts[mine].tolist(), strict=True):
            lift = (count / n_label) / (per_term[tid] / content)
            if lift >= 1.0:
                ranked.append((-count * math.log2(lift), -count, names[tid], lift, count))
        ranked.sort()
        out[label] = [
            {"term": t, "sentences": c, "lift": rounded(lift, 3)}
            for _, _, t, lift, c in ranked[:TOP_DRIVERS]
        ]
    return out
