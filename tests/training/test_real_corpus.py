"""The real corpus (labels/real/): schema, provenance, coverage, passes, adjudication, agreement."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sys

import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from framing.schema import LABELS
from framing.text.sentences import split_spans
from framing.training.corpus import load_corpus

from ..conftest import ROOT

REAL = ROOT / "labels" / "real"
sys.path.insert(0, str(REAL))
from build_real import read_adjudication, read_pass  # noqa: E402

PROVENANCE = ("doc_id", "source", "repo", "commit", "path", "sha1", "origin")


@pytest.fixture(scope="module")
def articles() -> pd.DataFrame:
    return pd.read_csv(REAL / "articles.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def sentences() -> pd.DataFrame:
    return pd.read_csv(REAL / "sentences.csv", dtype={"doc_id": str}, keep_default_na=False)


def test_every_article_has_full_provenance_and_its_text(articles):
    assert len(articles) >= 400 and articles["doc_id"].is_unique
    for col in PROVENANCE:
        assert (articles[col] != "").all(), col
    assert (articles["origin"] == "real").all()
    assert articles["commit"].str.fullmatch(r"[0-9a-f]{40}").all()
    for row in articles.itertuples():
        text = (REAL / "texts" / f"{row.doc_id}.txt").read_text(encoding="utf-8")
        assert hashlib.sha1(text.encode()).hexdigest() == row.sha1, row.doc_id
    # Reserved evaluation sources are never among the paths read.
    reserved = re.compile(r"nbc|abc|huff|dez06dev|dev_set|data_gold|test_data|tass-scraper", re.I)
    assert not articles["path"].str.contains(reserved).any()


def test_corpus_size_and_outlets(articles, sentences):
    assert len(sentences) >= 8000
    assert articles["source"].nunique() >= 10


def test_sentences_are_the_segmenters_with_offsets_and_valid_labels(articles, sentences):
    assert set(sentences["label"]) <= set(LABELS)
    assert (sentences["origin"] == "real").all()
    by_doc = dict(tuple(sentences.groupby("doc_id")))
    for doc_id in articles["doc_id"]:
        text = (REAL / "texts" / f"{doc_id}.txt").read_text(encoding="utf-8")
        rows = by_doc[doc_id].sort_values("sent_idx")
        assert list(zip(rows["start"], rows["end"], strict=True)) == split_spans(text), doc_id
        assert all(text[a:b] == t for a, b, t in zip(rows["start"], rows["end"], rows["text"], strict=True))


def test_pass_one_covers_every_sentence_and_disagreements_are_adjudicated(sentences):
    p1, p2, adj = read_pass(REAL / "annotation" / "pass1"), read_pass(REAL / "annotation" / "pass2"), read_adjudication()
    ids = set(sentences["doc_id"] + ":" + sentences["sent_idx"].astype(str))
    assert set(p1) == ids
    assert set(p2) <= ids and len(p2) >= 2500
    disagreements = {s for s in p2 if p2[s]["label"] != p1[s]["label"]}
    assert disagreements == set(adj)
    gold = dict(zip(sentences["doc_id"] + ":" + sentences["sent_idx"].astype(str), sentences["label"], strict=True))
    for sid, row in adj.items():
        assert row["gold"] in LABELS and row["reason"].strip()
        assert row["pass1"] == p1[sid]["label"] and row["pass2"] == p2[sid]["label"]
        assert gold[sid] == row["gold"]
    for sid in set(p1) - disagreements:
        assert gold[sid] == p1[sid]["label"]


def test_second_pass_covers_every_outlet(articles):
    p2 = read_pass(REAL / "annotation" / "pass2")
    docs = {s.rsplit(":", 1)[0] for s in p2}
    assert set(articles["source"]) == set(articles.loc[articles["doc_id"].isin(docs), "source"])


def test_agreement_file_is_recomputed_from_the_passes():
    p1, p2 = read_pass(REAL / "annotation" / "pass1"), read_pass(REAL / "annotation" / "pass2")
    ids = sorted(p2)
    kappa = cohen_kappa_score([p1[s]["label"] for s in ids], [p2[s]["label"] for s in ids])
    report = json.loads((REAL / "agreement.json").read_text())
    assert report["sentences"] == len(ids)
    assert abs(report["kappa"] - kappa) < 0.001
    assert report["unresolved_disagreements"] == 0
    readme = (ROOT / "labels" / "README.md").read_text(encoding="utf-8")
    assert f"Cohen's kappa {report['kappa']}" in readme


def test_real_corpus_enters_the_training_table_as_real():
    corpus = load_corpus()
    real = corpus[corpus["origin"] == "real"]
    assert real["source"].nunique() >= 14
    with open(REAL / "articles.csv", encoding="utf-8", newline="") as fh:
        assert {r["doc_id"] for r in csv.DictReader(fh)} <= set(real["doc_id"])
