"""Body posing: the anny parametric body lying supine, posed from sagittal angles.

Anny's body frame: +x the person's left, +y posterior, +z superior (metres),
origin at the pelvis. The scene ("world") frame: +x along the mat towards the
feet, +y up, +z the person's right; the floor is y = 0 and the mat top
y = ``mat_top_m``. Heavy imports (torch, anny) happen inside :func:`load_anny`.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.synth.spec import BodySpec

DEFAULT_CACHE_DIR = Path.home() / ".cache" / "formcheck" / "anny"
# body frame -> world frame (supine): world x = -body z, world y = -body y, world z = -body x
LYING = np.array([[0.0, 0.0, -1.0], [0.0, -1.0, 0.0], [-1.0, 0.0, 0.0]])
SIDES = {"left": "L", "right": "R"}
# bones whose vertices rest on the mat
PELVIS_SUPPORT = ("root", "spine05", "pelvis.L", "pelvis.R", "upperleg01.L", "upperleg01.R")
THORAX_SUPPORT = ("spine02", "spine01", "clavicle.L", "clavicle.R", "shoulder01.L", "shoulder01.R")
# imprinted spine: flexion (deg, about the lateral axis) that flattens anny's standing lordosis
IMPRINT_FLEX_DEG = {"spine05": 11.0, "spine04": 10.0}
# the flexion above is scaled per body until the imprinted lumbar gap is this (m)
IMPRINT_GAP_M = 0.010
# soft tissue: how far the buttocks and the upper back flatten against the mat (m)
PELVIS_SINK_M = 0.02
THORAX_SINK_M = 0.012
# arching: share of the anterior pelvic tilt taken back by each spine bone (sums to 1), so
# the lumbar spine rises with the pelvis and the thorax comes back down onto the mat
ARCH_SHARE = {"spine05": -0.3, "spine03": 1.6, "spine02": 0.5, "spine01": -0.8}
ARM_ABDUCTION_DEG = 8.0
ARM_DROP = 0.12  # downward slope of the arms (world) so the hands rest on the mat


def require_synth() -> None:
    """Raise ImportError with an install hint when the synth extra is missing."""
    try:
        import anny  # noqa: F401
        import moderngl  # noqa: F401
        import torch  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "The synthetic-person generator needs the synth extra: pip install -e '.[synth]'"
        ) from exc


def load_anny(cache_dir: Path | None = None) -> Any:
    """Load the anny body model (pure-torch LBS skinning) with a persistent cache."""
    require_synth()
    cache = Path(os.environ.get("ANNY_CACHE_DIR", cache_dir or DEFAULT_CACHE_DIR))
    cache.mkdir(parents=True, exist_ok=True)
    os.environ["ANNY_CACHE_DIR"] = str(cache)
    import anny
    import anny.paths

    anny.paths.set_anny_cache_path(cache)
    return anny.Anny(skinning_method="lbs")


def rot_x(angle_deg: float) -> np.ndarray:
    """Rotation matrix about +x by ``angle_deg``."""
    a = math.radians(angle_deg)
    c, s = math.cos(a), math.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]], dtype=float)


def rot_z(angle_deg: float) -> np.ndarray:
    """Rotation matrix about +z by ``angle_deg``."""
    a = math.radians(angle_deg)
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]], dtype=float)


def shortest_arc(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rotation matrix taking direction ``a`` onto direction ``b``."""
    a = a / np.linalg.norm(a)
    b = b / np.linalg.norm(b)
    v = np.cross(a, b)
    c = float(np.dot(a, b))
    vx = np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])
    return np.eye(3) + vx + vx @ vx / (1.0 + c)


def sagittal_deg(v: np.ndarray) -> float:
    """Direction of a body-frame vector in the sagittal plane: 0 = inferior, 90 = anterior."""
    return math.degrees(math.atan2(-v[1], -v[2]))


@dataclass
class PosedBody:
    """One posed frame in world coordinates (metres)."""

    vertices_m: np.ndarray  # (V, 3)
    joints_m: dict[str, np.ndarray]  # name -> (3,)
    pelvis_axis: np.ndarray  # (3,) world direction of the pelvis' superior axis
    lumbar_gap_m: float


class Body:
    """A posable anny body with fixed phenotype, lying on a mat of height ``mat_top_m``."""

    def __init__(self, spec: BodySpec, mat_top_m: float = 0.01, model: Any = None) -> None:
        import torch

        self._torch = torch
        self.model = model if model is not None else load_anny()
        self.spec = spec
        self.mat_top_m = mat_top_m
        self.labels: list[str] = list(self.model.bone_labels)
        self.phenotype = {
            "gender": spec.gender, "age": spec.age, "weight": spec.weight,
            "muscle": spec.muscle, "height": spec.height,
        }
        with torch.no_grad():
            out = self.model(phenotype_kwargs=self.phenotype)
        self.rest_vertices = out["vertices"][0].double().numpy()
        self.rest_heads = out["bone_poses"][0, :, :3, 3].double().numpy()
        self.faces = self.model.get_triangular_faces().numpy().astype(np.int32)
        w = self.model.vertex_bone_weights.numpy()
        idx = self.model.vertex_bone_indices.numpy()
        self.dominant_bone = idx[np.arange(len(idx)), w.argmax(1)]
        self._pelvis_sup = self._vertices_of(PELVIS_SUPPORT)
        self._thorax_sup = self._vertices_of(THORAX_SUPPORT)
        self._heel = {s: self._heel_vertex(s) for s in SIDES}
        self._toe = {s: self._toe_vertex(s) for s in SIDES}
        self._profile = self._back_profile()
        self._last_rock_deg = 0.0
        head_v = self._vertices_of(("head",))
        self._nose = int(head_v[np.argmin(self.rest_vertices[head_v, 1])])
        self.imprint_scale = 1.0
        self.imprint_scale = self._calibrate_imprint()

    # ----- rest-pose landmarks -------------------------------------------------
    def head(self, bone: str) -> np.ndarray:
        """Rest position (body frame, m) of a bone's head (its joint)."""
        return self.rest_heads[self.labels.index(bone)]

    def _vertices_of(self, bones: tuple[str, ...]) -> np.ndarray:
        ids = [self.labels.index(b) for b in bones]
        return np.nonzero(np.isin(self.dominant_bone, ids))[0]

    def _heel_vertex(self, side: str) -> int:
        """Most posterior vertex at the sole level of the foot (the back of the heel)."""
        s = SIDES[side]
        foot = self._vertices_of((f"foot.{s}",))
        v = self.rest_vertices[foot]
        low = v[:, 2] < v[:, 2].min() + 0.035
        cand = foot[low]
        return int(cand[np.argmax(self.rest_vertices[cand, 1])])

    def _toe_vertex(self, side: str) -> int:
        """Most anterior vertex of the foot and toes (the foot index tip)."""
        s = SIDES[side]
        ids = [i for i, b in enumerate(self.labels) if b.endswith(f".{s}") and b.startswith("toe")]
        toes = np.nonzero(np.isin(self.dominant_bone, ids))[0]
        return int(toes[np.argmin(self.rest_vertices[toes, 1])])

    def _back_profile(self) -> np.ndarray:
        """Vertices of the back's underside contour (within 6 cm of the midline) in the lumbar span, 1 cm bins."""
        v = self.rest_vertices
        z0 = self.head("spine04")[2] - 0.01
        z1 = self.head("spine02")[2]
        mid = np.nonzero((np.abs(v[:, 0]) < 0.06) & (v[:, 1] > 0.0) & (v[:, 2] > z0) & (v[:, 2] < z1))[0]
        bins = np.floor((v[mid, 2] - z0) / 0.01).astype(int)
        prof = [mid[bins == b][np.argmax(v[mid[bins == b], 1])] for b in np.unique(bins)]
        return np.asarray(prof, dtype=int)

    def leg_geometry_cm(self) -> tuple[float, float, float]:
        """(thigh, shank, heel-behind-ankle) lengths in cm from the rest skeleton."""
        s = "L"
        hip, knee, ankle = (self.head(f"{b}.{s}") for b in ("upperleg01", "lowerleg01", "foot"))
        heel = self.rest_vertices[self._heel["left"]]
        shank = (ankle - knee) / np.linalg.norm(ankle - knee)
        d = heel - ankle
        back = np.linalg.norm(d - np.dot(d, shank) * shank)
        return (100 * np.linalg.norm(knee - hip), 100 * np.linalg.norm(ankle - knee), 100 * back)

    def _calibrate_imprint(self) -> float:
        """Scale of ``IMPRINT_FLEX_DEG`` giving this body an imprinted lumbar gap of ``IMPRINT_GAP_M``."""
        lo, hi = 0.0, 3.0
        for _ in range(12):
            self.imprint_scale = 0.5 * (lo + hi)
            if self.pose({}).lumbar_gap_m > IMPRINT_GAP_M:
                lo = self.imprint_scale
            else:
                hi = self.imprint_scale
        self._last_rock_deg = 0.0
        return 0.5 * (lo + hi)

    # ----- posing --------------------------------------------------------------
    def _deltas(self, angles: dict[str, float], rock_deg: float) -> dict[str, np.ndarray]:
        """anny 'local-ref' rotation deltas (3×3, world-aligned axes) for the sagittal angles.

        ``rock_deg`` is the whole-body rotation (about world z) that rests the body on
        the mat; segment angles are compensated so they hold in the world frame.
        """
        tilt = angles.get("tilt_deg", 0.0)
        d: dict[str, np.ndarray] = {}
        ax = {b: v * self.imprint_scale for b, v in IMPRINT_FLEX_DEG.items()}
        ax["root"] = ax.get("root", 0.0) + tilt  # anterior tilt: superior rotates anteriorly
        for bone, share in ARCH_SHARE.items():
            ax[bone] = ax.get(bone, 0.0) - share * tilt
        for bone, a in ax.items():
            d[bone] = rot_x(a)
        rock_w = rot_z(-rock_deg)
        rock_b = LYING.T @ rock_w @ LYING  # the same rotation in the body frame (about body x)
        root_x = ax["root"] + math.degrees(math.atan2(rock_b[2, 1], rock_b[1, 1]))
        trunk = d["root"]
        for b in ("spine05", "spine04", "spine03", "spine02", "spine01"):
            trunk = trunk @ d.get(b, np.eye(3))
        for side, s in SIDES.items():
            hip, knee, ankle = (self.head(f"{b}.{s}") for b in ("upperleg01", "lowerleg01", "foot"))
            thigh = angles.get(f"thigh_{side}_deg", 0.0)
            kneea = angles.get(f"knee_{side}_deg", 90.0)
            a_thigh = 90.0 - thigh  # sagittal direction: 90 = anterior (up when supine)
            a_shank = kneea - 90.0 - thigh
            a_hip = -(a_thigh - sagittal_deg(knee - hip)) - root_x
            a_knee = -(a_shank - sagittal_deg(ankle - knee)) - root_x - a_hip
            d[f"upperleg01.{s}"] = rot_x(a_hip)
            d[f"lowerleg01.{s}"] = rot_x(a_knee)
            # arms by the sides (world frame: towards the feet, sloping down to the mat)
            sh, el, wr = (self.head(f"{b}.{s}") for b in ("upperarm01", "lowerarm01", "wrist"))
            out = -1.0 if side == "left" else 1.0  # the person's left is world -z
            target_w = np.array([1.0, -ARM_DROP, out * math.tan(math.radians(ARM_ABDUCTION_DEG))])
            target = LYING.T @ rock_w.T @ (target_w / np.linalg.norm(target_w))
            r_upper = shortest_arc(el - sh, trunk.T @ target)
            d[f"upperarm01.{s}"] = r_upper
            d[f"lowerarm01.{s}"] = shortest_arc(wr - el, (trunk @ r_upper).T @ target)
        return d

    def _forward(self, deltas: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Skinned vertices and bone poses (4×4) in the lying frame, before resting on the mat."""
        torch = self._torch
        pose = {}
        for bone, r in deltas.items():
            m = torch.eye(4, dtype=torch.float64)
            m[:3, :3] = torch.from_numpy(r)
            pose[bone] = m[None].to(self.model.dtype)
        with torch.no_grad():
            out = self.model(pose_parameters=pose, phenotype_kwargs=self.phenotype)
        return out["vertices"][0].double().numpy() @ LYING.T, out["bone_poses"][0].double().numpy()

    def _rock_deg(self, verts: np.ndarray) -> float:
        """Rotation about world z (deg) that lets the buttocks and the upper back both touch."""
        total = 0.0
        rot = np.eye(3)
        for _ in range(3):
            v = verts @ rot.T
            p = v[self._pelvis_sup][np.argmin(v[self._pelvis_sup, 1])] + [0.0, PELVIS_SINK_M, 0.0]
            t = v[self._thorax_sup][np.argmin(v[self._thorax_sup, 1])] + [0.0, THORAX_SINK_M, 0.0]
            beta = math.degrees(math.atan2(p[1] - t[1], p[0] - t[0]))
            total += beta
            rot = rot_z(-beta) @ rot
        return total

    def pose(self, angles: dict[str, float]) -> PosedBody:
        """Pose, lay supine and rest the body on the mat; return world vertices and joints."""
        rock = self._last_rock_deg
        for _ in range(2):
            verts, poses = self._forward(self._deltas(angles, rock))
            rock = rock + self._rock_deg(verts @ rot_z(-rock).T)
        self._last_rock_deg = rock
        rot = rot_z(-rock)
        heads = poses[:, :3, 3] @ LYING.T
        pelvis_axis = rot @ (LYING @ poses[self.labels.index("root"), :3, 2])
        verts = verts @ rot.T
        heads = heads @ rot.T
        low_p = verts[self._pelvis_sup, 1].min() + PELVIS_SINK_M
        shift = np.array([0.0, self.mat_top_m - low_p, 0.0])
        shift[0] = -heads[self.labels.index("root"), 0]  # pelvis at x = 0
        shift[2] = -heads[self.labels.index("root"), 2]
        verts = verts + shift
        heads = heads + shift
        # soft tissue flattens where it presses into the mat
        verts[:, 1] = np.maximum(verts[:, 1], self.mat_top_m)
        joints = {}
        for side, s in SIDES.items():
            joints[f"{side}_shoulder"] = heads[self.labels.index(f"upperarm01.{s}")]
            joints[f"{side}_elbow"] = heads[self.labels.index(f"lowerarm01.{s}")]
            joints[f"{side}_wrist"] = heads[self.labels.index(f"wrist.{s}")]
            joints[f"{side}_hip"] = heads[self.labels.index(f"upperleg01.{s}")]
            joints[f"{side}_knee"] = heads[self.labels.index(f"lowerleg01.{s}")]
            joints[f"{side}_ankle"] = heads[self.labels.index(f"foot.{s}")]
            joints[f"{side}_heel"] = verts[self._heel[side]]
            joints[f"{side}_foot_index"] = verts[self._toe[side]]
        joints["nose"] = verts[self._nose]
        gap = float(verts[self._profile, 1].max() - self.mat_top_m)
        return PosedBody(verts, joints, pelvis_axis, gap)
