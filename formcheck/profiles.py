"""Exercise profiles: every threshold of the rep machine and the rules, as data.

One frozen :class:`ExerciseProfile` per exercise, registered in :data:`PROFILES`.
The seed's numbers: 3 s down and 3 s up, tabletop at 90°, arching measured above the
person's own imprint baseline.

| field                     | heel-tap | leg-extension | straight-leg | unit |
|---------------------------|----------|---------------|--------------|------|
| legs_together             | False    | False         | True         |      |
| knee_target_deg           | 90       | None          | None         | deg  |
| knee_tolerance_deg        | 20       | 20            | 20           | deg  |
| knee_straight_min_deg     | None     | None          | 150          | deg  |
| start_knee_deg            | 90       | 90            | None         | deg  |
| start_hip_tolerance_deg   | 25       | 25            | 25           | deg  |
| knee_fault_min_s          | 0.3      | 0.3           | 0.3          | s    |
| target_lower_s / raise_s  | 3.0      | 3.0           | 3.0          | s    |
| min_lower_s / min_raise_s | 1.8      | 1.8           | 1.8          | s    |
| bounce_cm                 | 2.0      | 2.0           | 3.0          | cm   |
| arching_lift_cm           | 1.5      | 1.5           | 1.5          | cm   |
| arching_tilt_deg          | 8        | 8             | 8            | deg  |
| arching_min_s             | 0.2      | 0.2           | 0.2          | s    |
| min_depth_frac            | 0.4      | 0.4           | 0.4          |      |
| full_depth_frac           | 0.75     | 0.65          | 0.7          |      |
| rep_start_frac            | 0.2      | 0.2           | 0.2          |      |
| rep_end_frac              | 0.1      | 0.1           | 0.1          |      |
| bottom_rise_frac          | 0.08     | 0.08          | 0.08         |      |
| max_gap_s                 | 1.0      | 1.0           | 1.0          | s    |
| max_rep_s                 | 20       | 20            | 20           | s    |
| next_profile              | leg-extension | straight-leg | None    |      |

Swinging threshold: the coached phase is 3 s; rushed reps take about 1 s. The minimum
phase (1.8 s) sits about mid-way between the slowest rushed phase (~1.1 s) and the
fastest acceptable one (~2.6 s), so a phase timed up to ~0.7 s off still lands on the right
side (rep timing is within ~0.45 s on the rendered side-view clips, far leg included;
a rushed rep's raise includes its bounce and reads up to ~1.45 s).

Fractions: ``rep_start_frac`` and ``min_depth_frac`` are of the tabletop heel height
(baseline); ``rep_end_frac`` is of the rep's depth; ``bottom_rise_frac`` is of the baseline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

__all__ = ["ExerciseProfile", "PROFILES", "DEFAULT_PROFILE", "get_profile"]


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
        for name in ("min_depth_frac", "full_depth_frac", "rep_start_frac", "rep_end_frac", "bottom_rise_frac"):
            if not 0 < getattr(self, name) < 1:
                raise ValueError(f"ExerciseProfile.{name} must be between 0 and 1, got {getattr(self, name)!r}")
        if self.rep_start_frac >= self.min_depth_frac:
            raise ValueError(f"ExerciseProfile.rep_start_frac ({self.rep_start_frac}) must be below "
                             f"min_depth_frac ({self.min_depth_frac})")
        for name in ("min_lower_s", "min_raise_s"):
            target = getattr(self, name.replace("min_", "target_"))
            if getattr(self, name) > target:
                raise ValueError(f"ExerciseProfile.{name} must not exceed {name.replace('min_', 'target_')}")
        for name in ("knee_tolerance_deg", "arching_lift_cm", "arching_tilt_deg", "max_rep_s"):
            if getattr(self, name) <= 0:
                raise ValueError(f"ExerciseProfile.{name} must be > 0, got {getattr(self, name)!r}")

    @property
    def rep_legs(self) -> tuple[str, ...]:
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
