"""Report sinks: per-frame CSV, the per-rep JSON report (HTML builds on them)."""

from formcheck.report.atomic import AtomicTextFile
from formcheck.report.frames_csv import FrameTable, frames_csv_header, write_frames_csv

__all__ = ["AtomicTextFile", "FrameTable", "frames_csv_header", "write_frames_csv"]
