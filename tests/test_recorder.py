"""The recorder: measurements against the calibration, and recalibration after a move."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from formcheck.core.landmarks import Landmark as L
from formcheck.measure.recorder import MeasureRecorder
from formcheck.profiles import get_profile

MOVED_FOR_S = get_profile().moved_for_s

from test_calibration import FPS, pose_at


def shifted(pose, offset_px):
    return replace(pose, xy_px=pose.xy_px + offset_px)


def test_heel_height_and_knee_angle_after_calibration() -> None:
    recorder = MeasureRecorder()
    for i in range(90):
        recorder.update(pose_at(i / FPS, jitter_px=0.5, seed=i))
    series = recorder.series()
    assert recorder.calibration is not None and recorder.calibration.ok
    # tabletop: heel 150 − 8 px above the hip, hips 40 px (0.2 trunk) above the floor; 0.25 cm/px
    np.testing.assert_allclose(np.nanmedian(series.heel_height_left_cm), (150 - 8 + 40) * 0.25, atol=0.6)
    np.testing.assert_allclose(np.nanmedian(series.knee_angle_left_deg), 90.0, atol=1.0)


def test_a_move_after_calibration_recalibrates_and_keeps_measuring() -> None:
    recorder = MeasureRecorder()
    offset = np.array([90.0, 30.0])  # the person shuffled along the mat: 0.47 trunk lengths
    frames = 60 + int((MOVED_FOR_S + 2.5) * FPS)
    for i in range(frames):
        pose = pose_at(i / FPS)
        recorder.update(shifted(pose, offset) if i >= 60 else pose)
    assert [s.calibration is not None for s in recorder.segments] == [True, False, True]
    assert recorder.segments[1].moved_at_s == pytest.approx(2.0, abs=0.05)
    notes = recorder.recalibration_notes()
    assert len(notes) == 1 and "moved at 2.0 s" in notes[0] and "recalibrated" in notes[0]
    series = recorder.series()
    before, after = series.heel_height_left_cm[:60], series.heel_height_left_cm[-15:]
    # measured against its own floor line, the same pose has the same heel height
    np.testing.assert_allclose(np.nanmedian(after), np.nanmedian(before), atol=0.5)
    gap = series.heel_height_left_cm[65:70]
    assert np.isnan(gap).all()  # between the move and the new calibration: not measured


def test_a_lowering_leg_is_not_a_move() -> None:
    recorder = MeasureRecorder()
    for i in range(60):
        recorder.update(pose_at(i / FPS))
    for i in range(60, 150):
        recorder.update(pose_at(i / FPS, hip_deg=90 + min(40, i - 60)))  # leg lowers and stays low
    assert len(recorder.segments) == 1 and recorder.recalibration_notes() == []
    assert np.isfinite(recorder.series().heel_height_left_cm[-1])


def test_hip_landmark_is_what_moves_with_the_leg() -> None:
    pose = pose_at(0.0, hip_deg=130)
    assert np.allclose(pose.xy_px[L.LEFT_HIP], [300.0, 300.0])  # the test bodies keep hips fixed


def test_leg_sweep_about_the_calibrated_hip() -> None:
    """The sweep grows by the thigh's turn after calibration (the test body's hip is fixed)."""
    recorder = MeasureRecorder()
    for i in range(60):
        recorder.update(pose_at(i / FPS))
    for i in range(60, 90):
        recorder.update(pose_at(i / FPS, hip_deg=120.0))
    sweep = recorder.leg_sweep_deg("left")
    assert sweep.shape == (90,)
    assert sweep[-1] - np.nanmedian(sweep[:60]) == pytest.approx(30.0, abs=1.0)
    assert MeasureRecorder().leg_sweep_deg("left").shape == (0,)
