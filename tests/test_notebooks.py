"""The committed notebooks: executed, error-free, thin (logic lives in the package).

Running them is ``FRAMING_FAST=1 pytest --nbmake notebooks/`` (``make test``);
these checks only read the files, so they are cheap.
"""

from __future__ import annotations

import json
import re

import pytest

from .conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Definitions belong in framing/ (plots.py for figures), not in a notebook.
_DEFINITION = re.compile(r"^\s*(def|class|async\s+def)\s", re.MULTILINE)


def _code_cells(path) -> list[dict]:
    book = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in book["cells"] if c["cell_type"] == "code"]


def _source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def test_the_four_notebooks_exist():
    names = [p.name for p in NOTEBOOKS]
    assert names == [
        "01_train.ipynb",
        "02_evaluate.ipynb",
        "03_compare_sources.ipynb",
        "04_own_labels.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_with_outputs_and_no_errors(path):
    cells = _code_cells(path)
    assert cells
    assert all(c.get("execution_count") for c in cells), "execute the notebook before committing"
    counts = [c["execution_count"] for c in cells]
    assert counts == sorted(counts), "cells were run out of order"
    errors = [o for c in cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[0].get("ename")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_thin_and_has_a_fast_mode(path):
    source = "\n".join(_source(c) for c in _code_cells(path))
    assert not _DEFINITION.search(source), "move functions and classes into the framing package"
    assert 'os.environ.get("FRAMING_FAST") == "1"' in source
    assert "train(bundle=True" not in source.replace(" ", "")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_outputs_stay_small(path):
    assert path.stat().st_size < 1_000_000


def test_own_labels_notebook_trains_into_a_temporary_folder():
    source = "\n".join(_source(c) for c in _code_cells(ROOT / "notebooks" / "04_own_labels.ipynb"))
    assert "WORK = Path(tempfile.mkdtemp(" in source
    calls = re.findall(r"framing\.train\((.*)\)", source)
    assert calls and all("out=WORK" in call for call in calls), calls


def test_own_labels_notebook_says_which_mode_its_outputs_are_from():
    book = json.loads((ROOT / "notebooks" / "04_own_labels.ipynb").read_text(encoding="utf-8"))
    intro = _source(book["cells"][0])
    first = _code_cells(ROOT / "notebooks" / "04_own_labels.ipynb")[0]
    printed = "".join(_source({"source": o.get("text", "")}) for o in first.get("outputs", []))
    mode = "fast mode" if printed.startswith("fast mode") else "full mode"
    assert f"outputs are from **{mode}**" in intro, f"the first cell printed {mode}; say so in the intro"
