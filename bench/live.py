"""Live throughput: replay a sample at real speed through ``formcheck live`` without a window.

    python bench/live.py [CLIP] [--exercise heel-tap] [--runs 1]

Prints, per run: frames processed per second, frames dropped (of those the replay
produced), capture-to-overlay latency (median and 90th percentile, ms: from the moment the
frame was published by the source to the moment its overlay state was ready), and the
machine's load average before and after (the machine may be shared: compare with care).
Default clip: samples/heel_tap_swinging.mp4.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from formcheck.app.live import LiveOptions, run_live  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path, default=REPO / "samples" / "heel_tap_swinging.mp4")
    parser.add_argument("--exercise", default="heel-tap")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"clip {args.clip.name}; {os.cpu_count()} CPUs")
    for run in range(1, args.runs + 1):
        load_before = os.getloadavg()
        with tempfile.TemporaryDirectory(prefix="formcheck-bench-live-") as out:
            result = run_live(LiveOptions(source=args.clip, exercise=args.exercise, out_dir=Path(out),
                                          window=False))
        load_after = os.getloadavg()
        stats = result.stats
        produced = stats.processed + stats.dropped
        reps = result.report.get("summary", {}).get("reps", {})
        print(f"run {run}: {stats.processed} frames processed in {stats.elapsed_s:.1f} s = {stats.fps:.1f} fps; "
              f"dropped {stats.dropped} of {produced} ({stats.dropped / max(produced, 1):.0%}); "
              f"latency median {stats.latency_percentile_ms(50):.0f} ms, p90 {stats.latency_percentile_ms(90):.0f} ms; "
              f"reps {reps}; load average {load_before[0]:.1f} → {load_after[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
