"""Where the camera is relative to the lying person, and how far each measure can be trusted.

Uses MediaPipe's world landmarks (metres; z is depth, smaller = nearer the camera) as
medians over the calibration, plus the image extent of the body. Side-on is the primary
view: the leg moves in the sagittal plane, parallel to the image.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from formcheck.core.landmarks import trunk_vector
from formcheck.core.landmarks import Landmark as L
from formcheck.core.legs import Leg, RepLeg, other_leg
from formcheck.wording import say

ViewName = Literal["side", "oblique", "above", "head_end", "feet_end", "upright", "unknown"]

SIDE_MAX_YAW_DEG = 20.0  # camera within this of a pure side view: side-on
OBLIQUE_MAX_YAW_DEG = 50.0  # beyond this the leg no longer moves across the image
ALONG_BODY_MIN_DEG = 55.0  # body axis this far out of the image plane: filming along the body
MIN_BODY_FRACTION = 0.2  # a person narrower than 1/5 of the frame is lost by the model
UPRIGHT_MIN_DEG = 50.0  # side-on trunk this steep in the image: standing, or a rotated video
BODY_LANDMARKS = (L.NOSE, L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP,
                  L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL)


@dataclass(frozen=True)
class ViewTrust:
    """Which measures this camera view lets formcheck judge; every consumer reads these.

    Attributes:
        angles: knee and hip angles (``tabletop_lost``); see also
            :meth:`ViewAssessment.judges_angles` for the far leg of an oblique view.
        heel_height: heel heights above the floor line: rep counting, depth and end range.
        lumbar: lumbar lift and pelvic tilt from the silhouette (``arching``).
    """

    angles: bool = True
    heel_height: bool = True
    lumbar: bool = True


@dataclass(frozen=True)
class ViewAssessment:
    """The camera's view of the person and what it allows.

    Attributes:
        view: side, oblique, above, head_end, feet_end, upright (not lying down, or the
            video is turned on its side) or unknown.
        near_side: the person's side facing the camera (side and oblique views).
        toward: for oblique views, whether the camera is turned toward the "head" or "feet".
        yaw_deg: angle between the camera's line of sight and the person's left–right axis
            (0 = pure side view, 90 = from above or along the body).
        body_fraction: the body's extent in the image as a fraction of the frame's larger side.
        trust: which measures are trustworthy (:class:`ViewTrust`).
        advice: what to change, or None when the view is good.
    """

    view: ViewName
    near_side: Leg | None
    toward: Literal["head", "feet"] | None
    yaw_deg: float
    body_fraction: float
    trust: ViewTrust = field(default_factory=ViewTrust)
    advice: str | None = None

    @property
    def far_side(self) -> Leg | None:
        """The person's side away from the camera (side and oblique views), else None."""
        return other_leg(self.near_side) if self.near_side is not None else None

    def judges_angles(self, leg: RepLeg) -> bool:
        """Whether knee and hip angles of ``leg`` (left, right or both) are judged from this
        view: where angles are trusted at all, except the far leg of an oblique view
        (foreshortened and hidden behind the near one)."""
        if not self.trust.angles:
            return False
        return not (self.view == "oblique" and leg == self.far_side)

    @property
    def too_small(self) -> bool:
        return self.body_fraction < MIN_BODY_FRACTION


def classify_view(world_m: np.ndarray, xy_px: np.ndarray, image_size: tuple[int, int]) -> ViewAssessment:
    """Classify the view from (n, 33, 3) world and (n, 33, 2) image landmarks of still frames."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN landmarks (never seen) stay NaN
        world = np.nanmedian(world_m, axis=0) if world_m.ndim == 3 else world_m
        image = np.nanmedian(xy_px, axis=0) if xy_px.ndim == 3 else xy_px
    body_px = image[list(BODY_LANDMARKS)]
    if not np.isfinite(world).any() or not np.isfinite(body_px).any():
        return ViewAssessment("unknown", None, None, float("nan"), 0.0,
                              ViewTrust(angles=False, heel_height=False, lumbar=False), say("view.no_person"))
    extent = np.nanmax(body_px, axis=0) - np.nanmin(body_px, axis=0)
    body_fraction = float(np.max(extent) / max(image_size))

    lateral = (world[L.LEFT_HIP] - world[L.RIGHT_HIP] + world[L.LEFT_SHOULDER] - world[L.RIGHT_SHOULDER]) / 2
    trunk = -trunk_vector(world)  # hip → shoulder
    yaw_deg = float(np.degrees(np.arccos(min(1.0, abs(lateral[2]) / max(np.linalg.norm(lateral), 1e-9)))))
    along_deg = float(np.degrees(np.arcsin(min(1.0, abs(trunk[2]) / max(np.linalg.norm(trunk), 1e-9)))))
    near_side: Leg = "left" if lateral[2] < 0 else "right"
    toward: Literal["head", "feet"] = "head" if trunk[2] < 0 else "feet"

    trunk_px = -trunk_vector(image)
    steep_deg = float(np.degrees(np.arctan2(abs(trunk_px[1]), abs(trunk_px[0]) + 1e-9)))

    view: ViewName
    if yaw_deg <= OBLIQUE_MAX_YAW_DEG and along_deg < ALONG_BODY_MIN_DEG and steep_deg >= UPRIGHT_MIN_DEG:
        view = "upright"
    elif along_deg >= ALONG_BODY_MIN_DEG:
        view = "head_end" if toward == "head" else "feet_end"
    elif yaw_deg <= SIDE_MAX_YAW_DEG:
        view = "side"
    elif yaw_deg <= OBLIQUE_MAX_YAW_DEG:
        view = "oblique"
    else:
        view = "above"
    small = body_fraction < MIN_BODY_FRACTION
    trust = ViewTrust(
        angles=view in ("side", "oblique") and not small,
        heel_height=view in ("side", "oblique") and not small,
        # the contour holds side-on and from a head-side oblique; from the feet side it degrades
        lumbar=not small and (view == "side" or (view == "oblique" and toward == "head")),
    )
    return ViewAssessment(view=view, near_side=near_side if view in ("side", "oblique") else None,
                          toward=toward if view == "oblique" else None, yaw_deg=yaw_deg,
                          body_fraction=body_fraction, trust=trust,
                          advice=_advice(view, small, toward))


def _advice(view: ViewName, small: bool, toward: str) -> str | None:
    if view == "upright":
        return say("view.upright")
    if small:
        return say("view.too_small")
    if view in ("head_end", "feet_end", "above"):
        return say("view.turn_side_on")
    if view == "oblique":
        return say("view.oblique_feet" if toward == "feet" else "view.oblique_head")
    return None
