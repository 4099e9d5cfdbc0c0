"""Write adjudication packets: each article with a disagreement, whole, and the two labels.

Usage: ``python labels/real/annotation/make_adjudication_packets.py N`` (N packets).

Disagreements already settled in ``adjudication_*.csv`` are left out, and the
packets are numbered after the existing ones, so a new round never rewrites an
earlier packet.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from build_real import read_adjudication, read_pass  # noqa: E402

from framing.text.sentences import split_spans  # noqa: E402

REAL = Path(__file__).resolve().parents[1]
ANN = REAL / "annotation"


def main(n: int) -> None:
    p1, p2 = read_pass(ANN / "pass1"), read_pass(ANN / "pass2")
    settled = read_adjudication()
    dis = sorted(s for s in p2 if s in p1 and p1[s]["label"] != p2[s]["label"] and s not in settled)
    by_doc: dict[str, list[str]] = {}
    for s in dis:
        by_doc.setdefault(s.rsplit(":", 1)[0], []).append(s)
    docs = sorted(by_doc)
    first = len(list((ANN / "packets").glob("adjudicate_*.txt")))
    for k in range(n):
        with open(ANN / "packets" / f"adjudicate_{first + k:02d}.txt", "w", encoding="utf-8") as fh:
            for doc in docs[k::n]:
                text = (REAL / "texts" / f"{doc}.txt").read_text(encoding="utf-8")
                fh.write(f"=== ARTICLE {doc} ===\n")
                for i, (a, b) in enumerate(split_spans(text)):
                    sid = f"{doc}:{i}"
                    mark = ">>" if sid in by_doc[doc] else "  "
                    fh.write(f"{mark} {sid}\t{' '.join(text[a:b].split())}\n")
                fh.write("--- DISPUTED ---\n")
                for sid in by_doc[doc]:
                    fh.write(f"{sid}\tA: {p1[sid]['label']} ({p1[sid]['reason']})\tB: {p2[sid]['label']} ({p2[sid]['reason']})\n")
                fh.write("\n")
    print(len(dis), "disagreements in", len(docs), "articles")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
