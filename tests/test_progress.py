"""Progress on stderr: one redrawn line on a terminal, a line per tenth elsewhere, silent when off."""

from __future__ import annotations

import io
import os
import re

import pytest

from formcheck.app import progress as progress_module
from formcheck.app.progress import ProgressBar


class _Terminal(io.StringIO):
    """A terminal of ``columns`` (0: one that does not say); its fake file number is its width,
    which the patched ``os.get_terminal_size`` reports."""

    def __init__(self, columns: int = 100) -> None:
        super().__init__()
        self.columns = columns

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.columns


@pytest.fixture(autouse=True)
def _terminal_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress_module.os, "get_terminal_size", lambda fd: os.terminal_size((fd, 30)))


def test_in_a_log_a_line_is_printed_at_every_tenth() -> None:
    stream = io.StringIO()
    with ProgressBar(200, "analyze", stream=stream) as progress:
        for _ in range(200):
            progress.update()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 10 and "\r" not in stream.getvalue()
    assert all(line.startswith("analyze:") for line in lines)
    assert "10%" in lines[0] and "20/200" in lines[0]
    assert "100%" in lines[-1] and "200/200" in lines[-1] and re.search(r"[\d.]+ frames/s", lines[-1])


def test_a_total_that_was_an_underestimate_prints_no_more_lines() -> None:
    stream = io.StringIO()
    with ProgressBar(10, "video", stream=stream) as progress:
        for _ in range(25):
            progress.update()
    assert len(stream.getvalue().splitlines()) == 10 and progress.done == 25


def test_on_a_terminal_one_line_is_redrawn_with_rate_and_time_left() -> None:
    stream = _Terminal()
    with ProgressBar(50, "video", stream=stream) as progress:
        for _ in range(50):
            progress.update()
    text = stream.getvalue()
    assert "\r" in text and text.count("\n") == 1 and text.endswith("\n")
    last = text.rstrip("\n").split("\r")[-1]
    assert last.startswith("video: 100%") and "50/50" in last and "frames/s" in last
    assert re.search(r"\[\d\d:\d\d<\d\d:\d\d", last)  # elapsed < time left


def test_a_terminal_of_unknown_width_gets_log_lines() -> None:
    stream = _Terminal(columns=0)
    with ProgressBar(20, "analyze", stream=stream) as progress:
        for _ in range(20):
            progress.update()
    assert len(stream.getvalue().splitlines()) == 10 and "\r" not in stream.getvalue()


def test_disabled_is_silent_but_still_counts() -> None:
    for stream in (io.StringIO(), _Terminal()):
        with ProgressBar(5, "stills", stream=stream, enabled=False) as progress:
            progress.update(5)
        assert stream.getvalue() == "" and progress.done == 5
