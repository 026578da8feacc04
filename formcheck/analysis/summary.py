"""The session's summary: reps per leg, clean reps, faults per code, the end range and advice.

The advice rests on the numbers the reps table shows: a rep is called rushed only when it has
the ``swinging`` fault the table lists, with the table's lowering and raising times.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np

from formcheck.analysis.fault import FAULT_CODES, Fault, FaultCode
from formcheck.analysis.rep import Rep
from formcheck.analysis.set_advice import fatigue_sentence, prescription_advice, session_fatigue
from formcheck.analysis.sets import split_sets
from formcheck.core.legs import legs_of, mean_of_legs
from formcheck.core.series import MeasureSeries
from formcheck.profiles import PROFILES, ExerciseProfile
from formcheck.wording import say


def end_range(reps: Sequence[Rep], faults: Sequence[Sequence[Fault]],
              series: MeasureSeries | None = None) -> dict[str, dict[str, float]]:
    """Per leg, where arching began: the lowest safe depth for the advice.

    ``faults[k]`` are the faults of ``reps[k]``. For each leg with arching, the highest
    heel height (cm) at an arching onset (the conservative end range), the hip angle
    there (deg, from ``series`` when the fault has none; left out when unknown), its time
    and rep, and how many reps arched. All values are finite (JSON-safe).
    """
    out: dict[str, dict[str, float]] = {}
    for rep, rep_faults in zip(reps, faults):
        for f in rep_faults:
            if f.code != "arching" or f.heel_height_cm is None:
                continue
            hip = f.hip_angle_deg
            if hip is None and series is not None and len(series):
                i = int(np.argmin(np.abs(series.t_s - f.t_s)))
                hip = float(mean_of_legs(*(series.hip_angle_deg(leg)[i:i + 1] for leg in legs_of(rep.leg)))[0])
            entry = out.get(rep.leg)
            count = (entry["arching_reps"] if entry else 0) + 1
            if entry is None or f.heel_height_cm > entry["heel_height_cm"]:
                entry = {"heel_height_cm": f.heel_height_cm, "t_s": f.t_s, "rep_index": rep.index}
                if hip is not None and math.isfinite(hip):
                    entry["hip_angle_deg"] = hip
            entry["arching_reps"] = count
            out[rep.leg] = entry
    return out


def summarize(reps: Sequence[Rep], faults_per_rep: Sequence[Sequence[Fault]], profile: ExerciseProfile,
              end_ranges: Mapping[str, Mapping[str, float]] | None = None,
              setup_faults: Sequence[Fault] = ()) -> dict[str, object]:
    """The report's ``summary``: reps per leg, clean reps, reps per fault code, advice sentences,
    and ``ready_to_progress`` (every rep clean, at full depth and slow enough: the progression
    advice; the history counts such sessions).

    ``end_ranges`` is :func:`end_range`'s result (computed from the faults when None);
    ``setup_faults`` (a start position that is not the exercise's) count in ``faults`` and get
    their advice.
    """
    if len(faults_per_rep) != len(reps):
        raise ValueError(f"faults_per_rep has {len(faults_per_rep)} entries for {len(reps)} reps")
    counts = {"left": 0, "right": 0}
    for rep in reps:
        counts[rep.leg] = counts.get(rep.leg, 0) + 1
    codes = {code: sum(any(f.code == code for f in fs) for fs in faults_per_rep) for code in FAULT_CODES}
    for f in setup_faults:
        codes[f.code] += 1
    clean = sum(not fs for fs in faults_per_rep)
    ranges = end_ranges if end_ranges is not None else end_range(reps, faults_per_rep)
    return {"reps": counts, "clean_reps": clean, "faults": codes,
            "advice": _advice(reps, faults_per_rep, profile, ranges, codes, bool(setup_faults)),
            "ready_to_progress": bool(reps) and ready_to_progress(reps, faults_per_rep, profile, bool(setup_faults))}


def slow_enough(rep: Rep, profile: ExerciseProfile) -> bool:
    """Both phases at least ``slow_enough_frac`` of the coached tempo."""
    return (rep.lower_s >= profile.slow_enough_frac * profile.target_lower_s
            and rep.raise_s >= profile.slow_enough_frac * profile.target_raise_s)


def ready_to_progress(reps: Sequence[Rep], faults_per_rep: Sequence[Sequence[Fault]], profile: ExerciseProfile,
                      bad_setup: bool = False) -> bool:
    """Every rep clean, at full depth and slow enough, from a good start position."""
    return (not bad_setup and not any(faults_per_rep) and all(slow_enough(r, profile) for r in reps)
            and all(_depth_frac(r) >= profile.full_depth_frac for r in reps))


def _phases(rep: Rep) -> str:
    """A rep's phases as the reps table shows them (one decimal)."""
    return say("advice.tempo.phases", index=rep.index, lower=rep.lower_s, raise_=rep.raise_s)


def tempo_advice(reps: Sequence[Rep], faults_per_rep: Sequence[Sequence[Fault]], profile: ExerciseProfile) -> list[str]:
    """Tempo advice from the reps' own faults and times: rushed phases (the ``swinging`` fault in
    seconds), a bounce (in cm), or — with no swinging at all — phases a little under the coached
    tempo, said to be not swinging."""
    rushed = [r for r, fs in zip(reps, faults_per_rep) if any(f.code == "swinging" and f.unit == "s" for f in fs)]
    bounced = [r.index for r, fs in zip(reps, faults_per_rep)
               if any(f.code == "swinging" and f.unit != "s" for f in fs)]
    advice = []
    values = dict(down=profile.target_lower_s, up=profile.target_raise_s, min_s=min(profile.min_lower_s,
                                                                                   profile.min_raise_s))
    if rushed:
        advice.append(say("advice.tempo.rushed", phases="; ".join(_phases(r) for r in rushed), **values))
    if bounced:
        advice.append(say("advice.tempo.bounce", reps=", ".join(map(str, bounced)), **values))
    quick = [r for r in reps if not slow_enough(r, profile)]
    if not rushed and not bounced and quick:
        advice.append(say("advice.tempo.quick", phases="; ".join(_phases(r) for r in quick), **values))
    return advice


def _advice(reps: Sequence[Rep], faults_per_rep: Sequence[Sequence[Fault]], profile: ExerciseProfile,
            ranges: Mapping[str, Mapping[str, float]], codes: Mapping[FaultCode, int], bad_setup: bool) -> list[str]:
    if not reps:
        return [say("advice.no_reps")]
    advice: list[str] = []
    if bad_setup:
        advice.append(say("advice.setup"))
    for leg in ("left", "right", "both"):
        if leg in ranges:
            r = ranges[leg]
            name = say("advice.leg.both") if leg == "both" else say("advice.leg.one", leg=leg.capitalize())
            hip = r.get("hip_angle_deg", math.nan)
            at_hip = say("advice.end_range.hip", hip=hip) if hip is not None and math.isfinite(hip) else ""
            advice.append(say("advice.end_range", name=name, heel=r["heel_height_cm"], at_hip=at_hip))
    advice += tempo_advice(reps, faults_per_rep, profile)
    if codes["tabletop_lost"] - int(bad_setup) > 0:
        if profile.knee_straight_min_deg is not None:
            advice.append(say("advice.knees_straight"))
        else:
            advice.append(say("advice.knee_bend", knee=profile.knee_target_deg or profile.start_hip_deg))
    full = all(_depth_frac(r) >= profile.full_depth_frac for r in reps)
    if ready_to_progress(reps, faults_per_rep, profile, bad_setup):
        nxt = PROFILES.get(profile.next_profile) if profile.next_profile else None
        if nxt is not None:
            advice.append(say("advice.progress", down=profile.target_lower_s, name=nxt.name,
                              description=nxt.description))
        else:
            advice.append(say("advice.top"))
    elif not any(faults_per_rep) and not full:
        advice.append(say("advice.deeper"))
    advice += prescription_advice(split_sets(reps, profile.set_rest_s), reps, profile)
    advice += [fatigue_sentence(found) for found in session_fatigue(reps, faults_per_rep, profile)]
    return advice


def _depth_frac(rep: Rep) -> float:
    """Depth of a rep as a fraction of its tabletop heel height."""
    base = rep.baseline_cm if math.isfinite(rep.baseline_cm) else rep.depth_cm + rep.heel_height_min_cm
    return rep.depth_cm / base if base > 0 else 0.0
