"""Motion profiles: smooth joint-angle tracks sampled at frame times (pure numpy).

A :class:`Track` is one scalar channel (an angle in degrees) built from holds and
moves; each move follows a minimum-jerk or cosine profile, so velocity and
acceleration are zero at both ends, as in a controlled human movement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Literal

import numpy as np

Profile = Literal["minjerk", "cosine", "linear"]


def minjerk(u: np.ndarray) -> np.ndarray:
    """Minimum-jerk position profile on normalised time ``u`` in [0, 1] → [0, 1]."""
    u = np.clip(u, 0.0, 1.0)
    return u**3 * (10.0 - 15.0 * u + 6.0 * u**2)


def cosine(u: np.ndarray) -> np.ndarray:
    """Half-cosine (sinusoidal) position profile on ``u`` in [0, 1] → [0, 1]."""
    u = np.clip(u, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * u)


def linear(u: np.ndarray) -> np.ndarray:
    """Constant-velocity profile on ``u`` in [0, 1] → [0, 1]."""
    return np.clip(u, 0.0, 1.0)


PROFILES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "minjerk": minjerk,
    "cosine": cosine,
    "linear": linear,
}


@dataclass(frozen=True)
class Segment:
    """One move of a track from ``v0`` to ``v1`` between ``t0_s`` and ``t1_s``."""

    t0_s: float
    t1_s: float
    v0: float
    v1: float
    profile: Profile = "minjerk"


@dataclass
class Track:
    """A scalar channel built from consecutive holds and moves.

    ``start`` is the value at time 0; ``end_s`` is where the next segment begins.
    Before the first segment and after the last one the value holds.
    """

    start: float
    segments: list[Segment] = field(default_factory=list)
    end_s: float = 0.0

    @property
    def value(self) -> float:
        """The value at ``end_s`` (where the next move starts)."""
        return self.segments[-1].v1 if self.segments else self.start

    def hold(self, duration_s: float) -> "Track":
        """Keep the current value for ``duration_s`` seconds."""
        if duration_s < 0:
            raise ValueError(f"duration_s must be >= 0, got {duration_s}")
        self.end_s += duration_s
        return self

    def move(self, to: float, duration_s: float, profile: Profile = "minjerk") -> "Track":
        """Move from the current value to ``to`` in ``duration_s`` seconds."""
        if duration_s <= 0:
            raise ValueError(f"duration_s must be > 0, got {duration_s}")
        self.segments.append(Segment(self.end_s, self.end_s + duration_s, self.value, to, profile))
        self.end_s += duration_s
        return self

    def hold_until(self, t_s: float) -> "Track":
        """Hold the current value until absolute time ``t_s``."""
        if t_s < self.end_s - 1e-9:
            raise ValueError(f"hold_until({t_s}) is before the track end {self.end_s}")
        self.end_s = max(self.end_s, t_s)
        return self

    def sample(self, t_s: np.ndarray) -> np.ndarray:
        """Values at times ``t_s`` (seconds)."""
        t_s = np.asarray(t_s, dtype=float)
        out = np.full(t_s.shape, self.start, dtype=float)
        for seg in self.segments:
            after = t_s >= seg.t0_s
            u = (t_s[after] - seg.t0_s) / (seg.t1_s - seg.t0_s)
            out[after] = seg.v0 + (seg.v1 - seg.v0) * PROFILES[seg.profile](u)
        return out


def frame_times_s(duration_s: float, fps_num: int, fps_den: int = 1) -> np.ndarray:
    """Presentation times (s) of every frame of a clip at ``fps_num/fps_den`` fps."""
    n = int(np.floor(duration_s * fps_num / fps_den + 1e-9))
    return np.arange(n, dtype=float) * fps_den / fps_num
