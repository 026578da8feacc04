"""One voice at a time: which cue speaks next, which one a new cue cuts off, which are too late.

:class:`VoiceQueue` is the policy, with no clock of its own and no audio: the live player
(:mod:`.player`) asks it in wall-clock time, the annotated video's track (:func:`schedule`) in
session time, so what the video plays is what live would have played.

* the most urgent waiting cue speaks next (:data:`~.cues.PRIORITY`: fault > set-up, set,
  summary > count > pace), the earliest first among equals;
* a new fault (or set-up, set, summary) cue cuts off a count or pace beat that is playing;
* a cue that waited longer than the profile's ``voice_max_wait_s`` (a pace beat:
  ``pace_late_s``) is dropped: late words mislead; the session summary always waits;
* a newer set-up cue replaces one still waiting (only the current guidance matters).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from formcheck.app.voice.cues import PRIORITY, Cue
from formcheck.profiles import ExerciseProfile

MAX_WAITING = 8  # cues waiting at most; beyond, the least urgent is dropped


class VoiceQueue:
    """Cues waiting for the voice. ``offer`` a cue when it is due, ``next`` when the voice is free."""

    def __init__(self, profile: ExerciseProfile) -> None:
        self.profile = profile
        self._waiting: list[tuple[Cue, float]] = []  # (cue, due at)
        self.dropped: list[Cue] = []

    def __len__(self) -> int:
        return len(self._waiting)

    def offer(self, cue: Cue, due_s: float, playing: Cue | None = None) -> bool:
        """Queue ``cue``, due since ``due_s``; True when it should cut off ``playing`` (the cue
        speaking now)."""
        if cue.kind == "setup":
            self._drop([item for item in self._waiting if item[0].kind == "setup"])
        self._waiting.append((cue, due_s))
        if len(self._waiting) > MAX_WAITING:
            self._drop([min(self._waiting, key=lambda item: (PRIORITY[item[0].kind], -item[1]))])
        return playing is not None and cue.preempts(playing)

    def next(self, now_s: float) -> tuple[Cue, float] | None:
        """The cue to speak now and when it was due (taken off the queue); None when nothing
        is left in time."""
        self._drop([item for item in self._waiting if now_s - item[1] > self._max_wait_s(item[0])])
        if not self._waiting:
            return None
        best = max(self._waiting, key=lambda item: (PRIORITY[item[0].kind], -item[1]))
        self._waiting.remove(best)
        return best

    def clear(self) -> None:
        """Drop every waiting cue."""
        self._drop(list(self._waiting))

    def _max_wait_s(self, cue: Cue) -> float:
        if cue.kind == "summary":
            return float("inf")
        return self.profile.pace_late_s if cue.kind == "pace" else self.profile.voice_max_wait_s

    def _drop(self, items: list[tuple[Cue, float]]) -> None:
        for item in items:
            self._waiting.remove(item)
            self.dropped.append(item[0])


@dataclass(frozen=True)
class Spoken:
    """A cue as the voice said it: from ``start_s`` to ``end_s``; ``cut`` when cut off."""

    cue: Cue
    start_s: float
    end_s: float
    cut: bool = False


def schedule(cues: Iterable[Cue], duration_s: Callable[[Cue], float], profile: ExerciseProfile) -> list[Spoken]:
    """What one voice says of ``cues`` (each offered at its ``t_s``, due since its ``due_s``),
    in session time: the same policy as live, with each cue lasting ``duration_s(cue)``."""
    queue = VoiceQueue(profile)
    pending = sorted(cues, key=lambda cue: cue.t_s)
    said: list[Spoken] = []
    playing: Spoken | None = None
    i = 0
    while i < len(pending) or playing is not None or len(queue):
        arrival = pending[i].t_s if i < len(pending) else float("inf")
        if playing is not None and playing.end_s < arrival:
            said.append(playing)
            now, playing = playing.end_s, None
        elif playing is None and len(queue) and i >= len(pending):
            now = said[-1].end_s if said else 0.0
        elif i < len(pending):
            cue, now = pending[i], arrival
            i += 1
            if queue.offer(cue, cue.due_s, playing.cue if playing is not None else None) and playing is not None:
                said.append(Spoken(playing.cue, playing.start_s, now, cut=True))
                playing = None
        else:
            break
        while playing is None and (found := queue.next(now)) is not None:
            length_s = duration_s(found[0])
            if length_s > 0:  # (a cue with no prompt says nothing)
                playing = Spoken(found[0], now, now + length_s)
    return said
