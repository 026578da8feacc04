"""Drawing helpers shared by the overlay pieces: outlined text, word wrap, blended panels, needles.

All sizes are pixels of the image drawn on; colours are RGB. OpenCV 5 draws UTF-8, so ° and —
render as text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.render.palette import DEFAULT_PALETTE, RGB
from formcheck.render.sprites import Sprite, TextSprites

FONT = cv2.FONT_HERSHEY_SIMPLEX

DESIGN_SIDE_PX = 480.0
"""The overlay is designed for a frame whose shorter side is this long; sizes scale from it."""


def overlay_scale(image: np.ndarray) -> float:
    """The drawing scale of ``image``: its shorter side over :data:`DESIGN_SIDE_PX`."""
    return min(image.shape[:2]) / DESIGN_SIDE_PX


def point(xy: np.ndarray) -> tuple[int, int]:
    """An (x, y) array as the nearest integer pixel."""
    return int(round(float(xy[0]))), int(round(float(xy[1])))


def stroke(scale: float, bold: bool = False) -> int:
    """Text stroke thickness (px) at ``scale``."""
    return max(1, round((2.0 if bold else 1.3) * scale))


def text_size(text: str, font: float, thick: int) -> tuple[int, int]:
    """(width_px, height_px) of ``text`` drawn at font scale ``font`` and stroke ``thick``."""
    (w, h), _ = cv2.getTextSize(text, FONT, font, thick)
    return w, h


def wrap(text: str, font: float, thick: int, max_width_px: int) -> list[str]:
    """Greedy word wrap of ``text`` to lines at most ``max_width_px`` wide (a long word stays whole)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_size(f"{lines[-1]} {word}", font, thick)[0] <= max_width_px:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


# Outlined labels are drawn once and blended after (formcheck.render.sprites); shared by every
# Annotator (the live window and the video pass may draw at the same time: the cache locks).
TEXT_SPRITES = TextSprites()


def draw_text(image: np.ndarray, text: str, origin: tuple[int, int], font: float, colour: RGB,
              thick: int, outline: RGB | None = DEFAULT_PALETTE.outline) -> None:
    """:func:`put_text` drawn stroke by stroke (what its sprites are made of)."""
    if outline is not None:  # shifted copies, same weight: a thicker stroke changes the glyph advance
        step = max(1, round(font))
        x, y = origin
        for dx, dy in ((-step, 0), (step, 0), (0, -step), (0, step),
                       (-step, -step), (step, step), (-step, step), (step, -step)):
            cv2.putText(image, text, (x + dx, y + dy), FONT, font, outline, thick, cv2.LINE_AA)
    cv2.putText(image, text, origin, FONT, font, colour, thick, cv2.LINE_AA)


def put_text(image: np.ndarray, text: str, origin: tuple[int, int], font: float, colour: RGB,
             thick: int, outline: RGB | None = DEFAULT_PALETTE.outline) -> None:
    """Text at ``origin`` (left, baseline), with a dark outline so it reads on any background.

    Outlined text is blended from a cached sprite of it (within 2 grey levels of drawing it);
    text without an outline is one ``putText`` and is drawn directly.
    """
    if outline is None:
        cv2.putText(image, text, origin, FONT, font, colour, thick, cv2.LINE_AA)
        return
    sprite = TEXT_SPRITES.get((text, font, colour, thick, outline),
                              lambda: _text_sprite(text, font, colour, thick, outline))
    sprite.blend(image, origin)


def _text_sprite(text: str, font: float, colour: RGB, thick: int, outline: RGB) -> Sprite:
    (width, height), baseline = cv2.getTextSize(text, FONT, font, thick)
    margin = max(1, round(font)) + thick + 3  # the outline's shift, the stroke, anti-aliasing
    return Sprite.drawn(lambda image, at: draw_text(image, text, at, font, colour, thick, outline),
                        (width + 2 * margin, height + baseline + 2 * margin), (margin, margin + height))


# The solid fill blend_panel blends in, by (height, width, colour): the panels keep their size.
_FILLS: dict[tuple[int, int, RGB], np.ndarray] = {}
_MAX_FILLS = 32


def blend_panel(image: np.ndarray, box: tuple[int, int, int, int], colour: RGB, alpha: float = 0.6) -> None:
    """Blend a filled rectangle (x0, y0, x1, y1) of ``colour`` into ``image`` in place (clipped)."""
    height, width = image.shape[:2]
    x0, y0, x1, y1 = max(0, box[0]), max(0, box[1]), min(width, box[2]), min(height, box[3])
    if x1 <= x0 or y1 <= y0:
        return
    region = image[y0:y1, x0:x1]
    key = (y1 - y0, x1 - x0, tuple(colour))
    fill = _FILLS.get(key)
    if fill is None:
        if len(_FILLS) >= _MAX_FILLS:
            _FILLS.clear()
        fill = _FILLS[key] = np.full(region.shape, colour, dtype=np.uint8)
    cv2.addWeighted(fill, alpha, region, 1.0 - alpha, 0.0, dst=region)


def needle(image: np.ndarray, centre: tuple[int, int], length_px: int, angle_deg: float,
           colour: RGB, thick: int) -> None:
    """A line from ``centre``: 0° points left, 90° up, 180° right (a half dial), clamped to 0–180°."""
    theta = math.radians(max(0.0, min(180.0, angle_deg)))
    tip = (round(centre[0] - length_px * math.cos(theta)), round(centre[1] - length_px * math.sin(theta)))
    cv2.line(image, centre, tip, colour, thick, cv2.LINE_AA)


def fill_bar(image: np.ndarray, origin: tuple[int, int], width_px: int, height_px: int, fraction: float,
             colour: RGB, frame: RGB) -> None:
    """A horizontal bar: a ``frame``-coloured outline, filled from the left to ``fraction`` (0–1)."""
    x, y = origin
    cv2.rectangle(image, (x, y), (x + width_px, y + height_px), frame, 1)
    fill = round(width_px * min(1.0, max(0.0, fraction)))
    if fill > 0:
        cv2.rectangle(image, (x, y), (x + fill, y + height_px), colour, -1)


@dataclass(frozen=True)
class Layout:
    """Where the pieces of one frame draw: the size ``scale`` and the top edge below the fault banners."""

    scale: float
    top_px: int = 0


def ink_on(colour: RGB) -> RGB:
    """Dark or white text, whichever reads better on a background of ``colour``."""
    luminance = 0.2126 * colour[0] + 0.7152 * colour[1] + 0.0722 * colour[2]
    return DEFAULT_PALETTE.outline if luminance > 150 else DEFAULT_PALETTE.text
