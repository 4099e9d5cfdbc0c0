"""The feature union: word n-grams beside one scaled block per cue group."""

from __future__ import annotations

import numpy as np
from sklearn.compose import ColumnTransformer

from framing.features.ngrams import NgramVectorizer, ngram_tokens
from framing.features.scaler import CueScaler

# "neighbours" is the stacked context block added by the model (framing.model.neighbours).
GROUPS = ("ngrams", "lexicon", "attribution", "style", "context", "register", "neighbours")
"""Every feature group a model may use."""
DEFAULT_GROUPS = ("ngrams", "lexicon", "attribution", "style", "context", "neighbours")
"""The groups of the bundled model. ``register`` is measured (as an addition, by
outlet cross-validation) and left out: the neighbours' article-mean
probabilities already carry the article's register."""


def build_features(
    cue_cols: dict[str, list[str]],
    groups: tuple[str, ...] = DEFAULT_GROUPS,
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
    >>> from framing.features.encoder import cue_columns
    >>> from framing.lexicon.terms import load_lexicons
    >>> ct = build_features(cue_columns(load_lexicons()), groups=("ngrams", "style"))
    >>> [name for name, _, _ in ct.transformers]
    ['ngrams', 'style']
    """
    parts = []
    for g in groups:
        if g == "neighbours":
            continue
        if g == "ngrams":
            vec = NgramVectorizer(
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
