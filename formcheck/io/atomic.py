"""Write a file so that readers see either the old file or the whole new one.

    with AtomicTextFile(path) as handle:
        json.dump(report, handle)

The content goes to ``<path>.part``; only when the ``with`` block exits cleanly is it flushed,
synced to disk and renamed over ``path``. An exception (a bug mid-``json.dump``, a full disk,
Ctrl-C) removes the temporary file and leaves the previous ``path`` exactly as it was. A
partial analysis is saved by a *complete* write of what was analysed, which publishes.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType
from typing import IO


class AtomicTextFile:
    """A UTF-8 text file (newlines written as given) published only when its ``with`` block
    exits cleanly: :meth:`commit` publishes it, :meth:`discard` drops it."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.part_path = self.path.with_name(self.path.name + ".part")
        self._file: IO[str] | None = None

    def open(self) -> IO[str]:
        """Open the temporary file for writing."""
        handle = open(self.part_path, "w", encoding="utf-8", newline="")
        self._file = handle
        return handle

    def commit(self) -> None:
        """Flush, sync and move the temporary file over ``path`` (idempotent)."""
        if self._file is None:
            return
        handle, self._file = self._file, None
        try:
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            os.replace(self.part_path, self.path)
        except BaseException:
            handle.close()
            self.part_path.unlink(missing_ok=True)
            raise
        _sync_folder(self.path.parent)

    def discard(self) -> None:
        """Close and remove the temporary file; ``path`` is left untouched (idempotent)."""
        if self._file is None:
            return
        handle, self._file = self._file, None
        try:
            handle.close()
        finally:
            self.part_path.unlink(missing_ok=True)

    def __enter__(self) -> IO[str]:
        return self.open()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


def publish(part_path: Path, path: Path) -> None:
    """Sync a finished temporary file written by someone else (e.g. a video encoder) to disk
    and rename it over ``path``."""
    with open(part_path, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(part_path, path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a folder that cannot be opened is skipped."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
