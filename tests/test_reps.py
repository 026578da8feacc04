"""Rep machine on synthetic heel-height curves with known start / bottom / end times."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formcheck.measure.smoothing import ZeroPhaseSmoother, smooth_series
from formcheck.core.series import MeasureSeries
from formcheck.profiles import get_profile
from formcheck.analysis.rep import Rep
from formcheck.analysis.rep_machine import RepSegmenter
from formcheck.analysis.segment import segment_reps

TOP_CM = 45.0
TOL_S = 0.15


@dataclass(frozen=True)
class Planned:
    """A synthetic rep: leg, start (s), lowering (s), bottom hold (s), raise (s), lowest heel (cm)."""

    leg: str
    start_s: float
    lower_s: float = 3.0
    hold_s: float = 0.3
    raise_s: float = 3.0
    bottom_cm: float = 5.0
    shape: str = "minjerk"

    @property
    def bottom_s(self) -> float:
        return self.start_s + self.lower_s

    @property
    def end_s(self) -> float:
        return self.start_s + self.lower_s + self.hold_s + self.raise_s


def _shape(name: str, u: np.ndarray) -> np.ndarray:
    u = np.clip(u, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * u) if name == "cosine" else u**3 * (10 - 15 * u + 6 * u**2)


def heel_curve(t: np.ndarray, reps: list[Planned], leg: str, top: float = TOP_CM) -> np.ndarray:
    """Heel height (cm) of one leg: tabletop plateau, then each rep's lowering, hold, raise."""
    h = np.full(len(t), top)
    for r in reps:
        if r.leg not in (leg, "both"):
            continue
        depth = top - r.bottom_cm
        down = (t >= r.start_s) & (t < r.bottom_s)
        h[down] = top - depth * _shape(r.shape, (t[down] - r.start_s) / r.lower_s)
        hold = (t >= r.bottom_s) & (t < r.bottom_s + r.hold_s)
        h[hold] = r.bottom_cm
        up = (t >= r.bottom_s + r.hold_s) & (t < r.end_s)
        h[up] = r.bottom_cm + depth * _shape(r.shape, (t[up] - r.bottom_s - r.hold_s) / r.raise_s)
    return h


def make_series(reps: list[Planned], seconds: float, fps: float = 30.0, noise_cm: float = 0.0,
                seed: int = 0, top: float = TOP_CM) -> MeasureSeries:
    t = np.arange(int(round(seconds * fps))) / fps
    rng = np.random.default_rng(seed)
    series = MeasureSeries.empty(t)
    series.detected[:] = 1.0
    for leg in ("left", "right"):
        series.heel_height_cm(leg)[:] = heel_curve(t, reps, leg, top) + rng.normal(0, noise_cm, len(t))
        series.knee_angle_deg(leg)[:] = 90.0
        series.hip_angle_deg(leg)[:] = 90.0
    return series


def assert_matches(found: list[Rep], planned: list[Planned], tol_s: float = TOL_S, depth_tol_cm: float = 1.0) -> None:
    assert len(found) == len(planned), [(r.leg, round(r.start_s, 2)) for r in found]
    for k, (rep, plan) in enumerate(zip(found, sorted(planned, key=lambda p: p.start_s)), start=1):
        assert rep.index == k
        assert rep.leg == plan.leg
        assert rep.start_s == pytest.approx(plan.start_s, abs=tol_s)
        assert rep.bottom_s == pytest.approx(plan.bottom_s, abs=tol_s)
        assert rep.end_s == pytest.approx(plan.end_s, abs=tol_s)
        assert rep.lower_s == pytest.approx(rep.bottom_s - rep.start_s)
        assert rep.raise_s == pytest.approx(rep.end_s - rep.bottom_s)
        assert rep.depth_cm == pytest.approx(TOP_CM - plan.bottom_cm, abs=depth_tol_cm)


ALTERNATING = [Planned("left", 2.0), Planned("right", 9.5, hold_s=0.2, raise_s=3.2),
               Planned("left", 17.0, lower_s=2.8, hold_s=0.4), Planned("right", 24.5, bottom_cm=8.0)]


@pytest.mark.parametrize("fps", [25.0, 30000 / 1001, 30.0])
@pytest.mark.parametrize(("shape", "tol_s"), [("minjerk", TOL_S), ("cosine", 0.4)])
def test_alternating_legs_times_within_tolerance(fps: float, shape: str, tol_s: float) -> None:
    """Times within 0.15 s for minimum-jerk movements (the fit's profile). A cosine-shaped
    movement starts and stops more abruptly; the minimum-jerk fit widens it by 0.087 × its
    duration at each end (0.26–0.28 s for these 2.8–3.2 s phases), plus noise."""
    planned = [Planned(p.leg, p.start_s, p.lower_s, p.hold_s, p.raise_s, p.bottom_cm, shape) for p in ALTERNATING]
    series = smooth_series(make_series(planned, 33.0, fps, noise_cm=0.3, seed=int(fps)))
    reps = segment_reps(series, get_profile("heel-tap"))
    assert_matches(reps, planned, tol_s=tol_s)
    for rep in reps:
        assert series.t_s[rep.start_frame] == pytest.approx(rep.start_s, abs=0.5 / fps + 1e-9)
        assert series.t_s[rep.end_frame] == pytest.approx(rep.end_s, abs=0.5 / fps + 1e-9)


def test_noise_without_smoothing_and_known_baseline() -> None:
    planned = ALTERNATING
    series = make_series(planned, 33.0, 30.0, noise_cm=0.8, seed=5)
    reps = segment_reps(series, get_profile("heel-tap"), baseline={"left": 45.0, "right": 45.0})
    assert_matches(reps, planned, tol_s=0.3, depth_tol_cm=3.0)  # raw noise: the minimum is biased low


def test_one_leg_set_with_pauses_and_other_leg_still() -> None:
    planned = [Planned("right", 2.0), Planned("right", 10.0), Planned("right", 20.0, lower_s=3.4, raise_s=2.7)]
    series = make_series(planned, 28.0, noise_cm=0.2)
    reps = segment_reps(smooth_series(series), get_profile("heel-tap"))
    assert_matches(reps, planned)


def test_partial_reps_ignored() -> None:
    planned = [Planned("left", 2.0), Planned("right", 9.5, bottom_cm=35.0), Planned("left", 15.0),
               Planned("right", 22.0, bottom_cm=30.0)]  # 10 and 15 cm deep: partial
    series = smooth_series(make_series(planned, 30.0, noise_cm=0.2))
    reps = segment_reps(series, get_profile("heel-tap"))
    assert_matches(reps, [planned[0], planned[2]])


def test_swinging_reps_timed() -> None:
    planned = [Planned("left", 2.0, 1.0, 0.0, 1.0, shape="cosine"), Planned("right", 5.0, 1.0, 0.0, 1.1, shape="cosine")]
    series = smooth_series(make_series(planned, 9.0, noise_cm=0.2))
    reps = segment_reps(series, get_profile("heel-tap"))
    assert_matches(reps, planned, tol_s=0.1)
    assert all(r.lower_s < 1.5 for r in reps)


def test_straight_leg_both_legs_counted_once() -> None:
    top = 90.0
    planned = [Planned("both", 2.0, bottom_cm=18.0), Planned("both", 10.0, bottom_cm=15.0)]
    series = make_series(planned, 17.0, noise_cm=0.3, top=top)
    series.heel_height_right_cm[:] += 1.0  # the two heels are never exactly level
    reps = segment_reps(smooth_series(series), get_profile("straight-leg"))
    assert [r.leg for r in reps] == ["both", "both"]
    for rep, plan in zip(reps, planned):
        assert rep.start_s == pytest.approx(plan.start_s, abs=TOL_S)
        assert rep.bottom_s == pytest.approx(plan.bottom_s, abs=TOL_S)
        assert rep.end_s == pytest.approx(plan.end_s, abs=TOL_S)
        assert rep.heel_height_min_cm == pytest.approx(plan.bottom_cm, abs=0.5)
    # the heel-tap profile sees the same movement as one rep per leg
    assert sorted(r.leg for r in segment_reps(smooth_series(series), get_profile("heel-tap"))) == [
        "left", "left", "right", "right"]


def test_streaming_events_frame_by_frame() -> None:
    planned = [Planned("left", 2.0), Planned("right", 9.5)]
    series = make_series(planned, 16.0)
    machine = RepSegmenter(get_profile("heel-tap"), {"left": TOP_CM, "right": TOP_CM})
    events = []
    for i, t in enumerate(series.t_s):
        for event in machine.update(t, series.heel_height_left_cm[i], series.heel_height_right_cm[i]):
            events.append((i, event))
    kinds = [(e.leg, e.kind) for _, e in events]
    assert kinds == [("left", "start"), ("left", "bottom"), ("left", "end"),
                     ("right", "start"), ("right", "bottom"), ("right", "end")]
    for i, event in events:
        assert event.detected_s == series.t_s[i]  # reported on the frame that caused it
        assert event.t_s <= event.detected_s + 1.0
    starts = [(i, e) for i, e in events if e.kind == "start"]
    # start fires on the first frame where the heel is 20 % of 45 cm (9 cm) below tabletop
    for (i, e), plan in zip(starts, planned):
        h = series.heel_height_cm(e.leg)
        assert TOP_CM - h[i] > 9.0 and TOP_CM - h[i - 1] <= 9.0
        assert e.t_s == pytest.approx(plan.start_s, abs=0.6)
    ends = [e for _, e in events if e.kind == "end"]
    for e, plan in zip(ends, planned):
        assert e.rep is not None and e.rep.leg == plan.leg
        assert e.rep.start_s == pytest.approx(plan.start_s, abs=TOL_S)
        assert e.rep.bottom_s == pytest.approx(plan.bottom_s, abs=TOL_S)
        assert e.rep.end_s == pytest.approx(plan.end_s, abs=0.3)  # streaming: the plateau is not seen yet
    assert [r.index for r in machine.reps] == [1, 2]


def test_learned_baseline_and_not_tabletop_start() -> None:
    planned = [Planned("left", 4.0), Planned("right", 11.0)]
    series = make_series(planned, 18.0, noise_cm=0.2)
    series.heel_height_left_cm[:45] = 52.0  # legs higher before settling into tabletop
    series.heel_height_right_cm[:45] = 52.0
    machine = RepSegmenter(get_profile("heel-tap"))
    assert machine.baseline_cm("left") is None
    reps = segment_reps(smooth_series(series), get_profile("heel-tap"))
    assert_matches(reps, planned)


def test_long_gap_mid_rep_dropped_short_gap_kept() -> None:
    planned = [Planned("left", 2.0), Planned("right", 9.5), Planned("left", 17.0)]
    series = make_series(planned, 24.0, noise_cm=0.2)
    t = series.t_s
    series.heel_height_left_cm[(t > 3.5) & (t < 5.5)] = np.nan  # 2 s gap inside rep 1: dropped
    series.heel_height_right_cm[(t > 11.0) & (t < 11.4)] = np.nan  # 0.4 s gap: rep kept
    reps = segment_reps(series, get_profile("heel-tap"))
    assert [(r.leg, round(r.start_s)) for r in reps] == [("right", 10), ("left", 17)]


def test_repeated_timestamps_and_all_nan() -> None:
    planned = [Planned("left", 2.0)]
    series = make_series(planned, 9.0)
    t = series.t_s.copy()
    t[100:110] = t[100]
    machine = RepSegmenter(get_profile("heel-tap"), {"left": TOP_CM, "right": TOP_CM})
    ends = [e for i in range(len(t))
            for e in machine.update(t[i], series.heel_height_left_cm[i], series.heel_height_right_cm[i])
            if e.kind == "end"]
    assert len(ends) == 1
    empty = MeasureSeries.empty(np.arange(100) / 30)
    assert segment_reps(empty, get_profile("heel-tap")) == []


def test_bad_baseline_names_leg() -> None:
    with pytest.raises(ValueError, match="knee"):
        RepSegmenter(get_profile("heel-tap"), {"knee": 40.0})
    machine = RepSegmenter(get_profile("heel-tap"), {"left": float("nan"), "right": 3.0})
    assert machine.baseline_cm("left") is None and machine.baseline_cm("right") is None  # learned instead
    assert RepSegmenter(get_profile("straight-leg"), {"left": 88.0, "right": 92.0}).baseline_cm("both") == 90.0


def test_streaming_cost_per_frame() -> None:
    import time

    planned = [Planned("left" if k % 2 == 0 else "right", 2.0 + 7.5 * k) for k in range(8)]
    series = make_series(planned, 63.0, noise_cm=0.3)
    start = time.perf_counter()
    reps = segment_reps(series, get_profile("heel-tap"))
    per_frame_s = (time.perf_counter() - start) / len(series)
    assert len(reps) == 8
    assert per_frame_s < 0.5e-3


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), drop=st.floats(0.0, 0.5), jitter=st.floats(0.0, 2.0),
       repeat=st.floats(0.0, 0.2), smooth=st.booleans())
def test_property_never_more_reps_than_true(seed: int, drop: float, jitter: float, repeat: float,
                                            smooth: bool) -> None:
    """Random NaN masks, jitter and repeated timestamps never add reps nor crash."""
    rng = np.random.default_rng(seed)
    planned = [Planned("left", 2.0), Planned("right", 9.0, lower_s=2.5), Planned("left", 16.0, hold_s=0.0)]
    series = make_series(planned, 23.0, noise_cm=jitter, seed=seed)
    n = len(series)
    runs = rng.random(n) < drop * 0.2  # gap starts
    mask = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(runs):
        mask[i : i + int(rng.integers(1, 60))] = True
    series.heel_height_left_cm[mask & (rng.random(n) < 0.7)] = np.nan
    series.heel_height_right_cm[mask & (rng.random(n) < 0.7)] = np.nan
    t = series.t_s.copy()
    dup = np.flatnonzero(rng.random(n) < repeat)
    t[dup[dup > 0]] = t[dup[dup > 0] - 1]
    t = np.maximum.accumulate(t)
    series.t_s[:] = t
    if smooth:
        series = smooth_series(series, ZeroPhaseSmoother(3.0))
    reps = segment_reps(series, get_profile("heel-tap"))
    assert len(reps) <= len(planned)
    assert sum(r.leg == "left" for r in reps) <= 2 and sum(r.leg == "right" for r in reps) <= 1
    for rep in reps:
        assert rep.start_s <= rep.bottom_s <= rep.end_s
        assert math.isfinite(rep.depth_cm)


def test_hip_angle_times_reps_when_heel_curve_is_distorted() -> None:
    """Straight legs: the heel barely moves while the legs leave vertical; the hip angle times the rep."""
    planned = [Planned("both", 2.0, bottom_cm=0.0), Planned("both", 10.0, hold_s=0.2, bottom_cm=0.0)]
    t = np.arange(0, 17.0, 1 / 30)
    thigh_deg = 75.0 * (TOP_CM - heel_curve(t, planned, "left")) / TOP_CM  # minimum-jerk thigh angle
    series = MeasureSeries.empty(t)
    rng = np.random.default_rng(11)
    for leg in ("left", "right"):
        series.heel_height_cm(leg)[:] = 10.0 + 84.0 * np.cos(np.radians(thigh_deg)) + rng.normal(0, 0.3, len(t))
        series.hip_angle_deg(leg)[:] = 90.0 + thigh_deg + rng.normal(0, 1.0, len(t))
    series = smooth_series(series)
    reps = segment_reps(series, get_profile("straight-leg"))
    assert_matches(reps, planned, depth_tol_cm=100.0)
    unknown = np.full(len(t), np.nan)
    no_hips = dataclasses.replace(series, hip_angle_left_deg=unknown, hip_angle_right_deg=unknown)
    late = segment_reps(no_hips, get_profile("straight-leg"))
    assert len(late) == 2 and late[0].start_s - planned[0].start_s > 0.2  # the heel alone starts late


def test_hip_angle_that_does_not_follow_the_leg_is_ignored() -> None:
    planned = [Planned("left", 2.0), Planned("left", 10.0)]
    series = make_series(planned, 17.0, noise_cm=0.2)
    t = series.t_s
    series.hip_angle_left_deg[:] = 90.0 + 40.0 * (np.sin(2 * np.pi * t / 8.0 + 2.0) > 0)  # unrelated jumps
    reps = segment_reps(smooth_series(series), get_profile("heel-tap"))
    assert_matches(reps, planned)


def test_live_one_euro_then_streaming_machine() -> None:
    """Live mode: causal One-Euro smoothing frame by frame, then the streaming machine."""
    from formcheck.measure.smoothing import OneEuroSmoother

    series = make_series(ALTERNATING, 33.0, 30000 / 1001, noise_cm=0.5, seed=3)
    smoothers = [OneEuroSmoother(1.5, 0.05) for _ in range(2)]
    machine = RepSegmenter(get_profile("heel-tap"))
    ends = []
    for i, t in enumerate(series.t_s):
        left = smoothers[0].update(t, series.heel_height_left_cm[i])
        right = smoothers[1].update(t, series.heel_height_right_cm[i])
        ends += [e.rep for e in machine.update(t, left, right) if e.kind == "end"]
    assert [r.leg for r in ends] == [p.leg for p in ALTERNATING]
    for rep, plan in zip(ends, ALTERNATING):
        assert rep.start_s == pytest.approx(plan.start_s, abs=0.3)
        assert rep.bottom_s == pytest.approx(plan.bottom_s, abs=0.3)
        assert rep.end_s == pytest.approx(plan.end_s, abs=0.4)


def occlude(series: MeasureSeries, planned: list[Planned], far: str, top: float = TOP_CM) -> MeasureSeries:
    """What MediaPipe makes of a far leg hidden behind the near one (side view, tabletop):
    while the far heel is within half its depth of the tabletop, its landmark moves only
    half as far as the heel does and the near heel landmark dips by the other half."""
    near = "left" if far == "right" else "right"
    out = dataclasses.replace(series, **{f.name: getattr(series, f.name).copy()
                                         for f in dataclasses.fields(series)
                                         if isinstance(getattr(series, f.name), np.ndarray)})
    true_far = heel_curve(series.t_s, planned, far, top)
    drop = top - true_far
    depth = top - min(p.bottom_cm for p in planned if p.leg == far)
    hidden = drop < 0.5 * depth
    out.heel_height_cm(far)[hidden] += 0.5 * drop[hidden]  # the far heel lags
    out.heel_height_cm(near)[hidden] -= 0.5 * drop[hidden]  # the near heel takes the rest
    # the far hip angle comes from the stalled ankle: it stalls too (90° at tabletop, +45° at the bottom)
    out.hip_angle_deg(far)[:] = 90.0 + 45.0 * (top - out.heel_height_cm(far)) / depth
    return out


def test_occluded_far_leg_timed_on_both_heels() -> None:
    """The far heel stalls for the first half of its lowering and the last half of its raise:
    alone it times the rep late and short; with ``heel_timed_leg`` the near heel's dip fills in."""
    planned = ALTERNATING
    clean = make_series(planned, 33.0, noise_cm=0.3, seed=3)
    series = smooth_series(occlude(clean, planned, "right"))
    near_hip = heel_curve(clean.t_s, planned, "left")
    series.hip_angle_deg("left")[:] = 90.0 + 45.0 * (TOP_CM - near_hip) / (TOP_CM - 5.0)
    naive = [r for r in segment_reps(series, get_profile("heel-tap")) if r.leg == "right"]
    plans = [p for p in planned if p.leg == "right"]
    assert max(abs(r.start_s - p.start_s) for r, p in zip(naive, plans)) > 0.3  # the stall misleads
    reps = segment_reps(series, get_profile("heel-tap"), heel_timed_leg="right")
    assert_matches(reps, planned, tol_s=0.2, depth_tol_cm=2.0)


def test_heel_timed_leg_must_be_a_leg() -> None:
    series = make_series(ALTERNATING, 33.0)
    with pytest.raises(ValueError, match="heel_timed_leg"):
        segment_reps(series, get_profile("heel-tap"), heel_timed_leg="both")
    assert segment_reps(series, get_profile("heel-tap"), heel_timed_leg=None) == segment_reps(
        series, get_profile("heel-tap"))


def test_streaming_heel_timed_leg() -> None:
    """The streaming machine times the occluded far leg on both heels too (live feedback)."""
    planned = ALTERNATING
    clean = make_series(planned, 33.0, noise_cm=0.3, seed=3)
    series = smooth_series(occlude(clean, planned, "right"))

    def stream(**kwargs: str) -> list[Rep]:
        machine = RepSegmenter(get_profile("heel-tap"), {"left": TOP_CM, "right": TOP_CM}, **kwargs)
        for row in zip(series.t_s.tolist(), series.heel_height_left_cm.tolist(),
                       series.heel_height_right_cm.tolist(), series.hip_angle_left_deg.tolist(),
                       series.hip_angle_right_deg.tolist()):
            machine.update(*row)
        return [r for r in machine.reps if r.leg == "right"]

    plans = [p for p in planned if p.leg == "right"]
    naive, fixed = stream(), stream(heel_timed_leg="right")
    assert len(naive) == len(fixed) == len(plans)
    assert max(abs(r.start_s - p.start_s) for r, p in zip(naive, plans)) > 0.3
    for rep, plan in zip(fixed, plans):
        assert rep.start_s == pytest.approx(plan.start_s, abs=0.2)
        assert rep.bottom_s == pytest.approx(plan.bottom_s, abs=0.2)
        assert rep.end_s == pytest.approx(plan.end_s, abs=0.3)  # the raise is fitted without the plateau after it
    with pytest.raises(ValueError, match="heel_timed_leg"):
        RepSegmenter(get_profile("heel-tap"), heel_timed_leg="far")


def test_sweep_angle_times_the_reps_when_given() -> None:
    """A heel curve that lags the movement by 0.4 s (as a heel landmark can) is timed late on
    its own; a sweep angle that follows the thigh times the reps on the movement itself.
    The occluded leg ignores its sweep (its knee and ankle hide behind the near leg)."""
    planned = [Planned("left", 2.0), Planned("right", 9.5)]
    t = np.arange(int(17.0 * 30)) / 30.0
    series = make_series(planned, 17.0)
    lagged = [dataclasses.replace(p, start_s=p.start_s + 0.4) for p in planned]
    sweep = {}
    for leg in ("left", "right"):
        series.heel_height_cm(leg)[:] = heel_curve(t, lagged, leg)
        sweep[leg] = (TOP_CM - heel_curve(t, planned, leg)) * 1.2  # deg; grows as the leg lowers
    on_heel = segment_reps(series, get_profile("heel-tap"))
    assert_matches(on_heel, lagged)
    on_sweep = segment_reps(series, get_profile("heel-tap"), sweep_deg=sweep)
    assert_matches(on_sweep, planned)
    far_right = segment_reps(series, get_profile("heel-tap"), heel_timed_leg="right", sweep_deg=sweep)
    assert far_right[0].start_s == pytest.approx(2.0, abs=TOL_S)
    assert far_right[1].start_s == pytest.approx(9.9, abs=TOL_S)
