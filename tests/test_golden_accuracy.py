"""Golden accuracy regression: the whole analysis on every sample (at the golden's stride, no
annotated video), each clip's figures compared with ``bench/golden/samples.json``.

A figure may improve by any amount and worsen only by its tolerance: counts and fault
confusions exactly, knee MAE 0.5°, heel 0.3 cm, lift MAE 0.1 cm, lift r 0.02, times 0.05 s,
one event across the ±0.3 s target, detection 0.5 % — each with its reason in
``bench/regression.py`` (``RULES``). After a change that deliberately moves the figures:
``python3 bench/accuracy.py --stride auto --no-video --write-golden`` (DEVELOPERS.md). The
clips are analysed once per module (~3–4 min on 2 idle cores).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from accuracy import golden_figures, parse_stride, run_clip, sample_truths, video_of  # noqa: E402
from regression import RULES, load_golden, regressions  # noqa: E402

SAMPLES = REPO / "samples"
GOLDEN = load_golden()
REFRESH = "if the change is meant to move them: " + GOLDEN["refresh"]


@pytest.fixture(scope="module")
def figures() -> dict[str, dict[str, float]]:
    """Every sample analysed once, as bench/accuracy.py does, at the golden's stride."""
    truths = sample_truths(SAMPLES)
    if not truths:
        pytest.skip("no samples/*.truth.json")
    stride = parse_stride(GOLDEN["stride"])
    return golden_figures([run_clip(video_of(t), t, stride, write_video=False) for t in truths])


def test_every_sample_has_golden_figures(figures: dict[str, dict[str, float]]) -> None:
    assert sorted(figures) == sorted(GOLDEN["clips"]), REFRESH


@pytest.mark.parametrize("clip", sorted(GOLDEN["clips"]))
def test_no_figure_is_worse_than_the_golden(clip: str, figures: dict[str, dict[str, float]]) -> None:
    if clip not in figures:
        pytest.fail(f"{clip} is in the golden but not in samples/")
    worse = regressions({"clips": {clip: GOLDEN["clips"][clip]}}, {clip: figures[clip]})
    assert not worse, "\n".join(worse) + "\n" + REFRESH


# -- the comparison itself, on the committed figures (no model) ------------------------------

def _as_figures(clip: str) -> dict[str, float]:
    return {name: math.nan if value is None else float(value) for name, value in GOLDEN["clips"][clip].items()}


def _moved(figures: dict[str, float], name: str, steps: float) -> dict[str, float]:
    """``figures`` with ``name`` moved ``steps`` tolerances (at least 1) toward better (> 0) or worse."""
    rule = RULES[name]
    step = max(rule.tolerance, 1.0) * steps
    return {**figures, name: figures[name] + (-step if rule.better == "lower" else step)}


def test_better_figures_pass_and_worse_ones_fail_beyond_their_tolerance() -> None:
    clip = "heel_tap_arching"
    golden = {"clips": {clip: GOLDEN["clips"][clip]}}
    base = _as_figures(clip)
    assert regressions(golden, {clip: base}) == []
    for name, rule in RULES.items():
        if not math.isfinite(base[name]):
            continue
        if rule.better != "equal":
            assert regressions(golden, {clip: _moved(base, name, 1)}) == [], name  # better passes
            worse = {**base, name: base[name] + (rule.tolerance if rule.better == "lower" else -rule.tolerance)}
            assert regressions(golden, {clip: worse}) == [], f"{name}: within the tolerance"
        beyond = _moved(base, name, -1.01 if rule.tolerance else -1)
        assert [line.split(":")[1].split()[0] for line in regressions(golden, {clip: beyond})] == [name]


def test_a_figure_that_stops_applying_or_a_lost_clip_fails() -> None:
    clip = "heel_tap_arching"
    golden = {"clips": {clip: GOLDEN["clips"][clip]}}
    assert regressions(golden, {clip: {**_as_figures(clip), "lift_mae_cm": math.nan}})
    assert regressions(golden, {})
    assert regressions(golden, {clip: _as_figures(clip), "new_clip": _as_figures(clip)})
