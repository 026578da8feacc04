"""The skeleton piece of the overlay: limbs in the leg colours, torso and joints."""

from __future__ import annotations

import cv2
import numpy as np

from formcheck.core.landmarks import Landmark
from formcheck.render.draw import Layout, point
from formcheck.render.palette import DEFAULT_PALETTE, Palette
from formcheck.render.state import OverlayState

SIDES: tuple[str, ...] = ("left", "right")


# Skeleton segments: (from, to, side) with side "torso", "left" or "right".
SKELETON: tuple[tuple[Landmark, Landmark, str], ...] = (
    (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, "torso"),
    (Landmark.LEFT_HIP, Landmark.RIGHT_HIP, "torso"),
    (Landmark.LEFT_SHOULDER, Landmark.LEFT_HIP, "torso"),
    (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_HIP, "torso"),
    *((getattr(Landmark, f"{side.upper()}_{a}"), getattr(Landmark, f"{side.upper()}_{b}"), side)
      for side in SIDES
      for a, b in (("SHOULDER", "ELBOW"), ("ELBOW", "WRIST"), ("HIP", "KNEE"), ("KNEE", "ANKLE"),
                   ("ANKLE", "HEEL"), ("HEEL", "FOOT_INDEX"), ("ANKLE", "FOOT_INDEX"))),
)


SKELETON_JOINTS: tuple[Landmark, ...] = tuple(sorted({j for a, b, _ in SKELETON for j in (a, b)}))


class SkeletonAnnotator:
    """Draws the detected person's skeleton; landmarks are mapped from the pose's image size to the frame's."""

    def __init__(self, palette: Palette = DEFAULT_PALETTE) -> None:
        self.palette = palette

    def annotate(self, image: np.ndarray, state: OverlayState, layout: Layout) -> None:
        pose = state.pose
        if pose is None or not pose.detected:
            return
        height, width = image.shape[:2]
        xy = pose.xy_px * np.array([width / pose.image_size[0], height / pose.image_size[1]])
        known = np.isfinite(xy).all(axis=1).tolist()
        pixels = [point(p) if ok else (0, 0) for p, ok in zip(xy.tolist(), known)]
        thickness = max(2, round(3 * layout.scale))
        for a, b, side in SKELETON:
            if known[a] and known[b]:
                colour = self.palette.torso if side == "torso" else self.palette.leg(side)
                cv2.line(image, pixels[a], pixels[b], colour, thickness, cv2.LINE_AA)
        radius = max(3, round(4 * layout.scale))
        for joint in SKELETON_JOINTS:
            if known[joint]:
                cv2.circle(image, pixels[joint], radius + 1, self.palette.outline, -1, cv2.LINE_AA)
                cv2.circle(image, pixels[joint], radius, self.palette.joint, -1, cv2.LINE_AA)
