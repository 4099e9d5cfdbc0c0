"""Benchmark of the batch scoring job (``make bench``).

Measures, in one run and on the same corpus of real news text:

1. the floor: reading the JSONL corpus and ``re.findall(r"\\w+")`` over its
   text, in sentences per second;
2. end-to-end ``framing score --jobs 1`` on the large corpus (default 1M
   sentences), in sentences per second per core, with the share of time spent
   outside the model (``label_sentences``);
3. the speed-up of ``--jobs 2`` over ``--jobs 1`` on the same corpus;
4. peak memory (VmHWM of the scoring process and any workers, from
   ``run.json``) on the corpus at 1x and at ``--scale`` times its size.

The corpus is real news text: the real articles of ``labels/`` (the seed
articles and the real corpus, 633 articles from 17 outlets), whole and under
their own outlet names, drawn at random (seeded) and repeated with new ids up
to the requested number of sentences. It is generated once per size into
``bench/out/corpus-<N>-v2.jsonl``.

Usage::

    python bench/run.py                 # full: 100k and 1M sentences (several minutes)
    python bench/run.py --quick         # smoke test on a tiny corpus

Writes ``bench/out/results.json``, prints a Markdown table and, in full mode,
updates the results table in ``bench/README.md`` and in the speed section of
the project README.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GENERATOR_VERSION = 2
TARGETS = {"per_core": 15_000, "speedup": 1.7, "memory_ratio": 1.2}
_WORD = re.compile(r"\w+")
_TABLE_START = "<!-- results:start -->"
_TABLE_END = "<!-- results:end -->"
_SPEED_START = "<!-- speed:start -->"
_SPEED_END = "<!-- speed:end -->"


def _articles() -> list[dict]:
    """Every real article, whole, as published text: the seeds and the real corpus."""
    sys.path.insert(0, str(ROOT))
    from framing.training.corpus import load_documents

    docs = load_documents()
    real = docs[docs["origin"] == "real"]
    labels = ROOT / "labels"
    return [
        {"source": r.source, "published": r.published, "text": (labels / r.file).read_text(encoding="utf-8")}
        for r in real.itertuples()
    ]


def build_corpus(sentences: int, out: Path, seed: int = 12345) -> Path:
    """Write (once) a JSONL corpus of at least ``sentences`` sentences of real news text.

    Whole real articles (seeds and ``labels/real/``) under their own outlet
    names, drawn at random (seeded) and repeated with new ids until the
    corpus holds ``sentences`` sentences as the segmenter cuts them.
    """
    from framing.text.sentences import split_spans

    path = out / f"corpus-{sentences}-v{GENERATOR_VERSION}.jsonl"
    if path.exists():
        return path
    rng = random.Random(seed)
    articles = _articles()
    counts = [len(split_spans(a["text"])) for a in articles]
    tmp = path.with_suffix(".tmp")
    total, n = 0, 0
    with tmp.open("w", encoding="utf-8") as fh:
        while total < sentences:
            i = rng.randrange(len(articles))
            art = articles[i]
            doc = {"doc_id": f"bench-{n:07d}", "source": art["source"], "published": art["published"], "text": art["text"]}
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
            total += counts[i]
            n += 1
    os.replace(tmp, path)
    return path


def floor(path: Path) -> dict:
    """Reading the corpus and regex-tokenising its text: the speed floor (seconds)."""
    t0 = time.perf_counter()
    tokens = 0
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            tokens += len(_WORD.findall(json.loads(line)["text"]))
    seconds = time.perf_counter() - t0
    return {"seconds": round(seconds, 3), "tokens": tokens}


def score(path: Path, out: Path, jobs: int, chunk_size: int) -> dict:
    """Run ``framing score`` as a user would and read its run.json."""
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "framing.cli", "score", str(path), "--out", str(out), "--quiet",
           "--jobs", str(jobs), "--chunk-size", str(chunk_size)]  # fmt: skip
    t0 = time.perf_counter()
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(f"framing score failed ({res.returncode}):\n{res.stderr[-3000:]}")
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    shutil.rmtree(out)
    n = run["counts"]["sentences"]
    t = run["timings"]
    return {
        "jobs": jobs,
        "wall_s": round(wall, 2),
        "sentences": n,
        "documents": run["counts"]["documents"],
        "sentences_per_s": round(n / wall),
        "sentences_per_s_per_core": round(n / wall / jobs),
        "label_s": t["label"],
        "outside_label_s": round(wall * jobs - t["label"], 2) if jobs == 1 else None,
        "timings": t,
        "peak_mib": run["memory"]["total_peak_mib"],
        "memory": run["memory"],
    }


def run_bench(args: argparse.Namespace) -> dict:
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    small_n, large_n = args.sentences, args.sentences * args.scale
    t0 = time.perf_counter()
    load_before = os.getloadavg()[0]
    small, large = build_corpus(small_n, out), build_corpus(large_n, out)
    generate_s = time.perf_counter() - t0
    runs = out / "runs"
    results = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "corpus": {
            "small_sentences": small_n,
            "large_sentences": large_n,
            "generate_s": round(generate_s, 1),
        },
        "floor": floor(large),
    }
    results["small_1"] = score(small, runs / "small-1", 1, args.chunk_size)
    results["large_1"] = score(large, runs / "large-1", 1, args.chunk_size)
    results["large_n"] = score(large, runs / f"large-{args.jobs}", args.jobs, args.chunk_size)
    one, many = results["large_1"], results["large_n"]
    # The same sentence count (the segmenter's) for every rate.
    results["floor"]["sentences_per_s"] = round(one["sentences"] / results["floor"]["seconds"])
    label_only = one["sentences"] / one["label_s"] if one["label_s"] else None
    results["summary"] = {
        "floor_sentences_per_s": results["floor"]["sentences_per_s"],
        "per_core_sentences_per_s": one["sentences_per_s_per_core"],
        "model_only_sentences_per_s": round(label_only) if label_only else None,
        "batch_overhead_share": round(one["outside_label_s"] / one["wall_s"], 3),
        "speedup_jobs": args.jobs,
        "speedup": round(one["wall_s"] / many["wall_s"], 2),
        # Summed worker time over wall time x workers: near 1 means the driver
        # kept every worker busy, so a low speed-up means too few free CPUs.
        "workers_busy_share": round(
            many["timings"]["worker_total"] / (many["wall_s"] * args.jobs), 3
        ),
        "peak_mib_1x": results["small_1"]["peak_mib"],
        "peak_mib_scaled": one["peak_mib"],
        "scale": args.scale,
        "memory_ratio": round(one["peak_mib"] / results["small_1"]["peak_mib"], 3),
    }
    # Other processes on a small machine skew timings; record how busy it was.
    results["machine"]["load_average_before"] = round(load_before, 2)
    results["machine"]["load_average_after"] = round(os.getloadavg()[0], 2)
    shutil.rmtree(runs, ignore_errors=True)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


def markdown(results: dict) -> str:
    s = results["summary"]
    one, small = results["large_1"], results["small_1"]
    ok = {
        "per_core": s["per_core_sentences_per_s"] >= TARGETS["per_core"],
        "speedup": s["speedup"] >= TARGETS["speedup"],
        "memory": s["memory_ratio"] <= TARGETS["memory_ratio"],
    }
    mark = {True: "met", False: "**not met**"}
    rows = [
        "| measure | result | target |",
        "| --- | --- | --- |",
        f'| floor: read JSONL + `re.findall(r"\\w+")`, {one["sentences"]:,} sentences | '
        f"{s['floor_sentences_per_s']:,} sentences/s | (reference, ~180k) |",
        f"| `framing score --jobs 1`, end to end, {one['sentences']:,} sentences | "
        f"{s['per_core_sentences_per_s']:,} sentences/s per core ({one['wall_s']:.0f} s) | "
        f">= {TARGETS['per_core']:,}: {mark[ok['per_core']]} |",
        f"| of which the model (`label_sentences`) alone | {s['model_only_sentences_per_s']:,} sentences/s | |",
        f"| time outside the model (read, split, summarise, write, aggregate, report) | "
        f"{100 * s['batch_overhead_share']:.1f}% | |",
        f"| `--jobs {s['speedup_jobs']}` speed-up over `--jobs 1` | {s['speedup']:.2f}x "
        f"({results['large_n']['wall_s']:.0f} s) | >= {TARGETS['speedup']}x: {mark[ok['speedup']]} |",
        f"| `--jobs {s['speedup_jobs']}`: share of the wall time each worker was busy | "
        f"{100 * s['workers_busy_share']:.0f}% | |",
        f"| peak memory, {small['sentences']:,} sentences (1x) | {s['peak_mib_1x']:.0f} MiB | |",
        f"| peak memory, {one['sentences']:,} sentences ({s['scale']}x) | {s['peak_mib_scaled']:.0f} MiB "
        f"(ratio {s['memory_ratio']:.2f}) | <= {TARGETS['memory_ratio']}x: {mark[ok['memory']]} |",
    ]
    m = results["machine"]
    rows.append("")
    rows.append(
        f"Machine: {m['cpus']} CPUs, Python {m['python']}, {m['platform']}; 1-minute load average "
        f"{m['load_average_before']} before, {m['load_average_after']} after the run."
    )
    return "\n".join(rows)


def update_readme(table: str) -> None:
    """Put the table in ``bench/README.md`` and in the project README's speed section."""
    _replace_block(HERE / "README.md", _TABLE_START, _TABLE_END, table, create=True)
    _replace_block(ROOT / "README.md", _SPEED_START, _SPEED_END, table, create=False)


def _replace_block(readme: Path, start: str, end: str, table: str, create: bool) -> None:
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    if start not in text:
        if not create:
            return
        text += f"\n{start}\n{end}\n"
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1] if end in rest else ""
    readme.write_text(f"{head}{start}\n{table}\n{end}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--quick", action="store_true", help="tiny corpus, to check that the script works"
    )
    p.add_argument("--sentences", type=int, default=100_000, help="size of the 1x corpus")
    p.add_argument(
        "--scale", type=int, default=10, help="the large corpus is this many times the 1x corpus"
    )
    p.add_argument("--jobs", type=int, default=2, help="workers of the scaling run")
    p.add_argument("--chunk-size", type=int, default=500)
    p.add_argument("--out-dir", default=str(HERE / "out"))
    args = p.parse_args(argv)
    if args.quick:
        args.sentences, args.scale, args.chunk_size = 300, 3, 20
    results = run_bench(args)
    table = markdown(results)
    print(table)
    if not args.quick:
        update_readme(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
