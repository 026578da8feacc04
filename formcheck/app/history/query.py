"""Reading the history back: sessions with their legs, fault counts and sets, filtered by person,
exercise and date; and forgetting sessions for real."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from formcheck.app.history.filmed import iso_utc, parse_time
from formcheck.app.history.record import REP_CHANNELS, LegRecord, SetRecord
from formcheck.app.history.store import HistoryStore


@dataclass(frozen=True)
class SessionFilter:
    """Which sessions: one person's (None: everyone's), one exercise's, filmed on or after a day
    (local time)."""

    person: str | None = None
    exercise: str | None = None
    since: date | None = None


@dataclass(frozen=True)
class StoredSession:
    """A session as the history holds it (``filmed_at`` aware, UTC)."""

    id: int
    person: str
    exercise: str
    kind: str
    filmed_at: datetime
    filmed_from: str
    source: str
    report_dir: str | None
    duration_s: float | None
    complete: bool
    reps: int
    clean_reps: int
    lower_s: float | None
    raise_s: float | None
    ready_to_progress: bool
    legs: dict[str, LegRecord] = field(default_factory=dict)
    faults: dict[str, int] = field(default_factory=dict)
    sets: tuple[SetRecord, ...] = ()

    @property
    def clean_share(self) -> float | None:
        """Clean reps / reps (None without reps)."""
        return self.clean_reps / self.reps if self.reps else None


# One fixed statement: a filter left out is a NULL parameter, so no SQL is ever put together.
_SELECT_SESSIONS = (
    "SELECT id, person, exercise, kind, filmed_at, filmed_from, source, report_dir, duration_s, complete, reps, "
    "clean_reps, lower_s, raise_s, ready_to_progress FROM sessions "
    "WHERE (?1 IS NULL OR person = ?1) AND (?2 IS NULL OR exercise = ?2) AND (?3 IS NULL OR filmed_at >= ?3) "
    "AND (?4 IS NULL OR id = ?4) ORDER BY filmed_at, id")


def _read(connection: sqlite3.Connection, selection: SessionFilter,
          session_id: int | None = None) -> list[StoredSession]:
    since = (iso_utc(datetime.combine(selection.since, time()).astimezone())
             if selection.since is not None else None)
    rows = connection.execute(_SELECT_SESSIONS, (selection.person, selection.exercise, since, session_id)).fetchall()
    sessions = []
    for row in rows:
        session_id = row[0]
        legs = {leg: LegRecord(leg, *rest) for leg, *rest in connection.execute(
            "SELECT leg, reps, clean_reps, end_range_cm, end_range_kind, lower_s, raise_s FROM session_legs "
            "WHERE session_id = ?", (session_id,))}
        faults = dict(connection.execute("SELECT code, reps FROM session_faults WHERE session_id = ? ORDER BY code",
                                         (session_id,)).fetchall())
        sets = []
        for index, start_s, end_s, left, right, both, clean in connection.execute(
                "SELECT set_index, start_s, end_s, reps_left, reps_right, reps_both, clean_reps FROM session_sets "
                "WHERE session_id = ? ORDER BY set_index", (session_id,)):
            set_faults = dict(connection.execute(
                "SELECT code, reps FROM set_faults WHERE session_id = ? AND set_index = ? ORDER BY code",
                (session_id, index)).fetchall())
            sets.append(SetRecord(index, start_s, end_s, dict(zip(REP_CHANNELS, (left, right, both))), clean,
                                  set_faults))
        filmed = parse_time(row[4]) or datetime.fromtimestamp(0, timezone.utc)
        sessions.append(StoredSession(row[0], row[1], row[2], row[3], filmed, row[5], row[6], row[7], row[8],
                                      bool(row[9]), row[10], row[11], row[12], row[13], bool(row[14]),
                                      legs, faults, tuple(sets)))
    return sessions


def read_sessions(store: HistoryStore, selection: SessionFilter = SessionFilter()) -> list[StoredSession]:
    """The selected sessions, oldest first."""
    return store.run(lambda connection: _read(connection, selection), write=False)


def forget_session(store: HistoryStore, session_id: int) -> StoredSession | None:
    """Delete session ``session_id`` with its legs, fault counts and sets (None: no such
    session); the deleted bytes are overwritten and the journal truncated."""
    def work(connection: sqlite3.Connection) -> StoredSession | None:
        found = _read(connection, SessionFilter(), session_id)
        connection.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        return found[0] if found else None

    gone = store.run(work)
    store.shrink()
    return gone


def forget_person(store: HistoryStore, person: str) -> int:
    """Delete every session of ``person``; how many there were."""
    count = store.run(lambda connection: connection.execute("DELETE FROM sessions WHERE person = ?",
                                                            (person,)).rowcount)
    store.shrink()
    return int(count)
