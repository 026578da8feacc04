"""The measurement table that flows from geometry to reps, rules and reports.

Columnar: every field is a float array of shape (n_frames,), NaN where unknown. Geometry
fills it (vectorised over frames); smoothing returns a smoothed copy; the rep segmenter
and the rules read it. Legs are the person's anatomical ``left`` / ``right``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
import math
from typing import Iterator, Mapping

import numpy as np

from formcheck.core.legs import LEGS, Leg

# The per-frame columns of the contract's frames.csv, in order (besides t_s and detected).
SIGNAL_COLUMNS: tuple[str, ...] = (
    "knee_angle_left_deg", "knee_angle_right_deg",
    "hip_angle_left_deg", "hip_angle_right_deg",
    "heel_height_left_cm", "heel_height_right_cm",
    "heel_height_left_frac", "heel_height_right_frac",
    "lumbar_lift_cm", "pelvic_tilt_deg",
)


@dataclass
class MeasureSeries:
    """Per-frame measurements of one session; all arrays have shape (n_frames,).

    Attributes:
        t_s: frame times in seconds (strictly increasing).
        detected: 1.0 where the person was found, 0.0 elsewhere.
        knee_angle_<leg>_deg: hip–knee–ankle angle; tabletop is 90, straight leg 180.
        hip_angle_<leg>_deg: shoulder–hip–knee angle; tabletop ≈ 90, grows as the leg lowers.
        heel_height_<leg>_cm: heel above the floor line, in cm.
        heel_height_<leg>_frac: the same as a fraction of the shoulder–hip distance.
        lumbar_lift_cm: rise of the lower back above the imprint baseline, in cm.
        pelvic_tilt_deg: anterior pelvic tilt relative to the imprint baseline, in degrees.
    """

    t_s: np.ndarray
    detected: np.ndarray
    knee_angle_left_deg: np.ndarray
    knee_angle_right_deg: np.ndarray
    hip_angle_left_deg: np.ndarray
    hip_angle_right_deg: np.ndarray
    heel_height_left_cm: np.ndarray
    heel_height_right_cm: np.ndarray
    heel_height_left_frac: np.ndarray
    heel_height_right_frac: np.ndarray
    lumbar_lift_cm: np.ndarray
    pelvic_tilt_deg: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.t_s)
        for item in fields(self):
            value = np.asarray(getattr(self, item.name), dtype=np.float64)
            if value.shape != (n,):
                raise ValueError(f"MeasureSeries.{item.name} must have shape ({n},), got {value.shape}")
            setattr(self, item.name, value)

    def __len__(self) -> int:
        return len(self.t_s)

    @classmethod
    def empty(cls, t_s: np.ndarray) -> MeasureSeries:
        """A series of the given times with every measurement unknown."""
        t_s = np.asarray(t_s, dtype=np.float64)
        nan = np.full(len(t_s), np.nan)
        values = {item.name: nan.copy() for item in fields(cls) if item.name != "t_s"}
        values["detected"] = np.zeros(len(t_s))
        return cls(t_s=t_s, **values)

    def knee_angle_deg(self, leg: Leg) -> np.ndarray:
        return getattr(self, f"knee_angle_{leg}_deg")

    def hip_angle_deg(self, leg: Leg) -> np.ndarray:
        return getattr(self, f"hip_angle_{leg}_deg")

    def heel_height_cm(self, leg: Leg) -> np.ndarray:
        return getattr(self, f"heel_height_{leg}_cm")

    def columns(self) -> Iterator[tuple[str, np.ndarray]]:
        """(name, values) of every field, in declaration order."""
        for item in fields(self):
            yield item.name, getattr(self, item.name)

    def slice(self, start: int, stop: int) -> MeasureSeries:
        """Frames ``start`` to ``stop`` (exclusive)."""
        return replace(self, **{name: values[start:stop] for name, values in self.columns()})


@dataclass(frozen=True)
class MeasureRow:
    """One frame's measures (NaN where unknown), as the streaming stages read them.

    Attributes mirror :class:`MeasureSeries`: per-leg mappings for the knee and hip angles
    (deg) and heel heights (cm), and the lumbar lift (cm) and pelvic tilt (deg).
    """

    t_s: float
    knee_angle_deg: Mapping[Leg, float]
    hip_angle_deg: Mapping[Leg, float]
    heel_height_cm: Mapping[Leg, float]
    lumbar_lift_cm: float
    pelvic_tilt_deg: float

    @classmethod
    def from_values(cls, t_s: float, values: Mapping[str, float]) -> MeasureRow:
        """A row from column names of :data:`SIGNAL_COLUMNS` → value (missing names are unknown)."""
        get = lambda name: float(values.get(name, math.nan))  # noqa: E731
        return cls(t_s=float(t_s),
                   knee_angle_deg={leg: get(f"knee_angle_{leg}_deg") for leg in LEGS},
                   hip_angle_deg={leg: get(f"hip_angle_{leg}_deg") for leg in LEGS},
                   heel_height_cm={leg: get(f"heel_height_{leg}_cm") for leg in LEGS},
                   lumbar_lift_cm=get("lumbar_lift_cm"), pelvic_tilt_deg=get("pelvic_tilt_deg"))


def series_rows(series: MeasureSeries) -> list[MeasureRow]:
    """Every frame of ``series`` as a :class:`MeasureRow`, in time order."""
    columns = {name: values.tolist() for name, values in series.columns()}
    return [MeasureRow.from_values(t, {name: columns[name][i] for name in SIGNAL_COLUMNS})
            for i, t in enumerate(columns["t_s"])]
