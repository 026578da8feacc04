"""A finished session as a history row, and :func:`record_session`: the one call that records it.

``analyze``, ``live`` and ``batch`` call :func:`record_session` once per finished report. It
never raises for the history's sake: a damaged, busy or unwritable database costs the
recording, never the analysis — the outcome carries one sentence saying what happened and
what to do.
"""

from __future__ import annotations

import math
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

from formcheck.app.history.filmed import FilmedFrom, filmed_time, iso_utc, parse_time
from formcheck.app.history.location import history_path
from formcheck.app.history.person import check_person
from formcheck.app.history.store import HistoryError, HistoryStore
from formcheck.wording import say

REP_CHANNELS = ("left", "right", "both")


@dataclass(frozen=True)
class LegRecord:
    """One rep channel of a session: reps, clean reps, end range (cm, and whether the back lifted
    there or it is the lowest heel reached cleanly) and mean phases (s)."""

    leg: str
    reps: int
    clean_reps: int
    end_range_cm: float | None
    end_range_kind: str | None
    lower_s: float | None
    raise_s: float | None


@dataclass(frozen=True)
class SetRecord:
    """One set: number, span (s), reps per channel, clean reps, reps per fault code."""

    index: int
    start_s: float | None
    end_s: float | None
    reps: dict[str, int]
    clean_reps: int
    faults: dict[str, int]


@dataclass(frozen=True)
class SessionRecord:
    """What the history keeps of one session (see schema.py)."""

    person: str
    exercise: str
    kind: str
    filmed_at: str
    filmed_from: str
    source: str
    source_key: str
    report_dir: str | None
    duration_s: float | None
    complete: bool
    reps: int
    clean_reps: int
    lower_s: float | None
    raise_s: float | None
    ready_to_progress: bool
    version: str
    legs: tuple[LegRecord, ...] = ()
    faults: dict[str, int] = field(default_factory=dict)
    sets: tuple[SetRecord, ...] = ()


def _mean(values: list[Any]) -> float | None:
    finite = [float(v) for v in values if isinstance(v, (int, float)) and math.isfinite(v)]
    return round(sum(finite) / len(finite), 2) if finite else None


def _legs(report: Mapping[str, Any]) -> tuple[LegRecord, ...]:
    reps = report.get("reps") or []
    ranges = report.get("end_range") or {}
    out = []
    for leg in REP_CHANNELS:
        mine = [r for r in reps if r.get("leg") == leg]
        if not mine:
            continue
        arched = ranges.get(leg) or {}
        end_cm: float | None
        kind: str | None
        if isinstance(arched.get("heel_height_cm"), (int, float)):
            end_cm, kind = float(arched["heel_height_cm"]), "arched"
        else:
            clean = [r.get("heel_height_min_cm") for r in mine
                     if not any(f.get("code") == "arching" for f in r.get("faults") or [])]
            finite = [float(v) for v in clean if isinstance(v, (int, float)) and math.isfinite(v)]
            end_cm, kind = (min(finite), "reached") if finite else (None, None)
        out.append(LegRecord(leg, len(mine), sum(not r.get("faults") for r in mine),
                             round(end_cm, 2) if end_cm is not None else None, kind,
                             _mean([r.get("lower_s") for r in mine]), _mean([r.get("raise_s") for r in mine])))
    return tuple(out)


def _sets(report: Mapping[str, Any]) -> tuple[SetRecord, ...]:
    return tuple(SetRecord(int(s.get("index", k)), s.get("start_s"), s.get("end_s"),
                           {leg: int((s.get("reps") or {}).get(leg, 0)) for leg in REP_CHANNELS},
                           int(s.get("clean_reps", 0)), {str(c): int(n) for c, n in (s.get("faults") or {}).items()})
                 for k, s in enumerate(report.get("sets") or [], start=1))


def session_record(report: Mapping[str, Any], person: str, kind: str, filmed_at: datetime,
                   filmed_from: FilmedFrom, source: str, source_key: str, report_dir: Path | None) -> SessionRecord:
    """The history row of ``report`` (a report.json dict)."""
    summary = report.get("summary") or {}
    reps = report.get("reps") or []
    return SessionRecord(
        person=person, exercise=str(report.get("exercise", "")), kind=kind, filmed_at=iso_utc(filmed_at),
        filmed_from=filmed_from, source=source, source_key=source_key,
        report_dir=str(report_dir) if report_dir is not None else None,
        duration_s=(report.get("source") or {}).get("duration_s"), complete=bool(report.get("complete", True)),
        reps=len(reps), clean_reps=int(summary.get("clean_reps", 0)),
        lower_s=_mean([r.get("lower_s") for r in reps]), raise_s=_mean([r.get("raise_s") for r in reps]),
        ready_to_progress=bool(summary.get("ready_to_progress", False)),
        version=str(report.get("formcheck_version", "")), legs=_legs(report),
        faults={str(c): int(n) for c, n in (summary.get("faults") or {}).items()}, sets=_sets(report))


def insert_session(connection: sqlite3.Connection, record: SessionRecord) -> tuple[int, bool]:
    """Insert ``record`` (replacing the same person's earlier record of the same video); returns its
    id and whether one was replaced. Run inside a write transaction."""
    old = connection.execute("SELECT id FROM sessions WHERE person = ? AND source_key = ?",
                             (record.person, record.source_key)).fetchone()
    if old is not None:
        connection.execute("DELETE FROM sessions WHERE id = ?", (old[0],))
    cursor = connection.execute(
        "INSERT INTO sessions (person, exercise, kind, filmed_at, filmed_from, recorded_at, source, source_key, "
        "report_dir, duration_s, complete, sets, reps, clean_reps, lower_s, raise_s, ready_to_progress, "
        "formcheck_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (record.person, record.exercise, record.kind, record.filmed_at, record.filmed_from,
         iso_utc(datetime.now(timezone.utc)), record.source, record.source_key, record.report_dir,
         record.duration_s, int(record.complete), len(record.sets), record.reps, record.clean_reps,
         record.lower_s, record.raise_s, int(record.ready_to_progress), record.version))
    session_id = int(cursor.lastrowid or 0)
    connection.executemany(
        "INSERT INTO session_legs (session_id, leg, reps, clean_reps, end_range_cm, end_range_kind, lower_s, "
        "raise_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(session_id, g.leg, g.reps, g.clean_reps, g.end_range_cm, g.end_range_kind, g.lower_s, g.raise_s)
         for g in record.legs])
    connection.executemany("INSERT INTO session_faults (session_id, code, reps) VALUES (?, ?, ?)",
                           [(session_id, code, count) for code, count in record.faults.items()])
    for s in record.sets:
        connection.execute(
            "INSERT INTO session_sets (session_id, set_index, start_s, end_s, reps_left, reps_right, reps_both, "
            "clean_reps) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (session_id, s.index, s.start_s, s.end_s, s.reps["left"], s.reps["right"], s.reps["both"], s.clean_reps))
        connection.executemany("INSERT INTO set_faults (session_id, set_index, code, reps) VALUES (?, ?, ?, ?)",
                               [(session_id, s.index, code, count) for code, count in s.faults.items()])
    return session_id, old is not None


@dataclass(frozen=True)
class RecordOutcome:
    """How recording went: ``status`` is ``recorded``, ``replaced`` (an earlier record of the same
    video), ``skipped`` (no reps were counted: nothing to record), or a
    :class:`~formcheck.app.history.store.HistoryError` kind (``damaged``, ``busy``, ``unwritable``,
    ``newer``); ``message`` is the one sentence to show."""

    status: str
    path: Path
    message: str
    session_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("recorded", "replaced", "skipped")


def failure_sentence(error: HistoryError, recording: bool = True) -> str:
    """What went wrong with the history and what to do, in one sentence (``recording``: while
    recording a session, whose report was written anyway)."""
    values = dict(path=error.path, folder=error.path.parent, reason=error.reason, **error.values)
    problem, fix = say(f"history.problem.{error.kind}", **values), say(f"history.fix.{error.kind}")
    return say("history.not_recorded" if recording else "history.cannot_use", problem=problem, fix=fix)


def _source(report: Mapping[str, Any], video: Path | None, filmed: datetime) -> tuple[str, str]:
    """The source as shown (absolute path, or the camera) and the key that makes a row unique."""
    if video is not None:
        shown = os.path.abspath(video)
        return shown, "file:" + os.path.realpath(video)
    shown = str((report.get("source") or {}).get("path") or "unknown source")
    return shown, f"{shown}@{iso_utc(filmed)}"


def record_session(report: Mapping[str, Any], person: str | None = None, *, kind: str = "analyze",
                   video: str | os.PathLike[str] | None = None, filmed_at: datetime | str | None = None,
                   report_dir: str | os.PathLike[str] | None = None,
                   home: str | os.PathLike[str] | None = None, **store_options: Any) -> RecordOutcome:
    """Record one finished session (``report``: a report.json dict) in the history.

    Args:
        person: whose session (default: the one local person); a bad name raises PersonError
            (check it first with :func:`~formcheck.app.history.person.check_person`).
        kind: ``analyze``, ``live`` or ``batch``.
        video: the video file (its creation time or file time dates the session, and it keys the
            row: recording the same video again for the same person replaces the earlier row).
            None for a camera.
        filmed_at: when it was filmed, overriding the video's time: a datetime (naive = local
            time) or an ISO date / time text (a batch manifest's ``date``). Default: the video's
            time, else now.
        report_dir: the folder holding its report.html (the progress page links it).
        home: the history's folder (default ``$FORMCHECK_HOME`` or the platform's data folder).

    Returns the outcome; never raises for a database problem. A report without reps is not
    recorded (a session that did not happen must not count in the sessions a week).
    """
    name = check_person(person)
    path = history_path(home)
    if not report.get("reps"):
        return RecordOutcome("skipped", path, say("history.skipped"))
    video_path = Path(video) if video is not None else None
    moment, source_of_time = _filmed(filmed_at, video_path)
    source, key = _source(report, video_path, moment)
    record = session_record(report, name, kind, moment, source_of_time, source, key,
                            Path(report_dir).resolve() if report_dir is not None else None)
    try:
        with HistoryStore.open(path, **store_options) as store:
            session_id, replaced = store.run(lambda connection: insert_session(connection, record))
    except HistoryError as error:
        return RecordOutcome(error.kind, path, failure_sentence(error))
    words = say("history.recorded", id=session_id, person=name, exercise=record.exercise, sets=len(record.sets),
                replaced=say("history.recorded.replaced") if replaced else "")
    return RecordOutcome("replaced" if replaced else "recorded", path, words, session_id)


def _filmed(given: datetime | str | None, video: Path | None) -> tuple[datetime, FilmedFrom]:
    if isinstance(given, datetime):
        return (given.astimezone() if given.tzinfo is None else given).astimezone(timezone.utc), "given"
    if isinstance(given, str) and given.strip():
        text = given.strip()
        moment = parse_time(text + "T12:00:00" if len(text) == 10 else text)
        if len(text) == 10 and moment is not None:  # a date: noon local time, so the day stays the day
            moment = moment.replace(tzinfo=None).astimezone().astimezone(timezone.utc)
        if moment is not None:
            return moment, "given"
    return filmed_time(video)
