"""``formcheck batch`` records each video it analyses in the session history: two short clips cut
from the samples on two workers, into a temporary FORMCHECK_HOME; the person and date of the
manifest or of --person; --no-history; finished videos skipped on a rerun are not recorded again.
The summary lines and a report that cannot be read back are checked without the model."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from test_batch import run_batch_cli

from formcheck.app.batch.recording import history_lines, record_video
from formcheck.app.batch.task import VideoTask
from formcheck.app.history import HistoryStore, RecordOutcome, history_path
from formcheck.app.history.query import read_sessions

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
# (clip, sample, seconds kept, the leg of the one whole rep in those seconds)
CLIPS = (("clean_right.mp4", "heel_tap_clean_right", 9.0, "right"),
         ("arching.mp4", "heel_tap_arching", 9.0, "left"))


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory, ffmpeg: str) -> Path:
    """Two short clips (stream copies) and a manifest: the first with a person and a date, the
    second with neither (--person decides)."""
    folder = tmp_path_factory.mktemp("batch_history")
    for name, sample, seconds, leg in CLIPS:
        truth = json.loads((SAMPLES / f"{sample}.truth.json").read_text())
        assert [r["leg"] for r in truth["reps"] if r["end_s"] < seconds] == [leg]  # one whole rep kept
        subprocess.run([ffmpeg, "-v", "error", "-y", "-i", str(SAMPLES / f"{sample}.mp4"), "-t", str(seconds),
                        "-c", "copy", str(folder / name)], check=True, timeout=120)
    (folder / "sessions.csv").write_text("path,person,date\nclean_right.mp4,Ann,2026-03-02\narching.mp4,,\n")
    return folder


def _sessions(home: Path) -> list:
    if not history_path(home).exists():
        return []
    with HistoryStore.open(history_path(home)) as store:
        return read_sessions(store)


def test_a_batch_records_each_video_it_analyses(clips: Path, tmp_path: Path) -> None:
    home, out = tmp_path / "home", tmp_path / "out"
    common = ("sessions.csv", "--out", str(out), "--jobs", "2", "--no-video", "--person", "Bob")
    first = run_batch_cli(*common, "--no-history", cwd=clips, FORMCHECK_HOME=str(home))
    assert first.returncode == 0, first.stderr
    assert "history" not in first.stdout and _sessions(home) == []

    rerun = run_batch_cli(*common, cwd=clips, FORMCHECK_HOME=str(home))  # both finished: skipped
    assert rerun.returncode == 0 and "finished earlier" in rerun.stdout, rerun.stderr
    assert _sessions(home) == []  # skipped videos are not recorded again

    forced = run_batch_cli(*common, "--force", cwd=clips, FORMCHECK_HOME=str(home))
    assert forced.returncode == 0, forced.stderr
    assert "history: 2 sessions of this batch recorded" in forced.stdout
    assert "Traceback" not in forced.stderr and "warning" not in forced.stderr
    stored = {s.person: s for s in _sessions(home)}
    assert sorted(stored) == ["Ann", "Bob"]  # the manifest's person wins over --person
    for name, _, _, leg in CLIPS:
        folder = out / name.removesuffix(".mp4")
        report = json.loads((folder / "report.json").read_text())
        session = next(s for s in stored.values() if s.source == str(clips / name))
        assert session.kind == "batch" and session.report_dir == str(folder.resolve())
        assert session.reps == len(report["reps"]) == 1 and session.exercise == "heel-tap"
        assert list(session.legs) == [leg] and session.clean_reps == report["summary"]["clean_reps"]
        assert len(session.sets) == len(report["sets"]) == 1
    ann, bob = stored["Ann"], stored["Bob"]
    assert ann.filmed_from == "given"  # the manifest's date, at noon local time
    assert ann.filmed_at == datetime(2026, 3, 2, 12).astimezone()
    assert bob.filmed_from in ("metadata", "file")


def _task(tmp_path: Path) -> VideoTask:
    return VideoTask(video="x.mp4", path=str(tmp_path / "x.mp4"), folder="x", out_dir=str(tmp_path / "x"),
                     exercise="heel-tap")


def test_a_report_that_cannot_be_read_back_is_one_warning(tmp_path: Path) -> None:
    outcome = record_video(_task(tmp_path))
    assert not outcome.ok and outcome.status == "unreadable"
    assert "could not be read back" in outcome.message and "--force" in outcome.message


def test_the_summary_counts_sessions_and_says_each_problem_once(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    busy = "the session history is busy, so this session was not recorded; the report was written — try again"
    outcomes = [RecordOutcome("recorded", path, "", 1), RecordOutcome("replaced", path, "", 2),
                RecordOutcome("skipped", path, ""), RecordOutcome("busy", path, busy),
                RecordOutcome("busy", path, busy)]
    assert history_lines(outcomes) == [
        ("history: 2 sessions of this batch recorded; 1 video without reps not recorded — 'formcheck history' "
         "lists the sessions", True),
        (f"{busy} (2 videos of this batch)", False)]
    assert history_lines([RecordOutcome("recorded", path, "", 1)])[0][0].startswith("history: 1 session of")
    assert history_lines([]) == []
