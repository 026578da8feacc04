"""The pool and ``formcheck batch --ray`` on a real Ray cluster started here on loopback
(``ray start --head --block`` on 127.0.0.1, 2 CPUs, no dashboard, no usage statistics), stopped
afterwards by its own process group (never ``ray stop``, which would stop every Ray on the machine)."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from test_batch import (CLIPS, batch_env, check_first_run, copy_of, folder_of, interrupt_then_resume, make_clips,
                        mtimes, processes_marked, read_rows)

pytest.importorskip("ray")

REPO = Path(__file__).resolve().parents[1]
TESTS = REPO / "tests"
START_TIMEOUT_S = 240


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ray_env(temp_dir: Path, mark: str) -> dict[str, str]:
    """Everything on loopback: ``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`` is Ray's single-machine
    mode, in which it names this node 127.0.0.1 instead of the address of its network interface;
    a token of the test's own (not ~/.ray/auth_token); the workers import formcheck from this
    checkout and the test tasks from tests/."""
    token = temp_dir / "auth_token"
    if not token.exists():
        token.write_text(secrets.token_hex(32))
    env = {key: value for key, value in batch_env().items() if not key.startswith("RAY_")}
    env.update(RAY_USAGE_STATS_ENABLED="0", RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0", RAY_AUTH_MODE="token",
               RAY_AUTH_TOKEN_PATH=str(token), FORMCHECK_TEST_MARK=mark, PYTHONPATH=f"{REPO}{os.pathsep}{TESTS}")
    return env


@pytest.fixture(scope="module")
def cluster() -> Iterator[dict[str, object]]:
    """A one-node cluster on 127.0.0.1 with 2 CPUs; its temporary folder is short (Ray's socket
    paths must stay under 107 characters) and its own."""
    temp_dir = Path(tempfile.mkdtemp(prefix="fcray-", dir="/tmp"))
    port, mark = _free_port(), uuid.uuid4().hex
    log = open(temp_dir / "start.log", "w")
    head = subprocess.Popen(
        [sys.executable, "-c", "from ray.scripts.scripts import main; main()", "start", "--head", "--block",
         "--node-ip-address=127.0.0.1", f"--port={port}", "--num-cpus=2", "--include-dashboard=false",
         "--disable-usage-stats", f"--temp-dir={temp_dir}"],
        stdout=log, stderr=subprocess.STDOUT, env=_ray_env(temp_dir, mark), start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while "Ray runtime started" not in (temp_dir / "start.log").read_text():
            assert head.poll() is None, (temp_dir / "start.log").read_text()
            assert time.monotonic() < deadline, "the Ray head did not start in time"
            time.sleep(0.5)
        yield {"address": f"127.0.0.1:{port}", "temp_dir": temp_dir, "mark": mark,
               "env": _ray_env(temp_dir, uuid.uuid4().hex)}
    finally:
        head.send_signal(signal.SIGTERM)  # --block: the head stops the processes it started
        try:
            head.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
        for pid in [head.pid, *processes_marked(mark)]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        log.close()
        shutil.rmtree(temp_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def clips(tmp_path_factory, ffmpeg) -> Path:
    return make_clips(tmp_path_factory.mktemp("ray_batch"), ffmpeg)


def run_on(cluster: dict[str, object], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``formcheck batch ARGS --ray=<the cluster>`` as a user runs it."""
    return subprocess.run([sys.executable, "-m", "formcheck", "batch", *args, f"--ray={cluster['address']}"],
                          cwd=cwd, env=cluster["env"], capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def first_run(cluster, clips: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    return run_on(cluster, "clips", "--out", "out", "--no-video", cwd=clips.parent), clips.parent / "out"


POOL_SCRIPT = """
import json, sys
from functools import partial
from formcheck.io.ray_pool import RayPool
import test_pool as tasks

address, tmp = sys.argv[1], sys.argv[2]
with RayPool(address) as pool:
    streamed = [(o.index, o.value) for o in pool.run(tasks.square_after, [(0, 3.0), (1, 0.0), (2, 0.0)])]
    setup = [o.value for o in pool.run(tasks.which_process, list(range(6)), setup=partial(tasks.note_setup, tmp + "/setup.log"))]
    [retried] = list(pool.run(tasks.die_first_time, [tmp + "/died"]))
    dying = {o.index: o.error for o in pool.run(tasks._die_or_square, [0, 1])}
    errors = [o.error for o in pool.run(tasks.fail_on_odd, [0, 1])]
    nodes = pool.on_each_node(tasks.which_process, 7)
    print(json.dumps({"description": pool.description, "streamed": streamed, "setup_task_pids": [p for _, p in setup],
                      "retried": [retried.ok, retried.value], "dying": dying, "errors": errors,
                      "nodes": list(nodes.values())}))
"""


def test_the_generic_pool_on_ray(cluster, tmp_path: Path) -> None:
    script = tmp_path / "pool_on_ray.py"
    script.write_text(textwrap.dedent(POOL_SCRIPT))
    result = subprocess.run([sys.executable, str(script), str(cluster["address"]), str(tmp_path)], env=cluster["env"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout  # no reports of the killed workers on the terminal
    found = json.loads(lines[0])
    assert found["description"] == "Ray (2 CPUs on 1 node)"
    assert sorted(found["streamed"]) == [[0, 0], [1, 1], [2, 4]] and found["streamed"][-1][0] == 0
    setup_pids = [int(line) for line in (tmp_path / "setup.log").read_text().split()]
    assert len(setup_pids) == len(set(setup_pids)) and set(setup_pids) == {p for p in found["setup_task_pids"]}
    ok, pid = found["retried"]
    assert ok and pid != int((tmp_path / "died").read_text())  # finished by another worker process
    assert found["dying"]["0"] is None and "died twice" in found["dying"]["1"]
    assert found["errors"] == [None, "ValueError: odd item 1"]
    assert [item for item, _ in found["nodes"]] == [7]
    assert "Traceback" not in result.stderr


def test_a_batch_on_the_cluster(first_run, clips: Path) -> None:
    result, out = first_run
    check_first_run(result, clips, out)
    assert "batch: 4 videos to analyse on Ray (2 CPUs on 1 node)" in result.stdout


def test_a_rerun_on_the_cluster_skips_and_force_redoes(cluster, first_run, clips: Path) -> None:
    _, out = first_run
    again = copy_of(out, "out_again")
    before = {name: mtimes(again / folder_of(name)) for name, _, _ in CLIPS}
    result = run_on(cluster, "clips", "--out", "out_again", "--no-video", cwd=clips.parent)
    assert result.returncode == 1, result.stderr
    rows = read_rows(again)
    assert {folder_of(name): rows[folder_of(name)]["status"] for name, _, _ in CLIPS} == \
        {folder_of(name): "skipped" for name, _, _ in CLIPS}
    assert all(mtimes(again / folder_of(name)) == before[name] for name, _, _ in CLIPS)
    (clips / "one.csv").write_text("path\narching.mp4\n", encoding="utf-8")
    forced = run_on(cluster, "clips/one.csv", "--out", "out_again", "--no-video", "--force", cwd=clips.parent)
    assert forced.returncode == 0, forced.stderr
    assert read_rows(again)["arching"]["status"] == "ok"
    assert all(mtimes(again / "arching")[f] > before["arching.mp4"][f] for f in before["arching.mp4"])


def test_ctrl_c_on_the_cluster_leaves_a_state_the_same_command_resumes(cluster, clips: Path) -> None:
    interrupt_then_resume(clips, "out_interrupted", f"--ray={cluster['address']}", "--jobs", "1", env=cluster["env"])


def test_the_cluster_sends_no_usage_statistics(cluster, first_run) -> None:
    logs = "\n".join(p.read_text(errors="replace") for p in Path(cluster["temp_dir"]).glob("session_*/logs/*.log"))
    assert "Usage reporting is disabled" in logs
    assert "Usage reporting is enabled" not in logs


def test_ray_alone_starts_a_local_instance_and_stops_it(clips: Path, tmp_path: Path) -> None:
    mark = uuid.uuid4().hex
    ray_tmp = Path(tempfile.mkdtemp(prefix="fcray-", dir="/tmp"))
    try:
        env = _ray_env(ray_tmp, mark)
        env.pop("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER")  # the pool itself keeps its instance on loopback
        result = subprocess.run([sys.executable, "-m", "formcheck", "batch", "clips/arching.mp4", "--out",
                                 str(tmp_path / "alone"), "--no-video", "--jobs", "1", "--quiet", "--ray"], cwd=clips.parent,
                                env=dict(env, RAY_TMPDIR=str(ray_tmp)), capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        assert "1 video to analyse on Ray (1 CPU on 1 node)" in result.stdout and result.stderr == ""
        assert read_rows(tmp_path / "alone")["arching"]["status"] == "ok"
        assert "Traceback" not in result.stderr
        logs = "\n".join(p.read_text(errors="replace") for p in ray_tmp.glob("ray/session_*/logs/*.log"))
        assert "Usage reporting is disabled" in logs
        deadline = time.monotonic() + 30
        while processes_marked(mark) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not processes_marked(mark), "the Ray instance outlived the batch"
    finally:
        for pid in processes_marked(mark):
            os.kill(pid, signal.SIGKILL)
        shutil.rmtree(ray_tmp, ignore_errors=True)
