"""Throughput: bare MediaPipe (decode + detect) vs the whole ``formcheck analyze``, same clip.

    python bench/throughput.py [CLIP] [--runs 3]

Prints ms per frame and frames/s for each (medians over the runs) and the ratio
analyze/bare. Default clip: the first clip in samples/, else the shared real clip.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from formcheck.model import resolve_model_path  # noqa: E402
from formcheck.pipeline import analyze_video  # noqa: E402
from formcheck.video import VideoFileSource  # noqa: E402


def default_clip() -> Path:
    samples = sorted((REPO / "samples").glob("*.mp4"))
    if samples:
        return samples[0]
    return REPO.parent / "shared" / "real" / "physio_bridging.mp4"


def bare_mediapipe_s(clip: Path) -> tuple[float, int]:
    """Seconds to decode every frame and run PoseLandmarker on it, nothing else."""
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(resolve_model_path())),
        running_mode=vision.RunningMode.VIDEO, num_poses=2, output_segmentation_masks=True)
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        started = time.perf_counter()
        frames = 0
        for frame in VideoFileSource(clip):
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=frame.rgb)
            landmarker.detect_for_video(image, int(frame.index * 1000 / 30))
            frames += 1
        return time.perf_counter() - started, frames


def analyze_s(clip: Path) -> tuple[float, int]:
    """Seconds for the whole analysis, outputs included, model loading excluded."""
    with tempfile.TemporaryDirectory() as out:
        result = analyze_video(clip, out_dir=out, show_progress=False)
    return result.elapsed_s, result.frames_analysed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path, default=default_clip())
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    bare, whole = [], []
    for _ in range(args.runs):
        seconds, frames = bare_mediapipe_s(args.clip)
        bare.append(seconds / frames)
        seconds, frames = analyze_s(args.clip)
        whole.append(seconds / frames)
    bare_ms, whole_ms = statistics.median(bare) * 1e3, statistics.median(whole) * 1e3
    print(f"clip: {args.clip} ({frames} frames), median of {args.runs} runs")
    print(f"{'stage':<28}{'ms/frame':>10}{'frames/s':>10}")
    print(f"{'bare MediaPipe (decode+detect)':<28}{bare_ms:>10.1f}{1e3 / bare_ms:>10.1f}")
    print(f"{'formcheck analyze':<28}{whole_ms:>10.1f}{1e3 / whole_ms:>10.1f}")
    print(f"ratio analyze/bare (frames/s): {bare_ms / whole_ms:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
