"""Silhouette measures on drawn masks with known lifts."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.measure.silhouette import TILT_LEVER_TRUNK_FRAC, SilhouetteMeter, TrunkAxis, sample_contour

AXIS = TrunkAxis(shoulder_px=np.array([100.0, 300.0]), hip_px=np.array([300.0, 300.0]),
                 up_px=np.array([0.0, -1.0]))


def trunk_mask(lumbar_rise_px: int = 0, back_gap_px: int = 0, above_px: int = 40, below_px: int = 20) -> np.ndarray:
    """A lying trunk from x=60 to x=360 along y=300: ``above_px`` over the axis, ``below_px`` under.
    Between 40% and 75% of shoulder→hip the top rises and the bottom lifts as asked."""
    mask = np.zeros((480, 640), dtype=np.float32)
    mask[300 - above_px:300 + below_px + 1, 60:360] = 1.0
    lumbar = slice(int(100 + 0.38 * 200), int(100 + 0.77 * 200))
    if lumbar_rise_px:
        mask[300 - above_px - lumbar_rise_px:300 - above_px, lumbar] = 1.0
    if back_gap_px:
        mask[300 + below_px - back_gap_px + 1:300 + below_px + 1, lumbar] = 0.0
    return mask


def test_sample_contour_measures_both_edges() -> None:
    sample = sample_contour(trunk_mask(), AXIS, np.array([0.2, 0.5, 0.9]))
    np.testing.assert_allclose(sample.upper_px, 40)
    np.testing.assert_allclose(sample.lower_px, 20)


def test_station_outside_the_silhouette_is_nan() -> None:
    mask = trunk_mask()
    mask[:, 150:200] = 0.0  # a hole across the trunk at 25–50 %
    sample = sample_contour(mask, AXIS, np.array([0.35, 0.8]))
    assert np.isnan(sample.upper_px[0]) and sample.upper_px[1] == 40


@pytest.mark.parametrize("rise_px, gap_px", [(0, 0), (6, 0), (15, 5)])
def test_lumbar_lift_and_back_gap_against_the_imprint(rise_px: int, gap_px: int) -> None:
    baseline = SilhouetteMeter.baseline_from([trunk_mask()] * 3, AXIS)
    reading = SilhouetteMeter(AXIS, baseline).read(trunk_mask(rise_px, gap_px))
    assert reading.lumbar_lift_px == pytest.approx(rise_px)
    assert reading.back_gap_px == pytest.approx(gap_px)
    lever_px = TILT_LEVER_TRUNK_FRAC * 200
    assert reading.pelvic_tilt_deg == pytest.approx(np.degrees(np.arctan2(rise_px, lever_px)))


def test_a_mask_that_did_not_change_reads_zero_and_no_mask_reads_nan() -> None:
    meter = SilhouetteMeter(AXIS, SilhouetteMeter.baseline_from([trunk_mask()], AXIS))
    assert meter.read(trunk_mask()).lumbar_lift_px == 0
    assert np.isnan(meter.read(None).lumbar_lift_px)
