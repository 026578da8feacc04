"""JPEG stills of drawn frames (the fault moments of report.html)."""

from __future__ import annotations

import cv2
import numpy as np

STILL_MAX_WIDTH_PX = 480


STILL_JPEG_QUALITY = 82


def jpeg_still(rgb: np.ndarray, max_width_px: int = STILL_MAX_WIDTH_PX,
               quality: int = STILL_JPEG_QUALITY) -> bytes:
    """``rgb`` as JPEG bytes, scaled down (area-averaged) to at most ``max_width_px`` wide."""
    height, width = rgb.shape[:2]
    if width > max_width_px:
        size = (max_width_px, max(1, round(height * max_width_px / width)))
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("OpenCV could not encode a JPEG still")
    return data.tobytes()
