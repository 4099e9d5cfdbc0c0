"""``report.html``: one self-contained page of a run's aggregates and labeled articles.

The page needs no network. CSS is inline, the charts are inline SVG
(:mod:`framing.report.charts`), and a Content-Security-Policy allows one
inline script only, by its hash (:mod:`framing.report.nav`: search, filters,
sortable tables); everything else, evidence included, works without it.
Every piece of corpus data (article text, titles, URLs, doc ids, sources,
terms, evidence) is HTML-escaped before it enters the page, so hostile input
shows as text; only ``http(s)`` URLs become links.

Label names, colours, initials and underline styles come from
:data:`framing.schema.LABEL_DISPLAY`; the label CSS is generated from it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from string import Template

import pandas as pd

from framing.aggregate.accumulator import Aggregates
from framing.aggregate.bootstrap import MIN_ARTICLES
from framing.report.charts import MAX_CHART_SOURCES, esc, finite, share_chart, trend_charts
from framing.report.nav import SCRIPT, contents, script_hash, source_ids, tools
from framing.report.tables import month_table, pairwise_table, source_tables
from framing.schema import (
    BOILERPLATE,
    CONTENT_LABELS,
    LABEL_DISPLAY,
    LABELS,
    MUTED_TEXT,
    PROBA_COLUMNS,
)

__all__ = ["Article", "esc", "label_css", "paragraph_breaks", "render_report", "url_html"]

# The segmenter cuts inside a line only after terminal punctuation (and any
# closing quotes), so a sentence that does not end so ended its line.
_SENTENCE_END = re.compile("[.!?\u2026]+[\"\u201d\u2019')\\]]*$")
_HTTP_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.IGNORECASE)


@dataclass
class Article:
    """One article's labeled sentences for the report.

    ``title``, ``url`` and ``text`` (the original text, for exact paragraph
    breaks) are optional; when empty, ``title`` and ``url`` are taken from
    columns of that name in ``sentences`` if it has them.
    """

    doc_id: str
    source: str
    published: str
    sentences: pd.DataFrame  # OUTPUT_COLUMNS rows of this article, in order
    title: str = ""
    url: str = ""
    text: str = ""


def render_report(
    aggregates: Aggregates, articles: list[Article], meta: dict, total_articles: int | None = None
) -> str:
    """The report page as a string.

    Parameters
    ----------
    aggregates : Aggregates
        From :mod:`framing.aggregate.core`.
    articles : list of Article
        The articles to show highlighted (a selection for large runs).
    meta : dict
        Shown in the header: ``documents``, ``sentences``, ``model_sha256``,
        ``created`` (any subset); ``sentences_file`` names the run's
        sentences file in the note on unshown articles.
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
    ids = source_ids([a.source for a in articles])
    trend = trend_charts(aggregates.table)
    months = month_table(aggregates.table, ids)
    pairwise = pairwise_table(aggregates.pairwise)
    sections = [
        ("sec-shares", "Label shares by source"),
        *([("sec-trend", "Label shares by month")] if trend else []),
        ("sec-aggregates", "Aggregates"),
        ("sec-rates", "Loaded terms per 1,000 words"),
        ("sec-drivers", "Terms that drive each label"),
        *([("sec-months", "Per source and month")] if months else []),
        ("sec-pairwise", "Differences between sources"),
        ("sec-articles", "Articles"),
    ]
    by_source: dict[str, list[tuple[str, str]]] = {}
    for i, a in enumerate(articles):
        by_source.setdefault(a.source, []).append((f"doc-{i}", _short(_field(a, "title") or a.doc_id, 60)))
    chart_note = (
        f"The {MAX_CHART_SOURCES} sources with most articles are shown; the table lists all."
        if len(sources) > MAX_CHART_SOURCES
        else ""
    )
    return template.substitute(
        script_hash=script_hash(SCRIPT),
        label_css=label_css(),
        meta=_meta(meta),
        toc=contents(sections, by_source, ids),
        legend=_legend(CONTENT_LABELS),
        legend_all=_legend(LABELS, underline=True),
        chart=share_chart(sources),
        chart_note=esc(chart_note),
        min_articles=MIN_ARTICLES,
        trend=_trend_section(trend),
        table=source_tables(sources, aggregates.meta.get("rate_categories", []), ids),
        months=months,
        pairwise=pairwise,
        tools=tools(ids) if articles else "",
        articles=_articles(articles, ids),
        articles_note=_articles_note(len(articles), total_articles, meta),
        script=SCRIPT,
    )


def label_css(labels: Iterable[str] = LABELS) -> str:
    """The label rules of the page's stylesheet, from :data:`~framing.schema.LABEL_DISPLAY`.

    ``l-<label>``: a highlighted sentence (tint and underline);
    ``c-<label>``: the strong colour (swatches, bars, lines);
    ``k-<label>``: the initials chip.

    Examples
    --------
    >>> ".c-reporting { background: #0072b2; fill: #0072b2; stroke: #0072b2; }" in label_css()
    True
    """
    rules = []
    for lab in labels:
        st = LABEL_DISPLAY[lab]
        rules += [
            f".l-{lab} {{ background: {st.tint}; text-decoration: {st.text_decoration()}; }}",
            f".c-{lab} {{ background: {st.colour}; fill: {st.colour}; stroke: {st.colour}; }}",
            f".k-{lab} {{ background: {st.tint}; border-color: {st.colour}; }}",
            # The script's label filter sets data-only; other labels fade.
            f'body[data-only="{lab}"] .s:not(.l-{lab}) {{ background: none; text-decoration: none; '
            "color: #767676; }",
        ]
    rules += [f".l-{BOILERPLATE} {{ color: {MUTED_TEXT}; }}", "svg rect.bar { stroke: none; }"]
    return "\n".join(rules)


def _legend(labels: Iterable[str], underline: bool = False) -> str:
    out = []
    for lab in labels:
        st = LABEL_DISPLAY[lab]
        cue = (
            f" <small>({'no underline' if st.underline == 'none' else st.underline + ' underline'})</small>"
            if underline
            else ""
        )
        out.append(
            f'<span class="key"><span class="sw c-{lab}"></span><span class="s l-{lab}">{esc(st.name)}</span>'
            f'<span class="chip k-{lab}">{esc(st.initials)}</span>{cue}</span>'
        )
    return "".join(out)


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


def _articles_note(shown: int, total: int | None, meta: dict) -> str:
    total = shown if total is None else total
    if shown >= total:
        return f"All {total:,} articles."
    name = meta.get("sentences_file")
    where = (
        f"<code>{esc(name)}</code>"
        if name
        else "<code>sentences.parquet</code> (<code>sentences.csv</code> with <code>--format csv</code>)"
    )
    return (
        f"Showing {shown:,} of {total:,} articles (a round-robin selection across sources, in corpus "
        f"order). To show more, run <code>framing score</code> again with <code>--report-articles N</code>. "
        f"Every sentence of every article, with its label, probabilities and evidence, is in {where} "
        "in the run folder; to read one source's articles, filter that file on its <code>source</code> "
        "column (in a notebook, <code>framing.report.plots.highlight_html</code> shows them highlighted)."
    )


def _trend_section(trend: str) -> str:
    if not trend:
        return ""
    return (
        '<h2 id="sec-trend">Label shares by month</h2>'
        f'<p class="legend">{_trend_legend()}</p>{trend}'
        '<p class="note">Share of content sentences per label and month, one chart per source. '
        f"Hollow points: months with fewer than {MIN_ARTICLES} articles (noisy). "
        "The numbers are in the per-month table under Aggregates.</p>"
    )


def _trend_legend() -> str:
    out = []
    for lab in CONTENT_LABELS:
        st = LABEL_DISPLAY[lab]
        dash = f' stroke-dasharray="{st.dash}"' if st.dash else ""
        out.append(
            f'<span class="key"><svg width="34" height="10" aria-hidden="true">'
            f'<line class="line c-{lab}" x1="1" y1="5" x2="33" y2="5"{dash}/></svg> '
            f'{esc(st.name)} <span class="chip k-{lab}">{esc(st.initials)}</span></span>'
        )
    return "".join(out)


# ---------------------------------------------------------------- articles


def _articles(articles: list[Article], ids: dict[str, str]) -> str:
    groups: dict[str, list[str]] = {name: [] for name in ids}
    for i, a in enumerate(articles):
        groups[a.source].append(_article(a, i, ids[a.source]))
    return "\n".join(
        f'<section class="src" id="{ids[name]}"><h3>{esc(name or "(no source)")} '
        f'<span class="note">({len(docs)} shown)</span></h3>{"".join(docs)}</section>'
        for name, docs in groups.items()
    )


def _article(article: Article, i: int, sid: str) -> str:
    s = article.sentences
    title, url = _field(article, "title"), _field(article, "url")
    byline = [esc(article.source or "(no source)"), f"<code>{esc(article.doc_id)}</code>"]
    if article.published:
        byline.append(esc(article.published))
    if url:
        byline.append(url_html(url))
    labels = s["label"].tolist() if len(s) else []
    probs = s[list(PROBA_COLUMNS)].to_numpy(dtype=float) if len(s) else None
    breaks = paragraph_breaks(s, article.text)
    paras: list[list[str]] = []
    rows = []
    for k, (label, text, evidence) in enumerate(
        zip(labels, s["text"].tolist(), s["evidence"].tolist(), strict=True)
    ):
        cls = label if label in LABEL_DISPLAY else BOILERPLATE
        st = LABEL_DISPLAY[cls]
        name = st.name if label in LABEL_DISPLAY else str(label)
        p = probs[k, LABELS.index(label)] if label in LABELS else math.nan
        p_text = f"{p:.2f}" if finite(p) else "\u2013"
        tip = esc(name + (f", p={p_text}" if finite(p) else "") + ": evidence")
        if k == 0 or breaks[k]:
            paras.append([])
        paras[-1].append(
            f'<span class="s l-{cls}" id="s-{i}-{k}">{esc(text)}</span>'
            f'<a class="chip k-{cls}" href="#e-{i}-{k}" title="{tip}" aria-label="{tip}">'
            f"{esc(st.initials)}</a>"
        )
        rows.append(
            f'<tr id="e-{i}-{k}"><td><a href="#s-{i}-{k}" aria-label="back to sentence {k + 1}">'
            f'{k + 1}</a></td><td class="t"><span class="chip k-{cls}">{esc(st.initials)}</span> '
            f"{esc(name)}</td><td>{p_text}</td><td>{esc(text)}</td>"
            f"<td>{esc(evidence) if isinstance(evidence, str) else ''}</td></tr>"
        )
    body = "".join(f"<p>{' '.join(para)}</p>" for para in paras)
    evidence_table = (
        f'<input type="checkbox" class="evt" id="evt-{i}"><label class="evl" for="evt-{i}">'
        f"Show evidence ({len(rows)} sentences)</label>"
        '<div class="ev"><table><thead><tr><th>#</th><th class="t">label</th><th>p</th>'
        '<th class="t">sentence</th><th class="t">evidence</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    present = esc(" ".join(sorted(set(map(str, labels)))))
    return (
        f'<article class="doc" id="doc-{i}" data-src="{sid}" data-labels="{present}">'
        + (f"<h4>{esc(title)}</h4>" if title else "")
        + f'<p class="byline">{" &middot; ".join(byline)}</p><div class="text">{body}</div>'
        + f"{evidence_table}</article>"
    )


def paragraph_breaks(sentences: pd.DataFrame, text: str = "") -> list[bool]:
    """Whether a new paragraph starts before each sentence of one article.

    With the original ``text``, a gap between two sentences that holds a
    line break is a paragraph break. Without it, a ``para`` column (the
    sentence's paragraph index, which ``framing score`` and
    :func:`framing.classify` write with the same rule; ``line`` is read
    alike) decides: both are exact. Failing that, the sentence table's
    offsets are a guess: a sentence that does not end in terminal punctuation
    ended its line (the segmenter cuts inside a line only after one), and a
    gap of two or more characters is taken as a blank line or line break. A
    single ``"\\n"`` between full stops cannot be told from a space by
    offsets alone.

    Parameters
    ----------
    sentences : DataFrame
        The article's rows in order, with ``start``, ``end`` and ``text``,
        and ``para`` where known.
    text : str, optional
        The article's original text.

    Examples
    --------
    >>> t = "Kyiv said so. Moscow denied it.\\n\\nA HEADLINE\\nMore text."
    >>> s = pd.DataFrame({"start": [0, 14, 33, 44], "end": [13, 31, 43, 54],
    ...                   "text": ["Kyiv said so.", "Moscow denied it.", "A HEADLINE", "More text."]})
    >>> paragraph_breaks(s, t)
    [False, False, True, True]
    >>> paragraph_breaks(s.assign(para=[0, 0, 1, 2]))
    [False, False, True, True]
    >>> paragraph_breaks(s)
    [False, False, True, True]
    """
    n = len(sentences)
    if n == 0:
        return []
    offsets = _offsets(sentences)
    if text and offsets is not None:
        starts, ends = offsets
        gaps = [text[e:s] for e, s in zip(ends[:-1], starts[1:], strict=True)]
        return [False] + ["\n" in g or "\r" in g for g in gaps]
    for col in ("para", "line"):
        if col in sentences.columns:
            # Compared as text: a CSV sentences file gives "0", "1", and a
            # missing value (pd.NA) has no truth value.
            marks = [str(m) for m in sentences[col].tolist()]
            return [False] + [marks[k] != marks[k - 1] for k in range(1, n)]
    if offsets is None:
        return [False] * n
    starts, ends = offsets
    texts = [str(t).rstrip() for t in sentences["text"].tolist()]
    return [False] + [
        s - e >= 2 or not _SENTENCE_END.search(t)
        for e, s, t in zip(ends[:-1], starts[1:], texts[:-1], strict=True)
    ]


def _offsets(sentences: pd.DataFrame) -> tuple[list[int], list[int]] | None:
    """The rows' ``start`` and ``end`` as ints, or None where they are missing or not numbers."""
    try:
        starts = [int(x) for x in sentences["start"].tolist()]
        ends = [int(x) for x in sentences["end"].tolist()]
    except (KeyError, TypeError, ValueError):
        return None
    return starts, ends


def url_html(url: str) -> str:
    """An article's URL for the page: a link if it is ``http(s)``, else escaped text.

    Examples
    --------
    >>> url_html("https://example.org/a?b=1&c=2")
    '<a class="url" href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">https://example.org/a?b=1&amp;c=2</a>'
    >>> url_html("javascript:alert(1)")
    '<span class="url">javascript:alert(1)</span>'
    """
    url = url.strip()
    if _HTTP_URL.fullmatch(url):
        return f'<a class="url" href="{esc(url)}" rel="noopener noreferrer">{esc(url)}</a>'
    return f'<span class="url">{esc(url)}</span>'


def _field(article: Article, name: str) -> str:
    value = getattr(article, name, "")
    if not value and name in article.sentences.columns and len(article.sentences):
        value = article.sentences[name].iloc[0]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"
