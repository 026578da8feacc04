"""Compare one formcheck analysis (report.json + measure series) with a clip's truth file.

Pure functions used by ``bench/accuracy.py``; every metric is a number per clip so the
benchmark can print and pool them. Truth schema: docs/truth.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

FAULT_CODES = ("arching", "swinging", "tabletop_lost")
PHASES = ("start_s", "bottom_s", "end_s", "lower_s", "raise_s")
MATCH_WINDOW_S = 1.5  # a found rep matches a true rep when their bottoms are this close


@dataclass
class FaultCounts:
    """Per-rep fault confusion counts for one code."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: FaultCounts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else math.nan

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else math.nan


@dataclass
class RepComparison:
    """How the found reps line up with the true reps of one clip."""

    true_reps: int
    found_reps: int
    matched: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    faults: dict[str, FaultCounts] = field(default_factory=dict)

    @property
    def count_exact(self) -> bool:
        return self.true_reps == self.found_reps

    @property
    def legs_right(self) -> int:
        return sum(t["leg"] == f["leg"] for t, f in self.matched)

    def phase_errors_s(self, phase: str, legs: tuple[str, ...] | None = None) -> np.ndarray:
        """|found − true| for ``phase`` over matched reps (of the true ``legs`` only, if given)."""
        return np.array([abs(f[phase] - t[phase]) for t, f in self.matched
                         if f.get(phase) is not None and t.get(phase) is not None
                         and (legs is None or t["leg"] in legs)])


def match_reps(truth_reps: list[dict[str, Any]], found_reps: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Greedy one-to-one matching on bottom time (closest pairs first), within the window."""
    pairs = sorted(((abs(t["bottom_s"] - f["bottom_s"]), i, j)
                    for i, t in enumerate(truth_reps) for j, f in enumerate(found_reps)
                    if f.get("bottom_s") is not None), key=lambda p: p[0])
    used_t: set[int] = set()
    used_f: set[int] = set()
    matches = []
    for distance, i, j in pairs:
        if distance <= MATCH_WINDOW_S and i not in used_t and j not in used_f:
            used_t.add(i)
            used_f.add(j)
            matches.append((i, j))
    return sorted(matches)


def _codes(rep: dict[str, Any]) -> set[str]:
    return {fault["code"] for fault in rep.get("faults", [])}


def compare_reps(truth: dict[str, Any], report: dict[str, Any]) -> RepComparison:
    """Rep count, matched reps, and per-rep fault counts (unmatched reps count as misses)."""
    true_reps, found_reps = truth["reps"], report["reps"]
    matches = match_reps(true_reps, found_reps)
    result = RepComparison(true_reps=len(true_reps), found_reps=len(found_reps),
                           matched=[(true_reps[i], found_reps[j]) for i, j in matches])
    matched_t = {i for i, _ in matches}
    matched_f = {j for _, j in matches}
    for code in FAULT_CODES:
        counts = FaultCounts()
        for t, f in result.matched:
            has_t, has_f = code in _codes(t), code in _codes(f)
            counts.tp += has_t and has_f
            counts.fp += has_f and not has_t
            counts.fn += has_t and not has_f
        counts.fn += sum(code in _codes(t) for i, t in enumerate(true_reps) if i not in matched_t)
        counts.fp += sum(code in _codes(f) for j, f in enumerate(found_reps) if j not in matched_f)
        result.faults[code] = counts
    return result


def truth_column(truth: dict[str, Any], name: str) -> np.ndarray:
    """A per-frame truth column as floats (NaN where null)."""
    return np.array([np.nan if f.get(name) is None else f[name] for f in truth["frames"]], dtype=np.float64)


def knee_angle_errors_deg(truth: dict[str, Any], series: Any, legs: tuple[str, ...] = ("left", "right")) -> np.ndarray:
    """|found − true| knee angle over frames and ``legs`` (NaNs dropped)."""
    errors = [np.abs(series.knee_angle_deg(leg) - truth_column(truth, f"knee_angle_{leg}_deg")) for leg in legs]
    values = np.concatenate(errors)
    return values[np.isfinite(values)]


def true_lift_range_cm(truth: dict[str, Any]) -> float:
    """How far the true lumbar gap moves over the clip (cm): a lift correlation means
    something only where it moves well beyond the measurement noise."""
    gap = truth_column(truth, "lumbar_gap_cm")
    return float(np.nanmax(gap) - np.nanmin(gap)) if np.isfinite(gap).any() else math.nan


def lumbar_tracking(truth: dict[str, Any], series: Any) -> tuple[float, float]:
    """(Pearson r, mean |error| cm) of lumbar lift vs the true gap above its imprint value."""
    true_gap = truth_column(truth, "lumbar_gap_cm")
    imprint = float(truth["body"].get("imprint_lumbar_gap_cm", np.nanmin(true_gap)))
    true_lift = true_gap - imprint
    found = np.asarray(series.lumbar_lift_cm, dtype=np.float64)
    ok = np.isfinite(found) & np.isfinite(true_lift)
    if ok.sum() < 3 or np.std(true_lift[ok]) < 1e-6 or np.std(found[ok]) < 1e-6:
        return math.nan, float(np.mean(np.abs(found[ok] - true_lift[ok]))) if ok.any() else math.nan
    return float(np.corrcoef(found[ok], true_lift[ok])[0, 1]), float(np.mean(np.abs(found[ok] - true_lift[ok])))


TIME_TARGET_S = 0.3  # issue 4: times and phase durations within ±0.3 s of the truth


def heel_min_error_cm(comparison: RepComparison, leg: str) -> float:
    """Mean |found − true| lowest heel height (cm) of the matched reps of ``leg``."""
    errors = [abs(f["heel_height_min_cm"] - t["heel_height_min_cm"]) for t, f in comparison.matched
              if t["leg"] == leg and f.get("heel_height_min_cm") is not None]
    return float(np.mean(errors)) if errors else math.nan


def max_error(values: np.ndarray) -> float:
    return float(np.max(values)) if len(values) else math.nan


def analysis_metrics(truth: dict[str, Any], report: dict[str, Any], series: Any) -> dict[str, float]:
    """The issue-4 accuracy numbers of one clip (NaN where not applicable)."""
    comparison = compare_reps(truth, report)
    near = truth["camera"]["side"]
    far = "right" if near == "left" else "left"
    lift_r, lift_mae = lumbar_tracking(truth, series)
    times = np.concatenate([comparison.phase_errors_s(p) for p in PHASES[:3]])
    metrics = {
        "reps": float(comparison.found_reps),
        "true": float(comparison.true_reps),
        "legs ok": float(comparison.legs_right),
        "t max": max_error(times),
        "t mean": float(np.mean(times)) if len(times) else math.nan,
        "t count": float(len(times)),
        "phase max": max_error(np.concatenate([comparison.phase_errors_s(p) for p in PHASES[3:]])),
        # events (start/bottom/end, lower/raise durations) within the ±0.3 s target
        "t ok": float(np.sum(np.concatenate([comparison.phase_errors_s(p) for p in PHASES]) <= TIME_TARGET_S)),
        "t all": float(sum(len(comparison.phase_errors_s(p)) for p in PHASES)),
        "t ok near": float(np.sum(np.concatenate([comparison.phase_errors_s(p, (near,)) for p in PHASES])
                                  <= TIME_TARGET_S)),
        "t all near": float(sum(len(comparison.phase_errors_s(p, (near,))) for p in PHASES)),
        "heel near": heel_min_error_cm(comparison, near),
        "heel far": heel_min_error_cm(comparison, far),
        "knee near": float(np.mean(knee_angle_errors_deg(truth, series, (near,)))),
        "knee far": float(np.mean(knee_angle_errors_deg(truth, series, (far,)))),
        "lift r": lift_r,
        "lift mae": lift_mae,
        "lift range": true_lift_range_cm(truth),
        # the report says whether this camera view lets it judge the lower back at all
        "back judged": float(bool(report.get("view", {}).get("trust", {}).get("lumbar", True))),
    }
    for code, counts in comparison.faults.items():
        metrics[f"{code} tp/fp/fn"] = (counts.tp, counts.fp, counts.fn)  # type: ignore[assignment]
    return metrics


def pooled_faults(per_clip: list[dict[str, Any]]) -> dict[str, FaultCounts]:
    """Fault confusion counts summed over clips, per code."""
    totals = {code: FaultCounts() for code in FAULT_CODES}
    for metrics in per_clip:
        for code in FAULT_CODES:
            tp, fp, fn = metrics[f"{code} tp/fp/fn"]
            totals[code].add(FaultCounts(tp, fp, fn))
    return totals
