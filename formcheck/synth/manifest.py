"""The corpus manifest (one CSV row per video, from the truth files) and size estimates (pure python)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from formcheck.synth.corpus import session_duration_s

# measured on rendered corpus clips (see docs/corpus.md): truth JSON bytes per frame, H.264 bytes per
# frame per megapixel at the corpus CRFs (handheld clips and sensor noise cost more)
JSON_BYTES_PER_FRAME = 510
JSON_BYTES_PER_FILE = 6500
VIDEO_BYTES_PER_FRAME_MPX = 560

COLUMNS = ("name", "split", "kind", "exercise", "variant", "pair_id", "pair_role", "offset_s", "duration_s", "frames", "fps",
           "width", "height", "orientation", "camera_side", "camera_height_m", "camera_yaw_deg", "camera_distance_m",
           "camera_pitch_deg", "camera_roll_deg", "handheld", "second_person", "second_person_activity", "backlit",
           "loose_top", "dark_on_dark", "noise_sigma", "crf", "sex", "age_years", "height_cm", "bmi", "skin_tone", "start",
           "setup", "sets", "reps", "partial_reps", "clean_reps", "arching", "swinging", "tabletop_lost", "marginal_reps",
           "clip_faults")


def estimate_item(item: dict[str, Any]) -> dict[str, Any]:
    """Frames, duration and bytes an item will take (before rendering)."""
    d = session_duration_s(item["motion"])
    frames = 0
    size = 0.0
    for ci, cam in enumerate(item["cameras"]):
        dur = d
        if item.get("pair"):
            p = item["pair"]
            dur = d - [p["start_a_s"], p["start_b_s"]][ci] + p["end_extra_s"][ci]
        n = int(dur * cam["fps_num"] / cam["fps_den"])
        frames += n
        mpx = cam["width"] * cam["height"] / 1e6
        k = 2.8 if cam.get("handheld") else 1.0
        k *= 0.88 ** (item["video"]["crf"] - 30.5)
        k *= 1.0 + 0.15 * item["video"]["noise_sigma"]
        size += n * (JSON_BYTES_PER_FRAME + VIDEO_BYTES_PER_FRAME_MPX * mpx * k) + JSON_BYTES_PER_FILE
    return {"frames": frames, "duration_s": d, "bytes": size}


def manifest_row(doc: dict[str, Any]) -> dict[str, Any]:
    c = doc["conditions"]
    pair = doc.get("pair") or {}
    faults = {"arching": 0, "swinging": 0, "tabletop_lost": 0}
    for r in doc["reps"]:
        for f in r["faults"]:
            faults[f["code"]] += 1
    kind = "negative" if c["negative"] else ("pair" if pair else "exercise")
    return {
        "name": doc["clip"]["name"], "split": doc["split"], "kind": kind, "exercise": c["exercise"], "variant": c["variant"],
        "pair_id": pair.get("id", ""), "pair_role": pair.get("role", ""), "offset_s": pair.get("offset_s", ""),
        "duration_s": doc["clip"]["duration_s"], "frames": doc["clip"]["frames"], "fps": c["fps"], "width": c["width"],
        "height": c["height"], "orientation": c["orientation"], "camera_side": c["camera_side"],
        "camera_height_m": c["camera_height_m"], "camera_yaw_deg": c["camera_yaw_deg"], "camera_distance_m": c["camera_distance_m"],
        "camera_pitch_deg": c["camera_pitch_deg"], "camera_roll_deg": c["camera_roll_deg"], "handheld": int(c["handheld"]),
        "second_person": int(c["second_person"]), "second_person_activity": c["second_person_activity"] or "",
        "backlit": int(c["room"]["backlit"]), "loose_top": int(c["clothing"]["loose_top"]),
        "dark_on_dark": int(c["clothing"]["dark_on_dark"]), "noise_sigma": c["noise_sigma"], "crf": c["crf"],
        "sex": c["body"]["sex"], "age_years": c["body"]["age_years"], "height_cm": c["body"]["height_cm"], "bmi": c["body"]["bmi"],
        "skin_tone": c["body"]["skin_tone"], "start": c["start"],
        "setup": f"{c['setup']['joint']}{c['setup']['offset_deg']:+.0f}" if c.get("setup") else "", "sets": c["sets"],
        "reps": len(doc["reps"]), "partial_reps": len(doc["partial_reps"]),
        "clean_reps": sum(1 for r in doc["reps"] if not r["faults"] and not r["marginal"]),
        **faults, "marginal_reps": sum(1 for r in doc["reps"] if r["marginal"]), "clip_faults": len(doc["clip_faults"]),
    }


def _head(path: Path) -> dict[str, Any]:
    """The truth document without its frames (the header is the first line of a compact corpus file)."""
    with open(path) as f:
        first = f.readline()
    if first.rstrip().endswith('"frames":['):
        return json.loads(first.rstrip()[: -len(',"frames":[')] + "}")
    return json.loads(Path(path).read_text())


def write_manifest(corpus_dir: Path) -> int:
    """Write ``corpus_dir/manifest.csv`` from every ``*.truth.json`` there; return the number of rows."""
    rows = []
    for path in sorted(Path(corpus_dir).glob("*.truth.json")):
        doc = _head(path)
        if "conditions" in doc:
            rows.append(manifest_row(doc))
    tmp = Path(corpus_dir) / "manifest.csv.tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    tmp.replace(Path(corpus_dir) / "manifest.csv")
    return len(rows)
