"""The ``framing`` command line: score, aggregate, train, evaluate, explain."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from framing import __version__
from framing.errors import ConfigError


def _add_score(sub) -> None:
    p = sub.add_parser("score", help="label every sentence of a corpus and aggregate per source")
    p.add_argument("inputs", nargs="+", help="folders of .txt (with manifest.csv), or .csv/.jsonl/.parquet files")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--text-col", default="text")
    p.add_argument("--id-col", default="doc_id")
    p.add_argument("--source-col", default="source")
    p.add_argument("--date-col", default="published")
    p.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="sentences file format")
    p.add_argument("--model", help="model file (default: the verified bundled model)")
    p.add_argument("--trust-model", action="store_true", help="allow a joblib model that is not the bundled one")
    p.add_argument("--jobs", type=int, default=1, help="local worker processes")
    p.add_argument("--engine", choices=("local", "dask"), default="local")
    p.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://HOST:PORT (implies --engine dask)")
    p.add_argument("--chunk-size", type=int, default=500, help="documents per shard")
    p.add_argument("--resume", action="store_true", help="skip shards finished by an earlier run")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--no-report", action="store_true", help="skip report.html")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed for the intervals")
    p.add_argument("--bootstrap", type=int, default=1000, help="bootstrap replicates for the intervals")
    p.add_argument("--report-articles", type=int, default=200, help="articles shown highlighted in report.html")


def _add_aggregate(sub) -> None:
    p = sub.add_parser("aggregate", help="recompute aggregates of a finished run")
    p.add_argument("run_dir")
    p.add_argument("--seed", type=int, default=None, help="bootstrap seed (default: the run's)")
    p.add_argument("--bootstrap", type=int, default=None, help="bootstrap replicates (default: the run's)")


def _add_train(sub) -> None:
    p = sub.add_parser("train", help="train a model from labels/ and/or your own labels")
    p.add_argument("--labels", help="your labeled sentences (.csv/.jsonl/.parquet: doc_id, sent_idx, text, label)")
    p.add_argument("--only-labels", action="store_true", help="train on --labels alone, without the bundled data")
    p.add_argument("--out", required=True, help="model file to write (.joblib or .skops); never the bundled model")
    p.add_argument("--metrics", help="metrics.json to put on the model card")


def _add_evaluate(sub) -> None:
    p = sub.add_parser("evaluate", help="real-text and authored evaluation, baselines, ablations")
    p.add_argument("--out", default="runs/evaluation", help="folder for metrics.json and report.md")
    p.add_argument("--fast", action="store_true", help="three outlet folds and no-fit baselines only (quick)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--jobs", type=int, default=2, help="folds fitted in parallel")


def _add_explain(sub) -> None:
    p = sub.add_parser("explain", help="show the evidence for one sentence's label")
    p.add_argument("sentence")
    p.add_argument("--top", type=int, default=8)
    p.add_argument("--model")
    p.add_argument("--trust-model", action="store_true")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="framing", description="Sentence-level framing analysis of conflict news.")
    parser.add_argument("--version", action="version", version=f"framing {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (_add_score, _add_aggregate, _add_train, _add_evaluate, _add_explain):
        add(sub)
    return parser


def _cmd_explain(args) -> int:
    from framing.persist import load_model
    from framing.pipeline import explain

    model = load_model(args.model, trust=args.trust_model) if args.model else None
    table = explain(args.sentence, model=model, top=args.top)
    print(f"label: {table['label'].iloc[0]}")
    for row in table.itertuples(index=False):
        print(f"  {row.weight:+.3f}  {row.description}")
    return 0


def _cmd_train(args) -> int:
    import json

    from framing.train import train

    metrics = json.loads(open(args.metrics, encoding="utf-8").read()) if args.metrics else None
    model, path = train(args.labels, include_bundled=not args.only_labels, out=args.out, metrics=metrics)
    print(f"wrote {path} and its model card")
    return 0


def _cmd_evaluate(args) -> int:
    from framing.evaluate import run_evaluation

    metrics = run_evaluation(args.out, fast=args.fast, seed=args.seed, n_jobs=args.jobs)
    m = metrics["real_looo"]
    kind = f"{m['folds']} outlet folds" if args.fast else "leave-one-outlet-out"
    print(f"real text, {kind}: macro-F1 {m['macro_f1']:.3f}, boilerplate F1 {m['boilerplate_f1']:.3f}")
    print(f"wrote {args.out}/metrics.json and {args.out}/report.md")
    return 0


def _cmd_score(args) -> int:
    from framing.batch import run_score

    return run_score(args)


def _cmd_aggregate(args) -> int:
    from framing.batch import run_aggregate

    return run_aggregate(args)


COMMANDS = {
    "score": _cmd_score,
    "aggregate": _cmd_aggregate,
    "train": _cmd_train,
    "evaluate": _cmd_evaluate,
    "explain": _cmd_explain,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; exit 2 with one line on a configuration error.

    Examples
    --------
    >>> main(["--version"])  # doctest: +SKIP
    """
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (ConfigError, OSError, UnicodeDecodeError) as exc:
        # One line, never a traceback: a refused model, a missing or read-only
        # path, a full disk.
        print(f"framing {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return 2


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
        return f"{exc.filename}: {exc.strerror}"
    return " ".join(str(exc).split())


if __name__ == "__main__":
    sys.exit(main())
