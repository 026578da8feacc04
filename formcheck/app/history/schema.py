"""The history's schema as numbered migrations, applied in order; ``PRAGMA user_version`` holds
how many a database has had.

A migration is a tuple of SQL statements run in one transaction with the version bump, so a
database is always at a whole version. Add a migration to change the schema; never edit one
that has shipped (databases out there already ran it).
"""

from __future__ import annotations

import sqlite3
from typing import Sequence

Migration = Sequence[str]

MIGRATIONS: tuple[Migration, ...] = (
    # 1: sessions, their legs, fault counts, sets and each set's fault counts
    ("""CREATE TABLE sessions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a forgotten id stays forgotten
            person TEXT NOT NULL,
            exercise TEXT NOT NULL,
            kind TEXT NOT NULL,             -- analyze | live | batch
            filmed_at TEXT NOT NULL,        -- ISO 8601, UTC: 2026-03-04T10:20:30Z
            filmed_from TEXT NOT NULL,      -- metadata | file | now | given
            recorded_at TEXT NOT NULL,
            source TEXT NOT NULL,           -- the video's absolute path, or 'camera N'
            source_key TEXT NOT NULL,       -- one row per person and video: a re-analysis replaces it
            report_dir TEXT,
            duration_s REAL,
            complete INTEGER NOT NULL,
            sets INTEGER NOT NULL,
            reps INTEGER NOT NULL,
            clean_reps INTEGER NOT NULL,
            lower_s REAL,
            raise_s REAL,
            ready_to_progress INTEGER NOT NULL,
            formcheck_version TEXT,
            UNIQUE (person, source_key))""",
     "CREATE INDEX sessions_by_person ON sessions (person, exercise, filmed_at)",
     """CREATE TABLE session_legs (
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            leg TEXT NOT NULL,              -- left | right | both
            reps INTEGER NOT NULL,
            clean_reps INTEGER NOT NULL,
            end_range_cm REAL,              -- heel height where the back lifted, else the lowest clean
            end_range_kind TEXT,            -- arched | reached
            lower_s REAL,
            raise_s REAL,
            PRIMARY KEY (session_id, leg))""",
     """CREATE TABLE session_faults (
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            code TEXT NOT NULL,
            reps INTEGER NOT NULL,
            PRIMARY KEY (session_id, code))""",
     """CREATE TABLE session_sets (
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            set_index INTEGER NOT NULL,
            start_s REAL,
            end_s REAL,
            reps_left INTEGER NOT NULL,
            reps_right INTEGER NOT NULL,
            reps_both INTEGER NOT NULL,
            clean_reps INTEGER NOT NULL,
            PRIMARY KEY (session_id, set_index))""",
     """CREATE TABLE set_faults (
            session_id INTEGER NOT NULL,
            set_index INTEGER NOT NULL,
            code TEXT NOT NULL,
            reps INTEGER NOT NULL,
            PRIMARY KEY (session_id, set_index, code),
            FOREIGN KEY (session_id, set_index) REFERENCES session_sets (session_id, set_index)
                ON DELETE CASCADE)"""),
)


class NewerSchemaError(Exception):
    """The database was written by a formcheck that knows more migrations than this one."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(f"schema version {found}, this formcheck knows {known}")
        self.found, self.known = found, known


def schema_version(connection: sqlite3.Connection) -> int:
    """How many migrations the database has had."""
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def migrate(connection: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the database up to ``len(migrations)``: each missing migration in its own
    transaction (``connection`` in autocommit mode, ``isolation_level=None``); returns the
    version. A failing migration is rolled back whole and raised.

    Raises:
        NewerSchemaError: the database is at a later version than ``migrations`` reach.
    """
    version = schema_version(connection)
    if version > len(migrations):
        raise NewerSchemaError(version, len(migrations))
    while version < len(migrations):
        connection.execute("BEGIN IMMEDIATE")
        try:
            current = schema_version(connection)  # another process may have migrated meanwhile
            if current == version:
                for statement in migrations[version]:
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {version + 1:d}")  # an int: no injection
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        version = schema_version(connection)
    return version
