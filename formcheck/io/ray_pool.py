"""The worker pool of :mod:`formcheck.io.pool` on a Ray cluster (the optional extra
``formcheck[cluster]``): the same :meth:`RayPool.run` and :meth:`RayPool.on_each_node` as
:class:`~formcheck.io.pool.LocalPool`, one CPU per task.

Ray is imported only when a pool is made, with usage statistics off and no dashboard: nothing
leaves the machines. A task whose worker process or node dies is retried once by Ray itself.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import tempfile
import time
from collections import deque
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence, TypeVar

from formcheck.io.pool import (NODE_CHECK_TIMEOUT_S, POLL_S, Outcome, PoolError, Progress, describe_error,
                               outcome_of, run_one, sigint_ignored)

T = TypeVar("T")
R = TypeVar("R")

RAY_INSTALL_HINT = "pip install 'formcheck[cluster]'"
CONNECT_TIMEOUT_S = 10.0


def _import_ray() -> Any:
    # set before Ray is imported: no usage statistics are collected or sent
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    try:
        import ray
    except ImportError:
        raise PoolError(f"--ray needs Ray, an optional extra: {RAY_INSTALL_HINT}") from None
    return ray


def _quiet_worker_error_reports(ray: Any) -> None:
    """A Ray driver prints the cluster's reports of failing workers ("(raylet) A worker died…",
    a paragraph each) on the terminal; here each item's error is in its outcome instead, and
    the reports stay in Ray's session logs."""
    worker = getattr(getattr(ray, "_private", None), "worker", None)
    if worker is not None and hasattr(worker, "print_to_stdstream"):
        worker.print_to_stdstream = lambda *_args, **_kwargs: None


@contextmanager
def _native_stderr_muted() -> Iterator[None]:
    """File descriptor 2 to /dev/null while Ray starts: its native runtime prints connection
    retries and start-up notes there (they stay in Ray's session logs); a failure becomes one
    sentence instead."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _recorded_local_cluster() -> str | None:
    """The address ``ray start --head`` on this machine recorded (Ray's ``ray_current_cluster``
    file), if any: ``--ray`` alone joins that instance rather than starting one."""
    temp = os.environ.get("RAY_TMPDIR") or tempfile.gettempdir()
    try:
        return Path(temp, "ray", "ray_current_cluster").read_text().strip() or None
    except OSError:
        return None


def _check_reachable(address: str, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
    """Something must answer at ``host:port`` (Ray would wait for it for many minutes)."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s):
            pass
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or describe_error(exc)
        raise PoolError(f"nothing answers at {address} ({reason}) — start the cluster there with "
                        "`ray start --head` or check the address (host:port, the head's GCS port, 6379 by default)") from None


def _use_token_if_there() -> None:
    """Joining by address, Ray sends its token only when told to: do so when this machine has one
    (``ray start --head`` turns token authentication on where a token exists)."""
    if "RAY_AUTH_MODE" not in os.environ and (
            os.environ.get("RAY_AUTH_TOKEN") or os.environ.get("RAY_AUTH_TOKEN_PATH")
            or os.path.isfile(os.path.expanduser("~/.ray/auth_token"))):
        os.environ["RAY_AUTH_MODE"] = "token"


class RayPool:
    """The same tasks on a Ray cluster: ``address`` (or ``$RAY_ADDRESS``) joins the running
    cluster there, ``jobs`` then capping the tasks in flight; None joins the instance that
    ``ray start --head`` started on this machine, else starts one for this pool alone, on
    loopback, with ``jobs`` CPUs (stopped by :meth:`close`). One CPU per task.

    Make one per process: Ray reads its network mode when it is first imported."""

    name = "ray"

    def __init__(self, address: str | None = None, jobs: int | None = None, retries: int = 1) -> None:
        if jobs is not None and jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        self.address, self.jobs, self.retries = address, jobs, retries
        self._ray: Any = None
        self._running: dict[Any, int] = {}
        self._started_here = False
        self._connect()

    def _connect(self) -> None:
        address = self.address or os.environ.get("RAY_ADDRESS") or None
        if address is None and _recorded_local_cluster() is None:
            # a Ray instance of our own, for this batch only: Ray's single-machine mode keeps every
            # one of its addresses on loopback, reachable from this machine only (before import)
            os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
        ray = self._ray = _import_ray()
        _quiet_worker_error_reports(ray)
        # Ray's own log lines (start-up notes, warnings) stay in its session logs, off the terminal
        common = dict(include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
        try:
            with _native_stderr_muted():
                if address is not None:
                    _check_reachable(address)
                    _use_token_if_there()
                    ray.init(address=address, **common)
                elif _recorded_local_cluster() is not None:
                    ray.init(address="auto", **common)
                else:
                    ray.init(address="local", num_cpus=self.jobs, **common)
                    self._started_here = True
        except PoolError:
            raise
        except Exception as exc:  # noqa: BLE001 — connection, version, authentication: the set-up, not a bug
            if address is None and _recorded_local_cluster() is None:
                raise PoolError(f"cannot start Ray on this machine ({describe_error(exc)}) — see Ray's logs "
                                "under /tmp/ray (or $RAY_TMPDIR)") from None
            where = f"the Ray cluster at {address}" if address else "the Ray instance of this machine"
            raise PoolError(f"cannot join {where} ({describe_error(exc)}) — is `ray start --head` running "
                            "there, with the same Ray and Python versions (and its token, if it has one)?") from None

    @property
    def cpus(self) -> int:
        return int(self._ray.cluster_resources().get("CPU", 0))

    @property
    def description(self) -> str:
        nodes, cpus = len(self._alive_nodes()), self.cpus
        return f"Ray ({cpus} CPU{'s' if cpus != 1 else ''} on {nodes} node{'s' if nodes != 1 else ''})"

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
        # a private instance has ``jobs`` CPUs already; on a shared one ``jobs`` caps what is in flight
        cap = len(items) if self._started_here or self.jobs is None else self.jobs
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
                        outcome = outcome_of(index, ray.get(ref))
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
