"""The randomized ground-truth corpus: what each clip shows, drawn from ranges (pure numpy).

Item ``k`` of a corpus with master seed ``S`` depends only on (S, k): its seed is
:func:`clip_seed`, its kind (our exercise, a negative, or a two-camera pair) comes from ``k``
(:func:`item_kind`), its split (``dev``/``test``) from its seed (:func:`split_of`), and every
condition from RNG streams of that seed, one stream per aspect, so rendering item ``k``
alone gives the same clip as rendering the whole corpus. :func:`draw_item` returns a plain
JSON-able dict; the renderer (:mod:`formcheck.synth.corpus_render`) turns it into videos and
truth files. See ``docs/corpus.md``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from formcheck.synth.session import NEGATIVES, build_session, fit_to_duration


def session_duration_s(motion: dict[str, Any]) -> float:
    """Exact duration (s) of a motion description (its timing does not depend on the body)."""
    return build_session(motion).duration_s

DEFAULT_MASTER_SEED = 2026
MAX_DISTANCE_M = 5.5
TEST_SHARE = 0.30
GENERATOR_VERSION = 2
EXERCISE_WEIGHTS = {"heel-tap": 0.40, "leg-extension": 0.30, "straight-leg": 0.30}
STRAIGHT_VARIANTS = {"from_vertical": 0.40, "from_floor": 0.35, "one_leg_held": 0.25}
# anny's age parameter against age in years (anny's shape_calibration morphological age anchors)
ANNY_AGE_ANCHORS = (0.0, 0.05, 0.215, 0.415, 0.67, 0.77, 0.83, 1.0)
AGE_YEARS_ANCHORS = (0.0, 1.0, 4.0, 11.0, 16.0, 18.0, 64.0, 110.0)
# linear RGB palettes
SKIN_TONES = (  # light to dark (index = tone, 0 lightest)
    (0.92, 0.75, 0.65), (0.86, 0.66, 0.54), (0.78, 0.57, 0.44), (0.66, 0.46, 0.33),
    (0.52, 0.35, 0.24), (0.40, 0.26, 0.18), (0.28, 0.18, 0.12), (0.18, 0.11, 0.08),
)
CLOTH = {
    "black": (0.03, 0.03, 0.035), "charcoal": (0.09, 0.09, 0.10), "navy": (0.04, 0.06, 0.16),
    "dark_green": (0.04, 0.12, 0.07), "burgundy": (0.22, 0.04, 0.07), "dark_grey": (0.16, 0.16, 0.17),
    "grey": (0.38, 0.38, 0.40), "light_grey": (0.65, 0.65, 0.67), "white": (0.88, 0.88, 0.86),
    "red": (0.75, 0.10, 0.10), "blue": (0.10, 0.28, 0.75), "teal": (0.08, 0.50, 0.50),
    "purple": (0.40, 0.15, 0.55), "pink": (0.90, 0.45, 0.60), "orange": (0.95, 0.45, 0.10),
    "yellow": (0.90, 0.80, 0.20), "olive": (0.35, 0.38, 0.15), "beige": (0.70, 0.60, 0.45),
    "denim": (0.20, 0.30, 0.48), "mint": (0.50, 0.80, 0.65),
}
DARK_CLOTH = ("black", "charcoal", "navy", "dark_green", "burgundy", "dark_grey")
MATS = {
    "purple": (0.40, 0.20, 0.55), "blue": (0.20, 0.35, 0.70), "green": (0.35, 0.60, 0.40),
    "pink": (0.85, 0.45, 0.55), "teal": (0.15, 0.50, 0.55), "grey": (0.45, 0.45, 0.47),
    "orange": (0.85, 0.45, 0.20), "sage": (0.55, 0.70, 0.60), "black": (0.04, 0.04, 0.045),
    "dark_grey": (0.12, 0.12, 0.13), "navy": (0.05, 0.07, 0.18), "dark_purple": (0.15, 0.06, 0.20),
}
DARK_MATS = ("black", "dark_grey", "navy", "dark_purple")
FLOORS = {
    "light_wood": (0.62, 0.46, 0.30), "dark_wood": (0.30, 0.19, 0.11), "grey_tile": (0.50, 0.50, 0.50),
    "beige_carpet": (0.62, 0.55, 0.45), "blue_carpet": (0.22, 0.28, 0.40), "concrete": (0.42, 0.41, 0.39),
    "white_tile": (0.80, 0.80, 0.78), "red_wood": (0.45, 0.22, 0.14),
}
WALLS = {
    "white": (0.88, 0.88, 0.86), "off_white": (0.85, 0.82, 0.74), "light_grey": (0.68, 0.70, 0.72),
    "pale_blue": (0.65, 0.74, 0.82), "pale_green": (0.70, 0.78, 0.66), "beige": (0.78, 0.70, 0.58),
    "terracotta": (0.62, 0.36, 0.26), "dark_blue": (0.16, 0.22, 0.34),
}
HAIR = ((0.04, 0.03, 0.03), (0.12, 0.07, 0.04), (0.30, 0.18, 0.08), (0.55, 0.40, 0.20), (0.45, 0.42, 0.40),
        (0.70, 0.68, 0.65), (0.45, 0.15, 0.06))
SIZES_LANDSCAPE = (((480, 270), 0.10), ((640, 360), 0.44), ((640, 480), 0.20), ((854, 480), 0.12),
                   ((960, 540), 0.07), ((1280, 720), 0.05), ((1920, 1080), 0.02))
SIZES_PORTRAIT = (((360, 640), 0.58), ((480, 640), 0.10), ((480, 854), 0.15), ((540, 960), 0.10),
                  ((720, 1280), 0.05), ((1080, 1920), 0.02))
FPS = (((24, 1), 0.25), ((25, 1), 0.25), ((30000, 1001), 0.21), ((30, 1), 0.21), ((50, 1), 0.04), ((60, 1), 0.04))
ASPECTS = {name: i for i, name in enumerate(
    ("kind", "body", "clothing", "room", "light", "camera", "motion", "bystander", "video", "pair", "names"))}


# ----- identity: seed, kind, split, name ----------------------------------------------------------------

def clip_seed(master_seed: int, index: int) -> int:
    """The seed of item ``index`` (a 32-bit integer derived from the master seed and the index)."""
    return int(np.random.SeedSequence([int(master_seed), int(index), 0x5EED]).generate_state(1)[0])


def split_of(seed: int) -> str:
    """``test`` for about :data:`TEST_SHARE` of seeds, else ``dev`` (a fixed function of the seed)."""
    u = np.random.default_rng([seed, 0x5B1]).random()
    return "test" if u < TEST_SHARE else "dev"


def item_kind(index: int) -> str:
    """``exercise``, ``negative`` or ``pair`` from the item index (a fixed 12-cycle: 10 exercise
    clips, 1 negative, then a pair, except every sixth cycle where that is a second negative)."""
    pos = index % 12
    if pos < 10:
        return "exercise"
    if pos == 10:
        return "negative"
    return "negative" if (index // 12) % 6 == 5 else "pair"


def _rng(seed: int, aspect: str) -> np.random.Generator:
    return np.random.default_rng([seed, ASPECTS[aspect]])


def _pick(rng: np.random.Generator, weighted: tuple | dict) -> Any:
    items = list(weighted.items()) if isinstance(weighted, dict) else list(weighted)
    keys = [k for k, _ in items]
    p = np.array([w for _, w in items], float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _u(rng: np.random.Generator, lo: float, hi: float, nd: int = 3) -> float:
    return round(float(rng.uniform(lo, hi)), nd)


def anny_age(years: float) -> float:
    """anny's 0..1 age parameter for an age in years (piecewise linear, anny's calibration)."""
    return float(np.interp(years, AGE_YEARS_ANCHORS, ANNY_AGE_ANCHORS))


def luminance(rgb: tuple[float, float, float]) -> float:
    """Relative luminance of a linear RGB colour."""
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]


# ----- aspects ------------------------------------------------------------------------------------------

def draw_body(seed: int) -> dict[str, Any]:
    """Phenotype: sex, age (years), height (cm), weight, muscle, proportions, skin tone, hair."""
    rng = _rng(seed, "body")
    sex = "male" if rng.random() < 0.5 else "female"
    years = float(np.clip(rng.normal(40, 15), 18, 75))
    if sex == "male":
        height = float(np.clip(rng.normal(177, 8), 158, 195))
        gender = _u(rng, 0.0, 0.12)  # anny: 0 = male, 1 = female
    else:
        height = float(np.clip(rng.normal(164, 7), 150, 185))
        gender = _u(rng, 0.88, 1.0)
    tone = int(rng.integers(0, len(SKIN_TONES)))
    return {
        "sex": sex, "gender": gender, "age_years": round(years, 1), "age": round(anny_age(years), 4),
        "height_cm_target": round(height, 1), "weight": _u(rng, 0.15, 0.9), "muscle": _u(rng, 0.15, 0.9),
        "proportions": _u(rng, 0.35, 0.65), "skin_tone": tone, "skin_rgb": list(SKIN_TONES[tone]),
        "hair_rgb": list(HAIR[int(rng.integers(0, len(HAIR)))]), "hair": "long" if (sex == "female" and rng.random() < 0.6) else "short",
    }


def draw_clothing(seed: int) -> dict[str, Any]:
    """Top, bottoms, socks, sleeves, a loose top, the mat — and their contrast."""
    rng = _rng(seed, "clothing")
    dark = rng.random() < 0.14
    names = list(CLOTH)
    if dark:
        top, bottom = str(rng.choice(DARK_CLOTH)), str(rng.choice(DARK_CLOTH))
        mat = str(rng.choice(DARK_MATS))
    else:
        top, bottom = str(rng.choice(names)), str(rng.choice(names))
        mat = str(rng.choice(list(MATS)))
    loose = _u(rng, 2.0, 5.0, 2) if rng.random() < 0.2 else 0.0
    c = {
        "top": top, "top_rgb": list(CLOTH[top]), "bottom": bottom, "bottom_rgb": list(CLOTH[bottom]),
        "sleeves": _pick(rng, {"short": 0.5, "long": 0.3, "tank": 0.2}),
        "legs": _pick(rng, {"leggings": 0.6, "capri": 0.15, "shorts": 0.25}),
        "socks_rgb": list(CLOTH[str(rng.choice(names))]) if rng.random() < 0.3 else None,
        "loose_top_cm": loose, "loose_top": loose > 0, "dark_on_dark": dark,
        "mat": mat, "mat_rgb": list(MATS[mat]),
    }
    lm = luminance(MATS[mat])
    c["contrast_top_mat"] = round(abs(luminance(CLOTH[top]) - lm), 3)
    c["contrast_bottom_mat"] = round(abs(luminance(CLOTH[bottom]) - lm), 3)
    return c


def draw_camera(seed: int, rng: np.random.Generator | None = None) -> dict[str, Any]:
    """Placement, orientation, size, frame rate, handheld motion (the person's side facing it, etc.)."""
    rng = rng or _rng(seed, "camera")
    side = "left" if rng.random() < 0.5 else "right"
    band = _pick(rng, {(0.05, 0.2): 0.15, (0.2, 0.6): 0.45, (0.6, 1.0): 0.28, (1.0, 1.3): 0.12})
    height = _u(rng, *band)
    r = rng.random()
    yaw = _u(rng, -10, 10, 2) if r < 0.5 else (float(rng.choice([-1, 1])) * _u(rng, 10, 30, 2) if r < 0.8
                                              else float(rng.choice([-1, 1])) * _u(rng, 30, 45, 2))
    portrait = rng.random() < 0.2
    size = _pick(rng, SIZES_PORTRAIT if portrait else SIZES_LANDSCAPE)
    fps = _pick(rng, FPS)
    distance = _u(rng, 1.8, 4.5, 2)
    if portrait:
        fill = _u(rng, 0.65, 0.92)
    else:
        fill = _u(rng, 0.25, 0.38) if rng.random() < 0.1 else _u(rng, 0.5, 0.85)
    roll = _u(rng, -1.0, 1.0, 2) if rng.random() < 0.6 else float(rng.choice([-1, 1])) * _u(rng, 2.0, 8.0, 2)
    handheld = rng.random() < 0.15
    cam = {
        "side": side, "height_m": height, "distance_m": distance, "yaw_deg": yaw,
        "pitch_deg": _u(rng, -4.0, 4.0, 2), "roll_deg": roll, "fill": fill,
        "orientation": "portrait" if portrait else "landscape", "width": size[0], "height": size[1],
        "fps_num": fps[0], "fps_den": fps[1], "handheld": handheld,
    }
    if handheld:
        cam["shake"] = {"amp_mm": _u(rng, 1.5, 5.0, 2), "rot_deg": _u(rng, 0.15, 0.5), "freq_hz": [_u(rng, 3.0, 5.0), _u(rng, 6.0, 9.0)],
                        "phase": [_u(rng, 0.0, 6.283) for _ in range(6)]}
        cam["drift"] = {"pan_deg": _u(rng, 2.0, 6.0, 2), "move_m": _u(rng, 0.03, 0.10), "period_s": _u(rng, 6.0, 20.0, 2),
                        "phase": [_u(rng, 0.0, 6.283) for _ in range(4)]}
    return cam


def fit_view(body_len_m: float, distance_m: float, yaw_deg: float, fill: float, aspect: float, top_m: float = 0.6,
             pitch_deg: float = 0.0, sway_m: float = 0.0) -> tuple[float, float]:
    """(vertical FOV deg, distance m) so the lying body spans ``fill`` of the image width and everything
    up to ``top_m`` above the floor (raised legs) stays in the frame; FOV within 20–80°. An oblique view
    magnifies the near end of the body (margin grows with the yaw); ``sway_m``: how far a handheld
    camera's drift moves the view at the body."""
    yaw = abs(math.radians(yaw_deg))
    half = 0.5 * body_len_m * max(math.cos(yaw), 0.55) * (1.0 + 0.6 * math.sin(yaw)) + 0.12 + sway_m
    d = distance_m
    vfov = 80.0
    for _ in range(60):
        hfov = 2 * math.degrees(math.atan(half / (fill * d)))
        vfov = 2 * math.degrees(math.atan(math.tan(math.radians(hfov) / 2) / aspect))
        up = 0.5 * top_m + 0.12 + abs(math.tan(math.radians(pitch_deg))) * d
        vfov = max(vfov, 2 * math.degrees(math.atan(up / d)))
        if vfov <= 80.0 or d * 1.08 > MAX_DISTANCE_M:
            break
        d *= 1.08
    return round(max(20.0, min(80.0, vfov)), 3), round(d, 3)


def motion_top_m(motion: dict[str, Any], height_cm: float) -> float:
    """The highest point (m above the floor) the motion reaches: raised straight legs, a sitting trunk..."""
    ex = motion["exercise"]
    s = height_cm / 175.0
    if ex == "straight-leg" or ex == "sit_up":
        return 1.0 * s
    if ex in ("leg-extension", "heel-tap", "bridge_march"):
        return 0.62 * s
    return 0.5 * s


def budget_video(cam: dict[str, Any], duration_s: float, rng: np.random.Generator) -> None:
    """Keep the corpus small: high frame rates and large frames only for short clips, long sessions at
    24/25 fps, no handheld shake above 854 px (a moving 1080p view costs ten times a still 640 px one)."""
    long_side = max(cam["width"], cam["height"])
    if cam["fps_num"] / cam["fps_den"] > 40 and duration_s > 16.0:
        cam["fps_num"], cam["fps_den"] = (25, 1) if rng.random() < 0.5 else (30, 1)
    if cam["fps_num"] / cam["fps_den"] > 26 and duration_s > 25.0:  # long sessions: 24/25 fps
        cam["fps_num"], cam["fps_den"] = (24, 1) if rng.random() < 0.5 else (25, 1)
    if long_side >= 1280 and duration_s > 18.0:
        cam["width"], cam["height"] = (960, 540) if cam["orientation"] == "landscape" else (540, 960)
    if max(cam["width"], cam["height"]) > 854 and cam.get("handheld"):
        cam["handheld"] = False
        cam.pop("shake", None), cam.pop("drift", None)


def draw_light(seed: int, backlit: bool, camera_side: str) -> dict[str, Any]:
    """Key/fill/ambient strengths and the key's direction; backlit = a weak key from the window behind."""
    rng = _rng(seed, "light")
    from formcheck.synth.scene import key_direction

    if backlit:
        az = 90.0 if camera_side == "left" else 270.0  # from the wall behind the person
        az += _u(rng, -25, 25, 1)
        el = _u(rng, 12, 35, 1)
        k = {"key_k": _u(rng, 0.12, 0.25), "fill_k": _u(rng, 0.02, 0.08), "amb_k": _u(rng, 0.10, 0.16), "spec_k": _u(rng, 0.02, 0.06)}
    else:
        az, el = _u(rng, 0, 360, 1), _u(rng, 30, 75, 1)
        k = {"key_k": _u(rng, 0.45, 0.85), "fill_k": _u(rng, 0.12, 0.30), "amb_k": _u(rng, 0.22, 0.38), "spec_k": _u(rng, 0.04, 0.14)}
    return {"backlit": backlit, "key_azimuth_deg": az, "key_elevation_deg": el,
            "key_dir": [round(v, 4) for v in key_direction(az, el)], **k}


def draw_room(seed: int, cameras: list[dict[str, Any]], straight_legs: bool) -> dict[str, Any]:
    """Walls (beyond every camera), floor, mat, furniture and pictures, a window (maybe behind the person)."""
    rng = _rng(seed, "room")
    floor = str(rng.choice(list(FLOORS)))
    wall = str(_pick(rng, {w: (0.05 if w in ("terracotta", "dark_blue") else 0.15) for w in WALLS}))
    cam_z = [(-1 if c["side"] == "left" else 1) * c["distance_m"] * math.cos(math.radians(c["yaw_deg"])) for c in cameras]
    cam_x = [c["distance_m"] * math.sin(math.radians(c["yaw_deg"])) for c in cameras]
    back = _u(rng, 1.2, 3.0, 2)
    zl = min([-back] + [z - _u(rng, 0.6, 1.5, 2) for z in cam_z if z < 0])
    zr = max([back] + [z + _u(rng, 0.6, 1.5, 2) for z in cam_z if z > 0])
    if all(z < 0 for z in cam_z):
        zr = back
    elif all(z > 0 for z in cam_z):
        zl = -back
    xh = min([-_u(rng, 2.2, 3.4, 2)] + [x - 0.8 for x in cam_x])
    xf = max([_u(rng, 2.6, 4.0, 2)] + [x + 0.8 for x in cam_x])
    mat = {"x0": -_u(rng, 1.0, 1.12), "x1": _u(rng, 1.15, 1.3) if straight_legs else _u(rng, 0.95, 1.3),
           "half_width": _u(rng, 0.29, 0.34), "top_m": _u(rng, 0.006, 0.015, 4)}
    room: dict[str, Any] = {"floor": floor, "floor_rgb": list(FLOORS[floor]), "wall": wall, "wall_rgb": list(WALLS[wall]),
                            "walls_m": [round(xh, 3), round(xf, 3), round(zl, 3), round(zr, 3)], "mat": mat, "clutter": []}
    # the wall(s) behind the person, as seen from the camera(s)
    behind = sorted({"right" if c["side"] == "left" else "left" for c in cameras})
    kinds = {"sofa": 0.14, "cabinet": 0.14, "table": 0.1, "shelf": 0.12, "picture": 0.22, "plant": 0.14, "door": 0.06,
             "ball": 0.04, "box": 0.04}
    n = int(rng.choice([0, 1, 2, 3, 4, 5, 6], p=[0.1, 0.12, 0.2, 0.22, 0.18, 0.1, 0.08]))
    used: list[tuple[str, float, float]] = []
    for _ in range(n):
        kind = _pick(rng, kinds)
        w = str(rng.choice(behind + ["head", "feet"])) if rng.random() < 0.3 else str(rng.choice(behind))
        span = (xh, xf) if w in ("left", "right") else (zl, zr)
        size = {"sofa": [_u(rng, 1.5, 2.2), _u(rng, 0.75, 0.95), _u(rng, 0.75, 0.95)],
                "cabinet": [_u(rng, 0.5, 1.4), _u(rng, 0.6, 1.9), _u(rng, 0.35, 0.55)],
                "table": [_u(rng, 0.7, 1.4), _u(rng, 0.65, 0.78), _u(rng, 0.45, 0.8)],
                "shelf": [_u(rng, 0.6, 1.2), _u(rng, 1.4, 2.0), _u(rng, 0.25, 0.4)],
                "picture": [_u(rng, 0.3, 1.0), _u(rng, 0.25, 0.8), _u(rng, 1.1, 1.6)],
                "plant": [_u(rng, 0.12, 0.22), _u(rng, 0.6, 1.6), 0.0],
                "door": [_u(rng, 0.8, 0.95), _u(rng, 1.95, 2.1), 0.0],
                "ball": [_u(rng, 0.25, 0.35), 0.0, 0.0],
                "box": [_u(rng, 0.3, 0.7), _u(rng, 0.2, 0.6), _u(rng, 0.3, 0.6)]}[kind]
        half = size[0] / 2 + 0.1
        for _try in range(8):
            at = _u(rng, span[0] + half + 0.1, span[1] - half - 0.1, 2)
            if all(not (uw == w and abs(at - ua) < half + uh) for uw, ua, uh in used if kind != "picture"):
                break
        used.append((w, at, half))
        rgb = CLOTH[str(rng.choice(list(CLOTH)))] if kind in ("sofa", "cabinet", "ball", "box", "picture") else \
            (_u(rng, 0.3, 0.65), _u(rng, 0.2, 0.45), _u(rng, 0.1, 0.3))
        item = {"kind": kind, "wall": w, "at": at, "rgb": list(rgb), "size": size}
        if kind == "picture":
            item["rgb2"] = list(CLOTH[str(rng.choice(list(CLOTH)))])
        room["clutter"].append(item)
    return room


def draw_window(seed: int, room: dict[str, Any], cameras: list[dict[str, Any]], backlit: bool) -> dict[str, Any] | None:
    rng = np.random.default_rng([seed, ASPECTS["room"], 1])
    behind = "right" if cameras[0]["side"] == "left" else "left"
    if backlit:
        return {"wall": behind, "at": _u(rng, -0.5, 0.6, 2), "width": _u(rng, 1.4, 2.4, 2), "height": _u(rng, 1.1, 1.6, 2),
                "sill": _u(rng, 0.25, 0.8, 2), "sky_rgb": [1.0, 1.0, _u(rng, 0.92, 1.0)]}
    if rng.random() < 0.2:
        w = str(rng.choice([behind, "head", "feet"]))
        xh, xf, zl, zr = room["walls_m"]
        span = (xh, xf) if w in ("left", "right") else (zl, zr)
        return {"wall": w, "at": _u(rng, span[0] + 1.0, span[1] - 1.0, 2), "width": _u(rng, 0.8, 1.6, 2),
                "height": _u(rng, 0.9, 1.4, 2), "sill": _u(rng, 0.7, 1.0, 2),
                "sky_rgb": [_u(rng, 0.8, 0.95), _u(rng, 0.85, 0.97), _u(rng, 0.9, 1.0)]}
    return None


def draw_video(seed: int) -> dict[str, Any]:
    rng = _rng(seed, "video")
    noise = 0.0 if rng.random() < 0.5 else _u(rng, 0.6, 2.5, 2)
    return {"noise_sigma": noise, "crf": int(rng.integers(30, 33)), "exposure": _u(rng, 0.9, 1.1)}


# ----- motion ---------------------------------------------------------------------------------------------

def _tempo(rng: np.random.Generator, cls: str, fast_dead_bug: bool = False) -> float:
    if cls == "swinging":
        return _u(rng, 0.6, 1.0) if fast_dead_bug else _u(rng, 0.6, 1.25)
    if cls == "marginal":
        return _u(rng, 1.5, 2.1)
    if rng.random() < 0.08:
        return _u(rng, 4.0, 5.0)
    return round(float(rng.triangular(2.4, 2.7, 4.0)), 3)  # the coached 3 s, give or take


def draw_rep(rng: np.random.Generator, exercise: str, variant: str, leg: str, style: dict[str, float],
             short: bool = False) -> dict[str, Any]:
    """One rep as the person means to do it: tempo, pause, depth, knee, arching (sizes chosen clear of the
    thresholds). ``short``: a rep that fits a tight session (clean tempo 2.4–2.8 s, short pauses)."""
    intent: dict[str, Any] = {}
    r = rng.random()
    tempo_cls = "swinging" if r < style["swing"] else ("marginal" if r < style["swing"] + 0.03 else "clean")
    fast_dead_bug = exercise == "leg-extension" and tempo_cls == "swinging"
    lower = _tempo(rng, tempo_cls, fast_dead_bug)
    raise_ = _tempo(rng, tempo_cls, fast_dead_bug) if tempo_cls != "clean" or rng.random() < 0.9 else _tempo(rng, "clean")
    if tempo_cls == "swinging" and rng.random() < 0.3:  # only one phase rushed
        if rng.random() < 0.5:
            raise_ = _tempo(rng, "clean")
        else:
            lower = _tempo(rng, "clean")
    pause = 0.0
    hold = False
    if tempo_cls == "swinging":
        pause = 0.0 if raise_ < 1.5 else _u(rng, 0.0, 0.4)
    else:
        pr = rng.random()
        pause = _u(rng, 0.1, 0.6) if pr < 0.65 else (_u(rng, 0.6, 2.0) if pr < 0.93 else _u(rng, 4.0, 12.0))
        hold = pause >= 4.0
    if exercise == "straight-leg" and variant == "one_leg_held":
        pause = _u(rng, 3.0, 12.0) if tempo_cls != "swinging" else _u(rng, 0.0, 0.1)
        hold = pause >= 3.0
    if short:
        if tempo_cls == "clean":
            lower, raise_ = _u(rng, 2.4, 2.8), _u(rng, 2.4, 2.8)
        pause = min(pause, _u(rng, 0.1, 0.4))
        hold = False
    bounce = tempo_cls == "swinging" and rng.random() < 0.5 and not (exercise == "straight-leg" and variant != "from_vertical")
    if bounce:
        lower, raise_ = min(lower, 1.0), min(raise_, 1.0)
    intent["tempo"] = tempo_cls
    # arching: none, a little (clean), clearly (fault), in between on purpose (marginal)
    a = rng.random()
    if a < style["arch"]:
        arch_cls, lift = "fault", _u(rng, 2.6, 6.0, 2)
    elif a < style["arch"] + 0.03:
        arch_cls, lift = "marginal", _u(rng, 1.2, 1.9, 2)
    elif a < style["arch"] + 0.2:
        arch_cls, lift = "clean", _u(rng, 0.3, 0.6, 2)
    else:
        arch_cls, lift = "clean", 0.0
    intent["arching"] = arch_cls
    if lift:
        intent["arch_lift_cm"] = lift
    rep: dict[str, Any] = {"leg": leg, "lower_s": lower, "raise_s": raise_, "pause_s": pause, "bounce": bool(bounce),
                           "arch_lift_cm": lift, "gap_s": _u(rng, 0.0, 0.3) if tempo_cls == "swinging" else _u(rng, 0.2, 1.0)}
    partial = rng.random() < style["partial"]
    intent["depth"] = "partial" if partial else "full"
    k = rng.random()
    knee_cls = "fault" if k < style["knee"] else ("marginal" if k < style["knee"] + 0.03 else "clean")
    if exercise == "heel-tap":
        if knee_cls == "fault":
            knee = 90.0 + float(rng.choice([-1, 1])) * _u(rng, 33, 45, 2)
        elif knee_cls == "marginal":
            knee = 90.0 + float(rng.choice([-1, 1])) * _u(rng, 14, 24, 2)
        else:
            knee = 90.0 + float(np.clip(rng.normal(0, 2.0), -4, 4))
        rep["knee_bottom_deg"] = round(knee, 2)
        rep["heel_bottom_cm"] = _u(rng, 1.0, 6.0, 2) if arch_cls == "fault" else _u(rng, 2.0, 13.0, 2)
        intent["knee"] = knee_cls
    elif exercise == "leg-extension":
        rep["knee_bottom_deg"] = _u(rng, 150, 170, 2)
        rep["heel_bottom_cm"] = _u(rng, 4.0, 9.0, 2) if arch_cls == "fault" else _u(rng, 6.0, 15.0, 2)
        if partial:
            rep["knee_bottom_deg"] = _u(rng, 100, 115, 2)
    else:
        if variant == "from_vertical":
            rep["knee_bottom_deg"] = _u(rng, 120, 127, 2) if knee_cls == "fault" else (
                _u(rng, 138, 150, 2) if knee_cls == "marginal" else _u(rng, 168, 176, 2))
            rep["heel_bottom_cm"] = _u(rng, 6.0, 12.0, 2) if arch_cls == "fault" else _u(rng, 10.0, 28.0, 2)
        else:
            rep["top_thigh_deg"] = _u(rng, 0.0, 25.0, 2) if variant == "from_floor" else _u(rng, 0.0, 35.0, 2)
            rep["knee_turn_deg"] = _u(rng, 120, 127, 2) if knee_cls == "fault" else (
                _u(rng, 138, 150, 2) if knee_cls == "marginal" else _u(rng, 168, 176, 2))
        intent["knee"] = knee_cls
    if partial:  # lowered (or raised) 12-25 % of the way: the session aims it on the body's own geometry
        rep["partial_depth"] = _u(rng, 0.12, 0.25)
    if exercise == "leg-extension":
        intent["knee"] = "n/a"
    intent["hold"] = hold
    rep["partial"] = partial
    rep["intent"] = intent
    return rep


def _leg_order(rng: np.random.Generator, n: int, exercise: str, variant: str) -> list[str]:
    if exercise == "straight-leg" and variant in ("from_vertical", "from_floor"):
        return ["both"] * n
    first = "left" if rng.random() < 0.5 else "right"
    other = "right" if first == "left" else "left"
    mode = _pick(rng, {"alternate": 0.6, "blocks": 0.25, "single": 0.15})
    if exercise == "straight-leg":  # one_leg_held: blocks or a single leg
        mode = "single" if mode == "alternate" else mode
    if mode == "alternate":
        return [first if i % 2 == 0 else other for i in range(n)]
    if mode == "single":
        return [first] * n
    block = int(rng.integers(2, 6))
    return [first if (i // block) % 2 == 0 else other for i in range(n)]


def draw_motion(seed: int, lead_s: float = 0.0, kind: str = "exercise") -> dict[str, Any]:
    """The session script: exercise, start, setup, sets of reps, rests — or a negative's parameters.

    ``lead_s``: the still start lasts at least this long (two-camera pairs: both cameras see it).
    """
    rng = _rng(seed, "motion")
    if kind == "negative":
        return draw_negative(rng)
    exercise = _pick(rng, EXERCISE_WEIGHTS)
    variant = _pick(rng, STRAIGHT_VARIANTS) if exercise == "straight-leg" else ""
    style_kind = _pick(rng, {"clean": 0.3, "mixed": 0.5, "faulty": 0.2})
    style = {"clean": {"swing": 0.0, "arch": 0.0, "knee": 0.0, "partial": 0.07},
             "mixed": {"swing": 0.18, "arch": 0.2, "knee": 0.2, "partial": 0.10},
             "faulty": {"swing": 0.0, "arch": 0.0, "knee": 0.0, "partial": 0.08}}[style_kind]
    if style_kind == "faulty":
        style[_pick(rng, {"swing": 0.35, "arch": 0.35, "knee": 0.3})] = 0.75
    if exercise == "leg-extension":
        style["knee"] = 0.0
    n_sets = int(_pick(rng, {1: 0.955, 2: 0.036, 3: 0.009})) if lead_s == 0 else 1
    sk = _pick(rng, {"still": 0.745, "moving": 0.2, "late": 0.055}) if lead_s == 0 else "still"
    if n_sets > 1 and sk == "late":
        sk = "still"
    start: dict[str, Any] = {"kind": sk}
    if sk == "still":
        start["still_s"] = round(max(lead_s + _u(rng, 2.0, 3.0), _u(rng, 2.0, 3.5)), 3)
    elif sk == "moving":
        start["from"] = "down" if rng.random() < 0.5 and variant != "from_floor" else "rest"  # floor raises start down
        start["delay_s"] = _u(rng, 0.0, 0.4) if start["from"] == "down" else _u(rng, 0.2, 0.9)
        start["rise_s"] = _u(rng, 0.8, 1.2)
        start["settle_s"] = _u(rng, 0.3, 0.8)
    else:
        start["late_s"] = _u(rng, 20.0, 22.0, 2)
        start["legs"] = "down" if rng.random() < 0.6 else "rest"
        start["rise_s"] = _u(rng, 1.2, 2.0)
        start["still_s"] = _u(rng, 2.0, 3.0)
    setup = None
    if sk == "still" and exercise != "straight-leg" and rng.random() < 0.14 and lead_s == 0:  # not in pairs
        if rng.random() < 0.85:
            joint = _pick(rng, {"knee": 0.5, "hip": 0.5})
            off = _u(rng, 32, 40, 2) if joint == "knee" else _u(rng, 38, 45, 2)
            intent = "fault"
        else:
            joint = "knee"
            off = _u(rng, 15, 24, 2)
            intent = "marginal"
        sign = float(rng.choice([-1, 1])) if joint == "knee" else 1.0
        setup = {"joint": joint, "offset_deg": round(sign * off, 2), "hold_s": _u(rng, 2.0, 3.5), "correct_s": _u(rng, 1.2, 2.0),
                 "intent": intent}
    legs_down = "flat" if (exercise == "straight-leg" and variant == "from_floor") else _pick(rng, {"hook": 0.6, "flat": 0.4})
    if n_sets == 1:
        target = float(np.clip(rng.gamma(3.0, 2.6), 8.0, 40.0))
    else:
        target = 40.0 if n_sets == 2 else 60.0  # 3 sets with two rests of >= 17 s cannot fit in 40 s
    motion: dict[str, Any] = {"exercise": exercise, "variant": variant, "style": style_kind, "start": start, "setup": setup,
                              "legs_down": legs_down, "end_hold_s": _u(rng, 0.8, 2.0), "sets": []}
    lead = fit_to_duration({**motion, "sets": []})
    for si in range(n_sets):
        s: dict[str, Any] = {"reps": []}
        if si:
            s.update({"rest_s": _u(rng, 17.0, 19.0, 2), "down_s": _u(rng, 1.2, 2.0), "up_s": _u(rng, 1.2, 2.0),
                      "settle_s": _u(rng, 0.8, 1.5)})
        motion["sets"].append(s)
    # fill the sets with reps until the target duration, at least one (short) rep per set
    rests = sum(x.get("rest_s", 0.0) for x in motion["sets"])
    per_set = (target - lead - motion["end_hold_s"] - rests) / n_sets
    for si, s in enumerate(motion["sets"]):
        order = _leg_order(rng, 40, exercise, variant)
        used = 0.0
        while len(s["reps"]) < 12:
            rep = draw_rep(rng, exercise, variant, order[len(s["reps"])], style)
            d = rep["lower_s"] + rep["raise_s"] + rep["pause_s"] + rep["gap_s"]
            if used + 0.5 * d > per_set:  # the last rep may run over by half its length
                if s["reps"]:
                    break
                rep = draw_rep(rng, exercise, variant, order[0], style, short=True)
                d = rep["lower_s"] + rep["raise_s"] + rep["pause_s"] + rep["gap_s"]
            s["reps"].append(rep)
            used += d
        if all(r["partial"] for r in s["reps"]):  # every set has at least one full rep
            s["reps"][0] = draw_rep(np.random.default_rng([seed, 99, si]), exercise, variant, s["reps"][0]["leg"],
                                    {**style, "partial": 0.0}, short=True)
    cap = 40.0 if n_sets < 3 else 60.0
    hrng = np.random.default_rng([seed, 97])
    if hrng.random() < 0.10:  # a long hold at the reversal of one clean rep (up to ~12 s)
        cands = [r for x in motion["sets"] for r in x["reps"] if r["intent"]["tempo"] == "clean" and not r["partial"]]
        if cands:
            before = session_duration_s(motion)
            r = cands[int(hrng.integers(0, len(cands)))]
            r["pause_s"] = _u(hrng, 6.0, 12.0)
            r["intent"]["hold"] = True
            # the hold takes the place of other reps (about the same clip length)
            while session_duration_s(motion) > min(cap, before + 3.0):
                others = [(x, q) for x in motion["sets"] for q in x["reps"] if q is not r and len(x["reps"]) > 1]
                if not others:
                    break
                x, q = others[-1]
                x["reps"].remove(q)
    while session_duration_s(motion) > cap and any(len(x["reps"]) > 1 for x in motion["sets"]):
        max(motion["sets"], key=lambda x: len(x["reps"]))["reps"].pop()
    if session_duration_s(motion) > cap:  # one rep per set and still long: shorter still start and end
        motion["end_hold_s"] = 0.6
        if start["kind"] == "still" and not setup:
            start["still_s"] = max(2.0, lead_s + 2.0)
        for x in motion["sets"][1:]:
            x["rest_s"] = 17.0
    for si, x in enumerate(motion["sets"]):
        if session_duration_s(motion) <= cap:
            break
        x["reps"] = [draw_rep(np.random.default_rng([seed, 98, si]), exercise, variant, x["reps"][0]["leg"], style, short=True)]
    while session_duration_s(motion) < 8.5 and len(motion["sets"][-1]["reps"]) < 12:  # clips last at least 8 s
        last = motion["sets"][-1]["reps"]
        last.append(draw_rep(rng, exercise, variant, _leg_order(rng, len(last) + 1, exercise, variant)[-1], style, short=True))
    return motion


def draw_negative(rng: np.random.Generator, kind: str | None = None) -> dict[str, Any]:
    """A floor exercise that is not ours (or lying still): its parameters."""
    kind = kind or str(rng.choice(NEGATIVES))
    p: dict[str, Any] = {"lead_s": _u(rng, 1.0, 2.5), "end_s": _u(rng, 0.8, 1.5)}
    if kind == "crunch":
        p.update({"reps": int(rng.integers(3, 6)), "up_s": [0.7, 1.6], "flex_deg": [35.0, 55.0]})
    elif kind == "glute_bridge":
        p.update({"reps": int(rng.integers(2, 5)), "lift_deg": [14.0, 24.0]})
    elif kind == "bridge_march":
        p.update({"marches": int(rng.integers(3, 7)), "lift_deg": [16.0, 24.0]})
    elif kind == "hollow_hold":
        holds = int(rng.integers(1, 3))
        p.update({"holds": holds, "hold_s": [6.0, 10.0] if holds == 1 else [4.0, 6.0]})
    elif kind == "lying_still":
        p.update({"still_s": _u(rng, 8.0, 12.0), "legs": "hook" if rng.random() < 0.5 else "flat"})
    elif kind == "sit_up":
        p.update({"times": 1 if rng.random() < 0.7 else 2, "sit_s": [2.0, 4.0]})
    return {"exercise": kind, "variant": "", "params": p}


def draw_bystander(seed: int, camera: dict[str, Any], duration_hint_s: float = 20.0) -> dict[str, Any] | None:
    """A second person partly in view in some clips: sitting, lying beside, or walking past."""
    rng = _rng(seed, "bystander")
    if rng.random() >= 0.10:
        return None
    behind = 1.0 if camera["side"] == "left" else -1.0  # +z is behind the person for a camera on the left
    activity = _pick(rng, {"sitting": 0.35, "lying": 0.30, "walking": 0.35})
    body = draw_body(int(rng.integers(0, 2**31)))
    cloth = draw_clothing(int(rng.integers(0, 2**31)))
    b: dict[str, Any] = {"activity": activity, "body": body, "clothing": cloth}
    if activity == "walking":
        direction = float(rng.choice([-1, 1]))
        z = behind * _u(rng, 0.8, 1.6, 2) if rng.random() < 0.7 else -behind * _u(rng, 0.9, 1.4, 2)
        b.update({"z_m": z, "direction": direction, "speed_mps": _u(rng, 0.8, 1.4), "x_from_m": -direction * 4.0,
                  "start_s": _u(rng, 0.5, max(1.0, duration_hint_s - 8.0), 2), "stride_hz": _u(rng, 0.85, 1.0)})
    elif activity == "sitting":
        b.update({"x_m": _u(rng, -1.8, 1.8, 2), "z_m": behind * _u(rng, 0.9, 1.6, 2), "heading_deg": _u(rng, 0, 360, 1),
                  "seat": "floor" if rng.random() < 0.6 else "box"})
    else:
        b.update({"x_m": _u(rng, -0.4, 0.4, 2), "z_m": behind * _u(rng, 0.85, 1.3, 2), "head_end": "same" if rng.random() < 0.7 else "other",
                  "legs": "hook" if rng.random() < 0.5 else "flat"})
    return b


# ----- the whole item --------------------------------------------------------------------------------------

EXERCISE_SLUG = {"heel-tap": "heel_tap", "leg-extension": "leg_ext", "straight-leg": "straight_leg"}


def item_name(index: int, kind: str, motion: dict[str, Any], role: str | None = None) -> str:
    ex = motion["exercise"]
    slug = EXERCISE_SLUG.get(ex, ex)
    if ex == "straight-leg" and motion.get("variant"):
        slug += "_" + {"from_vertical": "vert", "from_floor": "floor", "one_leg_held": "oneleg"}[motion["variant"]]
    if kind == "negative":
        return f"c{index:03d}_neg_{slug}"
    if kind == "pair":
        return f"c{index:03d}_pair_{slug}_{role}"
    return f"c{index:03d}_{slug}"


def draw_item(master_seed: int, index: int) -> dict[str, Any]:
    """Everything about corpus item ``index``: one clip (exercise or negative) or a two-camera pair."""
    kind = item_kind(index)
    seed = clip_seed(master_seed, index)
    body = draw_body(seed)
    clothing = draw_clothing(seed)
    straight_len = body["height_cm_target"] / 100.0
    cams: list[dict[str, Any]] = []
    pair = None
    if kind == "pair":
        prng = _rng(seed, "pair")
        a = draw_camera(seed, prng)
        a["handheld"] = False
        a.pop("shake", None), a.pop("drift", None)
        for _ in range(20):
            b = draw_camera(seed, prng)
            if (b["fps_num"], b["fps_den"]) != (a["fps_num"], a["fps_den"]) and (b["width"], b["height"]) != (a["width"], a["height"]) \
                    and abs(b["height_m"] - a["height_m"]) > 0.15:
                break
        b["handheld"] = False
        b.pop("shake", None), b.pop("drift", None)
        b["side"] = a["side"] if prng.random() < 0.4 else ("right" if a["side"] == "left" else "left")
        offset = _u(prng, -5.0, 5.0, 4)
        if abs(offset) < 0.05:
            offset = 0.37
        start_a = max(0.0, -offset)
        pair = {"id": f"p{index:03d}", "offset_s": offset, "start_a_s": round(start_a, 4), "start_b_s": round(start_a + offset, 4),
                "end_extra_s": [_u(prng, 0.0, 2.0), _u(prng, 0.0, 2.0)]}
        cams = [a, b]
        motion = draw_motion(seed, lead_s=max(pair["start_a_s"], pair["start_b_s"]))
    else:
        cams = [draw_camera(seed)]
        motion = draw_motion(seed, kind=kind)
    top = motion_top_m(motion, body["height_cm_target"])
    duration = session_duration_s(motion)
    for cam in cams:
        budget_video(cam, duration, np.random.default_rng([seed, ASPECTS["video"], 3]))
        sway = 0.0
        if cam.get("handheld"):
            sway = cam["distance_m"] * math.tan(math.radians(cam["drift"]["pan_deg"])) + cam["drift"]["move_m"]
        cam["vfov_deg"], cam["distance_m"] = fit_view(straight_len, cam["distance_m"], cam["yaw_deg"], cam["fill"],
                                                      cam["width"] / cam["height"], top, cam["pitch_deg"], sway)
        cam["aim_height_m"] = round(max(0.22, 0.45 * top), 3)
    straight_legs = motion["exercise"] in ("straight-leg", "hollow_hold", "sit_up", "lying_still") or motion.get("legs_down") == "flat"
    room = draw_room(seed, cams, straight_legs)
    room["mat"]["rgb"] = clothing["mat_rgb"]
    backlit = np.random.default_rng([seed, ASPECTS["light"], 7]).random() < 0.10
    room["window"] = draw_window(seed, room, cams, backlit)
    light = draw_light(seed, backlit, cams[0]["side"])
    video = draw_video(seed)
    if max(max(c["width"], c["height"]) for c in cams) >= 1280:
        video["noise_sigma"] = 0.0  # a large frame is the costly case: keep it clean
    bystander = draw_bystander(seed, cams[0], fit_to_duration(motion) if kind != "negative" else 15.0) if kind == "exercise" else None
    names = [item_name(index, kind, motion, r) for r in (("a", "b") if kind == "pair" else (None,))]
    return {"index": index, "master_seed": master_seed, "seed": seed, "kind": kind, "split": split_of(seed),
            "names": names, "body": body, "clothing": clothing, "cameras": cams, "room": room, "light": light,
            "video": video, "motion": motion, "bystander": bystander, "pair": pair, "generator_version": GENERATOR_VERSION}


def corpus_items(master_seed: int, count: int) -> list[dict[str, Any]]:
    """Items 0..count-1 of the corpus."""
    return [draw_item(master_seed, k) for k in range(count)]
