"""``report.json``: the per-rep report of the contract (schema version 1, DESIGN.md).

Stable keys: ``schema_version``, ``source``, ``exercise``, ``calibration``, ``reps``,
``summary``. Added here (allowed by the contract): ``formcheck_version``, ``complete``
(False when the run was interrupted), ``view`` (camera view and which measures it allows),
``end_range`` (per leg), ``setup_faults`` (a start position that is not the exercise's),
``warnings``, ``cues`` (what the voice said: :func:`cue_entry`); per rep, ``camera_side``
(see :func:`rep_entry`); ``sets`` (see :func:`sets_entry`); in ``calibration``, ``overlaps_rep``
when its window reaches into a counted rep (also a warning); ``exercise_detection`` (what the
exercise recognition saw: ``profile`` or null for none of ours, ``confidence`` 0–1, ``asked`` —
``auto`` or the profile passed — and ``note``).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from formcheck.core.legs import LEGS, legs_of
from formcheck.analysis.fatigue import set_fatigue
from formcheck.analysis.fault import Fault
from formcheck.analysis.rep import Rep
from formcheck.analysis.sets import set_entry, split_sets
from formcheck.core.series import MeasureSeries
from formcheck.io.atomic import AtomicTextFile
from formcheck.measure.calibration import Calibration
from formcheck.profiles import ExerciseProfile, get_profile
from formcheck.wording import say

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class SourceInfo:
    """What was analysed: ``path`` (or camera), frame rate, frames analysed, size."""

    path: str
    fps: float
    frames: int
    duration_s: float
    width: int
    height: int


@dataclass
class ReportInputs:
    """Everything the report is built from."""

    source: SourceInfo
    exercise: str
    series: MeasureSeries
    reps: Sequence[Rep]
    faults: Sequence[Sequence[Fault]]  # faults[k] belong to reps[k]
    summary: dict[str, Any]
    setup_faults: Sequence[Fault] = ()
    calibration: Calibration | None = None
    end_range: dict[str, Any] = field(default_factory=dict)
    complete: bool = True
    warnings: list[str] = field(default_factory=list)
    version: str = ""
    stride: int = 1  # the model ran on every ``stride``-th frame
    frames_analysed: int | None = None  # frames the model ran on (None: all of source.frames)
    cues: Sequence[Any] = ()  # spoken cues (``t_s``, ``kind``, ``text``); empty without a voice
    exercise_detection: dict[str, Any] | None = None  # {profile, confidence, asked, note}; None: not run


def _number(value: float, digits: int = 2) -> float | None:
    """Rounded, or None (JSON null) when unknown."""
    return round(float(value), digits) if value is not None and math.isfinite(value) else None


def _extreme(values: np.ndarray, pick: Any) -> float | None:
    finite = values[np.isfinite(values)]
    return _number(float(pick(finite))) if finite.size else None


def camera_side(leg: str, far_side: str | None) -> str | None:
    """``near`` or ``far``: where a rep's leg is relative to the camera (None for both legs
    together, or a view with no side facing the camera). The far leg hides behind the near
    one in tabletop, so its rep times are approximate (bench/accuracy.py prints the split)."""
    if far_side is None or leg not in LEGS:
        return None
    return "far" if leg == far_side else "near"


def rep_entry(rep: Rep, faults: Sequence[Fault], series: MeasureSeries,
              far_side: str | None = None) -> dict[str, Any]:
    """One element of ``reps``: times, phase durations, ranges of the measures, faults, and
    which side of the camera the leg was on (``far_side``: the view's far leg, if any)."""
    inside = (series.t_s >= rep.start_s) & (series.t_s <= rep.end_s)
    knee = np.concatenate([series.knee_angle_deg(leg)[inside] for leg in legs_of(rep.leg)])
    return {
        "index": rep.index, "leg": rep.leg,
        "start_s": _number(rep.start_s), "bottom_s": _number(rep.bottom_s), "end_s": _number(rep.end_s),
        "lower_s": _number(rep.lower_s), "raise_s": _number(rep.raise_s),
        "knee_angle_min_deg": _extreme(knee, np.min), "knee_angle_max_deg": _extreme(knee, np.max),
        "heel_height_min_cm": _number(rep.heel_height_min_cm),
        "lumbar_lift_max_cm": _extreme(series.lumbar_lift_cm[inside], np.max),
        "pelvic_tilt_max_deg": _extreme(series.pelvic_tilt_deg[inside], np.max),
        "camera_side": camera_side(rep.leg, far_side),
        "faults": [fault_entry(f) for f in faults],
    }


def fault_entry(fault: Fault) -> dict[str, Any]:
    """One fault: code, time, measured value, the coach's words."""
    return {"code": fault.code, "t_s": _number(fault.t_s), "value": _number(fault.value),
            "message": fault.message}


def cue_entry(cue: Any) -> dict[str, Any]:
    """One spoken cue: when it was due (s), its kind (``setup``, ``fault``, ``count``, ``set``,
    ``pace``, ``summary``) and its words."""
    return {"t_s": _number(cue.t_s), "kind": cue.kind, "text": cue.text}


def calibration_entry(calibration: Calibration | None) -> dict[str, Any]:
    """``calibration``: the imprint window, whether it was a still tabletop, and baselines."""
    if calibration is None:
        return {"start_s": None, "end_s": None, "ok": False,
                "warning": "no person found, so nothing could be calibrated"}
    return {"start_s": _number(calibration.start_s), "end_s": _number(calibration.end_s),
            "ok": bool(calibration.ok), "warning": calibration.warning,
            "cm_per_px": _number(calibration.cm_per_px, 4),
            "heel_height_cm": {leg: _number(v) for leg, v in calibration.heel_height_cm.items()},
            "knee_angle_deg": {leg: _number(v) for leg, v in calibration.knee_angle_deg.items()}}


def calibration_overlap(calibration: Calibration | None, reps: Sequence[Rep]) -> tuple[int, float] | None:
    """(rep number, seconds) of the first counted rep the calibration window reaches into, or None."""
    if calibration is None:
        return None
    for rep in reps:
        overlap_s = min(calibration.end_s, rep.end_s) - max(calibration.start_s, rep.start_s)
        if overlap_s > 0:
            return rep.index, overlap_s
    return None


def sets_entry(reps: Sequence[Rep], faults: Sequence[Sequence[Fault]],
               profile: ExerciseProfile) -> list[dict[str, Any]]:
    """``sets``: the session's sets (a rest of ``profile.set_rest_s`` between reps ends one), each
    with :func:`~formcheck.analysis.sets.set_entry`'s keys and its ``fatigue`` findings."""
    entries = []
    for training_set in split_sets(reps, profile.set_rest_s):
        entry = set_entry(training_set, reps, faults)
        entry["fatigue"] = [found.to_dict() for found in set_fatigue(training_set, reps, faults, profile)]
        entries.append(entry)
    return entries


def _profile(exercise: str) -> ExerciseProfile:
    try:
        return get_profile(exercise)
    except ValueError:
        return get_profile()


def view_entry(calibration: Calibration | None) -> dict[str, Any] | None:
    """``view``: where the camera is and which measures that view allows."""
    if calibration is None:
        return None
    view = calibration.view
    return {"view": view.view, "near_side": view.near_side, "toward": view.toward,
            "yaw_deg": _number(view.yaw_deg, 1), "body_fraction": _number(view.body_fraction, 3),
            "trust": asdict(view.trust), "advice": view.advice}


def build_report(inputs: ReportInputs) -> dict[str, Any]:
    """The report as plain JSON-able data."""
    source = inputs.source
    far_side = inputs.calibration.view.far_side if inputs.calibration is not None else None
    calibration = calibration_entry(inputs.calibration)
    warnings = list(inputs.warnings)
    overlap = calibration_overlap(inputs.calibration, inputs.reps)
    if overlap is not None and inputs.calibration is not None:
        calibration["overlaps_rep"] = {"rep_index": overlap[0], "overlap_s": _number(overlap[1])}
        warnings.append(say("warn.calibration_overlap", start_s=inputs.calibration.start_s,
                            end_s=inputs.calibration.end_s, overlap_s=overlap[1], rep=overlap[0]))
    return {
        "schema_version": SCHEMA_VERSION,
        "formcheck_version": inputs.version,
        "complete": inputs.complete,
        "source": {"path": source.path, "fps": _number(source.fps, 3), "frames": source.frames,
                   "duration_s": _number(source.duration_s), "width": source.width,
                   "height": source.height},
        "exercise": inputs.exercise,
        "exercise_detection": inputs.exercise_detection,
        "analysis": {"stride": inputs.stride,
                     "frames_analysed": source.frames if inputs.frames_analysed is None else inputs.frames_analysed},
        "calibration": calibration,
        "view": view_entry(inputs.calibration),
        "setup_faults": [fault_entry(f) for f in inputs.setup_faults],
        "reps": [rep_entry(rep, faults, inputs.series, far_side) for rep, faults in zip(inputs.reps, inputs.faults)],
        "sets": sets_entry(inputs.reps, inputs.faults, _profile(inputs.exercise)),
        "end_range": inputs.end_range,
        "summary": inputs.summary,
        "warnings": warnings,
        "cues": [cue_entry(cue) for cue in inputs.cues],
    }


def write_report_json(path: str | os.PathLike[str], report: Mapping[str, Any]) -> None:
    """Write the report atomically (a crash never leaves half a JSON file)."""
    with AtomicTextFile(path) as handle:
        json.dump(jsonable(report), handle, indent=2, allow_nan=False)
        handle.write("\n")


def jsonable(value: Any) -> Any:
    """Plain Python data: numpy scalars and arrays converted, NaN and infinities → None."""
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
