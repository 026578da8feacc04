"""Spoken-cue latency: ``formcheck live --voice [--pace]`` on a sample replayed at real speed, with a
stand-in player program that logs the moment it is running (there may be no sound card).

    python bench/voice_latency.py [CLIP] [--pace] [--player CMD]

For every cue started it prints the delay from the wall-clock moment it was due — for a fault,
the capture of the frame at which the fault detector noticed it (``FaultEvent.detected_s``), so
the pose model's own latency is included — to (a) the player process started (``Popen``
returned) and (b) the stand-in program running its first line (a Python start-up: a real
player starts sooner); and the voice's own part: from the cue handed to the player (right
after the frame's analysis) to (a). Then the median, 90th percentile and maximum per kind,
and the load average.
``--player CMD`` uses a real player instead (only (a) is then known). Default clip:
samples/heel_tap_swinging.mp4 (three rushed reps).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import formcheck.app.live as live_module  # noqa: E402
import formcheck.app.voice.player as player_module  # noqa: E402
from formcheck.app.live import LiveOptions, run_live  # noqa: E402
from formcheck.app.voice.live_voice import LiveVoice  # noqa: E402

STAND_IN = '''import sys, time, wave
start = time.monotonic()
with open({log!r}, "a") as log:
    log.write(f"{{start:.6f}} {{sys.argv[-1]}}\\n")
with wave.open(sys.argv[-1]) as handle:
    time.sleep(handle.getnframes() / handle.getframerate())
'''


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path, default=REPO / "samples" / "heel_tap_swinging.mp4")
    parser.add_argument("--pace", action="store_true", help="also the tempo count")
    parser.add_argument("--player", help="a real player command (default: the logging stand-in)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="formcheck-voice-bench-"))
    log = folder / "started.log"
    if args.player:
        command = shlex.split(args.player)
    else:
        script = folder / "stand_in.py"
        script.write_text(STAND_IN.format(log=str(log)))
        command = [sys.executable, "-S", str(script)]
    voices: list[LiveVoice] = []

    class Recorded(LiveVoice):
        def __init__(self, *a, **k) -> None:
            super().__init__(*a, **k)
            voices.append(self)

    player_module.player_command = lambda: command
    live_module.LiveVoice = Recorded
    load_before = os.getloadavg()
    result = run_live(LiveOptions(source=args.clip, window=False, voice=True, pace=args.pace, out_dir=folder / "out"))
    load_after = os.getloadavg()
    played = voices[0].player.played
    started = [float(line.split()[0]) for line in log.read_text().splitlines()
               if not line.endswith("probe.wav")] if log.exists() else []
    print(f"{args.clip.name}: {result.stats.processed} frames, {len(voices[0].cues)} cues decided, "
          f"{len(played)} started (player mode: {voices[0].player.mode})")
    rows: dict[str, list[tuple[float, float]]] = {}
    for index, item in enumerate(played):
        spawn_ms = (item.started_s - item.due_s) * 1000
        running_ms = (started[index] - item.due_s) * 1000 if index < len(started) else float("nan")
        own_ms = (item.started_s - item.said_s) * 1000
        rows.setdefault(item.cue.kind, []).append((spawn_ms, running_ms, own_ms))
        print(f"  {item.cue.t_s:6.2f} s {item.cue.kind:7s} {item.cue.text[:34]:34s} due → spawned {spawn_ms:5.0f} ms, "
              f"running {running_ms:5.0f} ms; handed → spawned {own_ms:4.0f} ms{'  (cut off)' if item.cut else ''}")
    for kind, values in rows.items():
        spawn, running, own = np.array(values).T
        print(f"{kind:7s} n={len(values):2d}: due → spawned median {np.median(spawn):.0f} / max {spawn.max():.0f} ms; "
              f"due → running median {np.nanmedian(running):.0f} / max {np.nanmax(running):.0f} ms; "
              f"handed → spawned median {np.median(own):.0f} / max {own.max():.0f} ms")
    print(f"load average before {load_before[0]:.1f}, after {load_after[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
