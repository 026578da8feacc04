"""Throughput against the true floor: the one-pose model loop vs ``formcheck analyze`` and live, in one run.

    python bench/throughput.py [CLIP] [--runs 2] [--live-clips A B] [--two-pose] [--long]
                               [--no-live] [--no-video] [--json OUT]

The floor is the least work that gives formcheck its inputs: decode every frame and run
PoseLandmarker with ``num_poses=1``, masks on, video mode, nothing else (every Nth frame at
stride N). Measured, each in a fresh child process (its peak memory ``ru_maxrss`` is its
own; wall times include creating the models, none includes importing mediapipe):

* ``floor`` at stride 1 and at analyze's default stride for the clip's frame rate;
* ``analyze`` (report files, no annotated video) at both strides, and ``analyze+video``
  at the default stride, right after ``analyze`` in every run: what the annotated video adds
  (wall and CPU seconds, per run and the median; ``bench/annotate_cost.py`` measures that
  alone, also against another checkout);
* ``two-pose`` (``--two-pose``): the floor loop with ``num_poses=2``, what asking MediaPipe
  for two people costs;
* ``live``: each ``--live-clips`` clip replayed at real speed through the live session
  without a window (:func:`bench.live.replay`): frames processed per second and
  capture-to-overlay latency p50/p90.

Runs are paired: every run measures the floor and then analyze at the same stride, back to
back (A B A B …), and the ratio floor/analyze is taken within each pair; the table shows
medians over ``--runs`` (pair ratios: median and range) and the load average at every step,
because the machine may be shared. Per-stage ms per video frame come from the floor loop's
own clocks and from the analysis's :class:`~formcheck.core.stages.StageTimer`; the pose
stage's split between the one-pose follower and the survey is the estimator's call count.
``--long`` also runs analyze on the clip three times in a row, to show memory stays flat.
Exits 1 when a run fails.
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
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

DEFAULT_CLIP = REPO / "samples" / "heel_tap_clean_left.mp4"  # 1280x720, 30 fps, 30 s
DEFAULT_LIVE_CLIPS = (REPO / "samples" / "heel_tap_clean_right.mp4", DEFAULT_CLIP)  # 640x480, 1280x720
TITLES = {"floor": "one-pose floor (decode+detect)", "two-pose": "two-pose loop (num_poses=2)",
          "analyze": "analyze --no-video", "analyze+video": "analyze + annotated video"}
STAGE_COLUMNS = ("decode", "decode_thread", "pose", "measure", "rules", "write", "video_decode_thread", "draw",
                 "write_video", "video")
TARGET_FLOOR_RATIO = 0.90  # analyze --stride 1 --no-video / floor, in one run
TARGET_REALTIME_X = 2.0  # analyze at the default stride on a 30 fps 1280x720 clip
TARGET_LIVE_FPS = 27.0  # live replay of a 30 fps 1280x720 clip
TARGET_LIVE_P90_MS = 100.0
TARGET_VIDEO_OVERHEAD = 0.15  # what the annotated video adds to analyze at the default stride
LONG_REPEATS = 3
CHILD_TIMEOUT_S = 3600


# -- child side: one measurement, one process --------------------------------------------------
def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (MB; ru_maxrss is kB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def cpu_s() -> float:
    """CPU seconds so far of this process (all threads) and its finished children (the
    video encoder), user + system: the work done, which other programs on a shared
    machine change much less than the wall time."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_floor(clip: Path, stride: int, num_poses: int) -> dict[str, Any]:
    """Decode every frame and run PoseLandmarker on every ``stride``-th, nothing else."""
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    from formcheck.io.sources import VideoFileSource
    from formcheck.pose.model import resolve_model_path

    source = VideoFileSource(clip)
    started, cpu_started = time.perf_counter(), cpu_s()
    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(resolve_model_path())),
        running_mode=vision.RunningMode.VIDEO, num_poses=num_poses, output_segmentation_masks=True)
    frames_read = frames_analysed = 0
    decode_s = pose_s = 0.0
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        frames = iter(source.frames(pixels_every=stride))
        while True:
            ticked = time.perf_counter()
            frame = next(frames, None)
            decode_s += time.perf_counter() - ticked
            if frame is None:
                break
            frames_read += 1
            if frame.has_pixels:
                ticked = time.perf_counter()
                image = mp.Image(image_format=mp.ImageFormat.SRGB, data=frame.rgb)
                landmarker.detect_for_video(image, int(round(frame.t_s * 1000)))
                pose_s += time.perf_counter() - ticked
                frames_analysed += 1
    return {"wall_s": time.perf_counter() - started, "cpu_s": cpu_s() - cpu_started, "frames_read": frames_read,
            "frames_analysed": frames_analysed, "stages": {"decode": decode_s, "pose": pose_s}}


def run_analyze(clip: Path, stride: int, video: bool) -> dict[str, Any]:
    """The whole analysis into a temporary folder (model loading included in the wall time)."""
    import formcheck.app.analyze as analyze_module
    from formcheck.pose.estimator import PoseEstimator

    calls: dict[str, int] = {}

    class CountingEstimator(PoseEstimator):
        """Notes how many frames each model ran on (the pose stage's split)."""

        def close(self) -> None:
            calls.update(getattr(self, "calls", {}))  # an estimator of another build may not count
            super().close()

    analyze_module.PoseEstimator = CountingEstimator  # type: ignore[misc]
    with tempfile.TemporaryDirectory() as out:
        started, cpu_started = time.perf_counter(), cpu_s()
        result = analyze_module.analyze_video(clip, out, show_progress=False, stride=stride, write_video=video)
        wall_s, used_cpu_s = time.perf_counter() - started, cpu_s() - cpu_started
    return {"wall_s": wall_s, "cpu_s": used_cpu_s, "frames_read": result.frames_read,
            "frames_analysed": result.frames_analysed, "stages": dict(result.stages.seconds),
            "reps": len(result.report.get("reps", [])), "calls": calls}


def child_main(mode: str, stride: int, clip: Path) -> int:
    # importing mediapipe takes seconds: done before any timing, for every mode alike
    import mediapipe  # noqa: F401
    from mediapipe.tasks.python import vision  # noqa: F401

    if mode == "live":
        from live import replay

        measured = replay(clip)
    elif mode in ("floor", "two-pose"):
        measured = run_floor(clip, stride, num_poses=1 if mode == "floor" else 2)
    else:
        measured = run_analyze(clip, stride, video=mode == "analyze+video")
    measured["peak_mb"] = peak_rss_mb()
    print(json.dumps(measured))
    return 0


# -- parent side --------------------------------------------------------------------------------
def load_average() -> float:
    """The 1-minute load average (the machine may be shared: context for every number)."""
    return os.getloadavg()[0]


def run_child(mode: str, stride: int, clip: Path) -> dict[str, Any]:
    """One measurement in a fresh interpreter; raises RuntimeError when it fails."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    load_before = load_average()
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", mode, "--stride", str(stride),
                           str(clip)], capture_output=True, text=True, env=env, timeout=CHILD_TIMEOUT_S)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"{mode} at stride {stride} on {clip.name} failed (exit {done.returncode}): {tail}")
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    measured["load"] = (load_before + load_average()) / 2
    return measured


def concatenated(clip: Path, repeats: int, folder: Path) -> Path:
    """``clip`` played ``repeats`` times in a row (stream copy with ffmpeg's concat demuxer)."""
    import imageio_ffmpeg

    listing = folder / "list.txt"
    listing.write_text("".join(f"file '{clip.resolve()}'\n" for _ in range(repeats)))
    out = folder / f"{clip.stem}_x{repeats}{clip.suffix}"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "concat", "-safe", "0",
                    "-i", str(listing), "-c", "copy", str(out)], check=True, timeout=600)
    return out


def summarise(runs: list[dict[str, Any]], fps: float) -> dict[str, Any]:
    """Medians over runs: ms per video frame, frames/s, real-time factor, stages; max peak."""
    frames = runs[0]["frames_read"]
    wall_s = statistics.median(r["wall_s"] for r in runs)
    stages = {name: statistics.median(1e3 * r["stages"].get(name, 0.0) / frames for r in runs)
              for name in STAGE_COLUMNS if any(name in r["stages"] for r in runs)}
    calls = {name: statistics.median(r["calls"][name] for r in runs) for name in runs[0].get("calls", {})}
    cpu_ms = 1e3 * statistics.median(r["cpu_s"] for r in runs) / frames
    return {"frames_read": frames, "frames_analysed": runs[0]["frames_analysed"], "wall_s": wall_s,
            "ms_per_frame": 1e3 * wall_s / frames, "cpu_ms_per_frame": cpu_ms, "frames_per_s": frames / wall_s,
            "realtime_x": (frames / fps) / wall_s, "stages_ms_per_frame": stages, "calls": calls,
            "peak_mb": max(r["peak_mb"] for r in runs), "load": statistics.median(r["load"] for r in runs),
            "runs": len(runs)}


def pair_ratios(floor: list[dict[str, Any]], other: list[dict[str, Any]], key: str = "wall_s") -> list[float]:
    """floor / other within each run (both measured back to back), of wall or CPU seconds."""
    return [f[key] / o[key] for f, o in zip(floor, other)]


def _ratio_cell(ratios: list[float]) -> str:
    if not ratios:
        return "-"
    text = f"{statistics.median(ratios):.2f}"
    return text + (f" ({min(ratios):.2f}-{max(ratios):.2f})" if len(ratios) > 1 else "")


def print_report(header: str, keys: list[tuple[str, int]], samples: dict[tuple[str, int], list[dict[str, Any]]],
                 results: dict[tuple[str, int], dict[str, Any]], live: list[dict[str, Any]],
                 default_stride: int, is_720p30: bool) -> list[str]:
    """The tables and the target check; returns the target lines."""
    print(header)
    print(f"\n{'mode':<32}{'stride':>12}{'ms/frame':>10}{'frames/s':>10}{'x realtime':>12}"
          f"{'floor/mode wall':>20}{'CPU ms/frame':>14}{'floor/mode CPU':>20}{'peak MB':>9}{'load':>6}")
    for mode, stride in keys:
        r = results[(mode, stride)]
        floor_key = ("floor", stride)
        paired = mode != "floor" and floor_key in samples
        ratio = _ratio_cell(pair_ratios(samples[floor_key], samples[(mode, stride)])) if paired else "-"
        cpu_ratio = _ratio_cell(pair_ratios(samples[floor_key], samples[(mode, stride)], "cpu_s")) if paired else "-"
        label = f"{stride}{' (default)' if stride == default_stride else ''}"
        print(f"{TITLES[mode]:<32}{label:>12}{r['ms_per_frame']:>10.1f}{r['frames_per_s']:>10.1f}"
              f"{r['realtime_x']:>12.2f}{ratio:>20}{r['cpu_ms_per_frame']:>14.1f}{cpu_ratio:>20}"
              f"{r['peak_mb']:>9.0f}{r['load']:>6.1f}")
    print("\nper-stage ms per video frame (decode: waiting for a frame; decode_thread: analyze's decoding, "
          "overlapped; video: the whole second pass, with its decoding thread, drawing and the encoder "
          "writer overlapped; pose calls: frames the follower / the survey ran on)")
    names = [n for n in STAGE_COLUMNS if any(n in r["stages_ms_per_frame"] for r in results.values())]
    print(f"{'mode':<32}{'stride':>8}" + "".join(f"{n:>14}" for n in names) + f"{'pose calls':>16}")
    for mode, stride in keys:
        r = results[(mode, stride)]
        st = r["stages_ms_per_frame"]
        cells = "".join(f"{st[n]:>14.2f}" if n in st else f"{'-':>14}" for n in names)
        calls = r["calls"]
        split = f"{calls['follower']:.0f} / {calls['survey']:.0f}" if calls else "-"
        print(f"{TITLES[mode]:<32}{stride:>8}{cells}{split:>16}")
    video_key, plain_key = ("analyze+video", default_stride), ("analyze", default_stride)
    if video_key in samples:
        print(f"\nwhat the annotated video adds at the default stride ({default_stride}), per run "
              "(analyze with and without it, back to back)")
        print(f"{'run':>4}{'no-video s':>12}{'video s':>10}{'overhead':>10}{'no-video CPU s':>16}"
              f"{'video CPU s':>13}{'CPU overhead':>14}")
        for k, (plain, video) in enumerate(zip(samples[plain_key], samples[video_key]), 1):
            print(f"{k:>4}{plain['wall_s']:>12.1f}{video['wall_s']:>10.1f}{100 * video_overhead(plain, video):>9.0f}%"
                  f"{plain['cpu_s']:>16.1f}{video['cpu_s']:>13.1f}"
                  f"{100 * video_overhead(plain, video, 'cpu_s'):>13.0f}%")
        walls = [video_overhead(p, v) for p, v in zip(samples[plain_key], samples[video_key])]
        cpus = [video_overhead(p, v, "cpu_s") for p, v in zip(samples[plain_key], samples[video_key])]
        print(f"{'med':>4}{results[plain_key]['wall_s']:>12.1f}{results[video_key]['wall_s']:>10.1f}"
              f"{100 * statistics.median(walls):>9.0f}%{'':>16}{'':>13}{100 * statistics.median(cpus):>13.0f}%")
    if live:
        print("\nlive replay at real speed, no window (medians over runs)")
        print(f"{'clip':<28}{'size':>10}{'source fps':>11}{'processed/s':>12}{'dropped':>9}"
              f"{'latency p50':>12}{'p90 ms':>8}{'peak MB':>9}{'load':>6}")
        for clip_runs in _by_clip(live):
            med = {k: statistics.median(r[k] for r in clip_runs) for k in
                   ("fps", "dropped", "latency_p50_ms", "latency_p90_ms", "load")}
            first = clip_runs[0]
            print(f"{Path(first['clip']).name:<28}{first['size']:>10}{first['source_fps']:>11.2f}{med['fps']:>12.1f}"
                  f"{med['dropped']:>9.0f}{med['latency_p50_ms']:>12.0f}{med['latency_p90_ms']:>8.0f}"
                  f"{max(r['peak_mb'] for r in clip_runs):>9.0f}{med['load']:>6.1f}")
    return targets(samples, results, live, default_stride, is_720p30)


def video_overhead(plain: dict[str, Any], video: dict[str, Any], key: str = "wall_s") -> float:
    """What the annotated video adds to one run of analyze: with / without - 1 (wall or CPU)."""
    return video[key] / plain[key] - 1.0


def _by_clip(live: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in live:
        groups.setdefault(r["clip"], []).append(r)
    return list(groups.values())


def targets(samples: dict[tuple[str, int], list[dict[str, Any]]], results: dict[tuple[str, int], dict[str, Any]],
            live: list[dict[str, Any]], default_stride: int, is_720p30: bool) -> list[str]:
    lines = []

    def check(name: str, value: float, ok: bool) -> None:
        lines.append(f"{'met' if ok else 'MISSED':>7}  {name}: {value:.2f}")

    if ("analyze", 1) in samples:
        ratio = statistics.median(pair_ratios(samples[("floor", 1)], samples[("analyze", 1)]))
        check(f"analyze --stride 1 --no-video vs the one-pose floor >= {TARGET_FLOOR_RATIO}", ratio,
              ratio >= TARGET_FLOOR_RATIO)
    realtime = results[("analyze", default_stride)]["realtime_x"]
    suffix = "" if is_720p30 else " (this clip is not 30 fps 1280x720)"
    check(f"analyze at the default stride, x real time >= {TARGET_REALTIME_X}{suffix}", realtime,
          realtime >= TARGET_REALTIME_X)
    video_key, plain_key = ("analyze+video", default_stride), ("analyze", default_stride)
    if video_key in samples:
        added = statistics.median(video_overhead(p, v) for p, v in zip(samples[plain_key], samples[video_key]))
        check(f"the annotated video adds to analyze at the default stride <= {TARGET_VIDEO_OVERHEAD:.2f}", added,
              added <= TARGET_VIDEO_OVERHEAD)
    for clip_runs in _by_clip(live):
        first = clip_runs[0]
        if first["size"] != "1280x720" or round(first["source_fps"]) != 30:
            continue
        fps = statistics.median(r["fps"] for r in clip_runs)
        p90 = statistics.median(r["latency_p90_ms"] for r in clip_runs)
        check(f"live replay 1280x720 30 fps, frames processed/s >= {TARGET_LIVE_FPS}", fps, fps >= TARGET_LIVE_FPS)
        check(f"live replay 1280x720 30 fps, latency p90 <= {TARGET_LIVE_P90_MS:.0f} ms", p90,
              p90 <= TARGET_LIVE_P90_MS)
    print("\ntargets (2 cores; ratios within paired runs):")
    print("\n".join(lines))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--runs", type=int, default=2, help="paired runs; medians are printed (default 2)")
    parser.add_argument("--live-clips", nargs="*", type=Path, default=list(DEFAULT_LIVE_CLIPS),
                        help="clips replayed live (default: a 640x480 and a 1280x720 sample)")
    parser.add_argument("--no-live", action="store_true", help="skip the live replays")
    parser.add_argument("--no-video", action="store_true", help="skip analyze with the annotated video")
    parser.add_argument("--two-pose", action="store_true", help="also time the floor loop with num_poses=2")
    parser.add_argument("--long", action="store_true",
                        help=f"also check peak memory on the clip repeated {LONG_REPEATS} times")
    parser.add_argument("--json", type=Path, help="also write the numbers as JSON here")
    parser.add_argument("--child", choices=("floor", "two-pose", "analyze", "analyze+video", "live"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--stride", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args.child, args.stride, args.clip)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    from formcheck.errors import FormcheckError
    from formcheck.io.sources import VideoFileSource
    from formcheck.measure.stride import default_stride

    try:
        info = VideoFileSource(args.clip).info
        for clip in args.live_clips:
            VideoFileSource(clip)
    except FormcheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    stride_default = default_stride(info.fps)
    keys = [("floor", 1), ("analyze", 1)]
    if stride_default != 1:
        keys += [("floor", stride_default), ("analyze", stride_default)]
    if not args.no_video:
        keys.append(("analyze+video", stride_default))
    if args.two_pose:
        keys.append(("two-pose", 1))
    live_clips = [] if args.no_live else list(args.live_clips)
    load_before = load_average()
    samples: dict[tuple[str, int], list[dict[str, Any]]] = {key: [] for key in keys}
    live: list[dict[str, Any]] = []
    long_peaks: dict[str, Any] = {}
    try:
        for run in range(args.runs):
            for mode, stride in keys:
                samples[(mode, stride)].append(run_child(mode, stride, args.clip))
                print(f"run {run + 1}/{args.runs}: {mode} stride {stride} done (load {load_average():.1f})",
                      file=sys.stderr, flush=True)
            for clip in live_clips:
                live.append(run_child("live", 1, clip))
                print(f"run {run + 1}/{args.runs}: live {clip.name} done (load {load_average():.1f})",
                      file=sys.stderr, flush=True)
        if args.long:
            with tempfile.TemporaryDirectory() as folder:
                measured = run_child("analyze", stride_default, concatenated(args.clip, LONG_REPEATS, Path(folder)))
                long_peaks = {"frames": measured["frames_read"], "peak_mb": measured["peak_mb"]}
    except (RuntimeError, subprocess.SubprocessError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    results = {key: summarise(runs, info.fps) for key, runs in samples.items()}
    frames = results[("floor", 1)]["frames_read"]
    header = (f"clip: {args.clip} ({info.width}x{info.height}, {info.fps:.2f} fps, {frames} frames, "
              f"{frames / info.fps:.1f} s); default stride {stride_default}; {args.runs} paired run(s), medians; "
              f"{os.cpu_count()} CPUs; load average before {load_before:.1f}, after {load_average():.1f}")
    is_720p30 = (info.width, info.height) == (1280, 720) and round(info.fps) == 30
    target_lines = print_report(header, keys, samples, results, live, stride_default, is_720p30)
    if long_peaks:
        short = results[("analyze", stride_default)]
        print(f"\npeak memory of analyze (stride {stride_default}): {short['frames_read']} frames "
              f"{short['peak_mb']:.0f} MB; the clip {LONG_REPEATS}x in a row, {long_peaks['frames']} frames "
              f"{long_peaks['peak_mb']:.0f} MB ({long_peaks['peak_mb'] - short['peak_mb']:+.0f} MB)")
    if args.json:
        args.json.write_text(json.dumps({
            "clip": str(args.clip), "fps": info.fps, "load_before": load_before, "load_after": load_average(),
            "results": {f"{m} stride {s}": r for (m, s), r in results.items()},
            "runs": {f"{m} stride {s}": runs for (m, s), runs in samples.items()},
            "live": live, "long": long_peaks, "targets": target_lines}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
