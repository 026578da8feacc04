"""Where the history database lives: the platform's user data folder, or ``$FORMCHECK_HOME``.

``FORMCHECK_HOME=DIR`` puts ``history.sqlite3`` in DIR (tests, a shared clinic folder, a
second person's history); otherwise the folder platformdirs names for this platform
(``~/.local/share/formcheck`` on Linux, ``~/Library/Application Support/formcheck`` on macOS,
``%LOCALAPPDATA%\\formcheck`` on Windows).
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_VARIABLE = "FORMCHECK_HOME"

HISTORY_FILE = "history.sqlite3"


def history_home(home: str | os.PathLike[str] | None = None) -> Path:
    """The folder of the history: ``home`` if given, else ``$FORMCHECK_HOME``, else the platform's
    user data folder for formcheck."""
    if home is not None:
        return Path(home).expanduser()
    chosen = os.environ.get(HOME_VARIABLE, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("formcheck", appauthor=False))


def history_path(home: str | os.PathLike[str] | None = None) -> Path:
    """The history database file (see :func:`history_home`)."""
    return history_home(home) / HISTORY_FILE
