"""report.html's session-level sections, as data: the sets against the prescription, the per-rep
tempo chart against the coached tempo, and the thresholds the reps are judged by (shown next to
the values they judge)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from formcheck.profiles import ExerciseProfile, get_profile
from formcheck.render.palette import DEFAULT_PALETTE, FAULT_COLOURS, hex_colour
from formcheck.report.chart import BarValue, Chart, Guide, category_chart

DOWN_COLOUR, UP_COLOUR = "#0f766e", "#7c3aed"

FATIGUE_LABELS: Mapping[str, str] = {"arching": "back lifting", "tabletop_lost": "knee drifting",
                                     "tempo": "tempo shortening"}


def report_profile(report: Mapping[str, Any]) -> ExerciseProfile | None:
    """The profile of the report's exercise (None when unknown)."""
    try:
        return get_profile(report.get("exercise"))
    except (ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class Thresholds:
    """The limits shown beside the values (text), and the numbers that mark a value as outside."""

    lower: str
    raise_: str
    knee: str
    heel: str
    lumbar: str
    tilt: str
    min_phase_s: float | None
    arching_lift_cm: float | None
    arching_tilt_deg: float | None
    summary: str  # one line for the facts table


def thresholds(report: Mapping[str, Any]) -> Thresholds:
    """The profile's limits for the reps table's columns (blank for an unknown exercise)."""
    p = report_profile(report)
    if p is None:
        return Thresholds("", "", "", "", "", "", None, None, None, "unknown exercise: no thresholds")
    if p.knee_target_deg is not None:
        knee = f"{p.knee_target_deg:g}° ± {p.knee_tolerance_deg:g}°"
    elif p.knee_straight_min_deg is not None:
        knee = f"≥ {p.knee_straight_min_deg:g}°"
    else:
        knee = "not judged"
    summary = (f"swinging: a phase under {p.min_lower_s:g} s (coached {p.target_lower_s:g} s down, "
               f"{p.target_raise_s:g} s up) · arching: lumbar lift ≥ {p.arching_lift_cm:g} cm or pelvic tilt ≥ "
               f"{p.arching_tilt_deg:g}° for {p.arching_min_s:g} s · knee: {knee} · full depth: "
               f"{p.full_depth_frac:.0%} of the tabletop heel height")
    return Thresholds(lower=f"≥ {p.min_lower_s:g} s, aim {p.target_lower_s:g}",
                      raise_=f"≥ {p.min_raise_s:g} s, aim {p.target_raise_s:g}", knee=knee,
                      heel="lowest heel", lumbar=f"arching ≥ {p.arching_lift_cm:g} cm",
                      tilt=f"arching ≥ {p.arching_tilt_deg:g}°", min_phase_s=p.min_lower_s,
                      arching_lift_cm=p.arching_lift_cm, arching_tilt_deg=p.arching_tilt_deg, summary=summary)


@dataclass(frozen=True)
class SetRow:
    """One set as the sets table shows it."""

    index: str
    span: str
    reps: str
    on_target: bool
    clean: str
    faults: str
    fatigue: tuple[str, ...]


def set_rows(report: Mapping[str, Any]) -> list[SetRow]:
    """The report's ``sets``, each against the prescribed reps per leg."""
    p = report_profile(report)
    legs = p.rep_legs if p is not None else ("left", "right")
    rows = []
    for s in report.get("sets") or []:
        counts = s.get("reps") or {}
        reps = ", ".join(f"{leg} {counts.get(leg, 0)}" for leg in legs)
        on_target = p is not None and all(p.set_reps_min <= counts.get(leg, 0) <= p.set_reps_max for leg in legs)
        faults = ", ".join(f"{code} {n}" for code, n in (s.get("faults") or {}).items() if n) or "none"
        fatigue = tuple(f"{FATIGUE_LABELS.get(str(f.get('signal')), str(f.get('signal')))} from rep "
                        f"{f.get('from_rep')}" + (f" of the {f['leg']} leg" if f.get("leg") else "") +
                        f" (rep {f.get('rep_index')} in the table)" for f in s.get("fatigue") or [])
        total = sum(counts.get(leg, 0) for leg in ("left", "right", "both"))
        rows.append(SetRow(str(s.get("index")), f"{s.get('start_s', 0):.1f}–{s.get('end_s', 0):.1f} s", reps,
                           on_target, f"{s.get('clean_reps', 0)} / {total}", faults, fatigue))
    return rows


def prescription_text(report: Mapping[str, Any]) -> str:
    """``3 sets of 10–12 slow reps per leg, 3–4 times a week; a rest of 15 s or more starts a new set``."""
    p = report_profile(report)
    if p is None:
        return ""
    return (f"{p.sets_prescribed} sets of {p.set_reps_min}–{p.set_reps_max} slow reps per leg, "
            f"{p.sessions_per_week_min}–{p.sessions_per_week_max} times a week; a rest of {p.set_rest_s:g} s or "
            "more starts a new set")


def tempo_chart(report: Mapping[str, Any]) -> Chart | None:
    """Each rep's lowering and raising time (bars) against the coached tempo and the swinging
    minimum (dashed lines); None without reps."""
    reps = report.get("reps") or []
    if not reps:
        return None
    p = report_profile(report)
    bars = []
    for rep in reps:
        group = []
        for key, colour, word in (("lower_s", DOWN_COLOUR, "down"), ("raise_s", UP_COLOUR, "up")):
            value = rep.get(key)
            if isinstance(value, (int, float)):
                group.append(BarValue(float(value), colour, f"rep {rep.get('index')} ({rep.get('leg')}): "
                                                            f"{value:.1f} s {word}"))
        bars.append(group)
    guides = []
    if p is not None:
        guides = [Guide(p.target_lower_s, f"coached {p.target_lower_s:g} s", hex_colour(DEFAULT_PALETTE.ok)),
                  Guide(p.min_lower_s, f"swinging under {p.min_lower_s:g} s", hex_colour(FAULT_COLOURS["swinging"]))]
    labels = [f"{rep.get('index')} {str(rep.get('leg', ''))[:1].upper()}" for rep in reps]
    return category_chart(labels, "seconds", bars=bars, guides=guides, title="tempo per rep", x_label="rep")
