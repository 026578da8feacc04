"""Faults of each rep (arching, swinging, tabletop_lost).

Pure functions over a :class:`~formcheck.analysis.rep.Rep`, the (smoothed) measurement table
and an :class:`~formcheck.profiles.ExerciseProfile`. Each rule reports at most one
fault per code per rep: ``t_s`` is the **first** moment the fault holds (its onset, so
the report can say where the end range is) and ``value`` is the **worst** measured value
during the rep (cm of lumbar lift, s of the shortest phase, cm of bounce, degrees of knee).

* ``arching``: lumbar lift above ``arching_lift_cm``, or pelvic tilt above
  ``arching_tilt_deg`` confirmed by a lift above half that threshold (or with the lift
  unknown); both relative to the imprint baseline, held ≥ ``arching_min_s``.
  Measures the view classifier does not trust never raise it (nor ``tabletop_lost``
  untrusted joint angles).
* ``swinging``: lowering or raising shorter than ``min_lower_s`` / ``min_raise_s``, or a
  heel rebound of ≥ ``bounce_cm`` within 1 s after the bottom.
* ``tabletop_lost``: heel-tap: the moving knee outside ``knee_target_deg`` ±
  ``knee_tolerance_deg`` for ≥ ``knee_fault_min_s``; straight-leg: a knee below
  ``knee_straight_min_deg``; any profile with a start position: the knee (or hip) far
  from 90° when the rep starts. Leg extension straightens the knee on purpose: no knee
  rule during the rep.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np

from formcheck.analysis.fault import Fault
from formcheck.analysis.rep import Rep
from formcheck.analysis.rep_signals import rep_signal
from formcheck.core.series import MeasureSeries
from formcheck.measure.smoothing import finite_runs
from formcheck.profiles import ExerciseProfile

_BOUNCE_WINDOW_S = 1.0


_START_WINDOW_S = (-0.3, 0.1)  # around a rep's start: where its start position is read


_SETUP_WINDOW_S = 0.5


# trust keys that gate each measure (the view classifier says "lumbar" for the silhouette
# measures and "angles" for joint angles; tilt comes from the same silhouette as the lift)
_TRUST_KEYS = {
    "lumbar_lift_cm": ("lumbar_lift_cm", "lumbar"),
    "pelvic_tilt_deg": ("pelvic_tilt_deg", "tilt", "pelvic_tilt", "lumbar"),
    "angles": ("angles",),
}


def _legs(rep_leg: str) -> tuple[str, ...]:
    return ("left", "right") if rep_leg == "both" else (rep_leg,)


def judged_knee_legs(channel: str, occluded_leg: str | None = None) -> tuple[str, ...]:
    """The legs whose knees a rep channel is judged and shown by: its own leg; for ``both``,
    both legs but the occluded one (the far leg of a side view hides behind the near one)."""
    legs = _legs(channel)
    if len(legs) > 1 and occluded_leg in legs:
        return tuple(leg for leg in legs if leg != occluded_leg)
    return legs


def channel_knee_deg(knees: Mapping[str, np.ndarray], channel: str, occluded_leg: str | None = None) -> np.ndarray:
    """The knee angle (deg) shown for a rep channel: the mean of its judged legs' knees
    (:func:`judged_knee_legs`; NaN-tolerant, NaN where none is known)."""
    stacked = np.stack([np.asarray(knees[leg], dtype=np.float64) for leg in judged_knee_legs(channel, occluded_leg)])
    known = np.isfinite(stacked)
    with np.errstate(invalid="ignore"):
        return np.where(known, stacked, 0.0).sum(axis=0) / known.sum(axis=0)


def _trusted(trust: Mapping[str, bool] | None, column: str) -> bool:
    """Whether ``column`` may raise faults (missing keys and ``trust=None`` mean trusted)."""
    if trust is None:
        return True
    return all(bool(trust.get(key, True)) for key in _TRUST_KEYS[column])


def _sustained_onset(t: np.ndarray, mask: np.ndarray, min_s: float) -> int | None:
    """Index of the first sample of the first run of ``mask`` lasting ≥ ``min_s`` seconds.

    A run of frames a..b lasts ``t[b] − t[a]`` plus one frame interval.
    """
    if len(t) == 0:
        return None
    step = float(np.median(np.diff(t))) if len(t) > 1 else 0.0
    for a, b in finite_runs(mask):
        if t[b - 1] - t[a] + step >= min_s - 1e-9:
            return a
    return None


def _median(values: np.ndarray) -> float:
    """Median of the finite values, NaN when there are none."""
    ok = values[np.isfinite(values)]
    return float(np.median(ok)) if len(ok) else math.nan


def _heel_at(series: MeasureSeries, legs: Sequence[str], i: int) -> float | None:
    """Lowest heel of ``legs`` at frame ``i`` (cm)."""
    vals = [float(series.heel_height_cm(leg)[i]) for leg in legs]  # type: ignore[arg-type]
    vals = [v for v in vals if math.isfinite(v)]
    return min(vals) if vals else None


def hip_at(series: MeasureSeries, legs: Sequence[str], i: int) -> float | None:
    """Mean hip angle of ``legs`` at frame ``i`` (deg)."""
    vals = [float(series.hip_angle_deg(leg)[i]) for leg in legs]  # type: ignore[arg-type]
    vals = [v for v in vals if math.isfinite(v)]
    return sum(vals) / len(vals) if vals else None


def evaluate_rep(rep: Rep, series: MeasureSeries, profile: ExerciseProfile,
                 trust: Mapping[str, bool] | None = None, occluded_leg: str | None = None) -> list[Fault]:
    """Faults of one rep (at most one per code, in the order arching, swinging, tabletop_lost).

    ``trust`` says whether the view lets a measure raise faults: ``lumbar`` (lumbar lift and
    pelvic tilt, both from the silhouette; or separately ``lumbar_lift_cm`` /
    ``pelvic_tilt_deg``) and ``angles`` (knee and hip: ``tabletop_lost``). Missing keys and
    ``trust=None`` mean trusted. ``occluded_leg`` (the far leg of a side view) is left out of
    the knee rule of a rep that moves both legs: hidden behind the near leg, its knee reads
    tens of degrees off, and the legs move together anyway.
    """
    idx = np.flatnonzero((series.t_s >= rep.start_s) & (series.t_s <= rep.end_s))
    if len(idx) == 0:
        return []
    faults = [_arching(rep, series, profile, idx, trust), _swinging(rep, series, profile),
              _tabletop(rep, series, profile, idx, occluded_leg) if _trusted(trust, "angles") else None]
    return [f for f in faults if f is not None]


def arching_mask(lift_cm: np.ndarray, tilt_deg: np.ndarray, profile: ExerciseProfile) -> np.ndarray:
    """Per frame, whether the back counts as arching: lumbar lift (cm) above
    ``arching_lift_cm``, or pelvic tilt (deg) above ``arching_tilt_deg`` while the lift agrees
    (above half its threshold) or is unknown (NaN). Duration is not judged here."""
    lift, tilt = np.asarray(lift_cm, dtype=np.float64), np.asarray(tilt_deg, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        by_lift = lift > profile.arching_lift_cm
        by_tilt = (tilt > profile.arching_tilt_deg) & (~np.isfinite(lift) | (lift > 0.5 * profile.arching_lift_cm))
    return by_lift | by_tilt


def knee_excess_deg(knee_deg: np.ndarray, profile: ExerciseProfile) -> np.ndarray | None:
    """How far (deg) each knee angle is beyond the profile's range during a rep: > 0 is out
    of range (``tabletop_lost``), NaN unknown; None when the profile has no knee rule."""
    knee = np.asarray(knee_deg, dtype=np.float64)
    if profile.knee_target_deg is not None:
        return np.abs(knee - profile.knee_target_deg) - profile.knee_tolerance_deg
    if profile.knee_straight_min_deg is not None:
        return profile.knee_straight_min_deg - knee
    return None


def _arching(rep: Rep, series: MeasureSeries, profile: ExerciseProfile, idx: np.ndarray,
             trust: Mapping[str, bool] | None) -> Fault | None:
    """Lumbar lift above its threshold; or pelvic tilt above its threshold while the lift
    agrees (above half its threshold) or is unknown; held ≥ ``arching_min_s``."""
    t = series.t_s[idx]
    nan = np.full(len(idx), np.nan)
    lift = series.lumbar_lift_cm[idx] if _trusted(trust, "lumbar_lift_cm") else nan
    tilt = series.pelvic_tilt_deg[idx] if _trusted(trust, "pelvic_tilt_deg") else nan
    lift_known = np.isfinite(lift)
    k = _sustained_onset(t, arching_mask(lift, tilt, profile), profile.arching_min_s)
    if k is None:
        return None
    i = int(idx[k])
    legs = _legs(rep.leg)
    heel = _heel_at(series, legs, i)
    if lift_known.any():
        value, unit = float(np.nanmax(lift)), "cm"
        what = f"your lower back lifted {value:.1f} cm"
    else:
        value, unit = float(np.nanmax(tilt)), "deg"
        what = f"your pelvis tilted {value:.0f}°"
    where = f" when the heel was {heel:.0f} cm above the floor" if heel is not None else ""
    message = f"back lifting — stop here, that is your end range ({what}{where})"
    return Fault("arching", float(series.t_s[i]), value, message, heel, unit, hip_at(series, legs, i))


def _swinging(rep: Rep, series: MeasureSeries, profile: ExerciseProfile) -> Fault | None:
    lower, raise_ = rep.lower_s, rep.raise_s
    target = f"{profile.target_lower_s:.0f} seconds down, {profile.target_raise_s:.0f} up"
    if lower < profile.min_lower_s or raise_ < profile.min_raise_s:
        fast = "lowered" if lower <= raise_ else "raised"
        value = min(lower, raise_)
        message = f"slow down: {target} (you {fast} the leg in {value:.1f} s)"
        return Fault("swinging", rep.bottom_s, value, message, rep.heel_height_min_cm, "s")
    bounce = _bounce(rep, series)
    if bounce is not None and bounce[1] >= profile.bounce_cm:
        i, size = bounce
        message = f"no bouncing at the bottom: pause, then raise under control ({target})"
        return Fault("swinging", float(series.t_s[i]), size, message, _heel_at(series, _legs(rep.leg), i), "cm")
    return None


def _bounce(rep: Rep, series: MeasureSeries) -> tuple[int, float] | None:
    """(frame, cm) of the biggest heel drop after a rise within 1 s after the bottom."""
    t = series.t_s
    idx = np.flatnonzero((t >= rep.bottom_s) & (t <= min(rep.end_s, rep.bottom_s + _BOUNCE_WINDOW_S)))
    h = rep_signal(series, rep.leg)[idx]
    ok = np.isfinite(h)
    if ok.sum() < 3:
        return None
    idx, h = idx[ok], h[ok]
    peak = np.maximum.accumulate(h)
    drop = peak - h
    k = int(np.argmax(drop))
    if drop[k] <= 0:
        return None
    top = int(np.flatnonzero(h[: k + 1] == peak[k])[0])
    return int(idx[top]), float(drop[k])


def _tabletop(rep: Rep, series: MeasureSeries, profile: ExerciseProfile, idx: np.ndarray,
             occluded_leg: str | None = None) -> Fault | None:
    legs = judged_knee_legs(rep.leg, occluded_leg)
    found = [f for f in (_start_position(rep, series, profile, legs), _knee_rule(series, profile, idx, legs))
             if f is not None]
    return min(found, key=lambda f: f.t_s) if found else None


def _knee_rule(series: MeasureSeries, profile: ExerciseProfile, idx: np.ndarray,
               legs: Sequence[str]) -> Fault | None:
    """The knee of a moving leg outside its range during the rep."""
    t = series.t_s[idx]
    best: tuple[int, float] | None = None
    for leg in legs:
        knee = series.knee_angle_deg(leg)[idx]  # type: ignore[arg-type]
        dev = knee_excess_deg(knee, profile)
        if dev is None:
            return None
        bad = np.nan_to_num(dev, nan=0.0) > 0
        k = _sustained_onset(t, bad, profile.knee_fault_min_s)
        if k is None:
            continue
        worst = float(knee[int(np.nanargmax(dev))])
        if best is None or k < best[0]:
            best = (k, worst)
    if best is None:
        return None
    k, worst = best
    i = int(idx[k])
    if profile.knee_target_deg is not None:
        how = "opened" if worst > profile.knee_target_deg else "closed"
        message = f"keep the {profile.knee_target_deg:.0f}° bend: the knee {how} to {worst:.0f}°"
    else:
        message = f"keep the knees straight: one bent to {worst:.0f}°"
    return Fault("tabletop_lost", float(series.t_s[i]), worst, message, _heel_at(series, legs, i), "deg")


def _start_position(rep: Rep, series: MeasureSeries, profile: ExerciseProfile,
                    legs: Sequence[str]) -> Fault | None:
    """Knee or hip far from the tabletop when the rep starts."""
    t = series.t_s
    window = (t >= rep.start_s + _START_WINDOW_S[0]) & (t <= rep.start_s + _START_WINDOW_S[1])
    if not window.any():
        return None
    i = int(np.flatnonzero(window)[0])
    for leg in legs:
        knee = _median(series.knee_angle_deg(leg)[window])  # type: ignore[arg-type]
        if profile.start_knee_deg is not None and abs(knee - profile.start_knee_deg) > profile.knee_tolerance_deg:
            return Fault("tabletop_lost", rep.start_s, knee,
                         f"start from tabletop: knees at {profile.start_knee_deg:.0f}° (yours {knee:.0f}°)",
                         _heel_at(series, legs, i), "deg")
        hip = _median(series.hip_angle_deg(leg)[window])  # type: ignore[arg-type]
        if abs(hip - 90.0) > profile.start_hip_tolerance_deg:
            return Fault("tabletop_lost", rep.start_s, hip,
                         f"start from tabletop: hips at 90°, thighs vertical (yours {hip:.0f}°)",
                         _heel_at(series, legs, i), "deg", hip)
    return None


def evaluate_setup(series: MeasureSeries, profile: ExerciseProfile, window_s: float = _SETUP_WINDOW_S) -> list[Fault]:
    """A ``tabletop_lost`` fault when the first ``window_s`` seconds with knees seen are not the start position.

    Heel-tap and leg-extension start in tabletop (knees at ``start_knee_deg`` ±
    ``knee_tolerance_deg``); straight-leg starts with the knees straight.
    """
    both = np.isfinite(series.knee_angle_left_deg) | np.isfinite(series.knee_angle_right_deg)
    if not both.any():
        return []
    t0 = float(series.t_s[np.flatnonzero(both)[0]])
    window = both & (series.t_s <= t0 + window_s)
    knees = [float(np.nanmedian(series.knee_angle_deg(leg)[window])) for leg in ("left", "right")
             if np.isfinite(series.knee_angle_deg(leg)[window]).any()]
    if profile.start_knee_deg is not None:
        worst = max(knees, key=lambda k: abs(k - profile.start_knee_deg))  # type: ignore[operator]
        if abs(worst - profile.start_knee_deg) <= profile.knee_tolerance_deg:
            return []
        message = f"start position is not tabletop: bend hips and knees to {profile.start_knee_deg:.0f}° (knee at {worst:.0f}°)"
    elif profile.knee_straight_min_deg is not None:
        worst = min(knees)
        if worst >= profile.knee_straight_min_deg:
            return []
        message = f"start with both legs straight up (knee at {worst:.0f}°)"
    else:
        return []
    return [Fault("tabletop_lost", t0, worst, message, None, "deg")]
