"""Pause Python's cyclic garbage collector around allocation-heavy work.

Encoding a batch creates many small lists and tuples (tokens, lexicon hits).
Each allocation burst triggers collections that walk every live container,
including the ones just made (bench/ measures what that costs). Nothing in that work forms reference
cycles (reference counting frees it all), so the collector is paused for its
duration and resumed afterwards, when any cycles made elsewhere are collected
as usual.

The pause is switched on at one layer only, around
:func:`framing.features.encoder.encode`. The collector is one switch for the whole process. Pauses are counted under a
lock, so that with several threads scoring at once (a thread pool, a Dask
worker with several threads) the collector stays off while any of them is
inside a pause and comes back on when the last one leaves, if it was on
before the first one entered.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic garbage collector inside the block; nestable and thread-safe.

    Examples
    --------
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
