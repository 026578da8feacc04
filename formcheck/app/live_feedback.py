"""Live feedback: the newest frame → what the overlay shows (no drawing here).

:class:`LiveFeedback` is fed one processed frame at a time. It keeps

* the **set-up phase** (framing from :class:`FramingCheck`, then "hold tabletop still"
  while the recorder calibrates, then counting),
* the streaming analysis (:class:`~formcheck.analysis.stream.StreamingAnalysis`: causal
  smoothing, the rep machine and the one fault detector the report also uses),
* fault banners, raised the moment a fault begins and kept while its condition holds.

The final report is the offline analysis of everything recorded (``formcheck analyze``'s);
this is what the person sees meanwhile.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Literal, Mapping

import numpy as np

from formcheck.analysis.fault import FAULT_CODES
from formcheck.analysis.fault_detector import FaultEvent
from formcheck.analysis.fault_rules import channel_knee_deg
from formcheck.analysis.stream import ChannelProgress, StreamingAnalysis
from formcheck.core.legs import LEGS, Leg, RepLeg
from formcheck.core.pose import Pose
from formcheck.core.series import SIGNAL_COLUMNS
from formcheck.measure.calibration import Calibration
from formcheck.measure.recorder import MeasureRecorder
from formcheck.measure.view import BODY_LANDMARKS, classify_view
from formcheck.profiles import ExerciseProfile
from formcheck.render.state import FaultBanner, LegState, OverlayState
from formcheck.wording import say

Stage = Literal["setup", "calibrating", "counting"]

FRAMING_WINDOW_S = 0.5  # framing is judged on the poses of this last stretch
FRAME_MARGIN_FRAC = 0.01  # a landmark this close to the image edge counts as cut off


class FramingCheck:
    """Is the person framed well enough to count? Judged on the last ``window_s`` of poses.

    ``update(pose)`` returns what to change ("turn the camera side-on", "move back"), or
    None when the framing is good. Reuses :func:`formcheck.measure.view.classify_view`.
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
            return say("setup.no_person")
        self._poses.append(pose)
        while self._poses[-1].t_s - self._poses[0].t_s > self.window_s:
            self._poses.popleft()
        if body_cut_off(pose):
            return say("setup.body_cut_off")
        world = np.stack([p.world_m for p in self._poses])
        xy = np.stack([p.xy_px for p in self._poses])
        return classify_view(world, xy, pose.image_size).advice

    def body_in_view(self, pose: Pose) -> str | None:
        """Only the blocking part of the check (person found, whole body in frame)."""
        if not pose.detected:
            return say("setup.no_person")
        return say("setup.body_cut_off") if body_cut_off(pose) else None


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


def process_frame(recorder: MeasureRecorder, feedback: LiveFeedback, pose: Pose, frame_index: int) -> list[FaultEvent]:
    """What live does with each processed frame: record it (the report at the end is the
    offline analysis of the recorder), then feed its raw measures to the feedback."""
    recorder.update(pose, frame_index)
    row = recorder.latest()
    measures = {name: float(getattr(row, name)[0]) for name in SIGNAL_COLUMNS}
    return feedback.update(pose, measures, recorder.active_calibration, recorder.calibrator.ready)


class LiveFeedback:
    """Streaming state of a live session: ``update`` per processed frame, ``overlay`` to draw."""

    def __init__(self, profile: ExerciseProfile) -> None:
        self.profile = profile
        self.analysis = StreamingAnalysis(profile)
        self.framing = FramingCheck()
        self.stage: Stage = "setup"
        self.setup_message: str | None = None
        self.paused = False
        self.t_s = math.nan
        self._banners: dict[str, float] = {}  # code → shown until (s)

    @property
    def legs(self) -> Mapping[RepLeg, ChannelProgress]:
        """Per rep channel: reps so far, phase and since when."""
        return self.analysis.channels

    @property
    def smoothed(self) -> Mapping[str, float]:
        return self.analysis.smoothed

    @property
    def sweep_deg(self) -> Mapping[Leg, float]:
        return self.analysis.sweep_deg

    def restart(self) -> None:
        """Forget the calibration (the user asked to recalibrate); rep counts are kept."""
        self.analysis.restart()
        self.framing.reset()
        self.stage = "setup"

    def update(self, pose: Pose, measures: Mapping[str, float], calibration: Calibration | None,
               ready: bool = False) -> list[FaultEvent]:
        """Feed the newest processed frame: its pose, its raw measures (``SIGNAL_COLUMNS`` names →
        value, NaN unknown) and the recorder's active calibration (None while calibrating);
        ``ready``: the still start posture has been held long enough to calibrate on. Returns
        the faults that began at this frame."""
        t = float(pose.t_s)
        self.t_s = t
        step = self.analysis.update(pose, measures, calibration)
        if calibration is None:
            advice = self.framing.update(pose)
            self.stage = "setup" if advice else "calibrating"
            down, up = self.profile.target_lower_s, self.profile.target_raise_s
            self.setup_message = advice or (say("setup.ready", down=down, up=up) if ready else say("setup.hold_still"))
            return []
        self.stage = "counting"
        self.setup_message = self.framing.body_in_view(pose)
        hold = self.profile.banner_live_s
        for event in step.faults:
            self._banners[event.code] = t + hold
        detector = self.analysis.detector
        for code in (detector.holding() if detector is not None else ()):
            self._banners[code] = t + hold
        return step.faults

    def banners(self) -> tuple[FaultBanner, ...]:
        """Fault banners showing at the newest frame, in the order of the fault codes."""
        cues = self.analysis.detector.cues if self.analysis.detector is not None else {}
        return tuple(FaultBanner(code, cues[code]) for code in FAULT_CODES
                     if code in cues and self.t_s <= self._banners.get(code, -math.inf))

    def overlay(self, pose: Pose | None, fps: float | None = None,
                latency_ms: float | None = None) -> OverlayState:
        """What to draw on the newest frame."""
        p = self.profile
        calibration = self.analysis.calibration
        view = calibration.view if calibration is not None else None
        # as the report and the annotated video: no value where this view does not judge it
        knees = {side: np.array(self.smoothed[f"knee_angle_{side}_deg"] if view is None or view.judges_angles(side)
                                else math.nan) for side in LEGS}
        counting = self.stage == "counting"
        back_seen = view is None or view.trust.lumbar
        legs = []
        for name, channel in self.analysis.channels.items():
            knee = float(channel_knee_deg(knees, name, self.analysis.legs.far))
            phase = channel.phase if counting else "idle"
            elapsed = max(0.0, self.t_s - channel.phase_since_s) if phase != "idle" else 0.0
            legs.append(LegState(name, knee, channel.reps, phase, elapsed))
        message = say("setup.paused") if self.paused else self.setup_message
        return OverlayState(
            pose=pose, legs=tuple(legs), knee_target_deg=p.knee_target_deg,
            knee_tolerance_deg=p.knee_tolerance_deg,
            lumbar_lift_cm=self.smoothed["lumbar_lift_cm"] if counting and back_seen else math.nan,
            arching_lift_cm=p.arching_lift_cm, tempo_target_s=p.target_lower_s,
            faults=self.banners() if counting else (), setup_message=message,
            fps=fps, latency_ms=latency_ms)

    def heel_height_cm(self, leg: str) -> float:
        """The smoothed heel height of ``leg`` (cm, NaN unknown): what the rep machine follows."""
        return self.smoothed[f"heel_height_{leg}_cm"]
