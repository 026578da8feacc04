"""Lumbar lift and pelvic tilt from the person's silhouette (segmentation mask).

MediaPipe has no spine landmarks and its hip landmark barely moves when the pelvis tilts,
so the lower back is measured from the mask: along normals to the shoulder→hip axis, at
stations between the shoulder and the hip, find how far the silhouette reaches above the
axis (the abdominal/lumbar **upper contour**) and below it (the back; the **gap** under it
is the distance from that edge up to the floor line). Everything is relative to the
person's own imprint baseline taken during calibration.

The axis is frozen at calibration: re-deriving it each frame from the hip landmark turns
a lowering leg into a false lift, because the hip landmark moves with the thigh.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MASK_THRESHOLD = 0.5
# Stations as fractions of the way from shoulder to hip where the lumbar rise is measured.
# On rendered bodies with exact truth, arching lifts the contour alike from 0.45 to 0.70
# (r ≈ 0.99 with the true gap each), but extending both hips (straight legs lowering) also
# raises it from 0.60 on by 2–5 cm without any lift; from 0.80 on the contour follows the
# thighs. 0.40–0.58 keeps the first and avoids the other two.
LUMBAR_STATIONS = np.linspace(0.40, 0.58, 7)
# Pelvic tilt: the pelvis rotates about the hip joints, lifting the lumbar region; its
# contour near the hip cannot be read (thighs), so tilt = atan(lift / lever) with an
# effective lever in trunk lengths. 0.36 is fitted on the rendered arching clip's truth
# (anny body; tilt 14° at 4.5 cm lift) — a model constant, checked by bench/accuracy.py.
TILT_LEVER_TRUNK_FRAC = 0.36


@dataclass(frozen=True)
class TrunkAxis:
    """The shoulder→hip axis frozen at calibration, in image pixels.

    Attributes:
        shoulder_px, hip_px: (2,) mid-shoulder and mid-hip during the imprint.
        up_px: (2,) unit normal to the axis pointing away from the floor.
    """

    shoulder_px: np.ndarray
    hip_px: np.ndarray
    up_px: np.ndarray

    @property
    def length_px(self) -> float:
        return float(np.linalg.norm(self.hip_px - self.shoulder_px))

    @property
    def feet_px(self) -> np.ndarray:
        """(2,) unit vector along the axis from the shoulders toward the hips (and the feet)."""
        return (self.hip_px - self.shoulder_px) / max(self.length_px, 1e-9)

    def station_points(self, fractions: np.ndarray) -> np.ndarray:
        """(k, 2) points on the axis at ``fractions`` of the way from shoulder to hip."""
        return self.shoulder_px + np.asarray(fractions)[:, None] * (self.hip_px - self.shoulder_px)


@dataclass(frozen=True)
class ContourSample:
    """How far the silhouette reaches above and below the axis at each station, in pixels.

    Attributes:
        upper_px: (k,) distance from the axis up to the silhouette's upper edge.
        lower_px: (k,) distance from the axis down to its lower edge (positive).
        fractions: (k,) the stations, as fractions from shoulder to hip.
    """

    upper_px: np.ndarray
    lower_px: np.ndarray
    fractions: np.ndarray


def sample_contour(mask: np.ndarray, axis: TrunkAxis, fractions: np.ndarray,
                   reach_px: float | None = None) -> ContourSample:
    """Measure the silhouette edges along the axis normals at ``fractions`` (vectorised).

    Walks outward from each station point in 1-px steps while the mask stays above
    ``MASK_THRESHOLD``; a station whose axis point is outside the silhouette gives NaN.
    """
    reach = int(np.ceil(reach_px if reach_px is not None else 0.6 * axis.length_px))
    steps = np.arange(0, reach + 1, dtype=np.float64)
    centres = axis.station_points(fractions)  # (k, 2)
    height, width = mask.shape

    def run_length(direction: np.ndarray) -> np.ndarray:
        points = centres[:, None, :] + steps[None, :, None] * direction  # (k, m, 2)
        cols = np.rint(points[..., 0]).astype(np.int64)
        rows = np.rint(points[..., 1]).astype(np.int64)
        valid = (cols >= 0) & (cols < width) & (rows >= 0) & (rows < height)
        hits = np.zeros(valid.shape, dtype=bool)
        hits[valid] = mask[rows[valid], cols[valid]] >= MASK_THRESHOLD  # only the sampled pixels
        run = np.cumprod(hits, axis=1).sum(axis=1).astype(np.float64)  # steps inside from the centre
        return np.where(hits[:, 0], run - 1.0, np.nan)

    return ContourSample(upper_px=run_length(axis.up_px), lower_px=run_length(-axis.up_px),
                         fractions=np.asarray(fractions, dtype=np.float64))


@dataclass(frozen=True)
class SilhouetteBaseline:
    """The imprint: median contour distances (pixels) per station during calibration."""

    lumbar_upper_px: np.ndarray
    lumbar_lower_px: np.ndarray


@dataclass(frozen=True)
class SilhouetteReading:
    """One frame's lower-back measures relative to the imprint.

    Attributes:
        lumbar_lift_px: median rise of the lumbar upper contour above its imprint value.
        pelvic_tilt_deg: anterior pelvic tilt implied by that lift about the hip joints.
        back_gap_px: median rise of the lower (back) edge above its imprint value: the gap
            opening under the lower back, when the back's edge is visible (else NaN).
    """

    lumbar_lift_px: float
    pelvic_tilt_deg: float
    back_gap_px: float


class SilhouetteMeter:
    """Reads lumbar lift and pelvic tilt from masks, against a frozen axis and baseline."""

    def __init__(self, axis: TrunkAxis, baseline: SilhouetteBaseline) -> None:
        self.axis = axis
        self.baseline = baseline
        self._lever_px = TILT_LEVER_TRUNK_FRAC * axis.length_px

    @staticmethod
    def baseline_from(masks: list[np.ndarray], axis: TrunkAxis) -> SilhouetteBaseline:
        """The imprint baseline: per-station medians over the calibration masks."""
        lumbar = [sample_contour(m, axis, LUMBAR_STATIONS) for m in masks]
        with np.errstate(all="ignore"):
            return SilhouetteBaseline(
                lumbar_upper_px=np.nanmedian([s.upper_px for s in lumbar], axis=0),
                lumbar_lower_px=np.nanmedian([s.lower_px for s in lumbar], axis=0))

    def read(self, mask: np.ndarray | None) -> SilhouetteReading:
        """Measure one frame's mask (NaNs when there is no mask)."""
        if mask is None:
            return SilhouetteReading(np.nan, np.nan, np.nan)
        lumbar = sample_contour(mask, self.axis, LUMBAR_STATIONS)
        with np.errstate(all="ignore"):
            lumbar_rise = _nanmedian(lumbar.upper_px - self.baseline.lumbar_upper_px)
            # the back edge comes up toward the axis when the lumbar spine leaves the floor
            gap = _nanmedian(self.baseline.lumbar_lower_px - lumbar.lower_px)
        tilt = np.degrees(np.arctan2(lumbar_rise, self._lever_px))
        return SilhouetteReading(lumbar_lift_px=lumbar_rise, pelvic_tilt_deg=float(tilt),
                                 back_gap_px=gap)


def _nanmedian(values: np.ndarray) -> float:
    """Median of the finite values (a handful per frame: sorting beats ``np.median``'s overhead)."""
    finite = np.sort(values[np.isfinite(values)])
    n = finite.size
    if n == 0:
        return float("nan")
    return float(finite[n // 2]) if n % 2 else float(0.5 * (finite[n // 2 - 1] + finite[n // 2]))
