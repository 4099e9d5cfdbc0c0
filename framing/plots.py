"""Figures and small display tables for the notebooks (matplotlib, no pyplot).

Every ``*_plot`` function takes plain data (a metrics dict from
:func:`framing.evaluate.run_evaluation`, a per-source aggregates frame from
:mod:`framing.aggregate`, a training table or a feature-weight frame) and
returns a :class:`matplotlib.figure.Figure`. Figures are built with the
object-oriented API, never through ``pyplot``, so they work under any backend
(Agg included), hold no global state and are freed when dropped. In a
notebook, a figure left as a cell's last value is shown inline.

Label names and colours come from :data:`framing.schema.LABEL_DISPLAY`, as in
``report.html``.

Examples
--------
>>> m = {"real_looo": {"confusion": {"labels": ["reporting", "official_claim"],
...                                  "matrix": [[5, 1], [2, 7]]}}}
>>> confusion_plot(m).axes[0].get_title()
'real_looo: leave-one-outlet-out (n=15)'
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from framing.evidence import describe_feature
from framing.plots_calibration import reliability_figure, reliability_table
from framing.schema import BOILERPLATE, CONTENT_LABELS, LABEL_DISPLAY, LABELS

# Views of framing.schema.LABEL_DISPLAY, kept under their old names for notebooks.
LABEL_COLORS: dict[str, str] = {lab: st.colour for lab, st in LABEL_DISPLAY.items()}
"""Bar colour of each label (as in ``report.html``; from :data:`framing.schema.LABEL_DISPLAY`)."""

HIGHLIGHT_COLORS: dict[str, str] = {lab: st.tint for lab, st in LABEL_DISPLAY.items()}
"""Background of a highlighted sentence of each label (as in ``report.html``)."""

# Metric series (not labels): dark grey for content macro-F1, the boilerplate
# label's own grey for boilerplate F1, so the pair also reads in greyscale.
_MACRO_F1_COLOUR = "#404040"
_COMPARED: dict[str, tuple[str, str]] = {
    "macro_f1": ("content macro-F1", _MACRO_F1_COLOUR),
    "boilerplate_f1": ("boilerplate F1", LABEL_DISPLAY[BOILERPLATE].colour),
}

RUN_NAMES: dict[str, str] = {
    "real_looo": "leave-one-outlet-out",
    "real_by_article": "5-fold by article",
    "authored_cv": "authored, 5-fold by article",
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


def _short(text: str, width: int) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def feature_text(name: str) -> str:
    """A feature name in words, without a sentence's matched terms.

    Uses :func:`framing.evidence.describe_feature`; names it has no words for
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


def _finite(x: Any) -> bool:
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------- evaluation


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
            for metric in _COMPARED:
                ci = s.get(f"{metric}_ci")
                if ci is not None:
                    row[f"{metric}_lo"], row[f"{metric}_hi"] = ci[0], ci[1]
            row.update({f"f1_{k}": v for k, v in (s.get("f1") or {}).items()})
            rows.append(row)
    if not rows:
        return pd.DataFrame(columns=["kind", "macro_f1", "boilerplate_f1"])
    return pd.DataFrame(rows).set_index("name")


def confusion_plot(metrics: Mapping, run: str = "real_looo", normalise: bool = True) -> Figure:
    """Heatmap of a confusion matrix, gold labels down, predictions across.

    Parameters
    ----------
    metrics : mapping
        ``metrics.json`` as a dict (the matrix is ``metrics[run]["confusion"]``,
        with ``labels`` and ``matrix``), or one run's scores with a
        ``confusion`` key.
    run : str, default "real_looo"
    normalise : bool, default True
        Colour by the share of each gold row (recall); cells show counts
        and the row share.

    Returns
    -------
    Figure
        Two axes: the heatmap and its colour bar.

    Examples
    --------
    >>> m = {"real_looo": {"confusion": {"labels": ["reporting", "official_claim"],
    ...                                  "matrix": [[5, 1], [2, 7]]}}}
    >>> len(confusion_plot(m).axes)
    2
    """
    scores = metrics if "confusion" in metrics else metrics[run]
    conf = scores["confusion"]
    labels = list(conf["labels"])
    counts = np.asarray(conf["matrix"], dtype=float).reshape(len(labels), len(labels))
    rows = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(rows > 0, counts / rows, 0.0)
    values = shares if normalise else counts
    size = 1.1 * len(labels) + 2.2
    fig = Figure(figsize=(size + 1.0, size), layout="constrained")
    ax = fig.add_subplot()
    im = ax.imshow(values, cmap="Blues", vmin=0, vmax=1 if normalise else max(values.max(), 1))
    names = [label_name(lab) for lab in labels]
    ax.set_xticks(range(len(labels)), names, rotation=35, ha="right")
    ax.set_yticks(range(len(labels)), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    dark = values.max() * 0.6 if values.size else 0
    for i in range(len(labels)):
        for j in range(len(labels)):
            text = f"{int(counts[i, j])}"
            if normalise and rows[i, 0] > 0:
                text += f"\n{shares[i, j]:.0%}"
            ax.text(j, i, text, ha="center", va="center", fontsize=8,
                    color="white" if values[i, j] > dark else "#222222")
    ax.set_title(f"{run}: {RUN_NAMES.get(run, run)} (n={int(counts.sum())})")
    fig.colorbar(im, ax=ax, shrink=0.8, label="share of gold row" if normalise else "sentences")
    return fig


def learning_curve_plot(metrics: Mapping) -> Figure:
    """Real-text macro-F1 and boilerplate F1 against the real training articles used.

    Parameters
    ----------
    metrics : mapping
        ``metrics.json`` as a dict; reads ``metrics["learning_curve"]``, a list
        of ``{"real_articles", "real_sentences", "macro_f1", "boilerplate_f1"}``.

    Returns
    -------
    Figure
        One axes with two lines; each point is annotated with its number of
        real training articles.

    Examples
    --------
    >>> m = {"learning_curve": [
    ...     {"real_articles": 0, "real_sentences": 0, "macro_f1": 0.5, "boilerplate_f1": 0.9},
    ...     {"real_articles": 9, "real_sentences": 90, "macro_f1": 0.7, "boilerplate_f1": 0.9}]}
    >>> len(learning_curve_plot(m).axes[0].lines)
    2
    """
    points = sorted(metrics["learning_curve"], key=lambda p: p["real_sentences"])
    x = [p["real_articles"] for p in points]
    fig = Figure(figsize=(6.5, 3.8), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(x, [p["macro_f1"] for p in points], marker="o", color=_MACRO_F1_COLOUR,
            label="content macro-F1")
    ax.plot(x, [p["boilerplate_f1"] for p in points], marker="s", color=LABEL_COLORS[BOILERPLATE],
            linestyle="--", label="boilerplate F1")
    for p in points:
        ax.annotate(f"{p['real_sentences']:,} sent.", (p["real_articles"], p["macro_f1"]),
                    textcoords="offset points", xytext=(0, -14), ha="center", fontsize=8)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("real training articles (authored corpus fixed)")
    ax.set_ylabel("F1 on real text (held out by outlet)")
    ax.set_title("Learning curve: real-text scores vs real training data")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    return fig


def comparison_plot(
    metrics: Mapping, intervals: Mapping[str, Mapping[str, Sequence[float]]] | None = None
) -> Figure:
    """Bar chart of macro-F1 and boilerplate F1: baselines, full model, ablations.

    Parameters
    ----------
    metrics : mapping
        ``metrics.json`` as a dict; reads ``metrics["baselines"]`` and, when
        present, ``metrics["ablations"]`` (each ``{name: {"macro_f1",
        "boilerplate_f1", ...}}``).
    intervals : mapping, optional
        ``{name: {"macro_f1": (lo, hi), "boilerplate_f1": (lo, hi)}}``: drawn
        as error bars. Without it, an entry's own ``macro_f1_ci`` /
        ``boilerplate_f1_ci`` are used where present; entries with neither get
        no error bar.

    Returns
    -------
    Figure
        One axes with two horizontal bars per entry and a dashed line at
        the full model's macro-F1.

    Examples
    --------
    >>> m = {"baselines": {"majority": {"macro_f1": 0.2, "boilerplate_f1": 0.0},
    ...                    "full_model": {"macro_f1": 0.8, "boilerplate_f1": 0.9}}}
    >>> len(comparison_plot(m).axes[0].patches)
    4
    >>> ax = comparison_plot(m, {"full_model": {"macro_f1": (0.7, 0.85)}}).axes[0]
    >>> len(ax.containers)  # two sets of bars, one set of error bars
    3
    """
    table = comparison_table(metrics)
    for name, given in (intervals or {}).items():
        if name not in table.index:
            raise ValueError(f"intervals: {name!r} is not a baseline or ablation of metrics")
        for metric, (lo, hi) in given.items():
            for column, value in ((f"{metric}_lo", lo), (f"{metric}_hi", hi)):
                if column not in table.columns:
                    table[column] = np.nan
                table.loc[name, column] = value
    names = [
        ("ablation: " if kind == "ablation" else "") + label_name(name)
        for name, kind in zip(table.index, table["kind"], strict=True)
    ]
    n = len(table)
    fig = Figure(figsize=(7, 0.55 * n + 1.9), layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(n)
    h = 0.38
    for metric, offset in zip(_COMPARED, (-h / 2, h / 2), strict=True):
        values = table[metric].astype(float).to_numpy()
        ax.barh(y + offset, values, height=h, color=_COMPARED[metric][1], label=_COMPARED[metric][0])
        ends = values.copy()
        if f"{metric}_lo" in table.columns:
            lo = table[f"{metric}_lo"].astype(float).to_numpy()
            hi = table[f"{metric}_hi"].astype(float).to_numpy()
            ok = np.isfinite(lo) & np.isfinite(hi) & np.isfinite(values)
            if ok.any():
                err = np.vstack([values[ok] - lo[ok], hi[ok] - values[ok]])
                ax.errorbar(values[ok], y[ok] + offset, xerr=err, fmt="none", ecolor="#222222",
                            capsize=2.5, linewidth=1)
                ends[ok] = np.maximum(values[ok], hi[ok])
        # The value sits past the whisker, where there is one, so they do not overlap.
        for yi, v, end in zip(y, values, ends, strict=True):
            if _finite(v):
                ax.text(end + 0.01, yi + offset, f"{v:.2f}", va="center", fontsize=7)
    if "full_model" in table.index:
        ax.axvline(float(table.loc["full_model", "macro_f1"]), color=_COMPARED["macro_f1"][1],
                   linestyle="--", linewidth=1)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.12)
    ax.set_xlabel("F1 on real text (3-fold grouped by outlet)")
    ax.set_title("Baselines" + (" and ablations" if (table["kind"] == "ablation").any() else ""))
    fig.legend(loc="outside lower center", ncols=2, fontsize=8)
    return fig


# ---------------------------------------------------------------- training data and model


def label_distribution_plot(data: pd.DataFrame) -> Figure:
    """Sentences per label, one panel per origin (real and authored apart).

    Parameters
    ----------
    data : DataFrame
        A training table with ``origin`` and ``label`` columns
        (:func:`framing.train.training_data`).

    Returns
    -------
    Figure
        One axes per origin (``real`` first), one bar per label.

    Examples
    --------
    >>> d = pd.DataFrame({"origin": ["real", "authored"], "label": ["reporting", "boilerplate"]})
    >>> len(label_distribution_plot(d).axes)
    2
    """
    order = {"real": 0, "authored": 1}
    origins = sorted(data["origin"].unique(), key=lambda o: (order.get(o, 2), str(o)))
    fig = Figure(figsize=(4.2 * len(origins), 3.4), layout="constrained")
    axes = fig.subplots(1, len(origins), squeeze=False)[0]
    for ax, origin in zip(axes, origins, strict=True):
        counts = data.loc[data["origin"] == origin, "label"].value_counts()
        values = [int(counts.get(lab, 0)) for lab in LABELS]
        total = max(sum(values), 1)
        ax.bar(range(len(LABELS)), values, color=[LABEL_COLORS[lab] for lab in LABELS])
        for i, v in enumerate(values):
            ax.text(i, v, f"{v}\n{v / total:.0%}", ha="center", va="bottom", fontsize=8)
        ax.set_xticks(range(len(LABELS)), [label_name(lab) for lab in LABELS], rotation=30,
                      ha="right")
        ax.set_ylim(0, max(values + [1]) * 1.25)
        n_docs = data.loc[data["origin"] == origin, "doc_id"].nunique() if "doc_id" in data else None
        ax.set_title(f"{origin}: {total} sentences" + (f", {n_docs} articles" if n_docs else ""))
        ax.set_ylabel("sentences")
    return fig


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
    names = np.asarray(model.features_.get_feature_names_out())[model.boilerplate_columns_]
    coef = np.asarray(model.boilerplate_.coef_).ravel()
    rows = []
    for label, order in (("boilerplate", np.argsort(-coef, kind="stable")),
                         ("content", np.argsort(coef, kind="stable"))):
        for j in order[:n]:
            rows.append((label, names[j], feature_text(names[j]), float(coef[j])))
    return pd.DataFrame(rows, columns=["label", "feature", "description", "weight"])


def top_features_plot(features: pd.DataFrame, width: int = 42) -> Figure:
    """Horizontal bars of feature weights, one panel per label.

    Parameters
    ----------
    features : DataFrame
        ``label, description`` (or ``feature``) and ``weight`` rows, as from
        :func:`top_features` or :func:`boilerplate_features`.
    width : int, default 42
        Tick labels are cut to this many characters.

    Returns
    -------
    Figure
        One axes per label (in order of first appearance), one bar per row.

    Examples
    --------
    >>> f = pd.DataFrame({"label": ["reporting", "reporting", "editorialising"],
    ...                   "description": ["a", "b", "c"], "weight": [2.0, 1.0, 3.0]})
    >>> [len(ax.patches) for ax in top_features_plot(f).axes]
    [2, 1]
    """
    labels = list(dict.fromkeys(features["label"]))
    text_col = "description" if "description" in features else "feature"
    n_max = max((int((features["label"] == lab).sum()) for lab in labels), default=1)
    cols = min(2, max(len(labels), 1))
    rows = math.ceil(len(labels) / cols) if labels else 1
    fig = Figure(figsize=(5.6 * cols, 0.28 * n_max * rows + 1.1 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, label in zip(axes, labels, strict=False):
        part = features[features["label"] == label]
        w = part["weight"].astype(float).to_numpy()
        ax.barh(range(len(part)), w, color=LABEL_COLORS.get(label, _MACRO_F1_COLOUR))
        ax.set_yticks(range(len(part)), [_short(t, width) for t in part[text_col]], fontsize=8)
        ax.invert_yaxis()
        ax.axvline(0, color="#444444", linewidth=0.6)
        ax.set_title(label_name(label))
        ax.set_xlabel("weight")
    for ax in axes[len(labels):]:
        fig.delaxes(ax)
    return fig


# ---------------------------------------------------------------- per-source aggregates


def _source_rows(sources: pd.DataFrame, max_sources: int) -> pd.DataFrame:
    if "level" in sources.columns:
        sources = sources[sources["level"] == "source"]
    return sources.sort_values(["articles", "source"], ascending=[False, True],
                               kind="stable").head(max_sources)


def _source_names(rows: pd.DataFrame, width: int = 32) -> list[str]:
    return [f"{_short(s or '(no source)', width)} (n={int(a)})"
            for s, a in zip(rows["source"], rows["articles"], strict=True)]


def source_shares_plot(
    sources: pd.DataFrame, labels: Sequence[str] = CONTENT_LABELS, max_sources: int = 30
) -> Figure:
    """Label shares per source with their 95% bootstrap intervals.

    Parameters
    ----------
    sources : DataFrame
        Per-source aggregates (``Aggregates.sources()`` or ``aggregates.csv``):
        ``source, articles`` and ``share_<label>``, ``share_<label>_lo``,
        ``share_<label>_hi``. Rows with ``level != 'source'`` are ignored.
        Shares exclude boilerplate.
    labels : sequence of str
        Content labels, one panel each.
    max_sources : int, default 30
        Sources with the most articles are shown.

    Returns
    -------
    Figure
        One axes per label, one bar per source; intervals drawn where defined
        (a source with one article has none).

    Examples
    --------
    >>> s = pd.DataFrame({"source": ["A", "B"], "articles": [3, 1],
    ...                   "share_reporting": [0.5, 0.2], "share_reporting_lo": [0.4, None],
    ...                   "share_reporting_hi": [0.6, None]})
    >>> [len(ax.patches) for ax in source_shares_plot(s, labels=["reporting"]).axes]
    [2]
    """
    rows = _source_rows(sources, max_sources)
    y = np.arange(len(rows))
    fig = Figure(figsize=(3.0 * len(labels) + 2.4, 0.32 * len(rows) + 1.6), layout="constrained")
    axes = fig.subplots(1, len(labels), sharey=True, squeeze=False)[0]
    for ax, label in zip(axes, labels, strict=True):
        share = rows[f"share_{label}"].astype(float).to_numpy()
        lo = rows[f"share_{label}_lo"].astype(float).to_numpy()
        hi = rows[f"share_{label}_hi"].astype(float).to_numpy()
        ax.barh(y, np.nan_to_num(share), color=LABEL_COLORS.get(label, _MACRO_F1_COLOUR), height=0.7)
        ok = np.isfinite(lo) & np.isfinite(hi) & np.isfinite(share)
        if ok.any():
            err = np.vstack([share[ok] - lo[ok], hi[ok] - share[ok]]).clip(min=0)
            ax.errorbar(share[ok], y[ok], xerr=err, fmt="none", ecolor="#222222", capsize=2.5,
                        linewidth=1)
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.25, 0.5, 0.75], ["0%", "25%", "50%", "75%"])
        ax.set_title(label_name(label))
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(y, _source_names(rows))
    axes[0].invert_yaxis()
    fig.suptitle("Share of content sentences per source (95% article bootstrap interval)",
                 fontsize=10)
    return fig


def loaded_rates_plot(sources: pd.DataFrame, max_sources: int = 30) -> Figure:
    """Heatmap of lexicon matches per 1,000 words, per source and category.

    Parameters
    ----------
    sources : DataFrame
        Per-source aggregates with ``source, articles`` and ``rate_<category>``
        columns.
    max_sources : int, default 30

    Returns
    -------
    Figure
        The heatmap axes and its colour bar.

    Examples
    --------
    >>> s = pd.DataFrame({"source": ["A", "B"], "articles": [2, 1],
    ...                   "rate_loaded": [3.0, 1.5], "rate_hedges": [0.0, 2.0]})
    >>> loaded_rates_plot(s).axes[0].images[0].get_array().shape
    (2, 2)
    """
    rows = _source_rows(sources, max_sources)
    cats = [c for c in rows.columns if c.startswith("rate_")]
    values = rows[cats].astype(float).to_numpy() if cats else np.zeros((len(rows), 0))
    fig = Figure(figsize=(0.75 * len(cats) + 4.2, 0.4 * len(rows) + 2.2), layout="constrained")
    ax = fig.add_subplot()
    shown = np.ma.masked_invalid(values)
    vmax = float(np.nanmax(values)) if values.size and np.isfinite(values).any() else 1.0
    im = ax.imshow(shown, cmap="OrRd", aspect="auto", vmin=0, vmax=max(vmax, 1e-9))
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = values[i, j]
            ax.text(j, i, f"{v:.1f}" if np.isfinite(v) else "\u2013", ha="center", va="center",
                    fontsize=7, color="white" if np.isfinite(v) and v > 0.6 * vmax else "#222222")
    ax.set_xticks(range(len(cats)), [label_name(c[5:]) for c in cats], rotation=40, ha="right",
                  fontsize=8)
    ax.set_yticks(range(len(rows)), _source_names(rows))
    ax.set_title("Lexicon matches per 1,000 words (content sentences)")
    fig.colorbar(im, ax=ax, shrink=0.8, label="per 1,000 words")
    return fig


# ---------------------------------------------------------------- labeled sentences


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


def highlight_html(sentences: pd.DataFrame, max_sentences: int | None = None) -> str:
    """Articles as HTML with each sentence shaded and underlined by its label, with its initials.

    Hovering a sentence shows its label, probability and evidence. Every
    piece of text is HTML-escaped. Styles are inline, so the snippet renders
    in a notebook without the report's stylesheet.

    Parameters
    ----------
    sentences : DataFrame
        Labeled sentences with ``doc_id``, ``text``, ``label`` and optionally
        ``source``, ``p_<label>`` and ``evidence``; each article's rows in
        order.
    max_sentences : int, optional
        Show at most this many sentences per article.

    Returns
    -------
    str
        A legend and one block per article; show it with
        ``IPython.display.HTML``.

    Examples
    --------
    >>> s = pd.DataFrame({"doc_id": ["a"], "text": ["<b>Hi</b>"], "label": ["reporting"]})
    >>> "&lt;b&gt;Hi&lt;/b&gt;" in highlight_html(s)
    True
    """
    esc = html.escape
    legend = " ".join(_highlight_span(lab, esc(label_name(lab)), "") for lab in LABELS)
    out = [f'<div style="font-size:13px;line-height:1.9">{legend}']
    for doc_id, doc in sentences.groupby("doc_id", sort=False):
        source = str(doc["source"].iloc[0]) if "source" in doc else ""
        shown = doc if max_sentences is None else doc.head(max_sentences)
        spans = []
        for row in shown.to_dict("records"):
            label = row["label"]
            tip = label_name(label)
            if label in CONTENT_LABELS and _finite(row.get(f"p_{label}")):
                tip += f" (p={float(row[f'p_{label}']):.2f})"
            if row.get("evidence"):
                tip += f"\n{row['evidence']}"
            spans.append(_highlight_span(label, esc(str(row["text"])), esc(tip, quote=True)))
        more = len(doc) - len(shown)
        tail = f' <i style="color:#888">\u2026 {more} more sentences</i>' if more > 0 else ""
        out.append(
            '<div style="border:1px solid #ddd;border-radius:4px;padding:6px 10px;margin:8px 0">'
            f"<b>{esc(source or '(no source)')}</b> &middot; <code>{esc(str(doc_id))}</code>"
            f"<p style=\"margin:4px 0\">{' '.join(spans)}{tail}</p></div>"
        )
    out.append("</div>")
    return "".join(out)


def _highlight_span(label: str, text_html: str, tip_html: str) -> str:
    """One sentence styled inline like report.html: tint, underline and an initials chip."""
    st = LABEL_DISPLAY.get(label, LABEL_DISPLAY[BOILERPLATE])
    deco = "none" if st.underline == "none" else f"underline {st.underline} {st.colour} 2px"
    colour = "#595959" if st is LABEL_DISPLAY[BOILERPLATE] else "inherit"
    title = f' title="{tip_html}"' if tip_html else ""
    return (
        f'<span{title} style="background:{st.tint};color:{colour};text-decoration:{deco};'
        f'text-underline-offset:3px;padding:0 2px">{text_html}</span>'
        f'<sup style="font-size:9px;font-weight:bold;border:1px solid {st.colour};background:{st.tint};'
        f'border-radius:3px;padding:0 2px;margin-left:1px">{html.escape(st.initials)}</sup>'
    )


__all__ = [
    "HIGHLIGHT_COLORS",
    "LABEL_COLORS",
    "RUN_NAMES",
    "boilerplate_features",
    "comparison_plot",
    "comparison_table",
    "confusion_plot",
    "headline_table",
    "highlight_html",
    "reliability_table",
    "label_distribution_plot",
    "feature_text",
    "label_name",
    "learning_curve_plot",
    "loaded_rates_plot",
    "per_label_table",
    "reliability_figure",
    "source_shares_plot",
    "top_examples",
    "top_features",
    "top_features_plot",
]
