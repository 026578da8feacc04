"""Hide the other people in a picture so a one-person model can only find the person of interest.

Pure numpy. The one-pose follower (see :mod:`formcheck.pose.estimator`) picks up a person
with its own detector, which takes the most confident person in view, not necessarily the
one formcheck follows. While it picks up, it is shown the frame with every other person's
box filled with the picture's mean colour, except where that box overlaps the person of
interest's own box.
"""

from __future__ import annotations

import numpy as np

# Boxes are the landmarks' extent grown by this share of their longer side on every edge
# (landmarks stop at the joints: the head, hands and feet reach further).
BOX_MARGIN_FRAC = 0.15


def landmark_box_px(xy_px: np.ndarray, size: tuple[int, int],
                    margin_frac: float = BOX_MARGIN_FRAC) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) pixel box of (33, 2) landmarks, grown by ``margin_frac`` and clipped
    to the ``(width_px, height_px)`` picture; None when no landmark is known or nothing is left."""
    finite = xy_px[np.isfinite(xy_px).all(axis=-1)]
    if finite.size == 0:
        return None
    low, high = finite.min(axis=0), finite.max(axis=0)
    grow = margin_frac * float(np.max(high - low))
    width, height = size
    x0, y0 = (int(np.floor(max(v - grow, 0.0))) for v in low)
    x1 = int(np.ceil(min(high[0] + grow, width)))
    y1 = int(np.ceil(min(high[1] + grow, height)))
    if x1 <= x0 or y1 <= y0:
        return None
    return x0, y0, x1, y1


def hide_others(rgb: np.ndarray, others_xy_px: np.ndarray, keep_xy_px: np.ndarray) -> np.ndarray:
    """A copy of (height, width, 3) ``rgb`` with the people of (k, 33, 2) ``others_xy_px``
    painted over, sparing the box of (33, 2) ``keep_xy_px``; ``rgb`` itself when k is 0."""
    if len(others_xy_px) == 0:
        return rgb
    height, width = rgb.shape[:2]
    size = (width, height)
    keep = landmark_box_px(keep_xy_px, size)
    fill = rgb.reshape(-1, rgb.shape[-1])[::97].mean(axis=0).astype(rgb.dtype)
    out = rgb.copy()
    for xy_px in others_xy_px:
        box = landmark_box_px(xy_px, size)
        if box is None:
            continue
        x0, y0, x1, y1 = box
        paint = np.ones((y1 - y0, x1 - x0), dtype=bool)
        if keep is not None:
            kx0, ky0, kx1, ky1 = keep
            rows = (np.arange(y0, y1) >= ky0) & (np.arange(y0, y1) < ky1)
            cols = (np.arange(x0, x1) >= kx0) & (np.arange(x0, x1) < kx1)
            paint &= ~(rows[:, None] & cols[None, :])
        out[y0:y1, x0:x1][paint] = fill
    return out
