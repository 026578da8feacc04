"""Frames in, the person of interest's :class:`Pose` out, at about the cost of a one-person model.

Modes: ``image`` (independent pictures), ``video`` (a file, frames in time order) and
``live`` (asynchronous, newest frame only: a frame handed over while the model is busy is
dropped rather than queued).

Asking MediaPipe for two people makes it run its person detector on every frame where it
follows fewer than two (~1.5x the cost of one). So two landmarkers share the work:

* the **follower**, a one-person model in video mode, answers almost every frame: it
  follows the person from its previous landmarks and runs no detector;
* the **survey**, a ``num_poses`` model in image mode, looks at the whole frame for
  everybody in view: while nobody is followed (the first frame, after the person was
  lost, or when the follower's answer is someone else), and every ``person_survey_s``
  to count the people in view.

A :class:`~formcheck.pose.tracking.PersonTracker` decides who the person of interest is:
the survey's candidates at the first choice (the biggest person lying down), and every
answer of the follower must be within a torso length of the remembered person, else the
survey answers that frame instead. When the survey has chosen, the follower picks the
person up on the next frame with every other person painted over
(:func:`~formcheck.pose.hiding.hide_others`), so its own detector cannot take someone else.
A second person therefore never takes over, and a person who leaves and comes back is
found again by the survey.
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from formcheck.core.frame import Frame
from formcheck.core.landmarks import NUM_LANDMARKS
from formcheck.core.pose import Pose
from formcheck.pose.hiding import hide_others
from formcheck.pose.landmarker import Landmarker, candidates_px
from formcheck.pose.model import resolve_model_path
from formcheck.pose.tracking import PersonTracker
from formcheck.profiles import get_profile

Mode = Literal["image", "video", "live"]
MODES: tuple[str, ...] = ("image", "video", "live")

# What the follower does with the next frame: nothing (nobody to follow: the survey looks),
# pick the person up (others painted over), or follow them.
_SEARCH, _PICK_UP, _FOLLOW = "search", "pick up", "follow"


class PoseEstimator:
    """Runs PoseLandmarker on frames and returns the tracked person's :class:`Pose`.

    Args:
        model_path: a ``.task`` bundle; default: ``$FORMCHECK_MODEL`` or the bundled model.
        mode: ``"image"``, ``"video"`` or ``"live"``.
        num_poses: how many people the survey looks for (the tracker keeps one).
        segmentation: also return the person's silhouette mask.
        min_confidence: detection, presence and tracking confidence thresholds.
        quiet: hide MediaPipe's native log lines (loading, first frames, closing).
        person_forget_s: the tracker forgets a person unmatched this long (s; default: the
            profiles' ``person_forget_s``).
        person_survey_s: while following, look for other people this often (s; default:
            the profiles' ``person_survey_s``; ``math.inf``: only when the person is lost).

    ``Pose.num_candidates`` is the number of people the last survey saw (at most
    ``person_survey_s`` ago), at least 1 when the person is found.
    """

    def __init__(self, model_path: str | os.PathLike[str] | None = None, mode: Mode = "video",
                 num_poses: int = 2, segmentation: bool = True, min_confidence: float = 0.5,
                 quiet: bool = True, person_forget_s: float | None = None,
                 person_survey_s: float | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        if num_poses < 1:
            raise ValueError(f"num_poses must be at least 1, got {num_poses}")
        profile = get_profile()
        self.person_survey_s = profile.person_survey_s if person_survey_s is None else float(person_survey_s)
        if not self.person_survey_s > 0:
            raise ValueError(f"person_survey_s must be > 0, got {person_survey_s}")
        self.model_path: Path = resolve_model_path(model_path)
        self.mode = mode
        self.tracker = PersonTracker(profile.person_forget_s if person_forget_s is None else person_forget_s)
        self._survey = Landmarker(self.model_path, "image", num_poses, segmentation, min_confidence, quiet)
        self._follower: Landmarker | None = None
        if mode != "image":
            try:
                self._follower = Landmarker(self.model_path, "video", 1, segmentation, min_confidence, quiet)
            except BaseException:
                self._survey.close()
                raise
        self._state = _SEARCH
        self._keep_px = np.full((NUM_LANDMARKS, 2), np.nan)  # the person to pick up …
        self._others_px = np.empty((0, NUM_LANDMARKS, 2))  # … and the others to paint over
        self._people = 0  # people in view at the last survey
        self._last_survey_s = -math.inf
        self._closed = False
        # live mode: one worker thread runs the frames handed over by submit()
        self._cond = threading.Condition()
        self._pending: Frame | None = None
        self._latest: Pose | None = None
        self._live_error: BaseException | None = None
        self._stopping = False
        self.dropped = 0
        self._worker: threading.Thread | None = None
        if mode == "live":
            self._worker = threading.Thread(target=self._work, name="formcheck-pose", daemon=True)
            self._worker.start()

    @property
    def calls(self) -> dict[str, int]:
        """Frames each model has run on so far: ``follower`` and ``survey``."""
        return {"follower": self._follower.calls if self._follower is not None else 0,
                "survey": self._survey.calls}

    # -- image and video modes -------------------------------------------------------------
    def estimate(self, frame: Frame) -> Pose:
        """The tracked person in ``frame`` (``Pose.missing`` when nobody is found)."""
        if self.mode == "live":
            raise RuntimeError("estimate() is for image and video modes; use submit()/latest() live")
        if self.mode == "image":
            self.tracker.reset()  # independent pictures: no person to follow
            return self._survey_pose(frame)
        return self._track(frame)

    def _track(self, frame: Frame) -> Pose:
        """One frame of a video: the follower's answer when it is the person, else the survey's."""
        assert self._follower is not None
        t_s = frame.t_s
        if self._state != _SEARCH:
            rgb = frame.rgb if self._state == _FOLLOW else hide_others(frame.rgb, self._others_px, self._keep_px)
            result = self._follower.detect(rgb, t_s)
            found = candidates_px(result, frame.size)
            if len(found) and self.tracker.accepts(found[0]):
                self._state = _FOLLOW
                if t_s - self._last_survey_s >= self.person_survey_s:
                    self._count_people(frame)
                self.tracker.update(found, t_s)
                pose = Pose.from_mediapipe(result, 0, t_s, frame.size, xy_px=found[0])
                return replace(pose, num_candidates=max(self._people, 1))
        return self._survey_pose(frame)

    def _survey_pose(self, frame: Frame) -> Pose:
        """The survey looks at the whole frame and the tracker chooses among everybody in view."""
        result = self._survey.detect(frame.rgb, frame.t_s)
        found = self._note_people(result, frame)
        chosen = self.tracker.update(found, frame.t_s)
        if chosen is None:
            self._state = _SEARCH
            return Pose.missing(frame.t_s, frame.size, num_candidates=len(found))
        self._state = _PICK_UP
        self._keep_px = found[chosen]
        self._others_px = np.delete(found, chosen, axis=0)
        return Pose.from_mediapipe(result, chosen, frame.t_s, frame.size, xy_px=found[chosen])

    def _count_people(self, frame: Frame) -> None:
        self._note_people(self._survey.detect(frame.rgb, frame.t_s), frame)

    def _note_people(self, result: Any, frame: Frame) -> np.ndarray:
        found = candidates_px(result, frame.size)
        self._people = len(found)
        self._last_survey_s = frame.t_s
        return found

    # -- live mode -------------------------------------------------------------------------
    def submit(self, frame: Frame) -> bool:
        """Hand ``frame`` to the model; False (frame dropped) while the previous one is in flight."""
        if self.mode != "live":
            raise RuntimeError("submit() is for live mode; use estimate()")
        with self._cond:
            if self._pending is not None:
                self.dropped += 1
                return False
            self._pending = frame
            self._cond.notify()
        return True

    def latest(self) -> Pose | None:
        """The newest result not yet taken, or None."""
        with self._cond:
            pose, self._latest = self._latest, None
            error, self._live_error = self._live_error, None
        if error is not None:
            raise error
        return pose

    @property
    def busy(self) -> bool:
        """True while a live frame is being processed."""
        with self._cond:
            return self._pending is not None

    def _work(self) -> None:
        """The live worker: runs each submitted frame through the same steps as video mode."""
        while True:
            with self._cond:
                while self._pending is None and not self._stopping:
                    self._cond.wait()
                if self._stopping or self._pending is None:
                    return
                frame = self._pending
            try:
                pose, error = self._track(frame), None
            except BaseException as exc:  # surfaced to the caller by latest()
                pose, error = None, exc
            with self._cond:
                if error is not None:
                    self._live_error = error
                else:
                    self._latest = pose
                self._pending = None

    # -- shared ----------------------------------------------------------------------------
    def close(self) -> None:
        """Stop the live worker and release the models (safe to call twice)."""
        if self._closed:
            return
        self._closed = True
        if self._worker is not None:
            with self._cond:
                self._stopping = True
                self._cond.notify()
            self._worker.join()
        try:
            if self._follower is not None:
                self._follower.close()
        finally:
            self._survey.close()

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
