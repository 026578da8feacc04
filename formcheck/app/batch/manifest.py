"""A batch manifest: a CSV file with a ``path`` column and optional ``exercise``, ``person``, ``date``.

Relative paths are relative to the manifest's folder. Every problem is one sentence naming the
file and line, found before any video is analysed.
"""

from __future__ import annotations

import csv
import datetime
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from formcheck.app.history.person import PersonError, check_person
from formcheck.errors import FormcheckError

MANIFEST_COLUMNS = ("path", "exercise", "person", "date")


class BatchInputError(FormcheckError):
    """A batch input that cannot be used: a missing path, a folder without videos, a bad manifest."""


@dataclass(frozen=True)
class ManifestRow:
    """One video listed in a manifest (``path`` absolute, ``shown`` as a person would write it)."""

    path: Path
    shown: str
    line: int
    exercise: str | None = None
    person: str | None = None
    date: str | None = None  # ISO date, YYYY-MM-DD


def read_manifest(manifest: Path, exercises: Sequence[str]) -> list[ManifestRow]:
    """The rows of ``manifest`` (blank lines skipped); ``exercises`` are the allowed profiles."""
    try:
        with open(manifest, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = {(name or "").strip().lower(): name for name in reader.fieldnames or ()}
            if "path" not in header:
                found = ", ".join(repr(n) for n in header if n) or "none"
                raise BatchInputError(f"the manifest {manifest} has no 'path' column (its columns: {found}) — "
                                      f"the first line must name the columns, e.g. {','.join(MANIFEST_COLUMNS)}")
            rows = [_row(manifest, reader.line_num, record, header, exercises) for record in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise BatchInputError(f"cannot read the manifest {manifest} ({reason}) — is it a CSV file in UTF-8?") from None
    return [row for row in rows if row is not None]


def _row(manifest: Path, line: int, record: Mapping[Any, Any], header: Mapping[str, str | None],
         exercises: Sequence[str]) -> ManifestRow | None:
    def cell(column: str) -> str | None:
        value = record.get(header[column]) if column in header else None
        return value.strip() if isinstance(value, str) and value.strip() else None

    where = f"{manifest} line {line}"
    text = cell("path")
    if text is None:
        if any(isinstance(v, str) and v.strip() for v in record.values()):
            raise BatchInputError(f"{where} has no path — give each video's file in the 'path' column")
        return None
    exercise = cell("exercise")
    if exercise is not None and exercise not in exercises:
        raise BatchInputError(f"{where}: exercise {exercise!r} is not one of {', '.join(exercises)}")
    date = cell("date")
    if date is not None:
        try:
            date = datetime.date.fromisoformat(date).isoformat()
        except ValueError:
            raise BatchInputError(f"{where}: date {date!r} is not a date like 2026-03-31 (year-month-day)") from None
    person = cell("person")
    if person is not None:
        try:
            person = check_person(person, what=f"{where}: the person")  # the history keeps it
        except PersonError as exc:
            raise BatchInputError(str(exc)) from None
    given = Path(os.path.expanduser(text))
    path = given if given.is_absolute() else manifest.parent / given
    if path.is_dir():
        raise BatchInputError(f"{where}: {text} is a folder — list video files in a manifest, "
                              "or give the folder itself as an INPUT")
    shown = os.path.normpath(str(path)) if not given.is_absolute() else text
    return ManifestRow(Path(os.path.abspath(path)), shown, line, exercise, person, date)
