"""The real MediaPipe model on real pixels: a lying person is found where a person would be."""

from __future__ import annotations

import time

import numpy as np
import pytest

from formcheck.core.landmarks import Landmark as L
from formcheck.pose.estimator import PoseEstimator
from formcheck.core.frame import Frame
from formcheck.io.sources import VideoFileSource

from conftest import first_frames


def _axis_position(xy: np.ndarray, start: np.ndarray, end: np.ndarray) -> float:
    axis = end - start
    return float(np.dot(xy - start, axis) / np.dot(axis, axis))


@pytest.fixture(scope="module")
def lying_frame(real_clip) -> Frame:
    return Frame(index=0, t_s=0.0, rgb=first_frames(real_clip, 1)[0])


def test_supine_person_is_found_with_plausible_landmarks(image_estimator, lying_frame) -> None:
    pose = image_estimator.estimate(lying_frame)
    assert pose.detected and pose.num_candidates >= 1
    width, height = lying_frame.size
    assert pose.image_size == (width, height)
    body = pose.xy_px[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP,
                       L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE]]
    assert np.all((body >= 0) & (body <= [width, height]))

    shoulders = pose.xy_px[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER]].mean(axis=0)
    hips = pose.xy_px[[L.LEFT_HIP, L.RIGHT_HIP]].mean(axis=0)
    knees = pose.xy_px[[L.LEFT_KNEE, L.RIGHT_KNEE]].mean(axis=0)
    ankles = pose.xy_px[[L.LEFT_ANKLE, L.RIGHT_ANKLE]].mean(axis=0)
    # lying down: the trunk runs across the image, not up it
    trunk = hips - shoulders
    assert abs(trunk[1]) < 0.5 * abs(trunk[0])
    # along the body from shoulders to ankles: hips lie between shoulders and knees
    along = [_axis_position(p, shoulders, ankles) for p in (shoulders, hips, knees, ankles)]
    assert along[0] < along[1] < along[2] <= along[3] + 0.05
    # knees bent up (hook-lying): knees well above the hips in the image
    assert knees[1] < hips[1] - 40


def test_segmentation_mask_covers_the_trunk_and_not_the_window(image_estimator, lying_frame) -> None:
    pose = image_estimator.estimate(lying_frame)
    assert pose.mask is not None and pose.mask.dtype == np.float32
    assert pose.mask.shape == (lying_frame.size[1], lying_frame.size[0])
    shoulders = pose.xy_px[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER]].mean(axis=0)
    hips = pose.xy_px[[L.LEFT_HIP, L.RIGHT_HIP]].mean(axis=0)
    mid_trunk = ((shoulders + hips) / 2).round().astype(int)
    assert pose.mask[mid_trunk[1], mid_trunk[0]] > 0.5
    assert pose.mask[:100, :].mean() < 0.05  # the window above the person


def test_world_landmarks_are_metric(image_estimator, lying_frame) -> None:
    pose = image_estimator.estimate(lying_frame)
    shoulder_to_hip_m = np.linalg.norm(pose.world_m[L.LEFT_SHOULDER] - pose.world_m[L.LEFT_HIP])
    assert 0.3 < shoulder_to_hip_m < 0.7
    hip_centre = pose.world_m[[L.LEFT_HIP, L.RIGHT_HIP]].mean(axis=0)
    assert np.linalg.norm(hip_centre) < 0.05  # world landmarks are hip-centred


def test_empty_frame_gives_a_missing_pose(image_estimator) -> None:
    pose = image_estimator.estimate(Frame(0, 0.0, np.full((240, 320, 3), 90, np.uint8)))
    assert not pose.detected and pose.num_candidates == 0
    assert np.isnan(pose.xy_px).all() and np.isnan(pose.world_m).all() and pose.mask is None


def test_video_mode_finds_the_person_in_every_frame_of_the_real_clip(real_clip) -> None:
    source = VideoFileSource(real_clip)
    with PoseEstimator(mode="video") as estimator:
        poses = [estimator.estimate(frame) for frame in source]
    assert len(poses) == source.info.frame_count
    detected = np.mean([p.detected for p in poses])
    assert detected >= 0.95
    times = [p.t_s for p in poses]
    assert times == sorted(times)


def test_second_person_beside_does_not_steal_the_track(real_clip) -> None:
    """Two copies of the lying person side by side: the tracker stays on the first choice."""
    frames = first_frames(real_clip, 12)
    sides = []
    with PoseEstimator(mode="video") as estimator:
        for index, rgb in enumerate(frames):
            twin = np.ascontiguousarray(np.concatenate([rgb, rgb], axis=1))
            pose = estimator.estimate(Frame(index, index / 30.0, twin))
            assert pose.num_candidates == 2
            hips_x = pose.xy_px[[L.LEFT_HIP, L.RIGHT_HIP], 0].mean()
            sides.append(hips_x >= rgb.shape[1])
    assert len(set(sides)) == 1


def test_live_mode_drops_frames_while_busy_and_returns_the_newest(real_clip) -> None:
    frames = first_frames(real_clip, 20)
    results = []
    accepted = 0
    with PoseEstimator(mode="live") as estimator:
        for index, rgb in enumerate(frames):
            accepted += estimator.submit(Frame(index, index / 30.0, rgb))
            if (pose := estimator.latest()) is not None:
                results.append(pose)
            time.sleep(0.005)  # frames arrive far faster than the model runs
        deadline = time.monotonic() + 5.0
        while estimator.busy and time.monotonic() < deadline:
            time.sleep(0.01)
        if (pose := estimator.latest()) is not None:
            results.append(pose)
        assert estimator.dropped == len(frames) - accepted
    assert 1 <= accepted < len(frames)
    assert results and all(p.detected for p in results)
    times = [p.t_s for p in results]
    assert times == sorted(times)


def test_mode_and_argument_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="mode"):
        PoseEstimator(mode="stream")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="num_poses"):
        PoseEstimator(num_poses=0)


def test_image_mode_does_not_follow_a_person_across_unrelated_pictures(image_estimator, lying_frame) -> None:
    other = Frame(0, 0.0, np.ascontiguousarray(np.roll(lying_frame.rgb, 300, axis=1)))
    assert image_estimator.estimate(other).detected
    assert image_estimator.estimate(lying_frame).detected  # not rejected as "someone else"


def test_ctrl_c_inside_the_model_call_is_raised_after_it() -> None:
    """An interrupt while MediaPipe builds its image would leave a half-made object that
    prints a traceback at exit: it is held for the call and raised right after."""
    import os
    import signal

    from formcheck.pose.landmarker import HeldInterrupt

    reached_end = False
    with pytest.raises(KeyboardInterrupt):
        with HeldInterrupt():
            os.kill(os.getpid(), signal.SIGINT)
            reached_end = True
    assert reached_end
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    seen = []
    previous = signal.signal(signal.SIGINT, lambda *_: seen.append(1))
    try:
        with HeldInterrupt():  # a program's own handler is left in charge
            os.kill(os.getpid(), signal.SIGINT)
        assert seen == [1]
    finally:
        signal.signal(signal.SIGINT, previous)
