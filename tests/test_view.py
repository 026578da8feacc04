"""View classification from hand-made world and image landmarks."""

from __future__ import annotations

from dataclasses import astuple

import numpy as np
import pytest

from formcheck.core.landmarks import NUM_LANDMARKS
from formcheck.core.landmarks import Landmark as L
from formcheck.measure.view import classify_view


def body(lateral_m: np.ndarray, trunk_m: np.ndarray, trunk_px: np.ndarray = np.array([-200.0, 0.0]),
         extent_px: float = 600.0) -> tuple[np.ndarray, np.ndarray]:
    """World landmarks with the given left−right and shoulder−hip vectors; image landmarks
    with the given shoulder−hip vector and body extent."""
    world = np.zeros((NUM_LANDMARKS, 3))
    world[L.LEFT_HIP], world[L.RIGHT_HIP] = lateral_m / 2, -lateral_m / 2
    world[L.LEFT_SHOULDER], world[L.RIGHT_SHOULDER] = trunk_m + lateral_m / 2, trunk_m - lateral_m / 2
    image = np.full((NUM_LANDMARKS, 2), np.nan)
    hip = np.array([700.0, 400.0])
    image[[L.LEFT_HIP, L.RIGHT_HIP]] = hip
    image[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER]] = hip + trunk_px
    image[L.NOSE] = hip + 1.5 * trunk_px
    image[[L.LEFT_HEEL, L.RIGHT_HEEL]] = image[L.NOSE] + extent_px * trunk_px / -np.linalg.norm(trunk_px)
    return world, image


SIDE_TRUNK = np.array([-0.5, 0.0, 0.0])  # shoulders toward −x (image left)


@pytest.mark.parametrize("lateral, near", [((0, 0, -0.3), "left"), ((0, 0, 0.3), "right")])
def test_side_view_and_near_side(lateral, near) -> None:
    view = classify_view(*body(np.array(lateral, float), SIDE_TRUNK), (1280, 720))
    assert view.view == "side" and view.near_side == near and view.yaw_deg < 1
    assert all(astuple(view.trust)) and view.advice is None


@pytest.mark.parametrize("yaw_deg, toward, lumbar", [(30, "head", True), (30, "feet", False)])
def test_oblique_trusts_the_lumbar_measure_only_from_the_head_side(yaw_deg, toward, lumbar) -> None:
    yaw = np.radians(yaw_deg)
    lateral = 0.3 * np.array([np.sin(yaw), 0.0, -np.cos(yaw)])
    trunk = 0.5 * np.array([-np.cos(np.radians(20)), 0.0, np.sin(np.radians(20)) * (-1 if toward == "head" else 1)])
    view = classify_view(*body(lateral, trunk), (1280, 720))
    assert view.view == "oblique" and view.toward == toward
    assert view.trust.lumbar is lumbar and view.trust.angles


def test_along_the_body_from_the_feet_and_from_the_head() -> None:
    lateral = np.array([0.3, 0.0, 0.0])
    feet = classify_view(*body(lateral, np.array([0.0, 0.1, 0.5]), np.array([0.0, -60.0])), (1280, 720))
    head = classify_view(*body(lateral, np.array([0.0, 0.1, -0.5]), np.array([0.0, 60.0])), (1280, 720))
    assert (feet.view, head.view) == ("feet_end", "head_end")
    assert not feet.trust.angles and "side-on" in feet.advice


def test_upright_person_filmed_side_on() -> None:
    view = classify_view(*body(np.array([0, 0, -0.3]), np.array([0.0, -0.5, 0.0]), np.array([0.0, -200.0])),
                         (1280, 720))
    assert view.view == "upright" and not any(astuple(view.trust)) and "lie on your back" in view.advice


def test_too_small_person() -> None:
    view = classify_view(*body(np.array([0, 0, -0.3]), SIDE_TRUNK, np.array([-40.0, 0.0]), extent_px=150.0),
                         (1280, 720))
    assert view.too_small and not view.trust.lumbar and "closer" in view.advice


def test_nobody() -> None:
    nan = np.full((NUM_LANDMARKS, 3), np.nan)
    view = classify_view(nan, nan[:, :2], (640, 480))
    assert view.view == "unknown" and "no person" in view.advice
