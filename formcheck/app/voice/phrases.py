"""The wording table's ``voice.*`` sentences turned into cues: the words and the prompts that speak them.

A sentence whose only fields are the profile's (``{down}``, ``{knee}``) is one prompt, rendered
whole. A sentence with counts (``"{leg}, {n}"``, ``"set {set} done: ..."``) is spoken as its
literal pieces and one number prompt per count ("left" + "7"), so a few dozen prompts say every
count up to :data:`MAX_SPOKEN_NUMBER`. :func:`prompt_texts` lists every prompt a wording table
needs, for the build script (``scripts/build_voice_prompts.py``) and the test that checks the
shipped prompts against the table.
"""

from __future__ import annotations

from string import Formatter
from typing import Any, Iterable, Mapping

from formcheck.core.legs import RepLeg
from formcheck.profiles import PROFILES, ExerciseProfile
from formcheck.wording import WORDS, Wording

MAX_SPOKEN_NUMBER = 100  # number prompts 0..100; a larger count is not said
_EDGES = " ,.;:—-"  # stripped from the literal pieces between fields

# the set-up message shown on screen (its wording key) → the spoken guidance
SETUP_VOICE: dict[str, str] = {
    "setup.no_person": "voice.setup.no_person",
    "view.no_person": "voice.setup.no_person",
    "setup.body_cut_off": "voice.setup.body_cut_off",
    "view.too_small": "voice.setup.too_small",
    "view.turn_side_on": "voice.setup.turn_side_on",
    "view.upright": "voice.setup.upright",
    "view.oblique_feet": "voice.setup.oblique",
    "view.oblique_head": "voice.setup.oblique",
    "setup.hold_still": "voice.setup.hold_still",
    "setup.ready": "voice.setup.ready",
}
COUNTED_KEYS: tuple[str, ...] = ("voice.count", "voice.count.both", "voice.set.legs", "voice.set.both",
                                 "voice.summary.legs", "voice.summary.both", "voice.pace.beat")
WHOLE_KEYS: tuple[str, ...] = ("voice.leg.left", "voice.leg.right", "voice.pace.lowering", "voice.pace.raising",
                               *sorted(set(SETUP_VOICE.values())))

Spoken = tuple[str, tuple[str, ...]]  # (the sentence, the prompts that speak it)


def profile_values(profile: ExerciseProfile) -> dict[str, float]:
    """The profile's numbers that sentences may name: ``down``, ``up`` (s) and ``knee`` (deg)."""
    values = {"down": profile.target_lower_s, "up": profile.target_raise_s}
    if profile.knee_target_deg is not None:
        values["knee"] = profile.knee_target_deg
    return values


def fault_key(code: str, profile: ExerciseProfile) -> str:
    """The spoken cue of fault ``code`` under ``profile`` (a knee held bent, or kept straight)."""
    if code == "tabletop_lost":
        return "voice.fault.tabletop_lost." + ("bend" if profile.knee_target_deg is not None else "straight")
    return f"voice.fault.{code}"


def split_spoken(template: str, values: Mapping[str, Any]) -> Spoken:
    """``template`` filled with ``values``, and its prompts: the literal pieces between fields
    (edges stripped, empty ones left out) and each field's value as text."""
    parts: list[str] = []
    for literal, field, spec, _conversion in Formatter().parse(template):
        piece = literal.strip(_EDGES)
        if piece:
            parts.append(piece)
        if field is not None:
            parts.append(format(values[field], spec or ""))
    return template.format(**values), tuple(parts)


class Phrasebook:
    """The spoken sentences of one profile in one language (``words``)."""

    def __init__(self, profile: ExerciseProfile, words: Wording = WORDS) -> None:
        self.profile = profile
        self.words = words
        values = profile_values(profile)
        down, up = profile.target_lower_s, profile.target_raise_s
        # what the screen shows (rendered as FramingCheck and LiveFeedback render it) → voice key
        self._setup = {words.say(shown, down=down, up=up): voice for shown, voice in SETUP_VOICE.items()}
        self._values = values

    def whole(self, key: str) -> Spoken:
        """A sentence spoken as one prompt (its fields filled by the profile)."""
        text = self.words.say(key, **self._values)
        return text, (text,)

    def setup(self, message: str | None) -> tuple[str, Spoken] | None:
        """The spoken guidance (voice key, sentence) for a set-up message on screen; None for
        no message or one the voice has no words for."""
        key = self._setup.get(message) if message else None
        return (key, self.whole(key)) if key is not None else None

    def fault(self, code: str) -> Spoken:
        return self.whole(fault_key(code, self.profile))

    def leg(self, channel: RepLeg) -> str:
        return self.words.say(f"voice.leg.{channel}")

    def count(self, channel: RepLeg, n: int) -> Spoken:
        """"left, 7" (one leg's rep count), or "7" when both legs move together."""
        if channel == "both":
            return split_spoken(self.words.table["voice.count.both"], {"n": n})
        return split_spoken(self.words.table["voice.count"], {"leg": self.leg(channel), "n": n})

    def set_done(self, index: int, reps: Mapping[RepLeg, int]) -> Spoken:
        if "both" in reps:
            return split_spoken(self.words.table["voice.set.both"], {"set": index, "reps": reps["both"]})
        return split_spoken(self.words.table["voice.set.legs"],
                            {"set": index, "left": reps.get("left", 0), "right": reps.get("right", 0)})

    def summary(self, reps: Mapping[RepLeg, int], clean: int) -> Spoken:
        if "both" in reps:
            return split_spoken(self.words.table["voice.summary.both"], {"reps": reps["both"], "clean": clean})
        return split_spoken(self.words.table["voice.summary.legs"],
                            {"left": reps.get("left", 0), "right": reps.get("right", 0), "clean": clean})

    def pace(self, phase: str, beat: int) -> Spoken:
        """Beat 0 names the phase ("down" / "up"); beat k > 0 is the number k + 1."""
        if beat == 0:
            return self.whole(f"voice.pace.{phase}")
        return split_spoken(self.words.table["voice.pace.beat"], {"n": beat + 1})


def _literals(template: str) -> Iterable[str]:
    for literal, _field, _spec, _conversion in Formatter().parse(template):
        piece = literal.strip(_EDGES)
        if piece:
            yield piece


def prompt_texts(words: Wording = WORDS, profiles: Iterable[ExerciseProfile] = PROFILES.values()) -> set[str]:
    """Every prompt the voice can need in this language: whole sentences (for every profile),
    the literal pieces of counted sentences, and the numbers 0..MAX_SPOKEN_NUMBER."""
    texts = {str(n) for n in range(MAX_SPOKEN_NUMBER + 1)}
    for key in COUNTED_KEYS:
        texts.update(_literals(words.table[key]))
    for profile in profiles:
        book = Phrasebook(profile, words)
        texts.update(book.whole(key)[0] for key in WHOLE_KEYS)
        texts.update(book.fault(code)[0] for code in ("arching", "swinging", "tabletop_lost"))
    return texts
