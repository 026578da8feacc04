"""The geometry of one report.html plot, as data: a signal over time with reps shaded and faults marked.

:func:`plot_geometry` maps the series and the report's reps and faults to pixel positions in a
fixed viewBox; the ``svg_plot`` macro of ``templates/plot.svg.j2`` draws it. Nothing here writes
markup. Colours are hex strings from :mod:`formcheck.render.palette`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from formcheck.render.palette import DEFAULT_PALETTE, FAULT_COLOURS, fault_colour, hex_colour

PLOT_WIDTH, PLOT_HEIGHT = 960, 240
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 16, 22, 34


@dataclass(frozen=True)
class Line:
    """One signal to plot: ``values`` over the plot's times, drawn in ``colour`` (hex)."""

    label: str
    values: np.ndarray
    colour: str


@dataclass(frozen=True)
class Box:
    """A rectangle in plot pixels."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    """An axis tick at ``at_px`` (x for time, y for values) with its ``label``."""

    at_px: float
    label: str


@dataclass(frozen=True)
class Band:
    """The target range: a faint box between two dashed edges (``edges_px`` are y positions)."""

    box: Box
    edges_px: tuple[float, float]
    colour: str


@dataclass(frozen=True)
class Threshold:
    """A dashed horizontal line at ``y_px`` with a ``label`` at its right end."""

    y_px: float
    label: str
    colour: str


@dataclass(frozen=True)
class RepShade:
    """A rep's time span shaded in its leg's colour, numbered at its start."""

    box: Box
    number: str
    title: str
    colour: str


@dataclass(frozen=True)
class PlotPath:
    """One plotted signal as SVG path data (broken where the values are unknown)."""

    d: str
    label: str
    colour: str


@dataclass(frozen=True)
class FaultMark:
    """A fault at ``x_px``: a dashed vertical line and a triangle above the plot area."""

    x_px: float
    title: str
    colour: str


@dataclass(frozen=True)
class Plot:
    """Everything the ``svg_plot`` macro draws, in pixels of a ``width`` × ``height`` viewBox."""

    title: str
    y_label: str
    width: int
    height: int
    area: Box
    band: Band | None
    reps: tuple[RepShade, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    threshold: Threshold | None
    paths: tuple[PlotPath, ...]
    faults: tuple[FaultMark, ...]


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (steps of 1, 2, 2.5 or 5 × 10^k) covering [low, high] with about ``count`` steps."""
    span = max(high - low, 1e-9)
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    return [first + k * step for k in range(int((high - first) / step + 1e-9) + 1)]


def path_data(t: np.ndarray, values: np.ndarray, x: Callable[[float], float],
              y: Callable[[float], float]) -> str:
    """SVG path data through the finite points, lifting the pen across unknown values."""
    parts: list[str] = []
    pen_down = False
    for ti, vi in zip(t, values):
        if not math.isfinite(vi):
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{x(ti):.1f},{y(vi):.1f}")
        pen_down = True
    return "".join(parts)


def _value_range(lines: Sequence[Line], extras: Sequence[float]) -> tuple[float, float]:
    """The padded value range of every finite value and the band / threshold levels."""
    finite = [line.values[np.isfinite(line.values)] for line in lines]
    pool = np.concatenate([*finite, np.asarray(extras, dtype=float)]) if finite or extras else np.zeros(1)
    low, high = (float(pool.min()), float(pool.max())) if pool.size else (0.0, 1.0)
    pad = max((high - low) * 0.08, 0.5)
    return low - pad, high + pad


def plot_geometry(t_s: np.ndarray, lines: Sequence[Line], y_label: str, reps: Sequence[Mapping[str, Any]],
                  faults: Sequence[Mapping[str, Any]], band: tuple[float, float] | None = None,
                  threshold: tuple[float, str] | None = None, title: str = "") -> Plot:
    """A line plot over time (s) with ``reps`` shaded and ``faults`` (report dicts) marked.

    ``band`` is a (low, high) target range; ``threshold`` a (value, label) horizontal line.
    """
    t = np.asarray(t_s, dtype=float)
    low, high = _value_range(lines, [*(band or ()), *((threshold[0],) if threshold else ())])
    t0 = float(t[0]) if t.size else 0.0
    t1 = float(t[-1]) if t.size and t[-1] > t0 else t0 + 1.0
    area = Box(MARGIN_LEFT, MARGIN_TOP, PLOT_WIDTH - MARGIN_LEFT - MARGIN_RIGHT,
               PLOT_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM)

    def x(value: float) -> float:
        return area.x + (value - t0) / (t1 - t0) * area.width

    def y(value: float) -> float:
        return area.y + (high - value) / (high - low) * area.height

    band_shape = None
    if band is not None:
        band_shape = Band(Box(area.x, y(band[1]), area.width, y(band[0]) - y(band[1])),
                          (y(band[0]), y(band[1])), hex_colour(DEFAULT_PALETTE.ok))
    threshold_line = (Threshold(y(threshold[0]), threshold[1], hex_colour(FAULT_COLOURS["arching"]))
                      if threshold is not None else None)
    return Plot(
        title=title, y_label=y_label, width=PLOT_WIDTH, height=PLOT_HEIGHT, area=area, band=band_shape,
        reps=tuple(_rep_shade(rep, area, x) for rep in reps
                   if rep.get("start_s") is not None and rep.get("end_s") is not None),
        y_ticks=tuple(Tick(y(tick), f"{tick:g}") for tick in nice_ticks(low, high)),
        x_ticks=tuple(Tick(x(tick), f"{tick:g}") for tick in nice_ticks(t0, t1, 10)),
        threshold=threshold_line,
        paths=tuple(PlotPath(path_data(t, line.values, x, y), line.label, line.colour) for line in lines),
        faults=tuple(FaultMark(x(fault["t_s"]), f"{_or_dash(fault.get('code'))} at {fault['t_s']:.1f} s: "
                               f"{_or_dash(fault.get('message'))}", hex_colour(fault_colour(str(fault.get("code")))))
                     for fault in faults if fault.get("t_s") is not None),
    )


def _or_dash(value: Any) -> str:
    return "–" if value is None else str(value)


def _rep_shade(rep: Mapping[str, Any], area: Box, x: Callable[[float], float]) -> RepShade:
    start, end, number = rep["start_s"], rep["end_s"], _or_dash(rep.get("index"))
    return RepShade(Box(x(start), area.y, max(1.0, x(end) - x(start)), area.height), number,
                    f"rep {number} ({_or_dash(rep.get('leg'))}) {start:.1f}–{end:.1f} s",
                    hex_colour(DEFAULT_PALETTE.leg(str(rep.get("leg", "")))))
