"""Report sinks: per-frame CSV now; JSON and HTML reports build on the same pattern."""

from formcheck.report.atomic import AtomicTextFile
from formcheck.report.frames_csv import FramesCsvWriter, frames_csv_header

__all__ = ["AtomicTextFile", "FramesCsvWriter", "frames_csv_header"]
