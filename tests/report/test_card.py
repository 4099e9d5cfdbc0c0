"""The model card is generated from metrics.json (issue 5)."""

from __future__ import annotations

import json
import re

from framing.model.persist import bundled_model_path, sha256_file
from framing.report.card import render_card


def test_card_numbers_come_from_metrics():
    metrics = {
        "real_looo": {
            "macro_f1": 0.7123,
            "macro_f1_ci": [0.6, 0.8],
            "boilerplate_f1": 0.9,
            "n": 285,
            "per_label": {lab: {"precision": 0.5, "recall": 0.25, "f1": 0.333, "support": 3} for lab in ("reporting", "official_claim", "editorialising", "propaganda_echo")},
        }
    }
    md = render_card({"model_file": "m.joblib", "sha256": "x", "metrics": metrics})
    assert "Macro-F1 (four content labels): **0.712**" in md
    assert "| reporting | 0.500 | 0.250 | 0.333 | 3 |" in md


def test_bundled_card_matches_its_metrics_and_model():
    path = bundled_model_path()
    card = json.loads(path.with_name(path.stem + ".card.json").read_text())
    md = path.with_name(path.stem + ".card.md").read_text()
    assert card["model_file"] == path.name
    assert card["sha256"] == sha256_file(path)
    figure = float(re.search(r"Macro-F1 \(four content labels\): \*\*(\d\.\d+)", md).group(1))
    assert figure == round(card["metrics"]["real_looo"]["macro_f1"], 3)
