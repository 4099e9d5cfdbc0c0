"""Rebuild the real corpus's derived files from texts, passes and adjudication.

Run from the repository root (``make corpus`` does): ``python labels/real/build_real.py``.

- ``sentences.csv``: every sentence of every real article, cut by framing's
  segmenter, with character offsets into ``texts/<doc_id>.txt`` and the gold
  label: pass 1, except where the blind pass 2 disagrees, where the
  adjudicated label in ``annotation/adjudication_*.csv`` decides.
- ``agreement.json``: Cohen's kappa between the passes overall, per outlet and
  per label (one-vs-rest), and the confusion matrix.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from framing.text.sentences import split_spans

HERE = Path(__file__).resolve().parent
ANN = HERE / "annotation"
LABELS = ("boilerplate", "editorialising", "official_claim", "propaganda_echo", "reporting")


def read_pass(folder: Path) -> dict[str, dict]:
    rows: dict[str, dict] = {}
    for f in sorted(folder.glob("batch_*.csv")):
        with f.open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                rows[r["sent_id"].strip()] = {"label": r["label"].strip(), "reason": (r.get("reason") or "").strip()}
    return rows


def read_adjudication() -> dict[str, dict]:
    rows: dict[str, dict] = {}
    for path in sorted(ANN.glob("adjudication_*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows.update({r["sent_id"].strip(): r for r in csv.DictReader(fh)})
    return rows


def kappa(pairs: list[tuple[str, str]]) -> float | None:
    n = len(pairs)
    if n == 0:
        return None
    agree = sum(a == b for a, b in pairs) / n
    ca, cb = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return 1.0 if expected == 1 else round((agree - expected) / (1 - expected), 3)


def agreement(pairs: list[tuple[str, str, str]]) -> dict:
    """Kappa overall, per outlet and per label; confusion (rows pass 1, columns pass 2)."""
    per_outlet = {}
    for outlet in sorted({o for o, _, _ in pairs}):
        sub = [(a, b) for o, a, b in pairs if o == outlet]
        per_outlet[outlet] = {"sentences": len(sub), "kappa": kappa(sub),
                              "agreement": round(sum(a == b for a, b in sub) / len(sub), 3)}
    per_label = {
        lab: kappa([(str(a == lab), str(b == lab)) for _, a, b in pairs]) for lab in LABELS
    }
    confusion = {a: {b: sum(1 for _, x, y in pairs if x == a and y == b) for b in LABELS} for a in LABELS}
    both = [(a, b) for _, a, b in pairs]
    return {
        "sentences": len(pairs),
        "agreement": round(sum(a == b for a, b in both) / max(1, len(both)), 3),
        "kappa": kappa(both),
        "per_outlet": per_outlet,
        "per_label_kappa": per_label,
        "confusion_pass1_rows_pass2_columns": confusion,
    }


def build() -> dict:
    with (HERE / "articles.csv").open(encoding="utf-8", newline="") as fh:
        articles = list(csv.DictReader(fh))
    p1, p2, adj = read_pass(ANN / "pass1"), read_pass(ANN / "pass2"), read_adjudication()
    rows, pairs, unresolved = [], [], []
    for art in articles:
        text = (HERE / "texts" / f"{art['doc_id']}.txt").read_text(encoding="utf-8")
        for i, (a, b) in enumerate(split_spans(text)):
            sid = f"{art['doc_id']}:{i}"
            if sid not in p1:
                raise SystemExit(f"{sid}: no pass-1 label")
            label = p1[sid]["label"]
            if sid in p2:
                pairs.append((art["source"], label, p2[sid]["label"]))
                if p2[sid]["label"] != label:
                    if sid in adj:
                        label = adj[sid]["gold"]
                    else:
                        unresolved.append(sid)
            rows.append([art["doc_id"], i, a, b, text[a:b], label, "real"])
    with (HERE / "sentences.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["doc_id", "sent_idx", "start", "end", "text", "label", "origin"])
        w.writerows(rows)
    report = agreement(pairs)
    report["unresolved_disagreements"] = len(unresolved)
    (HERE / "agreement.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


if __name__ == "__main__":
    r = build()
    print(f"kappa {r['kappa']} over {r['sentences']} double-labeled sentences; "
          f"{r['unresolved_disagreements']} disagreements not yet adjudicated")
