"""The rules behind each fault code, as pure functions over frames (no state, no time order).

The streaming :class:`~formcheck.analysis.fault_detector.FaultDetector` applies them frame
by frame for live feedback and over a rep's frames for its verdict; the offline report
replays the session through the same detector.

* ``arching``: lumbar lift above ``arching_lift_cm``, or pelvic tilt above
  ``arching_tilt_deg`` with the lift above ``arching_tilt_lift_frac`` of its threshold (or
  unknown); both relative to the imprint, held ≥ ``arching_min_s``. Only where the view
  shows the lower back.
* ``swinging``: a lowering or raising shorter than ``min_lower_s`` / ``min_raise_s``, or a
  heel rebound of ≥ ``bounce_cm`` within ``bounce_window_s`` after the bottom.
* ``tabletop_lost``: the moving knee outside ``knee_target_deg`` ± ``knee_tolerance_deg``
  (straight-leg: below ``knee_straight_min_deg``) for ≥ ``knee_fault_min_s``; or the knee or
  hip far from the start position when the rep starts. Leg extension straightens the knee
  on purpose: no knee rule during its reps. Only where the view judges that leg's angles.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from formcheck.analysis.fault import Fault
from formcheck.analysis.rep import Rep
from formcheck.core.legs import Leg, RepLeg, legs_of, mean_of_legs
from formcheck.core.series import MeasureRow
from formcheck.profiles import ExerciseProfile
from formcheck.wording import say


def judged_knee_legs(channel: RepLeg, far_leg: Leg | None = None) -> tuple[Leg, ...]:
    """The legs whose knees a rep channel is judged and shown by: its own leg; for ``both``,
    both legs but the far one (it hides behind the near leg in a side view)."""
    legs = legs_of(channel)
    if len(legs) > 1 and far_leg in legs:
        return tuple(leg for leg in legs if leg != far_leg)
    return legs


def channel_knee_deg(knees: dict[Leg, np.ndarray], channel: RepLeg, far_leg: Leg | None = None) -> np.ndarray:
    """The knee angle (deg) shown for a rep channel: the NaN-tolerant mean of its judged legs."""
    return mean_of_legs(*(knees[leg] for leg in judged_knee_legs(channel, far_leg)))


def arching_holds(lift_cm: float, tilt_deg: float, profile: ExerciseProfile) -> bool:
    """Whether the back counts as arching in one frame (duration is judged by the caller)."""
    if lift_cm > profile.arching_lift_cm:
        return True
    lift_agrees = not math.isfinite(lift_cm) or lift_cm > profile.arching_tilt_lift_frac * profile.arching_lift_cm
    return bool(tilt_deg > profile.arching_tilt_deg and lift_agrees)


def knee_excess_deg(knee_deg: float, profile: ExerciseProfile) -> float | None:
    """How far (deg) a knee angle is beyond the profile's range during a rep: > 0 out of
    range, NaN unknown; None when the profile has no knee rule."""
    if profile.knee_target_deg is not None:
        return abs(knee_deg - profile.knee_target_deg) - profile.knee_tolerance_deg
    if profile.knee_straight_min_deg is not None:
        return profile.knee_straight_min_deg - knee_deg
    return None


def lowest_heel_cm(row: MeasureRow, legs: Sequence[Leg]) -> float | None:
    """The lowest known heel of ``legs`` in ``row`` (cm), None when none is known."""
    known = [row.heel_height_cm[leg] for leg in legs if math.isfinite(row.heel_height_cm[leg])]
    return min(known) if known else None


def mean_hip_deg(row: MeasureRow, legs: Sequence[Leg]) -> float | None:
    """The mean known hip angle of ``legs`` in ``row`` (deg), None when none is known."""
    known = [row.hip_angle_deg[leg] for leg in legs if math.isfinite(row.hip_angle_deg[leg])]
    return sum(known) / len(known) if known else None


def channel_heel_cm(row: MeasureRow, channel: RepLeg) -> float:
    """The heel height a channel moves (cm): its leg's, or the mean of both (NaN unknown)."""
    return float(mean_of_legs(*(np.array(row.heel_height_cm[leg]) for leg in legs_of(channel))))


def cue_words(profile: ExerciseProfile) -> dict[str, str]:
    """The coach's short cue for each fault code, as banners and the voice say them."""
    knee = (say("cue.tabletop_lost.bend", knee=profile.knee_target_deg) if profile.knee_target_deg is not None
            else say("cue.tabletop_lost.straight"))
    return {"arching": say("cue.arching"),
            "swinging": say("cue.swinging", down=profile.target_lower_s, up=profile.target_raise_s),
            "tabletop_lost": knee}


def arching_fault(onset: MeasureRow, legs: Sequence[Leg], max_lift_cm: float, max_tilt_deg: float) -> Fault:
    """The ``arching`` fault of a rep: at its onset, valued by the largest lift (cm) or, with
    the lift unknown throughout, the largest tilt (deg)."""
    heel = lowest_heel_cm(onset, legs)
    if math.isfinite(max_lift_cm):
        value, unit, what = max_lift_cm, "cm", say("fault.arching.lift", value=max_lift_cm)
    else:
        value, unit, what = max_tilt_deg, "deg", say("fault.arching.tilt", value=max_tilt_deg)
    where = say("fault.arching.where", heel=heel) if heel is not None else ""
    return Fault("arching", onset.t_s, value, say("fault.arching", what=what, where=where), heel, unit,
                 mean_hip_deg(onset, legs))


def phase_fault(rep: Rep, profile: ExerciseProfile) -> Fault | None:
    """``swinging`` when the lowering or the raising is shorter than the profile's minimum."""
    if rep.lower_s >= profile.min_lower_s and rep.raise_s >= profile.min_raise_s:
        return None
    value = min(rep.lower_s, rep.raise_s)
    verb = say("fault.swinging.verb.lower" if rep.lower_s <= rep.raise_s else "fault.swinging.verb.raise")
    message = say("fault.swinging.phase", down=profile.target_lower_s, up=profile.target_raise_s, verb=verb,
                  value=value)
    return Fault("swinging", rep.bottom_s, value, message, rep.heel_height_min_cm, "s")


def bounce_fault(rows: Sequence[MeasureRow], rep: Rep, profile: ExerciseProfile) -> Fault | None:
    """``swinging`` for a heel rebound of at least ``bounce_cm`` soon after the bottom: the
    largest drop after a rise in the rows between the bottom and ``bounce_window_s`` later."""
    window = [r for r in rows if rep.bottom_s <= r.t_s <= min(rep.end_s, rep.bottom_s + profile.bounce_window_s)]
    heights = np.array([channel_heel_cm(r, rep.leg) for r in window])
    known = np.flatnonzero(np.isfinite(heights))
    if len(known) < 3:
        return None
    h = heights[known]
    peak = np.maximum.accumulate(h)
    drop = peak - h
    k = int(np.argmax(drop))
    if drop[k] <= 0 or drop[k] < profile.bounce_cm:
        return None
    top = window[int(known[int(np.flatnonzero(h[: k + 1] == peak[k])[0])])]
    message = say("fault.swinging.bounce", down=profile.target_lower_s, up=profile.target_raise_s)
    return Fault("swinging", top.t_s, float(drop[k]), message, lowest_heel_cm(top, legs_of(rep.leg)), "cm")


def knee_fault(onset: MeasureRow, worst_knee_deg: float, legs: Sequence[Leg], profile: ExerciseProfile) -> Fault:
    """The ``tabletop_lost`` fault of a knee out of range from ``onset``, valued by its worst angle."""
    if profile.knee_target_deg is not None:
        key = "fault.knee.opened" if worst_knee_deg > profile.knee_target_deg else "fault.knee.closed"
        message = say(key, knee=profile.knee_target_deg, value=worst_knee_deg)
    else:
        message = say("fault.knee.straight", value=worst_knee_deg)
    return Fault("tabletop_lost", onset.t_s, worst_knee_deg, message, lowest_heel_cm(onset, legs), "deg")


def start_position_fault(window: Sequence[MeasureRow], start_s: float, legs: Sequence[Leg],
                         profile: ExerciseProfile) -> Fault | None:
    """``tabletop_lost`` when the knee or the hip is far from the start position in the rows
    around a rep's start (medians per leg)."""
    if not window:
        return None
    heel = lowest_heel_cm(window[0], legs)
    for leg in legs:
        knee = _median([r.knee_angle_deg[leg] for r in window])
        if profile.start_knee_deg is not None and abs(knee - profile.start_knee_deg) > profile.knee_tolerance_deg:
            return Fault("tabletop_lost", start_s, knee, say("fault.start.knee", knee=profile.start_knee_deg, value=knee),
                         heel, "deg")
        hip = _median([r.hip_angle_deg[leg] for r in window])
        if abs(hip - profile.start_hip_deg) > profile.start_hip_tolerance_deg:
            return Fault("tabletop_lost", start_s, hip, say("fault.start.hip", hip=profile.start_hip_deg, value=hip),
                         heel, "deg", hip)
    return None


def setup_fault(window: Sequence[MeasureRow], profile: ExerciseProfile) -> Fault | None:
    """``tabletop_lost`` when the first frames with the knees seen are not the start position
    (tabletop knees, or straight legs for straight-leg raises)."""
    knees = [k for k in (_median([r.knee_angle_deg[leg] for r in window]) for leg in ("left", "right"))
             if math.isfinite(k)]
    if not knees:
        return None
    t0 = window[0].t_s
    if profile.start_knee_deg is not None:
        target = profile.start_knee_deg
        worst = max(knees, key=lambda k: abs(k - target))
        if abs(worst - target) <= profile.knee_tolerance_deg:
            return None
        return Fault("tabletop_lost", t0, worst, say("fault.setup.tabletop", knee=target, value=worst), None, "deg")
    if profile.knee_straight_min_deg is not None:
        worst = min(knees)
        if worst >= profile.knee_straight_min_deg:
            return None
        return Fault("tabletop_lost", t0, worst, say("fault.setup.straight", value=worst), None, "deg")
    return None


def _median(values: Sequence[float]) -> float:
    """Median of the finite values, NaN when there are none."""
    finite = [v for v in values if math.isfinite(v)]
    return float(np.median(finite)) if finite else math.nan
