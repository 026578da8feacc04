"""Accuracy: ``formcheck analyze`` over every clip in samples/, compared with the truth.

    python bench/accuracy.py [--samples DIR] [--clip NAME ...] [--json OUT] [--min-detection 0.98]
                             [--stride N|auto] [--no-video] [--check-golden] [--write-golden [PATH]]
    python bench/accuracy.py --pairs [--samples DIR]   # the two-camera pairs of DIR/pairs, as pairs

For each ``<clip>.mp4`` with a ``<clip>.truth.json`` beside it (schema: docs/truth.md)
the whole analysis runs (:func:`formcheck.pipeline.analyze_video`, the clip's exercise
profile) and its landmarks, measurements and report are compared with the truth.
``--stride`` runs the model on every Nth frame (default 1; ``auto``: analyze's own
default from the frame rate); the frames in between are compared as frames.csv has
them, interpolated.
First table, per clip and overall (pose stage):

* ``det``: share of frames in which the person was found;
* ``err med`` / ``err p90``: landmark error in px (truth projection vs formcheck) over
  shoulders, hips, knees, ankles and heels, all frames where the person was found;
* ``near med`` / ``near p90``: the same for the side facing the camera only;
* ``px/h``: the median error as a share of the image height (comparable across sizes);
* ``knee med`` / ``knee p90``: |2D knee angle from formcheck's raw landmarks − true 3D knee
  angle| of the near leg, in degrees (``formcheck.geometry.joint_angle_deg``).

Metrics are rows of the ``METRICS`` table (name, function, format). Second table
(measurement and rules, ``bench/truth_compare.py``): found/true rep count, reps on the
right leg, mean and max |error| of start/bottom/end (``t mean``, ``t max``) and of lower/raise durations
(``phase max``) in s, how many of those events are within ±0.3 s (``t ok`` of ``t all``),
knee-angle MAE of the near and far leg (deg, formcheck's reported angle vs the true 3D
angle), mean |error| of each rep's lowest heel height per leg (``heel near``/``heel far``,
cm), lumbar-lift r and MAE (cm) against the true gap above the
imprint, and per fault code tp/fp/fn per rep; then fault precision and recall pooled
over all clips. Exits 1 when a clip cannot be processed, 3 when ``--min-detection`` is
given and a side-view clip is below it.

``--check-golden`` compares the per-clip figures with the committed golden
(``bench/golden/samples.json``, tolerances in ``bench/regression.py``) and exits 4 when one got
worse; ``--write-golden`` writes the figures of this run as the new golden (run it at the
golden's stride, ``--stride auto``, after a change that deliberately moves the figures).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from formcheck.errors import FormcheckError  # noqa: E402
from formcheck.app.analyze import analyze_video  # noqa: E402
from formcheck.io.atomic import AtomicTextFile  # noqa: E402
from regression import GOLDEN_PATH, clip_figures, golden_document, load_golden, regressions  # noqa: E402
from truth_compare import FAULT_CODES, analysis_metrics, pooled_faults  # noqa: E402
from formcheck.measure.geometry import joint_angle_deg  # noqa: E402

# MediaPipe indices compared with the truth: shoulders, hips, knees, ankles, heels
BODY_LANDMARKS = (11, 12, 23, 24, 25, 26, 27, 28, 29, 30)
LEFT = (11, 23, 25, 27, 29)
RIGHT = (12, 24, 26, 28, 30)
OBLIQUE_DEG = 15.0  # |yaw| above this is not a side view (no detection target)


@dataclass
class ClipRun:
    """One clip's truth and formcheck's per-frame output, aligned by frame index."""

    name: str
    truth: dict[str, Any]
    t_s: np.ndarray  # (n,) formcheck frame times
    detected: np.ndarray  # (n,) bool
    xy_px: np.ndarray  # (n, 33, 2) formcheck landmarks, NaN when missing
    truth_xy_px: np.ndarray  # (n, 33, 2) truth projections, NaN where the truth has none
    elapsed_s: float
    analysis: dict[str, Any] | None = None  # reps, times, knee, lumbar, faults vs truth

    @property
    def near(self) -> tuple[int, ...]:
        side = self.truth["camera"]["side"]
        return LEFT if side == "left" else RIGHT if side == "right" else LEFT + RIGHT

    @property
    def near_leg(self) -> str:
        return self.truth["camera"]["side"]

    @property
    def side_view(self) -> bool:
        return abs(float(self.truth["camera"].get("yaw_deg", 0.0))) <= OBLIQUE_DEG


def _errors(run: ClipRun, landmarks: tuple[int, ...]) -> np.ndarray:
    """Pixel distances for ``landmarks`` over frames where the person was found."""
    idx = list(landmarks)
    d = np.linalg.norm(run.xy_px[run.detected][:, idx] - run.truth_xy_px[run.detected][:, idx], axis=-1)
    return d[np.isfinite(d)]


def _pct(values: np.ndarray, q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else math.nan


def knee_errors_deg(run: ClipRun) -> np.ndarray:
    """|formcheck 2D knee angle − true 3D knee angle| of the near leg, raw landmarks (deg)."""
    leg = run.near_leg
    if leg not in ("left", "right"):  # pooled runs carry their own list
        return run.truth.get("_knee_errors", np.array([]))
    measured = joint_angle_deg(run.xy_px, "knee", leg)
    true = np.array([f[f"knee_angle_{leg}_deg"] for f in run.truth["frames"]])
    e = np.abs(measured - true)
    return e[np.isfinite(e)]


def detection_rate(run: ClipRun) -> float:
    return float(run.detected.mean()) if len(run.detected) else math.nan


METRICS: list[tuple[str, Callable[[ClipRun], float], str]] = [
    ("frames", lambda r: float(len(r.detected)), "{:.0f}"),
    ("det", detection_rate, "{:.3f}"),
    ("err med", lambda r: _pct(_errors(r, BODY_LANDMARKS), 50), "{:.1f}"),
    ("err p90", lambda r: _pct(_errors(r, BODY_LANDMARKS), 90), "{:.1f}"),
    ("near med", lambda r: _pct(_errors(r, r.near), 50), "{:.1f}"),
    ("near p90", lambda r: _pct(_errors(r, r.near), 90), "{:.1f}"),
    ("px/h %", lambda r: 100.0 * _pct(_errors(r, BODY_LANDMARKS), 50) / r.truth["clip"]["height"], "{:.2f}"),
    ("knee med", lambda r: _pct(knee_errors_deg(r), 50), "{:.1f}"),
    ("knee p90", lambda r: _pct(knee_errors_deg(r), 90), "{:.1f}"),
]


def load_truth(path: Path) -> tuple[dict[str, Any], np.ndarray]:
    """The truth document and its landmark projections as an (n, 33, 2) array."""
    doc = json.loads(path.read_text())
    frames = doc["frames"]
    xy = np.full((len(frames), 33, 2), np.nan)
    for i, f in enumerate(frames):
        for k, p in f["landmarks_px"].items():
            xy[i, int(k)] = p
    return doc, xy


def sample_truths(samples: Path, clips: list[str] | tuple[str, ...] = ()) -> list[Path]:
    """The ``*.truth.json`` files of ``samples`` (only those of ``clips``, when given), sorted."""
    truths = sorted(samples.glob("*.truth.json"))
    return [t for t in truths if t.name.removesuffix(".truth.json") in clips] if clips else truths


def video_of(truth_path: Path) -> Path:
    """The clip a truth file describes (its ``clip.video``, beside it)."""
    return truth_path.with_name(json.loads(truth_path.read_text())["clip"]["video"])


def parse_stride(text: str) -> int | None:
    """``auto`` → None (analyze's default from the frame rate), else a whole number ≥ 1."""
    if text.strip().lower() == "auto":
        return None
    if text.isdigit() and int(text) >= 1:
        return int(text)
    raise ValueError(f"--stride must be a whole number of frames, at least 1, or 'auto' (got {text!r})")


def run_clip(video: Path, truth_path: Path, stride: int | None = 1, write_video: bool = True) -> ClipRun:
    """Run ``formcheck analyze`` (the whole pipeline; the annotated video unless ``write_video``
    is False, which changes no figure) over ``video`` and align it with the truth (every
    frame, as frames.csv has them: analysed or interpolated)."""
    truth, truth_xy = load_truth(truth_path)
    with tempfile.TemporaryDirectory() as out:
        result = analyze_video(video, out, exercise=truth["clip"]["exercise"], show_progress=False,
                               stride=stride, write_video=write_video)
    frames, session = result.frames, result.session
    assert frames is not None and session is not None
    times, xys = frames.series.t_s.copy(), frames.xy_px
    found = np.isfinite(xys).any(axis=(1, 2))
    n = len(times)
    if n != len(truth_xy):
        raise RuntimeError(f"{video.name}: decoded {n} frames, the truth has {len(truth_xy)}")
    t_truth = np.array([f["t_s"] for f in truth["frames"]])
    if np.max(np.abs(times - t_truth)) > 0.5 / truth["clip"]["fps"]:
        raise RuntimeError(f"{video.name}: frame times differ from the truth by more than half a frame")
    return ClipRun(video.stem, truth, times, found, xys, truth_xy, result.elapsed_s,
                   analysis=analysis_metrics(truth, result.report, frames.series))


def golden_figures(runs: list[ClipRun]) -> dict[str, dict[str, float]]:
    """Per clip, the figures the golden keeps (``bench/regression.py``)."""
    return {run.name: clip_figures(run.analysis, detection_rate(run)) for run in runs if run.analysis is not None}


def pooled(runs: list[ClipRun]) -> ClipRun:
    """All clips as one run (for the overall row)."""
    truth = {"camera": {"side": "all", "yaw_deg": 0.0},
             "clip": {"height": float(np.median([r.truth["clip"]["height"] for r in runs]))},
             "_knee_errors": np.concatenate([knee_errors_deg(r) for r in runs])}
    run = ClipRun("ALL", truth, np.concatenate([r.t_s for r in runs]), np.concatenate([r.detected for r in runs]),
                  np.concatenate([r.xy_px for r in runs]), np.concatenate([r.truth_xy_px for r in runs]),
                  sum(r.elapsed_s for r in runs))
    return run


def near_pooled(runs: list[ClipRun]) -> float:
    """Median near-side error over all clips (px)."""
    errs = [_errors(r, r.near) for r in runs]
    return _pct(np.concatenate(errs), 50) if errs else math.nan


def table(runs: list[ClipRun]) -> list[dict[str, Any]]:
    """One row per clip plus an ALL row: metric name -> value."""
    rows = []
    for run in runs:
        row: dict[str, Any] = {"clip": run.name, "view": "side" if run.side_view else "oblique"}
        row.update({name: fn(run) for name, fn, _ in METRICS})
        row["s/frame"] = run.elapsed_s / max(len(run.detected), 1)
        rows.append(row)
    if runs:
        allrun = pooled(runs)
        row = {"clip": "ALL", "view": ""}
        row.update({name: fn(allrun) for name, fn, _ in METRICS})
        row["near med"] = near_pooled(runs)
        row["near p90"] = _pct(np.concatenate([_errors(r, r.near) for r in runs]), 90)
        row["s/frame"] = allrun.elapsed_s / max(len(allrun.detected), 1)
        rows.append(row)
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    fmts = {"clip": "{}", "view": "{}", **{n: f for n, _, f in METRICS}, "s/frame": "{:.3f}"}
    cols = list(fmts)
    cells = [[fmts[c].format(r[c]) if not (isinstance(r[c], float) and math.isnan(r[c])) else "-" for c in cols] for r in rows]
    widths = [max(len(c), *(len(x[i]) for x in cells)) for i, c in enumerate(cols)]
    print("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cols, widths))))
    for x in cells:
        print("  ".join(v.ljust(w) if i < 2 else v.rjust(w) for i, (v, w) in enumerate(zip(x, widths))))


ANALYSIS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("reps", "{:.0f}"), ("true", "{:.0f}"), ("legs ok", "{:.0f}"), ("t mean", "{:.2f}"), ("t max", "{:.2f}"),
    ("phase max", "{:.2f}"), ("t ok", "{:.0f}"), ("t all", "{:.0f}"), ("knee near", "{:.1f}"), ("knee far", "{:.1f}"),
    ("heel near", "{:.1f}"), ("heel far", "{:.1f}"), ("lift r", "{:.2f}"), ("lift mae", "{:.2f}"))


def print_analysis(runs: list[ClipRun]) -> dict[str, Any]:
    """Per clip: rep count vs truth, legs right, max time errors (s: start/bottom/end, and
    lower/raise), knee-angle MAE (deg) near and far leg, lumbar-lift r and MAE (cm), and fault
    tp/fp/fn per code; then fault precision/recall pooled over clips. Returns the pooled numbers."""
    rows = [r for r in runs if r.analysis is not None]
    if not rows:
        return {}
    headers = ["clip"] + [name for name, _ in ANALYSIS_COLUMNS] + [f"{c} tp/fp/fn" for c in FAULT_CODES]
    cells = []
    for run in rows:
        values = [run.name] + ["-" if math.isnan(run.analysis[name]) else fmt.format(run.analysis[name])
                               for name, fmt in ANALYSIS_COLUMNS]
        values += ["/".join(str(v) for v in run.analysis[f"{c} tp/fp/fn"]) for c in FAULT_CODES]
        cells.append(values)
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    print()
    print("  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths))))
    for values in cells:
        print("  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(values, widths))))
    totals = pooled_faults([r.analysis for r in rows])
    exact = sum(r.analysis["reps"] == r.analysis["true"] for r in rows)
    print(f"\nrep count exact on {exact}/{len(rows)} clips; legs right on "
          f"{sum(r.analysis['legs ok'] for r in rows):.0f}/{sum(r.analysis['true'] for r in rows):.0f} reps")
    counts = np.array([r.analysis["t count"] for r in rows])
    means = np.array([r.analysis["t mean"] for r in rows])
    ok = counts > 0
    t_mean = float(np.sum(means[ok] * counts[ok]) / np.sum(counts[ok])) if ok.any() else math.nan
    t_max = max((r.analysis["t max"] for r in rows if math.isfinite(r.analysis["t max"])), default=math.nan)
    print(f"start/bottom/end times: mean |error| {t_mean:.2f} s, max {t_max:.2f} s over {int(counts.sum())} events")
    t_ok, t_all = sum(r.analysis["t ok"] for r in rows), sum(r.analysis["t all"] for r in rows)
    print(f"times and phase durations within ±0.3 s: {t_ok:.0f}/{t_all:.0f} ({t_ok / max(t_all, 1):.0%})")
    near_ok, near_all = sum(r.analysis["t ok near"] for r in rows), sum(r.analysis["t all near"] for r in rows)
    print(f"  leg facing the camera {near_ok:.0f}/{near_all:.0f}; far leg and both legs together "
          f"{t_ok - near_ok:.0f}/{t_all - near_all:.0f}")
    pooled_numbers: dict[str, Any] = {"rep_count_exact_clips": exact, "clips": len(rows),
                                      "t_mean_s": t_mean, "t_max_s": t_max, "t_within_target": t_ok / max(t_all, 1),
                                      "t_ok": t_ok, "t_all": t_all}
    for code, counts in totals.items():
        print(f"{code:14s} precision {counts.precision:.2f}  recall {counts.recall:.2f}  "
              f"(tp {counts.tp}, fp {counts.fp}, fn {counts.fn})")
        pooled_numbers[code] = {"precision": counts.precision, "recall": counts.recall,
                                "tp": counts.tp, "fp": counts.fp, "fn": counts.fn}
    judged = [r.analysis for r in rows if r.analysis.get("back judged", 1.0)]
    if len(judged) < len(rows):
        arching = pooled_faults(judged)["arching"]
        print(f"arching where the report judges the back ({len(judged)}/{len(rows)} clips; the others say "
              f"it cannot be seen): precision {arching.precision:.2f}  recall {arching.recall:.2f}  "
              f"(tp {arching.tp}, fp {arching.fp}, fn {arching.fn})")
        pooled_numbers["arching_where_judged"] = {"precision": arching.precision, "recall": arching.recall,
                                                  "tp": arching.tp, "fp": arching.fp, "fn": arching.fn}
    return pooled_numbers


def pairs_main(folder: Path, stride: int | None) -> int:
    """``--pairs``: every pair in ``folder`` through ``formcheck analyze A B``'s stages, with its figures."""
    from corpus_pair import analyse_pair, pair_tasks, print_pairs

    tasks = pair_tasks(folder.glob("*_a.truth.json"), stride, None, None)
    if not tasks:
        print(f"error: no <name>_a.truth.json / <name>_b.truth.json pairs in {folder}", file=sys.stderr)
        return 1
    print_pairs([analyse_pair(task) for task in tasks], "samples")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--samples", type=Path, default=REPO / "samples", help="directory of clips and truth files")
    p.add_argument("--clip", action="append", default=[], help="only this clip name (repeatable)")
    p.add_argument("--json", type=Path, help="also write the table as JSON here")
    p.add_argument("--stride", default="1",
                   help="run the model on every Nth frame, or 'auto' for analyze's default (default: 1)")
    p.add_argument("--min-detection", type=float, default=None,
                   help="exit 3 when a side-view clip's detection rate is below this")
    p.add_argument("--no-video", action="store_true", help="no annotated video (no figure depends on it)")
    p.add_argument("--check-golden", action="store_true",
                   help=f"exit 4 when a figure is worse than the golden ({GOLDEN_PATH.relative_to(REPO)})")
    p.add_argument("--write-golden", type=Path, nargs="?", const=GOLDEN_PATH, default=None, metavar="PATH",
                   help="write this run's per-clip figures as the golden (default path: the committed one)")
    p.add_argument("--pairs", action="store_true",
                   help="the two-camera pairs in SAMPLES/pairs (<name>_a/_b.mp4), each aligned and fused "
                        "(bench/corpus_pair.py), beside each camera alone")
    args = p.parse_args(argv)
    try:
        stride = parse_stride(args.stride)
    except ValueError as exc:
        p.error(str(exc))
    if args.pairs:
        return pairs_main(args.samples / "pairs", stride)
    truths = sample_truths(args.samples, args.clip)
    if not truths:
        print(f"error: no *.truth.json in {args.samples}", file=sys.stderr)
        return 1
    if args.write_golden == GOLDEN_PATH and args.clip:
        p.error("the committed golden needs every sample (no --clip; or give --write-golden a PATH)")
    runs, failed = [], []
    for truth_path in truths:
        video = video_of(truth_path)
        try:
            run = run_clip(video, truth_path, stride, write_video=not args.no_video)
        except (FormcheckError, RuntimeError, OSError, ValueError) as exc:
            print(f"error: {truth_path.name}: {exc}", file=sys.stderr)
            failed.append(truth_path.name)
            continue
        runs.append(run)
        print(f"{run.name}: {len(run.detected)} frames, {run.elapsed_s:.1f} s", file=sys.stderr, flush=True)
    rows = table(runs)
    print_table(rows)
    pooled_numbers = print_analysis(runs)
    if args.json:
        analysis = {r.name: {k: (list(v) if isinstance(v, tuple) else v) for k, v in r.analysis.items()}
                    for r in runs if r.analysis is not None}
        args.json.write_text(json.dumps({"stride": args.stride, "pose": rows, "analysis": analysis,
                                         "pooled": pooled_numbers},
                                        indent=2, default=float))
    if failed:
        print(f"error: {len(failed)} clip(s) could not be processed: {', '.join(failed)}", file=sys.stderr)
        return 1
    figures = golden_figures(runs)
    if args.write_golden is not None:
        document = golden_document(args.stride.strip().lower(), figures, _finite(pooled_numbers))
        with AtomicTextFile(args.write_golden) as handle:
            handle.write(json.dumps(document, indent=2, allow_nan=False) + "\n")
        print(f"golden written: {args.write_golden}", file=sys.stderr)
    if args.check_golden:
        golden = load_golden()
        if args.clip:
            golden["clips"] = {name: values for name, values in golden["clips"].items() if name in figures}
        if golden["stride"] != args.stride.strip().lower():
            p.error(f"the golden is at --stride {golden['stride']}; check it at that stride")
        worse = regressions(golden, figures)
        for line in worse:
            print(f"worse than the golden: {line}", file=sys.stderr)
        if worse:
            return 4
        print("no figure is worse than the golden", file=sys.stderr)
    if args.min_detection is not None:
        low = [r.name for r in runs if r.side_view and detection_rate(r) < args.min_detection]
        if low:
            print(f"error: detection below {args.min_detection:.2f} in side-view clip(s): {', '.join(low)}", file=sys.stderr)
            return 3
    return 0


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinities as None (strict JSON)."""
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


if __name__ == "__main__":
    sys.exit(main())
