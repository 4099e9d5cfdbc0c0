"""The framing classifier: boilerplate detector, then a four-way content model.

Both stages are regularised, class-weighted logistic regressions over the
features of :mod:`framing.features`; the content stage is wrapped in
:class:`sklearn.calibration.CalibratedClassifierCV` so its probabilities are
calibrated, with ``ensemble=False`` so that one linear model remains to be
explained. The estimator takes a sentence table (``doc_id``, ``text``, rows
in reading order within each document) because context features need the
neighbouring sentences.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from framing.explain import evidence_for
from framing.features import GROUPS, Encoded, build_features, cue_columns, encode
from framing.lexicon import Lexicon, load_lexicons
from framing.schema import BOILERPLATE, CONTENT_LABELS, LABELS

_BOILERPLATE_GROUPS = ("ngrams", "style", "boilerplate")


def documents_of(X: pd.DataFrame) -> list[list[str]]:
    """Group a sentence table into per-document sentence lists, keeping row order.

    Rows of one document must be contiguous (they are, in every table framing
    builds); a document split across the table is an error, since its context
    features would be wrong.

    Examples
    --------
    >>> documents_of(pd.DataFrame({"doc_id": ["a", "a", "b"], "text": ["x", "y", "z"]}))
    [['x', 'y'], ['z']]
    """
    if "text" not in X.columns:
        raise ValueError(f"sentence table needs a 'text' column; it has {list(X.columns)}")
    texts = X["text"].tolist()
    if "doc_id" not in X.columns:
        return [texts]
    ids = X["doc_id"].to_numpy()
    if len(ids) == 0:
        return []
    change = np.flatnonzero(ids[1:] != ids[:-1]) + 1
    bounds = [0, *change.tolist(), len(ids)]
    starts = ids[bounds[:-1]]
    if len(set(starts.tolist())) != len(starts):
        raise ValueError("sentence table: rows of one doc_id must be contiguous and in reading order")
    return [texts[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


class FramingClassifier(ClassifierMixin, BaseEstimator):
    """Label sentences as boilerplate or one of the four framing labels.

    Parameters
    ----------
    groups : tuple of str, default all of ``framing.features.GROUPS``
        Feature groups of the content model (drop one for an ablation).
    C : float, default 1.0
        Inverse regularisation strength of the content model.
    boilerplate_C : float, default 1.0
        Inverse regularisation strength of the boilerplate detector.
    ngram_min_df : int, default 2
        Minimum document frequency of a word n-gram.
    calibration : {"sigmoid", "isotonic"}, default "sigmoid"
        Calibration method of the content model.
    cv : int, default 5
        Folds used to calibrate.
    lexicon_dirs : tuple of str, default ()
        Extra lexicon folders, added to the bundled lexicons.
    sample_weight_real : float, default 1.0
        Weight of rows with ``origin == 'real'`` relative to authored rows.

    Attributes
    ----------
    classes_ : ndarray of str
        ``framing.schema.LABELS``.
    boilerplate_ : Pipeline
    content_ : Pipeline
    cue_columns_ : dict

    Examples
    --------
    >>> clf = FramingClassifier()  # doctest: +SKIP
    >>> clf.fit(sentences, labels).predict(sentences)  # doctest: +SKIP
    """

    def __init__(
        self,
        groups: tuple[str, ...] = GROUPS,
        C: float = 1.0,
        boilerplate_C: float = 1.0,
        ngram_min_df: int = 2,
        calibration: str = "sigmoid",
        cv: int = 5,
        lexicon_dirs: tuple[str, ...] = (),
        sample_weight_real: float = 1.0,
    ):
        self.groups = groups
        self.C = C
        self.boilerplate_C = boilerplate_C
        self.ngram_min_df = ngram_min_df
        self.calibration = calibration
        self.cv = cv
        self.lexicon_dirs = lexicon_dirs
        self.sample_weight_real = sample_weight_real

    # -- public API: validate, then delegate ---------------------------------
    def fit(self, X: pd.DataFrame, y) -> FramingClassifier:
        """Fit both stages on a sentence table and its labels."""
        y = np.asarray(y, dtype=object)
        if len(y) != len(X):
            raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels")
        unknown = sorted(set(y.tolist()) - set(LABELS))
        if unknown:
            raise ValueError(f"unknown labels {unknown}; expected {list(LABELS)}")
        missing = [g for g in self.groups if g not in GROUPS]
        if missing:
            raise ValueError(f"unknown feature groups {missing}; expected a subset of {GROUPS}")
        weights = np.ones(len(X))
        if "origin" in X.columns:
            weights[(X["origin"] == "real").to_numpy()] = self.sample_weight_real
        return self._fit(X, y, weights)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probabilities over ``classes_``: boilerplate, then the four labels.

        The four content probabilities are scaled by ``1 - p(boilerplate)``
        so each row sums to one.
        """
        check_is_fitted(self, "content_")
        p_bp, p_content, _ = self._predict(self._encode(X))
        return np.column_stack([p_bp, p_content * (1 - p_bp)[:, None]])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Labels: boilerplate where the detector says so, else the top content label."""
        check_is_fitted(self, "content_")
        p_bp, p_content, _ = self._predict(self._encode(X))
        return self._decide(p_bp, p_content)

    def predict_with_evidence(self, X: pd.DataFrame, top: int = 3) -> pd.DataFrame:
        """Labels, content probabilities and evidence strings, one row per sentence.

        Returns a frame with ``label``, ``p_<label>`` for the four content
        labels (conditional on the sentence being content) and ``evidence``.
        """
        check_is_fitted(self, "content_")
        enc = self._encode(X)
        p_bp, p_content, Z = self._predict(enc)
        labels = self._decide(p_bp, p_content)
        out = pd.DataFrame(p_content, columns=[f"p_{c}" for c in CONTENT_LABELS])
        out.insert(0, "label", labels)
        out["evidence"] = self._evidence(enc, Z, labels, p_bp, top)
        return out

    # -- private workers -----------------------------------------------------
    def _lexicon(self) -> Lexicon:
        return load_lexicons(self.lexicon_dirs)

    def _encode(self, X: pd.DataFrame) -> Encoded:
        return encode(documents_of(X), self._lexicon())

    def _fit(self, X: pd.DataFrame, y: np.ndarray, weights: np.ndarray) -> FramingClassifier:
        lexicon = self._lexicon()
        self.cue_columns_ = cue_columns(lexicon)
        enc = encode(documents_of(X), lexicon)
        frame = enc.frame()
        is_bp = y == BOILERPLATE
        self.boilerplate_ = Pipeline(
            [
                ("features", build_features(self.cue_columns_, _BOILERPLATE_GROUPS, self.ngram_min_df)),
                ("clf", LogisticRegression(C=self.boilerplate_C, class_weight="balanced", max_iter=2000)),
            ]
        )
        self.boilerplate_.fit(frame, is_bp, clf__sample_weight=weights)
        content = ~is_bp
        base = LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000)
        calibrated = CalibratedClassifierCV(
            base,
            method=self.calibration,
            cv=StratifiedKFold(n_splits=self.cv),
            ensemble=False,
        )
        self.content_ = Pipeline(
            [
                ("features", build_features(self.cue_columns_, tuple(self.groups), self.ngram_min_df)),
                ("clf", calibrated),
            ]
        )
        self.content_.fit(frame[content], y[content], clf__sample_weight=weights[content])
        order = [list(self.content_.classes_).index(c) for c in CONTENT_LABELS]
        self.content_order_ = np.array(order)
        self.classes_ = np.array(LABELS, dtype=object)
        return self

    def _predict(self, enc: Encoded):
        frame = enc.frame()
        if len(frame) == 0:
            return np.zeros(0), np.zeros((0, len(CONTENT_LABELS))), None
        p_bp = self.boilerplate_.predict_proba(frame)[:, 1]
        Z = self.content_.named_steps["features"].transform(frame)
        p_content = self.content_.named_steps["clf"].predict_proba(Z)[:, self.content_order_]
        return p_bp, p_content, Z

    def _decide(self, p_bp: np.ndarray, p_content: np.ndarray) -> np.ndarray:
        labels = np.array(CONTENT_LABELS, dtype=object)[p_content.argmax(axis=1)] if len(p_bp) else np.array([], dtype=object)
        labels[p_bp >= 0.5] = BOILERPLATE
        return labels

    def linear_model_(self) -> LogisticRegression:
        """The single fitted linear content model behind the calibration."""
        check_is_fitted(self, "content_")
        return self.content_.named_steps["clf"].calibrated_classifiers_[0].estimator

    def feature_names_(self) -> np.ndarray:
        """Names of the content model's input features."""
        return self.content_.named_steps["features"].get_feature_names_out()

    def _evidence(self, enc: Encoded, Z, labels, p_bp, top: int) -> list[str]:
        if Z is None:
            return []
        lin = self.linear_model_()
        names = self.feature_names_()
        cls_index = {c: i for i, c in enumerate(lin.classes_)}
        return evidence_for(Z, lin.coef_, cls_index, names, enc.hits, labels, p_bp, top)
