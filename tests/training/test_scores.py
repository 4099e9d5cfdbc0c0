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


def _plain_resampled_macro_f1(y, pred, groups, n_boot, seed):
    # The reference: sklearn's f1_score on each resample's rows.
    from sklearn.metrics import f1_score

    from framing.schema import CONTENT_LABELS

    y, pred, groups = (np.asarray(a, dtype=object) for a in (y, pred, groups))
    uniq = np.unique(groups)
    index = {g: np.flatnonzero(groups == g) for g in uniq}
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(n_boot):
        pick = np.concatenate([index[g] for g in rng.choice(uniq, size=len(uniq), replace=True)])
        values.append(f1_score(y[pick], pred[pick], labels=list(CONTENT_LABELS), average="macro", zero_division=0))
    return np.array(values)


def test_resampled_macro_f1_equals_f1_score_on_each_resample():
    from framing.training.scores import resampled_macro_f1

    rng = np.random.default_rng(3)
    content = np.array(["reporting", "official_claim", "editorialising", "propaganda_echo"])
    gold = rng.choice(content, 600, p=[0.3, 0.5, 0.15, 0.05])
    # Predictions include boilerplate (a miss) and a label absent from gold.
    pred = np.where(rng.random(600) < 0.6, gold, rng.choice([*content, "boilerplate"], 600))
    groups = rng.choice([f"doc{i}" for i in range(40)], 600)
    fast = resampled_macro_f1(gold, [pred, gold], groups, 60, 7)
    assert np.allclose(fast[:, 0], _plain_resampled_macro_f1(gold, pred, groups, 60, 7))
    assert np.allclose(fast[:, 1], 1.0)
    few = np.array(["reporting"] * 6)
    assert np.allclose(resampled_macro_f1(few, [few], list("aabbcc"), 5, 0), 0.25)
