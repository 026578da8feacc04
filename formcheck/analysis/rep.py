"""A rep and the events of the streaming rep machine (times in s, heights in cm)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from formcheck.core.legs import RepLeg

EventKind = Literal["start", "bottom", "end", "cancel"]


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
