"""Text pieces of the overlay: the set-up instruction in the middle, fps and latency in the corner."""

from __future__ import annotations

import math

import cv2
import numpy as np

from formcheck.render.draw import Layout, blend_panel, put_text, stroke, text_size, wrap
from formcheck.render.palette import DEFAULT_PALETTE, Palette
from formcheck.render.state import OverlayState


class SetupMessageAnnotator:
    """The set-up instruction ("turn the camera side-on"), wrapped, in a yellow-framed box mid-frame."""

    def __init__(self, palette: Palette = DEFAULT_PALETTE) -> None:
        self.palette = palette

    def annotate(self, image: np.ndarray, state: OverlayState, layout: Layout) -> None:
        if not state.setup_message:
            return
        height, width = image.shape[:2]
        scale = layout.scale
        font, thick = 0.8 * scale, stroke(scale, bold=True)
        lines = wrap(state.setup_message, font, thick, round(width * 0.8))
        line_h, pad = round(30 * scale), round(14 * scale)
        box_w = max(text_size(line, font, thick)[0] for line in lines) + 2 * pad
        box_h = len(lines) * line_h + 2 * pad
        x0, y0 = (width - box_w) // 2, (height - box_h) // 2
        blend_panel(image, (x0, y0, x0 + box_w, y0 + box_h), self.palette.panel, alpha=0.75)
        cv2.rectangle(image, (x0, y0), (x0 + box_w, y0 + box_h), self.palette.setup,
                      max(2, round(3 * scale)), cv2.LINE_AA)
        for k, line in enumerate(lines):
            line_w = text_size(line, font, thick)[0]
            put_text(image, line, ((width - line_w) // 2, y0 + pad + round(22 * scale) + k * line_h),
                     font, self.palette.setup, thick)


class CornerAnnotator:
    """Processing rate and latency, bottom right, when the live loop provides them."""

    def __init__(self, palette: Palette = DEFAULT_PALETTE) -> None:
        self.palette = palette

    def annotate(self, image: np.ndarray, state: OverlayState, layout: Layout) -> None:
        parts = []
        if state.fps is not None and math.isfinite(state.fps):
            parts.append(f"{state.fps:.1f} fps")
        if state.latency_ms is not None and math.isfinite(state.latency_ms):
            parts.append(f"latency {state.latency_ms:.0f} ms")
        if not parts:
            return
        height, width = image.shape[:2]
        scale = layout.scale
        text = "  ".join(parts)
        size = text_size(text, 0.46 * scale, stroke(scale))
        margin = round(8 * scale)
        put_text(image, text, (width - margin - size[0], height - margin), 0.46 * scale,
                 self.palette.text, stroke(scale))
