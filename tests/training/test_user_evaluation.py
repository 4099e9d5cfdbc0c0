"""Evaluating on a user's own labels: the bundled model as it is, a given split, or leave-one-outlet-out."""

from __future__ import annotations

import json

import pytest

from framing.cli import main
from framing.training.corpus import load_seed_sentences
from framing.training.user_evaluation import evaluate_labels


@pytest.fixture(scope="module")
def mine(tmp_path_factory):
    seeds = load_seed_sentences()
    path = tmp_path_factory.mktemp("labels") / "mine.csv"
    seeds = seeds.assign(split=["test" if d.startswith("002") else "train" for d in seeds["doc_id"]])
    seeds[["doc_id", "sent_idx", "source", "text", "label", "split"]].to_csv(path, index=False)
    return path


def test_cli_scores_the_bundled_model_per_outlet(mine, tmp_path, capsys):
    assert main(["evaluate", "--labels", str(mine), "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "macro-F1" in printed and "The Sun" in printed
    result = json.loads((tmp_path / "user_metrics.json").read_text())
    assert set(result["per_outlet"]) == {"The Sun", "Sky News", "LBC", "Daily Mirror"}
    assert 0 <= result["pooled"]["macro_f1"] <= 1 and result["sentences"] == 285


def test_split_trains_on_train_rows_and_scores_test_rows(mine):
    # Leave-one-outlet-out runs the same held-out machinery as framing's own
    # evaluation (tests/training/test_evaluate.py); on five articles it cannot calibrate.
    split = evaluate_labels(mine, scheme="split", include_bundled=False, n_boot=20)
    assert split["articles"] == 1 and set(split["per_outlet"]) == {"LBC"}


def test_bad_scheme_and_missing_split_column(mine, tmp_path):
    with pytest.raises(ValueError, match="scheme"):
        evaluate_labels(mine, scheme="magic")
    bare = tmp_path / "bare.csv"
    bare.write_text("doc_id,sent_idx,text,label,source\na,0,Putin spoke.,official_claim,X\n", encoding="utf-8")
    with pytest.raises(ValueError, match="split"):
        evaluate_labels(bare, scheme="split")


def test_own_labels_copied_from_the_bundled_corpus_neither_clash_nor_leak():
    import pandas as pd

    from framing.training.corpus import load_corpus, with_bundled

    bundled = load_corpus()
    ids = bundled["doc_id"].unique()
    copied = bundled[bundled["doc_id"] == ids[0]]  # an article the user labeled too
    own = pd.DataFrame({"doc_id": ids[1], "sent_idx": [0], "text": ["My own sentence, not in the bundled corpus."],
                        "label": ["reporting"], "source": ["Mine"], "origin": ["user"], "style": [""]})
    mine = pd.concat([copied, own], ignore_index=True)
    rest = with_bundled(mine, bundled).iloc[len(mine):]
    # No content sentence of the user's article stays in the bundled rest. Page
    # furniture ("Read our live blog ...") may: it repeats across a site's
    # articles and identifies none of them.
    content = copied[(copied["text"].str.len() >= 40) & (copied["label"] != "boilerplate")]
    assert not rest["text"].isin(set(content["text"])).any()
    assert not set(rest["doc_id"]) & set(mine["doc_id"])  # ids[1] is the user's article alone
    # The bundled article whose id the user reused is kept, under a prefix.
    assert f"bundled:{ids[1]}" in set(rest["doc_id"])
    assert rest["doc_id"].nunique() >= 0.99 * (len(ids) - 1)
