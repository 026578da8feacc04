"""Which leg faces the camera, and how the far leg is measured and judged."""

from __future__ import annotations

from dataclasses import dataclass

from formcheck.core.legs import Leg
from formcheck.measure.view import ViewAssessment
from formcheck.profiles import ExerciseProfile


@dataclass(frozen=True)
class CameraLegs:
    """The legs as one camera sees them.

    Attributes:
        near: the leg facing the camera (side and oblique views), else None.
        far: the leg away from it: hidden behind the near leg in tabletop, left out of the
            knee rule of a both-legs rep and never timed on its own angles.
        heel_timed: the far leg when its reps are timed on both heels
            (:func:`~formcheck.analysis.rep_signals.timing_signal`): in a side view with the
            knee held (heel taps), where its foot hides exactly behind the near foot; in a leg
            extension the foot slides out from behind and its own heel times it better.
    """

    near: Leg | None = None
    far: Leg | None = None
    heel_timed: Leg | None = None

    @classmethod
    def of(cls, view: ViewAssessment | None, profile: ExerciseProfile) -> CameraLegs:
        """The legs of a camera view for an exercise profile."""
        if view is None or view.far_side is None:
            return cls()
        heel_timed = view.far_side if view.view == "side" and profile.knee_target_deg is not None else None
        return cls(near=view.near_side, far=view.far_side, heel_timed=heel_timed)

    def timed_on_angles(self, profile: ExerciseProfile) -> tuple[Leg, ...]:
        """The legs whose reps are timed on their own sweep about the calibrated hip: every leg
        but the far one; none when the legs move together."""
        if profile.legs_together:
            return ()
        return tuple(leg for leg in ("left", "right") if leg != self.far)
