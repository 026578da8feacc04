"""formcheck: a computer-vision form checker for the modified leg lift.

The public API is re-exported here so users write ``formcheck.X``; heavy parts
(mediapipe) load only when a pose estimator is created.
"""

from formcheck.errors import CameraError, FormcheckError, ModelError, VideoError
from formcheck.core.landmarks import LANDMARK_NAMES, Landmark
from formcheck.core.pose import Pose
from formcheck.pose.model import resolve_model_path
from formcheck.io.live_sources import CameraSource, ReplaySource
from formcheck.core.frame import Frame, VideoInfo
from formcheck.io.sources import VideoFileSource

__version__ = "0.1.0"

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
    "resolve_model_path",
]
