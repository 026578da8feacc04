"""Frame sources: a video file, a webcam, and a file replayed at real speed like a camera.

Every source yields :class:`Frame` objects (RGB pixels + time in seconds). File times come
from the container's presentation timestamps, so variable frame rates and 29.97 fps stay
exact; phone rotation metadata is honoured by the decoder. Live sources (camera, replay)
keep only the newest frame: a slow consumer gets the latest picture, never a queue.
"""

from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator

# FFmpeg and OpenCV print their own complaints about bad files; formcheck explains instead.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")

import cv2  # noqa: E402  (after the log settings above)
import numpy as np  # noqa: E402

from formcheck.errors import CameraError, VideoError

# A decoded frame whose timestamp does not advance past the previous one is moved
# forward by this much (seconds) so times stay strictly increasing.
MIN_TIME_STEP_S = 1e-3
CAMERA_STALL_TIMEOUT_S = 3.0
# A replayed frame decoded this late (seconds) is skipped, as a camera would have moved on.
MAX_REPLAY_LAG_S = 0.1


@dataclass(frozen=True, eq=False)
class Frame:
    """One picture from a source.

    Attributes:
        index: position in the source (for files: decode order, counting dropped frames).
        t_s: time in seconds since the start of the source.
        rgb: (height, width, 3) uint8 RGB pixels.
        captured_s: when a live source captured it, on the ``time.monotonic()`` clock
            (NaN for frames read from a file); live latency is measured from it.
    """

    index: int
    t_s: float
    rgb: np.ndarray
    captured_s: float = math.nan

    @property
    def size(self) -> tuple[int, int]:
        """(width_px, height_px)."""
        return int(self.rgb.shape[1]), int(self.rgb.shape[0])

    @property
    def has_pixels(self) -> bool:
        """False for a frame read for its time only (see ``VideoFileSource.frames``)."""
        return self.rgb.size > 0


# The pixels of a frame that was read for its time only (shared, never written to).
NO_PIXELS = np.zeros((0, 0, 3), dtype=np.uint8)
NO_PIXELS.flags.writeable = False


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a video (frame count and fps are estimates)."""

    path: str
    fps: float
    frame_count: int
    width: int
    height: int

    @property
    def duration_s(self) -> float:
        """Nominal duration in seconds (frame count / fps)."""
        return self.frame_count / self.fps if self.fps > 0 else 0.0


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


class _LatestFrameSource:
    """Base for live sources: a producer thread fills a one-frame slot, readers take the newest.

    Frames that arrive while the previous one has not been taken are dropped (counted in
    ``dropped``), exactly as a camera driver would. Iterate to consume; ``close`` stops.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._slot: Frame | None = None
        self._finished = False
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.delivered = 0
        self.dropped = 0

    def start(self) -> _LatestFrameSource:
        """Start the producer thread (idempotent); returns self."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)
            self._thread.start()
        return self

    def _produce(self, publish: Callable[[Frame], None]) -> None:
        raise NotImplementedError

    def _run(self) -> None:
        try:
            self._produce(self._publish)
        except BaseException as exc:  # handed to the consumer thread
            self._error = exc
        finally:
            with self._condition:
                self._finished = True
                self._condition.notify_all()

    @property
    def ended(self) -> bool:
        """True once the source has finished and its last frame has been taken."""
        with self._condition:
            return self._finished and self._slot is None

    def _publish(self, frame: Frame) -> None:
        if not math.isfinite(frame.captured_s):
            frame = replace(frame, captured_s=time.monotonic())
        with self._condition:
            if self._slot is not None:
                self.dropped += 1
            self._slot = frame
            self._condition.notify_all()

    def read(self, timeout_s: float | None = None) -> Frame | None:
        """The newest unread frame, waiting for one; None when the source has ended."""
        self.start()
        with self._condition:
            while self._slot is None and not self._finished:
                if not self._condition.wait(timeout=timeout_s):
                    return None
            frame, self._slot = self._slot, None
        if frame is None:
            if self._error is not None:
                error, self._error = self._error, None
                raise error
            return None
        self.delivered += 1
        return frame

    def __iter__(self) -> Iterator[Frame]:
        while (frame := self.read()) is not None:
            yield frame

    def close(self) -> None:
        """Stop the producer and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)

    def __enter__(self) -> _LatestFrameSource:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class ReplaySource(_LatestFrameSource):
    """Plays a video file at real speed as if it were a camera (for demos and tests).

    Frames keep the file's timestamps. A frame not taken before the next one is due is
    dropped; when decoding itself falls behind the clock, late frames are skipped too.
    """

    def __init__(self, path: str | Path, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be positive, got {speed}")
        super().__init__()
        self.file = VideoFileSource(path)
        self.info = self.file.info
        self.speed = speed

    def _produce(self, publish: Callable[[Frame], None]) -> None:
        start = time.monotonic()
        for frame in self.file.frames():
            if self._stop.is_set():
                return
            due = start + frame.t_s / self.speed
            delay_s = due - time.monotonic()
            if delay_s > 0 and self._stop.wait(delay_s):
                return
            if delay_s < -MAX_REPLAY_LAG_S:
                with self._condition:
                    self.dropped += 1
                continue
            publish(frame)


def _open_camera(index: int) -> cv2.VideoCapture:
    """``cv2.VideoCapture(index)`` without OpenCV's own log lines about a missing camera
    (the caller explains a failure in one sentence)."""
    logging = getattr(getattr(cv2, "utils", None), "logging", None)
    previous = logging.getLogLevel() if logging is not None else None
    if logging is not None:
        logging.setLogLevel(logging.LOG_LEVEL_SILENT)
    try:
        return cv2.VideoCapture(index)
    finally:
        if logging is not None and previous is not None:
            logging.setLogLevel(previous)


class CameraSource(_LatestFrameSource):
    """A webcam by index; frame times are seconds since the first frame (monotonic clock)."""

    def __init__(self, index: int = 0, width: int | None = None, height: int | None = None,
                 stall_timeout_s: float = CAMERA_STALL_TIMEOUT_S) -> None:
        super().__init__()
        self.index = index
        self.stall_timeout_s = stall_timeout_s
        self._capture = _open_camera(index)
        if not self._capture.isOpened():
            self._capture.release()
            raise CameraError(f"camera {index} could not be opened — is it plugged in and free? "
                              "try another --camera index, or --source FILE to replay a video")
        if width:
            self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        if height:
            self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)

    def close(self) -> None:
        """Stop the producer (it releases the camera); release it here if it never started."""
        started = self._thread is not None
        super().close()
        if not started:
            self._capture.release()

    def _produce(self, publish: Callable[[Frame], None]) -> None:
        start: float | None = None
        last_frame_at = time.monotonic()
        index = 0
        try:
            while not self._stop.is_set():
                ok, bgr = self._capture.read()
                now = time.monotonic()
                if not ok or bgr is None:
                    if now - last_frame_at > self.stall_timeout_s:
                        raise CameraError(f"camera {self.index} stopped delivering frames — "
                                          "was it unplugged or taken by another program?")
                    time.sleep(0.01)
                    continue
                start = now if start is None else start
                last_frame_at = now
                publish(Frame(index=index, t_s=now - start, rgb=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB),
                              captured_s=now))
                index += 1
        finally:
            self._capture.release()
