"""Experiment: a word table fitted to MiniLM's sentence vectors, against one built word by word.

The shipped static table (``framing/data/static_embeddings.npz``) embeds each
vocabulary word alone with all-MiniLM-L6-v2. A word alone is not how MiniLM
reads it in a sentence, and a plain mean gives "the" as much say as
"junta". This experiment fits the table instead: rows ``W`` such that the
mean of a sentence's word rows is close to MiniLM's vector of the whole
sentence (ridge regression towards the word-by-word table, on unlabeled
sentences of the corpus's source repositories; no labels are used).

Steps (each writes under ``--work``)::

    # 1. sentences and MiniLM targets (needs the accurate extras; ~5 min for 40k)
    python experiments/static_distillation.py targets --mirrors /work/.mirror --work /tmp/distil
    # 2. fit tables (one per ridge strength) and report how well they track MiniLM on held-out sentences
    python experiments/static_distillation.py fit --work /tmp/distil --alphas 0.01,0.03,0.1
    # 3. compare on the fixed outlet folds: copy the package with each table, run
    #    python -m framing.training.select '{"table": {}}'

The sentences come from the same pools the real corpus was drawn from
(``labels/real/collect.py``): none of the reserved sources.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "labels" / "real"))


def _pool_sentences(mirrors: Path, per_source: int, seed: int, offset: int = 0) -> list[str]:
    import collect  # labels/real/collect.py: the corpus's own source readers

    from framing.text.sentences import split

    out: list[str] = []
    seen: set[str] = set()
    for src in [*collect.CSV_SOURCES, *collect.FILE_SOURCES, *collect.ZIP_SOURCES]:
        gitdir = mirrors / src.repo.replace("/", "+")
        if not gitdir.exists():
            print(f"{src.key}: mirror missing, skipped", file=sys.stderr)
            continue
        mine = []
        for r in collect.source_rows(mirrors, src):
            for s in split(r["text"]):
                s = " ".join(s.split())
                if len(s.split()) >= 4 and s not in seen:
                    seen.add(s)
                    mine.append(s)
        random.Random(f"{seed}-{src.key}").shuffle(mine)
        take = mine[offset : offset + per_source]
        print(f"{src.key}: {len(take)} of {len(mine)} sentences", file=sys.stderr)
        out.extend(take)
    return out


def targets(mirrors: Path, work: Path, per_source: int = 5000, seed: int = 2026, offset: int = 0) -> None:
    """Unlabeled sentences and their MiniLM vectors, saved to ``work/targets[_offset].npz``.

    A source's sentences are a seeded shuffle: ``offset`` continues an earlier draw.
    """
    from framing.features.semantic import minilm_vectors

    sents = _pool_sentences(mirrors, per_source, seed, offset)
    work.mkdir(parents=True, exist_ok=True)
    vecs = minilm_vectors(sents, batch_size=128)
    name = f"targets_{offset}.npz" if offset else "targets.npz"
    np.savez_compressed(work / name, sentences=np.array(sents), vectors=vecs.astype(np.float16))
    print(f"{len(sents)} sentences -> {work / name}", file=sys.stderr)


def fit(work: Path, alphas: tuple[float, ...] = (0.01, 0.03, 0.1), dims: int = 128) -> dict:
    """Fit one table per ridge strength (``work/table_d<dims>_alpha<a>.npz``); report held-out cosines."""
    from framing.features.semantic import _minilm, static_table
    from framing.features.view import tokenise
    from framing.lexicon.terms import fold
    from framing.training.static_table import fit_static_table, load_targets

    sents, target = load_targets(work)
    index, _ = static_table()
    words = sorted(index, key=index.get)  # the shipped vocabulary, so only the fit differs
    prior = _minilm().encode(words, batch_size=256, show_progress_bar=False, normalize_embeddings=True)
    tokens = [tokenise(fold(s)) for s in sents]
    report = {}
    for alpha in alphas:
        table, report[alpha] = fit_static_table(tokens, target, words, prior, alpha=alpha, dims=dims)
        np.savez_compressed(work / f"table_d{dims}_alpha{alpha}.npz", words=np.array(words),
                            vectors=table.astype(np.float16))
    (work / f"fit_d{dims}.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("step", choices=["targets", "fit"])
    ap.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--per-source", type=int, default=5000)
    ap.add_argument("--offset", type=int, default=0, help="continue a source's draw after this many")
    ap.add_argument("--alphas", default="0.01,0.03,0.1", help="ridge strengths, comma-separated")
    ap.add_argument("--dims", type=int, default=128)
    args = ap.parse_args()
    if args.step == "targets":
        targets(args.mirrors, args.work, args.per_source, offset=args.offset)
    else:
        fit(args.work, tuple(float(a) for a in args.alphas.split(",")), args.dims)


if __name__ == "__main__":
    main()
