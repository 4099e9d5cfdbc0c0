"""Rebuild the derived gold files in labels/ from their sources.

Run from the repository root: ``python labels/build_corpus.py``.

- ``sentences.csv``: the seed segmentation (``annotation/segments.csv``)
  with the adjudicated label: pass A where both passes agree, else the
  decision in ``annotation/adjudication.csv``.
- ``authored/pilot.jsonl``: the shared pilot corpus (``../shared``) with the
  reviewed corrections (``annotation/pilot_corrections.csv``) applied, exact
  near-duplicates removed, and the common authored fields added.
- ``documents.csv``: one row per document: seeds and the real corpus
  (origin=real) and authored.
- ``real/sentences.csv`` and ``real/agreement.json``: see ``real/build_real.py``.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
TOKEN = re.compile(r"\w+")


def tokens(text: str) -> set[str]:
    return set(TOKEN.findall(text.lower()))


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def build_seed_sentences() -> None:
    seg = list(csv.DictReader((HERE / "annotation/segments.csv").open(encoding="utf-8")))
    a = {(r["doc_id"], r["sent_idx"]): r["label"] for r in csv.DictReader((HERE / "annotation/pass_a.csv").open(encoding="utf-8"))}
    b = {(r["doc_id"], r["sent_idx"]): r["label"] for r in csv.DictReader((HERE / "annotation/pass_b.csv").open(encoding="utf-8"))}
    adj = {(r["doc_id"], r["sent_idx"]): r for r in csv.DictReader((HERE / "annotation/adjudication.csv").open(encoding="utf-8"))}
    with (HERE / "sentences.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["doc_id", "sent_idx", "start", "end", "text", "label", "origin"])
        for r in seg:
            key = (r["doc_id"], r["sent_idx"])
            if a[key] == b[key]:
                gold = a[key]
            else:
                gold = adj[key]["gold"]
            w.writerow([r["doc_id"], r["sent_idx"], r["start"], r["end"], r["text"], gold, "real"])


PILOT_STYLES = {
    "international wire agency": "wire_agency",
    "Russian state media in English": "russian_state_media",
    "Belarusian state agency": "belarusian_state_agency",
    "UK tabloid": "uk_tabloid",
    "uk_public_broadcaster": "public_broadcaster",
}


def build_pilot() -> list[dict]:
    rows = [json.loads(line) for line in (SHARED / "authored-pilot.jsonl").open(encoding="utf-8")]
    fixes = {(r["doc_id"], int(r["sent_idx"])): r for r in csv.DictReader((HERE / "annotation/pilot_corrections.csv").open(encoding="utf-8"))}
    seen: list[set[str]] = []
    out: list[dict] = []
    by_doc: dict[str, int] = {}
    for r in rows:
        key = (r["doc_id"], int(r["sent_idx"]))
        label = fixes[key]["new_label"] if key in fixes else r["label"]
        toks = tokens(r["text"])
        # Exact or near copies (Jaccard > 0.8) of an earlier row are dropped so
        # that no two authored sentences repeat each other.
        if len(toks) >= 1 and any(jaccard(toks, s) > 0.8 for s in seen):
            continue
        seen.append(toks)
        i = by_doc.get(r["doc_id"], 0)
        by_doc[r["doc_id"]] = i + 1
        style = PILOT_STYLES.get(r["style"], r["style"])
        out.append(
            {
                "doc_id": r["doc_id"],
                "source": f"Pilot {style.replace('_', ' ')} (authored)",
                "style": style,
                "topic": "pilot",
                "published": "",
                "par": i,
                "sent_idx": i,
                "text": r["text"],
                "label": label,
                "origin": "authored",
            }
        )
    with (HERE / "authored/pilot.jsonl").open("w", encoding="utf-8") as fh:
        for r in out:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return out


def build_documents() -> None:
    docs = []
    for r in csv.DictReader((SHARED / "seeds/manifest.csv").open(encoding="utf-8")):
        docs.append({"doc_id": r["doc_id"], "source": r["source"], "published": r["published"],
                     "origin": "real", "style": "", "topic": "russia_ukraine", "file": f"seeds/{r['file']}"})
    for path in sorted((HERE / "authored").glob("*.jsonl")):
        first: dict[str, dict] = {}
        for line in path.open(encoding="utf-8"):
            r = json.loads(line)
            first.setdefault(r["doc_id"], r)
        for doc_id, r in first.items():
            docs.append({"doc_id": doc_id, "source": r["source"], "published": r.get("published", ""),
                         "origin": "authored", "style": r["style"], "topic": r.get("topic", ""),
                         "file": f"authored/{path.name}"})
    for r in csv.DictReader((HERE / "real/articles.csv").open(encoding="utf-8")):
        docs.append({"doc_id": r["doc_id"], "source": r["source"], "published": r["published"],
                     "origin": "real", "style": "", "topic": "", "file": f"real/texts/{r['doc_id']}.txt"})
    with (HERE / "documents.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["doc_id", "source", "published", "origin", "style", "topic", "file"])
        w.writeheader()
        w.writerows(docs)


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(HERE / "real"))
    from build_real import build as build_real

    build_seed_sentences()
    build_pilot()
    build_documents()
    report = build_real()
    print("rebuilt sentences.csv, authored/pilot.jsonl, documents.csv, real/sentences.csv, real/agreement.json")
    print(f"real corpus: kappa {report['kappa']} over {report['sentences']} double-labeled sentences; "
          f"{report['unresolved_disagreements']} disagreements not adjudicated")
