"""H.264 encoder: raw RGB frames piped into ffmpeg (libx264)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from types import TracebackType

import numpy as np


class VideoEncoder:
    """Context manager writing RGB uint8 frames (H, W, 3) to an MP4 at an exact frame rate."""

    def __init__(self, path: str | Path, width_px: int, height_px: int, fps_num: int, fps_den: int = 1, crf: int = 28,
                 threads: int | None = None) -> None:
        if shutil.which("ffmpeg") is None:
            raise RuntimeError("ffmpeg is not installed: apt-get install -y ffmpeg")
        self.path = Path(path)
        self.size = (width_px, height_px)
        self.frames = 0
        self._cmd = [
            "ffmpeg", "-y", "-loglevel", "error",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width_px}x{height_px}",
            "-framerate", f"{fps_num}/{fps_den}", "-i", "-",
            "-c:v", "libx264", "-preset", "medium", "-crf", str(crf), "-pix_fmt", "yuv420p",
            *(["-threads", str(threads)] if threads else []),
            "-r", f"{fps_num}/{fps_den}", "-movflags", "+faststart", "-an", str(self.path),
        ]
        self._proc: subprocess.Popen | None = None

    def __enter__(self) -> "VideoEncoder":
        self._proc = subprocess.Popen(self._cmd, stdin=subprocess.PIPE)
        return self

    def write(self, rgb: np.ndarray) -> None:
        """Append one frame (H, W, 3) uint8."""
        h, w = rgb.shape[:2]
        if (w, h) != self.size:
            raise ValueError(f"frame is {w}x{h}, encoder expects {self.size[0]}x{self.size[1]}")
        assert self._proc is not None and self._proc.stdin is not None
        self._proc.stdin.write(np.ascontiguousarray(rgb, dtype=np.uint8).tobytes())
        self.frames += 1

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        self._proc.stdin.close()
        rc = self._proc.wait()
        if rc != 0 and exc is None:
            raise RuntimeError(f"ffmpeg failed with exit code {rc} writing {self.path}")
