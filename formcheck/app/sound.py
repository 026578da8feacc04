"""Short sound cues for live faults, played on a background thread (never blocks the frame loop).

A cue is a generated tone (one pitch per fault code) played by the first audio player found
on PATH (``paplay``, ``pw-play``, ``aplay``, ``afplay``, SoX's ``play``; :func:`player_command`,
shared with the spoken cues of :mod:`formcheck.app.voice`). Without a player, or when playing
fails (no audio device), it falls back to the terminal bell when stderr is a terminal, else
it turns itself off; either way it says so once on stderr.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from formcheck.io.workers import Worker

PLAYERS: tuple[str, ...] = ("paplay", "pw-play", "aplay", "afplay", "play")
PLAYER_FLAGS: dict[str, tuple[str, ...]] = {"aplay": ("-q",), "play": ("-q",)}  # before the file
SAMPLE_RATE_HZ = 22050
TONE_S = 0.18
TONE_HZ = {"arching": 880.0, "swinging": 660.0, "tabletop_lost": 520.0}
DEFAULT_TONE_HZ = 740.0
PLAY_TIMEOUT_S = 3.0
_PENDING_MAX = 2  # cues waiting to play besides the one playing; more are dropped (the banner still shows them)


def write_tone(path: Path, frequency_hz: float, duration_s: float = TONE_S) -> Path:
    """A mono 16-bit WAV beep with 10 ms fades (no clicks)."""
    n = int(SAMPLE_RATE_HZ * duration_s)
    t_s = np.arange(n) / SAMPLE_RATE_HZ
    envelope = np.minimum(1.0, np.minimum(t_s, duration_s - t_s) / 0.01)
    samples = (0.4 * 32767 * envelope * np.sin(2 * math.pi * frequency_hz * t_s)).astype("<i2")
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(SAMPLE_RATE_HZ)
        handle.writeframes(samples.tobytes())
    return path


def find_player() -> str | None:
    """The first audio player on PATH, or None."""
    return next((found for name in PLAYERS if (found := shutil.which(name))), None)


def player_command() -> list[str]:
    """The command that plays a WAV file (its path appended): the first player on PATH with
    its quiet flags; empty when there is none."""
    found = find_player()
    return [found, *PLAYER_FLAGS.get(Path(found).name, ())] if found else []


class SoundCue:
    """``cue(code)`` queues a short sound and returns at once; a :class:`Worker` thread plays it.

    Args:
        player: the command that plays a WAV file (its path is appended); default: the
            first of :data:`PLAYERS` on PATH. An empty sequence means none.
        warn: where the one warning goes (default: a line on stderr).
        bell_ok: whether the terminal bell may stand in (default: stderr is a terminal).
    """

    def __init__(self, player: Sequence[str] | None = None,
                 warn: Callable[[str], None] | None = None, bell_ok: bool | None = None) -> None:
        self.player = player_command() if player is None else list(player)
        self._warn = warn or (lambda text: print(f"formcheck: warning: {text}", file=sys.stderr, flush=True))
        self.bell_ok = sys.stderr.isatty() if bell_ok is None else bell_ok
        self.mode = "player" if self.player else ("bell" if self.bell_ok else "off")
        self.played = 0
        self.warned = False
        self._worker = Worker(_PENDING_MAX + 1, name="SoundCue")
        self._dir = tempfile.TemporaryDirectory(prefix="formcheck-sound-")
        self._tones: dict[str, Path] = {}
        if not self.player:
            self._degrade(f"no audio player found ({', '.join(PLAYERS)})")

    def cue(self, code: str) -> None:
        """Play the cue of fault ``code`` soon; dropped when cues are off or already queued."""
        if self.mode == "off":
            return
        self._worker.submit(self._run, code, block=False)

    def close(self, timeout_s: float = 1.0) -> None:
        """Stop the thread (cues still queued are dropped; one playing gets ``timeout_s``) and
        remove the tone files."""
        self._worker.abort(timeout_s)
        self._dir.cleanup()

    def __enter__(self) -> SoundCue:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _run(self, code: str) -> None:
        if self.mode == "player":
            self._play(code)
        elif self.mode == "bell":
            sys.stderr.write("\a")
            sys.stderr.flush()
            self.played += 1

    def _play(self, code: str) -> None:
        try:
            tone = self._tones.get(code)
            if tone is None:  # (a full temporary folder fails here, like a missing device below)
                tone = write_tone(Path(self._dir.name) / f"{code}.wav", TONE_HZ.get(code, DEFAULT_TONE_HZ))
                self._tones[code] = tone
            result = subprocess.run([*self.player, os.fspath(tone)], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    timeout=PLAY_TIMEOUT_S, check=False)
            failed = result.returncode != 0
        except (OSError, subprocess.TimeoutExpired):
            failed = True
        if failed:
            self._degrade(f"could not play sound with {Path(self.player[0]).name} (no audio device?)")
        else:
            self.played += 1

    def _degrade(self, reason: str) -> None:
        self.mode = "bell" if self.bell_ok else "off"
        if not self.warned:
            self.warned = True
            then = "the terminal bell stands in" if self.mode == "bell" else "sound cues are off"
            self._warn(f"{reason} — {then}")
