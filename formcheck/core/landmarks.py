"""MediaPipe BlazePose landmark indices, the named groups the measures use, and the trunk.

The trunk (mid-shoulder to mid-hip) is the body's own ruler: its length scales image
distances, its direction is the floor line. One implementation here serves every stage.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

NUM_LANDMARKS = 33


class Landmark(IntEnum):
    """MediaPipe BlazePose landmark indices (the person's own left/right)."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


LANDMARK_NAMES: tuple[str, ...] = tuple(m.name.lower() for m in Landmark)
TORSO: tuple[Landmark, ...] = (
    Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP, Landmark.RIGHT_HIP,
)
SHOULDERS: tuple[Landmark, Landmark] = (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)
HIPS: tuple[Landmark, Landmark] = (Landmark.LEFT_HIP, Landmark.RIGHT_HIP)


def midpoint(landmarks: np.ndarray, pair: tuple[int, int]) -> np.ndarray:
    """Mean of two landmarks of (..., 33, D) arrays, NaN-tolerant (one known point is used alone)."""
    points = landmarks[..., list(pair), :]
    both = np.isfinite(points).all(axis=-1)
    with np.errstate(invalid="ignore"):
        total = np.where(both[..., None], points, 0.0).sum(axis=-2)
        count = both.sum(axis=-1)[..., None]
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def trunk_vector(landmarks: np.ndarray) -> np.ndarray:
    """(..., D) mid-hip minus mid-shoulder of (..., 33, D) landmarks (pixels or metres)."""
    return midpoint(landmarks, HIPS) - midpoint(landmarks, SHOULDERS)


def trunk_length(landmarks: np.ndarray) -> np.ndarray:
    """(...,) mid-shoulder to mid-hip distance of (..., 33, D) landmarks (pixels or metres)."""
    return np.linalg.norm(trunk_vector(landmarks), axis=-1)
