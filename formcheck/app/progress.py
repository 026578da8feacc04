"""Progress of long work on stderr, drawn by tqdm.

On a terminal tqdm redraws one line (bar, counts, rate, time left). Elsewhere (CI, logs, a
pipe, a terminal of unknown width) a redrawn line would be one endless line of carriage
returns, so a full line is printed at every tenth of the way instead, formatted by tqdm the
same way. ``enabled=False`` is silent.
"""

from __future__ import annotations

import io
import os
import sys
import time
from typing import TextIO

from tqdm import tqdm

LOG_LINE_COLUMNS = 80  # width of the lines printed where stderr is not a terminal
LOG_LINES = 10  # lines printed over the whole work where stderr is not a terminal


class ProgressBar:
    """Counts finished items out of ``total`` (an estimate; may be exceeded)."""

    def __init__(self, total: int, label: str, unit: str = "frames", stream: TextIO | None = None,
                 enabled: bool = True) -> None:
        self.total = max(int(total), 1)
        self.label = label
        self.unit = f" {unit}"
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.done = 0
        self._start = time.monotonic()
        self._last_tenth = 0
        self._bar = tqdm(total=self.total, desc=label, unit=self.unit, file=self.stream, leave=True,
                         dynamic_ncols=True) if enabled and _is_terminal(self.stream) else None

    def update(self, count: int = 1) -> None:
        """Record ``count`` more finished items."""
        self.done += count
        if self._bar is not None:
            self._bar.update(count)
        elif self.enabled:
            tenth = min(LOG_LINES, self.done * LOG_LINES // self.total)
            if tenth > self._last_tenth:
                self._last_tenth = tenth
                self.stream.write(self.line() + "\n")
                self.stream.flush()

    def line(self) -> str:
        """The progress text: label, bar, counts, rate and time left."""
        return tqdm.format_meter(self.done, max(self.total, self.done), time.monotonic() - self._start,
                                 ncols=LOG_LINE_COLUMNS, prefix=self.label, unit=self.unit, ascii=True)

    def close(self) -> None:
        """Finish the line (on a terminal)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()



def _is_terminal(stream: TextIO) -> bool:
    """A terminal that reports its width (a pseudo-terminal of 0 columns, as some CI runners
    give, gets log lines: tqdm draws nothing in it)."""
    try:
        return stream.isatty() and os.get_terminal_size(stream.fileno()).columns > 0
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return False
