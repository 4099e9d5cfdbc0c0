"""The ``framing`` command line: score, aggregate, train, evaluate, explain."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from framing import __version__
from framing.errors import ConfigError


class _Formatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Show defaults and keep the examples' line breaks."""


SCORE_EXAMPLES = """examples:
  framing score labels/seeds --out runs/demo                 a folder of .txt files with manifest.csv
  framing score news.jsonl --out runs/x --jobs 2             two worker processes
  framing score news.csv --out runs/x --text-col body --source-col outlet --date-col date
  framing score news.jsonl --out runs/x --title-col story_title --url-col story_url
  framing score news.parquet --out runs/x --resume           skip shards an interrupted run finished
  framing score news.jsonl --out runs/x --scheduler tcp://HOST:8786   a Dask cluster
"""


def _add_score(sub) -> None:
    p = sub.add_parser(
        "score",
        help="label every sentence of a corpus and aggregate per source",
        description="Label every sentence of a corpus (boilerplate, reporting, official_claim, "
        "editorialising, propaganda_echo) and aggregate per source: shares with intervals, "
        "loaded-term rates, drivers, pairwise comparisons, an HTML report.",
        formatter_class=_Formatter,
        epilog=SCORE_EXAMPLES,
    )
    p.add_argument("inputs", nargs="+", help="folders of .txt (with manifest.csv), or .csv/.jsonl/.parquet files")
    p.add_argument("--out", required=True, help="output folder (locked while the run writes)")
    p.add_argument("--text-col", default="text", help="column holding the article text")
    p.add_argument("--id-col", default="doc_id", help="column holding a unique document id (rows without one get FILE:ROW)")
    p.add_argument("--source-col", default="source", help="column holding the outlet name")
    p.add_argument(
        "--date-col",
        default="published",
        help="column holding the publication date (ISO, 'March 2022', ...); if absent, a column named "
        "date, pubdate, published_at or timestamp is used",
    )
    p.add_argument(
        "--title-col",
        default="title",
        help="column holding the article title (shown in report.html and kept in the sentences file); "
        "if absent, a column named headline, heading or article_title, or Title/TITLE, is used",
    )
    p.add_argument(
        "--url-col",
        default="url",
        help="column holding the article URL (shown in report.html and kept in the sentences file); "
        "if absent, a column named link, permalink, article_url or web_url, or URL/Url, is used",
    )
    p.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="sentences file format")
    p.add_argument("--model", help="model file (default: the verified bundled model of --profile)")
    p.add_argument(
        "--profile",
        choices=("fast", "accurate"),
        default="fast",
        help="bundled model: fast (default) or accurate (full MiniLM sentence encoder, about 200 "
        "sentences/s; needs pip install 'framing[accurate]')",
    )
    p.add_argument("--trust-model", action="store_true", help="allow a joblib model that is not the bundled one")
    p.add_argument("--jobs", type=int, default=1, help="local worker processes (one per core)")
    p.add_argument("--engine", choices=("local", "dask"), default="local", help="where shards are scored")
    p.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://HOST:PORT (implies --engine dask)")
    p.add_argument("--chunk-size", type=int, default=500, help="documents per shard (the unit of resume)")
    p.add_argument("--resume", action="store_true", help="skip shards finished by an earlier run")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--no-report", action="store_true", help="skip report.html")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed for the intervals (0 to 2**32-1)")
    p.add_argument("--bootstrap", type=int, default=1000, help="bootstrap replicates for the intervals (at most 100,000)")
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
    p.add_argument("--fast", action="store_true", help="two outlet folds and no-fit baselines only (quick)")
    p.add_argument("--seed", type=int, default=0, help="seed of the bootstrap and the article folds")
    p.add_argument("--jobs", type=int, default=2, help="folds fitted in parallel")
    p.add_argument("--labels", help="evaluate on your labeled sentences instead (doc_id, sent_idx, text, label, source)")
    p.add_argument(
        "--scheme",
        choices=("model", "split", "looo"),
        default="model",
        help="with --labels: score the model as it is, train on split=train and score split=test, "
        "or leave one of your outlets out at a time",
    )
    p.add_argument("--split-col", default="split", help="with --scheme split: the train/test column")
    p.add_argument("--model", help="with --scheme model: a model file (default: the bundled model)")
    p.add_argument("--trust-model", action="store_true", help="allow a model file that is not the bundled one")


def _add_explain(sub) -> None:
    p = sub.add_parser(
        "explain",
        help="show the evidence for one sentence's label",
        formatter_class=_Formatter,
        epilog='example:\n  framing explain "The tyrant ranted again." --top 5',
    )
    p.add_argument("sentence", help="one sentence, scored as a one-sentence article")
    p.add_argument("--top", type=int, default=8, help="how many features to show")
    p.add_argument("--model", help="model file (default: the verified bundled model of --profile)")
    p.add_argument("--profile", choices=("fast", "accurate"), default="fast", help="bundled model to use")
    p.add_argument("--trust-model", action="store_true", help="allow a model file that is not the bundled one")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="framing", description="Sentence-level framing analysis of conflict news.")
    parser.add_argument("--version", action="version", version=f"framing {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (_add_score, _add_aggregate, _add_train, _add_evaluate, _add_explain):
        add(sub)
    return parser


def _cmd_explain(args) -> int:
    from framing.model.persist import load_model, model_needs_extras
    from framing.pipeline import explain

    model = load_model(args.model, trust=args.trust_model, profile=args.profile)
    if model_needs_extras(model):
        raise ConfigError(model_needs_extras(model))
    table = explain(args.sentence, model=model, top=args.top)
    print(f"label: {table['label'].iloc[0]}")
    for row in table.itertuples(index=False):
        print(f"  {row.weight:+.3f}  {row.description}")
    return 0


def _cmd_train(args) -> int:
    import json

    from framing.training.train import train

    metrics = json.loads(open(args.metrics, encoding="utf-8").read()) if args.metrics else None
    model, path = train(args.labels, include_bundled=not args.only_labels, out=args.out, metrics=metrics)
    print(f"wrote {path} and its model card")
    return 0


def _cmd_evaluate(args) -> int:
    from framing.training.evaluate import run_evaluation

    if args.labels:
        return _evaluate_user_labels(args)
    metrics = run_evaluation(args.out, fast=args.fast, seed=args.seed, n_jobs=args.jobs)
    m = metrics["real_looo"]
    kind = f"{m['folds']} outlet folds" if args.fast else "leave-one-outlet-out"
    print(f"real text, {kind}: macro-F1 {m['macro_f1']:.3f}, boilerplate F1 {m['boilerplate_f1']:.3f}")
    print(f"wrote {args.out}/metrics.json and {args.out}/report.md")
    return 0


def _evaluate_user_labels(args) -> int:
    import json
    from pathlib import Path

    from framing.model.persist import atomic_write_bytes, load_model
    from framing.training.user_evaluation import evaluate_labels

    model = load_model(args.model, trust=args.trust_model) if args.model else None
    try:
        result = evaluate_labels(args.labels, scheme=args.scheme, model=model, split_col=args.split_col, seed=args.seed)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    p = result["pooled"]
    lo, hi = p["macro_f1_ci"]
    print(f"{args.labels} ({args.scheme}): {result['sentences']} sentences, {result['articles']} articles, "
          f"{result['outlets']} outlets; macro-F1 {p['macro_f1']:.3f} ({lo:.3f}-{hi:.3f}), "
          f"boilerplate F1 {p['boilerplate_f1']:.3f}, share error {p['per_source_share_mae']:.1f} points")
    for outlet, r in result["per_outlet"].items():
        print(f"  {outlet}: macro-F1 {r['macro_f1']:.3f} ({r['macro_f1_ci'][0]:.3f}-{r['macro_f1_ci'][1]:.3f}), "
              f"{r['n_content']} content sentences")
    out = Path(args.out) / "user_metrics.json"
    atomic_write_bytes(out, (json.dumps(result, indent=2, default=str) + "\n").encode("utf-8"))
    print(f"wrote {out}")
    return 0


def _cmd_score(args) -> int:
    from framing.batch.runner import run_score

    return run_score(args)


def _cmd_aggregate(args) -> int:
    from framing.batch.runner import run_aggregate

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
