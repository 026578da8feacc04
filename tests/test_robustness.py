"""Bad input, as users produce it: each row asserts the exit status, the sentence shown and
what was saved. Videos are made from the real clip (shared/real) with the bundled ffmpeg.

Rows covered elsewhere: missing path, directory, text named .mp4, random bytes, no person,
unwritable output folder, bad model, Ctrl-C (test_cli.py); missing model and corrupt
bundles (test_model.py); VFR, 29.97 fps and rotation timestamps (test_video.py); webcam
index that does not exist (test_video.py); two people in one frame (test_pose.py).
"""

from __future__ import annotations

import csv
import json
import resource
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from formcheck.errors import CameraError
from formcheck.io.live_sources import CameraSource

from test_cli import assert_one_line_error, run_cli


def ffmpeg_run(ffmpeg: str, *args: str) -> None:
    subprocess.run([ffmpeg, "-v", "error", "-y", *args], check=True, timeout=300)


def read_outputs(out: Path) -> tuple[dict, list[dict[str, str]]]:
    report = json.loads((out / "report.json").read_text())
    with open(out / "frames.csv", newline="") as handle:
        return report, list(csv.DictReader(handle))


def test_zero_frame_video(ffmpeg, tmp_path) -> None:
    clip = tmp_path / "zero.mp4"
    ffmpeg_run(ffmpeg, "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-frames:v", "0",
               "-c:v", "libx264", str(clip))
    assert_one_line_error(run_cli("analyze", str(clip)), "is not a readable video")


def test_audio_only_file(ffmpeg, tmp_path) -> None:
    clip = tmp_path / "voice.mp4"
    ffmpeg_run(ffmpeg, "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", str(clip))
    result = run_cli("analyze", str(clip))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "video" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_truncated_mp4_is_analysed_as_far_as_it_goes(ffmpeg, real_clip, tmp_path) -> None:
    whole = tmp_path / "whole.mp4"
    ffmpeg_run(ffmpeg, "-i", str(real_clip), "-c", "copy", "-movflags", "+faststart", str(whole))
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: int(whole.stat().st_size * 0.6)])
    out = tmp_path / "out"
    result = run_cli("analyze", str(cut), "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "may be truncated" in result.stdout and "Traceback" not in result.stderr
    report, rows = read_outputs(out)
    assert 10 < len(rows) < 91 and report["complete"] is True
    assert any("may be truncated" in w for w in report["warnings"])


def test_4k_video_memory_stays_bounded(ffmpeg, real_clip, tmp_path) -> None:
    clip = tmp_path / "uhd.mp4"
    ffmpeg_run(ffmpeg, "-i", str(real_clip), "-t", "1.5", "-vf", "scale=3840:2160", "-c:v", "libx264",
               "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(clip))
    out = tmp_path / "out"
    script = ("import resource, sys; from formcheck.cli import main; code = main(sys.argv[1:]); "
              "print('peak_mb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024); sys.exit(code)")
    result = subprocess.run([sys.executable, "-c", script, "analyze", str(clip), "--out", str(out), "--quiet"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    peak_mb = int(result.stdout.split("peak_mb")[-1])
    assert peak_mb < 1500, f"peak memory {peak_mb} MB for a 4K clip"
    report, rows = read_outputs(out)
    assert report["source"]["width"] == 3840 and len(rows) == 45
    assert np.mean([row["detected"] == "1" for row in rows]) >= 0.95


def test_portrait_phone_video_with_rotation_metadata(ffmpeg, real_clip, tmp_path) -> None:
    """Stored sideways, displayed upright: analysed upright (side view), not as a standing person."""
    sideways = tmp_path / "sideways.mp4"
    ffmpeg_run(ffmpeg, "-i", str(real_clip), "-vf", "transpose=1", "-c:v", "libx264", "-pix_fmt", "yuv420p",
               str(sideways))
    phone = tmp_path / "phone.mp4"
    ffmpeg_run(ffmpeg, "-display_rotation", "90", "-i", str(sideways), "-c", "copy", str(phone))
    out = tmp_path / "out"
    result = run_cli("analyze", str(phone), "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    report, rows = read_outputs(out)
    assert (report["source"]["width"], report["source"]["height"]) == (640, 480)
    assert report["view"]["view"] == "side"


def test_person_not_lying_down_is_told_to_lie_down(ffmpeg, real_clip, tmp_path) -> None:
    """The clip turned on its side (no metadata): the trunk runs up the image, as when standing."""
    turned = tmp_path / "turned.mp4"
    ffmpeg_run(ffmpeg, "-i", str(real_clip), "-vf", "transpose=2", "-c:v", "libx264", "-pix_fmt", "yuv420p",
               str(turned))
    out = tmp_path / "out"
    # an explicit profile: the clip (a bridge) is none of ours under auto, which says only that
    result = run_cli("analyze", str(turned), "--out", str(out), "--quiet", "--exercise", "heel-tap")
    assert result.returncode == 0, result.stderr
    assert "lie on your back" in result.stdout
    report, _ = read_outputs(out)
    assert report["view"]["view"] == "upright" and report["reps"] == []
    assert any("lie on your back" in w for w in report["warnings"])


def test_person_leaving_the_frame_and_coming_back(ffmpeg, real_clip, tmp_path) -> None:
    gap = tmp_path / "gap.mp4"
    ffmpeg_run(ffmpeg, "-i", str(real_clip), "-vf", "drawbox=x=0:y=0:w=iw:h=ih:color=gray:t=fill:"
               "enable='between(t,1.0,2.2)'", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(gap))
    out = tmp_path / "out"
    result = run_cli("analyze", str(gap), "--out", str(out), "--quiet", "--exercise", "heel-tap")  # as above
    assert result.returncode == 0, result.stderr
    report, rows = read_outputs(out)
    lost = [float(r["t_s"]) for r in rows if r["detected"] == "0"]
    assert lost and 0.9 <= min(lost) and max(lost) <= 2.3
    assert float(rows[-1]["t_s"]) > 2.5 and rows[-1]["detected"] == "1"  # found again
    assert any(w.startswith("person not found from") for w in report["warnings"])
    assert "person not found from" in result.stdout


def test_existing_output_folder_is_reused_and_files_replaced(real_clip, tmp_path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "report.json").write_text("old")
    result = run_cli("analyze", str(real_clip), "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    assert (out / "notes.txt").read_text() == "mine"
    assert json.loads((out / "report.json").read_text())["schema_version"] == 1
    assert sorted(p.name for p in out.iterdir()) == ["annotated.mp4", "frames.csv", "notes.txt", "report.html",
                                                     "report.json"]


class _StallingCapture:
    """A camera that delivers ``frames`` pictures and then nothing."""

    def __init__(self, frames: int) -> None:
        self.left = frames

    def isOpened(self) -> bool:  # noqa: N802 (OpenCV's name)
        return True

    def set(self, *_: object) -> bool:
        return True

    def read(self) -> tuple[bool, np.ndarray | None]:
        if self.left <= 0:
            return False, None
        self.left -= 1
        return True, np.zeros((48, 64, 3), np.uint8)

    def release(self) -> None:
        pass


def test_camera_that_stops_delivering_frames(monkeypatch) -> None:
    monkeypatch.setattr("formcheck.io.sources.cv2.VideoCapture", lambda *_: _StallingCapture(5))
    camera = CameraSource(0, stall_timeout_s=0.3)
    frames = []
    with pytest.raises(CameraError, match="camera 0 stopped delivering frames"):
        with camera:
            for frame in camera:
                frames.append(frame)
    assert 1 <= len(frames) <= 5


def test_peak_memory_helper_is_per_process() -> None:
    # guard for the 4K row: ru_maxrss is kB on Linux
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 10_000
