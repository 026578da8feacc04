"""The one place that wires the stages: source → pose → sinks.

Everything the CLI can do is a call here. Outputs are streamed and published even when
the run stops early (Ctrl-C, a bad frame), so whatever was analysed is saved.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from formcheck.errors import FormcheckError, OutputError
from formcheck.pose import PoseEstimator
from formcheck.progress import ProgressBar
from formcheck.report.frames_csv import FramesCsvWriter
from formcheck.video import VideoFileSource, VideoInfo

FRAMES_CSV = "frames.csv"


class NoPersonError(FormcheckError):
    """The whole video was analysed and nobody was found."""

    exit_code = 3


@dataclass
class AnalysisResult:
    """What an analysis produced and how it went."""

    source: VideoInfo
    out_dir: Path
    frames_analysed: int = 0
    frames_detected: int = 0
    elapsed_s: float = 0.0
    complete: bool = False
    outputs: dict[str, Path] = field(default_factory=dict)

    @property
    def detection_rate(self) -> float:
        """Fraction of analysed frames in which the person was found."""
        return self.frames_detected / self.frames_analysed if self.frames_analysed else 0.0


def default_out_dir(video_path: Path) -> Path:
    """``<video folder>/<video name>_formcheck``: outputs sit next to the video."""
    return video_path.parent / f"{video_path.stem}_formcheck"


def prepare_out_dir(out_dir: Path) -> Path:
    """Create ``out_dir`` (existing files in it are overwritten) and check it is writable."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / ".formcheck-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OutputError(f"cannot write to output folder {out_dir} ({reason.lower()}) — "
                          "choose another with --out") from None
    return out_dir


def analyze_video(video_path: str | os.PathLike[str], out_dir: str | os.PathLike[str] | None = None,
                  model_path: str | os.PathLike[str] | None = None,
                  show_progress: bool = True) -> AnalysisResult:
    """Run the pose model over every frame of ``video_path`` and write ``frames.csv`` to ``out_dir``.

    Raises:
        VideoError, ModelError, OutputError: bad input, explained in one sentence.
        NoPersonError: nobody was found in any frame (frames.csv is still written).
    """
    video_path = Path(video_path)
    source = VideoFileSource(video_path)
    target = prepare_out_dir(Path(out_dir) if out_dir is not None else default_out_dir(video_path))
    result = AnalysisResult(source=source.info, out_dir=target)
    started = time.monotonic()
    with PoseEstimator(model_path, mode="video") as estimator, \
            FramesCsvWriter(target / FRAMES_CSV) as frames_csv, \
            ProgressBar(source.info.frame_count, "analyze", enabled=show_progress) as progress:
        result.outputs["frames_csv"] = frames_csv.path
        for frame in source:
            pose = estimator.estimate(frame)
            frames_csv.write(frame.index, pose)
            result.frames_analysed += 1
            result.frames_detected += pose.detected
            progress.update()
        result.complete = True
    result.elapsed_s = time.monotonic() - started
    if result.frames_detected == 0:
        raise NoPersonError(f"no person found in any of the {result.frames_analysed} frames of "
                            f"{video_path.name} — is the whole body in view, side-on?")
    return result
