"""Write RGB frames to an MP4 file: H.264 when this OpenCV can encode it, else MPEG-4 Part 2.

Browsers play H.264 MP4 but not MPEG-4 Part 2 (``mp4v``). The opencv-contrib wheel that
mediapipe brings (5.0) has no software H.264 encoder (only ``h264_v4l2m2m``, which needs
a hardware device), so on most machines the sink falls back to ``mp4v`` and says so in
:attr:`VideoSink.warning`. Frames go to ``<name>.part<suffix>`` first and are renamed
into place on close, so a crash never leaves a half-written file under the real name.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from types import TracebackType

# Quiet the FFmpeg encoder probing (failed H.264 attempts log errors) when cv2 loads here.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")

import cv2  # noqa: E402  (after the log settings above)
import numpy as np  # noqa: E402

# Tried in order; the first the OpenCV build can open wins. ("H264" is not tried: in an
# MP4 OpenCV maps it to the same "avc1" tag and encoder, printing a complaint on stderr.)
H264_FOURCCS: tuple[str, ...] = ("avc1",)
FALLBACK_FOURCC = "mp4v"
CODEC_NAMES: dict[str, str] = {"avc1": "h264", "mp4v": "mpeg4"}


class VideoSink:
    """Context manager writing (height, width, 3) uint8 RGB frames to an MP4 file.

    Attributes:
        path: the final file, present only after :meth:`close`.
        fps: frame rate in frames per second (float: 29.97 stays 29.97).
        size: (width_px, height_px) of every frame given to :meth:`write`.
        encoded_size: the file's (width_px, height_px): ``size`` rounded up to even numbers
            (4:2:0 encoders need them; OpenCV would silently crop), padded at right/bottom.
        codec: ``"h264"`` or ``"mpeg4"`` (MPEG-4 Part 2), known once opened.
        warning: one sentence when the file is not H.264, else None.
        frames_written: frames written so far.
    """

    def __init__(self, path: str | os.PathLike[str], fps: float, size: tuple[int, int]) -> None:
        if isinstance(fps, bool) or not isinstance(fps, (int, float)) or not math.isfinite(fps) or fps <= 0:
            raise ValueError(f"VideoSink fps must be a finite number > 0, got {fps!r}")
        if len(size) != 2 or any(isinstance(v, bool) or int(v) != v or v <= 0 for v in size):
            raise ValueError(f"VideoSink size must be (width_px, height_px) positive integers, got {size!r}")
        self.path = Path(path)
        self.part_path = self.path.with_name(f"{self.path.stem}.part{self.path.suffix or '.mp4'}")
        self.fps = float(fps)
        self.size = (int(size[0]), int(size[1]))
        self.encoded_size = (self.size[0] + self.size[0] % 2, self.size[1] + self.size[1] % 2)
        self.codec: str | None = None
        self.warning: str | None = None
        self.frames_written = 0
        self._writer: cv2.VideoWriter | None = None

    def open(self) -> VideoSink:
        """Open the temporary file with the best codec this OpenCV build can encode."""
        if self._writer is not None:
            return self
        for fourcc in (*H264_FOURCCS, FALLBACK_FOURCC):
            writer = _open_writer(self.part_path, fourcc, self.fps, self.encoded_size)
            if writer is not None:
                self._writer = writer
                self.codec = CODEC_NAMES[fourcc]
                break
        if self._writer is None:
            self.part_path.unlink(missing_ok=True)
            raise OSError(f"cannot write video {self.path}: OpenCV could not open an MP4 encoder")
        if self.codec != "h264":
            self.warning = f"{self.path.name} is MPEG-4 Part 2, not H.264: browsers may not play it"
        return self

    def write(self, rgb: np.ndarray) -> None:
        """Append one RGB frame of exactly :attr:`size`."""
        if self._writer is None:
            raise RuntimeError("VideoSink.write called before open() or after close()")
        width, height = self.size
        if rgb.shape != (height, width, 3) or rgb.dtype != np.uint8:
            raise ValueError(f"frame must be uint8 of shape {(height, width, 3)}, "
                             f"got {rgb.dtype} {rgb.shape}")
        bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
        if self.encoded_size != self.size:
            pad_w, pad_h = self.encoded_size[0] - width, self.encoded_size[1] - height
            bgr = cv2.copyMakeBorder(bgr, 0, pad_h, 0, pad_w, cv2.BORDER_REPLICATE)
        self._writer.write(bgr)
        self.frames_written += 1

    def close(self) -> None:
        """Finish the file and move it into place; with no frames, leave nothing (idempotent)."""
        if self._writer is None:
            return
        self._writer.release()
        self._writer = None
        if self.frames_written == 0:
            self.part_path.unlink(missing_ok=True)
            return
        os.replace(self.part_path, self.path)

    def __enter__(self) -> VideoSink:
        return self.open()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        # The encoder finalises the MP4 on release, so frames written before an
        # interruption (Ctrl-C) still make a complete, playable file.
        self.close()


def _open_writer(path: Path, fourcc: str, fps: float, size: tuple[int, int]) -> cv2.VideoWriter | None:
    """An opened writer for ``fourcc``, or None when this build cannot encode it (quietly)."""
    logging = cv2.utils.logging
    level = logging.getLogLevel()
    logging.setLogLevel(logging.LOG_LEVEL_SILENT)  # a failed probe is expected, not an error
    try:
        writer = cv2.VideoWriter(str(path), cv2.CAP_FFMPEG, cv2.VideoWriter_fourcc(*fourcc), fps, size)
    finally:
        logging.setLogLevel(level)
    if writer.isOpened():
        return writer
    writer.release()
    return None
