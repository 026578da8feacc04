"""The per-channel signals that count and time reps: heel heights, hip angles, the far leg's timing heel."""

from __future__ import annotations

import numpy as np

from formcheck.core.legs import Leg, RepLeg, legs_of, mean_of_legs, other_leg
from formcheck.core.series import MeasureSeries


def rep_signal(series: MeasureSeries, channel: RepLeg) -> np.ndarray:
    """The heel height the rep machine follows for a channel (cm): one leg, or the mean of both."""
    return mean_of_legs(*(series.heel_height_cm(leg) for leg in legs_of(channel)))


def hip_signal(series: MeasureSeries, channel: RepLeg) -> np.ndarray:
    """The hip angle that times a channel's reps (deg): one leg, or the mean of both."""
    return mean_of_legs(*(series.hip_angle_deg(leg) for leg in legs_of(channel)))


def timing_signal(series: MeasureSeries, channel: RepLeg, occluded_leg: Leg | None = None) -> np.ndarray:
    """The heel height that times a channel's reps (cm): :func:`rep_signal`, except for the
    occluded (far) leg, whose heel is summed with the other heel's deviation from its median.

    In a side view the far foot hides behind the near foot in tabletop, and MediaPipe
    splits the far foot's movement between the two heel landmarks: early in a far-leg
    lowering (and late in its raise) the far heel moves about half as much as it should
    while the near heel, which does not move, dips by the rest. The sum follows the true
    far heel (within ~0.2 s at every level on the rendered samples). Only the timing uses
    the sum: counting and depth use the far heel itself.
    """
    own = rep_signal(series, channel)
    if occluded_leg is None or channel != occluded_leg:
        return own
    other = series.heel_height_cm(other_leg(occluded_leg))
    if not np.isfinite(other).any():
        return own
    dev = other - float(np.nanmedian(other))
    return own + np.where(np.isfinite(dev), dev, 0.0)
