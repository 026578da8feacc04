"""The batch's sessions in the history: every video analysed in this run, recorded as it finishes.

The batch process itself records each one when its outcome arrives (one writer, on the machine
that ran the command, whatever the pool): a Ray cluster's workers need not see this machine's
history folder, and SQLite must not be shared over a network file system. The history's own
locking still lets other formcheck processes record at the same time. Videos skipped as
finished earlier are not recorded again: they were when they were analysed, and a session
forgotten since stays forgotten.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from formcheck.app.batch.task import VideoTask
from formcheck.app.history import RecordOutcome, history_path, record_session
from formcheck.app.outputs import REPORT_JSON
from formcheck.wording import say


def record_video(task: VideoTask) -> RecordOutcome:
    """Record the finished analysis of ``task`` (its report.json) for the task's person, dated by
    its manifest date when it has one, else by the video's own time."""
    path = Path(task.out_dir) / REPORT_JSON
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        return RecordOutcome("unreadable", history_path(), say("history.batch.no_report", path=path, reason=reason))
    return record_session(report, task.person, kind="batch", video=task.path, filmed_at=task.date,
                          report_dir=task.out_dir)


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


def history_lines(outcomes: Sequence[RecordOutcome]) -> list[tuple[str, bool]]:
    """What to say about the history after a batch, as (line, ok): how many sessions were
    recorded, then each distinct problem once, with how many videos it cost."""
    if not outcomes:
        return []
    recorded = sum(o.status in ("recorded", "replaced") for o in outcomes)
    without = sum(o.status == "skipped" for o in outcomes)
    lines: list[tuple[str, bool]] = []
    if recorded or without:
        rest = say("history.batch.without_reps", count=without, videos=_plural(without, "video")) if without else ""
        lines.append((say("history.batch.recorded", count=recorded, sessions=_plural(recorded, "session"),
                          without=rest), True))
    problems: dict[str, int] = {}
    for outcome in outcomes:
        if not outcome.ok:
            problems[outcome.message] = problems.get(outcome.message, 0) + 1
    lines += [(say("history.batch.failed", message=message, count=count, videos=_plural(count, "video")), False)
              for message, count in problems.items()]
    return lines
