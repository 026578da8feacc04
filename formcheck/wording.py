"""Every sentence formcheck says to a person: fault cues and messages, advice, set-up guidance,
camera advice and the report's warnings, as one table of templates.

A template is looked up by key and filled with named values (``str.format``). Another
language is another table with the same keys (:data:`TABLES`), not code; the banner, the
report, the voice and the terminal all say what this module says.
"""

from __future__ import annotations

from typing import Any, Mapping

ENGLISH: Mapping[str, str] = {
    # short cues: live banners, the annotated video, spoken prompts
    "cue.arching": "back lifting — stop here, that is your end range",
    "cue.swinging": "slow down: {down:.0f} seconds down, {up:.0f} up",
    "cue.tabletop_lost.bend": "keep the {knee:.0f}° bend",
    "cue.tabletop_lost.straight": "keep the knees straight",
    # fault messages in the report (the cue, then what was measured)
    "fault.arching": "back lifting — stop here, that is your end range ({what}{where})",
    "fault.arching.lift": "your lower back lifted {value:.1f} cm",
    "fault.arching.tilt": "your pelvis tilted {value:.0f}°",
    "fault.arching.where": " when the heel was {heel:.0f} cm above the floor",
    "fault.swinging.phase": "slow down: {down:.0f} seconds down, {up:.0f} up (you {verb} the leg in {value:.1f} s)",
    "fault.swinging.verb.lower": "lowered",
    "fault.swinging.verb.raise": "raised",
    "fault.swinging.bounce": "no bouncing at the bottom: pause, then raise under control "
                             "({down:.0f} seconds down, {up:.0f} up)",
    "fault.knee.opened": "keep the {knee:.0f}° bend: the knee opened to {value:.0f}°",
    "fault.knee.closed": "keep the {knee:.0f}° bend: the knee closed to {value:.0f}°",
    "fault.knee.straight": "keep the knees straight: one bent to {value:.0f}°",
    "fault.start.knee": "start from tabletop: knees at {knee:.0f}° (yours {value:.0f}°)",
    "fault.start.hip": "start from tabletop: hips at {hip:.0f}°, thighs vertical (yours {value:.0f}°)",
    "fault.setup.tabletop": "start position is not tabletop: bend hips and knees to {knee:.0f}° "
                            "(knee at {value:.0f}°)",
    "fault.setup.straight": "start with both legs straight up (knee at {value:.0f}°)",
    # advice in the summary
    "advice.no_reps": "No reps were counted: lie side-on to the camera, start in tabletop, "
                      "and lower one heel slowly toward the floor.",
    "advice.setup": "Start each set from tabletop: hips and knees at 90°, shins parallel to the floor.",
    "advice.end_range": "{name}: your back lifted when the heel was {heel:.0f} cm above the floor{at_hip} — "
                        "stop above that; that is your end range for now.",
    "advice.end_range.hip": " (hip angle {hip:.0f}°)",
    "advice.leg.both": "Both legs",
    "advice.leg.one": "{leg} leg",
    "advice.tempo": "Slow down: about {down:.0f} s down and {up:.0f} s up, no bounce at the bottom "
                    "(your average: {lower:.1f} s down, {raise_:.1f} s up).",
    "advice.knees_straight": "Keep both knees straight through the whole rep.",
    "advice.knee_bend": "Keep the {knee:.0f}° knee bend through the whole rep: the lever must not change.",
    "advice.progress": "Every rep was clean at full depth and a ~{down:.0f} s tempo: "
                       "progress to {name} ({description}).",
    "advice.top": "Every rep was clean at full depth and a slow tempo: this is the top progression; "
                  "build to 3 sets of 10–12 slow reps.",
    "advice.deeper": "Clean reps: lower a little further each session while the back stays imprinted.",
    # set-up guidance (live), and the camera view
    "setup.no_person": "no person found — lie down side-on to the camera, your whole body in view",
    "setup.body_cut_off": "move back (or move the camera away): your whole body must be in the frame",
    "setup.hold_still": "hold tabletop still: hips and knees at 90°, lower back pressed into the mat",
    "setup.ready": "ready — lower one heel slowly: {down:.0f} seconds down, {up:.0f} up",
    "setup.paused": "paused — press space to continue",
    "view.no_person": "no person found — is the whole body in view, side-on?",
    "view.upright": "lie on your back with the camera beside you — the person seems to be upright "
                    "(or the video is turned on its side)",
    "view.too_small": "move the camera closer: your body should fill at least a fifth of the frame",
    "view.turn_side_on": "turn the camera side-on: film from beside you, level with your hips",
    "view.oblique_feet": "turn the camera more side-on for the lower-back measure",
    "view.oblique_head": "a more side-on camera makes the lower-back measure more reliable",
    # spoken prompts (--voice, --pace): pre-rendered offline from these keys (formcheck/app/voice/prompts);
    # {fields} filled by the profile are part of the prompt, counts are separate number prompts
    "voice.setup.no_person": "lie down side-on to the camera, your whole body in view",
    "voice.setup.body_cut_off": "move the camera back: your whole body must be in view",
    "voice.setup.too_small": "move the camera closer",
    "voice.setup.turn_side_on": "turn the camera side-on",
    "voice.setup.upright": "lie on your back, with the camera beside you",
    "voice.setup.oblique": "turn the camera more side-on",
    "voice.setup.hold_still": "hold tabletop still",
    "voice.setup.ready": "ready",
    "voice.fault.arching": "back lifting: stop here, that is your end range",
    "voice.fault.swinging": "slow down: {down:.0f} seconds down",
    "voice.fault.tabletop_lost.bend": "keep the {knee:.0f} degree bend",
    "voice.fault.tabletop_lost.straight": "keep the knees straight",
    "voice.leg.left": "left",
    "voice.leg.right": "right",
    "voice.count": "{leg}, {n}",
    "voice.count.both": "{n}",
    "voice.set.legs": "set {set} done: left {left}, right {right}. rest",
    "voice.set.both": "set {set} done: {reps} reps. rest",
    "voice.summary.legs": "session over: left {left}, right {right}, {clean} clean",
    "voice.summary.both": "session over: {reps} reps, {clean} clean",
    "voice.pace.lowering": "down",
    "voice.pace.raising": "up",
    "voice.pace.beat": "{n}",
    "voice.fallback": "{reason} — the spoken cues are printed here instead",
    "voice.fallback.off": "{reason} — the spoken cues are off",
    "voice.track_failed": "the voice track could not be added to the annotated video ({reason}); the video has no sound",
    # report warnings
    "warn.calibration_fallback": "no still tabletop found in the first {search_s:.0f} s — the baselines were "
                                 "taken from the stillest second; lie still in tabletop for 2 s before the "
                                 "first rep",
    "warn.camera": "camera: {advice}",
    "warn.person_lost": "person not found from {lost_s:.1f} s to {found_s:.1f} s (out of frame or hidden?) "
                        "— reps in that time could not be counted",
    "warn.oblique_far_knee": "oblique camera: the knee of the far leg ({leg}) cannot be judged from here",
    "warn.far_leg": "the {far} leg was the far one from the camera: it hides behind the {near} leg at the "
                    "start of each lowering and the end of each raise, so its rep times and tempo are "
                    "approximate — film from your {far} side to time that leg precisely",
    "warn.no_lumbar": "the lower back cannot be judged from this camera view, so arching is not checked",
    "warn.no_heel_height": "the heels' height above the floor cannot be seen from this camera view, so no reps "
                           "were counted — film from the side, the whole body in the frame",
    "warn.moved.recalibrated": "you (or the camera) moved at {moved_s:.1f} s: recalibrated on the still "
                               "tabletop at {again_s:.1f} s",
    "warn.moved.lost": "you (or the camera) moved at {moved_s:.1f} s: no still tabletop followed, so nothing "
                       "after it was measured",
    "warn.interrupted": "the analysis was interrupted: this report covers only the frames analysed",
    # two cameras of one session
    "warn.alignment_weak": "the two videos were aligned in time with low confidence ({confidence:.2f}; the "
                           "second starts {offset_s:+.2f} s after the first) — check that both show the same "
                           "session and that the legs are in view in both",
    "warn.camera_n": "camera {n}: {warning}",
}

TABLES: Mapping[str, Mapping[str, str]] = {"en": ENGLISH}


class Wording:
    """The sentences of one language: ``say(key, **values)`` fills a template."""

    def __init__(self, table: Mapping[str, str] = ENGLISH) -> None:
        missing = set(ENGLISH) - set(table)
        if missing:
            raise ValueError(f"the wording table lacks {len(missing)} keys, e.g. {sorted(missing)[0]!r}")
        self.table = table

    def say(self, key: str, **values: Any) -> str:
        """The sentence ``key`` with ``values`` filled in (KeyError names an unknown key)."""
        return self.table[key].format(**values)


WORDS = Wording()


def say(key: str, **values: Any) -> str:
    """A sentence of the default (English) table; see :class:`Wording`."""
    return WORDS.say(key, **values)
