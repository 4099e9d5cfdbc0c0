"""Render a model card (Markdown) from the card record and its metrics."""

from __future__ import annotations

from framing.report.evaluation import SPLITS, split_summary


def render_card(card: dict) -> str:
    """Markdown model card; every number comes from ``card`` (and its metrics).

    Examples
    --------
    >>> render_card({"model_file": "m.joblib", "sha256": "ab"}).splitlines()[0]
    '# Model card: m.joblib'
    """
    lines = [
        f"# Model card: {card['model_file']}",
        "",
        "Generated from the training record and `metrics.json`; do not edit by hand.",
        "",
        f"- SHA-256: `{card['sha256']}`",
    ]
    if "data_sha256" in card:
        lines.append(f"- Training data SHA-256: `{card['data_sha256']}` ({card['rows']} sentences)")
    if "trained_at_seconds" in card:
        lines.append(f"- Training time: {card['trained_at_seconds']} s (2-core machine)")
    if "library_versions" in card:
        libs = ", ".join(f"{k} {v}" for k, v in card["library_versions"].items())
        lines.append(f"- Library versions: {libs}")
    lines += [
        "",
        "## Intended use",
        "",
        "Sentence-level framing labels (reporting, official_claim, editorialising,",
        "propaganda_echo) and boilerplate flags for English news about armed conflicts,",
        "aggregated per outlet. Labels follow LABELING.md. Not a fact-checker: it",
        "labels how a sentence frames content, not whether the content is true.",
        "",
        "## Training data",
        "",
    ]
    for origin, dist in card.get("label_distribution", {}).items():
        total = sum(dist.values())
        parts = ", ".join(f"{k} {v}" for k, v in dist.items())
        lines.append(f"- {origin}: {total} sentences ({parts})")
    metrics = card.get("metrics")
    if metrics:
        lines += ["", "## Measured quality", ""]
        lines.append("Real text is the headline; authored text is reported separately.")
        for key, title in SPLITS:
            if metrics.get(key):
                lines += ["", f"### {title}", "", *split_summary(metrics[key])]
        if metrics.get("accurate_outlet_cv"):
            a = metrics["accurate_outlet_cv"]
            lines += ["", "### Accurate profile, real text held out by outlet", "", a["protocol"], ""]
            lines += ["| profile | macro-F1 | boilerplate F1 | " + " | ".join(a["accurate"]["f1"]) + " |",
                      "|" + " --- |" * (3 + len(a["accurate"]["f1"]))]
            for name in ("accurate", "fast_same_folds"):
                r = a[name]
                lines.append(f"| {name} | {r['macro_f1']:.3f} | {r['boilerplate_f1']:.3f} | "
                             + " | ".join(f"{v:.3f}" for v in r["f1"].values()) + " |")
    lines += [
        "",
        "## Limits",
        "",
        "- Real text: the seed articles and the real corpus (labels/real/), labeled by AI annotators under"
        " LABELING.md with a blind second pass on a third of it; the headline holds out whole outlets.",
        "- Outlets in the real corpus are mostly English-language Western, Russian state and pro-Kremlin"
        " web sites, 2015-2024; scores on other registers and periods may differ.",
        "- About a third of the training text is authored by the team (marked `authored`), not real reporting.",
        "- English only; other languages get labels but they are not meaningful.",
        "",
    ]
    return "\n".join(lines)
