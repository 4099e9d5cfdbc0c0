"""Batch scoring: read inputs, label sentences, write results and aggregates."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd

from framing.aggregate import source_table
from framing.persist import atomic_write_bytes, load_model
from framing.pipeline import classify
from framing.readers import read_input


def run_score(args) -> int:
    """The ``framing score`` command (thin path)."""
    t0 = time.perf_counter()
    frames = [read_input(p, args.text_col) for p in args.inputs]
    docs = pd.concat(frames, ignore_index=True)
    docs = docs.rename(columns={args.text_col: "text", args.id_col: "doc_id", args.source_col: "source"})
    model = load_model(args.model, trust=args.trust_model)
    cols = [c for c in ("doc_id", "source", "text") if c in docs.columns]
    sentences = classify(docs[cols], model=model)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(out / "sentences.csv", sentences.to_csv(index=False).encode("utf-8"))
    table = source_table(sentences)
    atomic_write_bytes(out / "aggregates.csv", table.to_csv(index=False).encode("utf-8"))
    run = {"documents": int(len(docs)), "sentences": int(len(sentences)), "seconds": round(time.perf_counter() - t0, 3)}
    atomic_write_bytes(out / "run.json", json.dumps(run, indent=2).encode())
    print(table.to_string(index=False))
    print(f"wrote {out}/sentences.csv, aggregates.csv, run.json")
    return 0


def run_aggregate(args) -> int:
    """The ``framing aggregate`` command (thin path)."""
    run = Path(args.run_dir)
    sentences = pd.read_csv(run / "sentences.csv", keep_default_na=False)
    table = source_table(sentences)
    atomic_write_bytes(run / "aggregates.csv", table.to_csv(index=False).encode("utf-8"))
    print(table.to_string(index=False))
    return 0
