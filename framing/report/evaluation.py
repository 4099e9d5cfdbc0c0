"""Render the evaluation (``metrics.json``) as a Markdown report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from framing.model.persist import atomic_write_bytes
from framing.schema import CONTENT_LABELS


def _table(rows: list[list], header: list[str]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return out


def _f(x: float) -> str:
    return f"{x:.3f}"


SPLITS = (
    ("real_looo", "Real text, leave-one-outlet-out (headline)"),
    ("real_by_article", "Real text, 5-fold grouped by article (not the headline)"),
    ("authored_cv", "Authored text, grouped cross-validation (not the headline)"),
)


def split_summary(m: dict) -> list[str]:
    """Headline line and per-label table of one evaluation split (report and card).

    Examples
    --------
    >>> split_summary({"macro_f1": 0.5, "macro_f1_ci": [0.4, 0.6], "boilerplate_f1": 0.9, "n": 3,
    ...                "per_label": {}})[0].startswith("Macro-F1 (four content labels): **0.500**")
    True
    """
    lo, hi = m["macro_f1_ci"]
    lines = [
        f"Macro-F1 (four content labels): **{_f(m['macro_f1'])}** (95% bootstrap over articles: "
        f"{_f(lo)} to {_f(hi)}); boilerplate F1 {_f(m['boilerplate_f1'])}; {m['n']} sentences."
    ]
    if "per_source_share_mae" in m:
        lines.append(f"Per-source label-share mean absolute error: {m['per_source_share_mae']:.1f} points.")
    rows = [[lab, _f(r["precision"]), _f(r["recall"]), _f(r["f1"]), r["support"]] for lab, r in m["per_label"].items()]
    return [*lines, "", *_table(rows, ["label", "precision", "recall", "F1", "support"])]


def render_markdown(metrics: dict, errors: pd.DataFrame) -> str:
    """Markdown for the evaluation; every figure is read from ``metrics``.

    Examples
    --------
    >>> m = {"real_looo": {"macro_f1": 0.5, "macro_f1_ci": [0.4, 0.6], "boilerplate_f1": 0.9,
    ...      "n": 1, "per_label": {}, "confusion": {"labels": [], "matrix": []}}}
    >>> render_markdown(m, pd.DataFrame()).splitlines()[0]
    '# framing evaluation'
    """
    lines = ["# framing evaluation", "", "Real text is the headline; authored text is reported separately.", ""]
    for key, title in SPLITS:
        m = metrics.get(key)
        if not m:
            continue
        lines += [f"## {title}", "", *split_summary(m), ""]
        conf = m["confusion"]
        rows = [[conf["labels"][i], *row] for i, row in enumerate(conf["matrix"])]
        lines += ["Confusion (rows gold, columns predicted):", ""]
        lines += _table(rows, ["gold \\ pred", *conf["labels"]]) + [""]
        if "per_outlet" in m:
            lines += ["Per outlet (each held out in turn):", ""]
            rows = [
                [o, r["articles"], r["n_content"], f"{_f(r['macro_f1'])} ({_f(r['macro_f1_ci'][0])}-{_f(r['macro_f1_ci'][1])})",
                 _f(r["boilerplate_f1"]), *(_f(r["f1"][c]) for c in CONTENT_LABELS)]
                for o, r in m["per_outlet"].items()
            ]
            lines += _table(rows, ["outlet", "articles", "content sentences", "macro-F1 (95% CI)", "boilerplate F1", *CONTENT_LABELS]) + [""]
    if "baselines" in metrics:
        lines += ["## Baselines (real text, 3-fold cross-validation grouped by outlet, same run)", ""]
        rows = [[name, _f(b["macro_f1"]), _f(b["boilerplate_f1"]), *(_f(b["f1"][c]) for c in CONTENT_LABELS)] for name, b in metrics["baselines"].items()]
        lines += _table(rows, ["model", "macro-F1", "boilerplate F1", *CONTENT_LABELS]) + [""]
    if "ablations" in metrics:
        full = metrics["baselines"]["full_model"]["macro_f1"]
        lines += ["## Ablations (remove one feature group; 3-fold grouped by outlet)", ""]
        rows = [[name, _f(a["macro_f1"]), f"{a['macro_f1'] - full:+.3f}", _f(a["boilerplate_f1"])] for name, a in metrics["ablations"].items()]
        lines += _table(rows, ["model", "macro-F1", "vs full", "boilerplate F1"]) + [""]
    if "learning_curve" in metrics:
        lines += ["## Learning curve: real-text macro-F1 (held out by outlet) against real training articles", ""]
        lines += ["The authored corpus is in every training set; real training articles are subsampled.", ""]
        rows = [[p["real_articles"], p["real_sentences"], _f(p["macro_f1"]), _f(p["boilerplate_f1"])] for p in metrics["learning_curve"]]
        lines += _table(rows, ["real training articles (mean per fold)", "real sentences kept", "macro-F1", "boilerplate F1"]) + [""]
    if len(errors):
        lines += [f"## Every real-text error ({len(errors)})", ""]
        rows = [[f"{r.doc_id}:{r.sent_idx}", r.text.replace("|", "/")[:160], r.label, r.pred, str(r.evidence).replace("|", "/")] for r in errors.itertuples()]
        lines += _table(rows, ["sentence", "text", "gold", "predicted", "evidence"]) + [""]
    return "\n".join(lines)


def write_report(metrics: dict, errors: pd.DataFrame, path: str | Path) -> None:
    """Write the Markdown report atomically.

    Examples
    --------
    >>> write_report(metrics, errors, "runs/evaluation/report.md")  # doctest: +SKIP
    """
    atomic_write_bytes(path, render_markdown(metrics, errors).encode("utf-8"))
