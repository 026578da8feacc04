"""Live throughput: replay a clip at real speed through ``formcheck live`` without a window.

    python bench/live.py [CLIP] [--exercise heel-tap] [--runs 1]

Prints, per run: frames processed per second (against the clip's own frame rate), frames
dropped (of those the replay produced), capture-to-overlay latency (median and 90th
percentile, ms: from the moment the source published the frame to the moment its overlay
state was ready), peak memory so far, and the load average before and after (the machine
may be shared: compare with care). Default clip: samples/heel_tap_swinging.mp4
(1280x720, 30 fps). :func:`replay` is also what ``bench/throughput.py`` runs for its live rows.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from formcheck.app.live import LiveOptions, run_live  # noqa: E402
from formcheck.io.sources import VideoFileSource  # noqa: E402


def replay(clip: Path, exercise: str = "heel-tap") -> dict[str, Any]:
    """One real-speed replay of ``clip`` through the live session; its numbers as a dict."""
    info = VideoFileSource(clip).info
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="formcheck-bench-live-") as out:
        result = run_live(LiveOptions(source=clip, exercise=exercise, out_dir=Path(out), window=False))
    stats = result.stats
    produced = stats.processed + stats.dropped
    return {"clip": str(clip), "size": f"{info.width}x{info.height}", "source_fps": info.fps,
            "processed": stats.processed, "dropped": stats.dropped, "produced": produced,
            "elapsed_s": stats.elapsed_s, "fps": stats.fps,
            "latency_p50_ms": stats.latency_percentile_ms(50), "latency_p90_ms": stats.latency_percentile_ms(90),
            "reps": result.report.get("summary", {}).get("reps", {}),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
            "load_before": load_before, "load_after": os.getloadavg()[0]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path, default=REPO / "samples" / "heel_tap_swinging.mp4")
    parser.add_argument("--exercise", default="heel-tap")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"clip {args.clip.name}; {os.cpu_count()} CPUs")
    for run in range(1, args.runs + 1):
        r = replay(args.clip, args.exercise)
        print(f"run {run}: {r['size']} at {r['source_fps']:.2f} fps: {r['processed']} frames processed in "
              f"{r['elapsed_s']:.1f} s = {r['fps']:.1f} fps; dropped {r['dropped']} of {r['produced']} "
              f"({r['dropped'] / max(r['produced'], 1):.0%}); latency median {r['latency_p50_ms']:.0f} ms, "
              f"p90 {r['latency_p90_ms']:.0f} ms; peak {r['peak_mb']:.0f} MB; reps {r['reps']}; "
              f"load average {r['load_before']:.1f} → {r['load_after']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
