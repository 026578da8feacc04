"""MediaPipe PoseLandmarker wrapped as a pose estimator: frames in, one tracked :class:`Pose` out.

This is the only module that imports mediapipe (lazily, when an estimator is created).
Modes: ``image`` (independent pictures), ``video`` (a file, frames in time order) and
``live`` (asynchronous, newest frame only: a frame handed over while the model is busy
is dropped rather than queued). The model is asked for two people and a
:class:`~formcheck.tracking.PersonTracker` keeps the person of interest.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any, Literal

import numpy as np

from formcheck.errors import ModelError
from formcheck.core.landmarks import NUM_LANDMARKS
from formcheck.core.pose import Pose
from formcheck.pose.model import resolve_model_path
from formcheck.pose.tracking import PersonTracker
from formcheck.profiles import get_profile
from formcheck.core.frame import Frame

Mode = Literal["image", "video", "live"]
MODES: tuple[str, ...] = ("image", "video", "live")


class _HeldInterrupt:
    """Hold Ctrl-C while MediaPipe builds an image or runs the model, then raise it.

    A KeyboardInterrupt inside ``mp.Image(...)`` leaves a half-made image whose clean-up
    prints "Exception ignored … AttributeError: 'Image' object has no attribute
    '_image_ptr'" at exit. Only Python's default handler on the main thread is replaced
    (a program's own SIGINT handler is left alone); the interrupt is raised as soon as
    the call returns, so stopping is at most one frame (~50 ms) later.
    """

    def __init__(self) -> None:
        self._pending = False
        self._previous: Any = None

    def __enter__(self) -> _HeldInterrupt:
        self._pending = False
        self._previous = None
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            self._previous = signal.signal(signal.SIGINT, self._hold)
        return self

    def _hold(self, _signum: int, _frame: Any) -> None:
        self._pending = True

    def __exit__(self, exc_type: Any, *_: object) -> None:
        if self._previous is None:
            return
        signal.signal(signal.SIGINT, self._previous)
        if self._pending and exc_type is None:
            raise KeyboardInterrupt


class _MutedStderr:
    """Sends file descriptor 2 to /dev/null while active.

    MediaPipe's C++ runtime prints start-up chatter (XNNPACK, feedback manager,
    projection warnings) straight to fd 2 when the model loads and on its first frame;
    users should not see it. Failures still reach Python as exceptions.
    """

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._saved_fd: int | None = None

    def start(self) -> None:
        if self.enabled and self._saved_fd is None:
            sys.stderr.flush()
            self._saved_fd = os.dup(2)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)

    def stop(self) -> None:
        if self._saved_fd is not None:
            os.dup2(self._saved_fd, 2)
            os.close(self._saved_fd)
            self._saved_fd = None


def _import_mediapipe() -> tuple[Any, Any, Any]:
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    return mp, BaseOptions, vision


class PoseEstimator:
    """Runs PoseLandmarker on frames and returns the tracked person's :class:`Pose`.

    Args:
        model_path: a ``.task`` bundle; default: ``$FORMCHECK_MODEL`` or the bundled model.
        mode: ``"image"``, ``"video"`` or ``"live"``.
        num_poses: how many people the model may return (the tracker keeps one).
        segmentation: also return the person's silhouette mask.
        min_confidence: detection, presence and tracking confidence thresholds.
        quiet: hide MediaPipe's native log lines printed while loading and on the first frame.
        person_forget_s: the tracker forgets a person unmatched this long (s; default: the
            profiles' ``person_forget_s``).
    """

    def __init__(self, model_path: str | os.PathLike[str] | None = None, mode: Mode = "video",
                 num_poses: int = 2, segmentation: bool = True, min_confidence: float = 0.5,
                 quiet: bool = True, person_forget_s: float | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        if num_poses < 1:
            raise ValueError(f"num_poses must be at least 1, got {num_poses}")
        self.model_path: Path = resolve_model_path(model_path)
        self.mode = mode
        self.tracker = PersonTracker(get_profile().person_forget_s if person_forget_s is None else person_forget_s)
        self._muted = _MutedStderr(quiet)
        self._muted.start()  # stays muted until the first frame has been processed
        try:
            self._mp, base_options, vision = _import_mediapipe()
            self._landmarker = self._create(vision, base_options, num_poses, segmentation,
                                            min_confidence)
        except BaseException:
            self._muted.stop()
            raise
        self._last_timestamp_ms = -1
        self._lock = threading.Lock()
        self._in_flight: dict[int, Frame] = {}
        self._latest: Pose | None = None
        self._live_error: BaseException | None = None
        self.dropped = 0
        self._closed = False

    def _create(self, vision: Any, base_options: Any, num_poses: int, segmentation: bool,
                min_confidence: float) -> Any:
        running_mode = {"image": vision.RunningMode.IMAGE, "video": vision.RunningMode.VIDEO,
                        "live": vision.RunningMode.LIVE_STREAM}[self.mode]
        options = vision.PoseLandmarkerOptions(
            base_options=base_options(model_asset_path=str(self.model_path)),
            running_mode=running_mode, num_poses=num_poses,
            min_pose_detection_confidence=min_confidence, min_pose_presence_confidence=min_confidence,
            min_tracking_confidence=min_confidence, output_segmentation_masks=segmentation,
            result_callback=self._on_live_result if self.mode == "live" else None)
        try:
            return vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"the pose model {self.model_path} could not be loaded ({_first_line(exc)}) — "
                             "rebuild it with models/build_pose_task.sh or reinstall formcheck") from None

    # -- image and video modes -------------------------------------------------------------
    def estimate(self, frame: Frame) -> Pose:
        """The tracked person in ``frame`` (``Pose.missing`` when nobody is found)."""
        if self.mode == "live":
            raise RuntimeError("estimate() is for image and video modes; use submit()/latest() live")
        with _HeldInterrupt():
            image = self._to_image(frame)
            try:
                if self.mode == "image":
                    self.tracker.reset()  # independent pictures: no person to follow
                    result = self._landmarker.detect(image)
                else:
                    result = self._landmarker.detect_for_video(image, self._next_timestamp_ms(frame.t_s))
            finally:
                self._muted.stop()
        return self._select(result, frame)

    # -- live mode -------------------------------------------------------------------------
    def submit(self, frame: Frame) -> bool:
        """Hand ``frame`` to the model; False (frame dropped) while the previous one is in flight."""
        if self.mode != "live":
            raise RuntimeError("submit() is for live mode; use estimate()")
        with self._lock:
            if self._in_flight:
                self.dropped += 1
                return False
            timestamp_ms = self._next_timestamp_ms(frame.t_s)
            self._in_flight[timestamp_ms] = frame
        with _HeldInterrupt():
            self._landmarker.detect_async(self._to_image(frame), timestamp_ms)
        return True

    def latest(self) -> Pose | None:
        """The newest result not yet taken, or None."""
        with self._lock:
            pose, self._latest = self._latest, None
            error, self._live_error = self._live_error, None
        if error is not None:
            raise error
        return pose

    def _on_live_result(self, result: Any, _image: Any, timestamp_ms: int) -> None:
        self._muted.stop()
        with self._lock:
            frame = self._in_flight.pop(int(timestamp_ms), None)
        if frame is None:
            return
        try:
            pose = self._select(result, frame)
        except BaseException as exc:  # surfaced to the caller by latest()
            with self._lock:
                self._live_error = exc
            return
        with self._lock:
            self._latest = pose

    @property
    def busy(self) -> bool:
        """True while a live frame is being processed."""
        with self._lock:
            return bool(self._in_flight)

    # -- shared ----------------------------------------------------------------------------
    def _to_image(self, frame: Frame) -> Any:
        rgb = np.ascontiguousarray(frame.rgb, dtype=np.uint8)
        return self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=rgb)

    def _next_timestamp_ms(self, t_s: float) -> int:
        """MediaPipe needs strictly increasing integer milliseconds."""
        timestamp_ms = max(int(round(t_s * 1000.0)), self._last_timestamp_ms + 1)
        self._last_timestamp_ms = timestamp_ms
        return timestamp_ms

    def _select(self, result: Any, frame: Frame) -> Pose:
        found = len(result.pose_landmarks)
        if found == 0:
            self.tracker.update(np.empty((0, NUM_LANDMARKS, 2)), frame.t_s)
            return Pose.missing(frame.t_s, frame.size)
        width, height = frame.size
        candidates = np.array([[(p.x * width, p.y * height) for p in person]
                               for person in result.pose_landmarks], dtype=np.float64)
        chosen = self.tracker.update(candidates, frame.t_s)
        if chosen is None:
            return Pose.missing(frame.t_s, frame.size, num_candidates=found)
        return Pose.from_mediapipe(result, chosen, frame.t_s, frame.size, xy_px=candidates[chosen])

    def close(self) -> None:
        """Release the model (safe to call twice)."""
        if not self._closed:
            self._closed = True
            self._muted.start()  # closing prints "DestroyAccelerator" lines on fd 2
            try:
                self._landmarker.close()
            finally:
                self._muted.stop()

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
