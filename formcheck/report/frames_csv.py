"""``frames.csv``: one row per analysed frame (time, detection, landmark coordinates).

Empty cells mean unknown (the person was not found). Columns: ``t_s``, ``frame``,
``detected`` (1/0), ``people`` (how many the model saw), then for every landmark
``<name>_x_px``, ``<name>_y_px``, ``<name>_visibility``, ``<name>_wx_m``,
``<name>_wy_m``, ``<name>_wz_m`` (MediaPipe world coordinates, hip-centred).
"""

from __future__ import annotations

import csv
import math
import os
from typing import Iterable

import numpy as np

from formcheck.landmarks import LANDMARK_NAMES, Pose
from formcheck.report.atomic import AtomicTextFile

LANDMARK_FIELDS: tuple[str, ...] = ("x_px", "y_px", "visibility", "wx_m", "wy_m", "wz_m")


def frames_csv_header() -> list[str]:
    """Column names of frames.csv, in order."""
    columns = ["t_s", "frame", "detected", "people"]
    columns += [f"{name}_{field}" for name in LANDMARK_NAMES for field in LANDMARK_FIELDS]
    return columns


def _cell(value: float, digits: int) -> str:
    return "" if not math.isfinite(value) else f"{value:.{digits}f}"


def frame_row(frame_index: int, pose: Pose) -> list[str]:
    """The CSV cells for one frame."""
    per_landmark = np.column_stack([pose.xy_px, pose.visibility, pose.world_m])
    digits = (2, 2, 3, 4, 4, 4)
    cells = [f"{pose.t_s:.4f}", str(frame_index), "1" if pose.detected else "0",
             str(pose.num_candidates)]
    for values in per_landmark:
        cells += [_cell(float(v), d) for v, d in zip(values, digits)]
    return cells


class FramesCsvWriter:
    """Streams frames.csv row by row; the file appears (atomically) when closed."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._target = AtomicTextFile(path)
        self.path = self._target.path
        self.rows = 0
        self._writer: csv.writer | None = None  # type: ignore[valid-type]

    def __enter__(self) -> FramesCsvWriter:
        self._writer = csv.writer(self._target.open())
        self._writer.writerow(frames_csv_header())
        return self

    def write(self, frame_index: int, pose: Pose) -> None:
        """Append one frame."""
        assert self._writer is not None, "use FramesCsvWriter as a context manager"
        self._writer.writerow(frame_row(frame_index, pose))
        self.rows += 1

    def write_all(self, rows: Iterable[tuple[int, Pose]]) -> None:
        """Append many frames."""
        for frame_index, pose in rows:
            self.write(frame_index, pose)

    def __exit__(self, *exc_info: object) -> None:
        self._target.close()
