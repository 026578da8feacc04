"""Command line: parses arguments and calls the library; errors become one line on stderr.

    formcheck --version
    formcheck analyze VIDEO [--exercise auto|heel-tap|leg-extension|straight-leg] [--out DIR]
    formcheck analyze VIDEO VIDEO2 ...   (two cameras of one session, aligned automatically)
                            [--no-video] [--stride N] [--model PATH] [--quiet]
    formcheck live [--camera N | --source FILE] [--exercise ...] [--out DIR] [--model PATH]
                   [--no-window] [--sound] [--voice] [--pace]
    formcheck batch INPUT... --out DIR [--jobs N] [--ray [ADDRESS]] [--exercise X] [--person NAME]
                    [--no-video] [--stride N] [--force] [--model PATH] [--quiet] [--no-history]
    analyze / live: [--voice] [--pace] (spoken cues, the tempo count)
    analyze / live / batch: [--person NAME] [--no-history]   (FORMCHECK_HOME=DIR holds the history)
    formcheck history [--person NAME] [--exercise X] [--since DATE] [--csv FILE] [--html FILE]
                      [--forget ID | --forget-all]
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from formcheck import __version__
from formcheck.cli.batch import add_batch_parser, run_batch_command
from formcheck.cli.common import EXERCISE_CHOICES, EXERCISE_HELP, EXERCISES, EXIT_INTERRUPTED, UsageError, parse_stride
from formcheck.cli.history import add_history_options, add_history_parser, print_history_outcome, run_history_command
from formcheck.errors import AnnotationInterrupted, FormcheckError

__all__ = ["EXERCISES", "EXIT_INTERRUPTED", "UsageError", "build_parser", "main", "parse_stride", "summary_text"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for all subcommands."""
    parser = argparse.ArgumentParser(
        prog="formcheck",
        description="Form checker for the modified leg lift (heel taps from tabletop).")
    parser.add_argument("--version", action="version", version=f"formcheck {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    analyze = commands.add_parser(
        "analyze", help="analyse a recorded video file",
        description="Analyse a recorded video: writes report.json, report.html, frames.csv and "
                    "annotated.mp4 into DIR.")
    analyze.add_argument("video", metavar="VIDEO", help="video file (side view of the exercise)")
    analyze.add_argument("video2", metavar="VIDEO2", nargs="?",
                         help="a second camera of the same session (e.g. a phone on the other side): "
                              "aligned in time from the motion, each leg measured from the camera it "
                              "faces; one report in VIDEO's clock")
    analyze.add_argument("--exercise", choices=EXERCISE_CHOICES, default="auto", help=EXERCISE_HELP)
    analyze.add_argument("--out", metavar="DIR",
                         help="output folder (default: <video name>_formcheck next to the video; "
                              "existing files of the same names are replaced)")
    analyze.add_argument("--model", metavar="PATH",
                         help="PoseLandmarker .task bundle (default: $FORMCHECK_MODEL or the bundled model)")
    analyze.add_argument("--no-video", action="store_true",
                         help="skip the annotated video (annotated.mp4) and its second pass over the "
                              "file; report.html still gets a still of each fault")
    analyze.add_argument("--stride", metavar="N",
                         help="run the pose model on every Nth frame (the others are interpolated in "
                              "frames.csv, marked analysed=0); default 'auto': from the frame rate, "
                              "at most 15 analysed frames a second (30 fps -> 2, 60 fps -> 4)")
    analyze.add_argument("--quiet", action="store_true", help="no progress bar")
    _voice_options(analyze, "put on the annotated video's audio track (and in report.json's cues) what "
                            "'formcheck live --voice' would have said, at its times: set-up, each fault, "
                            "rep counts, set ends, a summary")
    add_history_options(analyze)

    live = commands.add_parser(
        "live", help="live feedback from a webcam (or a video replayed at real speed)",
        description="Live feedback on a webcam: overlay window, fault banners, rep counts. When the "
                    "session ends (q, Esc, Ctrl-C, end of source) report.json, report.html and "
                    "frames.csv are written into DIR. Keys: q/Esc quit, space pause, r recalibrate.")
    where = live.add_mutually_exclusive_group()
    where.add_argument("--camera", metavar="N", type=_camera_index,
                       help="webcam index (default: 0)")
    where.add_argument("--source", metavar="FILE",
                       help="replay a video file at real speed as if it were the camera")
    live.add_argument("--exercise", choices=EXERCISE_CHOICES, default="auto",
                      help=EXERCISE_HELP + "; live recognises it within the first reps")
    live.add_argument("--out", metavar="DIR",
                      help="output folder (default: ./formcheck_live_<date-time> in the current folder)")
    live.add_argument("--model", metavar="PATH",
                      help="PoseLandmarker .task bundle (default: $FORMCHECK_MODEL or the bundled model)")
    live.add_argument("--no-window", action="store_true",
                      help="no window (headless: servers, tests); the same processing and report")
    live.add_argument("--sound", action="store_true", help="a short sound on each new fault")
    _voice_options(live, "speak: set-up guidance, each fault in the coach's words, rep counts per leg, "
                         "set ends, a summary (pre-recorded offline; replaces --sound's tones)")
    add_history_options(live)
    add_batch_parser(commands)
    add_history_parser(commands)
    return parser


def _voice_options(command: argparse.ArgumentParser, voice_help: str) -> None:
    """``--voice`` and ``--pace``, shared by analyze and live."""
    command.add_argument("--voice", action="store_true", help=voice_help)
    command.add_argument("--pace", action="store_true",
                         help="count the tempo aloud through each phase as it happens (down, 2, 3 ... up, 2, 3)")


def _camera_index(text: str) -> int:
    """A camera index: a whole number ≥ 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"camera index must be a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"camera index must be 0 or more, got {value}")
    return value


def run_analyze(args: argparse.Namespace) -> int:
    """``formcheck analyze``: run the pipeline and say where the outputs are."""
    from formcheck.app.analyze import analyze_video

    from formcheck.app.history import check_person

    stride = parse_stride(args.stride)
    if getattr(args, "video2", None):
        return run_analyze_pair(args, stride)
    person = check_person(args.person)  # a bad name fails before the analysis, not after
    result = analyze_video(args.video, out_dir=args.out, exercise=args.exercise,
                           model_path=args.model, show_progress=not args.quiet,
                           write_video=not args.no_video, stride=stride, voice=args.voice, pace=args.pace,
                           person=person, history=not args.no_history)
    fps = result.frames_read / result.elapsed_s if result.elapsed_s > 0 else 0.0
    every = f", every {_ordinal(result.stride)} analysed" if result.stride > 1 else ""
    print(f"read {result.frames_read} frames in {result.elapsed_s:.1f} s ({fps:.1f} frames/s{every}); "
          f"person found in {result.detection_rate:.0%} of analysed frames")
    print(summary_text(result.report))
    for path in result.outputs.values():
        print(f"wrote {path}")
    print_history_outcome(result.history)
    return 0


def run_analyze_pair(args: argparse.Namespace, stride: int | None) -> int:
    """``formcheck analyze VIDEO VIDEO2``: two cameras, one report; says the offset found."""
    from formcheck.app.pair import analyze_pair
    from formcheck.profiles import DEFAULT_PROFILE

    if args.voice or args.pace:
        raise UsageError("--voice and --pace work with one video; leave them out with two")
    exercise = args.exercise
    if exercise == "auto":  # recognition reads one camera's motion; two cameras are analysed as asked
        exercise = DEFAULT_PROFILE
        print(f"formcheck: warning: with two videos the exercise is not recognised: analysing as {exercise} "
              "(pass --exercise for another)", file=sys.stderr)
    result = analyze_pair([args.video, args.video2], out_dir=args.out, exercise=exercise,
                          model_path=args.model, show_progress=not args.quiet, write_video=not args.no_video,
                          stride=stride)
    second = result.report["cameras"][1]
    print(f"aligned: {args.video2} starts {second['offset_s']:+.3f} s after {args.video} "
          f"(confidence {second['alignment_confidence']:.2f})")
    print(summary_text(result.report))
    for path in result.outputs.values():
        print(f"wrote {path}")
    return 0


def run_live_command(args: argparse.Namespace) -> int:
    """``formcheck live``: run a session until it ends, then say what was found and written."""
    from pathlib import Path

    from formcheck.errors import CameraError
    from formcheck.app.live import LiveOptions, run_live
    from formcheck.app.analyze import NoPersonError

    from formcheck.app.history import check_person

    options = LiveOptions(camera=args.camera if args.camera is not None else 0,
                          source=Path(args.source) if args.source else None,
                          exercise=args.exercise, out_dir=Path(args.out) if args.out else None,
                          model_path=Path(args.model) if args.model else None,
                          window=not args.no_window, sound=args.sound, voice=args.voice, pace=args.pace,
                          person=check_person(args.person), history=not args.no_history)
    try:
        result = run_live(options)
    except KeyboardInterrupt:  # before the session started (loading the model): nothing recorded
        print("formcheck: interrupted before the session started — nothing was recorded", file=sys.stderr)
        return EXIT_INTERRUPTED
    stats = result.stats
    if result.error:
        print(f"formcheck: error: {result.error}", file=sys.stderr)
    print(f"live: {stats.processed} frames processed in {stats.elapsed_s:.1f} s ({stats.fps:.1f} frames/s), "
          f"{stats.dropped} dropped; latency median {stats.latency_percentile_ms(50):.0f} ms "
          f"(session ended: {result.ended_by})")
    if result.report:
        print(summary_text(result.report))
    for path in result.outputs.values():
        print(f"wrote {path}")
    print_history_outcome(result.history)
    if not result.outputs:
        print("no frames were processed, so no report was written")
    if result.error:
        return CameraError.exit_code
    if result.ended_by == "interrupted":
        print("formcheck: interrupted — the report of the frames recorded so far was saved"
              if result.outputs else "formcheck: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    if stats.processed and not stats.detected:
        print(f"formcheck: error: no person found in any of the {stats.processed} frames — "
              "is the whole body in view, side-on?", file=sys.stderr)
        return NoPersonError.exit_code
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
    detection = report.get("exercise_detection") or {}
    if detection:
        found = detection.get("profile") or "none of formcheck's"
        lines.insert(0, f"exercise: {report.get('exercise') if detection.get('profile') else found} "
                        f"(asked: {detection.get('asked')}; recognised: {found}, confidence "
                        f"{detection.get('confidence') or 0:.2f})")
        if detection.get("note") and detection.get("asked") == "auto" and detection.get("profile"):
            lines.append(f"exercise: {detection['note']}")
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
        commands = {"live": run_live_command, "batch": run_batch_command, "analyze": run_analyze,
                    "history": run_history_command}
        return commands[args.command](args)
    except FormcheckError as exc:
        print(f"formcheck: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except AnnotationInterrupted:
        print("formcheck: interrupted after the report was written — the report is complete; "
              "no annotated.mp4 was kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        print("formcheck: interrupted — the frames analysed so far were saved", file=sys.stderr)
        return EXIT_INTERRUPTED
