"""``report.html``: one self-contained page of a run's aggregates and labeled articles.

The page needs no network and runs no script: CSS is inline, the chart is
inline SVG, and a Content-Security-Policy forbids scripts outright. Every
piece of corpus data (article text, doc ids, sources, terms, evidence) is
HTML-escaped before it enters the page, so hostile input shows as text.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from importlib import resources
from string import Template

import pandas as pd

from framing.aggregate import MIN_ARTICLES, Aggregates
from framing.schema import BOILERPLATE, CONTENT_LABELS, PROBA_COLUMNS

MAX_CHART_SOURCES = 40
LABEL_NAMES = {
    "reporting": "reporting",
    "official_claim": "official claim",
    "editorialising": "editorialising",
    "propaganda_echo": "propaganda echo",
    BOILERPLATE: "boilerplate",
}


@dataclass
class Article:
    """One article's labeled sentences for the report."""

    doc_id: str
    source: str
    published: str
    sentences: pd.DataFrame  # OUTPUT_COLUMNS rows of this article, in order


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute.

    Examples
    --------
    >>> esc('<b title="x">')
    '&lt;b title=&quot;x&quot;&gt;'
    """
    return html.escape("" if value is None else str(value), quote=True)


def render_report(
    aggregates: Aggregates, articles: list[Article], meta: dict, total_articles: int | None = None
) -> str:
    """The report page as a string.

    Parameters
    ----------
    aggregates : Aggregates
        From :mod:`framing.aggregate`.
    articles : list of Article
        The articles to show highlighted (a selection for large runs).
    meta : dict
        Shown in the header: ``documents``, ``sentences``, ``model_sha256``,
        ``created`` (any subset).
    total_articles : int, optional
        Articles in the run, to say how many are shown.

    Examples
    --------
    >>> page = render_report(aggregates, [], {"documents": 5})  # doctest: +SKIP
    >>> page.startswith("<!DOCTYPE html>")  # doctest: +SKIP
    True
    """
    if not isinstance(aggregates, Aggregates):
        raise TypeError(f"aggregates must be an Aggregates, got {type(aggregates).__name__}")
    return _render(aggregates, articles, meta, total_articles)


def _render(
    aggregates: Aggregates, articles: list[Article], meta: dict, total_articles: int | None
) -> str:
    template = Template(
        resources.files("framing").joinpath("templates", "report.html").read_text(encoding="utf-8")
    )
    sources = aggregates.sources()
    shown = len(articles)
    total = total_articles if total_articles is not None else shown
    articles_note = (
        f"Showing {shown} of {total} articles (a round-robin selection across sources, in corpus order)."
        if shown < total
        else f"All {total} articles."
    )
    chart_note = (
        f"The {MAX_CHART_SOURCES} sources with most articles are shown; the table lists all."
        if len(sources) > MAX_CHART_SOURCES
        else ""
    )
    return template.substitute(
        meta=_meta(meta),
        legend=_legend(CONTENT_LABELS, "c"),
        legend_all=_legend((*CONTENT_LABELS, BOILERPLATE), "l"),
        chart=_chart(sources),
        chart_note=esc(chart_note),
        table=_source_table(sources, aggregates.meta.get("rate_categories", [])),
        months=_month_table(aggregates.table),
        pairwise=_pairwise_table(aggregates.pairwise),
        articles="\n".join(_article(a, i) for i, a in enumerate(articles)),
        articles_note=esc(articles_note),
    )


def _meta(meta: dict) -> str:
    parts = []
    for key, label in (
        ("documents", "documents"),
        ("failed", "failed"),
        ("sentences", "sentences"),
        ("content", "content sentences"),
    ):
        if key in meta:
            parts.append(f"{esc(f'{meta[key]:,}')} {label}")
    if meta.get("model_sha256"):
        parts.append(f"model {esc(str(meta['model_sha256'])[:12])}")
    if meta.get("created"):
        parts.append(esc(meta["created"]))
    return " &middot; ".join(parts)


def _legend(labels, prefix: str) -> str:
    return "".join(
        f'<span><i class="{prefix}-{lab}"></i>{esc(LABEL_NAMES[lab])}</span>' for lab in labels
    )


def _chart(sources: pd.DataFrame) -> str:
    if len(sources) == 0:
        return '<p class="note">No content sentences to chart.</p>'
    rows = sources.sort_values(["articles", "source"], ascending=[False, True], kind="stable").head(
        MAX_CHART_SOURCES
    )
    bar, gap, left, width = 11, 10, 190, 640
    group_h = bar * len(CONTENT_LABELS) + gap
    top = 24
    height = top + group_h * len(rows) + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 70}" height="{height}" '
        'role="img" aria-label="label shares by source" id="chart">'
    ]
    for tick in range(0, 101, 20):
        x = left + width * tick / 100
        out.append(
            f'<line class="grid" x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 10}"/>'
        )
        out.append(f'<text x="{x:.1f}" y="{top - 8}" text-anchor="middle">{tick}%</text>')
    for g, row in enumerate(rows.itertuples(index=False)):
        y0 = top + g * group_h
        name = str(row.source) if str(row.source) else "(no source)"
        short = name if len(name) <= 28 else name[:27] + "\u2026"
        out.append(
            f'<text x="{left - 8}" y="{y0 + bar * 2 + 4}" text-anchor="end"><title>{esc(name)}</title>'
            f"{esc(short)} (n={int(row.articles)})</text>"
        )
        for j, label in enumerate(CONTENT_LABELS):
            share = getattr(row, f"share_{label}")
            lo, hi = getattr(row, f"share_{label}_lo"), getattr(row, f"share_{label}_hi")
            y = y0 + j * bar
            w = 0.0 if not _finite(share) else width * share
            tip = f"{name}: {LABEL_NAMES[label]} {_pct(share)}" + (
                f" (95% CI {_pct(lo)}\u2013{_pct(hi)})" if _finite(lo) else ""
            )
            out.append(
                f'<rect class="bar c-{label}" x="{left}" y="{y + 1}" width="{w:.1f}" height="{bar - 2}">'
                f"<title>{esc(tip)}</title></rect>"
            )
            if _finite(lo) and _finite(hi):
                x1, x2, ym = left + width * lo, left + width * hi, y + bar / 2
                out.append(
                    f'<line class="ci" x1="{x1:.1f}" y1="{ym:.1f}" x2="{x2:.1f}" y2="{ym:.1f}"/>'
                )
                for x in (x1, x2):
                    out.append(
                        f'<line class="ci" x1="{x:.1f}" y1="{y + 2}" x2="{x:.1f}" y2="{y + bar - 2}"/>'
                    )
    out.append(f'<line class="axis" x1="{left}" y1="{top - 4}" x2="{left}" y2="{height - 10}"/>')
    out.append("</svg>")
    return "\n".join(out)


def _source_table(sources: pd.DataFrame, categories: list[str]) -> str:
    return "".join(
        [
            _table(
                "aggregates",
                [
                    "source",
                    "articles",
                    "sentences",
                    "words",
                    *(LABEL_NAMES[lab] for lab in CONTENT_LABELS),
                ],
                [
                    [_name_cell(row["source"]), *_share_cells(row)]
                    for row in sources.to_dict("records")
                ],
            ),
            "<h3>Loaded terms per 1,000 words</h3>",
            _table(
                "rates",
                [
                    "source",
                    *(c.replace("propaganda_", "prop. ").replace("_", " ") for c in categories),
                ],
                [
                    [
                        _name_cell(row["source"]),
                        *(f"<td>{_num(row[f'rate_{c}'])}</td>" for c in categories),
                    ]
                    for row in sources.to_dict("records")
                ],
            ),
            "<h3>Terms that drive each label</h3>",
            _table(
                "drivers",
                ["source", *(LABEL_NAMES[lab] for lab in CONTENT_LABELS)],
                [
                    [
                        _name_cell(row["source"]),
                        *(
                            f'<td class="t">{esc(row[f"drivers_{lab}"])}</td>'
                            for lab in CONTENT_LABELS
                        ),
                    ]
                    for row in sources.to_dict("records")
                ],
                first_cols=1 + len(CONTENT_LABELS),
            ),
        ]
    )


def _table(table_id: str, head: list[str], rows: list[list[str]], first_cols: int = 1) -> str:
    out = [f'<table id="{table_id}"><thead><tr>']
    out += [
        f'<th class="{"t" if i < first_cols else ""}">{esc(h)}</th>' for i, h in enumerate(head)
    ]
    out.append("</tr></thead><tbody>")
    out += ["<tr>" + "".join(cells) + "</tr>" for cells in rows]
    out.append("</tbody></table>")
    return "".join(out)


def _name_cell(value) -> str:
    return f'<td class="t">{esc(value or "(none)")}</td>'


def _share_cells(row: dict) -> list[str]:
    cells = [f"<td>{int(row[k]):,}</td>" for k in ("articles", "sentences", "words")]
    for label in CONTENT_LABELS:
        lo = row[f"share_{label}_lo"]
        ci = (
            f"<br><small>{_pct(lo)}\u2013{_pct(row[f'share_{label}_hi'])}</small>"
            if _finite(lo)
            else ""
        )
        cells.append(f"<td>{_pct(row[f'share_{label}'])}{ci}</td>")
    return cells


def _month_table(table: pd.DataFrame) -> str:
    months = table[table["level"] == "month"]
    if len(months) == 0:
        return ""
    head = [
        "source",
        "month",
        "articles",
        "sentences",
        "words",
        *(LABEL_NAMES[lab] for lab in CONTENT_LABELS),
    ]
    rows = [
        [_name_cell(row["source"]), f'<td class="t">{esc(row["month"])}</td>', *_share_cells(row)]
        for row in months.to_dict("records")
    ]
    return f"<details><summary>Per source and month</summary>{_table('months', head, rows, 2)}</details>"


def _pairwise_table(pairwise: pd.DataFrame) -> str:
    sig = pairwise[pairwise["significant"]]
    untested = int((pairwise["note"] != "").sum()) if "note" in pairwise else 0
    title = f"Significant differences between sources ({len(sig)} of {len(pairwise)} comparisons)"
    note = (
        f'<p class="note">{untested} comparisons not tested: a source with fewer than '
        f"{MIN_ARTICLES} articles gets no interval and no test.</p>"
        if untested
        else ""
    )
    if len(sig) == 0:
        return f'<details><summary>{esc(title)}</summary>{note}<p class="note">None.</p></details>'
    out = [f"<details><summary>{esc(title)}</summary>{note}<table><thead><tr>"]
    out += [
        f"<th>{h}</th>"
        for h in ("source A", "source B", "label", "A &minus; B", "95% interval", "Holm p")
    ]
    out.append("</tr></thead><tbody>")
    for row in sig.head(500).to_dict("records"):
        out.append(
            f'<tr><td class="t">{esc(row["source_a"])}</td><td class="t">{esc(row["source_b"])}</td>'
            f'<td class="t">{esc(LABEL_NAMES[row["label"]])}</td><td>{_pct(row["difference"])}</td>'
            f"<td>{_pct(row['lo'])}\u2013{_pct(row['hi'])}</td><td>{_num(row['p_holm'])}</td></tr>"
        )
    out.append("</tbody></table></details>")
    return "".join(out)


def _article(article: Article, i: int) -> str:
    head = (
        f"<h3>{esc(article.source or '(no source)')} &middot; <code>{esc(article.doc_id)}</code>"
        + (f" &middot; {esc(article.published)}" if article.published else "")
        + "</h3>"
    )
    spans = []
    s = article.sentences
    probs = s[list(PROBA_COLUMNS)].to_numpy(dtype=float) if len(s) else None
    for k, (label, text, evidence) in enumerate(
        zip(s["label"].tolist(), s["text"].tolist(), s["evidence"].tolist(), strict=True)
    ):
        name = LABEL_NAMES.get(label, str(label))
        if label in CONTENT_LABELS:
            p = probs[k, CONTENT_LABELS.index(label)]
            tip = f"{name} (p={p:.2f})"
        else:
            tip = name
        if evidence:
            tip += f"\n{evidence}"
        cls = label if label in LABEL_NAMES else "boilerplate"
        spans.append(f'<span class="s l-{cls}" title="{esc(tip)}">{esc(text)}</span>')
    return f'<div class="doc" id="doc-{i}">{head}<p>{" ".join(spans)}</p></div>'


def _finite(x) -> bool:
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def _pct(x) -> str:
    return f"{100 * float(x):.1f}%" if _finite(x) else "&ndash;"


def _num(x) -> str:
    return f"{float(x):.2f}" if _finite(x) else "&ndash;"
