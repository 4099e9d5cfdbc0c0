"""The inline SVG charts of ``report.html``: label shares by source, and shares by month.

Charts are plain SVG strings (no script, no external file). Every piece of
corpus data in them (source names, months) is HTML-escaped, and labels take
their names, colours, initials and dash patterns from
:data:`framing.schema.LABEL_DISPLAY` through the ``c-<label>`` CSS classes
that :mod:`framing.report.page` generates.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from framing.aggregate.bootstrap import MIN_ARTICLES
from framing.schema import CONTENT_LABELS, LABEL_DISPLAY

MAX_CHART_SOURCES = 40
MAX_TREND_SOURCES = 12


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute.

    Examples
    --------
    >>> esc('<b title="x">')
    '&lt;b title=&quot;x&quot;&gt;'
    """
    return html.escape("" if value is None else str(value), quote=True)


def finite(x: object) -> bool:
    """Whether ``x`` is a finite number (None, NaN, text: no).

    Examples
    --------
    >>> finite(0.5), finite(float("nan")), finite(None)
    (True, False, False)
    """
    try:
        return math.isfinite(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def pct(x: object) -> str:
    """A share as a percentage with one decimal, or an en dash when undefined.

    Examples
    --------
    >>> pct(0.4213), pct(None)
    ('42.1%', '\u2013')
    """
    # A literal en dash, not an entity: the result also goes through esc().
    return f"{100 * float(x):.1f}%" if finite(x) else "\u2013"  # type: ignore[arg-type]


def _short(name: str, width: int) -> str:
    return name if len(name) <= width else name[: width - 1] + "\u2026"


def share_chart(sources: pd.DataFrame) -> str:
    """Horizontal bars of each source's label shares, with intervals and value labels.

    Parameters
    ----------
    sources : DataFrame
        :meth:`framing.aggregate.core.Aggregates.sources`: ``source, articles`` and
        ``share_<label>``, ``share_<label>_lo``, ``share_<label>_hi``.

    Returns
    -------
    str
        An ``<svg id="chart">`` of the :data:`MAX_CHART_SOURCES` sources with
        most articles; each bar is labelled with the label's initials and its
        share in percent.

    Examples
    --------
    >>> row = {"source": "X", "articles": 3, **{f"share_{c}": 0.25 for c in CONTENT_LABELS}}
    >>> row.update({f"share_{c}_{e}": None for c in CONTENT_LABELS for e in ("lo", "hi")})
    >>> share_chart(pd.DataFrame([row])).count('class="val"')
    4
    """
    if len(sources) == 0:
        return '<p class="note">No content sentences to chart.</p>'
    rows = sources.sort_values(["articles", "source"], ascending=[False, True], kind="stable").head(
        MAX_CHART_SOURCES
    )
    bar, gap, left, width, top = 13, 10, 190, 600, 24
    group_h = bar * len(CONTENT_LABELS) + gap
    height = top + group_h * len(rows) + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 90}" height="{height}" '
        'role="img" aria-label="label shares by source" id="chart">'
    ]
    for tick in range(0, 101, 20):
        x = left + width * tick / 100
        out.append(f'<line class="grid" x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 10}"/>')
        out.append(f'<text x="{x:.1f}" y="{top - 8}" text-anchor="middle">{tick}%</text>')
    for g, row in enumerate(rows.itertuples(index=False)):
        y0 = top + g * group_h
        name = str(row.source) if str(row.source) else "(no source)"
        out.append(
            f'<text x="{left - 8}" y="{y0 + bar * 2 + 4}" text-anchor="end"><title>{esc(name)}</title>'
            f"{esc(_short(name, 28))} (n={int(row.articles)})</text>"
        )
        for j, label in enumerate(CONTENT_LABELS):
            out += _bar(row, label, name, left, width, y0 + j * bar, bar)
    out.append(f'<line class="axis" x1="{left}" y1="{top - 4}" x2="{left}" y2="{height - 10}"/>')
    out.append("</svg>")
    return "\n".join(out)


def _bar(row, label: str, name: str, left: int, width: int, y: float, bar: int) -> list[str]:
    style = LABEL_DISPLAY[label]
    share = getattr(row, f"share_{label}")
    lo, hi = getattr(row, f"share_{label}_lo"), getattr(row, f"share_{label}_hi")
    w = width * float(share) if finite(share) else 0.0
    tip = f"{name}: {style.name} {pct(share)}" + (
        f" (95% CI {pct(lo)}\u2013{pct(hi)})" if finite(lo) else ""
    )
    out = [
        f'<rect class="bar c-{label}" x="{left}" y="{y + 1}" width="{w:.1f}" height="{bar - 2}">'
        f"<title>{esc(tip)}</title></rect>"
    ]
    end = left + w
    if finite(lo) and finite(hi):
        x1, x2, ym = left + width * float(lo), left + width * float(hi), y + bar / 2
        out.append(f'<line class="ci" x1="{x1:.1f}" y1="{ym:.1f}" x2="{x2:.1f}" y2="{ym:.1f}"/>')
        out += [
            f'<line class="ci" x1="{x:.1f}" y1="{y + 2}" x2="{x:.1f}" y2="{y + bar - 2}"/>'
            for x in (x1, x2)
        ]
        end = max(end, x2)
    # The value sits past the whisker so the two never overlap; the initials
    # name the bar without relying on its colour.
    out.append(
        f'<text class="val" x="{end + 4:.1f}" y="{y + bar - 3}">{style.initials} {pct(share)}</text>'
    )
    return out


def trend_charts(table: pd.DataFrame) -> str:
    """Small multiples of label shares by month, one chart per source.

    Parameters
    ----------
    table : DataFrame
        :attr:`framing.aggregate.core.Aggregates.table`; only ``level == 'month'``
        rows are drawn.

    Returns
    -------
    str
        ``""`` when no row has a month; else a ``<div id="trend">`` of one
        ``<svg>`` per source (the :data:`MAX_TREND_SOURCES` with most articles)
        on a shared month axis. Months with fewer than
        :data:`framing.aggregate.core.MIN_ARTICLES` articles are drawn as hollow
        points: their shares are noisy.

    Examples
    --------
    >>> base = {"level": "month", "source": "X", "articles": 6}
    >>> rows = [{**base, "month": m, **{f"share_{c}": 0.25 for c in CONTENT_LABELS}}
    ...         for m in ("2022-01", "2022-02")]
    >>> trend_charts(pd.DataFrame(rows)).count("<svg")
    1
    >>> trend_charts(pd.DataFrame(rows).assign(level="source"))
    ''
    """
    months = table[(table["level"] == "month") & (table["month"].astype(str) != "")]
    if len(months) == 0:
        return ""
    axis = sorted(set(months["month"].astype(str)))
    totals = months.groupby("source", sort=False)["articles"].sum()
    order = sorted(totals.index, key=lambda s: (-int(totals[s]), str(s)))
    shown = order[:MAX_TREND_SOURCES]
    panels = [
        _trend_panel(str(src), months[months["source"] == src], axis, int(totals[src]), k)
        for k, src in enumerate(shown)
    ]
    note = (
        f'<p class="note">The {MAX_TREND_SOURCES} sources with most articles are drawn; '
        "the per-month table lists all.</p>"
        if len(order) > MAX_TREND_SOURCES
        else ""
    )
    return f'<div id="trend" class="trend">{"".join(panels)}</div>{note}'


def _trend_panel(source: str, rows: pd.DataFrame, axis: list[str], n: int, k: int) -> str:
    w, h, left, right, top, bottom = 340, 200, 46, 28, 26, 46
    pw, ph = w - left - right, h - top - bottom
    name = source or "(no source)"

    def x_of(i: int) -> float:
        return left + (pw * i / (len(axis) - 1) if len(axis) > 1 else pw / 2)

    def y_of(share: float) -> float:
        return top + ph * (1 - share)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" '
        f'aria-labelledby="trend-t{k}"><title id="trend-t{k}">{esc(name)}: label shares by month</title>',
        f'<text class="ttl" x="{left}" y="14">{esc(_short(name, 34))} (n={n})</text>',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        y = y_of(tick)
        out.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}"/>')
        out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{round(tick * 100)}</text>')
    step = max(1, math.ceil(len(axis) / 5))  # at most about five month ticks stay legible
    for i in range(0, len(axis), step):
        out.append(
            f'<text x="{x_of(i):.1f}" y="{top + ph + 14}" text-anchor="middle">{esc(axis[i])}</text>'
        )
    out.append(
        f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}"/>'
        f'<line class="axis" x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}"/>'
        f'<text class="lab" x="{left + pw / 2:.1f}" y="{h - 6}" text-anchor="middle">month</text>'
        f'<text class="lab" transform="rotate(-90)" x="{-(top + ph / 2):.1f}" y="12" '
        'text-anchor="middle">share of content (%)</text>'
    )
    at = {str(r["month"]): r for r in rows.to_dict("records")}
    for label in CONTENT_LABELS:
        out += _trend_line(label, name, axis, at, x_of, y_of)
    out.append("</svg>")
    return "".join(out)


def _trend_line(label: str, name: str, axis: list[str], at: dict, x_of, y_of) -> list[str]:
    style = LABEL_DISPLAY[label]
    dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
    out, run = [], []
    # A month without articles breaks the line rather than being bridged.
    for i, month in enumerate([*axis, None]):
        row = at.get(month) if month is not None else None
        if row is not None and finite(row.get(f"share_{label}")):
            run.append((x_of(i), y_of(float(row[f"share_{label}"]))))
            continue
        if len(run) > 1:
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            out.append(f'<polyline class="line c-{label}" points="{pts}"{dash}/>')
        run = []
    for month, row in at.items():
        share = row.get(f"share_{label}")
        if not finite(share) or month not in axis:
            continue
        x, y = x_of(axis.index(month)), y_of(float(share))
        hollow = " hollow" if int(row.get("articles", 0)) < MIN_ARTICLES else ""
        tip = f"{name}, {month}: {style.name} {pct(share)} ({int(row.get('articles', 0))} articles)"
        out.append(
            f'<circle class="pt c-{label}{hollow}" cx="{x:.1f}" cy="{y:.1f}" r="3">'
            f"<title>{esc(tip)}</title></circle>"
        )
    return out
