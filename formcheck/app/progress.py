"""A dependency-free progress bar for long work, drawn on stderr.

On a terminal it redraws one line; elsewhere (CI, logs) it prints a line every 10%.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 28
REDRAW_INTERVAL_S = 0.1


class ProgressBar:
    """Counts finished items out of ``total`` (an estimate; may be exceeded)."""

    def __init__(self, total: int, label: str, unit: str = "frames", stream: TextIO | None = None,
                 enabled: bool = True) -> None:
        self.total = max(int(total), 1)
        self.label = label
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.done = 0
        self._start = time.monotonic()
        self._last_draw = 0.0
        self._last_decile = -1
        self._interactive = bool(getattr(self.stream, "isatty", lambda: False)())

    def update(self, count: int = 1) -> None:
        """Record ``count`` more finished items."""
        self.done += count
        if not self.enabled:
            return
        now = time.monotonic()
        if self._interactive:
            if now - self._last_draw >= REDRAW_INTERVAL_S:
                self._last_draw = now
                self.stream.write("\r" + self.line(now))
                self.stream.flush()
        else:
            decile = min(10, self.done * 10 // self.total)
            if decile != self._last_decile and decile > 0:
                self._last_decile = decile
                self.stream.write(self.line(now) + "\n")
                self.stream.flush()

    def line(self, now: float | None = None) -> str:
        """The progress text: label, bar, counts, rate and time left."""
        elapsed_s = max((now if now is not None else time.monotonic()) - self._start, 1e-9)
        fraction = min(self.done / self.total, 1.0)
        filled = int(round(fraction * BAR_WIDTH))
        rate = self.done / elapsed_s
        left_s = (self.total - self.done) / rate if rate > 0 and self.done < self.total else 0.0
        return (f"{self.label} {fraction:4.0%} |{'#' * filled}{'.' * (BAR_WIDTH - filled)}| "
                f"{self.done}/{self.total} {self.unit}, {rate:.1f}/s, {left_s:.0f}s left")

    def close(self) -> None:
        """Finish the line."""
        if self.enabled and self._interactive:
            self.stream.write("\r" + self.line() + "\n")
            self.stream.flush()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
