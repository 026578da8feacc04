"""The batch's parts on hand-made files (no model): which videos an INPUT names and where their
outputs go, manifests, when a video counts as finished, the rows, the index files and the
up-front check of what each machine sees."""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import pytest

from formcheck.app.batch.done import finished_report
from formcheck.app.batch.index import csv_cell, read_previous_rows, write_index
from formcheck.app.batch.index_page import render_index, report_href
from formcheck.app.batch.inputs import find_videos, output_folders
from formcheck.app.batch.manifest import BatchInputError, read_manifest
from formcheck.app.batch.probe import SHARED_HINT, BatchSetupError, NodeView, check_nodes, look_around
from formcheck.app.batch.rows import COLUMNS, base_row, report_row
from formcheck.cli import build_parser, main
from formcheck.cli.batch import _ray_address
from formcheck.profiles import PROFILES

EXERCISES = tuple(PROFILES)


def touch(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def tree(tmp_path: Path, monkeypatch) -> Path:
    """sessions/ with videos in sub-folders, and what a search must leave out."""
    monkeypatch.chdir(tmp_path)
    s = tmp_path / "sessions"
    for name in ("p1/s1.mp4", "p1/s2.MOV", "p2/s1.mp4", ".hidden/x.mp4", "p2/.x.mp4", "notes.txt",
                 "p1/clip.part.mp4", "old_formcheck/annotated.mp4", "old_formcheck/report.json", "batch/a/x.mp4"):
        touch(s / name)
    return s


def test_a_folder_is_searched_recursively_leaving_out_outputs_and_hidden_files(tree: Path) -> None:
    videos = find_videos(["sessions"], EXERCISES, skip=tree / "batch")
    assert [v.shown for v in videos] == [os.path.join("sessions", "p1", "s1.mp4"),
                                         os.path.join("sessions", "p1", "s2.MOV"),
                                         os.path.join("sessions", "p2", "s1.mp4")]
    assert all(v.path.is_absolute() and v.root == tree for v in videos)
    assert output_folders(videos) == ["p1/s1", "p1/s2", "p2/s1"]


def test_several_inputs_map_below_their_common_folder_and_each_video_comes_once(tree: Path) -> None:
    videos = find_videos(["sessions/p1", "sessions/p2", "sessions/p2/s1.mp4"], EXERCISES)
    assert output_folders(videos) == ["p1/s1", "p1/s2", "p2/s1"]
    single = find_videos(["sessions/p2/s1.mp4"], EXERCISES)
    assert output_folders(single) == ["s1"]


def test_videos_that_would_share_a_folder_keep_their_extension(tmp_path: Path) -> None:
    for name in ("x.mp4", "x.mov", "y.mp4"):
        touch(tmp_path / name)
    videos = find_videos([str(tmp_path)], EXERCISES)
    assert output_folders(videos) == ["x_mov", "x_mp4", "y"]


@pytest.mark.parametrize("given, fragment", [("nowhere", "nowhere does not exist"),
                                             ("sessions/notes.txt", "is neither a video"),
                                             ("sessions/.hidden/../old_formcheck", "no video files found")])
def test_inputs_that_name_no_video_are_one_sentence(tree: Path, given: str, fragment: str) -> None:
    with pytest.raises(BatchInputError, match=fragment):
        find_videos([given], EXERCISES)


def test_a_manifest_gives_paths_relative_to_itself_and_what_it_knows(tree: Path) -> None:
    manifest = touch(tree / "list.csv", "\ufeffPath,Exercise,person,date,notes\n"
                                        "p1/s1.mp4,leg-extension,Ana,2026-03-31,first\n\n"
                                        f"{tree / 'p2' / 's1.mp4'},,,,\n")
    rows = read_manifest(manifest, EXERCISES)
    assert [(r.path, r.exercise, r.person, r.date, r.line) for r in rows] == [
        (tree / "p1" / "s1.mp4", "leg-extension", "Ana", "2026-03-31", 2),
        (tree / "p2" / "s1.mp4", None, None, None, 4)]
    videos = find_videos([os.path.join("sessions", "list.csv")], EXERCISES)
    assert output_folders(videos) == ["p1/s1", "p2/s1"]  # the same folders as the folder input gives
    assert videos[0].shown == os.path.join("sessions", "p1", "s1.mp4")


@pytest.mark.parametrize("text, fragment", [
    ("video\nx.mp4\n", "has no 'path' column (its columns: 'video')"),
    ("path,exercise\nx.mp4,squats\n", "line 2: exercise 'squats' is not one of"),
    ("path,date\nx.mp4,31/03/2026\n", "line 2: date '31/03/2026' is not a date like 2026-03-31"),
    ("path,person\n,Ana\n", "line 2 has no path"),
    ("path\np1\n", "line 2: p1 is a folder"),
    ('path,person\nx.mp4,"An\na"\n', ": the person must not contain control characters or line breaks"),
    (f"path,person\nx.mp4,{'x' * 81}\n", "line 2: the person is 81 characters long; use at most 80"),
])
def test_a_bad_manifest_is_one_sentence_naming_the_line(tree: Path, text: str, fragment: str) -> None:
    with pytest.raises(BatchInputError, match=re.escape(fragment)):
        read_manifest(touch(tree / "bad.csv", text), EXERCISES)


def finished_files(folder: Path, video: Path, exercise: str = "heel-tap", complete: bool = True) -> None:
    """The report files of a finished analysis, modified one after another (as analyze writes them)."""
    touch(folder / "frames.csv")
    touch(folder / "report.json", json.dumps({"complete": complete, "exercise": exercise,
                                              "source": {"path": str(video)}, "analysis": {"stride": 2}}))
    touch(folder / "report.html")
    touch(folder / "annotated.mp4")
    base = video.stat().st_mtime_ns + 10**9
    for i, name in enumerate(("frames.csv", "report.json", "report.html", "annotated.mp4")):
        os.utime(folder / name, ns=(base + i * 10**6, base + i * 10**6))


def test_finished_means_every_report_file_of_one_complete_run(tmp_path: Path) -> None:
    video, out = touch(tmp_path / "v.mp4"), tmp_path / "out"
    finished_files(out, video)
    assert finished_report(out, video, "heel-tap", write_video=True)["exercise"] == "heel-tap"
    assert finished_report(out, video, "heel-tap", write_video=False, stride=2) is not None
    assert finished_report(out, video, "leg-extension", write_video=False) is None  # another exercise asked
    assert finished_report(out, video, "heel-tap", write_video=False, stride=1) is None
    assert finished_report(out, tmp_path / "other.mp4", "heel-tap", write_video=False) is None
    late = (out / "report.json").stat().st_mtime_ns + 10**7
    os.utime(out / "frames.csv", ns=(late, late))  # a run killed after frames.csv: out of order
    assert finished_report(out, video, "heel-tap", write_video=False) is None
    finished_files(out, video)
    (out / "annotated.mp4").unlink()
    assert finished_report(out, video, "heel-tap", write_video=True) is None
    assert finished_report(out, video, "heel-tap", write_video=False) is not None
    finished_files(out, video, complete=False)
    assert finished_report(out, video, "heel-tap", write_video=False) is None
    finished_files(out, video)
    (out / "report.json").write_text("{not json")
    os.utime(out / "report.json", ns=((out / "frames.csv").stat().st_mtime_ns,) * 2)
    assert finished_report(out, video, "heel-tap", write_video=False) is None


def test_a_video_changed_after_its_report_is_not_finished(tmp_path: Path) -> None:
    video, out = touch(tmp_path / "v.mp4"), tmp_path / "out"
    finished_files(out, video)
    later = (out / "annotated.mp4").stat().st_mtime_ns + 10**9
    os.utime(video, ns=(later, later))
    assert finished_report(out, video, "heel-tap", write_video=False) is None


REPORT = {"exercise": "heel-tap", "source": {"duration_s": 30.5},
          "summary": {"reps": {"left": 4, "right": 3}, "clean_reps": 5,
                      "faults": {"arching": 2, "swinging": 0, "tabletop_lost": 1}},
          "end_range": {"left": {"heel_height_cm": 11.96, "t_s": 4.9, "rep_index": 3}}}


def test_a_row_from_a_report() -> None:
    row = report_row("v.mp4", "ok", "heel-tap", "Ana", "2026-03-31", "v", REPORT, elapsed_s=12.345, worker="h:1")
    assert list(row) == list(COLUMNS)
    assert (row["reps_left"], row["reps_right"], row["reps_both"], row["clean_reps"]) == (4, 3, 0, 5)
    assert (row["faults_arching"], row["faults_swinging"], row["faults_tabletop_lost"]) == (2, 0, 1)
    assert (row["end_range_left_cm"], row["end_range_right_cm"], row["duration_s"]) == (12.0, None, 30.5)
    assert row["elapsed_s"] == 12.3 and row["person"] == "Ana"
    with pytest.raises(ValueError, match="status"):
        base_row("v.mp4", "done", "heel-tap", None, None, "v")


def test_a_report_of_none_of_ours_is_exercise_none_with_the_note_as_reason() -> None:
    note = "this looks like a different exercise: formcheck checks heel taps, ..."
    none = {**REPORT, "summary": {"reps": {"left": 0, "right": 0}, "clean_reps": 0, "faults": {}},
            "exercise_detection": {"profile": None, "confidence": 0.9, "asked": "auto", "note": note}}
    row = report_row("v.mp4", "ok", "auto", None, None, "v", none)
    assert row["exercise"] == "none" and row["reason"] == note and row["reps_left"] == 0
    found = {**REPORT, "exercise": "leg-extension",
             "exercise_detection": {"profile": "leg-extension", "confidence": 0.9, "asked": "auto", "note": "x"}}
    assert report_row("v.mp4", "ok", "auto", None, None, "v", found)["exercise"] == "leg-extension"


def test_a_finished_auto_run_is_found_by_what_was_asked(tmp_path: Path) -> None:
    """``--exercise auto`` finished as leg-extension: the rerun with auto skips it; asking
    leg-extension explicitly analyses again (its report would note a mismatch differently)."""
    video, out = touch(tmp_path / "v.mp4"), tmp_path / "out"
    finished_files(out, video, exercise="leg-extension")
    report = json.loads((out / "report.json").read_text())
    report["exercise_detection"] = {"profile": "leg-extension", "confidence": 0.9, "asked": "auto", "note": None}
    (out / "report.json").write_text(json.dumps(report))
    os.utime(out / "report.json", ns=((out / "frames.csv").stat().st_mtime_ns + 10**6,) * 2)
    os.utime(out / "report.html", ns=((out / "frames.csv").stat().st_mtime_ns + 2 * 10**6,) * 2)
    assert finished_report(out, video, "auto", write_video=False) is not None
    assert finished_report(out, video, "leg-extension", write_video=False) is None


def test_the_index_files_escape_what_comes_from_outside(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script>"
    rows = [report_row(f"{hostile}.mp4", "ok", "heel-tap", '=HYPERLINK("x")', None, "a#b?c", REPORT),
            base_row("broken.mp4", "failed", "heel-tap", None, None, "broken", reason="not a video <b>")]
    touch(tmp_path / "a#b?c" / "report.html")
    paths = write_index(tmp_path, rows)
    page = paths["index_html"].read_text()
    assert hostile not in page and "&lt;script&gt;alert(1)&lt;/script&gt;.mp4" in page
    assert 'href="a%23b%3Fc/report.html"' in page and 'href="broken/report.html"' not in page
    assert "not a video &lt;b&gt;" in page and "http" not in page.replace("http-equiv", "")
    with open(paths["batch_csv"], newline="") as handle:
        table = list(csv.DictReader(handle))
    assert table[0]["person"] == "'=HYPERLINK(\"x\")" and table[0]["reps_left"] == "4"
    assert table[1]["reps_left"] == "" and table[1]["status"] == "failed"
    data = json.loads(paths["batch_json"].read_text())
    assert data["counts"]["ok"] == 1 and data["videos"][0]["person"] == '=HYPERLINK("x")'
    assert set(read_previous_rows(tmp_path)) == {"a#b?c", "broken"}
    assert not list(tmp_path.glob("*.part"))


def test_csv_cells_and_links() -> None:
    assert csv_cell("reason", "-1 is odd") == "'-1 is odd" and csv_cell("end_range_left_cm", -1.5) == -1.5
    assert csv_cell("person", None) == "" and csv_cell("person", "Ana") == "Ana"
    assert report_href("p1/s 1") == "p1/s%201/report.html"
    assert render_index([], [], "t", "0 videos", "0", True).count("<tr") == 1  # the heading row only


class FakeCluster:
    name = "ray"

    def __init__(self, view: NodeView) -> None:
        self.view = view

    def on_each_node(self, fn, *args, **kwargs):
        return {"node-b (10.0.0.2)": self.view}


def test_each_machine_must_see_the_videos_and_the_same_batch_folder(tmp_path: Path) -> None:
    videos = [str(touch(tmp_path / "a.mp4")), str(touch(tmp_path / "b.mp4"))]
    out = tmp_path / "out"
    out.mkdir()
    here = look_around(videos + [str(tmp_path / "gone.mp4")], str(out), "token", None)
    assert here.unreadable == (str(tmp_path / "gone.mp4"),) and here.out_dir_problem is None
    assert here.model_problem is None and not here.sees_token  # no token file was left
    check_nodes(FakeCluster(NodeView((), None, True, None)), videos, out, None)  # all well
    with pytest.raises(BatchSetupError, match=r"node-b \(10.0.0.2\) cannot open 1 of the 2 videos \(e.g. b.mp4"):
        check_nodes(FakeCluster(NodeView((videos[1],), None, True, None)), videos, out, None)
    with pytest.raises(BatchSetupError, match="sees a different batch folder") as caught:
        check_nodes(FakeCluster(NodeView((), None, False, None)), videos, out, None)
    assert SHARED_HINT in str(caught.value)
    with pytest.raises(BatchSetupError, match="cannot write to the batch folder"):
        check_nodes(FakeCluster(NodeView((), "read-only file system", True, None)), videos, out, None)
    with pytest.raises(BatchSetupError, match="does not exist"):
        check_nodes(FakeCluster(NodeView((), None, True, None)), videos, out, str(tmp_path / "no.task"))
    assert not list(out.iterdir())  # the token file is gone again


def test_ray_without_address_before_an_input_takes_it_as_an_input(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "videos").mkdir()
    parser = build_parser()
    args = parser.parse_args(["batch", "--ray", "videos", "--out", "o"])
    assert _ray_address(args) is None and args.inputs == ["videos"]
    args = parser.parse_args(["batch", "videos", "--out", "o", "--ray", "10.0.0.1:6379"])
    assert _ray_address(args) == "10.0.0.1:6379" and args.inputs == ["videos"]
    args = parser.parse_args(["batch", "videos", "--out", "o", "--ray"])
    assert args.ray == "" and _ray_address(args) is None
    result = main(["batch", "--out", "o"])
    assert result == 2


def test_auto_is_the_default_exercise_everywhere_and_a_profile_still_parses(tree: Path) -> None:
    parser = build_parser()
    assert parser.parse_args(["analyze", "v.mp4"]).exercise == "auto"
    assert parser.parse_args(["live", "--no-window"]).exercise == "auto"
    assert parser.parse_args(["batch", "x", "--out", "o"]).exercise is None  # auto, unless a manifest row says
    assert parser.parse_args(["analyze", "v.mp4", "--exercise", "straight-leg"]).exercise == "straight-leg"
    from formcheck.app.batch.runner import BatchOptions, plan_tasks
    manifest = touch(tree / "m.csv", "path,exercise\np1/s1.mp4,leg-extension\np2/s1.mp4,auto\np1/s2.MOV,\n")
    tasks = plan_tasks(BatchOptions(inputs=(str(manifest),), out_dir=tree.parent / "out"))
    assert [t.exercise for t in tasks] == ["leg-extension", "auto", "auto"]
    tasks = plan_tasks(BatchOptions(inputs=(str(manifest),), out_dir=tree.parent / "out", exercise="heel-tap"))
    assert [t.exercise for t in tasks] == ["leg-extension", "auto", "heel-tap"]  # a manifest's column wins
