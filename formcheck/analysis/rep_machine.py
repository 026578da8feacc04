"""The streaming rep machine: per rep channel, a state machine with hysteresis on heel height.

Each channel (``left`` and ``right``, or ``both`` on the mean of the two heels when the
profile moves the legs together) goes

    unarmed → idle → down → up → idle

* **unarmed → idle** when the heel is within ``rep_end_frac`` of its tabletop height
  (after a reset or a long gap: a leg first seen low never starts a rep);
* **idle → down** ("start") when the heel drops more than ``rep_start_frac`` of the
  baseline below it;
* **down → up** ("bottom") when the heel rises ``bottom_rise_frac`` of the baseline above
  its lowest point (a heel going lower again returns to ``down``);
* **up → idle** ("end") when the heel is back within ``rep_end_frac`` of the depth below
  the baseline, or has settled close to it. A rep shallower than ``min_depth_frac`` of the
  baseline is a partial rep: it ends with a ``cancel``.

Baseline: the tabletop heel height per channel, from calibration or learned from a still
second while idle. A gap in the data longer than ``max_gap_s`` inside a rep cancels it,
and the channel must see its tabletop again before the next start, so a gap never counts
twice. ``start`` and ``bottom`` events carry the provisional times known at that frame;
``end`` carries the :class:`~formcheck.analysis.rep.Rep` timed on its curve
(:mod:`formcheck.analysis.rep_timing`).

The far leg of a side view (``heel_timed_leg``) hides behind the near one in tabletop: its
reps are timed on its heel plus the near heel's deviation (see
:func:`formcheck.analysis.rep_signals.timing_signal`), never on its own angles.
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from formcheck.analysis.rep import Rep, RepEvent
from formcheck.analysis.rep_timing import rep_times
from formcheck.core.legs import LEGS, Leg, RepLeg, other_leg
from formcheck.profiles import ExerciseProfile

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
    back_since_s: float | None = None  # heel-timed far leg: when its own heel was first back up


class RepSegmenter:
    """Streaming rep segmenter: feed one frame at a time with :meth:`update`.

    Args:
        profile: the exercise profile (thresholds, legs together or not).
        baseline_heel_height_cm: tabletop heel height per leg (``left``/``right``, or
            ``both``) from calibration, in cm; None, a missing leg, NaN or a value below
            15 cm (no tabletop heel is that low) to learn it.
        heel_timed_leg: the far leg of a side view (``left``/``right``), None for none: its reps
            are timed on its heel plus the other heel's deviation from that leg's baseline, not
            on its hip angle (see :func:`timing_signal`).
    """

    def __init__(self, profile: ExerciseProfile,
                 baseline_heel_height_cm: Mapping[Leg, float] | Mapping[RepLeg, float] | None = None,
                 heel_timed_leg: Leg | None = None) -> None:
        if heel_timed_leg not in (None, "left", "right"):
            raise ValueError(f"heel_timed_leg must be 'left', 'right' or None, got {heel_timed_leg!r}")
        self.profile = profile
        self.heel_timed_leg = None if profile.legs_together else heel_timed_leg
        base = {}
        for leg, value in (baseline_heel_height_cm or {}).items():
            if leg not in ("left", "right", "both"):
                raise ValueError(f"baseline_heel_height_cm has unknown leg {leg!r}; use left, right or both")
            if value is not None and math.isfinite(value) and value >= profile.baseline_min_cm:
                base[leg] = float(value)  # NaN or implausibly low (< 15 cm): learned instead
        if profile.legs_together and "both" not in base and ("left" in base or "right" in base):
            base["both"] = float(np.mean([base[k] for k in LEGS if k in base]))
        self._channels = {leg: _Channel(leg, base.get(leg)) for leg in profile.rep_legs}
        self._frame = -1
        self._last_t = -math.inf
        self.reps: list[Rep] = []

    def baseline_cm(self, leg: RepLeg) -> float | None:
        """The current tabletop heel height of a channel (cm), None while unknown."""
        return self._channels[leg].baseline_cm

    def update(self, t_s: float, heel_left_cm: float, heel_right_cm: float,
               angle_left_deg: float = math.nan, angle_right_deg: float = math.nan) -> list[RepEvent]:
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
        hip_l, hip_r = float(angle_left_deg), float(angle_right_deg)
        if self.profile.legs_together:
            pair = [v for v in (left, right) if math.isfinite(v)]
            hips = [v for v in (hip_l, hip_r) if math.isfinite(v)]
            values: dict[RepLeg, tuple[float, float, float]] = {
                "both": (sum(pair) / len(pair) if pair else math.nan, min(pair) if pair else math.nan,
                         sum(hips) / len(hips) if hips else math.nan)}
        else:
            values = {"left": (left, left, hip_l), "right": (right, right, hip_r)}
        timing = {leg: v[0] for leg, v in values.items()}
        occ = self.heel_timed_leg
        if occ is not None:
            other = other_leg(occ)
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
                if ch.leg != self.heel_timed_leg or self._timing_back_up(ch, t):
                    events.append(self._finish(ch, t))
            else:
                ch.back_since_s = None
        return events

    def _trim(self, ch: _Channel, t: float) -> None:
        """Keep only the recent history while idle."""
        p = self.profile
        if len(ch.t) > 8 and t - ch.t[0] > 2 * p.rep_history_s:
            k = bisect.bisect_left(ch.t, t - p.rep_history_s)
            del ch.t[:k], ch.h[:k], ch.low[:k], ch.hip[:k], ch.timing[:k], ch.frame[:k]

    def _learn(self, ch: _Channel, t: float, h: float) -> None:
        """Update the baseline from a still second of tabletop (see the module notes)."""
        p = self.profile
        ch.still.append((t, h))
        while ch.still and t - ch.still[0][0] > p.baseline_still_window_s:
            ch.still.popleft()
        if t - ch.still[0][0] >= 0.8 * p.baseline_still_window_s and t - ch.learn_checked_s >= p.baseline_learn_every_s:
            ch.learn_checked_s = t
            raw = [v for _, v in ch.still]
            values = sorted(raw)
            n = len(values) - 1
            p10, p50, p90 = values[round(0.1 * n)], values[round(0.5 * n)], values[round(0.9 * n)]
            k = max(1, len(raw) // 4)
            trend = abs(sum(raw[-k:]) / k - sum(raw[:k]) / k)  # a heel starting to move is not still
            if p90 - p10 <= p.baseline_still_spread_cm and trend <= p.baseline_still_trend_cm and p50 >= p.baseline_min_cm:
                if ch.baseline_cm is None or abs(p50 - ch.baseline_cm) <= p.baseline_adapt_frac * ch.baseline_cm:
                    ch.baseline_cm = float(p50)
        if ch.baseline_cm is None:
            if ch.learn_t0 is None:
                ch.learn_t0 = t
            ch.learn.append(h)
            if t - ch.learn_t0 >= p.baseline_fallback_s:
                guess = float(np.percentile(ch.learn, 90))
                if guess >= p.baseline_min_cm:
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
        """The heel-timed far leg's own heel returns early (it joins the near heel): wait until its
        timing signal is back at (or has settled near) its pre-rep level too, at most
        the profile's ``far_end_wait_s`` after the heel itself was back."""
        p = self.profile
        if ch.back_since_s is None:
            ch.back_since_s = t
        if t - ch.back_since_s >= p.far_end_wait_s:
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
        j = bisect.bisect_left(ch.t, t - p.settle_window_s, ch.min_i)
        if j >= len(ch.t) - 1 or t - ch.t[j] < 0.5 * p.settle_window_s:
            return False
        return abs(g[-1] - g[j]) / (t - ch.t[j]) < p.settle_speed_cm_s

    def _back_up(self, ch: _Channel, h: float, base: float) -> bool:
        """True when the heel is back at the tabletop (or has settled close to it)."""
        p = self.profile
        depth = base - ch.min_h
        if h >= base - self.profile.rep_end_frac * depth:
            return True
        if h < base - 0.25 * depth:
            return False
        t = ch.t[-1]
        k = bisect.bisect_left(ch.t, t - p.settle_window_s, ch.min_i)
        if k >= len(ch.t) - 1 or t - ch.t[k] < 0.5 * p.settle_window_s:
            return False
        return abs(h - ch.h[k]) / (t - ch.t[k]) < p.settle_speed_cm_s

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
        p = self.profile
        t = np.asarray(ch.t)
        lo = max(0, int(np.searchsorted(t, max(ch.prev_end_s, t[ch.rep_start_i] - p.rep_history_s))))
        h, i_min, base_t = np.asarray(ch.h), ch.min_i, base
        if ch.leg == self.heel_timed_leg:
            h = np.asarray(ch.timing)
            i_min = ch.rep_start_i + int(np.argmin(h[ch.rep_start_i:]))
            pre = h[lo:ch.rep_start_i + 1]
            base_t = float(np.percentile(pre, 90)) if len(pre) >= 3 else base
        start, bottom, end = rep_times(t[lo:], h[lo:], np.asarray(ch.hip)[lo:], i_min - lo,
                                       base_t, ch.t[ch.rep_start_i], p, ch.prev_end_s)
        low = np.asarray(ch.low)
        inside = (t >= start) & (t <= end)
        low_min = float(np.min(low[inside])) if inside.any() else ch.min_h
        frames = np.asarray(ch.frame)
        return Rep(
            index=len(self.reps) + 1, leg=ch.leg, start_s=start, bottom_s=bottom, end_s=end,
            start_frame=_frame_at(t, frames, start), bottom_frame=_frame_at(t, frames, bottom),
            end_frame=_frame_at(t, frames, end), depth_cm=float(base - low_min),
            heel_height_min_cm=low_min, baseline_cm=float(base))


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
