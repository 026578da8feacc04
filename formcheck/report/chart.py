"""The geometry of a chart over categories (reps of a session, sessions of a history), as data.

Each category gets an equal slot along x; a :class:`LineSeries` puts a dot per category (linked
when it has an ``href``) joined by a line, a category's :class:`BarValue` s stand side by side in
its slot. A band (target range) and guides (dashed target lines) sit behind. The ``chart``
macro of ``templates/chart.svg.j2`` draws it; nothing here writes markup.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

from formcheck.report.svg_plot import Box, Tick, nice_ticks

CHART_WIDTH, CHART_HEIGHT = 960, 240
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 132, 16, 40  # guide labels sit in the right margin
MAX_X_LABELS = 14


@dataclass(frozen=True)
class LineSeries:
    """One value per category (None: unknown), drawn as linked dots on a line."""

    label: str
    colour: str
    values: Sequence[float | None]
    titles: Sequence[str] = ()
    hrefs: Sequence[str | None] = ()


@dataclass(frozen=True)
class BarValue:
    """One bar in a category's slot."""

    value: float
    colour: str
    title: str = ""
    href: str | None = None


@dataclass(frozen=True)
class Guide:
    """A dashed horizontal line at ``value`` labelled at its right end."""

    value: float
    label: str
    colour: str


@dataclass(frozen=True)
class Mark:
    """A drawn dot (``r`` > 0) or bar, in pixels; linked when ``href`` is set."""

    x_px: float
    y_px: float
    width_px: float
    height_px: float
    colour: str
    title: str
    href: str | None
    r: float = 0.0


@dataclass(frozen=True)
class Trace:
    """A line through a series' known dots (SVG path data, broken at unknown values)."""

    d: str
    colour: str
    label: str


@dataclass(frozen=True)
class Rule:
    """A guide in pixels."""

    y_px: float
    label: str
    colour: str


@dataclass(frozen=True)
class Chart:
    """Everything the ``chart`` macro draws, in pixels of a ``width`` × ``height`` viewBox."""

    title: str
    y_label: str
    width: int
    height: int
    area: Box
    band: Box | None
    band_colour: str
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    traces: tuple[Trace, ...]
    marks: tuple[Mark, ...]
    rules: tuple[Rule, ...]
    x_label: str = ""
    empty: bool = field(default=False)


def _range(lines: Sequence[LineSeries], bars: Sequence[Sequence[BarValue]], extras: Sequence[float],
           floor: float | None) -> tuple[float, float]:
    pool = [v for line in lines for v in line.values if v is not None and math.isfinite(v)]
    pool += [b.value for group in bars for b in group if math.isfinite(b.value)] + list(extras)
    low, high = (min(pool), max(pool)) if pool else (0.0, 1.0)
    if floor is not None:
        low = min(low, floor)
    pad = max((high - low) * 0.08, 0.5)
    return (low if floor is not None and low == floor else low - pad), high + pad


def category_chart(categories: Sequence[str], y_label: str, *, lines: Sequence[LineSeries] = (),
                   bars: Sequence[Sequence[BarValue]] = (), band: tuple[float, float] | None = None,
                   band_colour: str = "#16a34a", guides: Sequence[Guide] = (), title: str = "",
                   floor: float | None = 0.0, x_label: str = "") -> Chart:
    """A chart with one slot per category (``bars[k]`` are category ``k``'s bars); the value axis
    starts at ``floor`` (None: from the data) and covers the band and the guides."""
    n = max(len(categories), 1)
    area = Box(MARGIN_LEFT, MARGIN_TOP, CHART_WIDTH - MARGIN_LEFT - MARGIN_RIGHT,
               CHART_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM)
    low, high = _range(lines, bars, [*(band or ()), *(g.value for g in guides)], floor)
    slot = area.width / n

    def x(k: float) -> float:
        return area.x + (k + 0.5) * slot

    def y(value: float) -> float:
        return area.y + (high - value) / (high - low) * area.height

    marks: list[Mark] = []
    for k, group in enumerate(bars):
        if not group:
            continue
        width = min(28.0, 0.8 * slot / len(group))
        left = x(k) - width * len(group) / 2
        for j, bar in enumerate(group):
            top, bottom = y(max(bar.value, low)), y(max(low, min(0.0, high)) if floor is not None else low)
            marks.append(Mark(left + j * width, min(top, bottom), max(width - 1.0, 1.0), abs(bottom - top),
                              bar.colour, bar.title, bar.href))
    traces = []
    for line in lines:
        parts, pen = [], False
        for k, value in enumerate(line.values):
            if value is None or not math.isfinite(value):
                pen = False
                continue
            parts.append(f"{'L' if pen else 'M'}{x(k):.1f},{y(value):.1f}")
            pen = True
            title = line.titles[k] if k < len(line.titles) else f"{line.label}: {value:g}"
            href = line.hrefs[k] if k < len(line.hrefs) else None
            marks.append(Mark(x(k), y(value), 0.0, 0.0, line.colour, title, href, r=4.5))
        traces.append(Trace("".join(parts), line.colour, line.label))
    step = max(1, math.ceil(len(categories) / MAX_X_LABELS))
    band_box = Box(area.x, y(band[1]), area.width, y(band[0]) - y(band[1])) if band is not None else None
    return Chart(title=title, y_label=y_label, width=CHART_WIDTH, height=CHART_HEIGHT, area=area, band=band_box,
                 band_colour=band_colour,
                 y_ticks=tuple(Tick(y(t), f"{t:g}") for t in nice_ticks(low, high)),
                 x_ticks=tuple(Tick(x(k), label) for k, label in enumerate(categories) if k % step == 0),
                 traces=tuple(traces), marks=tuple(marks),
                 rules=tuple(Rule(y(g.value), g.label, g.colour) for g in guides), x_label=x_label,
                 empty=not categories)
