"""The annotated video and the fault stills (second pass of ``analyze``), on a real sample.

One module-scoped analysis of the first 17 s of the tabletop-lost sample (rep 2's knee
opens: one fault) with the video written; the other cases re-run only the second pass on
a copy of its outputs. Report pages are loaded by headless Chromium over the DevTools
protocol (``--remote-debugging-pipe``: no extra package) when Chromium is installed.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import fcntl
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from formcheck import cli
from formcheck.app.annotate import ANNOTATED_VIDEO, annotate_outputs
from formcheck.render.timeline import OverlayTimeline, fault_moments
from formcheck.errors import AnnotationInterrupted
from formcheck.render.palette import DEFAULT_PALETTE, FAULT_COLOURS, hex_colour
from formcheck.render.annotator import Annotator
from formcheck.app.analyze import MAX_ANALYSIS_SIDE_PX, analyze_video
from formcheck.app.result import AnalysisResult
from formcheck.profiles import get_profile
from formcheck.core.stages import StageTimer
from formcheck.io.sources import VideoFileSource
from formcheck.io import video_sink

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
CLIP_S = 17.0  # calibration, rep 1 (left, clean) and rep 2 (right, knee opens to ~140°)


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory, ffmpeg: str) -> AnalysisResult:
    """The whole ``analyze`` (video included) on the first 17 s of the tabletop-lost sample."""
    folder = tmp_path_factory.mktemp("annotate")
    clip = folder / "tabletop_lost_17s.mp4"
    subprocess.run([ffmpeg, "-v", "error", "-y", "-i", str(SAMPLES / "heel_tap_tabletop_lost.mp4"),
                    "-t", str(CLIP_S), "-c:v", "libx264", "-preset", "veryfast", "-crf", "18",
                    "-pix_fmt", "yuv420p", str(clip)], check=True)
    return analyze_video(clip, folder / "out", show_progress=False)


def _faults(report: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    return [(rep["index"], fault) for rep in report["reps"] for fault in rep["faults"]]


def _codec(path: Path) -> str:
    """The video stream's codec name, from ffprobe or else ``ffmpeg -i``."""
    ffprobe = shutil.which("ffprobe")
    if ffprobe:
        run = subprocess.run([ffprobe, "-v", "error", "-select_streams", "v:0", "-show_entries",
                              "stream=codec_name", "-of", "default=nw=1:nk=1", str(path)],
                             capture_output=True, text=True, check=True)
        return run.stdout.strip()
    import imageio_ffmpeg

    run = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                         capture_output=True, text=True)
    match = re.search(r"Stream #\S+.*?Video: (\w+)", run.stderr)
    assert match, run.stderr
    return match.group(1)


def _share(image: np.ndarray, colour: tuple[int, int, int], tol: int = 24) -> float:
    """Fraction of the pixels of RGB ``image`` within ``tol`` of ``colour``."""
    return float((np.abs(image.astype(int) - np.array(colour)).max(axis=2) <= tol).mean())


def _copy_outputs(result: AnalysisResult, out: Path) -> AnalysisResult:
    """The result with its report files copied to ``out`` (for re-running the second pass)."""
    out.mkdir()
    outputs = {}
    for name in ("frames_csv", "report_json", "report_html"):
        outputs[name] = out / result.outputs[name].name
        shutil.copy(result.outputs[name], outputs[name])
    return dataclasses.replace(result, out_dir=out, outputs=outputs, report=copy.deepcopy(result.report),
                               warnings=[], stages=StageTimer(), stills={})


def _second_pass(result: AnalysisResult, **kwargs: Any) -> None:
    annotate_outputs(result, get_profile(result.report["exercise"]), MAX_ANALYSIS_SIDE_PX,
                     show_progress=False, **kwargs)


# -- the video ------------------------------------------------------------------------------

def test_video_is_h264_with_one_frame_per_source_frame(analysed: AnalysisResult) -> None:
    path = analysed.outputs["annotated_video"]
    assert path == analysed.out_dir / ANNOTATED_VIDEO and path.is_file()
    assert _codec(path) == "h264"
    source = VideoFileSource(path)
    count = sum(1 for _ in source)
    assert count == analysed.frames_read > 300  # every frame, also those the stride skipped
    assert analysed.stride == 2 and analysed.frames_analysed < count
    assert (source.info.width, source.info.height) == (640, 480)
    assert source.info.fps == pytest.approx(analysed.source.fps, abs=0.01)
    assert not list(analysed.out_dir.glob("*.part*"))
    for stage in ("draw", "write_video"):
        assert analysed.stages.seconds[stage] > 0


def test_fault_frame_shows_banner_skeleton_and_gauges(analysed: AnalysisResult) -> None:
    (index, fault), = _faults(analysed.report)
    assert fault["code"] == "tabletop_lost"
    banner_colour = FAULT_COLOURS["tabletop_lost"]
    shown, before = None, None
    for frame in VideoFileSource(analysed.outputs["annotated_video"]):
        if before is None and frame.t_s >= fault["t_s"] - 2.0:
            before = frame.rgb
        if frame.t_s >= fault["t_s"] + 0.5:
            shown = frame.rgb
            break
    assert shown is not None and before is not None
    top = shown[:24]
    assert _share(top, banner_colour) > 0.5  # the full-width banner, in the fault's colour
    assert _share(before[:24], banner_colour) < 0.01  # … not shown before the fault
    for colour in (DEFAULT_PALETTE.left, DEFAULT_PALETTE.right, DEFAULT_PALETTE.ok):
        assert _share(shown, colour) > 5e-4, colour  # limbs and the gauges' green band


def test_timeline_counts_reps_phases_and_banners_from_the_session(analysed: AnalysisResult) -> None:
    session, profile = analysed.session, get_profile("heel-tap")
    timeline = OverlayTimeline(analysed.recorder, session, profile)
    rep1, rep2 = session.reps[:2]

    def state(t_s: float):
        index = int(np.searchsorted(analysed.recorder.t_s, t_s))
        return timeline.state_at(analysed.recorder.frame_index[index], float(analysed.recorder.t_s[index]))

    def leg(s, name: str):
        return next(item for item in s.legs if item.name == name)

    mid_lower = state((rep1.start_s + rep1.bottom_s) / 2)
    assert leg(mid_lower, rep1.leg).phase == "lowering"
    assert leg(mid_lower, rep1.leg).phase_elapsed_s == pytest.approx((rep1.bottom_s - rep1.start_s) / 2, abs=0.05)
    assert leg(mid_lower, rep1.leg).reps == 0
    mid_raise = state((rep1.bottom_s + rep1.end_s) / 2)
    assert leg(mid_raise, rep1.leg).phase == "raising"
    after = state(rep1.end_s + 0.1)
    assert leg(after, rep1.leg).reps == 1 and leg(after, rep1.leg).phase == "idle"
    assert leg(after, rep2.leg).reps == 0
    fault = session.faults[1][0]
    assert [b.code for b in state(fault.t_s + 0.05).faults] == [fault.code]
    assert state(fault.t_s + 0.05).faults[0].message == fault.message
    assert state(fault.t_s + get_profile().banner_video_s + 0.1).faults == ()
    # knee gauges show the smoothed series of that frame
    row = int(np.searchsorted(analysed.recorder.t_s, rep2.bottom_s))
    knee = session.series.knee_angle_deg(rep2.leg)[row]
    assert leg(state(float(analysed.recorder.t_s[row])), rep2.leg).knee_angle_deg == pytest.approx(knee)


# -- stills in report.html ------------------------------------------------------------------

def _data_uri_jpegs(page: str) -> list[np.ndarray]:
    images = []
    for data in re.findall(r'<img [^>]*src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)"', page):
        image = cv2.imdecode(np.frombuffer(base64.b64decode(data), np.uint8), cv2.IMREAD_COLOR)
        assert image is not None
        images.append(image)
    return images


def test_report_html_has_one_decodable_still_per_fault(analysed: AnalysisResult) -> None:
    page = analysed.outputs["report_html"].read_text(encoding="utf-8")
    faults = _faults(analysed.report)
    stills = _data_uri_jpegs(page)
    assert len(stills) == page.count("<img") == len(faults) + len(analysed.report["setup_faults"]) >= 1
    assert set(analysed.stills) == {f"rep{index}-{fault['code']}" for index, fault in faults}
    for image in stills:
        assert 0 < image.shape[1] <= 480
        assert _share(image[:12, :, ::-1], FAULT_COLOURS["tabletop_lost"], tol=40) > 0.5  # the banner
    for index, fault in faults:
        assert f'id="still-rep{index}-{fault["code"]}"' in page
        assert f'href="#still-rep{index}-{fault["code"]}"' in page  # linked from the rep table


def test_a_setup_fault_gets_a_still_and_a_link(analysed: AnalysisResult, tmp_path: Path) -> None:
    from formcheck.analysis.fault import Fault

    first_frame_s = float(analysed.recorder.t_s[3])
    setup = Fault("tabletop_lost", first_frame_s, 130.0, "start position is not tabletop: bend hips and knees to 90°")
    result = _copy_outputs(analysed, tmp_path / "o")
    result.session = dataclasses.replace(analysed.session, setup_faults=[setup])
    result.report["setup_faults"] = [{"code": setup.code, "t_s": setup.t_s, "value": setup.value,
                                      "message": setup.message}]
    assert [m.key for m in fault_moments(result.session)][0] == "setup-tabletop_lost"
    _second_pass(result, write_video=False)
    assert set(result.stills) == set(analysed.stills) | {"setup-tabletop_lost"}
    page = result.outputs["report_html"].read_text(encoding="utf-8")
    assert 'id="still-setup-tabletop_lost"' in page and 'href="#still-setup-tabletop_lost"' in page
    assert "Start position · tabletop_lost" in page
    still = cv2.imdecode(np.frombuffer(result.stills["setup-tabletop_lost"], np.uint8), cv2.IMREAD_COLOR)
    assert _share(still[:12, :, ::-1], FAULT_COLOURS["tabletop_lost"], tol=40) > 0.5  # its banner


def test_no_video_writes_stills_drawing_only_the_fault_frames(analysed: AnalysisResult, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    result = _copy_outputs(analysed, tmp_path / "o")
    (result.out_dir / ANNOTATED_VIDEO).write_bytes(b"left over from an earlier run")
    drawn = []
    original = Annotator.draw  # the pass draws on each decoded frame in place

    def counting(self: Annotator, rgb: np.ndarray, state: Any) -> np.ndarray:
        drawn.append(state)
        return original(self, rgb, state)

    monkeypatch.setattr(Annotator, "draw", counting)
    _second_pass(result, write_video=False)
    assert not (result.out_dir / ANNOTATED_VIDEO).exists()
    assert "annotated_video" not in result.outputs
    assert len(drawn) == len(fault_moments(result.session))
    assert set(result.stills) == set(analysed.stills)
    page = result.outputs["report_html"].read_text(encoding="utf-8")
    assert len(_data_uri_jpegs(page)) == len(drawn)
    assert result.stages.seconds.get("write_video", 0.0) == 0.0


def test_cli_no_video_flag_reaches_the_pipeline(analysed: AnalysisResult, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    calls: list[dict[str, Any]] = []

    def fake_analyze(*args: Any, **kwargs: Any) -> AnalysisResult:
        calls.append(kwargs)
        return analysed

    monkeypatch.setattr("formcheck.app.analyze.analyze_video", fake_analyze)
    assert cli.main(["analyze", "x.mp4", "--no-video", "--quiet"]) == 0
    assert cli.main(["analyze", "x.mp4", "--quiet"]) == 0
    assert [c["write_video"] for c in calls] == [False, True]
    assert f"wrote {analysed.outputs['annotated_video']}" in capsys.readouterr().out


# -- never lose the report --------------------------------------------------------------------

def test_without_h264_the_mp4v_fallback_is_written_and_reported(analysed: AnalysisResult, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    opencv_open = video_sink._OpenCVWriter.open.__func__  # type: ignore[attr-defined]

    def no_opencv_h264(cls: type, path: Path, fourcc: str, fps: float, size: tuple[int, int]) -> Any:
        return None if fourcc == "avc1" else opencv_open(cls, path, fourcc, fps, size)

    monkeypatch.setattr(video_sink._FfmpegWriter, "open", classmethod(lambda cls, *a: None))
    monkeypatch.setattr(video_sink._OpenCVWriter, "open", classmethod(no_opencv_h264))
    result = _copy_outputs(analysed, tmp_path / "o")
    _second_pass(result)
    path = result.outputs["annotated_video"]
    assert _codec(path) == "mpeg4"
    assert sum(1 for _ in VideoFileSource(path)) == analysed.frames_read
    report = json.loads(result.outputs["report_json"].read_text())
    warning = next(w for w in report["warnings"] if "not H.264" in w)
    assert warning.startswith(ANNOTATED_VIDEO)
    assert report["reps"] == json.loads(analysed.outputs["report_json"].read_text())["reps"]
    assert "not H.264" in result.outputs["report_html"].read_text(encoding="utf-8")
    monkeypatch.setattr("formcheck.app.analyze.analyze_video", lambda *a, **k: result)
    assert cli.main(["analyze", "x.mp4", "--quiet"]) == 0
    assert f"warning: {warning}" in capsys.readouterr().out


def test_ctrl_c_in_the_video_pass_keeps_the_report_and_no_video(analysed: AnalysisResult, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    result = _copy_outputs(analysed, tmp_path / "o")
    (result.out_dir / ANNOTATED_VIDEO).write_bytes(b"left over from an earlier run")
    before = {name: path.read_bytes() for name, path in result.outputs.items()}
    calls = []
    original = Annotator.draw

    def interrupt_at_frame_40(self: Annotator, rgb: np.ndarray, state: Any) -> np.ndarray:
        calls.append(1)
        if len(calls) == 40:
            raise KeyboardInterrupt
        return original(self, rgb, state)

    monkeypatch.setattr(Annotator, "draw", interrupt_at_frame_40)
    with pytest.raises(AnnotationInterrupted) as caught:
        _second_pass(result)
    assert isinstance(caught.value, KeyboardInterrupt)
    assert {name: path.read_bytes() for name, path in result.outputs.items()} == before
    report = json.loads(result.outputs["report_json"].read_text())
    assert report["complete"] is True and report["source"]["frames"] == analysed.frames_read
    assert sorted(p.name for p in result.out_dir.iterdir()) == ["frames.csv", "report.html", "report.json"]

    def interrupted(*args: Any, **kwargs: Any) -> AnalysisResult:
        raise AnnotationInterrupted("interrupted while writing the annotated video")

    monkeypatch.setattr("formcheck.app.analyze.analyze_video", interrupted)
    assert cli.main(["analyze", "x.mp4", "--quiet"]) == cli.EXIT_INTERRUPTED
    assert "the report is complete" in capsys.readouterr().err


def test_real_ctrl_c_during_the_video_pass(tmp_path: Path, ffmpeg: str) -> None:
    """SIGINT to the whole process group (as a terminal's Ctrl-C) once the video pass runs."""
    clip = tmp_path / "five_seconds.mp4"
    subprocess.run([ffmpeg, "-v", "error", "-y", "-i", str(SAMPLES / "heel_tap_tabletop_lost.mp4"), "-t", "5",
                    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", str(clip)], check=True)
    out = tmp_path / "o"
    process = subprocess.Popen([sys.executable, "-m", "formcheck", "analyze", str(clip), "--out", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert process.stderr is not None
    lines = []
    for line in process.stderr:  # progress lines every 10 % (not a terminal)
        lines.append(line)
        if line.startswith("video"):
            os.killpg(process.pid, signal.SIGINT)
            break
    _, rest = process.communicate(timeout=60)
    stderr = "".join(lines) + rest
    assert process.returncode == cli.EXIT_INTERRUPTED, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("formcheck: interrupted after the report was written")
    report = json.loads((out / "report.json").read_text())
    assert report["complete"] is True and report["source"]["frames"] > 100
    assert sorted(p.name for p in out.iterdir()) == ["frames.csv", "report.html", "report.json"]


def test_a_failing_encoder_becomes_a_report_warning(analysed: AnalysisResult, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    result = _copy_outputs(analysed, tmp_path / "o")
    original = video_sink.VideoSink.write

    def disk_full_after_25(self: video_sink.VideoSink, rgb: np.ndarray) -> None:
        if self.frames_written == 25:
            raise OSError(28, "No space left on device")
        original(self, rgb)

    monkeypatch.setattr(video_sink.VideoSink, "write", disk_full_after_25)
    _second_pass(result)
    assert not (result.out_dir / ANNOTATED_VIDEO).exists() and not list(result.out_dir.glob("*.part*"))
    report = json.loads(result.outputs["report_json"].read_text())
    assert any("annotated video could not be made" in w and "No space left" in w for w in report["warnings"])
    assert report["reps"] == analysed.report["reps"] and report["complete"] is True
    assert len(_data_uri_jpegs(result.outputs["report_html"].read_text(encoding="utf-8"))) >= 1


# -- a real browser ---------------------------------------------------------------------------

_TRAMPOLINE = ("import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
               "os.execv(sys.argv[3], sys.argv[3:])")


class DevTools:
    """Headless Chromium driven over ``--remote-debugging-pipe`` (JSON messages, NUL-separated,
    on file descriptors 3 and 4 of the browser)."""

    def __init__(self, binary: str, profile_dir: Path, timeout_s: float = 60.0) -> None:
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()
        # A small Python trampoline puts the pipe ends on the browser's fds 3 and 4; they are
        # first moved to fds >= 10 so that neither dup2 can overwrite the other.
        child_in = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
        child_out = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
        self.process = subprocess.Popen(
            [sys.executable, "-c", _TRAMPOLINE, str(child_in), str(child_out), binary, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile_dir}", "about:blank"],
            pass_fds=(child_in, child_out),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for fd in (to_browser_r, from_browser_w, child_in, child_out):
            os.close(fd)
        self._out, self._in = to_browser_w, from_browser_r
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self.deadline = time.monotonic() + timeout_s

    def _read_message(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left_s = self.deadline - time.monotonic()
            if left_s <= 0 or not select.select([self._in], [], [], left_s)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise ConnectionError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send a command and wait for its answer (events meanwhile go to :attr:`events`)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read_message()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str) -> dict[str, Any]:
        """The first event ``method`` (already received or coming)."""
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._read_message()
            self.events.append(event)
            if event.get("method") == method:
                return event

    def close(self) -> None:
        os.close(self._out)
        os.close(self._in)
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _chromium() -> str:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.skip("chromium is not installed")
    return binary


def _load_page(html: Path, profile_dir: Path, width_px: int = 1280) -> tuple[dict[str, Any], np.ndarray, list[str]]:
    """Load ``html`` in headless Chromium: (image status, full-page screenshot BGR, errors)."""
    browser = DevTools(_chromium(), profile_dir)
    try:
        target = browser.send("Target.createTarget", url="about:blank")["targetId"]
        session = browser.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            browser.send(f"{domain}.enable", session)
        browser.send("Emulation.setDeviceMetricsOverride", session, width=width_px, height=900,
                     deviceScaleFactor=1, mobile=False)
        browser.send("Page.navigate", session, url=html.resolve().as_uri())
        browser.wait_event("Page.loadEventFired")
        status = browser.send("Runtime.evaluate", session, returnByValue=True, awaitPromise=True, expression=(
            "Promise.all(Array.from(document.images, i => i.decode().then(() => true, () => false)))"
            ".then(decoded => ({decoded, widths: Array.from(document.images, i => i.naturalWidth),"
            " height: document.documentElement.scrollHeight, svgs: document.querySelectorAll('svg').length}))"
        ))["result"]["value"]
        browser.send("Emulation.setDeviceMetricsOverride", session, width=width_px, height=int(status["height"]),
                     deviceScaleFactor=1, mobile=False)
        shot = browser.send("Page.captureScreenshot", session, format="png")["data"]
        errors = [json.dumps(e["params"])[:4000] for e in browser.events
                  if e.get("method") == "Runtime.exceptionThrown"
                  or (e.get("method") == "Runtime.consoleAPICalled" and e["params"].get("type") == "error")
                  or (e.get("method") == "Log.entryAdded" and e["params"]["entry"].get("level") == "error")]
    finally:
        browser.close()
    image = cv2.imdecode(np.frombuffer(base64.b64decode(shot), np.uint8), cv2.IMREAD_COLOR)
    return status, image, errors


def test_the_report_draws_in_the_overlays_colours(analysed: AnalysisResult) -> None:
    """One palette: the page's leg lines, rep shades and fault markers are the video's leg and banner colours."""
    page = analysed.outputs["report_html"].read_text(encoding="utf-8")
    strokes = {title: stroke for stroke, title in re.findall(
        r'<path d="[^"]*" fill="none" stroke="(#[0-9a-f]{6})"[^>]*><title>([^<]+)</title>', page)}
    for leg in ("left", "right"):
        assert strokes[f"knee {leg}"] == strokes[f"heel {leg}"] == hex_colour(DEFAULT_PALETTE.leg(leg))
    shades = set(re.findall(r'<rect [^>]*fill="(#[0-9a-f]{6})" fill-opacity="0.08"', page))
    assert shades == {hex_colour(DEFAULT_PALETTE.leg(rep["leg"])) for rep in analysed.report["reps"]}
    (_, fault), = _faults(analysed.report)
    marker = re.search(rf'<g><title>{fault["code"]} at [^<]*</title><line [^>]*stroke="(#[0-9a-f]{{6}})"', page)
    assert marker and marker.group(1) == hex_colour(FAULT_COLOURS[fault["code"]])


def test_chromium_loads_the_report_with_its_stills_and_plots(analysed: AnalysisResult, tmp_path: Path) -> None:
    status, image, errors = _load_page(analysed.outputs["report_html"], tmp_path / "profile")
    assert errors == []
    stills = len(analysed.stills)
    assert status["decoded"] == [True] * stills and len(status["widths"]) == stills
    assert all(width > 0 for width in status["widths"]) and status["svgs"] == 4  # 3 plots, the tempo chart
    assert image is not None and image.shape[1] == 1280 and image.shape[0] == status["height"]
    # the plot lines (both legs, lumbar lift) and the fault markers are on screen, in the overlay's RGB
    for colour in (DEFAULT_PALETTE.left, DEFAULT_PALETTE.right, DEFAULT_PALETTE.lumbar, FAULT_COLOURS["tabletop_lost"]):
        assert _share(image[..., ::-1], colour, tol=8) > 2e-4, colour
    # the still itself: its banner (drawn by the overlay) is on screen
    assert _share(image[..., ::-1], FAULT_COLOURS["tabletop_lost"], tol=30) > 1e-3


def test_chromium_check_catches_a_broken_image_and_a_script_error(tmp_path: Path) -> None:
    """The browser check can fail: a corrupt data URI and an uncaught error are both seen."""
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html><body><img src="data:image/jpeg;base64,AAAA">'
                    '<script>throw new Error("formcheck-test-error")</script></body></html>')
    status, _, errors = _load_page(page, tmp_path / "profile", width_px=400)
    assert status["decoded"] == [False] and status["widths"] == [0]
    assert len(errors) >= 1 and any("formcheck-test-error" in e for e in errors)
