"""One MediaPipe PoseLandmarker: pixels in, its result out, its native chatter hidden.

The only module that imports mediapipe (lazily, when a landmarker is created). Running
modes: ``image`` (each call independent: the person detector runs every time, so every
person in view is found) and ``video`` (frames in time order: after the first frame the
model follows each person from the previous landmarks and runs its detector only while it
follows fewer people than ``num_poses``).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any, Literal

import numpy as np

from formcheck.core.landmarks import NUM_LANDMARKS
from formcheck.errors import ModelError

RunningMode = Literal["image", "video"]


class HeldInterrupt:
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

    def __enter__(self) -> HeldInterrupt:
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


def _keep_python_stderr() -> None:
    """Point ``sys.stderr`` at a copy of fd 2 (once), so formcheck's own lines — a warning
    from another thread while a model call has fd 2 muted — still reach the terminal."""
    try:
        on_fd_2 = sys.stderr.fileno() == 2
    except (AttributeError, OSError, ValueError):  # already replaced (e.g. captured by a test runner)
        return
    if on_fd_2:
        sys.stderr.flush()
        sys.stderr = os.fdopen(os.dup(2), "w", buffering=1, encoding=sys.stderr.encoding,
                               errors=sys.stderr.errors)


class MutedStderr:
    """Sends file descriptor 2 to /dev/null while active (a context manager).

    MediaPipe's C++ runtime prints straight to fd 2: start-up chatter (LiteRT, XNNPACK,
    sparsity warnings) when a model loads, one-off warnings the first time each model
    runs, and "DestroyAccelerator" lines when it closes. Users should not see it;
    failures still reach Python as exceptions.
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._saved_fd: int | None = None

    def __enter__(self) -> MutedStderr:
        if self.enabled and self._saved_fd is None:
            _keep_python_stderr()
            sys.stderr.flush()
            self._saved_fd = os.dup(2)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._saved_fd is not None:
            os.dup2(self._saved_fd, 2)
            os.close(self._saved_fd)
            self._saved_fd = None


def _import_mediapipe() -> tuple[Any, Any, Any]:
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    return mp, BaseOptions, vision


class Landmarker:
    """A PoseLandmarker in ``image`` or ``video`` mode.

    Args:
        model_path: a checked ``.task`` bundle (see :func:`formcheck.pose.model.resolve_model_path`).
        running_mode: ``"image"`` or ``"video"``.
        num_poses: how many people it may return.
        segmentation: also return each person's silhouette mask.
        min_confidence: detection, presence and tracking confidence thresholds.
        quiet: hide the native log lines of loading, of the first calls and of closing.

    Attributes:
        calls: frames it has run on (for benchmarks and tests).
    """

    def __init__(self, model_path: Path, running_mode: RunningMode, num_poses: int, segmentation: bool = True,
                 min_confidence: float = 0.5, quiet: bool = True) -> None:
        if running_mode not in ("image", "video"):
            raise ValueError(f"running_mode must be 'image' or 'video', got {running_mode!r}")
        if num_poses < 1:
            raise ValueError(f"num_poses must be at least 1, got {num_poses}")
        self.model_path = model_path
        self.running_mode = running_mode
        self.quiet = quiet
        self.calls = 0
        self._found_once = False  # muted until the landmark model itself has run once
        self._last_timestamp_ms = -1
        self._closed = False
        with MutedStderr(quiet):
            self._mp, base_options, vision = _import_mediapipe()
            options = vision.PoseLandmarkerOptions(
                base_options=base_options(model_asset_path=str(model_path)),
                running_mode=vision.RunningMode.IMAGE if running_mode == "image" else vision.RunningMode.VIDEO,
                num_poses=num_poses, min_pose_detection_confidence=min_confidence,
                min_pose_presence_confidence=min_confidence, min_tracking_confidence=min_confidence,
                output_segmentation_masks=segmentation)
            try:
                self._landmarker = vision.PoseLandmarker.create_from_options(options)
            except (RuntimeError, ValueError) as exc:
                raise ModelError(f"the pose model {model_path} could not be loaded ({_first_line(exc)}) — "
                                 "rebuild it with models/build_pose_task.sh or reinstall formcheck") from None

    def detect(self, rgb: np.ndarray, t_s: float = 0.0) -> Any:
        """The model's result for (height, width, 3) uint8 RGB pixels at time ``t_s`` (video mode)."""
        with HeldInterrupt(), MutedStderr(self.quiet and not self._found_once):
            image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB,
                                   data=np.ascontiguousarray(rgb, dtype=np.uint8))
            if self.running_mode == "image":
                result = self._landmarker.detect(image)
            else:
                result = self._landmarker.detect_for_video(image, self._next_timestamp_ms(t_s))
        self.calls += 1
        self._found_once = self._found_once or bool(result.pose_landmarks)
        return result

    def _next_timestamp_ms(self, t_s: float) -> int:
        """MediaPipe needs strictly increasing integer milliseconds."""
        timestamp_ms = max(int(round(t_s * 1000.0)), self._last_timestamp_ms + 1)
        self._last_timestamp_ms = timestamp_ms
        return timestamp_ms

    def close(self) -> None:
        """Release the model (safe to call twice)."""
        if not self._closed:
            self._closed = True
            with MutedStderr(self.quiet):
                self._landmarker.close()


def candidates_px(result: Any, size: tuple[int, int]) -> np.ndarray:
    """(k, 33, 2) image landmarks in pixels of the k people in a result, for a (width, height) picture."""
    if not result.pose_landmarks:
        return np.empty((0, NUM_LANDMARKS, 2))
    width, height = size
    return np.array([[(p.x * width, p.y * height) for p in person] for person in result.pose_landmarks],
                    dtype=np.float64)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
