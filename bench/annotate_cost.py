"""What the annotated video adds to ``analyze``: with and without annotated.mp4, paired, in one run.

    python bench/annotate_cost.py [CLIP] [--runs 3] [--stride N] [--baseline TREE] [--json OUT]

Every run measures ``analyze --no-video`` and ``analyze`` (annotated video included) on CLIP
(default: a 1280x720, 30 fps sample) at the default stride (or ``--stride``), each in a fresh
process, back to back; the order alternates from run to run (A B, B A, ...) so a machine
getting busier or idler weighs on both alike. Printed per run: the analysis-only seconds, the
analysis+video seconds and the overhead (video / no-video - 1) in wall and in CPU seconds
(process and its children, e.g. the encoder: the work done, which other programs on a shared
machine change less than the wall time), then the medians, and the second pass's stages in
ms per video frame (the video decoding's wait and thread, drawing, the encoder writer's busy
and waiting time, the whole pass).

``--baseline TREE`` (repeatable): also measure another checkout of formcheck (e.g. ``git
worktree add /tmp/base arch``) in the same runs, interleaved with this one, so before and after
share the machine's state; each tree is labelled by its folder name. Exits 1 when a run fails.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CLIP = REPO / "samples" / "heel_tap_clean_left.mp4"  # 1280x720, 30 fps, 30 s
TARGET_OVERHEAD = 0.15  # issue 18: the annotated video adds at most 15 % at the default stride
PASS_STAGES = ("video_decode", "video_decode_thread", "decode", "draw", "write_video", "write_video_wait", "video")
CHILD_TIMEOUT_S = 3600


# -- child side: one analysis, one process ------------------------------------------------------
def cpu_s() -> float:
    """CPU seconds (user + system) of this process and its finished children (the encoder)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child_main(tree: Path, clip: Path, stride: int | None, video: bool) -> int:
    """Run ``analyze`` from ``tree`` on ``clip``; print wall, CPU and stages as one JSON line."""
    import mediapipe  # noqa: F401  (seconds to import: before the clock, for both modes alike)

    sys.path.insert(0, str(tree))
    from formcheck.app.analyze import analyze_video

    with tempfile.TemporaryDirectory() as out:
        started, cpu_started = time.perf_counter(), cpu_s()
        result = analyze_video(clip, out, show_progress=False, stride=stride, write_video=video)
        wall_s, used_cpu_s = time.perf_counter() - started, cpu_s() - cpu_started
        video_bytes = (Path(out) / "annotated.mp4").stat().st_size if video else 0
    print(json.dumps({"wall_s": wall_s, "cpu_s": used_cpu_s, "frames_read": result.frames_read,
                      "stride": result.stride, "stages": dict(result.stages.seconds), "video_bytes": video_bytes}))
    return 0


# -- parent side --------------------------------------------------------------------------------
def run_child(tree: Path, clip: Path, stride: int | None, video: bool) -> dict[str, Any]:
    """One analysis in a fresh interpreter; raises RuntimeError when it fails."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "video" if video else "no-video",
               "--tree", str(tree), str(clip)]
    if stride is not None:
        command += ["--stride", str(stride)]
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}  # the tree decides
    load_before = os.getloadavg()[0]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=CHILD_TIMEOUT_S)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"analyze {'with' if video else 'without'} video from {tree} failed "
                           f"(exit {done.returncode}): {tail}")
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    measured["load"] = (load_before + os.getloadavg()[0]) / 2
    return measured


def overhead(pair: dict[str, dict[str, Any]], key: str = "wall_s") -> float:
    """What the video adds to the analysis alone: video / no-video - 1."""
    return pair["video"][key] / pair["no-video"][key] - 1.0


def measure(trees: dict[str, Path], clip: Path, stride: int | None, runs: int) -> dict[str, list[dict[str, Any]]]:
    """``runs`` paired runs per tree, interleaved; the order of the four (or two) alternates."""
    jobs = [(name, video) for name in trees for video in (False, True)]
    pairs: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
    for run in range(runs):
        done: dict[str, dict[str, Any]] = {name: {} for name in trees}
        for name, video in (jobs if run % 2 == 0 else jobs[::-1]):
            done[name]["video" if video else "no-video"] = run_child(trees[name], clip, stride, video)
            print(f"run {run + 1}/{runs}: {name} {'with' if video else 'without'} video done "
                  f"(load {os.getloadavg()[0]:.1f})", file=sys.stderr, flush=True)
        for name in trees:
            pairs[name].append(done[name])
    return pairs


def print_report(clip: Path, pairs: dict[str, list[dict[str, Any]]]) -> None:
    first = next(iter(pairs.values()))[0]
    frames, stride = first["no-video"]["frames_read"], first["no-video"]["stride"]
    print(f"clip: {clip} ({frames} frames), stride {stride}; {len(next(iter(pairs.values())))} paired run(s); "
          f"{os.cpu_count()} CPUs; load average now {os.getloadavg()[0]:.1f}")
    print(f"\n{'tree':<10}{'run':>4}{'no-video s':>12}{'video s':>10}{'overhead':>10}"
          f"{'no-video CPU s':>16}{'video CPU s':>13}{'CPU overhead':>14}{'video MB':>10}{'load':>6}")
    for name, runs in pairs.items():
        for k, pair in enumerate(runs, 1):
            print(f"{name:<10}{k:>4}{pair['no-video']['wall_s']:>12.1f}{pair['video']['wall_s']:>10.1f}"
                  f"{100 * overhead(pair):>9.0f}%{pair['no-video']['cpu_s']:>16.1f}{pair['video']['cpu_s']:>13.1f}"
                  f"{100 * overhead(pair, 'cpu_s'):>13.0f}%{pair['video']['video_bytes'] / 1e6:>10.2f}"
                  f"{(pair['no-video']['load'] + pair['video']['load']) / 2:>6.1f}")
        walls = [overhead(p) for p in runs]
        cpus = [overhead(p, "cpu_s") for p in runs]
        print(f"{name:<10}{'med':>4}{statistics.median(p['no-video']['wall_s'] for p in runs):>12.1f}"
              f"{statistics.median(p['video']['wall_s'] for p in runs):>10.1f}{100 * statistics.median(walls):>9.0f}%"
              f"{statistics.median(p['no-video']['cpu_s'] for p in runs):>16.1f}"
              f"{statistics.median(p['video']['cpu_s'] for p in runs):>13.1f}{100 * statistics.median(cpus):>13.0f}%")
    print("\nthe second pass, ms per video frame (medians of the video run's stage minus the no-video run's; "
          "video_decode: drawing waited for a frame, video_decode_thread: the decoding, decode: a pass decoding "
          "inline; write_video: the encoder writer's work, write_video_wait: drawing waited for it; video: the "
          "whole pass)")
    print(f"{'tree':<10}" + "".join(f"{name:>21}" for name in PASS_STAGES))
    for name, runs in pairs.items():
        cells = []
        for stage in PASS_STAGES:
            values = [1e3 * (p["video"]["stages"].get(stage, 0.0) - p["no-video"]["stages"].get(stage, 0.0)) / frames
                      for p in runs if stage in p["video"]["stages"]]
            cells.append(f"{statistics.median(values):>21.2f}" if values else f"{'-':>21}")
        print(f"{name:<10}" + "".join(cells))
    print("\ntarget: the annotated video adds <= 15 % to the analysis at the default stride (median wall overhead)")
    for name, runs in pairs.items():
        median = statistics.median(overhead(p) for p in runs)
        print(f"{'met' if median <= TARGET_OVERHEAD else 'MISSED':>7}  {name}: {100 * median:.0f} %")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--runs", type=int, default=3, help="paired runs (default 3)")
    parser.add_argument("--stride", type=int, help="frames per analysed frame (default: analyze's own)")
    parser.add_argument("--baseline", type=Path, action="append", default=[],
                        help="another formcheck checkout measured in the same runs (repeatable)")
    parser.add_argument("--json", type=Path, help="also write every measurement as JSON here")
    parser.add_argument("--child", choices=("video", "no-video"), help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, default=REPO, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args.tree, args.clip, args.stride, args.child == "video")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not args.clip.is_file():
        parser.error(f"no such video: {args.clip}")
    trees = {"this": REPO}
    for tree in args.baseline:
        if not (tree / "formcheck" / "app" / "analyze.py").is_file():
            parser.error(f"--baseline {tree} is not a formcheck checkout")
        trees[tree.resolve().name[:10]] = tree.resolve()
    try:
        pairs = measure(trees, args.clip, args.stride, args.runs)
    except (RuntimeError, subprocess.SubprocessError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print_report(args.clip, pairs)
    if args.json:
        args.json.write_text(json.dumps({"clip": str(args.clip), "trees": {k: str(v) for k, v in trees.items()},
                                         "runs": pairs}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
