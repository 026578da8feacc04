"""Two cameras of one session fused into one: each leg from the camera it faces.

From one side camera the far leg hides behind the near one in tabletop: its reps are timed
late and its knee angle is a guess. With a second camera on the other side, every leg faces
one of them. :func:`choose_sources` decides which camera measures what (per leg: the camera
that leg faces; the lumbar lift: the view that judges it best); :func:`fuse_sessions` builds
the fused series in the first camera's clock, takes each rep channel's reps from the camera
that times it (so a rep seen by both is counted once; reps of both legs together, which each
camera times on its near leg, get the mean of both cameras' times), and judges them once,
through the one fault engine (:func:`~formcheck.analysis.judge.judge_session`), on the fused
series.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np

from formcheck.analysis.judge import judge_session
from formcheck.analysis.rep import Rep
from formcheck.analysis.session import SessionResult
from formcheck.analysis.summary import end_range, summarize
from formcheck.core.legs import LEGS, Leg
from formcheck.core.series import MeasureSeries
from formcheck.measure.view import ViewAssessment, ViewTrust
from formcheck.profiles import ExerciseProfile
from formcheck.wording import say

_LEG_COLUMNS = ("knee_angle_{}_deg", "hip_angle_{}_deg", "heel_height_{}_cm", "heel_height_{}_frac")
_BACK_COLUMNS = ("lumbar_lift_cm", "pelvic_tilt_deg")
SAME_REP_WINDOW_S = 1.0  # two cameras' reps of both legs are one movement when their bottoms are this close


@dataclass(frozen=True)
class Sources:
    """Which camera (index into the cameras) measures what.

    Attributes:
        legs: per leg, the camera whose series gives its knee/hip angles and heel height and
            whose reps of that leg are kept.
        both: the camera whose reps of both legs together are kept (straight-leg raises).
        back: the camera whose lumbar lift and pelvic tilt are kept.
        covered: the legs that face the camera measuring them (not hidden behind the other leg).
    """

    legs: dict[Leg, int]
    both: int
    back: int
    covered: frozenset[Leg]


def _view_rank(view: ViewAssessment | None) -> tuple[int, float]:
    """Sort key, best first: a trusted side view, then oblique, then the rest; then the smaller yaw."""
    if view is None or not view.trust.heel_height:
        return (3, 0.0)
    order = {"side": 0, "oblique": 1}.get(view.view, 2)
    return (order, float(view.yaw_deg) if np.isfinite(view.yaw_deg) else 90.0)


def choose_sources(views: Sequence[ViewAssessment | None]) -> Sources:
    """Per leg the camera it faces (the better view when both or neither do); the lumbar lift
    from the best view that trusts it; both-legs reps from the best view."""
    ranked = sorted(range(len(views)), key=lambda k: _view_rank(views[k]))
    best = ranked[0]
    legs: dict[Leg, int] = {}
    covered = set()
    for leg in LEGS:
        facing = [k for k in ranked if views[k] is not None and views[k].near_side == leg
                  and views[k].trust.heel_height]
        legs[leg] = facing[0] if facing else best
        if facing:
            covered.add(leg)
    lumbar = [k for k in ranked if views[k] is not None and views[k].trust.lumbar]
    return Sources(legs=legs, both=best, back=lumbar[0] if lumbar else best, covered=frozenset(covered))


def resample(series: MeasureSeries, t_s: np.ndarray) -> MeasureSeries:
    """``series`` at the times ``t_s`` (same clock): linear between neighbouring frames, NaN
    where either neighbour is unknown or outside the series; ``detected`` from the nearest frame."""
    out = MeasureSeries.empty(t_s)
    src = series.t_s
    if len(src) < 2:
        return out
    inside = (t_s >= src[0]) & (t_s <= src[-1])
    upper = np.clip(np.searchsorted(src, t_s, side="right"), 1, len(src) - 1)
    lower = upper - 1
    weight = np.clip((t_s - src[lower]) / np.maximum(src[upper] - src[lower], 1e-12), 0.0, 1.0)
    for name, values in series.columns():
        if name == "t_s":
            continue
        if name == "detected":
            picked = np.where(weight < 0.5, values[lower], values[upper])
        else:
            picked = values[lower] * (1 - weight) + values[upper] * weight
        setattr(out, name, np.where(inside, picked, np.nan if name != "detected" else 0.0))
    return out


def shift_rep(rep: Rep, shift_s: float, t_s: np.ndarray) -> Rep:
    """``rep`` with its times moved by ``shift_s`` and its frames as rows of ``t_s``."""
    start, bottom, end = rep.start_s + shift_s, rep.bottom_s + shift_s, rep.end_s + shift_s
    return replace(rep, start_s=start, bottom_s=bottom, end_s=end, start_frame=_nearest(t_s, start),
                   bottom_frame=_nearest(t_s, bottom), end_frame=_nearest(t_s, end))


def mean_rep(rep: Rep, others: Sequence[Rep], t_s: np.ndarray, window_s: float = SAME_REP_WINDOW_S) -> Rep:
    """``rep`` with its start, bottom and end averaged with the other camera's rep of the same
    movement (bottom within ``window_s``), when there is one: two estimates of the same events."""
    same = [o for o in others if o.leg == rep.leg and abs(o.bottom_s - rep.bottom_s) <= window_s]
    if not same:
        return rep
    other = min(same, key=lambda o: abs(o.bottom_s - rep.bottom_s))
    start, bottom, end = ((getattr(rep, name) + getattr(other, name)) / 2 for name in ("start_s", "bottom_s", "end_s"))
    return replace(rep, start_s=start, bottom_s=bottom, end_s=end, start_frame=_nearest(t_s, start),
                   bottom_frame=_nearest(t_s, bottom), end_frame=_nearest(t_s, end))


def _nearest(t_s: np.ndarray, t: float) -> int:
    i = int(np.clip(np.searchsorted(t_s, t), 1, max(len(t_s) - 1, 1)))
    return i - 1 if len(t_s) < 2 or abs(t_s[i - 1] - t) <= abs(t_s[i] - t) else i


@dataclass(frozen=True)
class FusedSession:
    """The session as both cameras saw it, in the first camera's clock.

    ``session`` is what one camera's analysis gives (series, reps, faults, summary …, its
    ``calibration`` the first camera's); ``rep_cameras[k]`` the camera that timed ``reps[k]``.
    """

    session: SessionResult
    rep_cameras: list[int]
    sources: Sources
    offsets_s: list[float]  # per camera, t_first = t_camera + offset
    view: ViewAssessment | None  # what the fault engine judged by (:func:`fused_view`)


def fused_view(views: Sequence[ViewAssessment | None], sources: Sources) -> ViewAssessment | None:
    """The view the fault engine judges the fused series by: with every leg facing a camera, no
    far leg (angles trusted where any camera trusts them, the back by the lumbar camera); else
    the best camera's own view."""
    best = views[sources.both]
    if best is None or len(sources.covered) < len(LEGS):
        return best
    back = views[sources.back]
    trust = ViewTrust(angles=any(v is not None and v.trust.angles for v in views),
                      heel_height=any(v is not None and v.trust.heel_height for v in views),
                      lumbar=back is not None and back.trust.lumbar)
    return replace(best, view="side", near_side=None, toward=None, trust=trust, advice=None)


def fuse_sessions(sessions: Sequence[SessionResult], offsets_s: Sequence[float],
                  profile: ExerciseProfile) -> FusedSession:
    """Fuse cameras' sessions (each in its own clock; ``t_first = t_camera + offsets_s[k]``,
    ``offsets_s[0] == 0``) into one session on the first camera's frame times."""
    views = [s.calibration.view if s.calibration is not None else None for s in sessions]
    sources = choose_sources(views)
    t_s = sessions[0].series.t_s
    shifted = [resample(s.series, t_s - off) for s, off in zip(sessions, offsets_s)]
    series = replace(sessions[0].series, t_s=t_s)
    columns = {}
    for leg in LEGS:
        for pattern in _LEG_COLUMNS:
            columns[pattern.format(leg)] = getattr(shifted[sources.legs[leg]], pattern.format(leg))
    for name in _BACK_COLUMNS:
        columns[name] = getattr(shifted[sources.back], name)
    columns["detected"] = np.maximum.reduce([s.detected for s in shifted])
    series = replace(series, **columns)

    picked: list[tuple[Rep, int]] = []
    for channel in profile.rep_legs:
        camera = sources.both if channel == "both" else sources.legs[channel]
        reps_here = [shift_rep(rep, offsets_s[camera], t_s) for rep in sessions[camera].reps if rep.leg == channel]
        if channel == "both":  # both legs move together: each camera times its near leg, so both agree
            others = [shift_rep(rep, offsets_s[k], t_s) for k, session in enumerate(sessions) if k != camera
                      for rep in session.reps if rep.leg == channel]
            reps_here = [mean_rep(rep, others, t_s) for rep in reps_here]
        picked += [(rep, camera) for rep in reps_here]
    picked.sort(key=lambda item: item[0].start_s)
    reps = [replace(rep, index=k) for k, (rep, _) in enumerate(picked, start=1)]
    view = fused_view(views, sources)
    far_leg = None if len(sources.covered) == len(LEGS) or view is None else view.far_side
    first = sessions[0]
    verdict = judge_session(series, reps, profile, view, far_leg, judge_setup=first.calibration is not None)
    ranges = end_range(reps, verdict.faults, series)
    session = SessionResult(series=series, calibration=first.calibration, reps=reps, faults=verdict.faults,
                            setup_faults=verdict.setup_faults,
                            summary=summarize(reps, verdict.faults, profile, ranges, verdict.setup_faults),
                            end_range=ranges, warnings=fused_warnings(sessions, views, sources))
    return FusedSession(session=session, rep_cameras=[camera for _, camera in picked], sources=sources,
                        offsets_s=list(offsets_s), view=view)


def fused_warnings(sessions: Sequence[SessionResult], views: Sequence[ViewAssessment | None],
                   sources: Sources) -> list[str]:
    """Each camera's warnings, named by camera; the far-leg caveats dropped where the other camera
    faces that leg, and "the lower back cannot be judged" where the other camera judges it."""
    out: list[str] = []
    back = views[sources.back]
    back_judged = back is not None and back.trust.lumbar
    for k, (session, view) in enumerate(zip(sessions, views)):
        dropped = set()
        if view is not None and view.far_side is not None and view.far_side in sources.covered:
            dropped = {say("warn.far_leg", far=view.far_side, near=view.near_side),
                       say("warn.oblique_far_knee", leg=view.far_side)}
        if back_judged and k != sources.back:
            dropped.add(say("warn.no_lumbar"))
        out += [say("warn.camera_n", n=k + 1, warning=w) for w in session.warnings if w not in dropped]
    return out


def session_in_clock(fused: FusedSession, t_s: np.ndarray, offset_s: float) -> SessionResult:
    """The fused session seen in another camera's clock (``t_first = t + offset_s``) at its frame
    times ``t_s``: for drawing that camera's view of the fused reps and faults."""
    session = fused.session
    series = replace(resample(session.series, t_s + offset_s), t_s=np.asarray(t_s, dtype=np.float64))
    reps = [shift_rep(rep, -offset_s, series.t_s) for rep in session.reps]
    faults = [[replace(f, t_s=f.t_s - offset_s) for f in rep_faults] for rep_faults in session.faults]
    setup = [replace(f, t_s=f.t_s - offset_s) for f in session.setup_faults]
    calibration = session.calibration
    if calibration is not None and fused.view is not None:
        calibration = replace(calibration, view=fused.view)
    return replace(session, series=series, reps=reps, faults=faults, setup_faults=setup, calibration=calibration)
