"""Scenario: turn a clip spec into joint-angle tracks and planned reps (pure numpy).

Angles are in the sagittal plane, in degrees:

* ``thigh_<leg>_deg``: thigh direction from the vertical, hip to knee, positive
  towards the feet (tabletop 0, thigh along the floor 90);
* ``knee_<leg>_deg``: interior knee angle (tabletop 90, straight 180);
* ``tilt_deg``: anterior pelvic tilt relative to the imprinted pose (arching > 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from formcheck.synth.motion import Track
from formcheck.synth.spec import ClipSpec, RepSpec

CHANNELS = ("thigh_left_deg", "thigh_right_deg", "knee_left_deg", "knee_right_deg", "tilt_deg")
TABLETOP_KNEE_DEG = 90.0
STRAIGHT_KNEE_DEG = 172.0


@dataclass(frozen=True)
class LegGeometry:
    """Sagittal leg geometry of the lying body, used to aim the lowest heel height."""

    hip_height_cm: float = 10.0
    thigh_cm: float = 42.0
    shank_cm: float = 42.0
    heel_back_cm: float = 5.0  # heel point behind the ankle, perpendicular to the shank

    def heel_height_cm(self, thigh_deg: float, knee_deg: float) -> float:
        """Heel height above the floor for a thigh angle and an interior knee angle."""
        th = math.radians(thigh_deg)
        ph = math.radians(thigh_deg + 180.0 - knee_deg)  # shank direction from vertical
        return (
            self.hip_height_cm
            + self.thigh_cm * math.cos(th)
            + self.shank_cm * math.cos(ph)
            - self.heel_back_cm * math.sin(ph)
        )

    def thigh_for_heel_deg(self, heel_cm: float, knee_deg: float) -> float:
        """Thigh angle (deg) that puts the heel at ``heel_cm`` (bisection, 0..110°)."""
        lo, hi = 0.0, 110.0
        if self.heel_height_cm(hi, knee_deg) > heel_cm:
            return hi
        if self.heel_height_cm(lo, knee_deg) < heel_cm:
            return lo
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            if self.heel_height_cm(mid, knee_deg) > heel_cm:
                lo = mid
            else:
                hi = mid
        return 0.5 * (lo + hi)


@dataclass(frozen=True)
class RepPlan:
    """A planned rep: times (s) of start, lowest point and end, and its faults."""

    index: int
    leg: str
    start_s: float
    bottom_s: float
    end_s: float
    faults: tuple[str, ...]

    @property
    def lower_s(self) -> float:
        return self.bottom_s - self.start_s

    @property
    def raise_s(self) -> float:
        return self.end_s - self.bottom_s


@dataclass
class Scenario:
    """Joint-angle tracks, the planned reps and the clip duration."""

    tracks: dict[str, Track]
    reps: list[RepPlan]
    duration_s: float
    setup_end_s: float | None = None  # not-tabletop start: time tabletop is reached
    sway: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)

    def sample(self, t_s: np.ndarray) -> dict[str, np.ndarray]:
        """Every channel at times ``t_s``, with a small natural sway (deg) added."""
        out = {}
        for name, track in self.tracks.items():
            v = track.sample(t_s)
            if name in self.sway:
                amp, freq, phase = self.sway[name]
                v = v + np.sum(amp[:, None] * np.sin(2 * np.pi * freq[:, None] * t_s[None] + phase[:, None]), axis=0)
            out[name] = v
        return out


def _legs(leg: str) -> tuple[str, ...]:
    return ("left", "right") if leg == "both" else (leg,)


def build_scenario(spec: ClipSpec, geom: LegGeometry = LegGeometry()) -> Scenario:
    """Plan every rep of ``spec`` and build the joint-angle tracks (deterministic from the seed)."""
    rng = np.random.default_rng(spec.seed)
    straight = spec.exercise == "straight-leg"
    rest_knee = STRAIGHT_KNEE_DEG if straight else TABLETOP_KNEE_DEG
    start_knee, start_thigh = rest_knee, 0.0
    if spec.start == "not_tabletop":
        start_knee, start_thigh = 132.0, 28.0
    tracks = {
        "thigh_left_deg": Track(start_thigh),
        "thigh_right_deg": Track(start_thigh),
        "knee_left_deg": Track(start_knee),
        "knee_right_deg": Track(start_knee),
        "tilt_deg": Track(0.0),
    }
    t = spec.calibration_s
    setup_end_s = None
    if spec.start == "not_tabletop":
        for side in ("left", "right"):
            tracks[f"thigh_{side}_deg"].hold_until(t).move(0.0, 1.4)
            tracks[f"knee_{side}_deg"].hold_until(t).move(rest_knee, 1.4)
        setup_end_s = t + 1.4
        t += 1.4 + 1.0
    reps: list[RepPlan] = []
    for i, rep in enumerate(spec.reps, start=1):
        t, plan = _plan_rep(i, rep, spec, geom, tracks, t, rest_knee, rng)
        reps.append(plan)
        t += float(rng.uniform(0.7, 1.1))  # rest in tabletop between reps
    duration_s = t - 0.7 + spec.end_hold_s
    sway = {
        name: (rng.uniform(0.3, 0.8, 2), rng.uniform(0.15, 0.45, 2), rng.uniform(0, 2 * np.pi, 2))
        for name in CHANNELS
        if name != "tilt_deg"
    }
    return Scenario(tracks, reps, duration_s, setup_end_s, sway)


def _plan_rep(
    index: int,
    rep: RepSpec,
    spec: ClipSpec,
    geom: LegGeometry,
    tracks: dict[str, Track],
    t0_s: float,
    rest_knee: float,
    rng: np.random.Generator,
) -> tuple[float, RepPlan]:
    """Append one rep to the tracks from time ``t0_s``; return its end time and plan."""
    swinging = "swinging" in rep.faults
    arching = "arching" in rep.faults
    lost = "tabletop_lost" in rep.faults
    lower_s = float(rng.uniform(0.9, 1.1)) if swinging else float(np.clip(rng.normal(3.0, 0.2), 2.6, 3.4))
    raise_s = float(rng.uniform(0.9, 1.1)) if swinging else float(np.clip(rng.normal(3.0, 0.2), 2.6, 3.4))
    pause_s = 0.0 if swinging else float(rng.uniform(0.15, 0.4))
    # knee angle at the lowest point
    if spec.exercise == "heel-tap":
        knee_bottom = rep.knee_bottom_deg if (lost and rep.knee_bottom_deg) else (140.0 if lost else 90.0 + rng.normal(0, 2.5))
        heel_cm = float(rng.uniform(3.0, 5.0) if arching else rng.uniform(6.0, 10.0))
    elif spec.exercise == "leg-extension":
        knee_bottom = float(rng.uniform(160.0, 168.0))
        heel_cm = float(rng.uniform(10.0, 15.0) if not arching else rng.uniform(6.0, 8.0))
    else:  # straight-leg
        knee_bottom = float(rng.uniform(170.0, 175.0))
        heel_cm = float(rng.uniform(14.0, 20.0) if not arching else rng.uniform(7.0, 10.0))
    thigh_bottom = geom.thigh_for_heel_deg(heel_cm, knee_bottom)
    profile = "cosine" if swinging else "minjerk"
    for side in _legs(rep.leg):
        th, kn = tracks[f"thigh_{side}_deg"], tracks[f"knee_{side}_deg"]
        th.hold_until(t0_s).move(thigh_bottom, lower_s, profile)
        kn.hold_until(t0_s).move(knee_bottom, lower_s, profile)
        if swinging:  # bounce: a quick rebound off the bottom before the raise
            th.move(thigh_bottom - 7.0, 0.15, "cosine").move(thigh_bottom - 1.0, 0.15, "cosine")
        else:
            th.hold(pause_s)
            kn.hold(pause_s)
        th.move(0.0, raise_s, profile)
        kn.hold_until(th.end_s - raise_s).move(rest_knee + rng.normal(0, 1.0), raise_s, profile)
    bottom_s = t0_s + lower_s
    end_s = tracks[f"thigh_{_legs(rep.leg)[0]}_deg"].end_s
    tilt = tracks["tilt_deg"]
    if arching:
        peak = float(rng.uniform(12.0, 16.0))
        tilt.hold_until(t0_s + 0.45 * lower_s).move(peak, 0.55 * lower_s + pause_s * 0.5)
        tilt.hold_until(bottom_s + pause_s).move(0.0, 0.6 * raise_s)
    for side in ("left", "right"):
        for ch in (f"thigh_{side}_deg", f"knee_{side}_deg"):
            tracks[ch].hold_until(end_s)
    tilt.hold_until(max(tilt.end_s, end_s))
    return end_s, RepPlan(index, rep.leg, t0_s, bottom_s, end_s, rep.faults)
