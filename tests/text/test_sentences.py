"""Segmentation against the gold seed segmentation (issue 4)."""

from __future__ import annotations

import pandas as pd

from framing.text.sentences import split, split_spans

from ..conftest import ROOT


def boundary_f1(gold: dict[str, list[tuple[int, int]]], texts: dict[str, str]) -> float:
    tp = fp = fn = 0
    for doc_id, spans in gold.items():
        pred = split_spans(texts[doc_id])
        gb = {e for _, e in spans[:-1]}
        pb = {e for _, e in pred[:-1]}
        tp, fp, fn = tp + len(gb & pb), fp + len(pb - gb), fn + len(gb - pb)
    return 2 * tp / (2 * tp + fp + fn)


def test_boundary_f1_on_seed_gold(seed_texts):
    gold_rows = pd.read_csv(ROOT / "labels" / "sentences.csv", dtype={"doc_id": str})
    gold = {d: list(zip(g.start, g.end, strict=True)) for d, g in gold_rows.groupby("doc_id")}
    assert boundary_f1(gold, seed_texts) >= 0.97


def test_news_rules():
    assert split("MOSCOW, December 26. /TASS/. Russia said the talks went well.") == [
        "MOSCOW, December 26. /TASS/.",
        "Russia said the talks went well.",
    ]
    assert split('He said: "Go home." Then he left.') == ['He said: "Go home."', "Then he left."]
    assert split("Mr Putin met Gen. Gerasimov on Jan. 5 in St. Petersburg.") == [
        "Mr Putin met Gen. Gerasimov on Jan. 5 in St. Petersburg."
    ]
    assert split("U.S. officials said so. The talks ended.") == ["U.S. officials said so.", "The talks ended."]
    assert split("Most read in News\n- Why is Russia invading Ukraine?\nHeadline without stop") == [
        "Most read in News",
        "- Why is Russia invading Ukraine?",
        "Headline without stop",
    ]


def test_spans_point_into_text(sky_text):
    for a, b in split_spans(sky_text):
        assert sky_text[a:b] == sky_text[a:b].strip() != ""


def test_candidate_scan_equals_the_plain_look_behind_pattern():
    # The shipped pattern puts the look-behind after the first mark so the
    # engine can skip to marks; the plain form (look-behind first) is the
    # reference. Same matches on the real corpus and on runs of marks.
    import re

    from framing.text.sentences import _CANDIDATE

    plain = re.compile(r"(?<![.!?…])([.!?…]+)([\"”’'\)\]]*)(\s+)(?=\S)")
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "labels" / "real" / "texts").glob("*.txt"))[:150]]
    texts += [". x", "a.. b", "x . . y", "!?! z", "a… b", 'x." y', "." * 5000 + " z", "...!?" * 100 + " q"]
    for text in texts:
        for pos in (0, 1, 3):
            got = [(m.span(), m.groups()) for m in _CANDIDATE.finditer(text, pos)]
            assert got == [(m.span(), m.groups()) for m in plain.finditer(text, pos)]
