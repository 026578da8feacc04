"""Report sinks: per-frame CSV, the per-rep JSON report and the self-contained HTML report."""

from formcheck.io.atomic import AtomicTextFile
from formcheck.measure.frame_table import FrameTable
from formcheck.report.frames_csv import frames_csv_header, write_frames_csv
from formcheck.report.html_report import write_report_html
from formcheck.report.json_report import build_report, write_report_json

__all__ = ["AtomicTextFile", "FrameTable", "build_report", "frames_csv_header", "write_frames_csv",
           "write_report_html", "write_report_json"]
