"""Drawing only: the live / annotated-video overlay for one frame, composed of small pieces.

:class:`~formcheck.render.state.OverlayState` holds everything to draw (already measured and
judged elsewhere); each piece draws one thing of it in place — skeleton, fault banners, the legs
panel, the gauges, the set-up message, the corner — and :class:`Annotator` runs them in that order
on a copy of the frame. Nothing here measures, counts or judges. Sizes scale with the frame
(designed at 480 px, the shorter side), so the overlay reads the same at 640×480 and 1280×720.
Colours are RGB, from :mod:`formcheck.render.palette`.
"""

from __future__ import annotations

from typing import Mapping, Protocol, Sequence

import numpy as np

from formcheck.render.banners import FaultBannerAnnotator
from formcheck.render.draw import Layout, overlay_scale
from formcheck.render.gauges import GaugesAnnotator
from formcheck.render.legs_panel import LegsPanelAnnotator
from formcheck.render.notices import CornerAnnotator, SetupMessageAnnotator
from formcheck.render.palette import DEFAULT_PALETTE, FAULT_COLOURS, RGB, Palette
from formcheck.render.skeleton import SKELETON, SKELETON_JOINTS, SkeletonAnnotator
from formcheck.render.state import OverlayState

__all__ = ["Annotator", "OverlayPiece", "SKELETON", "SKELETON_JOINTS"]


class OverlayPiece(Protocol):
    """One drawable part of the overlay: draws its part of ``state`` onto ``image`` in place."""

    def annotate(self, image: np.ndarray, state: OverlayState, layout: Layout) -> None: ...


class Annotator:
    """Draws an :class:`OverlayState` on a frame: ``annotate(rgb, state) -> rgb`` (a copy) or
    ``draw(image, state)`` (in place).

    ``pieces`` replaces the standard set (drawn in order); the fault banners always define the
    top edge the panels start below.
    """

    def __init__(self, palette: Palette = DEFAULT_PALETTE, fault_colours: Mapping[str, RGB] = FAULT_COLOURS,
                 pieces: Sequence[OverlayPiece] | None = None) -> None:
        self.palette = palette
        self.fault_colours = fault_colours
        self.banners = FaultBannerAnnotator(palette, fault_colours)
        self.pieces: tuple[OverlayPiece, ...] = tuple(pieces) if pieces is not None else (
            SkeletonAnnotator(palette), self.banners, LegsPanelAnnotator(palette, fault_colours),
            GaugesAnnotator(palette, fault_colours), SetupMessageAnnotator(palette), CornerAnnotator(palette))

    def annotate(self, rgb: np.ndarray, state: OverlayState) -> np.ndarray:
        """A new (height, width, 3) uint8 RGB image: ``rgb`` with the overlay drawn on it."""
        _check_image(rgb)
        image = np.ascontiguousarray(rgb.copy())
        self.draw(image, state)
        return image

    def draw(self, image: np.ndarray, state: OverlayState) -> np.ndarray:
        """Draw the overlay on ``image`` itself (C-contiguous (height, width, 3) uint8 RGB, e.g. a
        decoded frame nothing else reads) and return it: :meth:`annotate` without the copy."""
        _check_image(image)
        if not image.flags.c_contiguous or not image.flags.writeable:
            raise ValueError("draw needs a writable C-contiguous image; use annotate for others")
        scale = overlay_scale(image)
        layout = Layout(scale, top_px=self.banners.height_px(image.shape[1], state.faults, scale))
        for piece in self.pieces:
            piece.annotate(image, state, layout)
        return image


def _check_image(rgb: np.ndarray) -> None:
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"rgb must be a (height, width, 3) uint8 image, got {rgb.dtype} {rgb.shape}")
