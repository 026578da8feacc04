"""Frame-by-frame analysis of a session, for live feedback: causal smoothing, the rep machine
and the fault detector, fed one processed frame at a time.

The same stages as the report (:mod:`formcheck.analysis.session`), in their streaming form:
One-Euro smoothing instead of zero-phase, the rep machine's own rep times instead of the
whole-session fit, and the same :class:`~formcheck.analysis.fault_detector.FaultDetector`
with the same rules. The report at the end of a live session is still the offline analysis
of everything recorded; this is what the person is told meanwhile.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Literal, Mapping

from formcheck.analysis.camera_legs import CameraLegs
from formcheck.analysis.fault import Fault
from formcheck.analysis.fault_detector import FaultDetector, FaultEvent
from formcheck.analysis.rep import Rep, RepEvent
from formcheck.analysis.rep_machine import RepSegmenter
from formcheck.core.legs import LEGS, Leg, RepLeg
from formcheck.core.pose import Pose
from formcheck.core.series import SIGNAL_COLUMNS, MeasureRow
from formcheck.measure.calibration import Calibration
from formcheck.measure.geometry import leg_sweep_deg
from formcheck.measure.smoothing import SWEEP, OneEuroSmoother, Smoother, live_smoothers
from formcheck.profiles import ExerciseProfile

Phase = Literal["idle", "lowering", "raising"]
_BEFORE_MAX_ROWS = 3000  # frames kept from before the first calibration (minutes at 15 fps)


@dataclass
class ChannelProgress:
    """A rep channel as it stands: reps finished, the current phase and since when (s)."""

    reps: int = 0
    phase: Phase = "idle"
    phase_since_s: float = 0.0


@dataclass
class StreamUpdate:
    """What one frame changed: the rep machine's events, faults that began, reps judged."""

    rep_events: list[RepEvent] = field(default_factory=list)
    faults: list[FaultEvent] = field(default_factory=list)
    judged: list[tuple[Rep, list[Fault]]] = field(default_factory=list)


class StreamingAnalysis:
    """``update`` per processed frame with its pose, raw measures and the active calibration."""

    def __init__(self, profile: ExerciseProfile) -> None:
        self.profile = profile
        self.channels: dict[RepLeg, ChannelProgress] = {leg: ChannelProgress() for leg in profile.rep_legs}
        self.smoothed: dict[str, float] = {name: math.nan for name in SIGNAL_COLUMNS}
        self.sweep_deg: dict[Leg, float] = {}  # smoothed sweep of each leg timed on it
        self.judged: list[tuple[Rep, list[Fault]]] = []  # every rep so far with its verdict
        self.legs = CameraLegs()
        self.calibration: Calibration | None = None
        self._smoothers = self._fresh_smoothers()
        self._sweep_smoothers: dict[Leg, OneEuroSmoother] = {}
        self._machine: RepSegmenter | None = None
        self.detector: FaultDetector | None = None
        # frames before the first calibration: replayed into the detector once it exists, so
        # the start position is judged on the same first seconds as the report judges it
        self._before: deque[MeasureRow] | None = deque(maxlen=_BEFORE_MAX_ROWS)

    def _fresh_smoothers(self) -> dict[str, OneEuroSmoother]:
        return {name: _one_euro(f) for name, f in live_smoothers().items()}

    def restart(self) -> None:
        """Forget the calibration and the smoothing (the user asked to recalibrate); counts stay."""
        self.calibration, self._machine, self.detector = None, None, None
        self._smoothers = self._fresh_smoothers()
        for channel in self.channels.values():
            channel.phase = "idle"

    def update(self, pose: Pose, measures: Mapping[str, float], calibration: Calibration | None) -> StreamUpdate:
        """Feed one frame: raw measures are ``SIGNAL_COLUMNS`` names → value (NaN unknown)."""
        t = float(pose.t_s)
        for name in SIGNAL_COLUMNS:
            self.smoothed[name] = self._smoothers[name].update(t, float(measures.get(name, math.nan)))
        row = MeasureRow.from_values(t, self.smoothed)
        if calibration is not self.calibration:
            self._calibrated(calibration)
        out = StreamUpdate()
        if self.detector is None:
            if self._before is not None:
                self._before.append(row)
            return out
        if self._before is not None:  # the first calibration: the frames before it first
            for early in self._before:
                out.faults += self.detector.update(early)
            self._before = None
        out.faults += self.detector.update(row)
        if self._machine is None:
            return out
        self._update_sweeps(pose)
        s = self.smoothed
        angles = {leg: self.sweep_deg.get(leg, s[f"hip_angle_{leg}_deg"]) for leg in LEGS}
        for event in self._machine.update(t, s["heel_height_left_cm"], s["heel_height_right_cm"],
                                          angles["left"], angles["right"]):
            out.rep_events.append(event)
            self._on_event(event, t, out)
        return out

    def _on_event(self, event: RepEvent, t: float, out: StreamUpdate) -> None:
        assert self.detector is not None
        channel = self.channels[event.leg]
        if event.kind == "start":
            channel.phase, channel.phase_since_s = "lowering", event.t_s
            out.faults += self.detector.rep_started(event.leg, event.t_s)
        elif event.kind == "bottom":
            channel.phase, channel.phase_since_s = "raising", event.t_s
            out.faults += self.detector.rep_bottomed(event.leg, event.t_s)
        elif event.kind == "end" and event.rep is not None:
            channel.phase, channel.phase_since_s = "idle", t
            channel.reps += 1
            faults, late = self.detector.rep_ended(event.rep)
            out.faults += late
            out.judged.append((event.rep, faults))
            self.judged.append((event.rep, faults))
        else:
            channel.phase, channel.phase_since_s = "idle", t
            self.detector.rep_cancelled(event.leg)

    def _calibrated(self, calibration: Calibration | None) -> None:
        self.calibration = calibration
        self._machine, self.detector, self._sweep_smoothers, self.sweep_deg = None, None, {}, {}
        if calibration is None:
            return
        view = calibration.view
        self.legs = CameraLegs.of(view, self.profile)
        self.detector = FaultDetector(self.profile, view, self.legs.far)
        if not view.trust.heel_height:
            return  # the heels cannot be seen above the floor from here: no reps are counted
        baseline = dict(calibration.heel_height_cm) if calibration.ok else None
        self._machine = RepSegmenter(self.profile, baseline, heel_timed_leg=self.legs.heel_timed)
        self._sweep_smoothers = {leg: _one_euro(live_smoothers()[SWEEP]) for leg in self.legs.timed_on_angles(self.profile)}

    def _update_sweeps(self, pose: Pose) -> None:
        """Smoothed sweep of each timed leg about the calibrated hip (the report's timing signal)."""
        if self.calibration is None:
            return
        axis = self.calibration.axis
        for leg, smoother in self._sweep_smoothers.items():
            value = float(leg_sweep_deg(pose.xy_px, leg, axis.hip_px, axis.up_px, axis.feet_px))
            self.sweep_deg[leg] = smoother.update(float(pose.t_s), value)


def _one_euro(smoother: Smoother) -> OneEuroSmoother:
    """The causal smoother live feedback updates frame by frame."""
    if not isinstance(smoother, OneEuroSmoother):
        raise TypeError(f"live smoothing needs One-Euro filters, got {smoother!r}")
    return smoother
