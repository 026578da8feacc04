"""Atomic files: a clean ``with`` block publishes; an exception mid-write leaves the previous
file byte for byte and no temporary file; a complete write during Ctrl-C still publishes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from formcheck.core.series import MeasureSeries
from formcheck.io.atomic import AtomicTextFile
from formcheck.measure.frame_table import FrameTable
from formcheck.report import frames_csv
from formcheck.report.frames_csv import write_frames_csv
from formcheck.report.json_report import write_report_json

PREVIOUS = "the previous file\n"


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    path = tmp_path / "report.json"
    path.write_text(PREVIOUS, encoding="utf-8")
    return path


def _only(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def test_a_clean_block_replaces_the_file(previous: Path) -> None:
    with AtomicTextFile(previous) as handle:
        handle.write("new\r\nlines\n")
        assert previous.read_text(encoding="utf-8") == PREVIOUS  # nothing visible before the end
    assert previous.read_bytes() == b"new\r\nlines\n"  # newlines as written
    assert _only(previous) == ["report.json"]


@pytest.mark.parametrize("error", [ValueError, KeyboardInterrupt])
def test_an_exception_mid_write_leaves_the_previous_file(previous: Path, error: type[BaseException]) -> None:
    before = previous.read_bytes()
    with pytest.raises(error):
        with AtomicTextFile(previous) as handle:
            handle.write("half a fi")
            handle.flush()
            assert (previous.parent / "report.json.part").exists()
            raise error
    assert previous.read_bytes() == before
    assert _only(previous) == ["report.json"]


def test_an_exception_before_any_file_existed_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError):
        with AtomicTextFile(tmp_path / "new.csv") as handle:
            handle.write("t_s\n")
            raise RuntimeError("bug")
    assert list(tmp_path.iterdir()) == []


def test_a_failing_rename_leaves_the_previous_file(previous: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError, match="No space"):
        with AtomicTextFile(previous) as handle:
            handle.write("new")
    assert previous.read_text(encoding="utf-8") == PREVIOUS and _only(previous) == ["report.json"]


def test_a_complete_write_while_ctrl_c_unwinds_publishes(previous: Path) -> None:
    """What analyze does on Ctrl-C: the report of the frames analysed so far is written in
    full from a ``finally`` and must reach the disk."""
    with pytest.raises(KeyboardInterrupt):
        try:
            raise KeyboardInterrupt
        finally:
            with AtomicTextFile(previous) as handle:
                handle.write('{"complete": false}\n')
    assert json.loads(previous.read_text(encoding="utf-8")) == {"complete": False}


def test_report_json_that_cannot_be_encoded_leaves_the_previous_report(previous: Path) -> None:
    write_report_json(previous, {"schema_version": 1, "reps": []})
    before = previous.read_bytes()
    # json.dump writes the long text before it reaches the object it cannot encode
    report = {"a_long_field": "x" * 100_000, "z": object()}
    with pytest.raises(TypeError, match="not JSON serializable"):
        write_report_json(previous, report)
    assert previous.read_bytes() == before
    assert _only(previous) == ["report.json"]
    write_report_json(previous, {"schema_version": 1, "reps": [{"index": 1}]})
    assert json.loads(previous.read_text(encoding="utf-8"))["reps"] == [{"index": 1}]


def _table(n: int) -> FrameTable:
    return FrameTable(series=MeasureSeries.empty(np.arange(n) / 30.0), frame_index=np.arange(n),
                      people=np.ones(n, dtype=int), back_gap_cm=np.full(n, np.nan),
                      xy_px=np.full((n, 33, 2), 10.0), visibility=np.full((n, 33), 0.9),
                      world_m=np.zeros((n, 33, 3)))


def test_frames_csv_whose_writer_raises_midway_leaves_the_previous_file(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "frames.csv"
    write_frames_csv(path, _table(4))
    before = path.read_bytes()
    monkeypatch.setattr(frames_csv, "ROWS_PER_CHUNK", 2)
    original, calls = frames_csv._rows, []

    def fails_on_the_second_chunk(table: FrameTable, rows: slice) -> str:
        calls.append(rows)
        if len(calls) == 2:
            raise MemoryError("out of memory formatting rows")
        return original(table, rows)

    monkeypatch.setattr(frames_csv, "_rows", fails_on_the_second_chunk)
    with pytest.raises(MemoryError):
        write_frames_csv(path, _table(10))
    assert path.read_bytes() == before and _only(path) == ["frames.csv"]
    monkeypatch.setattr(frames_csv, "_rows", original)
    assert write_frames_csv(path, _table(10)) == 10
    assert len(path.read_text(encoding="utf-8").splitlines()) == 11
