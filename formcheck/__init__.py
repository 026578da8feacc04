"""formcheck: a computer-vision form checker for the modified leg lift.

The public API is re-exported here so users write ``formcheck.X``; heavy parts load
only when used (the analysis with ``formcheck.analyze_video``, mediapipe when a pose
estimator is created), so ``formcheck --version`` and ``--help`` start fast.
"""

from typing import Any

__version__ = "0.1.0"  # first: modules below read it while the package initialises

from formcheck.core.frame import Frame, VideoInfo  # noqa: E402
from formcheck.core.landmarks import LANDMARK_NAMES, Landmark  # noqa: E402
from formcheck.core.pose import Pose  # noqa: E402
from formcheck.errors import CameraError, FormcheckError, ModelError, VideoError  # noqa: E402
from formcheck.io.live_sources import CameraSource, ReplaySource  # noqa: E402
from formcheck.io.sources import VideoFileSource  # noqa: E402
from formcheck.pose.model import resolve_model_path  # noqa: E402

__all__ = [
    "CameraError",
    "CameraSource",
    "FormcheckError",
    "Frame",
    "LANDMARK_NAMES",
    "Landmark",
    "ModelError",
    "Pose",
    "ReplaySource",
    "VideoError",
    "VideoFileSource",
    "VideoInfo",
    "__version__",
    "analyze_video",
    "resolve_model_path",
]


def __getattr__(name: str) -> Any:
    """``formcheck.analyze_video``, imported on first use."""
    if name == "analyze_video":
        from formcheck.app.analyze import analyze_video

        return analyze_video
    raise AttributeError(f"module 'formcheck' has no attribute {name!r}")
