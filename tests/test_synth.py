"""Pure parts of the synthetic-person generator (no torch needed) and sample truth files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from formcheck.synth.camera import Camera
from formcheck.synth.motion import Track, frame_times_s, minjerk
from formcheck.synth.scenario import LegGeometry, build_scenario
from formcheck.synth.spec import CameraSpec, ClipSpec, RepSpec, load_specs

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FAULT_CODES = {"arching", "swinging", "tabletop_lost"}


def test_minjerk_ends_and_midpoint():
    u = np.array([0.0, 0.5, 1.0])
    assert np.allclose(minjerk(u), [0.0, 0.5, 1.0])


def test_track_hits_its_times_and_values():
    tr = Track(0.0).hold(1.5).move(50.0, 3.0).hold(0.2).move(0.0, 3.0)
    t = np.array([0.0, 1.5, 4.5, 4.7, 7.7, 9.0])
    assert np.allclose(tr.sample(t), [0.0, 0.0, 50.0, 50.0, 0.0, 0.0])
    v = tr.sample(np.linspace(1.5, 4.5, 301))
    assert np.all(np.diff(v) >= -1e-9)  # monotonic lowering


def test_frame_times_use_exact_rate():
    t = frame_times_s(10.0, 30000, 1001)
    assert len(t) == 299
    assert t[1] == pytest.approx(1001 / 30000)


def test_leg_geometry_solves_heel_height():
    g = LegGeometry()
    th = g.thigh_for_heel_deg(8.0, 90.0)
    assert g.heel_height_cm(th, 90.0) == pytest.approx(8.0, abs=1e-3)
    assert 20.0 < th < 80.0


def _spec(**kw) -> ClipSpec:
    base = dict(name="t", description="d", seed=3, reps=(RepSpec("left"), RepSpec("right", ("arching",)), RepSpec("left", ("swinging",))))
    base.update(kw)
    return ClipSpec(**base)


def test_scenario_reps_follow_the_plan():
    spec = _spec()
    sc = build_scenario(spec)
    assert [r.leg for r in sc.reps] == ["left", "right", "left"]
    assert sc.reps[0].start_s == pytest.approx(spec.calibration_s)
    for r in sc.reps[:2]:
        assert 2.5 <= r.lower_s <= 3.5
    assert sc.reps[2].lower_s < 1.3  # swinging is fast
    t = np.array([0.0, spec.calibration_s - 0.01])
    ch = sc.sample(t)
    assert np.all(np.abs(ch["knee_left_deg"] - 90.0) < 3.0)  # still tabletop while calibrating
    # the moving leg lowers, the other stays near tabletop
    bottom = sc.sample(np.array([sc.reps[0].bottom_s]))
    assert bottom["thigh_left_deg"][0] > 25.0
    assert abs(bottom["thigh_right_deg"][0]) < 3.0
    arch = sc.sample(np.array([sc.reps[1].bottom_s]))
    assert arch["tilt_deg"][0] > 10.0
    assert sc.duration_s > sc.reps[-1].end_s


def test_scenario_is_deterministic():
    a, b = build_scenario(_spec()), build_scenario(_spec())
    t = np.linspace(0, a.duration_s, 50)
    assert a.reps == b.reps
    assert np.allclose(a.sample(t)["thigh_left_deg"], b.sample(t)["thigh_left_deg"])


def test_rep_spec_rejects_unknown_fault():
    with pytest.raises(ValueError, match="fault"):
        RepSpec("left", ("wobble",))


def test_camera_projects_target_to_image_centre():
    cam = Camera.from_spec(CameraSpec(side="left", height_m=0.5, distance_m=2.5), np.array([0.0, 0.3, 0.0]), 640, 480)
    assert np.allclose(cam.project(np.array([0.0, 0.3, 0.0])), [320.0, 240.0])
    # seen from the person's left side the feet (+x) are on the image's left, the head on its right
    assert cam.project(np.array([0.5, 0.3, 0.0]))[0] < 320.0
    right = Camera.from_spec(CameraSpec(side="right", height_m=0.5, distance_m=2.5), np.array([0.0, 0.3, 0.0]), 640, 480)
    assert right.project(np.array([0.5, 0.3, 0.0]))[0] > 320.0


def test_spec_file_loads():
    specs = load_specs(SAMPLES / "specs.toml")
    assert len(specs) >= 8
    assert len({s.name for s in specs}) == len(specs)


def _truth_files() -> list[Path]:
    return sorted(SAMPLES.glob("*.truth.json"))


@pytest.mark.parametrize("path", _truth_files(), ids=lambda p: p.name)
def test_truth_schema(path: Path):
    doc = json.loads(path.read_text())
    assert doc["schema_version"] == 1
    clip = doc["clip"]
    for key in ("fps", "frames", "width", "height", "exercise", "description", "seed"):
        assert key in clip
    assert len(doc["frames"]) == clip["frames"]
    f = doc["frames"][0]
    for key in ("t_s", "knee_angle_left_deg", "knee_angle_right_deg", "hip_angle_left_deg", "hip_angle_right_deg",
                "heel_height_left_cm", "heel_height_right_cm", "pelvic_tilt_deg", "lumbar_gap_cm", "landmarks_px"):
        assert key in f
    for idx in ("11", "12", "23", "24", "25", "26", "27", "28", "29", "30"):
        assert idx in f["landmarks_px"]
    assert doc["reps"]
    for rep in doc["reps"]:
        assert rep["leg"] in ("left", "right", "both")
        assert rep["start_s"] < rep["bottom_s"] < rep["end_s"]
        assert {x["code"] for x in rep["faults"]} <= FAULT_CODES
    times = np.array([fr["t_s"] for fr in doc["frames"]])
    assert np.allclose(np.diff(times), 1.0 / clip["fps"], atol=1e-4)


@pytest.mark.parametrize("path", _truth_files(), ids=lambda p: p.name)
def test_truth_matches_its_clip(path: Path):
    cv2 = pytest.importorskip("cv2")
    doc = json.loads(path.read_text())
    video = path.with_name(doc["clip"]["video"])
    cap = cv2.VideoCapture(str(video))
    assert cap.isOpened(), f"cannot open {video}"
    assert int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)) == doc["clip"]["width"]
    assert int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)) == doc["clip"]["height"]
    assert cap.get(cv2.CAP_PROP_FPS) == pytest.approx(doc["clip"]["fps"], rel=1e-3)
    n = 0
    while cap.grab():
        n += 1
    assert n == doc["clip"]["frames"]


def test_angle_and_rep_truth_from_frames():
    from formcheck.synth.scenario import RepPlan
    from formcheck.synth.truth import angle_deg, rep_truth

    assert angle_deg(np.array([0.0, 1, 0]), np.zeros(3), np.array([1.0, 0, 0])) == pytest.approx(90.0)
    t = np.arange(0, 6.0, 0.1)
    knee = 90 + 50 * np.sin(np.pi * np.clip((t - 1) / 4, 0, 1))  # opens to 140 deg
    tilt = np.where((t > 2) & (t < 4), 12.0, 0.0)
    frames = [{"t_s": float(x), "knee_angle_left_deg": float(k), "knee_angle_right_deg": 90.0,
               "heel_height_left_cm": 30 - 5 * x, "heel_height_right_cm": 40.0,
               "pelvic_tilt_deg": float(a), "lumbar_gap_cm": 1.0 + 0.3 * float(a)} for x, k, a in zip(t, knee, tilt)]
    rep = rep_truth(RepPlan(1, "left", 1.0, 3.0, 5.0, ("arching", "tabletop_lost")), frames)
    assert rep["lower_s"] == pytest.approx(2.0) and rep["raise_s"] == pytest.approx(2.0)
    assert rep["knee_angle_max_deg"] == pytest.approx(140.0, abs=0.5)
    codes = {f["code"]: f for f in rep["faults"]}
    assert codes["arching"]["t_s"] == pytest.approx(2.1)
    assert codes["arching"]["value"] == pytest.approx(1.0 + 3.6)
    assert codes["tabletop_lost"]["value"] == pytest.approx(140.0, abs=0.5)
