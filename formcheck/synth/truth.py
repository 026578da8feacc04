"""Ground truth: per-frame measurements of the posed body, per-rep summaries, JSON output.

Schema: ``docs/truth.md``. Angles in degrees, heights and gaps in cm above the
mat's top surface (the person's floor), 2D points in pixels.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.synth.body import PosedBody
from formcheck.synth.camera import Camera
from formcheck.synth.scenario import RepPlan, TABLETOP_KNEE_DEG

SCHEMA_VERSION = 1
# MediaPipe Pose landmark indices of the joints the truth projects
LANDMARKS = {
    0: "nose",
    11: "left_shoulder", 12: "right_shoulder",
    13: "left_elbow", 14: "right_elbow",
    15: "left_wrist", 16: "right_wrist",
    23: "left_hip", 24: "right_hip",
    25: "left_knee", 26: "right_knee",
    27: "left_ankle", 28: "right_ankle",
    29: "left_heel", 30: "right_heel",
    31: "left_foot_index", 32: "right_foot_index",
}
ARCH_ONSET_TILT_DEG = 5.0
TABLETOP_TOLERANCE_DEG = 15.0


def angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Angle ABC (deg) at vertex ``b`` between rays to ``a`` and ``c``."""
    u, v = a - b, c - b
    return math.degrees(math.atan2(np.linalg.norm(np.cross(u, v)), float(np.dot(u, v))))


def pelvis_angle_deg(axis: np.ndarray) -> float:
    """Sagittal direction (deg) of the pelvis' superior axis in the world: 0 = towards the head."""
    return math.degrees(math.atan2(axis[1], -axis[0]))


def frame_truth(t_s: float, body: PosedBody, camera: Camera, mat_top_m: float, pelvis_ref_deg: float) -> dict[str, Any]:
    """Measurements of one posed frame (see docs/truth.md)."""
    j = body.joints_m
    row: dict[str, Any] = {"t_s": round(t_s, 5)}
    for side in ("left", "right"):
        row[f"knee_angle_{side}_deg"] = round(angle_deg(j[f"{side}_hip"], j[f"{side}_knee"], j[f"{side}_ankle"]), 2)
    for side in ("left", "right"):
        row[f"hip_angle_{side}_deg"] = round(angle_deg(j[f"{side}_shoulder"], j[f"{side}_hip"], j[f"{side}_knee"]), 2)
    for side in ("left", "right"):
        row[f"heel_height_{side}_cm"] = round(100.0 * (j[f"{side}_heel"][1] - mat_top_m), 2)
    row["pelvic_tilt_deg"] = round(pelvis_angle_deg(body.pelvis_axis) - pelvis_ref_deg, 2)
    row["lumbar_gap_cm"] = round(100.0 * body.lumbar_gap_m, 2)
    pts = camera.project(np.array([j[name] for name in LANDMARKS.values()]))
    row["landmarks_px"] = {str(i): [round(float(p[0]), 2), round(float(p[1]), 2)] for i, p in zip(LANDMARKS, pts)}
    return row


def _first(ts: np.ndarray, mask: np.ndarray) -> float | None:
    idx = np.nonzero(mask)[0]
    return float(ts[idx[0]]) if len(idx) else None


def rep_truth(plan: RepPlan, frames: list[dict[str, Any]]) -> dict[str, Any]:
    """Summary and true faults of one rep from the per-frame truth inside its time span."""
    ts = np.array([f["t_s"] for f in frames])
    inside = (ts >= plan.start_s - 1e-6) & (ts <= plan.end_s + 1e-6)
    legs = ("left", "right") if plan.leg == "both" else (plan.leg,)
    col = lambda k: np.array([f[k] for f in frames])[inside]  # noqa: E731
    t_in = ts[inside]
    heel = np.min([col(f"heel_height_{s}_cm") for s in legs], axis=0)
    knee = np.array([col(f"knee_angle_{s}_deg") for s in legs])
    gap, tilt = col("lumbar_gap_cm"), col("pelvic_tilt_deg")
    faults: list[dict[str, Any]] = []
    for code in plan.faults:
        if code == "arching":
            onset = _first(t_in, tilt >= ARCH_ONSET_TILT_DEG)
            k = int(np.argmax(gap))
            at = int(np.nonzero(t_in == onset)[0][0]) if onset is not None else k
            faults.append({"code": code, "t_s": onset, "peak_s": float(t_in[k]), "value": float(gap[k]),
                           "unit": "cm", "heel_height_cm": float(heel[at]), "pelvic_tilt_max_deg": float(tilt.max())})
        elif code == "swinging":
            faults.append({"code": code, "t_s": round(plan.bottom_s, 4), "value": round(min(plan.lower_s, plan.raise_s), 3), "unit": "s"})
        elif code == "tabletop_lost":
            dev = np.abs(knee - TABLETOP_KNEE_DEG).max(axis=0)
            onset = _first(t_in, dev > TABLETOP_TOLERANCE_DEG)
            k = int(np.argmax(dev))
            extreme = knee[:, k][np.argmax(np.abs(knee[:, k] - TABLETOP_KNEE_DEG))]
            faults.append({"code": code, "t_s": onset, "peak_s": float(t_in[k]), "value": float(extreme), "unit": "deg"})
    return {
        "index": plan.index,
        "leg": plan.leg,
        "start_s": round(plan.start_s, 4),
        "bottom_s": round(plan.bottom_s, 4),
        "end_s": round(plan.end_s, 4),
        "lower_s": round(plan.lower_s, 4),
        "raise_s": round(plan.raise_s, 4),
        "heel_height_min_cm": round(float(heel.min()), 2),
        "knee_angle_min_deg": round(float(knee.min()), 2),
        "knee_angle_max_deg": round(float(knee.max()), 2),
        "lumbar_gap_max_cm": round(float(gap.max()), 2),
        "pelvic_tilt_max_deg": round(float(tilt.max()), 2),
        "faults": faults,
    }


def setup_faults(setup_end_s: float | None, frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Clip-level faults before the first rep (a start position that is not tabletop)."""
    if setup_end_s is None:
        return []
    f0 = frames[0]
    knee = [f0["knee_angle_left_deg"], f0["knee_angle_right_deg"]]
    ts = np.array([f["t_s"] for f in frames])
    dev = np.array([max(abs(f["knee_angle_left_deg"] - 90), abs(f["knee_angle_right_deg"] - 90)) for f in frames])
    ok = _first(ts, dev <= TABLETOP_TOLERANCE_DEG)
    return [{"code": "tabletop_lost", "t_s": 0.0, "end_s": ok, "value": float(max(knee)), "unit": "deg",
             "message": "start position is not tabletop"}]


def write_truth(path: str | Path, meta: dict[str, Any], frames: list[dict[str, Any]], reps: list[dict[str, Any]],
                clip_faults: list[dict[str, Any]]) -> None:
    """Write ``<clip>.truth.json``: metadata, reps, clip faults, then per-frame rows."""
    doc = {
        "schema_version": SCHEMA_VERSION,
        **meta,
        "landmark_names": {str(i): n for i, n in LANDMARKS.items()},
        "reps": reps,
        "clip_faults": clip_faults,
        "frames": frames,
    }
    head = json.dumps({k: v for k, v in doc.items() if k != "frames"}, indent=2)
    rows = ",\n".join("    " + json.dumps(f, separators=(",", ":")) for f in frames)
    with open(path, "w") as f:
        f.write(head[:-2] + ',\n  "frames": [\n' + rows + "\n  ]\n}\n")


# ----- corpus truth: rounded rows, compact file ----------------------------------------------------------

def frame_row(t_s: float, body: PosedBody, camera: Camera, mat_top_m: float, pelvis_ref_deg: float) -> dict[str, Any]:
    """One frame's truth (same keys as :func:`frame_truth`) rounded for the corpus: angles and heel heights
    to 0.1, tilt and lumbar gap to 0.01, pixels to whole pixels (at most 0.5 px off, far below any
    detector's error; it keeps the corpus small)."""
    j = body.joints_m
    row: dict[str, Any] = {"t_s": round(t_s, 4)}
    for side in ("left", "right"):
        row[f"knee_angle_{side}_deg"] = round(angle_deg(j[f"{side}_hip"], j[f"{side}_knee"], j[f"{side}_ankle"]), 1)
    for side in ("left", "right"):
        row[f"hip_angle_{side}_deg"] = round(angle_deg(j[f"{side}_shoulder"], j[f"{side}_hip"], j[f"{side}_knee"]), 1)
    for side in ("left", "right"):
        row[f"heel_height_{side}_cm"] = round(100.0 * (j[f"{side}_heel"][1] - mat_top_m), 1)
    row["pelvic_tilt_deg"] = round(pelvis_angle_deg(body.pelvis_axis) - pelvis_ref_deg, 2)
    row["lumbar_gap_cm"] = round(100.0 * body.lumbar_gap_m, 2)
    pts = camera.project(np.array([j[name] for name in LANDMARKS.values()]))
    row["landmarks_px"] = {str(i): [int(round(float(p[0]))), int(round(float(p[1])))] for i, p in zip(LANDMARKS, pts)}
    return row


def write_truth_compact(path: str | Path, doc: dict[str, Any]) -> None:
    """Write a truth document as compact JSON: the header on one line, then one line per frame."""
    frames = doc.get("frames", [])
    head = {k: v for k, v in doc.items() if k != "frames"}
    sep = (",", ":")
    text = json.dumps(head, separators=sep)[:-1] + ',"frames":[\n' + ",\n".join(json.dumps(f, separators=sep) for f in frames) + "\n]}\n"
    tmp = Path(str(path) + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)
