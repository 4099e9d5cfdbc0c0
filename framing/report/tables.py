"""The tables of ``report.html``: per source, per source and month, pairwise differences.

Tables carry ``class="sortable"`` (the report's script sorts them by a
column) and numeric cells carry their raw value in ``data-v`` so sorting is
by number, not by the formatted text. All corpus data is HTML-escaped.
"""

from __future__ import annotations

import pandas as pd

from framing.aggregate.bootstrap import MIN_ARTICLES
from framing.report.charts import esc, finite, pct
from framing.schema import CONTENT_LABELS, LABEL_DISPLAY


def source_tables(sources: pd.DataFrame, categories: list[str], ids: dict[str, str]) -> str:
    """The per-source tables: shares, loaded-term rates and driving terms.

    Parameters
    ----------
    sources : DataFrame
        :meth:`framing.aggregate.core.Aggregates.sources`.
    categories : list of str
        Lexicon categories of the ``rate_<category>`` columns.
    ids : dict
        Source name to the anchor of its articles on the page; a source
        without articles there gets no link.

    Examples
    --------
    >>> row = {"source": "X", "articles": 2, "sentences": 9, "words": 90,
    ...        **{f"share_{c}{e}": 0.25 for c in CONTENT_LABELS for e in ("", "_lo", "_hi")},
    ...        **{f"drivers_{c}": "" for c in CONTENT_LABELS}}
    >>> '<a href="#src-0">X</a>' in source_tables(pd.DataFrame([row]), [], {"X": "src-0"})
    True
    """
    rows = sources.to_dict("records")
    names = [LABEL_DISPLAY[lab].name for lab in CONTENT_LABELS]
    return "".join(
        [
            _table("aggregates", ["source", "articles", "sentences", "words", *names],
                   [[_name_cell(r["source"], ids), *_share_cells(r)] for r in rows]),
            '<h3 id="sec-rates">Loaded terms per 1,000 words</h3>',
            _table(
                "rates",
                ["source", *(c.replace("propaganda_", "prop. ").replace("_", " ") for c in categories)],
                [[_name_cell(r["source"], ids), *(_num_cell(r[f"rate_{c}"]) for c in categories)]
                 for r in rows],
            ),
            '<h3 id="sec-drivers">Terms that drive each label</h3>',
            _table(
                "drivers",
                ["source", *names],
                [[_name_cell(r["source"], ids),
                  *(f'<td class="t">{esc(r[f"drivers_{lab}"])}</td>' for lab in CONTENT_LABELS)]
                 for r in rows],
                first_cols=1 + len(CONTENT_LABELS),
            ),
        ]
    )  # fmt: skip


def _table(table_id: str, head: list[str], rows: list[list[str]], first_cols: int = 1) -> str:
    out = [f'<div class="wide"><table id="{table_id}" class="sortable"><thead><tr>']
    out += [f'<th class="{"t" if i < first_cols else ""}">{esc(h)}</th>' for i, h in enumerate(head)]
    out.append("</tr></thead><tbody>")
    out += ["<tr>" + "".join(cells) + "</tr>" for cells in rows]
    out.append("</tbody></table></div>")
    return "".join(out)


def _name_cell(value: object, ids: dict[str, str]) -> str:
    name = "" if value is None else str(value)
    text = esc(name or "(none)")
    # Only sources with articles on the page get a link: every anchor resolves.
    if name in ids:
        text = f'<a href="#{ids[name]}">{text}</a>'
    return f'<td class="t">{text}</td>'


def _num_cell(x: object, text: str | None = None) -> str:
    v = f"{float(x):.6g}" if finite(x) else ""
    return f'<td data-v="{v}">{text if text is not None else _num(x)}</td>'


def _share_cells(row: dict) -> list[str]:
    cells = [_num_cell(row[k], f"{int(row[k]):,}") for k in ("articles", "sentences", "words")]
    for label in CONTENT_LABELS:
        lo = row[f"share_{label}_lo"]
        ci = f"<br><small>{pct(lo)}\u2013{pct(row[f'share_{label}_hi'])}</small>" if finite(lo) else ""
        cells.append(_num_cell(row[f"share_{label}"], f"{pct(row[f'share_{label}'])}{ci}"))
    return cells


def month_table(table: pd.DataFrame, ids: dict[str, str]) -> str:
    """The per-source-and-month table in a collapsed section ("" without month rows).

    Examples
    --------
    >>> month_table(pd.DataFrame({"level": ["source"]}), {})
    ''
    """
    months = table[table["level"] == "month"]
    if len(months) == 0:
        return ""
    head = ["source", "month", "articles", "sentences", "words",
            *(LABEL_DISPLAY[lab].name for lab in CONTENT_LABELS)]  # fmt: skip
    rows = [
        [_name_cell(row["source"], ids), f'<td class="t">{esc(row["month"])}</td>', *_share_cells(row)]
        for row in months.to_dict("records")
    ]
    return (
        '<details id="sec-months"><summary>Per source and month</summary>'
        f"{_table('months', head, rows, 2)}</details>"
    )


def pairwise_table(pairwise: pd.DataFrame) -> str:
    """The significant pairwise differences between sources, in a collapsed section.

    Examples
    --------
    >>> pairwise_table(pd.DataFrame({"significant": [False], "note": [""]})).endswith("None.</p></details>")
    True
    """
    sig = pairwise[pairwise["significant"]]
    untested = int((pairwise["note"] != "").sum()) if "note" in pairwise else 0
    title = f"Significant differences between sources ({len(sig)} of {len(pairwise)} comparisons)"
    note = (
        f'<p class="note">{untested} comparisons not tested: a source with fewer than '
        f"{MIN_ARTICLES} articles gets no interval and no test.</p>"
        if untested
        else ""
    )
    head = f'<details id="sec-pairwise"><summary>{esc(title)}</summary>{note}'
    if len(sig) == 0:
        return f'{head}<p class="note">None.</p></details>'
    rows = [
        [
            f'<td class="t">{esc(row["source_a"])}</td><td class="t">{esc(row["source_b"])}</td>',
            f'<td class="t">{esc(LABEL_DISPLAY[row["label"]].name)}</td>',
            _num_cell(row["difference"], pct(row["difference"])),
            f"<td>{pct(row['lo'])}\u2013{pct(row['hi'])}</td>",
            _num_cell(row["p_holm"]),
        ]
        for row in sig.head(500).to_dict("records")
    ]
    columns = ["source A", "source B", "label", "A \u2212 B", "95% interval", "Holm p"]
    return f"{head}{_table('pairwise', columns, rows, 3)}</details>"


def _num(x: object) -> str:
    return f"{float(x):.2f}" if finite(x) else "\u2013"  # type: ignore[arg-type]
