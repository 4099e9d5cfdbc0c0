"""The garbage-collector pause restores the collector's previous state."""

from __future__ import annotations

import gc

import pytest

from framing.features.gc_pause import gc_paused


def test_pause_nests_and_restores_after_an_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with gc_paused():
            with gc_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()  # the outer pause still holds
            raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_pauses_in_threads_restore_the_collector():
    # Thread A enters, thread B enters, A leaves, B leaves: the collector
    # must stay off until B leaves and then be on again.
    import threading

    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def a():
        with gc_paused():
            a_in.set()
            b_in.wait(5)
        a_out.set()

    def b():
        a_in.wait(5)
        with gc_paused():
            b_in.set()
            a_out.wait(5)
            seen["during"] = gc.isenabled()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen["during"] is False
    assert gc.isenabled()
