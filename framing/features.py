"""Sentence features: one pass over each document, then scikit-learn transformers.

:func:`encode` walks each document once. It folds and tokenises every
sentence once, matches every lexicon term in a single Aho-Corasick pass over
the whole document, tracks quotation state across sentences
(:mod:`framing.context`), and writes numeric cue columns in five groups:

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
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted, validate_data

from framing.context import quote_states
from framing.lexicon import Lexicon, fold

# "neighbours" is the stacked context block added by the model (framing.neighbours).
GROUPS = ("ngrams", "lexicon", "attribution", "style", "context", "neighbours")
CUE_GROUPS = ("lexicon", "attribution", "style", "context", "boilerplate")

_TOKEN = re.compile(r"[a-z0-9]+(?:['\-][a-z0-9]+)*|[!?]")
_CAPS = re.compile(r"\b[A-Z]{4,}\b")
_NUMBER = re.compile(r"\d+")
_SAID_COLON = re.compile(r":[ \t]*[\"'“‘]")
_TRAILING_ATTRIB = re.compile(r"[\"”’'],?\s+(?:\w+\s){0,4}?\w+\s*$|[,\"”]\s+(?:he|she|they|it)\s+\w+\.?$")
_BULLET = re.compile(r"^\s*(?:[-•*–—▪►·]|\d+[.)])\s")
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s?(?:am|pm)\b|\b(?:19|20)\d{2}\b")
_URLISH = re.compile(r"www\.|https?:|\.com\b|@\w")
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
_WORD = re.compile(r"[a-z]+")
_URL_HINTS = ("www.", "http:", "https:", ".com", "@")
_NON_LEXICON = ("speech_verbs", "source_nouns", "boilerplate")
_PROPAGANDA = "propaganda"


def ngram_tokens(tokens: tuple[str, ...]) -> list[str]:
    """Word unigrams and bigrams from pre-computed tokens (the n-gram analyzer).

    Examples
    --------
    >>> ngram_tokens(("special", "operation"))
    ['special', 'operation', 'special operation']
    """
    return [*tokens, *(f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False))]


@dataclass
class Encoded:
    """The one-pass encoding of a batch of sentences, aligned row for row."""

    cues: pd.DataFrame
    tokens: list[tuple[str, ...]]
    hits: list[list[tuple[str, str, bool]]] = field(default_factory=list)
    bounds: list[tuple[int, int]] = field(default_factory=list)
    """Row range ``(start, end)`` of each document, in order."""

    def frame(self) -> pd.DataFrame:
        """Cues plus a ``tokens`` column: the input of the feature pipeline."""
        out = self.cues.copy()
        out["tokens"] = self.tokens
        return out


def cue_columns(lexicon: Lexicon) -> dict[str, list[str]]:
    """Names of the cue columns, by group, for a given lexicon.

    Examples
    --------
    >>> from framing.lexicon import load_lexicons
    >>> cols = cue_columns(load_lexicons())
    >>> "ctx__starts_in_quote" in cols["context"]
    True
    """
    lex_cats = [c for c in lexicon.categories if c not in _NON_LEXICON]
    lexicon_cols = [f"lex_out__{c}" for c in lex_cats] + [f"lex_in__{c}" for c in lex_cats]
    lexicon_cols += ["lex__propaganda_uncontested", "lex__propaganda_contested", "lex__propaganda_in_quote"]
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

    Parameters
    ----------
    documents : list of list of str
        Each inner list is one document's sentences in reading order.
    lexicon : Lexicon
        Terms to match (see :func:`framing.lexicon.load_lexicons`).

    Returns
    -------
    Encoded
        One row per sentence, documents concatenated in order.

    Examples
    --------
    >>> from framing.lexicon import load_lexicons
    >>> enc = encode([['Putin said: "The special operation is on time.', 'It goes to plan."']],
    ...              load_lexicons())
    >>> int(enc.cues.loc[1, "ctx__starts_in_quote"])
    1
    """
    groups = cue_columns(lexicon)
    columns = [c for g in CUE_GROUPS for c in groups[g]]
    tokens: list[tuple[str, ...]] = []
    hits: list[list[tuple[str, str, bool]]] = []
    blocks = [_encode_document(sentences, lexicon, columns, tokens, hits) for sentences in documents if sentences]
    values = np.vstack(blocks) if blocks else np.zeros((0, len(columns)), dtype=np.float32)
    ends = np.cumsum([len(b) for b in blocks]).tolist()
    bounds = list(zip([0, *ends[:-1]], ends, strict=True))
    return Encoded(pd.DataFrame(values, columns=columns), tokens, hits, bounds)


def _encode_document(sentences, lexicon, columns, tokens, hits) -> np.ndarray:
    n = len(sentences)
    col = {c: i for i, c in enumerate(columns)}
    out = np.zeros((n, len(columns)), dtype=np.float32)
    folded = [fold(s) for s in sentences]
    doc_tokens = [tuple(_TOKEN.findall(f)) for f in folded]
    tokens.extend(doc_tokens)
    states = quote_states(sentences)
    # The lexicon automaton runs once over the whole document and matches are
    # mapped back to sentences by offset. Quoted text is blanked in a second
    # copy of each sentence so that "outside quotation" cues are plain scans.
    joined = "\n".join(folded)
    offsets = np.cumsum([0] + [len(f) + 1 for f in folded])
    outside = [_blank_spans(f, st.spans) for f, st in zip(folded, states, strict=True)]
    outside_raw = [_blank_spans(t, st.spans) for t, st in zip(sentences, states, strict=True)]

    per_sent: list[list] = [[] for _ in range(n)]
    for start, end, term, cats in lexicon.match(joined):
        i = int(np.searchsorted(offsets, start, side="right")) - 1
        a = start - offsets[i]
        per_sent[i].append((a, a + end - start, term, cats))

    lengths = np.array([max(1, len(t.strip())) for t in sentences], dtype=np.float32)
    quoted_share = np.minimum(1.0, np.array([st.quoted_chars() for st in states], dtype=np.float32) / lengths)
    speech = np.zeros(n, dtype=np.float32)
    source = np.zeros(n, dtype=np.float32)
    bp_terms = np.zeros(n, dtype=np.float32)
    prop_in = np.zeros(n, dtype=np.float32)
    prop_out = np.zeros(n, dtype=np.float32)
    rebut = np.zeros(n, dtype=np.float32)
    promo_at_start = np.zeros(n, dtype=bool)
    for i, sent_matches in enumerate(per_sent):
        st = states[i]
        sent_hits = []
        for a, b, term, cats in sent_matches:
            inside = bool(st.spans) and st.inside(a, b)
            for cat, _party in cats:
                sent_hits.append((term, cat, inside))
                if cat == "speech_verbs":
                    speech[i] += not inside
                elif cat == "source_nouns":
                    source[i] += not inside
                elif cat == "boilerplate":
                    bp_terms[i] += 1
                    # "Read more: ...", "Sign up to ...": furniture leads with its cue.
                    promo_at_start[i] |= a <= _lead_len(folded[i])
                else:
                    key = f"lex_{'in' if inside else 'out'}__{cat}"
                    if key in col:
                        out[i, col[key]] += 1
                    if cat.startswith(_PROPAGANDA):
                        if inside:
                            prop_in[i] += 1
                        else:
                            prop_out[i] += 1
                    elif cat == "rebuttal" and not inside:
                        rebut[i] += 1
        hits.append(sent_hits)
    has_prop = (prop_out + prop_in) > 0
    out[:, col["lex__propaganda_uncontested"]] = has_prop & (rebut == 0)
    out[:, col["lex__propaganda_contested"]] = has_prop & (rebut > 0)
    out[:, col["lex__propaganda_in_quote"]] = prop_in > 0

    # Sentences without quotation reuse their tokens; only quoted ones are
    # tokenised again with the quotation blanked.
    voice_words = [
        _WORD.findall(o) if st.spans else None for o, st in zip(outside, states, strict=True)
    ]
    according = np.array(["according to" in o for o in outside])
    said_colon = np.array([":" in f and bool(_SAID_COLON.search(f)) for f in folded])
    has_digit = np.array([bool(_NUMBER.search(f)) for f in folded])
    stripped = [t.strip() for t in sentences]
    trailing = np.array([bool(_TRAILING_ATTRIB.search(f)) for f in folded]) & (speech > 0)
    attributed = (speech > 0) | according | said_colon
    out[:, col["attr__speech_verb"]] = speech
    out[:, col["attr__source_noun"]] = source
    out[:, col["attr__according_to"]] = according
    out[:, col["attr__said_colon"]] = said_colon
    out[:, col["attr__trailing_attribution"]] = trailing
    out[:, col["attr__quoted_share"]] = quoted_share
    out[:, col["attr__has_quote"]] = np.array([bool(st.spans) or st.starts_open for st in states])
    out[:, col["attr__whole_quote"]] = quoted_share > 0.85

    out[:, col["style__exclamation"]] = [o.count("!") for o in outside]
    out[:, col["style__question"]] = [o.count("?") for o in outside]
    voice_words = [ws if ws is not None else doc_tokens[i] for i, ws in enumerate(voice_words)]
    # Distinct person words: one "we" or several says the same thing here.
    out[:, col["style__first_person"]] = [len(_FIRST_WORDS.intersection(ws)) for ws in voice_words]
    out[:, col["style__second_person"]] = [len(_SECOND_WORDS.intersection(ws)) for ws in voice_words]
    out[:, col["style__capitals"]] = [len(_CAPS.findall(o)) for o in outside_raw]
    out[:, col["style__superlative"]] = [
        sum(w in ("most", "least") or (len(w) >= 6 and w.endswith("est")) for w in ws) for ws in voice_words
    ]
    out[:, col["style__numbers"]] = has_digit

    n_words = np.array([max(1, len(t) - t.count("!") - t.count("?")) for t in doc_tokens], dtype=np.float32)
    out[:, col["style__words"]] = np.log1p(n_words)

    no_terminal = np.array([not _TERMINAL.search(t) for t in stripped])
    promo = bp_terms > 0
    colon_end = np.array([t.endswith((":", "...")) for t in stripped])
    bullet = np.array([bool(_BULLET.match(t)) for t in sentences])
    title_case = np.array([_title_share(t) for t in stripped], dtype=np.float32)
    out[:, col["bp__no_terminal"]] = no_terminal
    out[:, col["bp__short"]] = n_words <= 4
    out[:, col["bp__title_case"]] = title_case
    out[:, col["bp__bullet"]] = bullet
    out[:, col["bp__promo_terms"]] = bp_terms
    out[:, col["bp__pipe"]] = ["|" in t for t in sentences]
    out[:, col["bp__time"]] = [bool(d and _TIME.search(f)) for d, f in zip(has_digit, folded, strict=True)]
    out[:, col["bp__url"]] = [any(h in f for h in _URL_HINTS) for f in folded]
    out[:, col["bp__colon_end"]] = colon_end
    out[:, col["bp__question_end"]] = np.array([t.endswith("?") for t in stripped]) & (quoted_share < 0.5)
    out[:, col["bp__words"]] = np.log1p(n_words)

    prev_prop = np.concatenate([[False], has_prop[:-1]])
    out[:, col["ctx__starts_in_quote"]] = [st.starts_open for st in states]
    out[:, col["ctx__reopens_quote"]] = [st.reopens for st in states]
    out[:, col["ctx__ends_in_quote"]] = [st.ends_open for st in states]
    out[:, col["ctx__prev_attributed"]] = _shift(attributed, 1)
    out[:, col["ctx__next_attributed"]] = _shift(attributed, -1)
    out[:, col["ctx__prev_quoted_share"]] = _shift(quoted_share, 1)
    out[:, col["ctx__next_quoted_share"]] = _shift(quoted_share, -1)
    lead_in = np.array([bool(c and _LEADIN_WORDS.search(f)) for c, f in zip(colon_end, folded, strict=True)])
    prev_lead_in = _shift(lead_in, 1)
    out[:, col["ctx__prev_lead_in"]] = prev_lead_in
    # Items under a lead-in keep its attribution while the list runs; the
    # distance to the last attributed sentence is a running count.
    run = np.zeros(n, dtype=bool)
    since = np.zeros(n, dtype=np.float32)
    in_run, gap = False, 5
    for i in range(n):
        in_run = bool(prev_lead_in[i]) or (in_run and bool(bullet[i] or states[i].starts_open))
        run[i] = in_run
        since[i] = min(gap, 5) / 5.0
        gap = 0 if attributed[i] else gap + 1
    out[:, col["ctx__under_lead_in"]] = run
    out[:, col["ctx__since_attribution"]] = since
    out[:, col["ctx__prev_propaganda"]] = prev_prop
    out[:, col["ctx__position"]] = np.arange(n) / max(1, n - 1)
    out[0, col["ctx__first"]] = 1
    out[n - 1, col["ctx__last"]] = 1
    out[:, col["bp__prev_no_terminal"]] = _shift(no_terminal, 1)
    out[:, col["bp__next_no_terminal"]] = _shift(no_terminal, -1)
    out[:, col["bp__prev_promo"]] = _shift(promo, 1)
    out[:, col["bp__next_promo"]] = _shift(promo, -1)
    out[:, col["bp__from_end"]] = np.minimum(np.arange(n)[::-1], 10) / 10.0
    out[:, col["bp__promo_at_start"]] = promo_at_start
    question_end = np.array([t.endswith("?") for t in stripped])
    out[:, col["bp__list_question"]] = bullet & question_end
    # List items under a header that is itself furniture (a promo line or a
    # box title without a full stop) are links, not news points.
    header_is_promo = False
    under = np.zeros(n, dtype=bool)
    for i in range(n):
        if bullet[i]:
            under[i] = header_is_promo
        else:
            header_is_promo = bool(promo[i] or (no_terminal[i] and not colon_end[i]))
    out[:, col["bp__under_promo_header"]] = under
    if n == 1:
        # A lone sentence (explain(), classify("one sentence")) has no place
        # on a page: "first", "last" and "near the end" would make any text
        # look like trailing furniture.
        for name in ("ctx__first", "ctx__last"):
            out[0, col[name]] = 0
        out[0, col["bp__from_end"]] = 1.0
    return out


_LEAD = re.compile(r"^[\s\-•*–—▪►·🔵]*")


def _lead_len(text: str) -> int:
    """Length of the bullet or symbol prefix before a line's first word."""
    return _LEAD.match(text).end()


def _shift(values: np.ndarray, by: int) -> np.ndarray:
    """The neighbour's value: ``by=1`` is the previous sentence, ``-1`` the next."""
    out = np.zeros(len(values), dtype=np.float32)
    if by > 0:
        out[by:] = values[:-by]
    else:
        out[:by] = values[-by:]
    return out


def _title_share(text: str) -> float:
    words = text.split()
    return sum(w[:1].isupper() for w in words) / max(1, len(words))


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


class CueScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Signed-log transform and max-abs scaling of count-like cue columns.

    Counts of cues are heavy-tailed (a long quote may hold a dozen speech
    verbs); ``log1p`` keeps one hit informative without letting many dominate,
    and max-abs scaling puts every column on a comparable scale for a
    regularised linear model without destroying sparsity.

    Parameters
    ----------
    log : bool, default True
        Apply ``sign(x) * log1p(|x|)`` before scaling.

    Attributes
    ----------
    scale_ : ndarray of shape (n_features,)
        Maximum absolute (transformed) value per column seen in ``fit``.
    n_features_in_ : int
    feature_names_in_ : ndarray of str, when fitted on a DataFrame.

    Examples
    --------
    >>> import numpy as np
    >>> CueScaler().fit_transform(np.array([[0.0], [1.0], [3.0]])).round(2).ravel().tolist()
    [0.0, 0.5, 1.0]
    """

    def __init__(self, log: bool = True):
        self.log = log

    def fit(self, X, y=None):
        X = validate_data(self, X, dtype=np.float64, reset=True)
        self.scale_ = self._fit(X)
        return self

    def _fit(self, X: np.ndarray) -> np.ndarray:
        Z = self._signed_log(X)
        scale = np.abs(Z).max(axis=0) if len(Z) else np.ones(X.shape[1])
        scale[scale == 0] = 1.0
        return scale

    def transform(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self._signed_log(X) / self.scale_

    def _signed_log(self, X: np.ndarray) -> np.ndarray:
        return np.sign(X) * np.log1p(np.abs(X)) if self.log else X


def build_features(
    cue_cols: dict[str, list[str]],
    groups: tuple[str, ...] = GROUPS,
    ngram_min_df: int = 2,
    max_features: int | None = 100_000,
) -> ColumnTransformer:
    """The feature union: n-grams over the shared tokens plus scaled cue groups.

    Parameters
    ----------
    cue_cols : dict
        Output of :func:`cue_columns`.
    groups : tuple of str
        Which groups to include (ablations drop one).
    ngram_min_df : int
        Minimum document frequency of an n-gram.
    max_features : int or None
        Vocabulary cap for the n-gram vectoriser.

    Examples
    --------
    >>> from framing.lexicon import load_lexicons
    >>> ct = build_features(cue_columns(load_lexicons()), groups=("ngrams", "style"))
    >>> [name for name, _, _ in ct.transformers]
    ['ngrams', 'style']
    """
    parts = []
    for g in groups:
        if g == "neighbours":
            continue
        if g == "ngrams":
            vec = TfidfVectorizer(
                analyzer=ngram_tokens,
                min_df=ngram_min_df,
                max_features=max_features,
                sublinear_tf=True,
                dtype=np.float32,
            )
            parts.append(("ngrams", vec, "tokens"))
        else:
            parts.append((g, CueScaler(), cue_cols[g]))
    return ColumnTransformer(parts, sparse_threshold=1.0)
