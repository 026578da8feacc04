"""A fault: its stable code, when it began, the measured value and the coach's words."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

FaultCode = Literal["arching", "swinging", "tabletop_lost"]


FAULT_CODES: tuple[FaultCode, ...] = ("arching", "swinging", "tabletop_lost")


@dataclass(frozen=True)
class Fault:
    """One fault: code, when it began (s), the measured value (see ``unit``) and a coach's words."""

    code: FaultCode
    t_s: float
    value: float
    message: str
    heel_height_cm: float | None = None
    unit: str = ""
    hip_angle_deg: float | None = None

    def to_dict(self) -> dict[str, object]:
        """Plain values for the report (None fields left out)."""
        return {k: v for k, v in asdict(self).items() if v is not None and v != ""}


def fault_key(rep_index: int | None, code: str) -> str:
    """The key of one fault moment, shared by the annotated video's stills and report.html:
    ``rep3-arching``, or ``setup-tabletop_lost`` for a start-position fault."""
    return f"setup-{code}" if rep_index is None else f"rep{rep_index}-{code}"
