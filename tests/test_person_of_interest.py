"""The person of interest keeps the session: real MediaPipe on composites of two sample clips.

The exerciser is ``heel_tap_clean_left`` (top part of the picture); the second person is
``heel_tap_clean_right`` (bottom part, as on a second mat nearer the camera): beside from
the start, arriving later, or staying while the exerciser is away. "Away" is the same
picture with each row filled with its median colour: the room without the person. (Side
by side, the pose detector finds only one of these two at this scale; stacked, both.)
"""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.core.frame import Frame
from formcheck.core.landmarks import HIPS, midpoint
from formcheck.pose.estimator import PoseEstimator
from formcheck.pose.hiding import hide_others, landmark_box_px

from conftest import SAMPLES, first_frames

FPS = 30.0


def _scaled(path: Path, count: int, width_px: int) -> list[np.ndarray]:
    frames = first_frames(path, count)
    height_px = round(frames[0].shape[0] * width_px / frames[0].shape[1])
    return [cv2.resize(rgb, (width_px, height_px), interpolation=cv2.INTER_AREA) for rgb in frames]


def _empty_room(rgb: np.ndarray) -> np.ndarray:
    """The picture without its person: every row filled with its median colour."""
    return np.broadcast_to(np.median(rgb, axis=1, keepdims=True).astype(np.uint8), rgb.shape).copy()


def _stacked(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    width = max(top.shape[1], bottom.shape[1])
    parts = [np.pad(p, ((0, 0), (0, width - p.shape[1]), (0, 0)), mode="edge") for p in (top, bottom)]
    return np.ascontiguousarray(np.concatenate(parts, axis=0))


@pytest.fixture(scope="module")
def exerciser() -> list[np.ndarray]:
    return _scaled(SAMPLES / "heel_tap_clean_left.mp4", 60, 640)


def _other(count: int, width_px: int) -> list[np.ndarray]:
    return _scaled(SAMPLES / "heel_tap_clean_right.mp4", count, width_px)


def _on_top(pose, exerciser: list[np.ndarray]) -> bool:
    """The pose is the exerciser's (its hips in the top part of the picture)."""
    return float(midpoint(pose.xy_px, HIPS)[1]) < exerciser[0].shape[0]


def _run(estimator: PoseEstimator, pictures: list[np.ndarray]) -> list:
    return [estimator.estimate(Frame(i, i / FPS, rgb)) for i, rgb in enumerate(pictures)]


def test_a_partner_beside_is_seen_but_never_chosen(exerciser) -> None:
    partner = _other(len(exerciser), 480)  # smaller: the exerciser is the first choice
    pictures = [_stacked(a, b) for a, b in zip(exerciser, partner)]
    with PoseEstimator(mode="video", person_survey_s=0.5) as estimator:
        poses = _run(estimator, pictures)
        calls = estimator.calls
    assert all(p.detected for p in poses)
    assert all(_on_top(p, exerciser) for p in poses)
    assert poses[0].num_candidates == 2 and poses[-1].num_candidates == 2
    # the one-person follower answers; the survey looks at the start and every 0.5 s
    assert calls["follower"] >= len(poses) - 1
    assert calls["survey"] <= 2 + len(poses) / (0.5 * FPS)


def test_a_bigger_person_arriving_later_never_takes_over(exerciser) -> None:
    arrives = 15
    newcomer = _other(len(exerciser), 800)  # bigger than the exerciser: would win a fresh choice
    pictures = [_stacked(a, b if i >= arrives else _empty_room(b))
                for i, (a, b) in enumerate(zip(exerciser, newcomer))]
    with PoseEstimator(mode="video", person_survey_s=0.5) as estimator:
        poses = _run(estimator, pictures)
    assert all(p.detected and _on_top(p, exerciser) for p in poses)
    assert poses[0].num_candidates == 1
    assert max(p.num_candidates for p in poses[arrives:]) == 2  # the survey saw the newcomer


def test_a_fresh_choice_takes_the_bigger_person(exerciser) -> None:
    """The other side of the test above: in one picture the newcomer is the first choice."""
    newcomer = _other(1, 800)[0]
    with PoseEstimator(mode="image") as estimator:
        pose = estimator.estimate(Frame(0, 0.0, _stacked(exerciser[0], newcomer)))
    assert pose.num_candidates == 2 and not _on_top(pose, exerciser)


def test_the_partner_is_not_chosen_while_the_exerciser_is_away(exerciser) -> None:
    away = range(15, 36)  # 0.7 s, less than the tracker's memory (person_forget_s 1.0)
    partner = _other(len(exerciser), 480)
    pictures = [_stacked(_empty_room(a) if i in away else a, b)
                for i, (a, b) in enumerate(zip(exerciser, partner))]
    with PoseEstimator(mode="video", person_forget_s=1.0) as estimator:
        poses = _run(estimator, pictures[:away.stop + 1])
        surveys_at_return = estimator.calls["survey"]
        poses += [estimator.estimate(Frame(i, i / FPS, rgb)) for i, rgb in enumerate(pictures) if i > away.stop]
        # back: the survey chose the exerciser, then the follower, shown the partner painted
        # over, picked the exerciser up and answered every frame since
        assert estimator.calls["survey"] == surveys_at_return
    for i, pose in enumerate(poses):
        if i in away:
            assert not pose.detected, f"frame {i}: the partner was taken while the exerciser was away"
        else:
            assert pose.detected and _on_top(pose, exerciser), f"frame {i}"


def test_someone_else_lying_down_near_the_place_is_not_taken_for_the_person(exerciser) -> None:
    """The exerciser goes and, in the same frame, another person lies down a body width
    along: the follower, which follows whatever is where the person was, finds them; the
    tracker refuses them until it forgets the exerciser (``person_forget_s``)."""
    swap, forget_s = 15, 1.0
    height = 480
    before = [np.pad(a, ((0, height - a.shape[0]), (0, 0), (0, 0)), mode="edge") for a in exerciser]
    other = [np.ascontiguousarray(np.roll(b, 160, axis=1)) for b in _other(len(exerciser), before[0].shape[1])]
    assert other[0].shape == before[0].shape
    pictures = before[:swap] + other[swap:]
    with PoseEstimator(mode="video", person_forget_s=forget_s) as estimator:
        poses = _run(estimator, pictures)
    assert all(p.detected for p in poses[:swap])
    refused = [p for p in poses[swap:] if p.t_s - poses[swap].t_s < forget_s - 0.1]
    assert refused and not any(p.detected for p in refused)
    assert poses[-1].detected  # forgotten: the one person in view is chosen afresh


def test_a_person_who_leaves_is_found_again_when_back(exerciser) -> None:
    away = range(10, 55)  # 1.5 s: longer than the tracker's memory, so it chooses afresh
    pictures = [_empty_room(a) if i in away else a for i, a in enumerate(exerciser)]
    with PoseEstimator(mode="video", person_forget_s=1.0) as estimator:
        poses = _run(estimator, pictures)
    assert all(p.detected for i, p in enumerate(poses) if i not in away)
    assert not any(p.detected for i, p in enumerate(poses) if i in away)
    before, after = poses[away.start - 1], poses[away.stop]
    assert np.nanmedian(np.linalg.norm(before.xy_px - after.xy_px, axis=-1)) < 20.0  # the same place


def test_live_mode_keeps_the_person_when_a_bigger_one_arrives(exerciser) -> None:
    arrives = 15
    newcomer = _other(len(exerciser), 800)
    pictures = [_stacked(a, b if i >= arrives else _empty_room(b))
                for i, (a, b) in enumerate(zip(exerciser, newcomer))]
    poses = []
    with PoseEstimator(mode="live") as estimator:
        for i, rgb in enumerate(pictures):
            started = time.monotonic()
            while estimator.busy and time.monotonic() - started < 5.0:
                time.sleep(0.002)  # every frame goes through: the person is followed frame to frame
            if (pose := estimator.latest()) is not None:
                poses.append(pose)
            assert estimator.submit(Frame(i, i / FPS, rgb))
        while estimator.busy:
            time.sleep(0.005)
        if (pose := estimator.latest()) is not None:
            poses.append(pose)
    assert len(poses) == len(pictures)
    assert all(p.detected and _on_top(p, exerciser) for p in poses)


def test_hide_others_paints_the_other_box_and_spares_the_person() -> None:
    rgb = np.zeros((100, 200, 3), np.uint8)
    rgb[:, :100] = 200
    rgb[:, 100:] = 40
    keep = np.array([[20.0, 40.0], [60.0, 60.0]] * 16 + [[40.0, 50.0]])  # box 20..60 x 40..60
    other = np.array([[50.0, 40.0], [150.0, 60.0]] * 16 + [[100.0, 50.0]])  # box 50..150 x 40..60
    out = hide_others(rgb, other[None], keep)
    assert out is not rgb and np.array_equal(rgb[:, :100], np.full((100, 100, 3), 200))  # input untouched
    fill = out[50, 120]
    assert np.all(fill == out[50, 140]) and 40 < fill[0] < 200  # the other's box: one mean colour
    assert np.array_equal(out[50, 40], rgb[50, 40])  # inside the person's own box: untouched
    assert np.array_equal(out[5, 120], rgb[5, 120])  # outside every box: untouched
    assert hide_others(rgb, np.empty((0, 33, 2)), keep) is rgb


def test_landmark_box_grows_and_clips() -> None:
    xy = np.array([[10.0, 10.0], [110.0, 60.0]] + [[np.nan, np.nan]] * 31)
    assert landmark_box_px(xy, (100, 100), margin_frac=0.1) == (0, 0, 100, 70)
    assert landmark_box_px(np.full((33, 2), np.nan), (100, 100)) is None
