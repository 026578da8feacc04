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
    """Colours of everything that is not a fault (RGB).

    The legs are mid-tones that read both on the dark overlay panels and on the white report page.
    ``ok`` is also the knee target band of the report's plot, as it is the band of the overlay's dial.
    """

    left: RGB = (6, 182, 212)     # the person's left leg and limbs: cyan
    right: RGB = (236, 72, 153)   # the person's right leg and limbs: pink
    both: RGB = (129, 140, 248)   # both legs together (straight-leg raises): indigo
    torso: RGB = (236, 236, 236)
    joint: RGB = (255, 255, 255)
    ok: RGB = (34, 197, 94)       # inside the target: green
    bad: RGB = (239, 68, 68)      # outside the target: red
    lumbar: RGB = (37, 99, 235)   # the lumbar lift (report plot): blue
    neutral: RGB = (203, 213, 225)
    text: RGB = (255, 255, 255)
    outline: RGB = (15, 23, 42)
    panel: RGB = (15, 23, 42)
    setup: RGB = (250, 204, 21)   # set-up instructions: yellow frame

    def leg(self, name: str) -> RGB:
        """The colour of leg ``name`` (``left``, ``right``, ``both``); neutral for any other name."""
        return {"left": self.left, "right": self.right, "both": self.both}.get(name, self.neutral)


DEFAULT_PALETTE = Palette()


def fault_colour(code: str, colours: Mapping[str, RGB] = FAULT_COLOURS) -> RGB:
    """The colour of fault ``code``; :data:`OTHER_FAULT_COLOUR` for a code without one."""
    return colours.get(code, OTHER_FAULT_COLOUR)


def hex_colour(rgb: RGB) -> str:
    """``rgb`` as a CSS hex colour (``#rrggbb``)."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)
