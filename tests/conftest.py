"""Shared fixtures: generated test videos (ffmpeg), the real clip, one loaded pose model."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
REAL_CLIP = REPO.parent / "shared" / "real" / "physio_bridging.mp4"
SAMPLES = REPO / "samples"


@pytest.fixture(scope="session")
def real_clip() -> Path:
    """The real clip of a person lying on the floor (skips when shared/ is absent)."""
    if not REAL_CLIP.is_file():
        pytest.skip(f"real clip {REAL_CLIP} not present")
    return REAL_CLIP


@pytest.fixture(scope="session")
def ffmpeg() -> str:
    """The ffmpeg binary of imageio-ffmpeg (a test extra), used to make small videos."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


MakeVideo = Callable[..., Path]


@pytest.fixture
def make_video(tmp_path: Path, ffmpeg: str) -> MakeVideo:
    """Build a small H.264 test video with ffmpeg; ``extra`` are output options."""

    def make(name: str = "test.mp4", rate: str = "30", seconds: float = 1.0, size: str = "320x240",
             extra: tuple[str, ...] = (), pattern: str = "testsrc") -> Path:
        out = tmp_path / name
        sep = ":" if "=" in pattern else "="
        subprocess.run([ffmpeg, "-v", "error", "-y", "-f", "lavfi",
                        "-i", f"{pattern}{sep}size={size}:rate={rate}", "-t", str(seconds),
                        *extra, "-pix_fmt", "yuv420p", "-c:v", "libx264", str(out)], check=True)
        return out

    return make


@pytest.fixture(scope="session")
def image_estimator() -> Iterator[object]:
    """One IMAGE-mode estimator shared by tests that look at single pictures."""
    from formcheck.pose.estimator import PoseEstimator

    with PoseEstimator(mode="image") as estimator:
        yield estimator


def first_frames(path: Path, count: int) -> list[np.ndarray]:
    """The first ``count`` RGB frames of a video."""
    from formcheck.io.sources import VideoFileSource

    frames = []
    for frame in VideoFileSource(path):
        frames.append(frame.rgb)
        if len(frames) == count:
            break
    return frames


@pytest.fixture(autouse=True)
def _history_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test records sessions in a history of its own, never in the user's data folder."""
    home = tmp_path_factory.mktemp("formcheck_home")
    monkeypatch.setenv("FORMCHECK_HOME", str(home))
    return home
