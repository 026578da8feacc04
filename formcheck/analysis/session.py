"""One session's analysis: smoothing, reps, faults, end range and summary from a recorder.

The same for ``analyze`` and for the report ``live`` writes when it ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from formcheck.analysis.fault import Fault
from formcheck.analysis.faults import evaluate_rep, evaluate_setup
from formcheck.analysis.rep import Rep
from formcheck.analysis.segment import segment_reps
from formcheck.analysis.summary import end_range, summarize
from formcheck.core.legs import LEGS
from formcheck.core.series import MeasureSeries
from formcheck.measure.calibration import Calibration
from formcheck.measure.recorder import MeasureRecorder
from formcheck.measure.smoothing import file_smoothers, smooth_series
from formcheck.profiles import ExerciseProfile

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
