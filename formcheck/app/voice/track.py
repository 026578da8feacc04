"""The annotated video's voice track: the session's cues, spoken at their times by one voice.

:func:`render_track` lays the cues out with :func:`~.schedule.schedule` (the live player's
policy: one voice, faults cut counts off, late cues dropped) and mixes their prompts into
one mono track whose sample 0 is the video's first frame. :func:`mux_voice` adds it to a
finished MP4 in a separate ffmpeg step (video stream copied, AAC audio), written beside the
video and renamed over it only when ffmpeg succeeded.
"""

from __future__ import annotations

import math
import subprocess
from pathlib import Path
from typing import Sequence

import numpy as np

from formcheck.app.result import AnalysisResult
from formcheck.app.voice.cues import Cue
from formcheck.app.voice.player import PACE_GAIN
from formcheck.app.voice.prompts import PromptBank
from formcheck.app.voice.schedule import Spoken, schedule
from formcheck.io.atomic import publish
from formcheck.profiles import ExerciseProfile
from formcheck.wording import say

AUDIO_BITRATE = "48k"
MUX_TIMEOUT_S = 120.0


class VoiceTrackError(Exception):
    """The voice track could not be muxed (no ffmpeg, or ffmpeg failed): one sentence why."""


def render_track(cues: Sequence[Cue], bank: PromptBank, profile: ExerciseProfile, start_s: float = 0.0,
                 min_duration_s: float = 0.0) -> tuple[np.ndarray, list[Spoken]]:
    """The mono float32 track (``bank.rate_hz``) with every spoken cue at its time since
    ``start_s``, at least ``min_duration_s`` long, and what was spoken when."""
    rate = bank.rate_hz
    said = schedule(cues, lambda cue: bank.duration_s(cue.parts), profile)
    end_s = max([min_duration_s] + [s.end_s - start_s for s in said])
    track = np.zeros(int(math.ceil(end_s * rate)) + 1, dtype=np.float32)
    for spoken in said:
        samples = bank.sentence(spoken.cue.parts, gain=PACE_GAIN if spoken.cue.kind == "pace" else 1.0)
        first = int(round((spoken.start_s - start_s) * rate))
        count = min(len(samples), int(round((spoken.end_s - spoken.start_s) * rate)), len(track) - first)
        if first >= 0 and count > 0:
            track[first:first + count] += samples[:count]
    return np.clip(track, -1.0, 1.0), said


def ffmpeg_exe() -> str:
    """imageio-ffmpeg's ffmpeg binary (the ``video`` extra), or VoiceTrackError."""
    try:
        import imageio_ffmpeg  # optional: the video extra
        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError, OSError):
        raise VoiceTrackError("no ffmpeg: pip install 'formcheck[video]'") from None


def mux_voice(video: Path, track: np.ndarray, rate_hz: int) -> None:
    """Give ``video`` (MP4) the audio ``track``: its video stream copied, the track as AAC.

    The new file is written beside it and renamed over it only when ffmpeg succeeded; on any
    failure ``video`` is left as it was and VoiceTrackError says why.
    """
    part = video.with_name(video.stem + ".voice.part" + video.suffix)
    pcm = (np.clip(track, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    command = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(video),
               "-f", "s16le", "-ar", str(rate_hz), "-ac", "1", "-i", "pipe:0",
               "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy", "-c:a", "aac", "-b:a", AUDIO_BITRATE,
               "-movflags", "+faststart", str(part)]
    try:
        result = subprocess.run(command, input=pcm, capture_output=True, timeout=MUX_TIMEOUT_S, check=False)
        if result.returncode != 0 or not part.exists():
            lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise VoiceTrackError(f"ffmpeg failed: {lines[-1] if lines else f'exit {result.returncode}'}")
        publish(part, video)
    except subprocess.TimeoutExpired:
        raise VoiceTrackError(f"ffmpeg took longer than {MUX_TIMEOUT_S:.0f} s") from None
    except OSError as exc:
        raise VoiceTrackError(f"{exc.strerror or type(exc).__name__}".lower()) from None
    finally:
        part.unlink(missing_ok=True)


def add_voice_track(result: AnalysisResult, profile: ExerciseProfile, video: Path,
                    bank: PromptBank | None = None) -> list[str]:
    """After the annotated video is written: put the session's cues (``result.cues``) on its
    audio track. Returns the report's warnings (none when it worked, or when there is no voice
    or no video)."""
    if result.cues is None or not video.exists() or result.recorder is None or len(result.recorder) == 0:
        return []
    bank = bank or PromptBank.shipped()
    recorder = result.recorder
    fps = result.source.fps if math.isfinite(result.source.fps) and result.source.fps > 0 else 0.0
    # the video's first frame is the source's frame 0
    start_s = float(recorder.t_s[0]) - (float(recorder.frame_index[0]) / fps if fps else 0.0)
    length_s = result.frames_read / fps if fps else 0.0
    try:
        track, _said = render_track(result.cues, bank, profile, start_s, length_s)
        mux_voice(video, track, bank.rate_hz)
    except VoiceTrackError as exc:
        return [say("voice.track_failed", reason=str(exc))]
    return []
