"""Step 1 of aggregation: labeled sentences -> per-article counts and per-term sentence counts."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import chain

import numpy as np
import pandas as pd

from framing.features.view import count_words
from framing.lexicon.terms import (
    NOT_LOADED_ROLES,
    Lexicon,
    category_role,
    fold,
    load_lexicons,
    not_loaded_categories,
)
from framing.schema import BOILERPLATE, CONTENT_LABELS

NOT_LOADED = tuple(not_loaded_categories())


NOT_DRIVER_ROLES = ("furniture",)


SUMMARY_COLUMNS = ("doc_id", "source", "published", "text", "label")


LABEL_COUNTS = tuple(f"n_{label}" for label in CONTENT_LABELS)


_MONTH = re.compile(r"^(\d{4})-(\d{2})")


def rate_categories(lexicon: Lexicon) -> list[str]:
    """The lexicon categories whose rate per 1,000 words is reported.

    Examples
    --------
    >>> "speech_verbs" in rate_categories(load_lexicons())
    False
    """
    return [c for c in lexicon.categories if category_role(c) not in NOT_LOADED_ROLES]


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
            any(category_role(c) not in NOT_DRIVER_ROLES for c in found),
        )
        for term, found in by_term.items()
    }
