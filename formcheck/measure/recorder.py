"""Collects what each frame contributes, calibrates, and turns it into a :class:`MeasureSeries`.

Per frame it keeps only small arrays (landmarks as float32 and three silhouette numbers),
never the frames or masks, so memory grows by ~1 kB a frame. Masks are read as they
arrive once the calibration exists; the frames of the calibration window itself are
read from the calibrator's buffer.

If the person (or the camera) moves after calibration — the trunk shifts by more than
the profile's ``moved_trunk_frac`` of its length for ``moved_for_s`` — the frozen axis no longer fits:
the recorder starts a new calibration, and each stretch of frames is measured against its
own. Frames between the move and the new calibration have no heel height or lumbar lift.
"""

from __future__ import annotations

import math

import numpy as np

from dataclasses import dataclass

from formcheck.measure.calibration import Calibration, CalibrationSettings, Calibrator
from formcheck.core.landmarks import HIPS, SHOULDERS, midpoint
from formcheck.measure.geometry import heel_height_cm, heel_height_frac, hip_angle_from_lengths_deg, knee_angle_from_lengths_deg, leg_angles_deg, leg_sweep_deg
from formcheck.core.landmarks import NUM_LANDMARKS
from formcheck.core.pose import Pose
from formcheck.core.legs import LEGS, Leg
from formcheck.core.series import MeasureSeries
from formcheck.measure.frame_table import FrameTable
from formcheck.measure.silhouette import SilhouetteMeter
from formcheck.profiles import ExerciseProfile, get_profile
from formcheck.wording import say

_GROW_BY = 1024
_TRUNK_POINTS = [*SHOULDERS, *HIPS]


@dataclass(frozen=True)
class CalibrationSegment:
    """Frames from row ``start`` on are measured against ``calibration`` (None: not yet)."""

    start: int
    calibration: Calibration | None
    moved_at_s: float | None = None  # when the move that ended the previous segment began


class MeasureRecorder:
    """``update(pose)`` every frame; ``series()`` at any time for the measurements so far."""

    def __init__(self, profile: ExerciseProfile | None = None) -> None:
        self.profile = profile if profile is not None else get_profile()
        self.settings = CalibrationSettings.for_profile(self.profile)
        self.calibrator = Calibrator(self.settings)
        self.segments: list[CalibrationSegment] = []
        self._active: Calibration | None = None
        self._meter: SilhouetteMeter | None = None
        self._moved_since_s: float | None = None
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
        if self._active is None:
            calibration = self.calibrator.update(pose)
            if calibration is not None:
                self._calibrated(calibration)
        elif pose.detected:
            if self._moved(pose):
                return
            if self._meter is not None:
                self._silhouette[i] = self._read(pose.mask)

    @property
    def calibration(self) -> Calibration | None:
        """The first calibration (the session's reference), or None."""
        return next((s.calibration for s in self.segments if s.calibration is not None), None)

    @property
    def active_calibration(self) -> Calibration | None:
        """The calibration the newest frames are measured against (None while calibrating)."""
        return self._active

    def restart_calibration(self) -> None:
        """Calibrate again from the next frame on (live: the user pressed ``r``).

        Frames recorded so far keep their calibration; later ones are measured against
        the new one once the person has held a still tabletop again.
        """
        if self._active is not None:
            self.segments.append(CalibrationSegment(self._count, None))
        self._active, self._meter, self._moved_since_s = None, None, None
        self.calibrator = Calibrator(self.settings)

    def finish(self) -> Calibration | None:
        """End of stream: calibrate on a fallback if nothing better was found."""
        if self._active is None and (not self.segments or self.segments[-1].calibration is None):
            calibration = self.calibrator.finish()
            if calibration is not None:
                self._calibrated(calibration)
        return self.calibration

    def _moved(self, pose: Pose) -> bool:
        """True once the trunk has sat away from its calibrated place for ``moved_for_s``
        (a lowering leg moves the hip landmark far less)."""
        assert self._active is not None
        axis = self._active.axis
        # shoulders and hips in one call: (2 pairs, 2 sides, xy) → (2, xy) centres
        centres = midpoint(pose.xy_px[_TRUNK_POINTS].reshape(2, 2, 2), (0, 1))
        shift_px = max(math.hypot(*(centres[0] - axis.shoulder_px)), math.hypot(*(centres[1] - axis.hip_px)))
        if not shift_px > self.profile.moved_trunk_frac * axis.length_px:
            self._moved_since_s = None
            return False
        if self._moved_since_s is None:
            self._moved_since_s = pose.t_s
        if pose.t_s - self._moved_since_s < self.profile.moved_for_s:
            return False
        start = int(np.searchsorted(self._t_s[: self._count], self._moved_since_s))
        self.segments.append(CalibrationSegment(start, None, moved_at_s=self._moved_since_s))
        self._active, self._meter, self._moved_since_s = None, None, None
        self.calibrator = Calibrator(self.settings)
        return True

    def _calibrated(self, calibration: Calibration) -> None:
        self._active = calibration
        times = self._t_s[: self._count]
        if not self.segments:
            self.segments.append(CalibrationSegment(0, calibration))
        else:
            start = int(np.searchsorted(times, calibration.start_s))
            self.segments.append(CalibrationSegment(max(start, self.segments[-1].start), calibration))
        self._meter = calibration.meter()
        if self._meter is None:
            return
        # read the buffered still frames (the window and its tail), so they have values too
        for pose in self.calibrator.buffered_poses:
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
    def frame_index(self) -> np.ndarray:
        """(n,) source frame index of every recorded row (increasing)."""
        return self._frame_index[: self._count]

    @property
    def xy_px(self) -> np.ndarray:
        """(n, 33, 2) image landmarks of every recorded frame (NaN where not found)."""
        return self._xy_px[: self._count].astype(np.float64)

    @property
    def visibility(self) -> np.ndarray:
        """(n, 33) MediaPipe visibility of every landmark (NaN where nobody was found)."""
        return self._visibility[: self._count].astype(np.float64)

    @property
    def world_m(self) -> np.ndarray:
        return self._world_m[: self._count].astype(np.float64)

    def series(self) -> MeasureSeries:
        """The raw (unsmoothed) measurements of every recorded frame."""
        xy = self.xy_px
        series = _uncalibrated(self.t_s.copy(), xy)
        silhouette = self._silhouette[: self._count]
        for rows, calibration in self._calibrated_rows():
            self._measure(series, xy, silhouette, rows, calibration)
        return series

    def _calibrated_rows(self) -> list[tuple[slice, Calibration]]:
        """(rows, calibration) of every stretch of frames that has a calibration."""
        bounds = [seg.start for seg in self.segments[1:]] + [self._count]
        return [(slice(segment.start, stop), segment.calibration)
                for segment, stop in zip(self.segments, bounds) if segment.calibration is not None]

    def latest(self) -> MeasureSeries:
        """The raw measurements of the newest frame only (a one-row series; cheap, for live)."""
        if self._count == 0:
            raise ValueError("latest() needs at least one recorded frame")
        rows = slice(self._count - 1, self._count)
        xy = self._xy_px[rows].astype(np.float64)
        series = _uncalibrated(self._t_s[rows].copy(), xy)
        if self._active is not None:
            self._measure(series, xy, self._silhouette[rows], slice(0, 1), self._active)
        return series

    @staticmethod
    def _measure(series: MeasureSeries, xy: np.ndarray, silhouette: np.ndarray, rows: slice,
                 calibration: Calibration) -> None:
        """Fill the calibrated measures of ``rows`` (heel heights, lengths-based angles, lumbar)."""
        floor = calibration.floor
        part = xy[rows]
        for leg in LEGS:
            thigh_px, shin_px = calibration.segment_px[leg]
            if np.isfinite(thigh_px) and np.isfinite(shin_px) and thigh_px > 0 and shin_px > 0:
                getattr(series, f"knee_angle_{leg}_deg")[rows] = knee_angle_from_lengths_deg(
                    part, leg, thigh_px, shin_px)
                getattr(series, f"hip_angle_{leg}_deg")[rows] = hip_angle_from_lengths_deg(
                    part, leg, thigh_px, shin_px)
            heel_cm = heel_height_cm(part, floor, leg, calibration.heel_correction[leg])
            getattr(series, f"heel_height_{leg}_cm")[rows] = heel_cm
            getattr(series, f"heel_height_{leg}_frac")[rows] = heel_height_frac(heel_cm, floor)
        # always measured; the rules and the report decide whether the view makes it trustworthy
        series.lumbar_lift_cm[rows] = silhouette[rows, 0] * calibration.cm_per_px
        series.pelvic_tilt_deg[rows] = silhouette[rows, 1]

    @property
    def back_gap_cm(self) -> np.ndarray:
        """The gap under the lower back (second opinion), cm above its imprint value."""
        gap = np.full(self._count, np.nan)
        for rows, calibration in self._calibrated_rows():
            gap[rows] = self._silhouette[rows, 2] * calibration.cm_per_px
        return gap

    def leg_sweep_deg(self, leg: Leg) -> np.ndarray:
        """Raw per-frame sweep of ``leg`` toward the feet about the calibrated hip (deg, NaN
        before a calibration); see :func:`formcheck.geometry.leg_sweep_deg`."""
        sweep = np.full(self._count, np.nan)
        xy = self.xy_px
        for rows, calibration in self._calibrated_rows():
            axis = calibration.axis
            sweep[rows] = leg_sweep_deg(xy[rows], leg, axis.hip_px, axis.up_px, axis.feet_px)
        return sweep

    def recalibration_notes(self) -> list[str]:
        """One sentence per move after calibration, for the report's warnings."""
        notes = []
        for segment, following in zip(self.segments[1:], self.segments[2:] + [None]):
            if segment.moved_at_s is None:
                continue
            again = following.calibration if following is not None else None
            notes.append(say("warn.moved.recalibrated", moved_s=segment.moved_at_s, again_s=again.start_s)
                         if again is not None else say("warn.moved.lost", moved_s=segment.moved_at_s))
        return notes

    def frame_table(self, series: MeasureSeries) -> FrameTable:
        """What frames.csv holds: ``series`` (e.g. smoothed) beside the raw landmarks."""
        count = self._count
        return FrameTable(series=series, frame_index=self._frame_index[:count].copy(),
                          people=self._people[:count].copy(), back_gap_cm=self.back_gap_cm,
                          xy_px=self.xy_px, visibility=self._visibility[:count].astype(np.float64),
                          world_m=self.world_m)


def _uncalibrated(t_s: np.ndarray, xy_px: np.ndarray) -> MeasureSeries:
    """A series of these frames with what needs no calibration: detection and direct angles."""
    series = MeasureSeries.empty(t_s)
    series.detected = np.isfinite(xy_px).any(axis=(1, 2)).astype(np.float64)
    for name, values in leg_angles_deg(xy_px).items():
        setattr(series, name, values)
    return series
