"""Write a text file so that readers see either the old file or the whole new one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO


class AtomicTextFile:
    """Context manager: writes ``<path>.part`` and renames it to ``path`` on close.

    ``close()`` publishes whatever was written, also after an exception or Ctrl-C, so a
    partial analysis is saved; a crash mid-write never leaves a half-written ``path``.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.part_path = self.path.with_name(self.path.name + ".part")
        self._file: IO[str] | None = None

    def open(self) -> IO[str]:
        """Open the temporary file for writing (newline handling left to the caller)."""
        self._file = open(self.part_path, "w", encoding="utf-8", newline="")
        return self._file

    def close(self) -> None:
        """Flush, sync and move the temporary file into place (idempotent)."""
        if self._file is None:
            return
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self._file = None
        os.replace(self.part_path, self.path)

    def __enter__(self) -> IO[str]:
        return self.open()

    def __exit__(self, *exc_info: object) -> None:
        self.close()
