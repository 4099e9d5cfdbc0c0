"""Check an annotation file against its packet: every id once, a valid label, a reason.

Usage::

    python labels/real/annotation/check_pass.py PACKET LABELS_CSV

Exit 0 when complete and valid; otherwise lists missing, unknown, duplicate
ids and bad labels.
"""

from __future__ import annotations

import csv
import sys

LABELS = {"boilerplate", "reporting", "official_claim", "editorialising", "propaganda_echo"}


def packet_ids(path: str) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [ln.split("\t", 1)[0] for ln in fh if "\t" in ln and not ln.startswith("===")]


def check(packet: str, labels: str) -> list[str]:
    want = packet_ids(packet)
    problems, seen = [], set()
    with open(labels, encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            sid = (row.get("sent_id") or "").strip()
            if sid in seen:
                problems.append(f"line {i}: duplicate {sid}")
            seen.add(sid)
            if (row.get("label") or "").strip() not in LABELS:
                problems.append(f"line {i}: bad label {row.get('label')!r} for {sid}")
            if not (row.get("reason") or "").strip():
                problems.append(f"line {i}: no reason for {sid}")
    missing = [s for s in want if s not in seen]
    extra = sorted(seen - set(want))
    if missing:
        problems.append(f"{len(missing)} missing, first: {missing[:10]}")
    if extra:
        problems.append(f"{len(extra)} unknown ids, first: {extra[:10]}")
    return problems


if __name__ == "__main__":
    found = check(sys.argv[1], sys.argv[2])
    print("\n".join(found) if found else f"ok: {len(packet_ids(sys.argv[1]))} sentences")
    sys.exit(1 if found else 0)
