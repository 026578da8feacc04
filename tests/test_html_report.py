"""report.html: one self-contained page (no network), escaped text, a row per rep, an SVG per
plot, stills embedded; rendered by headless Chromium and checked by pixels."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from formcheck.core.series import MeasureSeries
from formcheck.render.palette import DEFAULT_PALETTE, hex_colour
from formcheck.render.palette import FAULT_COLOURS as RGB_FAULT_COLOURS
from formcheck.report.html_report import render_report_html, write_report_html

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
CHROMIUM = Path("/usr/bin/chromium")
STILL_RGB = (20, 200, 60)  # a solid colour no other part of the page uses
# The page's colours: the overlay's palette, as hex.
LEG_COLOURS = {leg: hex_colour(DEFAULT_PALETTE.leg(leg)) for leg in ("left", "right", "both")}
FAULT_COLOURS = {code: hex_colour(rgb) for code, rgb in RGB_FAULT_COLOURS.items()}
LUMBAR_COLOUR = hex_colour(DEFAULT_PALETTE.lumbar)


def _series(n: int = 300, fps: float = 30.0) -> MeasureSeries:
    """10 s: left heel taps at 1–4 s, right at 5–8 s; the back lifts during the right rep."""
    t = np.arange(n) / fps
    series = MeasureSeries.empty(t)
    series.detected[:] = 1.0
    left = 40 - 35 * np.clip(np.sin(np.pi * (t - 1) / 3), 0, None) * ((t > 1) & (t < 4))
    right = 40 - 35 * np.clip(np.sin(np.pi * (t - 5) / 3), 0, None) * ((t > 5) & (t < 8))
    series.heel_height_left_cm[:], series.heel_height_right_cm[:] = left, right
    series.knee_angle_left_deg[:] = 90 + 3 * np.sin(t)
    series.knee_angle_right_deg[:] = 92 - 15 * ((t > 6) & (t < 7))
    series.lumbar_lift_cm[:] = 0.2 + 2.5 * np.exp(-((t - 6.5) ** 2) / 0.2)
    series.knee_angle_left_deg[150:160] = np.nan  # a gap: the line breaks there
    return series


def _report(**changes: Any) -> dict[str, Any]:
    report: dict[str, Any] = {
        "schema_version": 1, "formcheck_version": "0.1.0", "complete": True,
        "source": {"path": "clips/session.mp4", "fps": 29.97, "frames": 300, "duration_s": 10.0,
                   "width": 1280, "height": 720},
        "exercise": "heel-tap",
        "calibration": {"start_s": 0.0, "end_s": 0.9, "ok": True, "warning": None},
        "view": {"view": "side", "near_side": "left", "advice": None},
        "setup_faults": [],
        "reps": [
            {"index": 1, "leg": "left", "start_s": 1.0, "bottom_s": 2.5, "end_s": 4.0, "lower_s": 1.5,
             "raise_s": 1.5, "knee_angle_min_deg": 87.0, "knee_angle_max_deg": 93.0, "heel_height_min_cm": 5.0,
             "lumbar_lift_max_cm": 0.3, "pelvic_tilt_max_deg": 1.0,
             "faults": [{"code": "swinging", "t_s": 2.5, "value": 1.5,
                         "message": "slow down: 3 seconds down, 3 up (you lowered the leg in 1.5 s)"}]},
            {"index": 2, "leg": "right", "start_s": 5.0, "bottom_s": 6.5, "end_s": 8.0, "lower_s": 1.5,
             "raise_s": 1.5, "knee_angle_min_deg": 77.0, "knee_angle_max_deg": 92.0, "heel_height_min_cm": 5.0,
             "lumbar_lift_max_cm": 2.7, "pelvic_tilt_max_deg": 9.5,
             "faults": [{"code": "arching", "t_s": 6.2, "value": 2.1,
                         "message": "back lifting — stop here, that is your end range"},
                        {"code": "tabletop_lost", "t_s": 6.4, "value": 77.0,
                         "message": "keep the 90° bend: the knee closed to 77°"}]},
        ],
        "end_range": {},
        "summary": {"reps": {"left": 1, "right": 1}, "clean_reps": 0,
                    "faults": {"arching": 1, "swinging": 1, "tabletop_lost": 1},
                    "advice": ["Right leg: your back lifted when the heel was 9 cm above the floor."]},
        "warnings": ["camera: move back a little"],
    }
    report.update(changes)
    return report


def _jpeg(rgb: tuple[int, int, int] = STILL_RGB, size: tuple[int, int] = (320, 180)) -> bytes:
    image = np.zeros((size[1], size[0], 3), np.uint8)
    image[:] = rgb[::-1]  # BGR for OpenCV
    ok, data = cv2.imencode(".jpg", image)
    assert ok
    return data.tobytes()


class _Tags(HTMLParser):
    """Collects start tags and checks that every non-void tag is closed in order."""

    VOID = {"meta", "img", "br", "hr", "input", "link", "path", "rect", "line", "circle"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.starts: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_data(self, data: str) -> None:
        self.texts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    assert parser.stack == [], f"unclosed tags: {parser.stack}"
    return parser


def _assert_self_contained(page: str, local: tuple[str, ...] = ("annotated.mp4",)) -> None:
    """No network, no script; every link an anchor, a data URI or one of the ``local`` files beside it."""
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page and "<link" not in page and "@import" not in page
    for tag, attrs in _parse(page).starts:
        for name in ("src", "href"):
            value = attrs.get(name)
            assert value is None or value.startswith(("data:", "#")) or value in local, f"<{tag} {name}={value!r}>"


def test_page_is_self_contained_and_well_formed() -> None:
    _assert_self_contained(render_report_html(_report(), _series(), {"rep2-arching": _jpeg()}))


def test_a_row_per_rep_with_its_numbers_and_fault_codes() -> None:
    page = render_report_html(_report(), _series())
    body = page.split('<table class="reps">')[1].split("</table>")[0]
    rows = re.findall(r"<tr[ >].*?</tr>", body.split("<tbody>")[1])
    assert len(rows) == 2
    assert "left" in rows[0] and "1.50 s" not in rows[0] and "1.5 s" in rows[0] and "swinging" in rows[0]
    assert "right" in rows[1] and "77°–92°" in rows[1] and "2.7 cm" in rows[1]
    assert "arching" in rows[1] and "tabletop_lost" in rows[1]


def test_the_far_legs_times_are_marked_approximate() -> None:
    report = _report()
    report["reps"][0]["camera_side"], report["reps"][1]["camera_side"] = "near", "far"
    body = render_report_html(report, _series()).split('<table class="reps">')[1].split("</table>")[0]
    near_row, far_row = re.findall(r"<tr[ >].*?</tr>", body.split("<tbody>")[1])
    assert 'class="far"' not in near_row and "≈" not in near_row
    assert 'class="far"' in far_row and far_row.count("≈") == 5  # start, bottom, end, lower, raise


def test_summary_advice_and_warnings() -> None:
    page = render_report_html(_report(), _series())
    assert "clips/session.mp4" in page and "heel-tap" in page and "29.97 fps" in page
    assert "Right leg: your back lifted when the heel was 9 cm above the floor." in page
    assert "camera: move back a little" in page
    summary = page.split('id="summary"')[1].split("</section>")[0]
    assert "back arching" in summary and "ok" in summary and "side" in summary


def test_one_svg_per_plot_with_band_threshold_reps_and_faults() -> None:
    page = render_report_html(_report(), _series())
    svgs = re.findall(r'<svg class="plot" .*?</svg>', page, flags=re.S)  # the plots over time (not the charts)
    assert len(svgs) == 3
    knee, heel, lumbar = svgs
    for svg in svgs:
        assert svg.count('fill-opacity="0.08"') == 2  # both reps shaded
        assert FAULT_COLOURS["arching"] in svg and FAULT_COLOURS["swinging"] in svg
    assert LEG_COLOURS["left"] in knee and LEG_COLOURS["right"] in knee and "70" in knee and "110" in knee
    assert LEG_COLOURS["left"] in heel and LEG_COLOURS["right"] in heel
    assert LUMBAR_COLOUR in lumbar and "arching 1.5 cm" in lumbar
    left_knee = re.search(rf'<path d="([^"]*)" fill="none" stroke="{LEG_COLOURS["left"]}"', knee)
    assert left_knee and left_knee.group(1).count("M") == 2  # broken at the NaN gap


def test_plot_geometry_maps_time_and_values_to_the_plot_area() -> None:
    """Known answers: 0–10 s across the area's width, values padded by 8 % of their range."""
    from formcheck.report.svg_plot import Line, plot_geometry

    t = np.linspace(0.0, 10.0, 11)
    plot = plot_geometry(t, [Line("v", t.copy(), "#000000")], "v",
                         [{"index": 1, "leg": "left", "start_s": 2.0, "end_s": 4.0}],
                         [{"code": "arching", "t_s": 5.0, "message": "m"}], band=(3.0, 7.0))
    area = plot.area
    assert plot.faults[0].x_px == pytest.approx(area.x + area.width / 2)
    assert plot.faults[0].colour == FAULT_COLOURS["arching"] and plot.faults[0].title == "arching at 5.0 s: m"
    shade = plot.reps[0]
    assert (shade.box.x, shade.box.width) == pytest.approx((area.x + 0.2 * area.width, 0.2 * area.width))
    assert shade.colour == LEG_COLOURS["left"] and shade.number == "1"
    low, high = -0.8, 10.8  # 0–10 padded by 8 % of the range
    y_of = lambda v: area.y + (high - v) / (high - low) * area.height  # noqa: E731
    assert plot.band is not None and plot.band.edges_px == pytest.approx((y_of(3.0), y_of(7.0)))
    assert plot.band.colour == hex_colour(DEFAULT_PALETTE.ok)
    assert [tick.label for tick in plot.y_ticks] == ["0", "2.5", "5", "7.5", "10"]
    assert plot.y_ticks[2].at_px == pytest.approx(y_of(5.0))
    assert [tick.label for tick in plot.x_ticks] == [str(k) for k in range(11)]
    assert plot.paths[0].d.startswith(f"M{area.x:.1f},{y_of(0.0):.1f}L") and plot.paths[0].d.count("L") == 10


def test_text_is_escaped() -> None:
    evil = '<script>alert("x")</script>'
    report = _report(warnings=[evil], source={"path": f"a{evil}.mp4"})
    report["reps"][0]["faults"][0]["message"] = evil
    page = render_report_html(report, _series())
    assert "<script" not in page and "&lt;script&gt;" in page
    _parse(page)


def test_hostile_names_and_messages_stay_text() -> None:
    """Markup, quotes and template syntax in a file name, the exercise, messages, advice, warnings and a
    fault code are shown as the very characters, never run or evaluated."""
    from formcheck.analysis.fault import fault_key

    hostile = '"><script>alert(\'x\')</script><img src=x onerror="alert(1)">{{ 7*7 }}{% if 1 %}&amp;'
    report = _report(exercise=hostile, warnings=[hostile],
                     source={"path": f"/videos/{hostile}.mp4", "fps": 30.0, "frames": 300})
    report["summary"]["advice"] = [hostile]
    report["view"]["advice"] = hostile
    report["reps"][0]["faults"][0]["message"] = hostile
    report["reps"][1]["faults"][1]["code"] = hostile
    report["summary"]["faults"][hostile] = 1
    stills = {fault_key(2, hostile): _jpeg()}
    page = render_report_html(report, _series(), stills)
    _assert_self_contained(page)  # no <script>, no outside src / href
    parsed = _parse(page)
    assert [tag for tag, _ in parsed.starts].count("img") == 1  # the still: the name's <img> is text
    assert not any(name.startswith("on") for _, attrs in parsed.starts for name in attrs)
    shown = "".join(parsed.texts)
    # shown as text in the title, header, facts, advice, warnings, reps table, tiles and plot tooltips
    assert shown.count(hostile) >= 10
    assert f"{hostile}.mp4" in shown and "formcheck report — " + hostile in shown
    key = fault_key(2, hostile)
    ids = [attrs.get("id") for _, attrs in parsed.starts]
    hrefs = [attrs.get("href") for _, attrs in parsed.starts]
    assert f"still-{key}" in ids and f"#still-{key}" in hrefs  # the attribute holds the key, intact


def test_stills_embedded_as_data_uris() -> None:
    jpeg = _jpeg()
    page = render_report_html(_report(), _series(), {"rep2-arching": jpeg})
    match = re.search(r'src="data:image/jpeg;base64,([^"]+)"', page)
    assert match and base64.b64decode(match.group(1)) == jpeg
    stills = page.split('id="stills"')[1]
    assert "Rep 2 · arching" in stills and "back lifting — stop here" in stills


def test_without_stills_the_section_says_none() -> None:
    for stills in (None, {}):
        page = render_report_html(_report(), _series(), stills)
        assert "No still frames" in page and "data:image" not in page


def test_no_reps_and_an_interrupted_run() -> None:
    report = _report(reps=[], complete=False, exercise="unknown-exercise")
    page = render_report_html(report, MeasureSeries.empty(np.arange(5) / 30.0))
    assert "No reps were counted." in page and "interrupted" in page
    assert len(re.findall(r"<svg", page)) == 3
    _assert_self_contained(page)


def test_written_atomically(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    write_report_html(path, _report(), _series())
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


# -- the real pipeline and a real browser ------------------------------------------------

@pytest.fixture(scope="module")
def real_analysis(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The pipeline on the arching sample (about a minute), shared by the tests below."""
    from formcheck.app.analyze import analyze_video

    out = tmp_path_factory.mktemp("arching")
    return analyze_video(SAMPLES / "heel_tap_arching.mp4", out, show_progress=False, write_video=False)


def _fault_stills(report: dict[str, Any]) -> dict[str, bytes]:
    return {f"rep{rep['index']}-{fault['code']}": _jpeg()
            for rep in report["reps"] for fault in rep["faults"]}


def test_real_report(real_analysis: Any, tmp_path: Path) -> None:
    report, series = real_analysis.report, real_analysis.session.series
    assert report["reps"] and report["summary"]["faults"]["arching"] >= 1
    path = tmp_path / "report.html"
    write_report_html(path, report, series, _fault_stills(report))
    page = path.read_text(encoding="utf-8")
    _assert_self_contained(page)
    body = page.split('<table class="reps">')[1].split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr") == len(report["reps"])
    assert len(re.findall(r'<svg class="plot" ', page)) == 3 and page.count('<svg class="plot chart"') == 1
    assert page.count("data:image/jpeg;base64,") == sum(len(r["faults"]) for r in report["reps"])


def _colour_share(image_bgr: np.ndarray, hex_colour: str, tol: int = 8) -> float:
    rgb = np.array([int(hex_colour[i: i + 2], 16) for i in (1, 3, 5)])
    diff = np.abs(image_bgr[..., ::-1].astype(int) - rgb).max(axis=2)
    return float((diff <= tol).mean())


def _screenshot(html_path: Path, tmp_path: Path, size: str = "1280,3400") -> tuple[np.ndarray, str]:
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.skip("chromium is not installed")
    png = tmp_path / "shot.png"
    run = subprocess.run(
        [str(CHROMIUM) if CHROMIUM.exists() else "chromium", "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--enable-logging=stderr", "--v=0", f"--user-data-dir={tmp_path / 'profile'}",
         f"--screenshot={png}", f"--window-size={size}", html_path.resolve().as_uri()],
        capture_output=True, text=True, timeout=120)
    assert png.exists(), run.stderr[-2000:]
    image = cv2.imread(str(png))
    assert image is not None
    return image, run.stderr


def test_chromium_renders_plots_and_stills(real_analysis: Any, tmp_path: Path) -> None:
    report, series = real_analysis.report, real_analysis.session.series
    html_path = tmp_path / "report.html"
    write_report_html(html_path, report, series, _fault_stills(report))
    image, log = _screenshot(html_path, tmp_path, size="1280,5200")  # the whole page, the stills at its end
    assert image.shape[1] == 1280
    assert "CONSOLE" not in log and "Uncaught" not in log
    # The plot lines (left knee / heel, right knee / heel, lumbar lift) and the fault markers.
    for colour in (LEG_COLOURS["left"], LEG_COLOURS["right"], LUMBAR_COLOUR, FAULT_COLOURS["arching"]):
        assert _colour_share(image, colour) > 2e-4, colour
    # The stills were decoded and shown (solid colour JPEGs).
    assert _colour_share(image, "#%02x%02x%02x" % STILL_RGB, tol=12) > 0.005
    # Most of the page is not blank: the report really rendered.
    assert (image.reshape(-1, 3).std(axis=0) > 10).all()


def test_summary_says_how_many_frames_the_model_saw() -> None:
    assert "300 frames analysed" in render_report_html(_report(), _series())
    report = _report()
    report["analysis"] = {"stride": 2, "frames_analysed": 150}
    assert "300 frames, every 2nd analysed" in render_report_html(report, _series())
