"""The summary's words about sets: the session against the profile's prescription, and fatigue
within a set ("your back started lifting from rep 9 of set 2")."""

from __future__ import annotations

from typing import Sequence

from formcheck.analysis.fatigue import FatigueOnset, set_fatigue
from formcheck.analysis.fault import Fault
from formcheck.analysis.rep import Rep
from formcheck.analysis.sets import TrainingSet, reps_per_channel, split_sets
from formcheck.profiles import ExerciseProfile
from formcheck.wording import say


def _numbers(values: Sequence[int]) -> str:
    """``3``, ``3 and 4``, ``1, 2 and 4``."""
    words = [str(v) for v in values]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def reps_per_leg_text(sets: Sequence[TrainingSet], reps: Sequence[Rep], profile: ExerciseProfile) -> str:
    """Reps per leg of each set: ``left 11/10/10, right 10/10/9`` (one number per set)."""
    counts = [reps_per_channel(s, reps) for s in sets]
    return ", ".join(f"{leg} {'/'.join(str(c[leg]) for c in counts)}" for leg in profile.rep_legs)


def prescription_advice(sets: Sequence[TrainingSet], reps: Sequence[Rep], profile: ExerciseProfile) -> list[str]:
    """The session against the prescription: what was done, then what to change (sets short of
    or over the prescribed reps per leg, fewer sets than prescribed), or that it is on target."""
    if not sets:
        return []
    advice = [say("advice.sets.done", sets=len(sets), word=say("advice.sets.word.one" if len(sets) == 1
                                                                 else "advice.sets.word.many"),
                  per_leg=reps_per_leg_text(sets, reps, profile), target=profile.sets_prescribed,
                  reps_min=profile.set_reps_min, reps_max=profile.set_reps_max,
                  week_min=profile.sessions_per_week_min, week_max=profile.sessions_per_week_max)]
    counts = [reps_per_channel(s, reps) for s in sets]
    short = [s.index for s, c in zip(sets, counts) if min(c[leg] for leg in profile.rep_legs) < profile.set_reps_min]
    over = [s.index for s, c in zip(sets, counts) if max(c[leg] for leg in profile.rep_legs) > profile.set_reps_max]
    if short:
        advice.append(say("advice.sets.short", which=_numbers(short), reps_min=profile.set_reps_min,
                          reps_max=profile.set_reps_max, many="s" if len(short) > 1 else ""))
    if over:
        advice.append(say("advice.sets.over", which=_numbers(over), reps_max=profile.set_reps_max,
                          many="s" if len(over) > 1 else ""))
    if len(sets) < profile.sets_prescribed:
        advice.append(say("advice.sets.more", target=profile.sets_prescribed, rest_s=profile.set_rest_s))
    if not short and not over and len(sets) >= profile.sets_prescribed:
        advice.append(say("advice.sets.on_target"))
    return advice


def fatigue_sentence(found: FatigueOnset) -> str:
    """One fatigue finding in words."""
    leg = say("advice.fatigue.leg", leg=found.leg) if found.leg else ""
    values = dict(set=found.set_index, rep=found.from_rep, leg=leg, index=found.rep_index)
    if found.signal == "tempo":
        return say("advice.fatigue.tempo", now=found.rep_s, before=found.early_s, **values)
    return say(f"advice.fatigue.{found.signal}", **values)


def session_fatigue(reps: Sequence[Rep], faults: Sequence[Sequence[Fault]],
                    profile: ExerciseProfile) -> list[FatigueOnset]:
    """Every fatigue finding of the session, set by set."""
    return [found for s in split_sets(reps, profile.set_rest_s) for found in set_fatigue(s, reps, faults, profile)]
