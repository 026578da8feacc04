"""VideoSink: frames written are read back with the same count, size, fps and pixels;
the codec it reports is the codec in the file; the file appears only when complete."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from formcheck.io.sources import VideoFileSource
from formcheck.io.video_sink import ENCODERS, VideoSink


def _frame(i: int, width: int, height: int) -> np.ndarray:
    """A frame whose left half is red, right half blue, with a bright bar that moves by i."""
    rgb = np.zeros((height, width, 3), np.uint8)
    rgb[:, : width // 2] = (200, 30, 30)
    rgb[:, width // 2:] = (30, 30, 200)
    rgb[10:30, 4 * i: 4 * i + 20] = 255
    return rgb


def _stream_codec(ffmpeg_exe: str, path: Path) -> str:
    """The video stream's codec name as ``ffmpeg -i`` prints it on stderr."""
    run = subprocess.run([ffmpeg_exe, "-hide_banner", "-i", str(path)], capture_output=True, text=True)
    match = re.search(r"Stream #\S+.*?Video: (\w+)", run.stderr)
    assert match, run.stderr
    return match.group(1)


@pytest.mark.parametrize("encoders", [ENCODERS, ("ffmpeg-h264",), ("opencv-mp4v",)])
def test_thirty_frames_round_trip(tmp_path: Path, encoders: tuple[str, ...]) -> None:
    path = tmp_path / "annotated.mp4"
    with VideoSink(path, 29.97, (320, 240), encoders=encoders) as sink:
        for i in range(30):
            sink.write(_frame(i, 320, 240))
    assert sink.frames_written == 30
    source = VideoFileSource(path)
    frames = list(source)
    assert len(frames) == 30
    assert source.info.fps == pytest.approx(29.97, abs=0.01)
    assert frames[0].size == (320, 240)
    assert frames[-1].t_s == pytest.approx(29 / 29.97, abs=0.002)
    # Colours survive (RGB in, RGB out: no channel swap).
    left, right = frames[5].rgb[120, 60].astype(int), frames[5].rgb[120, 260].astype(int)
    assert left[0] > 150 and left[2] < 80
    assert right[2] > 150 and right[0] < 80
    assert not list(tmp_path.glob("*.part*"))


@pytest.mark.parametrize("encoders", [ENCODERS, ("ffmpeg-h264",), ("opencv-mp4v",)])
def test_codec_reported_is_codec_in_file(tmp_path: Path, ffmpeg: str, encoders: tuple[str, ...]) -> None:
    path = tmp_path / "annotated.mp4"
    with VideoSink(path, 25.0, (160, 120), encoders=encoders) as sink:
        for i in range(5):
            sink.write(_frame(i, 160, 120))
    assert sink.codec in ("h264", "mpeg4")
    assert _stream_codec(ffmpeg, path) == sink.codec
    if sink.codec == "h264":
        assert sink.warning is None
    else:
        assert sink.warning == "annotated.mp4 is MPEG-4 Part 2, not H.264: browsers may not play it"


@pytest.mark.parametrize("encoder", ["ffmpeg-h264", "opencv-mp4v"])
def test_odd_size_is_padded_not_cropped(tmp_path: Path, encoder: str) -> None:
    path = tmp_path / "odd.mp4"
    with VideoSink(path, 30.0, (161, 121), encoders=(encoder,)) as sink:
        for i in range(3):
            sink.write(_frame(i, 161, 121))
    assert sink.encoded_size == (162, 122)
    assert VideoFileSource(path).info.width == 162


def test_file_appears_only_on_close(tmp_path: Path) -> None:
    path = tmp_path / "annotated.mp4"
    sink = VideoSink(path, 30.0, (64, 48)).open()
    sink.write(_frame(0, 64, 48))
    assert not path.exists()  # (the .part file appears when the encoder first flushes)
    sink.close()
    assert path.exists() and not sink.part_path.exists()


@pytest.mark.parametrize("error", [KeyboardInterrupt, ValueError])
def test_an_interrupted_block_leaves_the_previous_file_intact(tmp_path: Path, error: type[BaseException]) -> None:
    path = tmp_path / "annotated.mp4"
    with VideoSink(path, 30.0, (64, 48)) as sink:
        for i in range(3):
            sink.write(_frame(i, 64, 48))
    before = path.read_bytes()
    with pytest.raises(error):
        with VideoSink(path, 30.0, (64, 48)) as sink:
            for i in range(4):
                sink.write(_frame(i, 64, 48))
            raise error
    assert path.read_bytes() == before and len(list(VideoFileSource(path))) == 3
    assert [p.name for p in tmp_path.iterdir()] == ["annotated.mp4"]  # no temporary file left


@pytest.mark.parametrize("encoders", [("ffmpeg-h264",), ("opencv-mp4v",)])
def test_abort_leaves_no_file_and_stops_the_encoder(tmp_path: Path, encoders: tuple[str, ...]) -> None:
    path = tmp_path / "annotated.mp4"
    sink = VideoSink(path, 30.0, (64, 48), encoders=encoders).open()
    for i in range(4):
        sink.write(_frame(i, 64, 48))
    process = getattr(sink._writer, "_process", None)
    sink.abort()
    sink.abort()  # idempotent
    assert list(tmp_path.iterdir()) == []
    if process is not None:
        assert process.poll() is not None  # the ffmpeg encoder is gone
    with pytest.raises(RuntimeError):
        sink.write(_frame(5, 64, 48))


def test_no_frames_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "annotated.mp4"
    with VideoSink(path, 30.0, (64, 48)):
        pass
    assert not path.exists() and not list(tmp_path.iterdir())


@pytest.mark.parametrize("fps, size", [(0, (64, 48)), (float("nan"), (64, 48)), (30.0, (0, 48)),
                                       (30.0, (64.5, 48))])
def test_bad_arguments_name_themselves(fps: float, size: tuple, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="fps|size"):
        VideoSink(tmp_path / "x.mp4", fps, size)


def test_wrong_frame_shape_is_refused(tmp_path: Path) -> None:
    with VideoSink(tmp_path / "x.mp4", 30.0, (64, 48)) as sink:
        with pytest.raises(ValueError, match="shape"):
            sink.write(np.zeros((48, 63, 3), np.uint8))


def test_opencv_h264_is_used_only_when_this_build_encodes_it(tmp_path: Path, ffmpeg: str) -> None:
    """This OpenCV wheel (5.0 contrib) has no software H.264 encoder; if a build has one, it works."""
    path = tmp_path / "a.mp4"
    try:
        sink = VideoSink(path, 30.0, (64, 48), encoders=("opencv-h264",)).open()
    except OSError:
        return  # not available here: the default order moves on to ffmpeg / mp4v
    sink.write(_frame(0, 64, 48))
    sink.close()
    assert _stream_codec(ffmpeg, path) == "h264"


def test_default_order_prefers_h264(tmp_path: Path) -> None:
    with VideoSink(tmp_path / "a.mp4", 30.0, (64, 48)) as sink:
        sink.write(_frame(0, 64, 48))
    assert sink.encoder in ENCODERS
    assert sink.codec == "h264"  # imageio-ffmpeg (a test extra) is installed in the test environment


def test_ntsc_rate_is_exact_with_ffmpeg(tmp_path: Path, ffmpeg: str) -> None:
    path = tmp_path / "a.mp4"
    with VideoSink(path, 30000 / 1001, (64, 48), encoders=("ffmpeg-h264",)) as sink:
        for i in range(10):
            sink.write(_frame(i, 64, 48))
    run = subprocess.run([ffmpeg, "-hide_banner", "-i", str(path)], capture_output=True, text=True)
    assert "29.97 fps" in run.stderr


def test_unknown_encoder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="encoders"):
        VideoSink(tmp_path / "x.mp4", 30.0, (64, 48), encoders=("x264",))
