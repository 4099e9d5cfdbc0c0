"""The driver's running state and ``run.json``."""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

from framing import __version__
from framing.batch.config import ScoreConfig
from framing.batch.engines import ModelSpec, ShardResult
from framing.batch.runtime import peak_rss_mib
from framing.io.readers import InputSpec


@dataclass
class DriveState:
    """Counts and worker figures the driver gathers while shards are read and scored."""

    seen: set = field(default_factory=set)
    shards: int = 0
    resumed: int = 0
    resumed_docs: int = 0
    sentences: int = 0
    documents_read: int = 0
    undated: int = 0
    driver_errors: dict = field(default_factory=dict)
    worker_seconds: Counter = field(default_factory=Counter)
    worker_peaks: dict = field(default_factory=dict)
    lexicon_dirs: tuple = ()
    scoring_peak_mib: float = 0.0

    def record(self, res: ShardResult) -> None:
        self.sentences += res.counts["sentences"]
        self.worker_seconds.update(res.seconds)
        pid = res.worker.get("pid")
        self.worker_peaks[pid] = max(
            self.worker_peaks.get(pid, 0.0), res.worker.get("peak_rss_mib", 0.0)
        )
        self.lexicon_dirs = tuple(res.worker.get("lexicon_dirs", ()))


@dataclass
class RunContext:
    """One run as the driver sees it: settings, model, inputs, running state and timings."""

    config: ScoreConfig
    model: ModelSpec
    specs: list[InputSpec]
    state: DriveState = field(default_factory=DriveState)
    timings: Counter = field(default_factory=Counter)
    workers: int = 1
    t_start: float = 0.0


def run_record(run: RunContext, counts: dict, outputs: list[str]) -> dict:
    """The content of ``run.json``: model, versions, counts, timings, memory, arguments.

    Examples
    --------
    >>> run_record(run, counts, ["run.json"])["status"]  # doctest: +SKIP
    'complete'
    """
    config, model, specs, state, timings = run.config, run.model, run.specs, run.state, run.timings
    workers = run.workers
    import pyarrow
    import tqdm

    from framing.training.train import library_versions

    versions = {**library_versions(), "pyarrow": pyarrow.__version__, "tqdm": tqdm.__version__}
    for name in ("dask", "distributed"):
        # Read the installed version without importing (distributed takes a second to import).
        with contextlib.suppress(PackageNotFoundError):
            versions[name] = package_version(name)
    ws = state.worker_seconds
    driver_peak = peak_rss_mib()
    # In-process runs report the driver's own pid as the worker.
    worker_peaks = {pid: v for pid, v in state.worker_peaks.items() if pid != os.getpid()}
    return {
        "status": "complete",
        "framing_version": __version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model": {
            "path": model.resolve(),
            "bundled": model.path is None,
            "profile": model.profile if model.path is None else None,
            "sha256": model.sha256,
            "trusted": model.trust,
        },
        "lexicon_dirs": list(state.lexicon_dirs),
        "libraries": versions,
        "engine": {"engine": config.engine, "scheduler": config.scheduler, "workers": workers},
        "counts": counts,
        "timings": {
            "read": round(timings["read"], 3),
            "label": round(ws["label"], 3),
            "split": round(ws["split"], 3),
            "summarise": round(ws["summarise"], 3),
            "serialise": round(ws["serialise"], 3),
            "load_model": round(ws["load_model"], 3),
            "worker_total": round(ws["total"], 3),
            "write": round(timings["write"], 3),
            "aggregate": round(timings["aggregate"], 3),
            "report": round(timings["report"], 3),
            "total": round(timings["total"], 3),
        },
        "memory": {
            "driver_peak_mib": round(driver_peak, 1),
            "driver_peak_while_scoring_mib": round(state.scoring_peak_mib, 1),
            "worker_peak_mib": round(max(worker_peaks.values(), default=0.0), 1),
            "total_peak_mib": round(driver_peak + sum(worker_peaks.values()), 1),
        },
        "aggregation": {"bootstrap": config.bootstrap, "seed": config.seed},
        "inputs": [s.fingerprint() for s in specs],
        "arguments": config.arguments(),
        "outputs": outputs,
    }
