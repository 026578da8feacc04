"""Which exercise a live session is watching: recognised from its first reps (``--exercise auto``).

Live cannot wait for the whole recording, so it starts with the default profile's feedback
and looks at what was recorded so far every ``live_check_every_s``; once
``live_min_reps`` episodes agree with at least ``live_confidence`` it switches the feedback
to the recognised profile (the counts start again with it) and says so in the set-up
message. The report at the end recognises the exercise on the whole session, as
``formcheck analyze`` does. An explicit ``--exercise`` is never switched; its report notes a
mismatch.
"""

from __future__ import annotations

from formcheck.analysis.exercise_detect import AUTO, ExerciseChoice, ExerciseDetection, choose_exercise
from formcheck.analysis.session import detect_in
from formcheck.app.candidates import CandidateRecorders
from formcheck.core.pose import Pose
from formcheck.measure.recorder import MeasureRecorder
from formcheck.profiles import DETECTION, DetectionSettings, ExerciseProfile, get_profile
from formcheck.wording import say


class LiveExercise:
    """``record`` every frame, ``check`` after it; ``profile`` and ``recorder`` are the active ones."""

    def __init__(self, asked: str, settings: DetectionSettings = DETECTION) -> None:
        self.asked = asked
        self.settings = settings
        self.candidates = CandidateRecorders(asked)
        self.profile: ExerciseProfile = self.candidates.measured_with(None) if asked == AUTO else get_profile(asked)
        self.decided: ExerciseDetection | None = None if asked == AUTO else ExerciseDetection(asked, 1.0, "asked")
        self.decided_at_s: float | None = None
        self.last: ExerciseDetection | None = None
        self._next_check_s: float | None = None

    @property
    def recorder(self) -> MeasureRecorder:
        """The recorder of the active profile (the one the feedback reads)."""
        return self.candidates.recorder_for(self.profile)

    def record_others(self, pose: Pose, frame_index: int) -> None:
        """Record the frame in the recorders of the other start postures (the active one records it
        through :func:`~formcheck.app.live_feedback.process_frame`)."""
        active = self.recorder
        for recorder in {id(r): r for r in self.candidates.recorders.values()}.values():
            if recorder is not active:
                recorder.update(pose, frame_index)

    def restart_calibration(self) -> None:
        """The user asked to recalibrate: every recorder starts a new calibration."""
        for recorder in {id(r): r for r in self.candidates.recorders.values()}.values():
            recorder.restart_calibration()

    def check(self, t_s: float) -> ExerciseProfile | None:
        """Look at the session so far (at most every ``live_check_every_s``); the new profile when
        the feedback should switch to it, else None."""
        if self.decided is not None:
            return None
        if self._next_check_s is not None and t_s < self._next_check_s:
            return None
        self._next_check_s = t_s + self.settings.live_check_every_s
        found = self.last = detect_in(self.recorder)
        if found.profile is None or len(found.episodes) < self.settings.live_min_reps \
                or found.confidence < self.settings.live_confidence:
            return None
        self.decided, self.decided_at_s = found, t_s
        if found.profile == self.profile.name:
            return None
        self.profile = get_profile(found.profile)
        return self.profile

    def message(self, t_s: float) -> str | None:
        """The set-up line about the exercise: watching, recognised (for a while), or what else it looks like."""
        if self.asked != AUTO:
            return None
        if self.decided is None:
            if self.last is not None and self.last.seen in ("upright", "shoulders", "hips"):
                return say(f"detect.seen.{self.last.seen}")
            return say("detect.live.watching")
        if self.decided_at_s is not None and t_s - self.decided_at_s <= self.settings.live_show_found_s:
            return say("detect.live.found", name=say(f"detect.name.{self.profile.name}"))
        return None

    def final_choice(self) -> tuple[ExerciseChoice, ExerciseProfile, MeasureRecorder]:
        """The report's exercise: recognised on the whole session; its profile and recorder."""
        choice = choose_exercise(self.asked, detect_in(self.recorder), self.settings)
        profile = self.candidates.measured_with(choice)
        return choice, profile, self.candidates.recorder_for(profile)
