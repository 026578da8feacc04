"""The command line as a user runs it: exit codes, one-line errors, frames.csv contents."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from formcheck import __version__
from formcheck.report.frames_csv import frames_csv_header


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "formcheck", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=600)


def assert_one_line_error(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("formcheck: error: ") and fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"formcheck {__version__}"


def test_analyze_writes_frames_csv_with_the_person_found(real_clip, tmp_path) -> None:
    out = tmp_path / "out"
    result = run_cli("analyze", str(real_clip), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "W0000" not in result.stderr
    assert "100%" in result.stderr  # the progress bar reached the end
    with open(out / "frames.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0].keys()) == frames_csv_header()
    assert len(rows) == 91
    assert sum(row["detected"] == "1" for row in rows) / len(rows) >= 0.95
    times = [float(row["t_s"]) for row in rows]
    assert times[0] == 0.0 and times[-1] == pytest.approx(90 / 30.0)
    detected = next(row for row in rows if row["detected"] == "1")
    assert 0 < float(detected["left_hip_x_px"]) < 640 and 0 < float(detected["left_hip_y_px"]) < 480
    assert not (out / "frames.csv.part").exists()


def test_analyze_default_output_sits_next_to_the_video(real_clip, tmp_path) -> None:
    clip = tmp_path / "session.mp4"
    clip.write_bytes(real_clip.read_bytes())
    result = run_cli("analyze", str(clip), "--quiet", "--no-video", "--exercise", "heel-tap")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "session_formcheck" / "frames.csv").is_file()
    assert not (tmp_path / "session_formcheck" / "annotated.mp4").exists()
    assert result.stderr == ""  # --quiet: no progress bar, no library chatter


def test_no_person_in_any_frame_is_exit_3_with_csv_saved(make_video, tmp_path) -> None:
    clip = make_video(pattern="color=c=gray", seconds=0.5)
    result = run_cli("analyze", str(clip), "--out", str(tmp_path / "o"), "--quiet")
    assert result.returncode == 3
    assert "no person found" in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "o" / "frames.csv").is_file()


@pytest.mark.parametrize("kind, fragment", [
    ("missing", "does not exist"),
    ("directory", "is a directory"),
    ("text", "is not a readable video"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, kind: str, fragment: str) -> None:
    path = tmp_path / "clip.mp4"
    if kind == "directory":
        path.mkdir()
    elif kind == "text":
        path.write_text("not a video\n")
    assert_one_line_error(run_cli("analyze", str(path)), fragment)


def test_unwritable_output_folder(real_clip, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert_one_line_error(run_cli("analyze", str(real_clip), "--out", str(blocker / "sub")),
                          "cannot write to output folder")


def test_bad_model_is_one_line(real_clip, tmp_path) -> None:
    bad = tmp_path / "bad.task"
    bad.write_text("nonsense")
    assert_one_line_error(run_cli("analyze", str(real_clip), "--model", str(bad), "--out", str(tmp_path / "out")),
                          "is corrupt")


def test_no_command_prints_help_and_fails() -> None:
    result = run_cli()
    assert result.returncode == 2 and "analyze" in result.stderr


def test_ctrl_c_saves_the_frames_analysed_so_far(real_clip, tmp_path) -> None:
    import json
    import signal

    out = tmp_path / "o"
    # every frame analysed and no video pass, so the signal lands in the analysis (~4 s left)
    process = subprocess.Popen([sys.executable, "-m", "formcheck", "analyze", str(real_clip), "--out", str(out),
                                "--stride", "1", "--no-video"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    first_progress = process.stderr.readline()  # printed at 10 %: some frames analysed, not all
    assert "analyze" in first_progress and "%" in first_progress
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.strip().splitlines()[-1] == "formcheck: interrupted — the frames analysed so far were saved"
    assert "Traceback" not in stderr
    with open(out / "frames.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert 1 <= len(rows) < 91
    report = json.loads((out / "report.json").read_text())
    assert report["complete"] is False and report["source"]["frames"] == len(rows)
    assert "interrupted" in report["warnings"][0]


@pytest.mark.parametrize("stride", ["0", "-2", "two", "1.5"])
def test_bad_stride_is_one_line_and_exit_2(tmp_path, stride: str) -> None:
    assert_one_line_error(run_cli("analyze", str(tmp_path / "clip.mp4"), f"--stride={stride}"),
                          "--stride must be a whole number of frames")


def test_parse_stride_auto_and_numbers() -> None:
    from formcheck.cli import parse_stride

    assert parse_stride(None) is None and parse_stride("auto") is None and parse_stride("3") == 3
