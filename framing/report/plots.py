"""Figures for the notebooks (matplotlib, no pyplot), and the notebooks' one namespace.

Every ``*_plot`` function takes plain data (a metrics dict from
:func:`framing.training.evaluate.run_evaluation`, a per-source aggregates frame from
:mod:`framing.aggregate.accumulator`, a training table or a feature-weight frame) and
returns a :class:`matplotlib.figure.Figure`. Figures are built with the
object-oriented API, never through ``pyplot``, so they work under any backend
(Agg included), hold no global state and are freed when dropped. In a
notebook, a figure left as a cell's last value is shown inline.

Label names and colours come from :data:`framing.schema.LABEL_DISPLAY`, as in
``report.html``. The notebooks reach everything as ``plots.<name>``: the
display tables (:mod:`framing.report.display_tables`), the sentence
highlighter (:mod:`framing.report.highlight`) and the reliability figure
(:mod:`framing.report.calibration`) are imported here for them.

Examples
--------
>>> m = {"real_looo": {"confusion": {"labels": ["reporting", "official_claim"],
...                                  "matrix": [[5, 1], [2, 7]]}}}
>>> confusion_plot(m).axes[0].get_title()
'real_looo: leave-one-outlet-out (n=15)'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from framing.report.calibration import reliability_figure, reliability_table
from framing.report.display_tables import (
    COMPARED_METRICS,
    MACRO_F1_COLOUR,
    RUN_NAMES,
    boilerplate_features,
    comparison_table,
    feature_text,
    finite,
    headline_table,
    label_name,
    per_label_table,
    short,
    top_examples,
    top_features,
)
from framing.report.highlight import highlight_html
from framing.schema import BOILERPLATE, CONTENT_LABELS, LABEL_DISPLAY, LABELS

# Views of framing.schema.LABEL_DISPLAY, kept under their old names for notebooks.
LABEL_COLORS: dict[str, str] = {lab: st.colour for lab, st in LABEL_DISPLAY.items()}
"""Bar colour of each label (as in ``report.html``; from :data:`framing.schema.LABEL_DISPLAY`)."""


HIGHLIGHT_COLORS: dict[str, str] = {lab: st.tint for lab, st in LABEL_DISPLAY.items()}
"""Background of a highlighted sentence of each label (as in ``report.html``)."""


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
    ax.plot(x, [p["macro_f1"] for p in points], marker="o", color=MACRO_F1_COLOUR,
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
    for metric, offset in zip(COMPARED_METRICS, (-h / 2, h / 2), strict=True):
        values = table[metric].astype(float).to_numpy()
        ax.barh(y + offset, values, height=h, color=COMPARED_METRICS[metric][1], label=COMPARED_METRICS[metric][0])
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
            if finite(v):
                ax.text(end + 0.01, yi + offset, f"{v:.2f}", va="center", fontsize=7)
    if "full_model" in table.index:
        ax.axvline(float(table.loc["full_model", "macro_f1"]), color=COMPARED_METRICS["macro_f1"][1],
                   linestyle="--", linewidth=1)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.12)
    ax.set_xlabel("F1 on real text (3-fold grouped by outlet)")
    ax.set_title("Baselines" + (" and ablations" if (table["kind"] == "ablation").any() else ""))
    fig.legend(loc="outside lower center", ncols=2, fontsize=8)
    return fig


def label_distribution_plot(data: pd.DataFrame) -> Figure:
    """Sentences per label, one panel per origin (real and authored apart).

    Parameters
    ----------
    data : DataFrame
        A training table with ``origin`` and ``label`` columns
        (:func:`framing.training.train.training_data`).

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
        ax.barh(range(len(part)), w, color=LABEL_COLORS.get(label, MACRO_F1_COLOUR))
        ax.set_yticks(range(len(part)), [short(t, width) for t in part[text_col]], fontsize=8)
        ax.invert_yaxis()
        ax.axvline(0, color="#444444", linewidth=0.6)
        ax.set_title(label_name(label))
        ax.set_xlabel("weight")
    for ax in axes[len(labels):]:
        fig.delaxes(ax)
    return fig


def _source_rows(sources: pd.DataFrame, max_sources: int) -> pd.DataFrame:
    if "level" in sources.columns:
        sources = sources[sources["level"] == "source"]
    return sources.sort_values(["articles", "source"], ascending=[False, True],
                               kind="stable").head(max_sources)


def _source_names(rows: pd.DataFrame, width: int = 32) -> list[str]:
    return [f"{short(s or '(no source)', width)} (n={int(a)})"
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
        ax.barh(y, np.nan_to_num(share), color=LABEL_COLORS.get(label, MACRO_F1_COLOUR), height=0.7)
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
