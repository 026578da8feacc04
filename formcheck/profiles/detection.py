"""The exercise recogniser's thresholds: part of the one profiles table (see ``formcheck.profiles``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DetectionSettings:
    """Thresholds of the exercise recogniser (:mod:`formcheck.analysis.exercise_detect`).

    Angles are in the image: the trunk's *rise* is the angle of mid-shoulder → mid-hip above
    the horizontal (+ shoulders higher), a leg's *sweep* the angle shoulder–hip–ankle (about
    135° in tabletop, 90° with straight legs up, near 180° with the leg down), the knee
    angle hip–knee–ankle (180° straight).

    Attributes:
        min_seen_frac, min_seen_s: the person must be found in this fraction of the frames
            and for this long to tell anything.
        smooth_s: running-median window over the angles (rejects single-frame jitter).
        upright_deg: a median trunk rise this steep is sitting or standing, not lying.
        trunk_moves_deg: the trunk rise ranging this much (between its ``trunk_percentile``
            and ``100 - trunk_percentile`` percentiles) is the trunk moving: a crunch, a
            sit-up, a bridge.
        trunk_margin_deg: how far past a trunk threshold counts as sure.
        trunk_start_frac: the first (last) fraction of the seen frames is the start (end)
            level of the trunk: whether the shoulders or the hips rose is read against the
            start; when start and end differ by half ``trunk_moves_deg`` the person got into
            (or out of) position, and only the longer stretch at one of them is read.
        leg_moves_deg: a leg's sweep ranging this much (between its ``sweep_percentile`` and
            ``100 - sweep_percentile`` percentiles) is a leg moving.
        min_visibility: a leg whose knee and ankle are seen less than this (mean MediaPipe
            visibility) does not vote: hidden behind the other leg, its landmarks follow it.
        start_frac, extended_frac: of that range above its low end: the start region and the
            extended region of an episode.
        min_extended_s, max_extended_s: an episode stays in the extended region at least this
            long, and at most this long (longer is a hold, not a rep; a rep may hold at the bottom).
        raised_sweep_max_deg: legs resting down count as raised (straight-leg raises from the
            floor) only when their sweep comes down to this (about 50° off the floor; a hollow
            hold lifts them less).
        start_window_s: the start knee angle is read over this long before the episode leaves
            the start region.
        overlap_s: episodes of the two legs overlapping more than this are one rep.
        knee_straight_deg: a knee at least this open in the extended region has straightened
            (leg extension, straight legs); below it, it stayed bent (heel taps).
        knee_straight_start_deg: a knee this open at the start: straight legs from the start.
        knee_margin_deg: a knee angle this far past its threshold is a sure vote.
        confidence_floor: the confidence of a unanimous vote with no margin.
        vote_margin_floor: an episode's vote counts its leg's visibility × (this + its margin).
        sure_after_reps: with n episodes fewer than this, the confidence is scaled by
            (n + 1) / (sure_after_reps + 1).
        mismatch_confidence: an explicit profile is questioned only this sure.
        start_hip_deg, start_hip_range_deg, start_knee_range_deg, start_hold_frac: with no
            whole rep, a leg held in a start position of ours (hip at 90° ± range and the knee
            at 90° ± range: tabletop; or straight from ``knee_straight_start_deg``) for this
            fraction of the frames makes it that exercise, with ``start_only_confidence``.
        still_confidence, unclear_confidence: how sure "none of ours" is when no leg moved,
            and when legs moved but never made a whole episode.
        live_min_reps, live_confidence: live switches to a recognised profile once this many
            episodes show it with this confidence.
        live_check_every_s: live looks at the session so far this often until it has decided.
        live_show_found_s: live shows the recognised exercise this long in the set-up line.
    """

    min_seen_frac: float = 0.15
    min_seen_s: float = 2.0
    smooth_s: float = 0.25
    upright_deg: float = 50.0
    trunk_moves_deg: float = 10.0
    trunk_percentile: float = 5.0
    trunk_margin_deg: float = 10.0
    trunk_start_frac: float = 0.1
    leg_moves_deg: float = 20.0
    min_visibility: float = 0.3
    sweep_percentile: float = 5.0
    start_frac: float = 0.3
    extended_frac: float = 0.65
    min_extended_s: float = 0.3
    max_extended_s: float = 20.0
    raised_sweep_max_deg: float = 130.0
    start_window_s: float = 1.0
    overlap_s: float = 0.3
    knee_straight_deg: float = 140.0
    knee_straight_start_deg: float = 145.0
    knee_margin_deg: float = 15.0
    confidence_floor: float = 0.5
    vote_margin_floor: float = 0.25
    sure_after_reps: int = 2
    mismatch_confidence: float = 0.6
    start_hip_deg: float = 90.0
    start_hip_range_deg: float = 30.0
    start_knee_range_deg: float = 30.0
    start_hold_frac: float = 0.5
    start_only_confidence: float = 0.3
    still_confidence: float = 0.8
    unclear_confidence: float = 0.5
    live_min_reps: int = 2
    live_confidence: float = 0.6
    live_check_every_s: float = 1.0
    live_show_found_s: float = 5.0


DETECTION = DetectionSettings()
