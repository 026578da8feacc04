"""One video of a batch, as a task a worker runs: ``analyze_video`` into the video's folder,
its outcome as an index row. Tasks are small frozen data, so they travel to any worker."""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from typing import Any

from formcheck.app.analyze import analyze_video
from formcheck.app.batch.rows import UNEXPECTED, base_row, report_row
from formcheck.errors import FormcheckError
from formcheck.pose.estimator import PoseEstimator


@dataclass(frozen=True)
class VideoTask:
    """What a worker needs for one video (paths absolute; ``folder`` relative to the batch folder)."""

    video: str  # as the user would write it (the index shows this)
    path: str
    folder: str
    out_dir: str
    exercise: str
    person: str | None = None
    date: str | None = None
    write_video: bool = True
    stride: int | None = None
    model_path: str | None = None


def warm_up(model_path: str | None = None) -> bool:
    """Once per worker process: load the pose model, so mediapipe, its native runtime and the model
    file are in memory for every video the worker takes (the first load takes ~2 s, later ones
    ~0.2 s). Each video still gets a fresh model session: MediaPipe's video mode tracks the person
    from frame to frame, and nothing of one video may carry into the next."""
    with PoseEstimator(model_path, mode="video"):
        pass
    return True


def run_video_task(task: VideoTask) -> dict[str, Any]:
    """Analyse one video exactly as ``formcheck analyze --out`` does; the row says how it went.

    A problem with the video (corrupt, no person, unreadable) is its row's one-sentence
    ``reason``; anything unexpected gets a short sentence, and the traceback goes to the row's
    ``detail`` (batch.json) rather than to the terminal.
    """
    started = time.monotonic()
    meta: dict[str, Any] = dict(video=task.video, exercise=task.exercise, person=task.person, date=task.date,
                                folder=task.folder)
    try:
        result = analyze_video(task.path, out_dir=task.out_dir, exercise=task.exercise, model_path=task.model_path,
                               show_progress=False, write_video=task.write_video, stride=task.stride)
    except FormcheckError as exc:
        return base_row(status="failed", reason=str(exc), elapsed_s=time.monotonic() - started, **meta)
    except Exception as exc:  # noqa: BLE001 — one video's bug must not stop the others
        row = base_row(status="failed", reason=UNEXPECTED.format(name=type(exc).__name__),
                       elapsed_s=time.monotonic() - started, **meta)
        row["detail"] = traceback.format_exc(limit=20)
        return row
    return report_row(status="ok", report=result.report, elapsed_s=time.monotonic() - started, **meta)
