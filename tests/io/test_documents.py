"""Bad input to classify() (issue 4): a clear error or a sensible result, never a crash."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import framing
from framing.io.documents import InputError, to_documents
from framing.schema import CLASSIFY_COLUMNS

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.text(max_size=400))
def test_any_text_gives_a_frame_with_offsets(text):
    out = framing.classify(text)
    assert list(out.columns) == list(CLASSIFY_COLUMNS)
    for row in out.itertuples():
        assert text[row.start : row.end] == row.text


@SETTINGS
@given(st.lists(st.one_of(st.none(), st.integers(), st.floats(), st.binary(max_size=5), st.text(max_size=20)), min_size=1, max_size=4))
def test_mixed_junk_is_a_type_error_or_a_result(items):
    try:
        out = framing.classify(items)
    except (TypeError, ValueError) as exc:
        assert "document" in str(exc) or "classify" in str(exc)
    else:
        assert list(out.columns) == list(CLASSIFY_COLUMNS)


@SETTINGS
@given(st.lists(st.one_of(st.integers(min_value=-5, max_value=5), st.text(max_size=3)), min_size=1, max_size=5))
def test_mixed_doc_id_types(ids):
    docs = [{"doc_id": i, "source": "S", "text": "Kyiv said the strike hit a school."} for i in ids]
    try:
        out = framing.classify(docs)
    except InputError as exc:
        assert "duplicate doc_id" in str(exc)
    else:
        assert out["doc_id"].map(type).eq(str).all()


def test_huge_single_line_is_scored():
    text = ("The ministry said the convoy moved north and officials confirmed it " * 75_000)[:5_000_000]
    out = framing.classify(text)
    assert len(out) >= 1
    assert out["end"].max() <= len(text)


def test_html_markup_is_plain_text():
    html = '<html><body><script>alert("x")</script><p>Russia said the <b>special military operation</b> continues.</p></body></html>'
    out = framing.classify(html)
    assert "".join(out["text"]).replace(" ", "") in html.replace(" ", "")


def test_non_english_text_is_labeled_not_crashed():
    out = framing.classify(["Путин заявил, что специальная военная операция идёт по плану. Киев это отрицает.", "普京说，行动按计划进行。"])
    assert len(out) >= 2


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ([{"doc_id": "a", "text": "x", "sentences": ["x"]}], "exactly one of"),
        ([{"doc_id": "a", "text": 5}], "text must be a string"),
        ([{"doc_id": "a", "sentences": "not a list"}], "list of strings"),
        ([{"doc_id": "a", "sentences": ["ok", None]}], "sentence 1"),
        ([{"doc_id": 1.5, "text": "x"}], "doc_id must be"),
        ([{"doc_id": "a", "source": 3.5, "text": "x"}], "source must be"),
        ([{"doc_id": "a", "source": True, "text": "x"}], "source must be"),
        (pd.DataFrame({"body": ["x"]}), "'text' column"),
        (pd.DataFrame({"text": ["x", 5]}), "row 1"),
        ([b"bytes"], "decode"),
        ([{"doc_id": "a", "text": "x"}, {"doc_id": "a", "text": "y"}], "duplicate doc_id"),
    ],
)
def test_errors_name_the_row_and_field(bad, message):
    with pytest.raises((TypeError, ValueError), match=message):
        to_documents(bad)


def test_one_rule_for_ids_and_sources_in_classify_and_the_batch_job():
    """doc_id and source: text, an integer or an integer-valued float; blank is missing."""
    from framing.batch.records import validate_record
    from framing.io.readers import Record

    docs = to_documents([{"doc_id": 7.0, "source": 3, "text": "x"}, {"doc_id": "  ", "source": "", "text": "y"}])
    assert docs["doc_id"].tolist() == ["7", "row-1"] and docs["source"].tolist() == ["3", ""]
    doc, error = validate_record(Record(7.0, 3, "", "x", "row 1"), set())
    assert error is None and doc[:2] == ("7", "3")
    # A missing id: classify numbers the row, the batch job reports it.
    assert validate_record(Record("  ", "", "", "x", "row 2"), set())[1]["reason"] == "missing doc_id"
    for value, reason in ((1.5, "doc_id is not text or an integer (float)"), (True, "doc_id is not text or an integer (bool)")):
        assert validate_record(Record(value, "", "", "x", "row 3"), set())[1]["reason"] == reason
    assert "source column (float)" in validate_record(Record("a", 3.5, "", "x", "row 4"), set())[1]["reason"]
