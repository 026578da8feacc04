"""Render one clip from its spec: pose every frame, draw, encode, and write the truth."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.synth.appearance import room_rows, vertex_colours
from formcheck.synth.body import Body, load_anny
from formcheck.synth.camera import Camera
from formcheck.synth.encode import VideoEncoder
from formcheck.synth.motion import frame_times_s
from formcheck.synth.render import Renderer
from formcheck.synth.scenario import LegGeometry, build_scenario
from formcheck.synth.spec import ClipSpec
from formcheck.synth.truth import frame_truth, pelvis_angle_deg, rep_truth, setup_faults, write_truth

MAT_TOP_M = 0.012
GENERATOR_VERSION = 1


@dataclass(frozen=True)
class ClipResult:
    """Where a rendered clip went and how long it took (s)."""

    video: Path
    truth: Path
    frames: int
    render_s: float


def leg_geometry(body: Body) -> LegGeometry:
    """Sagittal leg geometry of the lying body in tabletop (for aiming heel heights)."""
    tabletop = body.pose({})
    thigh_cm, shank_cm, back_cm = body.leg_geometry_cm()
    hip_cm = 100.0 * (tabletop.joints_m["left_hip"][1] - MAT_TOP_M)
    return LegGeometry(hip_height_cm=hip_cm, thigh_cm=thigh_cm, shank_cm=shank_cm, heel_back_cm=back_cm)


def render_clip(spec: ClipSpec, out_dir: str | Path, model: Any = None, max_frames: int | None = None) -> ClipResult:
    """Render ``spec`` to ``out_dir/<name>.mp4`` with ``out_dir/<name>.truth.json`` beside it."""
    t_start = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    body = Body(spec.body, mat_top_m=MAT_TOP_M, model=model if model is not None else load_anny())
    scenario = build_scenario(spec, leg_geometry(body))
    times = frame_times_s(scenario.duration_s, spec.fps_num, spec.fps_den)
    if max_frames is not None:
        times = times[:max_frames]
    channels = scenario.sample(times)
    imprint = body.pose({})
    pelvis_ref = pelvis_angle_deg(imprint.pelvis_axis)
    v = imprint.vertices_m
    centre = np.array([0.5 * (v[:, 0].min() + v[:, 0].max()), 0.22, 0.0])
    camera = Camera.from_spec(spec.camera, centre, spec.width, spec.height)
    renderer = Renderer(camera, body.faces, vertex_colours(body, spec.seed), room_rows(spec, MAT_TOP_M, float(np.sign(camera.eye_m[2]))))
    renderer.set_body_centre(float(centre[0]), 0.0, 0.5 * float(v[:, 0].max() - v[:, 0].min()))
    video = out_dir / f"{spec.name}.mp4"
    frames: list[dict[str, Any]] = []
    with VideoEncoder(video, spec.width, spec.height, spec.fps_num, spec.fps_den, spec.crf) as enc:
        for i, t in enumerate(times):
            posed = body.pose({k: float(c[i]) for k, c in channels.items()})
            enc.write(renderer.render(posed.vertices_m))
            frames.append(frame_truth(float(t), posed, camera, MAT_TOP_M, pelvis_ref))
    renderer.release()
    reps = [rep_truth(p, frames) for p in scenario.reps if p.end_s <= times[-1] + 1e-6]
    meta = clip_metadata(spec, camera, body, len(times), float(imprint.lumbar_gap_m))
    truth = out_dir / f"{spec.name}.truth.json"
    write_truth(truth, meta, frames, reps, setup_faults(scenario.setup_end_s, frames))
    return ClipResult(video, truth, len(times), time.perf_counter() - t_start)


def clip_metadata(spec: ClipSpec, camera: Camera, body: Body, n_frames: int, imprint_gap_m: float) -> dict[str, Any]:
    """Clip-level truth: video format, camera, body, exercise (see docs/truth.md)."""
    f_px = 0.5 * spec.height / np.tan(np.radians(camera.vfov_deg) / 2.0)
    return {
        "clip": {
            "name": spec.name,
            "video": f"{spec.name}.mp4",
            "description": spec.description,
            "exercise": spec.exercise,
            "seed": spec.seed,
            "generator_version": GENERATOR_VERSION,
            "fps": spec.fps,
            "fps_num": spec.fps_num,
            "fps_den": spec.fps_den,
            "frames": n_frames,
            "duration_s": round(n_frames * spec.fps_den / spec.fps_num, 5),
            "width": spec.width,
            "height": spec.height,
            "start": spec.start,
        },
        "camera": {
            **asdict(spec.camera),
            "eye_m": [round(float(x), 4) for x in camera.eye_m],
            "target_m": [round(float(x), 4) for x in camera.target_m],
            "fx_px": round(float(f_px), 3), "fy_px": round(float(f_px), 3),
            "cx_px": spec.width / 2.0, "cy_px": spec.height / 2.0,
            "view_matrix": np.round(camera.view, 6).tolist(),
        },
        "body": {
            **{k: v for k, v in asdict(spec.body).items()},
            "model": "anny (MakeHuman-based), pure-torch LBS",
            "mat_top_cm": 100.0 * MAT_TOP_M,
            "imprint_lumbar_gap_cm": round(100.0 * imprint_gap_m, 2),
            "leg_geometry_cm": [round(float(x), 2) for x in body.leg_geometry_cm()],
        },
        "world_frame": "metres; +x along the mat towards the feet, +y up, +z the person's right; floor y=0",
    }
