"""The voice coach, frame by frame: set-up guidance, faults, counts per leg and per set, set ends,
the tempo count and the summary — known-answer sequences fed at 15 frames a second."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np

from formcheck.analysis.fault_detector import FaultEvent
from formcheck.analysis.stream import ChannelProgress
from formcheck.app.voice.coach import VoiceCoach
from formcheck.profiles import get_profile
from formcheck.wording import say

PROFILE = get_profile("heel-tap")
STEP_S = 1 / 15


@dataclass
class Feedback:
    """What the coach reads of LiveFeedback: its stage, message, channels and judged reps."""

    t_s: float = 0.0
    stage: str = "setup"
    setup_message: str | None = None
    paused: bool = False
    legs: dict = field(default_factory=lambda: {"left": ChannelProgress(), "right": ChannelProgress()})
    analysis: SimpleNamespace = field(default_factory=lambda: SimpleNamespace(judged=[]))


def run(coach: VoiceCoach, feedback: Feedback, until_s: float, faults_at: dict | None = None,
        on_frame=None) -> list:
    """Feed frames from feedback.t_s up to ``until_s``; returns the cues decided."""
    cues = []
    faults_at = dict(faults_at or {})
    while feedback.t_s < until_s - 1e-9:
        feedback.t_s = round(feedback.t_s + STEP_S, 6)
        if on_frame is not None:
            on_frame(feedback)
        due = [FaultEvent(code, feedback.t_s - 0.2, feedback.t_s, "left", "cue")
               for t, code in list(faults_at.items()) if t <= feedback.t_s]
        for t in [t for t in faults_at if t <= feedback.t_s]:
            del faults_at[t]
        cues += coach.update(feedback, due)
    return cues


def test_set_up_guidance_waits_until_it_holds_and_is_not_read_out_again_and_again() -> None:
    coach, feedback = VoiceCoach(PROFILE), Feedback()
    # a message that flickers for less than the settle time is not said
    feedback.setup_message = say("setup.no_person")
    assert run(coach, feedback, PROFILE.voice_setup_settle_s * 0.5) == []
    feedback.setup_message = say("setup.body_cut_off")
    cues = run(coach, feedback, 12.0)
    assert [c.text for c in cues] == [say("voice.setup.body_cut_off")] * 2  # once, then after 10 s
    assert cues[0].kind == "setup"
    assert math.isclose(cues[0].t_s, PROFILE.voice_setup_settle_s * 1.5, abs_tol=2 * STEP_S)
    assert math.isclose(cues[1].t_s - cues[0].t_s, PROFILE.voice_setup_repeat_s, abs_tol=2 * STEP_S)
    feedback.stage, feedback.setup_message = "calibrating", say("setup.hold_still")
    cues = run(coach, feedback, 14.0)
    assert [c.text for c in cues] == [say("voice.setup.hold_still")]
    # "ready" the moment the still tabletop is long enough, once, also when counting starts
    feedback.setup_message = say("setup.ready", down=3.0, up=3.0)
    cues = run(coach, feedback, 14.5)
    assert [c.text for c in cues] == [say("voice.setup.ready")]
    assert math.isclose(cues[0].t_s, 14.0 + STEP_S, abs_tol=1e-3)
    feedback.stage, feedback.setup_message = "counting", None
    assert run(coach, feedback, 20.0) == []


def test_ready_is_said_again_after_recalibrating_and_every_camera_message_has_words() -> None:
    coach, feedback = VoiceCoach(PROFILE), Feedback(stage="counting")
    assert [c.text for c in run(coach, feedback, 1.0)] == [say("voice.setup.ready")]
    feedback.stage, feedback.setup_message = "setup", say("view.turn_side_on")
    assert [c.text for c in run(coach, feedback, 6.5)] == [say("voice.setup.turn_side_on")]
    feedback.stage, feedback.setup_message = "counting", None
    assert [c.text for c in run(coach, feedback, 7.0)] == [say("voice.setup.ready")]
    # within the repeat time it is not said twice, as any other cue
    feedback.stage, feedback.setup_message = "setup", say("view.turn_side_on")
    run(coach, feedback, 8.0)
    feedback.stage, feedback.setup_message = "counting", None
    assert run(coach, feedback, 9.0) == []
    for key in ("view.upright", "view.too_small", "view.oblique_feet", "view.oblique_head", "view.no_person"):
        assert coach.book.setup(say(key)) is not None, key


def test_each_fault_is_said_at_once_but_not_repeated_within_the_repeat_time() -> None:
    coach, feedback = VoiceCoach(PROFILE), Feedback(stage="counting")
    run(coach, feedback, 1.0)
    cues = run(coach, feedback, 20.0, faults_at={2.0: "arching", 2.01: "swinging", 4.0: "arching",
                                                 2.0 + PROFILE.voice_repeat_s + 0.5: "arching"})
    faults = [c for c in cues if c.kind == "fault"]
    assert [c.text for c in faults] == [say("voice.fault.arching"), say("voice.fault.swinging", down=3.0),
                                        say("voice.fault.arching")]
    assert math.isclose(faults[0].t_s, 2.0, abs_tol=STEP_S) and faults[0].detected_s == faults[0].t_s
    assert faults[2].t_s - faults[0].t_s >= PROFILE.voice_repeat_s


def test_reps_are_counted_per_leg_and_per_set_and_a_long_rest_ends_the_set() -> None:
    coach, feedback = VoiceCoach(PROFILE), Feedback(stage="counting")
    run(coach, feedback, 1.0)
    ends = {3.0: "left", 6.0: "right", 9.0: "left", 9.0 + PROFILE.set_rest_s + 5: "left"}

    def reps(fb: Feedback) -> None:
        for t, leg in list(ends.items()):
            if t <= fb.t_s:
                fb.legs[leg].reps += 1
                del ends[t]

    cues = run(coach, feedback, 9.0 + PROFILE.set_rest_s + 6, on_frame=reps)
    said = [(c.kind, c.text) for c in cues]
    assert said == [("count", "left, 1"), ("count", "right, 1"), ("count", "left, 2"),
                    ("set", "set 1 done: left 2, right 1. rest"), ("count", "left, 1")]
    set_end = next(c for c in cues if c.kind == "set")
    assert math.isclose(set_end.t_s, 9.0 + PROFILE.set_rest_s, abs_tol=2 * STEP_S)
    assert set_end.parts == ("set", "1", "done: left", "2", "right", "1", "rest")
    feedback.analysis.judged = [(None, []), (None, ["a fault"]), (None, []), (None, [])]
    summary = coach.finish(feedback)
    assert [c.text for c in summary] == ["session over: left 3, right 1, 3 clean"]
    assert coach.cues[-1] is summary[0]


def test_a_rest_while_a_leg_is_moving_does_not_end_the_set() -> None:
    coach, feedback = VoiceCoach(PROFILE), Feedback(stage="counting")
    run(coach, feedback, 1.0)
    feedback.legs["left"].reps = 1
    run(coach, feedback, 2.0)
    feedback.legs["right"].phase = "lowering"  # a very slow rep: never idle
    assert [c for c in run(coach, feedback, 2.0 + PROFILE.set_rest_s + 2) if c.kind == "set"] == []


def test_pace_counts_each_phase_from_when_it_began() -> None:
    coach, feedback = VoiceCoach(PROFILE, speak=False, pace=True), Feedback(stage="counting")
    run(coach, feedback, 1.0)
    # lowering began at 1.0 s but the rep machine notices it at 1.4 s; raising is noticed on time
    phases = {1.4: ("lowering", 1.0), 4.5: ("raising", 4.5), 8.0: ("idle", 8.0)}

    def phase(fb: Feedback) -> None:
        for t, (name, since) in list(phases.items()):
            if t <= fb.t_s + 1e-9:
                fb.legs["left"].phase, fb.legs["left"].phase_since_s = name, since
                del phases[t]

    cues = run(coach, feedback, 10.0, on_frame=phase)
    assert [c.text for c in cues] == ["down", "2", "3", "up", "2", "3"]
    times = np.array([c.t_s for c in cues])
    assert np.allclose(times, [1.4, 2.0, 3.0, 4.5, 5.5, 6.5], atol=STEP_S + 1e-6)
    assert {c.kind for c in cues} == {"pace"}


def test_pace_skips_a_number_crowded_by_a_late_phase_word_and_says_nothing_while_idle() -> None:
    coach, feedback = VoiceCoach(PROFILE, speak=False, pace=True), Feedback(stage="counting")
    run(coach, feedback, 1.0)
    feedback.legs["right"].phase, feedback.legs["right"].phase_since_s = "lowering", 0.1  # noticed 0.9 s late
    cues = run(coach, feedback, 5.0)
    assert [c.text for c in cues] == ["down", "3"]
    feedback.legs["right"].phase = "idle"
    assert run(coach, feedback, 9.0) == []


def test_nothing_is_said_while_paused() -> None:
    coach, feedback = VoiceCoach(PROFILE, pace=True), Feedback(stage="counting", paused=True)
    feedback.legs["left"].phase, feedback.legs["left"].phase_since_s = "lowering", 0.0
    assert run(coach, feedback, 3.0, faults_at={1.0: "arching"}) == [] and coach.cues == []
