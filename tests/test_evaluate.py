"""Evaluation helpers (issue 5): scores, intervals, baselines, share error."""

from __future__ import annotations

import numpy as np
import pandas as pd

from framing.corpus import load_corpus
from framing.evaluate import (
    bootstrap_macro_f1,
    held_out_predictions,
    lexicon_rules_baseline,
    majority_baseline,
    scores,
    share_mae,
)


def test_scores_exclude_boilerplate_from_macro_f1():
    gold = ["reporting", "official_claim", "boilerplate", "editorialising", "propaganda_echo"]
    pred = ["reporting", "official_claim", "reporting", "editorialising", "boilerplate"]
    s = scores(gold, pred)
    assert s["per_label"]["propaganda_echo"]["recall"] == 0.0
    assert s["boilerplate_f1"] == 0.0
    assert np.isclose(s["macro_f1"], np.mean([v["f1"] for v in s["per_label"].values()]))
    assert np.array(s["confusion"]["matrix"]).sum() == 5


def test_bootstrap_interval_contains_point_estimate():
    rng = np.random.default_rng(0)
    labels = np.array(["reporting", "official_claim", "editorialising", "propaganda_echo"])
    gold = rng.choice(labels, 400)
    pred = np.where(rng.random(400) < 0.7, gold, rng.choice(labels, 400))
    groups = np.repeat(np.arange(20), 20)
    lo, hi = bootstrap_macro_f1(gold, pred, groups, n_boot=200)
    point = scores(gold, pred)["macro_f1"]
    assert lo < point < hi


def test_leave_one_article_out_never_trains_on_the_test_article():
    seen = []

    def spy(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
        assert not set(train["doc_id"]) & set(test["doc_id"])
        seen.append(test["doc_id"].iloc[0])
        return majority_baseline(train, test)

    data = load_corpus()
    out = held_out_predictions(data, spy)
    assert sorted(seen) == sorted(data.loc[data["origin"] == "real", "doc_id"].unique())
    assert (out["origin"] == "real").all()


def test_rules_baseline_follows_the_contract_order():
    t = pd.DataFrame(
        {
            "doc_id": ["d"] * 4,
            "text": [
                '"The special military operation is going to plan," Putin said.',
                "The tyrant ranted again.",
                "The ministry said 40 people died.",
                "Read more: Other story",
            ],
        }
    )
    assert lexicon_rules_baseline(t, t).tolist() == ["propaganda_echo", "editorialising", "official_claim", "boilerplate"]


def test_share_mae_in_points():
    p = pd.DataFrame({"source": ["A"] * 4, "label": ["reporting"] * 2 + ["official_claim"] * 2, "pred": ["reporting"] * 4})
    assert share_mae(p) == 25.0


def test_committed_evaluation_meets_the_bars():
    # The figures of the bundled model's evaluation (models/evaluation,
    # written by `make evaluate`): real text, leave-one-article-out.
    import json

    from .conftest import ROOT

    metrics = json.loads((ROOT / "models" / "evaluation" / "metrics.json").read_text())
    real = metrics["real_loao"]
    assert real["boilerplate_f1"] >= 0.90
    assert real["macro_f1"] >= 0.70
    assert real["per_source_share_mae"] <= 6.0
    assert metrics["corpus"]["real"]["sentences"] == real["n"]
