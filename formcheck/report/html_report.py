"""``report.html``: the per-rep report for people, as ONE self-contained file.

No network: CSS is inline, plots are inline SVG drawn here from the measurement series,
stills are base64 data URIs. Every text from the report is escaped. Written atomically.
Sections: summary, advice, warnings, reps table, plots (knee angle, heel height, lumbar
lift, with reps shaded and faults marked), stills of the fault moments.
"""

from __future__ import annotations

import base64
import html
import math
import os
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from formcheck.analysis.fault import fault_key
from formcheck.core.series import MeasureSeries
from formcheck.profiles import get_profile
from formcheck.io.atomic import AtomicTextFile

# Colours as data (hex): legs match the overlay (left cyan, right pink); faults match its banners.
LEG_COLOURS: Mapping[str, str] = {"left": "#0891b2", "right": "#db2777", "both": "#475569"}
LUMBAR_COLOUR = "#2563eb"
FAULT_COLOURS: Mapping[str, str] = {"arching": "#dc2626", "swinging": "#f59e0b", "tabletop_lost": "#9333ea"}
OTHER_FAULT_COLOUR = "#64748b"
BAND_COLOUR = "#16a34a"
FAULT_LABELS: Mapping[str, str] = {"arching": "back arching", "swinging": "swinging (too fast)",
                                   "tabletop_lost": "tabletop lost (knee bend)"}

PLOT_WIDTH, PLOT_HEIGHT = 960, 240
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 16, 22, 34


def _e(value: Any) -> str:
    """Escaped text; None as an en dash."""
    return "–" if value is None else html.escape(str(value), quote=True)


def _num(value: Any, digits: int = 1, unit: str = "") -> str:
    """A number for a table cell, or an en dash when unknown."""
    if value is None or not isinstance(value, (int, float)) or not math.isfinite(value):
        return "–"
    return f"{value:.{digits}f}{unit}"


def _fault_colour(code: str) -> str:
    return FAULT_COLOURS.get(code, OTHER_FAULT_COLOUR)


# -- SVG plots ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    """One plotted signal: ``values`` over the plot's times, drawn in ``colour``."""

    label: str
    values: np.ndarray
    colour: str


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]."""
    span = max(high - low, 1e-9)
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    return [first + k * step for k in range(int((high - first) / step + 1e-9) + 1)]


def _path(t: np.ndarray, values: np.ndarray, x: Any, y: Any) -> str:
    """SVG path data, broken where values are unknown."""
    parts: list[str] = []
    pen_down = False
    for ti, vi in zip(t, values):
        if not math.isfinite(vi):
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{x(ti):.1f},{y(vi):.1f}")
        pen_down = True
    return "".join(parts)


def _dashed_hline(y_px: float, plot_w: float, colour: str) -> str:
    """A dashed line across the plot area at ``y_px`` (a target band edge or a threshold)."""
    return (f'<line x1="{MARGIN_LEFT}" x2="{MARGIN_LEFT + plot_w}" y1="{y_px:.1f}" y2="{y_px:.1f}" '
            f'stroke="{colour}" stroke-width="1.5" stroke-dasharray="6 4"/>')


def svg_plot(t_s: np.ndarray, lines: Sequence[Line], y_label: str, reps: Sequence[Mapping[str, Any]],
             faults: Sequence[Mapping[str, Any]], band: tuple[float, float] | None = None,
             threshold: tuple[float, str] | None = None, title: str = "") -> str:
    """An inline SVG line plot over time (s) with reps shaded and fault times marked.

    ``band`` is a (low, high) target range; ``threshold`` a (value, label) horizontal line.
    """
    t = np.asarray(t_s, dtype=float)
    finite = [v[np.isfinite(v)] for v in (line.values for line in lines)]
    extras = [*(band or ()), *((threshold[0],) if threshold else ())]
    pool = np.concatenate([*finite, np.asarray(extras, dtype=float)]) if finite or extras else np.zeros(1)
    low, high = (float(pool.min()), float(pool.max())) if pool.size else (0.0, 1.0)
    pad = max((high - low) * 0.08, 0.5)
    low, high = low - pad, high + pad
    t0 = float(t[0]) if t.size else 0.0
    t1 = float(t[-1]) if t.size and t[-1] > t0 else t0 + 1.0
    plot_w = PLOT_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = PLOT_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

    def x(value: float) -> float:
        return MARGIN_LEFT + (value - t0) / (t1 - t0) * plot_w

    def y(value: float) -> float:
        return MARGIN_TOP + (high - value) / (high - low) * plot_h

    out = [f'<svg class="plot" viewBox="0 0 {PLOT_WIDTH} {PLOT_HEIGHT}" role="img" aria-label="{_e(title)}">']
    out.append(f'<rect x="{MARGIN_LEFT}" y="{MARGIN_TOP}" width="{plot_w}" height="{plot_h}" fill="#ffffff" '
               'stroke="#cbd5e1"/>')
    if band is not None:
        out.append(f'<rect x="{MARGIN_LEFT}" y="{y(band[1]):.1f}" width="{plot_w}" '
                   f'height="{y(band[0]) - y(band[1]):.1f}" fill="{BAND_COLOUR}" fill-opacity="0.04"/>')
        out.extend(_dashed_hline(y(edge), plot_w, BAND_COLOUR) for edge in band)
    for rep in reps:
        start, end = rep.get("start_s"), rep.get("end_s")
        if start is None or end is None:
            continue
        colour = LEG_COLOURS.get(rep.get("leg", ""), "#94a3b8")
        out.append(f'<rect x="{x(start):.1f}" y="{MARGIN_TOP}" width="{max(1.0, x(end) - x(start)):.1f}" '
                   f'height="{plot_h}" fill="{colour}" fill-opacity="0.08"><title>rep {_e(rep.get("index"))} '
                   f'({_e(rep.get("leg"))}) {start:.1f}–{end:.1f} s</title></rect>')
        out.append(f'<text x="{x(start) + 3:.1f}" y="{MARGIN_TOP + 12}" class="replabel" fill="{colour}">'
                   f'{_e(rep.get("index"))}</text>')
    for tick in _nice_ticks(low, high):
        out.append(f'<line x1="{MARGIN_LEFT}" x2="{MARGIN_LEFT + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                   'stroke="#e2e8f0"/>')
        out.append(f'<text x="{MARGIN_LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" class="tick">'
                   f'{tick:g}</text>')
    for tick in _nice_ticks(t0, t1, 10):
        out.append(f'<text x="{x(tick):.1f}" y="{PLOT_HEIGHT - MARGIN_BOTTOM + 16}" text-anchor="middle" '
                   f'class="tick">{tick:g}</text>')
    out.append(f'<text x="{MARGIN_LEFT + plot_w}" y="{PLOT_HEIGHT - 4}" text-anchor="end" class="axis">'
               'time (s)</text>')
    out.append(f'<text x="14" y="{MARGIN_TOP + plot_h / 2:.1f}" text-anchor="middle" class="axis" '
               f'transform="rotate(-90 14 {MARGIN_TOP + plot_h / 2:.1f})">{_e(y_label)}</text>')
    if threshold is not None:
        value, label = threshold
        out.append(_dashed_hline(y(value), plot_w, FAULT_COLOURS["arching"]))
        out.append(f'<text x="{MARGIN_LEFT + plot_w - 4}" y="{y(value) - 5:.1f}" text-anchor="end" class="tick" '
                   f'fill="{FAULT_COLOURS["arching"]}">{_e(label)}</text>')
    for line in lines:
        out.append(f'<path d="{_path(t, line.values, x, y)}" fill="none" stroke="{line.colour}" '
                   f'stroke-width="2" stroke-linejoin="round"><title>{_e(line.label)}</title></path>')
    for fault in faults:
        if fault.get("t_s") is None:
            continue
        colour, fx = _fault_colour(str(fault.get("code"))), x(fault["t_s"])
        out.append(f'<g><title>{_e(fault.get("code"))} at {fault["t_s"]:.1f} s: {_e(fault.get("message"))}'
                   f'</title><line x1="{fx:.1f}" x2="{fx:.1f}" y1="{MARGIN_TOP}" y2="{MARGIN_TOP + plot_h}" '
                   f'stroke="{colour}" stroke-width="1.5" stroke-dasharray="3 3"/>'
                   f'<path d="M{fx - 6:.1f},{MARGIN_TOP - 10} L{fx + 6:.1f},{MARGIN_TOP - 10} L{fx:.1f},'
                   f'{MARGIN_TOP} Z" fill="{colour}"/></g>')
    out.append("</svg>")
    return "".join(out)


def _legend(items: Iterable[tuple[str, str, str]]) -> str:
    """Legend chips: (colour, kind, label) with kind ``line``, ``band``, ``dash`` or ``shade``."""
    spans = []
    for colour, kind, label in items:
        spans.append(f'<span class="key"><i class="{kind}" style="--c:{colour}"></i>{_e(label)}</span>')
    return f'<div class="legend">{"".join(spans)}</div>'


# -- sections ----------------------------------------------------------------------------

def _all_faults(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    faults = [dict(f, rep=rep.get("index")) for rep in report.get("reps", []) for f in rep.get("faults", [])]
    return faults + [dict(f, rep=None) for f in report.get("setup_faults", [])]


def _tile(label: str, value: str, note: str = "", tone: str = "") -> str:
    return (f'<div class="tile {tone}"><div class="label">{_e(label)}</div><div class="value">{value}</div>'
            f'<div class="note">{note}</div></div>')


def _ordinal_suffix(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _summary(report: Mapping[str, Any]) -> str:
    source, summary = report.get("source", {}), report.get("summary", {})
    calibration, view = report.get("calibration", {}) or {}, report.get("view") or {}
    reps = summary.get("reps", {}) or {}
    total = sum(v for v in reps.values() if isinstance(v, int))
    faults = summary.get("faults", {}) or {}
    tiles = [_tile(f"reps · {leg}", _e(count), tone=f"leg-{_e(leg)}") for leg, count in reps.items()]
    clean = summary.get("clean_reps")
    tiles.append(_tile("clean reps", f"{_e(clean)}<small> / {total}</small>",
                       tone="good" if total and clean == total else ""))
    for code, count in faults.items():
        colour = _fault_colour(code) if count else "#94a3b8"  # grey when it did not happen
        tiles.append(f'<div class="tile fault" style="--c:{colour}"><div class="label">'
                     f'{_e(FAULT_LABELS.get(code, code))}</div><div class="value">{_e(count)}</div>'
                     f'<div class="note">{_e(code)}</div></div>')
    calib_ok = bool(calibration.get("ok"))
    calib = (f'<span class="pill {"ok" if calib_ok else "warn"}">{"ok" if calib_ok else "not ok"}</span>'
             + (f' {_e(calibration.get("start_s"))}–{_e(calibration.get("end_s"))} s'
                if calibration.get("start_s") is not None else "")
             + (f'<div class="sub">{_e(calibration.get("warning"))}</div>' if calibration.get("warning") else ""))
    view_text = _e(view.get("view", "unknown")) + (f', near side {_e(view.get("near_side"))}'
                                                   if view.get("near_side") else "")
    if view.get("advice"):
        view_text += f'<div class="sub">{_e(view["advice"])}</div>'
    size = f'{_e(source.get("width"))}×{_e(source.get("height"))}'
    stride = (report.get("analysis") or {}).get("stride", 1)
    analysed = (f'{_e(source.get("frames"))} frames, every {_e(stride)}{_ordinal_suffix(stride)} analysed'
                if isinstance(stride, int) and stride > 1 else f'{_e(source.get("frames"))} frames analysed')
    rows = [("source", f'<code>{_e(source.get("path"))}</code>'),
            ("recording", f'{_num(source.get("duration_s"), 1, " s")} · {_num(source.get("fps"), 2, " fps")} · '
                          f'{size} · {analysed}'),
            ("exercise", _e(report.get("exercise"))),
            ("calibration (imprint)", calib),
            ("camera view", view_text)]
    facts = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    interrupted = ('<p class="alert">The analysis was interrupted: this report covers only the frames '
                   'analysed.</p>' if report.get("complete") is False else "")
    return (f'<section id="summary"><h2>Session summary</h2>{interrupted}<div class="tiles">{"".join(tiles)}'
            f'</div><table class="facts">{facts}</table></section>')


def _list_section(anchor: str, title: str, items: Sequence[Any], empty: str, cls: str) -> str:
    body = ("<ul class=\"{}\">{}</ul>".format(cls, "".join(f"<li>{_e(i)}</li>" for i in items))
            if items else f'<p class="muted">{_e(empty)}</p>')
    return f'<section id="{anchor}"><h2>{_e(title)}</h2>{body}</section>'


def _setup_faults(report: Mapping[str, Any], stills: Mapping[str, bytes] | None = None) -> str:
    faults = report.get("setup_faults") or []
    if not faults:
        return ""
    items = "".join(f'<li><span class="chip" style="--c:{_fault_colour(f.get("code", ""))}">{_e(f.get("code"))}'
                    f'</span> {_e(f.get("message"))} {_when(dict(f, rep=None), stills)}</li>' for f in faults)
    return f'<section id="setup"><h2>Start position</h2><ul class="warnings">{items}</ul></section>'


REP_COLUMNS: tuple[tuple[str, str, int, str], ...] = (
    ("start_s", "start", 2, " s"), ("bottom_s", "bottom", 2, " s"), ("end_s", "end", 2, " s"),
    ("lower_s", "lower", 1, " s"), ("raise_s", "raise", 1, " s"),
)


CLEAN_CELL = '<span class="clean">clean</span>'
FAR_MARK = (' <span class="far" title="farther from the camera: hidden behind the other leg at the start '
            'of each lowering, so its times are approximate">far</span>')


def _still_time(fault: Mapping[str, Any] | None) -> float:
    t_s = fault.get("t_s") if fault else None
    return float(t_s) if isinstance(t_s, (int, float)) else math.inf


def _when(fault: Mapping[str, Any], stills: Mapping[str, bytes] | None) -> str:
    """The fault's time; a link to its still when there is one."""
    when = _num(fault.get("t_s"), 1, " s")
    key = still_key(fault)
    if stills and key in stills:
        return f'<a class="when" href="#still-{_e(key)}" title="see the still frame">{when} ▸ still</a>'
    return f'<span class="when">{when}</span>'


def _reps_table(report: Mapping[str, Any], stills: Mapping[str, bytes] | None = None) -> str:
    reps = report.get("reps") or []
    if not reps:
        return '<section id="reps"><h2>Reps</h2><p class="muted">No reps were counted.</p></section>'
    head = ("<tr><th>#</th><th>leg</th><th>start</th><th>bottom</th><th>end</th><th>lower</th><th>raise</th>"
            "<th>knee min–max</th><th>heel min</th><th>lumbar max</th><th>tilt max</th><th>faults</th></tr>")
    rows = []
    for rep in reps:
        leg = str(rep.get("leg", ""))
        far = rep.get("camera_side") == "far"
        cells = [f'<td class="num">{_e(rep.get("index"))}</td>',
                 f'<td class="leg"><span class="legdot" style="--c:{LEG_COLOURS.get(leg, "#475569")}"></span>{_e(leg)}'
                 + (FAR_MARK if far else "") + "</td>"]
        approx = '<span class="approx" title="approximate">≈</span>' if far else ""
        cells += [f'<td class="num">{approx}{_num(rep.get(key), digits, unit)}</td>' for key, _, digits, unit in REP_COLUMNS]
        cells.append(f'<td class="num">{_num(rep.get("knee_angle_min_deg"), 0, "°")}–'
                     f'{_num(rep.get("knee_angle_max_deg"), 0, "°")}</td>')
        cells.append(f'<td class="num">{_num(rep.get("heel_height_min_cm"), 1, " cm")}</td>')
        cells.append(f'<td class="num">{_num(rep.get("lumbar_lift_max_cm"), 1, " cm")}</td>')
        cells.append(f'<td class="num">{_num(rep.get("pelvic_tilt_max_deg"), 1, "°")}</td>')
        faults = rep.get("faults") or []
        fault_html = "".join(
            f'<div class="fault"><span class="chip" style="--c:{_fault_colour(str(f.get("code")))}">'
            f'{_e(f.get("code"))}</span> {_when(dict(f, rep=rep.get("index")), stills)}'
            f'<div class="msg">{_e(f.get("message"))}</div></div>' for f in faults)
        cells.append(f"<td>{fault_html or CLEAN_CELL}</td>")
        rows.append(f'<tr class="{"has-fault" if faults else ""}">{"".join(cells)}</tr>')
    return (f'<section id="reps"><h2>Reps</h2><table class="reps"><thead>{head}</thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>')


def _plots(report: Mapping[str, Any], series: MeasureSeries) -> str:
    reps, faults = report.get("reps") or [], _all_faults(report)
    try:
        profile = get_profile(report.get("exercise"))
    except (ValueError, KeyError, TypeError):
        profile = None
    band = None
    if profile is not None and profile.knee_target_deg is not None:
        band = (profile.knee_target_deg - profile.knee_tolerance_deg,
                profile.knee_target_deg + profile.knee_tolerance_deg)
    threshold = (profile.arching_lift_cm, f"arching {profile.arching_lift_cm:g} cm") if profile else None
    legs = [("left", "left"), ("right", "right")]
    knee = svg_plot(series.t_s, [Line(f"knee {n}", series.knee_angle_deg(leg), LEG_COLOURS[leg])
                                 for leg, n in legs], "knee angle (°)", reps, faults, band=band,
                    title="knee angle over time")
    heel = svg_plot(series.t_s, [Line(f"heel {n}", series.heel_height_cm(leg), LEG_COLOURS[leg])
                                 for leg, n in legs], "heel height (cm)", reps, faults,
                    title="heel height over time")
    lumbar = svg_plot(series.t_s, [Line("lumbar lift", series.lumbar_lift_cm, LUMBAR_COLOUR)],
                      "lumbar lift (cm)", reps, faults, threshold=threshold, title="lumbar lift over time")
    shades = [(LEG_COLOURS["left"], "shade", "left rep"), (LEG_COLOURS["right"], "shade", "right rep")]
    codes = list(dict.fromkeys(str(f.get("code")) for f in faults if f.get("t_s") is not None))
    markers = [(_fault_colour(code), "dash", f"{code} (fault)") for code in codes]
    band_key = ([(BAND_COLOUR, "band", f"{profile.knee_target_deg:g}° ± {profile.knee_tolerance_deg:g}°")]
                if band and profile else [])
    leg_keys = [(LEG_COLOURS["left"], "line", "left leg"), (LEG_COLOURS["right"], "line", "right leg")]
    lumbar_keys = [(LUMBAR_COLOUR, "line", "lumbar lift"),
                   *([(FAULT_COLOURS["arching"], "dash", "arching threshold")] if threshold else [])]
    figure = '<figure><figcaption>{}</figcaption>{}{}</figure>'
    return ('<section id="plots"><h2>Over time</h2>'
            '<p class="muted">Shaded: reps (numbered). Dashed markers: faults, at the moment they happened '
            '(hover for the message).</p>'
            + figure.format("Knee angle — keep it in the band (tabletop)", _legend(leg_keys + band_key + shades
                                                                                   + markers), knee)
            + figure.format("Heel height above the floor", _legend(leg_keys + shades + markers), heel)
            + figure.format("Lumbar lift above the imprint baseline", _legend(lumbar_keys + shades + markers),
                            lumbar)
            + "</section>")


_STILL_KEY = re.compile(r"(?:rep(\d+)|setup)-(\w+)")


def still_key(fault: Mapping[str, Any]) -> str:
    """The stills key of a fault from :func:`_all_faults` (:func:`~formcheck.analysis.fault.fault_key`)."""
    return fault_key(fault.get("rep"), str(fault.get("code")))


def _stills(report: Mapping[str, Any], stills: Mapping[str, bytes] | None) -> str:
    if not stills:
        return ('<section id="stills"><h2>Fault moments</h2><p class="muted">No still frames: none were '
                'captured for this report.</p></section>')
    by_key = {still_key(f): f for f in _all_faults(report)}
    figures = []
    for key, jpeg in sorted(stills.items(), key=lambda item: _still_time(by_key.get(item[0]))):
        fault = by_key.get(key)
        match = _STILL_KEY.fullmatch(key)
        if match:
            where = f"Rep {match.group(1)}" if match.group(1) else "Start position"
            title = f"{where} · {match.group(2)}"
        else:
            title = key
        colour = _fault_colour(match.group(2)) if match else OTHER_FAULT_COLOUR
        note = (f'<div class="msg">{_num(fault.get("t_s"), 1, " s")} — {_e(fault.get("message"))}</div>'
                if fault else "")
        data = base64.b64encode(jpeg).decode("ascii")
        figures.append(f'<figure class="still" id="still-{_e(key)}" style="--c:{colour}"><img alt="{_e(title)}" '
                       f'src="data:image/jpeg;base64,{data}"><figcaption><strong>{_e(title)}</strong>{note}'
                       f'</figcaption></figure>')
    return f'<section id="stills"><h2>Fault moments</h2><div class="stills">{"".join(figures)}</div></section>'


CSS = """
:root{--ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#f8fafc;--card:#fff;--accent:#0f766e}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,sans-serif}
header{background:#0f172a;color:#f8fafc;padding:22px 32px}
header h1{margin:0;font-size:22px;font-weight:650;letter-spacing:.2px}
header p{margin:4px 0 0;color:#cbd5e1;font-size:14px}
main{max-width:1100px;margin:0 auto;padding:8px 24px 40px}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 22px;margin:18px 0}
h2{font-size:17px;margin:0 0 12px;color:#1e293b}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:10px;margin-bottom:14px}
.tile{border:1px solid var(--line);border-radius:8px;padding:10px 12px;border-top:4px solid #94a3b8}
.tile .label{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.5px}
.tile .value{font-size:26px;font-weight:650}
.tile .value small{font-size:15px;color:var(--muted);font-weight:500}
.tile .note{font-size:12px;color:var(--muted);font-family:ui-monospace,monospace}
.tile.leg-left{border-top-color:#0891b2}.tile.leg-right{border-top-color:#db2777}
.tile.good{border-top-color:#16a34a}.tile.fault{border-top-color:var(--c)}
table{border-collapse:collapse;width:100%}
.facts th{width:200px;text-align:left;color:var(--muted);font-weight:500;padding:5px 8px 5px 0;vertical-align:top}
.facts td{padding:5px 0}
.sub{color:#b45309;font-size:13px}
.pill{display:inline-block;padding:1px 9px;border-radius:99px;font-size:12px;font-weight:600}
.pill.ok{background:#dcfce7;color:#166534}.pill.warn{background:#fef3c7;color:#92400e}
.reps{font-size:13.5px}
.reps th{background:#f1f5f9;text-align:left;padding:7px 8px;border-bottom:1px solid #cbd5e1;white-space:nowrap}
.reps td{padding:7px 8px;border-bottom:1px solid var(--line);vertical-align:top}
.reps td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
.reps td.leg{white-space:nowrap}
.far{font-size:11px;color:var(--muted);border:1px solid var(--line);border-radius:4px;padding:0 4px;cursor:help}
.approx{color:var(--muted);margin-right:1px}
.reps tr.has-fault td:first-child{box-shadow:inset 3px 0 0 #dc2626}
.legdot{display:inline-block;width:9px;height:9px;border-radius:50%;background:var(--c);margin-right:6px}
.chip{display:inline-block;padding:0 7px;border-radius:4px;background:var(--c);color:#fff;font-size:12px;
font-weight:600;font-family:ui-monospace,monospace}
.fault+.fault{margin-top:6px}.when{color:var(--muted);font-size:12px}a.when{color:var(--accent)}
.msg{font-size:12.5px;color:#334155}
.clean{color:#166534;font-weight:600}
ul.advice li{margin:4px 0}ul.warnings li{margin:4px 0;color:#92400e}
.muted{color:var(--muted)}
.alert{background:#fef3c7;border:1px solid #fcd34d;padding:8px 12px;border-radius:6px;color:#92400e}
figure{margin:8px 0 18px}figcaption{font-weight:600;margin-bottom:4px}
svg.plot{width:100%;height:auto;display:block}
svg .tick{font-size:11px;fill:#64748b}svg .axis{font-size:12px;fill:#334155}
svg .replabel{font-size:11px;font-weight:700}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:12.5px;color:#334155;margin-bottom:4px}
.key i{display:inline-block;width:18px;height:10px;margin-right:5px;vertical-align:middle}
.key i.line{height:3px;background:var(--c)}
.key i.band{background:color-mix(in srgb,var(--c) 15%,white);border:1px dashed var(--c)}
.key i.shade{background:color-mix(in srgb,var(--c) 12%,white)}
.key i.dash{height:0;border-top:2px dashed var(--c)}
.stills{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:14px}
.still{margin:0;border:1px solid var(--line);border-top:4px solid var(--c);border-radius:8px;overflow:hidden}
.still img{width:100%;display:block}.still figcaption{padding:8px 10px;font-weight:400}
footer{color:var(--muted);font-size:12px;text-align:center;padding:10px}
@media print{body{background:#fff}section{break-inside:avoid;border:none}}
"""


def render_report_html(report: Mapping[str, Any], series: MeasureSeries,
                       stills: Mapping[str, bytes] | None = None) -> str:
    """The whole report page as one HTML string (no external references)."""
    source, summary = report.get("source", {}) or {}, report.get("summary", {}) or {}
    name = os.path.basename(str(source.get("path", ""))) or "session"
    body = "".join([
        _summary(report),
        _list_section("advice", "Advice", summary.get("advice") or [], "No advice: nothing to change.", "advice"),
        _setup_faults(report, stills),
        _list_section("warnings", "Warnings", report.get("warnings") or [], "No warnings.", "warnings"),
        _reps_table(report, stills),
        _plots(report, series),
        _stills(report, stills),
    ])
    version = _e(report.get("formcheck_version") or "")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            f"<title>formcheck report — {_e(name)}</title><style>{CSS}</style></head><body>"
            f"<header><h1>formcheck report — {_e(report.get('exercise', ''))}</h1>"
            f"<p>{_e(name)}</p></header><main>{body}</main>"
            f"<footer>formcheck {version} · report schema {_e(report.get('schema_version'))}</footer>"
            "</body></html>\n")


def write_report_html(path: str | os.PathLike[str], report: Mapping[str, Any], series: MeasureSeries,
                      stills: Mapping[str, bytes] | None = None) -> None:
    """Write ``report.html`` atomically (a crash never leaves half a page).

    ``stills`` maps keys like ``"rep3-arching"`` to JPEG bytes, embedded as data URIs.
    """
    page = render_report_html(report, series, stills)
    with AtomicTextFile(path) as handle:
        handle.write(page)
