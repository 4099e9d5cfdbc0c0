"""Streaming readers: formats, column checks, configuration errors."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from framing.errors import ConfigError
from framing.io import readers
from framing.io.columns import Columns
from framing.io.readers import Unreadable, check_inputs, iter_records

from ..conftest import SEEDS


def test_seed_folder_reads_manifest_ids_sources_dates(seed_manifest):
    specs = check_inputs([SEEDS])
    assert [s.kind for s in specs] == ["folder"]
    recs = list(iter_records(specs))
    assert [r.doc_id for r in recs] == seed_manifest["doc_id"].tolist()
    assert [r.source for r in recs] == seed_manifest["source"].tolist()
    assert [r.date for r in recs] == seed_manifest["published"].tolist()
    assert all(isinstance(r.text, str) and len(r.text) > 1000 for r in recs)


def test_folder_without_manifest_uses_file_stems(tmp_path):
    (tmp_path / "b.txt").write_text("Second.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("First.", encoding="utf-8")
    recs = list(iter_records(check_inputs([tmp_path])))
    assert [(r.doc_id, r.text, r.source) for r in recs] == [
        ("a", "First.", None),
        ("b", "Second.", None),
    ]


def test_manifest_entry_outside_the_folder_is_refused(tmp_path):
    (tmp_path / "manifest.csv").write_text("doc_id,file\nx,../secret.txt\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"manifest\.csv.*must be a name inside"):
        check_inputs([tmp_path])


def test_manifest_listing_a_missing_file_names_it(tmp_path):
    (tmp_path / "manifest.csv").write_text("doc_id,file\nx,gone.txt\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="gone.txt"):
        check_inputs([tmp_path])


def test_undecodable_txt_in_folder_is_a_config_error(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"caf\xe9")
    with pytest.raises(ConfigError, match=r"a\.txt: not valid UTF-8"):
        check_inputs([tmp_path])


def test_csv_streams_in_blocks_with_custom_columns(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "BLOCK_ROWS", 7)
    frame = pd.DataFrame(
        {"id": range(20), "body": [f"text {i}" for i in range(20)], "outlet": "S", "extra": 1}
    )
    frame.to_csv(tmp_path / "in.csv", index=False)
    cols = Columns(text="body", doc_id="id", source="outlet")
    recs = list(iter_records(check_inputs([tmp_path / "in.csv"], cols), cols))
    assert [r.doc_id for r in recs] == [str(i) for i in range(20)]
    assert recs[19].text == "text 19" and recs[19].where.endswith("row 20")
    assert recs[0].date is None


def test_missing_id_column_gives_file_and_row_ids(tmp_path):
    (tmp_path / "in.csv").write_text("text\nOne.\nTwo.\n", encoding="utf-8")
    assert [r.doc_id for r in iter_records(check_inputs([tmp_path / "in.csv"]))] == [
        "in.csv:1",
        "in.csv:2",
    ]


def test_csv_keeps_empty_cells_as_empty_strings(tmp_path):
    (tmp_path / "in.csv").write_text("doc_id,text\n1,\n2,NA\n", encoding="utf-8")
    assert [r.text for r in iter_records(check_inputs([tmp_path / "in.csv"]))] == ["", "NA"]


def test_jsonl_passes_raw_values_and_marks_bad_lines(tmp_path):
    lines = [
        json.dumps({"doc_id": 1, "text": 5}),
        "",
        "[1, 2]",
        "{broken",
        json.dumps({"doc_id": "x"}),
    ]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    recs = list(iter_records(check_inputs([tmp_path / "in.jsonl"])))
    assert recs[0].doc_id == 1 and recs[0].text == 5
    assert [type(r.text) for r in recs[1:]] == [Unreadable] * 3
    assert "JSON object" in recs[1].text.reason and "line 3" in recs[1].where
    assert "not JSON" in recs[2].text.reason
    assert "no field 'text'" in recs[3].text.reason


def test_parquet_streams_in_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "BLOCK_ROWS", 4)
    pd.DataFrame({"doc_id": [f"d{i}" for i in range(10)], "text": ["x"] * 9 + [None]}).to_parquet(
        tmp_path / "in.parquet"
    )
    recs = list(iter_records(check_inputs([tmp_path / "in.parquet"])))
    assert len(recs) == 10 and recs[9].text is None and recs[9].where.endswith("row 10")


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("in.csv", b"", "empty CSV"),
        ("in.csv", b"doc_id,body\n1,x\n", "no column 'text'"),
        ("in.jsonl", b"", "no line holds a JSON object"),
        ("in.jsonl", b"{oops\n", "no line holds a JSON object"),
        ("in.jsonl", b'{"doc_id": 1}\n', "no column 'text'"),
        ("in.jsonl", b'{"text": "caf\xe9"}\n', "not valid UTF-8"),
        ("in.parquet", b"garbage", "not a readable Parquet"),
        ("in.txt", b"hello", "unsupported input format"),
    ],
)
def test_config_errors_name_the_file(tmp_path, name, content, needle):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(ConfigError, match=needle) as info:
        check_inputs([tmp_path / name])
    assert name in str(info.value) and "\n" not in str(info.value)


def test_missing_input_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="input not found"):
        check_inputs([tmp_path / "nope.csv"])


def test_fingerprint_changes_when_a_file_changes(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("text\nOne.\n", encoding="utf-8")
    before = check_inputs([path])[0].fingerprint()
    path.write_text("text\nOne. Two.\n", encoding="utf-8")
    assert check_inputs([path])[0].fingerprint() != before


# ---------------------------------------------------------------- title and URL


def _titles_urls(path, columns=None) -> list[tuple]:
    return [(r.title, r.url) for r in iter_records(check_inputs([path], columns), columns)]


def test_title_and_url_columns_are_read_from_every_table_format(tmp_path):
    frame = pd.DataFrame(
        {
            "text": ["Kyiv said so.", "Moscow denied it."],
            "title": ["Strike hits school", ""],
            "url": ["https://example.org/a", "https://example.org/b"],
        }
    )
    frame.to_csv(tmp_path / "in.csv", index=False)
    frame.to_parquet(tmp_path / "in.parquet")
    (tmp_path / "in.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in frame.to_dict("records")), encoding="utf-8"
    )
    expected = [("Strike hits school", "https://example.org/a"), ("", "https://example.org/b")]
    for ext in ("csv", "parquet", "jsonl"):
        assert _titles_urls(tmp_path / f"in.{ext}") == expected, ext


def test_headline_and_link_aliases_and_other_case_are_found(tmp_path):
    rows = [{"text": "Kyiv said so.", "headline": "Strike hits school", "link": "https://x.org/a"}]
    (tmp_path / "in.jsonl").write_text(json.dumps(rows[0]) + "\n", encoding="utf-8")
    assert _titles_urls(tmp_path / "in.jsonl") == [("Strike hits school", "https://x.org/a")]
    # Spreadsheet exports capitalise: "Title", "URL".
    (tmp_path / "in.csv").write_text("text,Title,URL\nKyiv said so.,T,https://x.org/b\n", encoding="utf-8")
    assert _titles_urls(tmp_path / "in.csv") == [("T", "https://x.org/b")]


def test_named_title_column_wins_over_aliases_and_must_exist(tmp_path):
    (tmp_path / "in.csv").write_text(
        "text,headline,hed,link\nKyiv said so.,alias,chosen,https://x.org/a\n", encoding="utf-8"
    )
    assert _titles_urls(tmp_path / "in.csv", Columns(title="hed")) == [("chosen", "https://x.org/a")]
    with pytest.raises(ConfigError, match="no column 'story_url'"):
        check_inputs([tmp_path / "in.csv"], Columns(url="story_url"))


def test_folder_titles_come_from_the_manifest_only(tmp_path):
    (tmp_path / "a.txt").write_text("Kyiv said so.", encoding="utf-8")
    assert _titles_urls(tmp_path) == [(None, None)]
    (tmp_path / "manifest.csv").write_text("file,title\na.txt,From the manifest\n", encoding="utf-8")
    assert _titles_urls(tmp_path) == [("From the manifest", None)]
