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
    "advice.tempo.phases": "rep {index}: {lower:.1f} s down, {raise_:.1f} s up",
    "advice.tempo.rushed": "Slow down: {phases} — about {down:.0f} s down and {up:.0f} s up; a phase under "
                           "{min_s:.1f} s is swinging.",
    "advice.tempo.bounce": "No bouncing at the bottom (rep {reps}): pause, then raise under control.",
    "advice.tempo.quick": "Not swinging, but a little quicker than the coached {down:.0f} s down and {up:.0f} s "
                          "up ({phases}): slower builds more control.",
    "advice.knees_straight": "Keep both knees straight through the whole rep.",
    "advice.knee_bend": "Keep the {knee:.0f}° knee bend through the whole rep: the lever must not change.",
    "advice.progress": "Every rep was clean at full depth and a ~{down:.0f} s tempo: "
                       "progress to {name} ({description}).",
    "advice.top": "Every rep was clean at full depth and a slow tempo: this is the top progression; "
                  "build to 3 sets of 10–12 slow reps.",
    "advice.deeper": "Clean reps: lower a little further each session while the back stays imprinted.",
    # sets: the session against the prescription, and fatigue within a set
    "advice.sets.done": "This session: {sets} {word} ({per_leg} reps per leg); the prescription is {target} sets "
                        "of {reps_min}–{reps_max} slow reps per leg, {week_min}–{week_max} times a week.",
    "advice.sets.word.one": "set",
    "advice.sets.word.many": "sets",
    "advice.sets.short": "Set{many} {which}: fewer than {reps_min} reps per leg — build up to "
                         "{reps_min}–{reps_max} while every rep stays clean.",
    "advice.sets.over": "Set{many} {which}: more than {reps_max} reps per leg — rather than more reps, move on "
                        "to the next progression once every rep is clean.",
    "advice.sets.more": "Build up to {target} sets, with a rest of at least {rest_s:.0f} s between them "
                        "(formcheck starts a new set after such a rest).",
    "advice.sets.on_target": "Sets and reps per leg are as prescribed.",
    "advice.fatigue.leg": " of the {leg} leg",
    "advice.fatigue.arching": "Set {set}: your back started lifting from rep {rep}{leg} on (rep {index} in the "
                              "table) — that is fatigue: end the set there, or rest longer between sets.",
    "advice.fatigue.tabletop_lost": "Set {set}: your knee drifted out of position from rep {rep}{leg} on (rep "
                                    "{index} in the table) — that is fatigue: end the set there, or rest longer "
                                    "between sets.",
    "advice.fatigue.tempo": "Set {set}: your tempo shortened from rep {rep}{leg} on (rep {index} in the table: "
                            "{now:.1f} s against {before:.1f} s at the start of the set) — that is fatigue: "
                            "slow down, or end the set there.",
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
    # exercise recognition (--exercise auto): report.json's exercise_detection note, the report, live set-up
    "detect.name.heel-tap": "heel taps",
    "detect.name.leg-extension": "leg extensions",
    "detect.name.straight-leg": "straight-leg raises",
    "detect.found": "recognised {name}: {evidence}",
    "detect.mismatch": "you asked for {asked}, but {evidence}: {found}?",
    "detect.none": "{seen}: formcheck checks heel taps, leg extensions and straight-leg raises lying on your "
                   "back, so no reps were counted",
    "detect.start_only": "no whole rep was seen, so this was analysed as {name} from your start position",
    "detect.asked_other": "{seen}: this may not be the exercise you asked for, so check the reps below",
    "detect.evidence.heel-tap": "your knee stayed bent on {reps}",
    "detect.evidence.leg-extension": "your knee straightened on {reps}",
    "detect.evidence.straight-leg": "your legs stayed straight on {reps}",
    "detect.every_rep": "every rep",
    "detect.some_reps": "{n} of {total} reps",
    "detect.seen.nobody": "the person was not seen long enough to tell the exercise",
    "detect.seen.upright": "this looks like sitting or standing, not lying on your back",
    "detect.seen.shoulders": "this looks like a different exercise (your shoulders rose and fell: a crunch or sit-up?)",
    "detect.seen.hips": "this looks like a different exercise (your hips rose off the floor: a bridge?)",
    "detect.seen.still": "this looks like a different exercise (no leg was lowered and raised again)",
    "detect.seen.unclear": "this looks like a different exercise",
    "detect.live.watching": "watching your first reps to recognise the exercise",
    "detect.live.found": "recognised {name}",
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
    "warn.calibration_overlap": "the calibration (imprint) window {start_s:.1f}–{end_s:.1f} s reaches "
                                "{overlap_s:.1f} s into rep {rep}, so its baselines include the start of that "
                                "movement — lie still in tabletop for 2 s before the first rep",
    # the session history
    "history.recorded": "history: recorded as session {id} ({person}, {exercise}, sets: {sets}){replaced} — "
                        "'formcheck history' lists the sessions",
    "history.skipped": "history: not recorded — no reps were counted in this session",
    "history.recorded.replaced": ", replacing the earlier record of this video",
    "history.batch.recorded": "history: {count} {sessions} of this batch recorded{without} — 'formcheck history' "
                              "lists the sessions",
    "history.batch.without_reps": "; {count} {videos} without reps not recorded",
    "history.batch.failed": "{message} ({count} {videos} of this batch)",
    "history.batch.no_report": "the report {path} could not be read back ({reason}), so this session was not "
                               "recorded; run the batch again with --force for this video",
    "history.problem.damaged": "the session history {path} is damaged ({reason})",
    "history.problem.busy": "the session history {path} stayed busy for {wait_s:.0f} s (another formcheck was "
                            "writing to it)",
    "history.problem.unwritable": "the session history folder {folder} cannot be used ({reason})",
    "history.problem.newer": "the session history {path} was written by a newer formcheck ({reason})",
    "history.fix.damaged": "move that file away (formcheck then starts a new history) or set FORMCHECK_HOME "
                           "to another folder",
    "history.fix.busy": "try again when the other formcheck has finished",
    "history.fix.unwritable": "set FORMCHECK_HOME to a folder you can write, or use --no-history",
    "history.fix.newer": "update formcheck, or set FORMCHECK_HOME to another folder",
    "progress.next": "{person}: the last {count} {exercise} sessions were clean at full depth and a slow tempo "
                     "— move on to {next} ({description}).",
    "progress.top": "{person}: the last {count} {exercise} sessions were clean at full depth and a slow tempo — "
                    "this is the top progression: keep to 3 sets of 10–12 slow reps.",
    "progress.not_yet": "{person}: {ready} of the last {count} {exercise} sessions were clean at full depth and a "
                        "slow tempo; {needed} in a row earn the next progression.",
    "progress.end_range.worse": "{leg}: the end range got worse — the back now stays down only to {latest:.0f} cm "
                                "above the floor, against {earlier:.0f} cm before; ease off for a few sessions "
                                "and stop above that height.",
    "progress.end_range.better": "{leg}: the end range improved — the back now stays down to {latest:.0f} cm "
                                 "above the floor, against {earlier:.0f} cm before.",
    "progress.frequency.none": "No session in the last {days} days; the prescription is {low}–{high} a week.",
    "progress.frequency.low": "{per_week:.1f} sessions a week over the last {days} days; the prescription is "
                              "{low}–{high}.",
    "progress.frequency.high": "{per_week:.1f} sessions a week over the last {days} days — more than the "
                               "{low}–{high} prescribed: rest days let the muscles adapt.",
    "progress.frequency.ok": "{per_week:.1f} sessions a week over the last {days} days, as prescribed "
                             "({low}–{high}).",
    "history.not_recorded": "{problem}, so this session was not recorded; the report was written — {fix}",
    "history.cannot_use": "{problem} — {fix}",
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
