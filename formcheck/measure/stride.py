"""Analysing every Nth frame: the automatic stride and the frames in between.

The pose model is the cost of an analysis (~46 ms a frame on 2 cores, ~21 frames/s), so
a 30 fps video analysed frame by frame runs slower than real time. Movements of this
exercise take 1–6 s and the measurements are low-passed at 2–3 Hz anyway, so ~15
analysed frames a second carry the same information: :func:`default_stride` picks the
smallest stride that keeps the analysed rate at or below :data:`MAX_ANALYSED_FPS`.

Frames that are not analysed still get a row in frames.csv: :class:`TimeInterpolation`
places each of them between its two analysed neighbours (linear in time, NaN when either
neighbour is unknown; frames after the last analysed one repeat it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from formcheck.core.series import MeasureSeries
from formcheck.measure.frame_table import FrameTable

# Analysed frames per second the automatic stride aims at (bench/accuracy.py measures
# the accuracy at stride 1, 2, 3; bench/throughput.py the speed).
MAX_ANALYSED_FPS = 15.0


def default_stride(fps: float, max_analysed_fps: float = MAX_ANALYSED_FPS) -> int:
    """The smallest stride that analyses at most ``max_analysed_fps`` frames a second
    (1 when the frame rate is unknown): 30 fps → 2, 29.97 → 2, 25 → 2, 15 → 1, 60 → 4."""
    if not (math.isfinite(fps) and fps > 0):
        return 1
    # a tolerance so 30.0 / 15.0 is 2, not 3 from rounding
    return max(1, math.ceil(fps / max_analysed_fps - 1e-6))


def check_stride(stride: int) -> int:
    """``stride`` as an int, or ValueError when it is not a whole number ≥ 1."""
    if isinstance(stride, bool) or int(stride) != stride or stride < 1:
        raise ValueError(f"stride must be a whole number of frames, at least 1, got {stride!r}")
    return int(stride)


@dataclass(frozen=True)
class TimeInterpolation:
    """Where each of ``n`` output times falls between the known (analysed) times.

    Attributes:
        lower: (n,) index of the known sample at or before each time.
        upper: (n,) index of the known sample after it (== lower at or past the ends).
        weight: (n,) 0 at ``lower``, 1 at ``upper``.
    """

    lower: np.ndarray
    upper: np.ndarray
    weight: np.ndarray

    @classmethod
    def between(cls, known_t_s: np.ndarray, t_s: np.ndarray) -> TimeInterpolation:
        """Place ``t_s`` among ``known_t_s`` (both increasing; at least one known time)."""
        known = np.asarray(known_t_s, dtype=np.float64)
        times = np.asarray(t_s, dtype=np.float64)
        if len(known) == 0:
            raise ValueError("at least one known time is needed to interpolate")
        lower = np.clip(np.searchsorted(known, times, side="right") - 1, 0, len(known) - 1)
        upper = np.minimum(lower + 1, len(known) - 1)
        span = known[upper] - known[lower]
        with np.errstate(invalid="ignore", divide="ignore"):
            weight = np.where(span > 0, (times - known[lower]) / np.where(span > 0, span, 1.0), 0.0)
        return cls(lower=lower, upper=upper, weight=np.clip(weight, 0.0, 1.0))

    @property
    def exact(self) -> np.ndarray:
        """(n,) True where an output time is a known sample itself (weight 0)."""
        return self.weight == 0.0

    def values(self, known: np.ndarray) -> np.ndarray:
        """Linear interpolation of ``known`` (first axis = known times, any trailing shape);
        NaN where a neighbour that contributes is NaN."""
        known = np.asarray(known, dtype=np.float64)
        w = self.weight.reshape((-1,) + (1,) * (known.ndim - 1))
        below, above = known[self.lower], known[self.upper]
        return np.where(w == 0.0, below, below + w * (above - below))

    def both(self, known: np.ndarray) -> np.ndarray:
        """For 1/0 flags: set only where both neighbours are set (exact samples keep theirs)."""
        known = np.asarray(known)
        return np.where(self.exact, known[self.lower], np.minimum(known[self.lower], known[self.upper]))

    def nearest(self, known: np.ndarray) -> np.ndarray:
        """The value of the nearer neighbour in time (for counts)."""
        known = np.asarray(known)
        return np.where(self.weight <= 0.5, known[self.lower], known[self.upper])


def expand_series(series: MeasureSeries, t_s: np.ndarray) -> MeasureSeries:
    """``series`` (analysed frames) interpolated at every time in ``t_s``; a frame counts as
    detected when both its analysed neighbours are."""
    where = TimeInterpolation.between(series.t_s, t_s)
    columns = {name: where.values(values) for name, values in series.columns() if name not in ("t_s", "detected")}
    return replace(series, t_s=np.asarray(t_s, dtype=np.float64).copy(),
                   detected=where.both(series.detected).astype(np.float64), **columns)


def expand_frame_table(table: FrameTable, t_s: np.ndarray, frame_index: np.ndarray) -> FrameTable:
    """``table`` (rows = analysed frames) spread over every frame read (``t_s``,
    ``frame_index``): analysed rows as they are, the others interpolated, ``analysed`` 1/0."""
    where = TimeInterpolation.between(table.series.t_s, t_s)
    analysed = np.isin(np.asarray(frame_index), table.frame_index)
    return FrameTable(series=expand_series(table.series, t_s),
                      frame_index=np.asarray(frame_index, dtype=np.int64).copy(),
                      people=where.nearest(table.people), back_gap_cm=where.values(table.back_gap_cm),
                      xy_px=where.values(table.xy_px), visibility=where.values(table.visibility),
                      world_m=where.values(table.world_m), analysed=analysed.astype(np.int64))
