"""Fatigue within a set: a fault, or a shortening tempo, that begins at a given rep and stays.

A set's reps are looked at in time order, first all together (a trunk that tires shows in
both legs' reps) and, when that finds nothing, each leg's own reps. A signal sets in at rep
``k`` (never the first: a fault from the first rep on is form, not fatigue) when the reps from
``k`` to the end of the set are at least ``fatigue_min_reps``, rep ``k`` shows the signal, at
least ``fatigue_share`` of the reps from ``k`` on show it and at most ``1 − fatigue_share`` of
the reps before ``k`` do. The earliest such ``k`` is reported.

Signals: ``arching`` and ``tabletop_lost`` (the back lifting, the knee drifting: the faults the
reps table lists) and ``tempo``: a rep (lowering plus raising, the table's numbers) shorter
than ``fatigue_tempo_frac`` of the median of the set's first ``fatigue_baseline_reps`` reps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

import numpy as np

from formcheck.analysis.fault import Fault
from formcheck.analysis.rep import Rep
from formcheck.analysis.sets import TrainingSet
from formcheck.core.legs import Leg
from formcheck.profiles import ExerciseProfile

Signal = Literal["arching", "tabletop_lost", "tempo"]
SIGNALS: tuple[Signal, ...] = ("arching", "tabletop_lost", "tempo")


@dataclass(frozen=True)
class FatigueOnset:
    """A signal that set in at rep ``from_rep`` of set ``set_index`` (counted among ``leg``'s reps
    of the set, or all its reps when ``leg`` is None); ``rep_index`` is that rep's number in the
    reps table. For ``tempo``: the rep's duration and the set's early median (s)."""

    set_index: int
    signal: Signal
    leg: Leg | None
    from_rep: int
    rep_index: int
    rep_s: float | None = None
    early_s: float | None = None

    def to_dict(self) -> dict[str, object]:
        """Plain values for report.json (None fields left out)."""
        return {key: value for key, value in self.__dict__.items() if value is not None}


def onset(flags: Sequence[bool], share: float, min_reps: int, first: int = 1) -> int | None:
    """The earliest position ``k ≥ first`` (0-based; ``first ≥ 1``) from which the flags hold as the
    module docstring says, or None."""
    n = len(flags)
    for k in range(max(first, 1), n - min_reps + 1):
        after, before = flags[k:], flags[:k]
        if flags[k] and sum(after) >= share * len(after) and sum(before) <= (1.0 - share) * len(before):
            return k
    return None


def _flags(reps: Sequence[Rep], faults: Sequence[Sequence[Fault]], signal: Signal,
           profile: ExerciseProfile) -> tuple[list[bool], float | None]:
    if signal != "tempo":
        return [any(f.code == signal for f in fs) for fs in faults], None
    durations = [rep.lower_s + rep.raise_s for rep in reps]
    early = durations[: profile.fatigue_baseline_reps]
    if len(early) < profile.fatigue_baseline_reps:
        return [False] * len(reps), None
    early_s = float(np.median(early))
    return [d < profile.fatigue_tempo_frac * early_s for d in durations], early_s


def _find(reps: list[Rep], faults: list[Sequence[Fault]], signal: Signal, profile: ExerciseProfile,
          set_index: int, leg: Leg | None) -> FatigueOnset | None:
    flags, early_s = _flags(reps, faults, signal, profile)
    first = profile.fatigue_baseline_reps if signal == "tempo" else 1
    k = onset(flags, profile.fatigue_share, profile.fatigue_min_reps, first)
    if k is None:
        return None
    rep = reps[k]
    return FatigueOnset(set_index, signal, leg, k + 1, rep.index,
                        rep_s=round(rep.lower_s + rep.raise_s, 2) if early_s is not None else None,
                        early_s=round(early_s, 2) if early_s is not None else None)


def set_fatigue(training_set: TrainingSet, reps: Sequence[Rep], faults: Sequence[Sequence[Fault]],
                profile: ExerciseProfile) -> list[FatigueOnset]:
    """The signals that set in during ``training_set`` (``faults[k]`` belong to ``reps[k]``)."""
    mine = training_set.reps(reps)
    theirs = [faults[k] for k in training_set.positions]
    found = []
    for signal in SIGNALS:
        together = _find(mine, theirs, signal, profile, training_set.index, None)
        if together is not None:
            found.append(together)
            continue
        for leg in ("left", "right"):
            picked = [i for i, rep in enumerate(mine) if rep.leg == leg]
            if len(picked) == len(mine):
                break  # one leg only: the set's own sequence was already looked at
            alone = _find([mine[i] for i in picked], [theirs[i] for i in picked], signal, profile,
                          training_set.index, leg)
            if alone is not None:
                found.append(alone)
    return found
