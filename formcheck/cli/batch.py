"""``formcheck batch``: its parser and what it prints; the work is :mod:`formcheck.app.batch`."""

from __future__ import annotations

import argparse
import sys

from formcheck.cli.common import EXERCISE_CHOICES, EXIT_INTERRUPTED, UsageError, parse_stride
from formcheck.cli.history import add_history_options, print_history_lines


def add_batch_parser(commands: argparse._SubParsersAction) -> None:
    """``formcheck batch``: the inputs, the batch folder, the pool and the per-video options."""
    batch = commands.add_parser(
        "batch", help="analyse many videos on a local process pool or a Ray cluster",
        description="Analyse many videos, one task per video, on a local process pool (default) or "
                    "a Ray cluster. Each video's outputs go to DIR/<its path relative to the inputs, "
                    "without the extension>/, exactly as 'analyze --out' writes them; DIR/batch.csv, "
                    "DIR/batch.json and DIR/index.html list them all. Finished videos are skipped on a "
                    "rerun (so an interrupted batch resumes); exit 1 when any video failed.")
    batch.add_argument("inputs", metavar="INPUT", nargs="*",
                       help="video files, folders (searched recursively) or a CSV manifest with a 'path' "
                            "column and optional 'exercise', 'person', 'date' (paths relative to it)")
    batch.add_argument("--out", metavar="DIR", required=True, help="the batch folder")
    batch.add_argument("--jobs", metavar="N", type=_jobs,
                       help="videos analysed at once (default: one per core; with --ray: the CPUs of "
                            "a Ray instance started here, or the most tasks in flight on a cluster)")
    batch.add_argument("--ray", metavar="ADDRESS", nargs="?", const="", default=None,
                       help="run on Ray (pip install 'formcheck[cluster]'): alone, start or join a Ray "
                            "instance on this machine; with ADDRESS (host:port), join that cluster, whose "
                            "machines must see the videos and DIR at the same paths. Put it after the "
                            "INPUTs or write --ray=ADDRESS")
    batch.add_argument("--exercise", choices=EXERCISE_CHOICES, default=None,
                       help="exercise profile, or auto: recognise it from the motion (default: auto; a "
                            "manifest's exercise column wins)")
    batch.add_argument("--no-video", action="store_true", help="no annotated.mp4 (faster), as for analyze")
    batch.add_argument("--stride", metavar="N", help="as for analyze (default: auto)")
    batch.add_argument("--force", action="store_true", help="analyse finished videos again")
    batch.add_argument("--model", metavar="PATH",
                       help="PoseLandmarker .task bundle (default: $FORMCHECK_MODEL or the bundled model)")
    batch.add_argument("--quiet", action="store_true", help="no progress line")
    add_history_options(batch, person_help="whose sessions these are, for the history and the index (a "
                                           "manifest's person column wins; default: the one local person, 'me')")


def _jobs(text: str) -> int:
    """``--jobs``: a whole number ≥ 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of videos at once, at least 1 (got {text!r})")
    return value


def _ray_address(args: argparse.Namespace) -> str | None:
    """The cluster address of ``--ray``; a path written right after a bare ``--ray`` is an INPUT."""
    import os
    import re

    address = args.ray or None
    if address is not None and not re.fullmatch(r"(ray://)?[\w.\-\[\]:]+:\d+|auto", address) \
            and os.path.exists(address):
        args.inputs.insert(0, address)
        return None
    return address


def run_batch_command(args: argparse.Namespace) -> int:
    """``formcheck batch``: run the batch, list what failed, say where the index is."""
    from pathlib import Path

    from formcheck.app.batch import BatchOptions, run_batch
    from formcheck.app.batch.index import counts_text
    from formcheck.app.batch.recording import history_lines

    stride = parse_stride(args.stride)
    address = _ray_address(args)
    if not args.inputs:
        raise UsageError("give at least one INPUT: video files, folders of videos or a CSV manifest")
    options = BatchOptions(inputs=tuple(args.inputs), out_dir=Path(args.out), jobs=args.jobs,
                           ray=args.ray is not None, ray_address=address, exercise=args.exercise,
                           person=args.person, write_video=not args.no_video, stride=stride, force=args.force,
                           model_path=args.model, show_progress=not args.quiet, history=not args.no_history)
    try:
        result = run_batch(options)
    except KeyboardInterrupt:  # while finding the videos: nothing was started
        print("formcheck: interrupted before any video was analysed", file=sys.stderr)
        return EXIT_INTERRUPTED
    for row in result.failed:
        print(f"failed: {row['video']}: {row['reason']}")
    print(f"{counts_text(result.counts)} — index: {result.index['index_html']} (and batch.csv, batch.json)")
    print_history_lines(history_lines(result.history))
    if result.interrupted:
        finished = result.counts["ok"] + result.counts["skipped"] + result.counts["failed"]
        print(f"formcheck: interrupted — {finished} of {len(result.rows)} videos are done; run the same "
              "command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 1 if result.failed else 0
