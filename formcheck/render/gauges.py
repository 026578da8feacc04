"""The top-right piece of the overlay: a knee dial per leg and the lumbar-lift bar."""

from __future__ import annotations

import math
from typing import Mapping

import cv2
import numpy as np

from formcheck.render.draw import Layout, blend_panel, fill_bar, needle, put_text, stroke, text_size
from formcheck.render.palette import DEFAULT_PALETTE, FAULT_COLOURS, RGB, Palette
from formcheck.render.state import LegState, OverlayState


class GaugesAnnotator:
    """Knee dials (the target band, a needle green inside it, red outside) and the back-lift bar."""

    def __init__(self, palette: Palette = DEFAULT_PALETTE,
                 fault_colours: Mapping[str, RGB] = FAULT_COLOURS) -> None:
        self.palette = palette
        self.arching = fault_colours["arching"]

    def annotate(self, image: np.ndarray, state: OverlayState, layout: Layout) -> None:
        scale = layout.scale
        margin, pad = round(10 * scale), round(8 * scale)
        dial_r = round(30 * scale)
        cell_w = 2 * dial_r + round(36 * scale)
        panel_w = max(cell_w * len(state.legs), round(170 * scale)) + 2 * pad
        panel_h = dial_r + round(46 * scale) + round(40 * scale)
        x0, y0 = image.shape[1] - margin - panel_w, layout.top_px + margin
        blend_panel(image, (x0, y0, x0 + panel_w, y0 + panel_h), self.palette.panel)
        for k, leg in enumerate(state.legs):
            centre = (x0 + pad + k * cell_w + cell_w // 2, y0 + pad + dial_r + round(6 * scale))
            self._knee_dial(image, leg, state, centre, dial_r, scale)
        self._lumbar_bar(image, state, (x0 + pad, y0 + pad + dial_r + round(50 * scale)), panel_w - 2 * pad, scale)

    def _knee_dial(self, image: np.ndarray, leg: LegState, state: OverlayState,
                   centre: tuple[int, int], radius_px: int, scale: float) -> None:
        """Half dial 0°–180° (90° straight up); tolerance band; needle green inside, red outside."""
        palette = self.palette
        cv2.ellipse(image, centre, (radius_px, radius_px), 0, 180, 360, palette.neutral, 1, cv2.LINE_AA)
        target = state.knee_target_deg
        if target is not None:
            low, high = target - state.knee_tolerance_deg, target + state.knee_tolerance_deg
            cv2.ellipse(image, centre, (radius_px, radius_px), 0, 180 + low, 180 + high, palette.ok,
                        max(2, round(4 * scale)), cv2.LINE_AA)
            needle(image, centre, radius_px + round(4 * scale), target, palette.neutral, 1)
        angle = leg.knee_angle_deg
        colour = palette.neutral
        if math.isfinite(angle):
            inside = target is None or abs(angle - target) <= state.knee_tolerance_deg
            colour = palette.ok if inside else palette.bad
            needle(image, centre, radius_px - round(2 * scale), angle, colour, max(2, round(3 * scale)))
        cv2.circle(image, centre, max(2, round(3 * scale)), palette.joint, -1, cv2.LINE_AA)
        value = f"{angle:.0f}°" if math.isfinite(angle) else "--°"
        name = {"left": "L", "right": "R"}.get(leg.name, leg.name[:4])
        label = f"{name} knee {value}"
        size = text_size(label, 0.46 * scale, stroke(scale))
        put_text(image, label, (centre[0] - size[0] // 2, centre[1] + round(24 * scale)), 0.46 * scale,
                 colour if math.isfinite(angle) else palette.text, stroke(scale))

    def _lumbar_bar(self, image: np.ndarray, state: OverlayState, origin: tuple[int, int],
                    width_px: int, scale: float) -> None:
        """Bar from 0 to twice the arching threshold; threshold tick; green below, arching red above."""
        x, y = origin
        lift, limit = state.lumbar_lift_cm, state.arching_lift_cm
        value = f"{lift:.1f}" if math.isfinite(lift) else "--"
        put_text(image, f"back lift {value} / {limit:.1f} cm", (x, y), 0.46 * scale, self.palette.text,
                 stroke(scale))
        bar_h, by = round(10 * scale), y + round(8 * scale)
        full = 2.0 * limit
        fraction = max(0.0, lift) / full if math.isfinite(lift) and full > 0 else 0.0
        colour = self.palette.ok if lift < limit else self.arching
        fill_bar(image, (x, by), width_px, bar_h, fraction, colour, self.palette.neutral)
        tick_x = x + width_px // 2
        cv2.line(image, (tick_x, by - round(3 * scale)), (tick_x, by + bar_h + round(3 * scale)),
                 self.palette.text, max(1, round(2 * scale)))
