"""Two cameras of one session on a real rendered pair (samples/pairs/, the real pose model):
alignment, fusion per leg, and ``formcheck analyze A B`` end to end."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from formcheck.analysis.fusion import fuse_sessions, resample
from formcheck.app.camera_pass import measure_camera
from formcheck.app.pair import align_runs
from formcheck.profiles import get_profile
from formcheck.wording import say

PAIRS = Path(__file__).resolve().parent.parent / "samples" / "pairs"
PAIR = "c083_pair_leg_ext"  # leg extensions: the left leg faces a, the right leg faces b
SAMPLES = PAIRS.parent
EVENTS = ("start_s", "bottom_s", "end_s")


def _truth(role: str) -> dict:
    return json.loads((PAIRS / f"{PAIR}_{role}.truth.json").read_text())


@pytest.fixture(scope="module")
def runs():
    """Both videos measured by the real pose model (once for this module)."""
    exercise = _truth("a")["clip"]["exercise"]
    profile = get_profile(exercise)
    return [measure_camera(PAIRS / f"{PAIR}_{role}.mp4", profile, show_progress=False) for role in "ab"], profile


def test_alignment_of_a_real_pair_finds_the_true_offset_within_one_frame(runs) -> None:
    cameras, _ = runs
    truth = _truth("a")
    alignment = align_runs(cameras)
    frame_s = 1.0 / truth["clip"]["fps"]
    assert abs(alignment.offset_s - truth["pair"]["offset_s"]) <= frame_s
    assert alignment.confidence > 0.9 and not alignment.weak


def test_fusion_takes_each_leg_from_the_camera_it_faces(runs) -> None:
    cameras, profile = runs
    truth_a, truth_b = _truth("a"), _truth("b")
    assert (truth_a["camera"]["side"], truth_b["camera"]["side"]) == ("left", "right")
    assert [c.session.calibration.view.near_side for c in cameras] == ["left", "right"]
    offset_s = align_runs(cameras).offset_s
    fused = fuse_sessions([c.session for c in cameras], [0.0, offset_s], profile)
    assert fused.sources.legs == {"left": 0, "right": 1}
    series = fused.session.series
    b_in_a = resample(cameras[1].session.series, series.t_s - offset_s)
    a_own = cameras[0].session.series
    for column in ("knee_angle_right_deg", "hip_angle_right_deg", "heel_height_right_cm"):
        np.testing.assert_array_equal(getattr(series, column), getattr(b_in_a, column))
    for column in ("knee_angle_left_deg", "heel_height_left_cm"):
        np.testing.assert_array_equal(getattr(series, column), getattr(a_own, column))
    # one rep per true rep, each timed by the camera its leg faces, on time in a's clock
    reps = fused.session.reps
    assert [(r.leg, cam) for r, cam in zip(reps, fused.rep_cameras)] == [("left", 0), ("right", 1)]
    for rep, true in zip(reps, truth_a["reps"]):
        assert rep.leg == true["leg"]
        for event in EVENTS:
            assert abs(getattr(rep, event) - true[event]) <= 0.3, (rep.leg, event)
    # the far-leg caveat of camera a is gone: camera b faces that leg
    far_warning = say("warn.far_leg", far="right", near="left")
    assert not any(far_warning in w for w in fused.session.warnings)
    # faults judged once on the fused series: the rushed left rep, the slow right one
    codes = [{f.code for f in faults} for faults in fused.session.faults]
    assert [{f["code"] for f in r["faults"]} for r in truth_a["reps"]] == [{"swinging"}, set()]
    assert codes == [{"swinging"}, set()]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "formcheck", *args], capture_output=True, text=True, timeout=1800)


def test_analyze_two_videos_writes_one_report_in_the_first_clock(tmp_path) -> None:
    out = tmp_path / "out"
    a, b = PAIRS / f"{PAIR}_a.mp4", PAIRS / f"{PAIR}_b.mp4"
    result = run_cli("analyze", str(a), str(b), "--exercise", "leg-extension", "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "aligned:" in result.stdout
    report = json.loads((out / "report.json").read_text())
    truth_a, truth_b = _truth("a"), _truth("b")
    cameras = report["cameras"]
    assert [c["path"] for c in cameras] == [str(a), str(b)]
    assert cameras[0]["offset_s"] == 0.0 and cameras[0]["alignment_confidence"] is None
    assert abs(cameras[1]["offset_s"] - truth_a["pair"]["offset_s"]) <= 1.0 / truth_a["clip"]["fps"]
    assert [c["near_side"] for c in cameras] == ["left", "right"]
    assert cameras[0]["fps"] == pytest.approx(truth_a["clip"]["fps"], abs=0.01)
    assert cameras[1]["fps"] == pytest.approx(truth_b["clip"]["fps"], abs=0.01)
    assert all(c["view"] in ("side", "oblique") for c in cameras) and 0.9 < cameras[1]["alignment_confidence"] <= 1
    assert [(r["leg"], r["camera"], r["camera_side"]) for r in report["reps"]] == [("left", 0, "near"),
                                                                                  ("right", 1, "near")]
    assert report["summary"]["reps"]["left"] == 1 and report["summary"]["reps"]["right"] == 1
    assert not any("far one from the camera" in w for w in report["warnings"])
    # camera a cannot judge the lower back, camera b can: no "cannot be judged" warning
    assert not any(say("warn.no_lumbar") in w for w in report["warnings"])
    with open(out / "frames.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == truth_a["clip"]["frames"]  # a row per frame of the first video
    assert float(rows[-1]["t_s"]) == pytest.approx(truth_a["frames"][-1]["t_s"], abs=0.002)
    html = (out / "report.html").read_text()
    assert "data:image/jpeg;base64," in html  # the still of the swinging rep, both views
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                            "stream=width,height,nb_frames", "-of", "json", str(out / "annotated.mp4")],
                           capture_output=True, text=True, timeout=120)
    stream = json.loads(probe.stdout)["streams"][0]
    assert int(stream["nb_frames"]) == truth_a["clip"]["frames"]
    aspect_a = truth_a["clip"]["width"] / truth_a["clip"]["height"]
    aspect_b = truth_b["clip"]["width"] / truth_b["clip"]["height"]
    assert stream["width"] / stream["height"] == pytest.approx(aspect_a + aspect_b, abs=0.02)  # side by side


def test_two_different_sessions_are_a_one_line_error(tmp_path) -> None:
    out = tmp_path / "out"
    result = run_cli("analyze", str(PAIRS / f"{PAIR}_a.mp4"), str(SAMPLES / "heel_tap_clean_right.mp4"),
                     "--exercise", "leg-extension", "--out", str(out), "--quiet", "--no-video")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("formcheck: error: "), result.stderr
    assert "same session" in lines[0] and "Traceback" not in result.stderr
