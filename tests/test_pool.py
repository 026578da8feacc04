"""The generic worker pool (formcheck.io.pool) on local processes: results streamed as they finish,
setup once per worker, a dead worker's item retried once elsewhere, errors kept per item, Ctrl-C
stopping every worker. The same on Ray: tests/test_batch_ray.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from functools import partial
from pathlib import Path

import pytest

from formcheck.io.pool import LocalPool, Outcome, run_one, worker_cache

REPO = Path(__file__).resolve().parents[1]


# -- tasks (module level: workers import them by name) ------------------------------------------
def square_after(item: tuple[int, float]) -> int:
    value, sleep_s = item
    time.sleep(sleep_s)
    return value * value


def note_setup(log: str) -> int:
    with open(log, "a") as handle:
        handle.write(f"{os.getpid()}\n")
    return os.getpid()


def which_process(item: int) -> tuple[int, int]:
    time.sleep(0.2)
    return item, os.getpid()


def die_first_time(marker: str) -> int:
    """Kills its own worker the first time (leaving its pid in ``marker``), then returns the pid."""
    if not os.path.exists(marker):
        Path(marker).write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return os.getpid()


def always_die(_item: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def fail_on_odd(item: int) -> int:
    if item % 2:
        raise ValueError(f"odd item {item}")
    return item


class Tally:
    def __init__(self) -> None:
        self.done = 0
        self.closed = False

    def update(self, count: int = 1) -> None:
        self.done += count

    def close(self) -> None:
        self.closed = True


# -- tests --------------------------------------------------------------------------------------
def test_results_stream_back_as_they_finish() -> None:
    items = [(0, 3.0), (1, 0.0), (2, 0.0), (3, 0.0)]  # the first is slow
    tally = Tally()
    with LocalPool(jobs=2) as pool:
        outcomes = list(pool.run(square_after, items, progress=tally))
    assert sorted(o.index for o in outcomes) == [0, 1, 2, 3]
    assert all(o.ok and o.value == items[o.index][0] ** 2 for o in outcomes)
    assert outcomes[-1].index == 0  # the slow one came last, the others did not wait for it
    assert tally.done == 4
    assert all(o.seconds >= 0 and o.peak_rss_mib > 10 and int(o.worker.split(":")[-1]) != os.getpid()
               for o in outcomes)
    assert outcomes[-1].seconds >= 3.0


def test_setup_runs_once_in_each_worker_process(tmp_path: Path) -> None:
    log = tmp_path / "setup.log"
    with LocalPool(jobs=2) as pool:
        outcomes = list(pool.run(which_process, list(range(8)), setup=partial(note_setup, str(log))))
    task_pids = {o.value[1] for o in outcomes}
    setup_pids = [int(line) for line in log.read_text().split()]
    assert len(setup_pids) == len(set(setup_pids))  # never twice in one process
    assert set(setup_pids) == task_pids and os.getpid() not in task_pids


def test_a_dead_worker_is_retried_once_on_another_worker(tmp_path: Path) -> None:
    marker = tmp_path / "died"
    with LocalPool(jobs=2) as pool:
        [outcome] = list(pool.run(die_first_time, [str(marker)]))
    assert outcome.ok, outcome.error
    assert outcome.value != int(marker.read_text())  # a different process finished it


def test_an_item_whose_worker_dies_twice_is_an_error_and_the_others_go_on() -> None:
    with LocalPool(jobs=2) as pool:
        outcomes = {o.index: o for o in pool.run(_die_or_square, [0, 1, 2])}
    assert outcomes[0].ok and outcomes[2].ok and outcomes[2].value == 4
    assert not outcomes[1].ok and "died twice" in outcomes[1].error and "signal 9" in outcomes[1].error


def _die_or_square(item: int) -> int:
    if item == 1:
        always_die(item)
    return item * item


def test_an_exception_is_the_items_error_in_one_line() -> None:
    with LocalPool(jobs=2) as pool:
        outcomes = sorted(pool.run(fail_on_odd, [0, 1, 2, 3]), key=lambda o: o.index)
    assert [o.ok for o in outcomes] == [True, False, True, False]
    assert outcomes[1].error == "ValueError: odd item 1"


def test_run_one_inline_and_the_worker_cache() -> None:
    value, error, worker, seconds, rss = run_one(square_after, (3, 0.0), None)
    assert (value, error) == (9, None) and worker.endswith(f":{os.getpid()}") and seconds >= 0 and rss > 0
    made = []
    assert worker_cache("test-key", lambda: made.append(1) or "made") == "made"
    assert worker_cache("test-key", lambda: made.append(1) or "again") == "made" and made == [1]
    assert Outcome(0, error="x").ok is False


def test_jobs_must_be_positive_and_default_to_the_cores() -> None:
    with pytest.raises(ValueError, match="jobs"):
        LocalPool(jobs=0)
    assert LocalPool().jobs == len(os.sched_getaffinity(0)) and LocalPool(jobs=3).jobs == 3


CTRL_C_SCRIPT = """
import os, sys, time
from formcheck.io.pool import LocalPool

def slow(path):
    with open(path, "a") as f:
        f.write(f"{os.getpid()}\\n")
    time.sleep(120)

if __name__ == "__main__":
    started = sys.argv[1]
    try:
        with LocalPool(jobs=2) as pool:
            for outcome in pool.run(slow, [started] * 4):
                print("finished", outcome)
    except KeyboardInterrupt:
        print("stopped cleanly")
        sys.exit(130)
"""


def test_ctrl_c_stops_every_worker_without_a_traceback(tmp_path: Path) -> None:
    script = tmp_path / "ctrl_c.py"
    script.write_text(textwrap.dedent(CTRL_C_SCRIPT))
    started = tmp_path / "started"
    env = dict(os.environ, PYTHONPATH=f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    process = subprocess.Popen([sys.executable, str(script), str(started)], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(_pids(started)) < 2:
            time.sleep(0.2)
        workers = _pids(started)
        assert len(workers) == 2, "the workers did not start"
        os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130 and "stopped cleanly" in out and "finished" not in out
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    for pid in workers:
        assert not _alive(pid), f"worker {pid} still runs"


def _pids(path: Path) -> list[int]:
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def test_joining_an_address_where_nothing_answers_is_one_sentence_at_once() -> None:
    import socket

    from formcheck.io.pool import PoolError
    from formcheck.io.ray_pool import _check_reachable

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free once closed: nothing listens there
    started = time.monotonic()
    with pytest.raises(PoolError, match=f"nothing answers at 127.0.0.1:{port}"):
        _check_reachable(f"127.0.0.1:{port}")
    assert time.monotonic() - started < 5
