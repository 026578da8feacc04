"""Command line.

* ``python -m formcheck.synth --spec samples/specs.toml --out samples/`` — the hand-written sample clips;
* ``python -m formcheck.synth corpus --seed 2026 --count 290 --out samples/corpus [--jobs 2]`` — the
  randomized corpus (``--only NAME`` for one clip, ``--max-frames K`` for previews, ``--skip-existing``
  to resume, ``--dry-run`` to list the clips and their estimated size without rendering);
* ``python -m formcheck.synth manifest --out samples/corpus`` — rebuild ``manifest.csv`` from the truth files.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from formcheck.synth.spec import load_specs


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "corpus":
        return corpus_main(argv[1:])
    if argv and argv[0] == "manifest":
        return manifest_main(argv[1:])
    return spec_main(argv)


def spec_main(argv: list[str]) -> int:
    """Render every clip of a spec file (or those named with ``--only``)."""
    p = argparse.ArgumentParser(prog="python -m formcheck.synth", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
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


# ----- the randomized corpus ------------------------------------------------------------------------------

def _fmt_s(s: float) -> str:
    s = int(round(s))
    return f"{s // 3600}h{(s % 3600) // 60:02d}m" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"


def corpus_main(argv: list[str]) -> int:
    from formcheck.synth.corpus import DEFAULT_MASTER_SEED, corpus_items
    from formcheck.synth.corpus_worker import init_worker, render_job
    from formcheck.synth.manifest import estimate_item, write_manifest
    from formcheck.io.pool import LocalPool

    p = argparse.ArgumentParser(prog="python -m formcheck.synth corpus", description="Render the randomized ground-truth corpus.")
    p.add_argument("--seed", type=int, default=DEFAULT_MASTER_SEED, help="master seed (default %(default)s)")
    p.add_argument("--count", type=int, required=True, help="number of corpus items (a pair is one item, two videos)")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--jobs", type=int, default=2, help="render processes (default %(default)s)")
    p.add_argument("--only", action="append", default=[], help="only this clip name or item index (repeatable)")
    p.add_argument("--max-frames", type=int, default=None, help="stop each video after this many frames (previews)")
    p.add_argument("--skip-existing", action="store_true", help="skip items whose truth files exist (resume)")
    p.add_argument("--dry-run", action="store_true", help="list the items and the estimated size, render nothing")
    args = p.parse_args(argv)
    out = Path(args.out)
    items = corpus_items(args.seed, args.count)
    if args.only:
        wanted = set(args.only)
        sel = [it for it in items if str(it["index"]) in wanted or wanted & set(it["names"])]
        if not sel:
            print(f"error: no corpus item named {', '.join(sorted(wanted))} in items 0..{args.count - 1}", file=sys.stderr)
            return 2
        items = sel
    if args.skip_existing:
        items = [it for it in items if not all((out / f"{n}.truth.json").is_file() for n in it["names"])]
    est = [estimate_item(it) for it in items]
    total_frames = sum(e["frames"] for e in est)
    print(f"{len(items)} items, {sum(len(it['names']) for it in items)} videos, {total_frames} frames, "
          f"~{sum(e['bytes'] for e in est) / 1e6:.0f} MB estimated", flush=True)
    if args.dry_run:
        for it, e in zip(items, est):
            print(f"{it['index']:4d} {','.join(it['names'])}: {e['frames']} frames, {e['duration_s']:.1f} s, ~{e['bytes'] / 1e3:.0f} kB")
        return 0
    try:
        from formcheck.synth.body import require_synth

        require_synth()
    except ImportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    failed: list[str] = []
    jobs = [(it, str(out), args.max_frames) for it in items]
    try:
        with LocalPool(jobs=args.jobs) as pool:
            outcomes = list(_report_each(pool.run(render_job, jobs, setup=init_worker), items, total_frames,
                                         args.max_frames is None, t0, failed))
    except KeyboardInterrupt:
        write_manifest(out)
        print("interrupted: finished clips are kept; rerun with --skip-existing to go on", file=sys.stderr)
        return 130
    done_frames = sum(outcomes)
    n = write_manifest(out)
    print(f"done: {len(items) - len(failed)} items rendered, {len(failed)} failed, {done_frames} frames in "
          f"{_fmt_s(time.perf_counter() - t0)}; manifest.csv has {n} videos", flush=True)
    if failed:
        print("failed: " + " ".join(failed), flush=True)
    return 1 if failed else 0


def manifest_main(argv: list[str]) -> int:
    from formcheck.synth.manifest import write_manifest

    p = argparse.ArgumentParser(prog="python -m formcheck.synth manifest", description="Rebuild manifest.csv of a corpus folder.")
    p.add_argument("--out", required=True, help="corpus directory")
    args = p.parse_args(argv)
    n = write_manifest(Path(args.out))
    print(f"manifest.csv: {n} videos")
    return 0


def _report_each(outcomes: Any, items: list[dict], total_frames: int, with_eta: bool, t0: float,
                 failed: list[str]) -> Any:
    """One line per finished item (frames, seconds, ETA); yields its frame count (0 when it failed)."""
    done_frames = 0
    for k, res in enumerate(outcomes, start=1):
        label = ",".join(items[res.index]["names"])
        if res.error:
            failed.append(label)
            print(f"[{k}/{len(items)}] FAILED {label}: {res.error}", flush=True)
            yield 0
            continue
        frames = sum(res.value.frames)
        done_frames += frames
        elapsed = time.perf_counter() - t0
        eta = elapsed / max(done_frames, 1) * max(total_frames - done_frames, 0) if with_eta else 0.0
        print(f"[{k}/{len(items)}] {label}: {frames} frames in {res.seconds:.1f} s ({res.seconds / max(frames, 1):.3f} s/frame); "
              f"elapsed {_fmt_s(elapsed)}, ETA {_fmt_s(eta)}", flush=True)
        yield frames


if __name__ == "__main__":
    sys.exit(main())
