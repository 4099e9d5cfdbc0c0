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
