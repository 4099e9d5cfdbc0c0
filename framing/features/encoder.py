"""Sentence features: one pass over a batch of documents into cue columns and tokens.

:func:`encode` builds one read-only :class:`~framing.features.view.BatchView`
of the batch (folded text and tokens, quotation state across sentences from
:mod:`framing.text.quotes`, one Aho-Corasick scan of every lexicon term) and
runs the cue groups of :data:`CUE_GROUPS` over it. Each group is a module
with ``columns(lexicon)`` and a pure ``compute(view)``:

- ``lexicon`` (:mod:`~framing.features.cue_lexicon`): hits per lexicon
  category, inside / outside quotation, whether a propaganda term is
  contested in the same sentence, narrative detectors;
- ``attribution`` (:mod:`~framing.features.cue_attribution`): speech verbs,
  source nouns, "according to", quote shapes, whose actor speaks;
- ``style`` (:mod:`~framing.features.cue_style`): exclamation and question
  marks, first and second person, capitals, superlatives, length, all
  outside quotation;
- ``context`` (:mod:`~framing.features.cue_context`): the neighbours' quote
  and attribution state and the position in the article;
- ``register`` (:mod:`~framing.features.cue_register`): the kind of
  article around a sentence: shares of attributed, quoted, judgement-word
  and narrative sentences in the rest of the document and its neighbourhood;
- ``boilerplate`` (:mod:`~framing.features.cue_boilerplate`): page-furniture
  cues for the boilerplate detector.

Categories with a special role (verbs of saying, sources, furniture,
rebuttal, propaganda, actors) are declared in ``framing/data/lexicon_roles.csv``.
The learned part is :func:`framing.features.union.build_features`.

:class:`CueEncoder` is the same encoding as a scikit-learn transformer, the
first step of :class:`framing.model.classifier.FramingClassifier`: ``fit``
reads the lexicons once and keeps their entries as fitted state, so a fitted
model matches the terms it was trained with even if the files change later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from framing.features import (
    cue_attribution,
    cue_boilerplate,
    cue_context,
    cue_lexicon,
    cue_register,
    cue_style,
)
from framing.features.gc_pause import gc_paused
from framing.features.view import BatchView, count_words, tokenise
from framing.io.documents import as_sentence_table, documents_of
from framing.lexicon.terms import Lexicon, load_lexicons

__all__ = ["CUE_GROUPS", "CueEncoder", "CueGroup", "Encoded", "count_words", "cue_columns", "encode", "tokenise"]


@dataclass(frozen=True)
class CueGroup:
    """A cue group: its column names for a lexicon, and a pure function of a batch view."""

    columns: Callable[[Lexicon], list[str]]
    compute: Callable[[BatchView], dict[str, np.ndarray]]


CUE_GROUPS: MappingProxyType[str, CueGroup] = MappingProxyType(
    {
        "lexicon": CueGroup(cue_lexicon.columns, cue_lexicon.compute),
        "attribution": CueGroup(cue_attribution.columns, cue_attribution.compute),
        "style": CueGroup(cue_style.columns, cue_style.compute),
        "context": CueGroup(cue_context.columns, cue_context.compute),
        "register": CueGroup(cue_register.columns, cue_register.compute),
        "boilerplate": CueGroup(cue_boilerplate.columns, cue_boilerplate.compute),
    }
)
"""The cue groups, in column order: name -> :class:`CueGroup`."""


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
    return {name: group.columns(lexicon) for name, group in CUE_GROUPS.items()}


def encode(documents: list[list[str]], lexicon: Lexicon, groups: Iterable[str] | None = None) -> Encoded:
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
    groups : iterable of str, optional
        The cue groups to compute (default all of :data:`CUE_GROUPS`): a
        model skips the groups it does not read. A group's columns are the
        same whichever other groups are computed.

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
    wanted = set(CUE_GROUPS) if groups is None else set(groups)
    groups = {name: cols for name, cols in cue_columns(lexicon).items() if name in wanted}
    columns = [c for cols in groups.values() for c in cols]
    docs = [d for d in documents if d]
    sizes = np.array([len(d) for d in docs], dtype=np.int64)
    ends = np.cumsum(sizes)
    bounds = list(zip((ends - sizes).tolist(), ends.tolist(), strict=True))
    if not docs:
        return Encoded(pd.DataFrame(np.zeros((0, len(columns)), dtype=np.float32), columns=columns), [], [], [], [])
    # Many small objects and no reference cycles: see framing.features.gc_pause.
    with gc_paused():
        view = BatchView.build([s for d in docs for s in d], sizes, bounds, lexicon)
        values = np.empty((view.n, len(columns)), dtype=np.float32)
        j = 0
        for name, group in CUE_GROUPS.items():
            if name not in groups:
                continue
            cues = group.compute(view)
            for c in groups[name]:
                values[:, j] = cues[c]
                j += 1
        hits, terms = cue_lexicon.matched_terms(view)
    return Encoded(pd.DataFrame(values, columns=columns), view.tokens, hits, bounds, terms, view.words)


class CueEncoder(TransformerMixin, BaseEstimator):
    """Sentences in, cue columns out; the lexicons are fitted state.

    Parameters
    ----------
    lexicon_dirs : tuple of str, default ()
        Folders of user lexicons read at ``fit`` besides the bundled ones.

    Attributes
    ----------
    lexicon_entries_ : list of dict
        Every lexicon entry (``term``, ``category``, ``party``, ``note``) read
        at ``fit``: plain data, saved with the model. The matching automaton
        is rebuilt from it on first use and never saved.
    feature_names_out_ : ndarray of str
        The cue columns, by group (:func:`cue_columns`).

    Examples
    --------
    >>> enc = CueEncoder().fit(["Putin said the special operation is on time."])
    >>> Z = enc.transform(["The tyrant ranted."])
    >>> Z.shape[1] == len(enc.get_feature_names_out())
    True
    """

    def __init__(self, lexicon_dirs: tuple[str, ...] = ()):
        self.lexicon_dirs = lexicon_dirs

    def fit(self, X: Any, y: Any = None) -> CueEncoder:
        """Read the lexicons; ``X`` (what :meth:`transform` takes) is only validated."""
        documents_of(as_sentence_table(X))
        return self._fit()

    def _fit(self) -> CueEncoder:
        lexicon = load_lexicons(self.lexicon_dirs)
        self.lexicon_entries_ = [dict(e) for e in lexicon.entries]
        self.feature_names_out_ = np.array([c for cols in cue_columns(lexicon).values() for c in cols], dtype=object)
        self._lexicon = lexicon
        return self

    @property
    def lexicon_(self) -> Lexicon:
        """The fitted lexicon, with its automaton (built once per process from the entries)."""
        check_is_fitted(self, "lexicon_entries_")
        lexicon = self.__dict__.get("_lexicon")
        if lexicon is None:
            lexicon = self._lexicon = Lexicon(self.lexicon_entries_)
        return lexicon

    def encode(self, X: Any) -> Encoded:
        """The full one-pass encoding of a sentence table or list of strings (:func:`encode`)."""
        return encode(documents_of(as_sentence_table(X)), self.lexicon_)

    def transform(self, X: Any) -> np.ndarray:
        """The cue columns (``float32``), one row per sentence."""
        return self.encode(X).cues.to_numpy()

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the cue columns, ``<prefix>__<cue>``."""
        check_is_fitted(self, "feature_names_out_")
        return self.feature_names_out_.copy()

    def __getstate__(self) -> dict:
        # The automaton is derived from the entries (and a C object): rebuilt on load.
        state = dict(super().__getstate__())
        state.pop("_lexicon", None)
        return state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = True
        return tags
