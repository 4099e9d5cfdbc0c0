"""Evaluation helpers (issue 5): folds, baselines, pooled runs (scores are in test_scores.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from framing.training.corpus import load_corpus
from framing.training.evaluate import (
    fold_pairs,
    held_out_groups,
    held_out_predictions,
    lexicon_rules_baseline,
    majority_baseline,
    outlet_folds,
    run_pooled,
)


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




def test_pooled_runs_equal_the_runs_made_one_by_one():
    data = load_corpus()
    folds = outlet_folds(data[data["origin"] == "real"], 3)
    pairs = fold_pairs(data, folds)
    pooled = run_pooled({"majority": (majority_baseline, pairs), "rules": (lexicon_rules_baseline, pairs[:2])}, n_jobs=2)
    alone = held_out_groups(data, lexicon_rules_baseline, folds[:2])
    assert pooled["rules"].equals(alone)
    assert pooled["majority"].equals(held_out_groups(data, majority_baseline, folds))
