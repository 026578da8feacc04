"""The pre-rendered spoken prompts shipped with formcheck, and how they are read and joined.

One zip per language, ``prompts/<language>.zip`` (package data): ``index.json`` (the engine
and voice that rendered them, the sample rate, and prompt text → member name) and one member
per prompt, 8-bit G.711 µ-law samples at 16 kHz (half the size of 16-bit PCM, decoded here
with numpy; ``sox -t ul -r 16000 -c 1 member.ul`` plays one). ``scripts/build_voice_prompts.py``
renders them with espeak-ng from the wording table. Nothing is synthesised or downloaded at
run time.
"""

from __future__ import annotations

import json
import wave
import zipfile
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np

SAMPLE_RATE_HZ = 16000
GAP_S = 0.08  # silence between the prompts of one sentence ("left" · "7")
INDEX = "index.json"
_MU = 255.0


def mu_law_encode(samples: np.ndarray) -> np.ndarray:
    """float samples in [-1, 1] → G.711 µ-law bytes (uint8, as sox and telephony store them)."""
    pcm = np.clip(np.round(np.asarray(samples, dtype=np.float64) * 32767), -32635, 32635).astype(np.int32)
    sign = np.where(pcm < 0, 0x80, 0x00)
    magnitude = np.abs(pcm) + 0x84
    exponent = np.clip(np.floor(np.log2(np.maximum(magnitude, 1))).astype(np.int32) - 7, 0, 7)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8)


def mu_law_decode(data: bytes | np.ndarray) -> np.ndarray:
    """G.711 µ-law bytes → float32 samples in [-1, 1]."""
    u = ~np.frombuffer(bytes(data), dtype=np.uint8).astype(np.int32) & 0xFF
    exponent, mantissa = (u >> 4) & 0x07, u & 0x0F
    magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84
    return (np.where(u & 0x80, -magnitude, magnitude) / 32768.0).astype(np.float32)


def write_wav(path: Path, samples: np.ndarray, rate_hz: int = SAMPLE_RATE_HZ) -> Path:
    """Mono 16-bit PCM WAV of float samples in [-1, 1] (what every player plays)."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate_hz)
        handle.writeframes(pcm.tobytes())
    return path


def prompts_path(language: str = "en") -> Path:
    """The shipped prompt archive of ``language`` (ValueError naming the shipped ones)."""
    folder = resources.files("formcheck.app.voice") / "prompts"
    path = Path(str(folder / f"{language}.zip"))
    if not path.is_file():
        shipped = sorted(p.stem for p in Path(str(folder)).glob("*.zip"))
        raise ValueError(f"no spoken prompts for language {language!r}; shipped: {', '.join(shipped) or 'none'}")
    return path


class PromptBank:
    """The prompts of one language, decoded on first use: ``sentence(parts)`` joins them."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with zipfile.ZipFile(self.path) as archive:
            self.index: dict = json.loads(archive.read(INDEX))
            self._members = {text: archive.read(name) for text, name in self.index["prompts"].items()}
        self.rate_hz = int(self.index["sample_rate_hz"])
        self._decoded: dict[str, np.ndarray] = {}

    @classmethod
    def shipped(cls, language: str = "en") -> PromptBank:
        return _shipped(language)

    @property
    def texts(self) -> set[str]:
        return set(self._members)

    def missing(self, parts: Iterable[str]) -> list[str]:
        """The parts this bank has no prompt for (a count above the largest number prompt)."""
        return [part for part in parts if part not in self._members]

    def clip(self, text: str) -> np.ndarray:
        """The float32 samples of one prompt (KeyError for a text it has no prompt for)."""
        found = self._decoded.get(text)
        if found is None:
            found = self._decoded[text] = mu_law_decode(self._members[text])
        return found

    def sentence(self, parts: Iterable[str], gain: float = 1.0) -> np.ndarray:
        """The prompts of ``parts`` one after another with a short gap; parts without a prompt
        are left out (an empty array when none has one)."""
        gap = np.zeros(int(GAP_S * self.rate_hz), dtype=np.float32)
        clips = [self.clip(part) for part in parts if part in self._members]
        if not clips:
            return np.zeros(0, dtype=np.float32)
        joined = [clips[0]]
        for clip in clips[1:]:
            joined += [gap, clip]
        return np.concatenate(joined) * np.float32(gain)

    def duration_s(self, parts: Iterable[str]) -> float:
        return len(self.sentence(parts)) / self.rate_hz


@lru_cache(maxsize=4)
def _shipped(language: str) -> PromptBank:
    return PromptBank(prompts_path(language))


def describe(index: Mapping) -> str:
    """One line on how the prompts were made (for DEVELOPERS.md and the build script)."""
    return (f"{len(index['prompts'])} prompts, {index['engine']} voice {index['voice']} at "
            f"{index['rate_wpm']} words/min, {index['sample_rate_hz']} Hz {index['encoding']}")
