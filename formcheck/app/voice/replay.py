"""``analyze --voice``: the cues live would have said, decided on the analysed frames.

The analysis feeds each analysed frame to :func:`~formcheck.app.live_feedback.process_frame`
(what live does per frame: record it, then update the streaming feedback) and the
:class:`~.coach.VoiceCoach` — the same streaming analysis, fault detector and coach as live,
so the video's voice says what the person on the mat would have heard, at the same moments
(live would see fewer frames when the machine is slow). The report at the end is still the
offline analysis of the recorder.
"""

from __future__ import annotations

from formcheck.app.live_feedback import LiveFeedback, process_frame
from formcheck.app.voice.coach import VoiceCoach
from formcheck.app.voice.cues import Cue
from formcheck.core.pose import Pose
from formcheck.measure.recorder import MeasureRecorder
from formcheck.profiles import ExerciseProfile


class VoiceReplay:
    """``update(recorder, pose, index)`` in place of ``recorder.update``; ``finish()`` → the cues."""

    def __init__(self, profile: ExerciseProfile, speak: bool = True, pace: bool = False) -> None:
        self.feedback = LiveFeedback(profile)
        self.coach = VoiceCoach(profile, speak=speak, pace=pace)

    def update(self, recorder: MeasureRecorder, pose: Pose, frame_index: int) -> None:
        """Record the frame (as ``recorder.update``) and decide the cues due at it."""
        self.coach.update(self.feedback, process_frame(recorder, self.feedback, pose, frame_index))

    def finish(self) -> list[Cue]:
        """Every cue of the session, the summary last."""
        self.coach.finish(self.feedback)
        return list(self.coach.cues)
