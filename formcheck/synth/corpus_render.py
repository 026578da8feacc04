"""Render one corpus item (a clip, or a two-camera pair of one session) and write its truth files.

Needs the synth extra (torch, anny, moderngl). The item is the dict of
:func:`formcheck.synth.corpus.draw_item`; everything here is deterministic from it.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.synth.appearance import clothing_colours, loose_top_weights
from formcheck.synth.body import Body, PosedBody, body_mass_kg, resolve_height
from formcheck.synth.camera import Camera, aimed_camera, handheld_camera
from formcheck.synth.encode import VideoEncoder
from formcheck.synth.labels import label_session, setup_labels
from formcheck.synth.motion import frame_times_s
from formcheck.synth.render import SceneRenderer, box, vertex_normals_fast
from formcheck.synth.scenario import LegGeometry
from formcheck.synth.scene import room_geometry
from formcheck.synth.session import BODY_CHANNELS, BodyInfo, Session, build_session
from formcheck.synth.spec import BodySpec
from formcheck.synth.truth import LANDMARKS, SCHEMA_VERSION, frame_row, pelvis_angle_deg, write_truth_compact

WORLD_FRAME = "metres; +x along the mat towards the feet, +y up, +z the person's right; floor y=0"


@dataclass(frozen=True)
class ItemResult:
    """What one corpus item produced."""

    names: list[str]
    frames: list[int]
    render_s: float


def _threads_once() -> None:
    """One CPU thread per render process (two processes share two cores)."""
    import torch

    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)
    os.environ.setdefault("LP_NUM_THREADS", "1")


def make_body(model: Any, bd: dict[str, Any], clothing: dict[str, Any], mat_top_m: float, calibrate: bool = True) -> tuple[Body, dict[str, Any]]:
    """The anny body of a drawn phenotype, its height solved to the drawn cm, and its measured facts."""
    phen = {"gender": bd["gender"], "age": bd["age"], "weight": bd["weight"], "muscle": bd["muscle"],
            "proportions": bd["proportions"]}
    h, cm = resolve_height(model, phen, bd["height_cm_target"])
    spec = BodySpec(gender=bd["gender"], age=bd["age"], weight=bd["weight"], muscle=bd["muscle"], height=h,
                    skin_rgb=tuple(bd["skin_rgb"]), top_rgb=tuple(clothing["top_rgb"]), bottom_rgb=tuple(clothing["bottom_rgb"]),
                    hair_rgb=tuple(bd["hair_rgb"]))
    body = Body(spec, mat_top_m=mat_top_m, model=model, calibrate=calibrate, proportions=bd["proportions"])
    mass = body_mass_kg(model, {**phen, "height": h})
    facts = {"anny_height": round(h, 4), "height_cm": round(cm, 1), "mass_kg": round(mass, 1),
             "bmi": round(mass / (cm / 100.0) ** 2, 1)}
    return body, facts


def body_info(body: Body) -> tuple[BodyInfo, dict[str, Any]]:
    """The planner's view of a body: leg geometry, resting leg poses, arching curve."""
    kp = body.key_poses()
    tabletop = body.pose_general({})
    body._general_rock_deg = None
    thigh_cm, shank_cm, back_cm = body.leg_geometry_cm()
    hip_cm = 100.0 * (tabletop.joints_m["left_hip"][1] - body.mat_top_m)
    geom = LegGeometry(hip_height_cm=hip_cm, thigh_cm=thigh_cm, shank_cm=shank_cm, heel_back_cm=back_cm)
    info = BodyInfo(geom=geom, hook=tuple(kp["hook"]), flat=tuple(kp["flat"]), arch=tuple(tuple(a) for a in kp["arch"]))
    return info, kp


# ----- the second person ----------------------------------------------------------------------------------

class Bystander:
    """A second person with a simple motion of their own (walking past, sitting, lying beside)."""

    def __init__(self, model: Any, plan: dict[str, Any], seed: int) -> None:
        self.plan = plan
        act = plan["activity"]
        self.body, self.facts = make_body(model, plan["body"], plan["clothing"], 0.0, calibrate=(act == "lying"))
        self.colours = clothing_colours(self.body, tuple(plan["body"]["skin_rgb"]), {**plan["clothing"], "hair_rgb": plan["body"]["hair_rgb"],
                                                                                   "hair": plan["body"]["hair"]}, seed + 1)
        self.extra_rows: list[np.ndarray] = []
        self._static: PosedBody | None = None
        if act == "lying":
            kp = self.body.key_poses()
            th, kn = kp["hook"] if plan["legs"] == "hook" else kp["flat"]
            ff = 1.0 if plan["legs"] == "hook" else 0.35
            p = self.body.pose_general({"thigh_left_deg": th, "thigh_right_deg": th, "knee_left_deg": kn, "knee_right_deg": kn,
                                        "foot_flat_left": ff, "foot_flat_right": ff, "arm_deg": 0.0})
            yaw = 0.0 if plan["head_end"] == "same" else 180.0
            self._static = self.body.place(p, yaw, np.array([plan["x_m"], 0.0, plan["z_m"]]))
        elif act == "sitting" and plan["seat"] == "box":
            p = self._sit(0.0)
            seat = self.body.seat_height_m(p)
            j = p.joints_m
            hip = 0.5 * (j["left_hip"] + j["right_hip"])
            self.extra_rows.append(box(np.array([hip[0] - 0.22, 0.0, hip[2] - 0.22]), np.array([hip[0] + 0.22, seat, hip[2] + 0.22]),
                                       (0.35, 0.25, 0.18)))

    def _sit(self, t: float) -> PosedBody:
        plan = self.plan
        lean = -6.0 + 3.0 * math.sin(2 * math.pi * t / 7.0)
        if plan["seat"] == "floor":
            return self.body.pose_upright({"left": 88.0, "right": 88.0}, {"left": 4.0, "right": 4.0}, {"left": 22.0, "right": 22.0},
                                          plan["heading_deg"], np.array([plan["x_m"], plan["z_m"]]), trunk_lean_deg=lean, rest_on="pelvis")
        return self.body.pose_upright({"left": 88.0, "right": 88.0}, {"left": 88.0, "right": 88.0}, {"left": 12.0, "right": 12.0},
                                      plan["heading_deg"], np.array([plan["x_m"], plan["z_m"]]), trunk_lean_deg=lean)

    def pose(self, t: float) -> PosedBody | None:
        """The bystander at session time ``t`` (None when out of the room)."""
        plan = self.plan
        act = plan["activity"]
        if act == "lying":
            return self._static
        if act == "sitting":
            return self._sit(t)
        dt = t - plan["start_s"]
        x = plan["x_from_m"] + plan["direction"] * plan["speed_mps"] * dt
        if dt < 0 or abs(x) > 5.5:
            return None
        ph = 2 * math.pi * plan["stride_hz"] * dt
        hips = {"left": 22.0 * math.sin(ph), "right": -22.0 * math.sin(ph)}
        knees = {"left": 8.0 + 45.0 * max(0.0, math.sin(ph + 1.9)), "right": 8.0 + 45.0 * max(0.0, math.sin(ph + 1.9 + math.pi))}
        arms = {"left": -16.0 * math.sin(ph), "right": 16.0 * math.sin(ph)}
        heading = 0.0 if plan["direction"] > 0 else 180.0
        return self.body.pose_upright(hips, knees, arms, heading, np.array([x, plan["z_m"]]))


# ----- rendering ------------------------------------------------------------------------------------------

class SensorNoise:
    """Mild sensor noise (luminance plus a little chroma, sigma in 8-bit levels) and an exposure gain.

    Noise frames come from a bank of 12 drawn once per video, each used with a random shift, so a
    frame costs one add instead of fresh Gaussian draws."""

    def __init__(self, sigma: float, exposure: float, width: int, height: int, rng: np.random.Generator) -> None:
        self.sigma, self.exposure, self.rng = sigma, exposure, rng
        self.bank = None
        if sigma > 0:
            lum = rng.standard_normal((12, height, width, 1), dtype=np.float32) * sigma
            chroma = rng.standard_normal((12, height, width, 3), dtype=np.float32) * (0.35 * sigma)
            self.bank = np.round(lum + chroma).astype(np.int16)

    def __call__(self, img: np.ndarray) -> np.ndarray:
        if self.bank is None and abs(self.exposure - 1.0) < 1e-6:
            return img
        f = img.astype(np.int32)
        if abs(self.exposure - 1.0) >= 1e-6:
            f = (f * int(round(self.exposure * 256)) + 128) >> 8
        if self.bank is not None:
            k = int(self.rng.integers(0, len(self.bank)))
            dy, dx = (int(v) for v in self.rng.integers(0, 64, 2))
            f += np.roll(self.bank[k], (dy, dx), axis=(0, 1))
        return np.clip(f, 0, 255).astype(np.uint8)


def _bbox_px(camera: Camera, verts: np.ndarray) -> list[float] | None:
    p = np.asarray(verts[::5], float)
    h = np.concatenate([p, np.ones((len(p), 1))], axis=1) @ camera.view_proj.T
    front = h[:, 3] > 1e-3
    if not front.any():
        return None
    xy = camera.project(p[front])
    x0, y0 = xy.min(axis=0)
    x1, y1 = xy.max(axis=0)
    if x1 < 0 or y1 < 0 or x0 > camera.width_px or y0 > camera.height_px:
        return None
    return [round(float(max(x0, 0)), 1), round(float(max(y0, 0)), 1), round(float(min(x1, camera.width_px)), 1),
            round(float(min(y1, camera.height_px)), 1)]


def render_item(item: dict[str, Any], out_dir: str | Path, model: Any, max_frames: int | None = None) -> ItemResult:
    """Render ``item`` (one or two cameras) to ``out_dir/<name>.mp4`` + ``<name>.truth.json``."""
    _threads_once()
    t_start = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    seed = item["seed"]
    room = item["room"]
    mat_top = float(room["mat"]["top_m"])
    clothing = item["clothing"]
    bd = item["body"]
    body, facts = make_body(model, bd, clothing, mat_top)
    info, kp = body_info(body)
    session = build_session(item["motion"], info, seed)
    support = session.support
    if support == "shoulders" or any(w > 0 for w in session.tracks["plant_left"].sample(np.array([0.0]))):
        body.set_planted_feet({k: float(v[0]) for k, v in session.sample(np.array([0.0])).items() if k in BODY_CHANNELS})
    body._general_rock_deg = None
    imprint = body.pose_general({})
    body._general_rock_deg = None
    pelvis_ref = pelvis_angle_deg(imprint.pelvis_axis)
    imprint_gap_cm = round(100.0 * imprint.lumbar_gap_m, 2)
    v = imprint.vertices_m
    flat_th, flat_kn = info.flat
    stretched = body.pose_general({"thigh_left_deg": flat_th, "thigh_right_deg": flat_th, "knee_left_deg": flat_kn,
                                   "knee_right_deg": flat_kn}).vertices_m  # the longest the body gets on the mat
    body._general_rock_deg = None
    centre = np.array([0.5 * (stretched[:, 0].min() + stretched[:, 0].max()), 0.22, 0.0])
    colours = clothing_colours(body, tuple(bd["skin_rgb"]), {**clothing, "hair_rgb": bd["hair_rgb"], "hair": bd["hair"]}, seed)
    loose = float(clothing.get("loose_top_cm", 0.0)) / 100.0
    loose_w = loose_top_weights(body) if loose > 0 else None
    bystander = Bystander(model, item["bystander"], seed) if item.get("bystander") else None
    static, emissive, occluders = room_geometry(room, mat_top, extra_rows=bystander.extra_rows if bystander else None,
                                                extra_occluders=bystander.extra_rows if bystander else None)
    meshes = [(body.faces, colours)] + ([(bystander.body.faces, bystander.colours)] if bystander else [])
    cams = item["cameras"]
    pair = item.get("pair")
    starts = [pair["start_a_s"], pair["start_b_s"]] if pair else [0.0]
    ends_extra = pair["end_extra_s"] if pair else [0.0]
    base_cams, times, renderers, encoders, rows, tracks, bboxes = [], [], [], [], [], [], []
    for ci, cam in enumerate(cams):
        aim = np.array([centre[0], cam.get("aim_height_m", 0.22), 0.0])
        base = aimed_camera(cam["side"], cam["height_m"], cam["distance_m"], cam["yaw_deg"], cam["pitch_deg"], cam["roll_deg"],
                            cam["vfov_deg"], aim, cam["width"], cam["height"])
        base_cams.append(base)
        span = session.duration_s - starts[ci] + (ends_extra[ci] if pair else 0.0)
        t = frame_times_s(span, cam["fps_num"], cam["fps_den"])
        if max_frames is not None:
            t = t[:max_frames]
        times.append(t)
        r = SceneRenderer(cam["width"], cam["height"], meshes, static, emissive, occluders, item["light"],
                          room_msaa=not cam.get("handheld"))
        half = 0.5 * float(v[:, 0].max() - v[:, 0].min())
        shadows = [(float(centre[0]), 0.0, half, 0.28, 0.35)]
        if bystander and bystander.plan["activity"] == "lying":
            shadows.append((bystander.plan["x_m"], bystander.plan["z_m"], half, 0.28, 0.3))
        r.set_shadows(shadows)
        r.set_camera(base)
        renderers.append(r)
        rows.append([])
        tracks.append([])
        bboxes.append([])
    # every camera's frames in session time order (one pose per distinct moment)
    events = sorted((starts[ci] + float(tt), ci, fi) for ci in range(len(cams)) for fi, tt in enumerate(times[ci]))
    taus = np.array([e[0] for e in events])
    channels = session.sample(taus) if len(taus) else {}
    names = item["names"]
    video_cfg = item["video"]
    noises = [SensorNoise(float(video_cfg["noise_sigma"]), float(video_cfg["exposure"]), c["width"], c["height"],
                          np.random.default_rng([seed, 500 + ci])) for ci, c in enumerate(cams)]
    for ci, cam in enumerate(cams):
        enc = VideoEncoder(out_dir / f"{names[ci]}.mp4", cam["width"], cam["height"], cam["fps_num"], cam["fps_den"],
                           video_cfg["crf"], threads=1)
        encoders.append(enc.__enter__())
    try:
        last_tau, posed, drawn, by_pose = None, None, None, None
        for k, (tau, ci, fi) in enumerate(events):
            if tau != last_tau:
                angles = {c: float(channels[c][k]) for c in BODY_CHANNELS}
                posed = body.pose_general(angles, support)
                drawn, normals = posed.vertices_m, None
                if loose_w is not None:
                    normals = vertex_normals_fast(posed.vertices_m, body.faces)
                    drawn = posed.vertices_m + (loose * loose_w)[:, None] * normals
                    drawn[:, 1] = np.maximum(drawn[:, 1], mat_top)
                by_pose = bystander.pose(tau) if bystander else None
                last_tau = tau
            cam = cams[ci]
            camera = base_cams[ci]
            if cam.get("handheld"):
                camera = handheld_camera(base_cams[ci], float(times[ci][fi]), cam["shake"], cam["drift"])
                renderers[ci].set_camera(camera)
                tracks[ci].append([round(x, 4) for x in (*camera.eye_m, *camera.target_m)] + [round(camera.roll_deg, 3)])
            verts = [drawn] + ([by_pose.vertices_m if by_pose is not None else None] if bystander else [])
            norms = [normals] + ([None] if bystander else [])
            img = renderers[ci].render(verts, norms)
            img = noises[ci](img)
            encoders[ci].write(img)
            rows[ci].append(frame_row(float(times[ci][fi]), posed, camera, mat_top, pelvis_ref))
            if bystander and by_pose is not None and fi % max(1, round(cam["fps_num"] / cam["fps_den"] / 4)) == 0:
                bb = _bbox_px(camera, by_pose.vertices_m)
                if bb is not None:
                    bboxes[ci].append([round(float(times[ci][fi]), 3)] + bb)
    finally:
        for enc in encoders:
            enc.__exit__(None, None, None)
        for r in renderers:
            r.release()
    # truth per camera, in its own clock
    frame_counts = []
    for ci, cam in enumerate(cams):
        doc = truth_document(item, ci, session, rows[ci], base_cams[ci], facts, info, kp, imprint_gap_cm, starts[ci],
                             tracks[ci], bboxes[ci], bystander)
        write_truth_compact(out_dir / f"{names[ci]}.truth.json", doc)
        frame_counts.append(len(rows[ci]))
    return ItemResult(names, frame_counts, time.perf_counter() - t_start)


def _shift_plan(session: Session, dt: float) -> list:
    """The session's planned movements in a camera's clock (session time − dt)."""
    import dataclasses

    return [dataclasses.replace(p, start_s=p.start_s - dt, bottom_s=p.bottom_s - dt, end_s=p.end_s - dt)
            for p in session.reps + session.partial]


def truth_document(item: dict[str, Any], ci: int, session: Session, rows: list[dict[str, Any]], camera: Camera,
                   facts: dict[str, Any], info: BodyInfo, kp: dict[str, Any], imprint_gap_cm: float, start_s: float,
                   track: list, bboxes: list, bystander: Bystander | None) -> dict[str, Any]:
    """The truth file of camera ``ci`` (schema: docs/truth.md)."""
    cam = item["cameras"][ci]
    motion = item["motion"]
    name = item["names"][ci]
    exercise = motion["exercise"]
    negative = item["kind"] == "negative"
    if negative:
        reps, partial, sets = [], [], []
    else:
        reps, partial, sets = label_session(_shift_plan(session, start_s), rows, exercise, imprint_gap_cm, info.vertical_heel_cm)
    setup = None
    if session.setup and start_s == 0.0:
        setup = session.setup
    clip_faults, clip_marginal = setup_labels(setup, rows)
    fps = cam["fps_num"] / cam["fps_den"]
    n = len(rows)
    f_px = 0.5 * cam["height"] / math.tan(math.radians(camera.vfov_deg) / 2.0)
    still = None
    if session.still_window_s is not None:
        a, b = session.still_window_s[0] - start_s, session.still_window_s[1] - start_s
        if b > 0:
            still = [round(max(a, 0.0), 4), round(b, 4)]
    phases = [min(r["lower_s"], r["raise_s"]) for r in reps]
    conditions = {
        "body": {"sex": item["body"]["sex"], "age_years": item["body"]["age_years"], "height_cm": facts["height_cm"],
                 "mass_kg": facts["mass_kg"], "bmi": facts["bmi"], "weight": item["body"]["weight"], "muscle": item["body"]["muscle"],
                 "proportions": item["body"]["proportions"], "skin_tone": item["body"]["skin_tone"]},
        "clothing": {k: item["clothing"][k] for k in ("top", "bottom", "sleeves", "legs", "loose_top", "loose_top_cm", "dark_on_dark",
                                                    "mat", "contrast_top_mat", "contrast_bottom_mat")}
        | {"socks": item["clothing"]["socks_rgb"] is not None},
        "room": {"floor": item["room"]["floor"], "wall": item["room"]["wall"],
                 "clutter": [c["kind"] for c in item["room"]["clutter"]],
                 "window": (item["room"]["window"] or {}).get("wall"), "backlit": item["light"]["backlit"]},
        "light": {k: item["light"][k] for k in ("backlit", "key_azimuth_deg", "key_elevation_deg", "key_k", "fill_k", "amb_k")},
        "camera_side": cam["side"], "camera_height_m": cam["height_m"], "camera_yaw_deg": cam["yaw_deg"],
        "camera_distance_m": cam["distance_m"], "camera_pitch_deg": cam["pitch_deg"], "camera_roll_deg": cam["roll_deg"],
        "camera_vfov_deg": cam["vfov_deg"], "framing_fill": cam["fill"], "orientation": cam["orientation"],
        "fps": round(fps, 5), "width": cam["width"], "height": cam["height"], "handheld": bool(cam.get("handheld")),
        "noise_sigma": item["video"]["noise_sigma"], "crf": item["video"]["crf"], "exposure": item["video"]["exposure"],
        "exercise": exercise, "variant": motion.get("variant", ""), "negative": negative,
        "second_person": bystander is not None, "second_person_activity": bystander.plan["activity"] if bystander else None,
        "start": motion["start"]["kind"] if not negative else "n/a",
        "sets": len(sets) if not negative else 0,
        "setup": ({"joint": session.setup["joint"], "offset_deg": session.setup["offset_deg"]} if session.setup else None),
        "style": motion.get("style"), "legs_down": motion.get("legs_down"),
        "tempo_min_phase_s": round(min(phases), 3) if phases else None,
        "tempo_max_phase_s": round(max(max(r["lower_s"], r["raise_s"]) for r in reps), 3) if reps else None,
        "arching_lift_cm": [r["lumbar_lift_max_cm"] for r in reps if any(f["code"] == "arching" for f in r["faults"])],
        "holds": sum(1 for r in reps if r["pause_s"] >= 3.0),
        "reps": len(reps), "partial_reps": len(partial),
        "marginal": sum(1 for r in reps if r["marginal"]),
        "duration_s": round(n / fps, 3),
    }
    pair = None
    if item.get("pair"):
        p = item["pair"]
        pair = {"id": p["id"], "role": "ab"[ci], "other": item["names"][1 - ci], "offset_s": p["offset_s"],
                "session_start_s": round(start_s, 4)}
        conditions["pair"] = pair
    desc = describe(item, conditions, reps)
    people = [{"id": 0, "role": "subject", "note": "the person whose reps are in this file (on the mat, centre)"}]
    if bystander:
        bp = bystander.plan
        other = {"id": 1, "role": "bystander", "activity": bp["activity"], "sex": bp["body"]["sex"],
                 "height_cm": bystander.facts["height_cm"],
                 "note": "not doing our exercise; ignore", "bbox_px": bboxes}
        if bp["activity"] == "walking":
            other.update({"path_z_m": bp["z_m"], "direction": "+x (towards the feet)" if bp["direction"] > 0 else "-x (towards the head)",
                          "speed_mps": bp["speed_mps"], "enters_s": round(bp["start_s"] - start_s, 3)})
        else:
            other.update({"position_m": [bp["x_m"], 0.0, bp["z_m"]]})
        people.append(other)
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "clip": {
            "name": name, "video": f"{name}.mp4", "description": desc, "exercise": exercise, "seed": item["seed"],
            "corpus_index": item["index"], "master_seed": item["master_seed"], "generator_version": item["generator_version"],
            "fps": round(fps, 5), "fps_num": cam["fps_num"], "fps_den": cam["fps_den"], "frames": n,
            "duration_s": round(n * cam["fps_den"] / cam["fps_num"], 5), "width": cam["width"], "height": cam["height"],
            "start": "not_tabletop" if clip_faults else "tabletop",
        },
        "split": item["split"],
        "conditions": conditions,
        "camera": {
            "side": cam["side"], "height_m": cam["height_m"], "distance_m": cam["distance_m"], "yaw_deg": cam["yaw_deg"],
            "pitch_deg": cam["pitch_deg"], "roll_deg": cam["roll_deg"], "vfov_deg": cam["vfov_deg"],
            "eye_m": [round(float(x), 4) for x in camera.eye_m], "target_m": [round(float(x), 4) for x in camera.target_m],
            "fx_px": round(float(f_px), 3), "fy_px": round(float(f_px), 3), "cx_px": cam["width"] / 2.0, "cy_px": cam["height"] / 2.0,
            "view_matrix": np.round(camera.view, 6).tolist(), "handheld": bool(cam.get("handheld")),
        },
        "body": {
            "sex": item["body"]["sex"], "gender": item["body"]["gender"], "age": item["body"]["age"], "age_years": item["body"]["age_years"],
            "weight": item["body"]["weight"], "muscle": item["body"]["muscle"], "height": facts["anny_height"],
            "proportions": item["body"]["proportions"], "height_cm": facts["height_cm"], "mass_kg": facts["mass_kg"], "bmi": facts["bmi"],
            "skin_rgb": item["body"]["skin_rgb"], "top_rgb": item["clothing"]["top_rgb"], "bottom_rgb": item["clothing"]["bottom_rgb"],
            "hair_rgb": item["body"]["hair_rgb"], "model": "anny (MakeHuman-based), pure-torch LBS",
            "mat_top_cm": round(100.0 * item["room"]["mat"]["top_m"], 2), "imprint_lumbar_gap_cm": imprint_gap_cm,
            "leg_geometry_cm": [round(info.geom.thigh_cm, 2), round(info.geom.shank_cm, 2), round(info.geom.heel_back_cm, 2)],
            "tabletop_heel_cm": round(info.tabletop_heel_cm, 1), "vertical_heel_cm": round(info.vertical_heel_cm, 1),
            "key_poses": {"hook": list(kp["hook"]), "flat": list(kp["flat"])},
        },
        "world_frame": WORLD_FRAME,
        "landmark_names": {str(i): nme for i, nme in LANDMARKS.items()},
        "people": people,
        "still_window_s": still,
        "reps": reps,
        "partial_reps": partial,
        "sets": sets,
        "clip_faults": clip_faults,
        "clip_marginal": clip_marginal,
    }
    if pair:
        doc["pair"] = pair
    if negative:
        doc["negative"] = {"exercise": exercise, "events": [
            {**e, "start_s": round(e["start_s"] - start_s, 3), "end_s": round(e["end_s"] - start_s, 3)} for e in session.events]}
    if track:
        doc["camera_track"] = {"fields": ["eye_x", "eye_y", "eye_z", "target_x", "target_y", "target_z", "roll_deg"], "per_frame": track}
    doc["frames"] = rows
    return doc


def describe(item: dict[str, Any], c: dict[str, Any], reps: list[dict[str, Any]]) -> str:
    """One line for people: what the clip shows."""
    ex = c["exercise"]
    if c["negative"]:
        what = {"crunch": "crunches", "glute_bridge": "glute bridges", "bridge_march": "a bridge march", "hollow_hold": "a hollow hold",
                "lying_still": "a person lying still", "sit_up": "sitting up and lying down again"}[ex]
        head = f"Negative: {what} (no reps of ours)"
    else:
        var = {"from_vertical": " from vertical", "from_floor": " raised from the floor", "one_leg_held": ", one leg raised and held"}.get(c["variant"], "")
        faults = sorted({f["code"] for r in reps for f in r["faults"]})
        head = f"{ex}{var}: {len(reps)} reps" + (f" ({', '.join(faults)})" if faults else " (clean)") + f", {c['start']} start"
        if c["sets"] > 1:
            head += f", {c['sets']} sets"
    return (f"{head}; {c['body']['sex']}, {c['body']['age_years']:.0f} y, {c['body']['height_cm']:.0f} cm; camera {c['camera_side']} "
            f"at {c['camera_height_m']:.2f} m, yaw {c['camera_yaw_deg']:.0f} deg; {c['width']}x{c['height']} @ {c['fps']:.2f} fps"
            + ("; handheld" if c["handheld"] else "") + ("; second person" if c["second_person"] else "")
            + ("; backlit" if c["room"]["backlit"] else ""))
