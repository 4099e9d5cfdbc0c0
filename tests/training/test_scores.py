"""Scores of held-out predictions: macro-F1, intervals, share error, per outlet."""

from __future__ import annotations

import numpy as np
import pandas as pd

from framing.training.scores import bootstrap_macro_f1, per_outlet, scores, share_mae


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


def test_share_mae_in_points():
    p = pd.DataFrame({"source": ["A"] * 4, "label": ["reporting"] * 2 + ["official_claim"] * 2, "pred": ["reporting"] * 4})
    assert share_mae(p) == 25.0


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
