"""Shared fixtures: small real inputs from the seed articles, and the gold corpus encoded once."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "labels" / "seeds"


@pytest.fixture(scope="session")
def seed_manifest() -> pd.DataFrame:
    return pd.read_csv(SEEDS / "manifest.csv", dtype=str)


@pytest.fixture(scope="session")
def seed_texts(seed_manifest) -> dict[str, str]:
    return {r.doc_id: (SEEDS / r.file).read_text(encoding="utf-8") for r in seed_manifest.itertuples()}


@pytest.fixture(scope="session")
def sky_text(seed_texts) -> str:
    return seed_texts["001_43382c35e80c0ef9"]


@pytest.fixture(scope="session")
def model():
    from framing.model.persist import load_model

    return load_model()


@pytest.fixture(scope="session")
def corpus_cues() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The gold corpus in reading order and its cue columns, row for row (encoded once per session)."""
    from framing.features.encoder import encode
    from framing.lexicon.terms import load_lexicons
    from framing.training.corpus import load_corpus

    rows = load_corpus().sort_values(["doc_id", "sent_idx"], kind="stable").reset_index(drop=True)
    docs = [g["text"].tolist() for _, g in rows.groupby("doc_id", sort=False)]
    return rows, encode(docs, load_lexicons()).cues
