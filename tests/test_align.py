"""Time alignment of two cameras on known-answer sequences: the offset, its confidence, the errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck.analysis.align import (
    AlignmentError, align_motion, align_series, camera_motion, channel_weight, motion_weights,
)
from formcheck.analysis.fusion import choose_sources, resample
from formcheck.core.series import MeasureSeries
from formcheck.errors import FormcheckError
from formcheck.measure.view import ViewAssessment, ViewTrust


def _bump(t_s: np.ndarray, start_s: float, end_s: float) -> np.ndarray:
    """0 outside [start, end], a smooth hump (peak 1) inside: one rep's lowering and raising."""
    phase = np.clip((t_s - start_s) / (end_s - start_s), 0.0, 1.0)
    return np.sin(np.pi * phase) ** 2


def session_series(t_s: np.ndarray, reps: dict[str, list[tuple[float, float]]], noise: float = 0.0,
                   seed: int = 0) -> MeasureSeries:
    """A series of a session whose legs do the given reps (session clock start/end, s) at ``t_s``."""
    rng = np.random.default_rng(seed)
    series = MeasureSeries.empty(t_s)
    series.detected[:] = 1.0
    for leg in ("left", "right"):
        depth = sum((_bump(t_s, a, b) for a, b in reps.get(leg, [])), np.zeros(len(t_s)))
        setattr(series, f"heel_height_{leg}_frac", 1.0 - 0.8 * depth + noise * rng.standard_normal(len(t_s)))
        setattr(series, f"heel_height_{leg}_cm", 40.0 - 32.0 * depth)
        setattr(series, f"hip_angle_{leg}_deg", 90.0 + 45.0 * depth + 40 * noise * rng.standard_normal(len(t_s)))
        setattr(series, f"knee_angle_{leg}_deg", np.full(len(t_s), 90.0))
    return series


REPS = {"left": [(3.0, 8.5), (15.2, 19.0)], "right": [(9.1, 14.0), (20.0, 26.5)]}


def test_finds_a_sub_frame_offset_between_cameras_of_different_frame_rates() -> None:
    # camera a at 15 analysed frames/s from session time 0; camera b at 12.5/s, starting 1.2345 s later
    offset_s = 1.2345
    t_a = np.arange(0, 30.0, 1 / 15)
    t_b = np.arange(0, 27.0, 1 / 12.5)
    a = session_series(t_a, REPS, noise=0.01, seed=1)
    b = session_series(t_b, {leg: [(s - offset_s, e - offset_s) for s, e in reps] for leg, reps in REPS.items()},
                       noise=0.01, seed=2)
    found = align_series(a, b, "left", "right")
    assert found.offset_s == pytest.approx(offset_s, abs=0.005)
    assert found.confidence > 0.95 and not found.weak
    assert found.overlap_s == pytest.approx(27.0, abs=0.2)  # b covers 1.23 .. 28.23 s of a's clock


def test_a_negative_offset_and_a_camera_that_starts_first() -> None:
    t = np.arange(0, 28.0, 1 / 15)
    b_reps = {leg: [(s + 2.71, e + 2.71) for s, e in reps] for leg, reps in REPS.items()}
    found = align_series(session_series(t, REPS), session_series(t, b_reps), "left", "left")
    assert found.offset_s == pytest.approx(-2.71, abs=0.005)


def test_different_sessions_are_an_alignment_error() -> None:
    t = np.arange(0, 30.0, 1 / 15)
    other = {"left": [(1.0, 2.5), (12.0, 13.0), (22.0, 28.0)], "right": [(4.0, 11.0)]}
    with pytest.raises(AlignmentError, match="do not seem to show the same session"):
        align_series(session_series(t, REPS), session_series(t, other), "left", "right")


def test_videos_that_cannot_overlap_enough_are_an_alignment_error() -> None:
    t = np.arange(0, 30.0, 1 / 15)
    a = camera_motion(session_series(t, REPS), "left")
    short = session_series(np.arange(0, 2.0, 1 / 15), {"left": [(0.2, 1.8)]})
    with pytest.raises(AlignmentError, match="do not overlap in time"):
        align_motion(a, camera_motion(short, "right"))
    # an offset range that leaves no common time
    with pytest.raises(AlignmentError, match="do not overlap in time"):
        align_motion(a, camera_motion(session_series(t, REPS), "right"), max_offset_s=-1.0)
    assert issubclass(AlignmentError, FormcheckError)  # the CLI prints it as one line


def test_a_still_leg_carries_no_weight_and_a_leg_moving_in_one_video_only_does() -> None:
    t = np.arange(0, 20.0, 1 / 15)
    moving = camera_motion(session_series(t, {"right": [(3.0, 9.0)]}, noise=0.005), "left")
    also = camera_motion(session_series(t, {"right": [(3.0, 9.0)], "left": [(11.0, 17.0)]}, noise=0.005), "right")
    weights = motion_weights(moving, moving, list(moving.channels))
    assert weights["heel_right"] == pytest.approx(1.0) and weights["heel_left"] < 0.01
    assert motion_weights(moving, also, list(moving.channels))["heel_left"] == pytest.approx(1.0, abs=0.05)


def test_channel_weights_follow_which_cameras_a_leg_faces() -> None:
    assert channel_weight("left", "left", "left") == 1.0
    assert channel_weight("left", "left", "right") == 0.5
    assert channel_weight("left", "right", "right") == 0.25


def _view(near: str | None, view: str = "side", yaw_deg: float = 5.0, lumbar: bool = True) -> ViewAssessment:
    return ViewAssessment(view=view, near_side=near, toward=None, yaw_deg=yaw_deg, body_fraction=0.6,  # type: ignore[arg-type]
                          trust=ViewTrust(lumbar=lumbar))


def test_sources_each_leg_from_the_camera_it_faces() -> None:
    sources = choose_sources([_view("left", yaw_deg=12.0), _view("right", view="oblique", yaw_deg=30.0)])
    assert sources.legs == {"left": 0, "right": 1} and sources.covered == {"left", "right"}
    assert sources.back == 0 and sources.both == 0
    # both on one side: the far leg from the better view, not covered
    same = choose_sources([_view("right", view="oblique", yaw_deg=30.0), _view("right", yaw_deg=3.0)])
    assert same.legs == {"left": 1, "right": 1} and same.covered == {"right"}
    # the lumbar lift from the view that trusts it
    assert choose_sources([_view("left", lumbar=False), _view("right", yaw_deg=20.0)]).back == 1


def test_resample_is_linear_inside_and_unknown_outside() -> None:
    series = MeasureSeries.empty(np.array([0.0, 1.0, 2.0]))
    series.knee_angle_left_deg[:] = [90.0, 100.0, math.nan]
    out = resample(series, np.array([-0.5, 0.25, 1.5, 2.5]))
    assert out.knee_angle_left_deg[1] == pytest.approx(92.5)
    assert math.isnan(out.knee_angle_left_deg[0]) and math.isnan(out.knee_angle_left_deg[2])
    assert math.isnan(out.knee_angle_left_deg[3])
