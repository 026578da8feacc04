"""The per-frame table of a session: measurements beside the raw landmarks (what frames.csv holds)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.core.series import MeasureSeries


@dataclass(frozen=True)
class FrameTable:
    """Everything frames.csv holds, as arrays over n frames."""

    series: MeasureSeries
    frame_index: np.ndarray  # (n,)
    people: np.ndarray  # (n,)
    back_gap_cm: np.ndarray  # (n,)
    xy_px: np.ndarray  # (n, 33, 2)
    visibility: np.ndarray  # (n, 33)
    world_m: np.ndarray  # (n, 33, 3)
    analysed: np.ndarray | None = None  # (n,) 1/0; None: every row was analysed
