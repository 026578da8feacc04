"""Reading a video file: :class:`Frame` objects (RGB pixels + time in seconds).

File times come from the container's presentation timestamps, so variable frame rates
and 29.97 fps stay exact; phone rotation metadata is honoured by the decoder.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Iterator

# FFmpeg and OpenCV print their own complaints about bad files; formcheck explains instead.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")

import cv2  # noqa: E402  (after the log settings above)

from formcheck.core.frame import NO_PIXELS, Frame, VideoInfo
from formcheck.errors import VideoError

# A decoded frame whose timestamp does not advance past the previous one is moved
# forward by this much (seconds) so times stay strictly increasing.
MIN_TIME_STEP_S = 1e-3
CAMERA_STALL_TIMEOUT_S = 3.0
# A replayed frame decoded this late (seconds) is skipped, as a camera would have moved on.
MAX_REPLAY_LAG_S = 0.1


def _open_capture(path: Path) -> cv2.VideoCapture:
    if not path.exists():
        raise VideoError(f"video file {path} does not exist — check the path")
    if path.is_dir():
        raise VideoError(f"{path} is a directory, not a video file — give the path of a video")
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    if not capture.isOpened():
        capture.release()
        raise VideoError(f"{path} is not a readable video (unknown format or corrupt) — "
                         "convert it to MP4 (H.264) and try again")
    capture.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    return capture


class VideoFileSource:
    """Reads a video file frame by frame, with timestamps from the container.

    Opening checks that the file exists, is a video and has a decodable first frame,
    so a bad file fails with one sentence before any work starts.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        capture = _open_capture(self.path)
        try:
            ok, first_bgr = capture.read()
            if not ok or first_bgr is None:
                raise VideoError(f"{self.path} has no decodable video frames — "
                                 "is it a video (not audio only), and complete?")
            fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
            count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        finally:
            capture.release()
        height, width = first_bgr.shape[:2]
        self.info = VideoInfo(path=str(self.path), fps=fps if math.isfinite(fps) else 0.0,
                              frame_count=max(count, 1), width=width, height=height)
        self.frames_read = 0
        self.ended_early = False

    def __iter__(self) -> Iterator[Frame]:
        return self.frames()

    def frames(self, pixels_every: int = 1) -> Iterator[Frame]:
        """Yield every decodable frame in order, times strictly increasing.

        With ``pixels_every`` N > 1 only frames whose index is a multiple of N carry
        pixels; the others are grabbed (decoded, not converted to RGB) and come with
        :data:`NO_PIXELS`, so their times are still exact.
        """
        if pixels_every < 1:
            raise ValueError(f"pixels_every must be at least 1, got {pixels_every}")
        capture = _open_capture(self.path)
        nominal_step_s = 1.0 / self.info.fps if self.info.fps > 0 else 1.0 / 30.0
        previous_t_s = -math.inf
        index = 0
        try:
            while True:
                wanted = index % pixels_every == 0
                if wanted:
                    ok, bgr = capture.read()
                    ok = ok and bgr is not None
                else:
                    ok, bgr = capture.grab(), None
                if not ok:
                    break
                t_s = _container_time_s(capture, index, nominal_step_s)
                if t_s <= previous_t_s:
                    t_s = previous_t_s + MIN_TIME_STEP_S
                previous_t_s = t_s
                rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB) if bgr is not None else NO_PIXELS
                yield Frame(index=index, t_s=t_s, rgb=rgb)
                index += 1
                self.frames_read = index
        finally:
            capture.release()
        self.ended_early = index < 0.9 * self.info.frame_count - 1


def _container_time_s(capture: cv2.VideoCapture, index: int, nominal_step_s: float) -> float:
    """Presentation time of the frame just read; index × nominal step when the file has none."""
    position_ms = capture.get(cv2.CAP_PROP_POS_MSEC)
    if position_ms is None or not math.isfinite(position_ms) or (position_ms <= 0 and index > 0):
        return index * nominal_step_s
    return position_ms / 1000.0


def fit_within(frame: Frame, max_side_px: int) -> Frame:
    """``frame`` scaled down (area-averaged) so its longer side is at most ``max_side_px``."""
    width, height = frame.size
    longest = max(width, height)
    if longest <= max_side_px:
        return frame
    scale = max_side_px / longest
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return Frame(index=frame.index, t_s=frame.t_s,
                 rgb=cv2.resize(frame.rgb, size, interpolation=cv2.INTER_AREA), captured_s=frame.captured_s)
