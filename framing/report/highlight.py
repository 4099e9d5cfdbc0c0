"""Labeled articles as an HTML snippet for a notebook, styled like ``report.html``."""

from __future__ import annotations

import html

import pandas as pd

from framing.report.display_tables import finite, label_name
from framing.schema import BOILERPLATE, CONTENT_LABELS, LABEL_DISPLAY, LABELS, MUTED_TEXT


def highlight_html(sentences: pd.DataFrame, max_sentences: int | None = None) -> str:
    """Articles as HTML with each sentence shaded and underlined by its label, with its initials.

    Hovering a sentence shows its label, probability and evidence. Every
    piece of text is HTML-escaped. Styles are inline, so the snippet renders
    in a notebook without the report's stylesheet.

    Parameters
    ----------
    sentences : DataFrame
        Labeled sentences with ``doc_id``, ``text``, ``label`` and optionally
        ``source``, ``p_<label>`` and ``evidence``; each article's rows in
        order.
    max_sentences : int, optional
        Show at most this many sentences per article.

    Returns
    -------
    str
        A legend and one block per article; show it with
        ``IPython.display.HTML``.

    Examples
    --------
    >>> s = pd.DataFrame({"doc_id": ["a"], "text": ["<b>Hi</b>"], "label": ["reporting"]})
    >>> "&lt;b&gt;Hi&lt;/b&gt;" in highlight_html(s)
    True
    """
    esc = html.escape
    legend = " ".join(_highlight_span(lab, esc(label_name(lab)), "") for lab in LABELS)
    out = [f'<div style="font-size:13px;line-height:1.9">{legend}']
    for doc_id, doc in sentences.groupby("doc_id", sort=False):
        source = str(doc["source"].iloc[0]) if "source" in doc else ""
        shown = doc if max_sentences is None else doc.head(max_sentences)
        spans = []
        for row in shown.to_dict("records"):
            label = row["label"]
            tip = label_name(label)
            if label in CONTENT_LABELS and finite(row.get(f"p_{label}")):
                tip += f" (p={float(row[f'p_{label}']):.2f})"
            if row.get("evidence"):
                tip += f"\n{row['evidence']}"
            spans.append(_highlight_span(label, esc(str(row["text"])), esc(tip, quote=True)))
        more = len(doc) - len(shown)
        tail = f' <i style="color:#888">\u2026 {more} more sentences</i>' if more > 0 else ""
        out.append(
            '<div style="border:1px solid #ddd;border-radius:4px;padding:6px 10px;margin:8px 0">'
            f"<b>{esc(source or '(no source)')}</b> &middot; <code>{esc(str(doc_id))}</code>"
            f"<p style=\"margin:4px 0\">{' '.join(spans)}{tail}</p></div>"
        )
    out.append("</div>")
    return "".join(out)


def _highlight_span(label: str, text_html: str, tip_html: str) -> str:
    """One sentence styled inline like report.html: tint, underline and an initials chip."""
    st = LABEL_DISPLAY.get(label, LABEL_DISPLAY[BOILERPLATE])
    colour = MUTED_TEXT if st is LABEL_DISPLAY[BOILERPLATE] else "inherit"
    title = f' title="{tip_html}"' if tip_html else ""
    return (
        f'<span{title} style="background:{st.tint};color:{colour};text-decoration:{st.text_decoration()};'
        f'text-underline-offset:3px;padding:0 2px">{text_html}</span>'
        f'<sup style="font-size:9px;font-weight:bold;border:1px solid {st.colour};background:{st.tint};'
        f'border-radius:3px;padding:0 2px;margin-left:1px">{html.escape(st.initials)}</sup>'
    )
