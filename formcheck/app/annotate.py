"""The annotated video and the fault stills of a finished analysis (second pass over the file).

The overlay needs what only the whole session knows (reps, faults, smoothed series), so
it is drawn in a second pass after report.json, frames.csv and report.html are written:

* :class:`OverlayTimeline` (logic) turns the finished session into an
  :class:`~formcheck.overlay.OverlayState` for any frame: the recorded landmarks of that
  frame, the smoothed knee angles, the lumbar lift against the arching threshold, reps
  finished so far, the phase of the rep in progress, and fault banners for
  the profile's ``banner_video_s`` from each fault's time;
* :func:`annotate_outputs` re-decodes the video, draws each frame with
  :class:`~formcheck.overlay.Annotator`, writes ``annotated.mp4`` with
  :class:`~formcheck.video_sink.VideoSink` (frames go to the encoder from a small
  bounded queue, so drawing and encoding overlap), and keeps a JPEG still of each fault
  moment for report.html. Without a video it decodes only up to the last fault moment
  and draws only those frames.

Frames are never collected: memory stays flat whatever the video's length. The report is
never lost: a failing encoder becomes a warning in the report, Ctrl-C removes the partial
video and leaves the report files as they were.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from formcheck.errors import AnnotationInterrupted, FormcheckError
from formcheck.render.annotator import Annotator
from formcheck.profiles import ExerciseProfile
from formcheck.app.progress import ProgressBar
from formcheck.app.result import AnalysisResult
from formcheck.measure.recorder import MeasureRecorder
from formcheck.report.html_report import write_report_html
from formcheck.report.json_report import write_report_json
from formcheck.core.stages import StageTimer
from formcheck.io.sources import VideoFileSource, fit_within
from formcheck.io.video_sink import ENCODERS, VideoSink
from formcheck.core.frame import Frame
from formcheck.io.workers import Prefetcher, Worker
from formcheck.render.stills import jpeg_still
from formcheck.render.timeline import FaultMoment, OverlayTimeline, fault_moments
from formcheck.app.voice.track import add_voice_track


ANNOTATED_VIDEO = "annotated.mp4"


WRITER_QUEUE_FRAMES = 4  # frames waiting for the encoder at most (bounded memory)


DECODE_AHEAD_FRAMES = 4  # frames decoded ahead of the drawing at most (a few MB at 720p)


FALLBACK_FPS = 30.0


class _QueuedWriter:
    """Feeds a :class:`VideoSink` from a :class:`~formcheck.io.workers.Worker` thread, at most
    ``max_frames`` waiting, so the next frame is drawn while the previous one is encoded; the
    encoding goes to the ``write_video`` stage, waiting for room to ``write_video_wait``."""

    def __init__(self, sink: VideoSink, stages: StageTimer, max_frames: int = WRITER_QUEUE_FRAMES) -> None:
        self.sink = sink
        self._stages = stages
        self._worker = Worker(max_frames, name="formcheck-video-writer")

    def put(self, rgb: np.ndarray) -> None:
        """Queue a frame (waits while the queue is full); raises an earlier write's error, if any."""
        self._worker.submit(self.sink.write, rgb)

    def close(self) -> None:
        """Write what is queued, finish the file, move it into place."""
        try:
            self._worker.finish()
        finally:
            self._account()
        started = time.perf_counter()
        self.sink.close()
        self._stages.add("write_video", time.perf_counter() - started)

    def abort(self) -> None:
        """Drop what is queued, stop the encoder and remove the partial file."""
        self._worker.abort()
        self._account()
        self.sink.abort()

    def _account(self) -> None:
        self._stages.add("write_video", self._worker.busy_s)
        self._stages.add("write_video_wait", self._worker.wait_s)
        self._worker.busy_s = self._worker.wait_s = 0.0


def _sink_fps(fps: float, t_s: np.ndarray) -> float:
    """The container's frame rate, else the recorded frames' median rate, else 30."""
    if math.isfinite(fps) and fps > 0:
        return fps
    steps = np.diff(t_s)
    steps = steps[np.isfinite(steps) & (steps > 0)]
    return float(1.0 / np.median(steps)) if steps.size else FALLBACK_FPS


@dataclass
class AnnotationPass:
    """What one pass made: the stills by key and, when a video was written, its sink."""

    stills: dict[str, bytes]
    sink: VideoSink | None = None
    frames_drawn: int = 0


def render_pass(video_path: Path, timeline: OverlayTimeline, moments: Sequence[FaultMoment], stages: StageTimer,
                max_side_px: int, video_out: Path | None = None, fps: float = FALLBACK_FPS,
                encoders: tuple[str, ...] = ENCODERS, progress: ProgressBar | None = None,
                annotator: Annotator | None = None) -> AnnotationPass:
    """Decode ``video_path`` again; draw and write every frame to ``video_out`` (or, when
    None, decode only up to the last fault moment and draw just those frames); keep a
    JPEG still of the first frame at or after each moment (its banner is on it).

    Three threads and the encoder process overlap: decoding (and scaling to ``max_side_px``)
    a few frames ahead, drawing on the decoded frame itself (nothing else reads it), and
    writing to the encoder a few frames behind.

    Raises OSError when the video cannot be encoded; KeyboardInterrupt leaves no video.
    """
    annotator = annotator or Annotator()
    result = AnnotationPass(stills={})
    pending = list(moments)
    if video_out is None and not pending:
        return result
    writer: _QueuedWriter | None = None
    frames = Prefetcher(_scaled_frames(VideoFileSource(video_path), max_side_px), depth=DECODE_AHEAD_FRAMES,
                        name="formcheck-video-decode")
    try:
        with frames:
            for frame in frames:
                due = []
                while pending and frame.t_s >= pending[0].t_s:
                    due.append(pending.pop(0))
                if progress is not None:
                    progress.update()
                if video_out is None and not due:
                    if not pending:
                        break
                    continue
                with stages("draw"):
                    image = annotator.draw(frame.rgb, timeline.state_at(frame.index, frame.t_s))
                    result.frames_drawn += 1
                    for moment in due:
                        result.stills[moment.key] = jpeg_still(image)
                if video_out is not None:
                    if writer is None:
                        result.sink = VideoSink(video_out, fps, frame.size, encoders=encoders).open()
                        writer = _QueuedWriter(result.sink, stages)
                    writer.put(image)
        if writer is not None:
            writer.close()
    except BaseException:
        if writer is not None:
            writer.abort()
        elif result.sink is not None:
            result.sink.abort()
        raise
    finally:
        # video_decode: time the drawing waited for a frame; video_decode_thread: the decoding itself
        stages.add("video_decode", frames.wait_s)
        stages.add("video_decode_thread", frames.busy_s)
    return result


def _scaled_frames(source: VideoFileSource, max_side_px: int) -> Iterator[Frame]:
    """Every frame of ``source`` with its longer side at most ``max_side_px`` (as analysed)."""
    frames = source.frames()
    try:
        for frame in frames:
            yield fit_within(frame, max_side_px)
    finally:
        frames.close()  # releases the decoder in the thread that used it


def annotate_outputs(result: AnalysisResult, profile: ExerciseProfile, max_side_px: int,
                     write_video: bool = True, show_progress: bool = True,
                     encoders: tuple[str, ...] = ENCODERS) -> None:
    """After the report files are written: write ``annotated.mp4`` (unless ``write_video``
    is False), add the fault stills to report.html, and report an encoder fallback or
    failure as a warning in report.json / report.html (and ``result.report``).

    An ``annotated.mp4`` left in the output folder by an earlier run is removed first, so
    every file there belongs to this report.

    Raises:
        AnnotationInterrupted: Ctrl-C during the pass (report files complete, no video).
    """
    session, recorder = result.session, result.recorder
    if session is None or recorder is None or len(recorder) == 0:
        return
    video_out = result.out_dir / ANNOTATED_VIDEO
    video_out.unlink(missing_ok=True)
    moments = fault_moments(session)
    timeline = OverlayTimeline(recorder, session, profile)
    fps = _sink_fps(result.source.fps, recorder.t_s)
    notes: list[str] = []
    made = AnnotationPass(stills={})
    # a video that cannot be written still leaves the stills: a decode-only pass makes them
    for video in ((True, False) if write_video else (False,)):
        total = result.source.frame_count if video else _frames_until(moments, recorder)
        try:
            with ProgressBar(total, "video" if video else "stills",
                             enabled=show_progress and (video or bool(moments))) as progress:
                made = render_pass(Path(result.source.path), timeline, moments, result.stages, max_side_px,
                                   video_out if video else None, fps, encoders, progress)
            break
        except KeyboardInterrupt:
            what = "the annotated video" if video else "the fault stills"
            raise AnnotationInterrupted(f"interrupted while making {what}") from None
        except (OSError, FormcheckError) as exc:
            what = "the annotated video" if video else "the fault stills"
            notes.append(f"{what} could not be made ({exc}); the report itself is complete")
    if made.sink is not None:
        if made.sink.warning:
            notes.append(made.sink.warning)
        if video_out.exists():
            result.outputs["annotated_video"] = video_out
    notes += add_voice_track(result, profile, video_out)  # --voice: the cues on its audio track
    if notes:
        result.report.setdefault("warnings", []).extend(notes)
        result.warnings.extend(notes)
        with result.stages("write"):
            write_report_json(result.outputs["report_json"], result.report)
    if made.stills or notes:
        with result.stages("write"):
            write_report_html(result.outputs["report_html"], result.report, session.series, made.stills)
    result.stills = made.stills


def _frames_until(moments: Sequence[FaultMoment], recorder: MeasureRecorder) -> int:
    """About how many frames the stills pass decodes (up to the last fault moment)."""
    if not moments:
        return 1
    return max(1, int(np.searchsorted(recorder.t_s, moments[-1].t_s)) + 1)
