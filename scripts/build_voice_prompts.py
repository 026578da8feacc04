"""Render formcheck's spoken prompts with espeak-ng into formcheck/app/voice/prompts/<language>.zip.

    python3 scripts/build_voice_prompts.py                  # English, the shipped settings
    python3 scripts/build_voice_prompts.py --check          # exit 1 when the archive lacks a prompt

The prompt texts come from the wording table (formcheck.app.voice.phrases.prompt_texts): run
this after changing a ``voice.*`` sentence (tests/test_voice_prompts.py fails until you do).
Each prompt: espeak-ng → 22.05 kHz WAV → 16 kHz (scipy's polyphase resampler) → leading and
trailing silence trimmed → peak normalised → G.711 µ-law bytes. The zip has fixed member
times, so the same espeak-ng gives the same bytes. Needs espeak-ng (Debian: apt-get install
espeak-ng); formcheck itself never runs it.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import wave
import zipfile
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from formcheck.app.voice.phrases import prompt_texts  # noqa: E402
from formcheck.app.voice.prompts import INDEX, SAMPLE_RATE_HZ, PromptBank, describe, mu_law_encode  # noqa: E402
from formcheck.wording import TABLES, Wording  # noqa: E402

VOICES = {"en": "en-us"}  # espeak-ng voice per language
RATE_WPM = 170
PEAK = 0.7  # peak after normalising (µ-law keeps ~38 dB SNR over the range)
SILENCE = 0.01  # |sample| below this at the ends is trimmed
MARGIN_S = 0.02  # kept before the first and after the last sound
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def member_name(text: str) -> str:
    """A readable, unique member name: a slug of the text and a short hash."""
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40] or "x"
    return f"{slug}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:6]}.ul"


def espeak_version() -> str:
    out = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"(\d+\.\d+(\.\d+)?)", out)
    return f"espeak-ng {match.group(1) if match else '?'}"


def render(text: str, voice: str, rate_wpm: int) -> np.ndarray:
    """One prompt as float samples at SAMPLE_RATE_HZ, trimmed and normalised."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "prompt.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate_wpm), "-w", str(path), text], check=True)
        with wave.open(str(path)) as handle:
            rate = handle.getframerate()
            samples = np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2") / 32768.0
    samples = resample_poly(samples, SAMPLE_RATE_HZ, rate)
    loud = np.flatnonzero(np.abs(samples) > SILENCE)
    if loud.size == 0:
        raise RuntimeError(f"espeak-ng made no sound for {text!r}")
    margin = int(MARGIN_S * SAMPLE_RATE_HZ)
    samples = samples[max(0, loud[0] - margin): loud[-1] + margin]
    return samples * (PEAK / np.max(np.abs(samples)))


def build(language: str, out: Path, rate_wpm: int = RATE_WPM) -> dict:
    words = Wording(TABLES[language])
    texts = sorted(prompt_texts(words))
    voice = VOICES[language]
    index = {"language": language, "engine": espeak_version(), "voice": voice, "rate_wpm": rate_wpm,
             "sample_rate_hz": SAMPLE_RATE_HZ, "encoding": "mu-law", "prompts": {}}
    members: dict[str, bytes] = {}
    for text in texts:
        name = member_name(text)
        members[name] = mu_law_encode(render(text, voice, rate_wpm)).tobytes()
        index["prompts"][text] = name
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in [(INDEX, json.dumps(index, indent=1, sort_keys=True).encode("utf-8")),
                           *sorted(members.items())]:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    part = out.with_name(out.name + ".part")
    part.write_bytes(buffer.getvalue())
    os.replace(part, out)
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--language", default="en", choices=sorted(TABLES))
    parser.add_argument("--rate", type=int, default=RATE_WPM, help="words per minute (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="only check the archive has every prompt")
    args = parser.parse_args(argv)
    out = ROOT / "formcheck" / "app" / "voice" / "prompts" / f"{args.language}.zip"
    needed = prompt_texts(Wording(TABLES[args.language]))
    if args.check:
        missing = sorted(needed - PromptBank(out).texts) if out.exists() else sorted(needed)
        print(f"{out}: {len(missing)} prompts missing" + (f", e.g. {missing[0]!r}" if missing else ""))
        return 1 if missing else 0
    index = build(args.language, out, args.rate)
    bank = PromptBank(out)
    seconds = sum(len(bank.clip(text)) for text in bank.texts) / bank.rate_hz
    print(f"wrote {out}: {describe(index)}; {seconds:.1f} s of speech, {out.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
