"""Settings and result of one ``framing score`` run, and the files it owns."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from framing.aggregate.accumulator import Aggregates
from framing.aggregate.bootstrap import DEFAULT_BOOTSTRAP
from framing.errors import ConfigError
from framing.io.columns import Columns

FINAL_OUTPUTS = (
    "sentences.parquet",
    "sentences.csv",
    "aggregates.csv",
    "aggregates.json",
    "pairwise.csv",
    "report.html",
    "errors.jsonl",
    "run.json",
)


SHARD_NAME = "part-{:05d}"


REPORT_ARTICLES = 200


# Replicates beyond this change no reported digit and cost memory per source.
MAX_BOOTSTRAP = 100_000


@dataclass(frozen=True)
class ScoreConfig:
    """Settings of one ``framing score`` run (see ``framing score --help``)."""

    inputs: tuple[str, ...]
    out: Path
    columns: Columns = field(default_factory=Columns)
    format: str = "parquet"
    model: str | None = None
    trust_model: bool = False
    profile: str = "fast"
    jobs: int = 1
    engine: str = "local"
    scheduler: str | None = None
    chunk_size: int = 500
    resume: bool = False
    quiet: bool = False
    report: bool = True
    seed: int = 0
    bootstrap: int = DEFAULT_BOOTSTRAP
    report_articles: int = REPORT_ARTICLES

    @classmethod
    def from_args(cls, args: Any) -> ScoreConfig:
        """Build from parsed CLI arguments.

        Examples
        --------
        >>> from framing.cli import build_parser
        >>> ScoreConfig.from_args(build_parser().parse_args(["score", "x.csv", "--out", "o"])).jobs
        1
        """
        return cls(
            inputs=tuple(args.inputs),
            out=Path(args.out),
            columns=Columns(
                args.text_col,
                args.id_col,
                args.source_col,
                args.date_col,
                getattr(args, "title_col", "title"),
                getattr(args, "url_col", "url"),
            ),
            format=args.format,
            model=args.model,
            trust_model=args.trust_model,
            profile=getattr(args, "profile", "fast"),
            jobs=args.jobs,
            engine="dask" if args.scheduler else args.engine,
            scheduler=args.scheduler,
            chunk_size=args.chunk_size,
            resume=args.resume,
            quiet=args.quiet,
            report=not args.no_report,
            seed=args.seed,
            bootstrap=getattr(args, "bootstrap", DEFAULT_BOOTSTRAP),
            report_articles=getattr(args, "report_articles", REPORT_ARTICLES),
        )

    def validate(self) -> None:
        """Raise :class:`ConfigError` for settings that cannot work."""
        for name in ("jobs", "chunk_size", "bootstrap"):
            if getattr(self, name) < 1:
                raise ConfigError(
                    f"--{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}"
                )
        if not 0 <= self.seed < 2**32:
            raise ConfigError(f"--seed must be between 0 and {2**32 - 1}, got {self.seed}")
        if self.bootstrap > MAX_BOOTSTRAP:
            raise ConfigError(f"--bootstrap must be at most {MAX_BOOTSTRAP:,}, got {self.bootstrap:,}")
        if self.report_articles < 0:
            raise ConfigError(f"--report-articles must be 0 or more, got {self.report_articles}")
        if self.format not in ("parquet", "csv"):
            raise ConfigError(f"--format must be parquet or csv, got {self.format!r}")
        if self.engine not in ("local", "dask"):
            raise ConfigError(f"--engine must be local or dask, got {self.engine!r}")
        if self.out.exists() and not self.out.is_dir():
            raise ConfigError(f"--out {self.out}: exists and is not a folder")

    def arguments(self) -> dict:
        """JSON-ready settings for run.json."""
        d = asdict(self)
        d["out"] = str(self.out)
        d["inputs"] = list(self.inputs)
        return d


@dataclass
class RunResult:
    """What :func:`score` did: counts, aggregates and where outputs are."""

    out: Path
    counts: dict
    aggregates: Aggregates
    error_reasons: dict
    outputs: list[str]
