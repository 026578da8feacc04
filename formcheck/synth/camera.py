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
        return look_at(np.asarray(self.eye_m, float), np.asarray(self.target_m, float))

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
