"""A picture from a source with its time, and what a video file says about itself."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Frame:
    """One picture from a source.

    Attributes:
        index: position in the source (for files: decode order, counting dropped frames).
        t_s: time in seconds since the start of the source.
        rgb: (height, width, 3) uint8 RGB pixels.
        captured_s: when a live source captured it, on the ``time.monotonic()`` clock
            (NaN for frames read from a file); live latency is measured from it.
    """

    index: int
    t_s: float
    rgb: np.ndarray
    captured_s: float = math.nan

    @property
    def size(self) -> tuple[int, int]:
        """(width_px, height_px)."""
        return int(self.rgb.shape[1]), int(self.rgb.shape[0])

    @property
    def has_pixels(self) -> bool:
        """False for a frame read for its time only (see ``VideoFileSource.frames``)."""
        return self.rgb.size > 0


# The pixels of a frame that was read for its time only (shared, never written to).
NO_PIXELS = np.zeros((0, 0, 3), dtype=np.uint8)
NO_PIXELS.flags.writeable = False


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a video (frame count and fps are estimates)."""

    path: str
    fps: float
    frame_count: int
    width: int
    height: int

    @property
    def duration_s(self) -> float:
        """Nominal duration in seconds (frame count / fps)."""
        return self.frame_count / self.fps if self.fps > 0 else 0.0
