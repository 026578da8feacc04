"""Profiles, fault rules, end range and summary on synthetic measurement tables."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from test_reps import Planned, make_series

from formcheck.measure.smoothing import smooth_series
from formcheck.core.series import MeasureSeries
from formcheck.profiles import PROFILES, ExerciseProfile, get_profile
from formcheck.analysis.rep import Rep
from formcheck.analysis.segment import segment_reps
from formcheck.analysis.fault import FAULT_CODES, Fault
from formcheck.analysis.summary import end_range, summarize
from formcheck.analysis.judge import judge_session
from formcheck.measure.view import ViewAssessment, ViewTrust

HEEL_TAP = get_profile("heel-tap")


def side_view(trust: ViewTrust = ViewTrust()) -> ViewAssessment:
    """A side view from the left with the given trust."""
    return ViewAssessment("side", "left", None, 0.0, 0.6, trust)


def reps_and_faults(series: MeasureSeries, profile: ExerciseProfile = HEEL_TAP,
                    trust: ViewTrust | None = None) -> tuple[list[Rep], list[list[Fault]]]:
    reps = segment_reps(series, profile)
    view = side_view(trust) if trust is not None else None
    return reps, judge_session(series, reps, profile, view).faults


def setup_faults(series: MeasureSeries, profile: ExerciseProfile) -> list[Fault]:
    return judge_session(series, [], profile).setup_faults


def codes(faults: list[Fault]) -> list[str]:
    return [f.code for f in faults]


# -- profiles -----------------------------------------------------------------------


def test_profile_registry() -> None:
    assert list(PROFILES) == ["heel-tap", "leg-extension", "straight-leg"]
    assert get_profile() is PROFILES["heel-tap"]
    assert HEEL_TAP.knee_target_deg == 90 and HEEL_TAP.target_lower_s == 3.0 and HEEL_TAP.target_raise_s == 3.0
    assert PROFILES["straight-leg"].legs_together and PROFILES["straight-leg"].rep_legs == ("both",)
    assert PROFILES["leg-extension"].knee_target_deg is None
    chain, name = [], "heel-tap"
    while name:
        chain.append(name)
        name = PROFILES[name].next_profile
    assert chain == ["heel-tap", "leg-extension", "straight-leg"]


def test_profile_errors_name_the_problem() -> None:
    with pytest.raises(ValueError, match="heel-tap, leg-extension, straight-leg"):
        get_profile("crunch")
    with pytest.raises(ValueError, match="arching_lift_cm"):
        ExerciseProfile(name="x", arching_lift_cm=-1.0)
    with pytest.raises(ValueError, match="min_depth_frac"):
        ExerciseProfile(name="x", min_depth_frac=1.5)
    with pytest.raises(ValueError, match="min_lower_s"):
        ExerciseProfile(name="x", min_lower_s=4.0)
    with pytest.raises(ValueError, match="knee_target_deg"):
        ExerciseProfile(name="x", knee_target_deg=float("nan"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        HEEL_TAP.min_lower_s = 0.1  # type: ignore[misc]


# -- swinging -----------------------------------------------------------------------


def test_clean_slow_reps_have_no_fault() -> None:
    series = smooth_series(make_series([Planned("left", 2.0), Planned("right", 9.5)], 17.0, noise_cm=0.3))
    series.lumbar_lift_cm[:] = 0.3 + 0.1 * np.sin(series.t_s * 7)
    series.pelvic_tilt_deg[:] = 1.0
    reps, faults = reps_and_faults(series)
    assert len(reps) == 2 and faults == [[], []]


def test_swinging_fast_reps_with_bounce_flagged() -> None:
    planned = [Planned("left", 2.0, 1.0, 0.0, 1.0, shape="cosine"), Planned("right", 5.0, 3.0, 0.3, 3.0)]
    series = make_series(planned, 13.0, noise_cm=0.2)
    t = series.t_s
    bounce = (t >= 3.0) & (t < 3.3)  # rebound of 5 cm off the bottom
    series.heel_height_left_cm[bounce] += 5.0 * np.sin(np.pi * (t[bounce] - 3.0) / 0.3)
    series = smooth_series(series)
    reps, faults = reps_and_faults(series)
    assert [r.leg for r in reps] == ["left", "right"]
    assert codes(faults[0]) == ["swinging"] and codes(faults[1]) == []
    fault = faults[0][0]
    assert fault.unit == "s" and fault.value == pytest.approx(1.0, abs=0.2)
    assert fault.t_s == pytest.approx(3.0, abs=0.15)
    assert "slow down" in fault.message


def test_bounce_alone_is_swinging() -> None:
    series = make_series([Planned("left", 2.0, hold_s=0.6)], 10.0, noise_cm=0.1)
    t = series.t_s
    bounce = (t >= 5.0) & (t < 5.3)
    series.heel_height_left_cm[bounce] += 6.0 * np.sin(np.pi * (t[bounce] - 5.0) / 0.3)
    reps, faults = reps_and_faults(smooth_series(series))
    assert len(reps) == 1 and reps[0].lower_s > 2.5
    assert codes(faults[0]) == ["swinging"]
    assert faults[0][0].unit == "cm" and faults[0][0].value > 2.0
    assert faults[0][0].t_s == pytest.approx(5.15, abs=0.2)


# -- arching ------------------------------------------------------------------------


def arching_series(peak_cm: float, jitter_cm: float = 0.0) -> MeasureSeries:
    series = make_series([Planned("left", 2.0), Planned("right", 9.5)], 17.0, noise_cm=0.2)
    t = series.t_s
    lift = np.interp(t, [0, 3.5, 4.5, 5.5, 6.5, 17], [0, 0, peak_cm, peak_cm, 0, 0])  # during rep 1
    rng = np.random.default_rng(7)
    series.lumbar_lift_cm[:] = lift + rng.uniform(-jitter_cm, jitter_cm, len(t))
    series.pelvic_tilt_deg[:] = 5.0 * lift / max(peak_cm, 1e-9) if peak_cm > 1 else 0.0
    return smooth_series(series)


def test_arching_flagged_at_its_onset() -> None:
    series = arching_series(3.0)
    reps, faults = reps_and_faults(series)
    assert codes(faults[0]) == ["arching"] and faults[1] == []
    fault = faults[0][0]
    assert fault.t_s == pytest.approx(4.0, abs=0.2)  # lift passes 1.5 cm half-way up its 1 s rise
    assert fault.value == pytest.approx(3.0, abs=0.2) and fault.unit == "cm"
    heel = series.heel_height_left_cm[np.argmin(np.abs(series.t_s - fault.t_s))]
    assert fault.heel_height_cm == pytest.approx(heel, abs=0.5)
    assert "stop here" in fault.message


def test_arching_jitter_and_untrusted_not_flagged() -> None:
    reps, faults = reps_and_faults(arching_series(0.0, jitter_cm=0.5))
    assert faults == [[], []]
    reps, faults = reps_and_faults(arching_series(3.0), trust=ViewTrust(lumbar=False))
    assert faults == [[], []]
    reps, faults = reps_and_faults(arching_series(3.0), trust=ViewTrust(angles=False))
    assert codes(faults[0]) == ["arching"]  # the angles' trust does not gate the back


def test_arching_brief_spike_not_flagged() -> None:
    series = make_series([Planned("left", 2.0)], 10.0)
    series.lumbar_lift_cm[:] = 0.0
    series.lumbar_lift_cm[120:124] = 3.0  # 0.13 s
    reps, faults = reps_and_faults(series)
    assert faults == [[]]


def test_arching_from_tilt_when_lift_unknown() -> None:
    series = make_series([Planned("left", 2.0)], 10.0)
    series.pelvic_tilt_deg[:] = np.interp(series.t_s, [0, 3.5, 4.5, 6, 7, 10], [0, 0, 15, 15, 0, 0])
    reps, faults = reps_and_faults(series)
    assert codes(faults[0]) == ["arching"]
    assert faults[0][0].unit == "deg" and faults[0][0].value == pytest.approx(15.0, abs=0.1)
    assert faults[0][0].t_s == pytest.approx(3.5 + 8 / 15, abs=0.1)


def test_tilt_needs_the_lift_to_agree() -> None:
    series = make_series([Planned("left", 2.0), Planned("right", 9.5)], 17.0)
    t = series.t_s
    series.pelvic_tilt_deg[:] = np.interp(t, [0, 3.5, 4.5, 6, 7, 11, 12, 14, 15, 17], [0, 0, 15, 15, 0, 0, 15, 15, 0, 0])
    series.lumbar_lift_cm[:] = np.where(t < 9.0, 0.3, 1.0)  # rep 1: the lift disagrees; rep 2: it half agrees
    reps, faults = reps_and_faults(series)
    assert faults[0] == [] and codes(faults[1]) == ["arching"]
    assert faults[1][0].unit == "cm" and faults[1][0].value == pytest.approx(1.0)


# -- tabletop_lost ------------------------------------------------------------------


def knee_series(peak_deg: float, profile_top: float = 45.0) -> MeasureSeries:
    series = make_series([Planned("left", 2.0), Planned("right", 9.5)], 17.0, noise_cm=0.2, top=profile_top)
    t = series.t_s
    series.knee_angle_left_deg[:] = np.interp(t, [0, 3, 4.5, 6, 7.5, 17], [90, 90, peak_deg, peak_deg, 90, 90])
    series.knee_angle_right_deg[:] = 90.0 + 5.0 * np.sin(2 * np.pi * 0.7 * t)  # 90 ± 5: fine
    return series


def test_knee_opening_flagged_small_wobble_not() -> None:
    reps, faults = reps_and_faults(knee_series(130.0))
    assert codes(faults[0]) == ["tabletop_lost"] and faults[1] == []
    fault = faults[0][0]
    assert fault.value == pytest.approx(130.0, abs=0.5) and fault.unit == "deg"
    assert fault.t_s == pytest.approx(3.0 + 1.5 * 20 / 40, abs=0.1)  # knee passes 110°
    assert "90° bend" in fault.message and "opened" in fault.message


def test_untrusted_angles_raise_no_knee_fault() -> None:
    series = knee_series(130.0)
    reps, faults = reps_and_faults(series, trust=ViewTrust(angles=False))
    assert faults == [[], []]


def test_leg_extension_ignores_straightening_knee() -> None:
    reps, faults = reps_and_faults(knee_series(165.0), get_profile("leg-extension"))
    assert len(reps) == 2 and faults == [[], []]


def test_not_tabletop_at_rep_start() -> None:
    series = make_series([Planned("left", 2.0)], 10.0)
    series.knee_angle_left_deg[:] = 135.0
    reps, faults = reps_and_faults(series)
    assert codes(faults[0]) == ["tabletop_lost"]
    assert faults[0][0].t_s == pytest.approx(reps[0].start_s) and "start from tabletop" in faults[0][0].message
    assert len(setup_faults(series, HEEL_TAP)) == 1
    assert setup_faults(make_series([Planned("left", 2.0)], 10.0), HEEL_TAP) == []


def test_straight_leg_knees_must_stay_straight() -> None:
    profile = get_profile("straight-leg")
    planned = [Planned("both", 2.0, bottom_cm=18.0), Planned("both", 10.0, bottom_cm=18.0)]
    series = make_series(planned, 17.0, noise_cm=0.2, top=90.0)
    series.knee_angle_left_deg[:] = 172.0
    series.knee_angle_right_deg[:] = np.interp(series.t_s, [0, 11, 12, 14, 15, 17], [172, 172, 130, 130, 172, 172])
    reps, faults = reps_and_faults(smooth_series(series), profile)
    assert [r.leg for r in reps] == ["both", "both"]
    assert faults[0] == [] and codes(faults[1]) == ["tabletop_lost"]
    assert faults[1][0].value == pytest.approx(130.0, abs=1.0) and "straight" in faults[1][0].message
    assert setup_faults(series, profile) == []


# -- end range and summary ----------------------------------------------------------


def test_end_range_and_summary_with_faults() -> None:
    series = arching_series(3.0)
    series.hip_angle_left_deg[:] = np.interp(series.t_s, [0, 2, 5, 8.3, 17], [90, 90, 160, 90, 90])
    reps, faults = reps_and_faults(series)
    ranges = end_range(reps, faults, series)
    assert list(ranges) == ["left"]
    assert ranges["left"]["heel_height_cm"] == pytest.approx(faults[0][0].heel_height_cm)
    assert 100 < ranges["left"]["hip_angle_deg"] < 160
    assert ranges["left"]["arching_reps"] == 1 and ranges["left"]["rep_index"] == 1
    series.hip_angle_left_deg[:] = np.nan
    reps, faults = reps_and_faults(series)
    assert "hip_angle_deg" not in end_range(reps, faults, series)["left"]  # unknown: left out (JSON-safe)
    summary = summarize(reps, faults, HEEL_TAP, ranges)
    assert summary["reps"] == {"left": 1, "right": 1}
    assert summary["clean_reps"] == 1
    assert summary["faults"] == {"arching": 1, "swinging": 0, "tabletop_lost": 0}
    advice = " ".join(summary["advice"])
    assert "Left leg" in advice and "cm above the floor" in advice
    assert "progress" not in advice


def test_summary_progression_when_all_clean() -> None:
    series = smooth_series(make_series([Planned("left", 2.0), Planned("right", 9.5)], 17.0, noise_cm=0.2))
    reps, faults = reps_and_faults(series)
    summary = summarize(reps, faults, HEEL_TAP)
    assert summary["clean_reps"] == 2 and set(summary["faults"]) == set(FAULT_CODES)
    assert any("progress to leg-extension" in a for a in summary["advice"])
    assert summarize([], [], HEEL_TAP)["reps"] == {"left": 0, "right": 0}


def test_summary_tempo_advice_and_both_legs() -> None:
    planned = [Planned("both", 2.0, 1.0, 0.0, 1.0, 18.0, "cosine")]
    series = smooth_series(make_series(planned, 6.0, noise_cm=0.2, top=90.0))
    for leg in ("left", "right"):
        series.knee_angle_deg(leg)[:] = 172.0
    profile = get_profile("straight-leg")
    reps, faults = reps_and_faults(series, profile)
    summary = summarize(reps, faults, profile)
    assert summary["reps"] == {"left": 0, "right": 0, "both": 1}
    assert summary["faults"]["swinging"] == 1
    assert any(a.startswith("Slow down") for a in summary["advice"])
    with pytest.raises(ValueError, match="faults_per_rep"):
        summarize(reps, [], profile)


def test_fault_to_dict() -> None:
    fault = Fault("arching", 4.0, 3.1, "back lifting", 12.0, "cm")
    assert fault.to_dict() == {"code": "arching", "t_s": 4.0, "value": 3.1, "message": "back lifting",
                               "heel_height_cm": 12.0, "unit": "cm"}


# -- the planned sample clips (motion and faults only, no rendering) ------------------


def _planned_clips() -> list:
    try:
        from formcheck.synth.spec import load_specs
    except ImportError:  # pragma: no cover - the synth package is optional here
        return []
    specs = Path(__file__).resolve().parents[1] / "samples" / "specs.toml"
    return load_specs(specs) if specs.is_file() else []


def _measured_like(spec, noise: float, seed: int = 0):  # type: ignore[no-untyped-def]
    """The measurement table of a clip's planned motion, with measurement noise added."""
    from formcheck.synth.motion import frame_times_s
    from formcheck.synth.scenario import LegGeometry, build_scenario

    scenario, geom = build_scenario(spec), LegGeometry()
    t = frame_times_s(scenario.duration_s, spec.fps_num, spec.fps_den)
    tracks = scenario.sample(t)
    rng = np.random.default_rng(seed)
    series = MeasureSeries.empty(t)
    series.detected[:] = 1.0
    for leg in ("left", "right"):
        thigh, knee = tracks[f"thigh_{leg}_deg"], tracks[f"knee_{leg}_deg"]
        heel = np.array([geom.heel_height_cm(a, b) for a, b in zip(thigh, knee)])
        series.heel_height_cm(leg)[:] = heel + rng.normal(0, noise, len(t))
        series.knee_angle_deg(leg)[:] = knee + rng.normal(0, 4 * noise, len(t))
        series.hip_angle_deg(leg)[:] = 90.0 + thigh + rng.normal(0, 4 * noise, len(t))
    series.pelvic_tilt_deg[:] = tracks["tilt_deg"] + rng.normal(0, 2 * noise, len(t))
    series.lumbar_lift_cm[:] = 0.2 * tracks["tilt_deg"] + rng.normal(0, 0.3 * noise, len(t))  # ~3 cm at 15°
    return scenario, smooth_series(series)


@pytest.mark.parametrize("spec", _planned_clips(), ids=lambda s: s.name)
def test_planned_sample_clips(spec) -> None:  # type: ignore[no-untyped-def]
    """Every planned clip of samples/specs.toml: exact reps, legs and faults; times within 0.35 s."""
    scenario, series = _measured_like(spec, noise=0.5)
    profile = get_profile(spec.exercise)
    reps, faults = reps_and_faults(series, profile)
    assert [r.leg for r in reps] == [p.leg for p in scenario.reps]
    for rep, rep_faults, plan in zip(reps, faults, scenario.reps):
        assert sorted(codes(rep_faults)) == sorted(plan.faults), (rep.index, rep_faults)
        assert rep.start_s == pytest.approx(plan.start_s, abs=0.35)
        assert rep.bottom_s == pytest.approx(plan.bottom_s, abs=0.35)
        assert rep.end_s == pytest.approx(plan.end_s, abs=0.35)
    assert bool(setup_faults(series, profile)) == (scenario.setup_end_s is not None)


@pytest.mark.parametrize(("phase_s", "swinging"), [(1.0, True), (1.5, True), (2.3, False), (3.0, False)])
def test_swinging_threshold_leaves_room_for_timing_error(phase_s: float, swinging: bool) -> None:
    """Rushed reps (~1 s phases) stay swinging even when timed ~0.5 s long; a coached rep
    (≥ 2.6 s phases) timed ~0.3–0.7 s short does not become swinging."""
    planned = [Planned("left", 2.0, phase_s, 0.2, phase_s), Planned("right", 11.0)]
    series = smooth_series(make_series(planned, 19.0, noise_cm=0.2))
    reps, faults = reps_and_faults(series)
    assert [r.leg for r in reps] == ["left", "right"]
    assert reps[0].lower_s == pytest.approx(phase_s, abs=0.2)
    assert ("swinging" in codes(faults[0])) == swinging
    assert codes(faults[1]) == []


def test_progression_advice_tolerates_timing_error() -> None:
    """Coached reps timed a little short (2.3 s phases) still earn the progression advice;
    rushed ones (1.2 s) get the tempo advice instead."""
    for phase_s, progress in ((2.3, True), (1.2, False)):
        planned = [Planned("left", 2.0, phase_s, 0.2, phase_s), Planned("right", 11.0, phase_s, 0.2, phase_s)]
        reps, faults = reps_and_faults(smooth_series(make_series(planned, 19.0, noise_cm=0.2)))
        advice = summarize(reps, faults, HEEL_TAP)["advice"]
        assert any("progress to leg-extension" in a for a in advice) == progress
        assert any(a.startswith("Slow down") for a in advice) == (not progress)


def test_knee_rule_of_a_both_legs_rep_ignores_the_occluded_leg() -> None:
    from formcheck.core.series import MeasureSeries
    from formcheck.profiles import get_profile
    from formcheck.analysis.rep import Rep

    t = np.arange(0, 8, 1 / 30)
    series = MeasureSeries.empty(t)
    series.knee_angle_left_deg = np.full(len(t), 172.0)
    series.knee_angle_right_deg = np.where((t > 2) & (t < 5), 140.0, 170.0)  # the hidden far knee
    rep = Rep(index=1, leg="both", start_s=1.0, bottom_s=4.0, end_s=7.0, start_frame=30, bottom_frame=120,
              end_frame=210, depth_cm=60.0, heel_height_min_cm=20.0, baseline_cm=80.0)
    profile = get_profile("straight-leg")
    codes = lambda faults: [f.code for f in faults]  # noqa: E731
    judged = lambda far: judge_session(series, [rep], profile, far_leg=far).faults[0]  # noqa: E731
    assert "tabletop_lost" in codes(judged(None))
    assert "tabletop_lost" not in codes(judged("right"))
    assert "tabletop_lost" in codes(judged("left"))
