"""None of ours, end to end with the real pose model: a video of crunches is recognised as
another exercise, so ``formcheck analyze`` counts no reps, flags no faults, gives no tabletop
advice, writes the report with one sentence saying so and exits 0; an explicit ``--exercise``
still wins (and says the motion does not look like it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from formcheck.cli import main

CRUNCH = Path(__file__).resolve().parent / "data" / "negative_crunch.mp4"
CHECKS = "formcheck checks heel taps, leg extensions and straight-leg raises lying on your back"


@pytest.fixture(scope="module")
def auto_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, dict]:
    out = tmp_path_factory.mktemp("crunch-auto")
    import contextlib
    import io

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["analyze", str(CRUNCH), "--out", str(out), "--no-video", "--quiet"])
    return code, printed.getvalue(), json.loads((out / "report.json").read_text()) | {"_out": str(out)}


def test_crunches_are_none_of_ours_no_reps_no_faults_exit_0(auto_run: tuple[int, str, dict]) -> None:
    code, printed, report = auto_run
    assert code == 0
    assert report["reps"] == [] and report["setup_faults"] == []
    assert sum(report["summary"]["faults"].values()) == 0 and report["summary"]["reps"] == {"left": 0, "right": 0}
    detection = report["exercise_detection"]
    assert detection["profile"] is None and detection["asked"] == "auto"
    assert 0.0 <= detection["confidence"] <= 1.0
    assert CHECKS in detection["note"] and "crunch" in detection["note"]
    assert report["warnings"] == [detection["note"]]  # the one sentence, no camera or calibration advice
    assert report["summary"]["advice"] == []
    said = [*report["summary"]["advice"], *report["warnings"], detection["note"]]
    assert not any("tabletop" in line or "90°" in line for line in said)
    assert f"warning: {detection['note']}" in printed


def test_the_html_report_says_what_it_saw(auto_run: tuple[int, str, dict]) -> None:
    html = (Path(auto_run[2]["_out"]) / "report.html").read_text()
    assert "none of formcheck&#39;s exercises" in html or "none of formcheck's exercises" in html
    assert CHECKS in html
    assert "still tabletop" not in html and "start in tabletop" not in html  # no calibration advice either


def test_an_explicit_exercise_still_wins_on_crunches(tmp_path: Path) -> None:
    assert main(["analyze", str(CRUNCH), "--out", str(tmp_path), "--no-video", "--quiet",
                 "--exercise", "heel-tap"]) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["exercise"] == "heel-tap"
    detection = report["exercise_detection"]
    assert detection["asked"] == "heel-tap" and detection["profile"] is None
    assert "crunch" in detection["note"] and detection["note"] in report["warnings"]
