"""Progression advice from the history of one person and one exercise: move on after enough
clean sessions at full depth, an end range that got better or worse, and how often they train.
The numbers are the profile's (``progress_after_sessions``, ``end_range_change_cm``,
``sessions_per_week_*``, ``frequency_window_days``)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Sequence

from formcheck.app.history.query import StoredSession
from formcheck.profiles import PROFILES, ExerciseProfile
from formcheck.wording import say


def leg_name(leg: str) -> str:
    """``Left leg``, ``Right leg``, ``Both legs``."""
    return say("advice.leg.both") if leg == "both" else say("advice.leg.one", leg=leg.capitalize())


def end_range_trend(sessions: Sequence[StoredSession], leg: str) -> tuple[float, float] | None:
    """(earlier, latest) mean end range (cm) of ``leg``: the last ``k`` sessions against the ``k``
    before them, ``k`` up to 3 and at most half the sessions with a value; None with fewer than 2."""
    values = [v for s in sessions if leg in s.legs and (v := s.legs[leg].end_range_cm) is not None]
    k = min(3, len(values) // 2)
    if k == 0:
        return None
    latest, earlier = values[-k:], values[-2 * k:-k]
    return sum(earlier) / k, sum(latest) / k


def sessions_per_week(sessions: Sequence[StoredSession], window_days: int, today: date) -> tuple[float, int]:
    """Sessions a week over the last ``window_days`` (or since the first session, at least a week),
    and the days counted."""
    first = min(s.filmed_at.astimezone().date() for s in sessions)
    days = max(7, min(window_days, (today - first).days + 1))
    recent = [s for s in sessions if 0 <= (today - s.filmed_at.astimezone().date()).days < days]
    return len(recent) * 7.0 / days, days


def progression_advice(sessions: Sequence[StoredSession], profile: ExerciseProfile,
                       today: date | None = None) -> list[str]:
    """Advice for one person's sessions of ``profile``'s exercise (oldest first)."""
    if not sessions:
        return []
    today = today or datetime.now(timezone.utc).astimezone().date()
    person, exercise, needed = sessions[-1].person, profile.name, profile.progress_after_sessions
    advice = []
    last = sessions[-needed:]
    if len(last) == needed and all(s.ready_to_progress for s in last):
        nxt = PROFILES.get(profile.next_profile) if profile.next_profile else None
        advice.append(say("progress.next", person=person, count=needed, exercise=exercise, next=nxt.name,
                          description=nxt.description) if nxt is not None else
                      say("progress.top", person=person, count=needed, exercise=exercise))
    else:
        ready = sum(s.ready_to_progress for s in last)
        advice.append(say("progress.not_yet", person=person, ready=ready, count=len(last), exercise=exercise,
                          needed=needed))
    for leg in profile.rep_legs:
        trend = end_range_trend(sessions, leg)
        if trend is None:
            continue
        earlier, latest = trend
        if latest - earlier >= profile.end_range_change_cm:
            advice.append(say("progress.end_range.worse", leg=leg_name(leg), latest=latest, earlier=earlier))
        elif earlier - latest >= profile.end_range_change_cm:
            advice.append(say("progress.end_range.better", leg=leg_name(leg), latest=latest, earlier=earlier))
    per_week, days = sessions_per_week(sessions, profile.frequency_window_days, today)
    values = dict(per_week=per_week, days=days, low=profile.sessions_per_week_min, high=profile.sessions_per_week_max)
    if per_week == 0:
        advice.append(say("progress.frequency.none", **values))
    elif per_week < profile.sessions_per_week_min:
        advice.append(say("progress.frequency.low", **values))
    elif per_week > profile.sessions_per_week_max:
        advice.append(say("progress.frequency.high", **values))
    else:
        advice.append(say("progress.frequency.ok", **values))
    return advice
