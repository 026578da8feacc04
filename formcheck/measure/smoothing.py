"""Smoothing of per-frame measurements behind one small interface (NaN-aware).

Two implementations share :class:`Smoother` (``smooth(t_s, values) -> values``):

* :class:`ZeroPhaseSmoother` for files: a Butterworth low-pass run forwards and
  backwards (``scipy.signal.sosfiltfilt``), so peaks and turning points keep their
  time. Short NaN gaps are interpolated linearly first; longer gaps stay NaN and split
  the signal into stretches that are filtered separately (as Pose2Sim does); stretches
  too short to filter are returned unfiltered.
* :class:`OneEuroSmoother` for live: causal, one ``update(t_s, value)`` per frame.

Time handling of :class:`ZeroPhaseSmoother`: each finite stretch is filtered on a
uniform grid. When the frame intervals are uniform (within 5 % of the median, e.g. 25,
29.97 or 30 fps) the frames themselves are that grid and the sampling rate is
``1 / median interval``; otherwise (variable frame rate, repeated timestamps) the stretch
is resampled linearly to the median interval, filtered, and read back at the original
timestamps.
"""

from __future__ import annotations

import copy
import math
from abc import ABC, abstractmethod
from dataclasses import replace
from typing import Mapping

import numpy as np
from scipy.signal import butter, sosfiltfilt

from formcheck.core.series import SIGNAL_COLUMNS, MeasureSeries

__all__ = [
    "Smoother",
    "ZeroPhaseSmoother",
    "OneEuroSmoother",
    "fill_short_gaps",
    "finite_runs",
    "file_smoothers",
    "live_smoothers",
    "smooth_series",
]

SWEEP = "leg_sweep_deg"  # the smoother of a leg's sweep about the calibrated hip (an angle)
_UNIFORM_TOLERANCE = 0.05  # max relative deviation of a frame interval from the median


class Smoother(ABC):
    """Smooths one scalar signal sampled at times ``t_s`` (seconds); NaN = unknown."""

    @abstractmethod
    def smooth(self, t_s: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Smoothed copy of ``values`` (same shape, NaN where it stays unknown)."""


def finite_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) index pairs (stop exclusive) of the runs where ``mask`` is True."""
    m = np.concatenate(([False], np.asarray(mask, dtype=bool), [False]))
    edges = np.flatnonzero(np.diff(m.astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def fill_short_gaps(t_s: np.ndarray, values: np.ndarray, max_gap_s: float) -> np.ndarray:
    """Linearly interpolate (in time) NaN gaps between finite samples at most ``max_gap_s`` apart.

    The gap length is the time between the finite samples on either side. Leading and
    trailing NaNs and longer gaps stay NaN.
    """
    t = np.asarray(t_s, dtype=np.float64)
    v = np.array(values, dtype=np.float64)
    finite = np.isfinite(v)
    idx = np.flatnonzero(finite)
    if len(idx) < 2 or finite.all():
        return v
    gap_s = np.diff(t[idx])
    short = (np.diff(idx) > 1) & (gap_s <= max_gap_s)
    for k in np.flatnonzero(short):
        a, b = idx[k], idx[k + 1]
        v[a + 1 : b] = np.interp(t[a + 1 : b], [t[a], t[b]], [v[a], v[b]])
    return v


class ZeroPhaseSmoother(Smoother):
    """NaN-aware zero-phase Butterworth low-pass for recorded files.

    Args:
        cutoff_hz: -3 dB frequency of one pass (the forward-backward run has -6 dB here).
        order: Butterworth order of one pass.
        max_gap_s: NaN gaps up to this long (s) are interpolated before filtering.
    """

    def __init__(self, cutoff_hz: float = 3.0, order: int = 2, max_gap_s: float = 0.5) -> None:
        if not (cutoff_hz > 0 and math.isfinite(cutoff_hz)):
            raise ValueError(f"cutoff_hz must be a positive number, got {cutoff_hz}")
        if int(order) != order or order < 1:
            raise ValueError(f"order must be a positive integer, got {order}")
        if not max_gap_s >= 0:
            raise ValueError(f"max_gap_s must be >= 0, got {max_gap_s}")
        self.cutoff_hz = float(cutoff_hz)
        self.order = int(order)
        self.max_gap_s = float(max_gap_s)

    def __repr__(self) -> str:
        return f"ZeroPhaseSmoother(cutoff_hz={self.cutoff_hz}, order={self.order}, max_gap_s={self.max_gap_s})"

    def smooth(self, t_s: np.ndarray, values: np.ndarray) -> np.ndarray:
        t = np.asarray(t_s, dtype=np.float64)
        v = fill_short_gaps(t, values, self.max_gap_s)
        if t.shape != v.shape:
            raise ValueError(f"t_s and values must have the same shape, got {t.shape} and {v.shape}")
        out = v.copy()
        for a, b in finite_runs(np.isfinite(v)):
            out[a:b] = self._filter_stretch(t[a:b], v[a:b])
        return out

    def _filter_stretch(self, t: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Filter one finite stretch; unfiltered when too short or sampled too slowly."""
        if len(v) < 4:
            return v
        dt = np.diff(t)
        positive = dt[dt > 0]
        if len(positive) == 0:
            return v
        step = float(np.median(positive))
        fs = 1.0 / step
        if self.cutoff_hz >= 0.45 * fs:  # nothing to remove at this frame rate
            return v
        sos = butter(self.order, self.cutoff_hz, btype="low", fs=fs, output="sos")
        padlen = 3 * (2 * len(sos) + 1)
        uniform = bool(np.all(np.abs(dt - step) <= _UNIFORM_TOLERANCE * step))
        if uniform:
            if len(v) <= padlen:
                return v
            return sosfiltfilt(sos, v, padlen=padlen)
        t_u, first = np.unique(t, return_index=True)
        grid = t_u[0] + step * np.arange(int(math.floor((t_u[-1] - t_u[0]) / step + 1e-9)) + 1)
        if len(grid) <= padlen:
            return v
        resampled = np.interp(grid, t_u, v[first])
        return np.interp(t, grid, sosfiltfilt(sos, resampled, padlen=padlen))


class OneEuroSmoother(Smoother):
    """Causal One-Euro filter (Casiez et al. 2012) for live use, one sample at a time.

    Args:
        min_cutoff_hz: cutoff when the signal is still (lower = smoother, more lag).
        beta: how fast the cutoff grows with speed (per unit of the signal per second).
        d_cutoff_hz: cutoff of the derivative estimate.
        max_gap_s: after a gap (NaN or missing frames) longer than this the state resets.

    NaN in gives NaN out and keeps the state; a timestamp not after the previous one
    returns the previous output without changing the state.
    """

    def __init__(self, min_cutoff_hz: float = 1.0, beta: float = 0.05, d_cutoff_hz: float = 1.0,
                 max_gap_s: float = 0.5) -> None:
        for name, value in (("min_cutoff_hz", min_cutoff_hz), ("d_cutoff_hz", d_cutoff_hz)):
            if not (value > 0 and math.isfinite(value)):
                raise ValueError(f"{name} must be a positive number, got {value}")
        if not (beta >= 0 and math.isfinite(beta)):
            raise ValueError(f"beta must be >= 0, got {beta}")
        if not max_gap_s >= 0:
            raise ValueError(f"max_gap_s must be >= 0, got {max_gap_s}")
        self.min_cutoff_hz = float(min_cutoff_hz)
        self.beta = float(beta)
        self.d_cutoff_hz = float(d_cutoff_hz)
        self.max_gap_s = float(max_gap_s)
        self.reset()

    def __repr__(self) -> str:
        return (f"OneEuroSmoother(min_cutoff_hz={self.min_cutoff_hz}, beta={self.beta}, "
                f"d_cutoff_hz={self.d_cutoff_hz}, max_gap_s={self.max_gap_s})")

    def reset(self) -> None:
        """Forget the state (the next sample passes through unchanged)."""
        self._t: float | None = None
        self._x = math.nan
        self._dx = 0.0

    @staticmethod
    def _alpha(cutoff_hz: float, dt_s: float) -> float:
        tau = 1.0 / (2.0 * math.pi * cutoff_hz)
        return 1.0 / (1.0 + tau / dt_s)

    def update(self, t_s: float, value: float) -> float:
        """Filtered value at time ``t_s`` (seconds) given the new raw ``value``."""
        if not math.isfinite(value):
            return math.nan
        if self._t is None or t_s - self._t > self.max_gap_s:
            self._t, self._x, self._dx = t_s, float(value), 0.0
            return self._x
        dt = t_s - self._t
        if dt <= 0:
            return self._x
        dx = (value - self._x) / dt
        self._dx += self._alpha(self.d_cutoff_hz, dt) * (dx - self._dx)
        cutoff = self.min_cutoff_hz + self.beta * abs(self._dx)
        self._x += self._alpha(cutoff, dt) * (value - self._x)
        self._t = t_s
        return self._x

    def smooth(self, t_s: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Run a fresh copy of this filter over a whole signal (this object's state is untouched)."""
        fresh = copy.copy(self)
        fresh.reset()
        t = np.asarray(t_s, dtype=np.float64).tolist()
        v = np.asarray(values, dtype=np.float64).tolist()
        return np.array([fresh.update(a, b) for a, b in zip(t, v)], dtype=np.float64)


def file_smoothers(max_gap_s: float = 0.5) -> dict[str, Smoother]:
    """Zero-phase smoothers per signal column (and :data:`SWEEP`) for recorded files.

    Angles, the leg sweep and heel heights: 3 Hz (reps last 1–6 s; a 1 s swing keeps its timing).
    Lumbar lift and pelvic tilt: 2 Hz (silhouette jitter; arching builds over ≥ 0.5 s).
    """
    out: dict[str, Smoother] = {name: ZeroPhaseSmoother(3.0, 2, max_gap_s) for name in (*SIGNAL_COLUMNS, SWEEP)}
    out["lumbar_lift_cm"] = ZeroPhaseSmoother(2.0, 2, max_gap_s)
    out["pelvic_tilt_deg"] = ZeroPhaseSmoother(2.0, 2, max_gap_s)
    return out


def live_smoothers(max_gap_s: float = 0.5) -> dict[str, Smoother]:
    """One-Euro smoothers per signal column (and :data:`SWEEP`) for live feedback (fresh state
    each call)."""
    out: dict[str, Smoother] = {name: OneEuroSmoother(1.5, 0.05, 1.0, max_gap_s) for name in (*SIGNAL_COLUMNS, SWEEP)}
    for name in ("heel_height_left_frac", "heel_height_right_frac"):
        out[name] = OneEuroSmoother(1.5, 2.0, 1.0, max_gap_s)  # fractions move ~1/s, not ~20 cm/s
    out["lumbar_lift_cm"] = OneEuroSmoother(1.0, 0.3, 1.0, max_gap_s)
    out["pelvic_tilt_deg"] = OneEuroSmoother(1.0, 0.05, 1.0, max_gap_s)
    return out


def smooth_series(series: MeasureSeries,
                  smoother: Smoother | Mapping[str, Smoother] | None = None) -> MeasureSeries:
    """A smoothed copy of every signal column of ``series`` (``t_s`` and ``detected`` unchanged).

    ``smoother`` is one smoother for every column, a mapping column → smoother (columns
    not in it are copied unchanged), or None for :func:`file_smoothers`.
    """
    chosen: Mapping[str, Smoother] = file_smoothers() if smoother is None else (
        {name: smoother for name in SIGNAL_COLUMNS} if isinstance(smoother, Smoother) else smoother)
    values = {}
    for name in SIGNAL_COLUMNS:
        column = getattr(series, name)
        values[name] = chosen[name].smooth(series.t_s, column) if name in chosen else column.copy()
    return replace(series, **values)
