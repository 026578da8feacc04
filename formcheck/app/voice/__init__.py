"""Coaching by voice: spoken set-up guidance, fault cues, rep counts, set ends, a tempo count
and a session summary, live (:class:`LiveVoice`) and on the annotated video's audio track
(:class:`VoiceReplay` + :func:`add_voice_track`).

Speech is pre-rendered offline (``prompts/<language>.zip``, made by
``scripts/build_voice_prompts.py`` from the wording table) and joined at play time; nothing
is synthesised or sent anywhere while formcheck runs.
"""

from formcheck.app.voice.coach import VoiceCoach
from formcheck.app.voice.cues import Cue, CueKind
from formcheck.app.voice.live_voice import LiveVoice
from formcheck.app.voice.player import VoicePlayer
from formcheck.app.voice.prompts import PromptBank
from formcheck.app.voice.replay import VoiceReplay
from formcheck.app.voice.track import add_voice_track

__all__ = ["Cue", "CueKind", "LiveVoice", "PromptBank", "VoiceCoach", "VoicePlayer", "VoiceReplay",
           "add_voice_track"]
