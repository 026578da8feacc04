"""The shipped spoken prompts: every sentence the wording table needs is there, decodes as G.711
µ-law (as SoX reads it), has sound, and is what the build script makes with espeak-ng."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest

from formcheck.app.voice.phrases import MAX_SPOKEN_NUMBER, Phrasebook, prompt_texts, split_spoken
from formcheck.app.voice.prompts import PromptBank, mu_law_decode, mu_law_encode, prompts_path
from formcheck.profiles import PROFILES, get_profile
from formcheck.wording import ENGLISH, TABLES, Wording

ROOT = Path(__file__).resolve().parents[1]
BANK = PromptBank.shipped("en")


def test_every_prompt_the_wording_table_needs_is_shipped_and_nothing_else() -> None:
    """Fails after a ``voice.*`` sentence changes until scripts/build_voice_prompts.py is rerun."""
    assert BANK.texts == prompt_texts(Wording(TABLES["en"]))
    assert {str(n) for n in range(MAX_SPOKEN_NUMBER + 1)} <= BANK.texts


def test_every_prompt_has_sound_and_a_sensible_length() -> None:
    for text in BANK.texts:
        samples = BANK.clip(text)
        seconds = len(samples) / BANK.rate_hz
        assert 0.1 < seconds < 4.0, (text, seconds)
        assert 0.5 < np.max(np.abs(samples)) <= 0.71, text  # normalised to 0.7


def test_sentences_with_counts_are_spoken_from_their_pieces() -> None:
    book = Phrasebook(get_profile("heel-tap"))
    assert book.count("right", 12) == ("right, 12", ("right", "12"))
    assert book.count("both", 3) == ("3", ("3",))
    assert split_spoken("set {set} done: {reps} reps. rest", {"set": 2, "reps": 10}) == (
        "set 2 done: 10 reps. rest", ("set", "2", "done", "10", "reps. rest"))
    for profile in PROFILES.values():
        book = Phrasebook(profile)
        for spoken in (book.fault("tabletop_lost"), book.summary({leg: 12 for leg in profile.rep_legs}, 20),
                       book.set_done(3, {leg: 11 for leg in profile.rep_legs}), book.pace("raising", 2)):
            assert BANK.missing(spoken[1]) == [], spoken
    # the sentence is its pieces with short gaps
    left, seven = BANK.clip("left"), BANK.clip("7")
    joined = BANK.sentence(("left", "7"))
    assert len(joined) == len(left) + len(seven) + int(0.08 * BANK.rate_hz)
    assert BANK.sentence(("left", "1000")).size == left.size  # a count with no prompt is left out


def test_another_language_is_another_table() -> None:
    table = dict(ENGLISH) | {"voice.leg.left": "links", "voice.count": "{n} {leg}"}
    texts = prompt_texts(Wording(table))
    assert "links" in texts and "left" not in texts
    with pytest.raises(ValueError, match="lacks"):
        Wording({"voice.leg.left": "links"})


def test_mu_law_matches_sox_and_round_trips() -> None:
    tone = 0.6 * np.sin(np.linspace(0, 400 * np.pi, 8000))
    decoded = mu_law_decode(mu_law_encode(tone))
    assert np.max(np.abs(decoded - tone)) < 0.02  # µ-law: ~1/64 of the value at the loudest
    assert np.max(np.abs(mu_law_decode(mu_law_encode(tone * 0.01)) - tone * 0.01)) < 0.0005  # finer when quiet
    if shutil.which("sox") is None:
        pytest.skip("needs sox")
    # the shipped bytes mean the same samples to SoX (and so to any G.711 player) as to formcheck
    member = BANK.index["prompts"]["left"]
    with zipfile.ZipFile(prompts_path("en")) as archive:
        raw = archive.read(member)
    pcm = subprocess.run(["sox", "-t", "ul", "-r", "16000", "-c", "1", "-", "-t", "s16", "-"],
                         input=raw, capture_output=True, check=True).stdout
    assert np.array_equal(np.frombuffer(pcm, dtype="<i2") / 32768.0, mu_law_decode(raw))
    # and the encoder picks SoX's code, or its neighbour where SoX rounds differently
    encoded = subprocess.run(["sox", "-t", "s16", "-r", "16000", "-c", "1", "-", "-t", "ul", "-"],
                             input=(tone * 32767).astype("<i2").tobytes(), capture_output=True, check=True).stdout
    theirs, ours = mu_law_decode(encoded), mu_law_decode(mu_law_encode(tone))
    assert np.max(np.abs(theirs - ours)) <= 1024 / 32768 and np.mean(theirs == ours) > 0.98  # one step at most


def test_the_build_script_makes_the_shipped_prompts() -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("needs espeak-ng")
    spec = importlib.util.spec_from_file_location("build_voice_prompts", ROOT / "scripts" / "build_voice_prompts.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    index = BANK.index
    for text in ("left", "7", "back lifting: stop here, that is your end range"):
        made = mu_law_encode(build.render(text, index["voice"], index["rate_wpm"])).tobytes()
        with zipfile.ZipFile(prompts_path("en")) as archive:
            assert archive.read(index["prompts"][text]) == made, text
    assert build.main(["--check"]) == 0


def test_an_unknown_language_names_the_shipped_ones() -> None:
    with pytest.raises(ValueError, match="shipped: en"):
        prompts_path("xx")
