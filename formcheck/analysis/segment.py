"""Offline rep segmentation: the streaming rep machine over a whole series, each rep then
re-timed on the whole curve (which also sees the plateau after its end)."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Mapping

import numpy as np

from formcheck.analysis.rep import Rep
from formcheck.analysis.rep_machine import RepSegmenter, _nearest
from formcheck.analysis.rep_signals import hip_signal, timing_signal
from formcheck.analysis.rep_timing import rep_times
from formcheck.core.legs import Leg, RepLeg, legs_of
from formcheck.core.series import MeasureSeries
from formcheck.profiles import ExerciseProfile



def segment_reps(series: MeasureSeries, profile: ExerciseProfile,
                 baseline: Mapping[Leg, float] | None = None, heel_timed_leg: Leg | None = None,
                 sweep_deg: Mapping[RepLeg, np.ndarray] | None = None) -> list[Rep]:
    """Run the rep machine over a whole series; reps in order of start, indexed from 1.

    The machine's reps are refined again on the whole series, which also sees the plateau
    after each rep's end. Frame indices are rows of ``series``; ``heel_height_min_cm`` and
    ``depth_cm`` are measured between start and end (lowest heel of the moving leg(s)).

    ``heel_timed_leg`` (the far leg of a side view, None for none): its reps are timed on
    :func:`~formcheck.analysis.rep_signals.timing_signal` (its heel plus the near heel's
    deviation), not on its own angles, which stall while it hides behind the near leg.

    ``sweep_deg``: per channel, a smoothed angle (deg, rows of ``series``, growing as the leg
    lowers) that times its reps instead of the hip angle — the leg's sweep about the
    calibrated hip (:meth:`formcheck.measure.recorder.MeasureRecorder.leg_sweep_deg`). Ignored
    for the heel-timed leg.
    """
    if heel_timed_leg not in (None, "left", "right"):
        raise ValueError(f"heel_timed_leg must be 'left', 'right' or None, got {heel_timed_leg!r}")
    machine = RepSegmenter(profile, baseline)
    for row in zip(series.t_s.tolist(), series.heel_height_left_cm.tolist(), series.heel_height_right_cm.tolist(),
                   series.hip_angle_left_deg.tolist(), series.hip_angle_right_deg.tolist()):
        machine.update(*row)
    t_all = series.t_s
    out: list[Rep] = []
    for leg in profile.rep_legs:
        reps = sorted((r for r in machine.reps if r.leg == leg), key=lambda r: r.start_s)
        occluded = leg == heel_timed_leg
        signal = timing_signal(series, leg, heel_timed_leg)
        ok = np.isfinite(signal) & np.isfinite(t_all)
        if occluded:
            angle_all = np.full(len(t_all), np.nan)
        elif sweep_deg is not None and leg in sweep_deg:
            angle_all = np.asarray(sweep_deg[leg], dtype=np.float64)
        else:
            angle_all = hip_signal(series, leg)
        t, h, angle = t_all[ok], signal[ok], angle_all[ok]
        prev_end = -math.inf
        for k, rep in enumerate(reps):
            nxt = reps[k + 1].start_s if k + 1 < len(reps) else math.inf
            lo = int(np.searchsorted(t, max(prev_end, rep.start_s - profile.rep_history_s)))
            hi = int(np.searchsorted(t, min(nxt, rep.end_s + profile.rep_plateau_s), side="right"))
            core = np.flatnonzero((t[lo:hi] >= rep.start_s) & (t[lo:hi] <= rep.end_s))
            if len(core) == 0:
                out.append(rep)
                continue
            i_min = int(core[np.argmin(h[lo:hi][core])])
            base = rep.baseline_cm
            if occluded:  # the summed signal's tabletop: its level before the rep (as the machine's)
                pre = h[lo:hi][t[lo:hi] <= rep.start_s]
                base = float(np.percentile(pre, 90)) if len(pre) >= 3 else base
            start, bottom, end = rep_times(t[lo:hi], h[lo:hi], angle[lo:hi], i_min, base,
                                           rep.start_s, profile, prev_end)
            prev_end = end
            out.append(_measured(rep, series, start, bottom, end))
    out.sort(key=lambda r: r.start_s)
    return [replace(rep, index=k) for k, rep in enumerate(out, start=1)]


def _measured(rep: Rep, series: MeasureSeries, start: float, bottom: float, end: float) -> Rep:
    """``rep`` with new times, frame rows of ``series`` and its lowest heel between start and end."""
    t = series.t_s
    inside = (t >= start) & (t <= end)
    heel = np.vstack([series.heel_height_cm(leg)[inside] for leg in legs_of(rep.leg)])
    low = float(np.nanmin(heel)) if np.isfinite(heel).any() else rep.heel_height_min_cm
    return replace(rep, start_s=start, bottom_s=bottom, end_s=end, start_frame=_nearest(t, start),
                   bottom_frame=_nearest(t, bottom), end_frame=_nearest(t, end),
                   heel_height_min_cm=low, depth_cm=rep.baseline_cm - low)
