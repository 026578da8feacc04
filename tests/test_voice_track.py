"""The voice on the annotated video: the one-voice policy in session time, the mixed track, the
ffmpeg mux, and end to end: ``formcheck analyze --voice`` on a sample with faults gives an
audio stream with speech at each fault cue's time and silence away from the cues."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from formcheck import cli
from formcheck.app.voice.cues import Cue
from formcheck.app.voice.prompts import PromptBank
from formcheck.app.voice.schedule import schedule
from formcheck.app.voice.track import VoiceTrackError, mux_voice, render_track
from formcheck.profiles import get_profile

PROFILE = get_profile("heel-tap")
SAMPLES = Path(__file__).resolve().parents[1] / "samples"
RATE_HZ = 16000


def cue(t_s: float, kind: str, text: str = "x", detected_s: float | None = None) -> Cue:
    return Cue(t_s=t_s, kind=kind, text=text, parts=(text,), key=f"{kind}{t_s}", detected_s=detected_s)


def test_schedule_one_voice_faults_cut_counts_and_late_cues_are_dropped() -> None:
    cues = [cue(0.0, "count"), cue(0.5, "fault"), cue(1.0, "pace"), cue(1.2, "count"), cue(1.3, "setup"),
            cue(10.0, "summary"), cue(10.5, "fault"), cue(30.0, "set"), cue(30.1, "fault", detected_s=25.0)]
    said = schedule(cues, lambda c: 1.0, PROFILE)
    assert [(s.cue.t_s, s.start_s, s.end_s, s.cut) for s in said] == [
        (0.0, 0.0, 0.5, True),     # the count, cut off by the fault
        (0.5, 0.5, 1.5, False),    # the fault; the pace beat waited 0.5 s > pace_late_s: dropped
        (1.3, 1.5, 2.5, False),    # set-up before the count that came first
        (1.2, 2.5, 3.5, False),
        (10.0, 10.0, 11.0, False),  # the summary is not cut by a fault
        (10.5, 11.0, 12.0, False),
        (30.0, 30.0, 31.0, False),  # a fault detected 5 s before it could be said is dropped
    ]


def test_track_has_each_cue_at_its_time_from_the_first_frame() -> None:
    bank = PromptBank.shipped()
    cues = [Cue(12.0, "fault", "f", ("keep the 90 degree bend",), "a"), Cue(15.0, "count", "c", ("left", "7"), "b")]
    track, said = render_track(cues, bank, PROFILE, start_s=10.0, min_duration_s=8.0)
    assert len(track) >= 8.0 * RATE_HZ and [s.start_s for s in said] == [12.0, 15.0]
    loud = np.abs(track) > 0.05
    first = np.flatnonzero(loud)[0] / RATE_HZ
    assert 2.0 <= first < 2.1  # 12 s in the session is 2 s into a video starting at 10 s
    assert not loud[int(0.0 * RATE_HZ):int(1.9 * RATE_HZ)].any()
    assert loud[int(5.0 * RATE_HZ):int(5.9 * RATE_HZ)].any() and not loud[int(6.2 * RATE_HZ):].any()


def audio_of(path: Path, ffmpeg: str) -> np.ndarray:
    """The first audio stream of ``path``, mono 16 kHz float samples."""
    raw = subprocess.run([ffmpeg, "-v", "error", "-i", str(path), "-map", "0:a:0", "-f", "s16le", "-ac", "1",
                          "-ar", str(RATE_HZ), "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype="<i2") / 32768.0


def streams_of(path: Path, ffmpeg: str) -> str:
    return subprocess.run([ffmpeg, "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr


def rms_db(samples: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(samples ** 2)) + 1e-12))


def test_mux_adds_an_audio_stream_and_copies_the_video(make_video, ffmpeg, tmp_path) -> None:
    video = make_video("clip.mp4", seconds=3.0)
    before = streams_of(video, ffmpeg)
    track = np.zeros(3 * RATE_HZ, dtype=np.float32)
    track[RATE_HZ:RATE_HZ + 8000] = 0.5 * np.sin(np.arange(8000) * 2 * np.pi * 440 / RATE_HZ)
    mux_voice(video, track, RATE_HZ)
    after = streams_of(video, ffmpeg)
    assert "Audio: aac" in after and "Video: h264" in after and "Audio" not in before
    audio = audio_of(video, ffmpeg)
    assert rms_db(audio[int(1.1 * RATE_HZ):int(1.4 * RATE_HZ)]) > -15
    assert rms_db(audio[int(2.0 * RATE_HZ):int(2.9 * RATE_HZ)]) < -60
    assert not list(tmp_path.glob("*.part*"))


def test_a_failing_mux_leaves_the_video_as_it_was(tmp_path) -> None:
    video = tmp_path / "annotated.mp4"
    video.write_bytes(b"not a video")
    with pytest.raises(VoiceTrackError, match="ffmpeg failed"):
        mux_voice(video, np.zeros(RATE_HZ, dtype=np.float32), RATE_HZ)
    assert video.read_bytes() == b"not a video" and not list(tmp_path.glob("*.part*"))


def test_analyze_voice_puts_the_cues_on_the_annotated_videos_audio_track(tmp_path, ffmpeg, capsys) -> None:
    out = tmp_path / "out"
    assert cli.main(["analyze", str(SAMPLES / "heel_tap_swinging.mp4"), "--out", str(out), "--voice", "--quiet"]) == 0
    report = json.loads((out / "report.json").read_text())
    cues = report["cues"]
    kinds = [c["kind"] for c in cues]
    assert kinds[0] == "setup" and kinds[-1] == "summary" and set(kinds) <= {"setup", "fault", "count", "set", "summary"}
    counted = [c["text"] for c in cues if c["kind"] == "count"]
    assert len(counted) == sum(report["summary"]["reps"].values())  # every rep counted aloud
    assert cues[-1]["text"] == "session over: left {left}, right {right}, ".format(**report["summary"]["reps"]) + \
        f"{sum(not r['faults'] for r in report['reps'])} clean"
    faults = [c for c in cues if c["kind"] == "fault"]
    report_faults = [f["t_s"] for rep in report["reps"] for f in rep["faults"]]
    assert faults and report_faults
    for fault in faults:  # said when live noticed a fault the report also has
        assert fault["text"] == "slow down: 3 seconds down"
        assert any(0 <= fault["t_s"] - t <= 1.5 for t in report_faults), (fault, report_faults)
    assert "Audio: aac" in streams_of(out / "annotated.mp4", ffmpeg)
    audio = audio_of(out / "annotated.mp4", ffmpeg)
    assert len(audio) / RATE_HZ >= report["source"]["duration_s"] - 0.1
    for fault in faults:  # speech right at each fault cue (a fault is never kept waiting here)
        start = int(fault["t_s"] * RATE_HZ)
        assert rms_db(audio[start:start + RATE_HZ // 2]) > -30, fault
    times = np.array([c["t_s"] for c in cues])
    quiet = [t for t in np.arange(0.0, report["source"]["duration_s"] - 0.5, 0.25)
             if not np.any((times > t - 4.0) & (times < t + 0.75))]  # no cue began in the last 4 s
    assert len(quiet) >= 4
    for t in quiet:
        window = audio[int(t * RATE_HZ):int((t + 0.5) * RATE_HZ)]
        assert rms_db(window) < -50, t
