"""framing train: bundled data, a user's own labels, the model card (issue 4)."""

from __future__ import annotations

import json

import pandas as pd

from framing.model.persist import load_model
from framing.training.train import data_hash, train, training_data


def _user_labels(path, seeds) -> None:
    rows = seeds[seeds["doc_id"].isin(sorted(seeds["doc_id"].unique())[:3])]
    rows[["doc_id", "sent_idx", "text", "label"]].to_csv(path, index=False)


def test_train_on_user_labels_alone_writes_model_and_card(tmp_path):
    from framing.training.corpus import load_seed_sentences

    labels = tmp_path / "mine.csv"
    _user_labels(labels, load_seed_sentences())
    model, path = train(labels, include_bundled=False, out=tmp_path / "mine.joblib", cv=2)
    card = json.loads((tmp_path / "mine.card.json").read_text())
    assert card["rows"] == len(pd.read_csv(labels))
    assert set(card["label_distribution"]) == {"user"}
    assert (tmp_path / "mine.card.md").read_text().startswith("# Model card: mine.joblib")
    reloaded = load_model(path, trust=True)
    assert reloaded.classes_.tolist() == model.classes_.tolist()


def test_user_labels_are_added_to_bundled(tmp_path):
    from framing.training.corpus import load_seed_sentences

    seeds = load_seed_sentences()
    labels = tmp_path / "mine.csv"
    _user_labels(labels, seeds)
    mine = pd.read_csv(labels)
    # The user relabels one sentence of an article the bundled corpus also holds.
    i = int(mine.index[mine["label"] == "reporting"][0])
    mine.loc[i, "label"] = "editorialising"
    mine.to_csv(labels, index=False)
    both = training_data(labels)
    bundled = training_data()
    assert set(both["origin"]) == {"real", "authored", "user"}
    # The user's copy replaces the bundled one: no article is in twice.
    assert len(both) == len(bundled)
    assert both.loc[both["text"] == mine.loc[i, "text"], "label"].tolist() == ["editorialising"]
    assert data_hash(both) != data_hash(bundled)


def test_skops_model_file_loads_without_trust(tmp_path):
    from framing.training.corpus import load_seed_sentences

    labels = tmp_path / "mine.csv"
    _user_labels(labels, load_seed_sentences())
    model, path = train(labels, include_bundled=False, out=tmp_path / "mine.skops", cv=2)
    reloaded = load_model(path)
    table = load_seed_sentences().head(20)[["doc_id", "text"]]
    assert (reloaded.predict(table) == model.predict(table)).all()
