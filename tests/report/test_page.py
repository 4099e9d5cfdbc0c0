"""report.html: self-contained, renders in headless Chromium, hostile input stays text.

Chromium runs are the slow part (a few seconds each), so each page is dumped
and photographed once per module and the checks share the result.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.aggregate.accumulator import aggregate_summaries
from framing.aggregate.summaries import summarise
from framing.cli import main
from framing.report.charts import esc
from framing.report.page import Article, paragraph_breaks, render_report
from framing.schema import CONTENT_LABELS, LABEL_DISPLAY, LABELS

from ..batch.test_batch import paragraph_docs, write_jsonl
from ..conftest import SEEDS

HOSTILE = {
    "doc_id": "<img src=x onerror=\"document.title='pwned'\">",
    "source": "<script>document.title='pwned'</script>",
    "text": (
        "<script>document.title='pwned'</script> Kyiv said the strike hit a school. "
        "<img src=x onerror=\"document.title='pwned'\"> The tyrant ranted again, officials said. "
        "\"><svg onload=\"document.title='pwned'\"></svg> </span><b title='x'>bold</b> &amp; &lt;done&gt;."
    ),
}
HOSTILE_URL = "javascript:document.title='pwned'"
SAFE_URL = 'https://example.org/news?id=1&x="><script>'


def as_text(value: str) -> str:
    """How Chromium serialises text content (quotes stay literal)."""
    return html.escape(value, quote=False)


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


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


def pdf_pages(browser: str, page: Path, tmp: Path) -> tuple[int, Path]:
    pdf = tmp / f"{page.stem}.pdf"
    chromium(browser, page, tmp, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes())), pdf


def pixels_near(img: np.ndarray, colour: tuple[int, int, int], tol: int = 3) -> int:
    return int((np.abs(img - np.array(colour)).max(axis=-1) <= tol).sum())


def article_blocks(html: str) -> dict[str, str]:
    return dict(re.findall(r'<article class="doc" id="(doc-\d+)"[^>]*>(.*?)</article>', html, re.S))


def paragraphs(block: str) -> list[str]:
    return re.findall(r"<p>(.*?)</p>", re.search(r'<div class="text">(.*?)</div>', block, re.S).group(1))


def check_anchors(html: str) -> set[str]:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    targets = set(re.findall(r'href="#([^"]*)"', html))
    assert targets and targets <= ids, sorted(targets - ids)[:5]
    return targets


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "run"
    assert main(["score", str(SEEDS), "--out", str(out), "--quiet", "--bootstrap", "50"]) == 0
    return out / "report.html"


@pytest.fixture(scope="module")
def seed_dom(browser, seed_report, tmp_path_factory) -> str:
    return dom(browser, seed_report, tmp_path_factory.mktemp("dom"))


@pytest.fixture(scope="module")
def crafted(seed_report, seed_texts, tmp_path_factory) -> tuple[Path, list[Article]]:
    """The seed run's articles rendered directly, with titles, URLs and one original text."""
    sents = pd.read_parquet(seed_report.parent / "sentences.parquet")
    extra = [
        ("Putin's <b>defence</b>", SAFE_URL, True),
        ("", HOSTILE_URL, False),
        ("<img src=x onerror=\"document.title='pwned'\">", " JavaScript:alert(1)", False),
        ("", "", False),
        ("Plain title", "http://example.com/a", False),
    ]
    articles = []
    for (doc_id, rows), (title, url, with_text) in zip(sents.groupby("doc_id", sort=False), extra, strict=True):
        rows = rows.reset_index(drop=True)
        text = seed_texts[doc_id] if with_text else ""
        articles.append(Article(doc_id, rows.at[0, "source"], rows.at[0, "published"], rows, title, url, text))
    aggregates = aggregate_summaries([summarise(sents)], bootstrap=20, seed=0)
    page = tmp_path_factory.mktemp("crafted") / "crafted.html"
    page.write_text(render_report(aggregates, articles, {"documents": 5}, total_articles=9), encoding="utf-8")
    return page, articles


def test_report_is_self_contained_and_runs_only_its_own_script(seed_report):
    page = seed_report.read_text(encoding="utf-8")
    assert not re.search(r"""src\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    assert "default-src 'none'" in csp and "unsafe-inline'" not in csp.split("script-src")[1]
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 1 and page.count("<script") == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode("utf-8")).digest()).decode()
    assert re.search(r"script-src '([^']*)'", csp).group(1) == f"sha256-{digest}"


def test_chart_highlights_and_palette_render_in_chromium(browser, seed_report, seed_dom, tmp_path):
    html = seed_dom
    assert re.search(r'<svg[^>]*id="chart"', html)
    bars = re.findall(r'<rect class="bar c-(\w+)"', html)
    assert len(bars) == 4 * 4 and set(bars) >= {"reporting", "official_claim"}
    # No seed outlet has MIN_ARTICLES (5) articles: shares are drawn without whiskers.
    assert len(re.findall(r'<line class="ci"', html)) == 0
    # Each bar carries its label's initials and value, as in aggregates.csv.
    values = re.findall(r'<text class="val"[^>]*>(\w+) ([\d.]+)%</text>', html)
    sources = pd.read_csv(seed_report.parent / "aggregates.csv").query("level == 'source'")
    sun = sources[sources["source"] == "The Sun"].iloc[0]
    assert len(values) == 16
    assert values[:4] == [
        (LABEL_DISPLAY[lab].initials, f"{100 * sun[f'share_{lab}']:.1f}") for lab in CONTENT_LABELS
    ]
    spans = re.findall(r'<span class="s l-(\w+)" id="s-\d+-\d+">', html)
    assert len(spans) > 200 and {"boilerplate", "official_claim"} <= set(spans)
    # The inline script ran under the CSP: it shows the tools and makes headings sort buttons.
    assert '<div id="tools" class="tools">' in html and "5 of 5 articles shown" in html
    assert re.search(r"<th[^>]*><button[^>]*>source</button></th>", html)
    img = screenshot(browser, seed_report, tmp_path)
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 50
    for lab in ("reporting", "official_claim"):
        for colour in (LABEL_DISPLAY[lab].colour, LABEL_DISPLAY[lab].tint):
            assert pixels_near(img, rgb(colour)) > 200, (lab, colour)
    # The old pastel palette is gone.
    assert pixels_near(img, (0x59, 0xA1, 0x4F)) == 0 and pixels_near(img, (0xD9, 0xEF, 0xD5)) == 0


def test_script_filters_searches_and_sorts(browser, seed_report, tmp_path):
    # A copy without the CSP, so a driver script can act as the reader.
    raw = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", seed_report.read_text(encoding="utf-8"))
    driver = """<script>
    function set(id, v) { var e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event("input")); }
    var out = [];
    set("fsrc", document.querySelector("#fsrc option:nth-child(2)").value); set("flab", "propaganda_echo");
    out.push(document.getElementById("count").textContent);
    set("fsrc", ""); set("flab", ""); set("q", "  TYRANT ");
    out.push(document.getElementById("count").textContent);
    var th = document.querySelector("#aggregates th:nth-child(5) button"); th.click(); th.click();
    out.push(Array.prototype.map.call(document.querySelectorAll("#aggregates tbody td:first-child"),
      function (c) { return c.textContent; }).join("|"));
    document.body.setAttribute("data-result", out.join(";"));
    </script></body>"""
    page = tmp_path / "driven.html"
    page.write_text(raw.replace("</body>", driver), encoding="utf-8")
    result = re.search(r'data-result="([^"]*)"', dom(browser, page, tmp_path)).group(1).split(";")
    sents = pd.read_parquet(seed_report.parent / "sentences.parquet")
    first = sents["source"].iloc[0]
    with_pe = sents[(sents["source"] == first) & (sents["label"] == "propaganda_echo")]["doc_id"].nunique()
    tyrant = sents[sents["text"].str.lower().str.contains("tyrant")]["doc_id"].nunique()
    assert result[:2] == [f"{with_pe} of 5 articles shown", f"{tyrant} of 5 articles shown"]
    assert 0 < tyrant < 5
    shares = pd.read_csv(seed_report.parent / "aggregates.csv").query("level == 'source'")
    ascending = shares.sort_values("share_reporting", kind="stable")["source"].tolist()
    assert result[2].split("|") == ascending  # second click: ascending


def test_evidence_is_in_the_page_not_only_on_hover(seed_report, seed_dom):
    sents = pd.read_parquet(seed_report.parent / "sentences.parquet")
    blocks = article_blocks(seed_dom)
    assert len(blocks) == sents["doc_id"].nunique()
    for block in blocks.values():
        rows = re.findall(r'<tr id="(e-\d+-\d+)">(.*?)</tr>', block, re.S)
        chips = re.findall(r'<a class="chip k-\w+" href="#(e-\d+-\d+)"', block)
        assert chips == [r for r, _ in rows] and len(rows) > 5
    # A sentence's evidence is table text in its row, next to its label and probability.
    first = sents[sents["doc_id"] == sents["doc_id"].iloc[0]].reset_index(drop=True)
    k = int(np.flatnonzero(first["evidence"].str.len() > 20)[0])
    row = re.search(rf'<tr id="e-0-{k}">(.*?)</tr>', seed_dom, re.S).group(1)
    label = first.at[k, "label"]
    assert f"<td>{as_text(first.at[k, 'evidence'])}</td>" in row
    assert LABEL_DISPLAY[label].name in row and f"{first.at[k, f'p_{label}']:.2f}" in row
    assert 'title="' not in row and f'title="{esc(first.at[k, "evidence"])}' not in seed_dom
    # Native, focusable controls open the table: a checkbox with a label, and links.
    assert '<input type="checkbox" class="evt" id="evt-0"><label class="evl" for="evt-0">' in seed_dom


def test_print_shows_the_evidence_tables(browser, crafted, tmp_path):
    page, articles = crafted
    printed, pdf = pdf_pages(browser, page, tmp_path)
    bare = tmp_path / "no-evidence.html"
    raw = page.read_text(encoding="utf-8")
    stripped = re.sub(r'<div class="ev">.*?</table></div>', "", raw, flags=re.S)
    assert stripped != raw
    bare.write_text(stripped, encoding="utf-8")
    without, _ = pdf_pages(browser, bare, tmp_path)
    assert printed > without + 2, (printed, without)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        evidence = next(e for e in articles[0].sentences["evidence"] if len(e) > 40)
        assert " ".join(evidence.split()[:4]) in " ".join(text.split())


def test_legend_lists_every_label_with_its_initials_and_css_comes_from_schema(seed_report):
    page = seed_report.read_text(encoding="utf-8")
    legend = re.findall(r'<p class="legend">(.*?)</p>', page)[-1]
    keys = re.findall(
        r'<span class="s l-(\w+)">([^<]+)</span><span class="chip k-\w+">(\w+)</span> <small>\(([\w ]+)\)',
        legend,
    )
    assert [k[0] for k in keys] == list(LABELS)
    for lab, name, initials, cue in keys:
        st = LABEL_DISPLAY[lab]
        assert (name, initials) == (st.name, st.initials)
        assert st.underline in cue or cue == "no underline"
        assert f".l-{lab} {{ background: {st.tint};" in page
        assert f".c-{lab} {{ background: {st.colour}; fill: {st.colour};" in page
    assert len({LABEL_DISPLAY[lab].initials for lab in LABELS}) == len(LABELS)
    assert len({LABEL_DISPLAY[lab].underline for lab in LABELS}) == len(LABELS)
    assert "#59a14f" not in page and "#e15759" not in page


def test_contents_and_source_links_resolve(seed_dom):
    targets = check_anchors(seed_dom)
    assert {"sec-shares", "sec-aggregates", "sec-articles", "sec-months", "sec-trend"} <= targets
    assert {f"doc-{i}" for i in range(5)} <= targets
    table = re.search(r'<table id="aggregates".*?</table>', seed_dom, re.S).group(0)
    links = dict((name, sid) for sid, name in re.findall(r'<a href="#(src-\d+)">([^<]+)</a>', table))
    assert set(links) == {"The Sun", "Sky News", "LBC", "Daily Mirror"}
    sun = re.search(rf'<section class="src" id="{links["The Sun"]}">(.*?)</section>', seed_dom, re.S)
    assert len(article_blocks(sun.group(0))) == 2 and "(2 shown)" in sun.group(1)


def test_titles_urls_and_paragraphs_show(browser, crafted, tmp_path):
    page, articles = crafted
    html = dom(browser, page, tmp_path)
    check_anchors(html)
    assert re.search(r"<title>(.*?)</title>", html).group(1) == "framing report"
    blocks = article_blocks(html)
    assert "<h4>Putin's &lt;b&gt;defence&lt;/b&gt;</h4>" in blocks["doc-0"]
    link = re.findall(r'<a class="url" href="([^"]*)" rel="noopener noreferrer">', blocks["doc-0"])
    assert link == [esc(SAFE_URL).replace("&#x27;", "'")]
    for i, url in ((1, HOSTILE_URL), (2, "JavaScript:alert(1)")):
        assert '<a class="url"' not in blocks[f"doc-{i}"]
        assert '<span class="url">' in blocks[f"doc-{i}"] and url.split(":")[0] in blocks[f"doc-{i}"]
    assert "<img" not in html and "&lt;img src=x" in blocks["doc-2"]
    assert "<h4>" not in blocks["doc-3"] and "Plain title" in blocks["doc-4"]
    assert 'href="http://example.com/a"' in blocks["doc-4"]
    # With the original text, every non-blank line is one paragraph.
    lines = [line for line in articles[0].text.splitlines() if line.strip()]
    assert len(paragraphs(blocks["doc-0"])) == len(lines) > 5
    assert "Showing 5 of 9 articles" in html and "--report-articles N" in html


def test_paragraphs_from_the_sentence_table(tmp_path):
    docs = [
        {"doc_id": "two", "source": "X", "text": "Kyiv said the strike hit a school. Moscow denied it.\n\n"
         "The minister said talks would resume. Officials confirmed the date."},
        {"doc_id": "one", "source": "X", "text": "Kyiv said the strike hit a school. Moscow denied it."},
    ]  # fmt: skip
    out = tmp_path / "run"
    assert main(["score", str(write_jsonl(tmp_path / "in.jsonl", docs)), "--out", str(out), "--quiet",
                 "--bootstrap", "20"]) == 0  # fmt: skip
    blocks = article_blocks((out / "report.html").read_text(encoding="utf-8"))
    assert [len(paragraphs(b)) for b in blocks.values()] == [2, 1]
    assert paragraphs(blocks["doc-0"])[1].count('<span class="s') == 2


TWO_PARAS = (
    "Kyiv said the strike hit a school. Moscow denied it.\n"
    "The minister said talks would resume. Officials confirmed the date."
)


@pytest.mark.parametrize(
    ("ext", "title_key", "url_key"),
    [("csv", "title", "url"), ("jsonl", "headline", "link")],
)
def test_input_titles_urls_and_single_newline_paragraphs_reach_the_report(tmp_path, ext, title_key, url_key):
    docs = [
        {"doc_id": "two", "source": "X", title_key: "Strike <b>hits</b> school",
         url_key: "https://example.org/a?b=1&c=2", "text": TWO_PARAS},
        {"doc_id": "bare", "source": "X", title_key: "", url_key: "", "text": "The tyrant ranted again."},
    ]  # fmt: skip
    path = tmp_path / f"in.{ext}"
    if ext == "csv":
        pd.DataFrame(docs).to_csv(path, index=False)
    else:
        write_jsonl(path, docs)
    out = tmp_path / "run"
    assert main(["score", str(path), "--out", str(out), "--quiet", "--bootstrap", "20"]) == 0
    s = pd.read_parquet(out / "sentences.parquet")
    two = s[s["doc_id"] == "two"]
    assert set(two["title"]) == {"Strike <b>hits</b> school"}
    assert set(two["url"]) == {"https://example.org/a?b=1&c=2"}
    assert two["para"].tolist() == [0, 0, 1, 1]
    blocks = article_blocks((out / "report.html").read_text(encoding="utf-8"))
    assert "<h4>Strike &lt;b&gt;hits&lt;/b&gt; school</h4>" in blocks["doc-0"]
    assert 'href="https://example.org/a?b=1&amp;c=2"' in blocks["doc-0"]
    # A single "\n" after a full stop is a paragraph break, from the para column.
    assert [p.count('<span class="s') for p in paragraphs(blocks["doc-0"])] == [2, 2]
    assert "<h4>" not in blocks["doc-1"] and 'class="url"' not in blocks["doc-1"]


def test_paragraphs_survive_a_csv_run_and_framing_aggregate(tmp_path):
    corpus = write_jsonl(tmp_path / "in.jsonl", [{"doc_id": "two", "source": "X", "text": TWO_PARAS}])
    out = tmp_path / "run"
    assert main(["score", str(corpus), "--out", str(out), "--quiet", "--bootstrap", "20",
                 "--format", "csv"]) == 0  # fmt: skip
    assert pd.read_csv(out / "sentences.csv")["para"].tolist() == [0, 0, 1, 1]
    (out / "report.html").unlink()
    assert main(["aggregate", str(out)]) == 0
    (block,) = article_blocks((out / "report.html").read_text(encoding="utf-8")).values()
    assert len(paragraphs(block)) == 2


def test_paragraph_breaks_follow_the_para_column():
    rows = pd.DataFrame({"start": [0, 35, 53], "end": [34, 52, 90], "text": ["A.", "B.", "C."]})
    # Offsets alone see no break here (one-character gaps after full stops).
    assert paragraph_breaks(rows) == [False, False, False]
    assert paragraph_breaks(rows.assign(para=[0, 0, 1])) == [False, False, True]
    assert paragraph_breaks(rows.assign(para=["0", "1", "1"])) == [False, True, False]
    assert paragraph_breaks(rows.assign(line=[0, 1, 1])) == [False, True, False]
    assert paragraph_breaks(rows.assign(para=pd.array([0, 0, None], dtype="Int64"))) == [False, False, True]


def test_hostile_input_is_shown_as_text_and_nothing_runs(browser, tmp_path):
    corpus = write_jsonl(
        tmp_path / "in.jsonl",
        [HOSTILE, {**HOSTILE, "doc_id": "plain", "source": "=cmd|' /C calc'!A0"}],
    )
    out = tmp_path / "run"
    assert main(["score", str(corpus), "--out", str(out), "--quiet", "--bootstrap", "20"]) == 0
    page = out / "report.html"
    raw = page.read_text(encoding="utf-8")
    # The one script is the report's own (its hash is in the CSP); the corpus adds none.
    assert raw.count("<script") == 1 and "<img" not in raw and "<svg onload" not in raw
    html = dom(browser, page, tmp_path)
    assert re.search(r"<title>(.*?)</title>", html).group(1) == "framing report"
    assert html.count("<script") == 1 and "<img" not in html and "<b title" not in html
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in html
    assert len(re.findall(r'<span class="s l-\w+"', html)) >= 6
    assert re.search(r'<svg[^>]*id="chart"', html)
    # Undated input: no trend chart and no link to one.
    assert 'id="trend"' not in html and "sec-trend" not in html
    check_anchors(html)
    img = screenshot(browser, page, tmp_path)
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 20


def test_large_runs_say_how_to_see_more_and_chart_months(tmp_path, seed_texts):
    # Each source's articles spread over three months, so every source has a trend.
    docs = [{**d, "published": f"2022-0{1 + (k // 3) % 3}-15"} for k, d in enumerate(paragraph_docs(seed_texts))]
    out = tmp_path / "run"
    corpus = write_jsonl(tmp_path / "in.jsonl", docs)
    args = ["score", str(corpus), "--out", str(out), "--quiet", "--bootstrap", "20", "--report-articles", "4"]
    assert main(args) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    # Round-robin selection p000..p003 over three sources, grouped by source on the page.
    shown = re.findall(r'<p class="byline">([^<]*) &middot; <code>([^<]*)</code>', page)
    assert sorted(d for _, d in shown) == ["p000", "p001", "p002", "p003"]
    assert [s for s, _ in shown] == sorted((s for s, _ in shown), key=[s for s, _ in shown].index)
    assert len({s for s, _ in shown}) == 3
    assert f"Showing 4 of {len(docs)} articles" in page and "<code>--report-articles N</code>" in page
    assert "sentences.parquet" in page
    # Dates over three months: one trend chart per source, a line per label, labelled axes.
    trend = re.search(r'<div id="trend" class="trend">(.*?)</div>', page, re.S).group(1)
    assert trend.count("<svg") == 3
    lines = re.findall(r'<polyline class="line c-(\w+)"', trend)
    assert sorted(set(lines)) == sorted(CONTENT_LABELS) and len(lines) >= 3 * 4
    assert trend.count(">month</text>") == 3 and trend.count(">share of content (%)</text>") == 3
    assert all(m in trend for m in ("2022-01", "2022-02", "2022-03"))


def test_esc_escapes_quotes_and_markup():
    assert esc("<a href='x'>\"&") == "&lt;a href=&#x27;x&#x27;&gt;&quot;&amp;"
    assert esc(None) == ""
