"""Command line: parses arguments and calls the library; errors become one line on stderr.

    formcheck --version
    formcheck analyze VIDEO [--exercise heel-tap|leg-extension|straight-leg] [--out DIR]
                            [--no-video] [--stride N] [--model PATH] [--quiet]
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from formcheck import __version__
from formcheck.errors import FormcheckError
from formcheck.profiles import PROFILES

EXERCISES: tuple[str, ...] = tuple(PROFILES)

EXIT_INTERRUPTED = 130


class UsageError(FormcheckError):
    """A command-line value that argparse's types cannot check (e.g. ``--stride 0``)."""


def parse_stride(text: str | None) -> int | None:
    """``--stride``: None (automatic) for ``auto`` or absent, else a whole number ≥ 1."""
    if text is None or text.strip().lower() == "auto":
        return None
    try:
        stride = int(text)
    except ValueError:
        stride = 0
    if stride < 1:
        raise UsageError(f"--stride must be a whole number of frames, at least 1, or 'auto' (got {text!r})")
    return stride


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for all subcommands."""
    parser = argparse.ArgumentParser(
        prog="formcheck",
        description="Form checker for the modified leg lift (heel taps from tabletop).")
    parser.add_argument("--version", action="version", version=f"formcheck {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    analyze = commands.add_parser(
        "analyze", help="analyse a recorded video file",
        description="Analyse a recorded video: writes report.json, report.html and frames.csv into DIR.")
    analyze.add_argument("video", metavar="VIDEO", help="video file (side view of the exercise)")
    analyze.add_argument("--exercise", choices=EXERCISES, default=EXERCISES[0],
                         help="exercise profile (default: %(default)s)")
    analyze.add_argument("--out", metavar="DIR",
                         help="output folder (default: <video name>_formcheck next to the video; "
                              "existing files of the same names are replaced)")
    analyze.add_argument("--model", metavar="PATH",
                         help="PoseLandmarker .task bundle (default: $FORMCHECK_MODEL or the bundled model)")
    analyze.add_argument("--no-video", action="store_true",
                         help="do not write annotated.mp4 (the contract's flag; the annotated video "
                              "is not produced yet, so this is the current behaviour either way)")
    analyze.add_argument("--stride", metavar="N",
                         help="run the pose model on every Nth frame (the others are interpolated in "
                              "frames.csv, marked analysed=0); default 'auto': from the frame rate, "
                              "at most 15 analysed frames a second (30 fps -> 2, 60 fps -> 4)")
    analyze.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def run_analyze(args: argparse.Namespace) -> int:
    """``formcheck analyze``: run the pipeline and say where the outputs are."""
    from formcheck.pipeline import analyze_video

    stride = parse_stride(args.stride)
    result = analyze_video(args.video, out_dir=args.out, exercise=args.exercise,
                           model_path=args.model, show_progress=not args.quiet, stride=stride)
    fps = result.frames_read / result.elapsed_s if result.elapsed_s > 0 else 0.0
    every = f", every {_ordinal(result.stride)} analysed" if result.stride > 1 else ""
    print(f"read {result.frames_read} frames in {result.elapsed_s:.1f} s ({fps:.1f} frames/s{every}); "
          f"person found in {result.detection_rate:.0%} of analysed frames")
    print(summary_text(result.report))
    for path in result.outputs.values():
        print(f"wrote {path}")
    return 0


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def summary_text(report: dict) -> str:
    """A few lines for the terminal: reps per leg, faults, advice, warnings."""
    summary = report.get("summary", {})
    reps = ", ".join(f"{leg} {count}" for leg, count in summary.get("reps", {}).items()) or "none"
    faults = ", ".join(f"{code} {count}" for code, count in summary.get("faults", {}).items() if count)
    lines = [f"reps: {reps}; clean: {summary.get('clean_reps', 0)}; faults: {faults or 'none'}"]
    lines += [f"advice: {line}" for line in summary.get("advice", [])]
    lines += [f"warning: {line}" for line in report.get("warnings", [])]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``formcheck`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return run_analyze(args)
    except FormcheckError as exc:
        print(f"formcheck: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("formcheck: interrupted — the frames analysed so far were saved", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
