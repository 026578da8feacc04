"""Exercise recognition over the synthetic corpus: a confusion matrix and the accuracy per split.

Every clip is analysed as ``formcheck analyze --exercise auto`` would (from cached poses with
``--cache DIR``: the pose model runs once per clip, see corpus_clip.py), and its recognised
profile compared with the truth's ``conditions.exercise`` (``none`` for the negatives: other
exercises). Per split (``dev``, ``test``; tune on dev, quote test) it prints the confusion
matrix, the accuracy per true exercise, the wrong profiles given with high confidence, and
for the negatives how many came out with no rep and no fault.

    python3 bench/exercise_detect.py --corpus /path/to/samples/corpus --cache /tmp/detect-cache
    python3 bench/exercise_detect.py ... --split test --json /tmp/detect.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
for path in (str(REPO), str(BENCH)):
    if path not in sys.path:
        sys.path.insert(0, path)

from corpus_clip import ClipTask, analyse, cache_path  # noqa: E402

NONE = "none"
HIGH_CONFIDENCE = 0.7  # a wrong profile at least this sure is the failure the issue forbids


def truth_label(truth: dict[str, Any]) -> str:
    """The clip's true answer: one of our profiles, or ``none`` for another exercise."""
    conditions = truth.get("conditions") or {}
    if truth.get("negative") or conditions.get("negative"):
        return NONE
    return str(conditions.get("exercise") or truth["clip"]["exercise"])


def run_clip(truth_path: Path, cache: str | None, stride: int | None) -> dict[str, Any]:
    """Analyse one clip with ``--exercise auto``; its truth, recognition, reps and faults."""
    truth = json.loads(truth_path.read_text())
    video = truth_path.with_name(truth["clip"]["video"])
    figures = analyse(ClipTask(video=str(video), truth=str(truth_path), stride=stride, exercise="auto", cache=cache))
    detection = figures.get("exercise_detection") or {}
    faults = sum(figures.get(f"{code}_fp", 0) + figures.get(f"{code}_tp", 0)
                 for code in ("arching", "swinging", "tabletop_lost"))
    return {"name": truth["clip"]["name"], "split": truth.get("split", "samples"), "truth": truth_label(truth),
            "found": detection.get("profile") or NONE, "confidence": detection.get("confidence"),
            "note": detection.get("note"), "reps": figures["found_reps"],
            "faults": faults + figures.get("setup_fp", 0) + figures.get("setup_tp", 0)}


def confusion(rows: list[dict[str, Any]]) -> str:
    """The confusion matrix (rows: truth, columns: recognised) as text."""
    labels = sorted({r["truth"] for r in rows} | {r["found"] for r in rows}, key=lambda s: (s == NONE, s))
    counts = Counter((r["truth"], r["found"]) for r in rows)
    width = max(len(label) for label in labels) + 2
    lines = ["truth \\ found".ljust(width) + "".join(label.rjust(width) for label in labels)]
    for t in labels:
        if any(r["truth"] == t for r in rows):
            lines.append(t.ljust(width) + "".join(str(counts[(t, f)]).rjust(width) for f in labels))
    return "\n".join(lines)


def split_figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Accuracy overall and per true exercise; wrong-and-sure; negatives with nothing flagged."""
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        per[r["truth"]][0] += r["truth"] == r["found"]
        per[r["truth"]][1] += 1
    ours = [r for r in rows if r["truth"] != NONE]
    negatives = [r for r in rows if r["truth"] == NONE]
    return {
        "clips": len(rows),
        "accuracy": sum(r["truth"] == r["found"] for r in rows) / len(rows) if rows else None,
        "ours_recognised": sum(r["truth"] == r["found"] for r in ours) / len(ours) if ours else None,
        "per_exercise": {k: {"right": v[0], "clips": v[1]} for k, v in sorted(per.items())},
        "wrong_profile_high_confidence": [r["name"] for r in rows if r["found"] not in (r["truth"], NONE)
                                          and (r["confidence"] or 0) >= HIGH_CONFIDENCE],
        "negatives": len(negatives),
        "negatives_clean": sum(1 for r in negatives if r["reps"] == 0 and r["faults"] == 0),
        "negative_false_reps": sum(r["reps"] for r in negatives),
    }


def print_split(name: str, rows: list[dict[str, Any]]) -> None:
    figures = split_figures(rows)
    print(f"\n== split {name}: {figures['clips']} clips ==")
    print(confusion(rows))
    for exercise, v in figures["per_exercise"].items():
        print(f"  {exercise:16s} {v['right']}/{v['clips']} recognised")
    if figures["ours_recognised"] is not None:
        print(f"  our exercises recognised: {figures['ours_recognised']:.1%}")
    print(f"  accuracy (all clips): {figures['accuracy']:.1%}")
    print(f"  wrong profile with confidence >= {HIGH_CONFIDENCE}: {figures['wrong_profile_high_confidence'] or 'none'}")
    if figures["negatives"]:
        print(f"  negatives with 0 reps and 0 faults: {figures['negatives_clean']}/{figures['negatives']} "
              f"({figures['negative_false_reps']} false reps)")
    for r in rows:
        if r["truth"] != r["found"]:
            print(f"  miss: {r['name']} truth {r['truth']} found {r['found']} ({r['confidence']}): {r['note']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, action="append", required=True,
                        help="folder of *.truth.json clips (repeatable; samples/ has no split)")
    parser.add_argument("--cache", help="pose cache folder (built on first use)")
    parser.add_argument("--split", action="append", help="only these splits (default: all)")
    parser.add_argument("--stride", type=int, default=None)
    parser.add_argument("--cached-only", action="store_true", help="skip clips whose poses are not cached yet")
    parser.add_argument("--json", type=Path, help="write the per-clip rows and figures here")
    args = parser.parse_args(argv)
    truths = sorted(p for folder in args.corpus for p in folder.glob("*.truth.json"))
    rows = []
    started = time.monotonic()
    for path in truths:
        split = json.loads(path.read_text()).get("split", "samples")
        if args.split and split not in args.split:
            continue
        if not path.with_name(json.loads(path.read_text())["clip"]["video"]).is_file():
            continue  # still rendering
        if args.cached_only and not (args.cache and cache_path(path, args.cache, args.stride).is_file()):
            continue
        rows.append(run_clip(path, args.cache, args.stride))
    by_split: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_split[r["split"]].append(r)
    for name in sorted(by_split):
        print_split(name, by_split[name])
    print(f"\n{len(rows)} clips in {time.monotonic() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "splits": {k: split_figures(v) for k, v in by_split.items()}},
                                        indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
