"""Live recognises the exercise from its first reps (known-answer movements through the real
recorders): it watches, switches to the recognised profile after ``live_min_reps`` episodes,
says so in the set-up line, and the report recognises on the whole session; an explicit
exercise never switches."""

from __future__ import annotations

import numpy as np

from formcheck.app.live_exercise import LiveExercise
from formcheck.core.pose import Pose
from formcheck.profiles import DETECTION
from test_exercise_detect import FPS, _legs, _pose


def _session(exercise: LiveExercise, moves: str, seconds: float) -> list[tuple[float, str | None, str]]:
    """Feed the movement frame by frame as live does; (t, switched-to, set-up line) per frame."""
    out = []
    for i, t in enumerate(np.arange(0.0, seconds, 1.0 / FPS)):
        xy = _pose(*_legs(float(t), moves))
        pose = Pose(t_s=float(t), image_size=(800, 600), xy_px=xy, visibility=np.ones(33))
        exercise.recorder.update(pose, i)  # what process_frame records
        exercise.record_others(pose, i)
        switched = exercise.check(float(t))
        out.append((float(t), switched.name if switched is not None else None, exercise.message(float(t))))
    return out


def test_auto_switches_to_leg_extension_after_the_first_reps_and_says_so() -> None:
    exercise = LiveExercise("auto")
    assert exercise.profile.name == "heel-tap"  # the default until the reps say otherwise
    frames = _session(exercise, "leg-extension", 2.0 + 4 * 6.0 + 1.0)
    switches = [(t, name) for t, name, _ in frames if name is not None]
    assert len(switches) == 1 and switches[0][1] == "leg-extension"
    t_switch = switches[0][0]
    # two reps end at 2 + 2 × 6 s; the check runs once a second
    assert 2.0 + 2 * 6.0 - 3.0 <= t_switch <= 2.0 + 2 * 6.0 + DETECTION.live_check_every_s + 1.0
    assert all(line == "watching your first reps to recognise the exercise" for t, _, line in frames if t < t_switch)
    shown = [line for t, _, line in frames if t_switch <= t <= t_switch + DETECTION.live_show_found_s]
    assert shown and all(line == "recognised leg extensions" for line in shown)
    assert frames[-1][2] is None  # then the set-up line is the feedback's own again
    choice, profile, recorder = exercise.final_choice()
    assert choice.profile == profile.name == "leg-extension" and choice.asked == "auto"
    assert recorder is exercise.recorder and len(recorder) == len(frames)


def test_straight_legs_switch_to_their_own_recorder() -> None:
    exercise = LiveExercise("auto")
    heel_tap_recorder = exercise.recorder
    _session(exercise, "straight-leg", 2.0 + 3 * 6.0 + 1.0)
    assert exercise.profile.name == "straight-leg"
    assert exercise.recorder is not heel_tap_recorder  # straight legs calibrate on their own start posture
    assert len(exercise.recorder) == len(heel_tap_recorder)  # both saw every frame


def test_an_explicit_exercise_never_switches_and_the_report_notes_the_mismatch() -> None:
    exercise = LiveExercise("heel-tap")
    frames = _session(exercise, "leg-extension", 2.0 + 3 * 6.0 + 1.0)
    assert all(name is None and line is None for _, name, line in frames)
    choice, profile, _ = exercise.final_choice()
    assert profile.name == "heel-tap" and choice.detection.profile == "leg-extension"
    assert choice.note == "you asked for heel taps, but your knee straightened on every rep: leg extensions?"
