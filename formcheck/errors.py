"""Errors a user can cause. Each carries one sentence that names the problem and the fix.

Bugs stay ordinary exceptions; the CLI prints these as one line and exits non-zero.
"""


class FormcheckError(Exception):
    """A problem with the user's input or set-up, explained in one sentence."""

    exit_code = 2


class VideoError(FormcheckError):
    """A video file that is missing, unreadable or not a video."""


class CameraError(FormcheckError):
    """A camera that cannot be opened or stops delivering frames."""


class ModelError(FormcheckError):
    """A pose model file that is missing or corrupt."""


class OutputError(FormcheckError):
    """An output directory that cannot be written."""


class AnnotationInterrupted(KeyboardInterrupt):
    """Ctrl-C during the annotated-video pass: the report files are complete, the partial
    video was removed. A KeyboardInterrupt, so code that stops on Ctrl-C still stops."""
