"""Geometry on hand-made coordinates with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck.measure.geometry import DepthCorrection, angle_at_deg, far_leg_correction, floor_line, heel_height_cm, heel_height_frac, joint_angle_deg, hip_angle_from_lengths_deg, knee_angle_from_lengths_deg, leg_angles_deg, leg_sweep_deg, segment_length_px, sweep_angle_deg
from formcheck.core.landmarks import midpoint, trunk_length
from formcheck.core.landmarks import NUM_LANDMARKS
from formcheck.core.landmarks import Landmark as L


def supine_tabletop_px(knee_deg: float = 90.0, hip_deg: float = 90.0) -> np.ndarray:
    """A side view (head left, feet right, y down): shoulder (100, 300), hip (300, 300),
    thigh 150 px at ``hip_deg`` from the trunk, shin 140 px at ``knee_deg`` from the thigh."""
    xy = np.full((NUM_LANDMARKS, 2), np.nan)
    shoulder, hip = np.array([100.0, 300.0]), np.array([300.0, 300.0])
    # the trunk points from hip to shoulder = direction 180°; the thigh turns hip_deg from it
    thigh_dir = np.radians(180.0 - hip_deg)
    knee = hip + 150 * np.array([np.cos(thigh_dir), -np.sin(thigh_dir)])
    shin_dir = thigh_dir - np.radians(180.0 - knee_deg)
    ankle = knee + 140 * np.array([np.cos(shin_dir), -np.sin(shin_dir)])
    for leg_offset in (0, 1):
        xy[L.LEFT_SHOULDER + leg_offset] = shoulder
        xy[L.LEFT_HIP + leg_offset] = hip
        xy[L.LEFT_KNEE + leg_offset] = knee
        xy[L.LEFT_ANKLE + leg_offset] = ankle
        xy[L.LEFT_HEEL + leg_offset] = ankle + [0.0, 8.0]
    return xy


@pytest.mark.parametrize("degrees", [0.0, 30.0, 90.0, 135.0, 179.0, 180.0])
def test_angle_at_known_angles(degrees: float) -> None:
    theta = np.radians(degrees)
    first, vertex, last = np.array([5.0, 0.0]), np.zeros(2), 3 * np.array([np.cos(theta), np.sin(theta)])
    assert angle_at_deg(first, vertex, last) == pytest.approx(degrees, abs=1e-6)
    # the same in 3D, in a tilted plane
    rotate = np.array([[1, 0, 0], [0, 0.6, -0.8], [0, 0.8, 0.6]])
    lift = lambda p: rotate @ np.append(p, 0.0)  # noqa: E731
    assert angle_at_deg(lift(first), lift(vertex), lift(last)) == pytest.approx(degrees, abs=1e-6)


def test_angle_is_nan_for_missing_or_degenerate_points() -> None:
    assert np.isnan(angle_at_deg(np.array([np.nan, 0.0]), np.zeros(2), np.ones(2)))
    assert np.isnan(angle_at_deg(np.zeros(2), np.zeros(2), np.ones(2)))


@pytest.mark.parametrize("knee, hip", [(90, 90), (130, 90), (60, 100), (170, 150)])
def test_knee_and_hip_angles_of_a_drawn_leg(knee: float, hip: float) -> None:
    xy = supine_tabletop_px(knee, hip)
    angles = leg_angles_deg(xy)
    for leg in ("left", "right"):
        assert angles[f"knee_angle_{leg}_deg"] == pytest.approx(knee, abs=1e-6)
        assert angles[f"hip_angle_{leg}_deg"] == pytest.approx(hip, abs=1e-6)


def test_angles_are_vectorised_over_frames() -> None:
    frames = np.stack([supine_tabletop_px(k) for k in (80, 90, 100, 120)])
    np.testing.assert_allclose(joint_angle_deg(frames, "knee", "left"), [80, 90, 100, 120], atol=1e-6)


def test_midpoint_uses_the_visible_point_when_one_is_missing() -> None:
    xy = supine_tabletop_px()
    xy[L.RIGHT_SHOULDER] = np.nan
    xy[L.LEFT_SHOULDER] = [110.0, 290.0]
    np.testing.assert_allclose(midpoint(xy, (L.LEFT_SHOULDER, L.RIGHT_SHOULDER)), [110.0, 290.0])
    assert trunk_length(supine_tabletop_px()) == pytest.approx(200.0)


def test_heel_height_above_a_level_floor() -> None:
    xy = supine_tabletop_px()  # tabletop: the heel is 150 px (thigh) above the hip, +8 px lower
    floor = floor_line(np.array([100.0, 300.0]), np.array([300.0, 300.0]), up_hint_px=xy[L.LEFT_KNEE],
                       joint_above_floor_px=20.0, cm_per_px=0.25)
    np.testing.assert_allclose(floor.normal_px, [0.0, -1.0], atol=1e-12)  # up is -y in images
    assert heel_height_cm(xy, floor, "left") == pytest.approx((150 - 8 + 20) * 0.25)
    # trunk 200 px at 0.25 cm/px = 50 cm
    assert heel_height_frac(heel_height_cm(xy, floor, "right"), floor) == pytest.approx((150 - 8 + 20) / 200)
    far = DepthCorrection(offset_cm=5.0, gain=1.25)
    assert heel_height_cm(xy, floor, "left", far) == pytest.approx(((150 - 8 + 20) * 0.25 - 5.0) * 1.25)


def test_heel_height_on_a_tilted_camera_and_mirrored_view() -> None:
    xy = supine_tabletop_px()
    angle = np.radians(25.0)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    centre = np.array([320.0, 240.0])
    for transform in (lambda p: (p - centre) @ rotation.T + centre,
                      lambda p: np.column_stack([640 - p[..., 0], p[..., 1]])):
        moved = transform(xy)
        floor = floor_line(moved[L.LEFT_SHOULDER], moved[L.LEFT_HIP], moved[L.LEFT_KNEE], 20.0, 0.25)
        assert heel_height_cm(moved, floor, "left") == pytest.approx((150 - 8 + 20) * 0.25)


def test_floor_line_rejects_coincident_points() -> None:
    with pytest.raises(ValueError, match="distinct"):
        floor_line(np.zeros(2), np.zeros(2), np.ones(2), 10.0, 0.3)


@pytest.mark.parametrize("knee", [60.0, 90.0, 120.0, 145.0])
def test_knee_angle_from_lengths_ignores_a_displaced_knee_landmark(knee: float) -> None:
    xy = supine_tabletop_px(knee, hip_deg=110)
    xy[L.LEFT_KNEE] += [30.0, 30.0]  # the occluded far knee, misplaced by the model
    assert joint_angle_deg(xy, "knee", "left") != pytest.approx(knee, abs=5)
    assert knee_angle_from_lengths_deg(xy, "left", 150.0, 140.0) == pytest.approx(knee, abs=1e-6)
    assert hip_angle_from_lengths_deg(xy, "left", 150.0, 140.0) == pytest.approx(110.0, abs=1e-6)


def test_knee_angle_from_lengths_uses_the_direct_angle_near_straight() -> None:
    xy = supine_tabletop_px(170.0, hip_deg=120)
    assert knee_angle_from_lengths_deg(xy, "left", 150.0, 140.0) == pytest.approx(170.0, abs=1e-6)
    thigh, shin = segment_length_px(xy, "right")
    assert (thigh, shin) == (pytest.approx(150.0), pytest.approx(140.0))


def _pinhole_height_cm(height_m: float, depth_m: float, camera_height_m: float, floor_depth_m: float) -> float:
    """Height above the image floor line (drawn at ``floor_depth_m``) of a point at ``height_m``
    and ``depth_m``, seen by a level pinhole camera at ``camera_height_m``; cm at the floor plane."""
    focal_px = 1000.0
    y_point_px = -focal_px * (height_m - camera_height_m) / depth_m
    y_floor_px = focal_px * camera_height_m / floor_depth_m
    cm_per_px = floor_depth_m / focal_px * 100.0
    return (y_floor_px - y_point_px) * cm_per_px


@pytest.mark.parametrize("camera_height_m", [0.08, 0.5, 0.95])
def test_far_leg_correction_undoes_a_pinhole_camera(camera_height_m: float) -> None:
    near_depth_m, far_depth_m, tabletop_m = 3.0, 3.25, 0.45
    size_ratio = near_depth_m / far_depth_m  # the far leg looks this much smaller
    near_base = _pinhole_height_cm(tabletop_m, near_depth_m, camera_height_m, near_depth_m)
    far_base = _pinhole_height_cm(tabletop_m, far_depth_m, camera_height_m, near_depth_m)
    correction = far_leg_correction(near_base, far_base, size_ratio)
    true_m = np.array([0.0, 0.05, 0.2, 0.45])
    measured = np.array([_pinhole_height_cm(h, far_depth_m, camera_height_m, near_depth_m) for h in true_m])
    if camera_height_m > 0.4:
        assert measured[0] > 2.0  # uncorrected, the far heel floats centimetres above the floor
    np.testing.assert_allclose(correction.apply(measured), true_m * 100.0, atol=1e-9)
    np.testing.assert_allclose(near_base, tabletop_m * 100.0)


def test_far_leg_correction_is_the_identity_when_unsure() -> None:
    for ratio in (math.nan, 0.5, 1.2):
        correction = far_leg_correction(45.0, 50.0, ratio)
        assert correction == DepthCorrection()
        np.testing.assert_array_equal(correction.apply(np.array([1.0, np.nan])), [1.0, np.nan])
    assert far_leg_correction(math.nan, 50.0, 0.9) == DepthCorrection()


UP, FEET, HIP_PX = np.array([0.0, -1.0]), np.array([1.0, 0.0]), np.array([300.0, 300.0])


def test_sweep_angle_known_directions() -> None:
    points = HIP_PX + np.array([[0.0, -50.0], [80.0, 0.0], [-80.0, 0.0], [50.0, -50.0], [30.0, 30.0]])
    np.testing.assert_allclose(sweep_angle_deg(points, HIP_PX, UP, FEET), [0.0, 90.0, -90.0, 45.0, 135.0], atol=1e-9)
    assert np.isnan(sweep_angle_deg(np.array([np.nan, 1.0]), HIP_PX, UP, FEET))


@pytest.mark.parametrize("hip_deg", [90.0, 105.0, 128.0])
def test_leg_sweep_follows_the_thigh_about_a_fixed_hip(hip_deg: float) -> None:
    """Knee held at 90°: knee and ankle turn rigidly with the thigh, so the sweep grows by
    exactly the thigh's turn; at tabletop it is the mean of 0° (knee straight above the
    hip) and atan(140/150) (the ankle)."""
    tabletop = float(leg_sweep_deg(supine_tabletop_px(), "left", HIP_PX, UP, FEET))
    assert tabletop == pytest.approx((0.0 + math.degrees(math.atan2(140.0, 150.0))) / 2.0, abs=1e-9)
    lowered = float(leg_sweep_deg(supine_tabletop_px(hip_deg=hip_deg), "left", HIP_PX, UP, FEET))
    assert lowered - tabletop == pytest.approx(hip_deg - 90.0, abs=1e-9)


def test_leg_sweep_ignores_a_sliding_hip_landmark() -> None:
    """The hip landmark slides with the thigh; the hip angle at it changes, the sweep about
    the frozen hip does not."""
    xy = supine_tabletop_px(hip_deg=115.0)
    slid = xy.copy()
    slid[L.LEFT_HIP] += [12.0, -6.0]
    assert float(joint_angle_deg(slid, "hip", "left")) != pytest.approx(float(joint_angle_deg(xy, "hip", "left")), abs=1.0)
    assert float(leg_sweep_deg(slid, "left", HIP_PX, UP, FEET)) == pytest.approx(
        float(leg_sweep_deg(xy, "left", HIP_PX, UP, FEET)), abs=1e-9)
