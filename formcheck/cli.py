"""Command line: parses arguments and calls the library; errors become one line on stderr.

    formcheck --version
    formcheck analyze VIDEO [--exercise heel-tap|leg-extension|straight-leg] [--out DIR]
                            [--no-video] [--stride N] [--model PATH] [--quiet]
    formcheck analyze VIDEO VIDEO2 ...   (two cameras of one session, aligned automatically)
    formcheck live [--camera N | --source FILE] [--exercise ...] [--out DIR] [--model PATH]
                   [--no-window] [--sound] [--voice] [--pace]
    formcheck batch INPUT... --out DIR [--jobs N] [--ray [ADDRESS]] [--exercise X] [--person NAME]
                    [--no-video] [--stride N] [--force] [--model PATH] [--quiet]
    analyze / live: [--voice] [--pace] (spoken cues, the tempo count)
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from formcheck import __version__
from formcheck.errors import AnnotationInterrupted, FormcheckError
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
        description="Analyse a recorded video: writes report.json, report.html, frames.csv and "
                    "annotated.mp4 into DIR.")
    analyze.add_argument("video", metavar="VIDEO", help="video file (side view of the exercise)")
    analyze.add_argument("video2", metavar="VIDEO2", nargs="?",
                         help="a second camera of the same session (e.g. a phone on the other side): "
                              "aligned in time from the motion, each leg measured from the camera it "
                              "faces; one report in VIDEO's clock")
    analyze.add_argument("--exercise", choices=EXERCISES, default=EXERCISES[0],
                         help="exercise profile (default: %(default)s)")
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
    live.add_argument("--exercise", choices=EXERCISES, default=EXERCISES[0],
                      help="exercise profile (default: %(default)s)")
    live.add_argument("--out", metavar="DIR",
                      help="output folder (default: ./formcheck_live_<date-time> in the current folder)")
    live.add_argument("--model", metavar="PATH",
                      help="PoseLandmarker .task bundle (default: $FORMCHECK_MODEL or the bundled model)")
    live.add_argument("--no-window", action="store_true",
                      help="no window (headless: servers, tests); the same processing and report")
    live.add_argument("--sound", action="store_true", help="a short sound on each new fault")
    _voice_options(live, "speak: set-up guidance, each fault in the coach's words, rep counts per leg, "
                         "set ends, a summary (pre-recorded offline; replaces --sound's tones)")
    _add_batch_parser(commands)
    return parser


def _add_batch_parser(commands: argparse._SubParsersAction) -> None:
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
    batch.add_argument("--exercise", choices=EXERCISES, default=None,
                       help=f"exercise profile (default: {EXERCISES[0]}; a manifest's exercise column wins)")
    batch.add_argument("--person", metavar="NAME",
                       help="whose sessions these are, recorded in the index (a manifest's person column wins)")
    batch.add_argument("--no-video", action="store_true", help="no annotated.mp4 (faster), as for analyze")
    batch.add_argument("--stride", metavar="N", help="as for analyze (default: auto)")
    batch.add_argument("--force", action="store_true", help="analyse finished videos again")
    batch.add_argument("--model", metavar="PATH",
                       help="PoseLandmarker .task bundle (default: $FORMCHECK_MODEL or the bundled model)")
    batch.add_argument("--quiet", action="store_true", help="no progress line")


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

    stride = parse_stride(args.stride)
    address = _ray_address(args)
    if not args.inputs:
        raise UsageError("give at least one INPUT: video files, folders of videos or a CSV manifest")
    options = BatchOptions(inputs=tuple(args.inputs), out_dir=Path(args.out), jobs=args.jobs,
                           ray=args.ray is not None, ray_address=address, exercise=args.exercise,
                           person=args.person, write_video=not args.no_video, stride=stride, force=args.force,
                           model_path=args.model, show_progress=not args.quiet)
    try:
        result = run_batch(options)
    except KeyboardInterrupt:  # while finding the videos: nothing was started
        print("formcheck: interrupted before any video was analysed", file=sys.stderr)
        return EXIT_INTERRUPTED
    for row in result.failed:
        print(f"failed: {row['video']}: {row['reason']}")
    print(f"{counts_text(result.counts)} — index: {result.index['index_html']} (and batch.csv, batch.json)")
    if result.interrupted:
        finished = result.counts["ok"] + result.counts["skipped"] + result.counts["failed"]
        print(f"formcheck: interrupted — {finished} of {len(result.rows)} videos are done; run the same "
              "command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 1 if result.failed else 0


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

    stride = parse_stride(args.stride)
    if getattr(args, "video2", None):
        return run_analyze_pair(args, stride)
    result = analyze_video(args.video, out_dir=args.out, exercise=args.exercise,
                           model_path=args.model, show_progress=not args.quiet,
                           write_video=not args.no_video, stride=stride, voice=args.voice, pace=args.pace)
    fps = result.frames_read / result.elapsed_s if result.elapsed_s > 0 else 0.0
    every = f", every {_ordinal(result.stride)} analysed" if result.stride > 1 else ""
    print(f"read {result.frames_read} frames in {result.elapsed_s:.1f} s ({fps:.1f} frames/s{every}); "
          f"person found in {result.detection_rate:.0%} of analysed frames")
    print(summary_text(result.report))
    for path in result.outputs.values():
        print(f"wrote {path}")
    return 0


def run_analyze_pair(args: argparse.Namespace, stride: int | None) -> int:
    """``formcheck analyze VIDEO VIDEO2``: two cameras, one report; says the offset found."""
    from formcheck.app.pair import analyze_pair

    if args.voice or args.pace:
        raise UsageError("--voice and --pace work with one video; leave them out with two")
    result = analyze_pair([args.video, args.video2], out_dir=args.out, exercise=args.exercise,
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

    options = LiveOptions(camera=args.camera if args.camera is not None else 0, source=Path(args.source) if args.source else None,
                          exercise=args.exercise, out_dir=Path(args.out) if args.out else None,
                          model_path=Path(args.model) if args.model else None,
                          window=not args.no_window, sound=args.sound, voice=args.voice, pace=args.pace)
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
        commands = {"live": run_live_command, "batch": run_batch_command, "analyze": run_analyze}
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


if __name__ == "__main__":
    sys.exit(main())
