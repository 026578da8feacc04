"""Rep segmentation: a per-leg state machine with hysteresis on heel height.

Each rep channel (``left`` and ``right``, or ``both`` when the profile moves the legs
together, on the mean of the two heels) goes

    unarmed → idle → down → up → idle

* **unarmed → idle** when the heel is within ``rep_end_frac`` of its tabletop
  height (after a reset or a long gap: a leg first seen low never starts a rep);
* **idle → down** ("start") when the heel drops more than ``rep_start_frac`` of the
  baseline below it;
* **down → up** ("bottom") when the heel rises ``bottom_rise_frac`` of the baseline
  above its lowest point (a heel going lower again returns to ``down``);
* **up → idle** ("end") when the heel is back within ``rep_end_frac`` of the depth
  below the baseline, or settles (< 3 cm/s) within 25 % of it. A rep shallower than
  ``min_depth_frac`` of the baseline is a partial rep: it ends with a ``cancel``.

Baseline: the tabletop heel height per channel, from calibration or learned. While a
channel is idle, a still second (10–90 % spread ≤ 3 cm, first and last quarter ≤ 1 cm
apart) updates it to its median when that is within 25 % of the current value (or
≥ 15 cm when there is none yet); without a still second in the first 3 s it falls back
to the 90th percentile of those samples.

Missing data: NaN frames are skipped. A gap longer than ``max_gap_s`` inside a rep drops
that rep (``cancel``) and the channel must see its tabletop again before the next start,
so a gap never produces a double count. Frames whose timestamp is not after the
previous one are ignored (but still count as frames for the frame index).

Times: threshold crossings are late by design, so at the end of a rep its times are
refined from the whole curve (:func:`rep_times`). The signal is a leg angle when it moves
≥ 20°, is known in ≥ 80 % of the frames and its times agree with the heel's within 1 s,
else the heel height (distorted at the tails for straight legs and leg extensions). The
angle is the leg's sweep about the hip frozen at calibration (``segment_reps(...,
sweep_deg=...)``, from the pipeline) or else the hip angle. The times one monotone transit
crosses 10 %, 20 %, …, 90 % of the depth are fitted with ``t = t0 + T·u(level)``, ``u`` the
minimum-jerk profile of a controlled movement, by least squares weighted by the profile's
speed at each level (a crossing on a flat stretch is the least certain). The fit gives
the start (``t0``) and the bottom (arrival at the lowest point, ``t0 + T``) of the
lowering and the end of the raise. A bottom hold therefore belongs to the raise phase
(``raise_s`` includes it), as in the ground truth of ``samples/``. A movement with a
more abrupt profile (cosine) is timed 0.087 × its duration early at the start and late at
the arrival. Choosing the profile per rep from the samples (cosine … minimum-jerk) was
tried and dropped: on measured landmarks the distorted tails picked the abrupt profiles
and shortened the phases (bench/accuracy.py: 151 → 167 of 200 times within 0.3 s with
the fixed profile and the sweep angle). Streaming ``start`` and ``bottom`` events carry
the provisional times known at that frame; the ``end`` event carries the refined
:class:`Rep`, whose raise is fitted without the plateau after it (``segment_reps`` refits
it with the whole series).

The far leg of a side view (``segment_reps(..., occluded_leg=...)``) hides behind the near
one in tabletop, and its heel and hip landmarks stall for the first half of its lowering
and the last half of its raise; its reps are timed on its heel plus the near heel's
deviation (:func:`timing_signal`), never on its hip angle or sweep (its knee and ankle
stall too). That is the best of the far leg's signals tried on the sample clips (own
sweep, hip landmark, world landmarks, the legs' mask outline), and it still times the far
leg less precisely than the near one (bench/accuracy.py prints the split): one side
camera sees the far leg only once it leaves the near leg's outline.
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Literal, Mapping

import numpy as np

from formcheck.measures import MeasureSeries, RepLeg
from formcheck.profiles import ExerciseProfile

__all__ = ["Rep", "RepEvent", "RepSegmenter", "segment_reps", "refine_times", "rep_times", "rep_signal", "hip_signal", "timing_signal",
           "fit_phase"]

EventKind = Literal["start", "bottom", "end", "cancel"]

_LEVELS = np.round(np.arange(0.1, 0.95, 0.1), 2)  # fractions of the depth used for the time fit (0.1 … 0.9)
_STILL_WINDOW_S = 1.0
_STILL_SPREAD_CM = 3.0
_STILL_TREND_CM = 1.0
_HIP_MIN_RANGE_DEG = 20.0  # a leg angle times a rep when it moves at least this much
_HIP_MIN_FINITE = 0.8  # … and is known in this fraction of the rep's frames
_HIP_HEEL_MAX_DISAGREE_S = 1.0  # … and its times agree with the heel's this well
_MIN_BASELINE_CM = 15.0
_BASELINE_ADAPT_FRAC = 0.25
_LEARN_FALLBACK_S = 3.0
_SETTLE_SPEED_CM_S = 3.0
_SETTLE_WINDOW_S = 0.3
_OCCLUDED_END_WAIT_S = 1.5  # the occluded leg's end waits at most this long for its timing signal
_HISTORY_BEFORE_S = 4.0
_LEARN_EVERY_S = 0.1


def _minjerk(u: np.ndarray) -> np.ndarray:
    """The minimum-jerk profile (0 → 1 over u = 0 → 1): a controlled point-to-point movement."""
    u = np.clip(u, 0.0, 1.0)
    return u**3 * (10.0 - 15.0 * u + 6.0 * u**2)


def _profile_u(levels: np.ndarray) -> np.ndarray:
    """Normalised time u at which the minimum-jerk profile reaches each level (0–1)."""
    u = np.linspace(0.0, 1.0, 20001)
    return np.interp(levels, _minjerk(u), u)


_LEVEL_U = _profile_u(_LEVELS)
# Weights of the crossing times: the profile's speed at each level. A flat stretch turns height
# noise into large time errors (the inverse variance of a crossing time goes with the squared
# speed), but full inverse-variance weights leaned on the middle levels, where the far leg's
# heel is the most distorted, and timed fewer sample events within 0.3 s than the speed itself.
_LEVEL_WEIGHT = 30.0 * _LEVEL_U**2 * (1.0 - _LEVEL_U) ** 2


@dataclass(frozen=True)
class Rep:
    """One rep of one leg (or both legs together); times in s, heights in cm."""

    index: int
    leg: RepLeg
    start_s: float
    bottom_s: float
    end_s: float
    start_frame: int
    bottom_frame: int
    end_frame: int
    depth_cm: float
    heel_height_min_cm: float
    baseline_cm: float = math.nan

    @property
    def lower_s(self) -> float:
        """Duration of the lowering phase (bottom − start), s."""
        return self.bottom_s - self.start_s

    @property
    def raise_s(self) -> float:
        """Duration of the raising phase including any bottom hold (end − bottom), s."""
        return self.end_s - self.bottom_s

    def to_dict(self) -> dict[str, float | int | str]:
        """Plain values for the report."""
        return {
            "index": self.index, "leg": self.leg,
            "start_s": self.start_s, "bottom_s": self.bottom_s, "end_s": self.end_s,
            "lower_s": self.lower_s, "raise_s": self.raise_s,
            "start_frame": self.start_frame, "bottom_frame": self.bottom_frame, "end_frame": self.end_frame,
            "depth_cm": self.depth_cm, "heel_height_min_cm": self.heel_height_min_cm,
        }


@dataclass(frozen=True)
class RepEvent:
    """Something the rep machine noticed at frame time ``detected_s``.

    ``t_s`` is the best estimate of when it happened (earlier than ``detected_s`` for a
    start or a bottom; for an end it can be a little later, extrapolated from the fit).
    ``end`` events carry the finished :class:`Rep`; ``cancel`` events carry a ``reason``.
    """

    kind: EventKind
    leg: RepLeg
    t_s: float
    detected_s: float
    frame: int
    heel_height_cm: float
    rep: Rep | None = None
    reason: str = ""


def fit_phase(times: np.ndarray) -> tuple[float, float] | None:
    """Fit ``t = t0 + T·u(level)`` to the crossing times of :data:`_LEVELS` (NaN = not crossed).

    ``u`` is the minimum-jerk profile; returns ``(t0, T)`` in seconds, None with fewer than
    3 crossings or a non-positive duration.
    """
    ok = np.isfinite(times)
    if ok.sum() < 3:
        return None
    w = np.sqrt(_LEVEL_WEIGHT[ok])
    a = np.stack([np.ones(int(ok.sum())), _LEVEL_U[ok]], axis=1)
    coef, *_ = np.linalg.lstsq(a * w[:, None], times[ok] * w, rcond=None)
    return (float(coef[0]), float(coef[1])) if coef[1] > 0 else None


def refine_times(t: np.ndarray, h: np.ndarray, i_min: int, base_cm: float,
                 t_lo: float = -math.inf) -> tuple[float, float, float]:
    """Start, bottom (arrival at the lowest point) and end (s) of one rep from its heel curve.

    ``t``, ``h``: finite samples around the rep (s, cm), ``i_min`` the index of its lowest
    point, ``base_cm`` the tabletop height, ``t_lo`` the end of the previous rep of this
    leg. Each transit is timed by the minimum-jerk fit of its 10–90 % crossings
    (:func:`fit_phase`), clamped to the crossings themselves.
    """
    hmin, t_min = float(h[i_min]), float(t[i_min])
    levels_down = base_cm - _LEVELS * (base_cm - hmin)
    levels_up = hmin + _LEVELS * (base_cm - hmin)
    down = _transit_crossings(t[: i_min + 1], h[: i_min + 1], levels_down, down=True)
    up = _transit_crossings(t[i_min:], h[i_min:], levels_up, down=False)
    fit_d, fit_u = fit_phase(down), fit_phase(up)
    start = fit_d[0] if fit_d else float(t[0])
    bottom = fit_d[0] + fit_d[1] if fit_d else t_min
    end = fit_u[0] + fit_u[1] if fit_u else float(t[-1])
    start = min(max(start, t_lo, float(t[0])), _nanmin(down[0], t_min))
    bottom = min(max(bottom, _nanmax(down[-1], start)), _nanmin(up[0], float(t[-1])))
    end = max(end, _nanmax(up[-1], bottom))
    return float(start), float(bottom), float(end)


def rep_times(t: np.ndarray, heel: np.ndarray, angle: np.ndarray, i_min: int, base_cm: float,
              coarse_start_s: float, t_lo: float = -math.inf) -> tuple[float, float, float]:
    """Start, bottom and end (s) of one rep, timed on a leg angle when it moves, else on the heel.

    ``angle`` grows as the leg lowers and follows the thigh, i.e. the movement itself: the
    leg's sweep about the calibrated hip (:func:`formcheck.geometry.leg_sweep_deg`) or the
    hip angle. The heel height is a non-linear function of thigh and knee angles (flat at
    the start of a straight-leg raise, or while the knee straightens in a leg extension),
    so its tails are distorted. ``t``/``heel`` are finite heel samples (``heel[i_min]`` the
    lowest); ``angle`` may hold NaN. ``coarse_start_s`` is the machine's provisional start;
    ``t_lo`` the previous rep's end.
    """
    ok = np.isfinite(angle)
    core = t >= coarse_start_s
    if core.any() and ok[core].mean() >= _HIP_MIN_FINITE:
        th, g = t[ok], -angle[ok]  # the angle grows as the leg lowers: flip it to go "down"
        core_h = np.flatnonzero(th >= coarse_start_s)
        pre = (th >= max(t_lo, coarse_start_s - 2.0)) & (th <= coarse_start_s)
        if len(core_h) >= 3 and pre.sum() >= 3:
            j = int(core_h[np.argmin(g[core_h])])
            base_g = float(np.percentile(g[pre], 90))
            if base_g - g[j] >= _HIP_MIN_RANGE_DEG:
                by_hip = refine_times(th, g, j, base_g, t_lo)
                by_heel = refine_times(t, heel, i_min, base_cm, t_lo)
                if max(abs(a - b) for a, b in zip(by_hip, by_heel)) <= _HIP_HEEL_MAX_DISAGREE_S:
                    return by_hip  # otherwise the angle is not following this leg: trust the heel
                return by_heel
    return refine_times(t, heel, i_min, base_cm, t_lo)


def _transit_crossings(t: np.ndarray, h: np.ndarray, levels: np.ndarray, down: bool) -> np.ndarray:
    """Times (interpolated) at which one monotone transit crosses each level; NaN if not crossed.

    ``levels`` are in the order the movement passes them. The transit is anchored on the
    middle level (the last downward crossing before the lowest point for a lowering, the
    first upward one after it for a raise); earlier levels take their last crossing before
    the anchor and later levels their first crossing after it, so jitter around a plateau
    or at the bottom does not pull a time away from the transit.
    """
    out = np.full(len(levels), np.nan)
    if len(h) < 2:
        return out
    sign = -1.0 if down else 1.0
    past = (sign * h[None, :]) >= (sign * levels[:, None])
    cross = ~past[:, :-1] & past[:, 1:]
    mid = len(levels) // 2
    anchors = np.flatnonzero(cross[mid])
    if len(anchors) == 0:
        return out
    ref = int(anchors[-1] if down else anchors[0])
    for k in range(len(levels)):
        idx = np.flatnonzero(cross[k])
        idx = idx[idx <= ref] if k < mid else idx[idx >= ref] if k > mid else np.array([ref])
        if len(idx):
            i = int(idx[-1] if k < mid else idx[0])
            dh = h[i + 1] - h[i]
            frac = 0.0 if dh == 0 else (levels[k] - h[i]) / dh
            out[k] = t[i] + float(np.clip(frac, 0.0, 1.0)) * (t[i + 1] - t[i])
    return out


@dataclass
class _Channel:
    """State of one rep channel (``left``, ``right`` or ``both``)."""

    leg: RepLeg
    baseline_cm: float | None
    state: str = "unarmed"
    t: list[float] = field(default_factory=list)
    h: list[float] = field(default_factory=list)
    low: list[float] = field(default_factory=list)
    hip: list[float] = field(default_factory=list)
    timing: list[float] = field(default_factory=list)  # the heel height that times reps (see timing_signal)
    frame: list[int] = field(default_factory=list)
    still: deque = field(default_factory=deque)
    learn: list[float] = field(default_factory=list)
    learn_t0: float | None = None
    learn_checked_s: float = -math.inf
    last_finite_s: float | None = None
    rep_start_i: int = 0
    min_h: float = math.inf
    min_i: int = 0
    prev_end_s: float = -math.inf
    back_since_s: float | None = None  # occluded leg: when its own heel was first back up


class RepSegmenter:
    """Streaming rep segmenter: feed one frame at a time with :meth:`update`.

    Args:
        profile: the exercise profile (thresholds, legs together or not).
        baseline_heel_height_cm: tabletop heel height per leg (``left``/``right``, or
            ``both``) from calibration, in cm; None, a missing leg, NaN or a value below
            15 cm (no tabletop heel is that low) to learn it.
        occluded_leg: the far leg of a side view (``left``/``right``), None for none: its reps
            are timed on its heel plus the other heel's deviation from that leg's baseline, not
            on its hip angle (see :func:`timing_signal`).
    """

    def __init__(self, profile: ExerciseProfile,
                 baseline_heel_height_cm: Mapping[str, float] | None = None,
                 occluded_leg: str | None = None) -> None:
        if occluded_leg not in (None, "left", "right"):
            raise ValueError(f"occluded_leg must be 'left', 'right' or None, got {occluded_leg!r}")
        self.profile = profile
        self.occluded_leg = None if profile.legs_together else occluded_leg
        base = {}
        for leg, value in (baseline_heel_height_cm or {}).items():
            if leg not in ("left", "right", "both"):
                raise ValueError(f"baseline_heel_height_cm has unknown leg {leg!r}; use left, right or both")
            if value is not None and math.isfinite(value) and value >= _MIN_BASELINE_CM:
                base[leg] = float(value)  # NaN or implausibly low (< 15 cm): learned instead
        if profile.legs_together and "both" not in base and ("left" in base or "right" in base):
            base["both"] = float(np.mean([base[k] for k in ("left", "right") if k in base]))
        self._channels = {leg: _Channel(leg, base.get(leg)) for leg in profile.rep_legs}
        self._frame = -1
        self._last_t = -math.inf
        self.reps: list[Rep] = []

    def baseline_cm(self, leg: str) -> float | None:
        """The current tabletop heel height of a channel (cm), None while unknown."""
        return self._channels[leg].baseline_cm

    def update(self, t_s: float, heel_left_cm: float, heel_right_cm: float,
               hip_left_deg: float = math.nan, hip_right_deg: float = math.nan) -> list[RepEvent]:
        """Feed one frame (time in s, heel heights in cm, NaN unknown); returns the events it caused.

        The leg angles (deg, NaN unknown; the hip angles, or each leg's sweep about the
        calibrated hip) time the rep when they move enough (see :func:`rep_times`);
        counting and depth use the heel alone.
        """
        self._frame += 1
        t = float(t_s)
        if not math.isfinite(t) or t <= self._last_t:
            return []
        self._last_t = t
        left, right = float(heel_left_cm), float(heel_right_cm)
        hip_l, hip_r = float(hip_left_deg), float(hip_right_deg)
        if self.profile.legs_together:
            pair = [v for v in (left, right) if math.isfinite(v)]
            hips = [v for v in (hip_l, hip_r) if math.isfinite(v)]
            values = {"both": (sum(pair) / len(pair) if pair else math.nan, min(pair) if pair else math.nan,
                               sum(hips) / len(hips) if hips else math.nan)}
        else:
            values = {"left": (left, left, hip_l), "right": (right, right, hip_r)}
        timing = {leg: v[0] for leg, v in values.items()}
        occ = self.occluded_leg
        if occ is not None:
            other = "right" if occ == "left" else "left"
            other_base = self._channels[other].baseline_cm
            h_other = values[other][0]
            dev = h_other - other_base if other_base is not None and math.isfinite(h_other) else 0.0
            timing[occ] = values[occ][0] + dev
            values[occ] = (values[occ][0], values[occ][1], math.nan)  # its hip angle stalls with the ankle
        events: list[RepEvent] = []
        for leg, (h, low, hip) in values.items():
            events.extend(self._step(self._channels[leg], t, h, low, hip, timing[leg]))
        return events

    # -- one channel -----------------------------------------------------------------

    def _step(self, ch: _Channel, t: float, h: float, low: float, hip: float,
              timing: float = math.nan) -> list[RepEvent]:
        p = self.profile
        active = ch.state in ("down", "up")
        if not math.isfinite(h):
            if active and ch.last_finite_s is not None and t - ch.last_finite_s > p.max_gap_s:
                return [self._cancel(ch, t, "gap")]
            return []
        events: list[RepEvent] = []
        if active and ch.last_finite_s is not None and t - ch.last_finite_s > p.max_gap_s:
            events.append(self._cancel(ch, t, "gap"))
        elif active and t - ch.t[ch.rep_start_i] > p.max_rep_s:
            events.append(self._cancel(ch, t, "too long"))
        ch.last_finite_s = t
        ch.t.append(t)
        ch.h.append(h)
        ch.low.append(low)
        ch.hip.append(hip)
        ch.timing.append(timing if math.isfinite(timing) else h)
        ch.frame.append(self._frame)
        if ch.state in ("unarmed", "idle"):
            self._trim(ch, t)
            self._learn(ch, t, h)
        base = ch.baseline_cm
        if base is None:
            return events
        i = len(ch.h) - 1
        if ch.state == "unarmed":
            if base - h <= p.rep_end_frac * base:
                ch.state = "idle"
        elif ch.state == "idle":
            if base - h > p.rep_start_frac * base:
                events.append(self._start(ch, i))
        elif ch.state == "down":
            if h < ch.min_h:
                ch.min_h, ch.min_i = h, i
            elif h - ch.min_h > p.bottom_rise_frac * base:
                ch.state = "up"
                events.append(RepEvent("bottom", ch.leg, ch.t[ch.min_i], t, ch.frame[ch.min_i], ch.min_h))
        elif ch.state == "up":
            if h < ch.min_h:
                ch.state, ch.min_h, ch.min_i = "down", h, i
            elif self._back_up(ch, h, base):
                if ch.leg != self.occluded_leg or self._timing_back_up(ch, t):
                    events.append(self._finish(ch, t))
            else:
                ch.back_since_s = None
        return events

    def _trim(self, ch: _Channel, t: float) -> None:
        """Keep only the recent history while idle."""
        if len(ch.t) > 8 and t - ch.t[0] > 2 * _HISTORY_BEFORE_S:
            k = bisect.bisect_left(ch.t, t - _HISTORY_BEFORE_S)
            del ch.t[:k], ch.h[:k], ch.low[:k], ch.hip[:k], ch.timing[:k], ch.frame[:k]

    def _learn(self, ch: _Channel, t: float, h: float) -> None:
        """Update the baseline from a still second of tabletop (see the module notes)."""
        ch.still.append((t, h))
        while ch.still and t - ch.still[0][0] > _STILL_WINDOW_S:
            ch.still.popleft()
        if t - ch.still[0][0] >= 0.8 * _STILL_WINDOW_S and t - ch.learn_checked_s >= _LEARN_EVERY_S:
            ch.learn_checked_s = t
            raw = [v for _, v in ch.still]
            values = sorted(raw)
            n = len(values) - 1
            p10, p50, p90 = values[round(0.1 * n)], values[round(0.5 * n)], values[round(0.9 * n)]
            k = max(1, len(raw) // 4)
            trend = abs(sum(raw[-k:]) / k - sum(raw[:k]) / k)  # a heel starting to move is not still
            if p90 - p10 <= _STILL_SPREAD_CM and trend <= _STILL_TREND_CM and p50 >= _MIN_BASELINE_CM:
                if ch.baseline_cm is None or abs(p50 - ch.baseline_cm) <= _BASELINE_ADAPT_FRAC * ch.baseline_cm:
                    ch.baseline_cm = float(p50)
        if ch.baseline_cm is None:
            if ch.learn_t0 is None:
                ch.learn_t0 = t
            ch.learn.append(h)
            if t - ch.learn_t0 >= _LEARN_FALLBACK_S:
                guess = float(np.percentile(ch.learn, 90))
                if guess >= _MIN_BASELINE_CM:
                    ch.baseline_cm = guess
                ch.learn, ch.learn_t0 = [], None

    def _start(self, ch: _Channel, i: int) -> RepEvent:
        """idle → down; the provisional start is the last frame within 3 % of the baseline."""
        base = ch.baseline_cm
        assert base is not None
        ch.state, ch.min_h, ch.min_i = "down", ch.h[i], i
        ch.back_since_s = None
        h = np.asarray(ch.h[: i + 1])
        near = np.flatnonzero(h >= base * 0.97)
        j = int(near[-1]) if len(near) else 0
        ch.rep_start_i = j
        ch.still.clear()
        return RepEvent("start", ch.leg, ch.t[j], ch.t[i], ch.frame[j], ch.h[j])

    def _timing_back_up(self, ch: _Channel, t: float) -> bool:
        """The occluded leg's own heel returns early (it joins the near heel): wait until its
        timing signal is back at (or has settled near) its pre-rep level too, at most
        ``_OCCLUDED_END_WAIT_S`` after the heel itself was back."""
        if ch.back_since_s is None:
            ch.back_since_s = t
        if t - ch.back_since_s >= _OCCLUDED_END_WAIT_S:
            return True
        g = ch.timing
        k = bisect.bisect_left(ch.t, ch.t[ch.rep_start_i] - 1.0)
        pre = g[k: ch.rep_start_i + 1]
        base = float(np.percentile(pre, 90)) if len(pre) >= 3 else g[ch.rep_start_i]
        depth = base - min(g[ch.rep_start_i:])
        if g[-1] >= base - self.profile.rep_end_frac * depth:
            return True
        if g[-1] < base - 0.25 * depth:
            return False
        j = bisect.bisect_left(ch.t, t - _SETTLE_WINDOW_S, ch.min_i)
        if j >= len(ch.t) - 1 or t - ch.t[j] < 0.5 * _SETTLE_WINDOW_S:
            return False
        return abs(g[-1] - g[j]) / (t - ch.t[j]) < _SETTLE_SPEED_CM_S

    def _back_up(self, ch: _Channel, h: float, base: float) -> bool:
        """True when the heel is back at the tabletop (or has settled close to it)."""
        depth = base - ch.min_h
        if h >= base - self.profile.rep_end_frac * depth:
            return True
        if h < base - 0.25 * depth:
            return False
        t = ch.t[-1]
        k = bisect.bisect_left(ch.t, t - _SETTLE_WINDOW_S, ch.min_i)
        if k >= len(ch.t) - 1 or t - ch.t[k] < 0.5 * _SETTLE_WINDOW_S:
            return False
        return abs(h - ch.h[k]) / (t - ch.t[k]) < _SETTLE_SPEED_CM_S

    def _cancel(self, ch: _Channel, t: float, reason: str) -> RepEvent:
        ch.state = "unarmed"
        ch.still.clear()
        h = ch.h[-1] if ch.h else math.nan
        frame = ch.frame[-1] if ch.frame else self._frame
        return RepEvent("cancel", ch.leg, t, t, frame, h, reason=reason)

    def _finish(self, ch: _Channel, t: float) -> RepEvent:
        """up → idle: a refined :class:`Rep`, or a cancel for a partial rep."""
        base = ch.baseline_cm
        assert base is not None
        depth = base - ch.min_h
        ch.state = "idle"
        ch.still.clear()
        if depth < self.profile.min_depth_frac * base:
            return RepEvent("cancel", ch.leg, t, t, ch.frame[-1], ch.h[-1], reason="partial")
        rep = self._refine(ch, base)
        ch.prev_end_s = rep.end_s
        self.reps.append(rep)
        return RepEvent("end", ch.leg, rep.end_s, t, rep.end_frame, ch.h[-1], rep=rep)

    def _refine(self, ch: _Channel, base: float) -> Rep:
        """Times of the rep just finished from the channel's history (see :func:`refine_times`)."""
        t = np.asarray(ch.t)
        lo = max(0, int(np.searchsorted(t, max(ch.prev_end_s, t[ch.rep_start_i] - _HISTORY_BEFORE_S))))
        h, i_min, base_t = np.asarray(ch.h), ch.min_i, base
        if ch.leg == self.occluded_leg:
            h = np.asarray(ch.timing)
            i_min = ch.rep_start_i + int(np.argmin(h[ch.rep_start_i:]))
            pre = h[lo:ch.rep_start_i + 1]
            base_t = float(np.percentile(pre, 90)) if len(pre) >= 3 else base
        start, bottom, end = rep_times(t[lo:], h[lo:], np.asarray(ch.hip)[lo:], i_min - lo,
                                       base_t, ch.t[ch.rep_start_i], ch.prev_end_s)
        low = np.asarray(ch.low)
        inside = (t >= start) & (t <= end)
        low_min = float(np.min(low[inside])) if inside.any() else ch.min_h
        frames = np.asarray(ch.frame)
        return Rep(
            index=len(self.reps) + 1, leg=ch.leg, start_s=start, bottom_s=bottom, end_s=end,
            start_frame=_frame_at(t, frames, start), bottom_frame=_frame_at(t, frames, bottom),
            end_frame=_frame_at(t, frames, end), depth_cm=float(base - low_min),
            heel_height_min_cm=low_min, baseline_cm=float(base))


def _nanmin(a: float, b: float) -> float:
    return b if not math.isfinite(a) else min(a, b)


def _nanmax(a: float, b: float) -> float:
    return b if not math.isfinite(a) else max(a, b)


def _frame_at(t: np.ndarray, frames: np.ndarray, t_s: float) -> int:
    """Frame index nearest to ``t_s`` (extrapolated at the median interval past the last frame)."""
    if t_s > t[-1] and len(t) > 1:
        step = float(np.median(np.diff(t[-min(len(t), 30):])))
        return int(frames[-1] + (round((t_s - t[-1]) / step) if step > 0 else 0))
    return int(frames[_nearest(t, t_s)])


def _nearest(t: np.ndarray, t_s: float) -> int:
    """Index of the value of the sorted array ``t`` nearest to ``t_s``."""
    i = int(np.clip(np.searchsorted(t, t_s), 0, len(t) - 1))
    if i > 0 and abs(t[i - 1] - t_s) <= abs(t[i] - t_s):
        i -= 1
    return i


def rep_signal(series: MeasureSeries, leg: str) -> np.ndarray:
    """The heel height the rep machine follows for a channel (cm): one leg, or the mean of both."""
    if leg != "both":
        return series.heel_height_cm(leg)  # type: ignore[arg-type]
    left, right = series.heel_height_left_cm, series.heel_height_right_cm
    both = (left + right) / 2.0
    return np.where(np.isfinite(left), np.where(np.isfinite(right), both, left), right)


def hip_signal(series: MeasureSeries, leg: str) -> np.ndarray:
    """The hip angle that times a channel's reps (deg): one leg, or the mean of both."""
    if leg != "both":
        return series.hip_angle_deg(leg)  # type: ignore[arg-type]
    left, right = series.hip_angle_left_deg, series.hip_angle_right_deg
    return np.where(np.isfinite(left), np.where(np.isfinite(right), (left + right) / 2.0, left), right)


def timing_signal(series: MeasureSeries, leg: str, occluded_leg: str | None = None) -> np.ndarray:
    """The heel height that times a channel's reps (cm): :func:`rep_signal`, except for the
    occluded leg, whose heel is summed with the other heel's deviation from its median.

    In a side view the far foot hides behind the near foot in tabletop. MediaPipe then
    splits the far foot's movement between the two heel landmarks: during the first ~half
    of a far-leg lowering (and the last ~half of its raise) the far heel moves only about
    half as much as it should while the near heel, which does not move, dips by the rest.
    On the rendered sample clips (camera left and right, 30–95 cm high, 640×480 and
    1280×720) the far heel alone crosses the 10–45 % levels of a lowering up to 0.5 s late
    and the 55–90 % levels of a raise up to 0.45 s early; the sum crosses every level 10–90 %
    within ~0.2 s of the true far heel (mostly 0.1 s). Only the timing uses the sum:
    counting and depth use the far heel itself.
    """
    own = rep_signal(series, leg)
    if occluded_leg is None or leg != occluded_leg or leg not in ("left", "right"):
        return own
    other = series.heel_height_cm("right" if leg == "left" else "left")  # type: ignore[arg-type]
    if not np.isfinite(other).any():
        return own
    dev = other - float(np.nanmedian(other))
    return own + np.where(np.isfinite(dev), dev, 0.0)


def segment_reps(series: MeasureSeries, profile: ExerciseProfile,
                 baseline: Mapping[str, float] | None = None, occluded_leg: str | None = None,
                 sweep_deg: Mapping[str, np.ndarray] | None = None) -> list[Rep]:
    """Run the rep machine over a whole series; reps in order of start, indexed from 1.

    The machine's reps are refined again on the whole series, which also sees the plateau
    after each rep's end. Frame indices are rows of ``series``; ``heel_height_min_cm`` and
    ``depth_cm`` are measured between start and end (lowest heel of the moving leg(s)).

    ``occluded_leg`` (``left``/``right``, None for none): the leg hidden behind the other in
    a side view (the far leg). Its reps are timed on :func:`timing_signal` (its heel plus the
    near heel's deviation) and not on its hip angle, which is derived from the occluded
    ankle and stalls with it.

    ``sweep_deg``: per channel, a smoothed angle (deg, rows of ``series``, growing as the leg
    lowers) that times its reps instead of the hip angle — the leg's sweep about the
    calibrated hip (:meth:`formcheck.recorder.MeasureRecorder.leg_sweep_deg`). Ignored for
    the occluded leg.
    """
    if occluded_leg not in (None, "left", "right"):
        raise ValueError(f"occluded_leg must be 'left', 'right' or None, got {occluded_leg!r}")
    machine = RepSegmenter(profile, baseline)
    for row in zip(series.t_s.tolist(), series.heel_height_left_cm.tolist(), series.heel_height_right_cm.tolist(),
                   series.hip_angle_left_deg.tolist(), series.hip_angle_right_deg.tolist()):
        machine.update(*row)
    t_all = series.t_s
    out: list[Rep] = []
    for leg in profile.rep_legs:
        reps = sorted((r for r in machine.reps if r.leg == leg), key=lambda r: r.start_s)
        occluded = leg == occluded_leg
        signal = timing_signal(series, leg, occluded_leg)
        ok = np.isfinite(signal) & np.isfinite(t_all)
        if occluded:
            angle_all = np.full(len(t_all), np.nan)
        elif sweep_deg is not None and leg in sweep_deg:
            angle_all = np.asarray(sweep_deg[leg], dtype=np.float64)
        else:
            angle_all = hip_signal(series, leg)
        t, h, angle = t_all[ok], signal[ok], angle_all[ok]
        prev_end = -math.inf
        for k, rep in enumerate(reps):
            nxt = reps[k + 1].start_s if k + 1 < len(reps) else math.inf
            lo = int(np.searchsorted(t, max(prev_end, rep.start_s - _HISTORY_BEFORE_S)))
            hi = int(np.searchsorted(t, min(nxt, rep.end_s + 1.5), side="right"))
            core = np.flatnonzero((t[lo:hi] >= rep.start_s) & (t[lo:hi] <= rep.end_s))
            if len(core) == 0:
                out.append(rep)
                continue
            i_min = int(core[np.argmin(h[lo:hi][core])])
            base = rep.baseline_cm
            if occluded:  # the summed signal's tabletop: its level before the rep (as the machine's)
                pre = h[lo:hi][t[lo:hi] <= rep.start_s]
                base = float(np.percentile(pre, 90)) if len(pre) >= 3 else base
            start, bottom, end = rep_times(t[lo:hi], h[lo:hi], angle[lo:hi], i_min, base,
                                           rep.start_s, prev_end)
            prev_end = end
            out.append(_measured(rep, series, start, bottom, end))
    out.sort(key=lambda r: r.start_s)
    return [replace(rep, index=k) for k, rep in enumerate(out, start=1)]


def _measured(rep: Rep, series: MeasureSeries, start: float, bottom: float, end: float) -> Rep:
    """``rep`` with new times, frame rows of ``series`` and its lowest heel between start and end."""
    t = series.t_s
    legs = ("left", "right") if rep.leg == "both" else (rep.leg,)
    inside = (t >= start) & (t <= end)
    heel = np.vstack([series.heel_height_cm(leg)[inside] for leg in legs])  # type: ignore[arg-type]
    low = float(np.nanmin(heel)) if np.isfinite(heel).any() else rep.heel_height_min_cm
    return replace(rep, start_s=start, bottom_s=bottom, end_s=end, start_frame=_nearest(t, start),
                   bottom_frame=_nearest(t, bottom), end_frame=_nearest(t, end),
                   heel_height_min_cm=low, depth_cm=rep.baseline_cm - low)
