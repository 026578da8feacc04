"""The history database: one SQLite file, WAL journal, a busy timeout and retries, so several
formcheck processes (a batch's workers) can record at once; every value bound, never spliced
into SQL; deletions overwritten (``secure_delete``) and the journal truncated, so a forgotten
session is gone from the file.

Problems a user can have — a damaged file, a database busy for too long, a folder that cannot
be written, a schema from a newer formcheck — become a :class:`HistoryError` naming the file.
"""

from __future__ import annotations

import random
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence, TypeVar

from formcheck.app.history.schema import MIGRATIONS, Migration, NewerSchemaError, migrate
from formcheck.errors import FormcheckError

T = TypeVar("T")

BUSY_TIMEOUT_S = 5.0  # SQLite waits this long for another writer before saying "busy"
RETRIES = 4  # then the whole transaction is tried again this many times, with growing pauses
RETRY_PAUSE_S = 0.2


class HistoryError(FormcheckError):
    """The history database cannot be used; ``kind`` is ``damaged``, ``busy``, ``unwritable`` or
    ``newer``, ``path`` the file, ``reason`` SQLite's or the system's words."""

    exit_code = 1

    def __init__(self, kind: str, path: Path, reason: str, **values: Any) -> None:
        super().__init__(f"{kind}: {path}: {reason}")
        self.kind, self.path, self.reason, self.values = kind, path, reason, values


_BUSY = {"SQLITE_BUSY", "SQLITE_LOCKED"}
_UNWRITABLE = {"SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM", "SQLITE_FULL", "SQLITE_AUTH"}


def _kind(exc: sqlite3.Error) -> str:
    """``busy``, ``unwritable`` or ``damaged`` for an SQLite error (by its code where Python gives
    it, else by its message)."""
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    base = name.split("_")[0:2]
    code = "_".join(base) if base else ""
    message = str(exc).lower()
    if code in _BUSY or "locked" in message or "busy" in message:
        return "busy"
    if code in _UNWRITABLE or "unable to open" in message or "readonly" in message or "read-only" in message:
        return "unwritable"
    return "damaged"


class HistoryStore:
    """An open history database (a context manager). ``write`` and ``read`` run a function in
    a transaction, retrying while another process holds the database."""

    def __init__(self, path: Path, busy_timeout_s: float = BUSY_TIMEOUT_S, retries: int = RETRIES,
                 migrations: Sequence[Migration] = MIGRATIONS) -> None:
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s
        self.retries = retries
        self.migrations = migrations
        self._connection: sqlite3.Connection | None = None

    @classmethod
    def open(cls, path: Path, create: bool = True, **options: Any) -> HistoryStore:
        """Open (creating the folder and the file when ``create``) and migrate the database.

        Raises:
            HistoryError: damaged, busy, unwritable, or from a newer formcheck.
        """
        store = cls(path, **options)
        try:
            if create:
                store.path.parent.mkdir(parents=True, exist_ok=True)
            store._connection = store._retrying(store._connect)
            store._retrying(lambda: migrate(store.connection, store.migrations))
        except NewerSchemaError as exc:
            store.close()
            raise HistoryError("newer", store.path, str(exc), found=exc.found, known=exc.known) from None
        except OSError as exc:
            store.close()
            raise HistoryError("unwritable", store.path, (exc.strerror or type(exc).__name__).lower()) from None
        except sqlite3.Error as exc:
            store.close()
            raise HistoryError(_kind(exc), store.path, str(exc), wait_s=store._total_wait_s()) from None
        return store

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None)
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA secure_delete = ON")
            mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":  # e.g. a file system without shared memory: still works
                connection.execute("PRAGMA journal_mode = DELETE")
            connection.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            connection.close()
            raise
        return connection

    @property
    def connection(self) -> sqlite3.Connection:
        if self._connection is None:
            raise RuntimeError("the history store is closed")
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _total_wait_s(self) -> float:
        return (self.retries + 1) * self.busy_timeout_s + sum(RETRY_PAUSE_S * 2**k for k in range(self.retries))

    def _retrying(self, work: Callable[[], T]) -> T:
        """``work()``, again after a pause while the database is busy (at most ``retries`` times)."""
        for attempt in range(self.retries + 1):
            try:
                return work()
            except sqlite3.OperationalError as exc:
                if _kind(exc) != "busy" or attempt == self.retries:
                    raise
                time.sleep(RETRY_PAUSE_S * 2**attempt * (0.5 + random.random()))
        raise AssertionError("unreachable")

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[sqlite3.Connection]:
        connection = self.connection
        connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def run(self, work: Callable[[sqlite3.Connection], T], write: bool = True) -> T:
        """``work(connection)`` in one transaction (retried whole while busy).

        Raises:
            HistoryError: the database is damaged, stayed busy, or cannot be written.
        """
        def attempt() -> T:
            with self._transaction(write) as connection:
                return work(connection)

        try:
            return self._retrying(attempt)
        except sqlite3.Error as exc:
            raise HistoryError(_kind(exc), self.path, str(exc), wait_s=self._total_wait_s()) from None

    def shrink(self) -> None:
        """After a deletion: copy the WAL back into the file and truncate it (old pages gone)."""
        try:
            self._retrying(lambda: self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall())
        except sqlite3.Error as exc:
            raise HistoryError(_kind(exc), self.path, str(exc), wait_s=self._total_wait_s()) from None
