"""Joint angles, the floor line and heel height, vectorised over frames (pure numpy).

Inputs are landmark arrays of shape (..., 33, 2) in image pixels or (..., 33, 3) in
metres; outputs keep the leading shape. Angles are unsigned, in degrees, in [0, 180]
(``atan2(|cross|, dot)``: stable near 0° and 180°, unlike ``acos``). NaN in, NaN out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.core.landmarks import Landmark as L
from formcheck.core.legs import LEGS, Leg

# (first, vertex, last) landmarks of each angle, per leg.
ANGLES: dict[str, dict[Leg, tuple[L, L, L]]] = {
    "knee": {"left": (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE),
             "right": (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)},
    "hip": {"left": (L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_KNEE),
            "right": (L.RIGHT_SHOULDER, L.RIGHT_HIP, L.RIGHT_KNEE)},
}
HEEL: dict[Leg, L] = {"left": L.LEFT_HEEL, "right": L.RIGHT_HEEL}


def angle_at_deg(first: np.ndarray, vertex: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Angle first–vertex–last in degrees, for points of shape (..., 2) or (..., 3)."""
    u = np.asarray(first, dtype=np.float64) - vertex
    v = np.asarray(last, dtype=np.float64) - vertex
    dot = np.sum(u * v, axis=-1)
    if u.shape[-1] == 2:
        cross = np.abs(u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0])
    else:
        cross = np.linalg.norm(np.cross(u, v), axis=-1)
    angle = np.degrees(np.arctan2(cross, dot))
    degenerate = (np.linalg.norm(u, axis=-1) == 0) | (np.linalg.norm(v, axis=-1) == 0)
    return np.where(degenerate, np.nan, angle)


def joint_angle_deg(landmarks: np.ndarray, joint: str, leg: Leg) -> np.ndarray:
    """``joint`` ("knee" or "hip") angle of ``leg`` from (..., 33, D) landmarks."""
    first, vertex, last = ANGLES[joint][leg]
    return angle_at_deg(landmarks[..., first, :], landmarks[..., vertex, :], landmarks[..., last, :])


# Above this the law-of-cosines knee angle loses sensitivity (d(angle)/d(distance) → ∞ at
# 180°), so the direct three-landmark angle is used instead.
LENGTHS_KNEE_MAX_DEG = 150.0
SHOULDER: dict[Leg, L] = {"left": L.LEFT_SHOULDER, "right": L.RIGHT_SHOULDER}
HIP: dict[Leg, L] = {"left": L.LEFT_HIP, "right": L.RIGHT_HIP}
ANKLE: dict[Leg, L] = {"left": L.LEFT_ANKLE, "right": L.RIGHT_ANKLE}


def segment_length_px(landmarks: np.ndarray, leg: Leg) -> tuple[np.ndarray, np.ndarray]:
    """(thigh, shin) lengths hip–knee and knee–ankle of ``leg``, per frame."""
    first, knee, ankle = ANGLES["knee"][leg]
    thigh = np.linalg.norm(landmarks[..., knee, :] - landmarks[..., first, :], axis=-1)
    shin = np.linalg.norm(landmarks[..., ankle, :] - landmarks[..., knee, :], axis=-1)
    return thigh, shin


def knee_angle_from_lengths_deg(xy_px: np.ndarray, leg: Leg, thigh_px: float, shin_px: float) -> np.ndarray:
    """Knee angle of ``leg`` from the hip–ankle distance and calibrated segment lengths.

    The knee landmark is the one most often displaced when the far leg hides behind the
    near one; hip and ankle stay visible. With the thigh and shin lengths measured in
    the calibration, the law of cosines gives the knee angle without the knee landmark.
    Where that angle exceeds :data:`LENGTHS_KNEE_MAX_DEG` the direct angle is returned.
    """
    distance = np.linalg.norm(xy_px[..., ANKLE[leg], :] - xy_px[..., HIP[leg], :], axis=-1)
    cosine = (thigh_px ** 2 + shin_px ** 2 - distance ** 2) / (2.0 * thigh_px * shin_px)
    from_lengths = np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0)))
    direct = joint_angle_deg(xy_px, "knee", leg)
    return np.where(from_lengths <= LENGTHS_KNEE_MAX_DEG, from_lengths, direct)


def hip_angle_from_lengths_deg(xy_px: np.ndarray, leg: Leg, thigh_px: float, shin_px: float) -> np.ndarray:
    """Hip angle of ``leg`` without the knee landmark: ∠(shoulder, hip, ankle) minus the
    hip–knee–ankle triangle's angle at the hip (law of cosines with calibrated lengths).

    Valid for a knee that bends the shin toward the feet side of the thigh, as in every
    profile here; the direct angle is returned where the knee is nearly straight.
    """
    shoulder, hip, ankle = (xy_px[..., index[leg], :] for index in (SHOULDER, HIP, ANKLE))
    distance = np.linalg.norm(ankle - hip, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cosine = (thigh_px ** 2 + distance ** 2 - shin_px ** 2) / (2.0 * thigh_px * distance)
    at_hip = np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0)))
    from_lengths = angle_at_deg(shoulder, hip, ankle) - at_hip
    knee = knee_angle_from_lengths_deg(xy_px, leg, thigh_px, shin_px)
    return np.where(knee <= LENGTHS_KNEE_MAX_DEG, from_lengths, joint_angle_deg(xy_px, "hip", leg))


def sweep_angle_deg(points_px: np.ndarray, pivot_px: np.ndarray, up_px: np.ndarray,
                    toward_px: np.ndarray) -> np.ndarray:
    """Signed angle (deg) of (..., 2) points about a fixed pivot: 0 along ``up_px``, +90
    along ``toward_px`` (both unit vectors), −90 opposite it."""
    offset = np.asarray(points_px, dtype=np.float64) - np.asarray(pivot_px, dtype=np.float64)
    return np.degrees(np.arctan2(offset @ np.asarray(toward_px, dtype=np.float64),
                                 offset @ np.asarray(up_px, dtype=np.float64)))


def leg_sweep_deg(xy_px: np.ndarray, leg: Leg, hip_px: np.ndarray, up_px: np.ndarray,
                  feet_px: np.ndarray) -> np.ndarray:
    """How far a leg has swung toward the feet about a fixed hip point (deg).

    The mean of the knee's and the ankle's :func:`sweep_angle_deg` about ``hip_px`` (the
    hip frozen at calibration), ``up_px`` pointing away from the floor and ``feet_px``
    along the trunk toward the feet. The thigh turns about the hip joint, but the hip
    *landmark* slides with the thigh, so angles at the moving landmark (the hip angle)
    bend the time course of a lowering; about a fixed point the knee and ankle follow
    the thigh (and the knee, which moves with it in every profile) without that.
    """
    knee_idx, ankle_idx = ANGLES["knee"][leg][1], ANGLES["knee"][leg][2]
    knee = sweep_angle_deg(xy_px[..., knee_idx, :], hip_px, up_px, feet_px)
    ankle = sweep_angle_deg(xy_px[..., ankle_idx, :], hip_px, up_px, feet_px)
    return (knee + ankle) / 2.0


@dataclass(frozen=True)
class FloorLine:
    """The mat in the image: a point on it, a unit normal pointing up into the body, and scale.

    Attributes:
        point_px: (2,) a point on the floor line, in pixels.
        normal_px: (2,) unit vector perpendicular to the floor, pointing away from it.
        cm_per_px: image scale at the body (from the trunk length).
        trunk_px: mid-shoulder to mid-hip distance at calibration, in pixels.
    """

    point_px: np.ndarray
    normal_px: np.ndarray
    cm_per_px: float
    trunk_px: float

    def height_px(self, points_px: np.ndarray) -> np.ndarray:
        """Signed distance of (..., 2) points above the floor line, in pixels."""
        return np.sum((np.asarray(points_px) - self.point_px) * self.normal_px, axis=-1)

    def height_cm(self, points_px: np.ndarray) -> np.ndarray:
        """Distance of (..., 2) points above the floor line, in cm."""
        return self.height_px(points_px) * self.cm_per_px




def floor_line(shoulder_px: np.ndarray, hip_px: np.ndarray, up_hint_px: np.ndarray,
               joint_above_floor_px: float, cm_per_px: float) -> FloorLine:
    """The floor line parallel to the shoulder→hip axis, ``joint_above_floor_px`` below it.

    Args:
        shoulder_px, hip_px: (2,) mid-shoulder and mid-hip in tabletop (calibration medians).
        up_hint_px: (2,) a point known to be above the floor (e.g. the knees in tabletop).
        joint_above_floor_px: how far the shoulder/hip joint centres sit above the mat.
        cm_per_px: image scale.
    """
    axis = np.asarray(hip_px, dtype=np.float64) - shoulder_px
    trunk_px = float(np.linalg.norm(axis))
    if not np.isfinite(trunk_px) or trunk_px == 0:
        raise ValueError("floor_line needs distinct, finite shoulder and hip points")
    normal = np.array([-axis[1], axis[0]]) / trunk_px
    if np.dot(np.asarray(up_hint_px) - hip_px, normal) < 0:
        normal = -normal
    point = (np.asarray(shoulder_px) + hip_px) / 2 - normal * joint_above_floor_px
    return FloorLine(point_px=point, normal_px=normal, cm_per_px=float(cm_per_px), trunk_px=trunk_px)


# The far leg's apparent size relative to the near leg's (far/near segment length in the
# image) is trusted between these bounds; outside them the landmarks are off, not the camera.
FAR_SIZE_RATIO_RANGE = (0.75, 1.0)


@dataclass(frozen=True)
class DepthCorrection:
    """Undoes the perspective on heights of a leg farther from the camera than the floor line.

    The floor line runs through the body's midline. A heel behind that plane, at true
    height ``h``, looks ``h·(1 − r) + Yc·r`` above the line, where ``Yc`` is the camera
    height and ``1 − r`` the far plane's image scale relative to the near one (a camera at
    0.95 m, 3.2 m away, made the far heel read 13 cm above the floor when it touched it).
    ``apply`` inverts that: ``(measured − offset_cm) · gain`` with ``offset_cm = Yc·r`` and
    ``gain = 1 / (1 − r)``. The identity (the default) leaves heights as measured.
    """

    offset_cm: float = 0.0
    gain: float = 1.0

    def apply(self, height_cm: np.ndarray | float) -> np.ndarray:
        """True height (cm) of measured heights (cm) on this leg."""
        return (np.asarray(height_cm, dtype=np.float64) - self.offset_cm) * self.gain


def far_leg_correction(near_baseline_cm: float, far_baseline_cm: float, far_size_ratio: float) -> DepthCorrection:
    """The :class:`DepthCorrection` of the far leg, from a posture where both heels are equally high.

    Args:
        near_baseline_cm: the near heel's measured height in that posture (tabletop), cm.
        far_baseline_cm: the far heel's measured height in the same frames, cm.
        far_size_ratio: far/near apparent segment length (thigh, shin) — the scale ``1 − r``.
    Returns the identity when the inputs are unknown or the ratio is implausible.
    """
    low, high = FAR_SIZE_RATIO_RANGE
    values = (near_baseline_cm, far_baseline_cm, far_size_ratio)
    if not all(np.isfinite(v) for v in values) or not low <= far_size_ratio <= high:
        return DepthCorrection()
    # far baseline = h·(1 − r) + Yc·r with h = the near baseline  →  Yc·r
    offset_cm = far_baseline_cm - near_baseline_cm * far_size_ratio
    return DepthCorrection(offset_cm=float(offset_cm), gain=float(1.0 / far_size_ratio))


def heel_height_cm(xy_px: np.ndarray, floor: FloorLine, leg: Leg,
                   correction: DepthCorrection = DepthCorrection()) -> np.ndarray:
    """Heel of ``leg`` above the floor, in cm, from (..., 33, 2) image landmarks, corrected for
    the perspective of a leg behind the floor line's plane (the far leg; identity by default)."""
    return correction.apply(floor.height_cm(xy_px[..., HEEL[leg], :]))


def heel_height_frac(heel_cm: np.ndarray | float, floor: FloorLine) -> np.ndarray:
    """A heel height (cm) as a fraction of the trunk (shoulder–hip) length: body-size free."""
    return np.asarray(heel_cm, dtype=np.float64) / (floor.trunk_px * floor.cm_per_px)


def leg_angles_deg(landmarks: np.ndarray) -> dict[str, np.ndarray]:
    """``knee_angle_<leg>_deg`` and ``hip_angle_<leg>_deg`` for both legs."""
    return {f"{joint}_angle_{leg}_deg": joint_angle_deg(landmarks, joint, leg)
            for joint in ANGLES for leg in LEGS}
