"""The batch index: ``batch.csv``, ``batch.json`` and ``index.html`` in the batch folder, each
written atomically (readers see the previous index or the whole new one)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Mapping, Sequence

from formcheck import __version__
from formcheck.app.batch.index_page import render_index
from formcheck.app.batch.rows import COLUMNS, STATUSES, TEXT_COLUMNS
from formcheck.app.outputs import REPORT_HTML
from formcheck.io.atomic import AtomicTextFile

BATCH_CSV = "batch.csv"
BATCH_JSON = "batch.json"
INDEX_HTML = "index.html"
INDEX_SCHEMA_VERSION = 1
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def status_counts(rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Rows per status, every status present."""
    counts = {status: 0 for status in STATUSES}
    for row in rows:
        counts[row["status"]] += 1
    return counts


def counts_text(counts: Mapping[str, int]) -> str:
    """``4 videos: 3 ok, 1 failed`` (statuses with no video left out)."""
    total = sum(counts.values())
    parts = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    return f"{total} video{'s' if total != 1 else ''}: {parts}"


def csv_cell(column: str, value: Any) -> Any:
    """A CSV cell; text that a spreadsheet would run as a formula gets a leading ``'``."""
    if value is None:
        return ""
    if column in TEXT_COLUMNS and isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_index(out_dir: Path, rows: Sequence[Mapping[str, Any]], finished: bool = True) -> dict[str, Path]:
    """Write the three index files; returns their paths by name."""
    counts = status_counts(rows)
    paths = {"batch_csv": out_dir / BATCH_CSV, "batch_json": out_dir / BATCH_JSON, "index_html": out_dir / INDEX_HTML}
    with AtomicTextFile(paths["batch_csv"]) as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows([csv_cell(column, row.get(column)) for column in COLUMNS] for row in rows)
    with AtomicTextFile(paths["batch_json"]) as handle:
        json.dump({"schema_version": INDEX_SCHEMA_VERSION, "formcheck_version": __version__, "finished": finished,
                   "counts": counts, "columns": list(COLUMNS), "videos": [dict(row) for row in rows]},
                  handle, indent=2, allow_nan=False)
        handle.write("\n")
    linked = [(out_dir / str(row["folder"]) / REPORT_HTML).is_file() for row in rows]
    page = render_index(rows, linked, title=out_dir.name, counts=counts_text(counts), version=__version__,
                        finished=finished)
    with AtomicTextFile(paths["index_html"]) as handle:
        handle.write(page)
    return paths


def read_previous_rows(out_dir: Path) -> dict[str, dict[str, Any]]:
    """The rows of an earlier batch.json in ``out_dir`` by folder (empty when none or unreadable)."""
    try:
        data = json.loads((out_dir / BATCH_JSON).read_text(encoding="utf-8"))
        return {str(row["folder"]): row for row in data["videos"] if isinstance(row, dict) and "folder" in row}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
