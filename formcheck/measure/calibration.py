"""Calibration: find the still, imprinted tabletop at the start and take the baselines.

Streaming (works live and on files): feed every :class:`Pose` to :meth:`Calibrator.update`;
it returns a :class:`Calibration` once the person has held a tabletop still for at least
``min_still_s`` (extended up to ``max_still_s`` while they stay still). If no still
tabletop appears within ``search_s`` (or the stream ends), it falls back to the stillest
second it saw and marks the calibration not ok, with a warning for the report.

Stillness is judged on key points median-filtered over 5 frames, and a slow first lowering
moves the legs too little to be noticed for about half a second, so the window leaves out the
last ``guard_s`` of the still run (keeping at least half of ``min_still_s``): it must not reach
into the first rep. The posture baselines (heel heights, knee and hip angles) are medians over
that window; the body's shape (axis, floor, scale, back contour, limb lengths) over the whole
still run, which a lowering leg moving in the image plane does not change.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.ndimage import median_filter

from formcheck.core.landmarks import HIPS, SHOULDERS, midpoint, trunk_length
from formcheck.measure.geometry import DepthCorrection, heel_height_cm, FloorLine, far_leg_correction, floor_line, joint_angle_deg, segment_length_px
from formcheck.core.landmarks import Landmark as L
from formcheck.core.pose import Pose
from formcheck.core.legs import LEGS, Leg
from formcheck.measure.silhouette import MASK_THRESHOLD, SilhouetteBaseline, SilhouetteMeter, TrunkAxis, sample_contour
from formcheck.measure.view import ViewAssessment, classify_view
from formcheck.profiles import ExerciseProfile, get_profile
from formcheck.wording import say

KEY_POINTS = (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE,
              L.LEFT_ANKLE, L.RIGHT_ANKLE)
# The body rests on the mat under the shoulder blades and the buttocks: stations there give the floor.
FLOOR_STATIONS = np.array([0.10, 0.20, 0.30, 0.95, 1.00, 1.05])
DEFAULT_JOINT_ABOVE_FLOOR_FRAC = 0.2  # joint centres above the mat / trunk length, without a mask


@dataclass(frozen=True)
class CalibrationSettings:
    """What counts as a still start posture: the calibration fields of an exercise profile."""

    min_still_s: float
    max_still_s: float
    search_s: float
    still_tolerance_frac: float
    tabletop_knee_deg: tuple[float, float]  # the start posture's knee range
    tabletop_hip_deg: tuple[float, float]
    guard_s: float = 0.0  # the still run's tail left out of the window

    @classmethod
    def for_profile(cls, profile: ExerciseProfile | None = None) -> CalibrationSettings:
        """The start posture of an exercise profile (default heel-tap): tabletop (knees at
        ``start_knee_deg``) or, for straight-leg raises, straight knees (at least
        ``knee_straight_min_deg``); hips at ``start_hip_deg``; ranges from the profile."""
        p = profile if profile is not None else get_profile()
        if p.start_knee_deg is not None:
            knee = (p.start_knee_deg - p.calibration_knee_range_deg, p.start_knee_deg + p.calibration_knee_range_deg)
        elif p.knee_straight_min_deg is not None:
            knee = (p.knee_straight_min_deg - p.calibration_straight_margin_deg, 180.0)
        else:
            knee = (0.0, 180.0)
        hip = (p.start_hip_deg - p.calibration_hip_range_deg, p.start_hip_deg + p.calibration_hip_range_deg)
        return cls(min_still_s=p.still_min_s, max_still_s=p.still_max_s, search_s=p.calibration_search_s,
                   still_tolerance_frac=p.still_tolerance_frac, tabletop_knee_deg=knee, tabletop_hip_deg=hip,
                   guard_s=p.calibration_guard_s)


@dataclass(frozen=True)
class Calibration:
    """The person's own reference posture.

    Attributes:
        ok: a still tabletop was found (False: a fallback; see ``warning``).
        start_s, end_s: the calibration window.
        axis: the frozen shoulder→hip axis (image pixels).
        floor: the floor line and image scale.
        silhouette: imprint contour baseline (None without masks).
        view: the camera view and what it allows.
        heel_height_cm: per leg, heel height above the floor in tabletop.
        knee_angle_deg, hip_angle_deg: per leg, medians during calibration.
        segment_px: per leg, (thigh, shin) lengths in pixels during calibration.
        heel_correction: per leg, the perspective correction of heel heights (the far leg
            of a side view; identity otherwise). ``heel_height_cm`` is already corrected.
        warning: why the calibration is not ok, for the report.
    """

    ok: bool
    start_s: float
    end_s: float
    axis: TrunkAxis
    floor: FloorLine
    silhouette: SilhouetteBaseline | None
    view: ViewAssessment
    heel_height_cm: dict[Leg, float]
    knee_angle_deg: dict[Leg, float]
    hip_angle_deg: dict[Leg, float]
    segment_px: dict[Leg, tuple[float, float]]
    warning: str | None = None
    heel_correction: dict[Leg, DepthCorrection] = field(
        default_factory=lambda: {leg: DepthCorrection() for leg in LEGS})

    @property
    def cm_per_px(self) -> float:
        return self.floor.cm_per_px

    def meter(self) -> SilhouetteMeter | None:
        """A silhouette meter against this imprint (None without masks)."""
        return SilhouetteMeter(self.axis, self.silhouette) if self.silhouette is not None else None


class Calibrator:
    """Consumes poses until it can return a :class:`Calibration`."""

    def __init__(self, settings: CalibrationSettings | None = None) -> None:
        self.settings = settings or CalibrationSettings.for_profile()
        self._still: deque[Pose] = deque()  # current still-tabletop run (≤ max_still_s)
        self._recent: deque[Pose] = deque()  # last min_still_s of detected frames, any posture
        self._fallback: tuple[float, list[Pose]] | None = None  # (spread, poses) stillest second
        self._first_t_s: float | None = None
        self.result: Calibration | None = None
        self.calibration_poses: list[Pose] = []  # the frames the calibration was taken from
        self.buffered_poses: list[Pose] = []  # every frame of the still run (the window and its tail)

    def update(self, pose: Pose) -> Calibration | None:
        """Feed one frame; returns the calibration once found (and then keeps returning it)."""
        if self.result is not None:
            return self.result
        if self._first_t_s is None:
            self._first_t_s = pose.t_s
        settings = self.settings
        if pose.detected:
            pose = _compact(pose)
            self._track_fallback(pose)
        if not pose.detected or not _is_tabletop(pose, settings):
            if _duration_s(self._still) >= settings.min_still_s:
                return self._finish(list(self._still), ok=True)
            self._still.clear()
            return self._give_up_if_late(pose.t_s)
        still = self._still
        still.append(pose)
        # keep the shortest run spanning max_still_s (frame times rarely hit it exactly: at
        # 29.97 fps 60 intervals are 2.002 s, so "at most 2 s" would never reach 2 s)
        while len(still) > 1 and still[-1].t_s - still[1].t_s >= settings.max_still_s - 1e-9:
            still.popleft()
        if _spread_frac(list(still)) > settings.still_tolerance_frac:
            # movement began: a long enough still stretch before it is the calibration
            before = list(still)[:-1]
            if _duration_s(before) >= settings.min_still_s:
                return self._finish(before, ok=True)
            while len(still) > 1 and _spread_frac(list(still)) > settings.still_tolerance_frac:
                still.popleft()
        elif _duration_s(still) >= settings.max_still_s - 1e-9:
            return self._finish(list(still), ok=True)
        return self._give_up_if_late(pose.t_s)

    @property
    def still_s(self) -> float:
        """How long (s) the current still start posture has been held so far (0 when none)."""
        return _duration_s(self._still)

    @property
    def ready(self) -> bool:
        """A still start posture long enough to calibrate on is being held (live feedback:
        the calibration is taken when the movement begins, or at ``max_still_s``)."""
        return self.result is None and self.still_s >= self.settings.min_still_s

    def finish(self) -> Calibration | None:
        """The stream ended: calibrate on what was seen (None if nobody was ever found)."""
        if self.result is None:
            if _duration_s(self._still) >= self.settings.min_still_s:
                return self._finish(list(self._still), ok=True)
            if self._fallback is not None:
                return self._finish(self._fallback[1], ok=False)
        return self.result

    def _track_fallback(self, pose: Pose) -> None:
        recent = self._recent
        recent.append(pose)
        while recent[-1].t_s - recent[0].t_s > self.settings.min_still_s + 1e-9:
            recent.popleft()
        if _duration_s(recent) >= 0.9 * self.settings.min_still_s:
            spread = _spread_frac(list(recent))
            if self._fallback is None or spread < self._fallback[0]:
                self._fallback = (spread, list(recent))

    def _give_up_if_late(self, t_s: float) -> Calibration | None:
        if self._first_t_s is not None and t_s - self._first_t_s > self.settings.search_s:
            return self.finish()
        return None

    def _finish(self, poses: list[Pose], ok: bool) -> Calibration:
        warning = None if ok else say("warn.calibration_fallback", search_s=self.settings.search_s)
        window = _without_tail(poses, self.settings.guard_s, 0.5 * self.settings.min_still_s) if ok else poses
        self.result = calibrate(window, ok=ok, warning=warning, shape_poses=poses)
        self.calibration_poses, self.buffered_poses = window, poses
        self._still.clear()
        self._recent.clear()
        self._fallback = None
        return self.result


def _without_tail(poses: list[Pose], guard_s: float, keep_s: float) -> list[Pose]:
    """The poses up to ``guard_s`` before the last one, but at least the first ``keep_s``."""
    if guard_s <= 0 or len(poses) < 3:
        return poses
    cut_s = max(poses[-1].t_s - guard_s, poses[0].t_s + keep_s)
    kept = [p for p in poses if p.t_s <= cut_s + 1e-9]
    return kept if len(kept) >= 2 else poses[:2]


def _duration_s(poses: deque[Pose] | list[Pose]) -> float:
    return poses[-1].t_s - poses[0].t_s if poses else 0.0


def calibrate(poses: list[Pose], ok: bool = True, warning: str | None = None,
              shape_poses: list[Pose] | None = None) -> Calibration:
    """Baselines from the given (still, tabletop) frames.

    ``shape_poses`` (default ``poses``): the frames the body's shape is taken from — the trunk
    axis, floor and scale, the back's imprint contour, limb lengths and the view — which the
    start of a lowering does not change (the leg moves in the image plane); the posture (heel
    heights, knee and hip angles) and the window's times come from ``poses``.
    """
    shape = shape_poses if shape_poses else poses
    xy = np.stack([p.xy_px for p in shape])
    world = np.stack([p.world_m for p in shape])
    with np.errstate(all="ignore"):
        shoulder = np.nanmedian(midpoint(xy, SHOULDERS), axis=0)
        hip = np.nanmedian(midpoint(xy, HIPS), axis=0)
        knees = np.nanmedian(midpoint(xy, (L.LEFT_KNEE, L.RIGHT_KNEE)), axis=0)
        trunk_m = np.nanmedian(trunk_length(world))
    trunk_px = float(np.linalg.norm(hip - shoulder))
    cm_per_px = float(trunk_m * 100.0 / trunk_px)
    provisional = floor_line(shoulder, hip, knees, 0.0, cm_per_px)
    axis = TrunkAxis(shoulder_px=shoulder, hip_px=hip, up_px=provisional.normal_px)
    masks = [p.mask for p in shape if p.mask is not None]
    silhouette = SilhouetteMeter.baseline_from(masks, axis) if masks else None
    joint_above_floor_px = _joint_above_floor_px(masks, axis)
    floor = floor_line(shoulder, hip, knees, joint_above_floor_px, cm_per_px)
    image_size = poses[0].image_size
    posture = np.stack([p.xy_px for p in poses])
    with np.errstate(all="ignore"):
        heel = {leg: float(np.nanmedian(heel_height_cm(posture, floor, leg))) for leg in LEGS}
        knee = {leg: float(np.nanmedian(joint_angle_deg(posture, "knee", leg))) for leg in LEGS}
        hip_angle = {leg: float(np.nanmedian(joint_angle_deg(posture, "hip", leg))) for leg in LEGS}
        segments: dict[Leg, tuple[float, float]] = {}
        for leg in LEGS:
            thigh_px, shin_px = segment_length_px(xy, leg)
            segments[leg] = (float(np.nanmedian(thigh_px)), float(np.nanmedian(shin_px)))
        heel_shape = {leg: float(np.nanmedian(heel_height_cm(xy, floor, leg))) for leg in LEGS}
    view = classify_view(world, xy, image_size)
    # the far leg's perspective is part of the shape: both heels level over the whole still run
    correction = (_heel_corrections(heel_shape, segments, view) if ok
                  else {leg: DepthCorrection() for leg in LEGS})
    heel = {leg: float(correction[leg].apply(heel[leg])) for leg in LEGS}
    return Calibration(ok=ok, start_s=poses[0].t_s, end_s=poses[-1].t_s, axis=axis, floor=floor,
                       silhouette=silhouette, view=view,
                       heel_height_cm=heel, knee_angle_deg=knee, hip_angle_deg=hip_angle,
                       segment_px=segments, warning=warning, heel_correction=correction)


def _heel_corrections(heel_cm: dict[Leg, float], segments_px: dict[Leg, tuple[float, float]],
                      view: ViewAssessment) -> dict[Leg, DepthCorrection]:
    """Perspective corrections per leg: the far leg of a side/oblique view, from the still
    start posture (both heels equally high) and the far leg's apparent size."""
    corrections = {leg: DepthCorrection() for leg in LEGS}
    near, far = view.near_side, view.far_side
    if near is None or far is None:
        return corrections
    with np.errstate(all="ignore"):
        ratio = float(np.nanmean(np.asarray(segments_px[far]) / np.asarray(segments_px[near])))
    corrections[far] = far_leg_correction(heel_cm[near], heel_cm[far], ratio)
    return corrections


def _joint_above_floor_px(masks: list[np.ndarray], axis: TrunkAxis) -> float:
    """How far the shoulder/hip joints sit above the mat: the back's lower silhouette edge."""
    if masks:
        with np.errstate(all="ignore"):
            lowest = [np.nanmax(sample_contour(m, axis, FLOOR_STATIONS).lower_px) for m in masks]
            value = float(np.nanmedian(lowest))
        if np.isfinite(value) and value > 0:
            return value
    return DEFAULT_JOINT_ABOVE_FLOOR_FRAC * axis.length_px


def _is_tabletop(pose: Pose, settings: CalibrationSettings) -> bool:
    """Both legs (those seen) with knee and hip angles in the tabletop ranges."""
    knees = np.array([joint_angle_deg(pose.xy_px, "knee", leg) for leg in LEGS], dtype=np.float64)
    hips = np.array([joint_angle_deg(pose.xy_px, "hip", leg) for leg in LEGS], dtype=np.float64)
    knees, hips = knees[np.isfinite(knees)], hips[np.isfinite(hips)]
    if knees.size == 0 or hips.size == 0:
        return False
    low_knee, high_knee = settings.tabletop_knee_deg
    low_hip, high_hip = settings.tabletop_hip_deg
    return bool(np.all((knees >= low_knee) & (knees <= high_knee))
                and np.all((hips >= low_hip) & (hips <= high_hip)))


def _spread_frac(poses: list[Pose]) -> float:
    """Largest spread (max − min) of any key point over the frames, as a fraction of the trunk
    length; positions are median-filtered over 5 frames so a glitchy frame is not movement."""
    if len(poses) < 2:
        return 0.0
    xy = np.stack([p.xy_px for p in poses])
    if len(xy) >= 5:
        xy = median_filter(xy, size=(5, 1, 1), mode="nearest")
    points = xy[:, list(KEY_POINTS)]
    with np.errstate(all="ignore"):
        spread = np.nanmax(np.nanmax(points, axis=0) - np.nanmin(points, axis=0))
        trunk = np.nanmedian(trunk_length(xy))
    return float(spread / trunk) if trunk > 0 else float("inf")


def _compact(pose: Pose) -> Pose:
    """The pose with its mask thresholded to 0/1 bytes (a quarter of the float32 size):
    calibration holds up to 2 s of masks."""
    if pose.mask is None:
        return pose
    return replace(pose, mask=(pose.mask >= MASK_THRESHOLD).astype(np.uint8))
