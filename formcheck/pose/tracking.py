"""Keep the same person of interest across frames when the model finds several people.

Pure numpy; the estimator hands over the candidates' image landmarks and gets back the
index of the one to keep. The first choice favours the biggest person lying down (the
exerciser, not a passer-by standing in the background); after that, the candidate
nearest to the previous torso wins, unless it jumped further than a body size.
"""

from __future__ import annotations

import numpy as np

from formcheck.core.landmarks import TORSO, trunk_length

# A candidate more than this many torso lengths from the last known torso is a new person.
MAX_JUMP_TORSO_LENGTHS = 1.0
# A one-person model's answer whose torso is this many times longer or shorter than the
# last known one is not the same body (see PersonTracker.accepts).
MAX_TORSO_CHANGE = 1.5


def torso_centre_px(xy_px: np.ndarray) -> np.ndarray:
    """(..., 2) mean of the shoulders and hips of (..., 33, 2) landmarks."""
    return np.nanmean(xy_px[..., list(TORSO), :], axis=-2)


def lying_person_score(xy_px: np.ndarray) -> np.ndarray:
    """(k,) preference of each of (k, 33, 2) candidates: bounding-box area × how level the torso is."""
    spans = np.nanmax(xy_px, axis=-2) - np.nanmin(xy_px, axis=-2)
    area = spans[..., 0] * spans[..., 1]
    shoulders = np.nanmean(xy_px[..., list(TORSO[:2]), :], axis=-2)
    hips = np.nanmean(xy_px[..., list(TORSO[2:]), :], axis=-2)
    axis = hips - shoulders
    level = np.abs(axis[..., 0]) / np.maximum(np.linalg.norm(axis, axis=-1), 1e-9)
    return area * (0.25 + level)


class PersonTracker:
    """Chooses, frame by frame, which candidate is the person of interest."""

    def __init__(self, forget_after_s: float, max_jump_torso_lengths: float = MAX_JUMP_TORSO_LENGTHS) -> None:
        if max_jump_torso_lengths <= 0:
            raise ValueError(f"max_jump_torso_lengths must be positive, got {max_jump_torso_lengths}")
        if not forget_after_s >= 0:
            raise ValueError(f"forget_after_s must be >= 0, got {forget_after_s}")
        self.max_jump_torso_lengths = max_jump_torso_lengths
        self.forget_after_s = forget_after_s
        self._centre_px: np.ndarray | None = None
        self._torso_px = 0.0
        self._last_match_s: float | None = None

    @property
    def following(self) -> bool:
        """True while a person of interest is remembered."""
        return self._centre_px is not None

    def reset(self) -> None:
        """Forget the person; the next frame chooses afresh."""
        self._centre_px = None
        self._last_match_s = None

    def accepts(self, xy_px: np.ndarray) -> bool:
        """True when (33, 2) landmarks are the remembered person: within the jump limit and
        with a torso of about the same length (within ``MAX_TORSO_CHANGE`` times). Stricter
        than :meth:`update`: a one-person model that followed the place rather than the
        person (someone else lay down there) first answers with a body half-way between
        the two. False when nobody is remembered. Changes nothing."""
        if self._centre_px is None:
            return False
        distance = float(np.linalg.norm(torso_centre_px(xy_px) - self._centre_px))
        torso_px = float(trunk_length(xy_px))
        remembered_px = max(self._torso_px, 1.0)
        same_size = remembered_px / MAX_TORSO_CHANGE <= torso_px <= remembered_px * MAX_TORSO_CHANGE
        return distance <= self._jump_limit_px() and same_size

    def _jump_limit_px(self) -> float:
        return self.max_jump_torso_lengths * max(self._torso_px, 1.0)

    def update(self, candidates_xy_px: np.ndarray, t_s: float) -> int | None:
        """Index of the person of interest among (k, 33, 2) candidates at time ``t_s``, or None."""
        if candidates_xy_px.shape[0] == 0:
            self._miss(t_s)
            return None
        centres = torso_centre_px(candidates_xy_px)
        if self._centre_px is None:
            chosen = int(np.nanargmax(lying_person_score(candidates_xy_px)))
        else:
            distances = np.linalg.norm(centres - self._centre_px, axis=-1)
            nearest = int(np.nanargmin(distances)) if np.isfinite(distances).any() else 0
            if distances[nearest] > self._jump_limit_px():
                self._miss(t_s)
                return None
            chosen = nearest
        self._centre_px = centres[chosen]
        self._torso_px = float(trunk_length(candidates_xy_px[chosen]))
        self._last_match_s = t_s
        return chosen

    def _miss(self, t_s: float) -> None:
        """No match at ``t_s``: forget the person once unmatched for ``forget_after_s``."""
        if self._last_match_s is not None and t_s - self._last_match_s >= self.forget_after_s:
            self.reset()
