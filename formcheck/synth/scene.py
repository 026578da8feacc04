"""The room around the mat: walls, floor, furniture, pictures, a plant, a window, and the lights (pure numpy).

Geometry is returned as renderer rows (N, 9) = position, normal, linear RGB (see
:func:`formcheck.synth.render.box`). World frame as everywhere: +x along the mat towards
the feet, +y up, +z the person's right; the floor is y = 0.

A room is described by a plain dict (drawn in :mod:`formcheck.synth.corpus`, stored in the
truth's ``conditions.room``):

* ``floor_rgb``, ``wall_rgb``; ``walls_m`` = [x_head, x_feet, z_left, z_right] wall planes
  (z_left < 0 < z_right);
* ``mat`` = {``rgb``, ``x0``, ``x1``, ``half_width``}; the mat's top is the person's floor;
* ``clutter``: list of items {``kind``, ``wall`` ("left"/"right"/"head"/"feet"), ``at`` (m along the
  wall), ``rgb``, ``size`` (m, kind-specific)}; kinds: sofa, cabinet, table, shelf, picture, plant,
  door, ball, box;
* ``window``: None or {``wall``, ``at``, ``width``, ``height``, ``sill``, ``sky_rgb``} — the sky
  is emissive (self-lit), so a window behind the person backlights the scene.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from formcheck.synth.render import box

RGB = tuple[float, float, float]
WALL_T = 0.06  # wall thickness (m)


def _wall_frame(room: dict[str, Any], wall: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(origin on the wall plane's room side, unit along the wall, unit normal into the room) of a wall."""
    xh, xf, zl, zr = room["walls_m"]
    if wall == "left":
        return np.array([0.0, 0.0, zl]), np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.0, 1.0])
    if wall == "right":
        return np.array([0.0, 0.0, zr]), np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.0, -1.0])
    if wall == "head":
        return np.array([xh, 0.0, 0.0]), np.array([0.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0])
    if wall == "feet":
        return np.array([xf, 0.0, 0.0]), np.array([0.0, 0.0, 1.0]), np.array([-1.0, 0.0, 0.0])
    raise ValueError(f"unknown wall {wall!r}")


def oriented_box(centre: np.ndarray, along: np.ndarray, normal: np.ndarray, size: tuple[float, float, float],
                 rgb: RGB) -> np.ndarray:
    """A box against a wall: ``size`` = (length along the wall, height, depth out of the wall);
    ``centre`` is the middle of its bottom face."""
    length, height, depth = size
    if abs(along[0]) > 0.5:  # along x: depth is along z
        lo = np.array([centre[0] - length / 2, centre[1], centre[2] - depth / 2])
        hi = np.array([centre[0] + length / 2, centre[1] + height, centre[2] + depth / 2])
    else:
        lo = np.array([centre[0] - depth / 2, centre[1], centre[2] - length / 2])
        hi = np.array([centre[0] + depth / 2, centre[1] + height, centre[2] + length / 2])
    return box(lo, hi, rgb)


def sphere(centre: np.ndarray, radius: np.ndarray | float, rgb: RGB, n_lat: int = 7, n_lon: int = 10) -> np.ndarray:
    """A low-poly (ellipsoidal) sphere as renderer rows."""
    r = np.broadcast_to(np.asarray(radius, float), (3,))
    rows = []
    for i in range(n_lat):
        t0, t1 = math.pi * i / n_lat, math.pi * (i + 1) / n_lat
        for j in range(n_lon):
            p0, p1 = 2 * math.pi * j / n_lon, 2 * math.pi * (j + 1) / n_lon
            quad = []
            for t, p in ((t0, p0), (t1, p0), (t1, p1), (t0, p1)):
                n = np.array([math.sin(t) * math.cos(p), math.cos(t), math.sin(t) * math.sin(p)])
                quad.append((centre + r * n, n))
            for a, b, c in ((0, 1, 2), (0, 2, 3)):
                for k in (a, b, c):
                    rows.append((*quad[k][0], *quad[k][1], *rgb))
    return np.asarray(rows, dtype="f4")


def quad(corners: list[np.ndarray], normal: np.ndarray, rgb: RGB) -> np.ndarray:
    """Two triangles of a flat quad (corners in order)."""
    a, b, c, d = corners
    return np.asarray([(*p, *normal, *rgb) for p in (a, b, c, a, c, d)], dtype="f4")


def _shade(rgb: RGB, k: float) -> RGB:
    return (min(1.0, rgb[0] * k), min(1.0, rgb[1] * k), min(1.0, rgb[2] * k))


def clutter_rows(room: dict[str, Any], item: dict[str, Any]) -> tuple[np.ndarray, bool]:
    """Rows of one clutter item and whether it can hide a body (free-standing furniture)."""
    o, along, normal = _wall_frame(room, item["wall"])
    base = o + along * item["at"]
    rgb = tuple(item["rgb"])
    kind = item["kind"]
    size = item.get("size", [1.0, 1.0, 0.5])
    parts = []
    solid = True
    if kind == "sofa":
        length, height, depth = size
        c = base + normal * (depth / 2 + 0.02)
        parts.append(oriented_box(c, along, normal, (length, 0.42, depth), rgb))
        parts.append(oriented_box(base + normal * 0.14, along, normal, (length, height, 0.22), _shade(rgb, 0.9)))
        for s in (-1, 1):
            parts.append(oriented_box(c + along * s * (length / 2 - 0.1), along, normal, (0.2, 0.62, depth), _shade(rgb, 0.95)))
    elif kind in ("cabinet", "box", "shelf"):
        length, height, depth = size
        c = base + normal * (depth / 2 + 0.01)
        parts.append(oriented_box(c, along, normal, (length, height, depth), rgb))
        if kind == "shelf":  # a few coloured 'books'
            rng = np.random.default_rng(int(1000 * item["at"]) & 0xFFFF)
            for level in np.arange(0.35, height - 0.1, 0.38):
                x = -length / 2 + 0.06
                while x < length / 2 - 0.1:
                    w = float(rng.uniform(0.03, 0.07))
                    col = tuple(float(v) for v in rng.uniform(0.1, 0.8, 3))
                    b = c + along * (x + w / 2) + np.array([0.0, level, 0.0]) + normal * (depth / 2 + 0.005)
                    parts.append(oriented_box(b, along, normal, (w, float(rng.uniform(0.2, 0.3)), 0.02), col))
                    x += w + 0.005
    elif kind == "table":
        length, height, depth = size
        c = base + normal * (depth / 2 + 0.05)
        parts.append(oriented_box(c + np.array([0.0, height - 0.04, 0.0]), along, normal, (length, 0.04, depth), rgb))
        side = np.cross(np.array([0.0, 1.0, 0.0]), along)
        for sx in (-1, 1):
            for sz in (-1, 1):
                leg = c + along * sx * (length / 2 - 0.05) + side * sz * (depth / 2 - 0.05)
                parts.append(oriented_box(leg, along, normal, (0.05, height - 0.04, 0.05), _shade(rgb, 0.8)))
    elif kind == "picture":
        solid = False
        w, h, y0 = size
        c = base + np.array([0.0, y0, 0.0]) + normal * 0.015
        parts.append(oriented_box(c, along, normal, (w + 0.06, h + 0.06, 0.02), (0.08, 0.07, 0.06)))
        parts.append(oriented_box(c + np.array([0.0, 0.03, 0.0]) + normal * 0.012, along, normal, (w, h, 0.005), rgb))
        col2 = tuple(item.get("rgb2", _shade(rgb, 0.5)))
        parts.append(oriented_box(c + np.array([0.0, 0.03 + h * 0.3, 0.0]) + normal * 0.016 + along * w * 0.15, along,
                                  normal, (w * 0.4, h * 0.35, 0.004), col2))
    elif kind == "door":
        solid = False
        w, h, _ = size
        parts.append(oriented_box(base + normal * 0.01, along, normal, (w + 0.1, h + 0.05, 0.03), (0.92, 0.92, 0.9)))
        parts.append(oriented_box(base + normal * 0.025, along, normal, (w, h, 0.02), rgb))
        parts.append(sphere(base + normal * 0.06 + along * (w / 2 - 0.08) + np.array([0.0, 1.0, 0.0]), 0.03, (0.7, 0.65, 0.4), 4, 6))
    elif kind == "plant":
        pot_r, height, _ = size
        c = base + normal * (pot_r + 0.08)
        parts.append(oriented_box(c, along, normal, (2 * pot_r, 0.35, 2 * pot_r), (0.55, 0.30, 0.18)))
        rng = np.random.default_rng(int(1000 * item["at"]) & 0xFFFF)
        for _ in range(7):
            off = rng.normal(0.0, 0.12, 3) * np.array([1.0, 0.0, 1.0])
            y = 0.35 + float(rng.uniform(0.15, max(0.2, height - 0.35)))
            green = (float(rng.uniform(0.05, 0.2)), float(rng.uniform(0.3, 0.55)), float(rng.uniform(0.05, 0.2)))
            parts.append(sphere(c + off + np.array([0.0, y, 0.0]), np.array([0.18, 0.25, 0.18]) * rng.uniform(0.7, 1.3), green))
    elif kind == "ball":
        r = size[0]
        parts.append(sphere(base + normal * (r + 0.05) + np.array([0.0, r, 0.0]), r, rgb, 9, 14))
    else:
        raise ValueError(f"unknown clutter kind {kind!r}")
    return np.concatenate(parts), solid


def window_rows(room: dict[str, Any], win: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """(frame rows, emissive sky rows) of a window in a wall."""
    o, along, normal = _wall_frame(room, win["wall"])
    c = o + along * win["at"] + normal * 0.004
    w, h, sill = win["width"], win["height"], win["sill"]
    up = np.array([0.0, 1.0, 0.0])
    p0 = c + up * sill - along * w / 2
    corners = [p0, p0 + along * w, p0 + along * w + up * h, p0 + up * h]
    if np.dot(np.cross(along, up), normal) < 0:
        corners = corners[::-1]
    sky = quad(corners, normal, tuple(win["sky_rgb"]))
    frame = []
    fc = (0.93, 0.93, 0.92)
    fb = c + normal * 0.01
    frame.append(oriented_box(fb + up * (sill - 0.05), along, normal, (w + 0.1, 0.06, 0.04), fc))
    frame.append(oriented_box(fb + up * (sill + h - 0.01), along, normal, (w + 0.1, 0.06, 0.04), fc))
    for s in (-1, 0, 1):
        frame.append(oriented_box(fb + up * sill + along * s * w / 2, along, normal, (0.05, h, 0.04), fc))
    frame.append(oriented_box(fb + up * (sill + h * 0.55), along, normal, (w, 0.04, 0.04), fc))
    return np.concatenate(frame), sky


def room_geometry(room: dict[str, Any], mat_top_m: float, extra_rows: list[np.ndarray] | None = None,
                  extra_occluders: list[np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """(static rows, emissive rows or None, occluder rows) of the whole room."""
    xh, xf, zl, zr = room["walls_m"]
    floor_rgb, wall_rgb = tuple(room["floor_rgb"]), tuple(room["wall_rgb"])
    rows = [box(np.array([xh - 1.0, -0.05, zl - 1.0]), np.array([xf + 1.0, 0.0, zr + 1.0]), floor_rgb)]
    skirt = tuple(room.get("skirting_rgb", (0.95, 0.95, 0.93)))
    for wall in ("left", "right", "head", "feet"):
        o, along, normal = _wall_frame(room, wall)
        if abs(along[0]) > 0.5:
            lo = np.array([xh - 0.5, 0.0, o[2] - normal[2] * WALL_T - 0.0])
            hi = np.array([xf + 0.5, 3.0, o[2]])
        else:
            lo = np.array([o[0] - normal[0] * WALL_T, 0.0, zl - 0.5])
            hi = np.array([o[0], 3.0, zr + 0.5])
        lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
        shade = 1.0 if wall in ("left", "right") else 0.93  # end walls a touch darker
        rows.append(box(lo, hi, _shade(wall_rgb, shade)))
        s_lo, s_hi = lo - np.abs(normal) * 0.015, hi + np.abs(normal) * 0.015
        s_hi[1] = 0.09
        rows.append(box(s_lo, s_hi, skirt))
    ceiling = float(room.get("ceiling_m", 2.7))
    rows.append(box(np.array([xh - 1.0, ceiling, zl - 1.0]), np.array([xf + 1.0, ceiling + 0.05, zr + 1.0]),
                    _shade(wall_rgb, 1.05)))
    mat = room["mat"]
    mat_rows = box(np.array([mat["x0"], 0.0, -mat["half_width"]]), np.array([mat["x1"], mat_top_m, mat["half_width"]]),
                   tuple(mat["rgb"]))
    rows.append(mat_rows)
    occluders = [mat_rows]
    for item in room.get("clutter", []):
        r, solid = clutter_rows(room, item)
        rows.append(r)
        if solid:
            occluders.append(r)
    emissive = None
    if room.get("window"):
        frame, sky = window_rows(room, room["window"])
        rows.append(frame)
        emissive = sky
    for r in extra_rows or []:
        rows.append(r)
    for r in extra_occluders or []:
        occluders.append(r)
    return np.concatenate(rows), emissive, np.concatenate(occluders)


DEFAULT_LIGHTS = {"key_dir": (0.35, -1.0, 0.3), "key_k": 0.70, "fill_k": 0.25, "amb_k": 0.30, "spec_k": 0.12}


def key_direction(azimuth_deg: float, elevation_deg: float) -> tuple[float, float, float]:
    """Unit direction the key light travels, from its azimuth (0 = from the head end, 90 = from the
    person's right side) and elevation above the horizon."""
    az, el = math.radians(azimuth_deg), math.radians(elevation_deg)
    src = np.array([-math.cos(az) * math.cos(el), math.sin(el), math.sin(az) * math.cos(el)])
    return tuple(float(v) for v in -src)
