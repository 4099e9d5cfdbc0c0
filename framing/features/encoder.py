"""Sentence features: one pass over each document, then scikit-learn transformers.

:func:`encode` walks each document once. It folds and tokenises every
sentence once, matches every lexicon term in a single Aho-Corasick pass over
the whole document, tracks quotation state across sentences
(:mod:`framing.text.quotes`), and writes numeric cue columns in five groups:

- ``lexicon``: hits per lexicon category, split by inside / outside quotation,
  and whether a propaganda term is contested in the same sentence;
- ``attribution``: speech verbs, source nouns, "according to", quote shapes;
- ``style``: exclamation and question marks, first and second person,
  capitals, superlatives, length, all outside quotation;
- ``context``: the neighbours' quote and attribution state and the position
  in the article;
- ``boilerplate``: page-furniture cues (no full stop, title case, bullets,
  promo phrases) for the boilerplate detector.

The learned part is a :class:`sklearn.compose.ColumnTransformer` that joins a
word n-gram vectoriser (fed the shared tokens) with one :class:`CueScaler`
per cue group; see :func:`build_features`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from framing.features.gc_pause import gc_paused
from framing.lexicon.narratives import load_narratives
from framing.lexicon.terms import (
    NOT_LOADED_ROLES,
    Lexicon,
    categories_with_role,
    category_role,
    char_codes,
    fold,
    lookup,
)
from framing.text.quotes import quote_states

CUE_GROUPS = ("lexicon", "attribution", "style", "context", "boilerplate")

_TOKEN = re.compile(r"[a-z0-9]+(?:['\-][a-z0-9]+)*|[!?]")
_CAPS = re.compile(r"\b[A-Z]{4,}\b")
_NUMBER = re.compile(r"\d+")
_SAID_COLON = re.compile(r":[ \t]*[\"'“‘]")
# A quotation attributed at its end: '..." the minister said.' or '..., he said.'
_TRAILING_WORDS = re.compile(r",?\s+(?:\w+\s){0,4}?\w+\s*$")
_TRAILING_PRONOUN = re.compile(r"[,\"”]\s+(?:he|she|they|it)\s+\w+\.?$")
_BULLET = re.compile(r"^\s*(?:[-•*–—▪►·]|\d+[.)])\s")
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s?(?:am|pm)\b|\b(?:19|20)\d{2}\b")
_TERMINAL = re.compile(r"[.!?…][\"”’')\]]*\s*$|[\"”]\s*$")
_LEADIN_WORDS = re.compile(
    r"\b(?:statement|statements|points|remarks|comments|address|speech|said|says|"
    r"following|below|key|main|highlights|lines|excerpts|quotes|told)\b"
)
# Word cues are token-set lookups and character cues are str.count or
# substring tests: each is a C-level call per sentence, far cheaper than one
# regex with many alternatives tried at every character.
_FIRST_WORDS = frozenset("i we our us my me ours".split())
_SECOND_WORDS = frozenset("you your yours".split())
_PERSON_WORDS = _FIRST_WORDS | _SECOND_WORDS


@dataclass
class Encoded:
    """The one-pass encoding of a batch of sentences, aligned row for row."""

    cues: pd.DataFrame
    tokens: list[list[str]]
    hits: list[list[tuple[str, str, bool]]] = field(default_factory=list)
    bounds: list[tuple[int, int]] = field(default_factory=list)
    """Row range ``(start, end)`` of each document, in order."""
    terms: list[list[str]] = field(default_factory=list)
    """Lexicon terms matched in each sentence, one entry per match."""
    words: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Words in each sentence (:func:`count_words`)."""
    texts: list[str] | None = None
    """The sentences as given, when an encoder needs the raw text (MiniLM)."""

    def frame(self) -> pd.DataFrame:
        """Cues plus a ``tokens`` column: the input of the feature pipeline."""
        out = self.cues.copy()
        out["tokens"] = self.tokens
        return out


def cue_columns(lexicon: Lexicon) -> dict[str, list[str]]:
    """Names of the cue columns, by group, for a given lexicon.

    Examples
    --------
    >>> from framing.lexicon.terms import load_lexicons
    >>> cols = cue_columns(load_lexicons())
    >>> "ctx__starts_in_quote" in cols["context"]
    True
    """
    lex_cats = [c for c in lexicon.categories if category_role(c) not in NOT_LOADED_ROLES]
    lexicon_cols = [f"lex_out__{c}" for c in lex_cats] + [f"lex_in__{c}" for c in lex_cats]
    lexicon_cols += ["lex__propaganda_uncontested", "lex__propaganda_contested", "lex__propaganda_in_quote"]
    lexicon_cols += [f"narr_out__{n}" for n in load_narratives().names] + ["narr__any_in", "narr__any_out"]
    return {
        "lexicon": lexicon_cols,
        "attribution": [
            "attr__speech_verb",
            "attr__source_noun",
            "attr__according_to",
            "attr__said_colon",
            "attr__trailing_attribution",
            "attr__quoted_share",
            "attr__has_quote",
            "attr__whole_quote",
            *(f"attr__speaks_{_party(c)}" for c in categories_with_role(lexicon, "actor")),
        ],
        "style": [
            "style__exclamation",
            "style__question",
            "style__first_person",
            "style__second_person",
            "style__capitals",
            "style__superlative",
            "style__numbers",
            "style__words",
        ],
        "context": [
            "ctx__starts_in_quote",
            "ctx__reopens_quote",
            "ctx__ends_in_quote",
            "ctx__prev_attributed",
            "ctx__next_attributed",
            "ctx__prev_quoted_share",
            "ctx__next_quoted_share",
            "ctx__prev_lead_in",
            "ctx__under_lead_in",
            "ctx__since_attribution",
            "ctx__prev_propaganda",
            "ctx__position",
            "ctx__first",
            "ctx__last",
        ],
        "boilerplate": [
            "bp__no_terminal",
            "bp__short",
            "bp__title_case",
            "bp__bullet",
            "bp__promo_terms",
            "bp__pipe",
            "bp__time",
            "bp__url",
            "bp__colon_end",
            "bp__question_end",
            "bp__prev_no_terminal",
            "bp__next_no_terminal",
            "bp__prev_promo",
            "bp__next_promo",
            "bp__from_end",
            "bp__words",
            "bp__promo_at_start",
            "bp__list_question",
            "bp__under_promo_header",
        ],
    }


def encode(documents: list[list[str]], lexicon: Lexicon) -> Encoded:
    """Encode sentences, document by document, in one pass.

    The work is done over the whole batch at once: one fold and one lexicon
    scan of all the text, character classes looked up as arrays, and the
    context cues computed with document boundaries as masks, so the cost per
    sentence does not depend on how the batch is cut into documents.

    Parameters
    ----------
    documents : list of list of str
        Each inner list is one document's sentences in reading order.
    lexicon : Lexicon
        Terms to match (see :func:`framing.lexicon.terms.load_lexicons`).

    Returns
    -------
    Encoded
        One row per sentence, documents concatenated in order.

    Examples
    --------
    >>> from framing.lexicon.terms import load_lexicons
    >>> enc = encode([['Putin said: "The special operation is on time.', 'It goes to plan."']],
    ...              load_lexicons())
    >>> int(enc.cues.loc[1, "ctx__starts_in_quote"])
    1
    """
    groups = cue_columns(lexicon)
    columns = [c for g in CUE_GROUPS for c in groups[g]]
    docs = [d for d in documents if d]
    sizes = np.array([len(d) for d in docs], dtype=np.int64)
    ends = np.cumsum(sizes)
    bounds = list(zip((ends - sizes).tolist(), ends.tolist(), strict=True))
    if not docs:
        return Encoded(pd.DataFrame(np.zeros((0, len(columns)), dtype=np.float32), columns=columns), [], [], [], [])
    with gc_paused():
        shard = _Shard.build([s for d in docs for s in d], sizes, bounds)
        cues: dict[str, np.ndarray] = {}
        hits, terms = _lexicon_cues(shard, lexicon, cues)
        _narrative_cues(shard, cues, hits)
        _attribution_cues(shard, cues)
        _style_cues(shard, cues)
        _boilerplate_cues(shard, cues)
        _context_cues(shard, cues)
    values = np.empty((shard.n, len(columns)), dtype=np.float32)
    for j, c in enumerate(columns):
        values[:, j] = cues[c]
    return Encoded(pd.DataFrame(values, columns=columns), shard.tokens, hits, bounds, terms, shard.words)


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
    return _words_in(tokenise(fold(text)))


def _words_in(tokens: list[str]) -> int:
    return len(tokens) - tokens.count("!") - tokens.count("?")


@dataclass
class _Shard:
    """Sentences of a batch, flattened, with what several cue groups share."""

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
    # Set by the cue groups, in the order encode() calls them, for the later ones.
    speech: np.ndarray = field(init=False)
    promo_terms: np.ndarray = field(init=False)
    promo_at_start: np.ndarray = field(init=False)
    has_prop: np.ndarray = field(init=False)
    quoted_share: np.ndarray = field(init=False)
    according: np.ndarray = field(init=False)
    said_colon: np.ndarray = field(init=False)
    attributed: np.ndarray = field(init=False)
    has_digit: np.ndarray = field(init=False)
    words: np.ndarray = field(init=False)
    n_words: np.ndarray = field(init=False)
    no_terminal: np.ndarray = field(init=False)
    colon_end: np.ndarray = field(init=False)
    bullet: np.ndarray = field(init=False)
    promo: np.ndarray = field(init=False)

    @property
    def n(self) -> int:
        return len(self.sentences)

    @classmethod
    def build(cls, sentences: list[str], sizes: np.ndarray, bounds: list[tuple[int, int]]) -> _Shard:
        n = len(sentences)
        folded = [fold(t) for t in sentences]
        folded_text = "\n".join(folded)
        offsets = _offsets(folded)
        states = [st for a, b in bounds for st in quote_states(sentences[a:b])]
        doc_start = np.repeat(np.cumsum(sizes) - sizes, sizes)
        return cls(
            sentences=sentences,
            folded=folded,
            folded_text=folded_text,
            offsets=offsets,
            stripped=[t.strip() for t in sentences],
            tokens=[tokenise(f) for f in folded],
            states=states,
            outside=[_blank_spans(f, st.spans) if st.spans else f for f, st in zip(folded, states, strict=True)],
            codes=char_codes(folded_text),
            raw_codes=char_codes("\n".join(sentences)),
            raw_offsets=_offsets(sentences),
            doc_start=doc_start,
            local=np.arange(n) - doc_start,
            size=np.repeat(sizes, sizes),
        )

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


def _lexicon_cues(shard: _Shard, lexicon: Lexicon, cues: dict) -> tuple[list, list]:
    """Lexicon hits in and out of quotation; speech verbs, sources and promo terms for the other groups."""
    n = shard.n
    starts, ends, term_ids = lexicon.scan(shard.folded_text, shard.codes)
    rows = shard.rows_of(starts)
    inside = _inside_quotes(shard, starts, ends)
    # One entry per (match, category): a term may sit in several categories.
    cat_index = {c: i for i, c in enumerate(lexicon.categories)}
    per_term = [[cat_index[c] for c, _ in cats] for cats in lexicon.term_cats]
    n_cats = np.array([len(per_term[t]) for t in term_ids.tolist()], dtype=np.int64)
    which = np.repeat(np.arange(len(term_ids)), n_cats)
    cats = np.array([c for t in term_ids.tolist() for c in per_term[t]], dtype=np.int64)
    h_rows, h_inside = rows[which], inside[which]

    names = lexicon.categories
    is_cat = {name: cats == i for i, name in enumerate(names)}

    def having(*roles: str) -> np.ndarray:
        return np.isin(cats, [i for i, c in enumerate(names) if category_role(c) in roles])

    speech, source, promo = having("speech_verb"), having("source_noun"), having("furniture")
    shard.speech = cues["attr__speech_verb"] = shard.count(h_rows[speech & ~h_inside])
    cues["attr__source_noun"] = shard.count(h_rows[source & ~h_inside])
    # A party's actor named outside the quotation of a sentence that reports
    # speech: the sentence relays that party's words.
    relays = (shard.speech > 0) | (cues["attr__source_noun"] > 0)
    for c in categories_with_role(lexicon, "actor"):
        named = shard.count(h_rows[is_cat[c] & ~h_inside]) > 0
        cues[f"attr__speaks_{_party(c)}"] = named & relays
    shard.promo_terms = shard.count(h_rows[promo])
    # "Read more: ...", "Sign up to ...": furniture leads with its cue.
    shard.promo_at_start = np.zeros(n, dtype=bool)
    promo_rows = h_rows[promo]
    if len(promo_rows):
        # Each row's lead is measured once: per hit, a long run of dashes
        # would be rescanned for every promo term behind it (quadratic).
        uniq = np.unique(promo_rows)
        lead = np.zeros(n, dtype=np.int64)
        lead[uniq] = [_lead_len(shard.folded[i]) for i in uniq.tolist()]
        offset = starts[which][promo] - shard.offsets[promo_rows]
        np.logical_or.at(shard.promo_at_start, promo_rows, offset <= lead[promo_rows])

    for c in names:
        if category_role(c) not in NOT_LOADED_ROLES:
            cues[f"lex_out__{c}"] = shard.count(h_rows[is_cat[c] & ~h_inside])
            cues[f"lex_in__{c}"] = shard.count(h_rows[is_cat[c] & h_inside])
    prop = having("propaganda")
    prop_in = shard.count(h_rows[prop & h_inside])
    prop_out = shard.count(h_rows[prop & ~h_inside])
    rebut = shard.count(h_rows[having("rebuttal") & ~h_inside])
    shard.has_prop = (prop_out + prop_in) > 0
    cues["lex__propaganda_uncontested"] = shard.has_prop & (rebut == 0)
    cues["lex__propaganda_contested"] = shard.has_prop & (rebut > 0)
    cues["lex__propaganda_in_quote"] = prop_in > 0

    hits: list[list[tuple[str, str, bool]]] = [[] for _ in range(n)]
    terms = lexicon.term_list
    for i, t, c, q in zip(h_rows.tolist(), term_ids[which].tolist(), cats.tolist(), h_inside.tolist(), strict=True):
        hits[i].append((terms[t], names[c], q))
    matched: list[list[str]] = [[] for _ in range(n)]
    for i, t in zip(rows.tolist(), term_ids.tolist(), strict=True):
        matched[i].append(terms[t])
    return hits, matched


def _narrative_cues(shard: _Shard, cues: dict, hits: list[list[tuple[str, str, bool]]]) -> None:
    """Narrative detectors (:mod:`framing.lexicon.narratives`) in and out of quotation; matches join ``hits``."""
    narratives = load_narratives()
    found = narratives.scan(shard.folded)
    rows = np.array([i for i, f in enumerate(found) for _ in f], dtype=np.int64)
    names = [name for f in found for name, _, _ in f]
    a = np.array([s for f in found for _, s, _ in f], dtype=np.int64)
    b = np.array([e for f in found for _, _, e in f], dtype=np.int64)
    inside = _inside_quotes(shard, shard.offsets[rows] + a, shard.offsets[rows] + b) if len(rows) else np.zeros(0, bool)
    for name in narratives.names:
        cues[f"narr_out__{name}"] = np.zeros(shard.n, dtype=np.float32)
    cues["narr__any_in"] = shard.count(rows[inside]) > 0
    cues["narr__any_out"] = shard.count(rows[~inside]) > 0
    for i, name, s, e, q in zip(rows.tolist(), names, a.tolist(), b.tolist(), inside.tolist(), strict=True):
        if not q:
            cues[f"narr_out__{name}"][i] = 1.0
        hits[i].append((shard.folded[i][s:e], f"narrative_{name}", q))


def _inside_quotes(shard: _Shard, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Whether each ``[start, end)`` of the joined folded text lies inside a quotation span."""
    span_a, span_b = [], []
    for i, st in enumerate(shard.states):
        if st.spans:
            base = int(shard.offsets[i])
            span_a += [base + a for a, _ in st.spans]
            span_b += [base + b for _, b in st.spans]
    if not span_a or not len(starts):
        return np.zeros(len(starts), dtype=bool)
    # Spans come sorted by start; a match is inside if any span opened at or
    # before it reaches past its end (spans never cross sentences).
    reach = np.maximum.accumulate(np.array(span_b, dtype=np.int64))
    k = np.searchsorted(np.array(span_a, dtype=np.int64), starts, side="right") - 1
    return (k >= 0) & (reach[np.maximum(k, 0)] >= ends)


def _attribution_cues(shard: _Shard, cues: dict) -> None:
    folded, states = shard.folded, shard.states
    lengths = np.array([max(1, len(t)) for t in shard.stripped], dtype=np.float32)
    quoted = np.array([st.quoted_chars() if st.spans else 0 for st in states], dtype=np.float32)
    shard.quoted_share = np.minimum(1.0, quoted / lengths)
    shard.according = np.array(["according to" in o for o in shard.outside])
    shard.said_colon = np.array([":" in f and _SAID_COLON.search(f) is not None for f in folded])
    trailing = np.zeros(shard.n, dtype=bool)
    for i in np.flatnonzero(shard.speech > 0).tolist():
        trailing[i] = _trailing_attribution(folded[i])
    shard.attributed = (shard.speech > 0) | shard.according | shard.said_colon
    cues["attr__according_to"] = shard.according
    cues["attr__said_colon"] = shard.said_colon
    cues["attr__trailing_attribution"] = trailing
    cues["attr__quoted_share"] = shard.quoted_share
    cues["attr__has_quote"] = np.array([bool(st.spans) or st.starts_open for st in states])
    cues["attr__whole_quote"] = shard.quoted_share > 0.85


def _style_cues(shard: _Shard, cues: dict) -> None:
    outside = shard.outside
    cues["style__exclamation"] = np.array([o.count("!") for o in outside], dtype=np.float32)
    cues["style__question"] = np.array([o.count("?") for o in outside], dtype=np.float32)
    # The writer's voice: tokens outside quotation (re-tokenised only where
    # something was blanked). Distinct person words: one "we" or several
    # says the same thing here.
    voice = [
        tokenise(o) if st.spans and not _PERSON_WORDS.isdisjoint(t) else t
        for o, st, t in zip(outside, shard.states, shard.tokens, strict=True)
    ]
    first = np.zeros(shard.n, dtype=np.float32)
    second = np.zeros(shard.n, dtype=np.float32)
    for i, v in enumerate(voice):
        if not _PERSON_WORDS.isdisjoint(v):
            first[i] = len(_FIRST_WORDS.intersection(v))
            second[i] = len(_SECOND_WORDS.intersection(v))
    cues["style__first_person"] = first
    cues["style__second_person"] = second
    cues["style__superlative"] = np.array(
        [len(_SUPERLATIVE.findall(o)) if "est" in o or "most" in o or "least" in o else 0 for o in outside], dtype=np.float32
    )
    # Words in capitals are rare: find candidate sentences (four ASCII
    # capitals in a row) over the joined text, then count only there.
    codes = shard.raw_codes
    caps = np.zeros(shard.n, dtype=np.float32)
    up = (codes >= 65) & (codes <= 90)
    run4 = np.flatnonzero(up[:-3] & up[1:-2] & up[2:-1] & up[3:]) if len(up) > 3 else np.zeros(0, dtype=np.int64)
    for i in np.unique(shard.rows_of(run4, shard.raw_offsets)).tolist():
        caps[i] = len(_CAPS.findall(_blank_spans(shard.sentences[i], shard.states[i].spans)))
    cues["style__capitals"] = caps
    shard.has_digit = shard.count(shard.rows_of(np.flatnonzero(lookup("digit", shard.codes)))) > 0
    cues["style__numbers"] = shard.has_digit
    shard.words = np.array([_words_in(t) for t in shard.tokens], dtype=np.int64)
    n_words = np.maximum(1, shard.words).astype(np.float32)
    shard.n_words = n_words
    cues["style__words"] = np.log1p(n_words)


def _boilerplate_cues(shard: _Shard, cues: dict) -> None:
    stripped, folded = shard.stripped, shard.folded
    shard.no_terminal = np.array(
        [not (t.endswith(_CLOSING_DOUBLE) or t.rstrip(_CLOSERS).endswith(_STOPS)) for t in stripped]
    )
    shard.colon_end = np.array([t.endswith((":", "...")) for t in stripped])
    shard.bullet = np.array([_BULLET.match(t) is not None for t in shard.sentences])
    question_end = np.array([t.endswith("?") for t in stripped])
    shard.promo = shard.promo_terms > 0
    cues["bp__no_terminal"] = shard.no_terminal
    cues["bp__short"] = shard.n_words <= 4
    cues["bp__title_case"] = _title_share(shard)
    cues["bp__bullet"] = shard.bullet
    cues["bp__promo_terms"] = shard.promo_terms
    cues["bp__pipe"] = np.array(["|" in t for t in shard.sentences])
    time_ = np.zeros(shard.n, dtype=bool)
    for i in np.flatnonzero(shard.has_digit).tolist():
        time_[i] = _TIME.search(folded[i]) is not None
    cues["bp__time"] = time_
    cues["bp__url"] = np.array(
        ["@" in f or "www." in f or ".com" in f or ("http" in f and ("http:" in f or "https:" in f)) for f in folded]
    )
    cues["bp__colon_end"] = shard.colon_end
    cues["bp__question_end"] = question_end & (shard.quoted_share < 0.5)
    cues["bp__words"] = np.log1p(shard.n_words)
    cues["bp__prev_no_terminal"] = shard.prev(shard.no_terminal)
    cues["bp__next_no_terminal"] = shard.next(shard.no_terminal)
    cues["bp__prev_promo"] = shard.prev(shard.promo)
    cues["bp__next_promo"] = shard.next(shard.promo)
    cues["bp__promo_at_start"] = shard.promo_at_start
    cues["bp__list_question"] = shard.bullet & question_end
    # List items under a header that is itself furniture (a promo line or a
    # box title without a full stop) are links, not news points.
    header = shard.promo | (shard.no_terminal & ~shard.colon_end)
    last_header = shard.last_where(~shard.bullet)
    cues["bp__under_promo_header"] = shard.bullet & (last_header >= 0) & header[np.maximum(last_header, 0)]


def _title_share(shard: _Shard) -> np.ndarray:
    """Share of a sentence's whitespace-separated words that start with a capital."""
    codes = shard.raw_codes
    space = lookup("space", codes)
    word_start = ~space & np.concatenate([[True], space[:-1]])
    starts = np.flatnonzero(word_start)
    words = shard.count(shard.rows_of(starts, shard.raw_offsets))
    upper = shard.count(shard.rows_of(starts[lookup("upper", codes[starts])], shard.raw_offsets))
    return upper / np.maximum(1, words)


def _offsets(texts: list[str]) -> np.ndarray:
    """Start of each text in the texts joined by one-character separators, and the total."""
    out = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(t) + 1 for t in texts], out=out[1:])
    return out


def _context_cues(shard: _Shard, cues: dict) -> None:
    n, states, local, size = shard.n, shard.states, shard.local, shard.size
    rows = np.arange(n)
    cues["ctx__starts_in_quote"] = starts_open = np.array([st.starts_open for st in states])
    cues["ctx__reopens_quote"] = np.array([st.reopens for st in states])
    cues["ctx__ends_in_quote"] = np.array([st.ends_open for st in states])
    cues["ctx__prev_attributed"] = shard.prev(shard.attributed)
    cues["ctx__next_attributed"] = shard.next(shard.attributed)
    cues["ctx__prev_quoted_share"] = shard.prev(shard.quoted_share)
    cues["ctx__next_quoted_share"] = shard.next(shard.quoted_share)
    lead_in = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(shard.colon_end).tolist():
        lead_in[i] = _LEADIN_WORDS.search(shard.folded[i]) is not None
    prev_lead_in = shard.prev(lead_in) > 0
    cues["ctx__prev_lead_in"] = prev_lead_in
    # Items under a lead-in keep its attribution while the list runs: a row
    # is in the run if a lead-in precedes it in its document and every row
    # since continues the list (a bullet or a continuing quote).
    opened = shard.last_where(prev_lead_in)
    broken = shard.last_where(~(shard.bullet | starts_open) & ~prev_lead_in)
    cues["ctx__under_lead_in"] = (opened >= 0) & (opened > broken)
    # Distance to the last attributed sentence, capped at 5; 5 when none.
    last = shard.last_where(shard.attributed, inclusive=False)
    gap = np.where(last >= 0, rows - last - 1, 5)
    cues["ctx__since_attribution"] = np.minimum(gap, 5) / 5.0
    cues["ctx__prev_propaganda"] = shard.prev(shard.has_prop)
    cues["ctx__position"] = local / np.maximum(1, size - 1)
    # A lone sentence (explain(), classify("one sentence")) has no place on a
    # page: "first", "last" and "near the end" would make any text look like
    # trailing furniture.
    alone = size == 1
    cues["ctx__first"] = (local == 0) & ~alone
    cues["ctx__last"] = (local == size - 1) & ~alone
    cues["bp__from_end"] = np.where(alone, 1.0, np.minimum(size - 1 - local, 10) / 10.0)


_LEAD = re.compile(r"^[\s\-•*–—▪►·🔵]*")
_CLOSING_DOUBLE = ('"', "”")
_CLOSERS = "\"”’')]"
_STOPS = (".", "!", "?", "…")
_SUPERLATIVE = re.compile(r"\b(?:most|least|[a-z]{3,}est)\b")


def _trailing_attribution(folded: str) -> bool:
    """Whether a sentence ends with a short attribution after a quote mark or comma.

    Words and white space contain no quote mark or comma, so a match of
    either pattern can only start at the last quote mark (or, for the
    second, the last comma or double quote): each is tried there once
    instead of being searched for along the sentence.

    Examples
    --------
    >>> _trailing_attribution('"we will win," he said.')
    True
    >>> _trailing_attribution('he said they would win.')
    False
    """
    last = max(folded.rfind('"'), folded.rfind("”"), folded.rfind("’"), folded.rfind("'"))
    if last >= 0 and _TRAILING_WORDS.match(folded, last + 1):
        return True
    last = max(folded.rfind(","), folded.rfind('"'), folded.rfind("”"))
    return last >= 0 and _TRAILING_PRONOUN.match(folded, last) is not None


def _party(actor_category: str) -> str:
    """The party of an actor category (``actor_russia`` -> ``russia``): the name after its first ``_``."""
    return actor_category.split("_", 1)[1]


def _lead_len(text: str) -> int:
    """Length of the bullet or symbol prefix before a line's first word."""
    return _LEAD.match(text).end()


def _blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
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
