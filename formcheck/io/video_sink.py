"""Write RGB frames to an MP4 file: H.264 when something here can encode it, else MPEG-4 Part 2.

Browsers play H.264 MP4 but not MPEG-4 Part 2 (``mp4v``). Encoders are tried in order:

1. ``opencv-h264``: OpenCV's ``avc1`` fourcc. The opencv-contrib 5.0 wheel that mediapipe
   brings has no software H.264 encoder (only ``h264_v4l2m2m``, which needs a hardware
   device), so this fails on most machines;
2. ``ffmpeg-h264``: libx264 through the ffmpeg binary of the ``imageio-ffmpeg`` package (a
   dependency of formcheck, absent only from a broken install; raw RGB frames piped to it);
3. ``opencv-mp4v``: always available; :attr:`VideoSink.warning` then says browsers may not
   play the file.

Frames go to ``<name>.part<suffix>`` first and are synced and renamed into place by
:meth:`VideoSink.close` (a clean exit of the ``with`` block); an exception in the block
aborts instead (:meth:`VideoSink.abort`), so a crash never leaves a half-written file under the
real name and the previous file stays as it was.
"""

from __future__ import annotations

import math
import os
import subprocess
import tempfile
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import IO, Protocol

# Quiet the FFmpeg encoder probing (failed H.264 attempts log errors) when cv2 loads here.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")

import cv2  # noqa: E402  (after the log settings above)
import numpy as np  # noqa: E402

from formcheck.io.atomic import publish  # noqa: E402

# Tried in this order by default. (OpenCV's "H264" fourcc is not tried: in an MP4 OpenCV
# maps it to the same "avc1" tag and encoder, printing a complaint on stderr.)
ENCODERS: tuple[str, ...] = ("opencv-h264", "ffmpeg-h264", "opencv-mp4v")
_OPENCV_FOURCCS: dict[str, str] = {"opencv-h264": "avc1", "opencv-mp4v": "mp4v"}
CODECS: dict[str, str] = {"opencv-h264": "h264", "ffmpeg-h264": "h264", "opencv-mp4v": "mpeg4"}

# libx264 for ``ffmpeg-h264``: quality by constant rate factor (lower is better; 18-23 looks like
# the source at normal viewing), speed by the ultrafast preset with three of its savings taken
# back, each cheap on a still camera: macroblock-tree rate control over a 10-frame lookahead, two
# fixed B-frames and CABAC. On the 720p samples that is about half of veryfast's encoding time
# for twice its file size at the same PSNR (ultrafast alone: 4x veryfast's size).
X264_CRF = 20
X264_OPTIONS: tuple[str, ...] = ("-preset", "ultrafast",
                                 "-x264-params", "mbtree=1:rc-lookahead=10:bframes=2:b-adapt=0:cabac=1")


class _Writer(Protocol):
    def write(self, rgb: np.ndarray) -> None: ...

    def release(self) -> None: ...

    def abort(self) -> None: ...


class VideoSink:
    """Context manager writing (height, width, 3) uint8 RGB frames to an MP4 file.

    Attributes:
        path: the final file, present only after :meth:`close`.
        fps: frame rate in frames per second (float: 29.97 stays 29.97).
        size: (width_px, height_px) of every frame given to :meth:`write`.
        encoded_size: the file's (width_px, height_px): ``size`` rounded up to even numbers
            (4:2:0 encoders need them; OpenCV would silently crop), padded at right/bottom.
        encoders: encoder names tried in order (see :data:`ENCODERS`).
        encoder: the encoder in use, known once opened.
        codec: ``"h264"`` or ``"mpeg4"`` (MPEG-4 Part 2), known once opened.
        warning: one sentence when the file is not H.264, else None.
        frames_written: frames written so far.
    """

    def __init__(self, path: str | os.PathLike[str], fps: float, size: tuple[int, int],
                 encoders: tuple[str, ...] = ENCODERS) -> None:
        if isinstance(fps, bool) or not isinstance(fps, (int, float)) or not math.isfinite(fps) or fps <= 0:
            raise ValueError(f"VideoSink fps must be a finite number > 0, got {fps!r}")
        if len(size) != 2 or any(isinstance(v, bool) or int(v) != v or v <= 0 for v in size):
            raise ValueError(f"VideoSink size must be (width_px, height_px) positive integers, got {size!r}")
        unknown = [name for name in encoders if name not in CODECS]
        if not encoders or unknown:
            raise ValueError(f"VideoSink encoders must be some of {ENCODERS}, got {encoders!r}")
        self.path = Path(path)
        self.part_path = self.path.with_name(f"{self.path.stem}.part{self.path.suffix or '.mp4'}")
        self.fps = float(fps)
        self.size = (int(size[0]), int(size[1]))
        self.encoded_size = (self.size[0] + self.size[0] % 2, self.size[1] + self.size[1] % 2)
        self.encoders = tuple(encoders)
        self.encoder: str | None = None
        self.codec: str | None = None
        self.warning: str | None = None
        self.frames_written = 0
        self._writer: _Writer | None = None

    def open(self) -> VideoSink:
        """Open the temporary file with the first encoder of :attr:`encoders` that works."""
        if self._writer is not None:
            return self
        for name in self.encoders:
            if name == "ffmpeg-h264":
                writer: _Writer | None = _FfmpegWriter.open(self.part_path, self.fps, self.encoded_size)
            else:
                writer = _OpenCVWriter.open(self.part_path, _OPENCV_FOURCCS[name], self.fps, self.encoded_size)
            if writer is not None:
                self._writer, self.encoder, self.codec = writer, name, CODECS[name]
                break
        if self._writer is None:
            self.part_path.unlink(missing_ok=True)
            raise OSError(f"cannot write video {self.path}: no MP4 encoder could be opened")
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
        if self.encoded_size != self.size:
            pad_w, pad_h = self.encoded_size[0] - width, self.encoded_size[1] - height
            rgb = cv2.copyMakeBorder(rgb, 0, pad_h, 0, pad_w, cv2.BORDER_REPLICATE)
        self._writer.write(rgb)
        self.frames_written += 1

    def close(self) -> None:
        """Finish the file and move it into place; with no frames, leave nothing (idempotent)."""
        if self._writer is None:
            return
        writer, self._writer = self._writer, None
        try:
            writer.release()
        except OSError:
            self.part_path.unlink(missing_ok=True)
            raise
        if self.frames_written == 0:
            self.part_path.unlink(missing_ok=True)
            return
        publish(self.part_path, self.path)

    def abort(self) -> None:
        """Stop without publishing: the encoder is stopped and the temporary file removed
        (idempotent). Use it when the video would be incomplete, e.g. after Ctrl-C."""
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.abort()
        self.part_path.unlink(missing_ok=True)

    def __enter__(self) -> VideoSink:
        return self.open()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        # only a clean exit publishes: after an error or Ctrl-C the video would be cut short
        if exc_type is None:
            self.close()
        else:
            self.abort()


class _OpenCVWriter:
    """cv2.VideoWriter taking RGB frames."""

    def __init__(self, writer: cv2.VideoWriter) -> None:
        self._writer = writer

    @classmethod
    def open(cls, path: Path, fourcc: str, fps: float, size: tuple[int, int]) -> _OpenCVWriter | None:
        """An opened writer, or None when this build cannot encode ``fourcc`` (quietly)."""
        logging = cv2.utils.logging
        level = logging.getLogLevel()
        logging.setLogLevel(logging.LOG_LEVEL_SILENT)  # a failed probe is expected, not an error
        try:
            writer = cv2.VideoWriter(str(path), cv2.CAP_FFMPEG, cv2.VideoWriter_fourcc(*fourcc), fps, size)
        finally:
            logging.setLogLevel(level)
        if writer.isOpened():
            return cls(writer)
        writer.release()
        return None

    def write(self, rgb: np.ndarray) -> None:
        self._writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))

    def release(self) -> None:
        self._writer.release()

    def abort(self) -> None:
        self._writer.release()


class _FfmpegWriter:
    """libx264 through the ffmpeg binary of imageio-ffmpeg, fed raw YUV 4:2:0 on stdin.

    The RGB frames are converted here with OpenCV (BT.601 limited range, what ffmpeg assumes
    for untagged yuv420p; within 2 levels of ffmpeg's own conversion): about a quarter of the
    cost of letting ffmpeg convert rgb24, and half the bytes through the pipe.
    """

    def __init__(self, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
        self._process = process
        self._log = log

    @classmethod
    def open(cls, path: Path, fps: float, size: tuple[int, int]) -> _FfmpegWriter | None:
        """A running encoder, or None when imageio-ffmpeg (or its libx264) is not available."""
        try:
            import imageio_ffmpeg  # a dependency, but a broken install may lack it or its binary

            exe = imageio_ffmpeg.get_ffmpeg_exe()
        except (ImportError, RuntimeError, OSError):
            return None
        rate = Fraction(fps).limit_denominator(1001)  # 29.97 → 30000/1001, exactly NTSC
        command = [exe, "-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "yuv420p",
                   "-s", f"{size[0]}x{size[1]}", "-framerate", f"{rate.numerator}/{rate.denominator}",
                   "-i", "-", "-an", "-c:v", "libx264", *X264_OPTIONS, "-crf", str(X264_CRF),
                   "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4", str(path)]
        log = tempfile.TemporaryFile()
        try:
            # its own session: Ctrl-C in the terminal reaches formcheck only, which then decides
            # whether to finish the file (close) or drop it (abort)
            process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log,
                                       start_new_session=True)
        except OSError:
            log.close()
            return None
        return cls(process, log)

    def write(self, rgb: np.ndarray) -> None:
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420))
        except BrokenPipeError:
            raise OSError(f"the ffmpeg encoder stopped: {self._stderr()}") from None

    def release(self) -> None:
        assert self._process.stdin is not None
        try:
            self._process.stdin.close()
        except BrokenPipeError:
            pass
        code = self._process.wait()
        message = self._stderr()
        self._log.close()
        if code != 0:
            raise OSError(f"the ffmpeg encoder failed (exit {code}): {message}")

    def abort(self) -> None:
        """Stop the encoder at once (its output is discarded by the caller)."""
        self._process.kill()
        self._process.wait()
        if self._process.stdin is not None:
            try:
                self._process.stdin.close()
            except OSError:
                pass
        self._log.close()

    def _stderr(self) -> str:
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace").strip()
        return text.splitlines()[-1] if text else "no message"
