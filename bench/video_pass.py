"""The second pass of ``analyze`` alone: annotated video (and stills) in ms per frame.

    python bench/video_pass.py [CLIP ...] [--encoders ffmpeg-h264,opencv-mp4v]

Analyses each clip once without a video, then times the video pass on its own for each
encoder: decoding (its own thread), drawing and write_video (the encoder writer's thread),
in ms per frame (the three overlap), the pass's wall time per frame, plus the stills-only
pass of ``--no-video``. Default clips: the 640×480 and a 1280×720 heel-tap sample.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from formcheck.app.annotate import annotate_outputs  # noqa: E402
from formcheck.app.analyze import MAX_ANALYSIS_SIDE_PX, analyze_video  # noqa: E402
from formcheck.profiles import get_profile  # noqa: E402
from formcheck.core.stages import StageTimer  # noqa: E402

DEFAULT_CLIPS = (REPO / "samples" / "heel_tap_clean_right.mp4", REPO / "samples" / "heel_tap_arching.mp4")


def time_pass(result, encoders: tuple[str, ...], write_video: bool) -> tuple[dict[str, float], float, str]:
    """(ms per frame per stage, wall ms per frame, codec or 'stills') of one second pass."""
    result.stages = StageTimer()
    known = len(result.report["warnings"])
    started = time.perf_counter()
    annotate_outputs(result, get_profile(result.report["exercise"]), MAX_ANALYSIS_SIDE_PX,
                     write_video=write_video, show_progress=False, encoders=encoders)
    wall_ms = 1e3 * (time.perf_counter() - started) / result.frames_read  # every frame is drawn
    codec = "stills"
    if write_video:
        codec = "mpeg4" if any("not H.264" in w for w in result.report["warnings"][known:]) else "h264"
    return result.stages.ms_per_frame(result.frames_read), wall_ms, codec


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="*", type=Path, default=list(DEFAULT_CLIPS))
    parser.add_argument("--encoders", default="ffmpeg-h264,opencv-mp4v",
                        help="comma-separated VideoSink encoders, each timed alone")
    args = parser.parse_args()
    print(f"{'clip':<28}{'size':>10}{'frames':>7} {'pass':<8}{'decode':>8}{'draw':>8}{'write':>8}{'wall':>8}  ms/frame")
    for clip in args.clips:
        with tempfile.TemporaryDirectory() as out:
            result = analyze_video(clip, out, show_progress=False, write_video=False)
            size = f"{result.recorder.image_size[0]}x{result.recorder.image_size[1]}"
            runs = [(tuple([name]), True) for name in args.encoders.split(",")] + [((), False)]
            for encoders, write_video in runs:
                stages, wall_ms, codec = time_pass(result, encoders or ("opencv-mp4v",), write_video)
                print(f"{clip.name:<28}{size:>10}{result.frames_read:>7} {codec:<8}"
                      f"{stages.get('video_decode_thread', 0):>8.1f}{stages.get('draw', 0):>8.1f}"
                      f"{stages.get('write_video', 0):>8.1f}{wall_ms:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
