"""The classify() contract (issue 2): input shapes and output columns."""

from __future__ import annotations

import pandas as pd
import pytest

import framing
from framing.schema import CLASSIFY_COLUMNS, LABELS, PROBA_COLUMNS


def _check_frame(out: pd.DataFrame) -> None:
    columns = [c for c in out.columns if c != "doc_index"]
    assert columns == list(CLASSIFY_COLUMNS)
    assert out["para"].dtype.kind == "i" or str(out["para"].dtype) == "Int64"
    labeled = out[out["error"] == ""]
    assert set(labeled["label"]) <= set(LABELS)
    sums = labeled[list(PROBA_COLUMNS)].sum(axis=1)
    assert ((sums - 1).abs() < 1e-6).all()


def test_string_input_gives_sentences_with_offsets(sky_text):
    out = framing.classify(sky_text)
    _check_frame(out)
    assert (out["doc_id"] == "0").all()
    for row in out.itertuples():
        assert sky_text[row.start : row.end] == row.text
    assert out["sent_idx"].tolist() == list(range(len(out)))


def test_list_of_strings_one_doc_each(seed_texts):
    texts = list(seed_texts.values())[:2]
    out = framing.classify(texts)
    _check_frame(out)
    assert out["doc_id"].unique().tolist() == ["0", "1"]


def test_dataframe_keeps_ids_and_sources(seed_texts, seed_manifest):
    frame = seed_manifest.assign(text=[seed_texts[d] for d in seed_manifest.doc_id])[["doc_id", "source", "text"]]
    out = framing.classify(frame)
    _check_frame(out)
    assert set(out["doc_id"]) == set(seed_manifest.doc_id)
    by_doc = out.groupby("doc_id")["source"].first().to_dict()
    assert by_doc == dict(zip(seed_manifest.doc_id, seed_manifest.source, strict=True))


def test_given_sentences_are_kept_exactly_in_order():
    sents = ["Russia says 498 of its soldiers have been killed.", "Most read in News", '"Go home," he said.']
    out = framing.classify([{"doc_id": "d1", "source": "Sky News", "sentences": sents}])
    _check_frame(out)
    assert out["text"].tolist() == sents
    assert out["sent_idx"].tolist() == [0, 1, 2]


def test_mixed_text_and_sentences_documents():
    docs = [
        {"doc_id": 7, "source": "A", "text": "Kyiv said the talks failed. It gave no details."},
        {"doc_id": "x", "source": "B", "sentences": ["The tyrant ranted again."]},
    ]
    out = framing.classify(docs)
    assert out["doc_id"].unique().tolist() == ["7", "x"]


def test_contract_example_labels_on_seed_sentences():
    # Examples taken from LABELING.md; each must get the contract's label.
    examples = {
        '"I want to say that the special military operation is proceeding strictly in line with the timetable," Putin said.': "propaganda_echo",
        "Most read in News": "boilerplate",
    }
    out = framing.classify([{"doc_id": "d", "source": "", "sentences": list(examples)}])
    assert out["label"].tolist() == list(examples.values())


def test_evidence_names_terms(model):
    out = framing.classify(
        [{"doc_id": "d", "source": "", "sentences": ["Putin's troops have been hit by plummeting morale after the quick victory promised by the tyrant has turned into a bloodbath."]}]
    )
    assert out.loc[0, "label"] == "editorialising"
    assert "tyrant" in out.loc[0, "evidence"] or "bloodbath" in out.loc[0, "evidence"]


@pytest.mark.parametrize("bad", [None, b"bytes", 42, 3.5, {"text": "a dict"}])
def test_bad_top_level_input_is_a_clear_type_error(bad):
    with pytest.raises(TypeError, match="classify|dict|bytes|text"):
        framing.classify(bad)


def test_empty_text_gives_empty_frame():
    out = framing.classify(["", "   \n  "])
    assert list(out.columns) == list(CLASSIFY_COLUMNS)
    assert len(out) == 0


def test_public_explain_is_the_function():
    table = framing.explain("Putin's troops have been hit by plummeting morale after the quick victory promised by the tyrant has turned into a bloodbath.")
    assert table["label"].iloc[0] == "editorialising"
    assert list(table.columns) == ["label", "feature", "description", "weight"]
    assert table["weight"].abs().is_monotonic_decreasing


def test_explain_boilerplate_uses_the_detector():
    table = framing.explain("Read more: Putin hails invasion 'success' in bizarre address")
    assert table["label"].iloc[0] == "boilerplate"
    assert any(table["feature"].str.startswith("boilerplate__"))


def test_frame_round_trip_keeps_ids_index_and_reports_missing_text():
    import pandas as pd

    frame = pd.DataFrame(
        {
            "doc_id": [10, 20, 30],
            "source": ["A", "B", "A"],
            "text": ["Putin said the talks went well. Kyiv denied it.", None, "The tyrant ranted."],
            "outlet_country": ["RU", "UK", "RU"],
        },
        index=["x", "y", "z"],
    )
    out = framing.classify(frame)
    assert out["doc_id"].dtype == frame["doc_id"].dtype
    merged = frame.drop(columns="text").merge(out, on="doc_id")
    assert len(merged) == len(out) and set(merged["outlet_country"]) == {"RU", "UK"}
    assert set(out["doc_index"]) == {"x", "y", "z"}
    failed = out[out["error"] != ""]
    assert failed["doc_id"].tolist() == [20] and failed["error"].tolist() == ["missing text"]
    assert failed["label"].isna().all()
    labeled = out[out["error"] == ""]
    assert labeled["label"].notna().all() and set(labeled["doc_id"]) == {10, 30}


def test_classify_columns_in_order_with_para_after_sent_idx():
    assert list(CLASSIFY_COLUMNS) == [
        "doc_id", "source", "sent_idx", "para", "start", "end", "text", "label", *PROBA_COLUMNS,
        "evidence", "error",
    ]  # fmt: skip


def test_para_counts_paragraphs_split_by_any_line_break():
    # One "\n" (scraped CSV), a blank line, a Windows line end and a headline line.
    text = (
        "Kyiv said the strike hit a school. Moscow denied it.\n"
        "The minister said talks would resume. Officials confirmed the date.\n\n"
        "A HEADLINE\r\n"
        "The tyrant ranted again."
    )
    out = framing.classify(text)
    _check_frame(out)
    assert out["para"].tolist() == [0, 0, 1, 1, 2, 3]
    assert out["para"].dtype == "int64"
    for row in out.itertuples():
        assert text[row.start : row.end] == row.text


def test_para_of_given_sentences_and_of_failed_documents():
    out = framing.classify(
        pd.DataFrame({"doc_id": ["a", "b"], "text": ["One line.\nSecond line.", None]})
    )
    assert out["para"].tolist()[:2] == [0, 1] and out["para"].isna().tolist() == [False, False, True]
    given = framing.classify([{"doc_id": "g", "source": "", "sentences": ["One.", "Two.\nStill two."]}])
    assert given["para"].tolist() == [0, 0]


def _furniture(*lines: str) -> dict[str, bool]:
    """Whether each sentence of an article made of ``lines`` is labeled boilerplate."""
    out = framing.classify("\n".join(lines))
    return dict(zip(out["text"], out["label"] == "boilerplate", strict=True))


def test_short_content_sentences_are_never_furniture_without_its_form():
    # Issue 11: "Putin ranted. The tyrant lied again." gave boilerplate rows; a
    # content sentence needs a form of furniture (no full stop, a promo term, a
    # handle, ...) to be dropped. Real furniture keeps being dropped.
    furniture = _furniture(
        "Putin ranted. The tyrant lied again.",
        'Hannity interviewed the senator on Monday. "Will you run?" Hannity pressed. The senator said no.',
        "Read also: Kremlin says talks failed",
        "Follow us on Twitter @tass_agency",
        "His new book, Putin's War, is out now from Penguin, priced £20.",
    )
    assert not furniture["The tyrant lied again."] and not furniture["Hannity pressed."]
    assert furniture["Read also: Kremlin says talks failed"] and furniture["Follow us on Twitter @tass_agency"]
    assert furniture["His new book, Putin's War, is out now from Penguin, priced £20."]  # a book promo


def test_the_bundled_model_keeps_headlines_and_drops_top_of_page_furniture():
    # Headlines and standfirsts are content (LABELING; D9); navigation above
    # them is not. The bundled model must carry the lexicon the rules expect.
    furniture = _furniture(
        "Skip to main content",
        "You are here: Home News World",
        "Ukraine summons Vatican envoy over Pope remarks",
        "Kyiv has summoned the Vatican's envoy after the Pope's comments on Russia.",
        "The envoy met officials on Monday.",
        "...",
    )
    assert furniture["Skip to main content"] and furniture["You are here: Home News World"] and furniture["..."]
    assert not furniture["Ukraine summons Vatican envoy over Pope remarks"]


def test_agency_datelines_standing_alone_are_furniture_and_glued_ones_content():
    # Issue 11: "CITY, Month day. /AGENCY/." standing alone is furniture
    # (LABELING, D10); a dateline glued to prose keeps the sentence content.
    glued = "KYIV, Dec 3 (Reuters) - Ukraine said it shot down 20 drones overnight."
    furniture = _furniture(
        "MOSCOW, December 26. /TASS/. The Kremlin said talks would resume in January.",
        "MINSK, 2 July (BelTA)",
        "Lukashenko met the delegation.",
        glued,
    )
    assert furniture["MOSCOW, December 26. /TASS/."] and furniture["MINSK, 2 July (BelTA)"]
    assert not furniture["The Kremlin said talks would resume in January."] and not furniture[glued]


def test_a_reader_comment_section_is_furniture_to_the_end_of_the_page():
    # Issue 11 and D17: reader comments appended to a page are not the article.
    furniture = _furniture(
        "Russia and Ukraine traded accusations over the strike on Monday.",
        "Kyiv said 12 civilians were killed.",
        "Comments (48)",
        "ivan_1985 2 hours ago",
        "This is all lies from the western media!!!",
        "Reply",
    )
    assert not furniture["Kyiv said 12 civilians were killed."]
    assert furniture["Comments (48)"] and furniture["This is all lies from the western media!!!"]
