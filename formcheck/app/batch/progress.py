"""The batch's progress line: videos done out of all, time so far and about how long is left."""

from __future__ import annotations

import time
from typing import TextIO

from formcheck.app.progress import BAR_WIDTH, ProgressBar


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else \
        f"{seconds // 60}:{seconds % 60:02d}"


class VideoProgress(ProgressBar):
    """:class:`ProgressBar` counting videos, with elapsed time and an ETA from the pace so far
    (with N workers videos finish N at a time, so the pace includes the parallelism)."""

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool = True) -> None:
        super().__init__(total, "batch", unit="videos", stream=stream, enabled=enabled)
        self._started_s = time.monotonic()

    def line(self, now: float | None = None) -> str:
        elapsed_s = (now if now is not None else time.monotonic()) - self._started_s
        fraction = min(self.done / self.total, 1.0)
        filled = int(round(fraction * BAR_WIDTH))
        left = f", about {_clock(elapsed_s / self.done * (self.total - self.done))} left" \
            if 0 < self.done < self.total else ""
        return (f"{self.label} {fraction:4.0%} |{'#' * filled}{'.' * (BAR_WIDTH - filled)}| "
                f"{self.done}/{self.total} {self.unit}, {_clock(elapsed_s)} so far{left}")
