"""Frame sources: exact container timestamps, rotation, errors, replay pacing and dropping."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from formcheck.errors import CameraError, VideoError
from formcheck.io.live_sources import CameraSource, ReplaySource
from formcheck.io.sources import VideoFileSource


def test_30fps_timestamps_are_exact(make_video) -> None:
    frames = list(VideoFileSource(make_video(rate="30", seconds=1.0)))
    assert len(frames) == 30
    np.testing.assert_allclose([f.t_s for f in frames], np.arange(30) / 30.0, atol=1e-6)
    assert [f.index for f in frames] == list(range(30))


def test_2997fps_timestamps_are_not_rounded_to_int_fps(make_video) -> None:
    source = VideoFileSource(make_video(rate="30000/1001", seconds=2.0))
    times = np.array([f.t_s for f in source])
    assert source.info.fps == pytest.approx(30000 / 1001)
    np.testing.assert_allclose(times, np.arange(len(times)) * 1001 / 30000, atol=1e-6)
    assert times[-1] == pytest.approx(59 * 1001 / 30000, abs=1e-6)  # not 59/29 or 59/30


def test_variable_frame_rate_keeps_container_times(make_video) -> None:
    # 15 frames at 30 fps, then 15 frames at 10 fps
    vfr = make_video("vfr.mp4", rate="30", seconds=2.0,
                     extra=("-vf", "setpts='if(lt(N,15),N/30,0.5+(N-15)/10)/TB'", "-fps_mode", "vfr"))
    times = np.array([f.t_s for f in VideoFileSource(vfr)])
    expected = np.concatenate([np.arange(15) / 30.0, 0.5 + np.arange(15) / 10.0])
    np.testing.assert_allclose(times, expected, atol=1e-6)


def test_rotation_metadata_of_phone_videos_is_honoured(make_video, ffmpeg, tmp_path) -> None:
    import subprocess

    landscape = make_video(size="320x240")
    rotated = tmp_path / "rotated.mp4"
    subprocess.run([ffmpeg, "-v", "error", "-y", "-display_rotation", "90", "-i", str(landscape),
                    "-c", "copy", str(rotated)], check=True)
    source = VideoFileSource(rotated)
    first = next(iter(source))
    assert first.rgb.shape == (320, 240, 3)
    assert (source.info.width, source.info.height) == (240, 320)


def test_frames_are_rgb(make_video) -> None:
    frame = next(iter(VideoFileSource(make_video(pattern="color=c=red"))))
    assert frame.rgb.dtype == np.uint8 and frame.rgb.shape == (240, 320, 3)
    assert frame.size == (320, 240)
    red, green, blue = frame.rgb.reshape(-1, 3).mean(axis=0)
    assert red > 200 and green < 60 and blue < 60


@pytest.mark.parametrize("content, expected", [
    (None, "does not exist"),
    ("dir", "is a directory"),
    (b"hello, I am text\n", "is not a readable video"),
    ("random", "is not a readable video"),
])
def test_bad_files_fail_with_one_sentence(tmp_path: Path, content, expected: str) -> None:
    path = tmp_path / "clip.mp4"
    if content == "dir":
        path.mkdir()
    elif content == "random":
        path.write_bytes(np.random.default_rng(0).integers(0, 256, 50_000, dtype=np.uint8).tobytes())
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(VideoError) as error:
        VideoFileSource(path)
    message = str(error.value)
    assert expected in message and str(path) in message
    assert "\n" not in message


def test_replay_delivers_every_frame_to_a_fast_consumer_at_real_speed(make_video) -> None:
    clip = make_video(rate="30", seconds=1.0)
    started = time.monotonic()
    with ReplaySource(clip) as replay:
        frames = list(replay)
    elapsed_s = time.monotonic() - started
    assert len(frames) == 30 and replay.dropped == 0
    assert 0.9 <= elapsed_s <= 2.0  # paced like a camera, not as fast as decoding
    assert [f.index for f in frames] == list(range(30))


def test_replay_drops_frames_when_the_consumer_is_slow(make_video) -> None:
    clip = make_video(rate="30", seconds=2.0)
    with ReplaySource(clip) as replay:
        frames = []
        for frame in replay:
            frames.append(frame)
            time.sleep(0.1)  # a 10 fps consumer of a 30 fps "camera"
    indices = [f.index for f in frames]
    assert 12 <= len(frames) <= 30
    assert replay.dropped + len(frames) == 60
    assert indices == sorted(indices)
    assert max(np.diff(indices)) >= 2  # frames were skipped, never queued
    times = np.array([f.t_s for f in frames])
    np.testing.assert_allclose(times, np.array(indices) / 30.0, atol=1e-6)  # file times kept


def test_missing_camera_is_one_sentence() -> None:
    with pytest.raises(CameraError) as error:
        CameraSource(97)
    assert "camera 97 could not be opened" in str(error.value)
