"""bench/run.py works end to end (quick mode, tiny corpus; no timing assertions)."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import ROOT


def test_quick_bench_writes_results(tmp_path):
    res = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--out-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text())
    summary = results["summary"]
    for key in ("floor_sentences_per_s", "per_core_sentences_per_s", "speedup", "memory_ratio"):
        assert summary[key] > 0, key
    assert results["large_1"]["sentences"] > results["small_1"]["sentences"] > 0
    assert "| measure | result | target |" in res.stdout
    assert not (tmp_path / "runs").exists()
