"""Rep times from the whole movement curve: a minimum-jerk profile fitted through the 10-90 % crossings.

Threshold crossings of the rep machine are late by design, so at the end of a rep its
start, bottom and end are refined from the curve. Each monotone transit is timed by the
times it crosses 10 %, 20 %, ..., 90 % of the depth, fitted with ``t = t0 + T*u(level)``
(``u`` the minimum-jerk profile of a controlled movement) by least squares weighted by the
profile's speed at each level: a crossing on a flat stretch is the least certain. The fit
gives the start (``t0``) and the arrival at the lowest point (``t0 + T``) of the lowering,
and the end of the raise; a hold at the bottom belongs to the raise. A more abrupt
(cosine) movement is timed 0.087 x its duration early at the start and late at the
arrival.

The signal is a leg angle that follows the thigh (the sweep about the calibrated hip, or
the hip angle) when it moves enough and agrees with the heel; else the heel height, whose
tails are distorted for straight legs and leg extensions (a non-linear function of thigh
and knee).
"""

from __future__ import annotations

import math

import numpy as np

from formcheck.profiles import ExerciseProfile

_LEVELS = np.round(np.arange(0.1, 0.95, 0.1), 2)  # fractions of the depth used for the time fit (0.1 … 0.9)








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
              coarse_start_s: float, profile: ExerciseProfile, t_lo: float = -math.inf) -> tuple[float, float, float]:
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
    if core.any() and ok[core].mean() >= profile.timing_angle_min_known:
        th, g = t[ok], -angle[ok]  # the angle grows as the leg lowers: flip it to go "down"
        core_h = np.flatnonzero(th >= coarse_start_s)
        pre = (th >= max(t_lo, coarse_start_s - 2.0)) & (th <= coarse_start_s)
        if len(core_h) >= 3 and pre.sum() >= 3:
            j = int(core_h[np.argmin(g[core_h])])
            base_g = float(np.percentile(g[pre], 90))
            if base_g - g[j] >= profile.timing_angle_min_deg:
                by_hip = refine_times(th, g, j, base_g, t_lo)
                by_heel = refine_times(t, heel, i_min, base_cm, t_lo)
                if max(abs(a - b) for a, b in zip(by_hip, by_heel)) <= profile.timing_angle_max_disagree_s:
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


def _nanmin(a: float, b: float) -> float:
    return b if not math.isfinite(a) else min(a, b)


def _nanmax(a: float, b: float) -> float:
    return b if not math.isfinite(a) else max(a, b)
