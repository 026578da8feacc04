"""The offline verdict: a whole session replayed through the streaming fault detector.

The reps are the session's fitted reps (their final times); the frames are the zero-phase
smoothed series. Events are replayed in time order with the frames, as the rep machine
would announce them live, so the report judges each rep with the same detector and rules
as the live banner.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from formcheck.analysis.fault import Fault
from formcheck.analysis.fault_detector import FaultDetector
from formcheck.analysis.rep import Rep
from formcheck.core.legs import Leg
from formcheck.core.series import MeasureSeries, series_rows
from formcheck.measure.view import ViewAssessment
from formcheck.profiles import ExerciseProfile


@dataclass(frozen=True)
class Verdict:
    """The faults of every rep (``faults[k]`` belong to ``reps[k]``) and of the start position."""

    faults: list[list[Fault]]
    setup_faults: list[Fault]


def judge_session(series: MeasureSeries, reps: Sequence[Rep], profile: ExerciseProfile,
                  view: ViewAssessment | None = None, far_leg: Leg | None = None,
                  judge_setup: bool = True) -> Verdict:
    """Replay ``series`` and ``reps`` through a :class:`FaultDetector`; the faults per rep and
    of the start position (``judge_setup=False``: not judged, e.g. without a calibration)."""
    detector = FaultDetector(profile, view, far_leg)
    # (time, order, kind, rep index): at equal times a start comes before the frame, an end after it
    events = sorted([(r.start_s, 0, "start", k) for k, r in enumerate(reps)]
                    + [(r.bottom_s, 1, "bottom", k) for k, r in enumerate(reps)]
                    + [(r.end_s, 2, "end", k) for k, r in enumerate(reps)])
    faults: list[list[Fault]] = [[] for _ in reps]
    pending = 0

    def fire(k: int, kind: str) -> None:
        rep = reps[k]
        if kind == "start":
            detector.rep_started(rep.leg, rep.start_s)
        elif kind == "bottom":
            detector.rep_bottomed(rep.leg, rep.bottom_s)
        else:
            faults[k] = detector.rep_ended(rep)[0]

    for row in series_rows(series):
        while pending < len(events) and (events[pending][0] < row.t_s or
                                         (events[pending][0] == row.t_s and events[pending][2] != "end")):
            fire(events[pending][3], events[pending][2])
            pending += 1
        detector.update(row)
    for _, _, kind, k in events[pending:]:
        fire(k, kind)
    if judge_setup:
        detector.finish()
    return Verdict(faults=faults, setup_faults=list(detector.setup_faults) if judge_setup else [])
