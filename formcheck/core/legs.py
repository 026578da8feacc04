"""Legs as a type: the person's anatomical ``left`` / ``right``, and rep channels.

A rep channel is one leg, or ``both`` when the exercise moves the legs together. Every
"which legs", "the other leg" and "mean of both legs" question has one answer here.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

Leg = Literal["left", "right"]
RepLeg = Literal["left", "right", "both"]
LEGS: tuple[Leg, Leg] = ("left", "right")


def other_leg(leg: Leg) -> Leg:
    """The leg that is not ``leg``."""
    return "right" if leg == "left" else "left"


def legs_of(channel: RepLeg) -> tuple[Leg, ...]:
    """The legs a rep channel moves: ``("left", "right")`` for ``both``, else the leg itself."""
    return LEGS if channel == "both" else (channel,)


def mean_of_legs(*values: np.ndarray) -> np.ndarray:
    """Element-wise mean of per-leg arrays, NaN-tolerant: one known value is used alone,
    NaN where none is known."""
    stacked = np.stack([np.asarray(v, dtype=np.float64) for v in values])
    known = np.isfinite(stacked)
    with np.errstate(invalid="ignore"):
        return np.where(known, stacked, 0.0).sum(axis=0) / known.sum(axis=0)
