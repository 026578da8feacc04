"""The live window: show the overlay, read the keys (q / Esc quit, space pause, r recalibrate)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Protocol

import numpy as np

from formcheck.errors import FormcheckError

WINDOW_TITLE = "formcheck live"


_KEYS = {ord("q"): "quit", ord("Q"): "quit", 27: "quit", ord(" "): "pause", ord("r"): "recalibrate",
         ord("R"): "recalibrate"}


class NoDisplayError(FormcheckError):
    """A live window was asked for where there is no screen."""


class Display(Protocol):
    """Where the overlay goes: ``show`` an RGB image, ``poll`` a key action (or None)."""

    def show(self, rgb: np.ndarray) -> None: ...

    def poll(self, wait_ms: int) -> str | None: ...

    def close(self) -> None: ...


def check_display() -> None:
    """Raise :class:`NoDisplayError` where a window cannot open (Qt would abort the process)."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise NoDisplayError("there is no screen for the live window (DISPLAY is not set) — "
                             "run with --no-window, or from a desktop session")


class CvWindow:
    """An OpenCV window; keys q / Esc quit, space pauses, r recalibrates."""

    def __init__(self, title: str = WINDOW_TITLE) -> None:
        check_display()
        import cv2

        # opencv-python points Qt at a font folder it does not ship; Qt then complains on stderr
        fonts = Path("/usr/share/fonts/truetype/dejavu")
        if fonts.is_dir() and not Path(os.environ.get("QT_QPA_FONTDIR", "")).is_dir():
            os.environ["QT_QPA_FONTDIR"] = str(fonts)

        self._cv2 = cv2
        self.title = title
        cv2.namedWindow(title, cv2.WINDOW_AUTOSIZE)
        self._shown = False

    def show(self, rgb: np.ndarray) -> None:
        self._cv2.imshow(self.title, self._cv2.cvtColor(rgb, self._cv2.COLOR_RGB2BGR))
        self._shown = True

    def poll(self, wait_ms: int) -> str | None:
        key = self._cv2.waitKey(max(1, wait_ms))
        if self._shown and self._cv2.getWindowProperty(self.title, self._cv2.WND_PROP_VISIBLE) < 1:
            return "quit"  # the window was closed
        return _KEYS.get(key & 0xFF) if key >= 0 else None

    def close(self) -> None:
        self._cv2.destroyWindow(self.title)
        self._cv2.waitKey(1)
