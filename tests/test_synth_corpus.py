"""The randomized corpus generator's pure parts (no torch needed) and the committed corpus truth files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from formcheck.synth.corpus import (
    CLOTH, DEFAULT_MASTER_SEED, FPS, SKIN_TONES, clip_seed, corpus_items, draw_item, fit_view, item_kind, luminance, split_of,
)
from formcheck.synth.labels import label_movement, label_session, setup_labels
from formcheck.synth.session import NEGATIVES, BodyInfo, PlannedRep, build_session

CORPUS = Path(__file__).resolve().parent.parent / "samples" / "corpus"
N_ITEMS = 288  # the committed corpus: python -m formcheck.synth corpus --seed 2026 --count 288


@pytest.fixture(scope="module")
def items() -> list[dict]:
    return corpus_items(DEFAULT_MASTER_SEED, N_ITEMS)


@pytest.fixture(scope="module")
def sessions(items) -> list:
    return [build_session(it["motion"], seed=it["seed"]) for it in items]


# ----- identity and determinism ----------------------------------------------------------------------------

def test_item_is_deterministic_and_independent_of_the_rest(items):
    for k in (0, 7, 11, 130, 287):
        alone = draw_item(DEFAULT_MASTER_SEED, k)
        assert alone == items[k]
        assert json.loads(json.dumps(alone)) == alone  # JSON-able
    assert draw_item(DEFAULT_MASTER_SEED + 1, 5) != items[5]


def test_session_is_deterministic(items):
    for it in items[:30]:
        a = build_session(it["motion"], seed=it["seed"])
        b = build_session(it["motion"], seed=it["seed"])
        t = np.linspace(0, a.duration_s, 40)
        assert [(r.start_s, r.end_s) for r in a.reps] == [(r.start_s, r.end_s) for r in b.reps]
        for ch in ("thigh_left_deg", "knee_right_deg", "tilt_deg", "trunk_raise_deg"):
            assert np.array_equal(a.sample(t)[ch], b.sample(t)[ch])


def test_seeds_names_and_kinds(items):
    seeds = [it["seed"] for it in items]
    assert len(set(seeds)) == len(seeds)
    assert clip_seed(DEFAULT_MASTER_SEED, 3) == items[3]["seed"]
    names = [n for it in items for n in it["names"]]
    assert len(set(names)) == len(names)
    kinds = [item_kind(k) for k in range(N_ITEMS)]
    videos_ex = sum(1 for k in kinds if k == "exercise")
    assert videos_ex >= 240
    assert 25 <= kinds.count("negative") <= 35
    assert 20 <= kinds.count("pair") <= 25


def test_split_is_fixed_from_the_seed_and_a_quarter_or_more_is_test(items):
    for it in items[:20]:
        assert it["split"] == split_of(it["seed"])
    videos = [(it["split"], n) for it in items for n in it["names"]]
    share = sum(1 for s, _ in videos if s == "test") / len(videos)
    assert 0.25 <= share <= 0.36
    for it in items:
        assert it["split"] in ("dev", "test")


# ----- ranges ----------------------------------------------------------------------------------------------

def test_bodies_clothing_and_scene_vary_within_ranges(items):
    heights = [it["body"]["height_cm_target"] for it in items]
    assert min(heights) >= 150 and max(heights) <= 195
    assert max(heights) - min(heights) > 30
    assert {it["body"]["sex"] for it in items} == {"male", "female"}
    ages = [it["body"]["age_years"] for it in items]
    assert min(ages) >= 18 and max(ages) <= 75
    assert {it["body"]["skin_tone"] for it in items} == set(range(len(SKIN_TONES)))
    assert luminance(SKIN_TONES[0]) > 3 * luminance(SKIN_TONES[-1])
    assert sum(it["clothing"]["dark_on_dark"] for it in items) >= 15
    loose = [it["clothing"]["loose_top_cm"] for it in items if it["clothing"]["loose_top"]]
    assert len(loose) >= 20 and min(loose) >= 2.0 and max(loose) <= 5.0
    assert sum(it["light"]["backlit"] for it in items) >= 15
    assert all(it["room"]["window"] for it in items if it["light"]["backlit"])
    assert sum(bool(it["room"]["clutter"]) for it in items) > 0.7 * len(items)
    assert sum(1 for it in items if it["bystander"]) >= 15
    assert {it["bystander"]["activity"] for it in items if it["bystander"]} == {"sitting", "lying", "walking"}
    for it in items:
        assert all(c in CLOTH for c in (it["clothing"]["top"], it["clothing"]["bottom"]))


def test_cameras_within_ranges(items):
    cams = [c for it in items for c in it["cameras"]]
    assert min(c["height_m"] for c in cams) >= 0.05 and max(c["height_m"] for c in cams) <= 1.3
    yaws = [c["yaw_deg"] for c in cams]
    assert min(yaws) >= -45 and max(yaws) <= 45 and min(yaws) < -30 and max(yaws) > 30
    assert all(abs(c["pitch_deg"]) <= 4 and abs(c["roll_deg"]) <= 8 for c in cams)
    fps = {(c["fps_num"], c["fps_den"]) for c in cams}
    assert fps == {f for f, _ in FPS}
    long_side = [max(c["width"], c["height"]) for c in cams]
    assert sum(1 for s in long_side if s <= 640) > 0.6 * len(cams)
    assert max(long_side) == 1920 and min(min(c["width"], c["height"]) for c in cams) >= 270
    assert any(c["orientation"] == "portrait" for c in cams)
    assert all((c["width"] < c["height"]) == (c["orientation"] == "portrait") for c in cams)
    assert sum(c["handheld"] for c in cams) >= 20
    assert all(20 <= c["vfov_deg"] <= 80 for c in cams)
    assert all(1.8 <= c["distance_m"] <= 5.5 for c in cams)
    assert {c["side"] for c in cams} == {"left", "right"}


def test_fit_view_keeps_the_body_in_frame():
    vfov, d = fit_view(1.8, 2.5, 0.0, 0.7, 16 / 9, top_m=1.0)
    hfov = 2 * np.degrees(np.arctan(np.tan(np.radians(vfov) / 2) * 16 / 9))
    assert 2 * d * np.tan(np.radians(hfov) / 2) * 0.7 >= 0.9 * 1.8
    assert d * np.tan(np.radians(vfov) / 2) >= 0.5
    vfov_p, _ = fit_view(1.8, 2.5, 0.0, 0.9, 9 / 16)
    assert vfov_p <= 80.0


def test_motions_within_ranges(items, sessions):
    kinds = {"still": 0, "moving": 0, "late": 0}
    variants = set()
    for it, s in zip(items, sessions):
        m = it["motion"]
        if it["kind"] == "negative":
            assert m["exercise"] in NEGATIVES
            assert 8.0 <= s.duration_s <= 40.0
            continue
        kinds[m["start"]["kind"]] += 1
        variants.add((m["exercise"], m["variant"]))
        n_sets = len(m["sets"])
        assert 8.0 <= s.duration_s <= (41.0 if n_sets < 3 else 61.0), (it["names"], s.duration_s)
        for rep in (r for st in m["sets"] for r in st["reps"]):
            assert 0.6 <= rep["lower_s"] <= 5.0 and 0.6 <= rep["raise_s"] <= 5.0
            assert 0.0 <= rep["pause_s"] <= 12.0
            if rep["arch_lift_cm"]:
                assert 0.3 <= rep["arch_lift_cm"] <= 6.0
        if m["start"]["kind"] == "late":
            assert 20.0 <= m["start"]["late_s"] <= 40.0
        if m["start"]["kind"] == "still":
            assert s.still_window_s[1] - s.still_window_s[0] >= 2.0
        if m["start"]["kind"] == "moving":
            first = min(r.start_s for r in s.reps + s.partial)
            t = np.array([0.0, 1.0])
            moved = any(abs(np.diff(s.sample(t)[ch])[0]) > 1.0 for ch in ("thigh_left_deg", "thigh_right_deg", "knee_left_deg"))
            assert first < 1.0 or moved
        for a, b in zip(s.sets, s.sets[1:]):
            assert b["start_s"] - a["end_s"] >= 17.0
        if m.get("setup"):
            assert m["setup"]["joint"] in ("hip", "knee")
            assert 15.0 <= abs(m["setup"]["offset_deg"]) <= 45.0
    assert all(v >= 10 for v in kinds.values()), kinds
    assert variants == {("heel-tap", ""), ("leg-extension", ""), ("straight-leg", "from_vertical"),
                        ("straight-leg", "from_floor"), ("straight-leg", "one_leg_held")}
    all_reps = [r for it in items if it["kind"] != "negative" for st in it["motion"]["sets"] for r in st["reps"]]
    assert any(r["pause_s"] >= 10.0 for r in all_reps)  # long holds
    assert any(r["partial"] for r in all_reps)
    assert any(r["lower_s"] <= 1.0 for r in all_reps if r["leg"] != "both")  # fast dead bugs / rushed taps
    assert sum(1 for it in items if it["kind"] != "negative" and len(it["motion"]["sets"]) > 1) >= 8
    lifts = [r["arch_lift_cm"] for r in all_reps if r["arch_lift_cm"]]
    assert min(lifts) <= 0.6 and max(lifts) >= 5.5


def test_planned_sizes_avoid_the_thresholds(items):
    """Intent 'clean' / 'fault' sizes sit clear of the product's thresholds; the middle only on purpose."""
    for it in items:
        if it["kind"] == "negative":
            continue
        for rep in (r for st in it["motion"]["sets"] for r in st["reps"]):
            intent = rep["intent"]
            fast = min(rep["lower_s"], rep["raise_s"])
            if intent["tempo"] == "clean":
                assert fast >= 2.3
            elif intent["tempo"] == "swinging":
                assert fast <= 1.3
            lift = rep["arch_lift_cm"]
            if intent["arching"] == "fault":
                assert lift >= 2.6
            elif intent["arching"] == "clean":
                assert lift <= 0.6
            if it["motion"]["exercise"] == "heel-tap" and not rep["partial"]:
                dev = abs(rep["knee_bottom_deg"] - 90.0)
                assert dev <= 4.0 or dev >= 33.0 or intent["knee"] == "marginal"


def test_negatives_have_no_reps(items, sessions):
    negs = [(it, s) for it, s in zip(items, sessions) if it["kind"] == "negative"]
    assert {it["motion"]["exercise"] for it, _ in negs} == set(NEGATIVES)
    for it, s in negs:
        assert s.reps == [] and s.partial == [] and s.sets == []
        assert s.events
    crunch = next(s for it, s in negs if it["motion"]["exercise"] == "crunch")
    assert crunch.support == "pelvis"
    flex = crunch.sample(np.linspace(0, crunch.duration_s, 200))["trunk_flex_deg"]
    assert flex.max() >= 35.0
    bridge = next(s for it, s in negs if it["motion"]["exercise"] == "glute_bridge")
    assert bridge.support == "shoulders"
    assert bridge.sample(np.linspace(0, bridge.duration_s, 200))["trunk_raise_deg"].min() <= -14.0


def test_pairs_have_offsets_and_different_cameras(items):
    pairs = [it for it in items if it["kind"] == "pair"]
    assert pairs
    sides = set()
    for it in pairs:
        p = it["pair"]
        a, b = it["cameras"]
        assert -5.0 <= p["offset_s"] <= 5.0 and abs(p["offset_s"]) >= 0.05
        assert p["start_b_s"] - p["start_a_s"] == pytest.approx(p["offset_s"], abs=1e-4)
        assert min(p["start_a_s"], p["start_b_s"]) == 0.0
        assert (a["fps_num"], a["fps_den"]) != (b["fps_num"], b["fps_den"])
        assert (a["width"], a["height"]) != (b["width"], b["height"])
        assert not a["handheld"] and not b["handheld"]
        sides.add(a["side"] == b["side"])
        s = build_session(it["motion"], seed=it["seed"])
        assert s.still_window_s[1] >= max(p["start_a_s"], p["start_b_s"]) + 2.0  # both cameras see a still start
        assert it["names"][0].endswith("_a") and it["names"][1].endswith("_b")
    assert sides == {True, False}
    assert any(round(it["pair"]["offset_s"] * 1000) % 10 for it in pairs)  # sub-frame offsets


# ----- labels ------------------------------------------------------------------------------------------------

def _frames(t: np.ndarray, knee_l: np.ndarray, heel_l: np.ndarray, gap: np.ndarray) -> list[dict]:
    return [{"t_s": float(x), "knee_angle_left_deg": float(k), "knee_angle_right_deg": 90.0, "hip_angle_left_deg": 90.0,
             "hip_angle_right_deg": 90.0, "heel_height_left_cm": float(h), "heel_height_right_cm": 45.0,
             "pelvic_tilt_deg": 3.0 * float(g - 1.0), "lumbar_gap_cm": float(g)} for x, k, h, g in zip(t, knee_l, heel_l, gap)]


def _rep(lower: float, raise_: float, pause: float = 0.0, leg: str = "left") -> PlannedRep:
    return PlannedRep(1, leg, 1.0, 1.0 + lower, 1.0 + lower + pause + raise_, "bottom", pause, 1)


def _profile(t, rep: PlannedRep, low: float, high: float) -> np.ndarray:
    u = np.clip((t - rep.start_s) / (rep.bottom_s - rep.start_s), 0, 1)
    w = np.clip((t - rep.bottom_s - rep.pause_s) / (rep.end_s - rep.bottom_s - rep.pause_s), 0, 1)
    down = high + (low - high) * (0.5 - 0.5 * np.cos(np.pi * u))
    return np.where(t < rep.bottom_s + rep.pause_s, down, low + (high - low) * (0.5 - 0.5 * np.cos(np.pi * w)))


@pytest.mark.parametrize("lower,raise_,pause,expect", [
    (3.0, 3.0, 0.3, "clean"), (1.0, 1.0, 0.0, "fault"), (1.0, 3.0, 0.0, "fault"), (1.8, 3.0, 0.0, "marginal"),
    (3.0, 1.0, 1.5, "marginal"),  # a fast raise after a long pause: ambiguous
])
def test_label_tempo(lower, raise_, pause, expect):
    rep = _rep(lower, raise_, pause)
    t = np.arange(0, rep.end_s + 1, 1 / 30)
    lab = label_movement(rep, _frames(t, np.full_like(t, 90.0), _profile(t, rep, 8.0, 45.0), np.full_like(t, 1.0)),
                         "heel-tap", 1.0, 90.0)
    got = "fault" if any(f["code"] == "swinging" for f in lab["faults"]) else ("marginal" if "swinging" in lab["marginal"] else "clean")
    assert got == expect


@pytest.mark.parametrize("knee_peak,expect", [(94.0, "clean"), (128.0, "fault"), (55.0, "fault"), (112.0, "marginal")])
def test_label_knee(knee_peak, expect):
    rep = _rep(3.0, 3.0, 0.5)
    t = np.arange(0, rep.end_s + 1, 1 / 25)
    lab = label_movement(rep, _frames(t, _profile(t, rep, knee_peak, 90.0), _profile(t, rep, 8.0, 45.0), np.full_like(t, 1.0)),
                         "heel-tap", 1.0, 90.0)
    got = "fault" if any(f["code"] == "tabletop_lost" for f in lab["faults"]) else (
        "marginal" if "tabletop_lost" in lab["marginal"] else "clean")
    assert got == expect


@pytest.mark.parametrize("lift,expect", [(0.5, "clean"), (0.9, "clean"), (1.4, "marginal"), (2.0, "marginal"), (3.5, "fault")])
def test_label_arching(lift, expect):
    rep = _rep(3.0, 3.0, 0.5)
    t = np.arange(0, rep.end_s + 1, 1 / 30)
    gap = _profile(t, rep, 1.0 + lift, 1.0)
    lab = label_movement(rep, _frames(t, np.full_like(t, 90.0), _profile(t, rep, 8.0, 45.0), gap), "heel-tap", 1.0, 90.0)
    got = "fault" if any(f["code"] == "arching" for f in lab["faults"]) else ("marginal" if "arching" in lab["marginal"] else "clean")
    assert got == expect
    if expect == "fault":
        f = next(f for f in lab["faults"] if f["code"] == "arching")
        assert f["lift_cm"] == pytest.approx(lift, abs=0.05)
        assert rep.start_s < f["lift_onset_s"] < rep.bottom_s + rep.pause_s


def test_label_depth_sorts_reps_partials_and_sets():
    reps = [_rep(3.0, 3.0), PlannedRep(2, "right", 9.0, 12.0, 15.0, "bottom", 0.0, 1),
            PlannedRep(3, "left", 16.0, 19.0, 22.0, "bottom", 0.0, 1), PlannedRep(4, "left", 40.0, 42.5, 45.0, "bottom", 0.0, 2)]
    t = np.arange(0, 46, 1 / 30)
    heel_l = np.full_like(t, 45.0)
    heel_r = np.full_like(t, 45.0)
    for rep, low in ((reps[0], 8.0), (reps[2], 30.0), (reps[3], 10.0)):
        inside = (t >= rep.start_s) & (t <= rep.end_s)
        heel_l[inside] = _profile(t, rep, low, 45.0)[inside]
    inside = (t >= reps[1].start_s) & (t <= reps[1].end_s)
    heel_r[inside] = _profile(t, reps[1], 37.0, 45.0)[inside]  # 18 %: partial
    frames = _frames(t, np.full_like(t, 90.0), heel_l, np.full_like(t, 1.0))
    for f, h in zip(frames, heel_r):
        f["heel_height_right_cm"] = float(h)
    out, partial, sets = label_session(reps, frames, "heel-tap", 1.0, 90.0)
    assert [r["leg"] for r in out] == ["left", "left", "left"]
    assert [r["index"] for r in out] == [1, 2, 3]
    assert out[1]["marginal"] == ["rep"]  # 33 % deep
    assert [p["leg"] for p in partial] == ["right"] and partial[0]["depth_frac"] < 0.3
    assert [s["reps"] for s in sets] == [[1, 2], [3]]
    assert out[2]["set"] == 2


def test_setup_labels_joint_and_margins():
    frames = [{"t_s": i / 30, "knee_angle_left_deg": 125.0 - i, "knee_angle_right_deg": 124.0 - i,
               "hip_angle_left_deg": 90.0, "hip_angle_right_deg": 90.0} for i in range(40)]
    faults, marginal = setup_labels({"joint": "knee", "offset_deg": 35.0}, frames)
    assert faults and faults[0]["joint"] == "knee" and faults[0]["value"] == 125.0 and not marginal
    assert faults[0]["end_s"] == pytest.approx(25 / 30)
    frames2 = [dict(f, knee_angle_left_deg=110.0, knee_angle_right_deg=110.0) for f in frames]
    faults, marginal = setup_labels({"joint": "knee", "offset_deg": 20.0}, frames2)
    assert not faults and marginal
    assert setup_labels(None, frames) == ([], [])


def test_body_info_tilt_curve_is_monotone():
    info = BodyInfo()
    lifts = [0.5, 1.0, 2.2, 4.0, 6.0, 7.0]
    tilts = [info.tilt_for_lift_deg(x) for x in lifts]
    assert all(b > a for a, b in zip(tilts, tilts[1:]))
    assert info.tilt_for_lift_deg(0.1) == 0.0


# ----- the committed corpus ----------------------------------------------------------------------------------

def _corpus_truths() -> list[Path]:
    return sorted(CORPUS.glob("*.truth.json")) if CORPUS.is_dir() else []


CONDITION_KEYS = ("body", "clothing", "room", "camera_height_m", "camera_yaw_deg", "camera_distance_m", "fps", "width", "height",
                  "exercise", "handheld", "second_person", "start", "sets")


@pytest.mark.skipif(not _corpus_truths(), reason="samples/corpus not rendered")
def test_corpus_truth_files_schema():
    names = {}
    for path in _corpus_truths():
        doc = json.loads(path.read_text())
        clip = doc["clip"]
        names[clip["name"]] = doc
        assert doc["schema_version"] == 1 and doc["split"] in ("dev", "test")
        assert (path.parent / clip["video"]).is_file()
        for key in CONDITION_KEYS:
            assert key in doc["conditions"], (path.name, key)
        assert len(doc["frames"]) == clip["frames"]
        f = doc["frames"][0]
        for key in ("t_s", "knee_angle_left_deg", "hip_angle_right_deg", "heel_height_left_cm", "pelvic_tilt_deg",
                    "lumbar_gap_cm", "landmarks_px"):
            assert key in f
        assert set(f["landmarks_px"]) == set(doc["landmark_names"])
        for key in ("reps", "partial_reps", "sets", "clip_faults", "clip_marginal", "people"):
            assert isinstance(doc[key], list)
        for rep in doc["reps"]:
            assert rep["start_s"] < rep["bottom_s"] < rep["end_s"]
            assert {x["code"] for x in rep["faults"]} <= {"arching", "swinging", "tabletop_lost"}
            assert set(rep["marginal"]) <= {"arching", "swinging", "tabletop_lost", "rep"}
            assert not ({x["code"] for x in rep["faults"]} & set(rep["marginal"]))
        if doc["conditions"]["negative"]:
            assert doc["reps"] == [] and doc["sets"] == []
        for fault in doc["clip_faults"]:
            assert fault["joint"] in ("hip", "knee")
    pairs = {}
    for name, doc in names.items():
        if "pair" in doc:
            pairs.setdefault(doc["pair"]["id"], []).append(doc)
    for docs in pairs.values():
        assert len(docs) == 2
        a, b = sorted(docs, key=lambda d: d["pair"]["role"])
        assert a["pair"]["offset_s"] == b["pair"]["offset_s"] and a["split"] == b["split"]
        assert a["pair"]["other"] == b["clip"]["name"] and b["pair"]["other"] == a["clip"]["name"]
        # the same rep seen from both clocks: t_b = t_a - offset
        if a["reps"] and b["reps"]:
            assert b["reps"][0]["start_s"] == pytest.approx(a["reps"][0]["start_s"] - a["pair"]["offset_s"], abs=2e-3)
    test = sum(1 for d in names.values() if d["split"] == "test")
    assert test >= 0.25 * len(names)


@pytest.mark.skipif(not (CORPUS / "manifest.csv").is_file(), reason="samples/corpus not rendered")
def test_corpus_manifest_lists_every_video():
    with open(CORPUS / "manifest.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["name"] for r in rows} == {p.name[: -len(".truth.json")] for p in _corpus_truths()}
    for key in ("split", "exercise", "camera_height_m", "camera_yaw_deg", "fps", "width", "height", "reps"):
        assert key in rows[0]


def test_sensor_noise_and_exposure_stay_in_range():
    from formcheck.synth.corpus_render import SensorNoise

    img = np.full((8, 10, 3), 250, np.uint8)
    img[0] = 10
    bright = SensorNoise(0.0, 1.1, 10, 8, np.random.default_rng(0))(img)
    assert bright[0, 0, 0] == 11 and bright[1, 0, 0] == 255  # no wrap-around
    noisy = SensorNoise(2.0, 1.0, 10, 8, np.random.default_rng(1))(img)
    assert noisy.dtype == np.uint8 and 0 < np.abs(noisy.astype(int) - img).mean() < 4


def test_handheld_camera_moves_a_little_and_smoothly():
    from formcheck.synth.camera import aimed_camera, handheld_camera

    base = aimed_camera("left", 0.5, 3.0, 10.0, 2.0, 3.0, 45.0, np.array([0.1, 0.3, 0.0]), 640, 360)
    assert base.roll_deg == 3.0
    shake = {"amp_mm": 4.0, "rot_deg": 0.4, "freq_hz": [4.0, 7.0], "phase": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]}
    drift = {"pan_deg": 5.0, "move_m": 0.08, "period_s": 10.0, "phase": [0.0, 1.0, 2.0, 3.0]}
    cams = [handheld_camera(base, t, shake, drift) for t in np.arange(0, 10, 1 / 30)]
    eyes = np.array([c.eye_m for c in cams])
    assert np.abs(eyes - np.array(base.eye_m)).max() < 0.1 + 0.012
    assert np.linalg.norm(np.diff(eyes, axis=0), axis=1).max() < 0.01  # smooth at 30 fps
    centre_px = np.array([c.project(np.array(base.target_m)) for c in cams])
    assert np.ptp(centre_px[:, 0]) > 20  # it pans
    assert handheld_camera(base, 1.234, shake, drift) == handheld_camera(base, 1.234, shake, drift)


def test_camera_roll_turns_the_image():
    from formcheck.synth.camera import aimed_camera

    flat = aimed_camera("left", 0.5, 3.0, 0.0, 0.0, 0.0, 45.0, np.array([0.0, 0.3, 0.0]), 640, 360)
    rolled = aimed_camera("left", 0.5, 3.0, 0.0, 0.0, 10.0, 45.0, np.array([0.0, 0.3, 0.0]), 640, 360)
    above = np.array([0.0, 0.8, 0.0])
    assert np.allclose(flat.project(np.array([0.0, 0.3, 0.0])), [320, 180])
    assert rolled.project(above)[0] > flat.project(above)[0] + 5  # the scene turns clockwise


def test_room_geometry_has_walls_mat_clutter_and_window(items):
    from formcheck.synth.scene import room_geometry

    it = next(i for i in items if i["light"]["backlit"] and i["room"]["clutter"])
    static, emissive, occluders = room_geometry(it["room"], it["room"]["mat"]["top_m"])
    assert static.shape[1] == 9 and emissive is not None and emissive.shape[1] == 9
    assert len(occluders) >= 36  # the mat at least
    xh, xf, zl, zr = it["room"]["walls_m"]
    assert static[:, 0].min() <= xh and static[:, 2].max() >= zr
    for cam in it["cameras"]:  # every camera is inside the room
        z = (-1 if cam["side"] == "left" else 1) * cam["distance_m"] * np.cos(np.radians(cam["yaw_deg"]))
        assert zl < z < zr
