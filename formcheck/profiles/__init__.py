"""Exercise profiles: every threshold and time constant of the analysis, as data.

One frozen :class:`ExerciseProfile` per exercise, registered in :data:`PROFILES`. The
seed's numbers: 3 s down and 3 s up, tabletop at 90°, arching measured above the
person's own imprint baseline. Times are seconds, never frames, so they hold at any frame
rate and stride. The three profiles differ only where the table says so; every other
field is shared (its default).

| field                      | heel-tap | leg-extension | straight-leg | unit |
|----------------------------|----------|---------------|--------------|------|
| legs_together              | False    | False         | True         |      |
| knee_target_deg            | 90       | None          | None         | deg  |
| knee_straight_min_deg      | None     | None          | 150          | deg  |
| start_knee_deg             | 90       | 90            | None         | deg  |
| bounce_cm                  | 2.0      | 2.0           | 3.0          | cm   |
| full_depth_frac            | 0.75     | 0.65          | 0.7          |      |
| next_profile               | leg-extension | straight-leg | None    |      |

Shared by all three:

| group | fields (default) |
|---|---|
| knee (tabletop_lost) | knee_tolerance_deg 20, knee_fault_min_s 0.3 |
| start position | start_hip_deg 90, start_hip_tolerance_deg 25, start_window_before_s 0.3, start_window_after_s 0.1, setup_window_s 0.5 |
| tempo (swinging) | target_lower_s / target_raise_s 3.0, min_lower_s / min_raise_s 1.8, bounce_window_s 1.0, slow_enough_frac 0.7 |
| back (arching) | arching_lift_cm 1.5, arching_tilt_deg 8, arching_tilt_lift_frac 0.5, arching_min_s 0.2 |
| reps | min_depth_frac 0.4, rep_start_frac 0.2, rep_end_frac 0.1, bottom_rise_frac 0.08, max_gap_s 1.0, max_rep_s 20 |
| rep baseline | baseline_still_window_s 1.0, baseline_still_spread_cm 3.0, baseline_still_trend_cm 1.0, baseline_min_cm 15, baseline_adapt_frac 0.25, baseline_learn_every_s 0.1, baseline_fallback_s 3.0 |
| rep end and timing | settle_speed_cm_s 3.0, settle_window_s 0.3, far_end_wait_s 1.5, rep_history_s 4.0, rep_plateau_s 1.5, timing_angle_min_deg 20, timing_angle_min_known 0.8, timing_angle_max_disagree_s 1.0 |
| calibration | still_min_s 1.0, still_max_s 2.0, calibration_search_s 15, still_tolerance_frac 0.08, calibration_knee_range_deg 30, calibration_straight_margin_deg 15, calibration_hip_range_deg 35 |
| session | moved_trunk_frac 0.25, moved_for_s 1.5, person_forget_s 1.0, person_survey_s 5.0 |
| feedback | banner_live_s 3.0, banner_video_s 1.5 |
| calibration window | calibration_guard_s 0.7 |
| prescription (sets) | set_rest_s 15, sets_prescribed 3, set_reps_min 10, set_reps_max 12, sessions_per_week_min 3, sessions_per_week_max 4 |
| fatigue within a set | fatigue_min_reps 3, fatigue_share 0.75, fatigue_tempo_frac 0.75, fatigue_baseline_reps 3 |
| progression over sessions | progress_after_sessions 3, end_range_change_cm 2.0, frequency_window_days 28 |
| voice | voice_repeat_s 5, voice_setup_settle_s 1, voice_setup_repeat_s 10, voice_max_wait_s 4, pace_beat_s 1, pace_late_s 0.3 (a set's end is said after set_rest_s) |

Swinging threshold: the coached phase is 3 s; rushed reps take about 1 s. The minimum
phase (1.8 s) sits about mid-way between the slowest rushed phase (~1.1 s) and the
fastest acceptable one (~2.6 s), so a phase timed up to ~0.7 s off still lands on the right
side. A rep is slow enough for the progression advice when both phases reach
``slow_enough_frac`` of the coached tempo (0.7 × 3 s = 2.1 s).

Fractions: ``rep_start_frac``, ``min_depth_frac`` and ``bottom_rise_frac`` are of the
tabletop heel height (baseline); ``rep_end_frac`` is of the rep's depth;
``arching_tilt_lift_frac`` of ``arching_lift_cm`` (a tilt counts only with that much lift,
or with the lift unknown); ``still_tolerance_frac`` and ``moved_trunk_frac`` of the trunk
length; ``timing_angle_min_known`` of a rep's frames.

Sets and the prescription: a rest of ``set_rest_s`` or more between two reps ends a set; the
prescription is ``sets_prescribed`` sets of ``set_reps_min``–``set_reps_max`` slow reps per leg,
``sessions_per_week_min``–``sessions_per_week_max`` sessions a week. Fatigue within a set: a
fault (or a rep shorter than ``fatigue_tempo_frac`` of the set's first
``fatigue_baseline_reps`` reps) from a given rep on, in at least ``fatigue_share`` of the at
least ``fatigue_min_reps`` reps from there to the set's end, and in at most ``1 −
fatigue_share`` of the reps before. Over sessions: ``progress_after_sessions`` sessions in a
row clean at full depth and a slow tempo earn the next profile; an end range that moved by
``end_range_change_cm`` between the latest and the earlier sessions got better or worse;
sessions a week are counted over the last ``frequency_window_days``.

The calibration window ends ``calibration_guard_s`` before the still start posture was seen
to end: a slow first lowering moves the legs too little to be noticed for about half a
second, and the window must not reach into the first rep.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from formcheck.core.legs import RepLeg
from formcheck.profiles.detection import DETECTION, DetectionSettings  # the recogniser's part of the table

__all__ = ["ExerciseProfile", "PROFILES", "DEFAULT_PROFILE", "get_profile", "DetectionSettings", "DETECTION"]


@dataclass(frozen=True)
class ExerciseProfile:
    """Thresholds of one exercise (units in the names; fractions are 0–1).

    Attributes:
        name: registry key (``heel-tap``, ``leg-extension``, ``straight-leg``).
        legs_together: both legs move as one (reps have leg ``both``).
        knee_target_deg: knee angle to hold during the rep; None when not checked.
        knee_tolerance_deg: allowed deviation from ``knee_target_deg`` / ``start_knee_deg``.
        knee_straight_min_deg: both knees must stay at least this straight; None when not checked.
        start_knee_deg: knee angle of the start position (tabletop 90); None when not checked.
        start_hip_tolerance_deg: allowed deviation of the hip angle from 90° at rep start.
        knee_fault_min_s: a knee outside its range must stay out this long to count.
        target_lower_s, target_raise_s: the coached tempo (s down, s up).
        min_lower_s, min_raise_s: a phase shorter than this is swinging.
        bounce_cm: a heel rebound at the bottom bigger than this is swinging.
        arching_lift_cm: lumbar lift above the imprint baseline that counts as arching.
        arching_tilt_deg: pelvic tilt above the imprint baseline that counts as arching.
        arching_min_s: arching must last this long (rejects jitter).
        min_depth_frac: a rep must lower the heel by this fraction of its tabletop height.
        full_depth_frac: depth that counts as full range (for the progression advice).
        rep_start_frac: the rep machine starts a rep when the heel drops by this fraction of the baseline.
        rep_end_frac: it ends the rep when the heel is back within this fraction of the depth.
        bottom_rise_frac: it confirms the bottom when the heel rises this fraction of the baseline.
        max_gap_s: a rep interrupted by missing data longer than this is dropped.
        max_rep_s: a rep still open after this long is dropped.
        start_hip_deg: hip angle of the start position (thighs vertical).
        start_window_before_s, start_window_after_s: around a rep's start, where its start
            position is read.
        setup_window_s: the first seconds with knees seen, judged as the start position.
        bounce_window_s: a heel rebound is looked for this long after the bottom.
        slow_enough_frac: both phases at least this fraction of the coached tempo: slow enough.
        arching_tilt_lift_frac: a tilt above ``arching_tilt_deg`` counts with at least this
            fraction of ``arching_lift_cm`` of lift (or the lift unknown).
        baseline_*: learning a channel's tabletop heel height from a still stretch while idle
            (window, 10–90 % spread, trend between its quarters, lowest plausible value, the
            largest change accepted as a fraction, how often it is checked, and after how
            long without a still stretch the 90th percentile is used).
        settle_speed_cm_s, settle_window_s: a heel this slow over this window near the
            baseline has settled (ends a rep).
        far_end_wait_s: the far leg's rep end waits at most this long for its timing signal.
        rep_history_s: history kept before a rep's start for its time fit.
        rep_plateau_s: the offline refit of a rep also sees this long after its end.
        timing_angle_min_deg, timing_angle_min_known, timing_angle_max_disagree_s: a leg
            angle times a rep when it moves at least this much, is known in this fraction of
            the rep's frames and agrees with the heel's times this well.
        still_min_s, still_max_s: a still start posture held this long calibrates (extended
            up to the maximum while the person stays still).
        calibration_search_s: without a still start posture in this long, the stillest
            second is used (calibration not ok).
        still_tolerance_frac: key points' spread / trunk length that still counts as still.
        calibration_knee_range_deg, calibration_straight_margin_deg, calibration_hip_range_deg:
            the start posture the calibration accepts: knees at ``start_knee_deg`` ± range
            (straight legs: down to ``knee_straight_min_deg`` − margin), hips at
            ``start_hip_deg`` ± range.
        moved_trunk_frac, moved_for_s: the trunk shifted this fraction of its length for this
            long: the person or the camera moved, calibrate again.
        person_forget_s: the tracker forgets a person unmatched this long and chooses afresh.
        person_survey_s: while following the person, the whole frame is searched for other
            people this often (``people`` in frames.csv); the person's loss triggers it at once.
        banner_live_s: a live fault banner stays this long after its condition last held.
        banner_video_s: a fault banner in the annotated video shows this long from its time.
        calibration_guard_s: the tail of the still start posture left out of the calibration
            window (the first lowering begins before it is noticed).
        set_rest_s: a rest at least this long between two reps ends a set (``sets`` in the
            report; live, the voice says the set is over once the rest has lasted this long).
        sets_prescribed, set_reps_min, set_reps_max: the prescription, sets of reps per leg.
        sessions_per_week_min, sessions_per_week_max: the prescribed sessions a week.
        fatigue_min_reps, fatigue_share, fatigue_tempo_frac, fatigue_baseline_reps: fatigue
            within a set (see the module docstring).
        progress_after_sessions: clean sessions at full depth in a row that earn the next profile.
        end_range_change_cm: a change of the end range (heel height) this large is reported.
        frequency_window_days: sessions a week are counted over this many last days.
        voice_repeat_s: the same spoken cue is not said again within this long.
        voice_setup_settle_s: set-up guidance is spoken once it has stayed the same this long.
        voice_setup_repeat_s: guidance that stays the same is said again after this long.
        voice_max_wait_s: a cue that waited this long for the voice to be free is dropped
            (the session summary always waits).
        pace_beat_s: the tempo count says one beat this often ("down, 2, 3": three beats of 1 s).
        pace_late_s: a beat that could not start within this long of its time is skipped.
        next_profile: the progression once every rep is clean; None at the top.
        description: one line for people.
    """

    name: str
    legs_together: bool = False
    knee_target_deg: float | None = 90.0
    knee_tolerance_deg: float = 20.0
    knee_straight_min_deg: float | None = None
    start_knee_deg: float | None = 90.0
    start_hip_tolerance_deg: float = 25.0
    knee_fault_min_s: float = 0.3
    target_lower_s: float = 3.0
    target_raise_s: float = 3.0
    min_lower_s: float = 1.8
    min_raise_s: float = 1.8
    bounce_cm: float = 2.0
    arching_lift_cm: float = 1.5
    arching_tilt_deg: float = 8.0
    arching_min_s: float = 0.2
    min_depth_frac: float = 0.4
    full_depth_frac: float = 0.75
    rep_start_frac: float = 0.2
    rep_end_frac: float = 0.1
    bottom_rise_frac: float = 0.08
    max_gap_s: float = 1.0
    max_rep_s: float = 20.0
    start_hip_deg: float = 90.0
    start_window_before_s: float = 0.3
    start_window_after_s: float = 0.1
    setup_window_s: float = 0.5
    bounce_window_s: float = 1.0
    slow_enough_frac: float = 0.7
    arching_tilt_lift_frac: float = 0.5
    baseline_still_window_s: float = 1.0
    baseline_still_spread_cm: float = 3.0
    baseline_still_trend_cm: float = 1.0
    baseline_min_cm: float = 15.0
    baseline_adapt_frac: float = 0.25
    baseline_learn_every_s: float = 0.1
    baseline_fallback_s: float = 3.0
    settle_speed_cm_s: float = 3.0
    settle_window_s: float = 0.3
    far_end_wait_s: float = 1.5
    rep_history_s: float = 4.0
    rep_plateau_s: float = 1.5
    timing_angle_min_deg: float = 20.0
    timing_angle_min_known: float = 0.8
    timing_angle_max_disagree_s: float = 1.0
    still_min_s: float = 1.0
    still_max_s: float = 2.0
    calibration_search_s: float = 15.0
    still_tolerance_frac: float = 0.08
    calibration_knee_range_deg: float = 30.0
    calibration_straight_margin_deg: float = 15.0
    calibration_hip_range_deg: float = 35.0
    moved_trunk_frac: float = 0.25
    moved_for_s: float = 1.5
    person_forget_s: float = 1.0
    person_survey_s: float = 5.0
    banner_live_s: float = 3.0
    banner_video_s: float = 1.5
    calibration_guard_s: float = 0.7
    set_rest_s: float = 15.0
    sets_prescribed: int = 3
    set_reps_min: int = 10
    set_reps_max: int = 12
    sessions_per_week_min: int = 3
    sessions_per_week_max: int = 4
    fatigue_min_reps: int = 3
    fatigue_share: float = 0.75
    fatigue_tempo_frac: float = 0.75
    fatigue_baseline_reps: int = 3
    progress_after_sessions: int = 3
    end_range_change_cm: float = 2.0
    frequency_window_days: int = 28
    voice_repeat_s: float = 5.0
    voice_setup_settle_s: float = 1.0
    voice_setup_repeat_s: float = 10.0
    voice_max_wait_s: float = 4.0
    pace_beat_s: float = 1.0
    pace_late_s: float = 0.3
    next_profile: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"ExerciseProfile.name must be a non-empty string, got {self.name!r}")
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in ("name", "next_profile", "description", "legs_together"):
                continue
            if value is None and item.name in ("knee_target_deg", "knee_straight_min_deg", "start_knee_deg"):
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise ValueError(f"ExerciseProfile.{item.name} must be a finite number >= 0, got {value!r}")
        for name in ("knee_target_deg", "knee_straight_min_deg", "start_knee_deg"):
            value = getattr(self, name)
            if value is not None and not 0 < value <= 180:
                raise ValueError(f"ExerciseProfile.{name} must be in (0, 180] degrees or None, got {value!r}")
        for name in ("min_depth_frac", "full_depth_frac", "rep_start_frac", "rep_end_frac", "bottom_rise_frac",
                     "slow_enough_frac", "arching_tilt_lift_frac", "baseline_adapt_frac", "timing_angle_min_known"):
            if not 0 < getattr(self, name) < 1:
                raise ValueError(f"ExerciseProfile.{name} must be between 0 and 1, got {getattr(self, name)!r}")
        if self.rep_start_frac >= self.min_depth_frac:
            raise ValueError(f"ExerciseProfile.rep_start_frac ({self.rep_start_frac}) must be below "
                             f"min_depth_frac ({self.min_depth_frac})")
        for name in ("min_lower_s", "min_raise_s"):
            target = getattr(self, name.replace("min_", "target_"))
            if getattr(self, name) > target:
                raise ValueError(f"ExerciseProfile.{name} must not exceed {name.replace('min_', 'target_')}")
        if not 0 < self.still_min_s <= self.still_max_s:
            raise ValueError(f"ExerciseProfile.still_min_s must be positive and at most still_max_s, "
                             f"got {self.still_min_s}")
        if self.calibration_search_s < self.still_min_s:
            raise ValueError(f"ExerciseProfile.calibration_search_s must be at least still_min_s, "
                             f"got {self.calibration_search_s}")
        for name in ("knee_tolerance_deg", "arching_lift_cm", "arching_tilt_deg", "max_rep_s",
                     "baseline_still_window_s", "settle_window_s", "still_tolerance_frac"):
            if getattr(self, name) <= 0:
                raise ValueError(f"ExerciseProfile.{name} must be > 0, got {getattr(self, name)!r}")
        if self.pace_beat_s <= 0:
            raise ValueError(f"ExerciseProfile.pace_beat_s must be > 0, got {self.pace_beat_s!r}")

        for name in ("fatigue_share", "fatigue_tempo_frac"):
            if not 0 < getattr(self, name) < 1:
                raise ValueError(f"ExerciseProfile.{name} must be between 0 and 1, got {getattr(self, name)!r}")
        for low, high in (("set_reps_min", "set_reps_max"), ("sessions_per_week_min", "sessions_per_week_max")):
            if not 0 < getattr(self, low) <= getattr(self, high):
                raise ValueError(f"ExerciseProfile.{low} must be positive and at most {high}, "
                                 f"got {getattr(self, low)!r}")

    @property
    def rep_legs(self) -> tuple[RepLeg, ...]:
        """The rep channels: ``("both",)`` or ``("left", "right")``."""
        return ("both",) if self.legs_together else ("left", "right")


PROFILES: dict[str, ExerciseProfile] = {
    "heel-tap": ExerciseProfile(
        name="heel-tap",
        next_profile="leg-extension",
        description="heel taps from tabletop: knee held at 90°, one heel lowered toward the floor",
    ),
    "leg-extension": ExerciseProfile(
        name="leg-extension",
        knee_target_deg=None,  # the knee straightens as the leg lowers
        full_depth_frac=0.65,
        next_profile="straight-leg",
        description="single-leg extension from tabletop: the knee straightens as the leg lowers",
    ),
    "straight-leg": ExerciseProfile(
        name="straight-leg",
        legs_together=True,
        knee_target_deg=None,
        knee_straight_min_deg=150.0,
        start_knee_deg=None,
        bounce_cm=3.0,
        full_depth_frac=0.7,
        next_profile=None,
        description="straight-leg raises: both legs straight, lowered together",
    ),
}
DEFAULT_PROFILE = "heel-tap"


def get_profile(name: str | None = None) -> ExerciseProfile:
    """The registered profile ``name`` (default ``heel-tap``); ValueError listing valid names."""
    key = DEFAULT_PROFILE if name is None else name
    try:
        return PROFILES[key]
    except (KeyError, TypeError):
        raise ValueError(f"unknown exercise {name!r}; valid exercises: {', '.join(PROFILES)}") from None

