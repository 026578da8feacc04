"""Property-based tests: geometry invariants, and the video reader on mutated files."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from formcheck.errors import VideoError
from formcheck.measure.geometry import angle_at_deg, joint_angle_deg, knee_angle_from_lengths_deg
from formcheck.core.landmarks import NUM_LANDMARKS
from formcheck.io.sources import VideoFileSource

coordinate = st.floats(min_value=-5000, max_value=5000, allow_nan=False)
point = st.tuples(coordinate, coordinate).map(np.array)


@given(point, point, point)
def test_angles_stay_in_0_to_180(a, b, c) -> None:
    angle = angle_at_deg(a, b, c)
    assert np.isnan(angle) or 0.0 <= angle <= 180.0


@settings(max_examples=200)
@given(st.lists(point, min_size=NUM_LANDMARKS, max_size=NUM_LANDMARKS),
       point, st.floats(min_value=0.05, max_value=20), st.floats(min_value=-np.pi, max_value=np.pi))
def test_joint_angles_are_invariant_to_translation_scale_rotation_and_mirroring(points, shift, scale, turn) -> None:
    xy = np.array(points, dtype=np.float64)
    for first, vertex, last in ((23, 25, 27), (24, 26, 28), (11, 23, 25), (12, 24, 26)):
        assume(min(np.linalg.norm(xy[first] - xy[vertex]), np.linalg.norm(xy[last] - xy[vertex])) >= 1.0)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    moved = (xy @ rotation.T) * scale + shift
    mirrored = xy * [-1.0, 1.0]
    for joint in ("knee", "hip"):
        for leg in ("left", "right"):
            original = joint_angle_deg(xy, joint, leg)
            for other in (moved, mirrored):
                again = joint_angle_deg(other, joint, leg)
                assert abs(original - again) < 1e-6


@given(st.floats(min_value=10, max_value=400), st.floats(min_value=10, max_value=400),
       st.floats(min_value=5, max_value=175), st.floats(min_value=0, max_value=2 * np.pi))
def test_knee_from_lengths_recovers_any_bend(thigh, shin, knee_deg, turn) -> None:
    xy = np.full((NUM_LANDMARKS, 2), np.nan)
    hip = np.array([300.0, 300.0])
    knee = hip + thigh * np.array([np.cos(turn), np.sin(turn)])
    shin_turn = turn + np.pi - np.radians(knee_deg)
    ankle = knee + shin * np.array([np.cos(shin_turn), np.sin(shin_turn)])
    xy[23], xy[25], xy[27] = hip, knee, ankle
    found = knee_angle_from_lengths_deg(xy, "left", thigh, shin)
    assert 0 <= found <= 180 and abs(found - knee_deg) < 1e-4


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_video_reader_survives_mutated_files(data, make_video, tmp_path) -> None:
    """Random byte flips, cuts and junk: the reader either yields frames or raises VideoError."""
    original = (tmp_path / "base.mp4") if (tmp_path / "base.mp4").exists() else make_video("base.mp4", seconds=0.5)
    raw = bytearray(original.read_bytes())
    for _ in range(data.draw(st.integers(min_value=1, max_value=20))):
        position = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
        raw[position] = data.draw(st.integers(min_value=0, max_value=255))
    cut = data.draw(st.integers(min_value=1, max_value=len(raw)))
    mutated = tmp_path / "mutated.mp4"
    mutated.write_bytes(bytes(raw[:cut]) + data.draw(st.binary(max_size=64)))
    try:
        source = VideoFileSource(mutated)
    except VideoError as error:
        assert "\n" not in str(error)
        return
    times = [frame.t_s for frame in source]
    assert times == sorted(times) and len(set(times)) == len(times)
