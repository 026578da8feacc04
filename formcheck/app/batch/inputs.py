"""What a batch analyses: INPUTs (video files, folders searched recursively, CSV manifests)
expanded to videos, each with its own output folder inside the batch folder.

A video's folder is its path relative to the common folder of the inputs, without the
extension (``samples/a/x.mp4`` given as ``samples/`` → ``DIR/a/x/``), so the same command
always maps a video to the same folder (that is what lets a rerun skip finished work).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from formcheck.app.batch.manifest import BatchInputError, read_manifest
from formcheck.app.outputs import REPORT_JSON

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".3gp"})
MANIFEST_SUFFIX = ".csv"


@dataclass(frozen=True)
class VideoInput:
    """One video to analyse: ``path`` absolute, ``shown`` as the user would write it, ``root``
    the folder its output path is relative to, and what a manifest said about it."""

    path: Path
    shown: str
    root: Path
    exercise: str | None = None
    person: str | None = None
    date: str | None = None


def find_videos(inputs: Sequence[str], exercises: Sequence[str], skip: Path | None = None) -> list[VideoInput]:
    """The videos named by ``inputs`` in order, each once (the first mention wins); folders are
    searched recursively, leaving out hidden entries, ``skip`` (the batch folder) and formcheck
    output folders (they hold a report.json).

    Raises:
        BatchInputError: an input that does not exist, is not a video or manifest, a bad manifest,
            or no video at all.
    """
    found: list[VideoInput] = []
    seen: set[str] = set()
    skip_real = os.path.realpath(skip) if skip is not None else None
    for given in inputs:
        path = Path(os.path.expanduser(given))
        if not path.exists():
            raise BatchInputError(f"{given} does not exist — give video files, folders of videos or a CSV manifest")
        if path.is_dir():
            batch = _folder_videos(path, given, skip_real)
        elif path.suffix.lower() == MANIFEST_SUFFIX:
            batch = [VideoInput(row.path, row.shown, _root_of(row.path, path.parent), row.exercise, row.person,
                                row.date) for row in read_manifest(path, exercises)]
        elif path.suffix.lower() in VIDEO_SUFFIXES:
            batch = [VideoInput(Path(os.path.abspath(path)), given, Path(os.path.abspath(path.parent)))]
        else:
            raise BatchInputError(f"{given} is neither a video ({', '.join(sorted(VIDEO_SUFFIXES))}), "
                                  "a folder nor a CSV manifest")
        for video in batch:
            key = os.path.realpath(video.path)
            if key not in seen:
                seen.add(key)
                found.append(video)
    if not found:
        raise BatchInputError(f"no video files found in {', '.join(inputs)} "
                              f"(looked for {', '.join(sorted(VIDEO_SUFFIXES))})")
    return found


def _root_of(video: Path, folder: Path) -> Path:
    """``folder`` (absolute) when the video lies inside it, else the video's own folder."""
    folder = Path(os.path.abspath(folder))
    return folder if folder == video or folder in video.parents else video.parent


def _folder_videos(folder: Path, given: str, skip_real: str | None) -> list[VideoInput]:
    """The videos under ``folder``, sorted by their path inside it."""
    return sorted(_walk_videos(folder, given, skip_real), key=lambda v: Path(os.path.relpath(v.path, v.root)).parts)


def _walk_videos(folder: Path, given: str, skip_real: str | None) -> Iterator[VideoInput]:
    root = Path(os.path.abspath(folder))
    for current, dirs, files in os.walk(folder):
        if REPORT_JSON in files or (skip_real is not None and os.path.realpath(current) == skip_real):
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or Path(name).suffix.lower() not in VIDEO_SUFFIXES or ".part." in name:
                continue
            path = Path(current) / name
            yield VideoInput(Path(os.path.abspath(path)), os.path.join(given, os.path.relpath(path, folder)), root)


def output_folders(videos: Sequence[VideoInput]) -> list[str]:
    """Each video's folder inside the batch folder (POSIX-style relative path), all different:
    videos that would share one (``x.mp4`` and ``x.mov``) get their extension appended."""
    common = os.path.commonpath([str(v.root) for v in videos])
    stems = [Path(os.path.relpath(v.path, common)).with_suffix("").as_posix() for v in videos]
    counts: dict[str, int] = {}
    for stem in stems:
        counts[stem.casefold()] = counts.get(stem.casefold(), 0) + 1
    folders: list[str] = []
    taken: set[str] = set()
    for video, stem in zip(videos, stems):
        folder = stem if counts[stem.casefold()] == 1 else f"{stem}_{video.path.suffix.lstrip('.').lower()}"
        candidate, n = folder, 2
        while candidate.casefold() in taken:
            candidate, n = f"{folder}_{n}", n + 1
        taken.add(candidate.casefold())
        folders.append(candidate)
    return folders
