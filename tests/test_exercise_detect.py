"""The exercise recogniser: known-answer movement sequences (every exercise and the other ones),
the precedence of an explicit ``--exercise`` with its mismatch note, and the real pose model
on the sample videos of each of our exercises."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from formcheck.analysis.exercise_detect import AUTO, ExerciseDetection, choose_exercise, detect_exercise
from formcheck.core.landmarks import Landmark as L
from formcheck.profiles import DETECTION
from formcheck.wording import say

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
FPS = 15.0
THIGH_PX, SHIN_PX, TRUNK_PX = 160.0, 150.0, 200.0
HIP_PX = np.array([400.0, 400.0])  # lying on the back, head to the left, feet to the right


def _unit(angle_deg: float) -> np.ndarray:
    """Image direction ``angle_deg`` clockwise from straight up (image y points down)."""
    a = math.radians(angle_deg)
    return np.array([math.sin(a), -math.cos(a)])


def _pose(thigh_deg: dict[str, float], knee_deg: dict[str, float], rise_deg: float = 0.0,
          hip_lift_px: float = 0.0) -> np.ndarray:
    """One frame's landmarks: thighs ``thigh_deg`` from vertical toward the feet, knee angles,
    the trunk risen ``rise_deg`` (shoulders up), the hips lifted (a bridge)."""
    xy = np.full((33, 2), np.nan)
    hip = HIP_PX.copy()
    shoulder = hip + TRUNK_PX * np.array([-math.cos(math.radians(rise_deg)), -math.sin(math.radians(rise_deg))])
    xy[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER]] = shoulder
    xy[[L.LEFT_HIP, L.RIGHT_HIP]] = hip
    for leg, (knee_j, ankle_j) in {"left": (L.LEFT_KNEE, L.LEFT_ANKLE), "right": (L.RIGHT_KNEE, L.RIGHT_ANKLE)}.items():
        knee = hip + THIGH_PX * _unit(thigh_deg[leg])
        # the shin turns from the thigh's direction by 180° − knee angle, toward the feet
        xy[knee_j] = knee
        xy[ankle_j] = knee + SHIN_PX * _unit(thigh_deg[leg] + 180.0 - knee_deg[leg])
    # a bridge: shoulders and feet stay on the floor, the hips rise (the knees a little)
    xy[[L.LEFT_HIP, L.RIGHT_HIP]] -= np.array([0.0, hip_lift_px])
    xy[[L.LEFT_KNEE, L.RIGHT_KNEE]] -= np.array([0.0, 0.3 * hip_lift_px])
    return xy


def _sequence(frame_at, seconds: float) -> tuple[np.ndarray, np.ndarray]:
    t = np.arange(0.0, seconds, 1.0 / FPS)
    return t, np.stack([frame_at(float(s)) for s in t])


def _phase(t_s: float, still_s: float = 2.0, rep_s: float = 6.0) -> tuple[int, float]:
    """(rep number, 0→1→0 depth) of a slow rep cycle after a still start."""
    if t_s < still_s:
        return 0, 0.0
    k, u = divmod((t_s - still_s) / rep_s, 1.0)
    return int(k), math.sin(math.pi * u) ** 2


def _legs(t_s: float, moves: str) -> tuple[dict[str, float], dict[str, float]]:
    rep, depth = _phase(t_s)
    leg = ("left", "right")[rep % 2]
    if moves == "heel-tap":
        thigh, knee = {"left": 0.0, "right": 0.0}, {"left": 90.0, "right": 90.0}
        thigh[leg] = 50.0 * depth
    elif moves == "leg-extension":
        thigh, knee = {"left": 0.0, "right": 0.0}, {"left": 90.0, "right": 90.0}
        thigh[leg], knee[leg] = 80.0 * depth, 90.0 + 85.0 * depth
    else:  # straight legs together, from vertical down toward the floor
        thigh = {"left": 75.0 * depth, "right": 75.0 * depth}
        knee = {"left": 175.0, "right": 175.0}
    return thigh, knee


HOOK = ({"left": 35.0, "right": 35.0}, {"left": 80.0, "right": 80.0})  # knees up, feet on the floor


@pytest.mark.parametrize("exercise", ["heel-tap", "leg-extension", "straight-leg"])
def test_each_of_our_exercises_is_recognised_from_known_motion(exercise: str) -> None:
    t, xy = _sequence(lambda s: _pose(*_legs(s, exercise)), 2.0 + 4 * 6.0 + 1.0)
    found = detect_exercise(t, xy)
    assert found.profile == exercise and found.seen == "ours"
    assert len(found.episodes) == 4 and found.votes_for == 4
    assert found.confidence >= 0.9


@pytest.mark.parametrize(("name", "frame_at", "seen"), [
    ("crunch", lambda s: _pose(*HOOK, rise_deg=30.0 * _phase(s)[1]), "shoulders"),
    ("glute bridge", lambda s: _pose(*HOOK, hip_lift_px=90.0 * _phase(s)[1]), "hips"),
    ("lying still", lambda s: _pose(*HOOK), "still"),
    ("standing", lambda s: _pose({"left": 180.0, "right": 180.0}, {"left": 178.0, "right": 178.0}, rise_deg=88.0),
     "upright"),
])
def test_other_exercises_are_none_of_ours(name: str, frame_at, seen: str) -> None:
    t, xy = _sequence(frame_at, 20.0)
    found = detect_exercise(t, xy)
    assert found.profile is None, name
    assert found.seen == seen
    choice = choose_exercise(AUTO, found)
    assert choice.profile is None and choice.warn
    assert "formcheck checks heel taps, leg extensions and straight-leg raises" in choice.note
    assert "tabletop" not in choice.note


def test_nobody_seen_is_none_of_ours() -> None:
    t = np.arange(0.0, 10.0, 1.0 / FPS)
    xy = np.full((len(t), 33, 2), np.nan)
    assert detect_exercise(t, xy).seen == "nobody"
    assert detect_exercise(t[:0], xy[:0]).profile is None


def test_a_hidden_leg_does_not_vote() -> None:
    """The far leg (low visibility) mirrors a straightened knee: the near leg's bent knee decides."""
    def frame_at(s: float) -> np.ndarray:
        thigh, knee = _legs(s, "heel-tap")
        thigh["right"], knee["right"] = thigh["left"] + thigh["right"], 170.0  # nonsense, hidden
        return _pose(thigh, knee)
    t, xy = _sequence(frame_at, 26.0)
    visibility = np.ones((len(t), 33))
    visibility[:, [L.RIGHT_KNEE, L.RIGHT_ANKLE]] = 0.2
    assert detect_exercise(t, xy, visibility).profile == "heel-tap"


def _detection(profile: str | None, votes: int = 4, confidence: float = 0.95) -> ExerciseDetection:
    t, xy = _sequence(lambda s: _pose(*_legs(s, profile or "heel-tap")), 2.0 + votes * 6.0 + 1.0)
    found = detect_exercise(t, xy)
    assert found.profile == profile or profile is None
    return found


def test_explicit_exercise_wins_and_the_mismatch_is_noted() -> None:
    extension = _detection("leg-extension")
    choice = choose_exercise("heel-tap", extension)
    assert choice.profile == "heel-tap" and choice.asked == "heel-tap" and choice.warn
    assert choice.note == "you asked for heel taps, but your knee straightened on every rep: leg extensions?"
    assert choice.entry() == {"profile": "leg-extension", "confidence": round(extension.confidence, 2),
                              "asked": "heel-tap", "note": choice.note}


def test_explicit_exercise_that_matches_has_no_note_and_auto_says_what_it_found() -> None:
    taps = _detection("heel-tap")
    agreed = choose_exercise("heel-tap", taps)
    assert agreed.profile == "heel-tap" and agreed.note is None and not agreed.warn
    auto = choose_exercise(AUTO, taps)
    assert auto.profile == "heel-tap" and auto.asked == AUTO and not auto.warn
    assert auto.note == say("detect.found", name="heel taps", evidence="your knee stayed bent on every rep")


def test_an_unsure_mismatch_is_not_raised() -> None:
    """One leg extension among heel taps: heel taps, and no mismatch note for heel taps."""
    t, xy = _sequence(lambda s: _pose(*_legs(s, "heel-tap" if _phase(s)[0] != 1 else "leg-extension")), 27.0)
    found = detect_exercise(t, xy)
    assert found.profile == "heel-tap" and found.votes_for == 3 and len(found.episodes) == 4
    assert choose_exercise("heel-tap", found).note is None
    low = ExerciseDetection("leg-extension", DETECTION.mismatch_confidence - 0.1, "ours", found.episodes)
    assert choose_exercise("heel-tap", low).note is None


@pytest.mark.parametrize(("video", "exercise"), [
    ("heel_tap_clean_left.mp4", "heel-tap"), ("heel_tap_oblique.mp4", "heel-tap"),
    ("leg_extension.mp4", "leg-extension"), ("straight_leg.mp4", "straight-leg"),
])
def test_real_model_recognises_the_samples(video: str, exercise: str) -> None:
    from formcheck.io.sources import VideoFileSource, fit_within
    from formcheck.measure.stride import default_stride
    from formcheck.pose.estimator import PoseEstimator

    source = VideoFileSource(SAMPLES / video)
    stride = default_stride(source.info.fps)
    t, xy, vis = [], [], []
    with PoseEstimator(mode="video") as estimator:
        for frame in source.frames(pixels_every=stride):
            if frame.has_pixels:
                pose = estimator.estimate(fit_within(frame, 1280))
                t.append(pose.t_s)
                xy.append(pose.xy_px)
                vis.append(pose.visibility)
    found = detect_exercise(np.array(t), np.array(xy), np.array(vis))
    assert found.profile == exercise, found
    assert found.confidence >= 0.8
    assert found.votes_for >= 3


def test_tabletop_held_without_a_whole_rep_is_heel_taps_unsure() -> None:
    """A clip cut before the first rep ends: our start position, so heel taps, said unsure."""
    t, xy = _sequence(lambda s: _pose(*_legs(min(s, 3.5), "heel-tap")), 4.0)  # the rep only begins
    found = detect_exercise(t, xy)
    assert found.profile == "heel-tap" and found.seen == "start" and not found.episodes
    assert found.confidence == DETECTION.start_only_confidence < DETECTION.mismatch_confidence
    choice = choose_exercise(AUTO, found)
    assert choice.profile == "heel-tap" and not choice.warn
    assert choice.note == "no whole rep was seen, so this was analysed as heel taps from your start position"
    assert choose_exercise("leg-extension", found).note is None  # too unsure to question the asked one


def test_lying_down_first_then_heel_taps_is_heel_taps() -> None:
    """Sitting, lying back, then the reps: getting into position is not a sit-up."""
    def frame_at(s: float) -> np.ndarray:
        if s < 4.0:  # sitting up, then lying back over a second
            return _pose(*HOOK, rise_deg=80.0 * min(1.0, 4.0 - s))
        return _pose(*_legs(s - 4.0, "heel-tap"))
    t, xy = _sequence(frame_at, 4.0 + 2.0 + 3 * 6.0 + 1.0)
    found = detect_exercise(t, xy)
    assert found.profile == "heel-tap" and found.votes_for == 3
