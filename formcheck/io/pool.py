"""Run one function over many items on worker processes: a local process pool or a Ray cluster.

Generic: it knows nothing of videos (the batch, the synthetic-corpus renderer and the corpus
benchmark share it). Both pools have one surface, :meth:`run`, which streams an
:class:`Outcome` per item as it finishes:

* each worker process runs ``setup`` once before its first task (e.g. load a model) and may
  keep anything else in :func:`worker_cache`; tasks stay small and picklable;
* a worker that dies (killed, out of memory, a crash in native code) has its item retried
  once on another worker; a second death becomes that item's ``error``;
* an exception raised by the function becomes the item's ``error`` (the others go on);
* Ctrl-C stops every worker at once (terminated, so nothing half-done is published by code
  that writes atomically) and is raised to the caller;
* ``progress`` (anything with ``update()`` and ``close()``) is told of each finished item.

:class:`LocalPool` (here) uses `pebble <https://pypi.org/project/Pebble/>`_, whose process pool
tells which task a dead worker held. Workers ignore SIGINT from birth (the terminal sends it to
the whole process group; only this process decides how to stop).
:class:`~formcheck.io.ray_pool.RayPool` runs the same tasks on Ray (the optional extra
``formcheck[cluster]``).
"""

from __future__ import annotations

import concurrent.futures
import math
import multiprocessing
import os
import resource
import signal
import socket
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Generic, Iterator, Protocol, Sequence, TypeVar

from formcheck.errors import FormcheckError

T = TypeVar("T")
R = TypeVar("R")
V = TypeVar("V")

POLL_S = 0.5  # how often a waiting pool looks up (keeps Ctrl-C prompt)
NODE_CHECK_TIMEOUT_S = 120.0


class PoolError(FormcheckError):
    """A pool that cannot start or reach its workers (Ray missing, cluster unreachable)."""


class Progress(Protocol):
    """What a pool tells of finished items (e.g. :class:`formcheck.app.progress.ProgressBar`)."""

    def update(self, count: int = 1) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """One finished item: its position in the input, the function's value or the error, where
    it ran (``host:pid``), the task's wall seconds in the worker, and the worker process's
    peak resident memory after it (MiB)."""

    index: int
    value: R | None = None
    error: str | None = None
    worker: str = ""
    seconds: float = math.nan
    peak_rss_mib: float = math.nan

    @property
    def ok(self) -> bool:
        return self.error is None


# -- the worker side -----------------------------------------------------------------------------
_worker_values: dict[str, Any] = {}


def worker_cache(key: str, make: Callable[[], V]) -> V:
    """The value stored under ``key`` in this worker process, made by ``make()`` the first time
    (a loaded model, an open renderer): tasks of the same process reuse it."""
    if key not in _worker_values:
        _worker_values[key] = make()
    return _worker_values[key]


def _setup_key(setup: Callable[[], Any]) -> str:
    func = getattr(setup, "func", setup)  # functools.partial
    args = (getattr(setup, "args", ()), getattr(setup, "keywords", {}))
    return f"setup:{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', repr(func))}{args!r}"


def describe_error(exc: BaseException) -> str:
    """One line for an exception: its message, or its type when it has none."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def peak_rss_mib() -> float:
    """This process's peak resident memory, MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024.0 * 1024.0) if sys.platform == "darwin" else peak / 1024.0


def run_one(fn: Callable[[T], R], item: T, setup: Callable[[], Any] | None) -> tuple[Any, ...]:
    """Run in a worker: ``setup`` once per process, then ``fn(item)``; returns
    (value, error, worker, seconds, peak RSS MiB). Public so a task can be run inline in tests."""
    started = time.perf_counter()
    value, error = None, None
    try:
        if setup is not None:
            worker_cache(_setup_key(setup), setup)
        value = fn(item)
    except Exception as exc:  # noqa: BLE001 — the item's error; the pool goes on
        error = describe_error(exc)
    return value, error, f"{socket.gethostname()}:{os.getpid()}", time.perf_counter() - started, peak_rss_mib()


def outcome_of(index: int, result: tuple[Any, ...]) -> Outcome[Any]:
    value, error, worker, seconds, rss = result
    return Outcome(index, value, error, worker, seconds, rss)


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C for a moment (main thread only): while starting workers that must inherit
    it, or while stopping them."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _process_context() -> Any:
    """forkserver (clean children; no threads or native state of this process copied), started
    with SIGINT ignored so every worker forked from it ignores Ctrl-C from its first instant;
    spawn where there is no forkserver."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    from multiprocessing import forkserver

    with sigint_ignored():
        forkserver.ensure_running()
    return multiprocessing.get_context("forkserver")


def _death(exc: BaseException) -> str:
    code = getattr(exc, "exitcode", None)
    how = f"killed by signal {-code}" if isinstance(code, int) and code < 0 else f"exit code {code}"
    return f"its worker process died twice ({how}; out of memory?)"


class LocalPool:
    """Worker processes on this machine, ``jobs`` at a time (default: one per core)."""

    name = "local"

    def __init__(self, jobs: int | None = None, retries: int = 1) -> None:
        if jobs is not None and jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        self.jobs = jobs or default_jobs()
        self.retries = retries
        self._pool: Any = None

    @property
    def description(self) -> str:
        return f"{self.jobs} local worker{'s' if self.jobs != 1 else ''}"

    def on_each_node(self, fn: Callable[..., R], *args: Any, timeout_s: float = NODE_CHECK_TIMEOUT_S) -> dict[str, R]:
        """``fn(*args)`` once per machine, by machine name: here, in this process."""
        return {socket.gethostname(): fn(*args)}

    def run(self, fn: Callable[[T], R], items: Sequence[T], setup: Callable[[], Any] | None = None,
            progress: Progress | None = None) -> Iterator[Outcome[R]]:
        """``fn`` over ``items`` on the workers; yields an :class:`Outcome` per item as it finishes."""
        if not items:
            return
        from pebble import ProcessExpired, ProcessPool

        self._pool = ProcessPool(max_workers=min(self.jobs, len(items)), context=_process_context())
        attempts = [0] * len(items)
        running: dict[concurrent.futures.Future[Any], int] = {}

        def submit(index: int) -> None:
            attempts[index] += 1
            running[self._pool.schedule(run_one, args=(fn, items[index], setup))] = index

        try:
            for index in range(len(items)):
                submit(index)
            while running:
                done, _ = concurrent.futures.wait(list(running), timeout=POLL_S,
                                                  return_when=concurrent.futures.FIRST_COMPLETED)
                for future in done:
                    index = running.pop(future)
                    try:
                        outcome = outcome_of(index, future.result())
                    except ProcessExpired as exc:
                        if attempts[index] <= self.retries:
                            submit(index)  # another worker takes it: the dead one is replaced
                            continue
                        outcome = Outcome(index, error=_death(exc))
                    except Exception as exc:  # noqa: BLE001 — e.g. a value that cannot be pickled
                        outcome = Outcome(index, error=describe_error(exc))
                    if progress is not None:
                        progress.update()
                    yield outcome
            pool, self._pool = self._pool, None
            pool.close()
            pool.join()
        finally:
            if running:  # interrupted, or the caller stopped early
                self.terminate()

    def terminate(self) -> None:
        """Stop every worker now (what they were doing is dropped)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            with sigint_ignored():
                pool.stop()
                pool.join(timeout=30)

    def close(self) -> None:
        self.terminate()

    def __enter__(self) -> LocalPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
