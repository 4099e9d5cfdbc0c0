"""framing.report.plots: each figure builds and renders from small real inputs."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from framing.aggregate.accumulator import aggregate_summaries
from framing.aggregate.summaries import summarise
from framing.report import plots
from framing.schema import CONTENT_LABELS, LABEL_DISPLAY, LABELS

from ..conftest import ROOT


def _render(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=40)
    return buf.getvalue()


@pytest.fixture(scope="module")
def gold() -> pd.DataFrame:
    """The real seed sentences with their gold labels, sources and dates."""
    read = {"dtype": {"doc_id": str}, "keep_default_na": False}
    sents = pd.read_csv(ROOT / "labels" / "sentences.csv", **read)
    docs = pd.read_csv(ROOT / "labels" / "documents.csv", **read)[["doc_id", "source", "published"]]
    return sents.merge(docs, on="doc_id", how="left", validate="many_to_one")


@pytest.fixture(scope="module")
def metrics() -> dict:
    matrix = np.arange(25).reshape(5, 5).tolist()
    brief = {"macro_f1": 0.7, "boilerplate_f1": 0.9, "f1": dict.fromkeys(CONTENT_LABELS, 0.7)}
    return {
        "real_looo": {
            "n": 300,
            "n_content": 230,
            "macro_f1": 0.76,
            "macro_f1_ci": [0.6, 0.82],
            "boilerplate_f1": 0.93,
            "accuracy": 0.85,
            "per_source_share_mae": 4.5,
            "per_label": {
                label: {"precision": 0.8, "recall": 0.7, "f1": 0.75, "support": 10}
                for label in CONTENT_LABELS
            },
            "confusion": {"labels": list(LABELS), "matrix": matrix},
        },
        "baselines": {"majority": {**brief, "macro_f1": 0.19}, "lexicon_rules": brief, "full_model": brief},
        "ablations": {"without_lexicon": brief},
        "learning_curve": [
            {"fraction": f, "real_articles": a, "real_sentences": 18 * a, "macro_f1": m,
             "boilerplate_f1": 0.9}
            for f, a, m in ((0.0, 0, 0.55), (0.5, 125, 0.7), (1.0, 250, 0.76))
        ],
    }


@pytest.fixture(scope="module")
def sources(gold) -> pd.DataFrame:
    """Per-source gold-label aggregates of the seed articles, The Sun's two repeated to six.

    Intervals need MIN_ARTICLES (5) articles: The Sun gets one, the others none.
    """
    sun = gold[gold["source"] == "The Sun"]
    copies = [sun.assign(doc_id=sun["doc_id"] + f"-copy{k}") for k in range(2)]
    return aggregate_summaries([summarise(pd.concat([gold, *copies], ignore_index=True))], bootstrap=50, seed=0).sources()


def test_confusion_plot(metrics):
    fig = plots.confusion_plot(metrics)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2  # heatmap and colour bar
    heat = fig.axes[0]
    assert heat.images[0].get_array().shape == (5, 5)
    assert len(heat.texts) == 25
    assert "n=300" in heat.get_title()
    # Rows are normalised: the colour of each row sums to 1.
    np.testing.assert_allclose(heat.images[0].get_array().sum(axis=1)[1:], 1.0)
    raw = plots.confusion_plot(metrics["real_looo"], normalise=False)
    assert raw.axes[0].images[0].get_array().max() == 24
    _render(fig)


def test_confusion_plot_all_zero_row():
    fig = plots.confusion_plot({"confusion": {"labels": ["a", "b"], "matrix": [[0, 0], [1, 3]]}})
    assert np.isfinite(fig.axes[0].images[0].get_array()).all()


def test_learning_curve_plot(metrics):
    fig = plots.learning_curve_plot(metrics)
    ax = fig.axes[0]
    assert len(fig.axes) == 1
    assert len(ax.lines) == 2
    assert list(ax.lines[0].get_xdata()) == [0, 125, 250]  # real training articles
    assert list(ax.lines[0].get_ydata()) == [0.55, 0.7, 0.76]
    _render(fig)


def test_comparison_plot_with_and_without_ablations(metrics):
    fig = plots.comparison_plot(metrics)
    ax = fig.axes[0]
    assert len(ax.patches) == 2 * 4  # three baselines and one ablation, two bars each
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == "ablation: without lexicon"
    assert "ablations" in ax.get_title()
    fast = {k: v for k, v in metrics.items() if k != "ablations"}
    assert len(plots.comparison_plot(fast).axes[0].patches) == 2 * 3
    _render(fig)


def test_comparison_plot_draws_intervals(metrics):
    with_ci = {**metrics, "baselines": {**metrics["baselines"],
               "full_model": {**metrics["baselines"]["full_model"], "macro_f1_ci": [0.6, 0.8]}}}
    ax = plots.comparison_plot(with_ci).axes[0]
    bars = [c for c in ax.containers if c.__class__.__name__ == "BarContainer"]
    errors = [c for c in ax.containers if c.__class__.__name__ == "ErrorbarContainer"]
    assert len(bars) == 2 and len(errors) == 1
    # One whisker, on the full model's macro-F1 bar (third row), from 0.6 to 0.8.
    (segment,) = errors[0].lines[2][0].get_segments()
    np.testing.assert_allclose(segment[:, 0], [0.6, 0.8])
    assert segment[0, 1] == pytest.approx(2 - 0.19)
    # Given intervals override and add: two whiskers now, none without any.
    given = {"majority": {"macro_f1": (0.1, 0.3), "boilerplate_f1": (0.8, 0.95)}}
    ax = plots.comparison_plot(with_ci, intervals=given).axes[0]
    errors = [c for c in ax.containers if c.__class__.__name__ == "ErrorbarContainer"]
    assert sorted(len(e.lines[2][0].get_segments()) for e in errors) == [1, 2]
    assert not [c for c in plots.comparison_plot(metrics).axes[0].containers
                if c.__class__.__name__ == "ErrorbarContainer"]
    with pytest.raises(ValueError, match="not a baseline"):
        plots.comparison_plot(metrics, intervals={"nope": {"macro_f1": (0, 1)}})
    _render(plots.comparison_plot(with_ci, intervals=given))


def test_reliability_figure_from_model_probabilities(model, gold):
    content = gold[gold["label"] != "boilerplate"].reset_index(drop=True)
    proba = model.predict_proba(content)
    classes = list(model.classes_)
    cols = [classes.index(lab) for lab in CONTENT_LABELS]
    # The content probabilities, renormalised to sum to one over the four labels.
    p = proba[:, cols] / proba[:, cols].sum(axis=1, keepdims=True)
    table = plots.reliability_table(content["label"], p, CONTENT_LABELS, bins=5)
    for label, part in table.groupby("label"):
        assert part["n"].sum() == len(content)
        in_bin = part["mean_p"].between(part["bin_lo"], part["bin_hi"])
        assert in_bin.all() and part["observed"].between(0, 1).all()
        # Observed frequency times count is the number of gold sentences of the label.
        assert round((part["observed"] * part["n"]).sum()) == (content["label"] == label).sum()
    fig = plots.reliability_figure(content["label"], p, CONTENT_LABELS, bins=5)
    assert len(fig.axes) == 4
    for ax, label in zip(fig.axes, CONTENT_LABELS, strict=True):
        part = table[table["label"] == label]
        assert ax.get_title().startswith(f"{LABEL_DISPLAY[label].name} (n={len(content)}, ECE ")
        assert ax.get_xlabel() == "predicted probability" and ax.get_ylabel() == "observed frequency"
        curve = ax.lines[1]
        np.testing.assert_allclose(curve.get_ydata(), part["observed"])
        assert [t.get_text() for t in ax.texts] == [str(int(n)) for n in part["n"]]
        assert len(ax.patches) == len(part)  # count bars
    with pytest.raises(ValueError, match="shape"):
        plots.reliability_table(content["label"], p[:, :3], CONTENT_LABELS)
    _render(fig)


def test_label_colours_come_from_the_schema():
    assert plots.LABEL_COLORS == {lab: st.colour for lab, st in LABEL_DISPLAY.items()}
    assert plots.HIGHLIGHT_COLORS == {lab: st.tint for lab, st in LABEL_DISPLAY.items()}
    assert plots.label_name("official_claim") == LABEL_DISPLAY["official_claim"].name
    s = pd.DataFrame({"doc_id": ["a", "a"], "text": ["x", "y"], "label": ["propaganda_echo", "reporting"]})
    page = plots.highlight_html(s)
    st = LABEL_DISPLAY["propaganda_echo"]
    assert f"background:{st.tint}" in page and f"underline wavy {st.colour}" in page
    assert f">{st.initials}</sup>" in page


def test_tables(metrics):
    head = plots.headline_table(metrics, ("real_looo", "real_by_article"))
    assert head.index.tolist() == ["real_looo"]  # absent runs are skipped
    assert head.loc["real_looo", "macro_f1_lo"] == 0.6
    assert plots.headline_table(metrics, ("authored_cv",)).empty
    per_label = plots.per_label_table(metrics)
    assert per_label.index.tolist() == list(CONTENT_LABELS)
    assert per_label.columns.tolist() == ["precision", "recall", "f1", "support"]
    comp = plots.comparison_table(metrics)
    assert comp["kind"].tolist() == ["baseline", "baseline", "model", "ablation"]


def test_label_distribution_plot(gold):
    data = pd.concat([gold, gold.assign(origin="authored", doc_id=gold["doc_id"] + "x")])
    fig = plots.label_distribution_plot(data)
    assert [ax.get_title().split(":")[0] for ax in fig.axes] == ["real", "authored"]
    assert all(len(ax.patches) == len(LABELS) for ax in fig.axes)
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert sum(heights) == len(gold)
    _render(fig)


def test_source_shares_plot(sources):
    assert sources.loc[sources["source"] == "The Sun", "articles"].item() == 6
    fig = plots.source_shares_plot(sources)
    assert len(fig.axes) == len(CONTENT_LABELS)
    n = len(sources)
    assert all(len(ax.patches) == n for ax in fig.axes)
    # Only the source with five or more articles has an interval: one error bar per panel.
    for ax in fig.axes:
        assert len(ax.containers) == 2  # bars, then error bars
        assert len(ax.containers[1].lines[2][0].get_segments()) == 1
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks[0] == "The Sun (n=6)"
    _render(fig)


def test_source_shares_plot_ignores_month_rows(gold):
    table = aggregate_summaries([summarise(gold)], bootstrap=20).table
    assert (table["level"] == "month").any()
    fig = plots.source_shares_plot(table, labels=["reporting"])
    assert len(fig.axes[0].patches) == (table["level"] == "source").sum()


def test_loaded_rates_plot(sources):
    fig = plots.loaded_rates_plot(sources)
    cats = [c for c in sources.columns if c.startswith("rate_")]
    assert len(fig.axes) == 2
    assert fig.axes[0].images[0].get_array().shape == (len(sources), len(cats))
    _render(fig)


def test_top_features_and_plot(model):
    top = plots.top_features(model, n=5)
    assert top.columns.tolist() == ["label", "feature", "description", "weight"]
    assert top["label"].drop_duplicates().tolist() == list(CONTENT_LABELS)
    assert (top.groupby("label")["weight"].apply(lambda w: w.is_monotonic_decreasing)).all()
    assert not top["description"].str.contains("__").any()
    fig = plots.top_features_plot(top)
    assert len(fig.axes) == 4
    assert all(len(ax.patches) == 5 for ax in fig.axes)
    _render(fig)


def test_boilerplate_features_and_plot(model):
    bp = plots.boilerplate_features(model, n=4)
    assert bp["label"].tolist() == ["boilerplate"] * 4 + ["content"] * 4
    assert (bp.loc[bp["label"] == "boilerplate", "weight"] > 0).all()
    assert (bp.loc[bp["label"] == "content", "weight"] < 0).all()
    fig = plots.top_features_plot(bp)
    assert [len(ax.patches) for ax in fig.axes] == [4, 4]
    # Every gate input has a name, the sentence vector's included.
    every = plots.boilerplate_features(model, n=model.boilerplate_.coef_.shape[1])
    assert every["feature"].str.startswith("semantic__dim_").sum() == 2 * 128


def test_top_features_plot_odd_number_of_labels():
    f = pd.DataFrame({"label": ["a", "b", "c"], "description": ["x", "y", "z"], "weight": [1.0, -1.0, 2.0]})
    fig = plots.top_features_plot(f)
    assert len(fig.axes) == 3  # the empty fourth panel is removed


def test_feature_text():
    assert plots.feature_text("lexicon__lex_out__loaded") == "loaded term in the writer's voice"
    assert plots.feature_text("boilerplate__bp__short") == "very short line"
    assert plots.feature_text("boilerplate__bp__made_up") == "boilerplate cue: made up"
    neighbour = plots.feature_text("neighbours__prev_p_official_claim")
    assert "official claim" in neighbour and "_" not in neighbour


def test_top_examples_and_highlight(gold):
    labeled = gold.copy()
    for label in CONTENT_LABELS:
        labeled[f"p_{label}"] = np.where(labeled["label"] == label, 0.9, 0.03)
    labeled["evidence"] = "a <cue>"
    ex = plots.top_examples(labeled, n=2)
    assert ex["label"].tolist() == [lab for lab in CONTENT_LABELS for _ in range(2)]
    page = plots.highlight_html(labeled, max_sentences=3)
    assert page.count("<code>") == labeled["doc_id"].nunique()
    assert "a &lt;cue&gt;" in page and "<cue>" not in page
    assert "more sentences" in page


def test_no_pyplot_import():
    code = "import sys, framing.report.plots; sys.exit('matplotlib.pyplot' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
