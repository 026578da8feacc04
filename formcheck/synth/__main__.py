"""Command line: ``python -m formcheck.synth --spec samples/specs.toml --out samples/``."""

from __future__ import annotations

import argparse
import sys

from formcheck.synth.spec import load_specs


def main(argv: list[str] | None = None) -> int:
    """Render every clip of a spec file (or those named with ``--only``)."""
    p = argparse.ArgumentParser(prog="python -m formcheck.synth", description=__doc__)
    p.add_argument("--spec", required=True, help="TOML file with [[clip]] tables")
    p.add_argument("--out", required=True, help="output directory for <clip>.mp4 and <clip>.truth.json")
    p.add_argument("--only", action="append", default=[], help="render only this clip name (repeatable)")
    p.add_argument("--max-frames", type=int, default=None, help="stop after this many frames (previews)")
    args = p.parse_args(argv)
    try:
        specs = load_specs(args.spec)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"error: cannot read {args.spec}: {exc}", file=sys.stderr)
        return 2
    if args.only:
        unknown = set(args.only) - {s.name for s in specs}
        if unknown:
            print(f"error: no clip named {', '.join(sorted(unknown))} in {args.spec}", file=sys.stderr)
            return 2
        specs = [s for s in specs if s.name in args.only]
    try:
        from formcheck.synth.body import load_anny
        from formcheck.synth.generate import render_clip

        model = load_anny()
    except ImportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for spec in specs:
        res = render_clip(spec, args.out, model=model, max_frames=args.max_frames)
        print(f"{spec.name}: {res.frames} frames in {res.render_s:.1f} s -> {res.video}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
