"""Small display tables and names for the notebooks: headline metrics, per-label figures, features, examples."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from framing.model.evidence import describe_feature
from framing.schema import BOILERPLATE, CONTENT_LABELS, LABEL_DISPLAY, LABELS

# Metric series (not labels): dark grey for content macro-F1, the boilerplate
# label's own grey for boilerplate F1, so the pair also reads in greyscale.
MACRO_F1_COLOUR = "#404040"


COMPARED_METRICS: dict[str, tuple[str, str]] = {
    "macro_f1": ("content macro-F1", MACRO_F1_COLOUR),
    "boilerplate_f1": ("boilerplate F1", LABEL_DISPLAY[BOILERPLATE].colour),
}


RUN_NAMES: dict[str, str] = {
    "real_looo": "leave-one-outlet-out",
    "real_by_article": "5-fold by article",
    "authored_cv": "authored, 3-fold by article",
}
"""What each evaluation run of ``metrics.json`` is."""


def label_name(label: str) -> str:
    """A label in words.

    Examples
    --------
    >>> label_name("propaganda_echo")
    'propaganda echo'
    """
    style = LABEL_DISPLAY.get(label)
    return style.name if style is not None else str(label).replace("_", " ")


def short(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis.

    Examples
    --------
    >>> short("special military operation", 10)
    'special m\u2026'
    """
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def feature_text(name: str) -> str:
    """A feature name in words, without a sentence's matched terms.

    Uses :func:`framing.model.evidence.describe_feature`; names it has no words for
    (such as boilerplate cues) are spelled out from the name, and label names
    are written in words.

    Examples
    --------
    >>> feature_text("boilerplate__bp__promo_terms")
    'promo phrase'
    >>> feature_text("ngrams__special operation")
    "words 'special operation'"
    """
    group, _, cue = str(name).partition("__")
    text = " ".join(describe_feature(str(name), []).split())
    if text == " ".join(cue.replace("_", " ").split()):
        cue = re.sub(r"(^|_)p_(\w+)$", r"\1p(\2)", cue.split("__", 1)[-1])
        words = cue.replace("_", " ").strip()
        prefix = {"boilerplate": "boilerplate cue", "neighbours": "context"}.get(group, group)
        text = f"{prefix}: {words}"
    for label in LABELS:
        text = re.sub(rf"\b{label}\b", label_name(label), text)
    return text


def finite(x: Any) -> bool:
    """Whether ``x`` is a finite number.

    Examples
    --------
    >>> finite(0.5), finite(None), finite(float("nan"))
    (True, False, False)
    """
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def headline_table(metrics: Mapping, runs: Sequence[str] = ("real_looo", "real_by_article")) -> pd.DataFrame:
    """One row per evaluation run present in ``metrics``: the headline figures.

    Parameters
    ----------
    metrics : mapping
        ``metrics.json`` as a dict.
    runs : sequence of str
        Keys of the runs to show, in order; absent runs are skipped (the fast
        evaluation has ``real_looo`` only). Keep real-text and authored runs
        in separate tables.

    Returns
    -------
    DataFrame
        Indexed by run, with ``evaluation, n, n_content, macro_f1,
        macro_f1_lo, macro_f1_hi, boilerplate_f1, accuracy,
        share_mae_points``.

    Examples
    --------
    >>> m = {"real_looo": {"n": 10, "n_content": 8, "macro_f1": 0.7, "macro_f1_ci": [0.6, 0.8],
    ...                    "boilerplate_f1": 0.9, "accuracy": 0.8}}
    >>> headline_table(m)["macro_f1"].tolist()
    [0.7]
    """
    rows = []
    for run in runs:
        s = metrics.get(run)
        if not s:
            continue
        ci = s.get("macro_f1_ci") or [math.nan, math.nan]
        rows.append(
            {
                "run": run,
                "evaluation": RUN_NAMES.get(run, run),
                "n": s.get("n"),
                "n_content": s.get("n_content"),
                "macro_f1": s.get("macro_f1"),
                "macro_f1_lo": ci[0],
                "macro_f1_hi": ci[1],
                "boilerplate_f1": s.get("boilerplate_f1"),
                "accuracy": s.get("accuracy"),
                "share_mae_points": s.get("per_source_share_mae", math.nan),
            }
        )
    cols = ["run", "evaluation", "n", "n_content", "macro_f1", "macro_f1_lo", "macro_f1_hi",
            "boilerplate_f1", "accuracy", "share_mae_points"]
    return pd.DataFrame(rows, columns=cols).set_index("run")


def per_label_table(metrics: Mapping, run: str = "real_looo") -> pd.DataFrame:
    """Precision, recall, F1 and support per content label of one run.

    Examples
    --------
    >>> m = {"real_looo": {"per_label": {"reporting": {"precision": 1.0, "recall": 0.5,
    ...                                                "f1": 0.667, "support": 2}}}}
    >>> per_label_table(m)["support"].tolist()
    [2]
    """
    per_label = metrics[run]["per_label"]
    frame = pd.DataFrame.from_dict(per_label, orient="index")
    frame.index.name = "label"
    cols = [c for c in ("precision", "recall", "f1", "support") if c in frame.columns]
    frame = frame[cols]
    if "support" in frame:
        frame["support"] = frame["support"].astype(int)
    return frame


def comparison_table(metrics: Mapping) -> pd.DataFrame:
    """Macro-F1, boilerplate F1 and per-label F1 of the baselines and ablations.

    ``kind`` is ``baseline``, ``model`` (the full model, listed among the
    baselines in ``metrics.json``) or ``ablation``. An entry's
    ``macro_f1_ci`` / ``boilerplate_f1_ci`` (``[lo, hi]``), when present,
    become ``macro_f1_lo``, ``macro_f1_hi``, ``boilerplate_f1_lo`` and
    ``boilerplate_f1_hi``.

    Examples
    --------
    >>> m = {"baselines": {"majority": {"macro_f1": 0.2, "boilerplate_f1": 0.0, "f1": {}}}}
    >>> comparison_table(m).index.tolist()
    ['majority']
    """
    rows = []
    for kind in ("baselines", "ablations"):
        for name, s in (metrics.get(kind) or {}).items():
            kind_name = "model" if name == "full_model" else kind[:-1]
            row = {"name": name, "kind": kind_name, "macro_f1": s.get("macro_f1"),
                   "boilerplate_f1": s.get("boilerplate_f1")}
            for metric in COMPARED_METRICS:
                ci = s.get(f"{metric}_ci")
                if ci is not None:
                    row[f"{metric}_lo"], row[f"{metric}_hi"] = ci[0], ci[1]
            row.update({f"f1_{k}": v for k, v in (s.get("f1") or {}).items()})
            rows.append(row)
    if not rows:
        return pd.DataFrame(columns=["kind", "macro_f1", "boilerplate_f1"])
    return pd.DataFrame(rows).set_index("name")


def top_features(model: Any, n: int = 10, labels: Sequence[str] | None = None) -> pd.DataFrame:
    """The ``n`` largest positive weights per content label of a fitted model.

    Parameters
    ----------
    model : FramingClassifier
        Fitted; reads ``linear_model_()`` and ``feature_names_()``.
    n : int, default 10
    labels : sequence of str, optional
        Content labels to list; default all four in ``CONTENT_LABELS`` order.

    Returns
    -------
    DataFrame
        ``label, feature, description, weight``, strongest first within
        each label; ``description`` is :func:`feature_text` of the name
        (no sentence, so no matched terms).

    Examples
    --------
    >>> from framing import load_model
    >>> top_features(load_model(), n=2)["label"].tolist()[:2]  # doctest: +SKIP
    ['reporting', 'reporting']
    """
    lin = model.linear_model_()
    names = np.asarray(model.feature_names_())
    classes = list(lin.classes_)
    rows = []
    for label in labels or [c for c in CONTENT_LABELS if c in classes]:
        coef = lin.coef_[classes.index(label)]
        for j in np.argsort(-coef, kind="stable")[:n]:
            rows.append((label, names[j], feature_text(names[j]), float(coef[j])))
    return pd.DataFrame(rows, columns=["label", "feature", "description", "weight"])


def boilerplate_features(model: Any, n: int = 10) -> pd.DataFrame:
    """The boilerplate detector's strongest weights in each direction.

    Returns
    -------
    DataFrame
        ``label, feature, description, weight``: the ``n`` largest positive
        weights (``label == 'boilerplate'``, push towards page furniture),
        then the ``n`` most negative (``label == 'content'``).

    Examples
    --------
    >>> from framing import load_model
    >>> boilerplate_features(load_model(), n=3)["label"].tolist()  # doctest: +SKIP
    ['boilerplate', 'boilerplate', 'boilerplate', 'content', 'content', 'content']
    """
    # getattr: a model saved before the gate's names were public builds them from the union.
    gate_names = getattr(model, "gate_feature_names_", None)
    names = (np.asarray(gate_names()) if gate_names is not None
             else np.asarray(model.features_.get_feature_names_out())[model.boilerplate_columns_])
    coef = np.asarray(model.boilerplate_.coef_).ravel()
    rows = []
    for label, order in (("boilerplate", np.argsort(-coef, kind="stable")),
                         ("content", np.argsort(coef, kind="stable"))):
        for j in order[:n]:
            rows.append((label, names[j], feature_text(names[j]), float(coef[j])))
    return pd.DataFrame(rows, columns=["label", "feature", "description", "weight"])


def top_examples(sentences: pd.DataFrame, n: int = 2) -> pd.DataFrame:
    """The ``n`` most confident sentences of each content label.

    Parameters
    ----------
    sentences : DataFrame
        Labeled sentences (:func:`framing.classify` or ``sentences.parquet``)
        with ``label``, ``p_<label>`` and ``text``.

    Returns
    -------
    DataFrame
        ``label, p, source, doc_id, text, evidence`` (those present), in
        ``CONTENT_LABELS`` order, most confident first.

    Examples
    --------
    >>> s = pd.DataFrame({"doc_id": ["a", "a"], "text": ["x", "y"], "label": ["reporting"] * 2,
    ...                   "p_reporting": [0.6, 0.9]})
    >>> top_examples(s, n=1)["text"].tolist()
    ['y']
    """
    parts = []
    for label in CONTENT_LABELS:
        mine = sentences[sentences["label"] == label]
        if mine.empty:
            continue
        mine = mine.assign(p=mine[f"p_{label}"].astype(float))
        parts.append(mine.sort_values("p", ascending=False, kind="stable").head(n))
    cols = [c for c in ("label", "p", "source", "doc_id", "text", "evidence")
            if c in sentences.columns or c == "p"]
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)[cols]
