"""``formcheck live --voice`` on a sample with faults, replayed at real speed through the real model,
with a stand-in player program that logs when each sentence really started (this machine has no
sound card): the right cues in order, each fault cue started within 300 ms of the capture of
the frame that showed the fault, the same cues in report.json; without an audio device the CLI
says so in one sentence."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import formcheck.app.live as live_module
import formcheck.app.voice.player as player_module
from formcheck.app.live import LiveOptions, run_live
from formcheck.app.voice.live_voice import LiveVoice

from test_voice_player import LATENCY_BUDGET_S, events, stand_in

SWINGING = Path(__file__).resolve().parents[1] / "samples" / "heel_tap_swinging.mp4"


@pytest.fixture(scope="module")
def spoken_session(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("voice-live")
    command, log = stand_in(tmp_path)
    voices: list[LiveVoice] = []

    class Recorded(LiveVoice):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            voices.append(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(player_module, "player_command", lambda: command)
        patch.setattr(live_module, "LiveVoice", Recorded)
        result = run_live(LiveOptions(source=SWINGING, window=False, voice=True, out_dir=tmp_path / "out"))
    return result, voices[0], log, tmp_path / "out"


def test_live_voice_says_the_right_cues_in_order_and_writes_them_to_the_report(spoken_session) -> None:
    result, voice, log, out = spoken_session
    assert result.ended_by == "end of source" and voice.player.mode == "player"
    report = json.loads((out / "report.json").read_text())
    assert report["cues"] == [{"t_s": round(c.t_s, 2), "kind": c.kind, "text": c.text} for c in voice.cues]
    kinds = [c.kind for c in voice.cues]
    assert kinds[0] == "setup" and kinds[-1] == "summary"
    assert [c.text for c in voice.cues if c.kind == "count"][:2] == ["left, 1", "right, 1"]
    played = [p.cue for p in voice.player.played]
    assert played == [c for c in voice.cues if c in played]  # in the order decided
    assert played[-1].kind == "summary"  # the summary finished before the player closed
    faults = [c for c in voice.cues if c.kind == "fault"]
    assert faults and all(c in played for c in faults)  # no fault cue was dropped
    assert len({(c.key, round(c.t_s)) for c in voice.cues}) == len(voice.cues)
    keys = [c.key for c in faults]
    for key in set(keys):  # never the same fault twice within the repeat time
        times = [c.t_s for c in faults if c.key == key]
        assert all(b - a >= 5.0 for a, b in zip(times, times[1:]))


def test_each_fault_cue_starts_within_300_ms_of_its_frame_being_captured(spoken_session) -> None:
    """From the capture of the frame at which the detector noticed the fault (the pose model's
    latency included) to the player process started (exec'd: ``Popen`` returned)."""
    _result, voice, log, _out = spoken_session
    starts = [t for kind, t, path in events(log) if kind == "start" and not path.endswith("probe.wav")]
    assert len(starts) == len(voice.player.played)
    faults = [(p, start) for p, start in zip(voice.player.played, starts) if p.cue.kind == "fault"]
    spawned = [p.started_s - p.due_s for p, _start in faults]
    running = [start - p.due_s for p, start in faults]  # + the stand-in's own Python start-up
    print(f"fault cue latency: spawned {[round(d * 1000) for d in spawned]} ms, "
          f"stand-in running {[round(d * 1000) for d in running]} ms")
    assert spawned and max(spawned) <= LATENCY_BUDGET_S, spawned
    assert all(start >= p.started_s for p, start in faults)


def test_without_an_audio_device_live_voice_says_so_once(make_video, tmp_path) -> None:
    """SoX's ``play`` (or no player at all) cannot play here: one warning line, then quiet."""
    video = make_video("empty.mp4", seconds=2.0)
    process = subprocess.run([sys.executable, "-m", "formcheck", "live", "--source", str(video), "--no-window",
                              "--voice", "--out", str(tmp_path / "out")], capture_output=True, text=True,
                             timeout=120)
    # Other warnings may come too (a loaded machine replays slower than real time): the voice's is said once.
    warnings = [line for line in process.stderr.splitlines() if line.startswith("formcheck: warning:")]
    voice_warnings = [line for line in warnings if "spoken cues" in line]
    assert len(voice_warnings) == 1 and "spoken cues are off" in voice_warnings[0], (process.stderr, process.stdout)
    assert "Traceback" not in process.stderr
