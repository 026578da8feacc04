"""One fault engine: live feedback and the report judge every rep of a session alike.

A sample is replayed through what ``formcheck live`` does with each processed frame (the
recorder, then the streaming feedback: causal smoothing, the streaming rep machine and the
fault detector) and through the offline analysis ``analyze`` and the live report run on the
same recorded frames (zero-phase smoothing, fitted rep times, the detector replayed). Every
rep must get the same fault codes from both. Real model, real frames, default stride.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from formcheck.analysis.session import summarise_session
from formcheck.app.analyze import MAX_ANALYSIS_SIDE_PX
from formcheck.app.live_feedback import LiveFeedback, process_frame
from formcheck.io.sources import VideoFileSource, fit_within
from formcheck.measure.recorder import MeasureRecorder
from formcheck.measure.stride import default_stride
from formcheck.pose.estimator import PoseEstimator
from formcheck.profiles import get_profile

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
CLIPS = ("heel_tap_mixed", "heel_tap_swinging", "heel_tap_arching")


@pytest.mark.parametrize("clip", CLIPS)
def test_live_and_the_report_give_every_rep_the_same_fault_codes(clip: str) -> None:
    truth = json.loads((SAMPLES / f"{clip}.truth.json").read_text())
    profile = get_profile(truth["clip"]["exercise"])
    source = VideoFileSource(SAMPLES / f"{clip}.mp4")
    recorder, feedback = MeasureRecorder(profile), LiveFeedback(profile)
    with PoseEstimator(mode="video") as estimator:
        for frame in source.frames(pixels_every=default_stride(source.info.fps)):
            if frame.has_pixels:
                pose = estimator.estimate(fit_within(frame, MAX_ANALYSIS_SIDE_PX))
                process_frame(recorder, feedback, pose, frame.index)
    report = summarise_session(recorder, profile)
    live = sorted(feedback.analysis.judged, key=lambda item: item[0].start_s)
    assert len(report.reps) == len(truth["reps"])  # the offline analysis is right on these clips
    assert [rep.leg for rep, _ in live] == [rep.leg for rep in report.reps]
    for (live_rep, live_faults), rep, faults in zip(live, report.reps, report.faults):
        assert abs(live_rep.start_s - rep.start_s) < 1.0 and abs(live_rep.end_s - rep.end_s) < 1.0
        assert [f.code for f in live_faults] == [f.code for f in faults], (
            f"rep {rep.index} ({rep.leg}, {rep.start_s:.1f}-{rep.end_s:.1f} s): live {live_faults} "
            f"vs report {faults}")
    live_codes = sorted(f.code for _, faults in live for f in faults)
    true_codes = sorted(f["code"] for rep in truth["reps"] for f in rep["faults"])
    assert live_codes == true_codes
