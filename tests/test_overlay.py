"""Overlay: checked by pixels — the banner colour of each fault, the skeleton colour on the
limbs, the gauge colour inside / outside the knee tolerance, sizes that scale with the frame."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from formcheck.core.landmarks import NUM_LANDMARKS, Landmark
from formcheck.core.pose import Pose
from formcheck.render.palette import DEFAULT_PALETTE, FAULT_COLOURS, OTHER_FAULT_COLOUR
from formcheck.render.annotator import Annotator
from formcheck.render.state import FaultBanner, LegState, OverlayState

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _grey(width: int = 640, height: int = 480) -> np.ndarray:
    return np.full((height, width, 3), 110, np.uint8)


def _lying_pose(width: int = 640, height: int = 480) -> Pose:
    """A hand-made side-view person: torso along y = 0.75 h, left leg in tabletop."""
    xy = np.full((NUM_LANDMARKS, 2), np.nan)
    at = {Landmark.LEFT_SHOULDER: (0.80, 0.75), Landmark.RIGHT_SHOULDER: (0.80, 0.76),
          Landmark.LEFT_HIP: (0.45, 0.75), Landmark.RIGHT_HIP: (0.45, 0.76),
          Landmark.LEFT_KNEE: (0.45, 0.45), Landmark.LEFT_ANKLE: (0.25, 0.45),
          Landmark.RIGHT_KNEE: (0.30, 0.70), Landmark.RIGHT_ANKLE: (0.12, 0.74)}
    for joint, (fx, fy) in at.items():
        xy[joint] = (fx * width, fy * height)
    return Pose(t_s=0.0, image_size=(width, height), xy_px=xy)


def _near(image: np.ndarray, xy: tuple[float, float], colour: tuple[int, int, int],
          radius: int = 3, tol: int = 12) -> bool:
    """True when some pixel within ``radius`` of ``xy`` has ``colour`` (± tol per channel)."""
    x, y = int(round(xy[0])), int(round(xy[1]))
    patch = image[y - radius: y + radius + 1, x - radius: x + radius + 1].astype(int)
    return bool((np.abs(patch - np.array(colour)).max(axis=2) <= tol).any())


def _share(region: np.ndarray, colour: tuple[int, int, int], tol: int = 6) -> float:
    """Fraction of the pixels of ``region`` that have ``colour``."""
    return float((np.abs(region.astype(int) - np.array(colour)).max(axis=2) <= tol).mean())


def _midpoint(pose: Pose, a: Landmark, b: Landmark, factor: float = 1.0) -> tuple[float, float]:
    mid = (pose.xy_px[a] + pose.xy_px[b]) / 2 * factor
    return float(mid[0]), float(mid[1])


def test_skeleton_colours_on_the_limbs_and_input_untouched() -> None:
    rgb, pose = _grey(), _lying_pose()
    before = rgb.copy()
    out = Annotator().annotate(rgb, OverlayState(pose=pose))
    assert out.shape == rgb.shape and out.dtype == np.uint8
    assert np.array_equal(rgb, before)
    assert _near(out, _midpoint(pose, Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE), DEFAULT_PALETTE.left)
    assert _near(out, _midpoint(pose, Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE), DEFAULT_PALETTE.right)
    assert _near(out, _midpoint(pose, Landmark.LEFT_SHOULDER, Landmark.LEFT_HIP), DEFAULT_PALETTE.torso)
    assert _near(out, tuple(pose.xy_px[Landmark.LEFT_KNEE]), DEFAULT_PALETTE.joint)


def test_no_pose_draws_no_skeleton() -> None:
    pose = _lying_pose()
    for state in (OverlayState(pose=None), OverlayState(pose=Pose.missing(0.0, (640, 480)))):
        out = Annotator().annotate(_grey(), state)
        assert not _near(out, _midpoint(pose, Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE), DEFAULT_PALETTE.left)


def test_landmarks_follow_the_frame_when_it_is_larger_than_the_analysed_one() -> None:
    pose = _lying_pose(640, 360)  # analysed at 640x360, drawn on 1280x720
    out = Annotator().annotate(_grey(1280, 720), OverlayState(pose=pose))
    assert _near(out, _midpoint(pose, Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE, 2.0), DEFAULT_PALETTE.left)


def test_each_fault_code_has_its_own_banner_colour() -> None:
    colours = set(FAULT_COLOURS.values())
    assert set(FAULT_COLOURS) == {"arching", "swinging", "tabletop_lost"} and len(colours) == 3
    faults = (FaultBanner("arching", "back lifting — stop here, that is your end range"),
              FaultBanner("swinging", "slow down: 3 seconds down, 3 up"),
              FaultBanner("tabletop_lost", "keep the 90° bend"),
              FaultBanner("something_new", "a code without a colour"))
    out = Annotator().annotate(_grey(), OverlayState(faults=faults))
    right_edge = out[:, -3]  # banners span the width; the text stays left
    found = [tuple(c) for c in (FAULT_COLOURS[f.code] if f.code in FAULT_COLOURS else OTHER_FAULT_COLOUR
                                for f in faults)]
    rows = [np.flatnonzero((np.abs(right_edge.astype(int) - np.array(c)).max(axis=1) <= 2)) for c in found]
    assert all(len(r) > 15 for r in rows)
    assert [r.min() for r in rows] == sorted(r.min() for r in rows)  # stacked in the given order
    assert rows[0].min() == 0  # the first banner starts at the top


def test_knee_needle_green_inside_tolerance_red_outside() -> None:
    def gauge(angle: float) -> np.ndarray:
        state = OverlayState(legs=(LegState("left", angle),), knee_target_deg=90.0, knee_tolerance_deg=20.0)
        return Annotator().annotate(_grey(), state)[:160, 400:]  # the top-right panel

    # The tolerance band is green too, so compare red: the needle is red only outside.
    inside, outside = gauge(95.0), gauge(130.0)
    assert _share(outside, DEFAULT_PALETTE.bad, tol=20) > _share(inside, DEFAULT_PALETTE.bad, tol=20) + 0.002
    assert _share(inside, DEFAULT_PALETTE.ok, tol=20) > _share(outside, DEFAULT_PALETTE.ok, tol=20)


def test_lumbar_bar_turns_arching_red_past_its_threshold() -> None:
    def bar(lift: float) -> float:
        state = OverlayState(lumbar_lift_cm=lift, arching_lift_cm=1.5)
        return _share(Annotator().annotate(_grey(), state)[:200, 400:], FAULT_COLOURS["arching"])

    assert bar(0.5) == 0.0
    assert bar(2.0) > 0.005
    assert bar(3.0) > bar(2.0)  # fills further


def test_tempo_cue_only_while_moving() -> None:
    idle = OverlayState(legs=(LegState("left", 90.0, 2, "idle", 0.0),))
    lowering = OverlayState(legs=(LegState("left", 90.0, 2, "lowering", 1.2),))
    done = OverlayState(legs=(LegState("left", 90.0, 2, "lowering", 3.4),))
    panel = (slice(0, 120), slice(0, 220))
    amber = FAULT_COLOURS["swinging"]
    assert _share(Annotator().annotate(_grey(), idle)[panel], amber) == 0.0
    assert _share(Annotator().annotate(_grey(), lowering)[panel], amber) > 0.003
    assert _share(Annotator().annotate(_grey(), done)[panel], DEFAULT_PALETTE.ok) > 0.005


def test_overlay_scales_with_the_frame() -> None:
    state = OverlayState(faults=(FaultBanner("arching", "back lifting"),))

    def banner_height(width: int, height: int) -> int:
        column = Annotator().annotate(_grey(width, height), state)[:, -3].astype(int)
        return int((np.abs(column - np.array(FAULT_COLOURS["arching"])).max(axis=1) <= 2).sum())

    small, large = banner_height(640, 480), banner_height(1280, 720)
    assert large == pytest.approx(1.5 * small, rel=0.15)


def test_pure_function_of_its_inputs() -> None:
    state = OverlayState(pose=_lying_pose(), faults=(FaultBanner("swinging", "slow down"),),
                         setup_message="hold tabletop still", fps=14.9, latency_ms=80.0,
                         lumbar_lift_cm=math.nan)
    annotator = Annotator()
    assert np.array_equal(annotator.annotate(_grey(), state), annotator.annotate(_grey(), state))


def test_setup_message_box_in_the_middle() -> None:
    out = Annotator().annotate(_grey(), OverlayState(setup_message="turn the camera side-on"))
    middle, edge = out[200:280, 100:540], out[400:, :]
    assert _share(middle, DEFAULT_PALETTE.setup, tol=10) > 0.01
    assert _share(edge, DEFAULT_PALETTE.setup, tol=10) == 0.0


def test_bad_image_is_refused() -> None:
    with pytest.raises(ValueError, match="uint8"):
        Annotator().annotate(np.zeros((48, 64), np.uint8), OverlayState())


def test_real_frame(image_estimator, tmp_path: Path) -> None:
    """A frame of the clean-left clip, its real pose, an arching banner: drawn where expected."""
    from formcheck.io.sources import VideoFileSource

    frame = next(f for f in VideoFileSource(SAMPLES / "heel_tap_clean_left.mp4") if f.index == 120)
    pose = image_estimator.estimate(frame)
    assert pose.detected
    state = OverlayState(pose=pose, legs=(LegState("left", 93.0, 3, "lowering", 1.7),
                                          LegState("right", 91.0, 2, "idle")),
                         lumbar_lift_cm=2.1,
                         faults=(FaultBanner("arching", "back lifting — stop here, that is your end range"),))
    out = Annotator().annotate(frame.rgb, state)
    assert out.shape == frame.rgb.shape
    top = out[:20, frame.size[0] // 2:]
    assert _share(top, FAULT_COLOURS["arching"], tol=2) > 0.8
    for side, colour in (("LEFT", DEFAULT_PALETTE.left), ("RIGHT", DEFAULT_PALETTE.right)):
        hip, knee = Landmark[f"{side}_HIP"], Landmark[f"{side}_KNEE"]
        assert _near(out, _midpoint(pose, hip, knee), colour, radius=4), side
    assert not _near(frame.rgb, _midpoint(pose, Landmark.LEFT_HIP, Landmark.LEFT_KNEE), DEFAULT_PALETTE.left,
                     radius=4, tol=6)


def test_each_piece_draws_only_its_own_part() -> None:
    """An Annotator of the skeleton piece alone: limbs, but no banner, panels or set-up box."""
    from formcheck.render.skeleton import SkeletonAnnotator

    pose = _lying_pose()
    state = OverlayState(pose=pose, faults=(FaultBanner("arching", "back lifting"),),
                         setup_message="turn the camera side-on", fps=15.0)
    alone = Annotator(pieces=[SkeletonAnnotator()]).annotate(_grey(), state)
    full = Annotator().annotate(_grey(), state)
    assert _near(alone, _midpoint(pose, Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE), DEFAULT_PALETTE.left)
    for colour in (FAULT_COLOURS["arching"], DEFAULT_PALETTE.setup):
        assert _share(alone, colour, tol=2) == 0.0 and _share(full, colour, tol=2) > 0.005
    assert np.array_equal(alone[:100, 300:340], _grey()[:100, 300:340])  # nothing drawn up there


def test_panels_start_below_the_banners() -> None:
    """The legs panel's top edge moves down by exactly the height the banners take."""
    from formcheck.render.banners import FaultBannerAnnotator

    def panel_top(faults: tuple[FaultBanner, ...]) -> int:
        column = Annotator().annotate(_grey(), OverlayState(faults=faults))[:, 12].astype(int)
        panel = np.round(0.6 * np.array(DEFAULT_PALETTE.panel) + 0.4 * 110)  # the blended panel colour
        return int(np.flatnonzero((np.abs(column - panel).max(axis=1) <= 2))[0])

    faults = (FaultBanner("arching", "back lifting — stop here, that is your end range"),
              FaultBanner("swinging", "slow down: 3 seconds down, 3 up, " * 3))
    banners_px = FaultBannerAnnotator().height_px(640, faults, 1.0)
    assert banners_px > 60  # two banners, the second on two lines
    assert panel_top(faults) - panel_top(()) == banners_px


def test_outlined_text_from_its_sprite_matches_drawing_it() -> None:
    """put_text blends a cached sprite: within 2 grey levels of the nine putText strokes, on a
    busy background, also where the label runs off the image's edges."""
    from formcheck.render.draw import TEXT_SPRITES, draw_text, put_text

    rng = np.random.default_rng(7)
    background = rng.integers(0, 256, (200, 320, 3), dtype=np.uint8)
    cases = [("L knee 87°", (40, 60), 0.69, 2), ("back lift 2.1 / 1.5 cm", (-30, 120), 0.46, 1),
             ("lowering 1.3 / 3 s", (250, 8), 0.9, 2), ("RIGHT", (150, 198), 0.55, 3)]
    for text, origin, font, thick in cases:
        drawn, blended = background.copy(), background.copy()
        draw_text(drawn, text, origin, font, DEFAULT_PALETTE.text, thick)
        put_text(blended, text, origin, font, DEFAULT_PALETTE.text, thick)
        changed = (drawn != background).any(axis=2)
        assert changed.sum() > 30, text  # the label is on the image
        diff = np.abs(drawn.astype(int) - blended.astype(int))
        assert diff.max() <= 2, text
        assert ((blended != background).any(axis=2) & ~changed).sum() <= 0.01 * changed.sum(), text
    before = len(TEXT_SPRITES)
    put_text(background.copy(), "L knee 87°", (10, 30), 0.69, DEFAULT_PALETTE.text, 2)
    assert len(TEXT_SPRITES) == before  # drawn once, reused


def test_sprite_cache_keeps_the_most_recent() -> None:
    from formcheck.render.sprites import Sprite, TextSprites

    made: list[str] = []

    def make(name: str) -> Sprite:
        made.append(name)
        return Sprite.drawn(lambda image, at: None, (4, 4), (0, 0))

    cache = TextSprites(max_sprites=2)
    for name in ("a", "b", "a", "c", "a", "b"):
        cache.get((name,), lambda: make(name))
    assert made == ["a", "b", "c", "b"] and len(cache) == 2
    with pytest.raises(ValueError, match="max_sprites"):
        TextSprites(0)


def test_draw_draws_in_place_what_annotate_draws_on_a_copy() -> None:
    state = OverlayState(pose=_lying_pose(), legs=(LegState("left", 93.0, 3, "lowering", 1.7),),
                         lumbar_lift_cm=2.1, faults=(FaultBanner("arching", "back lifting"),))
    annotator = Annotator()
    copy = annotator.annotate(_grey(), state)
    image = _grey()
    assert annotator.draw(image, state) is image
    assert np.array_equal(image, copy)
    with pytest.raises(ValueError, match="contiguous"):
        annotator.draw(_grey(640, 480)[:, ::2], state)
