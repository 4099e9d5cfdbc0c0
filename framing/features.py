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

GROUPS = ("ngrams", "lexicon", "attribution", "style", "context")
CUE_GROUPS = ("lexicon", "attribution", "style", "context", "boilerplate")

_TOKEN = re.compile(r"[a-z0-9]+(?:['\-][a-z0-9]+)*|[!?]")
_CAPS = re.compile(r"\b[A-Z]{4,}\b")
_SUPERLATIVE = re.compile(r"\b(?:most|least|\w{3,}est)\b")
_FIRST = re.compile(r"\b(?:i|we|our|us|my|me|ours)\b")
_SECOND = re.compile(r"\b(?:you|your|yours)\b")
_NUMBER = re.compile(r"\d")
_ACCORDING = re.compile(r"\baccording to\b")
_SAID_COLON = re.compile(r":\s*[\"'“‘]")
_TRAILING_ATTRIB = re.compile(r"[\"”’'],?\s+(?:\w+\s){0,4}?\w+\s*$|[,\"”]\s+(?:he|she|they|it)\s+\w+\.?$")
_BULLET = re.compile(r"^\s*(?:[-•*–—▪►·]|\d+[.)])\s")
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s?(?:am|pm)\b|\b(?:19|20)\d{2}\b")
_URLISH = re.compile(r"www\.|https?:|\.com\b|@\w")
_TERMINAL = re.compile(r"[.!?…][\"”’')\]]*\s*$|[\"”]\s*$")
_LEADIN_WORDS = re.compile(
    r"\b(?:statement|statements|points|remarks|comments|address|speech|said|says|"
    r"following|below|key|main|highlights|lines|excerpts|quotes|told)\b"
)
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
    col_index = {c: i for i, c in enumerate(columns)}
    n_total = sum(len(d) for d in documents)
    values = np.zeros((n_total, len(columns)), dtype=np.float32)
    tokens: list[tuple[str, ...]] = []
    hits: list[list[tuple[str, str, bool]]] = []
    row = 0
    for sentences in documents:
        _encode_document(sentences, lexicon, values[row : row + len(sentences)], col_index, tokens, hits)
        row += len(sentences)
    return Encoded(pd.DataFrame(values, columns=columns), tokens, hits)


def _encode_document(sentences, lexicon, out, col, tokens, hits) -> None:
    n = len(sentences)
    if n == 0:
        return
    folded = [fold(s) for s in sentences]
    states = quote_states(sentences)
    # One automaton pass over the whole document; hits are mapped back to
    # sentences by offset.
    joined = "\n".join(folded)
    offsets = np.cumsum([0] + [len(f) + 1 for f in folded])
    doc_hits = lexicon.match(joined)
    per_sent: list[list] = [[] for _ in range(n)]
    for start, end, term, cats in doc_hits:
        i = int(np.searchsorted(offsets, start, side="right")) - 1
        a = start - offsets[i]
        per_sent[i].append((a, a + end - start, term, cats))

    attributed = np.zeros(n, dtype=bool)
    quoted_share = np.zeros(n, dtype=np.float32)
    no_terminal = np.zeros(n, dtype=bool)
    promo = np.zeros(n, dtype=bool)
    propaganda = np.zeros(n, dtype=bool)
    colon_end = np.zeros(n, dtype=bool)
    bullet = np.zeros(n, dtype=bool)
    for i, (text, f, st) in enumerate(zip(sentences, folded, states, strict=True)):
        r = out[i]
        toks = tuple(_TOKEN.findall(f))
        tokens.append(toks)
        n_words = max(1, sum(t not in "!?" for t in toks))
        length = max(1, len(text.strip()))
        qshare = min(1.0, st.quoted_chars() / length)
        quoted_share[i] = qshare
        # Text outside quotation: the writer's voice.
        outside = _blank_spans(f, st.spans)
        sent_hits = []
        speech = source = prop_out = prop_in = rebut = bp_terms = 0
        for a, b, term, cats in per_sent[i]:
            inside = st.inside(a, b)
            for cat, _party in cats:
                sent_hits.append((term, cat, inside))
                if cat == "speech_verbs":
                    speech += not inside
                elif cat == "source_nouns":
                    source += not inside
                elif cat == "boilerplate":
                    bp_terms += 1
                else:
                    key = f"lex_{'in' if inside else 'out'}__{cat}"
                    if key in col:
                        r[col[key]] += 1
                    if cat.startswith(_PROPAGANDA):
                        if inside:
                            prop_in += 1
                        else:
                            prop_out += 1
                    elif cat == "rebuttal" and not inside:
                        rebut += 1
        hits.append(sent_hits)
        has_prop = prop_out + prop_in > 0
        propaganda[i] = has_prop
        r[col["lex__propaganda_uncontested"]] = float(has_prop and rebut == 0)
        r[col["lex__propaganda_contested"]] = float(has_prop and rebut > 0)
        r[col["lex__propaganda_in_quote"]] = float(prop_in > 0)

        according = bool(_ACCORDING.search(outside))
        said_colon = bool(_SAID_COLON.search(f))
        trailing = bool(_TRAILING_ATTRIB.search(f)) and speech > 0
        attributed[i] = speech > 0 or according or said_colon
        r[col["attr__speech_verb"]] = speech
        r[col["attr__source_noun"]] = source
        r[col["attr__according_to"]] = according
        r[col["attr__said_colon"]] = said_colon
        r[col["attr__trailing_attribution"]] = trailing
        r[col["attr__quoted_share"]] = qshare
        r[col["attr__has_quote"]] = bool(st.spans) or st.starts_open
        r[col["attr__whole_quote"]] = qshare > 0.85

        r[col["style__exclamation"]] = outside.count("!")
        r[col["style__question"]] = outside.count("?")
        r[col["style__first_person"]] = len(_FIRST.findall(outside))
        r[col["style__second_person"]] = len(_SECOND.findall(outside))
        r[col["style__capitals"]] = len(_CAPS.findall(_blank_spans(text, st.spans)))
        r[col["style__superlative"]] = len(_SUPERLATIVE.findall(outside))
        r[col["style__numbers"]] = len(_NUMBER.findall(text)) > 0
        r[col["style__words"]] = np.log1p(n_words)

        stripped = text.strip()
        no_terminal[i] = not _TERMINAL.search(stripped)
        promo[i] = bp_terms > 0
        colon_end[i] = stripped.endswith(":") or stripped.endswith("...")
        bullet[i] = bool(_BULLET.match(text))
        words = stripped.split()
        caps = sum(w[:1].isupper() for w in words)
        r[col["bp__no_terminal"]] = no_terminal[i]
        r[col["bp__short"]] = n_words <= 4
        r[col["bp__title_case"]] = caps / max(1, len(words))
        r[col["bp__bullet"]] = bullet[i]
        r[col["bp__promo_terms"]] = bp_terms
        r[col["bp__pipe"]] = "|" in text
        r[col["bp__time"]] = bool(_TIME.search(f))
        r[col["bp__url"]] = bool(_URLISH.search(f))
        r[col["bp__colon_end"]] = colon_end[i]
        r[col["bp__question_end"]] = stripped.endswith("?") and qshare < 0.5
        r[col["bp__words"]] = np.log1p(n_words)

    since = 5
    lead_in_run = False
    for i, st in enumerate(states):
        r = out[i]
        prev, nxt = i - 1, i + 1
        r[col["ctx__starts_in_quote"]] = st.starts_open
        r[col["ctx__reopens_quote"]] = st.reopens
        r[col["ctx__ends_in_quote"]] = st.ends_open
        r[col["ctx__prev_attributed"]] = prev >= 0 and attributed[prev]
        r[col["ctx__next_attributed"]] = nxt < n and attributed[nxt]
        r[col["ctx__prev_quoted_share"]] = quoted_share[prev] if prev >= 0 else 0.0
        r[col["ctx__next_quoted_share"]] = quoted_share[nxt] if nxt < n else 0.0
        is_lead_in = colon_end[prev] and bool(_LEADIN_WORDS.search(folded[prev])) if prev >= 0 else False
        r[col["ctx__prev_lead_in"]] = is_lead_in
        # Items under a lead-in keep its attribution while the list runs.
        lead_in_run = is_lead_in or (lead_in_run and (bullet[i] or st.starts_open))
        r[col["ctx__under_lead_in"]] = lead_in_run
        r[col["ctx__since_attribution"]] = min(since, 5) / 5.0
        since = 0 if attributed[i] else since + 1
        r[col["ctx__prev_propaganda"]] = prev >= 0 and propaganda[prev]
        r[col["ctx__position"]] = i / max(1, n - 1)
        r[col["ctx__first"]] = i == 0
        r[col["ctx__last"]] = i == n - 1
        r[col["bp__prev_no_terminal"]] = prev >= 0 and no_terminal[prev]
        r[col["bp__next_no_terminal"]] = nxt < n and no_terminal[nxt]
        r[col["bp__prev_promo"]] = prev >= 0 and promo[prev]
        r[col["bp__next_promo"]] = nxt < n and promo[nxt]
        r[col["bp__from_end"]] = min(n - 1 - i, 10) / 10.0


def _blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


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
