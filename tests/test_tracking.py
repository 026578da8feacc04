"""Person-of-interest tracking on hand-made landmark sets."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.core.landmarks import NUM_LANDMARKS
from formcheck.core.landmarks import Landmark as L
from formcheck.pose.tracking import PersonTracker, lying_person_score, torso_length_px


def person(shoulder_xy: tuple[float, float], hip_xy: tuple[float, float], spread: float = 80.0) -> np.ndarray:
    """A (33, 2) landmark set: all points near the trunk, shoulders and hips where asked."""
    xy = np.zeros((NUM_LANDMARKS, 2))
    centre = (np.array(shoulder_xy) + np.array(hip_xy)) / 2
    xy[:] = centre + np.linspace(-spread, spread, NUM_LANDMARKS)[:, None] * [1.0, 0.2]
    xy[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER]] = shoulder_xy
    xy[[L.LEFT_HIP, L.RIGHT_HIP]] = hip_xy
    return xy


def test_torso_length() -> None:
    assert torso_length_px(person((100, 200), (130, 240))) == pytest.approx(50.0)


def test_lying_person_outscores_a_standing_passer_by_of_similar_size() -> None:
    lying = person((100, 300), (250, 300))
    standing = person((500, 100), (500, 250), spread=80.0)
    standing[:, 0] = 500 + (standing[:, 0] - standing[:, 0].mean()) * 0.2
    standing[:, 1] = np.linspace(50, 400, NUM_LANDMARKS)
    scores = lying_person_score(np.stack([standing, lying]))
    assert scores[1] > scores[0]


def test_tracker_keeps_the_first_choice_when_order_swaps() -> None:
    tracker = PersonTracker()
    a = person((100, 300), (250, 300), spread=120)
    b = person((600, 300), (700, 300), spread=60)
    assert tracker.update(np.stack([a, b])) == 0  # bigger lying person first
    assert tracker.update(np.stack([b + 2, a + 3])) == 1  # order swapped: follow a
    assert tracker.update(np.stack([a + 5])) == 0


def test_tracker_refuses_a_jump_to_another_person_then_forgets() -> None:
    tracker = PersonTracker(forget_after_frames=2)
    a = person((100, 300), (250, 300))
    b = person((900, 300), (1050, 300))
    assert tracker.update(a[None]) == 0
    assert tracker.update(b[None]) is None  # too far: someone else
    assert tracker.update(np.empty((0, NUM_LANDMARKS, 2))) is None
    assert tracker.update(b[None]) == 0  # after forgetting, choose afresh


def test_constructor_names_bad_argument() -> None:
    with pytest.raises(ValueError, match="max_jump_torso_lengths"):
        PersonTracker(max_jump_torso_lengths=0)
