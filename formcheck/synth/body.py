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
# trunk flexion (curl-up): share of ``trunk_flex_deg`` taken by each upper spine and neck bone
TRUNK_FLEX_SHARE = {"spine04": 0.10, "spine03": 0.25, "spine02": 0.25, "spine01": 0.20, "neck01": 0.20}
NECK_BONES = {"neck01": 0.5, "neck02": 0.5}
# supporting contacts: which body parts rest on the mat (see Body.pose_general)
SUPPORTS = ("back", "pelvis", "shoulders")
# pose_general skins once per frame, the legs compensated for the previous frame's rock; when the
# rock moved more than this (deg) since, it skins again (the legs' world angles stay within it)
ROCK_REPOSE_DEG = 0.1
# a planted foot: the rest (standing) foot turned so that its sole lies on the floor, toes towards
# +x; columns = world directions of the body's left, posterior and superior axes
FOOT_FLAT = np.array([[0.0, -1.0, 0.0], [0.0, 0.0, 1.0], [-1.0, 0.0, 0.0]])


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


def partial_rotation(r: np.ndarray, weight: float) -> np.ndarray:
    """The rotation ``r`` scaled to ``weight`` of its angle about the same axis (0 = identity)."""
    if weight >= 1.0:
        return r
    c = max(-1.0, min(1.0, 0.5 * (np.trace(r) - 1.0)))
    angle = math.acos(c)
    if angle < 1e-9:
        return np.eye(3)
    axis = np.array([r[2, 1] - r[1, 2], r[0, 2] - r[2, 0], r[1, 0] - r[0, 1]]) / (2.0 * math.sin(angle))
    a = weight * angle
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + math.sin(a) * k + (1.0 - math.cos(a)) * (k @ k)


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

    def __init__(self, spec: BodySpec, mat_top_m: float = 0.01, model: Any = None, calibrate: bool = True,
                 proportions: float | None = None) -> None:
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
        if proportions is not None:
            self.phenotype["proportions"] = proportions
        with torch.no_grad():
            out = self.model(phenotype_kwargs=self.phenotype)
            # the phenotype's rest model, computed once: posing then only runs the kinematics and
            # the skinning (the same operations as ``model(...)``, so the result is bit-identical)
            m = self.model
            ph = m._parse_parameter_kwargs(self.phenotype, m.phenotype_labels, 0.5, "phenotype_kwargs")
            lc = m._parse_parameter_kwargs(None, m.local_change_labels, 0.0, "local_changes_kwargs")
            fa = m._parse_parameter_kwargs(None, m.facial_action_labels, 0.0, "facial_actions")
            self._rest_model = m.get_rest_model(m._get_phenotype_blendshape_coefficients(ph, lc, fa))
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
        self.base_rock_deg = 0.0
        self._general_rock_deg: float | None = None  # pose_general's rock of the previous frame
        self._shoulder_x_m = 0.0
        self._plant_ankle: dict[str, np.ndarray] = {}
        if calibrate:
            self.imprint_scale = self._calibrate_imprint()
            imprint = self.pose({})
            self.base_rock_deg = self._last_rock_deg
            self._shoulder_x_m = float(imprint.joints_m["left_shoulder"][0] + imprint.joints_m["right_shoulder"][0]) / 2
            self._last_rock_deg = 0.0  # as after calibrating (the sample clips' poses start from here)

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
        flex = angles.get("trunk_flex_deg", 0.0)
        if flex:
            for bone, share in TRUNK_FLEX_SHARE.items():
                ax[bone] = ax.get(bone, 0.0) + share * flex
        neck = angles.get("neck_deg", 0.0)
        if neck:
            for bone, share in NECK_BONES.items():
                ax[bone] = ax.get(bone, 0.0) + share * neck
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
            flat = angles.get(f"foot_flat_{side}", 0.0)
            if flat:
                chain = d["root"] @ d[f"upperleg01.{s}"] @ d[f"lowerleg01.{s}"]
                d[f"foot.{s}"] = partial_rotation(chain.T @ LYING.T @ rock_w.T @ FOOT_FLAT, flat)
            # arms by the sides (world frame: towards the feet, sloping down to the mat)
            sh, el, wr = (self.head(f"{b}.{s}") for b in ("upperarm01", "lowerarm01", "wrist"))
            out = -1.0 if side == "left" else 1.0  # the person's left is world -z
            arm = math.radians(angles.get("arm_deg", 0.0))  # > 0 lifts the arms off the mat
            target_w = np.array([math.cos(arm), math.sin(arm) - ARM_DROP * math.cos(arm),
                                 out * math.tan(math.radians(ARM_ABDUCTION_DEG))])
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
        m = self.model
        with torch.no_grad():
            deltas_t = m.parse_delta_transforms_dict(pose)
            transforms, bone_poses = m.get_bone_transforms(deltas_t, self._rest_model["rest_bone_poses"])
            verts = m.get_skinned_vertices(
                bone_transforms=transforms,
                rest_vertices=self._rest_model["rest_vertices"].expand(transforms.shape[0], -1, -1),
            )
        return verts[0].double().numpy() @ LYING.T, bone_poses[0].double().numpy()

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

    # ----- generalized resting (corpus clips) ------------------------------------
    def pose_general(self, angles: dict[str, float], support: str = "back", clamp: bool = True) -> PosedBody:
        """Pose and rest the body on the mat through the given supporting contacts, one skinning pass.

        ``support``:

        * ``"back"`` — the buttocks and the upper back touch (as :meth:`pose`); the whole-body
          rotation ('rock') is solved, starting from the previous frame's;
        * ``"pelvis"`` — the buttocks carry the body (crunch, sit-up, hollow hold): the rock is the
          imprint's plus ``trunk_raise_deg`` (> 0 lifts the head end), the pelvis stays at x = 0;
        * ``"shoulders"`` — the upper back carries it (bridge): the rock is the imprint's plus
          ``trunk_raise_deg`` (< 0 lifts the pelvis), the shoulders stay where the imprint had them.

        ``plant_<leg>`` (0..1) blends that leg's thigh/knee angles towards the ones that keep its
        foot planted where :meth:`set_planted_feet` put it (a second skinning pass).
        """
        if support not in SUPPORTS:
            raise ValueError(f"support must be one of {SUPPORTS}, got {support!r}")
        if support == "back":
            rock = self._general_rock_deg if self._general_rock_deg is not None else self.base_rock_deg
            verts, poses = self._forward(self._deltas(angles, rock))
            step = self._rock_deg(verts @ rot_z(-rock).T)
            if abs(step) > ROCK_REPOSE_DEG:  # the legs were compensated for a stale rock: pose again
                rock += step
                verts, poses = self._forward(self._deltas(angles, rock))
                step = self._rock_deg(verts @ rot_z(-rock).T)
            rock += step
            self._general_rock_deg = rock
        else:
            rock = self.base_rock_deg + angles.get("trunk_raise_deg", 0.0)
            verts, poses = self._forward(self._deltas(angles, rock))
        posed = self._rest_on_mat(verts, poses, rock, support, clamp)
        plant = {s: angles.get(f"plant_{s}", 0.0) for s in SIDES}
        if any(w > 0 for w in plant.values()) and self._plant_ankle:
            legs = dict(angles)
            for side, w in plant.items():
                if w <= 0 or side not in self._plant_ankle:
                    continue
                th, kn = self._planted_leg_deg(side, posed.joints_m[f"{side}_hip"])
                legs[f"thigh_{side}_deg"] = (1 - w) * angles.get(f"thigh_{side}_deg", 0.0) + w * th
                legs[f"knee_{side}_deg"] = (1 - w) * angles.get(f"knee_{side}_deg", 90.0) + w * kn
            verts, poses = self._forward(self._deltas(legs, rock))
            posed = self._rest_on_mat(verts, poses, rock, support, clamp)
        return posed

    def _rest_on_mat(self, verts: np.ndarray, poses: np.ndarray, rock: float, support: str, clamp: bool = True) -> PosedBody:
        """Rotate by the rock, shift onto the mat through the support, flatten what presses into it."""
        rot = rot_z(-rock)
        heads = (poses[:, :3, 3] @ LYING.T) @ rot.T
        pelvis_axis = rot @ (LYING @ poses[self.labels.index("root"), :3, 2])
        verts = verts @ rot.T
        root = heads[self.labels.index("root")]
        if support == "shoulders":
            low = verts[self._thorax_sup, 1].min() + THORAX_SINK_M
            sh_x = 0.5 * (heads[self.labels.index("upperarm01.L"), 0] + heads[self.labels.index("upperarm01.R"), 0])
            shift = np.array([self._shoulder_x_m - sh_x, self.mat_top_m - low, -root[2]])
        else:
            low = verts[self._pelvis_sup, 1].min() + PELVIS_SINK_M
            shift = np.array([-root[0], self.mat_top_m - low, -root[2]])
        verts = verts + shift
        heads = heads + shift
        if clamp:
            verts[:, 1] = np.maximum(verts[:, 1], self.mat_top_m)
        return PosedBody(verts, self._joints(verts, heads), pelvis_axis,
                         float(verts[self._profile, 1].max() - self.mat_top_m))

    def _joints(self, verts: np.ndarray, heads: np.ndarray) -> dict[str, np.ndarray]:
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
        return joints

    def key_poses(self) -> dict[str, Any]:
        """Per-body angles of the resting leg positions and the arching curve (for the motion plan).

        * ``hook``: (thigh, knee) with the feet flat on the mat (knees bent, 'hook lying');
        * ``flat``: (thigh, knee) with the legs straight on the mat;
        * ``arch``: [(pelvic tilt deg, lumbar lift above the imprint cm)] at a heel-tap bottom.
        """
        foot = self._vertices_of(("foot.L",))
        ankle_above_sole = float(self.head("foot.L")[2] - self.rest_vertices[foot, 2].min())

        def bisect(f, lo: float, hi: float) -> float:
            flo = f(lo)
            for _ in range(22):
                mid = 0.5 * (lo + hi)
                if (f(mid) > 0) == (flo > 0):
                    lo, flo = mid, f(mid)
                else:
                    hi = mid
            return 0.5 * (lo + hi)

        def ankle_y(th: float, kn: float) -> float:
            p = self.pose_general({"thigh_left_deg": th, "knee_left_deg": kn, "foot_flat_left": 1.0,
                                   "thigh_right_deg": th, "knee_right_deg": kn, "foot_flat_right": 1.0}, clamp=False)
            return float(p.joints_m["left_ankle"][1])

        hook_th = 58.0
        hook_kn = bisect(lambda k: ankle_y(hook_th, k) - (self.mat_top_m + ankle_above_sole), 60.0, 150.0)

        def heel_y(th: float) -> float:
            p = self.pose_general({"thigh_left_deg": th, "knee_left_deg": 176.0, "foot_flat_left": 0.35,
                                   "thigh_right_deg": th, "knee_right_deg": 176.0, "foot_flat_right": 0.35}, clamp=False)
            return float(p.joints_m["left_heel"][1])

        flat_th = bisect(lambda t: heel_y(t) - (self.mat_top_m - 0.003), 80.0, 110.0)
        imprint = self.pose_general({}).lumbar_gap_m
        arch = []
        for tilt in (0.0, 3.0, 6.0, 9.0, 12.0, 15.0, 18.0, 21.0, 24.0):
            gap = self.pose_general({"thigh_left_deg": 40.0, "tilt_deg": tilt}).lumbar_gap_m
            arch.append((tilt, round(100.0 * (gap - imprint), 3)))
        self._general_rock_deg = None
        return {"hook": (hook_th, round(hook_kn, 2)), "flat": (round(flat_th, 2), 176.0), "arch": arch,
                "ankle_above_sole_cm": round(100 * ankle_above_sole, 2)}

    def set_planted_feet(self, angles: dict[str, float]) -> PosedBody:
        """Pose ``angles`` (back support) and remember where each ankle is: the planted feet's spots."""
        posed = self.pose_general(angles, "back")
        self._plant_ankle = {s: posed.joints_m[f"{s}_ankle"].copy() for s in SIDES}
        return posed

    def _planted_leg_deg(self, side: str, hip_m: np.ndarray) -> tuple[float, float]:
        """(thigh from vertical, interior knee) angles that put the ankle on its planted spot (2-link IK)."""
        s = SIDES[side]
        hip, knee, ankle = (self.head(f"{b}.{s}") for b in ("upperleg01", "lowerleg01", "foot"))
        l1, l2 = float(np.linalg.norm(knee - hip)), float(np.linalg.norm(ankle - knee))
        h = np.array([hip_m[0], hip_m[1]])
        a = self._plant_ankle[side][:2]
        d = a - h
        dist = min(float(np.linalg.norm(d)), l1 + l2 - 1e-4)
        u = d / max(float(np.linalg.norm(d)), 1e-9)
        cos_a = (l1 * l1 + dist * dist - l2 * l2) / (2 * l1 * dist)
        alpha = math.acos(max(-1.0, min(1.0, cos_a)))
        # the knee above the hip-ankle line (towards +y); rotate u by +alpha counter-clockwise
        # when the ankle lies towards +x of the hip
        sgn = 1.0 if u[0] >= 0 else -1.0
        ca, sa = math.cos(sgn * alpha), math.sin(sgn * alpha)
        kdir = np.array([ca * u[0] - sa * u[1], sa * u[0] + ca * u[1]])
        k = h + l1 * kdir
        thigh = math.degrees(math.atan2(k[0] - h[0], k[1] - h[1]))
        v1, v2 = h - k, a - k
        kn = math.degrees(math.acos(max(-1.0, min(1.0, float(np.dot(v1, v2) / (np.linalg.norm(v1) * np.linalg.norm(v2)))))))
        return thigh, kn

    # ----- standing / sitting figure (a second person) ---------------------------
    def pose_upright(self, hip_flex_deg: dict[str, float], knee_flex_deg: dict[str, float],
                     arm_swing_deg: dict[str, float], heading_deg: float, position_m: np.ndarray,
                     trunk_lean_deg: float = 0.0, floor_m: float = 0.0, rest_on: str = "feet") -> PosedBody:
        """An upright body (standing, walking, sitting): sagittal hip/knee flexion and arm swing per leg/arm,
        facing ``heading_deg`` (0 = world +x, 90 = world +z) and lowered onto the floor at ``position_m`` (x, z):
        its lowest point (``rest_on="feet"``) or its buttocks (``"pelvis"``, sitting) at height ``floor_m``."""
        d: dict[str, np.ndarray] = {}
        if trunk_lean_deg:
            d["spine03"] = rot_x(trunk_lean_deg)
        for side, s in SIDES.items():
            hip, knee, ankle = (self.head(f"{b}.{s}") for b in ("upperleg01", "lowerleg01", "foot"))
            th = hip_flex_deg.get(side, 0.0)  # 0 = down, 90 = forward
            sh = th - knee_flex_deg.get(side, 0.0)
            a_hip = -(th - sagittal_deg(knee - hip))
            a_knee = -(sh - sagittal_deg(ankle - knee)) - a_hip
            d[f"upperleg01.{s}"] = rot_x(a_hip)
            d[f"lowerleg01.{s}"] = rot_x(a_knee)
            sh_j, el, wr = (self.head(f"{b}.{s}") for b in ("upperarm01", "lowerarm01", "wrist"))
            out = 1.0 if side == "left" else -1.0  # the body's left is body +x
            sw = math.radians(arm_swing_deg.get(side, 0.0))
            target = np.array([out * 0.18, -math.sin(sw), -math.cos(sw)])
            trunk = d.get("spine03", np.eye(3))
            r_upper = shortest_arc(el - sh_j, trunk.T @ target)
            d[f"upperarm01.{s}"] = r_upper
            bend = np.array([out * 0.12, -math.sin(sw) - 0.35, -math.cos(sw)])
            d[f"lowerarm01.{s}"] = shortest_arc(wr - el, (trunk @ r_upper).T @ bend)
        verts, poses = self._forward_body(d)
        hd = math.radians(heading_deg)
        f = np.array([math.cos(hd), 0.0, math.sin(hd)])
        up = np.array([0.0, 1.0, 0.0])
        r = np.stack([np.cross(up, f), -f, up], axis=1)  # body (left, posterior, superior) -> world
        verts = verts @ r.T
        heads = poses[:, :3, 3] @ r.T
        low = verts[:, 1].min() if rest_on == "feet" else verts[self._pelvis_sup, 1].min() + 0.01
        shift = np.array([position_m[0], floor_m - low, position_m[1]])
        shift[0] -= heads[self.labels.index("root"), 0]
        shift[2] -= heads[self.labels.index("root"), 2]
        verts = verts + shift
        heads = heads + shift
        if rest_on != "feet":
            verts[:, 1] = np.maximum(verts[:, 1], floor_m)
        pelvis_axis = r @ poses[self.labels.index("root"), :3, 2]
        return PosedBody(verts, self._joints(verts, heads), pelvis_axis, 0.0)

    def seat_height_m(self, posed: PosedBody) -> float:
        """Height of the buttocks' lowest point of an upright pose (where a seat would be)."""
        return float(posed.vertices_m[self._pelvis_sup, 1].min())

    def _forward_body(self, deltas: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Skinned vertices and bone poses in anny's body frame (no lying transform)."""
        verts, poses = self._forward(deltas)
        return verts @ LYING, poses  # LYING is its own inverse

    def place(self, posed: PosedBody, yaw_deg: float, offset_m: np.ndarray) -> PosedBody:
        """The posed body turned about the vertical by ``yaw_deg`` and moved by ``offset_m`` (world)."""
        r = np.array([[math.cos(math.radians(yaw_deg)), 0, math.sin(math.radians(yaw_deg))], [0, 1, 0],
                      [-math.sin(math.radians(yaw_deg)), 0, math.cos(math.radians(yaw_deg))]])
        verts = posed.vertices_m @ r.T + offset_m
        joints = {k: r @ v + offset_m for k, v in posed.joints_m.items()}
        return PosedBody(verts, joints, r @ posed.pelvis_axis, posed.lumbar_gap_m)


def resolve_height(model: Any, phenotype: dict[str, float], height_cm: float) -> tuple[float, float]:
    """anny's 0..1 ``height`` giving a standing height of ``height_cm`` for this phenotype, and the
    height it gives (cm). The standing height is linear in anny's height for a fixed rest of the phenotype."""
    import torch

    def stature(h: float) -> float:
        with torch.no_grad():
            v = model(phenotype_kwargs={**phenotype, "height": h})["vertices"][0]
        return 100.0 * float(v[:, 2].max() - v[:, 2].min())

    lo, hi = stature(0.0), stature(1.0)
    h = min(1.0, max(0.0, (height_cm - lo) / (hi - lo)))
    got = stature(h)
    if abs(got - height_cm) > 0.3 and 0.0 < h < 1.0:  # one secant step
        h = min(1.0, max(0.0, h + (height_cm - got) / (hi - lo)))
        got = stature(h)
    return h, got


def body_mass_kg(model: Any, phenotype: dict[str, float]) -> float:
    """Mass of the rest body (anny's volume at 980 kg/m³)."""
    import torch
    from anny.anthropometry import Anthropometry

    with torch.no_grad():
        v = model(phenotype_kwargs=phenotype)["vertices"]
    return float(Anthropometry(model).mass(v.double())[0])
