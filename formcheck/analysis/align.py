"""Time alignment of two cameras of one session, from the motion both of them see.

Each camera's measures are in its own clock (its first frame at its own zero). The legs move
the same way in both videos, so the offset between the clocks is the lag at which their
leg-motion signals agree best: per leg, the heel height (as a fraction of the trunk, so the
two cameras' scales do not matter) and the hip angle, each compared like with like (left with
left) by a Pearson correlation over the frames both videos cover, for every lag on a 10 ms
grid; the channels' correlations are averaged with weights (:func:`channel_weight`: a leg
that faces both cameras counts most, one hidden from both least; :func:`motion_weights`: a
leg that hardly moves carries only noise) and the peak is refined to sub-grid by a parabola
through its neighbours.

The peak's height is the confidence (1 = the same curves). Two videos of different sessions
do not reach :data:`MIN_SAME_SESSION_R` at any lag that keeps :data:`MIN_OVERLAP_FRACTION` of
the shorter video in common; a peak that is low, or hardly higher than the best lag a second
away (periodic reps look alike), is weak.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
from scipy.signal import correlate

from formcheck.core.legs import LEGS, Leg
from formcheck.core.series import MeasureSeries
from formcheck.errors import FormcheckError

GRID_S = 0.01  # the lag grid (s); the peak is refined below it
MAX_GAP_S = 0.5  # measures unknown for longer than this are left out, not interpolated
MIN_OVERLAP_S = 3.0  # the videos must share at least this much time ...
MIN_OVERLAP_FRACTION = 0.6  # ... and this fraction of the shorter video
MIN_SAME_SESSION_R = 0.75  # below this at the best lag: not the same session
WEAK_R = 0.9  # below this the alignment is weak (a warning)
WEAK_MARGIN = 0.05  # the peak must beat the best lag outside its lobe by this much
LOBE_S = 1.0  # lags this close to the peak belong to its lobe
MIN_CHANNEL_STD = 1e-6


class AlignmentError(FormcheckError):
    """The two videos do not show the same session, or do not overlap in time."""


@dataclass(frozen=True)
class Alignment:
    """How the second camera's clock maps onto the first's: ``t_first = t_second + offset_s``.

    Attributes:
        offset_s: the second video's start relative to the first's (s; > 0: it started later).
        confidence: the weighted correlation of the leg motion at that offset (−1..1; 1 = the same).
        runner_up: the best correlation at lags outside the peak's lobe (NaN when there is none).
        overlap_s: time both videos cover at that offset.
        weak: whether the alignment is weak (low confidence, or a runner-up nearly as good).
    """

    offset_s: float
    confidence: float
    runner_up: float
    overlap_s: float
    weak: bool


@dataclass(frozen=True)
class CameraMotion:
    """One camera's leg-motion signals: per channel name, values on a uniform grid from ``t0_s``.

    NaN where unknown. Channel names are like ``heel_left`` / ``hip_right``; ``near_side`` is the
    leg that faces this camera (None when neither does), ``duration_s`` the video's length.
    """

    t0_s: float
    channels: Mapping[str, np.ndarray]
    near_side: Leg | None
    duration_s: float


def _grid_values(t_s: np.ndarray, values: np.ndarray, grid_t_s: np.ndarray) -> np.ndarray:
    """``values`` at ``grid_t_s``: linear between known samples, NaN across gaps > MAX_GAP_S."""
    known = np.isfinite(values) & np.isfinite(t_s)
    out = np.full(len(grid_t_s), np.nan)
    if known.sum() < 2:
        return out
    t, v = t_s[known], values[known]
    out = np.interp(grid_t_s, t, v, left=np.nan, right=np.nan)
    after = np.clip(np.searchsorted(t, grid_t_s), 1, len(t) - 1)
    gap = (t[after] - t[after - 1]) > MAX_GAP_S
    out[gap] = np.nan
    return out


def camera_motion(series: MeasureSeries, near_side: Leg | None, duration_s: float | None = None) -> CameraMotion:
    """The leg-motion channels of one camera's (smoothed) series, on the :data:`GRID_S` grid."""
    t = series.t_s
    if len(t) == 0:
        return CameraMotion(0.0, {}, near_side, 0.0)
    t0, t1 = float(t[0]), float(t[-1])
    grid = t0 + GRID_S * np.arange(int(math.floor((t1 - t0) / GRID_S)) + 1)
    channels = {}
    for leg in LEGS:
        channels[f"heel_{leg}"] = _grid_values(t, getattr(series, f"heel_height_{leg}_frac"), grid)
        channels[f"hip_{leg}"] = _grid_values(t, series.hip_angle_deg(leg), grid)
    return CameraMotion(t0, channels, near_side, duration_s if duration_s is not None else t1 - t0)


def channel_weight(leg: Leg, near_first: Leg | None, near_second: Leg | None) -> float:
    """How much a leg's channels count: it faces both cameras 1, one of them 0.5, neither 0.25
    (a far leg hides behind the near one in tabletop: its start and end are seen late)."""
    facing = (leg == near_first) + (leg == near_second)
    return (0.25, 0.5, 1.0)[facing]


def _spread(values: np.ndarray) -> float:
    """How far a channel moves: its 5th to 95th percentile range (0 when unknown)."""
    known = values[np.isfinite(values)]
    return float(np.percentile(known, 95) - np.percentile(known, 5)) if known.size >= 3 else 0.0


def motion_weights(first: CameraMotion, second: CameraMotion, names: Sequence[str]) -> dict[str, float]:
    """Per channel, how much it moves relative to the same measure of the other leg, in the camera
    where it moves most (0..1), squared: a leg that stays in tabletop in both videos carries only
    noise, one that moves in one video and not in the other says they are not the same session."""
    weights = {}
    for name in names:
        kind = name.split("_")[0]
        ratios = []
        for motion in (first, second):
            spreads = {other: _spread(values) for other, values in motion.channels.items()
                       if other.split("_")[0] == kind}
            top = max(spreads.values())
            ratios.append(spreads[name] / top if top > 0 else 0.0)
        weights[name] = max(ratios) ** 2
    return weights


def _masked_pearson(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pearson correlation of ``a`` and ``b`` over their common known samples, for every lag.

    Lag k (index ``k + len(b) - 1`` of the result) compares ``a[i]`` with ``b[i - k]``. Returns
    (r, n): the correlation (NaN where undefined) and the number of common samples.
    """
    ma, mb = np.isfinite(a).astype(float), np.isfinite(b).astype(float)
    x, y = np.where(ma > 0, a, 0.0), np.where(mb > 0, b, 0.0)
    corr = lambda p, q: correlate(p, q, mode="full", method="fft")  # noqa: E731
    n = np.rint(corr(ma, mb))
    sx, sy = corr(x, mb), corr(ma, y)
    sxx, syy, sxy = corr(x * x, mb), corr(ma, y * y), corr(x, y)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.maximum(n * sxx - sx * sx, 0.0) * np.maximum(n * syy - sy * sy, 0.0)
        r = (n * sxy - sx * sy) / np.sqrt(var)
    r[(n < 3) | ~(var > (MIN_CHANNEL_STD * n) ** 4)] = np.nan
    return np.clip(r, -1.0, 1.0), n


def _weighted_mean(rs: Sequence[np.ndarray], weights: Sequence[float]) -> np.ndarray:
    stacked = np.stack(rs)
    w = np.asarray(weights, dtype=float)[:, None] * np.isfinite(stacked)
    total = w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (np.nan_to_num(stacked) * w).sum(axis=0) / total, np.nan)


def align_motion(first: CameraMotion, second: CameraMotion, max_offset_s: float | None = None) -> Alignment:
    """The offset that maps ``second``'s clock onto ``first``'s (``t_first = t_second + offset_s``).

    ``max_offset_s``: search only offsets within ± this (None: any that leaves enough overlap).

    Raises:
        AlignmentError: no lag keeps enough of the videos in common, or the motion does not
            agree at any lag (two different sessions).
    """
    names = [name for name in first.channels if name in second.channels]
    rs, weights, overlap = [], [], None
    moving = motion_weights(first, second, names)
    for name in names:
        r, n = _masked_pearson(first.channels[name], second.channels[name])
        leg: Leg = "left" if name.endswith("left") else "right"
        rs.append(r)
        weights.append(channel_weight(leg, first.near_side, second.near_side) * moving[name])
        overlap = n if overlap is None else np.maximum(overlap, n)
    shorter_s = min(first.duration_s, second.duration_s)
    needed_s = max(MIN_OVERLAP_S, MIN_OVERLAP_FRACTION * shorter_s)
    if not rs or overlap is None:
        raise AlignmentError("the two videos show no leg movement to align them by — do both show the "
                             "whole body, side-on, with the person found?")
    r = _weighted_mean(rs, weights)
    n_b = len(next(iter(second.channels.values())))
    lags = np.arange(len(r)) - (n_b - 1)
    # a[i] (time first.t0 + i*dt) matches b[i - k] (time second.t0 + (i - k)*dt) when
    # first.t0 + i*dt = second.t0 + (i - k)*dt + offset  →  offset = first.t0 - second.t0 + k*dt
    offsets = first.t0_s - second.t0_s + lags * GRID_S
    usable = (overlap * GRID_S >= needed_s) & np.isfinite(r)
    if max_offset_s is not None:
        usable &= np.abs(offsets) <= max_offset_s
    if not usable.any():
        raise AlignmentError(f"the two videos do not overlap in time by at least {needed_s:.0f} s with the "
                             "legs in view — are they recordings of the same session?")
    score = np.where(usable, r, -np.inf)
    peak = int(np.argmax(score))
    best = float(score[peak])
    if best < MIN_SAME_SESSION_R:
        raise AlignmentError(f"the leg movements of the two videos do not match at any time offset (best "
                             f"agreement {best:.2f}) — they do not seem to show the same session")
    offset_s = float(offsets[peak]) + GRID_S * _parabola_vertex(score, peak)
    far = usable & (np.abs(offsets - offsets[peak]) > LOBE_S)
    runner_up = float(np.max(r[far])) if far.any() else math.nan
    weak = best < WEAK_R or (math.isfinite(runner_up) and best - runner_up < WEAK_MARGIN)
    return Alignment(offset_s=offset_s, confidence=best, runner_up=runner_up,
                     overlap_s=float(overlap[peak] * GRID_S), weak=weak)


def _parabola_vertex(score: np.ndarray, peak: int) -> float:
    """Where (in grid steps from ``peak``, within ±0.5) a parabola through the peak and its
    neighbours has its top; 0 at an edge or where the neighbours are unusable."""
    if peak == 0 or peak == len(score) - 1:
        return 0.0
    left, mid, right = score[peak - 1], score[peak], score[peak + 1]
    if not (math.isfinite(left) and math.isfinite(right)):
        return 0.0
    curvature = left - 2 * mid + right
    if curvature >= 0:
        return 0.0
    return float(np.clip(0.5 * (left - right) / curvature, -0.5, 0.5))


def align_series(first: MeasureSeries, second: MeasureSeries, near_first: Leg | None, near_second: Leg | None,
                 durations_s: tuple[float, float] | None = None) -> Alignment:
    """:func:`align_motion` of two cameras' smoothed series (``near_*``: the leg facing each)."""
    durations = durations_s or (None, None)
    return align_motion(camera_motion(first, near_first, durations[0]),
                        camera_motion(second, near_second, durations[1]))
