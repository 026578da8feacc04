"""Which exercise the person is doing, read from the motion itself: one of ours, or none.

Works on the raw landmarks (image pixels), so it needs neither a calibration nor a
profile, and the same recording can be analysed with the profile it finds. It reads, in
this order (every threshold in :class:`~formcheck.profiles.DetectionSettings`):

1. whether the person was seen long enough to tell;
2. the trunk (mid-shoulder → mid-hip) against the image horizontal: lying on the back
   keeps it near level and still (its level depends on the camera's height, its range does
   not); sitting or standing keeps it steep; a crunch or sit-up lifts the shoulders, a bridge
   the hips (the trunk turns);
3. the legs' sweep (the angle shoulder–hip–ankle): a leg that lowers and comes back makes
   an *episode* (a rep-like movement from the start position to the extended one and back);
4. the knee angle in each episode: at the start and at the extended end. Bent at the start
   and still bent at the end: heel taps; bent and then straight: leg extensions; straight
   throughout: straight-leg raises.

Each episode votes; the profile is the weighted majority, its confidence the agreement of
the votes times how clearly the knee angles sit on their side of the thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from formcheck.core.landmarks import Landmark as L
from formcheck.core.legs import LEGS, Leg
from formcheck.measure.geometry import angle_at_deg
from formcheck.profiles import DETECTION, DetectionSettings
from formcheck.wording import say

AUTO = "auto"

_LEG_POINTS: dict[Leg, tuple[L, L, L]] = {"left": (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE),
                                          "right": (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)}


@dataclass(frozen=True)
class Episode:
    """One rep-like movement of one leg (or of both, merged): its times, knee angles, vote."""

    legs: tuple[Leg, ...]
    start_s: float
    end_s: float
    knee_start_deg: float
    knee_extended_deg: float
    vote: str  # the profile these knee angles describe
    weight: float  # how far the leg can be trusted (its landmarks' visibility)
    margin: float  # 0–1: how clearly the knee angles sit on their side of the thresholds


@dataclass(frozen=True)
class ExerciseDetection:
    """What the motion shows: ``profile`` (None: none of ours), ``confidence`` 0–1, ``seen``
    (``ours``; ``start``: our start position held but no whole rep; else none of ours:
    ``nobody``, ``upright``, ``shoulders``, ``hips``, ``still``, ``unclear``), the episodes
    that voted."""

    profile: str | None
    confidence: float
    seen: str
    episodes: tuple[Episode, ...] = ()

    @property
    def votes_for(self) -> int:
        """Episodes that voted for the recognised profile."""
        return sum(1 for e in self.episodes if e.vote == self.profile)


@dataclass(frozen=True)
class ExerciseChoice:
    """The profile to analyse with, and what report.json says about it.

    ``profile``: the profile whose checks apply (None: none of ours, nothing is checked);
    ``asked``: what the user passed (``auto`` or a profile); ``note``: one sentence for the
    person, or None when there is nothing to say (an explicit profile the motion agrees with).
    """

    profile: str | None
    asked: str
    detection: ExerciseDetection
    note: str | None
    warn: bool = False  # the note belongs in the report's warnings (a mismatch, none of ours)

    def entry(self) -> dict[str, Any]:
        """report.json's ``exercise_detection``."""
        return {"profile": self.detection.profile, "confidence": round(float(self.detection.confidence), 2),
                "asked": self.asked, "note": self.note}


def _midpoint(xy: np.ndarray, a: L, b: L) -> np.ndarray:
    return (xy[:, a] + xy[:, b]) / 2.0


def _median_filter(values: np.ndarray, width: int) -> np.ndarray:
    """Running median over ``width`` samples (odd), edges padded: rejects single-frame jitter."""
    if width < 3 or len(values) < width:
        return values
    half = width // 2
    padded = np.pad(values, half, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, width)
    return np.median(windows, axis=-1)


def _frames_per(window_s: float, t_s: np.ndarray) -> int:
    if len(t_s) < 2:
        return 1
    step_s = float(np.median(np.diff(t_s)))
    n = int(round(window_s / step_s)) if step_s > 0 else 1
    return max(1, n) | 1


def detect_exercise(t_s: np.ndarray, xy_px: np.ndarray, visibility: np.ndarray | None = None,
                    settings: DetectionSettings = DETECTION) -> ExerciseDetection:
    """Recognise the exercise in frames ``t_s`` (s) with landmarks ``xy_px`` (N, 33, 2), NaN
    where nobody was found, and their ``visibility`` (N, 33; None: all visible)."""
    t_s = np.asarray(t_s, dtype=np.float64)
    xy = np.asarray(xy_px, dtype=np.float64)
    shoulder, hip = _midpoint(xy, L.LEFT_SHOULDER, L.RIGHT_SHOULDER), _midpoint(xy, L.LEFT_HIP, L.RIGHT_HIP)
    seen = np.isfinite(shoulder).all(axis=1) & np.isfinite(hip).all(axis=1)
    span_s = float(t_s[-1] - t_s[0]) if len(t_s) > 1 else 0.0
    if not len(t_s) or seen.mean() < settings.min_seen_frac or seen.sum() < 3 or \
            span_s * seen.mean() < settings.min_seen_s:
        return ExerciseDetection(None, _sure(seen.mean() if len(t_s) else 0.0), "nobody")
    t, xy, shoulder, hip = t_s[seen], xy[seen], shoulder[seen], hip[seen]
    width = _frames_per(settings.smooth_s, t)
    # trunk rise: + shoulders above the hips, − hips above the shoulders (image y points down)
    rise = _median_filter(np.degrees(np.arctan2(hip[:, 1] - shoulder[:, 1],
                                                np.abs(shoulder[:, 0] - hip[:, 0]))), width)
    vis = np.ones(xy.shape[:2]) if visibility is None else np.asarray(visibility, dtype=np.float64)[seen]
    if abs(float(np.median(rise))) < settings.upright_deg:  # lying: leave out getting down or up
        keep = _settled(rise, settings)
        t, xy, shoulder, rise, vis = t[keep], xy[keep], shoulder[keep], rise[keep], vis[keep]
    trunk = _trunk_verdict(rise, settings)
    if trunk is not None:
        return trunk
    episodes: list[Episode] = []
    moving = False
    held: dict[str, float] = {}  # start posture → fraction of the frames the best-seen leg held it
    for leg in sorted(LEGS, key=lambda leg: -float(np.nanmean(vis[:, list(_LEG_POINTS[leg])]))):
        hip_j, knee_j, ankle_j = _LEG_POINTS[leg]
        sweep = _median_filter(angle_at_deg(shoulder, xy[:, hip_j], xy[:, ankle_j]), width)
        knee = _median_filter(angle_at_deg(xy[:, hip_j], xy[:, knee_j], xy[:, ankle_j]), width)
        weight = float(np.nanmean(vis[:, [knee_j, ankle_j]])) if vis.size else 1.0
        if weight < settings.min_visibility:
            continue  # a leg hidden most of the time: its landmarks follow the other leg's
        found, moved = _episodes(leg, t, sweep, knee, weight, settings)
        episodes += found
        moving = moving or moved
        if not held:
            held = _start_posture(angle_at_deg(shoulder, xy[:, hip_j], xy[:, knee_j]), knee, settings)
    reps = _merge(episodes, settings)
    if reps:
        return _vote(reps, settings)
    if held:  # in one of our start positions, but no whole rep: that exercise, unsure
        start = max(held, key=lambda k: held[k])
        return ExerciseDetection(start, settings.start_only_confidence, "start")
    if moving:  # legs moved, but never from a start position to the far end and back
        return ExerciseDetection(None, settings.unclear_confidence, "unclear")
    return ExerciseDetection(None, settings.still_confidence, "still")


def _start_posture(hip_deg: np.ndarray, knee_deg: np.ndarray, s: DetectionSettings) -> dict[str, float]:
    """The start positions of ours held for at least ``start_hold_frac`` of the frames: tabletop
    (hips and knees near 90°: heel taps, the default of the two that start there) or straight
    legs up (straight-leg raises)."""
    thighs_up = np.abs(hip_deg - s.start_hip_deg) <= s.start_hip_range_deg
    tabletop = float(np.mean(thighs_up & (np.abs(knee_deg - s.start_hip_deg) <= s.start_knee_range_deg)))
    straight = float(np.mean(thighs_up & (knee_deg >= s.knee_straight_start_deg)))
    found = {"heel-tap": tabletop, "straight-leg": straight}
    return {k: v for k, v in found.items() if v >= s.start_hold_frac}


def _sure(fraction: float) -> float:
    return float(np.clip(1.0 - fraction, 0.0, 1.0))


def _settled(rise: np.ndarray, s: DetectionSettings) -> slice:
    """The frames after getting into position (or before getting out of it): when the trunk
    leaves its start level for its end level and never comes back (or the other way round),
    only the stretch at the level it stays at is read; a crunch keeps coming back."""
    n = len(rise)
    edge = max(1, int(n * s.trunk_start_frac))
    first, last = float(np.median(rise[:edge])), float(np.median(rise[-edge:]))
    near = s.trunk_moves_deg / 2.0
    if abs(first - last) < near:
        return slice(0, n)
    on_first, on_last = np.abs(rise - first) < near, np.abs(rise - last) < near
    if not on_first.any() or not on_last.any():
        return slice(0, n)
    index = np.arange(n)
    reached = np.flatnonzero(on_last & (index > np.argmax(on_first)))  # at the end level after the start's
    if reached.size and not on_first[reached[0]:].any():
        return slice(int(reached[0]), n)  # got into position, then stayed
    final = n - 1 - int(np.argmax(on_last[::-1]))
    left = np.flatnonzero(on_first & (index < final))  # at the start level before the end's
    if left.size and not on_last[: left[-1] + 1].any():
        return slice(0, int(left[-1]) + 1)  # stayed, then got out of position
    return slice(0, n)


def _trunk_verdict(rise: np.ndarray, s: DetectionSettings) -> ExerciseDetection | None:
    """None while the trunk lies level and still; else why it is none of ours."""
    level = float(np.median(rise))
    if abs(level) >= s.upright_deg:
        return ExerciseDetection(None, _clip01((abs(level) - s.upright_deg) / s.trunk_margin_deg + 0.5), "upright")
    high = np.percentile(rise, 100 - s.trunk_percentile)
    low = np.percentile(rise, s.trunk_percentile)
    if high - low >= s.trunk_moves_deg:  # the trunk turned: which end rose from the start (lying)?
        start = float(np.median(rise[: max(1, int(len(rise) * s.trunk_start_frac))]))
        seen = "shoulders" if high - start >= start - low else "hips"
        return ExerciseDetection(None, _clip01((high - low - s.trunk_moves_deg) / s.trunk_margin_deg + 0.5), seen)
    return None


def _clip01(value: float) -> float:
    return float(np.clip(value, 0.0, 1.0))


def _episodes(leg: Leg, t: np.ndarray, sweep: np.ndarray, knee: np.ndarray, weight: float,
              s: DetectionSettings) -> tuple[list[Episode], bool]:
    """The leg's rep-like movements (start region → extended region → start region), and
    whether the leg moved at all."""
    known = np.isfinite(sweep)
    if known.sum() < 3:
        return [], False
    low, high = np.percentile(sweep[known], [s.sweep_percentile, 100 - s.sweep_percentile])
    if high - low < s.leg_moves_deg:
        return [], False
    found = _excursions(leg, t, sweep, knee, weight, s)
    if not found and low <= s.raised_sweep_max_deg:
        # the legs rest down, rise high and come down again: straight-leg raises from the floor
        found = [e for e in _excursions(leg, t, -sweep, knee, weight, s) if e.vote == "straight-leg"]
    return found, True


def _excursions(leg: Leg, t: np.ndarray, sweep: np.ndarray, knee: np.ndarray, weight: float,
                s: DetectionSettings) -> list[Episode]:
    """Movements from the low end of ``sweep`` to its high end and back."""
    known = np.isfinite(sweep)
    low, high = np.percentile(sweep[known], [s.sweep_percentile, 100 - s.sweep_percentile])
    start_at, extended_at = low + s.start_frac * (high - low), low + s.extended_frac * (high - low)
    found: list[Episode] = []
    start_rows: list[int] = []
    extended_rows: list[int] = []
    for i in np.flatnonzero(known):
        if sweep[i] <= start_at:
            if extended_rows and s.min_extended_s <= t[extended_rows[-1]] - t[extended_rows[0]] <= s.max_extended_s:
                found.append(_episode(leg, t, knee, start_rows, extended_rows, weight, s))
            if extended_rows:
                start_rows = []
            extended_rows = []
            start_rows.append(i)
        elif sweep[i] >= extended_at and start_rows:
            extended_rows.append(i)
    return [e for e in found if e.vote != "unclear"]


def _episode(leg: Leg, t: np.ndarray, knee: np.ndarray, start_rows: list[int], extended_rows: list[int],
             weight: float, s: DetectionSettings) -> Episode:
    before = [i for i in start_rows if t[start_rows[-1]] - t[i] <= s.start_window_s]
    knee_start = float(np.nanmedian(knee[before])) if np.isfinite(knee[before]).any() else float("nan")
    knee_ext = float(np.nanmedian(knee[extended_rows])) if np.isfinite(knee[extended_rows]).any() else float("nan")
    vote, margin = _knee_vote(knee_start, knee_ext, s) if np.isfinite(knee_start) and np.isfinite(knee_ext) \
        else ("unclear", 0.0)
    return Episode((leg,), float(t[before[0]]), float(t[extended_rows[-1]]), knee_start, knee_ext, vote,
                   weight, margin)


def _knee_vote(knee_start_deg: float, knee_extended_deg: float, s: DetectionSettings) -> tuple[str, float]:
    """The profile the knee angles of one episode describe, and how clearly (0–1)."""
    start_margin = (knee_start_deg - s.knee_straight_start_deg) / s.knee_margin_deg
    end_margin = (knee_extended_deg - s.knee_straight_deg) / s.knee_margin_deg
    if start_margin >= 0:  # straight at the start: it must stay straight
        return ("straight-leg" if end_margin >= 0 else "unclear"), _clip01(min(start_margin, end_margin))
    if end_margin >= 0:
        return "leg-extension", _clip01(min(end_margin, -start_margin))
    return "heel-tap", _clip01(min(-end_margin, -start_margin))


def _merge(episodes: list[Episode], s: DetectionSettings) -> list[Episode]:
    """One rep per movement: episodes of the two legs that overlap in time are one (both legs
    together, or the far leg's landmarks following the near one's)."""
    merged: list[list[Episode]] = []
    for e in sorted(episodes, key=lambda e: e.start_s):
        if merged and e.start_s < max(m.end_s for m in merged[-1]) - s.overlap_s:
            merged[-1].append(e)
        else:
            merged.append([e])
    out = []
    for group in merged:
        total = sum(_score(e, s) for e in group) or 1.0
        scores: dict[str, float] = {}
        for e in group:  # a clear vote outweighs a leg whose landmarks only followed the other's
            scores[e.vote] = scores.get(e.vote, 0.0) + _score(e, s)
        vote = max(scores, key=lambda k: scores[k])
        agree = [e for e in group if e.vote == vote]
        w = sum(e.weight for e in agree) or 1.0
        out.append(Episode(
            legs=tuple(sorted({leg for e in group for leg in e.legs})),
            start_s=min(e.start_s for e in group), end_s=max(e.end_s for e in group),
            knee_start_deg=sum(e.knee_start_deg * e.weight for e in agree) / w,
            knee_extended_deg=sum(e.knee_extended_deg * e.weight for e in agree) / w,
            vote=vote, weight=max(e.weight for e in group),
            margin=sum(e.margin * e.weight for e in agree) / w * scores[vote] / total))
    return out


def _score(episode: Episode, s: DetectionSettings) -> float:
    """An episode's weight in a vote: the leg's visibility times how clear its knee angles are."""
    return episode.weight * (s.vote_margin_floor + episode.margin)


def _vote(reps: list[Episode], s: DetectionSettings) -> ExerciseDetection:
    scores: dict[str, float] = {}
    for rep in reps:
        scores[rep.vote] = scores.get(rep.vote, 0.0) + _score(rep, s)
    profile = max(scores, key=lambda k: scores[k])
    agreement = scores[profile] / sum(scores.values())
    margin = float(np.mean([r.margin for r in reps if r.vote == profile]))
    confidence = agreement * (s.confidence_floor + (1.0 - s.confidence_floor) * margin)
    if len(reps) < s.sure_after_reps:
        confidence *= (len(reps) + 1) / (s.sure_after_reps + 1)
    return ExerciseDetection(profile, _clip01(confidence), "ours", tuple(reps))


def choose_exercise(asked: str, detection: ExerciseDetection, settings: DetectionSettings = DETECTION) -> ExerciseChoice:
    """The profile to analyse with: an explicit ``asked`` profile always wins (the note says
    when the motion looks like another); ``auto`` takes the recognised one, or none."""
    found = detection.profile
    if asked != AUTO:
        if found is not None and found != asked and detection.confidence >= settings.mismatch_confidence:
            note = say("detect.mismatch", asked=say(f"detect.name.{asked}"), evidence=_evidence(detection),
                       found=say(f"detect.name.{found}"))
            return ExerciseChoice(asked, asked, detection, note, warn=True)
        if found is None and detection.seen not in ("nobody", "unclear", "still"):
            return ExerciseChoice(asked, asked, detection, say("detect.asked_other", seen=_seen(detection)), warn=True)
        return ExerciseChoice(asked, asked, detection, None)
    if found is None:
        return ExerciseChoice(None, asked, detection, say("detect.none", seen=_seen(detection)), warn=True)
    if detection.seen == "start":
        return ExerciseChoice(found, asked, detection, say("detect.start_only", name=say(f"detect.name.{found}")))
    return ExerciseChoice(found, asked, detection, say("detect.found", name=say(f"detect.name.{found}"),
                                                       evidence=_evidence(detection)))


def _seen(detection: ExerciseDetection) -> str:
    return say(f"detect.seen.{detection.seen}")


def _evidence(detection: ExerciseDetection) -> str:
    n, total = detection.votes_for, len(detection.episodes)
    reps = say("detect.every_rep") if n == total else say("detect.some_reps", n=n, total=total)
    return say(f"detect.evidence.{detection.profile}", reps=reps)

