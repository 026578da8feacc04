"""What report.html shows, as data: the report dict turned into the values its templates lay out.

Each section of the page has one builder here; the templates under ``templates/`` only place
these values (Jinja2 escapes every one of them). Numbers are formatted here, with an en dash
for an unknown value; colours are hex from :mod:`formcheck.render.palette`.
"""

from __future__ import annotations

import base64
import math
import re
from dataclasses import dataclass
from typing import Any, Mapping

from formcheck.analysis.fault import fault_key
from formcheck.core.series import MeasureSeries
from formcheck.profiles import ExerciseProfile, get_profile
from formcheck.render.palette import DEFAULT_PALETTE, FAULT_COLOURS, OTHER_FAULT_COLOUR, fault_colour, hex_colour
from formcheck.report.html_sets import prescription_text, set_rows, tempo_chart, thresholds
from formcheck.report.svg_plot import Line, Plot, plot_geometry

DASH = "–"

FAULT_LABELS: Mapping[str, str] = {"arching": "back arching", "swinging": "swinging (too fast)",
                                   "tabletop_lost": "tabletop lost (knee bend)"}

# (report key, digits, unit) of the rep table's time columns: start, bottom, end, lower, raise.
REP_TIME_COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("start_s", 2, " s"), ("bottom_s", 2, " s"), ("end_s", 2, " s"), ("lower_s", 1, " s"), ("raise_s", 1, " s"))


def text(value: Any) -> str:
    """``value`` as text; None as an en dash."""
    return DASH if value is None else str(value)


def number(value: Any, digits: int = 1, unit: str = "") -> str:
    """A number with ``digits`` decimals and ``unit``, or an en dash when unknown or not a number."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return DASH
    return f"{value:.{digits}f}{unit}"


def leg_hex(leg: Any) -> str:
    """The hex colour of leg ``leg`` (the overlay's, see :meth:`~formcheck.render.palette.Palette.leg`)."""
    return hex_colour(DEFAULT_PALETTE.leg(str(leg)))


def fault_hex(code: Any) -> str:
    """The hex colour of fault ``code`` (the overlay banner's)."""
    return hex_colour(fault_colour(str(code)))


def css_colours() -> dict[str, str]:
    """The palette colours the stylesheet uses, as CSS custom properties (name → hex)."""
    return {"bad": hex_colour(DEFAULT_PALETTE.bad),  # a rep with a fault: the red edge of its row, a value past
            "ok": hex_colour(DEFAULT_PALETTE.ok)}  # its threshold; a target band


def all_faults(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every fault of the report, each with the ``rep`` it belongs to (None for the start position)."""
    faults = [dict(f, rep=rep.get("index")) for rep in report.get("reps", []) for f in rep.get("faults", [])]
    return faults + [dict(f, rep=None) for f in report.get("setup_faults", [])]


def still_key(fault: Mapping[str, Any]) -> str:
    """The stills key of a fault from :func:`all_faults` (:func:`~formcheck.analysis.fault.fault_key`)."""
    return fault_key(fault.get("rep"), str(fault.get("code")))


# -- summary -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tile:
    """A summary tile: a ``label``, a big ``value`` (``of`` a total), a small ``note``, a top colour."""

    label: str
    value: str
    of: str | None = None
    note: str = ""
    colour: str | None = None


@dataclass(frozen=True)
class Summary:
    """The summary section: an interrupted-run notice, the tiles and the facts table's values."""

    interrupted: bool
    tiles: tuple[Tile, ...]
    source_path: str
    recording: str
    exercise: str
    exercise_detection: str | None  # what the recognition found, and how sure (None: not run)
    exercise_note: str | None
    calibration_ok: bool
    calibration_span: str | None
    calibration_warning: str | None
    view: str
    view_advice: str | None


def _ordinal_suffix(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def summary(report: Mapping[str, Any]) -> Summary:
    """Tiles (reps per leg, clean reps, each fault) and the facts of the recording."""
    source, totals = report.get("source", {}) or {}, report.get("summary", {}) or {}
    calibration, view = report.get("calibration", {}) or {}, report.get("view") or {}
    reps = totals.get("reps", {}) or {}
    total = sum(v for v in reps.values() if isinstance(v, int))
    clean = totals.get("clean_reps")
    tiles = [Tile(f"reps · {leg}", text(count), colour=leg_hex(leg)) for leg, count in reps.items()]
    tiles.append(Tile("clean reps", text(clean), of=str(total),
                      colour=hex_colour(DEFAULT_PALETTE.ok) if total and clean == total else None))
    tiles += [Tile(FAULT_LABELS.get(code, str(code)), text(count), note=str(code),
                   colour=fault_hex(code) if count else None)  # grey when it did not happen
              for code, count in (totals.get("faults", {}) or {}).items()]
    analysis = report.get("analysis") or {}
    stride, done = analysis.get("stride", 1), analysis.get("frames_analysed")
    frames = text(source.get("frames"))
    if isinstance(stride, int) and stride > 1:
        analysed = f"{frames} frames, every {stride}{_ordinal_suffix(stride)} analysed"
    elif isinstance(done, int) and isinstance(source.get("frames"), int) and done < source["frames"]:
        analysed = f"{frames} frames, {done} analysed"
    else:
        analysed = f"{frames} frames analysed"
    recording = " · ".join([number(source.get("duration_s"), 1, " s"), number(source.get("fps"), 2, " fps"),
                            f"{text(source.get('width'))}×{text(source.get('height'))}", analysed])
    span = (f"{text(calibration.get('start_s'))}–{text(calibration.get('end_s'))} s"
            if calibration.get("start_s") is not None else None)
    view_text = text(view.get("view", "unknown")) + (f", near side {view['near_side']}"
                                                     if view.get("near_side") else "")
    checked = exercise_label(report) == text(report.get("exercise"))  # else none of ours: no set-up advice
    return Summary(interrupted=report.get("complete") is False, tiles=tuple(tiles),
                   source_path=text(source.get("path")), recording=recording,
                   exercise=exercise_label(report), exercise_detection=_detection_text(report),
                   exercise_note=_optional((report.get("exercise_detection") or {}).get("note")),
                   calibration_ok=bool(calibration.get("ok")),
                   calibration_span=span, calibration_warning=_optional(calibration.get("warning")) if checked else None,
                   view=view_text, view_advice=_optional(view.get("advice")) if checked else None)


def exercise_label(report: Mapping[str, Any]) -> str:
    """The exercise the report checked: its profile, or that it was none of formcheck's."""
    detection = report.get("exercise_detection") or {}
    if detection.get("asked") == "auto" and detection.get("profile") is None and "profile" in detection:
        return "none of formcheck's exercises (nothing checked)"
    return text(report.get("exercise"))


def _detection_text(report: Mapping[str, Any]) -> str | None:
    detection = report.get("exercise_detection")
    if not isinstance(detection, Mapping):
        return None
    found = text(detection.get("profile")) if detection.get("profile") else "none of formcheck's"
    return (f"asked: {text(detection.get('asked'))} · recognised: {found} · confidence "
            f"{number(detection.get('confidence'), 2)}")


def _optional(value: Any) -> str | None:
    return str(value) if value else None


# -- faults and reps -------------------------------------------------------------------------

@dataclass(frozen=True)
class FaultItem:
    """A fault as listed: its code chip, when it happened, a link to its still when there is one."""

    code: str
    colour: str
    message: str
    when: str
    still: str | None


def fault_item(fault: Mapping[str, Any], stills: Mapping[str, bytes] | None) -> FaultItem:
    """``fault`` (from :func:`all_faults`) as listed, linked to its still when ``stills`` has one."""
    key = still_key(fault)
    return FaultItem(text(fault.get("code")), fault_hex(fault.get("code")), text(fault.get("message")),
                     number(fault.get("t_s"), 1, " s"), key if stills and key in stills else None)


def setup_faults(report: Mapping[str, Any], stills: Mapping[str, bytes] | None) -> list[FaultItem]:
    """The start position's faults (no rep)."""
    return [fault_item(dict(f, rep=None), stills) for f in report.get("setup_faults") or []]


@dataclass(frozen=True)
class Cell:
    """A number cell of the reps table; ``approx`` marks the far leg's times, ``over`` a value past
    its threshold."""

    value: str
    approx: bool = False
    over: bool = False


@dataclass(frozen=True)
class RepRow:
    """One row of the reps table; ``far`` marks the leg farther from the camera."""

    index: str
    leg: str
    colour: str
    far: bool
    cells: tuple[Cell, ...]
    faults: tuple[FaultItem, ...]
    set_index: str = DASH


def _past(value: Any, limit: float | None, below: bool = False) -> bool:
    """``value`` is a number past ``limit`` (under it when ``below``)."""
    if limit is None or not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        return False
    return value < limit if below else value >= limit


def rep_rows(report: Mapping[str, Any], stills: Mapping[str, bytes] | None) -> list[RepRow]:
    """One row per rep: its set, times (≈ for the far leg), knee range, heel, lumbar, tilt and its
    faults; a phase under the swinging minimum, a lift or tilt at the arching threshold, ``over``."""
    limits = thresholds(report)
    set_of = {index: str(s.get("index")) for s in report.get("sets") or [] for index in s.get("rep_indices") or []}
    rows = []
    for rep in report.get("reps") or []:
        far = rep.get("camera_side") == "far"
        cells = [Cell(number(rep.get(key), digits, unit), far,
                      key in ("lower_s", "raise_s") and _past(rep.get(key), limits.min_phase_s, below=True))
                 for key, digits, unit in REP_TIME_COLUMNS]
        knee = f"{number(rep.get('knee_angle_min_deg'), 0, '°')}–{number(rep.get('knee_angle_max_deg'), 0, '°')}"
        cells += [Cell(knee),
                  Cell(number(rep.get("heel_height_min_cm"), 1, " cm")),
                  Cell(number(rep.get("lumbar_lift_max_cm"), 1, " cm"),
                       over=_past(rep.get("lumbar_lift_max_cm"), limits.arching_lift_cm)),
                  Cell(number(rep.get("pelvic_tilt_max_deg"), 1, "°"),
                       over=_past(rep.get("pelvic_tilt_max_deg"), limits.arching_tilt_deg))]
        faults = tuple(fault_item(dict(f, rep=rep.get("index")), stills) for f in rep.get("faults") or [])
        leg = str(rep.get("leg", ""))
        rows.append(RepRow(text(rep.get("index")), leg, leg_hex(leg), far, tuple(cells), faults,
                           set_of.get(rep.get("index"), DASH)))
    return rows


# -- plots -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LegendKey:
    """A legend chip: ``kind`` is ``line``, ``band``, ``dash`` or ``shade``."""

    colour: str
    kind: str
    label: str


@dataclass(frozen=True)
class Figure:
    """A plot with its caption and legend."""

    caption: str
    legend: tuple[LegendKey, ...]
    plot: Plot


def figures(report: Mapping[str, Any], series: MeasureSeries) -> list[Figure]:
    """The three plots over time — knee angle, heel height, lumbar lift — with their legends."""
    reps, faults = report.get("reps") or [], all_faults(report)
    try:
        profile = get_profile(report.get("exercise"))
    except (ValueError, KeyError, TypeError):
        profile = None
    band = None
    if profile is not None and profile.knee_target_deg is not None:
        band = (profile.knee_target_deg - profile.knee_tolerance_deg,
                profile.knee_target_deg + profile.knee_tolerance_deg)
    straight = profile.knee_straight_min_deg if profile is not None else None
    knee_line = (straight, f"straight: at least {straight:g}°") if straight is not None else None
    threshold = (profile.arching_lift_cm, f"arching {profile.arching_lift_cm:g} cm") if profile else None
    left, right, arching = leg_hex("left"), leg_hex("right"), hex_colour(FAULT_COLOURS["arching"])
    lumbar = hex_colour(DEFAULT_PALETTE.lumbar)
    knee = plot_geometry(series.t_s, [Line(f"knee {leg}", series.knee_angle_deg(leg), leg_hex(leg))
                                      for leg in ("left", "right")], "knee angle (°)", reps, faults, band=band,
                         threshold=knee_line, title="knee angle over time")
    heel = plot_geometry(series.t_s, [Line(f"heel {leg}", series.heel_height_cm(leg), leg_hex(leg))
                                      for leg in ("left", "right")], "heel height (cm)", reps, faults,
                         title="heel height over time")
    lift = plot_geometry(series.t_s, [Line("lumbar lift", series.lumbar_lift_cm, lumbar)], "lumbar lift (cm)",
                         reps, faults, threshold=threshold, title="lumbar lift over time")
    shades = [LegendKey(left, "shade", "left rep"), LegendKey(right, "shade", "right rep")]
    codes = list(dict.fromkeys(str(f.get("code")) for f in faults if f.get("t_s") is not None))
    markers = [LegendKey(fault_hex(code), "dash", f"{code} (fault)") for code in codes]
    band_key = ([LegendKey(hex_colour(DEFAULT_PALETTE.ok), "band",
                           f"{profile.knee_target_deg:g}° ± {profile.knee_tolerance_deg:g}°")]
                if band and profile else [])
    leg_keys = [LegendKey(left, "line", "left leg"), LegendKey(right, "line", "right leg")]
    lumbar_keys = [LegendKey(lumbar, "line", "lumbar lift"),
                   *([LegendKey(arching, "dash", "arching threshold")] if threshold else [])]
    return [Figure(knee_caption(profile), tuple(leg_keys + band_key + shades + markers), knee),
            Figure("Heel height above the floor", tuple(leg_keys + shades + markers), heel),
            Figure("Lumbar lift above the imprint baseline", tuple(lumbar_keys + shades + markers), lift)]


def knee_caption(profile: ExerciseProfile | None) -> str:
    """What the knee plot asks of this exercise."""
    if profile is None:
        return "Knee angle"
    if profile.knee_target_deg is not None:
        return f"Knee angle — keep it in the band ({profile.knee_target_deg:g}°, tabletop)"
    if profile.knee_straight_min_deg is not None:
        return f"Knee angle — keep both knees straight (at least {profile.knee_straight_min_deg:g}°)"
    return "Knee angle — it straightens as the leg lowers (not judged)"


# -- stills ----------------------------------------------------------------------------------

_STILL_KEY = re.compile(r"(?:rep(\d+)|setup)-(\w+)")


@dataclass(frozen=True)
class Still:
    """A fault moment's JPEG (base64) with its title, colour and, when known, the fault's time and message."""

    key: str
    title: str
    colour: str
    jpeg_base64: str
    when: str | None
    message: str | None


def stills(report: Mapping[str, Any], jpegs: Mapping[str, bytes] | None) -> list[Still]:
    """The stills in the order of their faults' times (stills of unknown faults last)."""
    by_key = {still_key(f): f for f in all_faults(report)}

    def t_s(key: str) -> float:
        value = (by_key.get(key) or {}).get("t_s")
        return float(value) if isinstance(value, (int, float)) else math.inf

    out = []
    for key, jpeg in sorted((jpegs or {}).items(), key=lambda item: t_s(item[0])):
        fault, match = by_key.get(key), _STILL_KEY.fullmatch(key)
        title = (f"{f'Rep {match.group(1)}' if match.group(1) else 'Start position'} · {match.group(2)}"
                 if match else key)
        out.append(Still(key, title, fault_hex(match.group(2)) if match else hex_colour(OTHER_FAULT_COLOUR),
                         base64.b64encode(jpeg).decode("ascii"),
                         number(fault.get("t_s"), 1, " s") if fault else None,
                         text(fault.get("message")) if fault else None))
    return out


def stills_note(report: Mapping[str, Any]) -> str:
    """What the stills section says when it has no stills."""
    if not all_faults(report):
        return "No faults, so no still frames: every rep was clean."
    return "No still frames: none were captured for this report."


def page_context(report: Mapping[str, Any], series: MeasureSeries,
                 jpegs: Mapping[str, bytes] | None = None, name: str = "session",
                 video_href: str | None = None) -> dict[str, Any]:
    """Everything ``templates/report.html.j2`` shows, for ``report`` (a report.json dict);
    ``video_href`` links the annotated video when there is one."""
    totals = report.get("summary", {}) or {}
    return {"name": name, "exercise": exercise_label(report),
            "version": text(report.get("formcheck_version") or ""),
            "schema_version": text(report.get("schema_version")), "colours": css_colours(),
            "summary": summary(report), "advice": [text(a) for a in totals.get("advice") or []],
            "setup_faults": setup_faults(report, jpegs), "warnings": [text(w) for w in report.get("warnings") or []],
            "reps": rep_rows(report, jpegs), "figures": figures(report, series), "stills": stills(report, jpegs),
            "stills_note": stills_note(report), "thresholds": thresholds(report), "sets": set_rows(report),
            "prescription": prescription_text(report), "tempo_chart": tempo_chart(report), "video_href": video_href}
