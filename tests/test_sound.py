"""Sound cues: played off the frame loop's thread; one warning and silence without audio."""

from __future__ import annotations

import stat
import sys
import time
import wave
from pathlib import Path

from formcheck.app.sound import SoundCue, write_tone


def fake_player(tmp_path: Path, exit_code: int, delay_s: float = 0.0) -> list[str]:
    """A player script that logs each file it is asked to play, then exits with ``exit_code``."""
    log = tmp_path / "played.log"
    script = tmp_path / "player.py"
    script.write_text("import sys, time\n"
                      f"time.sleep({delay_s})\n"
                      f"open({str(log)!r}, 'a').write(sys.argv[1] + '\\n')\n"
                      f"sys.exit({exit_code})\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return [sys.executable, str(script)]


def wait_for(condition, timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_tone_is_a_short_wav(tmp_path) -> None:
    path = write_tone(tmp_path / "beep.wav", 660.0, 0.2)
    with wave.open(str(path)) as handle:
        assert handle.getnchannels() == 1 and handle.getsampwidth() == 2
        assert abs(handle.getnframes() / handle.getframerate() - 0.2) < 0.01


def test_cue_returns_at_once_and_plays_in_the_background(tmp_path) -> None:
    warnings: list[str] = []
    with SoundCue(fake_player(tmp_path, 0, delay_s=0.5), warn=warnings.append, bell_ok=False) as sound:
        started = time.monotonic()
        sound.cue("arching")
        assert time.monotonic() - started < 0.05  # the frame loop never waits for the sound
        assert wait_for(lambda: sound.played == 1)
        played = (tmp_path / "played.log").read_text().split()
        assert len(played) == 1 and played[0].endswith("arching.wav")
    assert warnings == []


def test_a_failing_player_warns_once_and_goes_quiet(tmp_path) -> None:
    warnings: list[str] = []
    with SoundCue(fake_player(tmp_path, 1), warn=warnings.append, bell_ok=False) as sound:
        sound.cue("swinging")
        assert wait_for(lambda: sound.mode == "off")
        sound.cue("arching")
        time.sleep(0.3)
        assert sound.played == 0
    assert len(warnings) == 1 and "no audio device" in warnings[0] and "off" in warnings[0]
    assert len((tmp_path / "played.log").read_text().split()) == 1  # not tried again


def test_no_player_warns_once_at_start(tmp_path) -> None:
    warnings: list[str] = []
    with SoundCue([], warn=warnings.append, bell_ok=False) as sound:
        sound.cue("arching")
        assert sound.mode == "off"
    assert len(warnings) == 1 and "no audio player" in warnings[0]


def test_a_burst_of_cues_never_waits_and_extra_ones_are_dropped(tmp_path) -> None:
    warnings: list[str] = []
    with SoundCue(fake_player(tmp_path, 0, delay_s=0.3), warn=warnings.append, bell_ok=False) as sound:
        started = time.monotonic()
        for _ in range(10):
            sound.cue("swinging")
        assert time.monotonic() - started < 0.1
        assert wait_for(lambda: sound.played == 3)  # the one playing and the two waiting
        time.sleep(0.5)
        assert sound.played == 3
    assert warnings == []


def test_close_while_a_cue_plays_returns_within_its_timeout(tmp_path) -> None:
    sound = SoundCue(fake_player(tmp_path, 0, delay_s=2.0), warn=lambda text: None, bell_ok=False)
    sound.cue("arching")
    sound.cue("arching")
    time.sleep(0.2)
    started = time.monotonic()
    sound.close(timeout_s=0.5)
    assert time.monotonic() - started < 1.5
