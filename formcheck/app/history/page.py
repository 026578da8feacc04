"""The progress page of a selection of sessions: one section per person and exercise, each point
linking the session's report.html when that file still exists."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence
from urllib.parse import quote

from formcheck.app.history.advice import progression_advice
from formcheck.app.history.query import StoredSession
from formcheck.profiles import PROFILES, get_profile
from formcheck.report.progress_context import ProgressGroup, SessionPoint
from formcheck.report.progress_html import write_progress_html

REPORT_HTML = "report.html"


def report_href(session: StoredSession, page_dir: Path) -> str | None:
    """A link from a page in ``page_dir`` to the session's report.html (relative when it can be,
    percent-encoded), or None when the report is gone."""
    if not session.report_dir:
        return None
    report = Path(session.report_dir) / REPORT_HTML
    if not report.is_file():
        return None
    try:
        relative = os.path.relpath(report, page_dir.resolve())
    except ValueError:  # another drive (Windows)
        return report.resolve().as_uri()
    return quote(Path(relative).as_posix())


def session_point(session: StoredSession, page_dir: Path) -> SessionPoint:
    """A stored session as the page shows it."""
    local = session.filmed_at.astimezone()
    legs = session.legs
    return SessionPoint(
        id=session.id, when=f"{local:%Y-%m-%d %H:%M}", day=local.date(), kind=session.kind,
        source_name=os.path.basename(session.source) or session.source, report_href=report_href(session, page_dir),
        reps=session.reps, clean_reps=session.clean_reps,
        end_range_cm={leg: g.end_range_cm for leg, g in legs.items()},
        end_range_kind={leg: g.end_range_kind for leg, g in legs.items()},
        lower_s=session.lower_s, raise_s=session.raise_s,
        sets=[dict(s.reps) for s in session.sets], faults=dict(session.faults))


def groups(sessions: Sequence[StoredSession], page_dir: Path) -> list[ProgressGroup]:
    """One group per person and exercise (in order of first appearance), with its advice."""
    keyed: dict[tuple[str, str], list[StoredSession]] = {}
    for s in sessions:
        keyed.setdefault((s.person, s.exercise), []).append(s)
    out = []
    for (person, exercise), mine in keyed.items():
        profile = PROFILES.get(exercise) or get_profile()
        out.append(ProgressGroup(person, exercise, profile, [session_point(s, page_dir) for s in mine],
                                 progression_advice(mine, profile)))
    return out


def write_progress_page(path: Path, sessions: Sequence[StoredSession]) -> None:
    """Write the progress page of ``sessions`` to ``path`` (atomically)."""
    people = sorted({s.person for s in sessions})
    title = "formcheck progress — " + (", ".join(people) if people else "no sessions")
    generated = f"{datetime.now(timezone.utc).astimezone():%Y-%m-%d %H:%M}"
    write_progress_html(path, groups(sessions, path.parent), title, generated)
