"""The one place that wires the stages: source → pose → recorder (calibration, geometry,
silhouette) → smoothing → reps → rules → report files.

Everything the CLI can do is a call here. The report files are written also when the
run stops early (Ctrl-C, a decoding error): whatever was analysed is saved, with
``complete: false`` in report.json.
"""

from __future__ import annotations

import os
import time
from array import array
from pathlib import Path

import numpy as np

from formcheck.analysis.exercise_detect import AUTO, ExerciseChoice
from formcheck.analysis.session import summarise_session
from formcheck.app.candidates import CandidateRecorders
from formcheck.app.result import AnalysisResult
from formcheck.app.outputs import default_out_dir, prepare_out_dir, write_session_outputs
from formcheck.app.annotate import annotate_outputs
from formcheck.app.history.record import record_session
from formcheck.errors import FormcheckError
from formcheck.pose.estimator import PoseEstimator
from formcheck.io.workers import Prefetcher
from formcheck.profiles import ExerciseProfile
from formcheck.app.progress import ProgressBar
from formcheck.measure.recorder import MeasureRecorder
from formcheck.report.html_report import write_report_html
from formcheck.report.json_report import SourceInfo
from formcheck.measure.stride import check_stride, default_stride, expand_frame_table
from formcheck.io.sources import VideoFileSource, fit_within

# Frames are analysed at most this large (longer side, px): the pose model works at 256 px
# anyway, and a 4K frame's mask alone would be 33 MB. Landmarks are in analysed pixels.
MAX_ANALYSIS_SIDE_PX = 1280


# Frames decoded ahead in a background thread while the model works (a few MB at 720p).
PREFETCH_FRAMES = 4


class NoPersonError(FormcheckError):
    """The whole video was analysed and nobody was found."""

    exit_code = 3


def analyze_video(video_path: str | os.PathLike[str], out_dir: str | os.PathLike[str] | None = None,
                  exercise: str = AUTO, model_path: str | os.PathLike[str] | None = None,
                  show_progress: bool = True, write_video: bool = True,
                  stride: int | None = None, voice: bool = False, pace: bool = False,
                  person: str | None = None, history: bool = False) -> AnalysisResult:
    """Analyse a recorded video and write frames.csv, report.json and report.html into ``out_dir``,
    then (second pass, :mod:`formcheck.annotate`) annotated.mp4 unless ``write_video`` is False,
    and the fault stills into report.html.

    Frames are decoded a few ahead in a background thread while the model works. ``stride``
    N runs the model on every Nth frame (reps and faults come from those); frames.csv still
    has a row for every frame, the others interpolated in time (``analysed`` 0). None picks
    the stride from the frame rate (:func:`formcheck.stride.default_stride`).

    ``exercise``: a profile name, or ``auto`` (the default): recognise it from the motion
    (:mod:`formcheck.analysis.exercise_detect`); when it is none of ours nothing is checked
    and the report says so. An explicit profile is used whatever the motion shows (the
    report notes a mismatch). report.json's ``exercise_detection`` says what was recognised.

    ``voice`` / ``pace``: decide on the analysed frames what ``formcheck live --voice`` /
    ``--pace`` would have said (:class:`~formcheck.app.voice.VoiceReplay`), list it in
    report.json's ``cues`` and put it on the annotated video's audio track.

    ``history`` True records the finished session in the history for ``person`` (default: the
    one local person; see :func:`formcheck.app.history.record_session`) before the video pass;
    how that went is ``result.history`` (a problem with the history never fails the analysis).

    Raises:
        VideoError, ModelError, OutputError, ValueError (unknown exercise, stride < 1): bad input.
        NoPersonError: nobody was found in any frame (the files are still written).
        KeyboardInterrupt: after writing the report of the frames analysed so far
            (``AnnotationInterrupted`` during the video pass: the report is complete).
    """
    candidates = CandidateRecorders(exercise, voice=voice, pace=pace)
    if stride is not None:
        stride = check_stride(stride)
    video_path = Path(video_path)
    source = VideoFileSource(video_path)
    stride = default_stride(source.info.fps) if stride is None else stride
    target = prepare_out_dir(Path(out_dir) if out_dir is not None else default_out_dir(video_path))
    result = AnalysisResult(source=source.info, out_dir=target, recorder=candidates.first, stride=stride)
    frame_times_s = array("d")  # every frame read (8 bytes each), for the rows of frames.csv
    stage = result.stages
    started = time.monotonic()
    frames = Prefetcher(source.frames(pixels_every=stride), depth=PREFETCH_FRAMES, name="formcheck-decode")
    try:
        with PoseEstimator(model_path, mode="video") as estimator, \
                ProgressBar(source.info.frame_count, "analyze", enabled=show_progress) as progress, frames:
            for frame in frames:
                frame_times_s.append(frame.t_s)
                result.frames_read += 1
                if frame.has_pixels:
                    with stage("pose"):
                        pose = estimator.estimate(fit_within(frame, MAX_ANALYSIS_SIDE_PX))
                    with stage("measure"):
                        candidates.update(pose, frame.index)
                    result.frames_analysed += 1
                    result.frames_detected += pose.detected
                progress.update()
        result.complete = True
        if source.ended_early:
            result.warnings.append(
                f"the video ended after {source.frames_read} of about {source.info.frame_count} frames "
                "— the file may be truncated or damaged; the report covers the frames that decoded")
    finally:
        # decode: time the analysis waited for a frame; decode_thread: the decoding itself (overlapped)
        stage.add("decode", frames.wait_s)
        stage.add("decode_thread", frames.busy_s)
        result.elapsed_s = time.monotonic() - started
        profile = candidates.measured_with(None)
        if result.frames_analysed:
            with stage("rules"):
                choice = candidates.choose()
            profile = candidates.measured_with(choice)
            result.recorder = candidates.recorder_for(profile)
            result.cues = candidates.cues_for(profile, checked=choice.profile is not None)
            _finish(result, result.recorder, profile, choice, video_path,
                    np.frombuffer(frame_times_s, dtype=np.float64))
    if result.frames_detected == 0:
        raise NoPersonError(f"no person found in any of the {result.frames_analysed} frames of "
                            f"{video_path.name} — is the whole body in view, side-on?")
    if history:
        result.history = record_session(result.report, person, kind="analyze", video=video_path,
                                        report_dir=result.out_dir)
    with result.stages("video"):  # the whole second pass (the stages inside it are counted too)
        annotate_outputs(result, profile, MAX_ANALYSIS_SIDE_PX, write_video=write_video, show_progress=show_progress)
    if "annotated_video" in result.outputs and result.session is not None:  # the page links the video now
        write_report_html(result.outputs["report_html"], result.report, result.session.series, result.stills)
    return result


def _finish(result: AnalysisResult, recorder: MeasureRecorder, profile: ExerciseProfile, choice: ExerciseChoice,
            video_path: Path, frame_times_s: np.ndarray) -> None:
    info = result.source
    # every frame read up to the last analysed one, plus the few after it (they repeat it)
    times = frame_times_s if len(frame_times_s) else recorder.t_s
    duration_s = float(times[-1] - times[0]) + (1.0 / info.fps if info.fps > 0 else 0.0)
    source = SourceInfo(path=str(video_path), fps=info.fps, frames=len(times),
                        duration_s=duration_s, width=info.width, height=info.height)
    with result.stages("rules"):
        result.session = summarise_session(recorder, profile, choice)
    with result.stages("write"):
        table = recorder.frame_table(result.session.series)
        if len(times) != len(recorder):
            table = expand_frame_table(table, times, np.arange(len(times)))
        result.frames = table
        result.outputs, result.report = write_session_outputs(
            recorder, result.session, source, profile, result.out_dir, result.complete, result.warnings,
            table=table, stride=result.stride, cues=result.cues or ())
