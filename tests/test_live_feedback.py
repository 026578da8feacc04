"""The streaming feedback state on synthetic per-frame sequences with known events."""

from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck.measure.calibration import Calibration
from formcheck.measure.geometry import FloorLine
from formcheck.core.landmarks import NUM_LANDMARKS
from formcheck.core.pose import Pose
from formcheck.core.landmarks import Landmark as L
from formcheck.analysis.fault_rules import cue_words
from formcheck.app.live_feedback import FramingCheck, LiveFeedback, body_cut_off
from formcheck.wording import say
from formcheck.core.series import SIGNAL_COLUMNS
from formcheck.profiles import get_profile
from formcheck.measure.silhouette import TrunkAxis
from formcheck.measure.view import ViewAssessment, ViewTrust

FPS = 15.0
SIZE = (1280, 720)
BASE_CM = 30.0
HEEL_TAP = get_profile("heel-tap")


def lying_pose(t_s: float, heel_x_px: float = 860.0, above: bool = False,
               size: tuple[int, int] = SIZE) -> Pose:
    """A person lying side-on in tabletop (left side to the camera), inside a 1280×720 frame
    (image coordinates scaled to ``size``); ``above``: world landmarks as seen from above
    (left–right axis across the image)."""
    xy = np.full((NUM_LANDMARKS, 2), np.nan)
    xy[L.NOSE] = (300, 480)
    xy[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER]] = (400, 500)
    xy[[L.LEFT_HIP, L.RIGHT_HIP]] = (650, 500)
    xy[[L.LEFT_KNEE, L.RIGHT_KNEE]] = (650, 330)
    xy[[L.LEFT_ANKLE, L.RIGHT_ANKLE]] = (850, 330)
    xy[[L.LEFT_HEEL, L.RIGHT_HEEL]] = (heel_x_px, 345)
    world = np.zeros((NUM_LANDMARKS, 3))
    lateral = np.array([0.0, 0.3, 0.0]) if above else np.array([0.0, 0.0, -0.3])
    trunk = np.array([-0.5, 0.0, 0.0])
    world[L.LEFT_HIP], world[L.RIGHT_HIP] = lateral / 2, -lateral / 2
    world[L.LEFT_SHOULDER], world[L.RIGHT_SHOULDER] = trunk + lateral / 2, trunk - lateral / 2
    xy *= np.array(size, dtype=np.float64) / np.array(SIZE, dtype=np.float64)
    return Pose(t_s=t_s, image_size=size, xy_px=xy, world_m=world,
                visibility=np.ones(NUM_LANDMARKS), presence=np.ones(NUM_LANDMARKS), num_candidates=1)


def calibration(lumbar_trusted: bool = True) -> Calibration:
    """A side-view calibration with tabletop heels at ``BASE_CM``."""
    axis = TrunkAxis(np.array([400.0, 500.0]), np.array([650.0, 500.0]), np.array([0.0, -1.0]))
    floor = FloorLine(np.array([525.0, 540.0]), np.array([0.0, -1.0]), 0.2, 250.0)
    view = ViewAssessment("side", "left", None, 0.0, 0.6,
                          ViewTrust(lumbar=lumbar_trusted))
    both = {"left": 90.0, "right": 90.0}
    return Calibration(ok=True, start_s=0.0, end_s=1.5, axis=axis, floor=floor, silhouette=None, view=view,
                       heel_height_cm={"left": BASE_CM, "right": BASE_CM}, knee_angle_deg=both,
                       hip_angle_deg=both, segment_px={"left": (170.0, 200.0), "right": (170.0, 200.0)})


def heel_rep(t: np.ndarray, start_s: float, lower_s: float, raise_s: float, low_cm: float = 5.0) -> np.ndarray:
    """Heel height (cm): tabletop, a cosine lowering to ``low_cm``, a cosine raise, tabletop."""
    depth = BASE_CM - low_cm
    h = np.full(len(t), BASE_CM)
    down = (t >= start_s) & (t < start_s + lower_s)
    h[down] = BASE_CM - depth * (0.5 - 0.5 * np.cos(np.pi * (t[down] - start_s) / lower_s))
    bottom = start_s + lower_s
    up = (t >= bottom) & (t < bottom + raise_s)
    h[up] = low_cm + depth * (0.5 - 0.5 * np.cos(np.pi * (t[up] - bottom) / raise_s))
    return h


def run(signals: dict[str, np.ndarray], t: np.ndarray, profile=HEEL_TAP, cal: Calibration | None = None,
        feedback: LiveFeedback | None = None):
    """Feed a sequence; returns the feedback, the faults raised and the overlay state per frame."""
    cal = cal if cal is not None else calibration()
    feedback = feedback or LiveFeedback(profile)
    faults, states = [], []
    for k, t_s in enumerate(t):
        measures = {name: float(signals[name][k]) if name in signals else math.nan for name in SIGNAL_COLUMNS}
        measures.setdefault("knee_angle_left_deg", 90.0)
        pose = lying_pose(float(t_s))
        faults += feedback.update(pose, measures, cal)
        states.append(feedback.overlay(pose))
    return feedback, faults, states


def times(duration_s: float) -> np.ndarray:
    return np.arange(0.0, duration_s, 1.0 / FPS)


def one_left_rep(t: np.ndarray, lower_s: float = 3.0, raise_s: float = 3.0, start_s: float = 2.0) -> dict:
    return {"heel_height_left_cm": heel_rep(t, start_s, lower_s, raise_s),
            "heel_height_right_cm": np.full(len(t), BASE_CM),
            "knee_angle_left_deg": np.full(len(t), 90.0), "knee_angle_right_deg": np.full(len(t), 90.0),
            "lumbar_lift_cm": np.zeros(len(t))}


# -- set-up phase -------------------------------------------------------------------------

def test_setup_says_what_to_change_then_hold_still_then_counts() -> None:
    feedback = LiveFeedback(HEEL_TAP)
    nan = {name: math.nan for name in SIGNAL_COLUMNS}
    feedback.update(Pose.missing(0.0, SIZE), nan, None)
    assert (feedback.stage, feedback.setup_message) == ("setup", say("setup.no_person"))
    feedback.update(lying_pose(0.1, heel_x_px=1300.0), nan, None)  # feet beyond the right edge
    assert (feedback.stage, feedback.setup_message) == ("setup", say("setup.body_cut_off"))
    fresh = LiveFeedback(HEEL_TAP)
    fresh.update(lying_pose(0.2, above=True), nan, None)
    assert fresh.stage == "setup" and "turn the camera side-on" in fresh.setup_message
    fresh = LiveFeedback(HEEL_TAP)
    fresh.update(lying_pose(0.3), nan, None)
    assert (fresh.stage, fresh.setup_message) == ("calibrating", say("setup.hold_still"))
    assert fresh.overlay(None).setup_message == say("setup.hold_still") and not fresh.overlay(None).faults
    fresh.update(lying_pose(0.35), nan, None, ready=True)
    assert (fresh.stage, fresh.setup_message) == ("calibrating", say("setup.ready", down=3, up=3))
    fresh.update(lying_pose(0.4), nan, calibration())
    assert fresh.stage == "counting" and fresh.overlay(None).setup_message is None
    fresh.restart()
    assert fresh.stage == "setup"


def test_body_cut_off_and_framing_window() -> None:
    assert not body_cut_off(lying_pose(0.0))
    assert body_cut_off(lying_pose(0.0, heel_x_px=1279.0))  # within 1 % of the edge
    check = FramingCheck()
    assert check.update(lying_pose(0.0)) is None
    assert check.update(Pose.missing(0.1, SIZE)) == say("setup.no_person")


# -- reps and tempo -----------------------------------------------------------------------

def test_a_slow_rep_counts_with_phases_and_no_fault() -> None:
    t = times(12.0)
    feedback, faults, states = run(one_left_rep(t), t)
    assert faults == []
    assert feedback.legs["left"].reps == 1 and feedback.legs["right"].reps == 0
    phases = [s.legs[0].phase for s in states]
    lowering = [float(t[k]) for k, p in enumerate(phases) if p == "lowering"]
    raising = [float(t[k]) for k, p in enumerate(phases) if p == "raising"]
    # the heel is 20 % of its height down (the rep machine's start) at ~3.0 s; the bottom is at 5 s
    assert 2.9 < lowering[0] < 3.3 and 5.0 <= raising[0] < 5.8
    assert phases[-1] == "idle" and raising[-1] < 9.0
    elapsed = [s.legs[0].phase_elapsed_s for k, s in enumerate(states) if phases[k] == "lowering"]
    assert max(elapsed) == pytest.approx(3.0, abs=0.35)  # tempo cue: seconds in the phase


def test_a_rushed_rep_raises_swinging_at_the_bottom() -> None:
    t = times(8.0)
    feedback, faults, states = run(one_left_rep(t, lower_s=1.0, raise_s=1.0), t)
    assert [(f.code, f.channel) for f in faults] == [("swinging", "left")]
    assert faults[0].t_s == pytest.approx(3.0, abs=0.15)  # the bottom: when the rushed lowering ended
    assert 3.0 <= faults[0].detected_s <= 3.5  # noticed once the heel rises again
    k = int(np.searchsorted(t, faults[0].detected_s))
    assert [b.code for b in states[k].faults] == ["swinging"]
    assert states[k].faults[0].message == "slow down: 3 seconds down, 3 up"
    assert feedback.legs["left"].reps == 1


# -- arching ------------------------------------------------------------------------------

@pytest.mark.parametrize("lift_cm, expected", [(3.0, True), (1.4, False)])
def test_lumbar_lift_crossing_the_threshold_raises_arching_after_it_held(lift_cm, expected) -> None:
    t = times(10.0)
    signals = one_left_rep(t)
    onset_s = 4.0  # during the lowering (2–5 s)
    signals["lumbar_lift_cm"] = np.where((t >= onset_s) & (t < 6.0), lift_cm, 0.2)
    _, faults, states = run(signals, t)
    arching = [f for f in faults if f.code == "arching"]
    if not expected:
        assert arching == []
        return
    assert len(arching) == 1 and arching[0].channel == "left"
    # reported at its onset; raised once held ≥ arching_min_s (0.2 s) above 1.5 cm (the
    # One-Euro filter adds < 0.15 s)
    assert onset_s <= arching[0].t_s <= onset_s + 0.15
    assert arching[0].t_s + HEEL_TAP.arching_min_s - 1.0 / FPS - 1e-9 <= arching[0].detected_s
    assert arching[0].detected_s <= onset_s + 0.2 + 0.15 + 1.0 / FPS
    k = int(np.searchsorted(t, arching[0].detected_s))
    assert states[k - 1].faults == ()
    assert states[k].faults[0].code == "arching"
    assert states[k].faults[0].message == "back lifting — stop here, that is your end range"
    assert states[k].lumbar_lift_cm > HEEL_TAP.arching_lift_cm


def test_arching_is_not_judged_where_the_view_does_not_show_the_lower_back() -> None:
    t = times(10.0)
    signals = one_left_rep(t)
    signals["lumbar_lift_cm"] = np.where((t >= 4.0) & (t < 6.0), 3.0, 0.0)
    _, faults, _ = run(signals, t, cal=calibration(lumbar_trusted=False))
    assert [f.code for f in faults] == []


def test_banner_stays_for_the_hold_time_after_the_condition_ends() -> None:
    t = times(14.0)
    signals = one_left_rep(t)
    signals["lumbar_lift_cm"] = np.where((t >= 4.0) & (t < 5.0), 3.0, 0.0)
    _, faults, states = run(signals, t)
    shown = [float(t[k]) for k, s in enumerate(states) if any(b.code == "arching" for b in s.faults)]
    assert len(faults) == 1 and shown[0] == pytest.approx(faults[0].detected_s)
    assert shown[-1] == pytest.approx(5.0 + HEEL_TAP.banner_live_s, abs=0.25)


# -- the knee bend ------------------------------------------------------------------------

@pytest.mark.parametrize("knee_deg, expected", [(130.0, True), (105.0, False)])
def test_knee_opening_during_a_rep_raises_tabletop_lost(knee_deg, expected) -> None:
    t = times(12.0)
    signals = one_left_rep(t)
    signals["knee_angle_left_deg"] = np.where((t >= 3.0) & (t < 7.0), knee_deg, 90.0)
    _, faults, states = run(signals, t)
    lost = [f for f in faults if f.code == "tabletop_lost"]
    if not expected:
        assert lost == []
        return
    assert len(lost) == 1 and lost[0].channel == "left"
    assert 3.0 <= lost[0].t_s <= 3.0 + 0.3  # the onset (the knee passes 110° soon after 3 s)
    assert lost[0].t_s + HEEL_TAP.knee_fault_min_s - 1.0 / FPS - 1e-9 <= lost[0].detected_s <= 3.0 + 0.3 + 0.3
    k = int(np.searchsorted(t, lost[0].detected_s))
    assert states[k].faults[0].message == "keep the 90° bend"


def test_knee_away_from_90_while_resting_is_not_a_rep_fault() -> None:
    t = times(6.0)
    signals = {"heel_height_left_cm": np.full(len(t), BASE_CM), "heel_height_right_cm": np.full(len(t), BASE_CM),
               "knee_angle_left_deg": np.full(len(t), 140.0), "lumbar_lift_cm": np.zeros(len(t))}
    _, faults, _ = run(signals, t)
    assert [f for f in faults if f.channel is not None] == []  # no rep, no rep fault
    # the start position is judged as the report judges it (knees at 140°, not tabletop)
    assert [(f.code, f.channel, f.t_s) for f in faults] == [("tabletop_lost", None, 0.0)]


def test_legs_together_profile_shows_one_channel_and_its_cue() -> None:
    profile = get_profile("straight-leg")
    assert cue_words(profile)["tabletop_lost"] == "keep the knees straight"
    t = times(12.0)
    heel = heel_rep(t, 2.0, 3.0, 3.0)
    signals = {"heel_height_left_cm": heel, "heel_height_right_cm": heel,
               "knee_angle_left_deg": np.full(len(t), 175.0), "knee_angle_right_deg": np.full(len(t), 175.0)}
    feedback, faults, states = run(signals, t, profile=profile)
    assert [leg.name for leg in states[-1].legs] == ["both"]
    assert feedback.legs["both"].reps == 1 and faults == []


def test_calibrator_says_ready_once_the_still_tabletop_is_long_enough() -> None:
    from formcheck.measure.calibration import Calibrator

    calibrator = Calibrator()
    readiness = []
    for k in range(50):  # 1.6 s of a still tabletop at 29.97 fps
        calibrator.update(lying_pose(k / 29.97))
        readiness.append(calibrator.ready)
    first = readiness.index(True)
    assert 1.0 <= first / 29.97 < 1.1 and all(readiness[first:])
    assert calibrator.result is None  # taken when the movement begins (or at 2 s)


def test_the_near_leg_is_timed_on_its_sweep_about_the_calibrated_hip() -> None:
    """As offline: the leg facing the camera gets a smoothed sweep about the calibrated hip
    (which grows with the thigh's turn); the far leg gets none (it hides behind the near one)."""
    feedback = LiveFeedback(HEEL_TAP)
    cal = calibration()
    measures = {name: math.nan for name in SIGNAL_COLUMNS}
    turned = lying_pose(0.0)
    hip = turned.xy_px[L.LEFT_HIP]
    turn = np.radians(30.0)
    rotate = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])  # toward the feet (y down)
    for index in (L.LEFT_KNEE, L.LEFT_ANKLE):
        turned.xy_px[index] = hip + rotate @ (turned.xy_px[index] - hip)
    for k in range(30):
        feedback.update(lying_pose(k / FPS), measures, cal)
    resting = feedback.sweep_deg["left"]
    for k in range(30, 90):
        pose = Pose(t_s=k / FPS, image_size=SIZE, xy_px=turned.xy_px, world_m=turned.world_m,
                    visibility=turned.visibility, presence=turned.presence, num_candidates=1)
        feedback.update(pose, measures, cal)
    assert set(feedback.sweep_deg) == {"left"}
    assert feedback.sweep_deg["left"] - resting == pytest.approx(30.0, abs=0.5)
