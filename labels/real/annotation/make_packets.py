"""Write annotation packets: whole articles, sentences in order, with ids.

Pass 1 covers every real article; pass 2 (blind) covers a stratified sample of
about a third of each outlet's articles. Usage::

    python labels/real/annotation/make_packets.py            # all articles, from scratch
    python labels/real/annotation/make_packets.py --extend   # only articles no packet holds yet

``--extend`` leaves the existing packets (and the labels made from them) alone and
writes the next numbered pass-1 and pass-2 packets for newly collected articles.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import pandas as pd

from framing.text.sentences import split_spans

REAL = Path(__file__).resolve().parents[1]
OUT = REAL / "annotation" / "packets"


def segments(doc_id: str) -> list[tuple[int, int, str]]:
    text = (REAL / "texts" / f"{doc_id}.txt").read_text(encoding="utf-8")
    return [(a, b, text[a:b]) for a, b in split_spans(text)]


def write_packet(path: Path, arts: pd.DataFrame) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for a in arts.itertuples():
            fh.write(f"=== ARTICLE {a.doc_id} | outlet: {a.source} | date: {a.published} ===\n")
            for i, (_, _, s) in enumerate(segments(a.doc_id)):
                fh.write(f"{a.doc_id}:{i}\t{' '.join(s.split())}\n")
                n += 1
            fh.write("\n")
    return n


def batches(arts: pd.DataFrame, k: int) -> list[pd.DataFrame]:
    arts = arts.sample(frac=1.0, random_state=7).reset_index(drop=True)
    sizes = [len(segments(d)) for d in arts.doc_id]
    total, out, cur, acc = sum(sizes), [], [], 0
    for i, n in enumerate(sizes):
        cur.append(i)
        acc += n
        if acc >= total * (len(out) + 1) / k and len(out) < k - 1:
            out.append(arts.loc[cur])
            cur = []
    out.append(arts.loc[cur])
    return out


def packed_ids(prefix: str) -> set[str]:
    ids = set()
    for path in OUT.glob(f"{prefix}_*.txt"):
        for ln in path.read_text(encoding="utf-8").splitlines():
            if ln.startswith("=== ARTICLE "):
                ids.add(ln.split()[2])
    return ids


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--extend", action="store_true")
    args = ap.parse_args()
    arts = pd.read_csv(REAL / "articles.csv", dtype=str, keep_default_na=False)
    OUT.mkdir(parents=True, exist_ok=True)
    first1 = first2 = 0
    k1, k2 = 8, 4
    if args.extend:
        first1, first2 = len(list(OUT.glob("pass1_*.txt"))), len(list(OUT.glob("pass2_*.txt")))
        arts = arts[~arts.doc_id.isin(packed_ids("pass1"))].reset_index(drop=True)
        k1, k2 = max(1, round(len(arts) / 21)), max(1, round(len(arts) / 60))
        if arts.empty:
            print("no new articles")
            return
    for i, b in enumerate(batches(arts, k1), start=first1):
        print("pass1", i, len(b), write_packet(OUT / f"pass1_{i:02d}.txt", b))
    rng = random.Random(11)
    picked = []
    for _, g in arts.groupby("source_key"):
        ids = sorted(g.doc_id)
        rng.shuffle(ids)
        picked += ids[: max(3, round(len(ids) * 0.32))]
    sample = arts[arts.doc_id.isin(picked)]
    for i, b in enumerate(batches(sample, k2), start=first2):
        print("pass2", i, len(b), write_packet(OUT / f"pass2_{i:02d}.txt", b))


if __name__ == "__main__":
    main()
