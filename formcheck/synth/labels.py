"""Truth labels of corpus clips from the posed body's per-frame measurements (pure numpy).

The product judges with thresholds; the truth keeps a margin on both sides of each, so
that a rep is clearly faulty, clearly clean, or listed as ``marginal`` for that code (the
benchmark counts it neither way). All values are measured on the posed body (the truth's
frame rows), not taken from the motion plan; only the phase durations come from the plan,
whose tracks define them exactly (motion starts and stops with zero velocity).

| code | product threshold | clean | fault |
|---|---|---|---|
| ``tabletop_lost`` (heel tap) | knee 90 ± 20° for ≥ 0.3 s | max deviation ≤ 10° | ≥ 30°, and > 20° for ≥ 0.6 s |
| ``tabletop_lost`` (straight leg) | knee ≥ 150° | min ≥ 160° | ≤ 130°, and < 150° for ≥ 0.6 s |
| ``swinging`` | a phase < 1.8 s | both phases ≥ 2.3 s (pause excluded) | a phase ≤ 1.3 s (pause included) |
| ``arching`` | lumbar lift ≥ 1.5 cm above the imprint | peak lift ≤ 0.9 cm | ≥ 2.2 cm, and ≥ 1.5 cm for ≥ 0.3 s |
| rep (depth) | heel lowered ≥ 40 % of its rest height | ≥ 55 %: a rep | ≤ 30 %: a partial rep, not a rep |

Start position (``clip_faults``): knee off 90° by ≤ 10° clean, ≥ 30° fault; hip angle off 90°
by ≤ 12° clean, ≥ 35° fault (the product allows 20° and 25°).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from formcheck.synth.session import PlannedRep

KNEE_CLEAN_DEV_DEG = 10.0
KNEE_FAULT_DEV_DEG = 30.0
KNEE_PRODUCT_DEV_DEG = 20.0
STRAIGHT_CLEAN_MIN_DEG = 160.0
STRAIGHT_FAULT_DEG = 130.0
STRAIGHT_PRODUCT_DEG = 150.0
KNEE_FAULT_MIN_S = 0.6
PHASE_CLEAN_S = 2.3
PHASE_SWING_S = 1.3
LIFT_CLEAN_CM = 0.9
LIFT_FAULT_CM = 2.2
LIFT_PRODUCT_CM = 1.5
LIFT_FAULT_MIN_S = 0.3
DEPTH_PARTIAL = 0.30
DEPTH_FULL = 0.55
SETUP_KNEE = (10.0, 30.0)
SETUP_HIP = (12.0, 35.0)
ARCH_ONSET_TILT_DEG = 5.0
TABLETOP_TOLERANCE_DEG = 15.0


def _col(frames: list[dict[str, Any]], key: str) -> np.ndarray:
    return np.array([f[key] for f in frames], dtype=float)


def _duration_where(t: np.ndarray, mask: np.ndarray) -> float:
    """Longest run of consecutive frames where ``mask`` holds, in seconds (frame count × step)."""
    if not mask.any() or len(t) < 2:
        return 0.0
    dt = float(np.median(np.diff(t)))
    best = run = 0
    for m in mask:
        run = run + 1 if m else 0
        best = max(best, run)
    return best * dt


def _first(t: np.ndarray, mask: np.ndarray) -> float | None:
    idx = np.nonzero(mask)[0]
    return float(t[idx[0]]) if len(idx) else None


def classify(value: float, clean_max: float, fault_min: float, long_enough: bool = True) -> str:
    """``clean`` (≤ clean_max), ``fault`` (≥ fault_min and long enough) or ``marginal``."""
    if value <= clean_max:
        return "clean"
    if value >= fault_min and long_enough:
        return "fault"
    return "marginal"


def label_movement(plan: PlannedRep, frames: list[dict[str, Any]], exercise: str, imprint_gap_cm: float,
                   vertical_heel_cm: float) -> dict[str, Any]:
    """Measured summary, faults and marginal codes of one planned rep (or partial rep)."""
    t = _col(frames, "t_s")
    inside = (t >= plan.start_s - 1e-6) & (t <= plan.end_s + 1e-6)
    legs = ("left", "right") if plan.leg == "both" else (plan.leg,)
    ti = t[inside]
    sub = [f for f, m in zip(frames, inside) if m]
    heel = np.array([_col(sub, f"heel_height_{s}_cm") for s in legs])
    knee = np.array([_col(sub, f"knee_angle_{s}_deg") for s in legs])
    gap = _col(sub, "lumbar_gap_cm")
    tilt = _col(sub, "pelvic_tilt_deg")
    lift = gap - imprint_gap_cm
    heel_m = heel.mean(axis=0)
    ref = float(heel_m[0])
    if plan.reversal == "bottom":
        depth = (ref - float(heel_m.min())) / max(ref, 1e-6)
    else:
        depth = (float(heel_m.max()) - ref) / max(vertical_heel_cm - ref, 1e-6)
    faults: list[dict[str, Any]] = []
    marginal: list[str] = []
    # tempo: the phases with the pause in the second one (as the schema's lower_s/raise_s), and
    # without it (the movement alone)
    first, second = plan.first_phase_s, plan.second_phase_s
    moves = (first, second - plan.pause_s)
    swing = "fault" if min(first, second) <= PHASE_SWING_S else ("clean" if min(moves) >= PHASE_CLEAN_S else "marginal")
    if swing == "fault":
        faults.append({"code": "swinging", "t_s": round(plan.bottom_s, 4), "value": round(min(first, second), 3), "unit": "s"})
    elif swing == "marginal":
        marginal.append("swinging")
    # knee
    knee_dev = None
    if exercise == "heel-tap":
        dev = np.abs(knee - 90.0).max(axis=0)
        knee_dev = float(dev.max())
        cls = classify(knee_dev, KNEE_CLEAN_DEV_DEG, KNEE_FAULT_DEV_DEG,
                       _duration_where(ti, dev > KNEE_PRODUCT_DEV_DEG) >= KNEE_FAULT_MIN_S)
        if cls == "fault":
            k = int(np.argmax(dev))
            col = knee[:, k]
            faults.append({"code": "tabletop_lost", "t_s": _first(ti, dev > TABLETOP_TOLERANCE_DEG), "peak_s": float(ti[k]),
                           "value": float(col[np.argmax(np.abs(col - 90.0))]), "unit": "deg"})
    elif exercise == "straight-leg":
        low = knee.min(axis=0)
        knee_dev = float(max(0.0, STRAIGHT_PRODUCT_DEG - low.min()))
        bent = 180.0 - low  # larger = more bent; clean ≤ 20 (knee ≥ 160), fault ≥ 50 (knee ≤ 130)
        cls = classify(float(bent.max()), 180.0 - STRAIGHT_CLEAN_MIN_DEG, 180.0 - STRAIGHT_FAULT_DEG,
                       _duration_where(ti, low < STRAIGHT_PRODUCT_DEG) >= KNEE_FAULT_MIN_S)
        if cls == "fault":
            k = int(np.argmin(low))
            faults.append({"code": "tabletop_lost", "t_s": _first(ti, low < STRAIGHT_PRODUCT_DEG), "peak_s": float(ti[k]),
                           "value": float(low[k]), "unit": "deg"})
    else:
        cls = "clean"
    if cls == "marginal":
        marginal.append("tabletop_lost")
    # arching
    peak = float(lift.max())
    cls = classify(peak, LIFT_CLEAN_CM, LIFT_FAULT_CM, _duration_where(ti, lift >= LIFT_PRODUCT_CM) >= LIFT_FAULT_MIN_S)
    if cls == "fault":
        k = int(np.argmax(gap))
        onset = _first(ti, tilt >= ARCH_ONSET_TILT_DEG)
        lift_onset = _first(ti, lift >= LIFT_PRODUCT_CM)
        at = int(np.nonzero(ti == lift_onset)[0][0]) if lift_onset is not None else k
        faults.append({"code": "arching", "t_s": onset if onset is not None else lift_onset, "lift_onset_s": lift_onset,
                       "peak_s": float(ti[k]), "value": round(float(gap[k]), 2), "lift_cm": round(peak, 2), "unit": "cm",
                       "heel_height_cm": round(float(heel_m[at]), 2), "pelvic_tilt_max_deg": round(float(tilt.max()), 2)})
    elif cls == "marginal":
        marginal.append("arching")
    if DEPTH_PARTIAL < depth < DEPTH_FULL:
        marginal.append("rep")
    if plan.reversal == "bottom":
        lower_s, raise_s = first, second
    else:
        raise_s, lower_s = first, second
    out = {
        "index": plan.index,
        "leg": plan.leg,
        "set": plan.set_index,
        "reversal": plan.reversal,
        "start_s": round(plan.start_s, 4),
        "bottom_s": round(plan.bottom_s, 4),
        "end_s": round(plan.end_s, 4),
        "lower_s": round(lower_s, 4),
        "raise_s": round(raise_s, 4),
        "pause_s": round(plan.pause_s, 4),
        "heel_height_min_cm": round(float(heel.min()), 2),
        "heel_height_max_cm": round(float(heel.max()), 2),
        "depth_frac": round(float(depth), 3),
        "knee_angle_min_deg": round(float(knee.min()), 2),
        "knee_angle_max_deg": round(float(knee.max()), 2),
        "lumbar_gap_max_cm": round(float(gap.max()), 2),
        "lumbar_lift_max_cm": round(peak, 2),
        "pelvic_tilt_max_deg": round(float(tilt.max()), 2),
        "faults": faults,
        "marginal": marginal,
        "planned": plan.intent,
    }
    if knee_dev is not None:
        out["knee_deviation_max_deg"] = round(knee_dev, 2)
    return out


def label_session(movements: list[PlannedRep], frames: list[dict[str, Any]], exercise: str, imprint_gap_cm: float,
                  vertical_heel_cm: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(reps, partial_reps, sets) of every planned movement inside the clip, renumbered in time order.

    A movement is a rep when its measured depth is ≥ 30 % (between 30 and 55 % it is a rep with
    ``"rep"`` in its marginal list); below, it goes to ``partial_reps``. Movements not wholly
    inside the clip are left out.
    """
    if not frames:
        return [], [], []
    t0, t1 = frames[0]["t_s"], frames[-1]["t_s"]
    reps, partial = [], []
    for plan in sorted(movements, key=lambda p: p.start_s):
        if plan.start_s < t0 - 1e-6 or plan.end_s > t1 + 1e-6:
            continue
        lab = label_movement(plan, frames, exercise, imprint_gap_cm, vertical_heel_cm)
        if lab["depth_frac"] <= DEPTH_PARTIAL:
            lab["index"] = len(partial) + 1
            for key in ("faults", "marginal"):
                lab.pop(key)
            partial.append(lab)
        else:
            lab["index"] = len(reps) + 1
            reps.append(lab)
    sets: dict[int, dict[str, Any]] = {}
    for r in reps:
        s = sets.setdefault(r["set"], {"index": r["set"], "start_s": r["start_s"], "end_s": r["end_s"], "reps": []})
        s["end_s"] = r["end_s"]
        s["reps"].append(r["index"])
    ordered = [sets[k] for k in sorted(sets)]
    for i, s in enumerate(ordered, start=1):
        s["index"] = i
    for r in reps:
        r["set"] = next(s["index"] for s in ordered if r["index"] in s["reps"])
    return reps, partial, ordered


def setup_labels(setup: dict[str, Any] | None, frames: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(clip_faults, clip_marginal) for a start position off tabletop at the hip or the knee."""
    if not setup or not frames:
        return [], []
    f0 = frames[0]
    joint = setup["joint"]
    key = "knee_angle" if joint == "knee" else "hip_angle"
    vals = [f0[f"{key}_left_deg"], f0[f"{key}_right_deg"]]
    dev = max(abs(v - 90.0) for v in vals)
    value = max(vals, key=lambda v: abs(v - 90.0))
    clean_max, fault_min = SETUP_KNEE if joint == "knee" else SETUP_HIP
    cls = classify(dev, clean_max, fault_min)
    t = _col(frames, "t_s")
    devs = np.array([max(abs(f[f"{key}_left_deg"] - 90.0), abs(f[f"{key}_right_deg"] - 90.0)) for f in frames])
    ok = _first(t, devs <= clean_max)
    entry = {"code": "tabletop_lost", "t_s": 0.0, "end_s": ok, "joint": joint, "value": round(float(value), 2),
             "deviation_deg": round(float(dev), 2), "unit": "deg", "message": f"start position is not tabletop ({joint})"}
    if cls == "fault":
        return [entry], []
    if cls == "marginal":
        return [], [entry]
    return [], []
