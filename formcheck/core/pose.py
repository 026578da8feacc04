"""The core per-frame type: one person's pose as numpy arrays, plus its time.

``Pose`` never imports mediapipe; :meth:`Pose.from_mediapipe` duck-types a
PoseLandmarker result so the estimator stays the only importer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from formcheck.core.landmarks import NUM_LANDMARKS


def _nan_array(*shape: int) -> np.ndarray:
    return np.full(shape, np.nan, dtype=np.float64)


@dataclass(frozen=True, eq=False)
class Pose:
    """One tracked person in one frame.

    Attributes:
        t_s: time of the frame in seconds, from the source's own timestamps.
        image_size: (width_px, height_px) of the analysed frame.
        xy_px: (33, 2) image coordinates in pixels, NaN when nobody was found.
        world_m: (33, 3) metric coordinates in metres, hip-centred (MediaPipe world).
        visibility: (33,) MediaPipe visibility scores in [0, 1] (unreliable alone).
        presence: (33,) MediaPipe presence scores in [0, 1].
        mask: (height, width) silhouette of this person in [0, 1] (float32 from the model), or None.
        num_candidates: how many people the model found in the frame.
    """

    t_s: float
    image_size: tuple[int, int]
    xy_px: np.ndarray = field(default_factory=lambda: _nan_array(NUM_LANDMARKS, 2))
    world_m: np.ndarray = field(default_factory=lambda: _nan_array(NUM_LANDMARKS, 3))
    visibility: np.ndarray = field(default_factory=lambda: _nan_array(NUM_LANDMARKS))
    presence: np.ndarray = field(default_factory=lambda: _nan_array(NUM_LANDMARKS))
    mask: np.ndarray | None = None
    num_candidates: int = 0

    def __post_init__(self) -> None:
        expected = {"xy_px": (NUM_LANDMARKS, 2), "world_m": (NUM_LANDMARKS, 3),
                    "visibility": (NUM_LANDMARKS,), "presence": (NUM_LANDMARKS,)}
        for name, shape in expected.items():
            value = getattr(self, name)
            if not isinstance(value, np.ndarray) or value.shape != shape:
                raise ValueError(f"Pose.{name} must be an array of shape {shape}, "
                                 f"got {getattr(value, 'shape', type(value))}")
        width, height = self.image_size
        if self.mask is not None and self.mask.shape != (height, width):
            raise ValueError(f"Pose.mask must have shape {(height, width)}, got {self.mask.shape}")

    @property
    def detected(self) -> bool:
        """True when the person was found in this frame."""
        return bool(np.isfinite(self.xy_px).any())

    @classmethod
    def missing(cls, t_s: float, image_size: tuple[int, int], num_candidates: int = 0) -> Pose:
        """A frame in which the person of interest was not found."""
        return cls(t_s=t_s, image_size=image_size, num_candidates=num_candidates)

    @classmethod
    def from_mediapipe(cls, result: Any, index: int, t_s: float, image_size: tuple[int, int],
                       xy_px: np.ndarray | None = None) -> Pose:
        """Build from candidate ``index`` of a PoseLandmarker result (duck-typed); ``xy_px``
        may pass that candidate's pixel coordinates when the caller has them already."""
        width, height = image_size
        image_landmarks: Sequence[Any] = result.pose_landmarks[index]
        world_landmarks: Sequence[Any] = result.pose_world_landmarks[index]
        if xy_px is None:
            normalised = np.array([(p.x, p.y) for p in image_landmarks], dtype=np.float64)
            xy_px = normalised * np.array([width, height], dtype=np.float64)
        world_m = np.array([(p.x, p.y, p.z) for p in world_landmarks], dtype=np.float64)
        visibility = np.array([_score(p.visibility) for p in image_landmarks])
        presence = np.array([_score(p.presence) for p in image_landmarks])
        mask = None
        masks = getattr(result, "segmentation_masks", None)
        if masks and index < len(masks):
            mask = np.array(masks[index].numpy_view(), dtype=np.float32).reshape(height, width)
        return cls(t_s=t_s, image_size=image_size, xy_px=xy_px, world_m=world_m,
                   visibility=visibility, presence=presence, mask=mask,
                   num_candidates=len(result.pose_landmarks))


def _score(value: float | None) -> float:
    return float("nan") if value is None else float(value)
