"""What every subcommand's parser shares: the exercise names, the exit status of an interrupt,
``--stride`` and the one-sentence usage error."""

from __future__ import annotations

from formcheck.errors import FormcheckError
from formcheck.profiles import PROFILES

EXERCISES: tuple[str, ...] = tuple(PROFILES)
EXERCISE_CHOICES: tuple[str, ...] = ("auto", *EXERCISES)  # auto: recognise it from the motion
EXERCISE_HELP = ("exercise profile, or auto: recognise it from the motion and say so when it is none of "
                 "formcheck's (default: %(default)s)")

EXIT_INTERRUPTED = 130


class UsageError(FormcheckError):
    """A command-line value that argparse's types cannot check (e.g. ``--stride 0``)."""


def parse_stride(text: str | None) -> int | None:
    """``--stride``: None (automatic) for ``auto`` or absent, else a whole number ≥ 1."""
    if text is None or text.strip().lower() == "auto":
        return None
    try:
        stride = int(text)
    except ValueError:
        stride = 0
    if stride < 1:
        raise UsageError(f"--stride must be a whole number of frames, at least 1, or 'auto' (got {text!r})")
    return stride
