"""The framing classifier: boilerplate detector, then a four-way content model.

Both stages are regularised, class-weighted logistic regressions over the
features of :mod:`framing.features.encoder`; the content stage is wrapped in
:class:`sklearn.calibration.CalibratedClassifierCV` so its probabilities are
calibrated, with ``ensemble=False`` so that one linear model remains to be
explained. The estimator takes a sentence table (``doc_id``, ``text``, rows
in reading order within each document) because context features need the
neighbouring sentences.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from framing.features.encoder import CUE_GROUPS, CueEncoder, Encoded, cue_columns, encode
from framing.features.gc_pause import gc_paused
from framing.features.semantic import table_digest
from framing.features.semantic import vectors as semantic_vectors
from framing.features.union import DEFAULT_GROUPS, GROUPS, build_features
from framing.io.documents import as_sentence_table, documents_of
from framing.lexicon.terms import Lexicon, load_lexicons
from framing.model.boilerplate import rule_overrides, without_position_alone
from framing.model.checks import check_training_input
from framing.model.evidence import evidence_for, explain_table
from framing.model.neighbours import (
    append_columns,
    neighbour_features,
    neighbour_names,
    out_of_fold_proba,
    stage1_proba,
)
from framing.schema import BOILERPLATE, CONTENT_LABELS, LABELS, PROBA_COLUMNS

_BOILERPLATE_GROUPS = ("ngrams", "style", "attribution", "context", "boilerplate")
# Where a sentence stands on the page, not what it says (see _without_position_alone).
_POSITION_FEATURES = ("context__ctx__position", "context__ctx__first", "context__ctx__last", "boilerplate__bp__from_end")


def _joint(p_bp: np.ndarray, p_content: np.ndarray) -> np.ndarray:
    """Five probabilities in ``LABELS`` order from the gate and the conditional content model."""
    return np.column_stack([p_bp, p_content * (1 - p_bp)[:, None]]) if len(p_bp) else np.zeros((0, len(LABELS)))


class FramingClassifier(ClassifierMixin, BaseEstimator):
    """Label sentences as boilerplate or one of the four framing labels.

    Parameters
    ----------
    groups : tuple of str, default ``framing.features.union.DEFAULT_GROUPS``
        Feature groups of the content model (drop one for an ablation).
    C : float, default 3.0
        Inverse regularisation strength of the content model (chosen by
        4-fold cross-validation grouped by outlet over 0.3, 1, 3 and 10).
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
    sample_weight_real : float, default 0.5
        Weight of rows with ``origin == 'real'`` relative to authored rows
        (chosen by outlet cross-validation over 0.25, 0.5, 1, 2 and 4; see
        ``models/evaluation/selection.json``).
    semantic : {"static", "minilm", "none"}, default "static"
        Sentence-meaning encoder (:mod:`framing.features.semantic`) of a second content
        model whose probabilities are blended with the first: the shipped
        static table (fast), the full MiniLM encoder (the ``accurate``
        profile), or none.
    semantic_weight : float, default 0.4
        Share of the semantic model in the blended content probabilities
        (chosen by 4-fold cross-validation grouped by outlet).
    semantic_C : float, default 1.0
        Inverse regularisation strength of the semantic model.
    semantic_gate : bool, default True
        The boilerplate gate also reads the sentence vector (furniture worded
        as prose: author notes, promos), when ``semantic`` is not ``"none"``.
    content_estimator : classifier, optional
        The linear content model behind the calibration; ``None`` means
        ``LogisticRegression(C=C, class_weight="balanced")``. Any classifier
        with ``coef_`` keeps the evidence, e.g.
        ``set_params(content_estimator=LinearSVC(class_weight="balanced"))``.
    n_jobs : int or None, default None
        Processes for the calibration folds and the first stage's out-of-fold
        fits (the bundled model is trained with 2). The folds are the same
        whatever the value; fitted in worker processes the solver may stop a
        little elsewhere within its tolerance (probabilities within 0.01).

    Attributes
    ----------
    classes_ : ndarray of str
        ``framing.schema.LABELS``.
    features_ : ColumnTransformer
        The shared feature union (n-grams and cue groups).
    boilerplate_ : LogisticRegression
        The boilerplate detector, over ``boilerplate_columns_``.
    content_ : CalibratedClassifierCV
        The calibrated four-way content model, over ``content_columns_``.
    cue_columns_ : dict

    Examples
    --------
    >>> clf = FramingClassifier()  # doctest: +SKIP
    >>> clf.fit(sentences, labels).predict(sentences)  # doctest: +SKIP
    """

    def __init__(
        self,
        groups: tuple[str, ...] = DEFAULT_GROUPS,
        C: float = 3.0,
        boilerplate_C: float = 1.0,
        ngram_min_df: int = 2,
        calibration: str = "sigmoid",
        cv: int = 5,
        lexicon_dirs: tuple[str, ...] = (),
        sample_weight_real: float = 0.5,
        semantic: str = "static",
        semantic_weight: float = 0.4,
        semantic_C: float = 1.0,
        semantic_gate: bool = True,
        content_estimator: Any = None,
        n_jobs: int | None = None,
    ):
        self.groups = groups
        self.C = C
        self.boilerplate_C = boilerplate_C
        self.ngram_min_df = ngram_min_df
        self.calibration = calibration
        self.cv = cv
        self.lexicon_dirs = lexicon_dirs
        self.sample_weight_real = sample_weight_real
        self.semantic = semantic
        self.semantic_weight = semantic_weight
        self.semantic_C = semantic_C
        self.semantic_gate = semantic_gate
        self.content_estimator = content_estimator
        self.n_jobs = n_jobs

    # -- public API: validate, then delegate ---------------------------------
    def fit(self, X: pd.DataFrame, y) -> FramingClassifier:
        """Fit both stages on a sentence table and its labels."""
        X = as_sentence_table(X)
        y = np.asarray(y, dtype=object)
        if len(y) != len(X):
            raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels")
        check_training_input(self, y)
        weights = np.ones(len(X))
        if "origin" in X.columns:
            weights[(X["origin"] == "real").to_numpy()] = self.sample_weight_real
        return self._fit(X, y, weights)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probabilities over ``classes_`` (``LABELS``): boilerplate, then the four labels.

        ``p(label) = (1 - p(boilerplate)) * p(label | content)``, so each row
        sums to one. These are the ``p_*`` columns of :func:`framing.classify`
        and :meth:`predict_with_evidence` too. The label is boilerplate when
        ``p(boilerplate) >= 0.5``, else the most probable content label.
        """
        check_is_fitted(self, "content_")
        p_bp, p_content, _ = self._predict(self._encode(as_sentence_table(X)))
        return _joint(p_bp, p_content)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Labels: boilerplate where the detector says so, else the top content label."""
        check_is_fitted(self, "content_")
        p_bp, p_content, _ = self._predict(self._encode(as_sentence_table(X)))
        return self._decide(p_bp, p_content)

    def predict_with_evidence(self, X: pd.DataFrame, top: int = 3, lexicon_terms: bool = False) -> pd.DataFrame:
        """Labels, content probabilities and evidence strings, one row per sentence.

        Returns a frame with ``label``, ``p_<label>`` for the five labels
        (those of :meth:`predict_proba`) and ``evidence``;
        with ``lexicon_terms=True`` also ``terms`` (the lexicon terms matched,
        one entry per match) and ``words`` (:func:`framing.features.encoder.count_words`),
        which the batch summaries reuse instead of matching the text again.
        """
        check_is_fitted(self, "content_")
        X = as_sentence_table(X)
        # Encoding and evidence build many small objects and no reference
        # cycles: see framing.features.gc_pause (re-entrant with encode's).
        with gc_paused():
            enc = self._encode(X)
            p_bp, p_content, Z = self._predict(enc)
            labels = self._decide(p_bp, p_content)
            out = pd.DataFrame(_joint(p_bp, p_content), columns=list(PROBA_COLUMNS))
            out.insert(0, "label", labels)
            out["evidence"] = self._evidence(enc, Z, labels, p_bp, top)
            if lexicon_terms:
                out["terms"] = pd.Series(enc.terms, dtype=object)
                out["words"] = enc.words
        return out

    # -- private workers -----------------------------------------------------
    def _lexicon(self) -> Lexicon:
        # A model saved before the encoder step held its lexicon reads the files.
        encoder = getattr(self, "encoder_", None)
        return encoder.lexicon_ if encoder is not None else load_lexicons(self.lexicon_dirs)

    def _encode(self, X: pd.DataFrame) -> Encoded:
        enc = encode(documents_of(X), self._lexicon(), groups=self._cue_groups())
        enc.texts = X["text"].tolist() if self._uses_semantic() and self.semantic == "minilm" else None
        return enc

    def _cue_groups(self) -> tuple[str, ...]:
        # The cue groups the two heads read (the rules read context and boilerplate,
        # both among the gate's groups); the others are not computed at all.
        wanted = {*self.groups, *_BOILERPLATE_GROUPS}
        return tuple(g for g in CUE_GROUPS if g in wanted)

    def _uses_semantic(self) -> bool:
        # getattr: a model saved before the semantic stage existed has none.
        return getattr(self, "semantic", "none") != "none" and self.semantic_weight > 0

    def _semantic_vectors(self, enc: Encoded) -> np.ndarray:
        # getattr: a model saved before tables were fingerprinted records none.
        fitted_on = getattr(self, "semantic_table_", None)
        if self.semantic == "static" and fitted_on is not None and fitted_on != table_digest():
            raise ValueError(
                f"this model's semantic head was fitted over another word table ({fitted_on}, "
                f"installed {table_digest()}): retrain it with this version of framing "
                "(framing train) or use the version it was trained with"
            )
        return semantic_vectors(self.semantic, enc.tokens, enc.texts or [])

    def _fit(self, X: pd.DataFrame, y: np.ndarray, weights: np.ndarray) -> FramingClassifier:
        self.encoder_ = CueEncoder(self.lexicon_dirs).fit(X)
        self.cue_columns_ = cue_columns(self._lexicon())
        enc = self._encode(X)
        # One feature union serves both heads, so text is vectorised once at
        # prediction time; each head reads its own columns.
        needed = tuple(g for g in (*GROUPS, "boilerplate") if g in self.groups or g in _BOILERPLATE_GROUPS)
        self.features_ = build_features(self.cue_columns_, needed, self.ngram_min_df)
        Z = self.features_.fit_transform(enc.frame()).tocsr()
        names = self.features_.get_feature_names_out()
        self.boilerplate_columns_ = self._columns_of(_BOILERPLATE_GROUPS)
        self.content_columns_ = self._columns_of(self.groups)
        is_bp = y == BOILERPLATE
        E = None
        if self._needs_vectors():
            self.semantic_table_ = table_digest() if self.semantic == "static" else None
            E = self._semantic_vectors(enc)
        Zb = self._gate_input(Z, E)
        self.boilerplate_ = LogisticRegression(C=self.boilerplate_C, class_weight="balanced", max_iter=3000)
        self.boilerplate_.fit(Zb, is_bp, sample_weight=weights)
        self.position_columns_ = np.flatnonzero(np.isin(names[self.boilerplate_columns_], _POSITION_FEATURES))
        # Where a typical content sentence sits: what position is replaced by
        # when asking whether position alone makes a sentence furniture.
        Zpos = Zb[:, self.position_columns_]
        self.position_neutral_ = np.asarray(np.median(Zpos[~is_bp].toarray(), axis=0)).ravel()
        content = ~is_bp
        Zc = Z[:, self.content_columns_]
        if self._stacked():
            P1 = self._out_of_fold(Zc, y, content, weights, X)
            self.stage1_ = self._stage1().fit(Zc[content], y[content], sample_weight=weights[content])
            Zc = self._with_neighbours(Zc, P1, enc)
        base = (
            clone(self.content_estimator)
            if self.content_estimator is not None
            else LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000)
        )
        self.content_ = CalibratedClassifierCV(
            base,
            method=self.calibration,
            cv=StratifiedKFold(n_splits=self.cv),
            ensemble=False,
            n_jobs=self.n_jobs,
        )
        self.content_.fit(Zc[content], y[content], sample_weight=weights[content])
        self.content_order_ = np.array([list(self.content_.classes_).index(c) for c in CONTENT_LABELS])
        if self._uses_semantic():
            self.semantic_ = LogisticRegression(C=self.semantic_C, class_weight="balanced", max_iter=3000)
            self.semantic_.fit(E[content], y[content], sample_weight=weights[content])
        self.classes_ = np.array(LABELS, dtype=object)
        return self

    def _columns_of(self, groups: tuple[str, ...]) -> np.ndarray:
        """Columns of the fitted union that come from ``groups``, from its ``output_indices_``."""
        spans = self.features_.output_indices_
        return np.sort(np.concatenate([np.arange(spans[g].start, spans[g].stop) for g in groups if g in spans] or [np.zeros(0, int)]))

    @property
    def named_steps(self) -> dict[str, Any]:
        """The fitted stages in data-flow order, by name.

        ``encoder`` (:class:`~framing.features.encoder.CueEncoder`: the cue
        columns, with the lexicons as its fitted state), ``features`` (the
        union of n-grams and cue groups over the encoding), ``boilerplate``
        (the gate, over ``boilerplate_columns_``), ``sequence`` (the first
        stage whose neighbours' probabilities feed the content model; absent
        without the ``neighbours`` group), ``content`` (the calibrated content
        model, over ``content_columns_`` and the neighbour block) and
        ``semantic`` (blended in with weight ``semantic_weight``; absent when
        off).

        Examples
        --------
        >>> list(load_model().named_steps)  # doctest: +SKIP
        ['encoder', 'features', 'boilerplate', 'sequence', 'content', 'semantic']
        """
        check_is_fitted(self, "content_")
        steps = {"features": self.features_, "boilerplate": self.boilerplate_}
        if hasattr(self, "encoder_"):
            steps = {"encoder": self.encoder_, **steps}
        if hasattr(self, "stage1_") and self._stacked():
            steps["sequence"] = self.stage1_
        steps["content"] = self.content_
        if self._uses_semantic() and hasattr(self, "semantic_"):
            steps["semantic"] = self.semantic_
        return steps

    def _predict(self, enc: Encoded):
        frame = enc.frame()
        if len(frame) == 0:
            return np.zeros(0), np.zeros((0, len(CONTENT_LABELS))), None
        Z = self.features_.transform(frame).tocsr()
        E = self._semantic_vectors(enc) if self._needs_vectors() else None
        Zb = self._gate_input(Z, E)
        p_bp = self._without_position_alone(Zb, self.boilerplate_.predict_proba(Zb)[:, 1])
        force_bp, force_content = rule_overrides(enc.cues)
        p_bp = np.where(force_bp, np.maximum(p_bp, 0.99), np.where(force_content, np.minimum(p_bp, 0.01), p_bp))
        Zc = Z[:, self.content_columns_]
        if self._stacked():
            P1 = stage1_proba(self.stage1_, Zc)
            Zc = self._with_neighbours(Zc, P1, enc)
        p_content = self.content_.predict_proba(Zc)[:, self.content_order_]
        if self._uses_semantic() and hasattr(self, "semantic_"):
            order = [list(self.semantic_.classes_).index(c) for c in CONTENT_LABELS]
            p_sem = self.semantic_.predict_proba(E)[:, order]
            p_content = (1 - self.semantic_weight) * p_content + self.semantic_weight * p_sem
        return p_bp, p_content, Zc

    def _without_position_alone(self, Zb, p_bp: np.ndarray) -> np.ndarray:
        # getattr: a model saved before the rule has no position columns.
        cols = getattr(self, "position_columns_", None)
        if cols is None or not len(cols):
            return p_bp
        return without_position_alone(p_bp, Zb[:, cols], self.boilerplate_.coef_[0, cols], self.position_neutral_)

    def _decide(self, p_bp: np.ndarray, p_content: np.ndarray) -> np.ndarray:
        if len(p_bp) == 0:
            return np.array([], dtype=object)
        labels = np.array(CONTENT_LABELS, dtype=object)[p_content.argmax(axis=1)]
        labels[p_bp >= 0.5] = BOILERPLATE
        return labels

    def _gate_reads_semantic(self) -> bool:
        return getattr(self, "semantic_gate", False) and getattr(self, "semantic", "none") != "none"

    def _needs_vectors(self) -> bool:
        return self._uses_semantic() or self._gate_reads_semantic()

    def _gate_input(self, Z, E):
        """The gate's matrix: its union columns, then the sentence vector when it reads one."""
        Zb = Z[:, self.boilerplate_columns_]
        return append_columns(Zb, E) if self._gate_reads_semantic() else Zb

    def gate_feature_names_(self) -> np.ndarray:
        """Names of the boilerplate gate's input features (``semantic__dim_<i>`` for the sentence vector)."""
        check_is_fitted(self, "boilerplate_")
        names = self.features_.get_feature_names_out()[self.boilerplate_columns_]
        extra = self.boilerplate_.coef_.shape[1] - len(names)
        return np.concatenate([names, [f"semantic__dim_{i}" for i in range(extra)]]) if extra else names

    def _stacked(self) -> bool:
        return "neighbours" in self.groups

    def _stage1(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000)

    def _out_of_fold(self, Zc, y, content, weights, X) -> np.ndarray:
        docs = X["doc_id"].to_numpy() if "doc_id" in X else np.zeros(len(y))
        return out_of_fold_proba(self._stage1, Zc, y, content, weights, docs, self.cv, self.n_jobs)

    def _with_neighbours(self, Zc, P1, enc: Encoded):
        N = neighbour_features(P1, enc.bounds, enc.cues["ctx__starts_in_quote"].to_numpy() > 0)
        return append_columns(Zc, N)

    def explain(self, X: Any, top: int = 5) -> pd.DataFrame:
        """The features that pushed each sentence to its label, with weights ``x * coef``.

        One row per (sentence, feature): ``row`` (position in ``X``),
        ``label`` (predicted), ``feature``, ``description`` and ``weight``,
        the ``top`` strongest by absolute weight per sentence. Content rows
        are explained by the linear content model; boilerplate rows by the
        boilerplate gate. Takes what :meth:`predict` takes.

        Examples
        --------
        >>> load_model().explain(["The tyrant ranted again."]).loc[0, "label"]  # doctest: +SKIP
        'editorialising'
        """
        check_is_fitted(self, "content_")
        enc = self._encode(as_sentence_table(X))
        p_bp, p_content, Z = self._predict(enc)
        labels = self._decide(p_bp, p_content)
        if Z is None:
            return explain_table(labels, None, None, None, None, None, None, enc.hits, top)
        lin = self.linear_model_()
        Zb = None
        if (labels == BOILERPLATE).any():
            E = self._semantic_vectors(enc) if self._gate_reads_semantic() else None
            Zb = self._gate_input(self.features_.transform(enc.frame()).tocsr(), E)
        return explain_table(labels, Z, lin, self.get_feature_names_out(), Zb, self.boilerplate_.coef_,
                             self.gate_feature_names_(),
                             enc.hits, top)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the content model's input features (the union's content columns, then the neighbour block)."""
        return self.feature_names_()

    def linear_model_(self) -> LogisticRegression:
        """The single fitted linear content model behind the calibration."""
        check_is_fitted(self, "content_")
        return self.content_.calibrated_classifiers_[0].estimator

    def feature_names_(self) -> np.ndarray:
        """Names of the content model's input features."""
        check_is_fitted(self, "content_")
        # Building 15,000 names costs ~20 ms, paid per batch when scoring in
        # shards; they depend only on the fitted features, so keep them
        # (keyed by the fitted object, so a refit builds them again).
        cached = self.__dict__.get("_names_cache")
        if cached is None or cached[0] is not self.features_:
            names = self.features_.get_feature_names_out()[self.content_columns_]
            names = np.concatenate([names, neighbour_names()]) if self._stacked() else names
            cached = self.__dict__["_names_cache"] = (self.features_, names)
        return cached[1]

    def __setstate__(self, state: dict) -> None:
        # A model saved before a parameter existed gets its default, so
        # get_params, repr and clone keep working on it.
        state.setdefault("content_estimator", None)
        # Models saved before the gate read sentence vectors keep a gate without them.
        state.setdefault("semantic_gate", False)
        super().__setstate__(state)

    def __getstate__(self) -> dict:
        # The feature-name cache is derived state: a saved model must not
        # depend on whether it was used before saving.
        state = dict(super().__getstate__())
        state.pop("_names_cache", None)
        return state

    def _evidence(self, enc: Encoded, Z, labels, p_bp, top: int) -> list[str]:
        if Z is None:
            return []
        lin = self.linear_model_()
        names = self.feature_names_()
        cls_index = {c: i for i, c in enumerate(lin.classes_)}
        return evidence_for(Z, lin.coef_, cls_index, names, enc.hits, labels, p_bp, top)
