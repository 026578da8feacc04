"""What the voice says, frame by frame: the coach that watches live feedback and decides each cue.

:class:`VoiceCoach` is fed what :class:`~formcheck.app.live_feedback.LiveFeedback` knows after
each processed frame (its stage, set-up message, rep channels) and the faults that began at
that frame, and returns the cues due now, in session time. It has no clock and no audio, so
live and ``analyze --voice`` (fed the analysed frames the same way) decide the same cues.

* **set-up**: the on-screen guidance, spoken once it has held ``voice_setup_settle_s`` (a
  flickering message is not read out), again after ``voice_setup_repeat_s`` if unchanged;
  "ready" once counting can start;
* **faults**: each fault the moment the one fault detector reports it, in the coach's words;
* **counts**: "left, 7" when a rep ends (reps of the current set, per leg);
* **sets**: a rest of ``set_rest_s`` after a rep ends the set ("set 1 done: left 10, right 10");
* **pace** (``pace=True``): "down, 2, 3 ... up, 2, 3" from the start of the person's actual
  phase (the streaming channels' ``phase`` and ``phase_since_s``), a beat every ``pace_beat_s``
  up to the profile's target; a beat already ``pace_late_s`` late, or within half a beat of
  the word before it (a phase noticed late), is skipped;
* **summary** (:meth:`finish`): reps per leg and clean reps.

The same cue (its key) is never said twice within ``voice_repeat_s``.
"""

from __future__ import annotations

import math
from typing import Sequence

from formcheck.analysis.fault_detector import FaultEvent
from formcheck.app.live_feedback import LiveFeedback
from formcheck.app.voice.cues import Cue, CueKind
from formcheck.app.voice.phrases import Phrasebook, Spoken
from formcheck.core.legs import RepLeg
from formcheck.profiles import ExerciseProfile
from formcheck.wording import WORDS, Wording


class VoiceCoach:
    """``update(feedback, faults)`` after every processed frame; ``finish(feedback)`` at the end.

    Args:
        speak: set-up guidance, faults, counts, sets and the summary (``--voice``).
        pace: the tempo count (``--pace``).
    """

    def __init__(self, profile: ExerciseProfile, speak: bool = True, pace: bool = False,
                 words: Wording = WORDS) -> None:
        self.profile = profile
        self.speak = speak
        self.pace = pace
        self.book = Phrasebook(profile, words)
        self.cues: list[Cue] = []  # every cue decided so far (report.json's ``cues``)
        self._said_at: dict[str, float] = {}  # cue key → when it was last said
        self._setup_shown: tuple[str, float] | None = None  # (voice key, shown since)
        self._setup_said: tuple[str, float] | None = None  # (voice key, said at)
        self._ready_said = False
        self._reps_seen: dict[RepLeg, int] = {}
        self._set_reps: dict[RepLeg, int] = {leg: 0 for leg in profile.rep_legs}
        self._set_index = 1
        self._last_rep_s: float | None = None
        self._pace_phase: tuple[RepLeg, str, float] | None = None
        self._pace_beat = 0
        self._pace_said_s = -math.inf

    def update(self, feedback: LiveFeedback, faults: Sequence[FaultEvent] = ()) -> list[Cue]:
        """The cues due at the newest frame (``feedback.t_s``), in the order they were decided."""
        t = feedback.t_s
        if not math.isfinite(t) or feedback.paused:
            return []
        cues: list[Cue] = []
        if self.speak:
            cues += self._setup(t, feedback)
            cues += [self._cue(t, "fault", self.book.fault(e.code), f"fault.{e.code}", e.detected_s) for e in faults]
            cues += self._counts(t, feedback)
        if self.pace:
            cues += self._pace(t, feedback)
        return self._keep(cues)

    def finish(self, feedback: LiveFeedback) -> list[Cue]:
        """The summary when the session ends: reps per leg so far and how many were clean."""
        if not self.speak or not math.isfinite(feedback.t_s):
            return []
        reps = {leg: channel.reps for leg, channel in feedback.legs.items()}
        clean = sum(1 for _rep, faults in feedback.analysis.judged if not faults)
        return self._keep([self._cue(feedback.t_s, "summary", self.book.summary(reps, clean), "summary")])

    def _cue(self, t: float, kind: CueKind, spoken: Spoken, key: str, detected_s: float | None = None) -> Cue:
        text, parts = spoken
        return Cue(t_s=t, kind=kind, text=text, parts=parts, key=key, detected_s=detected_s)

    def _keep(self, cues: list[Cue]) -> list[Cue]:
        """Drop a cue said within ``voice_repeat_s``; remember the rest."""
        kept = []
        for cue in cues:
            last = self._said_at.get(cue.key)
            if last is not None and cue.t_s - last < self.profile.voice_repeat_s:
                continue
            self._said_at[cue.key] = cue.t_s
            kept.append(cue)
        self.cues += kept
        return kept

    def _setup(self, t: float, feedback: LiveFeedback) -> list[Cue]:
        if feedback.stage != "counting":
            self._ready_said = self._ready_said and feedback.stage == "calibrating"
        found = self.book.setup(feedback.setup_message)
        if found is None:
            self._setup_shown = None
            if feedback.stage == "counting" and not self._ready_said:
                return [self._ready(t)]
            return []
        key, spoken = found
        if key == "voice.setup.ready":
            return [] if self._ready_said else [self._ready(t)]
        if self._setup_shown is None or self._setup_shown[0] != key:
            self._setup_shown = (key, t)
        if t - self._setup_shown[1] < self.profile.voice_setup_settle_s:
            return []
        said = self._setup_said
        if said is not None and said[0] == key and t - said[1] < self.profile.voice_setup_repeat_s:
            return []
        self._setup_said = (key, t)
        return [self._cue(t, "setup", spoken, key)]

    def _ready(self, t: float) -> Cue:
        self._ready_said = True
        self._setup_said = None
        return self._cue(t, "setup", self.book.whole("voice.setup.ready"), "voice.setup.ready")

    def _counts(self, t: float, feedback: LiveFeedback) -> list[Cue]:
        cues = []
        channels = feedback.legs
        for leg, channel in channels.items():
            seen = self._reps_seen.get(leg, channel.reps)
            self._reps_seen[leg] = channel.reps
            for _ in range(max(0, channel.reps - seen)):
                self._set_reps[leg] += 1
                self._last_rep_s = t
                n = self._set_reps[leg]
                cues.append(self._cue(t, "count", self.book.count(leg, n), f"count.{leg}.{self._set_index}.{n}"))
        resting = all(channel.phase == "idle" for channel in channels.values())
        if (resting and self._last_rep_s is not None and t - self._last_rep_s >= self.profile.set_rest_s
                and any(self._set_reps.values())):
            cues.append(self._cue(t, "set", self.book.set_done(self._set_index, self._set_reps),
                                  f"set.{self._set_index}"))
            self._set_index += 1
            self._set_reps = {leg: 0 for leg in self._set_reps}
        return cues

    def _pace(self, t: float, feedback: LiveFeedback) -> list[Cue]:
        moving = [(leg, c) for leg, c in feedback.legs.items() if c.phase != "idle"] \
            if feedback.stage == "counting" else []
        if not moving:
            self._pace_phase = None
            return []
        leg, channel = max(moving, key=lambda item: item[1].phase_since_s)
        phase = (leg, channel.phase, channel.phase_since_s)
        if phase != self._pace_phase:
            self._pace_phase, self._pace_beat = phase, 0
        p = self.profile
        target_s = p.target_lower_s if channel.phase == "lowering" else p.target_raise_s
        beats = max(1, round(target_s / p.pace_beat_s))
        cues = []
        while self._pace_beat < beats:
            beat = self._pace_beat
            due = channel.phase_since_s + beat * p.pace_beat_s
            if t < due:
                break
            self._pace_beat += 1
            # the phase word is said even when the phase was noticed late; a late number is not
            late = t - due > (p.pace_late_s if beat > 0 else max(p.pace_late_s, target_s - p.pace_beat_s))
            crowded = beat > 0 and t - self._pace_said_s < p.pace_beat_s / 2
            if not late and not crowded:
                self._pace_said_s = t
                cues.append(self._cue(t, "pace", self.book.pace(channel.phase, beat),
                                      f"pace.{leg}.{channel.phase}.{channel.phase_since_s:.3f}.{beat}"))
        return cues
