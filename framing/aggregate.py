"""Per-source aggregates of labeled sentences (boilerplate excluded everywhere).

Aggregation runs in two steps so that it streams over corpora of any size:

1. :func:`summarise` turns a block of labeled sentences into small
   per-article counts (content sentences, words, sentences per label, lexicon
   hits per category) and per-(source, month, label, term) sentence counts.
   Workers run it on each shard; ``framing aggregate`` runs it on the
   finished ``sentences.parquet``.
2. :class:`Accumulator` folds those summaries, in article order, into
   per-source and per-source-and-month totals and bootstrap replicates, and
   :meth:`Accumulator.result` turns them into :class:`Aggregates`.

Definitions (also written into ``aggregates.json``):

- *articles*: scored documents of the group; *sentences*: their content
  (non-boilerplate) sentences; *words*: the model's word tokens in those
  sentences (letters and digits, joined by an inner ``'`` or ``-``;
  :func:`framing.features.count_words`).
- *share of a label*: sentences with that label / content sentences, pooled
  over the group's articles.
- *95% interval*: percentile interval of a cluster bootstrap over articles.
  Each article gets an independent Poisson(1) weight per replicate (the
  Poisson bootstrap, which approximates resampling articles with
  replacement and can be computed in one streaming pass). Weights are drawn
  from a generator seeded by ``(seed, article_number // 1024)``, so the
  result depends on the seed and the article order only, not on how the
  corpus was sharded. Undefined (empty) for a group with fewer than two
  articles.
- *pairwise differences*: share of source A minus share of source B per
  label; replicate differences pair A's and B's independent replicates.
  *significant* when the 95% interval excludes 0. ``p_value`` is the
  two-sided normal p-value of the difference over its bootstrap standard
  error, and ``significant_holm`` applies Holm's correction to it over all
  pairs and labels (the stricter call when many sources are compared).
- *loaded-term rate*: lexicon matches per 1,000 words, by category, in
  content sentences; the attribution categories ``speech_verbs`` and
  ``source_nouns`` and the ``boilerplate`` category are not loaded terms and
  are left out.
- *drivers of a label*: lexicon terms (any category but ``boilerplate``) in
  the group's sentences of that label, ranked by ``count * log2(lift)``
  where ``count`` is the number of that label's sentences containing the
  term and ``lift`` is the term's rate in that label's sentences over its
  rate in all content sentences of the group; terms with lift below 1 are
  dropped, ties go to the larger count, then alphabetical order. Top 5.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
import pandas as pd

from framing.features import count_words
from framing.lexicon import Lexicon, fold, load_lexicons
from framing.schema import BOILERPLATE, CONTENT_LABELS

NOT_LOADED = ("boilerplate", "speech_verbs", "source_nouns")
NOT_DRIVERS = ("boilerplate",)
TOP_DRIVERS = 5
DEFAULT_BOOTSTRAP = 1000
# Articles per block of bootstrap weights; part of the seeding contract above.
WEIGHT_BLOCK = 1024
SUMMARY_COLUMNS = ("doc_id", "source", "published", "text", "label")
LABEL_COUNTS = tuple(f"n_{label}" for label in CONTENT_LABELS)
# Cells a spreadsheet would run as a formula (or that hide one behind a tab or CR).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MONTH = re.compile(r"^(\d{4})-(\d{2})")


MIN_ARTICLES = 5
"""Fewest articles a group needs for a share interval or a pairwise test.

A cluster bootstrap resamples articles: over two or three articles it has
almost no distinct resamples and gives zero-width intervals and p-values
near 0 that mean nothing. Below this many articles, shares are reported
without an interval and comparisons are not tested (``note`` says why)."""


def rate_categories(lexicon: Lexicon) -> list[str]:
    """The lexicon categories whose rate per 1,000 words is reported.

    Examples
    --------
    >>> "speech_verbs" in rate_categories(load_lexicons())
    False
    """
    return [c for c in lexicon.categories if c not in NOT_LOADED]


def month_of(published: str) -> str:
    """``YYYY-MM`` of an ISO date string, or ``""`` when there is none.

    Examples
    --------
    >>> month_of("2022-03-04"), month_of("")
    ('2022-03', '')
    """
    m = _MONTH.match(published or "")
    return f"{m.group(1)}-{m.group(2)}" if m else ""


@dataclass
class Summary:
    """Per-article counts and per-term sentence counts of a block of sentences."""

    docs: pd.DataFrame
    terms: pd.DataFrame

    def to_dict(self) -> dict:
        """Plain lists, for a JSON sidecar."""
        # Series.tolist() converts a whole column in C; DataFrame.to_dict
        # boxes every cell in Python.
        return {name: {c: frame[c].tolist() for c in frame.columns} for name, frame in (("docs", self.docs), ("terms", self.terms))}

    @classmethod
    def from_dict(cls, data: dict) -> Summary:
        """Inverse of :meth:`to_dict`."""
        return cls(_frame(data["docs"]), _frame(data["terms"], list(_TERM_COLUMNS)))


_TEXT_COLUMNS = frozenset({"doc_id", "source", "month", "label", "term"})


def _frame(columns: dict[str, list], order: list[str] | None = None) -> pd.DataFrame:
    # Typed up front: letting pandas infer a type for every list costs more
    # than the rest of folding a shard.
    names = order if order is not None else list(columns)
    return pd.DataFrame(
        {
            c: pd.Series(columns.get(c, []), dtype=object)
            if c in _TEXT_COLUMNS
            else np.asarray(columns.get(c, []), dtype=np.int64)
            for c in names
        },
        columns=names,
    )


_TERM_COLUMNS = ("source", "month", "label", "term", "sentences")


def summarise(sentences: pd.DataFrame, lexicon: Lexicon | None = None) -> Summary:
    """Per-article counts of a labeled sentence table.

    Parameters
    ----------
    sentences : DataFrame
        ``doc_id, source, published, text, label``; each article's rows
        contiguous (as every framing table is). ``published`` may be absent.
    lexicon : Lexicon, optional
        Defaults to the bundled lexicons.

    Returns
    -------
    Summary
        ``docs``: one row per article in order of appearance with
        ``doc_id, source, month, sentences, content, words, n_<label>...,
        cat_<category>...``; ``terms``: ``source, month, label, term,
        sentences``.

    Examples
    --------
    >>> s = pd.DataFrame({"doc_id": ["a", "a"], "source": ["X", "X"], "published": ["2022-03-01"] * 2,
    ...                   "text": ["The tyrant ranted.", "Read more"], "label": ["editorialising", "boilerplate"]})
    >>> summarise(s).docs[["doc_id", "month", "content", "words", "n_editorialising"]].values.tolist()
    [['a', '2022-03', 1, 3, 1]]
    """
    missing = [c for c in SUMMARY_COLUMNS if c not in sentences.columns and c != "published"]
    if missing:
        raise ValueError(
            f"sentence table needs columns {missing}; it has {list(sentences.columns)}"
        )
    return _summarise(sentences, lexicon if lexicon is not None else load_lexicons())


def _summarise(sentences: pd.DataFrame, lexicon: Lexicon) -> Summary:
    cats = rate_categories(lexicon)
    n_labels = len(CONTENT_LABELS)
    width = 3 + n_labels + len(cats)
    n = len(sentences)
    # Articles in order of first appearance; each takes its first row's source and date.
    doc, doc_ids = pd.factorize(sentences["doc_id"].to_numpy(dtype=object), use_na_sentinel=False)
    first = np.unique(doc, return_index=True)[1] if n else np.zeros(0, dtype=np.int64)
    published = sentences["published"].to_numpy(dtype=object) if "published" in sentences.columns else None
    months = [month_of(published[i]) if published is not None else "" for i in first.tolist()]
    sources = sentences["source"].to_numpy(dtype=object)[first]
    label = _label_slots(sentences["label"].to_numpy(dtype=object))
    content = np.flatnonzero(label >= 0)
    # Scoring hands over the terms and words the encoder found; a finished
    # run's sentences.parquet has only the text, so match it again (the
    # result is the same: both use Lexicon.scan and count_words).
    texts = sentences["text"].tolist()
    if "terms" in sentences.columns and "words" in sentences.columns:
        found_all = sentences["terms"].tolist()
        found = [found_all[i] for i in content.tolist()]
        words = sentences["words"].to_numpy(dtype=np.int64)[content]
    else:
        found = [_terms(lexicon, texts[i]) for i in content.tolist()]
        words = np.array([count_words(texts[i]) for i in content.tolist()], dtype=np.int64)

    counts = np.zeros((len(doc_ids), width), dtype=np.int64)
    counts[:, 0] = np.bincount(doc, minlength=len(doc_ids))
    counts[:, 1] = np.bincount(doc[content], minlength=len(doc_ids))
    counts[:, 2] = np.bincount(doc[content], weights=words, minlength=len(doc_ids)).astype(np.int64)
    np.add.at(counts, (doc[content], 3 + label[content]), 1)

    # Lexicon matches of content sentences: category counts per article and,
    # for terms that can drive a label, sentences per (source, month, label, term).
    term_rows = pd.DataFrame(columns=list(_TERM_COLUMNS))
    lengths = np.fromiter(map(len, found), dtype=np.int64, count=len(found))
    if lengths.sum():
        sent = np.repeat(content, lengths)
        term, distinct = pd.factorize(np.asarray(list(chain.from_iterable(found)), dtype=object))
        info = _term_info(lexicon, cats)
        # A term the given lexicon lacks (a model trained with other
        # lexicons) counts in no category and drives nothing.
        slots = [info.get(t, _UNKNOWN_TERM)[0] for t in distinct.tolist()]
        driver = np.array([info.get(t, _UNKNOWN_TERM)[1] for t in distinct.tolist()], dtype=bool)
        n_slots = np.array([len(x) for x in slots], dtype=np.int64)[term]
        flat_slots = np.array([x for t in term.tolist() for x in slots[t]], dtype=np.int64)
        np.add.at(counts, (doc[np.repeat(sent, n_slots)], flat_slots), 1)
        # A term counts once per sentence.
        keep = driver[term]
        pairs = np.unique(sent[keep] * len(distinct) + term[keep])
        p_sent, p_term = pairs // len(distinct), pairs % len(distinct)
        group_of: dict[tuple, int] = {}
        doc_group = np.array([group_of.setdefault(k, len(group_of)) for k in zip(sources, months, strict=True)], dtype=np.int64)
        groups = list(group_of)
        keys, n_sent = np.unique(
            (doc_group[doc[p_sent]] * n_labels + label[p_sent]) * len(distinct) + p_term, return_counts=True
        )
        g, rest = np.divmod(keys, n_labels * len(distinct))
        lab, t = np.divmod(rest, len(distinct))
        term_rows = pd.DataFrame(
            {
                "source": pd.Series([groups[i][0] for i in g.tolist()], dtype=object),
                "month": pd.Series([groups[i][1] for i in g.tolist()], dtype=object),
                "label": pd.Series(np.array(CONTENT_LABELS, dtype=object)[lab], dtype=object),
                "term": pd.Series(distinct[t], dtype=object),
                "sentences": n_sent.astype(np.int64),
            }
        )
    count_cols = ["sentences", "content", "words", *LABEL_COUNTS, *(f"cat_{c}" for c in cats)]
    docs = pd.DataFrame(counts, columns=count_cols)
    docs.insert(0, "month", pd.Series(months, dtype=object))
    docs.insert(0, "source", pd.Series(sources, dtype=object))
    docs.insert(0, "doc_id", pd.Series(doc_ids, dtype=object))
    return Summary(docs, term_rows)


def _label_slots(labels: np.ndarray) -> np.ndarray:
    """Each label's index in CONTENT_LABELS; -1 for boilerplate."""
    codes, names = pd.factorize(labels, use_na_sentinel=False)
    slot = {label: i for i, label in enumerate(CONTENT_LABELS)} | {BOILERPLATE: -1}
    unknown = [x for x in names.tolist() if x not in slot]
    if unknown:
        raise ValueError(f"unknown labels {unknown}; expected {[BOILERPLATE, *CONTENT_LABELS]}")
    return np.array([slot[x] for x in names.tolist()], dtype=np.int64)[codes]


def _terms(lexicon: Lexicon, text: str) -> list[str]:
    _, _, ids = lexicon.scan(fold(text))
    return [lexicon.term_list[i] for i in ids.tolist()]


_TERM_INFO: dict[int, tuple[Lexicon, tuple, dict]] = {}
_UNKNOWN_TERM: tuple[tuple[int, ...], bool] = ((), False)


def _term_info(lexicon: Lexicon, cats: list[str]) -> dict[str, tuple[tuple[int, ...], bool]]:
    """Per term: the count slots of its rate categories, and whether it can drive a label.

    Cached per lexicon object (loaded lexicons are themselves cached), since
    every shard asks again.
    """
    cached = _TERM_INFO.get(id(lexicon))
    if cached is None or cached[0] is not lexicon or cached[1] != tuple(cats):
        if len(_TERM_INFO) >= 8:  # as many as load_lexicons keeps; never grow
            _TERM_INFO.clear()
        cached = _TERM_INFO[id(lexicon)] = (lexicon, tuple(cats), _build_term_info(lexicon, cats))
    return cached[2]


def _build_term_info(lexicon: Lexicon, cats: list[str]) -> dict[str, tuple[tuple[int, ...], bool]]:
    slot = {c: 3 + len(CONTENT_LABELS) + i for i, c in enumerate(cats)}
    by_term: dict[str, set[str]] = defaultdict(set)
    for e in lexicon.entries:
        by_term[e["term"]].add(e["category"])
    return {
        term: (
            tuple(sorted(slot[c] for c in found if c in slot)),
            any(c not in NOT_DRIVERS for c in found),
        )
        for term, found in by_term.items()
    }


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
        doc = {**self.meta, "sources": self.groups, "pairwise": _records(self.pairwise)}
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
        self._terms = _TermCounts()

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
                    _poisson1(np.random.default_rng([self.seed, block]), self.bootstrap),
                )
            take = min(n - done, WEIGHT_BLOCK - offset)
            out[done : done + take] = self._block[1][:, offset : offset + take].T
            done += take
        return out

    def result(self) -> Aggregates:
        """The aggregates of everything added so far."""
        self._add_replicates()
        return _result(self)


# P(Poisson(1) <= k) for k = 0..11; the tail beyond 11 has probability < 1e-9.
_POISSON1_CDF = np.cumsum([math.exp(-1) / math.factorial(k) for k in range(12)]).astype(np.float32)


def _poisson1(rng: np.random.Generator, replicates: int) -> np.ndarray:
    """Poisson(1) weights for one block of articles, by inverse CDF.

    A weight is the number of CDF steps at or below a uniform draw; counting
    them with one comparison per step is 4x faster than ``searchsorted``
    (and ``rng.poisson``), and the same numbers.
    """
    u = rng.random((replicates, WEIGHT_BLOCK), dtype=np.float32)
    out = np.zeros(u.shape, dtype=np.uint8)
    for step in _POISSON1_CDF:
        above = u >= step
        if not above.any():
            break
        out += above
    return out


_LABEL_INDEX = {label: i for i, label in enumerate(CONTENT_LABELS)}
# Term ids below this; keys stay valid as new terms appear.
_TERM_SPACE = 1 << 24
_COMPACT_ROWS = 1 << 17
# Articles buffered before their bootstrap replicates are added (see Accumulator).
_BOOTSTRAP_BLOCK = WEIGHT_BLOCK
_GROUPS_PER_STEP = 64


class _TermCounts:
    """Sentence counts per (group, label, term), as sorted int64 keys and counts.

    A dict of tuples would cost ~150 bytes per entry; these arrays cost 16.
    Rows are buffered and merged into the store once the buffer is large.
    """

    def __init__(self) -> None:
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
        if self._pending_rows >= _COMPACT_ROWS:
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


def _result(acc: Accumulator) -> Aggregates:
    if acc.categories is None:
        acc.categories = []
    acc._terms.compact()
    rows, groups, replicates = [], {}, {}
    for key in sorted(acc._groups):
        row, reps = _group_row(acc, key)
        rows.append(row)
        if key[1] == "":
            replicates[key[0]] = reps
            groups[key[0]] = {**_nested(row, acc), "months": []}
        else:
            groups[key[0]]["months"].append(_nested(row, acc))
    columns = _table_columns(acc.categories)
    table = pd.DataFrame(rows, columns=columns)
    pairwise = _pairwise(table[table["level"] == "source"], replicates)
    meta = {
        "definitions": _definitions(),
        "labels": list(CONTENT_LABELS),
        "rate_categories": acc.categories,
        "bootstrap": acc.bootstrap,
        "seed": acc.seed,
        "articles": acc._articles,
    }
    return Aggregates(table, pairwise, list(groups.values()), meta)


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


def _group_row(acc: Accumulator, key: tuple[str, str]) -> tuple[dict, np.ndarray]:
    gid = acc._groups[key]
    stats, boot = acc._stats[gid], acc._boot[gid].T
    articles, _, content, words = (int(v) for v in stats[:4])
    label_counts = stats[4 : 4 + len(CONTENT_LABELS)]
    cat_counts = stats[4 + len(CONTENT_LABELS) :]
    with np.errstate(invalid="ignore", divide="ignore"):
        reps = boot[:, 1:] / boot[:, :1]
    row: dict = {"level": "month" if key[1] else "source", "source": key[0], "month": key[1]}
    row.update(articles=articles, sentences=content, words=words)
    lo, hi = _interval(reps) if articles >= MIN_ARTICLES else (np.full(len(CONTENT_LABELS), np.nan),) * 2
    for j, label in enumerate(CONTENT_LABELS):
        row[f"share_{label}"] = _round(label_counts[j] / content if content else math.nan)
        row[f"share_{label}_lo"], row[f"share_{label}_hi"] = _round(lo[j]), _round(hi[j])
    for c, count in zip(acc.categories, cat_counts, strict=True):
        row[f"rate_{c}"] = _round(1000.0 * count / words if words else math.nan, 3)
    drivers = _drivers(*acc._terms.of_group(gid), acc._terms.names, label_counts, content)
    for label in CONTENT_LABELS:
        row[f"drivers_{label}"] = "; ".join(d["term"] for d in drivers[label])
    row["_drivers"] = drivers
    return row, reps


def _interval(reps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ok = np.isfinite(reps).all(axis=1)
    if not ok.any():
        nan = np.full(reps.shape[1], np.nan)
        return nan, nan
    lo, hi = np.percentile(reps[ok], [2.5, 97.5], axis=0)
    return lo, hi


def _drivers(
    labels: np.ndarray,
    tids: np.ndarray,
    counts: np.ndarray,
    names: list[str],
    label_counts: np.ndarray,
    content: int,
) -> dict[str, list[dict]]:
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
            {"term": t, "sentences": c, "lift": _round(lift, 3)}
            for _, _, t, lift, c in ranked[:TOP_DRIVERS]
        ]
    return out


def _nested(row: dict, acc: Accumulator) -> dict:
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
    out["loaded_per_1000_words"] = {c: row[f"rate_{c}"] for c in acc.categories}
    out["drivers"] = {label: [d["term"] for d in ds] for label, ds in row["_drivers"].items()}
    out["driver_stats"] = row.pop("_drivers")
    return _json_safe(out)


def _pairwise(sources: pd.DataFrame, replicates: dict[str, np.ndarray]) -> pd.DataFrame:
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
    frame["p_holm"] = _holm(frame["p_value"].to_numpy(dtype=float))
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
        return (a, b, label, _round(diff), math.nan, math.nan, False, math.nan)
    lo, hi = np.percentile(d, [2.5, 97.5])
    # A normal p-value from the bootstrap standard error: continuous, unlike
    # the share of replicates past 0 (at least 2/(B+1)), which Holm's
    # correction over many pairs would never let through.
    se = float(np.std(d, ddof=1)) if len(d) > 1 else 0.0
    p = math.erfc(abs(diff) / se / math.sqrt(2)) if se > 0 else float(diff == 0)
    return (a, b, label, _round(diff), _round(lo), _round(hi), bool(lo > 0 or hi < 0), _round(p))


def _holm(p: np.ndarray) -> np.ndarray:
    out = np.full(len(p), np.nan)
    finite = np.flatnonzero(np.isfinite(p))
    if len(finite) == 0:
        return out
    order = finite[np.argsort(p[finite], kind="stable")]
    m = len(order)
    adjusted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    out[order] = np.round(adjusted, 4)
    return out


def _round(x: float, digits: int = 4) -> float:
    x = float(x)
    return round(x, digits) if math.isfinite(x) else math.nan


def _json_safe(value):
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return _json_safe(float(value))
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    return [_json_safe(r) for r in frame.to_dict("records")]


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


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Neutralise text cells a spreadsheet would run as a formula.

    A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return gets a leading single quote, so spreadsheets show it as text.

    Examples
    --------
    >>> csv_safe(pd.DataFrame({"a": ["=1+1", "ok", "-x"], "n": [-1, 2, 3]}))["a"].tolist()
    ["'=1+1", 'ok', "'-x"]
    """
    return _map_text_columns(frame, _neutralise)


def _neutralise(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_restore(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`csv_safe` on a frame read back from a framing CSV file.

    Examples
    --------
    >>> csv_restore(csv_safe(pd.DataFrame({"a": ["=1+1", "'ok", "x"]})))["a"].tolist()
    ['=1+1', "'ok", 'x']
    """
    return _map_text_columns(frame, _restore)


def _map_text_columns(frame: pd.DataFrame, fn) -> pd.DataFrame:
    """Apply ``fn`` to every cell of the frame's text columns (a copy)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(fn).astype(object)
    return out


def _restore(value):
    if (
        isinstance(value, str)
        and value.startswith("'")
        and value[1:2]
        and value[1] in _FORMULA_START
    ):
        return value[1:]
    return value


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as UTF-8 CSV with formula cells neutralised (:func:`csv_safe`).

    Examples
    --------
    >>> to_csv_bytes(pd.DataFrame({"a": ["@x"]}))
    b"a\\n'@x\\n"
    """
    safe = csv_safe(frame)
    # The csv module quotes a field for "\n" but not for a bare "\r", which a
    # reader then takes as a row break: quote every field when one holds it.
    has_cr = any(
        safe[c].astype(str).str.contains("\r", regex=False).any()
        for c in safe.columns
        if safe[c].dtype == object or pd.api.types.is_string_dtype(safe[c])
    )
    return safe.to_csv(index=False, quoting=csv.QUOTE_ALL if has_cr else csv.QUOTE_MINIMAL).encode("utf-8")
