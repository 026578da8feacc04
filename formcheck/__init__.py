"""formcheck: a computer-vision form checker for the modified leg lift.

The public API is re-exported here so users write ``formcheck.X``; heavy parts
(mediapipe) load only when a pose estimator is created.
"""

from formcheck.errors import CameraError, FormcheckError, ModelError, VideoError
from formcheck.landmarks import LANDMARK_NAMES, Landmark, Pose
from formcheck.model import resolve_model_path
from formcheck.video import CameraSource, Frame, ReplaySource, VideoFileSource, VideoInfo

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
