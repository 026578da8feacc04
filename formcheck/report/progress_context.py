"""What the progress page shows, as data: one section per person and exercise, with charts over
the sessions (end range per leg, clean share, tempo, sessions a week, reps per set), the
progression advice and a table of the sessions, each linking its report.html when it exists.

The sessions arrive as plain :class:`SessionPoint` values (the history builds them), so this
module knows nothing of the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Mapping, Sequence

from formcheck.profiles import ExerciseProfile
from formcheck.render.palette import DEFAULT_PALETTE, FAULT_COLOURS, hex_colour
from formcheck.report.chart import BarValue, Chart, Guide, LineSeries, category_chart

DASH = "–"


@dataclass(frozen=True)
class SessionPoint:
    """One session as the page shows it; ``sets`` are reps per channel of each set."""

    id: int
    when: str  # local date and time, for people
    day: date  # local date
    kind: str
    source_name: str
    report_href: str | None
    reps: int
    clean_reps: int
    end_range_cm: Mapping[str, float | None] = field(default_factory=dict)
    end_range_kind: Mapping[str, str | None] = field(default_factory=dict)
    lower_s: float | None = None
    raise_s: float | None = None
    sets: Sequence[Mapping[str, int]] = ()
    faults: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ProgressGroup:
    """One person's sessions of one exercise (oldest first) and the advice drawn from them."""

    person: str
    exercise: str
    profile: ExerciseProfile
    sessions: Sequence[SessionPoint]
    advice: Sequence[str] = ()


@dataclass(frozen=True)
class SessionRow:
    """A row of a section's session table."""

    id: str
    when: str
    kind: str
    source_name: str
    href: str | None
    sets: str
    reps_per_set: str
    clean: str
    faults: str
    end_range: str
    tempo: str


@dataclass(frozen=True)
class ChartFigure:
    """A chart with its caption, a line explaining it and its legend ((label, hex colour) pairs)."""

    caption: str
    note: str
    legend: tuple[tuple[str, str], ...]
    chart: Chart


@dataclass(frozen=True)
class Section:
    """One person and exercise: heading, advice, charts with captions, the session table."""

    person: str
    exercise: str
    advice: tuple[str, ...]
    charts: tuple[ChartFigure, ...]
    rows: tuple[SessionRow, ...]


def _leg_hex(leg: str) -> str:
    return hex_colour(DEFAULT_PALETTE.leg(leg))


def _number(value: float | None, digits: int = 1, unit: str = "") -> str:
    return DASH if value is None else f"{value:.{digits}f}{unit}"


def _title(point: SessionPoint, what: str) -> str:
    return f"session {point.id}, {point.when}: {what}" + (" — click for its report" if point.report_href else "")


def _legs(group: ProgressGroup) -> tuple[str, ...]:
    return group.profile.rep_legs


def end_range_chart(group: ProgressGroup, labels: Sequence[str]) -> Chart:
    """Heel height (cm) at the end range per leg: lower is deeper."""
    lines = []
    for leg in _legs(group):
        values = [p.end_range_cm.get(leg) for p in group.sessions]
        titles = [_title(p, f"{leg} end range {_number(v, 1, ' cm')} ({p.end_range_kind.get(leg) or 'no reps'})")
                  for p, v in zip(group.sessions, values)]
        lines.append(LineSeries(f"{leg} leg", _leg_hex(leg), values, titles, [p.report_href for p in group.sessions]))
    return category_chart(labels, "heel height (cm)", lines=lines, title="end range per leg", x_label="session")


def clean_share_chart(group: ProgressGroup, labels: Sequence[str]) -> Chart:
    """Clean reps as a share of all reps (%)."""
    values = [100.0 * p.clean_reps / p.reps if p.reps else None for p in group.sessions]
    titles = [_title(p, f"{p.clean_reps} of {p.reps} reps clean") for p in group.sessions]
    line = LineSeries("clean reps", hex_colour(DEFAULT_PALETTE.ok), values, titles,
                      [p.report_href for p in group.sessions])
    return category_chart(labels, "clean reps (%)", lines=[line],
                          guides=[Guide(100.0, "all clean", hex_colour(DEFAULT_PALETTE.ok))],
                          title="clean share", x_label="session")


def tempo_chart(group: ProgressGroup, labels: Sequence[str]) -> Chart:
    """Mean lowering and raising time (s) against the coached tempo and the swinging minimum."""
    profile = group.profile
    lines = [LineSeries(name, colour, [getattr(p, key) for p in group.sessions],
                        [_title(p, f"{name} {_number(getattr(p, key), 1, ' s')}") for p in group.sessions],
                        [p.report_href for p in group.sessions])
             for name, key, colour in (("down", "lower_s", "#0f766e"), ("up", "raise_s", "#7c3aed"))]
    guides = [Guide(profile.target_lower_s, f"target {profile.target_lower_s:g} s", hex_colour(DEFAULT_PALETTE.ok)),
              Guide(profile.min_lower_s, f"swinging under {profile.min_lower_s:g} s",
                    hex_colour(FAULT_COLOURS["swinging"]))]
    return category_chart(labels, "seconds", lines=lines, guides=guides, title="tempo", x_label="session")


def weeks(days: Sequence[date]) -> list[date]:
    """The Mondays of every week from the first to the last day (empty weeks included)."""
    if not days:
        return []
    first = min(days) - timedelta(days=min(days).weekday())
    last = max(days)
    out = []
    while first <= last:
        out.append(first)
        first += timedelta(days=7)
    return out


def frequency_chart(group: ProgressGroup) -> Chart:
    """Sessions in each week against the prescribed band."""
    profile = group.profile
    mondays = weeks([p.day for p in group.sessions])
    counts = [sum(monday <= p.day < monday + timedelta(days=7) for p in group.sessions) for monday in mondays]
    bars = [[BarValue(float(n), "#0f766e", f"week of {monday:%Y-%m-%d}: {n} session{'s' if n != 1 else ''}")]
            for monday, n in zip(mondays, counts)]
    return category_chart([f"{m:%d %b}" for m in mondays], "sessions", bars=bars,
                          band=(float(profile.sessions_per_week_min), float(profile.sessions_per_week_max)),
                          band_colour=hex_colour(DEFAULT_PALETTE.ok), title="sessions per week",
                          x_label="week of")


def reps_per_set_chart(group: ProgressGroup, labels: Sequence[str]) -> Chart:
    """Each session's sets, reps per leg side by side, against the prescribed band."""
    profile = group.profile
    bars = []
    for p in group.sessions:
        bars.append([BarValue(float(counts.get(leg, 0)), _leg_hex(leg),
                              _title(p, f"set {k}: {leg} {counts.get(leg, 0)} reps"), p.report_href)
                     for k, counts in enumerate(p.sets, start=1) for leg in _legs(group)])
    return category_chart(labels, "reps per leg", bars=bars,
                          band=(float(profile.set_reps_min), float(profile.set_reps_max)),
                          band_colour=hex_colour(DEFAULT_PALETTE.ok), title="reps per set", x_label="session")


def session_row(point: SessionPoint, legs: Sequence[str]) -> SessionRow:
    """A session in the section's table."""
    per_set = "; ".join(" / ".join(f"{leg[0].upper()} {counts.get(leg, 0)}" for leg in legs) if len(legs) > 1
                        else str(counts.get(legs[0], 0)) for counts in point.sets) or DASH
    faults = ", ".join(f"{code} {n}" for code, n in point.faults.items() if n) or "none"
    end_range = " / ".join(f"{leg[0].upper()} {_number(point.end_range_cm.get(leg), 0, ' cm')}" for leg in legs)
    tempo = f"{_number(point.lower_s)} s down, {_number(point.raise_s)} s up"
    return SessionRow(str(point.id), point.when, point.kind, point.source_name, point.report_href,
                      str(len(point.sets)), per_set, f"{point.clean_reps} / {point.reps}", faults, end_range, tempo)


def section(group: ProgressGroup) -> Section:
    """One person and exercise on the page."""
    labels = [f"#{p.id} {p.day:%d %b}" for p in group.sessions]
    profile = group.profile
    legs = tuple((f"{leg} leg", _leg_hex(leg)) for leg in _legs(group))
    band = (("prescribed range", hex_colour(DEFAULT_PALETTE.ok)),)
    charts = (
        ChartFigure("End range per leg", "The heel's height above the floor where the back lifted (or, when it "
                    "never did, the lowest the heel reached): lower is a deeper end range.", legs,
                    end_range_chart(group, labels)),
        ChartFigure("Clean share", "Reps without any fault, as a share of all reps.",
                    (("clean reps", hex_colour(DEFAULT_PALETTE.ok)),), clean_share_chart(group, labels)),
        ChartFigure("Tempo", f"Mean seconds down and up per rep; the coached tempo is {profile.target_lower_s:g} s "
                    f"down and {profile.target_raise_s:g} s up, a phase under {profile.min_lower_s:g} s is swinging.",
                    (("down", "#0f766e"), ("up", "#7c3aed")), tempo_chart(group, labels)),
        ChartFigure("Sessions per week", f"The prescription is {profile.sessions_per_week_min}–"
                    f"{profile.sessions_per_week_max} sessions a week.", (("sessions", "#0f766e"),) + band,
                    frequency_chart(group)),
        ChartFigure("Reps per set", f"Each bar one set of one leg; the prescription is {profile.sets_prescribed} "
                    f"sets of {profile.set_reps_min}–{profile.set_reps_max} slow reps per leg.", legs + band,
                    reps_per_set_chart(group, labels)),
    )
    return Section(group.person, group.exercise, tuple(group.advice), charts,
                   tuple(session_row(p, _legs(group)) for p in group.sessions))


def progress_context(groups: Sequence[ProgressGroup], title: str, generated: str) -> dict[str, object]:
    """Everything ``templates/progress.html.j2`` shows."""
    return {"title": title, "generated": generated, "sections": [section(g) for g in groups],
            "sessions": sum(len(g.sessions) for g in groups)}
