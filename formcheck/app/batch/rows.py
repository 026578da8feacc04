"""The batch index's rows: one per video, the same columns in batch.csv, batch.json and index.html.

``person`` and ``date`` are carried for the session history (one row per session, per person).
"""

from __future__ import annotations

from typing import Any, Mapping

from formcheck.analysis.fault import FAULT_CODES

REP_LEGS = ("left", "right", "both")
STATUSES = ("ok", "failed", "skipped", "interrupted", "pending")

COLUMNS: tuple[str, ...] = (
    "video", "status", "reason", "exercise", "person", "date", "duration_s",
    *(f"reps_{leg}" for leg in REP_LEGS), "clean_reps",
    *(f"faults_{code}" for code in FAULT_CODES),
    *(f"end_range_{leg}_cm" for leg in REP_LEGS),
    "elapsed_s", "folder", "worker")

TEXT_COLUMNS = frozenset({"video", "status", "reason", "exercise", "person", "date", "folder", "worker"})

UNEXPECTED = "an unexpected error ({name}) stopped the analysis of this video — please report it with batch.json"
SKIPPED = "finished earlier"
INTERRUPTED = "the batch stopped before this video finished — run the same command again to resume"
PENDING = "not finished yet"


def base_row(video: str, status: str, exercise: str, person: str | None, date: str | None, folder: str,
             reason: str = "", elapsed_s: float | None = None, worker: str = "") -> dict[str, Any]:
    """A row with no measurements (failed, interrupted, pending)."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, got {status!r}")
    row: dict[str, Any] = {column: None for column in COLUMNS}
    row.update(video=video, status=status, reason=reason, exercise=exercise, person=person, date=date,
               folder=folder, worker=worker, elapsed_s=None if elapsed_s is None else round(elapsed_s, 1))
    return row


NONE_OF_OURS = "none"  # the exercise column of a video recognised as none of formcheck's exercises


def report_row(video: str, status: str, exercise: str, person: str | None, date: str | None, folder: str,
               report: Mapping[str, Any], reason: str = "", elapsed_s: float | None = None,
               worker: str = "") -> dict[str, Any]:
    """A row filled from a report.json: duration, reps per leg, clean reps, faults per code, end range."""
    detection = report.get("exercise_detection")
    if isinstance(detection, Mapping) and detection.get("asked") == "auto" and detection.get("profile") is None:
        exercise, reason = NONE_OF_OURS, reason or str(detection.get("note") or "")  # nothing was checked
    else:
        exercise = report.get("exercise") or exercise
    row = base_row(video, status, exercise, person, date, folder, reason, elapsed_s, worker)
    summary = report.get("summary") or {}
    reps = summary.get("reps") or {}
    faults = summary.get("faults") or {}
    end_range = report.get("end_range") or {}
    row["duration_s"] = (report.get("source") or {}).get("duration_s")
    for leg in REP_LEGS:
        row[f"reps_{leg}"] = int(reps.get(leg, 0))
        depth = (end_range.get(leg) or {}).get("heel_height_cm")
        row[f"end_range_{leg}_cm"] = round(float(depth), 1) if depth is not None else None
    row["clean_reps"] = int(summary.get("clean_reps", 0))
    for code in FAULT_CODES:
        row[f"faults_{code}"] = int(faults.get(code, 0))
    return row
