"""frames.csv and report.json writers on hand-made data."""

from __future__ import annotations

import csv
import json
import math
from types import SimpleNamespace

import numpy as np
import pytest

from formcheck.core.series import SIGNAL_COLUMNS, MeasureSeries
from formcheck.measure.frame_table import FrameTable
from formcheck.report.frames_csv import frames_csv_header, write_frames_csv
from formcheck.report.json_report import (
    SCHEMA_VERSION, ReportInputs, SourceInfo, build_report, rep_entry, write_report_json,
)


def series_of(n: int = 5) -> MeasureSeries:
    series = MeasureSeries.empty(np.arange(n) / 30.0)
    series.detected = np.array([1, 1, 0, 1, 1][:n], dtype=float)
    series.knee_angle_left_deg = np.array([90.0, 95.5, np.nan, 120.0, 88.0][:n])
    series.knee_angle_right_deg = np.full(n, 91.0)
    series.lumbar_lift_cm = np.array([0.0, 0.5, np.nan, 3.2, 0.1][:n])
    series.pelvic_tilt_deg = np.array([0.0, 1.0, np.nan, 9.0, 0.5][:n])
    return series


def test_frames_csv_has_the_contract_columns_and_empty_unknowns(tmp_path) -> None:
    n = 5
    xy = np.full((n, 33, 2), 100.0)
    xy[2] = np.nan
    table = FrameTable(series=series_of(n), frame_index=np.arange(n) * 2, people=np.array([1, 1, 0, 2, 1]),
                       back_gap_cm=np.full(n, np.nan), xy_px=xy, visibility=np.full((n, 33), 0.9),
                       world_m=np.zeros((n, 33, 3)))
    path = tmp_path / "frames.csv"
    assert write_frames_csv(path, table) == n
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = frames_csv_header()
    assert list(rows[0]) == header
    for column in ("t_s", "detected", *SIGNAL_COLUMNS):
        assert column in header
    assert [row["frame"] for row in rows] == ["0", "2", "4", "6", "8"]
    assert rows[1]["knee_angle_left_deg"] == "95.50" and rows[2]["knee_angle_left_deg"] == ""
    assert rows[2]["detected"] == "0" and rows[2]["nose_x_px"] == ""
    assert rows[3]["people"] == "2" and rows[3]["lumbar_lift_cm"] == "3.20"
    assert float(rows[4]["t_s"]) == pytest.approx(4 / 30, abs=1e-4)
    assert not (tmp_path / "frames.csv.part").exists()


def test_rep_entry_ranges_over_the_rep_only() -> None:
    rep = SimpleNamespace(index=1, leg="left", start_s=1 / 30, bottom_s=2 / 30, end_s=3 / 30,
                          lower_s=1 / 30, raise_s=1 / 30, heel_height_min_cm=6.04)
    fault = SimpleNamespace(code="arching", t_s=0.1, value=3.2, message="back lifting")
    entry = rep_entry(rep, [fault], series_of())
    assert entry["knee_angle_min_deg"] == 95.5 and entry["knee_angle_max_deg"] == 120.0
    assert entry["lumbar_lift_max_cm"] == 3.2 and entry["pelvic_tilt_max_deg"] == 9.0
    assert entry["heel_height_min_cm"] == 6.04
    assert entry["faults"] == [{"code": "arching", "t_s": 0.1, "value": 3.2, "message": "back lifting"}]


@pytest.mark.parametrize(("leg", "far_side", "expected"), [
    ("right", "right", "far"), ("left", "right", "near"), ("both", "right", None), ("left", None, None)])
def test_rep_entry_says_which_side_of_the_camera_the_leg_was(leg, far_side, expected) -> None:
    rep = SimpleNamespace(index=1, leg=leg, start_s=0.0, bottom_s=0.05, end_s=0.1, lower_s=0.05, raise_s=0.05,
                          heel_height_min_cm=6.0)
    assert rep_entry(rep, [], series_of(), far_side)["camera_side"] == expected


def test_report_json_keys_and_nulls(tmp_path) -> None:
    inputs = ReportInputs(
        source=SourceInfo(path="clip.mp4", fps=29.97, frames=5, duration_s=0.17, width=640, height=480),
        exercise="heel-tap", series=series_of(), reps=[], faults=[],
        summary={"reps": {"left": 0, "right": 0}, "clean_reps": 0,
                 "faults": {"arching": 0, "swinging": 0, "tabletop_lost": 0}, "advice": []},
        calibration=None, complete=False, warnings=["interrupted"], version="0.1.0")
    report = build_report(inputs)
    for key in ("schema_version", "source", "exercise", "calibration", "reps", "summary"):
        assert key in report
    assert report["schema_version"] == SCHEMA_VERSION == 1
    assert report["calibration"]["ok"] is False and report["complete"] is False
    path = tmp_path / "report.json"
    report["extra"] = {"nan": np.float64("nan"), "value": np.float32(1.5)}
    write_report_json(path, report)
    loaded = json.loads(path.read_text())
    assert loaded["source"]["fps"] == 29.97 and loaded["extra"] == {"nan": None, "value": 1.5}
    assert not math.isnan(loaded["extra"]["value"])


def test_frames_csv_in_chunks_is_the_same_as_in_one_go(tmp_path, monkeypatch) -> None:
    import formcheck.report.frames_csv as frames_csv

    n = 5
    table = FrameTable(series=series_of(n), frame_index=np.arange(n), people=np.ones(n, dtype=int),
                       back_gap_cm=np.linspace(0, 1, n), xy_px=np.random.default_rng(1).random((n, 33, 2)),
                       visibility=np.ones((n, 33)), world_m=np.zeros((n, 33, 3)),
                       analysed=np.array([1, 0, 1, 0, 1]))
    write_frames_csv(tmp_path / "whole.csv", table)
    monkeypatch.setattr(frames_csv, "ROWS_PER_CHUNK", 2)
    assert write_frames_csv(tmp_path / "chunked.csv", table) == n
    whole = (tmp_path / "whole.csv").read_text()
    assert (tmp_path / "chunked.csv").read_text() == whole
    assert len(whole.splitlines()) == n + 1 and whole.splitlines()[2].split(",")[3] == "0"
