"""Appearance: per-vertex colours of the body (skin, top, bottoms, hair) and the room."""

from __future__ import annotations

import numpy as np

from formcheck.synth.body import Body
from formcheck.synth.render import box
from formcheck.synth.spec import ClipSpec

TOP_BONES = ("spine05", "spine04", "spine03", "spine02", "spine01", "clavicle", "shoulder01", "upperarm01", "upperarm02")
BOTTOM_BONES = ("root", "pelvis", "upperleg01", "upperleg02", "lowerleg01", "lowerleg02")


def _bone_ids(body: Body, prefixes: tuple[str, ...]) -> list[int]:
    return [i for i, b in enumerate(body.labels) if b.split(".")[0] in prefixes]


def vertex_colours(body: Body, seed: int = 0) -> np.ndarray:
    """(V, 3) linear RGB per vertex: clothing by dominant bone, a hair cap, dark eyes."""
    spec = body.spec
    rgb = np.tile(np.asarray(spec.skin_rgb, float), (len(body.rest_vertices), 1))
    dom = body.dominant_bone
    v = body.rest_vertices
    top = np.isin(dom, _bone_ids(body, TOP_BONES))
    # short sleeves: the lower half of the upper arm stays bare
    for s in ("L", "R"):
        el = body.head(f"lowerarm01.{s}")
        sh = body.head(f"upperarm01.{s}")
        arm = np.isin(dom, _bone_ids(body, ("upperarm02",))) & (np.sign(v[:, 0]) == (1 if s == "L" else -1))
        t = ((v - sh) @ (el - sh)) / np.dot(el - sh, el - sh)
        top &= ~(arm & (t > 0.55))
    rgb[top] = spec.top_rgb
    bottom = np.isin(dom, _bone_ids(body, BOTTOM_BONES))
    # leggings end a little above the ankle
    for s in ("L", "R"):
        ank = body.head(f"foot.{s}")
        bottom &= ~((v[:, 2] < ank[2] + 0.07) & (np.sign(v[:, 0]) == (1 if s == "L" else -1)))
    rgb[bottom] = spec.bottom_rgb
    head = np.isin(dom, _bone_ids(body, ("head", "neck01", "neck02", "neck03")))
    hz = body.head("head")
    top_z = v[head, 2].max()
    scalp = head & ((v[:, 2] > top_z - 0.075) | ((v[:, 1] > hz[1] + 0.03) & (v[:, 2] > hz[2] + 0.02)))
    rgb[scalp] = spec.hair_rgb
    eyes = np.isin(dom, _bone_ids(body, ("eye",)))
    rgb[eyes] = (0.05, 0.05, 0.05)
    # slight per-vertex variation so flat colours read as fabric/skin
    rng = np.random.default_rng(seed)
    rgb = rgb * rng.uniform(0.96, 1.04, (len(rgb), 1))
    return rgb.astype("f4")


def room_rows(spec: ClipSpec, mat_top_m: float, camera_side: float) -> np.ndarray:
    """Floor, mat and a wall behind the person, as renderer rows (N, 9).

    ``camera_side`` is the sign of the camera's world z (the wall goes opposite).
    """
    floor = box(np.array([-8.0, -0.05, -8.0]), np.array([8.0, 0.0, 8.0]), spec.floor_rgb)
    mat = box(np.array([-1.05, 0.0, -0.33]), np.array([0.95, mat_top_m, 0.33]), spec.mat_rgb)
    wz = -camera_side * 2.2
    wall = box(np.array([-8.0, 0.0, wz - 0.05]), np.array([8.0, 3.0, wz + 0.05]), spec.wall_rgb)
    skirting = box(np.array([-8.0, 0.0, wz - 0.07]), np.array([8.0, 0.1, wz + 0.07]), (0.95, 0.95, 0.93))
    return np.concatenate([floor, mat, wall, skirting])
