"""The one place that wires the stages: source → pose → recorder (calibration, geometry,
silhouette) → smoothing → reps → rules → report files.

Everything the CLI can do is a call here. The report files are written also when the
run stops early (Ctrl-C, a decoding error): whatever was analysed is saved, with
``complete: false`` in report.json.
"""

from __future__ import annotations

import os
import time
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from formcheck import __version__
from formcheck.annotate import annotate_outputs
from formcheck.calibration import Calibration, CalibrationSettings
from formcheck.errors import FormcheckError, OutputError
from formcheck.filters import file_smoothers, smooth_series
from formcheck.measures import LEGS, MeasureSeries
from formcheck.pose import PoseEstimator
from formcheck.prefetch import Prefetcher
from formcheck.profiles import ExerciseProfile, get_profile
from formcheck.progress import ProgressBar
from formcheck.recorder import MeasureRecorder
from formcheck.report.frames_csv import FrameTable, write_frames_csv
from formcheck.report.html_report import write_report_html
from formcheck.report.json_report import ReportInputs, SourceInfo, build_report, write_report_json
from formcheck.reps import Rep, segment_reps
from formcheck.stages import StageTimer
from formcheck.rules import Fault, end_range, evaluate_rep, evaluate_setup, summarize
from formcheck.stride import check_stride, default_stride, expand_frame_table
from formcheck.video import VideoFileSource, VideoInfo, fit_within

FRAMES_CSV = "frames.csv"
REPORT_JSON = "report.json"
REPORT_HTML = "report.html"
# Frames are analysed at most this large (longer side, px): the pose model works at 256 px
# anyway, and a 4K frame's mask alone would be 33 MB. Landmarks are in analysed pixels.
MAX_ANALYSIS_SIDE_PX = 1280
# Frames decoded ahead in a background thread while the model works (a few MB at 720p).
PREFETCH_FRAMES = 4


class NoPersonError(FormcheckError):
    """The whole video was analysed and nobody was found."""

    exit_code = 3


@dataclass
class SessionResult:
    """What the measuring stages made of a session."""

    series: MeasureSeries
    calibration: Calibration | None
    reps: list[Rep]
    faults: list[list[Fault]]  # faults[k] belong to reps[k]
    setup_faults: list[Fault]  # a start position that is not the exercise's
    summary: dict[str, Any]
    end_range: dict[str, Any]
    warnings: list[str]


@dataclass
class AnalysisResult:
    """What an analysis produced and how it went."""

    source: VideoInfo
    out_dir: Path
    frames_analysed: int = 0  # run through the pose model
    frames_detected: int = 0
    frames_read: int = 0  # decoded (every ``stride``-th of them analysed)
    stride: int = 1
    elapsed_s: float = 0.0
    complete: bool = False
    outputs: dict[str, Path] = field(default_factory=dict)
    session: SessionResult | None = None
    report: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # about the source, for the report
    recorder: MeasureRecorder | None = None  # raw per-frame landmarks (``xy_px``, ``t_s``, …)
    stages: StageTimer = field(default_factory=StageTimer)  # seconds per stage (bench/throughput.py)
    stills: dict[str, bytes] = field(default_factory=dict)  # JPEG per fault moment ("rep3-arching")
    frames: FrameTable | None = None  # what frames.csv holds: every frame read, ``analysed`` 1/0

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


MIN_REPORTED_GAP_S = 1.0


def detection_gaps_s(t_s: Any, detected: Any, min_gap_s: float = MIN_REPORTED_GAP_S) -> list[tuple[float, float]]:
    """(from, to) times in seconds where the person was lost for at least ``min_gap_s``
    between two frames in which they were found."""
    found = [t for t, d in zip(t_s, detected) if d]
    return [(a, b) for a, b in zip(found, found[1:]) if b - a >= min_gap_s]


def far_leg(view: Any, profile: ExerciseProfile) -> tuple[str | None, str | None]:
    """(the far leg, the far leg whose reps are timed on both heels) for a camera view.

    The far leg of a side or oblique view hides behind the near one (see reps.timing_signal).
    Timing it on both heels helps where its foot hides exactly behind the near foot (heel
    taps: knee held at 90°, side view); in a leg extension the foot slides out from behind
    and its own heel times it better (bench/accuracy.py: start error 0.93 → 0.55 s).
    """
    occluded = view.far_side if view is not None else None
    timing_occluded = (occluded if view is not None and view.view == "side"
                       and profile.knee_target_deg is not None else None)
    return occluded, timing_occluded


def far_leg_note(view: Any) -> str:
    """The report's warning for reps of the view's far leg (see reps.timing_signal)."""
    far = view.far_side
    return (f"the {far} leg was the far one from the camera: it hides behind the {view.near_side} leg at the "
            f"start of each lowering and the end of each raise, so its rep times and tempo are approximate "
            f"— film from your {far} side to time that leg precisely")


def leg_sweeps(recorder: MeasureRecorder, series: MeasureSeries, profile: ExerciseProfile,
               far: str | None) -> dict[str, np.ndarray]:
    """Smoothed sweep angles that time each leg's reps (see reps.segment_reps), every leg but
    the far one (its knee and ankle hide behind the near leg's); none for legs moving together."""
    if profile.legs_together:
        return {}
    smoother = file_smoothers()["hip_angle_left_deg"]
    return {leg: smoother.smooth(series.t_s, recorder.leg_sweep_deg(leg)) for leg in LEGS if leg != far}


def summarise_session(recorder: MeasureRecorder, profile: ExerciseProfile) -> SessionResult:
    """Smooth the recorded measurements, find reps, judge them, and summarise."""
    calibration = recorder.finish()
    series = smooth_series(recorder.series(), file_smoothers())
    warnings: list[str] = []
    if calibration is not None and calibration.warning:
        warnings.append(calibration.warning)
    if calibration is not None and calibration.view.advice:
        warnings.append(f"camera: {calibration.view.advice}")
    warnings.extend(recorder.recalibration_notes())
    for lost_s, found_s in detection_gaps_s(series.t_s, series.detected):
        warnings.append(f"person not found from {lost_s:.1f} s to {found_s:.1f} s (out of frame or hidden?) "
                        "— reps in that time could not be counted")
    baseline = dict(calibration.heel_height_cm) if calibration is not None and calibration.ok else None
    view = calibration.view if calibration is not None else None
    occluded, timing_occluded = far_leg(view, profile)
    sweep = leg_sweeps(recorder, series, profile, occluded)
    reps = (segment_reps(series, profile, baseline, occluded_leg=timing_occluded, sweep_deg=sweep)
            if calibration is not None else [])
    if view is not None and view.view == "upright":
        reps = []  # not lying down: whatever moved was not this exercise
    trust = dict(view.trust) if view is not None else None
    faults = [evaluate_rep(rep, series, profile, _rep_trust(trust, rep, view), occluded) for rep in reps]
    if view is not None and view.view == "oblique" and occluded is not None:
        warnings.append(f"oblique camera: the knee of the far leg ({occluded}) cannot be judged from here")
    if occluded is not None and any(rep.leg == occluded for rep in reps):
        warnings.append(far_leg_note(view))
    setup_faults = evaluate_setup(series, profile) if calibration is not None else []
    if trust is not None and not trust.get("lumbar", False):
        warnings.append("the lower back cannot be judged from this camera view, so arching is not checked")
    ranges = end_range(reps, faults, series)
    return SessionResult(series=series, calibration=calibration, reps=reps, faults=faults,
                         setup_faults=setup_faults,
                         summary=summarize(reps, faults, profile, ranges, setup_faults),
                         end_range=ranges, warnings=warnings)


def _rep_trust(trust: dict[str, bool] | None, rep: Rep, view: Any) -> dict[str, bool] | None:
    """The view's trust for one rep: its angles only where the view judges that leg's
    angles (not the far leg of an oblique view, see ViewAssessment.judges_angles)."""
    if trust is None or view is None:
        return trust
    return {**trust, "angles": view.judges_angles(rep.leg)}


def write_session_outputs(recorder: MeasureRecorder, session: SessionResult, source: SourceInfo,
                          profile: ExerciseProfile, out_dir: Path, complete: bool,
                          source_warnings: list[str] | None = None,
                          table: FrameTable | None = None, stride: int = 1) -> tuple[dict[str, Path], dict]:
    """Write frames.csv and report.json into ``out_dir``; returns their paths and the report.

    ``table`` is what frames.csv holds (default: the recorder's frames with ``session.series``).
    """
    frames_csv = out_dir / FRAMES_CSV
    write_frames_csv(frames_csv, table if table is not None else recorder.frame_table(session.series))
    warnings = list(source_warnings or []) + list(session.warnings)
    if not complete:
        warnings.insert(0, "the analysis was interrupted: this report covers only the frames analysed")
    report = build_report(ReportInputs(
        source=source, exercise=profile.name, series=session.series, reps=session.reps,
        faults=session.faults, setup_faults=session.setup_faults, summary=session.summary,
        calibration=session.calibration,
        end_range=session.end_range, complete=complete, warnings=warnings, version=__version__,
        stride=stride, frames_analysed=len(recorder)))
    report_json = out_dir / REPORT_JSON
    write_report_json(report_json, report)
    report_html = out_dir / REPORT_HTML
    write_report_html(report_html, report, session.series)
    return {"frames_csv": frames_csv, "report_json": report_json, "report_html": report_html}, report


def analyze_video(video_path: str | os.PathLike[str], out_dir: str | os.PathLike[str] | None = None,
                  exercise: str = "heel-tap", model_path: str | os.PathLike[str] | None = None,
                  show_progress: bool = True, write_video: bool = True,
                  stride: int | None = None) -> AnalysisResult:
    """Analyse a recorded video and write frames.csv, report.json and report.html into ``out_dir``,
    then (second pass, :mod:`formcheck.annotate`) annotated.mp4 unless ``write_video`` is False,
    and the fault stills into report.html.

    Frames are decoded a few ahead in a background thread while the model works. ``stride``
    N runs the model on every Nth frame (reps and faults come from those); frames.csv still
    has a row for every frame, the others interpolated in time (``analysed`` 0). None picks
    the stride from the frame rate (:func:`formcheck.stride.default_stride`).

    Raises:
        VideoError, ModelError, OutputError, ValueError (unknown exercise, stride < 1): bad input.
        NoPersonError: nobody was found in any frame (the files are still written).
        KeyboardInterrupt: after writing the report of the frames analysed so far
            (``AnnotationInterrupted`` during the video pass: the report is complete).
    """
    profile = get_profile(exercise)
    if stride is not None:
        stride = check_stride(stride)
    video_path = Path(video_path)
    source = VideoFileSource(video_path)
    stride = default_stride(source.info.fps) if stride is None else stride
    target = prepare_out_dir(Path(out_dir) if out_dir is not None else default_out_dir(video_path))
    recorder = MeasureRecorder(CalibrationSettings.for_profile(profile))
    result = AnalysisResult(source=source.info, out_dir=target, recorder=recorder, stride=stride)
    frame_times_s = array("d")  # every frame read (8 bytes each), for the rows of frames.csv
    stage = result.stages
    started = time.monotonic()
    frames = Prefetcher(source.frames(pixels_every=stride), depth=PREFETCH_FRAMES, name="formcheck-decode")
    try:
        with PoseEstimator(model_path, mode="video") as estimator, \
                ProgressBar(source.info.frame_count, "analyze", enabled=show_progress) as progress, frames:
            for frame in frames:
                frame_times_s.append(frame.t_s)
                result.frames_read += 1
                if frame.has_pixels:
                    with stage("pose"):
                        pose = estimator.estimate(fit_within(frame, MAX_ANALYSIS_SIDE_PX))
                    with stage("measure"):
                        recorder.update(pose, frame.index)
                    result.frames_analysed += 1
                    result.frames_detected += pose.detected
                progress.update()
        result.complete = True
        if source.ended_early:
            result.warnings.append(
                f"the video ended after {source.frames_read} of about {source.info.frame_count} frames "
                "— the file may be truncated or damaged; the report covers the frames that decoded")
    finally:
        # decode: time the analysis waited for a frame; decode_thread: the decoding itself (overlapped)
        stage.add("decode", frames.wait_s)
        stage.add("decode_thread", frames.busy_s)
        result.elapsed_s = time.monotonic() - started
        if result.frames_analysed:
            _finish(result, recorder, profile, video_path, np.frombuffer(frame_times_s, dtype=np.float64))
    if result.frames_detected == 0:
        raise NoPersonError(f"no person found in any of the {result.frames_analysed} frames of "
                            f"{video_path.name} — is the whole body in view, side-on?")
    annotate_outputs(result, profile, MAX_ANALYSIS_SIDE_PX, write_video=write_video, show_progress=show_progress)
    return result


def _finish(result: AnalysisResult, recorder: MeasureRecorder, profile: ExerciseProfile,
            video_path: Path, frame_times_s: np.ndarray) -> None:
    info = result.source
    # every frame read up to the last analysed one, plus the few after it (they repeat it)
    times = frame_times_s if len(frame_times_s) else recorder.t_s
    duration_s = float(times[-1] - times[0]) + (1.0 / info.fps if info.fps > 0 else 0.0)
    source = SourceInfo(path=str(video_path), fps=info.fps, frames=len(times),
                        duration_s=duration_s, width=info.width, height=info.height)
    with result.stages("rules"):
        result.session = summarise_session(recorder, profile)
    with result.stages("write"):
        table = recorder.frame_table(result.session.series)
        if len(times) != len(recorder):
            table = expand_frame_table(table, times, np.arange(len(times)))
        result.frames = table
        result.outputs, result.report = write_session_outputs(
            recorder, result.session, source, profile, result.out_dir, result.complete, result.warnings,
            table=table, stride=result.stride)
