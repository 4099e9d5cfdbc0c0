"""Shard files: the run's fingerprint, writing a shard, deciding whether one is finished, the --out folder."""

from __future__ import annotations

import contextlib
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import asdict
from hashlib import sha256
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from framing import __version__
from framing.batch.config import FINAL_OUTPUTS, SHARD_NAME, ScoreConfig
from framing.batch.engines import ModelSpec, ShardResult
from framing.errors import ConfigError
from framing.io.readers import InputSpec
from framing.model.persist import atomic_write_bytes, sha256_file
from framing.schema import SENTENCE_SCHEMA

_SHARD_FILE = re.compile(r"^part-\d{5}\.(parquet|json)$")


def run_fingerprint(
    config: ScoreConfig, specs: list[InputSpec], model: ModelSpec, schema: pa.Schema = SENTENCE_SCHEMA
) -> str:
    """Hash of what decides a shard's content; bootstrap, seed and output format do not.

    Examples
    --------
    >>> run_fingerprint(config, specs, model)  # doctest: +SKIP
    """
    doc = {
        "framing": __version__,
        "model_sha256": model.sha256,
        "inputs": [s.fingerprint() for s in specs],
        "columns": asdict(config.columns),
        "chunk_size": config.chunk_size,
        # A shard written with other output columns (an older framing) must
        # be scored again, never merged with this run's shards.
        "sentence_schema": [[f.name, str(f.type)] for f in schema],
    }
    return sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def explain_stale_shards(shards: Path, fingerprint: str) -> None:
    """Say why ``--resume`` will score earlier shards again, instead of doing it silently."""
    stale = 0
    for side in sorted(shards.glob("part-*.json")) if shards.is_dir() else []:
        try:
            stale += json.loads(side.read_text(encoding="utf-8")).get("fingerprint") != fingerprint
        except (OSError, ValueError):
            stale += 1
    if stale:
        print(
            f"framing score: --resume: {stale} earlier shard(s) were made with other settings (model, "
            "inputs, column names, --chunk-size or framing's output columns) and are scored again",
            file=sys.stderr,
        )


def check_inputs_outside_outputs(specs: list[InputSpec], out: Path) -> None:
    """Refuse an input that is one of the files the run writes in ``out``.

    Examples
    --------
    >>> check_inputs_outside_outputs([], Path("runs/demo"))
    """
    owned = {(out / name).resolve() for name in FINAL_OUTPUTS}
    shards = (out / "shards").resolve()
    for spec in specs:
        path = spec.path.resolve()
        if path in owned or path == shards or path.is_relative_to(shards):
            raise ConfigError(
                f"input {spec.path} is one of the files this run writes in --out {out}; "
                "copy it elsewhere or choose another --out"
            )


@contextlib.contextmanager
def out_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out`` for one run; refuse a second writer.

    Examples
    --------
    >>> with out_lock(Path("/tmp/framing-lock-doc")):
    ...     pass
    """
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    path = out / ".framing.lock"
    fh = open(path, "a+")
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ConfigError(
                f"--out {out}: another framing run is writing there; wait for it or choose another folder"
            ) from exc
        yield
    finally:
        fh.close()


def prepare_out(out: Path, shards: Path, resume: bool) -> None:
    """Create the shard folder; drop stale temporary files, and earlier shards unless resuming.

    Earlier final outputs stay until this run's replace them.

    Examples
    --------
    >>> prepare_out(Path("runs/demo"), Path("runs/demo/shards"), resume=True)  # doctest: +SKIP
    """
    # Earlier final outputs stay until this run's replace them (see _finish).
    shards.mkdir(parents=True, exist_ok=True)
    for p in list(shards.iterdir()) + list(out.iterdir()):
        stale_tmp = p.name.startswith(".") and p.name.endswith(".tmp")
        if stale_tmp or (not resume and _SHARD_FILE.match(p.name) and p.parent == shards):
            with contextlib.suppress(FileNotFoundError):
                p.unlink()


def is_finished(shards: Path, shard: int, fingerprint: str) -> bool:
    """Whether shard ``shard`` was committed by a run with this fingerprint and is intact.

    Examples
    --------
    >>> is_finished(Path("/nonexistent"), 0, "0" * 64)
    False
    """
    name = SHARD_NAME.format(shard)
    try:
        side = json.loads((shards / f"{name}.json").read_text(encoding="utf-8"))
        data = shards / f"{name}.parquet"
        return (
            side.get("fingerprint") == fingerprint
            and side.get("sha256") == sha256_file(data)
            # The fingerprint covers the schema; this also catches a shard
            # file replaced by hand or by a build that forgot to change it.
            and pq.read_schema(data).remove_metadata().equals(SENTENCE_SCHEMA)
        )
    except (OSError, ValueError, pa.ArrowException):
        return False


def write_shard(
    shards: Path, res: ShardResult, driver_errors: list[dict], fingerprint: str
) -> dict:
    """Write a scored shard: its Parquet file, then its sidecar (the commit marker); return the sidecar.

    Examples
    --------
    >>> write_shard(shards, result, [], fingerprint)  # doctest: +SKIP
    """
    name = SHARD_NAME.format(res.shard)
    atomic_write_bytes(shards / f"{name}.parquet", res.sentences)
    side = {
        "shard": res.shard,
        "fingerprint": fingerprint,
        "sha256": sha256(res.sentences).hexdigest(),
        "counts": res.counts,
        "errors": driver_errors + res.errors,
        "summary": res.summary,
        "seconds": res.seconds,
        "worker": res.worker,
    }
    # The sidecar is the commit marker: it is written after the data it vouches for.
    atomic_write_bytes(
        shards / f"{name}.json", json.dumps(side, ensure_ascii=False).encode("utf-8")
    )
    return side
