"""The history as text: a terminal table of sessions and a CSV file with one row per session.

CSV text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return: a person's name, a file name) get a leading apostrophe.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Sequence

from formcheck.analysis.fault import FAULT_CODES
from formcheck.app.history.filmed import iso_utc
from formcheck.app.history.query import StoredSession
from formcheck.io.atomic import AtomicTextFile

DASH = "–"

CSV_COLUMNS = ("id", "filmed_at", "person", "exercise", "kind", "source", "report_dir", "duration_s", "complete",
               "sets", "reps", "reps_left", "reps_right", "reps_both", "clean_reps",
               *(f"faults_{code}" for code in FAULT_CODES), "end_range_left_cm", "end_range_right_cm",
               "end_range_both_cm", "lower_s", "raise_s", "ready_to_progress", "reps_per_set")
TEXT_COLUMNS = frozenset({"person", "exercise", "kind", "source", "report_dir", "reps_per_set"})


def _n(value: float | None, digits: int = 1) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


def _legs_text(session: StoredSession, values: dict[str, str]) -> str:
    return " / ".join(f"{leg[0].upper()} {values[leg]}" for leg in ("left", "right", "both") if leg in values)


def reps_per_set(session: StoredSession) -> str:
    """``L 11 R 10; L 10 R 10``: each set's reps per leg."""
    return "; ".join(" ".join(f"{leg[0].upper()} {n}" for leg, n in s.reps.items() if n) or "0"
                     for s in session.sets)


def table_lines(sessions: Sequence[StoredSession]) -> list[str]:
    """The sessions as an aligned text table (oldest first)."""
    header = ("id", "filmed", "person", "exercise", "how", "sets", "reps", "clean", "faults", "end range cm",
              "down/up s")
    rows = [header]
    for s in sessions:
        faults = ", ".join(f"{code} {n}" for code, n in s.faults.items() if n) or "none"
        rows.append((str(s.id), f"{s.filmed_at.astimezone():%Y-%m-%d %H:%M}", s.person, s.exercise, s.kind,
                     str(len(s.sets)), _legs_text(s, {leg: str(g.reps) for leg, g in s.legs.items()}) or "0",
                     f"{s.clean_reps}/{s.reps}", faults,
                     _legs_text(s, {leg: _n(g.end_range_cm, 0) for leg, g in s.legs.items()}) or DASH,
                     f"{_n(s.lower_s)}/{_n(s.raise_s)}"))
    widths = [max(len(row[k]) for row in rows) for k in range(len(header))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]


def _safe(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_row(s: StoredSession) -> dict[str, object]:
    """One session as a CSV row (``CSV_COLUMNS``)."""
    legs = s.legs
    row: dict[str, object] = {
        "id": s.id, "filmed_at": iso_utc(s.filmed_at), "person": s.person, "exercise": s.exercise, "kind": s.kind,
        "source": s.source, "report_dir": s.report_dir or "", "duration_s": s.duration_s, "complete": int(s.complete),
        "sets": len(s.sets), "reps": s.reps, "clean_reps": s.clean_reps, "lower_s": s.lower_s, "raise_s": s.raise_s,
        "ready_to_progress": int(s.ready_to_progress), "reps_per_set": reps_per_set(s)}
    for leg in ("left", "right", "both"):
        row[f"reps_{leg}"] = legs[leg].reps if leg in legs else 0
        row[f"end_range_{leg}_cm"] = legs[leg].end_range_cm if leg in legs else None
    for code in FAULT_CODES:
        row[f"faults_{code}"] = s.faults.get(code, 0)
    return {key: (_safe(str(value)) if key in TEXT_COLUMNS else ("" if value is None else value))
            for key, value in row.items()}


def write_csv(path: str | os.PathLike[str], sessions: Sequence[StoredSession]) -> Path:
    """Write one row per session (atomically); returns the path."""
    with AtomicTextFile(path) as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for s in sessions:
            writer.writerow(csv_row(s))
    return Path(path)
