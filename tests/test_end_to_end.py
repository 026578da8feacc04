"""The whole analysis on rendered sample clips, compared with their ground truth."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from formcheck.app.analyze import analyze_video

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from truth_compare import compare_reps, knee_angle_errors_deg  # noqa: E402

TIMING_TOLERANCE_S = 0.5  # the benchmark reports the actual errors; this guards regressions


def analyse(name: str, tmp_path_factory, stride: int | None = None) -> tuple[dict, dict, object]:
    """The truth, report.json and the per-frame series of every frame (as frames.csv has it)."""
    clip = REPO / "samples" / f"{name}.mp4"
    truth_path = clip.with_name(f"{name}.truth.json")
    if not truth_path.is_file():
        pytest.skip(f"sample {name} is not in samples/")
    truth = json.loads(truth_path.read_text())
    result = analyze_video(clip, tmp_path_factory.mktemp(name), exercise=truth["clip"]["exercise"],
                           show_progress=False, write_video=False, stride=stride)
    assert result.frames is not None and len(result.frames.series) == len(truth["frames"])
    return truth, result.report, result.frames.series


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """The clean clip with every frame analysed: the timing guard is at the full frame rate
    (bench/accuracy.py --stride N measures what a stride costs)."""
    return analyse("heel_tap_clean_left", tmp_path_factory, stride=1)


@pytest.fixture(scope="module")
def arching(tmp_path_factory):
    """The arching clip at analyze's default stride (29.97 fps: every other frame)."""
    return analyse("heel_tap_arching", tmp_path_factory)


def test_clean_clip_reps_legs_times_and_no_faults(clean) -> None:
    truth, report, series = clean
    comparison = compare_reps(truth, report)
    assert comparison.count_exact and comparison.legs_right == len(truth["reps"])
    for phase in ("start_s", "bottom_s", "end_s"):
        assert comparison.phase_errors_s(phase).max() <= TIMING_TOLERANCE_S, phase
    assert all(not rep["faults"] for rep in report["reps"])
    assert report["summary"]["clean_reps"] == len(truth["reps"])
    assert report["calibration"]["ok"] and report["view"]["view"] == "side"
    assert np.mean(knee_angle_errors_deg(truth, series)) <= 5.0
    assert report["analysis"] == {"stride": 1, "frames_analysed": len(truth["frames"])}
    far = "right" if truth["camera"]["side"] == "left" else "left"
    assert {rep["leg"]: rep["camera_side"] for rep in report["reps"]} == {truth["camera"]["side"]: "near", far: "far"}
    assert [w for w in report["warnings"] if w.startswith(f"the {far} leg was the far one")]


def test_lowest_heel_height_of_each_rep_is_near_the_truth_on_both_legs(clean) -> None:
    """The far leg's heel is corrected for perspective (uncorrected it read 4 cm high here)."""
    truth, report, _ = clean
    for true_rep, found_rep in compare_reps(truth, report).matched:
        assert abs(found_rep["heel_height_min_cm"] - true_rep["heel_height_min_cm"]) <= 3.0, true_rep["leg"]


def test_default_stride_analyses_every_other_frame_of_a_30_fps_clip(arching) -> None:
    truth, report, series = arching
    assert report["analysis"] == {"stride": 2, "frames_analysed": (len(truth["frames"]) + 1) // 2}
    assert report["source"]["frames"] == len(series) == len(truth["frames"])
    assert np.isfinite(series.knee_angle_left_deg[1::2]).mean() > 0.9  # interpolated frames have values


def test_arching_clip_flags_exactly_the_arched_reps(arching) -> None:
    truth, report, series = arching
    comparison = compare_reps(truth, report)
    assert comparison.count_exact
    counts = comparison.faults["arching"]
    assert counts.tp == sum("arching" in {f["code"] for f in r["faults"]} for r in truth["reps"])
    assert counts.fp == 0 and counts.fn == 0
    arched = [rep for rep in report["reps"] if any(f["code"] == "arching" for f in rep["faults"])]
    assert all(rep["lumbar_lift_max_cm"] >= 2.0 for rep in arched)
    assert report["end_range"], "the end range of the arching leg is reported"


def test_lumbar_lift_tracks_the_true_gap(arching) -> None:
    truth, _, series = arching
    true_lift = np.array([f["lumbar_gap_cm"] for f in truth["frames"]]) - truth["body"]["imprint_lumbar_gap_cm"]
    found = series.lumbar_lift_cm
    ok = np.isfinite(found)
    assert ok.mean() > 0.9
    assert np.corrcoef(found[ok], true_lift[ok])[0, 1] > 0.95
