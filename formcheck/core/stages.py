"""Per-stage wall-clock accounting (decode, pose, measure, draw, write …) for benchmarks.

    timer = StageTimer()
    with timer("pose"):
        ...
    timer.seconds  # {"pose": 12.3, ...}

Cheap enough to leave on in production runs (one ``perf_counter`` pair per block).
"""

from __future__ import annotations

import time
from collections import defaultdict
from contextlib import contextmanager
from typing import Iterator


class StageTimer:
    """Accumulates seconds spent per named stage."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] += time.perf_counter() - started

    def add(self, stage: str, seconds: float) -> None:
        """Account ``seconds`` measured elsewhere (e.g. in a worker thread) to ``stage``."""
        self.seconds[stage] += float(seconds)

    def ms_per_frame(self, frames: int) -> dict[str, float]:
        """Milliseconds per frame of each stage."""
        return {stage: 1e3 * s / max(frames, 1) for stage, s in self.seconds.items()}
