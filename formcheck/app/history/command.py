"""``formcheck history``: list the sessions, export them (CSV, progress page), forget them.

Everything the command does is :func:`run_history`; the CLI only parses arguments and prints
the lines it returns.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from formcheck.app.history.advice import progression_advice
from formcheck.app.history.listing import table_lines, write_csv
from formcheck.app.history.location import history_path
from formcheck.app.history.page import write_progress_page
from formcheck.app.history.person import check_person
from formcheck.app.history.query import SessionFilter, forget_person, forget_session, read_sessions
from formcheck.app.history.record import failure_sentence
from formcheck.app.history.store import HistoryError, HistoryStore
from formcheck.errors import FormcheckError, OutputError
from formcheck.profiles import PROFILES


class HistoryCommandError(FormcheckError):
    """The history cannot be read or changed as asked."""

    exit_code = 1


@dataclass(frozen=True)
class HistoryOptions:
    """What ``formcheck history`` was asked to do."""

    person: str | None = None
    exercise: str | None = None
    since: date | None = None
    csv: Path | None = None
    html: Path | None = None
    forget: int | None = None
    forget_all: bool = False
    home: str | os.PathLike[str] | None = None


@dataclass
class HistoryOutput:
    """What to print, and the files written."""

    lines: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


def _store(path: Path) -> HistoryStore:
    try:
        return HistoryStore.open(path, create=False)
    except HistoryError as error:
        raise HistoryCommandError(failure_sentence(error, recording=False)) from None


def run_history(options: HistoryOptions) -> HistoryOutput:
    """Do what ``options`` ask; returns the lines to print.

    Raises:
        HistoryCommandError: the database is damaged, busy or newer; no such session to forget.
        PersonError: a bad ``--person``; OutputError: a CSV or page that cannot be written.
    """
    path = history_path(options.home)
    person = check_person(options.person) if options.person is not None else None
    out = HistoryOutput()
    if options.forget is not None or options.forget_all:
        return _forget(path, options, person, out)
    selection = SessionFilter(person, options.exercise, options.since)
    if path.is_file():
        with _store(path) as store:
            try:
                sessions = read_sessions(store, selection)
            except HistoryError as error:
                raise HistoryCommandError(failure_sentence(error, recording=False)) from None
    else:
        sessions = []
    if sessions:
        out.lines += table_lines(sessions)
        for (who, exercise) in dict.fromkeys((s.person, s.exercise) for s in sessions):
            profile = PROFILES.get(exercise)
            if profile is not None:
                mine = [s for s in sessions if s.person == who and s.exercise == exercise]
                out.lines += [f"advice: {line}" for line in progression_advice(mine, profile)]
    elif path.is_file():
        out.lines.append(f"no sessions match (the history is {path})")
    else:
        out.lines.append(f"no sessions recorded yet (the history will be kept in {path})")
    for target, write in ((options.csv, write_csv), (options.html, write_progress_page)):
        if target is None:
            continue
        try:
            write(target, sessions)
        except OSError as exc:
            reason = (exc.strerror or type(exc).__name__).lower()
            raise OutputError(f"cannot write {target} ({reason}) — choose another file") from None
        out.written.append(target)
    return out


def _forget(path: Path, options: HistoryOptions, person: str | None, out: HistoryOutput) -> HistoryOutput:
    if options.forget_all and person is None:
        raise HistoryCommandError("--forget-all needs --person NAME: whose sessions to delete")
    if not path.is_file():
        raise HistoryCommandError(f"there is no history to forget from (it would be kept in {path})")
    with _store(path) as store:
        try:
            if options.forget is not None:
                gone = forget_session(store, options.forget)
                if gone is None:
                    raise HistoryCommandError(f"there is no session {options.forget} in the history {path} — "
                                              "'formcheck history' lists the sessions and their numbers")
                out.lines.append(f"forgot session {gone.id} ({gone.person}, {gone.exercise}, filmed "
                                 f"{gone.filmed_at.astimezone():%Y-%m-%d %H:%M}): deleted from {path}, with its "
                                 f"sets and fault counts; its report files were left as they are")
            else:
                assert person is not None
                count = forget_person(store, person)
                out.lines.append(f"forgot {count} session{'s' if count != 1 else ''} of {person}: deleted from "
                                 f"{path}; their report files were left as they are")
        except HistoryError as error:
            raise HistoryCommandError(failure_sentence(error, recording=False)) from None
    return out
