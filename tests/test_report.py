"""report.html: self-contained, renders in headless Chromium, hostile input stays text."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from framing.cli import main
from framing.report import esc

from .conftest import SEEDS
from .test_batch import paragraph_docs, write_jsonl

HOSTILE = {
    "doc_id": "<img src=x onerror=\"document.title='pwned'\">",
    "source": "<script>document.title='pwned'</script>",
    "text": (
        "<script>document.title='pwned'</script> Kyiv said the strike hit a school. "
        "<img src=x onerror=\"document.title='pwned'\"> The tyrant ranted again, officials said. "
        "\"><svg onload=\"document.title='pwned'\"></svg> </span><b title='x'>bold</b> &amp; &lt;done&gt;."
    ),
}
# Label colours of the chart bars and of the sentence highlights (framing/templates/report.html).
BAR = {"reporting": (0x4E, 0x79, 0xA7), "official_claim": (0x59, 0xA1, 0x4F)}
HIGHLIGHT = {"reporting": (0xDB, 0xE7, 0xF3), "official_claim": (0xD9, 0xEF, 0xD5)}


@pytest.fixture(scope="module")
def browser() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "chromium not found (Debian: apt-get install chromium; .ci/run installs it)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def chromium(browser: str, page: Path, tmp: Path, *action: str) -> subprocess.CompletedProcess:
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--hide-scrollbars", f"--user-data-dir={tmp / 'profile'}", "--window-size=1200,2400",
    ]  # fmt: skip
    res = subprocess.run(
        [browser, *flags, *action, page.resolve().as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    return res


def dom(browser: str, page: Path, tmp: Path) -> str:
    return chromium(browser, page, tmp, "--dump-dom").stdout


def screenshot(browser: str, page: Path, tmp: Path) -> np.ndarray:
    image = pytest.importorskip("matplotlib.image")
    png = tmp / "shot.png"
    chromium(browser, page, tmp, f"--screenshot={png}")
    return np.round(image.imread(png)[..., :3] * 255).astype(int)


def pixels_near(img: np.ndarray, rgb: tuple[int, int, int], tol: int = 3) -> int:
    return int((np.abs(img - np.array(rgb)).max(axis=-1) <= tol).sum())


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "run"
    assert main(["score", str(SEEDS), "--out", str(out), "--quiet", "--bootstrap", "50"]) == 0
    return out / "report.html"


def test_report_is_self_contained(seed_report):
    page = seed_report.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page and "@import" not in page and "url(" not in page
    assert "Content-Security-Policy" in page


def test_chart_and_highlights_render_in_chromium(browser, seed_report, tmp_path):
    html = dom(browser, seed_report, tmp_path)
    assert re.search(r'<svg[^>]*id="chart"', html)
    bars = re.findall(r'<rect class="bar c-(\w+)"', html)
    assert len(bars) == 4 * 4 and set(bars) >= {"reporting", "official_claim"}
    # No seed outlet has MIN_ARTICLES (5) articles: shares are drawn without whiskers.
    assert len(re.findall(r'<line class="ci"', html)) == 0
    spans = re.findall(r'<span class="s l-(\w+)" title="([^"]*)"', html)
    assert len(spans) > 200 and {"boilerplate", "official_claim"} <= {s[0] for s in spans}
    assert any("p=" in title for _, title in spans)
    assert 'id="aggregates"' in html and "The Sun" in html
    img = screenshot(browser, seed_report, tmp_path)
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 50
    for rgb in (*BAR.values(), *HIGHLIGHT.values()):
        assert pixels_near(img, rgb) > 200, rgb


def test_hostile_input_is_shown_as_text_and_nothing_runs(browser, tmp_path):
    corpus = write_jsonl(
        tmp_path / "in.jsonl",
        [HOSTILE, {**HOSTILE, "doc_id": "plain", "source": "=cmd|' /C calc'!A0"}],
    )
    out = tmp_path / "run"
    assert main(["score", str(corpus), "--out", str(out), "--quiet", "--bootstrap", "20"]) == 0
    page = out / "report.html"
    raw = page.read_text(encoding="utf-8")
    assert "<script" not in raw and "<img" not in raw and "<svg onload" not in raw
    html = dom(browser, page, tmp_path)
    assert re.search(r"<title>(.*?)</title>", html).group(1) == "framing report"
    assert "<script" not in html and "<img" not in html and "<b title" not in html
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in html
    assert len(re.findall(r'<span class="s l-\w+"', html)) >= 6
    assert re.search(r'<svg[^>]*id="chart"', html)
    img = screenshot(browser, page, tmp_path)
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 20


def test_large_runs_show_a_round_robin_selection_of_articles(tmp_path, seed_texts):
    docs = paragraph_docs(seed_texts)
    out = tmp_path / "run"
    corpus = write_jsonl(tmp_path / "in.jsonl", docs)
    assert (
        main(
            [
                "score",
                str(corpus),
                "--out",
                str(out),
                "--quiet",
                "--bootstrap",
                "20",
                "--report-articles",
                "4",
            ]
        )
        == 0
    )
    page = (out / "report.html").read_text(encoding="utf-8")
    shown = re.findall(
        r'<div class="doc" id="doc-\d+"><h3>([^<]*) &middot; <code>([^<]*)</code>', page
    )
    assert [d for _, d in shown] == ["p000", "p001", "p002", "p003"]
    assert len({s for s, _ in shown}) == 3
    assert f"Showing 4 of {len(docs)} articles" in page


def test_esc_escapes_quotes_and_markup():
    assert esc("<a href='x'>\"&") == "&lt;a href=&#x27;x&#x27;&gt;&quot;&amp;"
    assert esc(None) == ""
