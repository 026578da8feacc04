"""When a video was filmed: its container's creation time, else the file's modification time, else now.

The creation time is read with ffmpeg (imageio-ffmpeg's binary, else one on the PATH): the
``creation_time`` line of the input's metadata that ffmpeg prints for any file it opens.
Phones write it in UTC; zero dates (1904, 1970) mean "not set" and are ignored.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

FilmedFrom = Literal["metadata", "file", "now", "given"]

PROBE_TIMEOUT_S = 15.0
EARLIEST_YEAR = 1990  # creation times before this are unset fields, not dates

_CREATION = re.compile(r"^\s*creation_time\s*:\s*(\S+)\s*$", re.MULTILINE)


def _ffmpeg() -> str | None:
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError):
        return shutil.which("ffmpeg")


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 time (``2026-03-04T10:20:30.000000Z``, offsets allowed) as an aware UTC
    datetime; a time without a zone is taken as UTC; None when unreadable or before 1990."""
    cleaned = text.strip().replace("Z", "+00:00").replace(" ", "T", 1)
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc) if moment.year >= EARLIEST_YEAR else None


def creation_time(path: Path) -> datetime | None:
    """The container's ``creation_time`` (UTC), or None when it has none or ffmpeg is missing."""
    ffmpeg = _ffmpeg()
    if ffmpeg is None:
        return None
    try:
        run = subprocess.run([ffmpeg, "-hide_banner", "-nostdin", "-i", str(path)], capture_output=True,
                             timeout=PROBE_TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    header = run.stderr.decode("utf-8", errors="replace")
    found = _CREATION.search(header)
    return parse_time(found.group(1)) if found else None


def filmed_time(path: Path | None) -> tuple[datetime, FilmedFrom]:
    """When the video at ``path`` was filmed, and where that came from."""
    if path is not None and path.is_file():
        moment = creation_time(path)
        if moment is not None:
            return moment, "metadata"
        try:
            return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc), "file"
        except (OSError, OverflowError, ValueError):
            pass
    return datetime.now(timezone.utc), "now"


def iso_utc(moment: datetime) -> str:
    """``2026-03-04T10:20:30Z``: the history's one time format (sorts as text)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
