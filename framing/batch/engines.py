"""Where shards are scored: in this process, in local worker processes, or on Dask.

A worker is pure computation: it receives a :class:`ShardTask` (the
documents of one shard), labels their sentences and returns a
:class:`ShardResult` holding the shard's sentences as Parquet bytes, its
per-article summary and its per-document errors. Only the driver writes
files, so a remote Dask cluster needs no shared file system and a killed run
never leaves a file half-written by a worker.

Each worker process loads the model once (a per-process cache keyed by path,
trust and SHA-256) and checks that the file it loaded is the one the driver
hashed, so every engine labels with the same model and gives the same output.
"""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from framing.aggregate.summaries import summarise
from framing.batch.runtime import (
    pause_between_shards,
    peak_rss_mib,
    trim_memory,
    use_system_allocator,
)
from framing.errors import ConfigError
from framing.lexicon.terms import load_lexicons
from framing.model.persist import bundled_model_path, load_model_bytes, sha256_bytes
from framing.pipeline import label_sentences, sentence_table
from framing.schema import ARTICLE_COLUMNS, SENTENCE_FILE_COLUMNS, SENTENCE_SCHEMA


@dataclass(frozen=True)
class ModelSpec:
    """How a worker finds the model, and the hash the file must have.

    ``path`` None means the bundled model of the worker's own framing
    install, so remote workers need not share the driver's file layout.
    """

    path: str | None
    sha256: str
    trust: bool = False
    profile: str = "fast"

    def resolve(self) -> str:
        """The model file on this machine."""
        return self.path if self.path is not None else str(bundled_model_path(self.profile))


@dataclass
class ShardTask:
    """The valid documents of one shard: ``(doc_id, source, published, text, where, title, url)``.

    ``title`` and ``url`` may be left off (both then empty).
    """

    shard: int
    docs: list[tuple[str, ...]]


@dataclass
class ShardResult:
    """What a worker sends back for one shard."""

    shard: int
    sentences: bytes
    summary: dict
    errors: list[dict]
    counts: dict
    seconds: dict
    worker: dict = field(default_factory=dict)
    table: pa.Table | None = None
    """The same rows as ``sentences``, as Arrow: the driver merges them
    without decoding the Parquet bytes again (it travels between processes
    as Arrow buffers, which cost little to copy and nothing to decode)."""


_MODELS: dict[tuple[str, str, bool], Any] = {}


def worker_model(spec: ModelSpec) -> Any:
    """The model for ``spec``, loaded once per process and checked against its hash.

    Examples
    --------
    >>> p = str(bundled_model_path())
    >>> worker_model(ModelSpec(None, sha256_file(p))).classes_[0]  # doctest: +SKIP
    'boilerplate'
    """
    key = (spec.path, spec.sha256, spec.trust)
    if key not in _MODELS:
        path = spec.resolve()
        # One read: the hash is checked on the bytes that are then loaded.
        data = Path(path).read_bytes()
        actual = sha256_bytes(data)
        if actual != spec.sha256:
            raise ConfigError(
                f"{path}: model on this worker has SHA-256 {actual[:12]}..., the driver's has "
                f"{spec.sha256[:12]}...; install the same model on every worker"
            )
        _MODELS[key] = load_model_bytes(data, name=path, trust=spec.trust)
    return _MODELS[key]


def score_shard(task: ShardTask, spec: ModelSpec) -> ShardResult:
    """Label one shard's documents and summarise them.

    A document that breaks the model is reported in ``errors`` and left out;
    the other documents of the shard are still scored.

    Examples
    --------
    >>> r = score_shard(ShardTask(0, [("a", "X", "", "Kyiv said so.", "-")]), spec)  # doctest: +SKIP
    >>> r.counts["sentences"]  # doctest: +SKIP
    1
    """
    pause_between_shards()
    t0 = time.perf_counter()
    model = worker_model(spec)
    t1 = time.perf_counter()
    docs = pd.DataFrame(
        {
            "doc_id": pd.Series([d[0] for d in task.docs], dtype=object),
            "source": pd.Series([d[1] for d in task.docs], dtype=object),
            "text": pd.Series([d[3] for d in task.docs], dtype=object),
            "sentences": pd.Series([None] * len(task.docs), dtype=object),
        }
    )
    # Positions of ARTICLE_COLUMNS in a document tuple.
    article = {
        col: {d[0]: d[k] if len(d) > k else "" for d in task.docs}
        for col, k in zip(ARTICLE_COLUMNS, (2, 5, 6), strict=True)
    }
    labeled, errors, split_s, label_s = _label(docs, model, task)
    t2 = time.perf_counter()
    for col, values in article.items():
        labeled[col] = labeled["doc_id"].map(values).astype(object)
    lexicon_dirs = tuple(getattr(model, "lexicon_dirs", ()) or ())
    summary = summarise(labeled, load_lexicons(lexicon_dirs))
    t3 = time.perf_counter()
    table = pa.Table.from_pandas(
        labeled[list(SENTENCE_FILE_COLUMNS)], schema=SENTENCE_SCHEMA, preserve_index=False
    )
    table = table.replace_schema_metadata(None)
    buf = io.BytesIO()
    pq.write_table(table, buf)
    t4 = time.perf_counter()
    counts = {
        "documents": len(task.docs) - len(errors),
        "sentences": len(labeled),
        "content": int(summary.docs["content"].sum()) if len(summary.docs) else 0,
    }
    seconds = {
        "load_model": t1 - t0,
        "split": split_s,
        "label": label_s,
        "summarise": t3 - t2,
        "serialise": t4 - t3,
    }
    seconds["total"] = t4 - t0
    worker = {**_worker_info(), "lexicon_dirs": list(lexicon_dirs)}
    del labeled, docs
    trim_memory()
    return ShardResult(
        task.shard, buf.getvalue(), summary.to_dict(), errors, counts, seconds, worker, table
    )


def _label(
    docs: pd.DataFrame, model: Any, task: ShardTask
) -> tuple[pd.DataFrame, list[dict], float, float]:
    t0 = time.perf_counter()
    table = sentence_table(docs)
    t1 = time.perf_counter()
    try:
        labeled, errors = label_sentences(table, model, lexicon_terms=True), []
    except Exception:  # noqa: BLE001 - find the document(s) that break the model
        labeled, errors = _label_each(table, model, task)
    t2 = time.perf_counter()
    have = set(labeled["doc_id"].tolist()) | {e["doc_id"] for e in errors}
    errors += [_error(d, "no sentences found") for d in task.docs if d[0] not in have]
    return labeled.reset_index(drop=True), errors, t1 - t0, t2 - t1


def _label_each(
    table: pd.DataFrame, model: Any, task: ShardTask
) -> tuple[pd.DataFrame, list[dict]]:
    parts, errors = [table.iloc[:0]], []
    for doc in task.docs:
        try:
            parts.append(label_sentences(table[table["doc_id"] == doc[0]], model, lexicon_terms=True))
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop the job
            errors.append(_error(doc, f"labeling failed: {type(exc).__name__}: {exc}"))
    labeled = (
        pd.concat(parts[1:], ignore_index=True)
        if len(parts) > 1
        else label_sentences(parts[0], model, lexicon_terms=True)
    )
    return labeled, errors


def _error(doc: tuple, reason: str) -> dict:
    return {"doc_id": doc[0], "where": doc[4], "reason": reason}


def _worker_info() -> dict:
    return {"pid": os.getpid(), "peak_rss_mib": peak_rss_mib()}


class Engine:
    """Runs :func:`score_shard` over tasks, at most ``window`` at a time.

    Results come back in completion order; memory is bounded because no more
    than ``window`` tasks are read ahead of the workers.
    """

    workers: int = 1

    def map(self, tasks: Iterable[ShardTask], spec: ModelSpec) -> Iterator[ShardResult]:
        """Score every task; yield results as they finish."""
        raise NotImplementedError

    def close(self) -> None:
        """Release workers."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class InProcessEngine(Engine):
    """Score in this process (``--jobs 1``): no start-up cost, no copies."""

    def map(self, tasks: Iterable[ShardTask], spec: ModelSpec) -> Iterator[ShardResult]:
        for task in tasks:
            yield score_shard(task, spec)


class _WindowedEngine(Engine):
    """Shared submit-and-wait loop of the pool and Dask engines."""

    def _submit(self, task: ShardTask, spec: ModelSpec) -> Any:
        raise NotImplementedError

    def _wait(self, pending: set) -> tuple[set, set]:
        raise NotImplementedError

    def map(self, tasks: Iterable[ShardTask], spec: ModelSpec) -> Iterator[ShardResult]:
        window = 2 * self.workers
        pending: set = set()
        it = iter(tasks)
        exhausted = False
        while True:
            while not exhausted and len(pending) < window:
                task = next(it, None)
                if task is None:
                    exhausted = True
                else:
                    pending.add(self._submit(task, spec))
            if not pending:
                return
            done, pending = self._wait(pending)
            for fut in done:
                yield fut.result()


class ProcessEngine(_WindowedEngine):
    """Local worker processes (``--jobs N``), each loading the model once."""

    def __init__(self, jobs: int, spec: ModelSpec):
        import multiprocessing

        self.workers = jobs
        # forkserver/spawn: no copy of the driver's state (threads, open files) in workers.
        method = (
            "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        )
        self._pool = ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=multiprocessing.get_context(method),
            initializer=_warm,
            initargs=(spec, os.getpid()),
        )

    def _submit(self, task: ShardTask, spec: ModelSpec) -> Future:
        return self._pool.submit(score_shard, task, spec)

    def _wait(self, pending: set) -> tuple[set, set]:
        done, rest = wait(pending, return_when=FIRST_COMPLETED)
        return set(done), set(rest)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _warm(spec: ModelSpec, driver_pid: int | None = None) -> None:
    # Load the model before the first task; a failure here is reported by the
    # first task instead, since an initializer error would break the pool
    # without saying why.
    if driver_pid is not None:
        _exit_with_driver(driver_pid)
    use_system_allocator()
    try:
        worker_model(spec)
    except Exception:  # noqa: BLE001
        pass


def _exit_with_driver(driver_pid: int, interval: float = 0.5) -> threading.Thread:
    """Watch the driver from a daemon thread; end this worker once it is gone.

    A worker's parent is the forkserver, not the driver, so a killed driver
    (kill -9) sends no signal: without this the workers, and the forkserver
    and resource tracker they keep open, outlive it for minutes.
    """

    def watch() -> None:
        while True:
            time.sleep(interval)
            if not _alive(driver_pid):
                os._exit(1)

    thread = threading.Thread(target=watch, name="framing-driver-watch", daemon=True)
    thread.start()
    return thread


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _preload(spec: ModelSpec) -> None:
    # Dask workers may not be framing's own processes: load the model, change nothing else.
    try:
        worker_model(spec)
    except Exception:  # noqa: BLE001 - reported by the first task instead
        pass


class DaskEngine(_WindowedEngine):
    """Shards as tasks on a Dask cluster: an existing one, or a local one.

    Parameters
    ----------
    scheduler : str, optional
        ``tcp://HOST:PORT`` of a running scheduler; without it a
        ``LocalCluster`` of ``jobs`` single-threaded worker processes is started.
    jobs : int
        Workers of the local cluster.
    """

    def __init__(self, scheduler: str | None, jobs: int, spec: ModelSpec):
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise ConfigError(
                "the dask engine needs dask.distributed: pip install 'framing[dask]'"
            ) from exc
        self._cluster = None
        if scheduler:
            import dask

            try:
                # Dask's own setting (distributed.comm.timeouts.connect) bounds the wait.
                self._client = Client(
                    scheduler, timeout=dask.config.get("distributed.comm.timeouts.connect")
                )
            except (OSError, TimeoutError, ValueError) as exc:
                raise ConfigError(f"cannot connect to Dask scheduler {scheduler}: {exc}") from exc
        else:
            import logging

            self._cluster = LocalCluster(
                n_workers=jobs,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self._client = Client(self._cluster)
        self.workers = max(1, sum(self._client.nthreads().values()))
        # Preload once per worker; later tasks reuse the per-process cache.
        self._client.run(_preload, spec)

    def _submit(self, task: ShardTask, spec: ModelSpec) -> Any:
        return self._client.submit(score_shard, task, spec, pure=False)

    def _wait(self, pending: set) -> tuple[set, set]:
        from distributed import wait as dask_wait

        done, rest = dask_wait(list(pending), return_when="FIRST_COMPLETED")
        return set(done), set(rest)

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_engine(engine: str, jobs: int, scheduler: str | None, spec: ModelSpec) -> Engine:
    """Pick the engine for ``--engine``, ``--jobs`` and ``--scheduler``.

    Examples
    --------
    >>> type(make_engine("local", 1, None, spec)).__name__  # doctest: +SKIP
    'InProcessEngine'
    """
    if scheduler or engine == "dask":
        return DaskEngine(scheduler, jobs, spec)
    if jobs == 1:
        return InProcessEngine()
    return ProcessEngine(jobs, spec)
