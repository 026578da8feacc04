"""The recorders of an analysis whose exercise is decided after the pose pass (``--exercise auto``).

The exercise is recognised from the whole recording (:mod:`formcheck.analysis.exercise_detect`),
but a recorder calibrates on its profile's start posture while the frames pass: so each
profile that could be chosen gets a recorder fed the same poses, and the one of the
recognised profile is analysed. Profiles with the same start posture and move rules share
one recorder (heel taps and leg extensions both start in tabletop), so ``auto`` costs one
extra recorder, not two. With ``--voice``/``--pace`` every profile gets its own replay of
what live would have said (its cues depend on the profile). An explicit exercise has one.
"""

from __future__ import annotations

from formcheck.analysis.exercise_detect import AUTO, ExerciseChoice, choose_exercise
from formcheck.analysis.session import detect_in
from formcheck.app.voice.cues import Cue
from formcheck.app.voice.replay import VoiceReplay
from formcheck.core.pose import Pose
from formcheck.measure.calibration import CalibrationSettings
from formcheck.measure.recorder import MeasureRecorder
from formcheck.profiles import DEFAULT_PROFILE, PROFILES, ExerciseProfile, get_profile


def _recorder_key(profile: ExerciseProfile) -> tuple[object, ...]:
    """What a recorder's measurements depend on: the start posture and the move rules."""
    return CalibrationSettings.for_profile(profile), profile.moved_trunk_frac, profile.moved_for_s


class CandidateRecorders:
    """``update(pose, index)`` per analysed frame; ``choose()`` after the pass."""

    def __init__(self, asked: str, voice: bool = False, pace: bool = False) -> None:
        if asked != AUTO:
            get_profile(asked)  # ValueError naming the valid exercises
        self.asked = asked
        names = tuple(PROFILES) if asked == AUTO else (asked,)
        self.recorders: dict[str, MeasureRecorder] = {}
        self.voices: dict[str, VoiceReplay] = {}
        shared: dict[tuple[object, ...], MeasureRecorder] = {}
        for name in names:
            profile = get_profile(name)
            if voice or pace:
                self.recorders[name] = MeasureRecorder(profile)
                self.voices[name] = VoiceReplay(profile, speak=voice, pace=pace)
            else:
                self.recorders[name] = shared.setdefault(_recorder_key(profile), MeasureRecorder(profile))
        self._distinct = list({id(r): (name, r) for name, r in self.recorders.items()}.values())

    @property
    def first(self) -> MeasureRecorder:
        """A recorder (they all hold the same landmarks)."""
        return self._distinct[0][1]

    def update(self, pose: Pose, frame_index: int) -> None:
        """Record the frame in every distinct recorder (through its voice replay, if any)."""
        for name, recorder in self._distinct:
            voice = self.voices.get(name)
            if voice is None:
                recorder.update(pose, frame_index)
            else:
                voice.update(recorder, pose, frame_index)

    def choose(self) -> ExerciseChoice:
        """Recognise the exercise in the recorded frames and decide the profile (the asked one wins)."""
        return choose_exercise(self.asked, detect_in(self.first))

    def measured_with(self, choice: ExerciseChoice | None) -> ExerciseProfile:
        """The profile the report uses: the chosen one, or (none of ours, or nothing decided
        yet) the default's measures."""
        if choice is not None and choice.profile is not None:
            return get_profile(choice.profile)
        return get_profile(DEFAULT_PROFILE if DEFAULT_PROFILE in self.recorders else next(iter(self.recorders)))

    def recorder_for(self, profile: ExerciseProfile) -> MeasureRecorder:
        return self.recorders[profile.name]

    def cues_for(self, profile: ExerciseProfile, checked: bool) -> list[Cue] | None:
        """What the voice said with ``profile`` (None without a voice; nothing when the exercise
        was none of ours: its set-up guidance is about a tabletop the person never took)."""
        voice = self.voices.get(profile.name)
        if voice is None:
            return None
        cues = voice.finish()
        return cues if checked else []
