"""Throughput: bare MediaPipe vs the whole ``formcheck analyze``, in one run on the same clip.

    python bench/throughput.py [CLIP] [--runs 3] [--no-long] [--json OUT]

Modes, each at stride 1 and at analyze's default stride for the clip's frame rate:

* ``bare``: decode + PoseLandmarker only (every frame decoded, every Nth detected), the floor;
* ``analyze``: the whole analysis, report files written, no annotated video;
* ``analyze+video``: the same with the annotated video, when this build's ``analyze_video``
  has a ``write_video`` parameter (else "n/a").

Every run of every mode is a fresh child process (modes interleaved run by run), so its
peak memory (``ru_maxrss``) is its own; the wall time of every mode includes creating the
model, none includes importing mediapipe.
Printed: ms per video frame, frames/s, the real-time factor (video seconds / wall seconds),
the ratio analyze/bare at the same stride, per-stage ms per video frame from the
analysis's own :class:`~formcheck.stages.StageTimer` (medians over ``--runs``), peak
memory, and peak memory of the analysis on the clip and on the clip concatenated three
times (to show it stays flat). Exits 1 when a run fails.
"""

from __future__ import annotations

import argparse
import inspect
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

DEFAULT_CLIP = REPO / "samples" / "heel_tap_clean_right.mp4"
MODES = ("bare", "analyze", "analyze+video")
MODE_TITLES = {"bare": "bare MediaPipe (decode+detect)", "analyze": "analyze, no annotated video",
               "analyze+video": "analyze + annotated video"}
STAGE_COLUMNS = ("decode", "decode_thread", "pose", "measure", "rules", "draw", "write_video", "write")
LONG_REPEATS = 3
CHILD_TIMEOUT_S = 3600


# -- child side: one mode, one run, one process ------------------------------------------------
def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (MB; ru_maxrss is kB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_bare(clip: Path, stride: int) -> dict[str, Any]:
    """Decode every frame and run PoseLandmarker on every ``stride``-th, nothing else."""
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    from formcheck.pose.model import resolve_model_path
    from formcheck.io.sources import VideoFileSource

    source = VideoFileSource(clip)
    started = time.perf_counter()
    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(resolve_model_path())),
        running_mode=vision.RunningMode.VIDEO, num_poses=2, output_segmentation_masks=True)
    frames_read = frames_analysed = 0
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        for frame in source.frames(pixels_every=stride):
            frames_read += 1
            if frame.has_pixels:
                image = mp.Image(image_format=mp.ImageFormat.SRGB, data=frame.rgb)
                landmarker.detect_for_video(image, int(round(frame.t_s * 1000)))
                frames_analysed += 1
    return {"wall_s": time.perf_counter() - started, "frames_read": frames_read,
            "frames_analysed": frames_analysed, "stages": {}}


def accepts_write_video() -> bool:
    """True when this build's analyze_video can write the annotated video."""
    from formcheck.app.analyze import analyze_video

    return "write_video" in inspect.signature(analyze_video).parameters


def run_analyze(clip: Path, stride: int, video: bool) -> dict[str, Any]:
    """The whole analysis into a temporary folder (model load included in the wall time)."""
    from formcheck.app.analyze import analyze_video

    extra = {"write_video": video} if accepts_write_video() else {}
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        result = analyze_video(clip, out, show_progress=False, stride=stride, **extra)
        wall_s = time.perf_counter() - started
    return {"wall_s": wall_s, "frames_read": result.frames_read, "frames_analysed": result.frames_analysed,
            "stages": dict(result.stages.seconds), "reps": len(result.report.get("reps", []))}


def child_main(mode: str, stride: int, clip: Path) -> int:
    # importing mediapipe takes seconds (it pulls in matplotlib): done before any timing, for
    # every mode alike; creating the model is timed in every mode
    import mediapipe  # noqa: F401
    from mediapipe.tasks.python import vision  # noqa: F401

    if mode == "bare":
        measured = run_bare(clip, stride)
    else:
        measured = run_analyze(clip, stride, video=mode == "analyze+video")
    measured["peak_mb"] = peak_rss_mb()
    print(json.dumps(measured))
    return 0


# -- parent side --------------------------------------------------------------------------------
def load_average() -> str:
    """The 1/5/15-minute load averages (the machine may be shared: context for every number)."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def run_child(mode: str, stride: int, clip: Path) -> dict[str, Any]:
    """One run of ``mode`` in a fresh interpreter; raises RuntimeError when it fails."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", mode, "--stride", str(stride),
                           str(clip)], capture_output=True, text=True, env=env, timeout=CHILD_TIMEOUT_S)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"{mode} at stride {stride} failed (exit {done.returncode}): {tail}")
    return json.loads(done.stdout.strip().splitlines()[-1])


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
    video_s = frames / fps if fps > 0 else float("nan")
    stages = {name: statistics.median(1e3 * r["stages"].get(name, 0.0) / frames for r in runs)
              for name in STAGE_COLUMNS if any(name in r["stages"] for r in runs)}
    return {"frames_read": frames, "frames_analysed": runs[0]["frames_analysed"], "wall_s": wall_s,
            "ms_per_frame": 1e3 * wall_s / frames, "frames_per_s": frames / wall_s,
            "realtime_x": video_s / wall_s, "stages_ms_per_frame": stages,
            "peak_mb": max(r["peak_mb"] for r in runs), "runs": len(runs)}


def print_tables(clip_line: str, results: dict[tuple[str, int], dict[str, Any]], strides: list[int],
                 video_available: bool) -> None:
    print(clip_line)
    header = f"{'mode':<32}{'stride':>7}{'ms/frame':>10}{'frames/s':>10}{'x realtime':>12}{'b/a':>7}{'peak MB':>9}"
    print(header)
    for mode in MODES:
        for stride in strides:
            title = MODE_TITLES[mode]
            if mode == "analyze+video" and not video_available:
                print(f"{title:<32}{stride:>7}  n/a (no annotated video in this build)")
                continue
            r = results[(mode, stride)]
            bare = results[("bare", stride)]
            ratio = f"{bare['ms_per_frame'] / r['ms_per_frame']:.2f}" if mode != "bare" else "-"
            print(f"{title:<32}{stride:>7}{r['ms_per_frame']:>10.1f}{r['frames_per_s']:>10.1f}"
                  f"{r['realtime_x']:>12.2f}{ratio:>7}{r['peak_mb']:>9.0f}")
    print("\nper-stage ms per video frame (decode = waiting for a frame; decode_thread = decoding, "
          "overlapped; geometry+rules = measure + rules)")
    names = [n for n in STAGE_COLUMNS if any(n in r["stages_ms_per_frame"] for r in results.values())]
    print(f"{'mode':<32}{'stride':>7}" + "".join(f"{n:>14}" for n in names) + f"{'geometry+rules':>16}")
    for (mode, stride), r in results.items():
        if mode == "bare":
            continue
        st = r["stages_ms_per_frame"]
        cells = "".join(f"{st[n]:>14.2f}" if n in st else f"{'-':>14}" for n in names)
        geo = st.get("measure", 0.0) + st.get("rules", 0.0)
        # per analysed frame too: measure runs only on those
        per_analysed = geo * r["frames_read"] / max(r["frames_analysed"], 1)
        print(f"{MODE_TITLES[mode]:<32}{stride:>7}{cells}{geo:>9.2f} ({per_analysed:.2f}/analysed)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--runs", type=int, default=3, help="runs per mode; medians are printed (default 3)")
    parser.add_argument("--no-long", action="store_true",
                        help=f"skip the memory check on the clip repeated {LONG_REPEATS} times")
    parser.add_argument("--json", type=Path, help="also write the numbers as JSON here")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--stride", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args.child, args.stride, args.clip)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    from formcheck.errors import FormcheckError
    from formcheck.measure.stride import default_stride
    from formcheck.io.sources import VideoFileSource

    try:
        info = VideoFileSource(args.clip).info
    except FormcheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    strides = sorted({1, default_stride(info.fps)})
    video_available = accepts_write_video()
    modes = [m for m in MODES if m != "analyze+video" or video_available]
    load_before = load_average()
    samples: dict[tuple[str, int], list[dict[str, Any]]] = {(m, s): [] for m in modes for s in strides}
    long_peaks: dict[str, float] = {}
    try:
        for run in range(args.runs):
            for mode in modes:
                for stride in strides:
                    samples[(mode, stride)].append(run_child(mode, stride, args.clip))
                    print(f"run {run + 1}/{args.runs}: {mode} stride {stride} done (load {load_average()})",
                          file=sys.stderr, flush=True)
        if not args.no_long:
            with tempfile.TemporaryDirectory() as folder:
                long_clip = concatenated(args.clip, LONG_REPEATS, Path(folder))
                for mode in modes[1:]:
                    measured = run_child(mode, strides[-1], long_clip)
                    long_peaks[mode] = measured["peak_mb"]
                    long_peaks[f"{mode} frames"] = measured["frames_read"]
    except (RuntimeError, subprocess.SubprocessError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    results = {key: summarise(runs, info.fps) for key, runs in samples.items()}
    frames = results[("bare", 1)]["frames_read"]
    clip_line = (f"clip: {args.clip} ({info.width}x{info.height}, {info.fps:.2f} fps, {frames} frames, "
                 f"{frames / info.fps:.1f} s); default stride {strides[-1]}; median of {args.runs} run(s); "
                 f"load avg before {load_before}, after {load_average()}")
    print_tables(clip_line, results, strides, video_available)
    if long_peaks:
        print(f"\npeak memory, clip vs the clip {LONG_REPEATS}x in a row (stride {strides[-1]}):")
        for mode in modes[1:]:
            short = results[(mode, strides[-1])]
            print(f"{MODE_TITLES[mode]:<32}{short['frames_read']:>6} frames {short['peak_mb']:>6.0f} MB   "
                  f"{long_peaks[f'{mode} frames']:>6} frames {long_peaks[mode]:>6.0f} MB   "
                  f"({long_peaks[mode] - short['peak_mb']:+.0f} MB)")
    if args.json:
        args.json.write_text(json.dumps({"clip": str(args.clip), "fps": info.fps, "load_before": load_before,
                                         "load_after": load_average(),
                                         "results": {f"{m} stride {s}": r for (m, s), r in results.items()},
                                         "long_peak_mb": long_peaks}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
