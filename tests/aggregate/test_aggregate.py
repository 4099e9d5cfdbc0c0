"""Per-source aggregates: counts, clustered intervals, pairwise tests, rates, drivers."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from framing.aggregate.accumulator import Accumulator, aggregate_summaries
from framing.aggregate.summaries import Summary, rate_categories, summarise
from framing.io.csv_safety import csv_safe
from framing.lexicon.terms import load_lexicons


@pytest.fixture(scope="module")
def lex():
    return load_lexicons()


def table(rows: list[tuple]) -> pd.DataFrame:
    """Sentences from ``(doc_id, source, published, text, label)`` tuples."""
    return pd.DataFrame(rows, columns=["doc_id", "source", "published", "text", "label"])


def clustered(n_articles: int, per_article: int, p: float, source: str, seed: int) -> pd.DataFrame:
    """Articles that are wholly editorialising with probability ``p``, else wholly reporting."""
    rng = np.random.default_rng(seed)
    rows = []
    for a in range(n_articles):
        label = "editorialising" if rng.random() < p else "reporting"
        rows += [
            (f"{source}-{a}", source, "2022-03-01", "Troops moved north.", label)
        ] * per_article
    return table(rows)


def test_summarise_counts_content_words_labels_and_categories(lex):
    s = table(
        [
            ("a", "X", "2022-03-04", "The tyrant ranted.", "editorialising"),
            (
                "a",
                "X",
                "2022-03-04",
                "Putin said the special military operation succeeded.",
                "propaganda_echo",
            ),
            ("a", "X", "2022-03-04", "Read more: the tyrant", "boilerplate"),
            ("b", "Y", "", "Kyiv said so.", "official_claim"),
        ]
    )
    docs = summarise(s, lex).docs.set_index("doc_id")
    assert docs.loc["a", "sentences"] == 3 and docs.loc["a", "content"] == 2
    assert docs.loc["a", "words"] == 3 + 7  # boilerplate words are not counted
    assert docs.loc["a", "n_editorialising"] == 1 and docs.loc["a", "n_propaganda_echo"] == 1
    assert (
        docs.loc["a", "cat_loaded"] == 2
    )  # "tyrant", "ranted"; the boilerplate mention is excluded
    assert docs.loc["a", "cat_propaganda_euphemism"] == 1
    assert docs.loc["a", "month"] == "2022-03" and docs.loc["b", "month"] == ""
    assert "speech_verbs" not in rate_categories(lex)


def test_summary_round_trips_through_json(lex):
    s = table([("a", "X", "", "The tyrant ranted.", "editorialising")])
    summary = summarise(s, lex)
    again = Summary.from_dict(json.loads(json.dumps(summary.to_dict())))
    pd.testing.assert_frame_equal(again.docs, summary.docs, check_dtype=False)
    pd.testing.assert_frame_equal(again.terms, summary.terms, check_dtype=False)


def test_shares_are_pooled_and_boilerplate_is_excluded(lex):
    s = table(
        [
            ("a", "X", "", "One.", "reporting"),
            ("a", "X", "", "Two.", "reporting"),
            ("a", "X", "", "Menu", "boilerplate"),
            ("b", "X", "", "Three.", "official_claim"),
        ]
    )
    row = aggregate_summaries([summarise(s, lex)], bootstrap=20).sources().iloc[0]
    assert (row["articles"], row["sentences"]) == (2, 3)
    assert row["share_reporting"] == pytest.approx(2 / 3, abs=1e-4)
    assert row["share_official_claim"] == pytest.approx(1 / 3, abs=1e-4)


def test_interval_respects_clustering_by_article(lex):
    # 200 articles of 10 identical-label sentences: the effective sample is
    # 200, not 2,000, so the 95% interval is about +-6.4 points, not +-2.
    s = clustered(200, 10, 0.3, "X", seed=1)
    row = aggregate_summaries([summarise(s, lex)], bootstrap=400).sources().iloc[0]
    share, lo, hi = (
        row["share_editorialising"],
        row["share_editorialising_lo"],
        row["share_editorialising_hi"],
    )
    assert lo < share < hi
    assert 0.09 < hi - lo < 0.17


def test_interval_needs_two_articles(lex):
    s = table([("a", "X", "", "One.", "reporting"), ("a", "X", "", "Two.", "official_claim")])
    row = aggregate_summaries([summarise(s, lex)], bootstrap=20).sources().iloc[0]
    assert np.isnan(row["share_reporting_lo"]) and np.isnan(row["share_reporting_hi"])


def test_result_does_not_depend_on_how_articles_are_split(lex):
    s = pd.concat(
        [clustered(1500, 2, 0.4, "X", 2), clustered(700, 3, 0.2, "Y", 3)], ignore_index=True
    )
    whole = aggregate_summaries([summarise(s, lex)], bootstrap=30, seed=5)
    parts = [summarise(s.iloc[i : i + 611], lex) for i in range(0, len(s), 611)]
    # 611 rows split some articles in two; re-join them the way shards never would.
    acc = Accumulator(None, bootstrap=30, seed=5)
    docs = (
        pd.concat([p.docs for p in parts])
        .groupby("doc_id", sort=False)
        .agg(
            {
                c: ("first" if c in ("source", "month") else "sum")
                for c in parts[0].docs.columns
                if c != "doc_id"
            }
        )
    )
    acc.add(Summary(docs.reset_index(), pd.concat([p.terms for p in parts])))
    pd.testing.assert_frame_equal(acc.result().table, whole.table)
    other_seed = aggregate_summaries([summarise(s, lex)], bootstrap=30, seed=6)
    assert not other_seed.table.equals(whole.table)


def test_pairwise_difference_is_significant_only_when_real(lex):
    s = pd.concat(
        [
            clustered(150, 3, 0.6, "A", 1),
            clustered(150, 3, 0.15, "B", 2),
            clustered(150, 3, 0.6, "C", 3),
        ],
        ignore_index=True,
    )
    pw = aggregate_summaries([summarise(s, lex)], bootstrap=300).pairwise.set_index(
        ["source_a", "source_b", "label"]
    )
    ab = pw.loc[("A", "B", "editorialising")]
    assert ab["difference"] > 0.3 and ab["lo"] > 0 and ab["significant"] and ab["significant_holm"]
    ac = pw.loc[("A", "C", "editorialising")]
    assert ac["lo"] < 0 < ac["hi"] and not ac["significant"]
    assert (pw["p_holm"] >= pw["p_value"]).all()


def test_months_are_grouped_when_dates_exist(lex):
    s = table(
        [
            ("a", "X", "2022-03-04", "One.", "reporting"),
            ("b", "X", "2022-04-01", "Two.", "official_claim"),
            ("c", "X", "", "Three.", "reporting"),
        ]
    )
    agg = aggregate_summaries([summarise(s, lex)], bootstrap=10)
    months = agg.table[agg.table["level"] == "month"]
    assert months["month"].tolist() == ["2022-03", "2022-04"]
    assert agg.sources()["articles"].tolist() == [3]
    assert [m["month"] for m in agg.groups[0]["months"]] == ["2022-03", "2022-04"]


def test_loaded_rate_is_per_thousand_content_words(lex):
    s = table([("a", "X", "", "The tyrant ranted about the brutal tyrant.", "editorialising")])
    row = aggregate_summaries([summarise(s, lex)], bootstrap=10).sources().iloc[0]
    assert row["words"] == 7
    assert row["rate_loaded"] == pytest.approx(
        1000 * 4 / 7, abs=0.01
    )  # tyrant, ranted, brutal, tyrant


def test_drivers_are_terms_over_represented_in_the_label(lex):
    rows = [(f"d{i}", "X", "", "The tyrant ranted.", "editorialising") for i in range(3)]
    rows += [
        (f"r{i}", "X", "", "Officials said the convoy arrived.", "official_claim") for i in range(3)
    ]
    rows += [("m", "X", "", "Officials said the tyrant arrived.", "official_claim")]
    agg = aggregate_summaries([summarise(table(rows), lex)], bootstrap=10)
    src = agg.groups[0]
    # Both appear in every editorialising sentence; "tyrant" also outside it, so its lift is lower.
    assert src["drivers"]["editorialising"] == ["ranted", "tyrant"]
    assert src["drivers"]["official_claim"] == ["officials said"]  # longest match wins
    assert "tyrant" not in src["drivers"]["official_claim"]
    assert agg.sources().loc[0, "drivers_editorialising"] == "ranted; tyrant"


def test_aggregates_json_is_strict_json_with_definitions(lex):
    s = table([("a", "X", "", "One.", "reporting")])
    doc = json.loads(aggregate_summaries([summarise(s, lex)], bootstrap=10).to_json())
    assert {"definitions", "sources", "pairwise", "bootstrap", "seed"} <= set(doc)
    assert doc["sources"][0]["shares"]["reporting"]["lo"] is None


def test_csv_safe_neutralises_formula_cells_only():
    frame = pd.DataFrame(
        {"t": ["=1+1", "+x", "-y", "@z", "\tq", "\rr", "ok", None], "n": [-1, 2, 3, 4, 5, 6, 7, 8]}
    )
    out = csv_safe(frame)
    assert out["t"].tolist()[:7] == ["'=1+1", "'+x", "'-y", "'@z", "'\tq", "'\rr", "ok"]
    assert pd.isna(out["t"].iloc[7])
    assert out["n"].tolist() == frame["n"].tolist()


def test_term_counts_merge_buffers_exactly():
    from framing.aggregate.terms import TermCounts

    rng = np.random.default_rng(0)
    # A small buffer, so that rows are merged into the store many times.
    counts, expected = TermCounts(compact_rows=50), {}
    for _ in range(40):
        g, lab = rng.integers(0, 5, 30), rng.integers(0, 4, 30)
        terms, c = [f"t{x}" for x in rng.integers(0, 20, 30)], rng.integers(1, 4, 30)
        counts.add(g, lab, terms, c, np.arange(30))
        for key in zip(g.tolist(), lab.tolist(), terms, c.tolist(), strict=True):
            expected[key[:3]] = expected.get(key[:3], 0) + key[3]
    counts.compact()
    assert np.all(np.diff(counts.keys) > 0)
    got = {}
    for gid in range(5):
        labels, tids, n = counts.of_group(gid)
        for lab, tid, k in zip(labels.tolist(), tids.tolist(), n.tolist(), strict=True):
            got[(gid, lab, counts.names[tid])] = k
    assert got == expected


def test_summaries_from_the_encoder_equal_summaries_from_text(lex, seed_texts):
    # Scoring hands the encoder's terms and word counts to summarise;
    # `framing aggregate` matches the text again. Both must agree.
    from framing.pipeline import label_sentences, sentence_table

    docs = pd.DataFrame(
        [{"doc_id": k, "source": k[:3], "text": t, "sentences": None} for k, t in seed_texts.items()]
    )
    labeled = label_sentences(sentence_table(docs), lexicon_terms=True)
    labeled["published"] = "2022-03-01"
    assert {"terms", "words"} <= set(labeled.columns)
    with_terms = summarise(labeled, lex)
    from_text = summarise(labeled.drop(columns=["terms", "words"]), lex)
    pd.testing.assert_frame_equal(with_terms.docs, from_text.docs)
    pd.testing.assert_frame_equal(with_terms.terms, from_text.terms)
    assert with_terms.docs["words"].sum() > 1000


def test_missing_doc_ids_are_grouped_not_fatal(lex):
    s = table(
        [
            (None, "X", "", "The tyrant ranted.", "editorialising"),
            (None, "X", "", "Kyiv said so.", "official_claim"),
            ("b", "X", "", "Troops moved.", "reporting"),
        ]
    )
    docs = summarise(s, lex).docs
    assert docs["sentences"].tolist() == [2, 1]


def test_small_groups_get_no_interval_and_no_test(tmp_path, capsys):
    # The seed corpus: two articles from The Sun, one each from three others.
    import json as _json

    from framing.aggregate.bootstrap import MIN_ARTICLES
    from framing.cli import main as cli_main

    from ..conftest import SEEDS

    assert cli_main(["score", str(SEEDS), "--out", str(tmp_path / "run"), "--quiet", "--bootstrap", "50"]) == 0
    capsys.readouterr()
    table = pd.read_csv(tmp_path / "run" / "aggregates.csv")
    sources = table[table["level"] == "source"]
    assert (sources["articles"] < MIN_ARTICLES).all()
    assert sources.filter(regex="_(lo|hi)$").isna().all().all()
    pairwise = pd.read_csv(tmp_path / "run" / "pairwise.csv", keep_default_na=False)
    assert not pairwise["significant"].astype(str).eq("True").any()
    assert not pairwise["significant_holm"].astype(str).eq("True").any()
    assert pairwise["note"].str.contains("not tested").all()
    defs = _json.loads((tmp_path / "run" / "aggregates.json").read_text())["definitions"]
    assert f"fewer than {MIN_ARTICLES} articles" in defs["pairwise"]
