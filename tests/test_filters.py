"""Smoothing: zero-phase Butterworth (files) and One-Euro (live), NaN-aware, on known signals."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.measure.smoothing import OneEuroSmoother, ZeroPhaseSmoother, file_smoothers, fill_short_gaps, finite_runs, live_smoothers, smooth_series
from formcheck.core.series import SIGNAL_COLUMNS, MeasureSeries


def frame_times(fps: float, seconds: float) -> np.ndarray:
    return np.arange(int(round(fps * seconds))) / fps


@pytest.mark.parametrize("fps", [25.0, 30000 / 1001, 30.0])
def test_zero_phase_keeps_sine_amplitude_and_phase(fps: float) -> None:
    t = frame_times(fps, 12.0)
    values = 20.0 * np.sin(2 * np.pi * 0.25 * t)  # a 4 s movement cycle
    out = ZeroPhaseSmoother(3.0).smooth(t, values)
    inner = (t > 2) & (t < 10)
    assert np.max(np.abs(out[inner] - values[inner])) < 0.2
    peak_in = np.argmax(np.where(inner, values, -np.inf))
    peak_out = np.argmax(np.where(inner, out, -np.inf))
    assert abs(int(peak_out) - int(peak_in)) <= 1


def test_zero_phase_removes_jitter() -> None:
    t = frame_times(30.0, 10.0)
    rng = np.random.default_rng(0)
    clean = 40.0 + 10.0 * np.sin(2 * np.pi * 0.3 * t)
    out = ZeroPhaseSmoother(3.0).smooth(t, clean + rng.normal(0, 1.0, len(t)))
    assert np.std(out - clean) < 0.55


def test_zero_phase_one_second_swing_keeps_timing() -> None:
    t = frame_times(30.0, 6.0)
    u = np.clip((t - 2.0) / 1.0, 0, 1)
    values = 45.0 - 40.0 * (0.5 - 0.5 * np.cos(np.pi * u))  # 1 s cosine lowering
    out = ZeroPhaseSmoother(3.0).smooth(t, values)
    t_half_in = np.interp(25.0, values[::-1], t[::-1])
    t_half_out = np.interp(25.0, out[::-1], t[::-1])
    assert abs(t_half_out - t_half_in) < 0.02


def test_zero_phase_short_gap_interpolated_long_gap_kept() -> None:
    t = frame_times(30.0, 10.0)
    values = 30.0 + 0.5 * t
    values[60:69] = np.nan  # 0.33 s
    values[150:195] = np.nan  # 1.5 s
    out = ZeroPhaseSmoother(3.0, max_gap_s=0.5).smooth(t, values)
    assert np.all(np.isfinite(out[60:69]))
    np.testing.assert_allclose(out[60:69], 30.0 + 0.5 * t[60:69], atol=0.05)
    assert np.all(np.isnan(out[150:195]))
    assert np.all(np.isfinite(out[:150])) and np.all(np.isfinite(out[195:]))


def test_zero_phase_short_stretch_left_unfiltered_and_all_nan() -> None:
    t = frame_times(30.0, 3.0)
    values = np.full(len(t), np.nan)
    values[40:44] = [1.0, 5.0, 2.0, 7.0]  # too short to filter
    out = ZeroPhaseSmoother(3.0).smooth(t, values)
    np.testing.assert_array_equal(out[40:44], values[40:44])
    assert np.isnan(ZeroPhaseSmoother().smooth(t, np.full(len(t), np.nan))).all()
    assert len(ZeroPhaseSmoother().smooth(np.array([]), np.array([]))) == 0


def test_zero_phase_variable_frame_rate_and_repeated_timestamps() -> None:
    rng = np.random.default_rng(1)
    dt = rng.uniform(1 / 40, 1 / 20, 400)
    t = np.cumsum(dt)
    t[100] = t[99]  # a repeated timestamp
    values = 20.0 * np.sin(2 * np.pi * 0.25 * t)
    out = ZeroPhaseSmoother(3.0).smooth(t, values)
    inner = (t > 2) & (t < t[-1] - 2)
    assert np.all(np.isfinite(out))
    assert np.max(np.abs(out[inner] - values[inner])) < 0.4


def test_fill_short_gaps_and_runs() -> None:
    t = np.arange(10) * 0.1
    v = np.array([0, np.nan, 2, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, 9], dtype=float)
    out = fill_short_gaps(t, v, 0.25)
    assert out[1] == pytest.approx(1.0)
    assert np.isnan(out[3:9]).all()
    assert finite_runs(np.isfinite(out)) == [(0, 3), (9, 10)]


def test_constructors_name_bad_argument() -> None:
    with pytest.raises(ValueError, match="cutoff_hz"):
        ZeroPhaseSmoother(cutoff_hz=0)
    with pytest.raises(ValueError, match="order"):
        ZeroPhaseSmoother(order=0)
    with pytest.raises(ValueError, match="beta"):
        OneEuroSmoother(beta=-1)
    with pytest.raises(ValueError, match="min_cutoff_hz"):
        OneEuroSmoother(min_cutoff_hz=float("nan"))


def test_one_euro_is_causal() -> None:
    t = frame_times(30.0, 4.0)
    rng = np.random.default_rng(2)
    a = 40.0 + rng.normal(0, 1.0, len(t))
    b = a.copy()
    b[60:] += rng.normal(0, 20.0, len(t) - 60)  # change only the future of frame 59
    f = OneEuroSmoother(1.0, 0.05)
    out_a, out_b = f.smooth(t, a), f.smooth(t, b)
    np.testing.assert_array_equal(out_a[:60], out_b[:60])
    assert not np.allclose(out_a[60:], out_b[60:])


def test_one_euro_smooths_and_follows() -> None:
    t = frame_times(30.0, 6.0)
    rng = np.random.default_rng(3)
    step = np.where(t < 3.0, 45.0, 5.0)
    out = OneEuroSmoother(1.0, 0.05).smooth(t, step + rng.normal(0, 0.5, len(t)))
    assert np.std(out[30:85] - 45.0) < 0.3  # still: smoothed
    assert abs(out[-1] - 5.0) < 0.5  # moved: caught up


def test_one_euro_nan_and_gap_reset() -> None:
    f = OneEuroSmoother(1.0, 0.0, max_gap_s=0.5)
    assert f.update(0.0, 10.0) == 10.0
    first = f.update(1 / 30, 20.0)
    assert 10.0 < first < 20.0
    assert np.isnan(f.update(2 / 30, float("nan")))
    assert 10.0 < f.update(3 / 30, 20.0) < 20.0  # state kept over a short gap
    assert f.update(3 / 30, 50.0) == f.update(3 / 30, 70.0)  # repeated timestamp: no change
    assert f.update(2.0, 99.0) == 99.0  # reset after a long gap


def test_smooth_series_every_signal_column() -> None:
    t = frame_times(30.0, 5.0)
    rng = np.random.default_rng(4)
    series = MeasureSeries.empty(t)
    series.detected[:] = 1.0
    for name in SIGNAL_COLUMNS:
        getattr(series, name)[:] = 50.0 + rng.normal(0, 1.0, len(t))
    for smoothers in (None, file_smoothers(), live_smoothers(), ZeroPhaseSmoother(3.0)):
        out = smooth_series(series, smoothers)
        np.testing.assert_array_equal(out.t_s, series.t_s)
        np.testing.assert_array_equal(out.detected, series.detected)
        for name in SIGNAL_COLUMNS:
            assert np.std(getattr(out, name)[30:]) < np.std(getattr(series, name)[30:])
    assert out.knee_angle_left_deg is not series.knee_angle_left_deg
