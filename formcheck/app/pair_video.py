"""The annotated video and the fault stills of a two-camera analysis: both views side by side.

Every frame of the first video is drawn with the fused session's overlay (its reps, phases,
knee angles and fault banners, in its clock) beside the second video's frame at the same
moment of the session (``t_second = t_first − offset_s``), drawn with the same fused session
moved to the second clock; before the second video starts or after it ends its half is dark.
Each fault moment's still shows both views. As for one camera
(:mod:`formcheck.app.annotate`), a failing encoder becomes a warning, Ctrl-C removes the
partial video and the report files stay complete.
"""

from __future__ import annotations

from typing import Iterator, Sequence

import cv2
import numpy as np

from formcheck.analysis.fusion import FusedSession, session_in_clock
from formcheck.app.annotate import ANNOTATED_VIDEO
from formcheck.app.analyze import MAX_ANALYSIS_SIDE_PX
from formcheck.app.camera_pass import CameraRun
from formcheck.app.progress import ProgressBar
from formcheck.app.result import AnalysisResult
from formcheck.core.frame import Frame
from formcheck.errors import AnnotationInterrupted, FormcheckError
from formcheck.io.sources import VideoFileSource, fit_within
from formcheck.io.video_sink import VideoSink
from formcheck.profiles import ExerciseProfile
from formcheck.render.annotator import Annotator
from formcheck.render.stills import jpeg_still
from formcheck.render.timeline import OverlayTimeline, fault_moments
from formcheck.report.html_report import write_report_html
from formcheck.report.json_report import write_report_json

PANEL_MAX_HEIGHT_PX = 720  # each view at most this high in the side-by-side video
DARK_RGB = (24, 24, 24)


def side_by_side(left: np.ndarray, right: np.ndarray | None, left_size: tuple[int, int],
                 right_size: tuple[int, int]) -> np.ndarray:
    """``left`` and ``right`` scaled to (width, height) ``left_size`` / ``right_size`` (the same
    height), next to each other; ``right`` None: a dark panel."""
    def scaled(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
        if (image.shape[1], image.shape[0]) == size:
            return image
        shrink = image.shape[0] > size[1]
        return cv2.resize(image, size, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)

    second = (scaled(right, right_size) if right is not None
              else np.full((right_size[1], right_size[0], 3), DARK_RGB, np.uint8))
    return np.ascontiguousarray(np.hstack([scaled(left, left_size), second]))


class _Follower:
    """The second video's frames, read forward to whichever is nearest a requested time."""

    def __init__(self, frames: Iterator[Frame]) -> None:
        self._frames = frames
        self._current: Frame | None = next(frames, None)
        self._next: Frame | None = next(frames, None)

    def at(self, t_s: float, tolerance_s: float) -> Frame | None:
        """The frame nearest ``t_s`` (None when the video does not cover it)."""
        while self._next is not None and abs(self._next.t_s - t_s) <= abs(self._current.t_s - t_s):  # type: ignore[union-attr]
            self._current, self._next = self._next, next(self._frames, None)
        if self._current is None or abs(self._current.t_s - t_s) > tolerance_s:
            return None
        return self._current


def annotate_pair(result: AnalysisResult, runs: Sequence[CameraRun], fused: FusedSession, profile: ExerciseProfile,
                  write_video: bool = True, show_progress: bool = True) -> None:
    """After the report files are written: ``annotated.mp4`` with both views (unless
    ``write_video`` is False) and a two-view still of each fault moment in report.html."""
    video_out = result.out_dir / ANNOTATED_VIDEO
    video_out.unlink(missing_ok=True)
    moments = fault_moments(fused.session)
    timelines = [OverlayTimeline(run.recorder, session_in_clock(fused, run.recorder.t_s, offset), profile)
                 for run, offset in zip(runs, fused.offsets_s)]
    first, second = runs[0], runs[1]
    sizes = [fit_within(Frame(0, 0.0, np.zeros((r.info.height, r.info.width, 3), np.uint8)),
                        MAX_ANALYSIS_SIDE_PX).size for r in runs]
    height = min(PANEL_MAX_HEIGHT_PX, sizes[0][1])
    right_width = max(2, round(sizes[1][0] * height / sizes[1][1]))
    left_width = max(1, round(sizes[0][0] * height / sizes[0][1]))
    fps = first.info.fps if first.info.fps > 0 else 30.0
    annotator = Annotator()
    stills: dict[str, bytes] = {}
    notes: list[str] = []
    pending = list(moments)
    sink: VideoSink | None = None
    frames = VideoFileSource(first.path).frames()
    follower = _Follower(VideoFileSource(second.path).frames())
    tolerance_s = 1.0 / second.info.fps if second.info.fps > 0 else 0.1
    try:
        with ProgressBar(first.info.frame_count, "video" if write_video else "stills",
                         enabled=show_progress and (write_video or bool(moments))) as progress:
            for frame in frames:
                if not write_video and not pending:
                    break
                due = []
                while pending and frame.t_s >= pending[0].t_s:
                    due.append(pending.pop(0))
                other = follower.at(frame.t_s - fused.offsets_s[1], tolerance_s)
                progress.update()
                if not write_video and not due:
                    continue
                with result.stages("draw"):
                    views = []
                    for run, timeline, shown in ((first, timelines[0], frame), (second, timelines[1], other)):
                        if shown is None:
                            views.append(None)
                            continue
                        small = fit_within(shown, MAX_ANALYSIS_SIDE_PX)
                        views.append(annotator.annotate(small.rgb, timeline.state_at(shown.index, shown.t_s)))
                    image = side_by_side(views[0], views[1], (left_width, height), (right_width, height))
                for moment in due:
                    stills[moment.key] = jpeg_still(image)
                if write_video:
                    if sink is None:
                        sink = VideoSink(video_out, fps, (left_width + right_width, height)).open()
                    with result.stages("write_video"):
                        sink.write(image)
        if sink is not None:
            sink.close()
    except KeyboardInterrupt:
        if sink is not None:
            sink.abort()
        raise AnnotationInterrupted("interrupted while making the annotated video") from None
    except (OSError, FormcheckError) as exc:
        if sink is not None:
            sink.abort()
        notes.append(f"the annotated video could not be made ({exc}); the report itself is complete")
    finally:
        frames.close()
    if sink is not None and sink.warning:
        notes.append(sink.warning)
    if video_out.exists():
        result.outputs["annotated_video"] = video_out
    if notes:
        result.report.setdefault("warnings", []).extend(notes)
        result.warnings.extend(notes)
        write_report_json(result.outputs["report_json"], result.report)
    if stills or notes:
        write_report_html(result.outputs["report_html"], result.report, fused.session.series, stills)
    result.stills = stills
