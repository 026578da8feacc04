"""``frames.csv``: one row per analysed frame — the measurements, then the raw landmarks.

Columns: ``t_s``, ``frame``, ``detected`` (1/0), ``analysed`` (1: the model saw this frame,
0: interpolated between analysed frames, ``--stride``), ``people`` (how many the model saw), the
contract's measurement columns (``knee_angle_left_deg`` … ``pelvic_tilt_deg``, see
:data:`formcheck.measures.SIGNAL_COLUMNS`), ``back_gap_cm``, then for every landmark
``<name>_x_px``, ``<name>_y_px``, ``<name>_visibility`` and world coordinates
``<name>_wx_m``, ``<name>_wy_m``, ``<name>_wz_m`` (metres, hip-centred). Empty cells mean
unknown. Written in one go (vectorised formatting) through an atomic rename.
"""

from __future__ import annotations

import os

import numpy as np

from formcheck.core.landmarks import LANDMARK_NAMES
from formcheck.core.series import SIGNAL_COLUMNS
from formcheck.io.atomic import AtomicTextFile
from formcheck.measure.frame_table import FrameTable

LANDMARK_FIELDS: tuple[tuple[str, int], ...] = (
    ("x_px", 2), ("y_px", 2), ("visibility", 3), ("wx_m", 4), ("wy_m", 4), ("wz_m", 4))
SIGNAL_DIGITS = 2
ROWS_PER_CHUNK = 500  # rows formatted at a time (~10 MB of text objects)


def frames_csv_header() -> list[str]:
    """Column names of frames.csv, in order."""
    columns = ["t_s", "frame", "detected", "analysed", "people", *SIGNAL_COLUMNS, "back_gap_cm"]
    columns += [f"{name}_{field}" for name in LANDMARK_NAMES for field, _ in LANDMARK_FIELDS]
    return columns


def _format(values: np.ndarray, digits: int) -> np.ndarray:
    """Fixed-point strings, empty where the value is not finite."""
    values = np.asarray(values, dtype=np.float64)
    text = np.char.mod(f"%.{digits}f", np.where(np.isfinite(values), values, 0.0))
    return np.where(np.isfinite(values), text, "")


def _integer(values: np.ndarray) -> np.ndarray:
    return np.char.mod("%d", np.asarray(values, dtype=np.int64))


def _rows(table: FrameTable, rows: slice) -> str:
    """``rows`` of the table as CSV lines (each ending in a newline)."""
    series = table.series
    analysed = table.analysed[rows] if table.analysed is not None else np.ones(len(series.t_s[rows]), dtype=np.int64)
    columns = [_format(series.t_s[rows], 4), _integer(table.frame_index[rows]), _integer(series.detected[rows]),
               _integer(analysed), _integer(table.people[rows])]
    columns += [_format(getattr(series, name)[rows], SIGNAL_DIGITS) for name in SIGNAL_COLUMNS]
    columns.append(_format(table.back_gap_cm[rows], SIGNAL_DIGITS))
    per_landmark = np.concatenate([table.xy_px[rows], table.visibility[rows][..., None], table.world_m[rows]],
                                  axis=-1)
    for landmark in range(len(LANDMARK_NAMES)):
        for field_index, (_, digits) in enumerate(LANDMARK_FIELDS):
            columns.append(_format(per_landmark[:, landmark, field_index], digits))
    cells = np.stack(columns, axis=1)
    return "".join(",".join(row) + "\n" for row in cells.tolist())


def write_frames_csv(path: str | os.PathLike[str], table: FrameTable) -> int:
    """Write frames.csv (atomically); returns the number of rows.

    Rows are formatted ``ROWS_PER_CHUNK`` at a time, so the text never exists for the whole
    video at once (memory stays flat however long it is).
    """
    count = len(table.series)
    with AtomicTextFile(path) as handle:
        handle.write(",".join(frames_csv_header()) + "\n")
        for start in range(0, count, ROWS_PER_CHUNK):
            handle.write(_rows(table, slice(start, start + ROWS_PER_CHUNK)))
    return count
