"""The automatic stride and the interpolation of the frames the model skipped (known answers)."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.core.series import MeasureSeries
from formcheck.measure.frame_table import FrameTable
from formcheck.measure.stride import TimeInterpolation, check_stride, default_stride, expand_frame_table, expand_series


@pytest.mark.parametrize("fps, stride", [
    (30.0, 2), (29.97, 2), (25.0, 2), (24.0, 2), (15.0, 1), (12.0, 1), (60.0, 4), (59.94, 4),
    (50.0, 4), (31.0, 3), (0.0, 1), (float("nan"), 1), (-5.0, 1),
])
def test_default_stride_keeps_at_most_15_analysed_frames_a_second(fps: float, stride: int) -> None:
    assert default_stride(fps) == stride


def test_default_stride_follows_the_analysed_rate() -> None:
    assert default_stride(30.0, max_analysed_fps=30.0) == 1
    assert default_stride(30.0, max_analysed_fps=10.0) == 3


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_check_stride_rejects_what_is_not_a_positive_whole_number(bad: object) -> None:
    with pytest.raises(ValueError, match="stride must be a whole number"):
        check_stride(bad)  # type: ignore[arg-type]


def test_check_stride_accepts_whole_numbers() -> None:
    assert check_stride(3) == 3 and check_stride(3.0) == 3  # type: ignore[arg-type]


def test_interpolation_is_linear_in_time_not_in_frames() -> None:
    known_t = np.array([0.0, 1.0, 3.0])
    where = TimeInterpolation.between(known_t, np.array([0.0, 0.5, 1.0, 2.0, 2.5, 3.0, 3.5]))
    values = where.values(np.array([10.0, 20.0, 40.0]))
    np.testing.assert_allclose(values, [10.0, 15.0, 20.0, 30.0, 35.0, 40.0, 40.0])  # past the end: held
    np.testing.assert_array_equal(where.exact, [True, False, True, False, False, True, True])


def test_interpolation_propagates_unknown_neighbours_but_keeps_known_samples() -> None:
    known_t = np.array([0.0, 1.0, 2.0])
    where = TimeInterpolation.between(known_t, np.array([0.0, 0.5, 1.0, 1.5, 2.0]))
    values = where.values(np.array([1.0, np.nan, 3.0]))
    assert values[0] == 1.0 and values[4] == 3.0
    assert np.isnan(values[1]) and np.isnan(values[2]) and np.isnan(values[3])
    flags = where.both(np.array([1, 0, 1]))
    np.testing.assert_array_equal(flags, [1, 0, 0, 0, 1])
    np.testing.assert_array_equal(where.nearest(np.array([5, 6, 7])), [5, 5, 6, 6, 7])


def test_interpolation_of_landmark_arrays_keeps_their_shape() -> None:
    known = np.zeros((2, 33, 2))
    known[1] = 10.0
    where = TimeInterpolation.between(np.array([0.0, 0.1]), np.array([0.0, 0.025, 0.1]))
    out = where.values(known)
    assert out.shape == (3, 33, 2)
    np.testing.assert_allclose(out[1], 2.5)


def _series(t_s: np.ndarray, knee: np.ndarray) -> MeasureSeries:
    series = MeasureSeries.empty(t_s)
    series.detected = np.ones(len(t_s))
    series.knee_angle_left_deg = knee
    return series


def test_expand_series_fills_every_frame_time() -> None:
    analysed_t = np.array([0.0, 2 / 30, 4 / 30])
    all_t = np.arange(5) / 30
    expanded = expand_series(_series(analysed_t, np.array([90.0, 100.0, 120.0])), all_t)
    np.testing.assert_allclose(expanded.t_s, all_t)
    np.testing.assert_allclose(expanded.knee_angle_left_deg, [90.0, 95.0, 100.0, 110.0, 120.0])
    np.testing.assert_array_equal(expanded.detected, [1, 1, 1, 1, 1])
    assert np.isnan(expanded.lumbar_lift_cm).all()


def test_expand_frame_table_marks_the_analysed_rows() -> None:
    analysed_t = np.array([0.0, 2 / 30, 4 / 30])
    n = len(analysed_t)
    xy = np.zeros((n, 33, 2))
    xy[:, 0, 0] = [100.0, 110.0, 130.0]
    table = FrameTable(series=_series(analysed_t, np.array([90.0, 100.0, 120.0])), frame_index=np.array([0, 2, 4]),
                       people=np.array([1, 2, 1]), back_gap_cm=np.array([0.0, 1.0, np.nan]), xy_px=xy,
                       visibility=np.ones((n, 33)), world_m=np.zeros((n, 33, 3)))
    wide = expand_frame_table(table, np.arange(6) / 30, np.arange(6))
    np.testing.assert_array_equal(wide.analysed, [1, 0, 1, 0, 1, 0])
    np.testing.assert_array_equal(wide.frame_index, np.arange(6))
    np.testing.assert_allclose(wide.xy_px[:, 0, 0], [100.0, 105.0, 110.0, 120.0, 130.0, 130.0])
    np.testing.assert_allclose(wide.back_gap_cm[:2], [0.0, 0.5])
    assert np.isnan(wide.back_gap_cm[3])
