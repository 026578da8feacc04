"""Live frame sources: a webcam, and a file replayed at real speed like a camera.

Both keep only the newest frame: a slow consumer gets the latest picture, never a queue
(stale frames are counted as dropped).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator

import cv2

from formcheck.core.frame import Frame
from formcheck.errors import CameraError
from formcheck.io.sources import CAMERA_STALL_TIMEOUT_S, MAX_REPLAY_LAG_S, VideoFileSource


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
