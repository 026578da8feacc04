"""``formcheck batch`` end to end on the local pool, as a user runs it: three short clips cut from
the samples plus a corrupt file; reports, rows, exit status, a rerun that skips finished work,
``--force``, a worker killed mid-write, Ctrl-C and resume. (The same on Ray: test_batch_ray.py.)"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"

# (path inside the clips folder, sample, seconds kept): the first holds one whole right rep
CLIPS = (("a/clean_right.mp4", "heel_tap_clean_right", 9.0),
         ("arching.mp4", "heel_tap_arching", 4.0),
         ("b/tabletop_lost.mp4", "heel_tap_tabletop_lost", 4.0))
BROKEN = "broken.mp4"
REPORT_FILES = ("frames.csv", "report.json", "report.html")


def make_clips(folder: Path, ffmpeg: str) -> Path:
    """``folder/clips/``: the short clips (stream copies, so no re-encoding) and a corrupt file."""
    clips = folder / "clips"
    for name, sample, seconds in CLIPS:
        (clips / name).parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([ffmpeg, "-v", "error", "-y", "-i", str(SAMPLES / f"{sample}.mp4"), "-t", str(seconds),
                        "-c", "copy", str(clips / name)], check=True, timeout=120)
    (clips / BROKEN).write_bytes(bytes(range(256)) * 64)  # 16 kB that no decoder reads
    return clips


def batch_env(**extra: str) -> dict[str, str]:
    """The environment of a formcheck run from this checkout, marked so leftovers can be found."""
    return dict(os.environ, PYTHONPATH=f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}", **extra)


def run_batch_cli(*args: str, cwd: Path, timeout: float = 900, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "formcheck", "batch", *args], cwd=cwd, env=batch_env(**env),
                          capture_output=True, text=True, timeout=timeout)


def read_rows(out: Path) -> dict[str, dict[str, str]]:
    """batch.csv by folder."""
    with open(out / "batch.csv", newline="", encoding="utf-8") as handle:
        return {row["folder"]: row for row in csv.DictReader(handle)}


def folder_of(name: str) -> str:
    return name.rsplit(".", 1)[0]


def mtimes(folder: Path) -> dict[str, int]:
    return {name: (folder / name).stat().st_mtime_ns for name in REPORT_FILES}


def processes_marked(mark: str) -> list[int]:
    """Processes whose environment holds ``FORMCHECK_TEST_MARK=mark`` (children inherit it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if f"FORMCHECK_TEST_MARK={mark}".encode() in (entry / "environ").read_bytes():
                    if (entry / "stat").read_text().split()[2] != "Z":
                        found.append(int(entry.name))
            except OSError:
                continue
    return found


def check_first_run(result: subprocess.CompletedProcess[str], clips: Path, out: Path) -> None:
    """What the first run over the clips must leave, whatever the pool."""
    assert result.returncode == 1, result.stderr  # the corrupt file failed
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    rows = read_rows(out)
    assert set(rows) == {folder_of(name) for name, _, _ in CLIPS} | {"broken"}
    broken = rows["broken"]
    assert broken["status"] == "failed" and "not a readable video" in broken["reason"]
    assert broken["video"] == f"clips/{BROKEN}" and broken["reps_left"] == ""
    assert f"failed: clips/{BROKEN}: " in result.stdout
    for name, _, seconds in CLIPS:
        folder = out / folder_of(name)
        row = rows[folder_of(name)]
        assert row["status"] == "ok", row
        assert all((folder / f).is_file() for f in REPORT_FILES) and not (folder / "annotated.mp4").exists()
        report = json.loads((folder / "report.json").read_text())
        assert report["complete"] and Path(report["source"]["path"]) == clips / name
        assert row["video"] == f"clips/{name}" and row["exercise"] == "heel-tap"
        assert float(row["duration_s"]) == report["source"]["duration_s"] == pytest.approx(seconds, abs=0.3)
        for leg in ("left", "right"):
            assert int(row[f"reps_{leg}"]) == report["summary"]["reps"][leg]
        assert int(row["clean_reps"]) == report["summary"]["clean_reps"]
        for code, count in report["summary"]["faults"].items():
            assert int(row[f"faults_{code}"]) == count
        assert float(row["elapsed_s"]) > 0 and row["worker"]
    # the truth: the first 9 s of the clean right clip hold exactly one whole rep, of the right leg
    truth = json.loads((SAMPLES / "heel_tap_clean_right.truth.json").read_text())
    whole = [rep["leg"] for rep in truth["reps"] if rep["end_s"] < 9.0]
    assert whole == ["right"]
    assert (rows["a/clean_right"]["reps_right"], rows["a/clean_right"]["reps_left"]) == ("1", "0")
    index = json.loads((out / "batch.json").read_text())
    assert index["finished"] is True and index["counts"]["ok"] == 3 and index["counts"]["failed"] == 1
    assert {row["folder"]: row["status"] for row in index["videos"]} == {k: v["status"] for k, v in rows.items()}
    page = (out / "index.html").read_text()
    for name, _, _ in CLIPS:
        assert f'href="{folder_of(name)}/report.html"' in page
    assert 'href="broken/report.html"' not in page and "//" not in page.replace("://", "")


@pytest.fixture(scope="module")
def clips(tmp_path_factory, ffmpeg) -> Path:
    return make_clips(tmp_path_factory.mktemp("batch"), ffmpeg)


@pytest.fixture(scope="module")
def first_run(clips: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = clips.parent / "out"
    started = time.monotonic()
    result = run_batch_cli("clips", "--out", "out", "--jobs", "2", "--no-video", cwd=clips.parent)
    print(f"first batch run: {time.monotonic() - started:.1f} s")
    return result, out


def copy_of(out: Path, name: str) -> Path:
    """A copy of a batch folder with the files' times kept (what "finished" is decided on)."""
    copy = out.parent / name
    shutil.copytree(out, copy)
    return copy


def test_a_folder_of_clips_and_a_corrupt_file(first_run, clips: Path) -> None:
    result, out = first_run
    check_first_run(result, clips, out)
    assert "batch: 4 videos to analyse on 2 local workers" in result.stdout
    assert "4 videos: 3 ok, 1 failed" in result.stdout


def test_the_reports_are_those_analyze_writes(first_run, clips: Path, tmp_path: Path) -> None:
    from formcheck.app.analyze import analyze_video

    _, out = first_run
    alone = analyze_video(clips / "arching.mp4", tmp_path / "alone", show_progress=False, write_video=False)
    assert json.loads((out / "arching" / "report.json").read_text()) == json.loads(
        alone.outputs["report_json"].read_text())
    assert (out / "arching" / "frames.csv").read_bytes() == alone.outputs["frames_csv"].read_bytes()


def test_a_rerun_skips_finished_videos_and_retries_the_failed_one(first_run, clips: Path) -> None:
    _, out = first_run
    again = copy_of(out, "out_again")
    before = {name: mtimes(again / folder_of(name)) for name, _, _ in CLIPS}
    result = run_batch_cli("clips", "--out", "out_again", "--no-video", cwd=clips.parent)
    assert result.returncode == 1, result.stderr
    assert "3 finished earlier (skipped), 1 to analyse" in result.stdout
    rows = read_rows(again)
    assert rows["broken"]["status"] == "failed"
    for name, _, _ in CLIPS:
        assert rows[folder_of(name)]["status"] == "skipped"
        assert mtimes(again / folder_of(name)) == before[name]  # not analysed again
        assert rows[folder_of(name)]["reps_right"] == read_rows(out)[folder_of(name)]["reps_right"]


def test_a_manifest_maps_to_the_same_folders_and_force_redoes_the_work(first_run, clips: Path) -> None:
    _, out = first_run
    forced = copy_of(out, "out_forced")
    (clips / "people.csv").write_text('path,person,date\narching.mp4,"Ana <b>""&",2026-03-31\n'
                                      "b/tabletop_lost.mp4,,\n", encoding="utf-8")
    skipped = run_batch_cli("clips/people.csv", "--out", "out_forced", "--no-video", "--person", "Bob",
                            cwd=clips.parent)
    assert skipped.returncode == 0, skipped.stderr
    assert "all 2 videos finished earlier" in skipped.stdout
    rows = read_rows(forced)
    assert set(rows) == {"arching", "b/tabletop_lost"}  # the index lists this run's videos
    assert rows["arching"]["person"] == 'Ana <b>"&' and rows["arching"]["date"] == "2026-03-31"
    assert rows["b/tabletop_lost"]["person"] == "Bob" and rows["b/tabletop_lost"]["status"] == "skipped"
    page = (forced / "index.html").read_text()
    assert "Ana &lt;b&gt;&#34;&amp;" in page and "<b>" not in page

    before = mtimes(forced / "arching")
    (clips / "one.csv").write_text("path\narching.mp4\n", encoding="utf-8")
    with_video = run_batch_cli("clips/one.csv", "--out", "out_forced", cwd=clips.parent)
    assert with_video.returncode == 0, with_video.stderr  # finished without a video: not finished now
    assert read_rows(forced)["arching"]["status"] == "ok" and (forced / "arching" / "annotated.mp4").is_file()
    after = mtimes(forced / "arching")
    assert all(after[name] > before[name] for name in REPORT_FILES)
    again = run_batch_cli("clips/one.csv", "--out", "out_forced", cwd=clips.parent)
    assert read_rows(forced)["arching"]["status"] == "skipped" and mtimes(forced / "arching") == after
    result = run_batch_cli("clips/one.csv", "--out", "out_forced", "--no-video", "--force", cwd=clips.parent)
    assert again.returncode == result.returncode == 0, result.stderr
    assert read_rows(forced)["arching"]["status"] == "ok"
    assert all(mtimes(forced / "arching")[name] > after[name] for name in REPORT_FILES)
    assert not (forced / "arching" / "annotated.mp4").exists()  # as analyze --no-video leaves it


KILL_MID_WRITE = """
import json, os, signal, sys
from formcheck.app.analyze import analyze_video

def half_then_killed(obj, handle, **options):
    text = json.dumps(obj, **options)
    handle.write(text[: len(text) // 2])
    handle.flush()
    os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer or a lost machine would

json.dump = half_then_killed  # report.json is the second file written
analyze_video(sys.argv[1], out_dir=sys.argv[2], show_progress=False, write_video=False)
"""


def test_a_worker_killed_mid_write_leaves_the_previous_report_and_the_video_is_redone(first_run, clips: Path) -> None:
    _, out = first_run
    killed = copy_of(out, "out_killed")
    previous = (killed / "arching" / "report.json").read_bytes()
    script = clips.parent / "kill_mid_write.py"
    script.write_text(textwrap.dedent(KILL_MID_WRITE))
    died = subprocess.run([sys.executable, str(script), str(clips / "arching.mp4"), str(killed / "arching")],
                          env=batch_env(), capture_output=True, text=True, timeout=600)
    assert died.returncode == -signal.SIGKILL, died.stderr
    assert (killed / "arching" / "report.json").read_bytes() == previous  # the old report, whole
    assert 0 < (killed / "arching" / "report.json.part").stat().st_size < len(previous)
    result = run_batch_cli("clips", "--out", "out_killed", "--no-video", cwd=clips.parent)
    assert result.returncode == 1, result.stderr
    rows = read_rows(killed)
    assert rows["arching"]["status"] == "ok"  # its files were out of step: analysed again
    assert rows["a/clean_right"]["status"] == rows["b/tabletop_lost"]["status"] == "skipped"
    assert not (killed / "arching" / "report.json.part").exists()
    assert json.loads((killed / "arching" / "report.json").read_text())["complete"] is True


def interrupt_then_resume(clips: Path, out_name: str, *pool_args: str, env: dict[str, str] | None = None) -> None:
    """Ctrl-C (SIGINT to the process group, as a terminal sends it) once the first video is done;
    then the same command again finishes the rest without redoing the first."""
    out = clips.parent / out_name
    mark = uuid.uuid4().hex
    env = dict(env if env is not None else batch_env(), FORMCHECK_TEST_MARK=mark)
    process = subprocess.Popen([sys.executable, "-m", "formcheck", "batch", "clips", "--out", out_name, "--no-video",
                                *pool_args], cwd=clips.parent, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    first = out / "a" / "clean_right" / "report.html"
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not first.exists() and process.poll() is None:
            time.sleep(0.2)
        assert first.exists(), "the first video never finished"
        time.sleep(1.0)  # the next video is under way
        os.killpg(process.pid, signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "run the same command again to resume" in stderr
    deadline = time.monotonic() + 30
    while processes_marked(mark) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not processes_marked(mark), "worker processes outlived the batch"
    settled = _listing(out)
    time.sleep(3.0)
    assert _listing(out) == settled, "a stopped worker went on writing"
    index = json.loads((out / "batch.json").read_text())
    assert index["finished"] is False and index["counts"]["interrupted"] >= 1
    stopped = [row["folder"] for row in index["videos"] if row["status"] == "interrupted"]
    for folder in stopped:
        report = out / folder / "report.json"
        assert not report.exists() or json.loads(report.read_text())["complete"] is True
    assert "did not finish" in (out / "index.html").read_text()

    result = subprocess.run([sys.executable, "-m", "formcheck", "batch", "clips", "--out", out_name, "--no-video",
                             *pool_args], cwd=clips.parent, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 1, result.stderr
    rows = read_rows(out)
    assert rows["a/clean_right"]["status"] == "skipped"  # finished before Ctrl-C: not redone
    assert all(rows[folder]["status"] in ("ok", "skipped", "failed") for folder in stopped)
    assert {rows[folder_of(name)]["status"] for name, _, _ in CLIPS} <= {"ok", "skipped"}
    assert json.loads((out / "batch.json").read_text())["finished"] is True


def _listing(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_ctrl_c_leaves_a_state_the_same_command_resumes(clips: Path) -> None:
    interrupt_then_resume(clips, "out_interrupted", "--jobs", "1")


def test_bad_inputs_are_one_sentence_before_any_work(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    for args, fragment in ((["nowhere/"], "nowhere/ does not exist"),
                           ([str(empty)], "no video files found"),
                           ([str(empty), "--jobs", "0"], "--jobs: must be a whole number")):
        result = run_batch_cli(*args, "--out", str(tmp_path / "out"), cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert fragment in lines[-1] and "Traceback" not in result.stderr
        if "--jobs" not in args:
            assert len(lines) == 1 and lines[0].startswith("formcheck: error: ")
