"""What the voice says: a :class:`Cue` (when, what kind, the words, the prompts that speak them)
and how the kinds rank when two want the one voice at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CueKind = Literal["setup", "fault", "count", "set", "pace", "summary"]
CUE_KINDS: tuple[CueKind, ...] = ("setup", "fault", "count", "set", "pace", "summary")

# Higher speaks first. A fault cue is the most urgent: the back is lifting now.
PRIORITY: dict[CueKind, int] = {"pace": 0, "count": 1, "setup": 2, "set": 2, "summary": 2, "fault": 3}
# Only these are cut off by a more urgent cue; every other cue is heard to its end.
INTERRUPTIBLE: frozenset[CueKind] = frozenset({"pace", "count"})


@dataclass(frozen=True)
class Cue:
    """One thing the voice says.

    Attributes:
        t_s: session time (s) at which it is due: the frame at which the coach decided it.
        kind: ``setup``, ``fault``, ``count``, ``set``, ``pace`` or ``summary``.
        text: the sentence, as the wording table writes it (report.json, terminal fallback).
        parts: the pre-rendered prompts that speak it, one after another.
        key: its identity for the no-repeat rule (the same key is not said twice within
            the profile's ``voice_repeat_s``).
        detected_s: for a fault cue, when the fault was detected (its ``FaultEvent.detected_s``),
            the start of the measured cue latency; None otherwise.
    """

    t_s: float
    kind: CueKind
    text: str
    parts: tuple[str, ...]
    key: str
    detected_s: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in CUE_KINDS:
            raise ValueError(f"Cue.kind must be one of {', '.join(CUE_KINDS)}, got {self.kind!r}")

    @property
    def due_s(self) -> float:
        """Since when the cue is due (s): a fault's detection, else ``t_s``. How long a cue
        may wait for the voice is counted from here."""
        return self.detected_s if self.detected_s is not None else self.t_s

    def preempts(self, playing: Cue) -> bool:
        """True when this cue cuts ``playing`` off (a fault cue cuts a count or a pace beat)."""
        return playing.kind in INTERRUPTIBLE and PRIORITY[self.kind] > PRIORITY[playing.kind]
