"""Speaks cues live: one voice at a time on a background thread, never blocking the frame loop.

:class:`VoicePlayer` keeps the cues in a :class:`~.schedule.VoiceQueue` (the policy the
annotated video's track uses too) and plays each sentence — its prompts joined into a WAV in a
temporary folder — with the first audio player on PATH (:func:`formcheck.app.sound.player_command`),
on a :class:`~formcheck.io.workers.Worker` thread. A more urgent cue cuts off a count or a pace
beat by stopping its player process.

Without an audio device it says so once, in one sentence, then prints each cue's words on
the terminal instead (or stays quiet when stderr is not a terminal); the cues are still
recorded for report.json. :attr:`VoicePlayer.played` records what started when (wall clock,
``time.monotonic``), for the latency measure and the tests.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from formcheck.app.sound import player_command
from formcheck.app.voice.cues import Cue
from formcheck.app.voice.prompts import PromptBank, write_wav
from formcheck.app.voice.schedule import VoiceQueue
from formcheck.io.workers import Worker
from formcheck.profiles import ExerciseProfile
from formcheck.wording import say

PROBE_S = 0.05  # the silence played once at the start to find out whether there is an audio device
PLAY_MARGIN_S = 3.0  # a player may take this much longer than its sentence before it is stopped
PACE_GAIN = 0.6  # pace beats are quieter than words


@dataclass
class PlayedCue:
    """A cue the player started: when it was due, handed to :meth:`VoicePlayer.say` and started
    (``time.monotonic`` s: the player process exists), whether it was cut off, and the mode it
    was said in (``player`` or ``text``)."""

    cue: Cue
    due_s: float
    said_s: float
    started_s: float
    mode: str
    cut: bool = False


class VoicePlayer:
    """``say(cue, due_s)`` returns at once; a worker thread speaks the queued cues one at a time.

    Args:
        bank: the prompts (default: the shipped English ones).
        player: the command that plays a WAV file (its path appended); default: the first
            audio player on PATH; an empty sequence means none.
        warn: where the one warning goes (default: a line on stderr).
        text_ok: whether the cues may be printed when nothing can play (default: stderr is a
            terminal).
        probe: play a moment of silence at the start to find a missing audio device early.
    """

    def __init__(self, profile: ExerciseProfile, bank: PromptBank | None = None,
                 player: Sequence[str] | None = None, warn: Callable[[str], None] | None = None,
                 text_ok: bool | None = None, probe: bool = True) -> None:
        self.bank = bank or PromptBank.shipped()
        self.player = player_command() if player is None else list(player)
        self._warn = warn or (lambda text: print(f"formcheck: warning: {text}", file=sys.stderr, flush=True))
        self.text_ok = sys.stderr.isatty() if text_ok is None else text_ok
        self.mode = "player" if self.player else ("text" if self.text_ok else "off")
        self.warned = False
        self.played: list[PlayedCue] = []
        self._queue = VoiceQueue(profile)
        self._lock = threading.Lock()
        self._running = False
        self._playing: tuple[Cue, float] | None = None  # (cue, due)
        self._cut = False
        self._process: subprocess.Popen | None = None
        self._worker = Worker(3, name="formcheck-voice")  # the probe, a run ending, a run starting
        self._dir = tempfile.TemporaryDirectory(prefix="formcheck-voice-")
        self._files: dict[tuple[str, ...], Path] = {}
        self._probing: Future[None] | None = None
        self._said_at: dict[int, float] = {}  # id(cue) → when say() got it
        if not self.player:
            self._degrade("no audio player found (paplay, pw-play, aplay, afplay or play)")
        elif probe:
            self._probing = self._worker.submit(self._probe)

    def say(self, cue: Cue, due_s: float | None = None) -> None:
        """Queue ``cue``; ``due_s``: when it became due (``time.monotonic`` s; default now), the
        start of its latency and of its wait."""
        if self.mode == "off":
            return
        now = time.monotonic()
        due = now if due_s is None else due_s
        with self._lock:
            self._said_at[id(cue)] = now
            playing = self._playing[0] if self._playing is not None else None
            if self._queue.offer(cue, due, playing):
                self._cut = True
                if self._process is not None:
                    self._process.terminate()
            start = not self._running
            self._running = True
        if start:
            self._worker.submit(self._speak_queued)

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait until nothing is playing or waiting (True), at most ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._lock:
                if not self._running:
                    return True
            time.sleep(0.01)
        return False

    def close(self, drain_s: float = 0.0) -> None:
        """Let what is queued play for up to ``drain_s`` (the summary at the end), then stop
        the one playing, the thread, and remove the temporary files."""
        if self._probing is not None:  # a short session: its one warning still comes
            # longer than the probe's own timeout, so a slow start of the player (a loaded
            # machine) still ends in the probe's verdict rather than in silence
            wait([self._probing], timeout=PROBE_S + 2 * PLAY_MARGIN_S)
        if drain_s > 0:
            self.wait_idle(drain_s)
        with self._lock:
            self._queue.clear()
            self._cut = True
            if self._process is not None:
                self._process.terminate()
        self._worker.abort(1.0)
        self._dir.cleanup()

    def __enter__(self) -> VoicePlayer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _speak_queued(self) -> None:
        while True:
            with self._lock:
                found = self._queue.next(time.monotonic())
                if found is None:
                    self._running, self._playing = False, None
                    return
                cue, due = found
                self._playing, self._cut = found, False
            self._speak(cue, due)

    def _speak(self, cue: Cue, due: float) -> None:
        if self.mode == "player":
            self._play(cue, due)
        if self.mode == "text":  # also a cue whose playing just failed
            self.played.append(PlayedCue(cue, due, self._said_at.pop(id(cue), due), time.monotonic(), "text"))
            print(f"formcheck: {cue.text}", file=sys.stderr, flush=True)

    def _play(self, cue: Cue, due: float) -> None:
        try:
            path = self._file(cue)
            if path is None:
                return
            with self._lock:
                if self._cut:
                    return
                self._process = subprocess.Popen([*self.player, os.fspath(path)], stdin=subprocess.DEVNULL,
                                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                record = PlayedCue(cue, due, self._said_at.pop(id(cue), due), time.monotonic(), "player")
                self.played.append(record)
            code = self._process.wait(timeout=self.bank.duration_s(cue.parts) + PLAY_MARGIN_S)
            failed = code != 0 and not self._cut
            record.cut = self._cut
        except (OSError, subprocess.TimeoutExpired):
            failed = True
        finally:
            with self._lock:
                if self._process is not None and self._process.poll() is None:
                    self._process.kill()
                self._process = None
        if failed:
            if self.played and self.played[-1].cue is cue:
                self.played.pop()
            self._degrade(f"could not play sound with {Path(self.player[0]).name} (no audio device?)")

    def _file(self, cue: Cue) -> Path | None:
        """The WAV of a sentence, written once per distinct sentence (None: nothing to say)."""
        found = self._files.get(cue.parts)
        if found is None:
            samples = self.bank.sentence(cue.parts, gain=PACE_GAIN if cue.kind == "pace" else 1.0)
            if samples.size == 0:
                return None
            name = hashlib.sha1("\x00".join(cue.parts).encode("utf-8")).hexdigest()[:12]
            found = self._files[cue.parts] = write_wav(Path(self._dir.name) / f"{name}.wav", samples,
                                                       self.bank.rate_hz)
        return found

    def _probe(self) -> None:
        try:
            path = write_wav(Path(self._dir.name) / "probe.wav", np.zeros(int(PROBE_S * self.bank.rate_hz)),
                             self.bank.rate_hz)
            result = subprocess.run([*self.player, os.fspath(path)], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    timeout=PROBE_S + PLAY_MARGIN_S, check=False)
            failed = result.returncode != 0
        except (OSError, subprocess.TimeoutExpired):
            failed = True
        if failed:
            self._degrade(f"could not play sound with {Path(self.player[0]).name} (no audio device?)")

    def _degrade(self, reason: str) -> None:
        self.mode = "text" if self.text_ok else "off"
        if not self.warned:
            self.warned = True
            self._warn(say("voice.fallback" if self.mode == "text" else "voice.fallback.off", reason=reason))
