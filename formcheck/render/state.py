"""What the overlay shows on one frame (already measured and judged elsewhere; no drawing here)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from formcheck.core.pose import Pose

Phase = Literal["idle", "lowering", "raising"]


@dataclass(frozen=True)
class LegState:
    """One leg (or ``both`` for legs-together exercises) as the overlay shows it.

    Attributes:
        name: ``left``, ``right`` or ``both``.
        knee_angle_deg: current knee angle in degrees; NaN when unknown.
        reps: reps counted so far.
        phase: ``idle``, ``lowering`` or ``raising``.
        phase_elapsed_s: seconds spent in the current phase (tempo cue).
    """

    name: str
    knee_angle_deg: float = math.nan
    reps: int = 0
    phase: Phase = "idle"
    phase_elapsed_s: float = 0.0


@dataclass(frozen=True)
class FaultBanner:
    """An active fault: its stable ``code`` and the coach's ``message``."""

    code: str
    message: str


@dataclass(frozen=True, eq=False)
class OverlayState:
    """Everything to draw on one frame.

    Attributes:
        pose: the person (image landmarks in the pose's own pixels), or None / missing.
        legs: one :class:`LegState` per counted leg, in display order.
        knee_target_deg: tabletop knee angle (90°); None when the exercise does not hold it.
        knee_tolerance_deg: allowed deviation from ``knee_target_deg`` in degrees.
        lumbar_lift_cm: lower-back lift above the imprint baseline in cm; NaN when unknown.
        arching_lift_cm: the lift that counts as arching, in cm.
        tempo_target_s: coached duration of each phase in seconds (3 s down, 3 s up).
        faults: active fault banners, most important first.
        setup_message: a set-up instruction ("turn the camera side-on"), or None.
        fps: processing rate in frames per second for the corner, or None.
        latency_ms: capture-to-overlay latency in milliseconds for the corner, or None.
    """

    pose: Pose | None = None
    legs: tuple[LegState, ...] = (LegState("left"), LegState("right"))
    knee_target_deg: float | None = 90.0
    knee_tolerance_deg: float = 20.0
    lumbar_lift_cm: float = math.nan
    arching_lift_cm: float = 1.5
    tempo_target_s: float = 3.0
    faults: tuple[FaultBanner, ...] = field(default_factory=tuple)
    setup_message: str | None = None
    fps: float | None = None
    latency_ms: float | None = None
