"""Pinhole camera: placement around the lying body and projection to pixels (pure numpy).

The renderer draws with exactly :meth:`Camera.view_proj`, and the truth's 2D
points come from :meth:`Camera.project`, so both agree to float precision.
Pixel coordinates: x right, y down, (0, 0) the top-left corner of the image
(MediaPipe's normalised x·width, y·height).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from formcheck.synth.spec import CameraSpec


def look_at(eye: np.ndarray, target: np.ndarray, up: np.ndarray = np.array([0.0, 1.0, 0.0])) -> np.ndarray:
    """4×4 OpenGL view matrix (world → camera, camera looks along −z)."""
    f = target - eye
    f = f / np.linalg.norm(f)
    s = np.cross(f, up)
    s = s / np.linalg.norm(s)
    u = np.cross(s, f)
    m = np.eye(4)
    m[0, :3], m[1, :3], m[2, :3] = s, u, -f
    m[:3, 3] = -m[:3, :3] @ eye
    return m


def perspective(vfov_deg: float, aspect: float, near_m: float = 0.05, far_m: float = 60.0) -> np.ndarray:
    """4×4 OpenGL perspective projection matrix."""
    f = 1.0 / math.tan(math.radians(vfov_deg) / 2.0)
    m = np.zeros((4, 4))
    m[0, 0] = f / aspect
    m[1, 1] = f
    m[2, 2] = (far_m + near_m) / (near_m - far_m)
    m[2, 3] = 2.0 * far_m * near_m / (near_m - far_m)
    m[3, 2] = -1.0
    return m


@dataclass(frozen=True)
class Camera:
    """A fixed camera: eye and target in world metres, vertical FOV, image size in px."""

    eye_m: tuple[float, float, float]
    target_m: tuple[float, float, float]
    vfov_deg: float
    width_px: int
    height_px: int
    roll_deg: float = 0.0  # > 0 turns the camera counter-clockwise about its view axis (the scene turns clockwise)

    @classmethod
    def from_spec(cls, spec: CameraSpec, centre_m: np.ndarray, width_px: int, height_px: int) -> "Camera":
        """Place the camera as the spec says, aimed at the body centre ``centre_m``.

        The person's left side faces world −z, the right side +z.
        """
        side = -1.0 if spec.side == "left" else 1.0
        yaw = math.radians(spec.yaw_deg)
        # yaw > 0 swings the camera towards the feet (+x)
        offset = np.array([math.sin(yaw), 0.0, side * math.cos(yaw)]) * spec.distance_m
        eye = np.array([centre_m[0], spec.height_m, centre_m[2]]) + offset
        eye[1] = spec.height_m
        return cls(tuple(eye), tuple(centre_m), spec.vfov_deg, width_px, height_px)

    @property
    def view(self) -> np.ndarray:
        m = look_at(np.asarray(self.eye_m, float), np.asarray(self.target_m, float))
        if self.roll_deg:
            a = math.radians(self.roll_deg)
            r = np.eye(4)
            r[0, 0], r[0, 1], r[1, 0], r[1, 1] = math.cos(a), math.sin(a), -math.sin(a), math.cos(a)
            m = r @ m
        return m

    @property
    def proj(self) -> np.ndarray:
        return perspective(self.vfov_deg, self.width_px / self.height_px)

    @property
    def view_proj(self) -> np.ndarray:
        """World → clip space, the matrix the renderer uses."""
        return self.proj @ self.view

    def project(self, points_m: np.ndarray) -> np.ndarray:
        """Project world points (…, 3) to pixel coordinates (…, 2)."""
        p = np.asarray(points_m, float)
        h = np.concatenate([p, np.ones(p.shape[:-1] + (1,))], axis=-1) @ self.view_proj.T
        ndc = h[..., :2] / h[..., 3:4]
        x = (ndc[..., 0] + 1.0) * 0.5 * self.width_px
        y = (1.0 - ndc[..., 1]) * 0.5 * self.height_px
        return np.stack([x, y], axis=-1)


def aimed_camera(side: str, height_m: float, distance_m: float, yaw_deg: float, pitch_deg: float, roll_deg: float,
                 vfov_deg: float, centre_m: np.ndarray, width_px: int, height_px: int) -> Camera:
    """A camera placed as :meth:`Camera.from_spec` does, aimed ``pitch_deg`` above (> 0) or below the
    body centre and rolled by ``roll_deg`` (a phone leaning on something)."""
    base = Camera.from_spec(CameraSpec(side=side, height_m=height_m, distance_m=distance_m, yaw_deg=yaw_deg,
                                       vfov_deg=vfov_deg), centre_m, width_px, height_px)
    eye = np.asarray(base.eye_m)
    target = np.asarray(base.target_m, float).copy()
    horiz = float(np.linalg.norm((target - eye)[[0, 2]]))
    target[1] += math.tan(math.radians(pitch_deg)) * horiz
    return Camera(tuple(float(v) for v in eye), tuple(float(v) for v in target), vfov_deg, width_px, height_px, roll_deg)


def handheld_camera(base: Camera, t_s: float, shake: dict, drift: dict) -> Camera:
    """``base`` as held in a hand at time ``t_s``: a small shake (a few mm, a fraction of a degree, 3–9 Hz)
    plus a slow drift (the hand pans a few degrees and moves a few cm over seconds). Smooth and
    deterministic in ``t_s``."""
    eye = np.asarray(base.eye_m, float)
    target = np.asarray(base.target_m, float)
    f1, f2 = shake["freq_hz"]
    ph = shake["phase"]
    a = shake["amp_mm"] / 1000.0
    w1, w2 = 2 * math.pi * f1 * t_s, 2 * math.pi * f2 * t_s
    eye_off = a * np.array([math.sin(w1 + ph[0]) + 0.5 * math.sin(w2 + ph[1]),
                            math.sin(w1 + ph[2]) + 0.5 * math.sin(w2 + ph[3]),
                            0.5 * math.sin(w1 + ph[4])])
    dist = float(np.linalg.norm(target - eye))
    rot = math.radians(shake["rot_deg"])
    aim_off = rot * dist * np.array([math.sin(w2 + ph[4]), math.sin(w1 + ph[5]), 0.0])
    dp = drift["phase"]
    wp = 2 * math.pi * t_s / drift["period_s"]
    pan = math.radians(drift["pan_deg"]) * math.sin(wp + dp[0])
    tilt = math.radians(0.4 * drift["pan_deg"]) * math.sin(0.7 * wp + dp[1])
    move = drift["move_m"] * np.array([math.sin(0.8 * wp + dp[2]), 0.3 * math.sin(1.3 * wp + dp[3]), 0.0])
    eye2 = eye + eye_off + move
    v = target - eye
    c, s = math.cos(pan), math.sin(pan)
    v = np.array([c * v[0] + s * v[2], v[1], -s * v[0] + c * v[2]])
    v[1] += math.tan(tilt) * float(np.linalg.norm(v[[0, 2]]))
    target2 = eye2 + v + aim_off
    roll = base.roll_deg + 0.3 * shake["rot_deg"] * math.sin(w1 + ph[1])
    return Camera(tuple(float(x) for x in eye2), tuple(float(x) for x in target2), base.vfov_deg, base.width_px,
                  base.height_px, roll)
