"""The top-left piece of the overlay: reps counted per leg and a tempo bar for the current phase."""

from __future__ import annotations

from typing import Mapping

import numpy as np

from formcheck.render.draw import Layout, blend_panel, fill_bar, put_text, stroke
from formcheck.render.palette import DEFAULT_PALETTE, FAULT_COLOURS, RGB, Palette
from formcheck.render.state import LegState, OverlayState


class LegsPanelAnnotator:
    """One row per leg: its name in the leg colour, the reps, and the tempo of the phase it is in."""

    def __init__(self, palette: Palette = DEFAULT_PALETTE,
                 fault_colours: Mapping[str, RGB] = FAULT_COLOURS) -> None:
        self.palette = palette
        self.too_fast = fault_colours["swinging"]  # the tempo bar before the target time: swinging's colour

    def annotate(self, image: np.ndarray, state: OverlayState, layout: Layout) -> None:
        scale = layout.scale
        margin, pad = round(10 * scale), round(8 * scale)
        row_h, panel_w = round(52 * scale), round(190 * scale)
        x0, y0 = margin, layout.top_px + margin
        blend_panel(image, (x0, y0, x0 + panel_w, y0 + pad * 2 + row_h * len(state.legs)), self.palette.panel)
        for k, leg in enumerate(state.legs):
            y = y0 + pad + k * row_h
            put_text(image, leg.name.upper(), (x0 + pad, y + round(18 * scale)), 0.55 * scale,
                     self.palette.leg(leg.name), stroke(scale, bold=True))
            reps = f"{leg.reps} reps" if leg.reps != 1 else "1 rep"
            put_text(image, reps, (x0 + round(80 * scale), y + round(18 * scale)), 0.55 * scale,
                     self.palette.text, stroke(scale))
            self._tempo(image, leg, state.tempo_target_s, (x0 + pad, y + round(26 * scale)),
                        panel_w - 2 * pad, scale)

    def _tempo(self, image: np.ndarray, leg: LegState, target_s: float, origin: tuple[int, int],
               width_px: int, scale: float) -> None:
        """A bar filling toward the target phase time: amber before it, green once reached."""
        x, y = origin
        if leg.phase == "idle":
            put_text(image, "tabletop", (x, y + round(16 * scale)), 0.45 * scale, self.palette.neutral,
                     stroke(scale))
            return
        elapsed_s = max(0.0, leg.phase_elapsed_s)
        put_text(image, f"{leg.phase} {elapsed_s:.1f} / {target_s:.0f} s", (x, y + round(12 * scale)),
                 0.45 * scale, self.palette.text, stroke(scale))
        colour = self.palette.ok if elapsed_s >= target_s else self.too_fast
        fraction = elapsed_s / target_s if target_s > 0 else 1.0
        fill_bar(image, (x, y + round(17 * scale)), width_px, round(6 * scale), fraction, colour,
                 self.palette.neutral)
