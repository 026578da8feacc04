"""Sessions over time, end to end: three sample clips analysed by the CLI (one of them two sets: a
clip, 16 s of lying still, the clip again), then ``formcheck history --html`` shows the three
sessions with their sets in a page that passes the browser checks. A damaged history costs the
recording, never the analysis."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_html_report import CHROMIUM, LEG_COLOURS, _assert_self_contained, _colour_share, _parse, _screenshot

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
GAP_S = 16.0  # still between the two sets: more than the 15 s rest that ends a set
FILMED = "2026-11-23T09:30:00Z"


def two_sets_clip(ffmpeg: str, out: Path) -> Path:
    """heel_tap_clean_left's first 16 s (two reps), its last frame held for ``GAP_S`` (lying still),
    then those 16 s again; with a creation time in its metadata."""
    clip = SAMPLES / "heel_tap_clean_left.mp4"
    graph = (f"[0:v]trim=duration=16,setpts=PTS-STARTPTS,tpad=stop_mode=clone:stop_duration={GAP_S}[a];"
             "[1:v]trim=duration=16,setpts=PTS-STARTPTS[b];[a][b]concat=n=2:v=1:a=0[v]")
    subprocess.run([ffmpeg, "-v", "error", "-y", "-i", str(clip), "-i", str(clip), "-filter_complex", graph,
                    "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                    "-metadata", f"creation_time={FILMED}", str(out)], check=True)
    return out


def formcheck(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, FORMCHECK_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "formcheck", *args], capture_output=True, text=True, env=env,
                          timeout=900)


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory, ffmpeg: str) -> dict[str, Any]:
    """Three analyses recorded in one history (about three minutes of analysis)."""
    root = tmp_path_factory.mktemp("sessions")
    home = root / "home"
    clips = {"two_sets": two_sets_clip(ffmpeg, root / "two_sets.mp4"),
             "swinging": SAMPLES / "heel_tap_swinging.mp4", "straight": SAMPLES / "straight_leg.mp4"}
    runs = {}
    for name, clip in clips.items():
        exercise = "straight-leg" if name == "straight" else "heel-tap"
        runs[name] = formcheck("analyze", str(clip), "--out", str(root / name), "--exercise", exercise, "--no-video",
                               "--quiet", "--person", "Ann", home=home)
    page = root / "page" / "progress.html"
    page.parent.mkdir()
    history = formcheck("history", "--html", str(page), "--csv", str(root / "sessions.csv"), home=home)
    return {"root": root, "home": home, "runs": runs, "history": history, "page": page}


def test_each_analysis_was_recorded(sessions: dict[str, Any]) -> None:
    for name, run in sessions["runs"].items():
        assert run.returncode == 0, (name, run.stderr)
        assert "Traceback" not in run.stderr
        assert re.search(r"^history: recorded as session \d+ \(Ann, (heel-tap|straight-leg), sets: \d\)", run.stdout,
                         re.MULTILINE), run.stdout


def test_the_clip_with_a_rest_has_two_sets(sessions: dict[str, Any]) -> None:
    report = json.loads((sessions["root"] / "two_sets" / "report.json").read_text())
    sets = report["sets"]
    assert len(sets) == 2, [(s["start_s"], s["end_s"]) for s in sets]
    assert sets[1]["start_s"] - sets[0]["end_s"] >= 15.0
    assert [s["reps"]["left"] + s["reps"]["right"] for s in sets] == [2, 2]
    assert sum(s["clean_reps"] for s in sets) == report["summary"]["clean_reps"]
    assert any(a.startswith("This session: 2 sets (") for a in report["summary"]["advice"])
    cal, first = report["calibration"], report["reps"][0]
    assert cal["ok"] and cal["end_s"] <= first["start_s"], (cal, first["start_s"])  # never into a rep
    swinging = json.loads((sessions["root"] / "swinging" / "report.json").read_text())
    assert len(swinging["sets"]) == 1 and swinging["sets"][0]["faults"]["swinging"] >= 1


def test_history_lists_three_sessions_and_writes_the_page(sessions: dict[str, Any]) -> None:
    history = sessions["history"]
    assert history.returncode == 0, history.stderr
    table = [line for line in history.stdout.splitlines() if re.match(r"^\d+\s", line)]
    assert len(table) == 3
    two_sets = [line for line in table if line.split()[1] == "2026-11-23"]  # filmed: the video's creation time
    assert len(two_sets) == 1 and re.search(r"analyze\s+2\s", two_sets[0])
    assert "advice: Ann:" in history.stdout
    csv_lines = (sessions["root"] / "sessions.csv").read_text().splitlines()
    assert len(csv_lines) == 4


def test_progress_page_shows_the_sessions_and_their_sets(sessions: dict[str, Any], tmp_path: Path) -> None:
    page_path: Path = sessions["page"]
    page = page_path.read_text(encoding="utf-8")
    parsed = _parse(page)
    hrefs = sorted({a["href"] for _, a in parsed.starts if a.get("href")})
    assert hrefs == [f"../{name}/report.html" for name in ("straight", "swinging", "two_sets")]
    for href in hrefs:
        assert (page_path.parent / href).is_file()
    _assert_self_contained(page, local=tuple(hrefs))
    sections = re.findall(r'<section class="person" id="section-\d+"><h2>([^<]*)</h2>', page)
    assert sections == ["Ann · heel-tap", "Ann · straight-leg"]
    rows = re.findall(r"<tr><td class=\"num\">\d+</td>.*?</tr>", page)
    assert len(rows) == 3
    assert any('<td class="num">2</td><td class="num">L 1 / R 1; L 1 / R 1</td>' in row for row in rows)
    assert page.count("<svg") == 10  # five charts per section
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed")
    image, log = _screenshot(page_path, tmp_path, size="1280,4200")
    assert "Uncaught" not in log
    for colour in (LEG_COLOURS["left"], LEG_COLOURS["right"], LEG_COLOURS["both"]):
        assert _colour_share(image, colour) > 1e-4, colour
    assert (image.reshape(-1, 3).std(axis=0) > 10).all()


def test_a_damaged_history_costs_the_recording_not_the_analysis(sessions: dict[str, Any], ffmpeg: str,
                                                                 tmp_path: Path) -> None:
    clip = tmp_path / "short.mp4"  # calibration and the first rep (about 1.5–8 s)
    subprocess.run([ffmpeg, "-v", "error", "-y", "-i", str(SAMPLES / "heel_tap_clean_left.mp4"), "-t", "10",
                    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", str(clip)], check=True)
    home = tmp_path / "home"
    home.mkdir()
    (home / "history.sqlite3").write_bytes(b"not a database " * 400)
    run = formcheck("analyze", str(clip), "--out", str(tmp_path / "out"), "--no-video", "--quiet", home=home)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out" / "report.json").is_file() and (tmp_path / "out" / "report.html").is_file()
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("formcheck: warning: the session history ")
    assert "is damaged" in lines[0] and "the report was written" in lines[0] and "Traceback" not in run.stderr
    skipped = formcheck("analyze", str(clip), "--out", str(tmp_path / "out2"), "--no-video", "--quiet",
                        "--no-history", home=home)
    assert skipped.returncode == 0 and skipped.stderr == "" and "history:" not in skipped.stdout
