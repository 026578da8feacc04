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


# ----- corpus clothing: sleeves, leg length, socks, a loose top ----------------------------------------

LOOSE_BONES = ("spine05", "spine04", "spine03", "spine02", "spine01")


def _side_mask(v: np.ndarray, s: str) -> np.ndarray:
    return np.sign(v[:, 0]) == (1 if s == "L" else -1)


def _along(v: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Position of each vertex along the segment a→b (0 at a, 1 at b)."""
    return ((v - a) @ (b - a)) / np.dot(b - a, b - a)


def clothing_colours(body: Body, skin_rgb: tuple[float, float, float], clothing: dict, seed: int = 0) -> np.ndarray:
    """(V, 3) linear RGB per vertex for a corpus body.

    ``clothing``: ``top_rgb``, ``bottom_rgb``, ``hair_rgb``, ``sleeves`` (``tank``, ``short``,
    ``long``), ``legs`` (``shorts``, ``capri``, ``leggings``), ``socks_rgb`` (None = barefoot).
    """
    rgb = np.tile(np.asarray(skin_rgb, float), (len(body.rest_vertices), 1))
    dom = body.dominant_bone
    v = body.rest_vertices
    top = np.isin(dom, _bone_ids(body, TOP_BONES + ("lowerarm01", "lowerarm02")))
    sleeves = clothing.get("sleeves", "short")
    for s in ("L", "R"):
        side = _side_mask(v, s)
        sh, el, wr = (body.head(f"{b}.{s}") for b in ("upperarm01", "lowerarm01", "wrist"))
        arm = np.isin(dom, _bone_ids(body, ("upperarm01", "upperarm02", "lowerarm01", "lowerarm02"))) & side
        if sleeves == "long":
            top &= ~(arm & (_along(v, el, wr) > 0.92))
        elif sleeves == "short":
            top &= ~(arm & (_along(v, sh, el) > 0.55))
        else:  # tank top: bare shoulders and arms
            top &= ~(arm | (np.isin(dom, _bone_ids(body, ("shoulder01",))) & side & (_along(v, sh - (el - sh) * 0.3, el) > 0.2)))
    rgb[top] = clothing["top_rgb"]
    bottom = np.isin(dom, _bone_ids(body, BOTTOM_BONES))
    legs = clothing.get("legs", "leggings")
    for s in ("L", "R"):
        side = _side_mask(v, s)
        hip, knee, ank = (body.head(f"{b}.{s}") for b in ("upperleg01", "lowerleg01", "foot"))
        if legs == "leggings":
            bottom &= ~((v[:, 2] < ank[2] + 0.07) & side)
        elif legs == "capri":
            bottom &= ~((_along(v, knee, ank) > 0.45) & side & (v[:, 2] < knee[2]))
        else:  # shorts
            bottom &= ~((_along(v, hip, knee) > 0.55) & side & (v[:, 2] < hip[2]))
    rgb[bottom] = clothing["bottom_rgb"]
    if clothing.get("socks_rgb") is not None:
        feet = np.isin(dom, _bone_ids(body, ("foot",)) + [i for i, b in enumerate(body.labels) if b.startswith("toe")])
        for s in ("L", "R"):
            ank = body.head(f"foot.{s}")
            feet |= (v[:, 2] < ank[2] + 0.04) & _side_mask(v, s) & np.isin(dom, _bone_ids(body, ("lowerleg02",)))
        rgb[feet] = clothing["socks_rgb"]
    head = np.isin(dom, _bone_ids(body, ("head", "neck01", "neck02", "neck03")))
    hz = body.head("head")
    top_z = v[head, 2].max()
    scalp = head & ((v[:, 2] > top_z - 0.075) | ((v[:, 1] > hz[1] + 0.03) & (v[:, 2] > hz[2] + 0.02)))
    if clothing.get("hair") == "long":
        scalp |= head & (v[:, 1] > hz[1] + 0.01) & (v[:, 2] > hz[2] - 0.06)
    rgb[scalp] = clothing["hair_rgb"]
    rgb[np.isin(dom, _bone_ids(body, ("eye",)))] = (0.05, 0.05, 0.05)
    rng = np.random.default_rng(seed)
    rgb = rgb * rng.uniform(0.96, 1.04, (len(rgb), 1))
    return rgb.astype("f4")


def loose_top_weights(body: Body, iterations: int = 6) -> np.ndarray:
    """(V,) 0..1: how much each vertex belongs to a loose top around the trunk (smoothed at its edges)."""
    from scipy import sparse

    w = np.isin(body.dominant_bone, _bone_ids(body, LOOSE_BONES)).astype(float)
    f = body.faces
    n = len(body.rest_vertices)
    rows = np.concatenate([f[:, 0], f[:, 1], f[:, 2], f[:, 1], f[:, 2], f[:, 0]])
    cols = np.concatenate([f[:, 1], f[:, 2], f[:, 0], f[:, 0], f[:, 1], f[:, 2]])
    adj = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    adj.data[:] = 1.0
    deg = np.asarray(adj.sum(axis=1)).ravel()
    for _ in range(iterations):
        w = 0.5 * w + 0.5 * (adj @ w) / np.maximum(deg, 1)
    return np.clip(w, 0.0, 1.0)
