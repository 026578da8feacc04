"""Batch scaling: the same videos analysed with 1 and 2 local workers and on Ray with 2 CPUs.

    python bench/batch.py [VIDEO ...] [--video] [--no-ray] [--json OUT]

Default videos: every clip in samples/ (about 5 minutes of video). Each configuration runs in
a fresh child process through the engine of ``formcheck batch`` (:mod:`formcheck.io.pool`,
``run_video_task``, a warmed-up model per worker), every video analysed again (``--force``),
without the annotated video unless ``--video``. Printed per configuration: the time to start
the pool (Ray: starting a private instance), the time to analyse, their sum, the speed-up over
one worker, video seconds per wall second and the peak memory of each worker process; then the
targets (2 workers at least 1.7x one worker; Ray within 10 % of the local pool) and the load
average before and after (the machine is often shared: rerun on an idle one for numbers to quote).
Exits 1 when a video failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CONFIGS = {"local-1": "local pool, 1 worker", "local-2": "local pool, 2 workers", "ray-2": "Ray, 2 CPUs"}
CHILD_TIMEOUT_S = 4 * 3600
SPEEDUP_TARGET = 1.7
RAY_TOLERANCE = 0.10


def child(config: str, videos: list[str], out: Path, write_video: bool) -> dict[str, Any]:
    """Run one configuration in this process; returns its timings and per-worker peak memory."""
    from formcheck.app.batch.runner import BatchOptions, plan_tasks
    from formcheck.app.batch.task import run_video_task, warm_up
    from formcheck.io.pool import LocalPool

    tasks = plan_tasks(BatchOptions(inputs=tuple(videos), out_dir=out, write_video=write_video, force=True))
    started = time.perf_counter()
    if config.startswith("ray"):
        from formcheck.io.ray_pool import RayPool

        pool: Any = RayPool(None, jobs=2)
    else:
        pool = LocalPool(jobs=int(config.split("-")[1]))
    ready = time.perf_counter()
    peaks: dict[str, float] = {}
    failed, video_s = [], 0.0
    for outcome in pool.run(run_video_task, tasks, setup=partial(warm_up, None)):
        row = outcome.value or {}
        if not outcome.ok or row.get("status") != "ok":
            failed.append(f"{tasks[outcome.index].video}: {outcome.error or row.get('reason')}")
        video_s += float(row.get("duration_s") or 0.0)
        peaks[outcome.worker] = max(peaks.get(outcome.worker, 0.0), outcome.peak_rss_mib)
    done = time.perf_counter()
    pool.close()
    return {"config": config, "start_s": ready - started, "run_s": done - ready, "total_s": done - started,
            "video_s": video_s, "workers": peaks, "failed": failed}


def run_child(config: str, videos: list[str], write_video: bool) -> dict[str, Any]:
    scratch = Path(tempfile.mkdtemp(prefix="fcbench-", dir="/tmp"))  # short: Ray's socket paths
    env = dict(os.environ, PYTHONPATH=f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
               RAY_TMPDIR=str(scratch))
    env.pop("RAY_ADDRESS", None)
    command = [sys.executable, __file__, "--child", config, "--out", str(scratch / "out"), *videos]
    if write_video:
        command.append("--video")
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S)
        if result.returncode != 0:
            raise SystemExit(f"{config} failed:\n{result.stderr[-3000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


def table(results: list[dict[str, Any]]) -> str:
    one = next((r["total_s"] for r in results if r["config"] == "local-1"), None)
    lines = [f"{'configuration':24} {'start s':>8} {'run s':>8} {'total s':>8} {'speed-up':>8} "
             f"{'video s/s':>9}  peak MiB per worker"]
    for r in results:
        speedup = f"{one / r['total_s']:.2f}x" if one else "-"
        peaks = ", ".join(f"{mib:.0f}" for mib in sorted(r["workers"].values()))
        lines.append(f"{CONFIGS[r['config']]:24} {r['start_s']:8.1f} {r['run_s']:8.1f} {r['total_s']:8.1f} "
                     f"{speedup:>8} {r['video_s'] / r['total_s']:9.2f}  {peaks}")
    return "\n".join(lines)


def verdicts(results: list[dict[str, Any]]) -> list[str]:
    by = {r["config"]: r for r in results}
    out = []
    if "local-1" in by and "local-2" in by:
        speedup = by["local-1"]["total_s"] / by["local-2"]["total_s"]
        out.append(f"2 workers vs 1: {speedup:.2f}x (target >= {SPEEDUP_TARGET}x): "
                   f"{'met' if speedup >= SPEEDUP_TARGET else 'NOT met'}")
    if "ray-2" in by and "local-2" in by:
        for what in ("run_s", "total_s"):
            ratio = by["ray-2"][what] / by["local-2"][what] - 1.0
            label = "analysis only" if what == "run_s" else "with start-up"
            out.append(f"Ray vs local pool, {label}: {ratio:+.1%} (target within {RAY_TOLERANCE:.0%}): "
                       f"{'met' if abs(ratio) <= RAY_TOLERANCE else 'NOT met'}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("videos", nargs="*", help="videos (default: samples/*.mp4)")
    parser.add_argument("--video", action="store_true", help="also write annotated.mp4")
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray configuration")
    parser.add_argument("--json", metavar="OUT", help="also write the results as JSON")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    videos = args.videos or [str(p) for p in sorted((REPO / "samples").glob("*.mp4"))]
    if args.child:
        print(json.dumps(child(args.child, videos, Path(args.out), args.video)))
        return 0
    configs = [c for c in CONFIGS if not (args.no_ray and c.startswith("ray"))]
    print(f"{len(videos)} videos; {'with' if args.video else 'without'} annotated video; before: {load()}", flush=True)
    results = []
    for config in configs:
        results.append(run_child(config, videos, args.video))
        print(f"  {CONFIGS[config]}: {results[-1]['total_s']:.1f} s ({load()})", flush=True)
    print(table(results))
    for line in verdicts(results):
        print(line)
    print(f"after: {load()}")
    failed = [f for r in results for f in r["failed"]]
    for line in failed:
        print(f"failed: {line}")
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "load_after": os.getloadavg()}, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
