"""Clip specifications: what to render, read from a TOML file (pure python).

One ``[[clip]]`` table per clip; see ``samples/specs.toml`` for the fields.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Exercise = Literal["heel-tap", "leg-extension", "straight-leg"]
Leg = Literal["left", "right", "both"]
FAULT_CODES = ("arching", "swinging", "tabletop_lost")
EXERCISES = ("heel-tap", "leg-extension", "straight-leg")
RGB = tuple[float, float, float]


@dataclass(frozen=True)
class CameraSpec:
    """Camera placement relative to the person lying on the mat.

    ``side`` is the person's anatomical side that faces the camera. ``yaw_deg``
    turns the camera about the vertical axis through the body centre (0 = pure
    side view, positive = towards the feet). ``height_m`` is the lens height
    above the floor and ``distance_m`` the horizontal distance to the body centre.
    """

    side: Literal["left", "right"] = "left"
    height_m: float = 0.5
    distance_m: float = 2.8
    yaw_deg: float = 0.0
    vfov_deg: float = 45.0


@dataclass(frozen=True)
class BodySpec:
    """Anny phenotype (each 0..1) and colours (linear 0..1 RGB)."""

    gender: float = 0.5
    age: float = 0.5
    weight: float = 0.5
    muscle: float = 0.5
    height: float = 0.5
    skin_rgb: RGB = (0.80, 0.62, 0.50)
    top_rgb: RGB = (0.15, 0.35, 0.75)
    bottom_rgb: RGB = (0.10, 0.10, 0.12)
    hair_rgb: RGB = (0.12, 0.08, 0.05)


@dataclass(frozen=True)
class RepSpec:
    """One planned rep: which leg and which faults the person commits."""

    leg: Leg
    faults: tuple[str, ...] = ()
    knee_bottom_deg: float | None = None  # tabletop_lost: knee angle reached at the bottom

    def __post_init__(self) -> None:
        if self.leg not in ("left", "right", "both"):
            raise ValueError(f"leg must be left, right or both, got {self.leg!r}")
        bad = [f for f in self.faults if f not in FAULT_CODES]
        if bad:
            raise ValueError(f"unknown fault codes {bad}; expected some of {FAULT_CODES}")


@dataclass(frozen=True)
class ClipSpec:
    """Everything needed to render one clip deterministically."""

    name: str
    description: str
    exercise: Exercise = "heel-tap"
    seed: int = 0
    fps_num: int = 30
    fps_den: int = 1
    width: int = 1280
    height: int = 720
    camera: CameraSpec = field(default_factory=CameraSpec)
    body: BodySpec = field(default_factory=BodySpec)
    reps: tuple[RepSpec, ...] = ()
    start: Literal["tabletop", "not_tabletop"] = "tabletop"
    calibration_s: float = 1.5
    end_hold_s: float = 1.0
    mat_rgb: RGB = (0.55, 0.75, 0.60)
    floor_rgb: RGB = (0.55, 0.45, 0.35)
    wall_rgb: RGB = (0.85, 0.85, 0.82)
    crf: int = 28

    def __post_init__(self) -> None:
        if self.exercise not in EXERCISES:
            raise ValueError(f"exercise must be one of {EXERCISES}, got {self.exercise!r}")
        if not self.reps:
            raise ValueError(f"clip {self.name!r} has no reps")

    @property
    def fps(self) -> float:
        """Frame rate in frames per second (e.g. 29.97 for 30000/1001)."""
        return self.fps_num / self.fps_den


def _rgb(value: object, default: RGB) -> RGB:
    if value is None:
        return default
    r, g, b = value  # type: ignore[misc]
    return (float(r), float(g), float(b))


def clip_from_dict(d: dict) -> ClipSpec:
    """Build a :class:`ClipSpec` from one parsed ``[[clip]]`` table."""
    d = dict(d)
    cam = CameraSpec(**d.pop("camera", {}))
    body_d = dict(d.pop("body", {}))
    for key in ("skin_rgb", "top_rgb", "bottom_rgb", "hair_rgb"):
        if key in body_d:
            body_d[key] = _rgb(body_d[key], getattr(BodySpec, key))
    body = BodySpec(**body_d)
    reps = tuple(
        RepSpec(leg=r["leg"], faults=tuple(r.get("faults", ())), knee_bottom_deg=r.get("knee_bottom_deg"))
        for r in d.pop("reps")
    )
    for key in ("mat_rgb", "floor_rgb", "wall_rgb"):
        if key in d:
            d[key] = _rgb(d[key], getattr(ClipSpec, key))
    return ClipSpec(camera=cam, body=body, reps=reps, **d)


def load_specs(path: str | Path) -> list[ClipSpec]:
    """Read every ``[[clip]]`` of a TOML spec file."""
    with open(path, "rb") as f:
        data = tomllib.load(f)
    return [clip_from_dict(c) for c in data.get("clip", [])]
