"""Sets within a session, fatigue within a set, and the advice about both: on rep sequences with
known rests and known faults, and on a synthetic measurement table through the real rep machine."""

from __future__ import annotations

import dataclasses
from typing import Sequence

import pytest
from test_reps import Planned, make_series

from formcheck.analysis.fatigue import onset, set_fatigue
from formcheck.analysis.fault import Fault
from formcheck.analysis.judge import judge_session
from formcheck.analysis.rep import Rep
from formcheck.analysis.segment import segment_reps
from formcheck.analysis.sets import set_entry, split_sets
from formcheck.analysis.summary import summarize
from formcheck.measure.smoothing import smooth_series
from formcheck.profiles import get_profile

HEEL_TAP = get_profile("heel-tap")


def rep(index: int, leg: str, start_s: float, lower_s: float = 3.0, raise_s: float = 3.0) -> Rep:
    return Rep(index=index, leg=leg, start_s=start_s, bottom_s=start_s + lower_s, end_s=start_s + lower_s + raise_s,
               start_frame=0, bottom_frame=0, end_frame=0, depth_cm=35.0, heel_height_min_cm=5.0, baseline_cm=40.0)


def session(starts: Sequence[float], rep_s: float = 6.0) -> list[Rep]:
    """Alternating left/right reps starting at ``starts`` (each ``rep_s`` long)."""
    return [rep(k, "left" if k % 2 else "right", t, rep_s / 2, rep_s / 2) for k, t in enumerate(starts, start=1)]


def fault(code: str, t_s: float = 0.0) -> Fault:
    return Fault(code, t_s, 1.0, code, unit="s" if code == "swinging" else "cm")


def test_rests_of_15_s_or_more_end_a_set() -> None:
    # set 1: reps at 0, 7, 14 (ends 20); a 15.0 s rest; set 2: 35, 42; a 14.9 s pause is no rest; a 40 s rest
    starts = [0.0, 7.0, 14.0, 35.0, 42.0, 62.9, 108.9]
    reps = session(starts)
    sets = split_sets(reps, HEEL_TAP.set_rest_s)
    assert [s.index for s in sets] == [1, 2, 3]
    assert [s.positions for s in sets] == [(0, 1, 2), (3, 4, 5), (6,)]
    assert [(s.start_s, s.end_s) for s in sets] == [(0.0, 20.0), (35.0, 68.9), (108.9, 114.9)]
    assert split_sets([], 15.0) == []
    assert len(split_sets(reps, 50.0)) == 1
    with pytest.raises(ValueError, match="rest_s"):
        split_sets(reps, 0.0)


def test_a_rest_counts_from_the_end_of_every_earlier_rep() -> None:
    # a long right rep (0–30 s) overlaps a short left one (2–8 s): the next rep at 40 s rests only 10 s
    reps = [rep(1, "right", 0.0, 15.0, 15.0), rep(2, "left", 2.0), rep(3, "left", 40.0)]
    assert [s.positions for s in split_sets(reps, 15.0)] == [(0, 1, 2)]
    # reps listed out of time order are ordered by their start
    shuffled = [rep(1, "left", 50.0), rep(2, "left", 0.0)]
    assert [s.positions for s in split_sets(shuffled, 15.0)] == [(1,), (0,)]


def test_set_entry_counts_reps_per_leg_clean_reps_and_faults() -> None:
    reps = session([0.0, 7.0, 14.0, 21.0, 50.0, 57.0])
    faults: list[list[Fault]] = [[], [fault("arching")], [fault("arching"), fault("swinging")], [], [],
                                 [fault("tabletop_lost")]]
    sets = split_sets(reps, 15.0)
    first, second = (set_entry(s, reps, faults) for s in sets)
    assert first == {"index": 1, "start_s": 0.0, "end_s": 27.0, "reps": {"left": 2, "right": 2, "both": 0},
                     "clean_reps": 2, "faults": {"arching": 2, "swinging": 1, "tabletop_lost": 0},
                     "rep_indices": [1, 2, 3, 4]}
    assert second["reps"] == {"left": 1, "right": 1, "both": 0} and second["clean_reps"] == 1
    assert second["faults"] == {"arching": 0, "swinging": 0, "tabletop_lost": 1}


def test_onset_is_the_earliest_rep_from_which_a_signal_stays() -> None:
    F, T = False, True
    assert onset([F] * 8 + [T] * 4, 0.75, 3) == 8
    assert onset([F, F, F, T, F, T, T, T], 0.75, 3) == 3  # one clean rep after the onset is allowed
    assert onset([T] * 10, 0.75, 3) is None  # from the first rep on: form, not fatigue
    assert onset([F] * 10 + [T, T], 0.75, 3) is None  # too few reps after it
    assert onset([F, T, F, T, F, T, F, T, F, T], 0.75, 3) is None  # on and off: no onset
    assert onset([F, F, F, T, F, T, T, T], 0.75, 3, first=4) == 5  # not before ``first``
    assert onset([F, F, T, T, F, T, T, T], 0.75, 3) == 2


def test_fatigue_names_the_set_and_the_rep_the_back_started_lifting() -> None:
    """Two sets of 12 alternating reps; in set 2 the back lifts from its 9th rep on."""
    starts = [7.0 * k for k in range(12)] + [7.0 * k + 120.0 for k in range(12)]
    reps = session(starts)
    faults: list[list[Fault]] = [[] for _ in reps]
    for k in range(12 + 8, 24):
        faults[k] = [fault("arching")]
    faults[3] = [fault("arching")]  # one early arching rep in set 1 is no onset
    sets = split_sets(reps, HEEL_TAP.set_rest_s)
    assert len(sets) == 2 and set_fatigue(sets[0], reps, faults, HEEL_TAP) == []
    (found,) = set_fatigue(sets[1], reps, faults, HEEL_TAP)
    assert (found.set_index, found.signal, found.leg, found.from_rep, found.rep_index) == (2, "arching", None, 9, 21)
    advice = summarize(reps, faults, HEEL_TAP)["advice"]
    assert "Set 2: your back started lifting from rep 9 on (rep 21 in the table)" in " ".join(advice)


def test_fatigue_of_one_leg_and_a_shortening_tempo() -> None:
    # 12 alternating reps; the right leg's knee drifts from its 4th rep on; from rep 8 on every rep is quicker
    durations = [6.0] * 7 + [3.6] * 5
    reps, t = [], 0.0
    for k, d in enumerate(durations, start=1):
        reps.append(rep(k, "left" if k % 2 else "right", t, d / 2, d / 2))
        t += d + 1.0
    faults: list[list[Fault]] = [[] for _ in reps]
    right = [k for k, r in enumerate(reps) if r.leg == "right"]
    for k in right[3:]:
        faults[k] = [fault("tabletop_lost")]
    (training_set,) = split_sets(reps, 15.0)
    found = {f.signal: f for f in set_fatigue(training_set, reps, faults, HEEL_TAP)}
    assert set(found) == {"tabletop_lost", "tempo"}
    knee = found["tabletop_lost"]
    assert (knee.leg, knee.from_rep, knee.rep_index) == ("right", 4, reps[right[3]].index)
    tempo = found["tempo"]
    assert (tempo.leg, tempo.from_rep, tempo.rep_index, tempo.rep_s, tempo.early_s) == (None, 8, 8, 3.6, 6.0)
    words = " ".join(summarize(reps, faults, HEEL_TAP)["advice"])
    assert "from rep 4 of the right leg on" in words
    assert "your tempo shortened from rep 8 on (rep 8 in the table: 3.6 s against 6.0 s" in words


def test_prescription_advice_compares_sets_and_reps_per_leg() -> None:
    def advice_for(per_set: Sequence[int]) -> list[str]:
        starts, t = [], 0.0
        for count in per_set:
            for _ in range(count):
                starts.append(t)
                t += 7.0
            t += 60.0
        reps = session(starts)
        return summarize(reps, [[] for _ in reps], HEEL_TAP)["advice"]

    done = advice_for([22, 20, 24])  # 11/11, 10/10, 12/12 per leg
    assert any(a.startswith("This session: 3 sets (left 11/10/12, right 11/10/12 reps per leg); "
                            "the prescription is 3 sets of 10–12") for a in done)
    assert "Sets and reps per leg are as prescribed." in done
    short = " ".join(advice_for([8, 20]))
    assert "This session: 2 sets" in short and "Set 1: fewer than 10 reps per leg" in short
    assert "Build up to 3 sets, with a rest of at least 15 s" in short
    assert "as prescribed" not in short
    assert "Sets 1 and 2: more than 12 reps per leg" in " ".join(advice_for([26, 28, 20]))


def test_tempo_advice_rests_on_the_reps_tables_numbers() -> None:
    """Rushed reps are named with the table's times; reps a little under the coached tempo but not
    swinging are never told to 'slow down'."""
    quick = [rep(1, "left", 0.0, 2.0, 2.9), rep(2, "right", 7.0)]
    advice = summarize(quick, [[], []], HEEL_TAP)["advice"]
    assert not any(a.startswith("Slow down") for a in advice)
    assert any(a.startswith("Not swinging, but a little quicker") and "rep 1: 2.0 s down, 2.9 s up" in a
               for a in advice)
    rushed = [rep(1, "left", 0.0, 1.04, 1.36), rep(2, "right", 7.0)]
    advice = summarize(rushed, [[fault("swinging")], []], HEEL_TAP)["advice"]
    (slow,) = [a for a in advice if a.startswith("Slow down")]
    assert "rep 1: 1.0 s down, 1.4 s up" in slow and "rep 2" not in slow and "under 1.8 s is swinging" in slow
    bounce = Fault("swinging", 2.0, 3.0, "no bouncing", unit="cm")
    advice = summarize(quick, [[bounce], []], HEEL_TAP)["advice"]
    assert any(a.startswith("No bouncing at the bottom (rep 1)") for a in advice)
    assert not any("Not swinging" in a for a in advice)


def test_sets_through_the_rep_machine_on_a_measured_table() -> None:
    """Two sets of heel taps in a measurement table, 20 s of lying still between them."""
    planned = [Planned("left", 2.0), Planned("right", 9.5), Planned("left", 36.0), Planned("right", 43.5)]
    series = smooth_series(make_series(planned, 52.0, noise_cm=0.2))
    reps = segment_reps(series, HEEL_TAP)
    faults = judge_session(series, reps, HEEL_TAP).faults
    sets = split_sets(reps, HEEL_TAP.set_rest_s)
    assert [[r.leg for r in s.reps(reps)] for s in sets] == [["left", "right"], ["left", "right"]]
    assert sets[0].start_s == pytest.approx(2.0, abs=0.35) and sets[1].start_s == pytest.approx(36.0, abs=0.35)
    assert [set_entry(s, reps, faults)["clean_reps"] for s in sets] == [2, 2]
    shorter = dataclasses.replace(HEEL_TAP, set_rest_s=40.0)
    assert len(split_sets(reps, shorter.set_rest_s)) == 1
