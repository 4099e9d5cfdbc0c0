"""The command line on the bundled seed corpus."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "framing.cli", *args], cwd=cwd, capture_output=True, text=True)


def test_score_seed_folder_writes_outputs(tmp_path):
    res = run("score", str(ROOT / "labels" / "seeds"), "--out", str(tmp_path / "run"), "--quiet")
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "run" / "aggregates.csv").exists()
    assert "The Sun" in res.stdout


def test_missing_input_exits_2_with_one_line(tmp_path):
    res = run("score", str(tmp_path / "nope"), "--out", str(tmp_path / "run"))
    assert res.returncode == 2
    assert "nope" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_explain_prints_weights():
    res = run("explain", "Putin's army of neo-Nazis was defeated, the tyrant ranted.")
    assert res.returncode == 0, res.stderr
    assert "label:" in res.stdout


def test_score_help_describes_every_option_with_defaults_and_examples(capsys):
    import pytest as _pytest

    from framing.cli import main as cli_main

    with _pytest.raises(SystemExit):
        cli_main(["score", "--help"])
    text = capsys.readouterr().out
    options = text[text.index("options:"):]
    for opt in ("--text-col", "--id-col", "--source-col", "--date-col", "--jobs", "--chunk-size", "--seed", "--bootstrap"):
        entry = options[options.index("  " + opt + " "):]
        entry = entry[: entry.index("\n  -", 1)] if "\n  -" in entry[1:] else entry
        assert "default:" in entry, opt
    assert "examples:" in text


def test_date_column_under_a_common_name_is_found(tmp_path, capsys):
    import pandas as pd

    from framing.cli import main as cli_main

    path = tmp_path / "in.csv"
    pd.DataFrame(
        {"doc_id": ["a", "b"], "source": ["A", "B"], "date": ["March 2022", "2022-04-02"],
         "text": ["Putin said so.", "Kyiv said no."]}
    ).to_csv(path, index=False)
    assert cli_main(["score", str(path), "--out", str(tmp_path / "o"), "--quiet", "--bootstrap", "20"]) == 0
    out = capsys.readouterr()
    assert "no date" not in out.err
    assert "in 1 shard;" in out.out and "content_sentences" in out.out
    sents = pd.read_parquet(tmp_path / "o" / "sentences.parquet")
    assert sorted(set(sents["published"])) == ["2022-03", "2022-04-02"]


def test_mostly_undated_corpus_is_warned_about_and_resume_says_why(tmp_path, capsys):
    import pandas as pd

    from framing.cli import main as cli_main

    path = tmp_path / "in.csv"
    pd.DataFrame({"doc_id": ["a", "b"], "source": ["A", "B"], "when": ["2022-03-01", "2022-04-02"],
                  "text": ["Putin said so.", "Kyiv said no."]}).to_csv(path, index=False)
    base = ["score", str(path), "--out", str(tmp_path / "o"), "--quiet", "--bootstrap", "20"]
    assert cli_main(base) == 0
    assert "2 of 2 documents have no date" in capsys.readouterr().err
    assert cli_main([*base, "--resume", "--chunk-size", "1"]) == 0
    assert "scored again" in capsys.readouterr().err
