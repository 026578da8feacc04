"""The worker-thread helper: calls in order on one named thread, bounded waiting, errors
re-raised in the caller, clean stops, time accounted."""

from __future__ import annotations

import os
import signal
import threading
import time
import weakref
from typing import Iterator

import pytest

from formcheck.io.workers import Prefetcher, Worker


def test_calls_run_in_order_on_one_named_thread() -> None:
    done: list[tuple[int, str]] = []
    worker = Worker(depth=3, name="test-worker")
    for i in range(20):
        worker.submit(lambda i=i: done.append((i, threading.current_thread().name)))
    worker.finish()
    assert done == [(i, "test-worker") for i in range(20)]
    assert not worker.alive


def test_submit_waits_while_depth_calls_are_pending_and_accounts_the_wait() -> None:
    release = threading.Event()
    worker = Worker(depth=2)
    worker.submit(release.wait)
    worker.submit(lambda: None)
    timer = threading.Timer(0.3, release.set)
    timer.start()
    started = time.perf_counter()
    worker.submit(lambda: None)  # no room until the first call ends
    waited_s = time.perf_counter() - started
    worker.finish()
    assert 0.2 < waited_s and worker.wait_s == pytest.approx(waited_s, abs=0.05)
    assert worker.busy_s >= 0.25  # the thread's own time, inside release.wait


def test_without_blocking_a_call_is_dropped_when_there_is_no_room() -> None:
    release = threading.Event()
    ran: list[int] = []
    worker = Worker(depth=2)
    assert worker.submit(release.wait, block=False) is not None
    assert worker.submit(ran.append, 1, block=False) is not None
    assert worker.submit(ran.append, 2, block=False) is None
    release.set()
    worker.finish()
    assert ran == [1]


def test_an_error_is_raised_at_the_next_submit_or_at_finish() -> None:
    def fail() -> None:
        raise OSError(28, "No space left on device")

    worker = Worker(depth=2)
    worker.submit(fail)
    time.sleep(0.1)
    with pytest.raises(OSError, match="No space"):
        worker.submit(lambda: None)
    worker.finish()  # raised once only

    worker = Worker(depth=2)
    worker.submit(fail)
    with pytest.raises(OSError, match="No space"):
        worker.finish()


def test_abort_drops_the_waiting_calls_and_stops() -> None:
    release = threading.Event()
    ran: list[int] = []
    worker = Worker(depth=5)
    worker.submit(release.wait)
    for i in range(4):
        worker.submit(ran.append, i)
    threading.Timer(0.1, release.set).start()
    worker.abort(timeout_s=2.0)
    assert ran == [] and not worker.alive


def test_abort_gives_up_on_a_stuck_call_after_its_timeout() -> None:
    release = threading.Event()
    worker = Worker(depth=1)
    worker.submit(release.wait)
    try:
        started = time.monotonic()
        worker.abort(timeout_s=0.2)
        assert time.monotonic() - started < 1.0
    finally:
        release.set()


def test_ctrl_c_while_waiting_for_room_reaches_the_caller() -> None:
    """A real SIGINT (as a terminal's Ctrl-C) wakes the caller blocked on a full worker."""
    release = threading.Event()
    worker = Worker(depth=1)
    worker.submit(release.wait)
    threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
    try:
        with pytest.raises(KeyboardInterrupt):
            worker.submit(lambda: None)
    finally:
        release.set()
        worker.abort()
    assert not worker.alive


class _Big:
    """An item whose live instances are counted (what the prefetcher holds in memory)."""

    live: weakref.WeakSet[_Big] = weakref.WeakSet()

    def __init__(self) -> None:
        _Big.live.add(self)


def _bigs(n: int) -> Iterator[_Big]:
    for _ in range(n):
        yield _Big()


def test_prefetched_items_held_in_memory_stay_within_the_depth() -> None:
    most = 0
    with Prefetcher(_bigs(300), depth=4) as items:
        for item in items:
            del item
            time.sleep(0.001)
            most = max(most, len(_Big.live))
    assert most <= 4 + 1  # four fetched ahead, one being made
    assert len(_Big.live) == 0


def test_prefetch_timing_splits_the_worker_time_from_the_wait() -> None:
    def slow(n: int) -> Iterator[int]:
        for i in range(n):
            time.sleep(0.02)
            yield i

    with Prefetcher(slow(10), depth=2) as items:
        assert list(items) == list(range(10))
    assert items.busy_s >= 0.18
    assert items.wait_s >= 0.1  # the consumer did nothing else, so it waited for most items
