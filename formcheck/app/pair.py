"""``formcheck analyze A.mp4 B.mp4``: two cameras of one session, one report in A's clock.

Each video is measured on its own (:func:`~formcheck.app.camera_pass.measure_camera`), the
second is aligned to the first from the leg motion both show
(:func:`~formcheck.analysis.align.align_series`), the two sessions are fused so each leg is
measured and timed from the camera it faces (:func:`~formcheck.analysis.fusion.fuse_sessions`),
and one set of report files is written: frames.csv has a row per frame of the first video,
report.json adds ``cameras`` and each rep's ``camera``; then the side-by-side annotated video
and both views' stills (:mod:`formcheck.app.pair_video`).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from formcheck import __version__
from formcheck.analysis.align import Alignment, align_series
from formcheck.analysis.fusion import FusedSession, fuse_sessions
from formcheck.app.camera_pass import CameraRun, measure_camera
from formcheck.app.pair_video import annotate_pair
from formcheck.app.outputs import FRAMES_CSV, REPORT_HTML, REPORT_JSON, default_out_dir, prepare_out_dir
from formcheck.app.result import AnalysisResult
from formcheck.measure.stride import check_stride, expand_frame_table
from formcheck.profiles import ExerciseProfile, get_profile
from formcheck.report.cameras import CameraEntry, add_cameras
from formcheck.report.frames_csv import write_frames_csv
from formcheck.report.html_report import write_report_html
from formcheck.report.json_report import ReportInputs, SourceInfo, build_report, write_report_json
from formcheck.wording import say


def analyze_pair(video_paths: Sequence[str | os.PathLike[str]], out_dir: str | os.PathLike[str] | None = None,
                 exercise: str = "heel-tap", model_path: str | os.PathLike[str] | None = None,
                 show_progress: bool = True, write_video: bool = True, stride: int | None = None) -> AnalysisResult:
    """Analyse two recordings of one session and write one report (times in the first's clock).

    Raises:
        VideoError, ModelError, OutputError, ValueError: bad input, as for ``analyze_video``.
        NoPersonError: nobody was found in one of the videos.
        AlignmentError: the videos do not show the same session or do not overlap in time.
    """
    if len(video_paths) != 2:
        raise ValueError(f"analyze_pair takes two videos, got {len(video_paths)}")
    profile = get_profile(exercise)
    if stride is not None:
        stride = check_stride(stride)
    paths = [Path(p) for p in video_paths]
    target = prepare_out_dir(Path(out_dir) if out_dir is not None else default_out_dir(paths[0]))
    started = time.monotonic()
    runs = [measure_camera(path, profile, model_path, stride, show_progress, label=f"camera {k + 1}")
            for k, path in enumerate(paths)]
    alignment = align_runs(runs)
    fused = fuse_sessions([run.session for run in runs], [0.0, alignment.offset_s], profile)
    first = runs[0]
    result = AnalysisResult(source=first.info, out_dir=target, recorder=first.recorder, stride=first.stride,
                            frames_analysed=first.frames_analysed, frames_detected=first.frames_detected,
                            frames_read=first.frames_read, complete=True, session=fused.session)
    for k, run in enumerate(runs):
        for stage, seconds in run.stages.seconds.items():
            result.stages.add(stage, seconds)
        if run.ended_early:
            result.warnings.append(say("warn.camera_n", n=k + 1, warning=(
                f"the video ended after {run.frames_read} of about {run.info.frame_count} frames — the file "
                "may be truncated or damaged; the report covers the frames that decoded")))
    if alignment.weak:
        result.warnings.append(say("warn.alignment_weak", confidence=alignment.confidence,
                                   offset_s=alignment.offset_s))
    cameras = camera_entries(runs, alignment)
    write_pair_outputs(result, fused, cameras, profile, first.frame_times_s)
    result.elapsed_s = time.monotonic() - started
    annotate_pair(result, runs, fused, profile, write_video=write_video, show_progress=show_progress)
    return result


def align_runs(runs: Sequence[CameraRun]) -> Alignment:
    """The second camera's clock against the first's, from their smoothed series."""
    near = [run.session.calibration.view.near_side if run.session.calibration is not None else None
            for run in runs]
    return align_series(runs[0].session.series, runs[1].session.series, near[0], near[1],
                        (runs[0].duration_s, runs[1].duration_s))


def camera_entries(runs: Sequence[CameraRun], alignment: Alignment) -> list[CameraEntry]:
    """report.json's ``cameras``: the first video is the clock (offset 0)."""
    out = []
    for k, run in enumerate(runs):
        view = run.session.calibration.view if run.session.calibration is not None else None
        out.append(CameraEntry(path=str(run.path), offset_s=0.0 if k == 0 else alignment.offset_s,
                               fps=run.info.fps, view=view,
                               alignment_confidence=None if k == 0 else alignment.confidence,
                               alignment_weak=False if k == 0 else alignment.weak))
    return out


def write_pair_outputs(result: AnalysisResult, fused: FusedSession, cameras: Sequence[CameraEntry],
                       profile: ExerciseProfile, frame_times_s: np.ndarray) -> None:
    """frames.csv (a row per frame of the first video, ``frame_times_s``), report.json (with
    ``cameras``), report.html."""
    first_recorder = result.recorder
    if first_recorder is None:
        raise ValueError("write_pair_outputs needs the first camera's recorder")
    session = fused.session
    times = frame_times_s
    table = first_recorder.frame_table(session.series)
    if len(times) != len(first_recorder):
        table = expand_frame_table(table, times, np.arange(len(times)))
    result.frames = table
    info = result.source
    duration_s = float(times[-1] - times[0]) + (1.0 / info.fps if info.fps > 0 else 0.0) if len(times) else 0.0
    source = SourceInfo(path=info.path, fps=info.fps, frames=len(times), duration_s=duration_s,
                        width=info.width, height=info.height)
    report = build_report(ReportInputs(
        source=source, exercise=profile.name, series=session.series, reps=session.reps, faults=session.faults,
        setup_faults=session.setup_faults, summary=session.summary, calibration=session.calibration,
        end_range=session.end_range, complete=True, warnings=list(result.warnings) + list(session.warnings),
        version=__version__, stride=result.stride, frames_analysed=len(first_recorder)))
    add_cameras(report, cameras, fused.rep_cameras)
    out = result.out_dir
    write_frames_csv(out / FRAMES_CSV, table)
    write_report_json(out / REPORT_JSON, report)
    write_report_html(out / REPORT_HTML, report, session.series)
    result.report = report
    result.outputs = {"frames_csv": out / FRAMES_CSV, "report_json": out / REPORT_JSON,
                      "report_html": out / REPORT_HTML}
