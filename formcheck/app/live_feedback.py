"""Live feedback: the newest frame's measurements → what the overlay shows (no drawing).

:class:`LiveFeedback` is fed one processed frame at a time. It keeps

* the **set-up phase** (framing from :class:`FramingCheck`, then "hold tabletop still"
  while the recorder calibrates, then counting),
* causal One-Euro smoothing of every measure (:func:`formcheck.filters.live_smoothers`),
* a streaming :class:`~formcheck.reps.RepSegmenter` for per-leg reps and phases,
* fault banners raised the moment a fault happens, with the coach's cue words, judged
  with the thresholds of the exercise profile and the predicates of :mod:`formcheck.rules`.

The final report does not come from here: it is the same zero-phase analysis as
``formcheck analyze`` on everything recorded. This is what the person sees meanwhile.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Literal, Mapping

import numpy as np

from formcheck.measure.calibration import Calibration
from formcheck.measure.smoothing import OneEuroSmoother, live_smoothers
from formcheck.measure.geometry import leg_sweep_deg
from formcheck.core.pose import Pose
from formcheck.core.legs import LEGS
from formcheck.core.series import SIGNAL_COLUMNS
from formcheck.render.state import FaultBanner, LegState, OverlayState
from formcheck.analysis.session import far_leg
from formcheck.profiles import ExerciseProfile
from formcheck.analysis.rep import RepEvent
from formcheck.analysis.rep_machine import RepSegmenter
from formcheck.analysis.fault import FAULT_CODES
from formcheck.analysis.faults import arching_mask, channel_knee_deg, judged_knee_legs, knee_excess_deg
from formcheck.measure.view import BODY_LANDMARKS, ViewAssessment, classify_view

Stage = Literal["setup", "calibrating", "counting"]

BANNER_HOLD_S = 3.0  # a fault banner stays up this long after its condition last held
FRAMING_WINDOW_S = 0.5  # framing is judged on the poses of this last stretch
FRAME_MARGIN_FRAC = 0.01  # a landmark this close to the image edge counts as cut off
NO_PERSON = "no person found — lie down side-on to the camera, your whole body in view"
BODY_CUT_OFF = "move back (or move the camera away): your whole body must be in the frame"
HOLD_STILL = "hold tabletop still: hips and knees at 90°, lower back pressed into the mat"
READY = "ready — lower one heel slowly: 3 seconds down, 3 up"
PAUSED = "paused — press space to continue"


def cue_words(profile: ExerciseProfile) -> dict[str, str]:
    """The coach's words for each fault code, as the banner says them."""
    if profile.knee_target_deg is not None:
        knee = f"keep the {profile.knee_target_deg:.0f}° bend"
    else:
        knee = "keep the knees straight"
    return {
        "arching": "back lifting — stop here, that is your end range",
        "swinging": f"slow down: {profile.target_lower_s:.0f} seconds down, {profile.target_raise_s:.0f} up",
        "tabletop_lost": knee,
    }


@dataclass(frozen=True)
class LiveFault:
    """A fault that has just begun: code, frame time (s), the leg (or None) and the cue words."""

    code: str
    t_s: float
    leg: str | None
    message: str


class FramingCheck:
    """Is the person framed well enough to count? Judged on the last ``window_s`` of poses.

    ``update(pose)`` returns what to change ("turn the camera side-on", "move back"), or
    None when the framing is good. Reuses :func:`formcheck.view.classify_view` and its advice.
    """

    def __init__(self, window_s: float = FRAMING_WINDOW_S) -> None:
        self.window_s = window_s
        self._poses: deque[Pose] = deque()

    def reset(self) -> None:
        self._poses.clear()

    def update(self, pose: Pose) -> str | None:
        """Add the newest pose; the advice for the current framing (None: good)."""
        if not pose.detected:
            self._poses.clear()
            return NO_PERSON
        self._poses.append(pose)
        while self._poses[-1].t_s - self._poses[0].t_s > self.window_s:
            self._poses.popleft()
        if body_cut_off(pose):
            return BODY_CUT_OFF
        world = np.stack([p.world_m for p in self._poses])
        xy = np.stack([p.xy_px for p in self._poses])
        return classify_view(world, xy, pose.image_size).advice

    def body_in_view(self, pose: Pose) -> str | None:
        """Only the blocking part of the check (person found, whole body in frame)."""
        if not pose.detected:
            return NO_PERSON
        return BODY_CUT_OFF if body_cut_off(pose) else None


def body_cut_off(pose: Pose, margin_frac: float = FRAME_MARGIN_FRAC) -> bool:
    """True when a body landmark (head, shoulders, hips, knees, ankles, heels) is unknown or
    outside the image (MediaPipe extrapolates landmarks beyond the frame edges)."""
    width, height = pose.image_size
    points = pose.xy_px[list(BODY_LANDMARKS)]
    if not np.isfinite(points).all():
        return True
    margin_x, margin_y = margin_frac * width, margin_frac * height
    inside = ((points[:, 0] >= margin_x) & (points[:, 0] <= width - margin_x)
              & (points[:, 1] >= margin_y) & (points[:, 1] <= height - margin_y))
    return not bool(inside.all())


def _one_euro_filters() -> dict[str, OneEuroSmoother]:
    """Fresh causal One-Euro filters per measure (:func:`formcheck.filters.live_smoothers`)."""
    filters = live_smoothers()
    return {name: f for name, f in filters.items() if isinstance(f, OneEuroSmoother)}


@dataclass
class _LegProgress:
    """A rep channel as the overlay shows it."""

    reps: int = 0
    phase: Literal["idle", "lowering", "raising"] = "idle"
    phase_since_s: float = 0.0
    start_s: float = math.nan
    swinging_flagged: bool = False


class LiveFeedback:
    """Streaming state of a live session: ``update`` per processed frame, ``overlay`` to draw.

    Args:
        profile: the exercise profile (thresholds, legs together or not).
        banner_hold_s: how long a fault banner stays after its condition last held (s).
    """

    def __init__(self, profile: ExerciseProfile, banner_hold_s: float = BANNER_HOLD_S) -> None:
        self.profile = profile
        self.banner_hold_s = banner_hold_s
        self.cues = cue_words(profile)
        self.framing = FramingCheck()
        self.stage: Stage = "setup"
        self.setup_message: str | None = None
        self.paused = False
        self.legs: dict[str, _LegProgress] = {leg: _LegProgress() for leg in profile.rep_legs}
        self.smoothed: dict[str, float] = {name: math.nan for name in SIGNAL_COLUMNS}
        self.t_s = math.nan
        self._smoothers = _one_euro_filters()
        self._calibration: Calibration | None = None
        self._segmenter: RepSegmenter | None = None
        self._sweep_axes: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # hip, up, feet (px)
        self._sweep_filters: dict[str, OneEuroSmoother] = {}
        self.sweep_deg: dict[str, float] = {}  # smoothed sweep per timed leg (see geometry.leg_sweep_deg)
        self._trust: Mapping[str, bool] | None = None
        self._view: ViewAssessment | None = None
        self._occluded: str | None = None
        self._banners: dict[str, float] = {}  # code → shown until (s)
        self._since: dict[str, float] = {}  # condition key → when it began to hold (s)
        self._raised: set[str] = set()  # condition keys already reported in this episode

    # -- input ------------------------------------------------------------------------

    def restart(self) -> None:
        """Forget the calibration (the user asked to recalibrate); rep counts are kept."""
        self._calibration = None
        self._segmenter = None
        self._smoothers = _one_euro_filters()
        self.framing.reset()
        for leg in self.legs.values():
            leg.phase, leg.swinging_flagged = "idle", False
        self._since.clear()
        self._raised.clear()
        self.stage = "setup"

    def update(self, pose: Pose, measures: Mapping[str, float],
               calibration: Calibration | None, ready: bool = False) -> list[LiveFault]:
        """Feed the newest processed frame: its pose, its raw measures (``SIGNAL_COLUMNS``
        names → value, NaN unknown) and the recorder's active calibration (None while
        calibrating); ``ready``: the still tabletop has been held long enough to calibrate
        on (the calibrator takes it when the first movement begins, or once it spans ``max_still_s``). Returns the faults
        that began at this frame."""
        t = float(pose.t_s)
        self.t_s = t
        for name in SIGNAL_COLUMNS:
            self.smoothed[name] = self._smoothers[name].update(t, float(measures.get(name, math.nan)))
        if calibration is not self._calibration:
            self._calibrated(calibration)
        if calibration is None:
            advice = self.framing.update(pose)
            self.stage = "setup" if advice else "calibrating"
            self.setup_message = advice or (READY if ready else HOLD_STILL)
            return []
        self.stage = "counting"
        self.setup_message = self.framing.body_in_view(pose)
        self._update_sweeps(pose)
        return self._count(t)

    def _update_sweeps(self, pose: Pose) -> None:
        """Smoothed sweep of each timed leg about the calibrated hip (the offline timing signal)."""
        if self._sweep_axes is None:
            return
        for leg, smoother in self._sweep_filters.items():
            value = (float(leg_sweep_deg(pose.xy_px, leg, *self._sweep_axes))  # type: ignore[arg-type]
                     if pose.xy_px is not None else math.nan)
            self.sweep_deg[leg] = smoother.update(float(pose.t_s), value)

    def _calibrated(self, calibration: Calibration | None) -> None:
        self._calibration = calibration
        if calibration is None:
            self._segmenter = None
            return
        view = calibration.view
        self._occluded, timing_occluded = far_leg(view, self.profile)
        self._trust, self._view = dict(view.trust), view
        baseline = dict(calibration.heel_height_cm) if calibration.ok else None
        self._segmenter = RepSegmenter(self.profile, baseline, occluded_leg=timing_occluded)
        self.sweep_deg, self._sweep_filters, self._sweep_axes = {}, {}, None
        if not self.profile.legs_together:  # as pipeline.leg_sweeps: every leg but the far one
            axis = calibration.axis
            self._sweep_axes = (axis.hip_px, axis.up_px, axis.feet_px)
            # smoothed as the angles are
            self._sweep_filters = {leg: live_smoothers()["hip_angle_left_deg"] for leg in LEGS if leg != self._occluded}

    # -- counting and faults ----------------------------------------------------------

    def _count(self, t: float) -> list[LiveFault]:
        assert self._segmenter is not None
        s = self.smoothed
        angles = {leg: self.sweep_deg.get(leg, s[f"hip_angle_{leg}_deg"]) for leg in LEGS}
        events = self._segmenter.update(t, s["heel_height_left_cm"], s["heel_height_right_cm"],
                                        angles["left"], angles["right"])
        faults: list[LiveFault] = []
        for event in events:
            faults.extend(self._on_event(event, t))
        faults.extend(self._arching(t))
        faults.extend(self._knees(t))
        return faults

    def _on_event(self, event: RepEvent, t: float) -> list[LiveFault]:
        leg = self.legs[event.leg]
        p = self.profile
        if event.kind == "start":
            leg.phase, leg.phase_since_s, leg.start_s, leg.swinging_flagged = "lowering", event.t_s, event.t_s, False
            return []
        if event.kind == "bottom":
            leg.phase, leg.phase_since_s = "raising", event.t_s
            if event.t_s - leg.start_s < p.min_lower_s:
                return self._swinging(leg, event.leg, t)
            return []
        leg.phase, leg.phase_since_s = "idle", t
        if event.kind == "end" and event.rep is not None:
            leg.reps += 1
            rep = event.rep
            if rep.lower_s < p.min_lower_s or rep.raise_s < p.min_raise_s:
                return self._swinging(leg, event.leg, t)
        return []

    def _swinging(self, leg: _LegProgress, name: str, t: float) -> list[LiveFault]:
        self._banners["swinging"] = t + self.banner_hold_s
        if leg.swinging_flagged:
            return []
        leg.swinging_flagged = True
        return [LiveFault("swinging", t, name, self.cues["swinging"])]

    def _active_legs(self) -> list[str]:
        return [name for name, leg in self.legs.items() if leg.phase != "idle"]

    def _arching(self, t: float) -> list[LiveFault]:
        trust = self._trust or {}
        lift = self.smoothed["lumbar_lift_cm"] if trust.get("lumbar", True) else math.nan
        tilt = self.smoothed["pelvic_tilt_deg"] if trust.get("lumbar", True) else math.nan
        legs = self._active_legs()  # judged during reps, as the report's rules do
        holds = bool(legs) and bool(arching_mask(np.array([lift]), np.array([tilt]), self.profile)[0])
        return self._sustained("arching", "arching", holds, t, self.profile.arching_min_s,
                               legs[0] if len(legs) == 1 else None)

    def _knees(self, t: float) -> list[LiveFault]:
        faults: list[LiveFault] = []
        for name in self.legs:
            if self._view is not None and not self._view.judges_angles(name):
                continue  # as the report's rules: not judged from this view
            moving = self.legs[name].phase != "idle"
            legs = judged_knee_legs(name, self._occluded)
            knees = np.array([self.smoothed[f"knee_angle_{leg}_deg"] for leg in legs])
            excess = knee_excess_deg(knees, self.profile)
            holds = moving and excess is not None and bool(np.any(np.nan_to_num(excess, nan=0.0) > 0))
            faults += self._sustained("tabletop_lost", f"tabletop_lost:{name}", holds, t,
                                      self.profile.knee_fault_min_s, name)
        return faults

    def _sustained(self, code: str, key: str, holds: bool, t: float, min_s: float,
                   leg: str | None) -> list[LiveFault]:
        """Raise ``code`` once its condition has held ``min_s``; keep the banner while it holds."""
        if not holds:
            self._since.pop(key, None)
            self._raised.discard(key)
            return []
        since = self._since.setdefault(key, t)
        if t - since < min_s - 1e-9:
            return []
        self._banners[code] = t + self.banner_hold_s
        if key in self._raised:
            return []
        self._raised.add(key)
        return [LiveFault(code, t, leg, self.cues[code])]

    # -- output -----------------------------------------------------------------------

    def banners(self) -> tuple[FaultBanner, ...]:
        """Fault banners showing at the newest frame, in the order of the fault codes."""
        t = self.t_s
        return tuple(FaultBanner(code, self.cues[code]) for code in FAULT_CODES
                     if code in self._banners and t <= self._banners[code])

    def overlay(self, pose: Pose | None, fps: float | None = None,
                latency_ms: float | None = None) -> OverlayState:
        """What to draw on the newest frame."""
        p = self.profile
        legs = []
        for name, leg in self.legs.items():
            knees = {side: np.array(self.smoothed[f"knee_angle_{side}_deg"]) for side in LEGS}
            knee = float(channel_knee_deg(knees, name, self._occluded))
            counting = self.stage == "counting"
            phase = leg.phase if counting else "idle"
            elapsed = max(0.0, self.t_s - leg.phase_since_s) if phase != "idle" else 0.0
            legs.append(LegState(name, knee, leg.reps, phase, elapsed))
        message = PAUSED if self.paused else self.setup_message
        return OverlayState(
            pose=pose, legs=tuple(legs), knee_target_deg=p.knee_target_deg,
            knee_tolerance_deg=p.knee_tolerance_deg,
            lumbar_lift_cm=self.smoothed["lumbar_lift_cm"] if self.stage == "counting" else math.nan,
            arching_lift_cm=p.arching_lift_cm, tempo_target_s=p.target_lower_s,
            faults=self.banners() if self.stage == "counting" else (), setup_message=message,
            fps=fps, latency_ms=latency_ms)

    def heel_height_cm(self, leg: str) -> float:
        """The smoothed heel height of ``leg`` (cm, NaN unknown): what the rep machine follows."""
        return self.smoothed[f"heel_height_{leg}_cm"]
