"""``report.json`` of a multi-camera analysis: the ``cameras`` list and which camera timed each rep.

Added keys only (the contract allows it): ``cameras`` — one entry per video, the first is the
clock of every time in the report — and per rep ``camera`` (index into ``cameras``) with
``camera_side`` relative to that camera.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from formcheck.core.legs import LEGS
from formcheck.measure.view import ViewAssessment


@dataclass(frozen=True)
class CameraEntry:
    """One video of the session: where it starts in the first video's clock and what it saw."""

    path: str
    offset_s: float  # its first frame relative to the first video's (s)
    fps: float
    view: ViewAssessment | None
    alignment_confidence: float | None  # None for the first video (the reference)
    alignment_weak: bool = False

    def to_dict(self) -> dict[str, Any]:
        view = self.view
        return {"path": self.path, "offset_s": round(self.offset_s, 4), "fps": round(self.fps, 3),
                "near_side": view.near_side if view is not None else None,
                "view": view.view if view is not None else None,
                "yaw_deg": round(view.yaw_deg, 1) if view is not None and view.yaw_deg == view.yaw_deg else None,
                "alignment_confidence": (round(self.alignment_confidence, 3)
                                         if self.alignment_confidence is not None else None),
                "alignment_weak": self.alignment_weak}


def add_cameras(report: dict[str, Any], cameras: Sequence[CameraEntry], rep_cameras: Sequence[int]) -> dict[str, Any]:
    """``report`` with ``cameras`` and each rep's ``camera`` and ``camera_side`` (``near`` when the
    rep's leg faces the camera that timed it, ``far`` when it is hidden from it, None for both legs)."""
    report["cameras"] = [camera.to_dict() for camera in cameras]
    for rep, k in zip(report.get("reps", []), rep_cameras):
        rep["camera"] = k
        view = cameras[k].view
        near = view.near_side if view is not None else None
        rep["camera_side"] = None if rep.get("leg") not in LEGS or near is None else (
            "near" if rep["leg"] == near else "far")
    return report
