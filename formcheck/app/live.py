"""``formcheck live``: webcam (or a file replayed at real speed) → live feedback → report on exit.

One loop in the main thread: take the newest frame from a latest-frame source only when the
pose model is free (stale frames are dropped, never queued), hand it to the asynchronous
``PoseEstimator(mode="live")``, and for each result: record it (:class:`MeasureRecorder`),
update the streaming feedback (:class:`LiveFeedback`; with ``--exercise auto`` it switches to
the exercise :class:`~formcheck.app.live_exercise.LiveExercise` recognises in the first reps), cue a sound on a new fault, speak
(:class:`~formcheck.app.voice.LiveVoice`, ``--voice`` / ``--pace``), and draw the overlay in a window. The session ends on q / Esc, end of source, Ctrl-C or a camera
error; then the same analysis as ``formcheck analyze`` runs on everything recorded and
writes report.json, frames.csv and report.html.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

import numpy as np

from formcheck.errors import CameraError
from formcheck.core.pose import Pose
from formcheck.app.live_exercise import LiveExercise
from formcheck.app.live_feedback import LiveFeedback, process_frame
from formcheck.render.annotator import Annotator
from formcheck.app.analyze import MAX_ANALYSIS_SIDE_PX
from formcheck.app.history.record import record_session
from formcheck.app.outputs import prepare_out_dir, write_session_outputs
from formcheck.analysis.session import summarise_session
from formcheck.pose.estimator import PoseEstimator
from formcheck.analysis.exercise_detect import AUTO
from formcheck.profiles import DEFAULT_PROFILE, ExerciseProfile, get_profile
from formcheck.measure.recorder import MeasureRecorder
from formcheck.report.json_report import SourceInfo
from formcheck.app.sound import SoundCue
from formcheck.app.voice.live_voice import LiveVoice
from formcheck.io.live_sources import CameraSource, ReplaySource
from formcheck.core.frame import Frame
from formcheck.io.sources import fit_within

from formcheck.app.window import CvWindow, Display, check_display

END_GRACE_S = 2.0  # at the end of the source, wait at most this long for the last result


POLL_S = 0.01  # longest wait for a new frame before looking at keys and results again


FPS_WINDOW_S = 2.0  # the fps in the corner counts the frames processed in this last stretch


def default_live_out_dir(now: datetime | None = None) -> Path:
    """``./formcheck_live_<YYYYmmdd-HHMMSS>`` in the current folder."""
    return Path.cwd() / f"formcheck_live_{(now or datetime.now()):%Y%m%d-%H%M%S}"


@dataclass
class LiveOptions:
    """What ``formcheck live`` was asked to do (``source`` wins over ``camera``)."""

    camera: int = 0
    source: Path | None = None
    exercise: str = "auto"  # or a profile; auto: recognised from the first reps
    out_dir: Path | None = None
    model_path: Path | None = None
    window: bool = True
    sound: bool = False
    person: str | None = None  # whose session, for the history (None: the one local person)
    history: bool = False  # record the session in the history when its report is written
    voice: bool = False  # spoken set-up, faults, counts, sets, summary (replaces the sound's tones)
    pace: bool = False  # the spoken tempo count


@dataclass
class LiveStats:
    """How the live loop kept up: frames processed / dropped and capture-to-overlay latency."""

    processed: int = 0
    detected: int = 0
    dropped: int = 0  # frames the source replaced or skipped because the loop was busy
    elapsed_s: float = 0.0
    latency_ms: list[float] = field(default_factory=list)

    @property
    def fps(self) -> float:
        """Frames processed per second of session."""
        return self.processed / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def latency_percentile_ms(self, q: float) -> float:
        return float(np.percentile(self.latency_ms, q)) if self.latency_ms else math.nan


@dataclass
class LiveResult:
    """How a live session ended and what it wrote."""

    out_dir: Path
    stats: LiveStats
    ended_by: str = ""  # "quit", "end of source", "interrupted", "camera error"
    complete: bool = False
    error: str | None = None  # the camera error's sentence
    outputs: dict[str, Path] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    recorder: MeasureRecorder | None = None  # every processed frame (``t_s``, ``xy_px``, segments)
    history: Any = None  # how recording the session went (app.history.RecordOutcome), None when not asked


class _InterruptFlag:
    """Ctrl-C sets a flag the loop checks (the session then ends cleanly); a second Ctrl-C
    raises KeyboardInterrupt as usual."""

    def __init__(self) -> None:
        self.set = False
        self._installed = False
        self._previous: Any = signal.default_int_handler

    def __enter__(self) -> _InterruptFlag:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
            self._installed = True
        return self

    def _handle(self, _signum: int, _frame: FrameType | None) -> None:
        if self.set:
            raise KeyboardInterrupt
        self.set = True

    def __exit__(self, *exc_info: object) -> None:
        if self._installed:
            # a handler installed outside Python reads back as None: restore Python's default
            signal.signal(signal.SIGINT, self._previous if self._previous is not None else signal.default_int_handler)
            self._installed = False


class LiveSession:
    """The frame loop of one session. ``run()`` until it ends, then ``write_report()``."""

    def __init__(self, source: CameraSource | ReplaySource, estimator: Any, exercise: str = "auto",
                 display: Display | None = None, sound: SoundCue | None = None,
                 voice: LiveVoice | None = None) -> None:
        self.source = source
        self.estimator = estimator
        self.exercise = LiveExercise(exercise)
        self.profile = self.exercise.profile
        self.display = display
        self.sound = sound
        self.voice = voice
        self.recorder = self.exercise.recorder
        self.feedback = LiveFeedback(self.profile)
        self.annotator = Annotator()
        self.stats = LiveStats()
        self.frame_size: tuple[int, int] | None = None
        self.paused = False
        self._submitted: dict[float, Frame] = {}
        self._recent: deque[float] = deque()  # monotonic times of processed frames (fps)
        self._last_image: np.ndarray | None = None

    def run(self, interrupted: _InterruptFlag | None = None) -> str:
        """Process frames until the session ends; returns how it ended.

        Raises:
            CameraError: the camera stopped delivering frames (what was recorded is kept).
        """
        started = time.monotonic()
        ended_at: float | None = None
        self.source.start()
        try:
            while True:
                if interrupted is not None and interrupted.set:
                    return "interrupted"
                pose = self.estimator.latest()
                if self.paused:
                    self.source.read(timeout_s=POLL_S)  # frames keep coming; the picture stays frozen
                elif not self.estimator.busy:
                    # the next frame goes to the model first, so it works while this result is handled
                    frame = self.source.read(timeout_s=0.0 if pose is not None else POLL_S)
                    if frame is not None:
                        self._submit(frame)
                    elif self.source.ended and pose is None:
                        ended_at = ended_at or time.monotonic()
                        if not self._submitted or time.monotonic() - ended_at > END_GRACE_S:
                            return "end of source"
                elif pose is None and self.display is None:
                    time.sleep(0.002)
                if pose is not None:
                    self._handle(pose)
                action = self.display.poll(1) if self.display is not None else None
                if action == "quit":
                    return "quit"
                if action is not None:
                    self._act(action)
        finally:
            self.stats.elapsed_s = time.monotonic() - started
            self.stats.dropped = self.source.dropped + self.estimator.dropped
            self.source.close()

    def _submit(self, frame: Frame) -> None:
        if self.frame_size is None:
            self.frame_size = frame.size
        frame = fit_within(frame, MAX_ANALYSIS_SIDE_PX)
        if self.estimator.submit(frame):
            self._submitted[frame.t_s] = frame

    def _handle(self, pose: Pose) -> None:
        frame = self._submitted.pop(pose.t_s, None)
        if frame is None:
            return
        self._submitted = {t: f for t, f in self._submitted.items() if t > pose.t_s}
        faults = process_frame(self.recorder, self.feedback, pose, frame.index)
        self.exercise.record_others(pose, frame.index)
        switched = self.exercise.check(float(pose.t_s))
        if switched is not None:
            self._switch(switched)
        if self.sound is not None:
            for fault in faults:
                self.sound.cue(fault.code)
        if self.voice is not None:
            self.voice.update(self.feedback, faults, frame.captured_s)
        now = time.monotonic()
        self._recent.append(now)
        while now - self._recent[0] > FPS_WINDOW_S:
            self._recent.popleft()
        span = self._recent[-1] - self._recent[0]
        fps = (len(self._recent) - 1) / span if span > 0 else None
        state = self.feedback.overlay(pose, fps, None)
        about = self.exercise.message(float(pose.t_s))
        if about is not None and not self.feedback.paused:
            state = replace(state, setup_message=f"{state.setup_message} · {about}" if state.setup_message else about)
        if self.display is not None:
            latency = (time.monotonic() - frame.captured_s) * 1000.0
            image = self.annotator.annotate(frame.rgb, replace(state, latency_ms=latency))
            self.display.show(image)
            self._last_image = frame.rgb
        now = time.monotonic()
        self.stats.latency_ms.append((now - frame.captured_s) * 1000.0)
        self.stats.processed += 1
        self.stats.detected += int(pose.detected)

    def _switch(self, profile: ExerciseProfile) -> None:
        """The first reps showed another exercise: give feedback for it from now on."""
        self.profile = profile
        self.recorder = self.exercise.recorder
        self.feedback = LiveFeedback(profile)
        self.feedback.paused = self.paused
        if self.voice is not None:
            self.voice.switch(profile)

    def _act(self, action: str) -> None:
        if action == "pause":
            self.paused = not self.paused
            self.feedback.paused = self.paused
            if self.paused and self.display is not None and self._last_image is not None:
                self.display.show(self.annotator.annotate(self._last_image, self.feedback.overlay(None)))
        elif action == "recalibrate":
            self.exercise.restart_calibration()
            self.feedback.restart()

    def write_report(self, out_dir: Path, source_name: str, complete: bool) -> tuple[dict[str, Path], dict]:
        """The same analysis as ``formcheck analyze`` on everything recorded → report files."""
        recorder = self.recorder
        fps, span_s = source_rate(recorder.t_s, recorder.frame_index)
        width, height = self.frame_size or (0, 0)
        source = SourceInfo(path=source_name, fps=fps, frames=len(recorder),
                            duration_s=span_s + (1.0 / fps if fps > 0 else 0.0), width=width, height=height)
        stats = self.stats
        captured = stats.processed + stats.dropped
        warnings = [f"live session: {stats.processed} of {captured} frames processed ({stats.fps:.1f} per second); "
                    f"{stats.dropped} dropped to keep the feedback current"] if stats.dropped else []
        choice, profile, recorder = self.exercise.final_choice()
        session = summarise_session(recorder, profile, choice)
        return write_session_outputs(recorder, session, source, profile, out_dir, complete, warnings,
                                     cues=self.voice.cues if self.voice is not None else ())


def source_rate(t_s: np.ndarray, frame_index: np.ndarray) -> tuple[float, float]:
    """The source's own frame rate and the time span (s) of a session whose processed frames had
    times ``t_s`` and source frame numbers ``frame_index``: the source's frames between the first
    and the last processed one over their time — not the (lower) rate the pose model kept up
    with, which the report gives as frames analysed."""
    if len(t_s) < 2:
        return 0.0, 0.0
    span_s = float(t_s[-1] - t_s[0])
    return (float(frame_index[-1] - frame_index[0]) / span_s if span_s > 0 else 0.0), span_s


def open_source(options: LiveOptions) -> tuple[CameraSource | ReplaySource, str]:
    """The frame source (not started yet) and its name for the report."""
    if options.source is not None:
        return ReplaySource(options.source), str(options.source)
    return CameraSource(options.camera), f"camera {options.camera}"


def run_live(options: LiveOptions) -> LiveResult:
    """Run a live session and write its report (also after Ctrl-C or a camera error).

    Raises:
        VideoError, CameraError (camera cannot be opened), ModelError, OutputError,
        NoDisplayError: bad input, before anything is recorded.
    """
    if options.window:
        check_display()
    source, source_name = open_source(options)
    started = datetime.now().astimezone()  # a camera session was filmed now
    display: Display | None = None
    sound: SoundCue | None = None
    voice: LiveVoice | None = None
    try:
        out_dir = prepare_out_dir(options.out_dir or default_live_out_dir())
        display = CvWindow() if options.window else None
        sound = SoundCue() if options.sound and not options.voice else None
        if options.voice or options.pace:
            voice = LiveVoice(get_profile(DEFAULT_PROFILE if options.exercise == AUTO else options.exercise),
                              speak=options.voice, pace=options.pace)
        result = LiveResult(out_dir=out_dir, stats=LiveStats())
        with PoseEstimator(options.model_path, mode="live") as estimator, _InterruptFlag() as interrupted:
            session = LiveSession(source, estimator, options.exercise, display, sound, voice)
            result.stats, result.recorder = session.stats, session.recorder
            try:
                result.ended_by = session.run(interrupted)
            except CameraError as exc:
                result.ended_by, result.error = "camera error", str(exc)
            result.complete = result.ended_by in ("quit", "end of source")
            result.recorder = session.recorder  # the recognised exercise's, if live switched to it
            if voice is not None:
                voice.finish(session.feedback)  # the summary, spoken while the report is written
            if len(session.recorder):
                result.outputs, result.report = session.write_report(out_dir, source_name, result.complete)
                if options.history:
                    result.history = record_session(result.report, options.person, kind="live",
                                                    video=options.source, report_dir=out_dir,
                                                    filmed_at=None if options.source is not None else started)
    finally:
        source.close()  # also when the output folder, the window or the model failed first
        if display is not None:
            display.close()
        if sound is not None:
            sound.close()
        if voice is not None:
            voice.close()
    return result
