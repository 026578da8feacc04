"""The voice of a live session: the coach decides each cue in session time, the player speaks
it, due at the wall-clock moment its frame was captured."""

from __future__ import annotations

from typing import Sequence

from formcheck.analysis.fault_detector import FaultEvent
from formcheck.app.live_feedback import LiveFeedback
from formcheck.app.voice.coach import VoiceCoach
from formcheck.app.voice.cues import Cue
from formcheck.app.voice.player import VoicePlayer
from formcheck.profiles import ExerciseProfile

SUMMARY_WAIT_S = 8.0  # at the end, the summary may finish speaking for this long


class LiveVoice:
    """``update`` after each processed frame, ``finish`` when the session ends, then ``close``."""

    def __init__(self, profile: ExerciseProfile, speak: bool = True, pace: bool = False,
                 player: VoicePlayer | None = None) -> None:
        self.coach = VoiceCoach(profile, speak=speak, pace=pace)
        self.player = player if player is not None else VoicePlayer(profile)
        self._earlier: list[Cue] = []  # cues of the coach before a switch of exercise

    @property
    def cues(self) -> list[Cue]:
        """Every cue decided in the session (report.json's ``cues``)."""
        return self._earlier + self.coach.cues

    def switch(self, profile: ExerciseProfile) -> None:
        """Coach ``profile`` from now on (live recognised another exercise); the voice stays."""
        self._earlier += self.coach.cues
        self.coach = VoiceCoach(profile, speak=self.coach.speak, pace=self.coach.pace)

    def update(self, feedback: LiveFeedback, faults: Sequence[FaultEvent], captured_s: float) -> None:
        """Speak the cues due at the newest frame; ``captured_s``: its capture time (monotonic s)."""
        for cue in self.coach.update(feedback, faults):
            self.player.say(cue, captured_s - (feedback.t_s - cue.due_s))

    def finish(self, feedback: LiveFeedback) -> None:
        """Say the session summary (it plays while the report is written)."""
        for cue in self.coach.finish(feedback):
            self.player.say(cue)

    def close(self, wait_s: float = SUMMARY_WAIT_S) -> None:
        """Let the last cues finish for up to ``wait_s``, then stop the player."""
        self.player.close(drain_s=wait_s)
