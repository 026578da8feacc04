"""One camera of a multi-camera analysis: its video through pose and measuring, no outputs yet.

The same stages and settings as :func:`formcheck.app.analyze.analyze_video` (decoding ahead
in a thread, the pose model on every ``stride``-th frame at most
:data:`~formcheck.app.analyze.MAX_ANALYSIS_SIDE_PX`, the recorder, the session analysis); the
report is written only once the cameras are aligned and fused.
"""

from __future__ import annotations

import os
import time
from array import array
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from formcheck.analysis.session import SessionResult, summarise_session
from formcheck.app.analyze import MAX_ANALYSIS_SIDE_PX, PREFETCH_FRAMES, NoPersonError
from formcheck.app.progress import ProgressBar
from formcheck.core.frame import VideoInfo
from formcheck.core.stages import StageTimer
from formcheck.io.sources import VideoFileSource, fit_within
from formcheck.io.workers import Prefetcher
from formcheck.measure.recorder import MeasureRecorder
from formcheck.measure.stride import default_stride
from formcheck.pose.estimator import PoseEstimator
from formcheck.profiles import ExerciseProfile


@dataclass
class CameraRun:
    """What one camera's video gave: its recorder and session, in its own clock."""

    path: Path
    info: VideoInfo
    stride: int
    recorder: MeasureRecorder
    session: SessionResult
    frame_times_s: np.ndarray  # every frame read (frames.csv rows of the first camera)
    frames_read: int = 0
    frames_analysed: int = 0
    frames_detected: int = 0
    ended_early: bool = False
    elapsed_s: float = 0.0
    stages: StageTimer = field(default_factory=StageTimer)

    @property
    def duration_s(self) -> float:
        """From the first to one frame past the last frame read (s)."""
        t = self.frame_times_s
        return float(t[-1] - t[0]) + (1.0 / self.info.fps if self.info.fps > 0 else 0.0) if len(t) else 0.0


def measure_camera(video_path: str | os.PathLike[str], profile: ExerciseProfile,
                   model_path: str | os.PathLike[str] | None = None, stride: int | None = None,
                   show_progress: bool = True, label: str = "analyze") -> CameraRun:
    """Run one video through pose and the measuring stages and analyse its session.

    Raises:
        VideoError, ModelError: bad input.
        NoPersonError: nobody was found in any frame.
    """
    path = Path(video_path)
    source = VideoFileSource(path)
    stride = default_stride(source.info.fps) if stride is None else stride
    recorder = MeasureRecorder(profile)
    times = array("d")
    stages = StageTimer()
    analysed = detected = 0
    started = time.monotonic()
    frames = Prefetcher(source.frames(pixels_every=stride), depth=PREFETCH_FRAMES, name="formcheck-decode")
    with PoseEstimator(model_path, mode="video") as estimator, \
            ProgressBar(source.info.frame_count, label, enabled=show_progress) as progress, frames:
        for frame in frames:
            times.append(frame.t_s)
            if frame.has_pixels:
                with stages("pose"):
                    pose = estimator.estimate(fit_within(frame, MAX_ANALYSIS_SIDE_PX))
                with stages("measure"):
                    recorder.update(pose, frame.index)
                analysed += 1
                detected += pose.detected
            progress.update()
    if detected == 0:
        raise NoPersonError(f"no person found in any of the {analysed} frames of {path.name} — is the whole "
                            "body in view, side-on?")
    with stages("rules"):
        session = summarise_session(recorder, profile)
    return CameraRun(path=path, info=source.info, stride=stride, recorder=recorder, session=session,
                     frame_times_s=np.frombuffer(times, dtype=np.float64).copy(), frames_read=len(times),
                     frames_analysed=analysed, frames_detected=detected, ended_early=source.ended_early,
                     elapsed_s=time.monotonic() - started, stages=stages)
