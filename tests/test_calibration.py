"""Calibration on synthetic pose sequences with a known still tabletop."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from formcheck.measure.calibration import CalibrationSettings, Calibrator
from formcheck.core.landmarks import Landmark as L
from formcheck.core.pose import Pose

from test_geometry import supine_tabletop_px

FPS = 30.0


def pose_at(t_s: float, knee_deg: float = 90.0, hip_deg: float = 90.0, jitter_px: float = 0.0,
            seed: int = 0) -> Pose:
    xy = supine_tabletop_px(knee_deg, hip_deg)
    xy += np.random.default_rng(seed).normal(0, jitter_px, xy.shape) if jitter_px else 0.0
    xy[L.NOSE] = [40.0, 290.0]
    world = np.where(np.isfinite(xy[:, :1]), 0.0, np.nan) * np.ones((1, 3))
    world[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER], :] = [[-0.5, 0, -0.1], [-0.5, 0, 0.1]]
    world[[L.LEFT_HIP, L.RIGHT_HIP], :] = [[0, 0, -0.1], [0, 0, 0.1]]
    world[L.NOSE] = [-0.7, 0, 0]
    return Pose(t_s=t_s, image_size=(640, 480), xy_px=xy, world_m=world,
                visibility=np.ones(33), presence=np.ones(33))


def run(poses: list[Pose], settings: CalibrationSettings | None = None):
    calibrator = Calibrator(settings)
    for pose in poses:
        if (result := calibrator.update(pose)) is not None:
            return result
    return calibrator.finish()


def test_still_tabletop_then_a_rep_calibrates_on_the_still_part() -> None:
    poses = [pose_at(i / FPS, jitter_px=0.8, seed=i) for i in range(45)]  # 1.5 s still
    poses += [pose_at((45 + i) / FPS, hip_deg=90 + 2 * i, seed=i) for i in range(30)]  # leg lowers
    calibration = run(poses)
    assert calibration.ok and calibration.warning is None
    assert calibration.start_s == pytest.approx(0.0)
    # movement is noticed within a few frames (5-frame median filter), and the window leaves out the
    # guard before that: it ends before the rep began
    guard_s = CalibrationSettings.for_profile().guard_s
    assert 44 / FPS - guard_s - 1 / FPS <= calibration.end_s <= 44 / FPS
    assert calibration.knee_angle_deg["left"] == pytest.approx(90, abs=2)
    # trunk 200 px = 0.5 m world → 0.25 cm/px; without a mask joints sit 0.2 trunk above the floor
    assert calibration.cm_per_px == pytest.approx(0.25, rel=0.01)
    assert calibration.heel_height_cm["left"] == pytest.approx((150 - 8 + 40) * 0.25, abs=0.5)
    assert calibration.view.view == "side" and calibration.view.near_side == "left"


def test_long_still_tabletop_stops_at_max_still() -> None:
    calibration = run([pose_at(i / FPS) for i in range(150)])
    guard_s = CalibrationSettings.for_profile().guard_s
    assert calibration.ok and calibration.end_s - calibration.start_s == pytest.approx(2.0 - guard_s, abs=1.01 / FPS)


def test_the_guard_keeps_half_the_shortest_still_run_and_the_tail_is_still_buffered() -> None:
    settings = replace(CalibrationSettings.for_profile(), guard_s=5.0)
    calibrator = Calibrator(settings)
    poses = [pose_at(i / FPS) for i in range(40)] + [pose_at((40 + i) / FPS, hip_deg=90 + 3 * i) for i in range(20)]
    for pose in poses:
        if calibrator.update(pose) is not None:
            break
    calibration = calibrator.result
    assert calibration is not None and calibration.ok
    assert calibration.end_s == pytest.approx(0.5 * settings.min_still_s, abs=1.01 / FPS)
    assert len(calibrator.buffered_poses) > len(calibrator.calibration_poses) >= 15
    assert calibrator.buffered_poses[: len(calibrator.calibration_poses)] == calibrator.calibration_poses


@pytest.mark.parametrize("fps", [30.0, 30000 / 1001, 25.0])
def test_still_tabletop_calibrates_as_soon_as_it_was_held_long_enough(fps: float) -> None:
    """Live users wait for "ready": the calibration must come after max_still_s of stillness,
    not only when they start moving (29.97 fps frame times never span exactly 2 s)."""
    calibrator = Calibrator()
    for i in range(int(4 * fps)):
        if calibrator.update(pose_at(i / fps)) is not None:
            break
    assert calibrator.result is not None and calibrator.result.ok
    assert i / fps == pytest.approx(2.0, abs=1.01 / fps)
    guard_s = calibrator.settings.guard_s
    assert calibrator.result.end_s - calibrator.result.start_s == pytest.approx(2.0 - guard_s, abs=1.01 / fps)


def test_settling_in_before_the_hold_is_skipped() -> None:
    poses = [pose_at(i / FPS, knee_deg=150 - 2 * i) for i in range(30)]  # not tabletop yet
    poses += [pose_at((30 + i) / FPS) for i in range(60)]
    calibration = run(poses)
    assert calibration.ok and calibration.start_s == pytest.approx(1.0, abs=0.15)


def test_no_tabletop_falls_back_with_a_warning() -> None:
    settings = replace(CalibrationSettings.for_profile(), search_s=3.0)
    poses = [pose_at(i / FPS, knee_deg=160) for i in range(150)]
    calibration = run(poses, settings)
    assert not calibration.ok and "no still tabletop" in calibration.warning
    assert calibration.end_s < 4.0  # gave up after search_s, not at the end


def test_nobody_found_gives_no_calibration() -> None:
    calibrator = Calibrator()
    for i in range(60):
        assert calibrator.update(Pose.missing(i / FPS, (640, 480))) is None
    assert calibrator.finish() is None


def test_settings_are_validated() -> None:
    from formcheck.profiles import get_profile

    with pytest.raises(ValueError, match="still_min_s"):
        replace(get_profile(), still_min_s=3.0, still_max_s=2.0)


def test_straight_leg_profile_calibrates_on_straight_knees() -> None:
    from formcheck.profiles import get_profile

    poses = [pose_at(i / FPS, knee_deg=172.0) for i in range(90)]
    assert not run(poses).ok  # not a tabletop
    calibration = run(poses, CalibrationSettings.for_profile(get_profile("straight-leg")))
    assert calibration.ok and calibration.knee_angle_deg["left"] == pytest.approx(172.0, abs=1.0)
    assert CalibrationSettings.for_profile(get_profile("heel-tap")).tabletop_knee_deg == (60.0, 120.0)


def test_shape_comes_from_the_whole_still_run_and_posture_from_the_window() -> None:
    """The guarded window gives the posture (knee/hip angles, heel heights) and the times; the
    body's shape (trunk axis, scale, floor) comes from every still frame, the tail included."""
    from formcheck.measure.calibration import calibrate

    window = [pose_at(i / FPS) for i in range(20)]
    tail = []
    for i in range(40):  # the tail: knees opened to 110°, the trunk 4 px lower in the image
        pose = pose_at((20 + i) / FPS, knee_deg=110.0)
        xy = pose.xy_px.copy()
        xy[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP], 1] += 4.0
        tail.append(replace(pose, xy_px=xy))
    calibration = calibrate(window, shape_poses=window + tail)
    assert calibration.axis.hip_px == pytest.approx([300.0, 304.0])  # the median of all 60 frames
    assert calibration.knee_angle_deg["left"] == pytest.approx(90.0, abs=1e-6)  # the window's
    assert (calibration.start_s, calibration.end_s) == pytest.approx((0.0, 19 / FPS))
    alone = calibrate(window)
    assert alone.axis.hip_px == pytest.approx([300.0, 300.0]) and alone.knee_angle_deg["left"] == pytest.approx(90.0)
