"""One corpus clip's analysis against its truth, as pool-able numbers (sums, counts, error lists).

Pure functions over the truth file (schema: docs/truth.md, "Corpus files") and formcheck's
report and measure series. Marginal codes of a rep (too close to a threshold to count either
way) are neither a hit nor a miss; partial reps are not reps. Every figure is kept in a form
that pools over any set of clips (a condition bin): counts, sums, and short error lists.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

FAULT_CODES = ("arching", "swinging", "tabletop_lost")
EVENTS = ("start_s", "bottom_s", "end_s")
MATCH_WINDOW_S = 1.5  # a found rep matches a true rep when their reversals are this close
# targets a measure the report calls trusted must meet (issue 15), per clip
KNEE_TARGET_DEG = {15.0: 5.0, 45.0: 8.0}  # |yaw| up to the key: knee MAE at most the value
LIFT_TARGET_CM = 1.0
HEEL_TARGET_CM = 3.0


def knee_target_deg(yaw_deg: float) -> float:
    """The knee-angle MAE target for a camera yaw (deg)."""
    for limit, target in KNEE_TARGET_DEG.items():
        if abs(yaw_deg) <= limit:
            return target
    return max(KNEE_TARGET_DEG.values())


def _column(truth: dict[str, Any], name: str) -> np.ndarray:
    return np.array([np.nan if f.get(name) is None else f[name] for f in truth["frames"]], dtype=np.float64)


def match_reps(true_reps: list[dict[str, Any]], found: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Greedy one-to-one matching on the reversal time (closest first), within the window."""
    pairs = sorted((abs(t["bottom_s"] - f["bottom_s"]), i, j) for i, t in enumerate(true_reps)
                   for j, f in enumerate(found) if f.get("bottom_s") is not None)
    used_t: set[int] = set()
    used_f: set[int] = set()
    out = []
    for distance, i, j in pairs:
        if distance <= MATCH_WINDOW_S and i not in used_t and j not in used_f:
            used_t.add(i)
            used_f.add(j)
            out.append((i, j))
    return sorted(out)


def _codes(rep: dict[str, Any]) -> set[str]:
    return {f["code"] for f in rep.get("faults", [])}


def truth_rows(truth: dict[str, Any], series: Any) -> np.ndarray:
    """The truth frame at each row of ``series`` (nearest in time): with a stride > 1 the
    series has a row per analysed frame only."""
    t_true = _column(truth, "t_s")
    t_found = np.asarray(series.t_s, dtype=np.float64)
    if len(t_true) == 0 or len(t_found) == 0:
        return np.zeros(0, dtype=int)
    upper = np.clip(np.searchsorted(t_true, t_found), 1, len(t_true) - 1)
    lower = upper - 1
    return np.where(np.abs(t_true[lower] - t_found) <= np.abs(t_true[upper] - t_found), lower, upper)


def _frame_errors(truth: dict[str, Any], series: Any, name: str, legs: tuple[str, ...]) -> tuple[float, int]:
    """(sum of |found − true|, count) over the series' frames where both are known."""
    total, count = 0.0, 0
    rows = truth_rows(truth, series)
    for leg in legs:
        true = _column(truth, name.format(leg=leg))[rows] if len(rows) else np.zeros(0)
        found = np.asarray(getattr(series, name.format(leg=leg)), dtype=np.float64)
        n = min(len(true), len(found))
        err = np.abs(found[:n] - true[:n])
        err = err[np.isfinite(err)]
        total, count = total + float(err.sum()), count + int(err.size)
    return total, count


def clip_figures(truth: dict[str, Any], report: dict[str, Any], series: Any) -> dict[str, Any]:
    """Everything the corpus table pools, for one clip."""
    true_reps = truth.get("reps", [])
    found = report.get("reps", [])
    near = truth["camera"]["side"]
    far = "right" if near == "left" else "left"
    matches = match_reps(true_reps, found)
    out: dict[str, Any] = {
        "clips": 1, "true_reps": len(true_reps), "found_reps": len(found),
        "count_exact": int(len(true_reps) == len(found)),
        "matched": len(matches), "legs_right": sum(true_reps[i]["leg"] == found[j]["leg"] for i, j in matches),
        "negative": int(bool(truth.get("negative"))),
    }
    for code in FAULT_CODES:
        tp = fp = fn = 0
        for i, j in matches:
            if code in true_reps[i].get("marginal", []):
                continue
            has_t, has_f = code in _codes(true_reps[i]), code in _codes(found[j])
            tp, fp, fn = tp + (has_t and has_f), fp + (has_f and not has_t), fn + (has_t and not has_f)
        matched_t, matched_f = {i for i, _ in matches}, {j for _, j in matches}
        fn += sum(code in _codes(t) for i, t in enumerate(true_reps) if i not in matched_t)
        fp += sum(code in _codes(f) for j, f in enumerate(found) if j not in matched_f)
        out[f"{code}_tp"], out[f"{code}_fp"], out[f"{code}_fn"] = tp, fp, fn
    true_setup = {f["code"] for f in truth.get("clip_faults", [])}
    found_setup = {f["code"] for f in report.get("setup_faults", [])}
    clean_truth = not true_setup and not any(_codes(r) for r in true_reps) and not truth.get("clip_marginal")
    found_any = bool(found_setup) or any(_codes(f) for f in found)
    out["clean_clips"] = int(clean_truth)
    out["clean_clips_flagged"] = int(clean_truth and found_any)
    out["setup_tp"] = int("tabletop_lost" in true_setup and "tabletop_lost" in found_setup)
    out["setup_fp"] = int("tabletop_lost" not in true_setup and "tabletop_lost" in found_setup
                          and not truth.get("clip_marginal"))
    out["setup_fn"] = int("tabletop_lost" in true_setup and "tabletop_lost" not in found_setup)
    for key, legs in (("near", (near,)), ("far", (far,))):
        out[f"knee_{key}_sum"], out[f"knee_{key}_n"] = _frame_errors(truth, series, "knee_angle_{leg}_deg", legs)
        out[f"hip_{key}_sum"], out[f"hip_{key}_n"] = _frame_errors(truth, series, "hip_angle_{leg}_deg", legs)
    heel = [abs(found[j]["heel_height_min_cm"] - true_reps[i]["heel_height_min_cm"]) for i, j in matches
            if found[j].get("heel_height_min_cm") is not None and true_reps[i]["leg"] != "both"]
    out["heel_err_cm"] = [round(float(h), 2) for h in heel]
    lift_sum, lift_n = _lift_errors(truth, series)
    out["lift_sum"], out["lift_n"] = lift_sum, lift_n
    for side, legs in (("near", (near,)), ("far", (far,)), ("both", ("both",))):
        errs = [abs(found[j][e] - true_reps[i][e]) for i, j in matches for e in EVENTS
                if true_reps[i]["leg"] in legs and found[j].get(e) is not None]
        out[f"t_{side}"] = [round(float(x), 3) for x in errs]
    out["lies"] = trust_lies(truth, report, out)
    return out


def _lift_errors(truth: dict[str, Any], series: Any) -> tuple[float, int]:
    gap = _column(truth, "lumbar_gap_cm")
    imprint = float(truth["body"].get("imprint_lumbar_gap_cm", np.nanmin(gap)))
    rows = truth_rows(truth, series)
    gap = gap[rows] if len(rows) else np.zeros(0)
    found = np.asarray(series.lumbar_lift_cm, dtype=np.float64)
    n = min(len(gap), len(found))
    err = np.abs(found[:n] - (gap[:n] - imprint))
    err = err[np.isfinite(err)]
    return float(err.sum()), int(err.size)


def trust_lies(truth: dict[str, Any], report: dict[str, Any], figures: dict[str, Any]) -> list[str]:
    """Measures the report calls trusted whose error is past the target (``trusted but …``), and
    the reverse (``distrusted but …``): a trust flag that does not match the corpus."""
    trust = (report.get("view") or {}).get("trust") or {}
    yaw = float(truth.get("conditions", {}).get("camera_yaw_deg", truth["camera"].get("yaw_deg", 0.0)))
    checks = []
    if figures["knee_near_n"]:
        knee = figures["knee_near_sum"] / figures["knee_near_n"]
        checks.append(("angles", knee <= knee_target_deg(yaw), f"knee MAE {knee:.1f}°"))
    if figures["lift_n"]:
        lift = figures["lift_sum"] / figures["lift_n"]
        checks.append(("lumbar", lift <= LIFT_TARGET_CM, f"lift MAE {lift:.2f} cm"))
    if figures["heel_err_cm"]:
        heel = float(np.mean(figures["heel_err_cm"]))
        checks.append(("heel_height", heel <= HEEL_TARGET_CM, f"lowest-heel error {heel:.1f} cm"))
    out = []
    for measure, within, what in checks:
        trusted = bool(trust.get(measure, False))
        if trusted and not within:
            out.append(f"trusted {measure} but {what}")
        elif not trusted and within:
            out.append(f"distrusted {measure} but {what}")
    return out


def pooled(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Sum counts and concatenate error lists over clips."""
    out: dict[str, Any] = {}
    for row in rows:
        for key, value in row.items():
            if isinstance(value, list):
                out.setdefault(key, []).extend(value)
            elif isinstance(value, (int, float)):
                out[key] = out.get(key, 0) + value
    return out


def summary_figures(p: dict[str, Any]) -> dict[str, float]:
    """The printed figures of a pooled group of clips (NaN where there is nothing to measure)."""
    def ratio(a: float, b: float) -> float:
        return a / b if b else math.nan

    def pct(key: str, q: float) -> float:
        values = p.get(key, [])
        return float(np.percentile(values, q)) if values else math.nan

    fig = {
        "clips": p.get("clips", 0),
        "count exact": ratio(p.get("count_exact", 0), p.get("clips", 0)),
        "legs right": ratio(p.get("legs_right", 0), p.get("matched", 0)),
        "clean flagged": ratio(p.get("clean_clips_flagged", 0), p.get("clean_clips", 0)),
        "knee near": ratio(p.get("knee_near_sum", 0), p.get("knee_near_n", 0)),
        "knee far": ratio(p.get("knee_far_sum", 0), p.get("knee_far_n", 0)),
        "hip near": ratio(p.get("hip_near_sum", 0), p.get("hip_near_n", 0)),
        "hip far": ratio(p.get("hip_far_sum", 0), p.get("hip_far_n", 0)),
        "heel err": float(np.mean(p["heel_err_cm"])) if p.get("heel_err_cm") else math.nan,
        "lift err": ratio(p.get("lift_sum", 0), p.get("lift_n", 0)),
        "t near p50": pct("t_near", 50), "t near p90": pct("t_near", 90),
        "t far p50": pct("t_far", 50), "t far p90": pct("t_far", 90),
    }
    for code in FAULT_CODES:
        tp, fp, fn = p.get(f"{code}_tp", 0), p.get(f"{code}_fp", 0), p.get(f"{code}_fn", 0)
        fig[f"{code} P"] = ratio(tp, tp + fp)
        fig[f"{code} R"] = ratio(tp, tp + fn)
    tp, fp, fn = p.get("setup_tp", 0), p.get("setup_fp", 0), p.get("setup_fn", 0)
    fig["start P"], fig["start R"] = ratio(tp, tp + fp), ratio(tp, tp + fn)
    return fig
