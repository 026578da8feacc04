"""``formcheck batch``: many videos, one task each, on a local process pool or a Ray cluster.

Nothing lost, nothing redone: a failing video gets a ``failed`` row with its reason and the
others go on; a video whose report files are finished is skipped (unless ``force``), so an
interrupted batch (Ctrl-C, a killed worker or driver, a lost node) resumes where it stopped;
the index (batch.csv, batch.json, index.html) is rewritten as videos finish and at the end.
With ``history``, each video analysed is recorded in the session history as it finishes
(:mod:`~formcheck.app.batch.recording`).
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Iterator, TextIO

from formcheck.app.batch.done import finished_report
from formcheck.app.batch.index import counts_text, read_previous_rows, status_counts, write_index
from formcheck.app.batch.inputs import find_videos, output_folders
from formcheck.app.batch.probe import check_nodes
from formcheck.app.batch.recording import record_video
from formcheck.app.history import RecordOutcome, check_person
from formcheck.app.progress import ProgressBar
from formcheck.app.batch.rows import INTERRUPTED, PENDING, SKIPPED, base_row, report_row
from formcheck.app.batch.task import VideoTask, run_video_task, warm_up
from formcheck.app.outputs import prepare_out_dir
from formcheck.io.pool import LocalPool, sigint_ignored
from formcheck.analysis.exercise_detect import AUTO
from formcheck.profiles import PROFILES

INDEX_EVERY_S = 10.0  # the index is rewritten at most this often while videos finish


@dataclass(frozen=True)
class BatchOptions:
    """What ``formcheck batch`` was asked (``exercise``/``person``: defaults for videos whose
    manifest row gives none; ``exercise`` None is ``auto``: recognised from the motion; ``person``
    None the one local person; ``history``: record each video analysed in the session history)."""

    inputs: tuple[str, ...]
    out_dir: Path
    jobs: int | None = None
    ray: bool = False
    ray_address: str | None = None
    exercise: str | None = None
    person: str | None = None
    write_video: bool = True
    stride: int | None = None
    force: bool = False
    model_path: str | None = None
    show_progress: bool = True
    history: bool = False


@dataclass
class BatchResult:
    """The rows in input order, the index files, where it ran, whether it was interrupted, and
    how recording each analysed video in the history went (empty without ``history``)."""

    rows: list[dict[str, Any]]
    index: dict[str, Path]
    pool: str = ""
    interrupted: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    history: list[RecordOutcome] = field(default_factory=list)

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [row for row in self.rows if row["status"] == "failed"]


def plan_tasks(options: BatchOptions) -> list[VideoTask]:
    """The batch's videos as tasks, in input order. Raises BatchInputError for bad inputs,
    PersonError for a bad ``person``."""
    exercises = (AUTO, *PROFILES)
    person = check_person(options.person) if options.person is not None else None
    out_dir = options.out_dir.resolve()
    videos = find_videos(options.inputs, exercises, skip=out_dir)
    default_exercise = options.exercise or AUTO
    return [VideoTask(video=v.shown, path=str(v.path), folder=folder, out_dir=str(out_dir / folder),
                      exercise=v.exercise or default_exercise, person=v.person or person, date=v.date,
                      write_video=options.write_video, stride=options.stride, model_path=options.model_path)
            for v, folder in zip(videos, output_folders(videos))]


def run_batch(options: BatchOptions, say: TextIO | None = None) -> BatchResult:
    """Analyse every video of ``options.inputs`` into ``options.out_dir``; see the module docstring.
    ``say`` gets a line on what will run (default stdout). Ctrl-C (and SIGTERM/SIGHUP) stops the
    workers, writes the index with the unfinished videos marked ``interrupted`` and returns.

    Raises:
        BatchInputError, BatchSetupError, PoolError, OutputError: before any video is analysed.
    """
    say = say if say is not None else sys.stdout
    tasks = plan_tasks(options)
    out_dir = prepare_out_dir(options.out_dir.resolve())
    previous = read_previous_rows(out_dir)
    rows: list[dict[str, Any] | None] = [None] * len(tasks)
    for i, task in enumerate(tasks):
        if not options.force and (previous.get(task.folder) or {}).get("status") != "failed":
            report = finished_report(Path(task.out_dir), Path(task.path), task.exercise, task.write_video, task.stride)
            if report is not None:
                earlier = previous.get(task.folder) or {}
                rows[i] = _row(task, "skipped", report=report, reason=SKIPPED, elapsed_s=earlier.get("elapsed_s"),
                               worker=str(earlier.get("worker") or ""))
    todo = [i for i, row in enumerate(rows) if row is None]
    result = BatchResult(rows=[], index={})
    interrupted = False
    if todo:
        with _stop_signals_raise_interrupt():
            try:
                with open_pool(options) as pool:
                    result.pool = pool.description
                    check_nodes(pool, [tasks[i].path for i in todo], out_dir, options.model_path)
                    done = len(tasks) - len(todo)
                    print(f"batch: {_videos(len(tasks))} — {done} finished earlier (skipped), "
                          f"{len(todo)} to analyse on {pool.description}" if done else
                          f"batch: {_videos(len(todo))} to analyse on {pool.description}", file=say, flush=True)
                    _run(pool, options, tasks, todo, rows, out_dir, result.history)
            except KeyboardInterrupt:
                interrupted = True
    else:
        print(f"batch: {'all ' if len(tasks) > 1 else ''}{_videos(len(tasks))} finished earlier "
              "(skipped; --force analyses them again)",
              file=say, flush=True)
    final = [row if row is not None else _row(tasks[i], "interrupted", reason=INTERRUPTED)
             for i, row in enumerate(rows)]
    result.rows, result.interrupted = final, interrupted
    result.counts = status_counts(final)
    with sigint_ignored():  # a second Ctrl-C must not cut the index short
        result.index = write_index(out_dir, final, finished=not interrupted)
    return result


def _videos(count: int) -> str:
    return f"{count} video{'s' if count != 1 else ''}"


def open_pool(options: BatchOptions) -> Any:
    """A Ray pool with ``--ray`` (at its address, or a local instance), else the local process pool."""
    if options.ray:
        from formcheck.io.ray_pool import RayPool

        return RayPool(options.ray_address, options.jobs)
    return LocalPool(options.jobs)


def _run(pool: Any, options: BatchOptions, tasks: list[VideoTask], todo: list[int],
         rows: list[dict[str, Any] | None], out_dir: Path, history: list[RecordOutcome]) -> None:
    progress = ProgressBar(len(todo), "batch", unit="videos", enabled=options.show_progress)  # tqdm: rate and ETA
    progress.update(0)  # on a terminal: the line is there from the start
    last_index_s = time.monotonic()
    try:
        for outcome in pool.run(run_video_task, [tasks[i] for i in todo], setup=partial(warm_up, options.model_path),
                                progress=progress):
            task = tasks[todo[outcome.index]]
            if outcome.ok:
                row = dict(outcome.value)
                row["worker"] = outcome.worker
            else:
                row = _row(task, "failed", reason=f"the analysis could not finish: {outcome.error}")
            rows[todo[outcome.index]] = row
            if options.history and row.get("status") == "ok":
                history.append(record_video(task))
            if time.monotonic() - last_index_s >= INDEX_EVERY_S:
                last_index_s = time.monotonic()
                write_index(out_dir, [r if r is not None else _row(tasks[i], "pending", reason=PENDING)
                                      for i, r in enumerate(rows)], finished=False)
    finally:
        progress.close()


def _row(task: VideoTask, status: str, report: dict[str, Any] | None = None, reason: str = "",
         elapsed_s: float | None = None, worker: str = "") -> dict[str, Any]:
    meta: dict[str, Any] = dict(video=task.video, status=status, exercise=task.exercise, person=task.person,
                                date=task.date,
                folder=task.folder, reason=reason, elapsed_s=elapsed_s, worker=worker)
    return report_row(report=report, **meta) if report is not None else base_row(**meta)


@contextmanager
def _stop_signals_raise_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP (a closed terminal) stop the batch like Ctrl-C: cleanly, with an index."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


__all__ = ["BatchOptions", "BatchResult", "counts_text", "plan_tasks", "run_batch"]
