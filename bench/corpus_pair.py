"""Two-camera pairs of the corpus (or samples/) run as pairs: aligned, fused, compared with truth.

    python3 bench/corpus.py --pairs [--split dev|test|all] [--cache DIR]
    python3 bench/accuracy.py --pairs

Each pair ``<name>_a.mp4`` / ``<name>_b.mp4`` (truth ``pair``: the true offset) is analysed as
``formcheck analyze A B`` does (each camera measured, aligned from the leg motion, fused), and
compared with video a's truth in a's clock; beside it the single-camera figures of a and of b
(each against its own truth), so the table shows what the second camera adds. The issue's
targets: offset within one frame, rep count exact, start/bottom/end p90 ≤ 0.3 s on both legs,
knee MAE ≤ 5° on both legs, per-fault precision and recall ≥ 0.9.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from corpus_clip import ClipTask, _exercise, cached_camera
from corpus_compare import FAULT_CODES, clip_figures, pooled, summary_figures

TARGET_OFFSET_FRAMES = 1.0


@dataclass(frozen=True)
class PairTask:
    """The two videos of one pair (a is the clock of the fused report)."""

    a: ClipTask
    b: ClipTask


def pair_tasks(truths: Iterable[Path], stride: int | None, exercise: str | None,
               cache: str | None) -> list[PairTask]:
    """A task per pair whose ``_a`` truth is among ``truths`` (the ``_b`` beside it)."""
    tasks = []
    for t in sorted(truths):
        if not t.name.endswith("_a.truth.json"):
            continue
        b = t.with_name(t.name.replace("_a.truth.json", "_b.truth.json"))
        if not b.is_file():
            continue
        make = lambda truth: ClipTask(video=str(truth.with_name(truth.name.replace(".truth.json", ".mp4"))),  # noqa: E731
                                      truth=str(truth), stride=stride, exercise=exercise, cache=cache)
        tasks.append(PairTask(make(t), make(b)))
    return tasks


def _camera(task: ClipTask, exercise: str) -> Any:
    if task.cache:
        return cached_camera(task, exercise)
    from formcheck.app.camera_pass import measure_camera
    from formcheck.profiles import get_profile

    return measure_camera(task.video, get_profile(exercise), stride=task.stride, show_progress=False)


def _report(session: Any, info: Any, exercise: str) -> dict[str, Any]:
    from formcheck.profiles import get_profile
    from formcheck.report.json_report import ReportInputs, SourceInfo, build_report

    return build_report(ReportInputs(
        source=SourceInfo(path=info.path, fps=info.fps, frames=info.frame_count, duration_s=info.duration_s,
                          width=info.width, height=info.height),
        exercise=get_profile(exercise).name, series=session.series, reps=session.reps, faults=session.faults,
        setup_faults=session.setup_faults, summary=session.summary, calibration=session.calibration,
        end_range=session.end_range, warnings=session.warnings))


def analyse_pair(task: PairTask) -> dict[str, Any]:
    """Figures of the fused pair and of each camera alone, plus the alignment's error."""
    from formcheck.analysis.align import AlignmentError, align_series
    from formcheck.analysis.fusion import fuse_sessions
    from formcheck.profiles import get_profile

    truth_a = json.loads(Path(task.a.truth).read_text())
    truth_b = json.loads(Path(task.b.truth).read_text())
    exercise = _exercise(truth_a, task.a.exercise)
    cam_a, cam_b = _camera(task.a, exercise), _camera(task.b, exercise)
    out: dict[str, Any] = {"name": truth_a["clip"]["name"][: -len("_a")], "split": truth_a.get("split"),
                           "negative": 0,
                           "single_a": clip_figures(truth_a, _report(cam_a.session, cam_a.info, exercise),
                                                    cam_a.session.series),
                           "single_b": clip_figures(truth_b, _report(cam_b.session, cam_b.info, exercise),
                                                    cam_b.session.series)}
    near = [c.session.calibration.view.near_side if c.session.calibration is not None else None
            for c in (cam_a, cam_b)]
    true_offset_s = float(truth_a["pair"]["offset_s"])
    try:
        alignment = align_series(cam_a.session.series, cam_b.session.series, near[0], near[1],
                                 (cam_a.info.duration_s, cam_b.info.duration_s))
    except AlignmentError as exc:
        out.update(aligned=0, error=str(exc), fused=out["single_a"], offset_err_frames=math.nan, confidence=math.nan)
        return out
    fused = fuse_sessions([cam_a.session, cam_b.session], [0.0, alignment.offset_s], get_profile(exercise))
    report = _report(fused.session, cam_a.info, exercise)
    out.update(aligned=1, error="", confidence=alignment.confidence, weak=int(alignment.weak),
               offset_err_frames=(alignment.offset_s - true_offset_s) * float(truth_a["clip"]["fps"]),
               fused=clip_figures(truth_a, report, fused.session.series),
               rep_cameras=fused.rep_cameras)
    return out


SHOWN = ("clips", "count exact", *(f"{c} {m}" for c in FAULT_CODES for m in ("P", "R")),
         "knee near", "knee far", "t near p90", "t far p90", "t both p90")


def pair_table(results: list[dict[str, Any]]) -> list[tuple[str, dict[str, float]]]:
    """Rows: the fused pairs, camera a alone, camera b alone (near/far: relative to each row's camera)."""
    rows = []
    for key, title in (("fused", "two cameras (fused, a's clock; near/far = a's)"), ("single_a", "camera a alone"),
                       ("single_b", "camera b alone")):
        figs = summary_figures(pooled([r[key] for r in results]))
        both = [x for r in results for x in r[key].get("t_both", [])]
        figs["t both p90"] = float(np.percentile(both, 90)) if both else math.nan
        rows.append((title, figs))
    return rows


def print_pairs(results: list[dict[str, Any]], split: str) -> None:
    """The pair table, the offset errors, and each pair's line."""
    print(f"two-camera pairs, split {split}: {len(results)} pairs (a small set: read the figures as indications)")
    header = f"{'':48s}" + "".join(f"{k:>14s}" for k in SHOWN)
    print(header)
    for title, figs in pair_table(results):
        print(f"{title:48s}" + "".join(f"{_fmt(figs.get(k)):>14s}" for k in SHOWN))
    errors = [abs(r["offset_err_frames"]) for r in results if r["aligned"]]
    within = sum(e <= TARGET_OFFSET_FRAMES for e in errors)
    print(f"\noffset error (frames of video a): {within} of {len(results)} pairs within {TARGET_OFFSET_FRAMES:g} "
          f"frame; median {np.median(errors) if errors else math.nan:.2f}, max {max(errors) if errors else math.nan:.2f}; "
          f"{len(results) - len(errors)} not aligned")
    for r in results:
        f = r["fused"]
        line = (f"  {r['name']}: offset error {r['offset_err_frames']:+.2f} frames, confidence "
                f"{r['confidence']:.3f}, reps {f['found_reps']}/{f['true_reps']} (a alone "
                f"{r['single_a']['found_reps']}, b alone {r['single_b']['found_reps']})") if r["aligned"] \
            else f"  {r['name']}: NOT ALIGNED: {r['error']}"
        print(line)


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.0f}" if isinstance(value, int) else f"{value:.2f}"
