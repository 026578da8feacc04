"""The one fault engine: a streaming detector fed frame by frame, for live feedback and the report.

:class:`FaultDetector` is told each frame's measures (:meth:`~FaultDetector.update`) and
when reps start, reach the bottom and end (from the rep machine live, or from the session's
fitted reps offline). It says when a fault *begins* (:class:`FaultEvent`, for the live
banner and voice) and, when a rep ends, the rep's verdict: its faults, judged over the
rep's frames with its final times by the rules of :mod:`formcheck.analysis.fault_rules`.
The offline report replays the session through the same detector
(:func:`~formcheck.analysis.judge.judge_session`), so the banner and the report judge a rep
by the same code.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from formcheck.analysis.fault import Fault, FaultCode
from formcheck.analysis.fault_rules import (
    arching_fault, arching_holds, bounce_fault, cue_words, judged_knee_legs, knee_excess_deg, knee_fault,
    phase_fault, setup_fault, start_position_fault,
)
from formcheck.analysis.rep import Rep
from formcheck.core.legs import Leg, RepLeg, legs_of
from formcheck.core.series import MeasureRow
from formcheck.measure.view import ViewAssessment
from formcheck.profiles import ExerciseProfile

_STEP_WINDOW = 15  # frame intervals in the running median that measures a run's length
_ORDER: tuple[FaultCode, ...] = ("arching", "swinging", "tabletop_lost")


@dataclass(frozen=True)
class FaultEvent:
    """A fault that has just begun: its code, onset (s), when it was noticed (s), the rep
    channel (None for the start position before any rep) and the coach's short cue."""

    code: FaultCode
    t_s: float
    detected_s: float
    channel: RepLeg | None
    cue: str


class _Sustained:
    """A condition that must hold for ``min_s``: remembers where its current run began and
    the onset of the first run long enough."""

    def __init__(self, min_s: float) -> None:
        self.min_s = min_s
        self.since: MeasureRow | None = None
        self.onset: MeasureRow | None = None

    def feed(self, holds: bool, row: MeasureRow, step_s: float) -> bool:
        """Add a frame; True at the frame the first long-enough run is confirmed."""
        if not holds:
            self.since = None
            return False
        if self.since is None:
            self.since = row
        if self.onset is None and row.t_s - self.since.t_s + step_s >= self.min_s - 1e-9:
            self.onset = self.since
            return True
        return False

    @property
    def holding(self) -> bool:
        return self.since is not None and self.onset is not None


@dataclass
class _RepJudge:
    """What one rep's frames say so far: arching and knee runs, the largest values."""

    channel: RepLeg
    start_s: float
    profile: ExerciseProfile
    back_seen: bool
    knee_legs: tuple[Leg, ...]  # empty: this view does not judge the channel's angles
    arching: _Sustained = field(init=False)
    knees: dict[Leg, _Sustained] = field(init=False)
    max_lift_cm: float = -math.inf
    max_tilt_deg: float = -math.inf
    worst_knee: dict[Leg, tuple[float, float]] = field(default_factory=dict)  # leg → (excess, knee)

    def __post_init__(self) -> None:
        self.arching = _Sustained(self.profile.arching_min_s)
        self.knees = {leg: _Sustained(self.profile.knee_fault_min_s) for leg in self.knee_legs}

    def feed(self, row: MeasureRow, step_s: float) -> list[tuple[FaultCode, float]]:
        """Add one of the rep's frames; (code, onset s) of each condition sustained from here."""
        began: list[tuple[FaultCode, float]] = []
        lift = row.lumbar_lift_cm if self.back_seen else math.nan
        tilt = row.pelvic_tilt_deg if self.back_seen else math.nan
        if math.isfinite(lift):
            self.max_lift_cm = max(self.max_lift_cm, lift)
        if math.isfinite(tilt):
            self.max_tilt_deg = max(self.max_tilt_deg, tilt)
        if self.arching.feed(arching_holds(lift, tilt, self.profile), row, step_s):
            began.append(("arching", self.arching.onset.t_s if self.arching.onset else row.t_s))
        for leg, run in self.knees.items():
            knee = row.knee_angle_deg[leg]
            excess = knee_excess_deg(knee, self.profile)
            if excess is None:
                continue
            if math.isfinite(excess) and excess > self.worst_knee.get(leg, (-math.inf, math.nan))[0]:
                self.worst_knee[leg] = (excess, knee)
            if run.feed(math.isfinite(excess) and excess > 0, row, step_s):
                began.append(("tabletop_lost", run.onset.t_s if run.onset else row.t_s))
        return began

    def knee_onset(self) -> tuple[MeasureRow, Leg] | None:
        """The earliest sustained knee run (its first frame) and its leg."""
        found = [(run.onset, leg) for leg, run in self.knees.items() if run.onset is not None]
        return min(found, key=lambda item: item[0].t_s) if found else None

    def holding(self) -> set[FaultCode]:
        codes: set[FaultCode] = {"arching"} if self.arching.holding else set()
        if any(run.holding for run in self.knees.values()):
            codes.add("tabletop_lost")
        return codes


class FaultDetector:
    """Streaming fault detection for one session.

    Args:
        profile: the exercise profile (thresholds, times in seconds).
        view: the camera view; it decides which measures may raise faults (None: all).
        far_leg: the leg away from the camera, left out of the knee rule of a both-legs rep.
    """

    def __init__(self, profile: ExerciseProfile, view: ViewAssessment | None = None,
                 far_leg: Leg | None = None) -> None:
        self.profile = profile
        self.view = view
        self.far_leg = far_leg
        self.cues = cue_words(profile)
        self.setup_faults: list[Fault] = []
        self._rows: deque[MeasureRow] = deque()
        self._judges: dict[RepLeg, _RepJudge] = {}
        self._pending_start: dict[RepLeg, float] = {}  # channel → start time whose window is not complete
        self._cued: dict[RepLeg, set[FaultCode]] = {}
        self._setup_rows: list[MeasureRow] | None = []  # None once judged

    # -- frames --------------------------------------------------------------------------

    def update(self, row: MeasureRow) -> list[FaultEvent]:
        """Feed the newest frame; returns the faults that began at it."""
        if self._rows and row.t_s <= self._rows[-1].t_s:
            return []
        self._rows.append(row)
        self._trim(row.t_s)
        events = self._setup(row)
        step = self._step_s()
        for channel, judge in self._judges.items():
            events += self._events(channel, judge.feed(row, step), row.t_s)
        for channel, start_s in list(self._pending_start.items()):
            if row.t_s > start_s + self.profile.start_window_after_s:
                events += self._start_position(channel, start_s, row)
        return events

    def holding(self) -> set[FaultCode]:
        """Codes whose condition holds at the newest frame during a rep (banners stay up)."""
        codes: set[FaultCode] = set()
        for judge in self._judges.values():
            codes |= judge.holding()
        return codes

    # -- reps ----------------------------------------------------------------------------

    def rep_started(self, channel: RepLeg, start_s: float) -> list[FaultEvent]:
        """A rep of ``channel`` started at ``start_s`` (it may be noticed later: the frames
        since then are judged now)."""
        judge = self._new_judge(channel, start_s)
        self._judges[channel] = judge
        self._cued[channel] = set()
        self._pending_start[channel] = start_s
        events: list[FaultEvent] = []
        rows = [r for r in self._rows if r.t_s >= start_s]
        step = self._step_s()
        for row in rows:
            events += self._events(channel, judge.feed(row, step), rows[-1].t_s)
        if rows and rows[-1].t_s > start_s + self.profile.start_window_after_s:
            events += self._start_position(channel, start_s, rows[-1])
        return events

    def rep_bottomed(self, channel: RepLeg, bottom_s: float) -> list[FaultEvent]:
        """The rep of ``channel`` reached its lowest point: an early cue for a rushed lowering."""
        judge = self._judges.get(channel)
        if judge is None or bottom_s - judge.start_s >= self.profile.min_lower_s:
            return []
        now = self._rows[-1].t_s if self._rows else bottom_s
        return self._events(channel, [("swinging", bottom_s)], now)

    def rep_ended(self, rep: Rep) -> tuple[list[Fault], list[FaultEvent]]:
        """The rep is over, with its final times: its verdict, and the cues not given yet."""
        self._judges.pop(rep.leg, None)
        self._pending_start.pop(rep.leg, None)
        faults = self.verdict(rep)
        cued = self._cued.pop(rep.leg, set())
        now = self._rows[-1].t_s if self._rows else rep.end_s
        late = [FaultEvent(f.code, f.t_s, now, rep.leg, self.cues[f.code]) for f in faults if f.code not in cued]
        return faults, late

    def rep_cancelled(self, channel: RepLeg) -> None:
        """The rep of ``channel`` did not count (partial, or lost in a gap)."""
        self._judges.pop(channel, None)
        self._pending_start.pop(channel, None)
        self._cued.pop(channel, None)

    def verdict(self, rep: Rep) -> list[Fault]:
        """The faults of ``rep`` (at most one per code, in code order) from its frames."""
        rows = [r for r in self._rows if rep.start_s <= r.t_s <= rep.end_s]
        if not rows:
            return []
        judge = self._new_judge(rep.leg, rep.start_s)
        times = np.array([r.t_s for r in rows])
        step = float(np.median(np.diff(times))) if len(times) > 1 else 0.0
        for row in rows:
            judge.feed(row, step)
        found: dict[FaultCode, Fault | None] = {
            "arching": (arching_fault(judge.arching.onset, legs_of(rep.leg), _finite_or_nan(judge.max_lift_cm),
                                      _finite_or_nan(judge.max_tilt_deg))
                        if judge.arching.onset is not None else None),
            "swinging": phase_fault(rep, self.profile) or bounce_fault(rows, rep, self.profile),
            "tabletop_lost": self._tabletop(judge, rep),
        }
        return [fault for code in _ORDER if (fault := found[code]) is not None]

    def finish(self) -> list[FaultEvent]:
        """End of the session: judge a start position still waiting for its frames."""
        if self._setup_rows:
            return self._judge_setup(self._rows[-1].t_s)
        return []

    # -- internals -----------------------------------------------------------------------

    def _new_judge(self, channel: RepLeg, start_s: float) -> _RepJudge:
        view = self.view
        judged = view is None or view.judges_angles(channel)
        return _RepJudge(channel, start_s, self.profile, back_seen=view is None or view.trust.lumbar,
                         knee_legs=judged_knee_legs(channel, self.far_leg) if judged else ())

    def _tabletop(self, judge: _RepJudge, rep: Rep) -> Fault | None:
        if not judge.knee_legs:
            return None
        found = [self._start_fault(rep.leg, rep.start_s, judge.knee_legs)]
        onset = judge.knee_onset()
        if onset is not None:
            row, leg = onset
            found.append(knee_fault(row, judge.worst_knee[leg][1], judge.knee_legs, self.profile))
        known = [f for f in found if f is not None]
        return min(known, key=lambda f: f.t_s) if known else None

    def _start_fault(self, channel: RepLeg, start_s: float, legs: Sequence[Leg]) -> Fault | None:
        p = self.profile
        window = [r for r in self._rows
                  if start_s - p.start_window_before_s <= r.t_s <= start_s + p.start_window_after_s]
        return start_position_fault(window, start_s, legs, p)

    def _start_position(self, channel: RepLeg, start_s: float, now: MeasureRow) -> list[FaultEvent]:
        self._pending_start.pop(channel, None)
        judge = self._judges.get(channel)
        if judge is None or not judge.knee_legs:
            return []
        fault = self._start_fault(channel, start_s, judge.knee_legs)
        return self._events(channel, [("tabletop_lost", start_s)], now.t_s) if fault is not None else []

    def _setup(self, row: MeasureRow) -> list[FaultEvent]:
        if self._setup_rows is None:
            return []
        if any(math.isfinite(row.knee_angle_deg[leg]) for leg in ("left", "right")):
            if self._setup_rows and row.t_s > self._setup_rows[0].t_s + self.profile.setup_window_s:
                return self._judge_setup(row.t_s)
            self._setup_rows.append(row)
        return []

    def _judge_setup(self, now_s: float) -> list[FaultEvent]:
        rows, self._setup_rows = self._setup_rows or [], None
        if self.view is not None and not self.view.trust.angles:
            return []
        fault = setup_fault(rows, self.profile)
        if fault is None:
            return []
        self.setup_faults.append(fault)
        return [FaultEvent(fault.code, fault.t_s, now_s, None, self.cues[fault.code])]

    def _events(self, channel: RepLeg, began: Iterable[tuple[FaultCode, float]], now_s: float) -> list[FaultEvent]:
        """Cues for the faults that began on ``channel``'s rep, once per code and rep."""
        cued = self._cued.setdefault(channel, set())
        events = []
        for code, onset_s in began:
            if code not in cued:
                cued.add(code)
                events.append(FaultEvent(code, onset_s, now_s, channel, self.cues[code]))
        return events

    def _step_s(self) -> float:
        """The frame interval (s): median of the last few."""
        times = [r.t_s for r in list(self._rows)[-_STEP_WINDOW - 1:]]
        return float(np.median(np.diff(times))) if len(times) > 1 else 0.0

    def _trim(self, now_s: float) -> None:
        """Keep the frames a rep in progress (or the next start window) may still need."""
        p = self.profile
        keep_from = now_s - p.rep_history_s - p.start_window_before_s
        if self._judges:  # a rep's final start may come out earlier than its first estimate
            keep_from = min(keep_from, min(j.start_s for j in self._judges.values()) - p.rep_history_s)
        while self._rows and self._rows[0].t_s < keep_from:
            self._rows.popleft()


def _finite_or_nan(value: float) -> float:
    return value if math.isfinite(value) else math.nan
