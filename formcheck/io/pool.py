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

:class:`LocalPool` uses `pebble <https://pypi.org/project/Pebble/>`_, whose process pool tells
which task a dead worker held. Workers ignore SIGINT from birth (the terminal sends it to the
whole process group; only this process decides how to stop). :class:`RayPool` runs the same
tasks on Ray (the optional extra ``formcheck[cluster]``), with usage statistics and the
dashboard off: nothing leaves the machines.
"""

from __future__ import annotations

import concurrent.futures
import logging
import math
import multiprocessing
import os
import resource
import signal
import socket
import sys
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Generic, Iterator, Protocol, Sequence, TypeVar

from formcheck.errors import FormcheckError

T = TypeVar("T")
R = TypeVar("R")
V = TypeVar("V")

POLL_S = 0.5  # how often a waiting pool looks up (keeps Ctrl-C prompt)
NODE_CHECK_TIMEOUT_S = 120.0
RAY_INSTALL_HINT = "pip install 'formcheck[cluster]'"


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


def _outcome(index: int, result: tuple[Any, ...]) -> Outcome[Any]:
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
                        outcome = _outcome(index, future.result())
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


def _import_ray() -> Any:
    # set before Ray is imported: no usage statistics are collected or sent
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    try:
        import ray
    except ImportError:
        raise PoolError(f"--ray needs Ray, an optional extra: {RAY_INSTALL_HINT}") from None
    return ray


class RayPool:
    """The same tasks on a Ray cluster: ``address`` None starts or joins a Ray instance on this
    machine (``jobs`` CPUs when it starts one), else joins the running cluster there (``jobs``
    then caps the tasks in flight). One CPU per task."""

    name = "ray"

    def __init__(self, address: str | None = None, jobs: int | None = None, retries: int = 1) -> None:
        if jobs is not None and jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        self.address, self.jobs, self.retries = address, jobs, retries
        self._ray = _import_ray()
        self._running: dict[Any, int] = {}
        self._started_here = False
        self._connect()

    def _connect(self) -> None:
        ray = self._ray
        # Ray's own log lines (start-up notes, warnings) stay in its session logs, off the terminal
        common = dict(include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
        try:
            if self.address is not None:
                ray.init(address=self.address, **common)
                return
            try:
                ray.init(address="auto", **common)
            except ConnectionError:
                ray.init(num_cpus=self.jobs, **common)
                self._started_here = True
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = f"the Ray cluster at {self.address}" if self.address else "a local Ray instance"
            raise PoolError(f"cannot join {where} ({describe_error(exc)}) — is `ray start --head` "
                            "running there, with the same Ray and Python versions?") from None

    @property
    def cpus(self) -> int:
        return int(self._ray.cluster_resources().get("CPU", 0))

    @property
    def description(self) -> str:
        nodes = len(self._alive_nodes())
        return f"Ray ({self.cpus} CPUs on {nodes} node{'s' if nodes != 1 else ''})"

    def _alive_nodes(self) -> list[dict[str, Any]]:
        return [n for n in self._ray.nodes() if n.get("Alive") and n.get("Resources", {}).get("CPU", 0) > 0]

    def on_each_node(self, fn: Callable[..., R], *args: Any, timeout_s: float = NODE_CHECK_TIMEOUT_S) -> dict[str, R]:
        """``fn(*args)`` once on every live node, by node name (``host (ip)``)."""
        ray = self._ray
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        remote = ray.remote(fn)
        refs: dict[str, Any] = {}
        for node in self._alive_nodes():
            name = f"{node.get('NodeManagerHostname', '?')} ({node.get('NodeManagerAddress', '?')})"
            if name in refs:
                name = f"{name} #{node['NodeID'][:8]}"
            strategy = NodeAffinitySchedulingStrategy(node_id=node["NodeID"], soft=False)
            refs[name] = remote.options(num_cpus=0, max_retries=0, scheduling_strategy=strategy).remote(*args)
        results: dict[str, R] = {}
        deadline = time.monotonic() + timeout_s
        for name, ref in refs.items():
            try:
                results[name] = ray.get(ref, timeout=max(1.0, deadline - time.monotonic()))
            except ray.exceptions.GetTimeoutError:
                raise PoolError(f"the Ray node {name} did not answer within {timeout_s:.0f} s — "
                                "is it overloaded or cut off from the others?") from None
            except ray.exceptions.RayError as exc:
                raise PoolError(f"the Ray node {name} cannot run formcheck ({_ray_cause(exc)}) — install "
                                "the same formcheck and Python on every machine of the cluster") from None
        return results

    def run(self, fn: Callable[[T], R], items: Sequence[T], setup: Callable[[], Any] | None = None,
            progress: Progress | None = None) -> Iterator[Outcome[R]]:
        """``fn`` over ``items`` on the cluster; yields an :class:`Outcome` per item as it finishes.
        A task whose worker or node dies is retried once by Ray."""
        ray = self._ray
        remote = ray.remote(run_one).options(num_cpus=1, max_retries=self.retries, retry_exceptions=False)
        fn_ref = ray.put(fn)
        setup_ref = ray.put(setup)
        waiting = deque(range(len(items)))
        cap = len(items) if self.address is None or self.jobs is None else self.jobs
        running = self._running
        try:
            while waiting or running:
                while waiting and len(running) < cap:
                    index = waiting.popleft()
                    running[remote.remote(fn_ref, items[index], setup_ref)] = index
                ready, _ = ray.wait(list(running), num_returns=1, timeout=POLL_S)
                for ref in ready:
                    index = running.pop(ref)
                    try:
                        outcome = _outcome(index, ray.get(ref))
                    except ray.exceptions.RayError as exc:
                        outcome = Outcome(index, error=_ray_failure(ray, exc))
                    if progress is not None:
                        progress.update()
                    yield outcome
        finally:
            self.terminate()

    def terminate(self) -> None:
        """Cancel the tasks in flight, killing their workers (nothing half-done is published)."""
        with sigint_ignored():
            for ref in list(self._running):
                self._ray.cancel(ref, force=True)
            self._running.clear()

    def close(self) -> None:
        """Cancel what still runs and leave the cluster (stopping the Ray instance if this pool
        started it)."""
        self.terminate()
        with sigint_ignored():
            self._ray.shutdown()

    def __enter__(self) -> RayPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _ray_cause(exc: BaseException) -> str:
    cause = getattr(exc, "cause", None)
    return describe_error(cause) if isinstance(cause, BaseException) else describe_error(exc).split(":")[0]


def _ray_failure(ray: Any, exc: BaseException) -> str:
    errors = ray.exceptions
    if isinstance(exc, (errors.WorkerCrashedError, errors.NodeDiedError)):
        return "its Ray worker (or node) died twice"
    if isinstance(exc, errors.OutOfMemoryError):
        return "its Ray worker was killed for lack of memory"
    if isinstance(exc, errors.TaskCancelledError):
        return "it was cancelled"
    return f"Ray could not run it ({_ray_cause(exc)})"


def open_pool(ray: bool = False, address: str | None = None, jobs: int | None = None) -> LocalPool | RayPool:
    """A :class:`RayPool` when ``ray`` (at ``address``, or a local instance), else a :class:`LocalPool`."""
    return RayPool(address, jobs) if ray else LocalPool(jobs)
