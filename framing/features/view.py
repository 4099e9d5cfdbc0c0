"""The read-only view of a batch of sentences that every cue group reads.

:class:`BatchView` holds what several cue groups share: the folded text and
tokens, quotation state, document boundaries, the one lexicon scan and the
narrative scan, and the intermediate arrays derived from them (speech-verb
counts, quoted share, sentence ends, ...). Each intermediate is a
:func:`functools.cached_property`: computed once, on first use, by whichever
group asks first, so the cue groups (:mod:`framing.features.cues`) are pure
functions of the view and may run in any order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from framing.lexicon.narratives import load_narratives
from framing.lexicon.terms import Lexicon, category_role, char_codes, fold, lookup
from framing.text.quotes import quote_states

_TOKEN = re.compile(r"[a-z0-9]+(?:['\-][a-z0-9]+)*|[!?]")
_SAID_COLON = re.compile(r":[ \t]*[\"'“‘]")
_BULLET = re.compile(r"^\s*(?:[-•*–—▪►·]|\d+[.)])\s")
_LEAD = re.compile(r"^[\s\-•*–—▪►·🔵]*")
_CLOSING_DOUBLE = ('"', "”")
_CLOSERS = "\"”’')]"
_STOPS = (".", "!", "?", "…")


def tokenise(folded: str) -> list[str]:
    """The model's tokens of a folded sentence: words (with inner ' and -) and ! ?.

    Examples
    --------
    >>> tokenise("neo-nazis! don't")
    ['neo-nazis', '!', "don't"]
    """
    return _TOKEN.findall(folded)


def count_words(text: str) -> int:
    """Words in a sentence as the model counts them: its tokens less ``!`` and ``?``.

    Examples
    --------
    >>> count_words("Neo-Nazis! Don't go.")
    3
    """
    return words_in(tokenise(fold(text)))


def words_in(tokens: list[str]) -> int:
    """Words among tokens: all but ``!`` and ``?``.

    Examples
    --------
    >>> words_in(["we", "win", "!"])
    2
    """
    return len(tokens) - tokens.count("!") - tokens.count("?")


def blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the characters of ``spans`` (quotations) replaced by spaces.

    Examples
    --------
    >>> blank_spans('he said "no" twice', [(8, 12)])
    'he said      twice'
    """
    if not spans:
        return text
    parts, pos = [], 0
    for a, b in spans:
        a = max(a, pos)
        if b <= a:
            continue
        parts.append(text[pos:a])
        parts.append(" " * (b - a))
        pos = b
    parts.append(text[pos:])
    return "".join(parts)


def _offsets(texts: list[str]) -> np.ndarray:
    """Start of each text in the texts joined by one-character separators, and the total."""
    out = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(t) + 1 for t in texts], out=out[1:])
    return out


def _lead_len(text: str) -> int:
    """Length of the bullet or symbol prefix before a line's first word."""
    return _LEAD.match(text).end()


@dataclass(frozen=True, eq=False)
class LexiconHits:
    """Every (match, category) pair of the batch's lexicon scan, as parallel arrays."""

    rows: np.ndarray
    """Sentence of each pair."""
    inside: np.ndarray
    """Whether the match lies inside a quotation."""
    cats: np.ndarray
    """Category index (into ``Lexicon.categories``) of each pair."""
    starts: np.ndarray
    """Start of each pair's match in the joined folded text."""
    terms: np.ndarray
    """Term index (into ``Lexicon.term_list``) of each pair."""


@dataclass(frozen=True, eq=False)
class BatchView:
    """Sentences of a batch, flattened, with what several cue groups share (read-only).

    Build it with :meth:`build`; read the shared intermediates as attributes.
    """

    lexicon: Lexicon
    sentences: list[str]
    folded: list[str]
    folded_text: str
    offsets: np.ndarray  # start of each folded sentence in folded_text
    stripped: list[str]
    tokens: list[list[str]]
    states: list
    outside: list[str]  # folded, quotation blanked
    codes: np.ndarray  # code points of folded_text
    raw_codes: np.ndarray  # code points of the sentences joined by line breaks
    raw_offsets: np.ndarray  # start of each sentence in raw_codes
    doc_start: np.ndarray  # per row: index of its document's first row
    local: np.ndarray  # per row: position in its document
    size: np.ndarray  # per row: its document's length

    @classmethod
    def build(cls, sentences: list[str], sizes: np.ndarray, bounds: list[tuple[int, int]], lexicon: Lexicon) -> BatchView:
        """The view of ``sentences``, documents of ``sizes`` rows at ``bounds``.

        Examples
        --------
        >>> from framing.lexicon.terms import load_lexicons
        >>> v = BatchView.build(["He said: \\"Go.", "Now.\\""], np.array([2]), [(0, 2)], load_lexicons())
        >>> v.states[1].starts_open, v.n
        (True, 2)
        """
        n = len(sentences)
        folded = [fold(t) for t in sentences]
        folded_text = "\n".join(folded)
        states = [st for a, b in bounds for st in quote_states(sentences[a:b])]
        doc_start = np.repeat(np.cumsum(sizes) - sizes, sizes)
        return cls(
            lexicon=lexicon,
            sentences=sentences,
            folded=folded,
            folded_text=folded_text,
            offsets=_offsets(folded),
            stripped=[t.strip() for t in sentences],
            tokens=[tokenise(f) for f in folded],
            states=states,
            outside=[blank_spans(f, st.spans) if st.spans else f for f, st in zip(folded, states, strict=True)],
            codes=char_codes(folded_text),
            raw_codes=char_codes("\n".join(sentences)),
            raw_offsets=_offsets(sentences),
            doc_start=doc_start,
            local=np.arange(n) - doc_start,
            size=np.repeat(sizes, sizes),
        )

    # ---------------------------------------------------------------- row helpers

    @property
    def n(self) -> int:
        """Sentences in the batch."""
        return len(self.sentences)

    def rows_of(self, positions: np.ndarray, offsets: np.ndarray | None = None) -> np.ndarray:
        """The row (sentence) that holds each character position of the joined text."""
        return np.searchsorted(self.offsets if offsets is None else offsets, positions, side="right") - 1

    def count(self, rows: np.ndarray) -> np.ndarray:
        """How many of ``rows`` fall on each sentence."""
        return np.bincount(rows, minlength=self.n).astype(np.float32)

    def prev(self, values: np.ndarray) -> np.ndarray:
        """The previous sentence's value; 0 for a document's first sentence."""
        out = np.zeros(self.n, dtype=np.float32)
        out[1:] = values[:-1]
        out[self.local == 0] = 0
        return out

    def next(self, values: np.ndarray) -> np.ndarray:
        """The next sentence's value; 0 for a document's last sentence."""
        out = np.zeros(self.n, dtype=np.float32)
        out[:-1] = values[1:]
        out[self.local == self.size - 1] = 0
        return out

    def last_where(self, mask: np.ndarray, inclusive: bool = True) -> np.ndarray:
        """Row of the latest sentence at or before each row (or before it) where ``mask``
        holds, within the same document; -1 where there is none."""
        latest = np.maximum.accumulate(np.where(mask, np.arange(self.n), -1))
        if not inclusive:
            latest = np.concatenate([[-1], latest[:-1]])
        return np.where(latest >= self.doc_start, latest, -1)

    def inside_quotes(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Whether each ``[start, end)`` of the joined folded text lies inside a quotation span."""
        span_a, span_b = [], []
        for i, st in enumerate(self.states):
            if st.spans:
                base = int(self.offsets[i])
                span_a += [base + a for a, _ in st.spans]
                span_b += [base + b for _, b in st.spans]
        if not span_a or not len(starts):
            return np.zeros(len(starts), dtype=bool)
        # Spans come sorted by start; a match is inside if any span opened at or
        # before it reaches past its end (spans never cross sentences).
        reach = np.maximum.accumulate(np.array(span_b, dtype=np.int64))
        k = np.searchsorted(np.array(span_a, dtype=np.int64), starts, side="right") - 1
        return (k >= 0) & (reach[np.maximum(k, 0)] >= ends)

    # ---------------------------------------------------------------- the scans

    @cached_property
    def matches(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(starts, rows, term ids, inside quotation)`` of every lexicon match: one Aho-Corasick pass."""
        starts, ends, term_ids = self.lexicon.scan(self.folded_text, self.codes)
        return starts, self.rows_of(starts), term_ids, self.inside_quotes(starts, ends)

    @cached_property
    def hits(self) -> LexiconHits:
        """One entry per (match, category): a term may sit in several categories."""
        starts, rows, term_ids, inside = self.matches
        cat_index = {c: i for i, c in enumerate(self.lexicon.categories)}
        per_term = [[cat_index[c] for c, _ in cats] for cats in self.lexicon.term_cats]
        n_cats = np.array([len(per_term[t]) for t in term_ids.tolist()], dtype=np.int64)
        which = np.repeat(np.arange(len(term_ids)), n_cats)
        cats = np.array([c for t in term_ids.tolist() for c in per_term[t]], dtype=np.int64)
        return LexiconHits(rows[which], inside[which], cats, starts[which], term_ids[which])

    def having(self, *roles: str) -> np.ndarray:
        """Mask over :attr:`hits` of the categories with one of ``roles`` (see the roles file)."""
        names = self.lexicon.categories
        return np.isin(self.hits.cats, [i for i, c in enumerate(names) if category_role(c) in roles])

    def of_category(self, category: str) -> np.ndarray:
        """Mask over :attr:`hits` of one category."""
        return self.hits.cats == self.lexicon.categories.index(category)

    @cached_property
    def narratives(self) -> list[list[tuple[str, int, int]]]:
        """Narrative detector matches per sentence: ``(name, start, end)`` in the folded sentence."""
        return load_narratives().scan(self.folded)

    @cached_property
    def narrative_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Row of each narrative match and whether it lies inside quotation (read by several groups)."""
        found = self.narratives
        rows = np.array([i for i, f in enumerate(found) for _ in f], dtype=np.int64)
        a = np.array([s for f in found for _, s, _ in f], dtype=np.int64)
        b = np.array([e for f in found for _, _, e in f], dtype=np.int64)
        if not len(rows):
            return rows, np.zeros(0, bool)
        return rows, self.inside_quotes(self.offsets[rows] + a, self.offsets[rows] + b)

    # ---------------------------------------------------------------- shared intermediates

    @cached_property
    def speech(self) -> np.ndarray:
        """Speech-verb matches outside quotation, per sentence."""
        h = self.hits
        return self.count(h.rows[self.having("speech_verb") & ~h.inside])

    @cached_property
    def source_nouns(self) -> np.ndarray:
        """Source-noun matches outside quotation, per sentence."""
        h = self.hits
        return self.count(h.rows[self.having("source_noun") & ~h.inside])

    @cached_property
    def promo_terms(self) -> np.ndarray:
        """Page-furniture term matches, per sentence."""
        return self.count(self.hits.rows[self.having("furniture")])

    @cached_property
    def promo(self) -> np.ndarray:
        """Whether a sentence holds a page-furniture term."""
        return self.promo_terms > 0

    @cached_property
    def promo_at_start(self) -> np.ndarray:
        """Whether a furniture term leads the sentence ("Read more: ...", "Sign up to ...")."""
        out = np.zeros(self.n, dtype=bool)
        mask = self.having("furniture")
        promo_rows = self.hits.rows[mask]
        if len(promo_rows):
            # Each row's lead is measured once: per hit, a long run of dashes
            # would be rescanned for every promo term behind it (quadratic).
            uniq = np.unique(promo_rows)
            lead = np.zeros(self.n, dtype=np.int64)
            lead[uniq] = [_lead_len(self.folded[i]) for i in uniq.tolist()]
            offset = self.hits.starts[mask] - self.offsets[promo_rows]
            np.logical_or.at(out, promo_rows, offset <= lead[promo_rows])
        return out

    @cached_property
    def propaganda(self) -> tuple[np.ndarray, np.ndarray]:
        """Propaganda-term matches ``(inside, outside)`` quotation, per sentence."""
        h = self.hits
        prop = self.having("propaganda")
        return self.count(h.rows[prop & h.inside]), self.count(h.rows[prop & ~h.inside])

    @cached_property
    def has_prop(self) -> np.ndarray:
        """Whether a sentence holds a propaganda term, quoted or not."""
        inside, outside = self.propaganda
        return (outside + inside) > 0

    @cached_property
    def quoted_share(self) -> np.ndarray:
        """Share of a sentence's characters inside quotation, at most 1."""
        lengths = np.array([max(1, len(t)) for t in self.stripped], dtype=np.float32)
        quoted = np.array([st.quoted_chars() if st.spans else 0 for st in self.states], dtype=np.float32)
        return np.minimum(1.0, quoted / lengths)

    @cached_property
    def according(self) -> np.ndarray:
        """Whether "according to" stands outside quotation."""
        return np.array(["according to" in o for o in self.outside])

    @cached_property
    def said_colon(self) -> np.ndarray:
        """Whether a colon opens a quotation ('... said: "...').'"""
        return np.array([":" in f and _SAID_COLON.search(f) is not None for f in self.folded])

    @cached_property
    def attributed(self) -> np.ndarray:
        """Whether a sentence attributes speech (a verb of saying, "according to" or said-colon)."""
        return (self.speech > 0) | self.according | self.said_colon

    @cached_property
    def has_digit(self) -> np.ndarray:
        """Whether a sentence holds a digit."""
        return self.count(self.rows_of(np.flatnonzero(lookup("digit", self.codes)))) > 0

    @cached_property
    def words(self) -> np.ndarray:
        """Words per sentence (:func:`count_words`)."""
        return np.array([words_in(t) for t in self.tokens], dtype=np.int64)

    @cached_property
    def n_words(self) -> np.ndarray:
        """Words per sentence, at least 1, as floats."""
        return np.maximum(1, self.words).astype(np.float32)

    @cached_property
    def no_terminal(self) -> np.ndarray:
        """Whether a sentence lacks a full stop (or ! ? …), closing quotes allowed."""
        return np.array(
            [not (t.endswith(_CLOSING_DOUBLE) or t.rstrip(_CLOSERS).endswith(_STOPS)) for t in self.stripped]
        )

    @cached_property
    def colon_end(self) -> np.ndarray:
        """Whether a sentence ends with a colon or an ellipsis of dots."""
        return np.array([t.endswith((":", "...")) for t in self.stripped])

    @cached_property
    def bullet(self) -> np.ndarray:
        """Whether a sentence starts like a list item."""
        return np.array([_BULLET.match(t) is not None for t in self.sentences])

    @cached_property
    def question_end(self) -> np.ndarray:
        """Whether a sentence ends with a question mark."""
        return np.array([t.endswith("?") for t in self.stripped])
