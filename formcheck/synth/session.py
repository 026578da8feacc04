"""Corpus sessions: a drawn motion description → joint-angle tracks, planned reps and sets (pure numpy).

The motion description is a plain dict drawn by :mod:`formcheck.synth.corpus` (stored in the
truth's ``conditions``); :func:`build_session` turns it into :class:`Session` tracks with the
body's own geometry (:class:`BodyInfo`, measured on the posed body at render time; the defaults
are a typical adult for tests). Channels (all optional for the body, see
:meth:`formcheck.synth.body.Body.pose_general`):

* ``thigh_<leg>_deg``, ``knee_<leg>_deg``, ``tilt_deg`` as in :mod:`formcheck.synth.scenario`;
* ``foot_flat_<leg>`` 0..1 (1 = sole flat on the mat), ``plant_<leg>`` 0..1 (foot held on its spot);
* ``trunk_flex_deg`` (curl-up), ``trunk_raise_deg`` (sit-up > 0, bridge < 0), ``neck_deg``, ``arm_deg``;
* ``sway_gain`` (not a body channel): scales the small natural sway of the legs (0 on the floor).

Every rep is planned with what the person *means* to do (tempo, depth, knee, arching size);
the truth labels come later from the posed body's measurements (:mod:`formcheck.synth.labels`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from formcheck.synth.motion import Track
from formcheck.synth.scenario import LegGeometry

LEG_CHANNELS = ("thigh_left_deg", "thigh_right_deg", "knee_left_deg", "knee_right_deg")
CHANNELS = LEG_CHANNELS + (
    "tilt_deg", "foot_flat_left", "foot_flat_right", "plant_left", "plant_right",
    "trunk_flex_deg", "trunk_raise_deg", "neck_deg", "arm_deg", "sway_gain",
)
BODY_CHANNELS = tuple(c for c in CHANNELS if c != "sway_gain")
TABLETOP = (0.0, 90.0)
VERTICAL_KNEE_DEG = 172.0
NEGATIVES = ("crunch", "glute_bridge", "bridge_march", "hollow_hold", "lying_still", "sit_up")
SUPPORT = {"crunch": "pelvis", "glute_bridge": "shoulders", "bridge_march": "shoulders", "hollow_hold": "pelvis",
           "lying_still": "back", "sit_up": "pelvis"}


@dataclass(frozen=True)
class BodyInfo:
    """What the planner needs to know about one body (measured on it at render time)."""

    geom: LegGeometry = LegGeometry(hip_height_cm=10.0, thigh_cm=42.0, shank_cm=42.0, heel_back_cm=5.0)
    hook: tuple[float, float] = (58.0, 117.0)  # (thigh, knee) feet flat on the mat
    flat: tuple[float, float] = (90.0, 176.0)  # (thigh, knee) legs straight on the mat
    arch: tuple[tuple[float, float], ...] = ((0.0, 0.2), (3.0, 0.95), (6.0, 1.7), (9.0, 2.45), (12.0, 3.2),
                                             (15.0, 3.95), (18.0, 4.7), (21.0, 5.45), (24.0, 6.2))

    def tilt_for_lift_deg(self, lift_cm: float) -> float:
        """Pelvic tilt (deg) that lifts the lumbar spine ``lift_cm`` above the imprint at a heel-tap bottom."""
        tilts = np.array([a for a, _ in self.arch])
        lifts = np.maximum.accumulate(np.array([b for _, b in self.arch]))
        if lift_cm <= lifts[0]:
            return 0.0
        if lift_cm >= lifts[-1]:  # extrapolate the last slope
            slope = (tilts[-1] - tilts[-2]) / max(lifts[-1] - lifts[-2], 1e-6)
            return float(tilts[-1] + slope * (lift_cm - lifts[-1]))
        return float(np.interp(lift_cm, lifts, tilts))

    @property
    def tabletop_heel_cm(self) -> float:
        return self.geom.heel_height_cm(0.0, 90.0)

    @property
    def vertical_heel_cm(self) -> float:
        return self.geom.heel_height_cm(0.0, 178.0)


@dataclass
class PlannedRep:
    """A rep (or a partial rep) as planned: times, leg, what the person means to do."""

    index: int
    leg: str
    start_s: float
    bottom_s: float  # the reversal: lowest point, or the highest for raises from the floor
    end_s: float
    reversal: str  # "bottom" or "top"
    pause_s: float  # hold at the reversal
    set_index: int
    intent: dict[str, Any] = field(default_factory=dict)  # tempo/arch/knee/depth classes and sizes
    partial: bool = False

    @property
    def first_phase_s(self) -> float:
        return self.bottom_s - self.start_s

    @property
    def second_phase_s(self) -> float:
        return self.end_s - self.bottom_s


@dataclass
class Session:
    """Tracks, planned reps and sets of one scripted session (its own clock, seconds)."""

    tracks: dict[str, Track]
    support: str
    reps: list[PlannedRep]
    partial: list[PlannedRep]
    sets: list[dict[str, Any]]
    duration_s: float
    still_window_s: tuple[float, float] | None
    setup: dict[str, Any] | None
    exercise: str
    variant: str
    sway: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)  # negatives: what happens when

    def sample(self, t_s: np.ndarray) -> dict[str, np.ndarray]:
        """Every channel at times ``t_s`` (the sway scaled by ``sway_gain``)."""
        t_s = np.asarray(t_s, float)
        out = {name: tr.sample(t_s) for name, tr in self.tracks.items()}
        gain = out.get("sway_gain", np.ones_like(t_s))
        for name, (amp, freq, phase) in self.sway.items():
            s = np.sum(amp[:, None] * np.sin(2 * np.pi * freq[:, None] * t_s[None] + phase[:, None]), axis=0)
            out[name] = out[name] + gain * s
        return out


class _Timeline:
    """Tracks for every channel plus helpers that keep them in step."""

    def __init__(self, start: dict[str, float]) -> None:
        defaults = {c: 0.0 for c in CHANNELS}
        defaults.update({"knee_left_deg": 90.0, "knee_right_deg": 90.0, "sway_gain": 1.0})
        defaults.update(start)
        self.tracks = {c: Track(float(defaults[c])) for c in CHANNELS}

    @property
    def t(self) -> float:
        return max(tr.end_s for tr in self.tracks.values())

    def sync(self, t: float | None = None) -> float:
        t = self.t if t is None else t
        for tr in self.tracks.values():
            tr.hold_until(max(t, tr.end_s))
        return t

    def value(self, ch: str) -> float:
        return self.tracks[ch].value

    def move(self, targets: dict[str, float], t0: float, dur: float, profile: str = "minjerk") -> float:
        """Move the named channels from their values to ``targets`` between t0 and t0+dur."""
        for ch, v in targets.items():
            tr = self.tracks[ch]
            tr.hold_until(max(t0, tr.end_s))
            if abs(tr.value - v) < 1e-9:
                tr.hold_until(t0 + dur)
            else:
                tr.move(float(v), dur, profile)  # type: ignore[arg-type]
        return t0 + dur


def _u(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(rng.uniform(lo, hi))


def _legs(leg: str) -> tuple[str, ...]:
    return ("left", "right") if leg == "both" else (leg,)


def rest_pose(exercise: str, variant: str, info: BodyInfo, working: str = "left") -> dict[str, float]:
    """Channel values of the position the reps start from and return to."""
    hook_th, hook_kn = info.hook
    flat_th, flat_kn = info.flat
    if exercise == "straight-leg":
        if variant == "from_vertical":
            return {"thigh_left_deg": 3.0, "thigh_right_deg": 3.0, "knee_left_deg": VERTICAL_KNEE_DEG,
                    "knee_right_deg": VERTICAL_KNEE_DEG, "foot_flat_left": 0.0, "foot_flat_right": 0.0, "sway_gain": 1.0}
        if variant == "from_floor":
            return {"thigh_left_deg": flat_th, "thigh_right_deg": flat_th, "knee_left_deg": flat_kn,
                    "knee_right_deg": flat_kn, "foot_flat_left": 0.35, "foot_flat_right": 0.35, "sway_gain": 0.0}
        other = "right" if working == "left" else "left"  # one_leg_held: the other leg hook-lying
        return {f"thigh_{working}_deg": flat_th, f"knee_{working}_deg": flat_kn, f"foot_flat_{working}": 0.35,
                f"thigh_{other}_deg": hook_th, f"knee_{other}_deg": hook_kn, f"foot_flat_{other}": 1.0, "sway_gain": 0.0}
    return {"thigh_left_deg": 0.0, "thigh_right_deg": 0.0, "knee_left_deg": 90.0, "knee_right_deg": 90.0,
            "foot_flat_left": 0.0, "foot_flat_right": 0.0, "sway_gain": 1.0}


def legs_down_pose(kind: str, info: BodyInfo) -> dict[str, float]:
    """Legs resting on the mat: ``hook`` (knees bent, feet flat) or ``flat`` (legs straight)."""
    th, kn = info.hook if kind == "hook" else info.flat
    ff = 1.0 if kind == "hook" else 0.35
    return {"thigh_left_deg": th, "thigh_right_deg": th, "knee_left_deg": kn, "knee_right_deg": kn,
            "foot_flat_left": ff, "foot_flat_right": ff, "sway_gain": 0.0}


# ----- exercise reps ----------------------------------------------------------------------------------

def _rep_duration_estimate(rep: dict[str, Any]) -> float:
    return rep["lower_s"] + rep["raise_s"] + rep.get("pause_s", 0.0) + rep.get("gap_s", 0.0)


def _plan_rep_motion(tl: _Timeline, rep: dict[str, Any], exercise: str, variant: str, info: BodyInfo,
                     rest: dict[str, float], t0: float, rng: np.random.Generator) -> tuple[float, float, float]:
    """Append one rep's motion from t0; return (start, reversal, end) times."""
    legs = _legs(rep["leg"])
    lower_s, raise_s, pause_s = rep["lower_s"], rep["raise_s"], rep.get("pause_s", 0.0)
    fast = max(lower_s, raise_s) < 1.5
    profile = "cosine" if fast else "minjerk"
    geom = info.geom
    tilt_peak = info.tilt_for_lift_deg(rep["arch_lift_cm"]) if rep.get("arch_lift_cm", 0.0) > 0 else 0.0
    partial = rep.get("partial_depth")
    if exercise == "straight-leg" and variant in ("from_floor", "one_leg_held"):
        # raise from the floor to the top, hold, lower back: the reversal is at the top
        flat_th, flat_kn = info.flat
        top_th = rep["top_thigh_deg"]
        if partial:  # the heel rises only this share of the way to vertical
            top_th = info.geom.thigh_for_heel_deg(partial * info.vertical_heel_cm, rep.get("knee_turn_deg", 174.0))
        knee_top = rep.get("knee_turn_deg", 174.0)
        for side in legs:
            tl.move({f"thigh_{side}_deg": top_th, f"knee_{side}_deg": knee_top, f"foot_flat_{side}": 0.0}, t0, raise_s, profile)
        tl.move({"sway_gain": 1.0}, t0, min(raise_s, 1.0))
        turn = t0 + raise_s
        tl.sync(turn + pause_s)
        for side in legs:
            tl.move({f"thigh_{side}_deg": flat_th, f"knee_{side}_deg": flat_kn, f"foot_flat_{side}": 0.35},
                    turn + pause_s, lower_s, profile)
        end = turn + pause_s + lower_s
        tl.move({"sway_gain": 0.0}, end - min(lower_s, 1.0), min(lower_s, 1.0))
        if tilt_peak > 0:  # the back lifts as the legs leave the floor, settles as they rise
            tl.move({"tilt_deg": tilt_peak}, t0, 0.3 * raise_s)
            tl.move({"tilt_deg": 0.0}, t0 + 0.3 * raise_s, 0.5 * raise_s)
        tl.sync(end)
        return t0, turn, end
    # lowering reps (heel tap, leg extension, straight legs from vertical): the reversal at the bottom
    knee_b = rep["knee_bottom_deg"]
    heel_b = rep["heel_bottom_cm"]
    if partial:  # the heel lowers only this share of its rest height
        rest_heel = info.vertical_heel_cm if variant == "from_vertical" else info.tabletop_heel_cm
        heel_b = rest_heel * (1.0 - partial)
    thigh_b = geom.thigh_for_heel_deg(heel_b, knee_b)
    bottom = t0 + lower_s
    for side in legs:
        tl.move({f"thigh_{side}_deg": thigh_b, f"knee_{side}_deg": knee_b}, t0, lower_s, profile)
    if rep.get("bounce"):
        for side in legs:
            tr = tl.tracks[f"thigh_{side}_deg"]
            tr.move(thigh_b - 7.0, 0.15, "cosine").move(thigh_b - 1.0, 0.15, "cosine")
        pause_s = max(pause_s, 0.3)
    end = bottom + pause_s + raise_s
    for side in legs:
        th, kn = tl.tracks[f"thigh_{side}_deg"], tl.tracks[f"knee_{side}_deg"]
        th.hold_until(bottom + pause_s).move(rest[f"thigh_{side}_deg"], raise_s, profile)  # type: ignore[arg-type]
        kn.hold_until(bottom + pause_s).move(rest[f"knee_{side}_deg"] + float(rng.normal(0, 0.8)), raise_s, profile)  # type: ignore[arg-type]
    if tilt_peak > 0:
        tilt = tl.tracks["tilt_deg"]
        tilt.hold_until(max(tilt.end_s, t0 + 0.45 * lower_s)).move(tilt_peak, 0.55 * lower_s)
        tilt.hold_until(bottom + pause_s).move(0.0, 0.6 * raise_s)
    tl.sync(end)
    return t0, bottom, end


def build_session(motion: dict[str, Any], info: BodyInfo = BodyInfo(), seed: int = 0) -> Session:
    """Build the tracks of a drawn motion description (see :func:`formcheck.synth.corpus.draw_motion`)."""
    if motion["exercise"] in NEGATIVES:
        return _build_negative(motion, info, seed)
    rng = np.random.default_rng([seed, 77])
    exercise, variant = motion["exercise"], motion.get("variant", "")
    first_leg = motion["sets"][0]["reps"][0]["leg"] if motion["sets"] and motion["sets"][0]["reps"] else "left"
    working = first_leg if first_leg in ("left", "right") else "left"
    rest = rest_pose(exercise, variant, info, working)
    start = motion["start"]
    setup = motion.get("setup")
    down = legs_down_pose(motion.get("legs_down", "hook"), info)
    initial = dict(rest)
    if start["kind"] == "late" and start.get("legs") == "down":
        initial = dict(down)
    elif start["kind"] == "moving" and start.get("from") == "down":
        initial = dict(down)
    if setup:
        off = dict(initial)
        joint, dev = setup["joint"], setup["offset_deg"]
        for side in ("left", "right"):
            if joint == "knee":
                off[f"knee_{side}_deg"] = rest[f"knee_{side}_deg"] + dev
            else:
                off[f"thigh_{side}_deg"] = rest[f"thigh_{side}_deg"] + dev
        initial = off
    tl = _Timeline(initial)
    still_window = None
    t = 0.0
    if start["kind"] == "still":
        hold = start["still_s"]
        if setup:
            tl.sync(setup["hold_s"])
            t = tl.move(rest, setup["hold_s"], setup["correct_s"])
            still_window = (t, t + hold)
            t = tl.sync(t + hold)
        else:
            still_window = (0.0, hold)
            t = tl.sync(hold)
    elif start["kind"] == "moving":
        if start.get("from") == "down":
            t = tl.move(rest, start["delay_s"], start["rise_s"])
            t = tl.sync(t + start["settle_s"])
        else:
            t = tl.sync(start["delay_s"])
    else:  # late: lying still a long time, legs down or in the rest position
        t = tl.sync(start["late_s"])
        if start.get("legs") == "down":
            t = tl.move(rest, t, start["rise_s"])
        still_window = (t, t + start["still_s"])
        t = tl.sync(t + start["still_s"])
    setup_info = None
    if setup:
        setup_info = {"joint": setup["joint"], "offset_deg": setup["offset_deg"], "end_s": round(setup["hold_s"] + setup["correct_s"], 4)}
    reps: list[PlannedRep] = []
    partial: list[PlannedRep] = []
    sets_out: list[dict[str, Any]] = []
    for si, set_d in enumerate(motion["sets"], start=1):
        if si > 1:
            # rest between sets: legs down on the mat, then back up
            rest_gap = set_d["rest_s"]
            t_rest0 = t
            t = tl.move(down, t, set_d["down_s"])
            up_at = t_rest0 + rest_gap - set_d["up_s"] - set_d["settle_s"]
            tl.sync(max(t, up_at))
            set_rest = rest_pose(exercise, variant, info, set_d["reps"][0]["leg"] if set_d["reps"][0]["leg"] != "both" else working)
            rest = set_rest
            t = tl.move(rest, max(t, up_at), set_d["up_s"])
            t = tl.sync(t + set_d["settle_s"])
        set_reps: list[int] = []
        set_start = None
        for rep in set_d["reps"]:
            if exercise == "straight-leg" and variant == "one_leg_held":
                rest = rest_pose(exercise, variant, info, rep["leg"])
            s, b, e = _plan_rep_motion(tl, rep, exercise, variant, info, rest, t, rng)
            plan = PlannedRep(0, rep["leg"], s, b, e, "top" if variant in ("from_floor", "one_leg_held") else "bottom",
                              rep.get("pause_s", 0.0) + (0.3 if rep.get("bounce") and rep.get("pause_s", 0.0) < 0.3 else 0.0),
                              si, intent=dict(rep.get("intent", {})), partial=rep.get("partial", False))
            if plan.partial:
                plan.index = len(partial) + 1
                partial.append(plan)
            else:
                plan.index = len(reps) + 1
                reps.append(plan)
                set_reps.append(plan.index)
                set_start = s if set_start is None else set_start
                set_end = e
            t = tl.sync(e + rep.get("gap_s", 0.0))
        if set_reps:
            sets_out.append({"index": len(sets_out) + 1, "start_s": round(set_start, 4), "end_s": round(set_end, 4), "reps": set_reps})
    end_hold = motion.get("end_hold_s", 1.0)
    duration = tl.sync(t + end_hold)
    sway = {
        name: (rng.uniform(0.3, 0.8, 2), rng.uniform(0.15, 0.45, 2), rng.uniform(0, 2 * np.pi, 2))
        for name in LEG_CHANNELS
    }
    support = "back"
    return Session(tl.tracks, support, reps, partial, sets_out, duration, still_window, setup_info,
                   exercise, variant, sway)


# ----- negatives (other floor exercises): no reps of ours -----------------------------------------------

def _build_negative(motion: dict[str, Any], info: BodyInfo, seed: int) -> Session:
    rng = np.random.default_rng([seed, 78])
    kind = motion["exercise"]
    p = motion["params"]
    hook = legs_down_pose("hook", info)
    flat = legs_down_pose("flat", info)
    events: list[dict[str, Any]] = []
    if kind in ("crunch", "glute_bridge", "bridge_march") or (kind == "lying_still" and p.get("legs") == "hook"):
        base = dict(hook)
    else:
        base = dict(flat)
    if kind in ("glute_bridge", "bridge_march"):
        base.update({"plant_left": 1.0, "plant_right": 1.0})
    tl = _Timeline(base)
    t = tl.sync(p["lead_s"])
    if kind == "crunch":
        for _ in range(p["reps"]):
            up, hold, down_s = _u(rng, *p["up_s"]), _u(rng, 0.0, 0.8), _u(rng, *p["up_s"])
            flex = _u(rng, *p["flex_deg"])
            t0 = t
            tl.move({"trunk_flex_deg": flex, "arm_deg": _u(rng, 8, 20)}, t, up)
            t = tl.sync(t + up + hold)
            t = tl.move({"trunk_flex_deg": 0.0, "arm_deg": 0.0}, t, down_s)
            events.append({"what": "crunch", "start_s": round(t0, 3), "end_s": round(t, 3)})
            t = tl.sync(t + _u(rng, 0.2, 1.2))
    elif kind in ("glute_bridge", "bridge_march"):
        n = p["reps"] if kind == "glute_bridge" else 1
        for _ in range(n):
            lift = _u(rng, *p["lift_deg"])
            up = _u(rng, 1.0, 2.5)
            t0 = t
            t = tl.move({"trunk_raise_deg": -lift, "neck_deg": 0.8 * lift}, t, up)
            if kind == "glute_bridge":
                t = tl.sync(t + _u(rng, 0.5, 2.5))
            else:
                for m in range(p["marches"]):
                    side = ("left", "right")[m % 2]
                    lift_s = _u(rng, 0.7, 1.4)
                    th = _u(rng, 0.0, 20.0)
                    tl.move({f"plant_{side}": 0.0, f"thigh_{side}_deg": th, f"knee_{side}_deg": _u(rng, 85, 100),
                             f"foot_flat_{side}": 0.3}, t, lift_s)
                    t = tl.sync(t + lift_s + _u(rng, 0.2, 1.0))
                    hook_th, hook_kn = info.hook
                    t = tl.move({f"plant_{side}": 1.0, f"thigh_{side}_deg": hook_th, f"knee_{side}_deg": hook_kn,
                                 f"foot_flat_{side}": 1.0}, t, lift_s)
                    t = tl.sync(t + _u(rng, 0.1, 0.6))
            t = tl.move({"trunk_raise_deg": 0.0, "neck_deg": 0.0}, t, _u(rng, 1.0, 2.5))
            events.append({"what": kind, "start_s": round(t0, 3), "end_s": round(t, 3)})
            t = tl.sync(t + _u(rng, 0.5, 2.0))
    elif kind == "hollow_hold":
        for _ in range(p["holds"]):
            t0 = t
            th = _u(rng, 60.0, 70.0)
            t = tl.move({"trunk_flex_deg": _u(rng, 25, 35), "arm_deg": _u(rng, 12, 25), "trunk_raise_deg": -_u(rng, 2, 5),
                         "thigh_left_deg": th, "thigh_right_deg": th, "knee_left_deg": 175.0, "knee_right_deg": 175.0,
                         "foot_flat_left": 0.5, "foot_flat_right": 0.5, "sway_gain": 0.4}, t, _u(rng, 1.2, 2.2))
            t = tl.sync(t + _u(rng, *p["hold_s"]))
            t = tl.move({**flat, "trunk_flex_deg": 0.0, "arm_deg": 0.0, "trunk_raise_deg": 0.0}, t, _u(rng, 1.2, 2.2))
            events.append({"what": "hollow_hold", "start_s": round(t0, 3), "end_s": round(t, 3)})
            t = tl.sync(t + _u(rng, 3.0, 6.0))
    elif kind == "sit_up":
        for _ in range(p["times"]):
            t0 = t
            up = _u(rng, 2.0, 3.5)
            raise_to = _u(rng, 68.0, 80.0)
            tl.move({"trunk_flex_deg": _u(rng, 20, 30)}, t, 0.4 * up)
            tl.move({"trunk_raise_deg": raise_to}, t + 0.15 * up, 0.85 * up)
            tl.move({"trunk_flex_deg": _u(rng, 5, 12)}, t + 0.4 * up, 0.6 * up)
            t = tl.sync(t + up)
            sit = _u(rng, *p["sit_s"])
            tl.move({"trunk_raise_deg": raise_to - _u(rng, 2, 6)}, t, sit * 0.5)
            t = tl.sync(t + sit)
            down = _u(rng, 2.5, 4.0)
            tl.move({"trunk_flex_deg": _u(rng, 18, 28)}, t, 0.5 * down)
            tl.move({"trunk_raise_deg": 0.0}, t, down)
            tl.move({"trunk_flex_deg": 0.0}, t + 0.5 * down, 0.5 * down)
            t = tl.sync(t + down)
            events.append({"what": "sit_up", "start_s": round(t0, 3), "end_s": round(t, 3)})
            t = tl.sync(t + _u(rng, 2.0, 5.0))
    elif kind == "lying_still":
        t = tl.sync(t + p["still_s"])
        events.append({"what": "lying_still", "start_s": 0.0, "end_s": round(t, 3)})
    else:  # pragma: no cover - guarded by NEGATIVES
        raise ValueError(kind)
    duration = tl.sync(t + p.get("end_s", 1.0))
    sway = {name: (rng.uniform(0.2, 0.5, 2), rng.uniform(0.15, 0.4, 2), rng.uniform(0, 2 * np.pi, 2)) for name in LEG_CHANNELS}
    return Session(tl.tracks, SUPPORT[kind], [], [], [], duration, None, None, kind, "", sway, events)


def fit_to_duration(motion: dict[str, Any]) -> float:
    """Rough duration (s) of a motion description, before building it (for drawing to a target length)."""
    start = motion["start"]
    t = {"still": start.get("still_s", 0.0) + (motion["setup"]["hold_s"] + motion["setup"]["correct_s"] if motion.get("setup") else 0.0),
         "moving": start.get("delay_s", 0.0) + (start.get("rise_s", 0.0) + start.get("settle_s", 0.0)
                                               if start.get("from") == "down" else 0.0),
         "late": start.get("late_s", 0.0) + start.get("rise_s", 0.0) + start.get("still_s", 0.0)}[start["kind"]]
    for i, s in enumerate(motion["sets"]):
        if i:
            t += s["rest_s"]
        t += sum(_rep_duration_estimate(r) for r in s["reps"]) + 0.3 * len(s["reps"])
    return t + motion.get("end_hold_s", 1.0)
