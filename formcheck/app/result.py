"""What an analysis of a video produced and how it went (shared by analyze and the video pass)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from formcheck.analysis.session import SessionResult
from formcheck.core.frame import VideoInfo
from formcheck.core.stages import StageTimer
from formcheck.measure.frame_table import FrameTable
from formcheck.measure.recorder import MeasureRecorder


@dataclass
class AnalysisResult:
    """What an analysis produced and how it went."""

    source: VideoInfo
    out_dir: Path
    frames_analysed: int = 0  # run through the pose model
    frames_detected: int = 0
    frames_read: int = 0  # decoded (every ``stride``-th of them analysed)
    stride: int = 1
    elapsed_s: float = 0.0
    complete: bool = False
    outputs: dict[str, Path] = field(default_factory=dict)
    session: SessionResult | None = None
    report: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # about the source, for the report
    recorder: MeasureRecorder | None = None  # raw per-frame landmarks (``xy_px``, ``t_s``, …)
    stages: StageTimer = field(default_factory=StageTimer)  # seconds per stage (bench/throughput.py)
    stills: dict[str, bytes] = field(default_factory=dict)  # JPEG per fault moment ("rep3-arching")
    frames: FrameTable | None = None  # what frames.csv holds: every frame read, ``analysed`` 1/0
    history: Any = None  # how recording the session went (app.history.RecordOutcome), None when not asked
    cues: list[Any] | None = None  # what the voice says (``voice.Cue``s); None without --voice / --pace

    @property
    def detection_rate(self) -> float:
        """Fraction of analysed frames in which the person was found."""
        return self.frames_detected / self.frames_analysed if self.frames_analysed else 0.0
