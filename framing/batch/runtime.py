"""Process-level helpers of the batch job: pyarrow's allocator, returning freed memory, peak memory.

Also the one test hook of the batch job (:func:`pause_between_shards`), kept
here so that the scoring code itself reads no debug settings.
"""

from __future__ import annotations

import ctypes
import os
import sys
import time
from typing import Any

import pyarrow as pa


def peak_rss_mib() -> float:
    """This process's peak resident memory (``VmHWM``) in MiB.

    ``ru_maxrss`` is inherited across fork and misleading in spawned workers,
    so Linux's ``/proc/self/status`` is read where it exists.

    Examples
    --------
    >>> peak_rss_mib() > 0
    True
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    import sys

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def pause_between_shards() -> None:
    """Sleep ``$FRAMING_DEBUG_SHARD_PAUSE`` seconds before scoring a shard (unset: no pause).

    A test hook: it lets tests/batch/test_batch.py kill a run between shards
    deterministically. Kept out of the scoring code so that code reads no
    debug settings.

    Examples
    --------
    >>> pause_between_shards()
    """
    pause = os.environ.get("FRAMING_DEBUG_SHARD_PAUSE")
    if pause:
        time.sleep(float(pause))


def use_system_allocator() -> None:
    """Make pyarrow allocate with malloc in this process (call only in processes framing owns).

    pyarrow's default mimalloc pool keeps the buffers of every shard read or
    written, while malloc hands them back for numpy and scikit-learn to reuse
    (bench/ measures the difference).

    Examples
    --------
    >>> use_system_allocator()  # doctest: +SKIP
    """
    pa.set_memory_pool(pa.system_memory_pool())


def trim_memory() -> None:
    """Hand freed heap memory back to the operating system (glibc only; else nothing).

    Scoring a shard allocates and frees hundreds of megabytes in objects of
    every size; glibc keeps freed pages in the heap, where fragments of them
    stay resident, so a long run's resident memory crept up with the number
    of shards. ``malloc_trim(0)`` after each shard returns those pages, as
    Dask's workers do.

    Examples
    --------
    >>> trim_memory()
    """
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _glibc() -> Any:
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


_LIBC = _glibc() if sys.platform.startswith("linux") else None
