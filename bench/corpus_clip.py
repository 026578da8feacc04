"""One corpus clip in a worker: the analysis (from the video, or from cached poses) and its figures.

The pose model is the cost of an analysis; while tuning, ``--cache DIR`` keeps each clip's
poses (landmarks and packed masks at the analysed frames) so later runs replay them through
the same recorder and session analysis as ``analyze``. A cache entry is rebuilt when the
model, the stride or formcheck's version changes.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
for path in (str(REPO), str(BENCH)):
    if path not in sys.path:
        sys.path.insert(0, path)

from corpus_compare import clip_figures  # noqa: E402

CACHE_VERSION = 1


@dataclass(frozen=True)
class ClipTask:
    """One clip to analyse: its video and truth, the stride, an optional pose cache folder."""

    video: str
    truth: str
    stride: int | None
    exercise: str | None  # None: the truth's exercise (for our clips), else the default
    cache: str | None = None


def _exercise(truth: dict[str, Any], asked: str | None) -> str:
    from formcheck.profiles import PROFILES

    if asked:
        return asked
    name = truth["clip"]["exercise"]
    return name if name in PROFILES else "heel-tap"


def _cache_key(task: ClipTask, stride: int) -> str:
    import formcheck
    from formcheck.pose.model import resolve_model_path

    model = resolve_model_path()
    digest = hashlib.sha1(f"{model.stat().st_size}:{model.stat().st_mtime_ns}".encode()).hexdigest()[:10]
    return f"v{CACHE_VERSION}-{formcheck.__version__}-s{stride}-{digest}"


def _cache_file(task: ClipTask, stride: int) -> Path:
    assert task.cache is not None
    return Path(task.cache) / f"{Path(task.video).stem}.{_cache_key(task, stride)}.npz"


def cache_path(truth_path: Path, cache: str, stride: int | None = None) -> Path:
    """Where the poses of the clip of ``truth_path`` are cached (the file may not exist yet)."""
    from formcheck.io.sources import VideoFileSource
    from formcheck.measure.stride import default_stride

    truth = json.loads(Path(truth_path).read_text())
    video = Path(truth_path).with_name(truth["clip"]["video"])
    task = ClipTask(video=str(video), truth=str(truth_path), stride=stride, exercise=None, cache=cache)
    return _cache_file(task, stride or default_stride(VideoFileSource(video).info.fps))


def analyse(task: ClipTask) -> dict[str, Any]:
    """Analyse the clip and compare it with its truth; the figures (see corpus_compare)."""
    truth = json.loads(Path(task.truth).read_text())
    exercise = _exercise(truth, task.exercise)
    if task.cache:
        report, series = _from_cache(task, exercise)
    else:
        report, series = _from_video(task, exercise)
    figures = clip_figures(truth, report, series)
    figures["name"] = truth["clip"]["name"]
    figures["exercise_used"] = report.get("exercise")
    figures["exercise_asked"] = exercise
    figures["exercise_detection"] = report.get("exercise_detection")
    return figures


def _from_video(task: ClipTask, exercise: str) -> tuple[dict[str, Any], Any]:
    from formcheck.app.analyze import NoPersonError, analyze_video

    with tempfile.TemporaryDirectory(prefix="formcheck-corpus-") as out:
        try:
            result = analyze_video(task.video, out, exercise=exercise, show_progress=False, write_video=False,
                                   stride=task.stride)
        except NoPersonError:
            return {"reps": [], "setup_faults": [], "view": {}}, _empty_series(task.truth)
        return result.report, result.session.series if result.session else _empty_series(task.truth)


def _empty_series(truth_path: str) -> Any:
    from formcheck.core.series import MeasureSeries

    return MeasureSeries.empty(np.zeros(0))


def _from_cache(task: ClipTask, exercise: str) -> tuple[dict[str, Any], Any]:
    from formcheck.report.json_report import ReportInputs, SourceInfo, build_report

    camera = cached_camera(task, exercise)
    session, info = camera.session, camera.info
    report = build_report(ReportInputs(
        source=SourceInfo(path=task.video, fps=info.fps, frames=info.frame_count, duration_s=info.duration_s,
                          width=info.width, height=info.height),
        exercise=camera.profile.name, series=session.series, reps=session.reps, faults=session.faults,
        setup_faults=session.setup_faults, summary=session.summary, calibration=session.calibration,
        end_range=session.end_range, warnings=session.warnings, stride=camera.stride,
        frames_analysed=len(camera.recorder), exercise_detection=session.detection))
    return report, session.series


@dataclass
class CachedCamera:
    """One video's analysis replayed from its pose cache: what ``analyze`` measures before the report."""

    recorder: Any
    session: Any
    profile: Any  # the ExerciseProfile analysed (recognised with ``auto``)
    info: Any  # VideoInfo
    stride: int


def cached_camera(task: ClipTask, exercise: str) -> CachedCamera:
    """The clip's poses from the cache (built on first use) through the recorder and session analysis."""
    from formcheck.analysis.session import summarise_session
    from formcheck.core.pose import Pose
    from formcheck.io.sources import VideoFileSource
    from formcheck.app.candidates import CandidateRecorders
    from formcheck.measure.stride import default_stride

    source = VideoFileSource(task.video)
    stride = task.stride or default_stride(source.info.fps)
    path = _cache_file(task, stride)
    if not path.is_file():
        _build_cache(task, stride, path)
    data = np.load(path)
    width, height = (int(v) for v in data["size"])
    packed = data["masks"]
    candidates = CandidateRecorders(exercise)
    for k in range(len(data["t_s"])):
        mask = (np.unpackbits(packed[k], axis=-1, count=width).astype(np.float32)
                if data["has_mask"][k] else None)
        pose = Pose(t_s=float(data["t_s"][k]), image_size=(width, height), xy_px=data["xy_px"][k].astype(np.float64),
                    world_m=data["world_m"][k].astype(np.float64), visibility=data["visibility"][k].astype(np.float64),
                    presence=data["presence"][k].astype(np.float64), mask=mask, num_candidates=int(data["people"][k]))
        candidates.update(pose, int(data["frame"][k]))
    choice = candidates.choose()
    profile = candidates.measured_with(choice)
    recorder = candidates.recorder_for(profile)
    return CachedCamera(recorder=recorder, session=summarise_session(recorder, profile, choice), profile=profile,
                        info=source.info, stride=stride)


def _build_cache(task: ClipTask, stride: int, path: Path) -> None:
    """Run the pose model once over the clip (as analyze does) and store what the recorder reads."""
    from formcheck.app.analyze import MAX_ANALYSIS_SIDE_PX
    from formcheck.io.sources import VideoFileSource, fit_within
    from formcheck.pose.estimator import PoseEstimator

    source = VideoFileSource(task.video)
    rows: dict[str, list[Any]] = {k: [] for k in ("t_s", "frame", "xy_px", "world_m", "visibility", "presence",
                                                 "people", "has_mask", "masks")}
    size = (0, 0)
    with PoseEstimator(mode="video") as estimator:
        for frame in source.frames(pixels_every=stride):
            if not frame.has_pixels:
                continue
            pose = estimator.estimate(fit_within(frame, MAX_ANALYSIS_SIDE_PX))
            size = pose.image_size
            rows["t_s"].append(pose.t_s)
            rows["frame"].append(frame.index)
            rows["xy_px"].append(pose.xy_px.astype(np.float32))
            rows["world_m"].append(pose.world_m.astype(np.float32))
            rows["visibility"].append(pose.visibility.astype(np.float32))
            rows["presence"].append(pose.presence.astype(np.float32))
            rows["people"].append(pose.num_candidates)
            rows["has_mask"].append(pose.mask is not None)
            mask = pose.mask if pose.mask is not None else np.zeros((size[1], size[0]), np.float32)
            rows["masks"].append(np.packbits(mask >= 0.5, axis=-1))
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(".part.npz")
    np.savez_compressed(part, size=np.array(size), **{k: np.array(v) for k, v in rows.items()})
    part.replace(path)
