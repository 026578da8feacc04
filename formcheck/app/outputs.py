"""The output folder and the report files of a session (frames.csv, report.json, report.html)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from formcheck import __version__
from formcheck.analysis.session import SessionResult
from formcheck.errors import OutputError
from formcheck.measure.frame_table import FrameTable
from formcheck.measure.recorder import MeasureRecorder
from formcheck.profiles import ExerciseProfile
from formcheck.report.frames_csv import write_frames_csv
from formcheck.report.html_report import write_report_html
from formcheck.report.json_report import ReportInputs, SourceInfo, build_report, write_report_json

FRAMES_CSV = "frames.csv"


REPORT_JSON = "report.json"


REPORT_HTML = "report.html"


def default_out_dir(video_path: Path) -> Path:
    """``<video folder>/<video name>_formcheck``: outputs sit next to the video."""
    return video_path.parent / f"{video_path.stem}_formcheck"


def prepare_out_dir(out_dir: Path) -> Path:
    """Create ``out_dir`` (existing files in it are overwritten) and check it is writable."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / ".formcheck-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OutputError(f"cannot write to output folder {out_dir} ({reason.lower()}) — "
                          "choose another with --out") from None
    return out_dir


def write_session_outputs(recorder: MeasureRecorder, session: SessionResult, source: SourceInfo,
                          profile: ExerciseProfile, out_dir: Path, complete: bool,
                          source_warnings: list[str] | None = None,
                          table: FrameTable | None = None, stride: int = 1,
                          cues: Sequence[Any] = ()) -> tuple[dict[str, Path], dict]:
    """Write frames.csv and report.json into ``out_dir``; returns their paths and the report.

    ``table`` is what frames.csv holds (default: the recorder's frames with ``session.series``);
    ``cues``: what the voice said (report.json's ``cues``).
    """
    frames_csv = out_dir / FRAMES_CSV
    write_frames_csv(frames_csv, table if table is not None else recorder.frame_table(session.series))
    warnings = list(source_warnings or []) + list(session.warnings)
    if not complete:
        warnings.insert(0, "the analysis was interrupted: this report covers only the frames analysed")
    report = build_report(ReportInputs(
        source=source, exercise=profile.name, series=session.series, reps=session.reps,
        faults=session.faults, setup_faults=session.setup_faults, summary=session.summary,
        calibration=session.calibration,
        end_range=session.end_range, complete=complete, warnings=warnings, version=__version__,
        stride=stride, frames_analysed=len(recorder), cues=cues, exercise_detection=session.detection))
    report_json = out_dir / REPORT_JSON
    write_report_json(report_json, report)
    report_html = out_dir / REPORT_HTML
    write_report_html(report_html, report, session.series)
    return {"frames_csv": frames_csv, "report_json": report_json, "report_html": report_html}, report
