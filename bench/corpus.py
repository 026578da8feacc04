"""Accuracy on the randomized corpus: every clip of a split analysed, compared with its truth,
pooled overall and broken down by condition.

    python3 bench/corpus.py [--split dev|test|all] [--jobs N] [--stride N|auto] [--corpus DIR]
                            [--cache DIR] [--csv OUT] [--clip NAME ...] [--ray [ADDRESS]]
    python3 bench/corpus.py --pairs [--split ...] [--cache DIR]   # two-camera pairs as pairs

Tune on ``dev`` (and samples/); the ``test`` split only measures (DEVELOPERS.md). Clips run in
parallel on the project's worker pool (``formcheck.io.pool``; ``--ray`` on a cluster). Prints
the overall table, the same figures per condition bin (yaw, camera height, fps, resolution,
body, clothing contrast, handheld, second person, start, exercise, …) with the weakest bins
first, and every clip where a trust flag of the report does not match its error. ``--csv``
writes every bin's figures. ``--cache DIR`` keeps each clip's poses so a rerun after changing
the analysis (not the pose model) takes a fraction of the time.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(REPO), str(BENCH)]
os.environ["PYTHONPATH"] = os.pathsep.join([str(REPO), str(BENCH), os.environ.get("PYTHONPATH", "")])

from corpus_clip import ClipTask, analyse  # noqa: E402
from corpus_compare import FAULT_CODES, pooled, summary_figures  # noqa: E402

CORPUS = REPO / "samples" / "corpus"
SHOWN = ("clips", "count exact", "legs right", *(f"{c} {m}" for c in FAULT_CODES for m in ("P", "R")),
         "start P", "start R", "clean flagged", "knee near", "knee far", "hip near", "heel err", "lift err",
         "t near p50", "t near p90", "t far p50", "t far p90")
MIN_BIN_CLIPS = 10  # bins smaller than this are printed but not ranked among the weakest


def _bin(edges: tuple[float, ...], unit: str) -> Callable[[float], str]:
    def name(value: float) -> str:
        for lo, hi in zip(edges, edges[1:]):
            if lo <= value < hi:
                return f"{lo:g}–{hi:g}{unit}"
        return f"≥{edges[-1]:g}{unit}" if value >= edges[-1] else f"<{edges[0]:g}{unit}"
    return name


YAW = _bin((0, 10, 20, 30, 46), "°")
HEIGHT = _bin((0, 0.3, 0.6, 0.9, 1.31), " m")
CONTRAST = _bin((0, 0.1, 0.3, 1.01), "")


def conditions_of(truth: dict[str, Any]) -> dict[str, str]:
    """The condition bins a clip falls in (the breakdown's rows)."""
    c = truth.get("conditions", {})
    yaw = float(c.get("camera_yaw_deg", 0.0))
    width, height = int(c.get("width", 0)), int(c.get("height", 0))
    side = max(width, height)
    body = c.get("body", {})
    clothing = c.get("clothing", {})
    return {
        "exercise": str(c.get("exercise", truth["clip"]["exercise"])) + (f"/{c['variant']}" if c.get("variant") else ""),
        "yaw": ("head " if yaw < 0 else "feet " if yaw > 0 else "") + YAW(abs(yaw)),
        "camera height": HEIGHT(float(c.get("camera_height_m", 0.5))),
        "fps": f"{float(c.get('fps', 30)):g}",
        "resolution": "≤640" if side <= 640 else "≤960" if side <= 960 else ">960",
        "orientation": str(c.get("orientation", "landscape")),
        "body": f"{body.get('sex', '?')} bmi{'<25' if float(body.get('bmi', 22)) < 25 else '≥25'}",
        "skin tone": "light" if int(body.get("skin_tone", 0)) <= 3 else "dark",
        "contrast top/mat": CONTRAST(float(clothing.get("contrast_top_mat", 0.5))),
        "loose top": str(bool(clothing.get("loose_top"))),
        "backlit": str(bool((c.get("light") or {}).get("backlit"))),
        "handheld": str(bool(c.get("handheld"))),
        "second person": str(bool(c.get("second_person"))),
        "start": str(c.get("start", "?")),
        "sets": str(c.get("sets", 1)),
        "style": str(c.get("style", "?")),
    }


def corpus_truths(corpus: Path, split: str, names: Iterable[str] = ()) -> list[Path]:
    """Truth files of the split (``all``: every clip), optionally only the named clips."""
    wanted = set(names)
    out = []
    for path in sorted(corpus.glob("*.truth.json")):
        name = path.name[: -len(".truth.json")]
        if wanted and name not in wanted:
            continue
        if split == "all" or _split_of(path) == split:
            out.append(path)
    return out


def _split_of(path: Path) -> str:
    """The ``split`` of a truth file (read from its first line: corpus files put the header there)."""
    with open(path, encoding="utf-8") as handle:
        first = handle.readline()
    marker = '"split":'
    at = first.find(marker)
    if at >= 0:
        return first[at + len(marker):].split(",")[0].strip().strip('"')
    return json.loads(path.read_text()).get("split", "dev")


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return "–" if not math.isfinite(value) else f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


HEADERS = {"count exact": "exact", "legs right": "legs", "arching P": "arch P", "arching R": "arch R",
           "swinging P": "swing P", "swinging R": "swing R", "tabletop_lost P": "table P",
           "tabletop_lost R": "table R", "clean flagged": "clean≠0", "knee near": "knee n°",
           "knee far": "knee f°", "hip near": "hip n°", "heel err": "heel cm", "lift err": "lift cm",
           "t near p50": "tn p50", "t near p90": "tn p90", "t far p50": "tf p50", "t far p90": "tf p90"}


def print_table(title: str, rows: list[tuple[str, dict[str, float]]]) -> None:
    """Rows of figures under short headers (precision P and recall R per rep; ``clean≠0``: the
    share of clean clips with any fault; angle MAE in degrees; time errors in s)."""
    print(f"\n{title}")
    width = max([len(name) for name, _ in rows] + [10])
    print(" ".join([f"{'':{width}}"] + [f"{HEADERS.get(k, k):>7}" for k in SHOWN]))
    for name, fig in rows:
        print(" ".join([f"{name:{width}}"] + [f"{_fmt(fig.get(k)):>7}" for k in SHOWN]))


def weakness(fig: dict[str, float]) -> float:
    """How far a bin is from the targets (0 = meets all): the sum of the shortfalls."""
    short = 0.0
    for key, target in (("count exact", 0.97), *((f"{c} {m}", 0.8) for c in FAULT_CODES for m in ("P", "R"))):
        value = fig.get(key, math.nan)
        if math.isfinite(value):
            short += max(0.0, target - value)
    for key, target in (("knee near", 8.0), ("t near p90", 0.3)):
        value = fig.get(key, math.nan)
        if math.isfinite(value):
            short += max(0.0, value - target) / target
    return short


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="test")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    parser.add_argument("--ray", nargs="?", const="", default=None, metavar="ADDRESS", help="run on Ray")
    parser.add_argument("--stride", default="auto", help="frames per analysed frame, or auto (analyze's default)")
    parser.add_argument("--exercise", default=None, help="profile for every clip (default: the truth's exercise)")
    parser.add_argument("--cache", type=Path, default=None, help="keep each clip's poses here (tuning reruns)")
    parser.add_argument("--csv", type=Path, default=None, help="write every bin's figures here")
    parser.add_argument("--json", type=Path, default=None, help="write every clip's figures here")
    parser.add_argument("--clip", action="append", default=[], help="only this clip (repeatable)")
    parser.add_argument("--pairs", action="store_true",
                        help="only the two-camera pairs, each run as a pair (aligned, fused; bench/corpus_pair.py)")
    args = parser.parse_args(argv)
    stride = None if args.stride == "auto" else int(args.stride)
    truths = corpus_truths(args.corpus, args.split, args.clip)
    if not truths:
        print(f"no clips of split {args.split!r} in {args.corpus}", file=sys.stderr)
        return 2
    if args.pairs:
        return run_pairs(truths, args, stride)
    tasks = [ClipTask(video=str(t.with_name(t.name.replace(".truth.json", ".mp4"))), truth=str(t), stride=stride,
                      exercise=args.exercise, cache=str(args.cache) if args.cache else None) for t in truths]
    from formcheck.app.progress import ProgressBar
    from formcheck.io.pool import LocalPool

    if args.ray is not None:
        from formcheck.io.ray_pool import RayPool

        pool: Any = RayPool(address=args.ray or None, jobs=args.jobs)
    else:
        pool = LocalPool(jobs=args.jobs)
    started = time.monotonic()
    results: list[dict[str, Any]] = []
    failed: list[str] = []
    with ProgressBar(len(tasks), "corpus", unit="clips") as progress:
        for outcome in pool.run(analyse, tasks, progress=progress):
            if outcome.ok and outcome.value is not None:
                results.append(outcome.value)
            else:
                failed.append(f"{Path(tasks[outcome.index].video).name}: {outcome.error}")
    elapsed = time.monotonic() - started
    by_name = {r["name"]: r for r in results}
    conditions = {Path(t).name[: -len(".truth.json")]: conditions_of(json.loads(Path(t).read_text())) for t in truths}
    ours = [r for r in results if not r["negative"]]
    negatives = [r for r in results if r["negative"]]
    print(f"corpus {args.split}: {len(results)} clips analysed in {elapsed:.0f} s "
          f"({pool.description}, stride {args.stride})" + (f"; {len(failed)} failed" if failed else ""))
    rows = [("all (our exercises)", summary_figures(pooled(ours)))]
    print_table("overall", rows)
    if negatives:
        false_reps = sum(r["found_reps"] for r in negatives)
        flagged = sum(1 for r in negatives if r["found_reps"] or r.get("setup_fp"))
        print(f"\nnegatives: {len(negatives)} clips, {false_reps} false reps; "
              f"{len(negatives) - flagged} of {len(negatives)} with no rep and no fault")
    bins: list[tuple[str, dict[str, float]]] = []
    for condition in sorted({k for c in conditions.values() for k in c}):
        groups: dict[str, list[dict[str, Any]]] = {}
        for r in ours:
            groups.setdefault(conditions[r["name"]][condition], []).append(r)
        for value, group in sorted(groups.items()):
            bins.append((f"{condition}: {value}", summary_figures(pooled(group))))
    print_table("by condition", bins)
    ranked = sorted((b for b in bins if b[1]["clips"] >= MIN_BIN_CLIPS), key=lambda b: -weakness(b[1]))
    print_table(f"weakest conditions (bins of ≥ {MIN_BIN_CLIPS} clips)", ranked[:5])
    lies = [(r["name"], lie) for r in results for lie in r["lies"]]
    print(f"\ntrust flags that do not match the error ({len(lies)}):")
    for name, lie in lies:
        print(f"  {name}: {lie}")
    for line in failed:
        print(f"FAILED {line}")
    if args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["group", *SHOWN])
            for name, fig in rows + bins:
                writer.writerow([name, *(fig.get(k) for k in SHOWN)])
    if args.json:
        args.json.write_text(json.dumps({"split": args.split, "clips": by_name}, indent=1))
    return 1 if failed else 0


def run_pairs(truths: list[Path], args: argparse.Namespace, stride: int | None) -> int:
    """``--pairs``: every pair of ``truths`` aligned and fused, beside each camera alone."""
    from corpus_pair import analyse_pair, pair_tasks, print_pairs
    from formcheck.io.pool import LocalPool

    tasks = pair_tasks(truths, stride, args.exercise, str(args.cache) if args.cache else None)
    if not tasks:
        print(f"no two-camera pairs of split {args.split!r} in {args.corpus}", file=sys.stderr)
        return 2
    results, failed = [], []
    for outcome in LocalPool(jobs=args.jobs).run(analyse_pair, tasks):
        if outcome.ok and outcome.value is not None:
            results.append(outcome.value)
        else:
            failed.append(f"{Path(tasks[outcome.index].a.video).name}: {outcome.error}")
    print_pairs(sorted(results, key=lambda r: r["name"]), args.split)
    for line in failed:
        print(f"FAILED {line}")
    if args.json:
        args.json.write_text(json.dumps({"split": args.split, "pairs": results}, indent=1, default=float))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
