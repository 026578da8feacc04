"""The fault-banner piece of the overlay: one full-width band per active fault, stacked from the top."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import cv2
import numpy as np

from formcheck.render.draw import Layout, ink_on, put_text, stroke, text_size, wrap
from formcheck.render.palette import DEFAULT_PALETTE, FAULT_COLOURS, RGB, Palette, fault_colour
from formcheck.render.state import FaultBanner, OverlayState


@dataclass(frozen=True)
class BannerBox:
    """Where and how one banner is drawn (px): its top ``y_px``, height, the tag and wrapped lines."""

    y_px: int
    height_px: int
    colour: RGB
    tag: str
    tag_width_px: int
    lines: tuple[str, ...]


class FaultBannerAnnotator:
    """Draws the fault banners, most important first, the code as a tag and the coach's message wrapped."""

    def __init__(self, palette: Palette = DEFAULT_PALETTE,
                 fault_colours: Mapping[str, RGB] = FAULT_COLOURS) -> None:
        self.palette = palette
        self.fault_colours = fault_colours

    def boxes(self, width_px: int, faults: tuple[FaultBanner, ...], scale: float) -> list[BannerBox]:
        """The stacked banner boxes on a frame ``width_px`` wide (layout only, no drawing)."""
        font, pad, line_h = 0.6 * scale, round(8 * scale), round(22 * scale)
        boxes, y = [], 0
        for fault in faults:
            tag = fault.code.replace("_", " ").upper()
            tag_w = text_size(tag, font, stroke(scale, bold=True))[0] + 2 * pad
            lines = wrap(fault.message, font, stroke(scale), width_px - tag_w - 2 * pad)
            box_h = max(line_h, len(lines) * line_h) + 2 * pad
            boxes.append(BannerBox(y, box_h, fault_colour(fault.code, self.fault_colours), tag, tag_w,
                                   tuple(lines)))
            y += box_h
        return boxes

    def height_px(self, width_px: int, faults: tuple[FaultBanner, ...], scale: float) -> int:
        """The height the banners take at the top of the frame (0 without faults)."""
        boxes = self.boxes(width_px, faults, scale)
        return boxes[-1].y_px + boxes[-1].height_px if boxes else 0

    def annotate(self, image: np.ndarray, state: OverlayState, layout: Layout) -> None:
        width, scale = image.shape[1], layout.scale
        font, pad, line_h = 0.6 * scale, round(8 * scale), round(22 * scale)
        for box in self.boxes(width, state.faults, scale):
            y, ink = box.y_px, ink_on(box.colour)
            cv2.rectangle(image, (0, y), (width - 1, y + box.height_px - 1), box.colour, -1)
            cv2.rectangle(image, (0, y + box.height_px - max(1, round(2 * scale))),
                          (width - 1, y + box.height_px - 1), self.palette.outline, -1)
            baseline = y + pad + round(16 * scale)
            put_text(image, box.tag, (pad, baseline), font, ink, stroke(scale, bold=True), outline=None)
            for k, line in enumerate(box.lines):
                put_text(image, line, (box.tag_width_px, baseline + k * line_h), font, ink, stroke(scale),
                         outline=None)
