"""Drawing only: the live / annotated-video overlay for one frame.

:class:`OverlayState` holds everything to draw (already measured and judged elsewhere);
:meth:`Annotator.annotate` draws it with OpenCV onto a copy of the frame. Nothing here
measures, counts or judges. Sizes scale with the frame (designed at 480 px, the shorter
side), so the overlay reads the same at 640×480 and 1280×720. Colours are RGB.
"""

from __future__ import annotations

import math
from typing import Mapping

import cv2
import numpy as np

from formcheck.core.landmarks import Landmark
from formcheck.core.pose import Pose

from formcheck.render.palette import DEFAULT_PALETTE, FAULT_COLOURS, OTHER_FAULT_COLOUR, RGB, Palette
from formcheck.render.state import FaultBanner, LegState, OverlayState

SIDES: tuple[str, ...] = ("left", "right")


# Skeleton segments: (from, to, side) with side "torso", "left" or "right".
SKELETON: tuple[tuple[Landmark, Landmark, str], ...] = (
    (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, "torso"),
    (Landmark.LEFT_HIP, Landmark.RIGHT_HIP, "torso"),
    (Landmark.LEFT_SHOULDER, Landmark.LEFT_HIP, "torso"),
    (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_HIP, "torso"),
    *((getattr(Landmark, f"{side.upper()}_{a}"), getattr(Landmark, f"{side.upper()}_{b}"), side)
      for side in SIDES
      for a, b in (("SHOULDER", "ELBOW"), ("ELBOW", "WRIST"), ("HIP", "KNEE"), ("KNEE", "ANKLE"),
                   ("ANKLE", "HEEL"), ("HEEL", "FOOT_INDEX"), ("ANKLE", "FOOT_INDEX"))),
)


SKELETON_JOINTS: tuple[Landmark, ...] = tuple(sorted({j for a, b, _ in SKELETON for j in (a, b)}))


_FONT = cv2.FONT_HERSHEY_SIMPLEX


_DESIGN_SIDE_PX = 480.0


class Annotator:
    """Draws an :class:`OverlayState` on a frame: ``annotate(rgb, state) -> rgb``."""

    def __init__(self, palette: Palette = DEFAULT_PALETTE,
                 fault_colours: Mapping[str, RGB] = FAULT_COLOURS) -> None:
        self.palette = palette
        self.fault_colours = fault_colours

    def annotate(self, rgb: np.ndarray, state: OverlayState) -> np.ndarray:
        """A new (height, width, 3) uint8 RGB image: ``rgb`` with the overlay drawn on it."""
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError(f"rgb must be a (height, width, 3) uint8 image, got {rgb.dtype} {rgb.shape}")
        image = np.ascontiguousarray(rgb.copy())
        scale = min(image.shape[:2]) / _DESIGN_SIDE_PX
        if state.pose is not None and state.pose.detected:
            self._skeleton(image, state.pose, scale)
        top = self._banners(image, state.faults, scale)
        self._legs_panel(image, state, scale, top)
        self._gauges_panel(image, state, scale, top)
        if state.setup_message:
            self._setup(image, state.setup_message, scale)
        self._corner(image, state, scale)
        return image

    # -- skeleton ---------------------------------------------------------------------

    def _skeleton(self, image: np.ndarray, pose: Pose, scale: float) -> None:
        height, width = image.shape[:2]
        factor = np.array([width / pose.image_size[0], height / pose.image_size[1]])
        xy = pose.xy_px * factor
        thickness = max(2, round(3 * scale))
        for a, b, side in SKELETON:
            if np.isfinite(xy[a]).all() and np.isfinite(xy[b]).all():
                colour = getattr(self.palette, side)
                cv2.line(image, _pt(xy[a]), _pt(xy[b]), colour, thickness, cv2.LINE_AA)
        radius = max(3, round(4 * scale))
        for joint in SKELETON_JOINTS:
            if np.isfinite(xy[joint]).all():
                cv2.circle(image, _pt(xy[joint]), radius + 1, self.palette.outline, -1, cv2.LINE_AA)
                cv2.circle(image, _pt(xy[joint]), radius, self.palette.joint, -1, cv2.LINE_AA)

    # -- fault banners (top, full width) -----------------------------------------------

    def _banners(self, image: np.ndarray, faults: tuple[FaultBanner, ...], scale: float) -> int:
        """Draw the banners stacked from the top; returns the y below them (px)."""
        width = image.shape[1]
        y = 0
        font = 0.6 * scale
        pad = round(8 * scale)
        for fault in faults:
            colour = self.fault_colours.get(fault.code, OTHER_FAULT_COLOUR)
            ink = _ink_on(colour)
            tag = fault.code.replace("_", " ").upper()
            tag_w = _text_size(tag, font, _thick(scale, bold=True))[0] + 2 * pad
            lines = _wrap(fault.message, font, _thick(scale), width - tag_w - 2 * pad)
            line_h = round(22 * scale)
            box_h = max(line_h, len(lines) * line_h) + 2 * pad
            cv2.rectangle(image, (0, y), (width - 1, y + box_h - 1), colour, -1)
            cv2.rectangle(image, (0, y + box_h - max(1, round(2 * scale))), (width - 1, y + box_h - 1),
                          self.palette.outline, -1)
            baseline = y + pad + round(16 * scale)
            _text(image, tag, (pad, baseline), font, ink, _thick(scale, bold=True), outline=None)
            for k, line in enumerate(lines):
                _text(image, line, (tag_w, baseline + k * line_h), font, ink, _thick(scale), outline=None)
            y += box_h
        return y

    # -- left panel: reps and tempo per leg ---------------------------------------------

    def _legs_panel(self, image: np.ndarray, state: OverlayState, scale: float, top: int) -> None:
        margin, pad = round(10 * scale), round(8 * scale)
        row_h = round(52 * scale)
        panel_w = round(190 * scale)
        x0, y0 = margin, top + margin
        _panel(image, (x0, y0, x0 + panel_w, y0 + pad * 2 + row_h * len(state.legs)), self.palette.panel)
        for k, leg in enumerate(state.legs):
            y = y0 + pad + k * row_h
            colour = getattr(self.palette, leg.name, self.palette.neutral)
            _text(image, leg.name.upper(), (x0 + pad, y + round(18 * scale)), 0.55 * scale, colour,
                  _thick(scale, bold=True))
            reps = f"{leg.reps} reps" if leg.reps != 1 else "1 rep"
            _text(image, reps, (x0 + round(80 * scale), y + round(18 * scale)), 0.55 * scale,
                  self.palette.text, _thick(scale))
            self._tempo(image, leg, state.tempo_target_s, (x0 + pad, y + round(26 * scale)),
                        panel_w - 2 * pad, scale)

    def _tempo(self, image: np.ndarray, leg: LegState, target_s: float, origin: tuple[int, int],
               width: int, scale: float) -> None:
        """A bar filling toward the target phase time: amber before it, green once reached."""
        x, y = origin
        if leg.phase == "idle":
            _text(image, "tabletop", (x, y + round(16 * scale)), 0.45 * scale, self.palette.neutral,
                  _thick(scale))
            return
        elapsed = max(0.0, leg.phase_elapsed_s)
        label = f"{leg.phase} {elapsed:.1f} / {target_s:.0f} s"
        reached = elapsed >= target_s
        colour = self.palette.ok if reached else FAULT_COLOURS["swinging"]
        bar_h = round(6 * scale)
        _text(image, label, (x, y + round(12 * scale)), 0.45 * scale, self.palette.text, _thick(scale))
        by = y + round(17 * scale)
        cv2.rectangle(image, (x, by), (x + width, by + bar_h), self.palette.neutral, 1)
        fill = round(width * min(1.0, elapsed / target_s)) if target_s > 0 else width
        if fill > 0:
            cv2.rectangle(image, (x, by), (x + fill, by + bar_h), colour, -1)

    # -- right panel: knee gauges and lumbar bar ----------------------------------------

    def _gauges_panel(self, image: np.ndarray, state: OverlayState, scale: float, top: int) -> None:
        width = image.shape[1]
        margin, pad = round(10 * scale), round(8 * scale)
        dial_r = round(30 * scale)
        cell_w = 2 * dial_r + round(36 * scale)
        panel_w = max(cell_w * len(state.legs), round(170 * scale)) + 2 * pad
        panel_h = dial_r + round(46 * scale) + round(40 * scale)
        x0, y0 = width - margin - panel_w, top + margin
        _panel(image, (x0, y0, x0 + panel_w, y0 + panel_h), self.palette.panel)
        for k, leg in enumerate(state.legs):
            centre = (x0 + pad + k * cell_w + cell_w // 2, y0 + pad + dial_r + round(6 * scale))
            self._knee_dial(image, leg, state, centre, dial_r, scale)
        bar_y = y0 + pad + dial_r + round(50 * scale)
        self._lumbar_bar(image, state, (x0 + pad, bar_y), panel_w - 2 * pad, scale)

    def _knee_dial(self, image: np.ndarray, leg: LegState, state: OverlayState,
                   centre: tuple[int, int], radius: int, scale: float) -> None:
        """Half dial 0°–180° (90° straight up); tolerance band; needle green inside, red outside."""
        thick = max(2, round(4 * scale))
        cv2.ellipse(image, centre, (radius, radius), 0, 180, 360, self.palette.neutral, 1, cv2.LINE_AA)
        target = state.knee_target_deg
        if target is not None:
            low, high = target - state.knee_tolerance_deg, target + state.knee_tolerance_deg
            cv2.ellipse(image, centre, (radius, radius), 0, 180 + low, 180 + high, self.palette.ok,
                        thick, cv2.LINE_AA)
            _needle(image, centre, radius + round(4 * scale), target, self.palette.neutral, 1)
        angle = leg.knee_angle_deg
        colour = self.palette.neutral
        if math.isfinite(angle):
            inside = target is None or abs(angle - target) <= state.knee_tolerance_deg
            colour = self.palette.ok if inside else self.palette.bad
            _needle(image, centre, radius - round(2 * scale), angle, colour, max(2, round(3 * scale)))
        cv2.circle(image, centre, max(2, round(3 * scale)), self.palette.joint, -1, cv2.LINE_AA)
        value = f"{angle:.0f}°" if math.isfinite(angle) else "--°"
        name = {"left": "L", "right": "R"}.get(leg.name, leg.name[:4])
        label = f"{name} knee {value}"
        size = _text_size(label, 0.46 * scale, _thick(scale))
        _text(image, label, (centre[0] - size[0] // 2, centre[1] + round(24 * scale)), 0.46 * scale,
              colour if math.isfinite(angle) else self.palette.text, _thick(scale))

    def _lumbar_bar(self, image: np.ndarray, state: OverlayState, origin: tuple[int, int],
                    width: int, scale: float) -> None:
        """Bar from 0 to twice the arching threshold; threshold tick; green below, red above."""
        x, y = origin
        lift, limit = state.lumbar_lift_cm, state.arching_lift_cm
        value = f"{lift:.1f}" if math.isfinite(lift) else "--"
        _text(image, f"back lift {value} / {limit:.1f} cm", (x, y), 0.46 * scale, self.palette.text,
              _thick(scale))
        bar_h = round(10 * scale)
        by = y + round(8 * scale)
        cv2.rectangle(image, (x, by), (x + width, by + bar_h), self.palette.neutral, 1)
        full = 2.0 * limit
        if math.isfinite(lift) and full > 0:
            fill = round(width * min(1.0, max(0.0, lift) / full))
            colour = self.palette.ok if lift < limit else FAULT_COLOURS["arching"]
            if fill > 0:
                cv2.rectangle(image, (x, by), (x + fill, by + bar_h), colour, -1)
        tick_x = x + width // 2
        cv2.line(image, (tick_x, by - round(3 * scale)), (tick_x, by + bar_h + round(3 * scale)),
                 self.palette.text, max(1, round(2 * scale)))

    # -- set-up message and corner ------------------------------------------------------

    def _setup(self, image: np.ndarray, message: str, scale: float) -> None:
        height, width = image.shape[:2]
        font, thick = 0.8 * scale, _thick(scale, bold=True)
        lines = _wrap(message, font, thick, round(width * 0.8))
        line_h = round(30 * scale)
        pad = round(14 * scale)
        box_w = max(_text_size(line, font, thick)[0] for line in lines) + 2 * pad
        box_h = len(lines) * line_h + 2 * pad
        x0, y0 = (width - box_w) // 2, (height - box_h) // 2
        _panel(image, (x0, y0, x0 + box_w, y0 + box_h), self.palette.panel, alpha=0.75)
        cv2.rectangle(image, (x0, y0), (x0 + box_w, y0 + box_h), self.palette.setup,
                      max(2, round(3 * scale)), cv2.LINE_AA)
        for k, line in enumerate(lines):
            line_w = _text_size(line, font, thick)[0]
            _text(image, line, ((width - line_w) // 2, y0 + pad + round(22 * scale) + k * line_h),
                  font, self.palette.setup, thick)

    def _corner(self, image: np.ndarray, state: OverlayState, scale: float) -> None:
        parts = []
        if state.fps is not None and math.isfinite(state.fps):
            parts.append(f"{state.fps:.1f} fps")
        if state.latency_ms is not None and math.isfinite(state.latency_ms):
            parts.append(f"latency {state.latency_ms:.0f} ms")
        if not parts:
            return
        height, width = image.shape[:2]
        text = "  ".join(parts)
        size = _text_size(text, 0.46 * scale, _thick(scale))
        margin = round(8 * scale)
        _text(image, text, (width - margin - size[0], height - margin), 0.46 * scale,
              self.palette.text, _thick(scale))


def _pt(xy: np.ndarray) -> tuple[int, int]:
    return int(round(float(xy[0]))), int(round(float(xy[1])))


def _thick(scale: float, bold: bool = False) -> int:
    return max(1, round((2.0 if bold else 1.3) * scale))


def _text_size(text: str, font: float, thick: int) -> tuple[int, int]:
    """(width_px, height_px) of ``text`` (OpenCV 5 draws UTF-8: ° and — included)."""
    (w, h), _ = cv2.getTextSize(text, _FONT, font, thick)
    return w, h


def _wrap(text: str, font: float, thick: int, max_width: int) -> list[str]:
    """Greedy word wrap to ``max_width`` pixels."""
    lines: list[str] = []
    for word in text.split():
        if lines and _text_size(f"{lines[-1]} {word}", font, thick)[0] <= max_width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _text(image: np.ndarray, text: str, origin: tuple[int, int], font: float, colour: RGB,
          thick: int, outline: RGB | None = DEFAULT_PALETTE.outline) -> None:
    """Text at ``origin`` (left, baseline), with a dark outline so it reads on any background."""
    if outline is not None:  # shifted copies, same weight: a thicker stroke changes the glyph advance
        step = max(1, round(font))
        x, y = origin
        for dx, dy in ((-step, 0), (step, 0), (0, -step), (0, step),
                       (-step, -step), (step, step), (-step, step), (step, -step)):
            cv2.putText(image, text, (x + dx, y + dy), _FONT, font, outline, thick, cv2.LINE_AA)
    cv2.putText(image, text, origin, _FONT, font, colour, thick, cv2.LINE_AA)


def _panel(image: np.ndarray, box: tuple[int, int, int, int], colour: RGB, alpha: float = 0.6) -> None:
    """Blend a filled rectangle (x0, y0, x1, y1) into ``image`` in place."""
    height, width = image.shape[:2]
    x0, y0, x1, y1 = max(0, box[0]), max(0, box[1]), min(width, box[2]), min(height, box[3])
    if x1 <= x0 or y1 <= y0:
        return
    region = image[y0:y1, x0:x1]
    fill = np.empty_like(region)
    fill[:] = colour
    cv2.addWeighted(fill, alpha, region, 1.0 - alpha, 0.0, dst=region)


def _needle(image: np.ndarray, centre: tuple[int, int], length: int, angle_deg: float,
            colour: RGB, thick: int) -> None:
    """A line from ``centre``: 0° points left, 90° up, 180° right (the dial's half circle)."""
    theta = math.radians(max(0.0, min(180.0, angle_deg)))
    tip = (round(centre[0] - length * math.cos(theta)), round(centre[1] - length * math.sin(theta)))
    cv2.line(image, centre, tip, colour, thick, cv2.LINE_AA)


def _ink_on(colour: RGB) -> RGB:
    """Black or white text, whichever reads better on ``colour``."""
    luminance = 0.2126 * colour[0] + 0.7152 * colour[1] + 0.0722 * colour[2]
    return (15, 23, 42) if luminance > 150 else (255, 255, 255)
