"""Evaluation helpers (issue 5): scores, intervals, baselines, share error."""

from __future__ import annotations

import numpy as np
import pandas as pd

from framing.training.corpus import load_corpus
from framing.training.evaluate import (
    bootstrap_macro_f1,
    held_out_groups,
    held_out_predictions,
    lexicon_rules_baseline,
    majority_baseline,
    outlet_folds,
    per_outlet,
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


def test_leave_one_outlet_out_never_trains_on_the_test_outlet():
    seen = []

    def spy(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
        assert not set(train.loc[train["origin"] == "real", "source"]) & set(test["source"])
        assert not set(train["doc_id"]) & set(test["doc_id"])
        seen.append(test["source"].iloc[0])
        return majority_baseline(train, test)

    data = load_corpus()
    real = data[data["origin"] == "real"]
    out = held_out_groups(data, spy, [[o] for o in sorted(real["source"].unique())])
    assert sorted(seen) == sorted(real["source"].unique())
    assert len(out) == len(real) and (out["origin"] == "real").all()


def test_outlet_folds_partition_the_outlets_and_balance_sizes():
    real = load_corpus().query("origin == 'real'")
    folds = outlet_folds(real, 4)
    flat = [o for f in folds for o in f]
    assert sorted(flat) == sorted(real["source"].unique()) and len(flat) == len(set(flat))
    sizes = [int(real["source"].isin(f).sum()) for f in folds]
    assert max(sizes) < 2 * min(sizes)


def test_per_outlet_scores_every_outlet_with_an_interval():
    p = pd.DataFrame(
        {
            "source": ["A"] * 4 + ["B"] * 4,
            "doc_id": ["a1", "a1", "a2", "a2", "b1", "b1", "b2", "b2"],
            "label": ["reporting", "official_claim"] * 4,
            "pred": ["reporting", "official_claim"] * 2 + ["reporting"] * 4,
        }
    )
    out = per_outlet(p, n_boot=50, seed=0)
    assert set(out) == {"A", "B"}
    assert out["A"]["macro_f1"] > out["B"]["macro_f1"]
    lo, hi = out["B"]["macro_f1_ci"]
    assert lo <= out["B"]["macro_f1"] <= hi
