"""Person-of-interest tracking on hand-made landmark sets."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.core.landmarks import NUM_LANDMARKS
from formcheck.core.landmarks import Landmark as L
from formcheck.core.landmarks import trunk_length
from formcheck.pose.tracking import MAX_TORSO_CHANGE, PersonTracker, lying_person_score


def person(shoulder_xy: tuple[float, float], hip_xy: tuple[float, float], spread: float = 80.0) -> np.ndarray:
    """A (33, 2) landmark set: all points near the trunk, shoulders and hips where asked."""
    xy = np.zeros((NUM_LANDMARKS, 2))
    centre = (np.array(shoulder_xy) + np.array(hip_xy)) / 2
    xy[:] = centre + np.linspace(-spread, spread, NUM_LANDMARKS)[:, None] * [1.0, 0.2]
    xy[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER]] = shoulder_xy
    xy[[L.LEFT_HIP, L.RIGHT_HIP]] = hip_xy
    return xy


def test_torso_length() -> None:
    assert trunk_length(person((100, 200), (130, 240))) == pytest.approx(50.0)


def test_lying_person_outscores_a_standing_passer_by_of_similar_size() -> None:
    lying = person((100, 300), (250, 300))
    standing = person((500, 100), (500, 250), spread=80.0)
    standing[:, 0] = 500 + (standing[:, 0] - standing[:, 0].mean()) * 0.2
    standing[:, 1] = np.linspace(50, 400, NUM_LANDMARKS)
    scores = lying_person_score(np.stack([standing, lying]))
    assert scores[1] > scores[0]


def test_tracker_keeps_the_first_choice_when_order_swaps() -> None:
    tracker = PersonTracker(forget_after_s=1.0)
    a = person((100, 300), (250, 300), spread=120)
    b = person((600, 300), (700, 300), spread=60)
    assert tracker.update(np.stack([a, b]), 0.0) == 0  # bigger lying person first
    assert tracker.update(np.stack([b + 2, a + 3]), 0.1) == 1  # order swapped: follow a
    assert tracker.update(np.stack([a + 5]), 0.2) == 0


def test_tracker_refuses_a_jump_to_another_person_then_forgets() -> None:
    tracker = PersonTracker(forget_after_s=0.5)
    a = person((100, 300), (250, 300))
    b = person((900, 300), (1050, 300))
    assert tracker.update(a[None], 0.0) == 0
    assert tracker.update(b[None], 0.2) is None  # too far: someone else
    assert tracker.update(np.empty((0, NUM_LANDMARKS, 2)), 0.4) is None  # still remembered at 0.4 s
    assert tracker.update(b[None], 0.45) is None
    assert tracker.update(np.empty((0, NUM_LANDMARKS, 2)), 0.5) is None  # unmatched for 0.5 s: forgotten
    assert tracker.update(b[None], 0.6) == 0  # chosen afresh


def test_tracker_forgets_after_seconds_whatever_the_frame_rate() -> None:
    a = person((100, 300), (250, 300))
    b = person((900, 300), (1050, 300))
    for step_s in (1 / 60, 1 / 15):  # 60 fps, or 30 fps at stride 2: the same time to forget
        tracker = PersonTracker(forget_after_s=1.0)
        assert tracker.update(a[None], 0.0) == 0
        times = np.arange(1, round(1.0 / step_s) + 1) * step_s  # up to 1 s: refused, then forgotten
        assert all(tracker.update(b[None], t) is None for t in times)
        assert tracker.update(b[None], times[-1] + step_s) == 0


def test_accepts_the_same_body_only_and_changes_nothing() -> None:
    tracker = PersonTracker(forget_after_s=1.0)
    a = person((100, 300), (250, 300))  # torso 150 px, centre (175, 300)
    assert not tracker.accepts(a)  # nobody remembered yet
    assert tracker.update(a[None], 0.0) == 0
    assert tracker.accepts(a + [100, 20])  # moved less than a torso length
    assert not tracker.accepts(a + [160, 0])  # moved more: someone else
    shrunk = person((140, 300), (140 + 150 / (MAX_TORSO_CHANGE + 0.2), 300))  # same place, far shorter torso
    assert not tracker.accepts(shrunk)
    grown = person((100, 300), (100 + 150 * (MAX_TORSO_CHANGE - 0.2), 300))
    assert tracker.accepts(grown)
    # accepts() did not move the remembered torso: update still matches against a
    assert tracker.update(np.stack([a + [160, 0], a + [5, 0]]), 0.1) == 1


def test_constructor_names_bad_argument() -> None:
    with pytest.raises(ValueError, match="max_jump_torso_lengths"):
        PersonTracker(forget_after_s=1.0, max_jump_torso_lengths=0)
    with pytest.raises(ValueError, match="forget_after_s"):
        PersonTracker(forget_after_s=-1.0)
