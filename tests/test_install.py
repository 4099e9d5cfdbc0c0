"""A built wheel, installed outside the checkout, scores: run-time data is package data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from .conftest import ROOT, SEEDS


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp)],
        check=True,
        cwd=tmp,
    )
    wheel = next(tmp.glob("framing-*.whl"))
    env_dir = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True)
    py = env_dir / "bin" / "python"
    site = subprocess.run(
        [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    # The wheel's files go into the fresh environment; its dependencies are
    # borrowed from this one (a plain path entry: the editable checkout's
    # import hook in that folder is not activated).
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", site, str(wheel)], check=True
    )
    Path(site, "zz_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return env_dir


def _run(env_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FRAMING_MODEL")}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_wheel_classifies_explains_and_scores_outside_the_checkout(installed, tmp_path):
    py = str(installed / "bin" / "python")
    code = (
        "import framing, json; out = framing.classify('Putin said the special military operation goes to plan.');"
        "print(json.dumps({'file': framing.__file__, 'label': out['label'].iloc[0]}))"
    )
    res = _run(installed, py, "-c", code, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout.strip().splitlines()[-1])
    assert str(installed) in got["file"] and str(ROOT) not in got["file"]
    assert got["label"] in ("official_claim", "propaganda_echo")
    cli = [py, "-m", "framing.cli"]
    res = _run(installed, *cli, "explain", "The tyrant ranted again.", cwd=tmp_path)
    assert res.returncode == 0 and "label:" in res.stdout, res.stderr
    res = _run(installed, *cli, "score", str(SEEDS), "--out", str(tmp_path / "run"), "--quiet", "--bootstrap", "20", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "run" / "sentences.parquet").exists()
