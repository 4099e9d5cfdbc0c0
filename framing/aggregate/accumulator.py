"""Step 2 of aggregation: fold per-article summaries, in article order, into :class:`Aggregates`."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from framing.aggregate.bootstrap import (
    DEFAULT_BOOTSTRAP,
    MIN_ARTICLES,
    WEIGHT_BLOCK,
    percentile_interval,
    poisson1_weights,
)
from framing.aggregate.comparisons import pairwise_differences
from framing.aggregate.summaries import (
    LABEL_COUNTS,
    NOT_LOADED,
    Summary,
)
from framing.aggregate.terms import TermCounts, top_drivers
from framing.aggregate.values import json_safe, records, rounded
from framing.schema import CONTENT_LABELS

_LABEL_INDEX = {label: i for i, label in enumerate(CONTENT_LABELS)}


# Articles buffered before their bootstrap replicates are added (see Accumulator).
_BOOTSTRAP_BLOCK = WEIGHT_BLOCK


_GROUPS_PER_STEP = 64


@dataclass
class Aggregates:
    """The aggregate tables of a run.

    ``table`` has one row per source (``level == 'source'``) and per source
    and month (``level == 'month'``); ``pairwise`` one row per pair of
    sources and label; ``groups`` is the nested form written to
    ``aggregates.json``.
    """

    table: pd.DataFrame
    pairwise: pd.DataFrame
    groups: list[dict]
    meta: dict = field(default_factory=dict)

    def sources(self) -> pd.DataFrame:
        """The per-source rows of :attr:`table`."""
        return self.table[self.table["level"] == "source"].reset_index(drop=True)

    def to_json(self) -> str:
        """The ``aggregates.json`` document."""
        doc = {**self.meta, "sources": self.groups, "pairwise": records(self.pairwise)}
        return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


class Accumulator:
    """Fold per-article summaries, in article order, into aggregates.

    Memory depends on the number of groups (sources, and sources by month)
    and of distinct lexicon terms seen in each, not on the number of
    articles: per group, the count totals and ``bootstrap`` replicates of
    five weighted sums (40 KB at 1,000 replicates); per (group, label, term),
    16 bytes.

    Parameters
    ----------
    categories : list of str or None
        Lexicon categories of the rate columns (:func:`rate_categories`);
        None takes them from the first summary added.
    bootstrap : int, default 1000
        Bootstrap replicates.
    seed : int, default 0

    Examples
    --------
    >>> from framing.aggregate.summaries import rate_categories, summarise
    >>> from framing.lexicon.terms import load_lexicons
    >>> lex = load_lexicons()
    >>> s = pd.DataFrame({"doc_id": ["a", "b"], "source": ["X", "X"], "published": ["", ""],
    ...                   "text": ["Kyiv said so.", "The tyrant ranted."],
    ...                   "label": ["official_claim", "editorialising"]})
    >>> acc = Accumulator(rate_categories(lex), bootstrap=50)
    >>> acc.add(summarise(s, lex))
    >>> acc.result().sources()[["source", "articles", "share_official_claim"]].values.tolist()
    [['X', 2, 0.5]]
    """

    def __init__(
        self, categories: list[str] | None, *, bootstrap: int = DEFAULT_BOOTSTRAP, seed: int = 0
    ):
        if bootstrap < 1:
            raise ValueError(f"bootstrap must be at least 1, got {bootstrap}")
        self.categories = list(categories) if categories is not None else None
        self.bootstrap = int(bootstrap)
        self.seed = int(seed)
        self._articles = 0
        self._block: tuple[int, np.ndarray] | None = None
        self._groups: dict[tuple[str, str], int] = {}
        # Row g: articles, sentences, content, words, n_<label>..., cat_<category>...
        self._stats = np.zeros((0, 0))
        # Replicate sums per group: (groups, content + label counts, replicates).
        self._boot = np.zeros((0, 1 + len(CONTENT_LABELS), self.bootstrap))
        # Articles whose replicate sums are not yet in _boot: updating every
        # touched group's replicates costs the same for 500 articles as for
        # 1,000, so articles are buffered and added in blocks of 1,024 (the
        # block's weights, 1,024 x 1,000 doubles, are 8 MiB).
        self._pending: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
        self._pending_articles = 0
        self._terms = TermCounts()

    def add(self, summary: Summary) -> None:
        """Add the next articles (in corpus order) and their term counts."""
        docs = summary.docs
        if self.categories is None and len(docs):
            self.categories = [c[4:] for c in docs.columns if c.startswith("cat_")]
        stat_cols = [
            "sentences",
            "content",
            "words",
            *LABEL_COUNTS,
            *(f"cat_{c}" for c in self.categories or []),
        ]
        missing = [c for c in stat_cols if c not in docs.columns]
        if len(docs) and missing:
            raise ValueError(f"summary lacks columns {missing}; was it made with another lexicon?")
        if len(docs):
            self._add_docs(docs, stat_cols)
        if len(summary.terms):
            self._add_terms(summary.terms)

    def _group_ids(self, sources: list[str], months: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Row numbers and group ids: each row's source group, and its month group if dated."""
        s_codes, s_names = pd.factorize(np.asarray(sources, dtype=object))
        m_codes, m_names = pd.factorize(np.asarray(months, dtype=object))
        codes, combos = pd.factorize(s_codes * len(m_names) + m_codes)
        pairs = [(s_names[c // len(m_names)], m_names[c % len(m_names)]) for c in combos.tolist()]
        ids = self._groups
        src = np.asarray([ids.setdefault((s, ""), len(ids)) for s, _ in pairs], dtype=np.int64)
        mon = np.asarray(
            [ids.setdefault((s, m), len(ids)) if m else -1 for s, m in pairs], dtype=np.int64
        )
        n = len(codes)
        dated = np.flatnonzero(mon[codes] >= 0)
        rows = np.concatenate([np.arange(n), dated])
        return rows, np.concatenate([src[codes], mon[codes[dated]]])

    def _add_docs(self, docs: pd.DataFrame, stat_cols: list[str]) -> None:
        n = len(docs)
        rows, gids = self._group_ids(docs["source"].tolist(), docs["month"].tolist())
        self._grow(len(self._groups), 1 + len(stat_cols))
        stats = np.hstack([np.ones((n, 1)), docs[stat_cols].to_numpy(dtype=np.float64)])
        np.add.at(self._stats, gids, stats[rows])
        x = docs[["content", *LABEL_COUNTS]].to_numpy(dtype=np.float64)
        self._pending.append((self._articles, x, rows, gids))
        self._articles += n
        self._pending_articles += n
        if self._pending_articles >= _BOOTSTRAP_BLOCK:
            self._add_replicates()

    def _add_replicates(self) -> None:
        from scipy import sparse

        if not self._pending:
            return
        start = self._pending[0][0]
        x = np.vstack([p[1] for p in self._pending])
        rows = np.concatenate([p[2] + (p[0] - start) for p in self._pending])
        gids = np.concatenate([p[3] for p in self._pending])
        n = len(x)
        self._pending, self._pending_articles = [], 0
        weights = self._weights(start, n)
        local, inv = np.unique(gids, return_inverse=True)
        x = x[rows]
        k = x.shape[1]
        # One sparse (group and count x articles) times weights product: row
        # g * k + j holds count j of group g's articles. Integer-valued float
        # sums are exact, so results do not depend on how articles were split
        # into calls.
        member = sparse.csr_matrix(
            (x.ravel(), ((inv[:, None] * k + np.arange(k)).ravel(), np.repeat(rows, k))), shape=(len(local) * k, n)
        )
        # A few groups at a time, so that the temporaries stay small.
        for a in range(0, len(local), _GROUPS_PER_STEP):
            b = min(a + _GROUPS_PER_STEP, len(local))
            sums = member[a * k : b * k] @ weights
            self._boot[local[a:b]] += sums.reshape(b - a, k, -1)

    def _add_terms(self, terms: pd.DataFrame) -> None:
        rows, gids = self._group_ids(terms["source"].tolist(), terms["month"].tolist())
        codes, names = pd.factorize(terms["label"].to_numpy(dtype=object))
        labels = np.asarray([_LABEL_INDEX[n] for n in names.tolist()], dtype=np.int64)[codes][rows]
        self._terms.add(
            gids, labels, terms["term"].tolist(), terms["sentences"].to_numpy()[rows], rows
        )

    def _grow(self, groups: int, width: int) -> None:
        if self._stats.shape[1] != width:
            self._stats = np.zeros((self._stats.shape[0], width))
        if groups > self._stats.shape[0]:
            cap = max(groups, 2 * self._stats.shape[0], 16)
            stats, boot = np.zeros((cap, width)), np.zeros((cap, *self._boot.shape[1:]))
            stats[: len(self._stats)], boot[: len(self._boot)] = self._stats, self._boot
            self._stats, self._boot = stats, boot

    def _weights(self, start: int, n: int) -> np.ndarray:
        """Poisson weights of articles ``start .. start + n``: (articles, replicates), C order."""
        out = np.empty((n, self.bootstrap), dtype=np.float64)
        done = 0
        while done < n:
            block, offset = divmod(start + done, WEIGHT_BLOCK)
            if self._block is None or self._block[0] != block:
                self._block = (
                    block,
                    poisson1_weights(np.random.default_rng([self.seed, block]), self.bootstrap),
                )
            take = min(n - done, WEIGHT_BLOCK - offset)
            out[done : done + take] = self._block[1][:, offset : offset + take].T
            done += take
        return out

    def result(self) -> Aggregates:
        """The aggregates of everything added so far."""
        self._add_replicates()
        return self._result()

    def _result(self) -> Aggregates:
        if self.categories is None:
            self.categories = []
        self._terms.compact()
        rows, groups, replicates = [], {}, {}
        for key in sorted(self._groups):
            row, reps = self._group_row(key)
            rows.append(row)
            if key[1] == "":
                replicates[key[0]] = reps
                groups[key[0]] = {**self._nested(row), "months": []}
            else:
                groups[key[0]]["months"].append(self._nested(row))
        columns = _table_columns(self.categories)
        table = pd.DataFrame(rows, columns=columns)
        pairwise = pairwise_differences(table[table["level"] == "source"], replicates)
        meta = {
            "definitions": _definitions(),
            "labels": list(CONTENT_LABELS),
            "rate_categories": self.categories,
            "bootstrap": self.bootstrap,
            "seed": self.seed,
            "articles": self._articles,
        }
        return Aggregates(table, pairwise, list(groups.values()), meta)

    def _group_row(self, key: tuple[str, str]) -> tuple[dict, np.ndarray]:
        gid = self._groups[key]
        stats, boot = self._stats[gid], self._boot[gid].T
        articles, _, content, words = (int(v) for v in stats[:4])
        label_counts = stats[4 : 4 + len(CONTENT_LABELS)]
        cat_counts = stats[4 + len(CONTENT_LABELS) :]
        with np.errstate(invalid="ignore", divide="ignore"):
            reps = boot[:, 1:] / boot[:, :1]
        row: dict = {"level": "month" if key[1] else "source", "source": key[0], "month": key[1]}
        row.update(articles=articles, sentences=content, words=words)
        lo, hi = percentile_interval(reps) if articles >= MIN_ARTICLES else (np.full(len(CONTENT_LABELS), np.nan),) * 2
        for j, label in enumerate(CONTENT_LABELS):
            row[f"share_{label}"] = rounded(label_counts[j] / content if content else math.nan)
            row[f"share_{label}_lo"], row[f"share_{label}_hi"] = rounded(lo[j]), rounded(hi[j])
        for c, count in zip(self.categories, cat_counts, strict=True):
            row[f"rate_{c}"] = rounded(1000.0 * count / words if words else math.nan, 3)
        drivers = top_drivers(*self._terms.of_group(gid), self._terms.names, label_counts, content)
        for label in CONTENT_LABELS:
            row[f"drivers_{label}"] = "; ".join(d["term"] for d in drivers[label])
        row["_drivers"] = drivers
        return row, reps

    def _nested(self, row: dict) -> dict:
        out = {k: row[k] for k in ("source", "month", "articles", "sentences", "words")}
        if not row["month"]:
            del out["month"]
        out["shares"] = {
            label: {
                "share": row[f"share_{label}"],
                "lo": row[f"share_{label}_lo"],
                "hi": row[f"share_{label}_hi"],
            }
            for label in CONTENT_LABELS
        }
        out["loaded_per_1000_words"] = {c: row[f"rate_{c}"] for c in self.categories}
        out["drivers"] = {label: [d["term"] for d in ds] for label, ds in row["_drivers"].items()}
        out["driver_stats"] = row.pop("_drivers")
        return json_safe(out)



def _table_columns(categories: list[str]) -> list[str]:
    shares = [f"share_{lab}{suffix}" for lab in CONTENT_LABELS for suffix in ("", "_lo", "_hi")]
    rates = [f"rate_{c}" for c in categories]
    return [
        "level",
        "source",
        "month",
        "articles",
        "sentences",
        "words",
        *shares,
        *rates,
        *(f"drivers_{lab}" for lab in CONTENT_LABELS),
    ]




def _definitions() -> dict[str, str]:
    return {
        "articles": "scored documents of the group",
        "sentences": "content sentences (boilerplate excluded)",
        "words": "word tokens (letters and digits, joined by an inner ' or -) in content sentences",
        "share": "sentences with the label / content sentences, pooled over articles",
        "interval": "95% percentile interval of a Poisson cluster bootstrap over articles; "
        f"empty below {MIN_ARTICLES} articles",
        "pairwise": "share(a) - share(b); significant when the 95% bootstrap interval excludes 0; p_value is "
        "two-sided normal from the bootstrap standard error; p_holm is Holm-adjusted over all pairs and labels; "
        f"not tested (empty, never significant) when either group has fewer than {MIN_ARTICLES} articles",
        "loaded_per_1000_words": "lexicon matches per 1,000 words in content sentences, by category "
        f"(excluding {', '.join(NOT_LOADED)})",
        "drivers": "lexicon terms ranked by count * log2(lift) in the label's sentences vs all content sentences",
    }


def aggregate_summaries(
    summaries: Iterable[Summary],
    categories: list[str] | None = None,
    *,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
) -> Aggregates:
    """Aggregate summaries given in article order.

    Examples
    --------
    >>> from framing.aggregate.summaries import rate_categories, summarise
    >>> from framing.lexicon.terms import load_lexicons
    >>> lex = load_lexicons()
    >>> s = pd.DataFrame({"doc_id": ["a"], "source": ["X"], "published": [""], "text": ["Kyiv said so."],
    ...                   "label": ["official_claim"]})
    >>> aggregate_summaries([summarise(s, lex)], rate_categories(lex), bootstrap=10).sources()["articles"].tolist()
    [1]
    """
    acc = Accumulator(categories, bootstrap=bootstrap, seed=seed)
    for summary in summaries:
        acc.add(summary)
    return acc.result()
