"""The live loop's session endings without a camera: a source that fails mid-session
(camera unplugged) still leaves a report, and the CLI says so in one sentence."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

import numpy as np
import pytest

import formcheck.app.live as live_module
from formcheck import cli
from formcheck.errors import CameraError
from formcheck.core.pose import Pose
from formcheck.app.live import LiveOptions, run_live
from formcheck.core.frame import Frame
from formcheck.io.live_sources import _LatestFrameSource

from test_live_feedback import lying_pose

SIZE = (640, 360)
UNPLUGGED = "camera 0 stopped delivering frames — was it unplugged or taken by another program?"


class FailingCamera(_LatestFrameSource):
    """Publishes ``frames`` frames at about ``fps``, then fails like an unplugged camera."""

    def __init__(self, frames: int, fps: float = 60.0) -> None:
        super().__init__()
        self.frames, self.fps = frames, fps

    def _produce(self, publish: Callable[[Frame], None]) -> None:
        for index in range(self.frames):
            if self._stop.wait(1.0 / self.fps):
                return
            publish(Frame(index=index, t_s=index / self.fps, rgb=np.zeros((SIZE[1], SIZE[0], 3), np.uint8)))
        raise CameraError(UNPLUGGED)


class StillPersonEstimator:
    """Stands in for ``PoseEstimator(mode="live")``: a person lying still in tabletop,
    returned ``delay_s`` after each frame is submitted (one frame in flight at a time)."""

    def __init__(self, *_args: object, delay_s: float = 0.03, **_kwargs: object) -> None:
        self.delay_s = delay_s
        self.dropped = 0
        self._pending: tuple[float, Frame] | None = None
        self.submitted = 0

    @property
    def busy(self) -> bool:
        return self._pending is not None and time.monotonic() < self._pending[0]

    def submit(self, frame: Frame) -> bool:
        if self.busy:
            self.dropped += 1
            return False
        self._pending = (time.monotonic() + self.delay_s, frame)
        self.submitted += 1
        return True

    def latest(self) -> Pose | None:
        if self._pending is None or self.busy:
            return None
        frame = self._pending[1]
        self._pending = None
        return lying_pose(frame.t_s, size=frame.size)

    def __enter__(self) -> StillPersonEstimator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass


@pytest.fixture
def unplugged_camera(monkeypatch) -> None:
    """``formcheck live --camera 0`` gets a camera that fails after 2 s, and the stand-in model."""
    monkeypatch.setattr(live_module, "open_source", lambda options: (FailingCamera(120), "camera 0"))
    monkeypatch.setattr(live_module, "PoseEstimator", StillPersonEstimator)


def test_camera_failing_mid_session_keeps_what_was_recorded(unplugged_camera, tmp_path) -> None:
    result = run_live(LiveOptions(camera=0, out_dir=tmp_path / "out", window=False))
    assert result.ended_by == "camera error" and result.error == UNPLUGGED
    assert not result.complete
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["complete"] is False and report["source"]["path"] == "camera 0"
    # the model (30 ms a frame) kept up with at most one frame in flight; the rest were dropped
    stats = result.stats
    assert stats.processed == report["source"]["frames"] >= 20
    # the camera's own frame rate (60 fps), not the rate the model kept up with (~30 a second)
    assert report["source"]["fps"] == pytest.approx(60.0, rel=0.01)
    assert 119 <= stats.processed + stats.dropped <= 120  # one may be in flight when the camera fails
    assert stats.dropped > 0 and all(latency >= 30.0 for latency in stats.latency_ms)
    assert report["calibration"]["ok"]  # the still tabletop was calibrated on
    assert result.history is None  # not asked to record


def test_a_live_session_without_reps_is_not_recorded(unplugged_camera, tmp_path) -> None:
    result = run_live(LiveOptions(camera=0, out_dir=tmp_path / "out", window=False, history=True, person="Ann"))
    assert result.history is not None and result.history.status == "skipped" and result.history.ok


def test_cli_says_one_sentence_and_exits_non_zero_when_the_camera_fails(unplugged_camera, tmp_path,
                                                                       capsys) -> None:
    status = cli.main(["live", "--camera", "0", "--no-window", "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert status == CameraError.exit_code != 0
    assert captured.err.strip().splitlines() == [f"formcheck: error: {UNPLUGGED}"]
    assert f"wrote {tmp_path / 'out' / 'report.json'}" in captured.out
    assert "session ended: camera error" in captured.out


def test_default_output_folder_is_timestamped_in_the_current_folder(tmp_path, monkeypatch) -> None:
    from datetime import datetime

    monkeypatch.chdir(tmp_path)
    folder = live_module.default_live_out_dir(datetime(2026, 11, 24, 7, 5, 9))
    assert folder == Path(tmp_path) / "formcheck_live_20261124-070509"


class ScriptedWindow:
    """Stands in for the cv2 window: records what is shown, presses keys at given times (s)."""

    def __init__(self, keys: list[tuple[float, str]]) -> None:
        self.keys = sorted(keys)
        self.started = time.monotonic()
        self.shown: list[np.ndarray] = []
        self.closed = False

    def show(self, rgb: np.ndarray) -> None:
        self.shown.append(rgb)

    def poll(self, wait_ms: int) -> str | None:
        time.sleep(wait_ms / 1000.0)
        if self.keys and time.monotonic() - self.started >= self.keys[0][0]:
            return self.keys.pop(0)[1]
        return None

    def close(self) -> None:
        self.closed = True


def test_keys_pause_recalibrate_and_quit(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(live_module, "open_source", lambda options: (FailingCamera(600), "camera 0"))
    monkeypatch.setattr(live_module, "PoseEstimator", StillPersonEstimator)
    window = ScriptedWindow([(3.0, "pause"), (4.0, "pause"), (4.5, "recalibrate"), (6.0, "quit")])
    monkeypatch.setattr(live_module, "CvWindow", lambda: window)
    monkeypatch.setenv("DISPLAY", ":0")  # the stand-in window needs no screen
    result = run_live(LiveOptions(camera=0, out_dir=tmp_path / "out", window=True))
    assert result.ended_by == "quit" and result.complete and window.closed
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["complete"] is True
    times = result.recorder.t_s
    gap = int(np.argmax(np.diff(times)))
    assert 0.7 < times[gap + 1] - times[gap] < 1.5  # nothing was processed during the 1 s pause
    # r (0.5 s after the pause) restarted the calibration: frames after it wait for a new one
    segments = result.recorder.segments
    assert segments[0].calibration is not None and segments[0].calibration.end_s <= times[gap]
    assert len(segments) >= 2 and segments[1].calibration is None
    assert 0.3 < times[segments[1].start] - times[gap + 1] < 0.8
    assert len(window.shown) >= result.stats.processed  # every processed frame was drawn (+ the paused one)
    assert window.shown[0].shape == (SIZE[1], SIZE[0], 3)


def _frames(path: Path) -> list[dict[str, str]]:
    import csv

    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("args, fragment", [
    (["--camera", "0", "--source", "clip.mp4"], "not allowed with"),
    (["--camera", "-1"], "camera index must be 0 or more"),
    (["--camera", "usb"], "camera index must be a whole number"),
])
def test_live_arguments_are_checked_before_anything_opens(args, fragment, capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["live", *args, "--no-window"])
    assert stop.value.code == 2 and fragment in capsys.readouterr().err
