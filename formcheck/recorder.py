"""Collects what each frame contributes, calibrates, and turns it into a :class:`MeasureSeries`.

Per frame it keeps only small arrays (landmarks as float32 and three silhouette numbers),
never the frames or masks, so memory grows by ~1 kB a frame. Masks are read as they
arrive once the calibration exists; the frames of the calibration window itself are
read from the calibrator's buffer.
"""

from __future__ import annotations

import numpy as np

from formcheck.calibration import Calibration, CalibrationSettings, Calibrator
from formcheck.geometry import (
    HEEL, hip_angle_from_lengths_deg, knee_angle_from_lengths_deg, leg_angles_deg,
)
from formcheck.landmarks import NUM_LANDMARKS, Pose
from formcheck.measures import LEGS, MeasureSeries
from formcheck.report.frames_csv import FrameTable
from formcheck.silhouette import SilhouetteMeter

_GROW_BY = 1024


class MeasureRecorder:
    """``update(pose)`` every frame; ``series()`` at any time for the measurements so far."""

    def __init__(self, settings: CalibrationSettings | None = None) -> None:
        self.calibrator = Calibrator(settings)
        self.calibration: Calibration | None = None
        self._meter: SilhouetteMeter | None = None
        self._count = 0
        self._t_s = np.empty(_GROW_BY)
        self._xy_px = np.empty((_GROW_BY, NUM_LANDMARKS, 2), dtype=np.float32)
        self._world_m = np.empty((_GROW_BY, NUM_LANDMARKS, 3), dtype=np.float32)
        self._visibility = np.empty((_GROW_BY, NUM_LANDMARKS), dtype=np.float32)
        self._people = np.empty(_GROW_BY, dtype=np.int16)
        self._frame_index = np.empty(_GROW_BY, dtype=np.int64)
        self._silhouette = np.empty((_GROW_BY, 3))  # lumbar lift px, pelvic tilt deg, back gap px
        self.image_size: tuple[int, int] | None = None

    def __len__(self) -> int:
        return self._count

    def update(self, pose: Pose, frame_index: int | None = None) -> None:
        """Record one frame (missing poses included, so times stay complete)."""
        self._grow()
        i = self._count
        self._frame_index[i] = i if frame_index is None else frame_index
        self._t_s[i] = pose.t_s
        self._xy_px[i] = pose.xy_px
        self._world_m[i] = pose.world_m
        self._visibility[i] = pose.visibility
        self._people[i] = pose.num_candidates
        self._silhouette[i] = np.nan
        self._count += 1
        self.image_size = pose.image_size
        if self.calibration is None:
            calibration = self.calibrator.update(pose)
            if calibration is not None:
                self._calibrated(calibration)
        elif self._meter is not None and pose.detected:
            self._silhouette[i] = self._read(pose.mask)

    def finish(self) -> Calibration | None:
        """End of stream: calibrate on a fallback if nothing better was found."""
        if self.calibration is None:
            calibration = self.calibrator.finish()
            if calibration is not None:
                self._calibrated(calibration)
        return self.calibration

    def _calibrated(self, calibration: Calibration) -> None:
        self.calibration = calibration
        self._meter = calibration.meter()
        if self._meter is None:
            return
        # read the buffered calibration frames, so the baseline window has values too
        times = self._t_s[: self._count]
        for pose in self.calibrator.calibration_poses:
            index = int(np.searchsorted(times, pose.t_s))
            if index < self._count and times[index] == pose.t_s:
                self._silhouette[index] = self._read(pose.mask)

    def _read(self, mask: np.ndarray | None) -> tuple[float, float, float]:
        assert self._meter is not None
        reading = self._meter.read(mask)
        return reading.lumbar_lift_px, reading.pelvic_tilt_deg, reading.back_gap_px

    def _grow(self) -> None:
        if self._count < len(self._t_s):
            return
        size = len(self._t_s) + max(_GROW_BY, len(self._t_s) // 2)
        for name in ("_t_s", "_xy_px", "_world_m", "_visibility", "_people", "_frame_index",
                     "_silhouette"):
            old = getattr(self, name)
            new = np.empty((size,) + old.shape[1:], dtype=old.dtype)
            new[: self._count] = old[: self._count]
            setattr(self, name, new)

    @property
    def t_s(self) -> np.ndarray:
        return self._t_s[: self._count]

    @property
    def xy_px(self) -> np.ndarray:
        """(n, 33, 2) image landmarks of every recorded frame (NaN where not found)."""
        return self._xy_px[: self._count].astype(np.float64)

    @property
    def world_m(self) -> np.ndarray:
        return self._world_m[: self._count].astype(np.float64)

    def series(self) -> MeasureSeries:
        """The raw (unsmoothed) measurements of every recorded frame."""
        t_s = self.t_s.copy()
        xy = self.xy_px
        series = MeasureSeries.empty(t_s)
        series.detected = np.isfinite(xy).any(axis=(1, 2)).astype(np.float64)
        for name, values in leg_angles_deg(xy).items():
            setattr(series, name, values)
        calibration = self.calibration
        if calibration is None:
            return series
        floor = calibration.floor
        for leg in LEGS:
            thigh_px, shin_px = calibration.segment_px[leg]
            if np.isfinite(thigh_px) and np.isfinite(shin_px) and thigh_px > 0 and shin_px > 0:
                setattr(series, f"knee_angle_{leg}_deg",
                        knee_angle_from_lengths_deg(xy, leg, thigh_px, shin_px))
                setattr(series, f"hip_angle_{leg}_deg",
                        hip_angle_from_lengths_deg(xy, leg, thigh_px, shin_px))
            heel = xy[:, HEEL[leg]]
            setattr(series, f"heel_height_{leg}_cm", floor.height_cm(heel))
            setattr(series, f"heel_height_{leg}_frac", floor.height_frac(heel))
        # always measured; the rules and the report decide whether the view makes it trustworthy
        silhouette = self._silhouette[: self._count]
        series.lumbar_lift_cm = silhouette[:, 0] * calibration.cm_per_px
        series.pelvic_tilt_deg = silhouette[:, 1].copy()
        return series

    @property
    def back_gap_cm(self) -> np.ndarray:
        """The gap under the lower back (second opinion), cm above its imprint value."""
        scale = self.calibration.cm_per_px if self.calibration is not None else np.nan
        return self._silhouette[: self._count, 2] * scale

    def frame_table(self, series: MeasureSeries) -> FrameTable:
        """What frames.csv holds: ``series`` (e.g. smoothed) beside the raw landmarks."""
        count = self._count
        return FrameTable(series=series, frame_index=self._frame_index[:count].copy(),
                          people=self._people[:count].copy(), back_gap_cm=self.back_gap_cm,
                          xy_px=self.xy_px, visibility=self._visibility[:count].astype(np.float64),
                          world_m=self.world_m)
