"""The golden accuracy figures: per-clip numbers of ``bench/accuracy.py`` checked against a
committed file (``bench/golden/samples.json``), the way norfair keeps its MOT metrics.

A figure may get better by any amount and worse only by its tolerance (:data:`RULES`), so a
change that improves accuracy passes and one that costs it fails with the clip, the figure,
the golden and the new value. Refresh the golden after a deliberate change with
``python3 bench/accuracy.py --stride auto --no-video --write-golden`` (DEVELOPERS.md).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from truth_compare import FAULT_CODES

GOLDEN_PATH = Path(__file__).resolve().parent / "golden" / "samples.json"
GOLDEN_VERSION = 1
GOLDEN_DIGITS = 4  # figures are rounded to this many decimals in the file
# the lift correlation is kept only where the true gap moves this much (the arching clips move
# 4–4.5 cm; elsewhere it moves < 0.7 cm and r is the correlation of noise)
LIFT_R_MIN_RANGE_CM = 1.0


@dataclass(frozen=True)
class Rule:
    """How one figure is compared: which way is better, how much worse is allowed, and why."""

    better: str  # "lower", "higher" or "equal"
    tolerance: float
    why: str


_COUNT = "a count of whole reps or events on a deterministic analysis: any loss is a real change"
_TIME = ("0.05 s is 1.5 frames at 30 fps (3 s phases): the time fit moves by less on a change that "
         "does not touch timing, more is a real change")

RULES: dict[str, Rule] = {
    "true_reps": Rule("equal", 0, "the truth's rep count: a change means the samples changed "
                                  "(refresh the golden)"),
    "rep_count_error": Rule("lower", 0, "|found − true| reps: " + _COUNT),
    "legs_right": Rule("higher", 0, "matched reps on the right leg: " + _COUNT),
    **{f"{code}_{kind}": Rule("lower" if kind != "tp" else "higher", 0,
                              f"per-rep {code} confusion ({kind}): " + _COUNT)
       for code in FAULT_CODES for kind in ("tp", "fp", "fn")},
    "back_judged": Rule("higher", 0, "whether the report judges the lower back (1) in this view"),
    "detection": Rule("higher", 0.005, "share of frames with the person found: 0.5 % is 4–5 frames of a clip"),
    "knee_near_mae_deg": Rule("lower", 0.5, "knee-angle MAE vs the true 3D angle; 0.5° is below what a "
                                            "smoothing or stride change moves it (≤ 0.2° between strides)"),
    "knee_far_mae_deg": Rule("lower", 0.5, "as the near knee"),
    "heel_near_cm": Rule("lower", 0.3, "mean |error| of each rep's lowest heel height; 0.3 cm is a few px"),
    "heel_far_cm": Rule("lower", 0.3, "as the near heel"),
    "lift_mae_cm": Rule("lower", 0.1, "lumbar-lift MAE vs the true gap; 0.1 cm is a third of the measured "
                                      "error and 5× the largest move between strides (0.02 cm)"),
    "lift_r": Rule("higher", 0.02, "lumbar-lift correlation with the true gap where it moves ≥ 1 cm "
                                   "(0.92–0.99 on the arching clips)"),
    "t_mean_s": Rule("lower", 0.05, "mean |error| of start/bottom/end: " + _TIME),
    "t_max_s": Rule("lower", 0.05, "worst start/bottom/end error: " + _TIME),
    "phase_max_s": Rule("lower", 0.05, "worst lower/raise duration error: " + _TIME),
    "t_within_target": Rule("higher", 1, "events within ±0.3 s: one event may cross the target when its "
                                         "error moves by the 0.05 s the times may"),
}


def clip_figures(analysis: Mapping[str, Any], detection: float) -> dict[str, float]:
    """The compared figures of one clip, from ``truth_compare.analysis_metrics`` and the
    detection rate (NaN where a figure does not apply, e.g. no far leg, no lift to track)."""
    figures = {
        "true_reps": analysis["true"],
        "rep_count_error": abs(analysis["reps"] - analysis["true"]),
        "legs_right": analysis["legs ok"],
        "back_judged": analysis["back judged"],
        "detection": detection,
        "knee_near_mae_deg": analysis["knee near"],
        "knee_far_mae_deg": analysis["knee far"],
        "heel_near_cm": analysis["heel near"],
        "heel_far_cm": analysis["heel far"],
        "lift_mae_cm": analysis["lift mae"],
        "lift_r": analysis["lift r"] if analysis["lift range"] >= LIFT_R_MIN_RANGE_CM else math.nan,
        "t_mean_s": analysis["t mean"],
        "t_max_s": analysis["t max"],
        "phase_max_s": analysis["phase max"],
        "t_within_target": analysis["t ok"],
    }
    for code in FAULT_CODES:
        for kind, value in zip(("tp", "fp", "fn"), analysis[f"{code} tp/fp/fn"]):
            figures[f"{code}_{kind}"] = value
    return {name: float(value) for name, value in figures.items()}


def worse(rule: Rule, golden: float | None, value: float) -> bool:
    """True when ``value`` is worse than ``golden`` beyond the rule's tolerance. A figure that
    did not apply in the golden (None) is not compared; one that stops applying is worse."""
    if golden is None:
        return False
    if not math.isfinite(value):
        return True
    if rule.better == "lower":
        return value > golden + rule.tolerance + 1e-9
    if rule.better == "higher":
        return value < golden - rule.tolerance - 1e-9
    return abs(value - golden) > rule.tolerance + 1e-9


def regressions(golden: Mapping[str, Any], figures: Mapping[str, Mapping[str, float]]) -> list[str]:
    """One sentence per figure worse than the golden (beyond its tolerance), per missing clip,
    and per clip without golden figures; empty when nothing got worse."""
    found: list[str] = []
    golden_clips = golden["clips"]
    for clip in sorted(set(golden_clips) - set(figures)):
        found.append(f"{clip}: in the golden but not analysed")
    for clip in sorted(set(figures) - set(golden_clips)):
        found.append(f"{clip}: no golden figures (refresh with bench/accuracy.py --write-golden)")
    for clip in sorted(set(golden_clips) & set(figures)):
        for name, rule in RULES.items():
            expected = golden_clips[clip].get(name)
            value = figures[clip].get(name, math.nan)
            if worse(rule, expected, value):
                found.append(f"{clip}: {name} {value:.4g} is worse than the golden {expected:.4g} "
                             f"(better is {rule.better}, tolerance {rule.tolerance:g})")
    return found


def _rounded(value: float) -> float | int | None:
    """Whole numbers (counts) as integers, others to :data:`GOLDEN_DIGITS`, None when not finite."""
    if not math.isfinite(value):
        return None
    return int(value) if float(value).is_integer() else round(value, GOLDEN_DIGITS)


def golden_document(stride: str, figures: Mapping[str, Mapping[str, float]],
                    pooled: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The golden file's content: the stride, per-clip figures (None where a figure does not
    apply) and, for reading only, the pooled figures. The tolerances stay in :data:`RULES`."""
    return {
        "version": GOLDEN_VERSION,
        "stride": stride,
        "refresh": "python3 bench/accuracy.py --stride auto --no-video --write-golden",
        "tolerances": "bench/regression.py RULES",
        "clips": {clip: {name: _rounded(value) for name, value in sorted(values.items())}
                  for clip, values in sorted(figures.items())},
        "pooled": dict(pooled or {}),
    }


def load_golden(path: Path = GOLDEN_PATH) -> dict[str, Any]:
    """The committed golden document."""
    if not path.is_file():
        raise FileNotFoundError(f"no golden file at {path}: write one with bench/accuracy.py --write-golden")
    doc = json.loads(path.read_text(encoding="utf-8"))
    if doc.get("version") != GOLDEN_VERSION:
        raise ValueError(f"{path}: golden version {doc.get('version')!r}, expected {GOLDEN_VERSION}")
    return doc
