"""Scaling of the numeric cue columns before the linear models."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data


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
