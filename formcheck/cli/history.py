"""``formcheck history`` and the options of the commands that record a session (``--person``,
``--no-history``): parsing and printing only; the work is :mod:`formcheck.app.history`."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from formcheck.cli.common import EXERCISES


def add_history_options(command: argparse.ArgumentParser,
                        person_help: str = "whose session this is, for the history (default: the one local "
                                           "person, 'me')") -> None:
    """``--person`` and ``--no-history`` of the commands that record a session."""
    command.add_argument("--person", metavar="NAME", help=person_help)
    command.add_argument("--no-history", action="store_true",
                         help="record nothing in the session history (kept in $FORMCHECK_HOME, else the "
                              "platform's user data folder)")


def add_history_parser(commands: argparse._SubParsersAction) -> None:
    """``formcheck history``: the table, CSV, progress page and forgetting."""
    history = commands.add_parser(
        "history", help="the sessions recorded so far: a table, a CSV, a progress page",
        description="The sessions analyze, live and batch recorded (FORMCHECK_HOME=DIR holds the database, else the "
                    "platform's user data folder): a table of them with progression advice, and on request a "
                    "CSV with one row per session and a self-contained progress page. --forget and --forget-all "
                    "delete sessions from the database for real (their report files stay).")
    history.add_argument("--person", metavar="NAME", help="only this person's sessions")
    history.add_argument("--exercise", choices=EXERCISES, help="only this exercise")
    history.add_argument("--since", metavar="DATE", type=_date, help="only sessions filmed on or after DATE "
                                                                     "(YYYY-MM-DD, local time)")
    history.add_argument("--csv", metavar="FILE", help="write one row per session to FILE")
    history.add_argument("--html", metavar="FILE", help="write the progress page to FILE (self-contained)")
    forget = history.add_mutually_exclusive_group()
    forget.add_argument("--forget", metavar="ID", type=_session_id,
                        help="delete session ID (the first column of the table) from the history")
    forget.add_argument("--forget-all", action="store_true",
                        help="delete every session of --person NAME from the history")


def _date(text: str) -> date:
    """``--since``: a date like 2026-03-31."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date like 2026-03-31 (year-month-day), got {text!r}") from None


def _session_id(text: str) -> int:
    """``--forget``: a session number ≥ 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a session number from 'formcheck history', got {text!r}")
    return value


def print_history_outcome(outcome: object | None) -> None:
    """How recording the session went: one line on stdout, or a warning on stderr."""
    if outcome is None:
        return
    message, ok = getattr(outcome, "message", ""), getattr(outcome, "ok", False)
    if ok:
        print(message)
    else:
        print(f"formcheck: warning: {message}", file=sys.stderr)


def run_history_command(args: argparse.Namespace) -> int:
    """``formcheck history``: the table and advice, the files written, what was forgotten."""
    from pathlib import Path

    from formcheck.app.history.command import HistoryOptions, run_history

    output = run_history(HistoryOptions(person=args.person, exercise=args.exercise, since=args.since,
                                        csv=Path(args.csv) if args.csv else None,
                                        html=Path(args.html) if args.html else None,
                                        forget=args.forget, forget_all=args.forget_all))
    for line in output.lines:
        print(line)
    for path in output.written:
        print(f"wrote {path}")
    return 0


def print_history_lines(lines: list[tuple[str, bool]]) -> None:
    """(line, ok) pairs about the history: ok ones on stdout, the others as warnings on stderr."""
    for line, ok in lines:
        print(line if ok else f"formcheck: warning: {line}", file=sys.stdout if ok else sys.stderr)
