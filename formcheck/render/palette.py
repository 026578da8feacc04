"""The one palette: every colour that means something, for the overlay (RGB) and report.html (hex).

Legs, faults, in/out of target, the lumbar lift: each has one colour, used by the annotated
video, the live window and the HTML plots alike (the HTML takes :func:`hex_colour` of the same
values). Page chrome (greys, borders) belongs to the HTML stylesheet, not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

RGB = tuple[int, int, int]


# One colour per fault code (report, overlay and HTML plots use the same codes).
FAULT_COLOURS: Mapping[str, RGB] = MappingProxyType({
    "arching": (220, 38, 38),        # red: the back — stop here
    "swinging": (245, 158, 11),      # amber: tempo
    "tabletop_lost": (147, 51, 234),  # violet: the knee bend
})


OTHER_FAULT_COLOUR: RGB = (100, 116, 139)


@dataclass(frozen=True)
class Palette:
    """Colours of everything that is not a fault (RGB)."""

    torso: RGB = (236, 236, 236)
    left: RGB = (0, 200, 255)     # the person's left limbs: cyan
    right: RGB = (255, 110, 199)  # the person's right limbs: pink
    joint: RGB = (255, 255, 255)
    ok: RGB = (34, 197, 94)       # inside the target
    bad: RGB = (239, 68, 68)      # outside the target
    neutral: RGB = (203, 213, 225)
    text: RGB = (255, 255, 255)
    outline: RGB = (15, 23, 42)
    panel: RGB = (15, 23, 42)
    setup: RGB = (250, 204, 21)   # set-up instructions: yellow frame

    def leg(self, name: str) -> RGB:
        """The colour of leg ``name`` (``left``, ``right``, ``both``); neutral for any other name."""
        return getattr(self, name) if name in ("left", "right", "both") and hasattr(self, name) else self.neutral


DEFAULT_PALETTE = Palette()


def fault_colour(code: str, colours: Mapping[str, RGB] = FAULT_COLOURS) -> RGB:
    """The colour of fault ``code``; :data:`OTHER_FAULT_COLOUR` for a code without one."""
    return colours.get(code, OTHER_FAULT_COLOUR)


def hex_colour(rgb: RGB) -> str:
    """``rgb`` as a CSS hex colour (``#rrggbb``)."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)
