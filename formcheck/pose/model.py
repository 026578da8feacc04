"""Where the bundled PoseLandmarker model lives, and a check that it is usable."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from formcheck.errors import ModelError

MODEL_FILENAME = "pose_landmarker_full.task"
MODEL_ENV_VAR = "FORMCHECK_MODEL"
BUNDLE_MEMBERS = frozenset({"pose_detector.tflite", "pose_landmarks_detector.tflite"})
_PACKAGE_DIR = Path(__file__).resolve().parents[1]  # formcheck/
REBUILD_HINT = "rebuild it with models/build_pose_task.sh or reinstall formcheck"


def default_model_candidates() -> list[Path]:
    """Places searched for the model, in order: inside the installed package, then the repo."""
    return [_PACKAGE_DIR / "_model" / MODEL_FILENAME, _PACKAGE_DIR.parent / "models" / MODEL_FILENAME]


def resolve_model_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return a usable model path: ``explicit``, else ``$FORMCHECK_MODEL``, else the bundled one.

    Raises:
        ModelError: the chosen file is missing or is not a PoseLandmarker bundle.
    """
    chosen = explicit if explicit is not None else os.environ.get(MODEL_ENV_VAR) or None
    if chosen is not None:
        path = Path(chosen).expanduser()
        origin = "given" if explicit is not None else f"named by {MODEL_ENV_VAR}"
        if not path.is_file():
            raise ModelError(f"the pose model file {path} ({origin}) does not exist — "
                             f"point to a {MODEL_FILENAME} bundle")
        return check_model_file(path)
    for path in default_model_candidates():
        if path.is_file():
            return check_model_file(path)
    raise ModelError(f"the bundled pose model {MODEL_FILENAME} is missing — {REBUILD_HINT}")


def check_model_file(path: Path) -> Path:
    """Return ``path`` if it is a zip bundle holding the detector and landmark models."""
    try:
        with zipfile.ZipFile(path) as bundle:
            names = set(bundle.namelist())
            if bundle.testzip() is not None:
                raise zipfile.BadZipFile("CRC mismatch")
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelError(f"the pose model file {path} is corrupt ({exc}) — {REBUILD_HINT}") from None
    if not BUNDLE_MEMBERS <= names:
        raise ModelError(f"the pose model file {path} is not a PoseLandmarker bundle "
                         f"(it lacks {', '.join(sorted(BUNDLE_MEMBERS - names))}) — {REBUILD_HINT}")
    return path
