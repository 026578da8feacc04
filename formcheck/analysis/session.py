"""One session's analysis: smoothing, reps, faults, end range and summary from a recorder.

The same for ``analyze`` and for the report ``live`` writes when it ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from formcheck.analysis.camera_legs import CameraLegs
from formcheck.analysis.exercise_detect import ExerciseChoice, ExerciseDetection, detect_exercise
from formcheck.analysis.fault import Fault
from formcheck.analysis.judge import judge_session
from formcheck.analysis.rep import Rep
from formcheck.analysis.segment import segment_reps
from formcheck.analysis.summary import end_range, summarize
from formcheck.core.legs import Leg, RepLeg
from formcheck.core.series import MeasureSeries
from formcheck.measure.calibration import Calibration
from formcheck.measure.recorder import MeasureRecorder
from formcheck.measure.smoothing import SWEEP, file_smoothers, smooth_series
from formcheck.profiles import ExerciseProfile
from formcheck.wording import say

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
    detection: dict[str, Any] | None = None  # report.json's exercise_detection (None: not run)


MIN_REPORTED_GAP_S = 1.0


def detection_gaps_s(t_s: Any, detected: Any, min_gap_s: float = MIN_REPORTED_GAP_S) -> list[tuple[float, float]]:
    """(from, to) times in seconds where the person was lost for at least ``min_gap_s``
    between two frames in which they were found."""
    found = [t for t, d in zip(t_s, detected) if d]
    return [(a, b) for a, b in zip(found, found[1:]) if b - a >= min_gap_s]


def leg_sweeps(recorder: MeasureRecorder, series: MeasureSeries, legs: tuple[Leg, ...]) -> dict[RepLeg, np.ndarray]:
    """Smoothed sweep angles (deg) of ``legs`` about the calibrated hip: what times their reps
    (see :func:`~formcheck.analysis.segment.segment_reps`)."""
    smoother = file_smoothers()[SWEEP]
    return {leg: smoother.smooth(series.t_s, recorder.leg_sweep_deg(leg)) for leg in legs}


def session_warnings(recorder: MeasureRecorder, series: MeasureSeries, calibration: Calibration | None) -> list[str]:
    """What the report should say about the recording itself: calibration, camera, moves, gaps."""
    warnings: list[str] = []
    if calibration is not None and calibration.warning:
        warnings.append(calibration.warning)
    if calibration is not None and calibration.view.advice:
        warnings.append(say("warn.camera", advice=calibration.view.advice))
    warnings.extend(recorder.recalibration_notes())
    for lost_s, found_s in detection_gaps_s(series.t_s, series.detected):
        warnings.append(say("warn.person_lost", lost_s=lost_s, found_s=found_s))
    return warnings


def detect_in(recorder: MeasureRecorder) -> ExerciseDetection:
    """The exercise the recorded frames show (:func:`~formcheck.analysis.exercise_detect.detect_exercise`)."""
    return detect_exercise(recorder.t_s, recorder.xy_px, recorder.visibility)


def summarise_session(recorder: MeasureRecorder, profile: ExerciseProfile,
                      choice: ExerciseChoice | None = None) -> SessionResult:
    """Smooth the recorded measurements, find reps, judge them, and summarise.

    ``choice``: the exercise recognition's verdict (report.json's ``exercise_detection``);
    when it found none of ours (``choice.profile`` None) nothing is checked: no reps, no
    faults, no advice, and its note is the only warning (no tabletop advice for a person who
    never meant to take one). ``profile`` is then only what the frames were measured with.
    """
    calibration = recorder.finish()
    series = smooth_series(recorder.series(), file_smoothers())
    detection = choice.entry() if choice is not None else None
    if choice is not None and choice.profile is None:
        note = [choice.note] if choice.note else []
        return SessionResult(series=series, calibration=calibration, reps=[], faults=[], setup_faults=[],
                             summary={**summarize([], [], profile, {}, []), "advice": []},
                             end_range={}, warnings=list(note), detection=detection)
    warnings = session_warnings(recorder, series, calibration)
    if choice is not None and choice.warn and choice.note:
        warnings.insert(0, choice.note)
    view = calibration.view if calibration is not None else None
    legs = CameraLegs.of(view, profile)
    reps: list[Rep] = []
    if calibration is not None and view is not None and not view.trust.heel_height:
        warnings.append(say("warn.no_heel_height"))
    elif calibration is not None:
        baseline = dict(calibration.heel_height_cm) if calibration.ok else None
        reps = segment_reps(series, profile, baseline, heel_timed_leg=legs.heel_timed,
                            sweep_deg=leg_sweeps(recorder, series, legs.timed_on_angles(profile)))
    verdict = judge_session(series, reps, profile, view, legs.far, judge_setup=calibration is not None)
    if view is not None and view.view == "oblique" and legs.far is not None:
        warnings.append(say("warn.oblique_far_knee", leg=legs.far))
    if legs.far is not None and any(rep.leg == legs.far for rep in reps):
        warnings.append(say("warn.far_leg", far=legs.far, near=legs.near))
    if view is not None and not view.trust.lumbar:
        warnings.append(say("warn.no_lumbar"))
    ranges = end_range(reps, verdict.faults, series)
    return SessionResult(series=series, calibration=calibration, reps=reps, faults=verdict.faults,
                         setup_faults=verdict.setup_faults,
                         summary=summarize(reps, verdict.faults, profile, ranges, verdict.setup_faults),
                         end_range=ranges, warnings=warnings, detection=detection)
