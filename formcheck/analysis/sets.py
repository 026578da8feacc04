"""Sets within a session: a rest of at least the profile's ``set_rest_s`` between two reps ends a set.

A rest is the time from the end of the last rep so far (legs back up, or lying still, sitting
up, out of frame) to the start of the next one. Pure functions of the reps and their faults,
so the report, the summary's advice and the history all count the same sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from formcheck.analysis.fault import FAULT_CODES, Fault
from formcheck.analysis.rep import Rep

REP_CHANNELS: tuple[str, ...] = ("left", "right", "both")


@dataclass(frozen=True)
class TrainingSet:
    """One set: its number (from 1), its time span (s) and the positions of its reps in the
    session's rep list (time order)."""

    index: int
    start_s: float
    end_s: float
    positions: tuple[int, ...]

    def reps(self, reps: Sequence[Rep]) -> list[Rep]:
        """This set's reps, in time order."""
        return [reps[k] for k in self.positions]


def split_sets(reps: Sequence[Rep], rest_s: float) -> list[TrainingSet]:
    """The sets of ``reps``: a new set begins at a rep that starts ``rest_s`` or more after every
    earlier rep has ended. No reps, no sets."""
    if rest_s <= 0:
        raise ValueError(f"rest_s must be positive, got {rest_s!r}")
    order = sorted(range(len(reps)), key=lambda k: (reps[k].start_s, k))
    groups: list[list[int]] = []
    ended_s = float("-inf")
    for k in order:
        rep = reps[k]
        if not groups or rep.start_s - ended_s >= rest_s:
            groups.append([])
        groups[-1].append(k)
        ended_s = max(ended_s, rep.end_s)
    return [TrainingSet(index=n, start_s=min(reps[k].start_s for k in group),
                        end_s=max(reps[k].end_s for k in group), positions=tuple(group))
            for n, group in enumerate(groups, start=1)]


def reps_per_channel(training_set: TrainingSet, reps: Sequence[Rep]) -> dict[str, int]:
    """Reps of each channel in the set: ``{"left": n, "right": n, "both": n}``."""
    counts = dict.fromkeys(REP_CHANNELS, 0)
    for rep in training_set.reps(reps):
        counts[rep.leg] += 1
    return counts


def set_entry(training_set: TrainingSet, reps: Sequence[Rep], faults: Sequence[Sequence[Fault]]) -> dict[str, Any]:
    """One element of report.json's ``sets``: number, span, reps per channel, clean reps, reps with
    each fault code, and the rep numbers of the reps table (``rep_indices``)."""
    mine = [faults[k] for k in training_set.positions]
    return {"index": training_set.index, "start_s": round(training_set.start_s, 2),
            "end_s": round(training_set.end_s, 2), "reps": reps_per_channel(training_set, reps),
            "clean_reps": sum(not fs for fs in mine),
            "faults": {code: sum(any(f.code == code for f in fs) for fs in mine) for code in FAULT_CODES},
            "rep_indices": [reps[k].index for k in training_set.positions]}
