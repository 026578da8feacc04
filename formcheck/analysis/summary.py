"""The session's summary: reps per leg, clean reps, faults per code, the end range and advice."""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np

from formcheck.analysis.fault import FAULT_CODES, Fault, FaultCode
from formcheck.analysis.rep import Rep
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
    """The report's ``summary``: reps per leg, clean reps, reps per fault code, advice sentences.

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
            "advice": _advice(reps, faults_per_rep, profile, ranges, codes, bool(setup_faults))}


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
    lower = float(np.mean([r.lower_s for r in reps]))
    raise_ = float(np.mean([r.raise_s for r in reps]))
    slow_enough = all(r.lower_s >= profile.slow_enough_frac * profile.target_lower_s
                      and r.raise_s >= profile.slow_enough_frac * profile.target_raise_s
                      for r in reps)
    if codes["swinging"] or not slow_enough:
        advice.append(say("advice.tempo", down=profile.target_lower_s, up=profile.target_raise_s,
                          lower=lower, raise_=raise_))
    if codes["tabletop_lost"] - int(bad_setup) > 0:
        if profile.knee_straight_min_deg is not None:
            advice.append(say("advice.knees_straight"))
        else:
            advice.append(say("advice.knee_bend", knee=profile.knee_target_deg or profile.start_hip_deg))
    full = all(_depth_frac(r) >= profile.full_depth_frac for r in reps)
    if not any(faults_per_rep) and not bad_setup and full and slow_enough:
        nxt = PROFILES.get(profile.next_profile) if profile.next_profile else None
        if nxt is not None:
            advice.append(say("advice.progress", down=profile.target_lower_s, name=nxt.name,
                              description=nxt.description))
        else:
            advice.append(say("advice.top"))
    elif not any(faults_per_rep) and not full:
        advice.append(say("advice.deeper"))
    return advice


def _depth_frac(rep: Rep) -> float:
    """Depth of a rep as a fraction of its tabletop heel height."""
    base = rep.baseline_cm if math.isfinite(rep.baseline_cm) else rep.depth_cm + rep.heel_height_min_cm
    return rep.depth_cm / base if base > 0 else 0.0
