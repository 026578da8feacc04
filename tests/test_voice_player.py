"""The live voice player with a stand-in player program that logs when each sentence started and
ended: one voice at a time, the most urgent first, a fault cuts a count off, late beats are
dropped, the cue starts within 300 ms, and without an audio device one warning and the terminal."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest

from formcheck.app.voice.cues import Cue
from formcheck.app.voice.phrases import Phrasebook
from formcheck.app.voice.player import VoicePlayer
from formcheck.profiles import get_profile

PROFILE = get_profile("heel-tap")
BOOK = Phrasebook(PROFILE)
LATENCY_BUDGET_S = 0.3

STAND_IN = '''import sys, time, wave
start = time.monotonic()
path = sys.argv[-1]
with wave.open(path) as handle:
    seconds = handle.getnframes() / handle.getframerate()
with open({log!r}, "a") as log:
    log.write(f"start {{start:.6f}} {{seconds:.3f}} {{path}}\\n")
time.sleep(seconds)
with open({log!r}, "a") as log:
    log.write(f"end {{time.monotonic():.6f}} {{path}}\\n")
'''


def stand_in(tmp_path: Path) -> tuple[list[str], Path]:
    """A player command that plays nothing but logs start/end (monotonic s) and lasts as long as the WAV."""
    log = tmp_path / "played.log"
    script = tmp_path / "stand_in_player.py"
    script.write_text(STAND_IN.format(log=str(log)))
    return [sys.executable, "-S", str(script)], log


def events(log: Path) -> list[tuple[str, float, str]]:
    if not log.exists():
        return []
    rows = [line.split() for line in log.read_text().splitlines()]
    return [(row[0], float(row[1]), row[-1]) for row in rows]


def wait_for(condition, timeout_s: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def cue(kind: str, spoken: tuple[str, tuple[str, ...]], key: str | None = None) -> Cue:
    text, parts = spoken
    return Cue(t_s=0.0, kind=kind, text=text, parts=parts, key=key or text)


FAULT = cue("fault", BOOK.fault("arching"))
SWING = cue("fault", BOOK.fault("swinging"))
KNEE = cue("fault", BOOK.fault("tabletop_lost"))
SETUP = cue("setup", BOOK.whole("voice.setup.hold_still"))
READY = cue("setup", BOOK.whole("voice.setup.ready"))
COUNT = cue("count", BOOK.count("left", 7))
PACE = cue("pace", BOOK.pace("lowering", 0))


def test_one_voice_at_a_time_the_most_urgent_first(tmp_path) -> None:
    command, log = stand_in(tmp_path)
    with VoicePlayer(PROFILE, player=command, warn=pytest.fail, probe=False) as player:
        player.say(READY)
        assert wait_for(lambda: len(events(log)) == 1)
        for item in (COUNT, KNEE):  # waiting together: the fault first, then the count
            player.say(item)
        assert wait_for(lambda: len([e for e in events(log) if e[0] == "end"]) == 3)
        assert [p.cue for p in player.played] == [READY, KNEE, COUNT]
    starts = [e for e in events(log) if e[0] == "start"]
    ends = [e for e in events(log) if e[0] == "end"]
    for previous_end, following_start in zip(ends, starts[1:]):
        assert following_start[1] >= previous_end[1]  # never two at once


def test_a_fault_cuts_a_count_off_but_not_another_fault(tmp_path) -> None:
    command, log = stand_in(tmp_path)
    with VoicePlayer(PROFILE, player=command, warn=pytest.fail, probe=False) as player:
        player.say(COUNT)
        assert wait_for(lambda: len(events(log)) == 1)  # the count is playing
        said = time.monotonic()
        player.say(FAULT)
        assert wait_for(lambda: len([e for e in events(log) if e[0] == "start"]) == 2)
        fault_start = [e for e in events(log) if e[0] == "start"][1][1]
        assert fault_start - said < LATENCY_BUDGET_S
        player.say(SWING)  # a fault while a fault plays waits for it
        assert wait_for(lambda: len([e for e in events(log) if e[0] == "end"]) == 2)
        assert [(p.cue, p.cut) for p in player.played] == [(COUNT, True), (FAULT, False), (SWING, False)]
    log_events = events(log)
    count_file = log_events[0][2]
    assert ("end", count_file) not in {(kind, path) for kind, _t, path in log_events}  # the count never ended
    fault_end = next(t for kind, t, path in log_events if kind == "end" and path != count_file)
    swing_start = [t for kind, t, _p in log_events if kind == "start"][2]
    assert swing_start >= fault_end


def test_a_pace_beat_that_waited_too_long_is_dropped(tmp_path) -> None:
    command, log = stand_in(tmp_path)
    with VoicePlayer(PROFILE, player=command, warn=pytest.fail, probe=False) as player:
        player.say(SETUP)
        assert wait_for(lambda: len(events(log)) == 1)
        player.say(PACE)  # the set-up sentence (~0.8 s) outlasts the beat's pace_late_s
        assert wait_for(lambda: len([e for e in events(log) if e[0] == "end"]) == 1)
        time.sleep(0.3)
        assert [p.cue for p in player.played] == [SETUP]


def test_each_cue_starts_within_300_ms_of_being_due(tmp_path) -> None:
    command, log = stand_in(tmp_path)
    with VoicePlayer(PROFILE, player=command, warn=pytest.fail, probe=False) as player:
        for index in range(5):
            due = time.monotonic()
            player.say(Cue(0.0, "fault", FAULT.text, FAULT.parts, f"fault{index}"), due_s=due - 0.05)
            assert wait_for(lambda: len([e for e in events(log) if e[0] == "start"]) == index + 1)
            player.wait_idle(10.0)
    started = [t for kind, t, _path in events(log) if kind == "start"]
    delays = [start - p.due_s for start, p in zip(started, player.played)]
    # due 50 ms before say(): the frame's capture time, as live passes it
    assert len(delays) == 5 and max(delays) < LATENCY_BUDGET_S, delays
    assert all(0 <= p.started_s - p.due_s < LATENCY_BUDGET_S for p in player.played)


def test_a_failing_player_warns_once_then_prints_the_cues(tmp_path, capsys) -> None:
    failing = tmp_path / "failing.py"
    failing.write_text("import sys; sys.exit(1)\n")
    warnings: list[str] = []
    with VoicePlayer(PROFILE, player=[sys.executable, "-S", str(failing)], warn=warnings.append,
                     text_ok=True) as player:
        assert wait_for(lambda: player.mode == "text")  # the probe found no audio device at the start
        player.say(FAULT)
        player.say(COUNT)
        assert wait_for(lambda: len(player.played) == 2)
    assert len(warnings) == 1 and "no audio device" in warnings[0] and "printed" in warnings[0]
    err = capsys.readouterr().err
    assert f"formcheck: {FAULT.text}" in err and f"formcheck: {COUNT.text}" in err


@pytest.mark.skipif(shutil.which("play") is None, reason="needs SoX's play")
def test_without_an_audio_device_the_real_player_fails_and_the_voice_goes_quiet() -> None:
    """This machine has no sound card: SoX's ``play`` fails, as it would for a user without one."""
    warnings: list[str] = []
    with VoicePlayer(PROFILE, player=["play", "-q"], warn=warnings.append, text_ok=False) as player:
        assert wait_for(lambda: player.mode == "off")
        player.say(FAULT)
        time.sleep(0.2)
        assert player.played == []
    assert len(warnings) == 1 and "could not play sound with play" in warnings[0] and "off" in warnings[0]


def test_no_player_at_all_says_so_once() -> None:
    warnings: list[str] = []
    with VoicePlayer(PROFILE, player=[], warn=warnings.append, text_ok=False) as player:
        player.say(FAULT)
        assert player.mode == "off"
    assert len(warnings) == 1 and "no audio player found" in warnings[0]
