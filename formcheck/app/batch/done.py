"""Is a video's analysis already finished? Decided from its report files alone, so a folder
written by ``formcheck analyze --out`` counts too.

``analyze`` publishes each file atomically, in the order frames.csv → report.json → report.html
(→ annotated.mp4 → report.json/report.html again with the stills). A run killed part-way leaves
the previous version of the files it had not reached, so the files of one finished run are in
that order of modification time; a set out of order is a run that did not finish.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from formcheck.app.annotate import ANNOTATED_VIDEO
from formcheck.app.outputs import FRAMES_CSV, REPORT_HTML, REPORT_JSON


def finished_report(out_dir: Path, video: Path, exercise: str, write_video: bool,
                    stride: int | None = None) -> dict[str, Any] | None:
    """The report.json of a finished analysis of ``video`` in ``out_dir`` with this exercise
    (and stride, when one is asked for), else None. With ``write_video`` the annotated video
    must be there too. A video modified after its report is not finished."""
    try:
        frames_ns = (out_dir / FRAMES_CSV).stat().st_mtime_ns
        report_ns = (out_dir / REPORT_JSON).stat().st_mtime_ns
        html_ns = (out_dir / REPORT_HTML).stat().st_mtime_ns
        video_ns = video.stat().st_mtime_ns
        report = json.loads((out_dir / REPORT_JSON).read_text(encoding="utf-8"))
        annotated_ns = (out_dir / ANNOTATED_VIDEO).stat().st_mtime_ns if write_video else None
    except (OSError, ValueError):
        return None
    if not (frames_ns <= report_ns <= html_ns and video_ns <= frames_ns):
        return None
    if annotated_ns is not None and annotated_ns < frames_ns:
        return None
    if not isinstance(report, dict) or report.get("complete") is not True or _asked(report) != exercise:
        return None
    if Path(str((report.get("source") or {}).get("path", ""))).name != video.name:
        return None
    if stride is not None and (report.get("analysis") or {}).get("stride") != stride:
        return None
    return report


def _asked(report: dict[str, Any]) -> Any:
    """The exercise the report's analysis was asked for (``auto`` or a profile); reports from
    before the recognition have only the profile used."""
    detection = report.get("exercise_detection")
    return detection.get("asked") if isinstance(detection, dict) else report.get("exercise")
