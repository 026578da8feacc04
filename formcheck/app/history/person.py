"""Whose session it is: a short name, the same in every command; one local person by default."""

from __future__ import annotations

import unicodedata

from formcheck.errors import FormcheckError

DEFAULT_PERSON = "me"

MAX_PERSON_CHARS = 80


class PersonError(FormcheckError):
    """A ``--person`` name that cannot be used."""


def check_person(name: str | None, what: str = "--person") -> str:
    """The name, trimmed (``None``: the default person); ``what`` names it in the error (a
    manifest gives its file and line).

    Raises:
        PersonError: empty, longer than 80 characters, or with control characters.
    """
    if name is None:
        return DEFAULT_PERSON
    trimmed = name.strip()
    if not trimmed:
        raise PersonError(f"{what} needs a name (or leave it out for the default person)")
    if len(trimmed) > MAX_PERSON_CHARS:
        raise PersonError(f"{what} is {len(trimmed)} characters long; use at most {MAX_PERSON_CHARS}")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in trimmed):
        raise PersonError(f"{what} must not contain control characters or line breaks")
    return trimmed
