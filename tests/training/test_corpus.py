"""The gold data files in labels/ (issue 3): schema, coverage, agreement, authored rules."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.metrics import cohen_kappa_score

from framing.schema import BOILERPLATE, CONTENT_LABELS, LABELS
from framing.training.corpus import (
    load_authored_sentences,
    load_corpus,
    load_documents,
    load_seed_sentences,
    load_user_labels,
)

from ..conftest import ROOT

LABELS_DIR = ROOT / "labels"
TOKEN = re.compile(r"\w+")


@pytest.fixture(scope="module")
def documents() -> pd.DataFrame:
    return load_documents()


@pytest.fixture(scope="module")
def seeds() -> pd.DataFrame:
    return load_seed_sentences()


@pytest.fixture(scope="module")
def authored() -> pd.DataFrame:
    return load_authored_sentences()


def test_documents_schema_and_unique_ids(documents):
    assert list(documents.columns) == ["doc_id", "source", "published", "origin", "style", "topic", "file"]
    assert documents["doc_id"].is_unique
    assert set(documents["origin"]) == {"real", "authored"}
    assert (documents["source"].str.len() > 0).all()


def test_seed_documents_match_manifest(documents, seed_manifest):
    real = documents[documents["file"].str.startswith("seeds/")].set_index("doc_id")
    assert (real["origin"] == "real").all()
    assert sorted(real.index) == sorted(seed_manifest["doc_id"])
    for row in seed_manifest.itertuples():
        assert real.loc[row.doc_id, "source"] == row.source
        assert (LABELS_DIR / real.loc[row.doc_id, "file"]).exists()


def test_every_seed_sentence_labeled_with_offsets_into_text(seeds, seed_texts):
    assert set(seeds["label"]) <= set(LABELS)
    assert not seeds.duplicated(["doc_id", "sent_idx"]).any()
    for doc_id, g in seeds.groupby("doc_id"):
        text = seed_texts[doc_id]
        assert g["sent_idx"].tolist() == list(range(len(g)))
        covered = np.zeros(len(text), dtype=bool)
        for row in g.itertuples():
            assert text[row.start : row.end] == row.text
            covered[row.start : row.end] = True
        # Every non-space character of the article belongs to a sentence.
        uncovered = "".join(ch for ch, c in zip(text, covered, strict=True) if not c)
        assert uncovered.strip() == ""


def test_two_passes_cover_every_sentence_and_disagreements_are_adjudicated(seeds):
    a = pd.read_csv(LABELS_DIR / "annotation" / "pass_a.csv", dtype={"doc_id": str})
    b = pd.read_csv(LABELS_DIR / "annotation" / "pass_b.csv", dtype={"doc_id": str})
    adj = pd.read_csv(LABELS_DIR / "annotation" / "adjudication.csv", dtype={"doc_id": str})
    key = ["doc_id", "sent_idx"]
    for p in (a, b):
        assert sorted(map(tuple, p[key].values)) == sorted(map(tuple, seeds[key].values))
        assert set(p["label"]) <= set(LABELS)
    m = a.merge(b, on=key, suffixes=("_a", "_b")).merge(seeds[[*key, "label"]], on=key)
    disagree = m[m["label_a"] != m["label_b"]]
    assert sorted(map(tuple, disagree[key].values)) == sorted(map(tuple, adj[key].values))
    assert (adj["reason"].str.len() > 10).all()
    agreed = m[m["label_a"] == m["label_b"]]
    assert (agreed["label"] == agreed["label_a"]).all()
    gold = m.set_index(key)["label"]
    for row in adj.itertuples():
        assert gold[(row.doc_id, row.sent_idx)] == row.gold


def test_kappa_in_readme_is_recomputed_from_the_files():
    a = pd.read_csv(LABELS_DIR / "annotation" / "pass_a.csv", dtype={"doc_id": str})
    b = pd.read_csv(LABELS_DIR / "annotation" / "pass_b.csv", dtype={"doc_id": str})
    m = a.merge(b, on=["doc_id", "sent_idx"], suffixes=("_a", "_b"))
    kappa = cohen_kappa_score(m["label_a"], m["label_b"])
    readme = (LABELS_DIR / "README.md").read_text(encoding="utf-8")
    reported = float(re.search(r"Cohen's kappa (\d\.\d+)", readme).group(1))
    assert round(kappa, 3) == reported
    confusion = pd.crosstab(m["label_a"], m["label_b"])
    assert f"| official_claim | 0 | {confusion.loc['official_claim', 'editorialising']} | {confusion.loc['official_claim', 'official_claim']} |" in readme


def test_authored_rows_are_marked_and_well_formed(authored, documents):
    assert (authored["origin"] == "authored").all()
    assert set(authored["label"]) <= set(LABELS)
    assert not authored.duplicated(["doc_id", "sent_idx"]).any()
    for _, g in authored.groupby("doc_id"):
        assert g["sent_idx"].tolist() == list(range(len(g)))
    au_docs = documents[documents["origin"] == "authored"]
    assert set(au_docs["doc_id"]) == set(authored["doc_id"])
    assert (au_docs["source"].str.len() > 0).all()


def test_authored_corpus_size_registers_topics_and_label_floor(authored, documents):
    au_docs = documents[documents["origin"] == "authored"]
    assert authored["doc_id"].nunique() >= 200
    assert len(authored) >= 3000
    assert au_docs["style"].nunique() >= 8
    topics = set(au_docs["topic"]) - {"pilot"}
    assert "russia_ukraine" in topics and len(topics - {"russia_ukraine"}) >= 3
    content = authored[authored["label"] != BOILERPLATE]
    shares = content["label"].value_counts(normalize=True)
    for label in CONTENT_LABELS:
        assert shares[label] >= 0.12, label
    bp = authored.loc[authored["label"] == BOILERPLATE, "text"]
    assert bp.nunique() >= 0.95 * len(bp)


def _token_matrix(texts: list[str], vocab: dict[str, int]) -> sp.csr_matrix:
    rows, cols = [], []
    for i, text in enumerate(texts):
        for tok in set(TOKEN.findall(text.lower())):
            rows.append(i)
            cols.append(vocab.setdefault(tok, len(vocab)))
    return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(vocab)))


def _jaccard_pairs(A: sp.csr_matrix, B: sp.csr_matrix, same: bool, limit: float = 0.8) -> list[tuple[int, int, float]]:
    na, nb = np.asarray(A.sum(1)).ravel(), np.asarray(B.sum(1)).ravel()
    found = []
    for lo in range(0, A.shape[0], 1000):
        inter = (A[lo : lo + 1000] @ B.T).toarray()
        jac = inter / (na[lo : lo + 1000, None] + nb[None, :] - inter)
        if same:
            for k in range(jac.shape[0]):
                jac[k, : lo + k + 1] = 0
        for i, j in zip(*np.nonzero(jac > limit), strict=True):
            found.append((lo + i, j, float(jac[i, j])))
    return found


def test_no_two_authored_sentences_share_over_80_percent_of_tokens(authored, seeds):
    long = authored[authored["text"].map(lambda t: len(TOKEN.findall(t)) >= 3)].reset_index(drop=True)
    vocab: dict[str, int] = {}
    A = _token_matrix(long["text"].tolist(), vocab)
    S = _token_matrix(seeds["text"].tolist(), vocab)
    A = sp.csr_matrix(A, shape=(A.shape[0], len(vocab)))
    S = sp.csr_matrix(S, shape=(S.shape[0], len(vocab)))
    dupes = _jaccard_pairs(A, A, same=True)
    assert not dupes, [(long["text"][i], long["text"][j]) for i, j, _ in dupes[:5]]
    copies = _jaccard_pairs(A, S, same=False)
    assert not copies, [(long["text"][i], seeds["text"].iloc[j]) for i, j, _ in copies[:5]]


def test_pilot_corrections_are_applied():
    fixes = pd.read_csv(LABELS_DIR / "annotation" / "pilot_corrections.csv", dtype={"doc_id": str})
    source = ROOT.parent / "shared" / "authored-pilot.jsonl"
    if not source.exists():
        pytest.skip(f"{source} is not beside the checkout (the pilot's original text lives there)")
    original = {}
    for line in source.open(encoding="utf-8"):
        r = json.loads(line)
        original[(r["doc_id"], r["sent_idx"])] = r["text"]
    pilot = pd.read_json(LABELS_DIR / "authored" / "pilot.jsonl", lines=True, dtype={"doc_id": str})
    checked = 0
    for fix in fixes.itertuples():
        text = original[(fix.doc_id, fix.sent_idx)]  # a correction names a pilot sentence
        row = pilot[(pilot["doc_id"] == fix.doc_id) & (pilot["text"] == text)]
        assert row["label"].tolist() == [fix.new_label]
        checked += 1
    assert checked == len(fixes) > 0


def test_corpus_reports_real_and_authored_separately():
    corpus = load_corpus()
    assert set(corpus["origin"]) == {"real", "authored"}
    assert (corpus.loc[corpus["doc_id"].str.startswith("au-"), "origin"] == "authored").all()


def test_user_labels_are_validated(tmp_path):
    good = tmp_path / "mine.csv"
    pd.DataFrame({"doc_id": ["a", "a"], "sent_idx": [0, 1], "text": ["One.", "Two."], "label": ["reporting", "boilerplate"]}).to_csv(good, index=False)
    frame = load_user_labels(good)
    assert set(frame["origin"]) == {"user"}
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"doc_id": ["a"], "sent_idx": [0], "text": ["x"], "label": ["opinion"]}).to_csv(bad, index=False)
    with pytest.raises(ValueError, match=r"bad.csv, row 0: label 'opinion'"):
        load_user_labels(bad)
    missing = tmp_path / "missing.csv"
    pd.DataFrame({"doc_id": ["a"], "text": ["x"]}).to_csv(missing, index=False)
    with pytest.raises(ValueError, match="missing column"):
        load_user_labels(missing)
