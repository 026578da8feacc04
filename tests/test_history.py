"""The session history: migrations, concurrent writers, a locked or damaged database, forgetting,
the filmed time, the table / CSV / progress page, and the progression advice.

Reports are built by the real report builder from rep sequences with known sets and faults."""

from __future__ import annotations

import concurrent.futures
import csv
import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pytest
from test_html_report import _assert_self_contained, _parse
from test_sets import fault, session

from formcheck import cli
from formcheck.analysis.fault import Fault
from formcheck.analysis.summary import summarize
from formcheck.app.history import HistoryError, HistoryStore, history_path, record_session
from formcheck.app.history.advice import progression_advice
from formcheck.app.history.filmed import creation_time, filmed_time
from formcheck.app.history.query import SessionFilter, forget_person, forget_session, read_sessions
from formcheck.app.history.schema import MIGRATIONS, migrate, schema_version
from formcheck.core.series import MeasureSeries
from formcheck.profiles import get_profile
from formcheck.report.json_report import ReportInputs, SourceInfo, build_report

HEEL_TAP = get_profile("heel-tap")


def make_report(per_set: Sequence[int] = (4,), arching_from: int | None = None, rep_s: float = 6.0,
                exercise: str = "heel-tap") -> dict[str, Any]:
    """A report.json dict of alternating heel taps: ``per_set`` reps in each set (60 s rests);
    reps from number ``arching_from`` on arch."""
    starts, t = [], 0.0
    for count in per_set:
        for _ in range(count):
            starts.append(t)
            t += rep_s + 1.0
        t += 60.0
    reps = session(starts, rep_s)
    faults: list[list[Fault]] = [[fault("arching")] if arching_from and r.index >= arching_from else [] for r in reps]
    profile = get_profile(exercise)
    series = MeasureSeries.empty(np.arange(0.0, t, 0.5))
    return build_report(ReportInputs(source=SourceInfo("clip.mp4", 30.0, len(series), t, 640, 480),
                                     exercise=exercise, series=series, reps=reps, faults=faults,
                                     summary=summarize(reps, faults, profile), version="test"))


def _db_rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


# -- migrations -------------------------------------------------------------------------

def test_a_new_database_has_every_migration(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with HistoryStore.open(path) as store:
        assert schema_version(store.connection) == len(MIGRATIONS)
    tables = {name for (name,) in _db_rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"sessions", "session_legs", "session_faults", "session_sets", "set_faults"} <= tables
    assert _db_rows(path, "PRAGMA journal_mode") == [("wal",)]


def test_an_older_database_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    first = (("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)",),)
    second = first + (("ALTER TABLE notes ADD COLUMN person TEXT NOT NULL DEFAULT 'me'",
                       "CREATE INDEX notes_by_person ON notes (person)"),)
    with HistoryStore.open(path, migrations=first) as store:
        store.run(lambda c: c.execute("INSERT INTO notes (text) VALUES (?)", ("kept",)))
    with HistoryStore.open(path, migrations=second) as store:
        assert schema_version(store.connection) == 2
        rows = store.run(lambda c: c.execute("SELECT text, person FROM notes").fetchall(), write=False)
        assert rows == [("kept", "me")]


def test_a_failing_migration_leaves_the_database_at_its_version(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    good = (("CREATE TABLE a (x INTEGER)",),)
    bad = good + (("CREATE TABLE b (y INTEGER)", "CREATE TABLE a (x INTEGER)"),)  # the 2nd fails: a exists
    with HistoryStore.open(path, migrations=good):
        pass
    with pytest.raises(HistoryError) as caught:
        HistoryStore.open(path, migrations=bad)
    assert caught.value.kind == "damaged"
    connection = sqlite3.connect(path, isolation_level=None)
    assert schema_version(connection) == 1
    assert connection.execute("SELECT name FROM sqlite_master WHERE name = 'b'").fetchall() == []  # rolled back
    assert migrate(connection, good) == 1


def test_a_database_from_a_newer_formcheck_is_left_alone(tmp_path: Path) -> None:
    path = history_path(tmp_path)
    with HistoryStore.open(path):
        pass
    _db_rows(path, f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    outcome = record_session(make_report(), home=tmp_path)
    assert outcome.status == "newer" and not outcome.ok
    assert "newer formcheck" in outcome.message and "update formcheck" in outcome.message
    assert _db_rows(path, "SELECT COUNT(*) FROM sessions") == [(0,)]


# -- recording ------------------------------------------------------------------------------

def test_a_session_is_recorded_with_its_sets_legs_faults_and_tempo(tmp_path: Path) -> None:
    report = make_report(per_set=(4, 6), arching_from=9)
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"not really a video")
    outcome = record_session(report, "Ann", video=video, report_dir=tmp_path, home=tmp_path)
    assert outcome.ok and outcome.status == "recorded" and outcome.session_id == 1
    assert "recorded as session 1 (Ann, heel-tap, sets: 2)" in outcome.message
    with HistoryStore.open(history_path(tmp_path)) as store:
        (stored,) = read_sessions(store)
    assert (stored.person, stored.kind, stored.source, stored.report_dir) == ("Ann", "analyze", str(video),
                                                                              str(tmp_path.resolve()))
    assert stored.filmed_from == "file"  # no creation time in these bytes: the file's time
    assert stored.filmed_at == datetime.fromtimestamp(int(video.stat().st_mtime), timezone.utc)
    assert (stored.reps, stored.clean_reps, len(stored.sets)) == (10, 8, 2)
    assert [s.reps for s in stored.sets] == [{"left": 2, "right": 2, "both": 0}, {"left": 3, "right": 3, "both": 0}]
    assert [s.faults["arching"] for s in stored.sets] == [0, 2]
    assert stored.faults == {"arching": 2, "swinging": 0, "tabletop_lost": 0}
    assert stored.legs["left"].reps == 5 and stored.legs["left"].end_range_kind == "reached"
    assert stored.lower_s == pytest.approx(3.0) and stored.raise_s == pytest.approx(3.0)


def test_recording_the_same_video_again_replaces_it_and_no_reps_are_not_recorded(tmp_path: Path) -> None:
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"x")
    first = record_session(make_report(), video=video, home=tmp_path)
    again = record_session(make_report(per_set=(6,)), video=video, home=tmp_path)
    other = record_session(make_report(), "Bo", video=video, home=tmp_path)
    assert (first.status, again.status, other.status) == ("recorded", "replaced", "recorded")
    assert "replacing the earlier record of this video" in again.message
    assert again.session_id != first.session_id  # ids are never reused
    empty = make_report(per_set=())
    skipped = record_session(empty, video=video, home=tmp_path)
    assert skipped.status == "skipped" and skipped.ok and "no reps" in skipped.message
    rows = _db_rows(history_path(tmp_path), "SELECT person, reps FROM sessions ORDER BY id")
    assert rows == [("me", 6), ("Bo", 4)]


def _record_many(home: str, worker: int, count: int) -> list[str]:
    return [record_session(make_report(), f"worker {worker}", video=None, home=home,
                           filmed_at=datetime(2026, 3, 1, tzinfo=timezone.utc) + timedelta(minutes=k)).status
            for k in range(count)]


def test_two_processes_recording_at_once_both_succeed(tmp_path: Path) -> None:
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        statuses = list(pool.map(_record_many, [str(tmp_path)] * 2, [1, 2], [25, 25]))
    assert [set(s) for s in statuses] == [{"recorded"}, {"recorded"}]
    rows = _db_rows(history_path(tmp_path), "SELECT person, COUNT(*) FROM sessions GROUP BY person ORDER BY person")
    assert rows == [("worker 1", 25), ("worker 2", 25)]
    assert _db_rows(history_path(tmp_path), "SELECT COUNT(*) FROM session_sets") == [(50,)]


def test_a_locked_database_costs_the_recording_not_the_session(tmp_path: Path) -> None:
    path = history_path(tmp_path)
    with HistoryStore.open(path):
        pass
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        outcome = record_session(make_report(), home=tmp_path, busy_timeout_s=0.1, retries=1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert outcome.status == "busy" and not outcome.ok
    assert outcome.message.startswith(f"the session history {path} stayed busy")
    assert "so this session was not recorded; the report was written" in outcome.message
    assert record_session(make_report(), home=tmp_path).status == "recorded"  # free again


@pytest.mark.parametrize("damage", ["garbage", "header"])
def test_a_damaged_database_is_one_sentence(tmp_path: Path, damage: str) -> None:
    path = history_path(tmp_path)
    if damage == "garbage":
        path.write_bytes(b"this is not a database\n" * 200)
    else:
        assert record_session(make_report(), home=tmp_path).ok
        with HistoryStore.open(path) as store:
            store.shrink()  # everything in the main file
        data = bytearray(path.read_bytes())
        data[:100] = b"\xff" * 100  # the header
        path.write_bytes(bytes(data))
    outcome = record_session(make_report(), home=tmp_path)
    assert outcome.status == "damaged"
    assert outcome.message.startswith(f"the session history {path} is damaged (")
    assert "move that file away" in outcome.message and "\n" not in outcome.message


def test_a_home_that_is_a_file_is_unwritable(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.write_text("a file, not a folder")
    outcome = record_session(make_report(), home=home)
    assert outcome.status == "unwritable" and "FORMCHECK_HOME" in outcome.message


# -- forgetting --------------------------------------------------------------------------

def test_forgetting_deletes_for_real(tmp_path: Path) -> None:
    marker = "Zelda-Quokka-7731"
    kept = record_session(make_report(), "Ann", home=tmp_path)
    gone = record_session(make_report(per_set=(4, 4)), marker, home=tmp_path)
    also = record_session(make_report(), marker, home=tmp_path, filmed_at="2026-03-02")
    path = history_path(tmp_path)
    with HistoryStore.open(path) as store:
        assert forget_session(store, 999) is None
        removed = forget_session(store, gone.session_id)
        assert removed is not None and removed.person == marker and len(removed.sets) == 2
        assert [s.id for s in read_sessions(store)] == [also.session_id, kept.session_id]  # by filmed time
        assert forget_person(store, marker) == 1
        assert [s.person for s in read_sessions(store)] == ["Ann"]
    for suffix in ("", "-wal"):
        file = path.with_name(path.name + suffix)
        if file.exists():
            assert marker.encode() not in file.read_bytes(), file.name
    assert _db_rows(path, "SELECT COUNT(*) FROM session_sets") == [(1,)]
    assert _db_rows(path, "SELECT COUNT(*) FROM set_faults") == [(3,)]


def test_the_history_command_forgets_and_says_what(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record_session(make_report(), "Ann")
    second = record_session(make_report(), "Ann", filmed_at="2026-01-05")
    assert cli.main(["history", "--forget", str(second.session_id)]) == 0
    assert f"forgot session {second.session_id} (Ann, heel-tap, filmed 2026-01-05 12:00)" in capsys.readouterr().out
    assert cli.main(["history", "--forget", str(second.session_id)]) == 1
    assert "there is no session" in capsys.readouterr().err
    assert cli.main(["history", "--forget-all"]) == 1
    assert "--forget-all needs --person" in capsys.readouterr().err
    assert cli.main(["history", "--forget-all", "--person", "Ann"]) == 0
    assert "forgot 1 session of Ann" in capsys.readouterr().out


# -- the filmed time --------------------------------------------------------------------

def test_the_filmed_time_comes_from_the_videos_creation_time(make_video: Any, tmp_path: Path) -> None:
    tagged = make_video("tagged.mp4", extra=("-metadata", "creation_time=2025-03-04T10:20:30Z"))
    plain = make_video("plain.mp4")
    assert creation_time(tagged) == datetime(2025, 3, 4, 10, 20, 30, tzinfo=timezone.utc)
    assert filmed_time(tagged) == (datetime(2025, 3, 4, 10, 20, 30, tzinfo=timezone.utc), "metadata")
    moment, how = filmed_time(plain)
    assert how in ("file", "metadata") and abs((datetime.now(timezone.utc) - moment).total_seconds()) < 3600
    assert filmed_time(tmp_path / "missing.mp4")[1] == "now"
    outcome = record_session(make_report(), video=tagged, home=tmp_path)
    assert _db_rows(history_path(tmp_path), "SELECT filmed_at, filmed_from FROM sessions WHERE id = "
                    f"{int(outcome.session_id or 0)}") == [("2025-03-04T10:20:30Z", "metadata")]


# -- the command: table, CSV, progress page --------------------------------------------------

def test_table_csv_and_since(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hostile = "=HYPERLINK(\"http://x\")"
    record_session(make_report(per_set=(4, 4)), "Ann", filmed_at="2026-02-01")
    record_session(make_report(), hostile, filmed_at="2026-02-10")
    assert cli.main(["history", "--csv", str(tmp_path / "s.csv")]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["id", "filmed", "person", "exercise"]
    assert "2026-02-01 12:00  Ann" in out and "advice: Ann: 1 of the last 1 heel-tap sessions" in out
    with open(tmp_path / "s.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["person"] for row in rows] == ["Ann", "'" + hostile]  # never a formula
    assert rows[0]["sets"] == "2" and rows[0]["reps_per_set"] == "L 2 R 2; L 2 R 2" and rows[0]["reps_left"] == "4"
    assert cli.main(["history", "--since", "2026-02-05"]) == 0
    shown = capsys.readouterr().out
    assert "Ann" not in shown.split("advice")[0] and hostile in shown
    assert cli.main(["history", "--person", "Nobody"]) == 0
    assert "no sessions match" in capsys.readouterr().out


def test_history_on_a_damaged_database_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    history_path().write_bytes(b"garbage" * 500)
    assert cli.main(["history"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is damaged" in err[0] and "Traceback" not in err[0]


def test_progress_page_is_self_contained_escaped_and_links_existing_reports(tmp_path: Path) -> None:
    hostile = '<script>alert("x")</script>'
    there = tmp_path / "reports" / "a b#1"
    there.mkdir(parents=True)
    (there / "report.html").write_text("<!DOCTYPE html>")
    record_session(make_report(per_set=(4, 6)), hostile, report_dir=there, filmed_at="2026-02-01")
    record_session(make_report(), hostile, report_dir=tmp_path / "gone", filmed_at="2026-02-03")
    page_path = tmp_path / "pages" / "progress.html"
    page_path.parent.mkdir()
    assert cli.main(["history", "--html", str(page_path)]) == 0
    page = page_path.read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;" in page
    parsed = _parse(page)
    hrefs = {attrs.get("href") for _, attrs in parsed.starts if attrs.get("href")}
    assert hrefs == {"../reports/a%20b%231/report.html"}  # the existing report only, relative and encoded
    assert (page_path.parent / "../reports/a b#1/report.html").resolve().is_file()
    _assert_self_contained(page.replace("../reports/a%20b%231/report.html", "#"))
    svgs = page.count("<svg")
    assert svgs == 5  # end range, clean share, tempo, sessions per week, reps per set
    assert page.count('class="bar"') >= 2 * 2 + 2 + 2  # reps per set (3 sets x 2 legs) and 2 weeks


# -- progression advice ---------------------------------------------------------------------

def _stored(tmp_path: Path, reports: Sequence[dict[str, Any]], start: date = date(2026, 3, 2),
            every_days: int = 2) -> list[Any]:
    for k, report in enumerate(reports):
        record_session(report, "Ann", home=tmp_path, filmed_at=(start + timedelta(days=every_days * k)).isoformat())
    with HistoryStore.open(history_path(tmp_path)) as store:
        return read_sessions(store, SessionFilter(person="Ann"))


def _clean_full(report: dict[str, Any]) -> dict[str, Any]:
    assert report["summary"]["ready_to_progress"]
    return report


def test_three_clean_sessions_at_full_depth_earn_the_next_profile(tmp_path: Path) -> None:
    sessions = _stored(tmp_path, [make_report(), make_report(arching_from=2), *[_clean_full(make_report())] * 3])
    advice = progression_advice(sessions, HEEL_TAP, today=date(2026, 3, 12))
    assert advice[0].startswith("Ann: the last 3 heel-tap sessions were clean at full depth") and \
        "move on to leg-extension" in advice[0]
    advice = progression_advice(sessions[:4], HEEL_TAP, today=date(2026, 3, 12))
    assert "2 of the last 3 heel-tap sessions" in advice[0]


def test_an_end_range_getting_worse_or_better_is_said(tmp_path: Path) -> None:
    def arched_at(heel_cm: float) -> dict[str, Any]:
        report = make_report(arching_from=1)
        report["end_range"] = {leg: {"heel_height_cm": heel_cm, "arching_reps": 2} for leg in ("left", "right")}
        return report

    worse = _stored(tmp_path / "w", [arched_at(5), arched_at(6), arched_at(5), arched_at(9), arched_at(10),
                                      arched_at(9)])
    words = " ".join(progression_advice(worse, HEEL_TAP, today=date(2026, 3, 14)))
    assert "Left leg: the end range got worse — the back now stays down only to 9 cm above the floor, against " \
           "5 cm before" in words and "Right leg: the end range got worse" in words
    better = _stored(tmp_path / "b", [arched_at(12), arched_at(8)])
    assert "Left leg: the end range improved" in " ".join(progression_advice(better, HEEL_TAP, today=date(2026, 3, 5)))
    steady = _stored(tmp_path / "s", [arched_at(8), arched_at(9)])
    assert "end range" not in " ".join(progression_advice(steady, HEEL_TAP, today=date(2026, 3, 5)))


def test_sessions_a_week_against_the_prescription(tmp_path: Path) -> None:
    rare = _stored(tmp_path / "r", [make_report()] * 3, every_days=7)
    assert any(a.startswith("1.0 sessions a week over the last 21 days; the prescription is 3–4")
               for a in progression_advice(rare, HEEL_TAP, today=date(2026, 3, 22)))
    often = _stored(tmp_path / "o", [make_report()] * 8, every_days=1)
    assert any("7.0 sessions a week over the last 8 days — more than the 3–4 prescribed" in a
               for a in progression_advice(often, HEEL_TAP, today=date(2026, 3, 9)))
    ok = _stored(tmp_path / "k", [make_report()] * 4, every_days=2)
    assert any(", as prescribed (3–4)" in a for a in progression_advice(ok, HEEL_TAP, today=date(2026, 3, 9)))
    assert any(a.startswith("No session in the last")
               for a in progression_advice(ok, HEEL_TAP, today=date(2026, 6, 1)))


@pytest.mark.parametrize("name, fragment", [("  ", "--person needs a name"), ("a\nb", "control characters"),
                                            ("x" * 81, "at most 80")])
def test_a_bad_person_fails_before_the_analysis(name: str, fragment: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["analyze", "no-such-video.mp4", "--person", name]) == 2
    err = capsys.readouterr().err
    assert fragment in err and "no-such-video" not in err  # checked before the video is opened
