"""What the overlay shows at each frame of a finished session (logic only, no drawing)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from formcheck.analysis.fault import Fault, fault_key
from formcheck.analysis.fault_rules import channel_knee_deg
from formcheck.analysis.rep import Rep
from formcheck.analysis.session import SessionResult
from formcheck.core.legs import LEGS, Leg
from formcheck.core.pose import Pose
from formcheck.measure.recorder import MeasureRecorder
from formcheck.profiles import ExerciseProfile
from formcheck.render.state import FaultBanner, LegState, OverlayState, Phase



# Most important first when several banners show at once: the back is a safety cue.
_BANNER_ORDER = {"arching": 0, "tabletop_lost": 1, "swinging": 2}


@dataclass(frozen=True)
class FaultMoment:
    """A fault to show a still of: report.html key (``rep3-arching``, ``setup-tabletop_lost``)."""

    key: str
    code: str
    t_s: float
    message: str


def fault_moments(session: SessionResult) -> list[FaultMoment]:
    """Every fault of the session with a time, in time order, keyed as report.html keys its
    stills (:func:`~formcheck.analysis.fault.fault_key`)."""
    located: list[tuple[int | None, Fault]] = [(rep.index, fault) for rep, faults in zip(session.reps, session.faults)
                                               for fault in faults]
    located += [(None, fault) for fault in session.setup_faults]
    moments = [FaultMoment(fault_key(rep, fault.code), fault.code, float(fault.t_s), fault.message)
               for rep, fault in located]
    return sorted((m for m in moments if math.isfinite(m.t_s)), key=lambda m: m.t_s)


class OverlayTimeline:
    """What the overlay shows at each frame of a finished session (no drawing here).

    ``state_at(frame_index, t_s)`` uses the recorded row of that frame (or the latest row
    before it, when not every frame was analysed) for the landmarks and measures, and the
    frame's own time for reps, phases and banners.
    """

    def __init__(self, recorder: MeasureRecorder, session: SessionResult, profile: ExerciseProfile,
                 banner_s: float | None = None) -> None:
        self.profile = profile
        self.image_size = recorder.image_size or (0, 0)
        self._frame_index = recorder.frame_index
        self._xy_px = recorder.xy_px
        series = session.series
        calibration = session.calibration
        view = calibration.view if calibration is not None else None
        far_leg = view.far_side if view is not None else None
        knees: dict[Leg, np.ndarray] = {}
        for leg in LEGS:
            values = series.knee_angle_deg(leg).copy()
            # the rules do not judge a knee this view cannot see: the overlay does not show one
            if view is not None and not view.judges_angles(leg):
                values[:] = np.nan
            knees[leg] = values
        self._knee_deg = {channel: channel_knee_deg(knees, channel, far_leg) for channel in profile.rep_legs}
        self._lumbar_cm = (series.lumbar_lift_cm if view is None or view.trust.lumbar
                           else np.full(len(series), np.nan))
        self._reps: dict[str, list[Rep]] = {leg: sorted((r for r in session.reps if r.leg == leg),
                                                        key=lambda r: r.start_s)
                                            for leg in profile.rep_legs}
        hold_s = profile.banner_video_s if banner_s is None else banner_s
        self._banners = sorted((m.t_s, m.t_s + hold_s, _BANNER_ORDER.get(m.code, 9), m.code, m.message)
                               for m in fault_moments(session))

    def row_of(self, frame_index: int) -> int:
        """The recorded row of ``frame_index`` (or the latest before it); -1 before the first."""
        return int(np.searchsorted(self._frame_index, frame_index, side="right")) - 1

    def state_at(self, frame_index: int, t_s: float) -> OverlayState:
        """Everything to draw on the frame ``frame_index`` shown at ``t_s`` seconds."""
        row = self.row_of(frame_index)
        pose = None
        if row >= 0:
            pose = Pose(t_s=t_s, image_size=self.image_size, xy_px=self._xy_px[row])
        legs = tuple(self._leg_state(leg, row, t_s) for leg in self.profile.rep_legs)
        active = sorted((order, start, code, message) for start, end, order, code, message in self._banners
                        if start <= t_s < end)
        return OverlayState(
            pose=pose, legs=legs, knee_target_deg=self.profile.knee_target_deg,
            knee_tolerance_deg=self.profile.knee_tolerance_deg,
            lumbar_lift_cm=float(self._lumbar_cm[row]) if row >= 0 else math.nan,
            arching_lift_cm=self.profile.arching_lift_cm, tempo_target_s=self.profile.target_lower_s,
            faults=tuple(FaultBanner(code, message) for _, _, code, message in active))

    def _leg_state(self, leg: str, row: int, t_s: float) -> LegState:
        reps = self._reps.get(leg, [])
        finished = sum(1 for rep in reps if rep.end_s <= t_s)
        phase: Phase = "idle"
        elapsed_s = 0.0
        for rep in reps:
            if rep.start_s <= t_s < rep.bottom_s:
                phase, elapsed_s = "lowering", t_s - rep.start_s
            elif rep.bottom_s <= t_s < rep.end_s:
                phase, elapsed_s = "raising", t_s - rep.bottom_s
        knee = float(self._knee_deg[leg][row]) if row >= 0 and leg in self._knee_deg else math.nan
        return LegState(leg, knee_angle_deg=knee, reps=finished, phase=phase, phase_elapsed_s=elapsed_s)
