"""report.html for a physiotherapist: sets against the prescription, the tempo of each rep against
the coached tempo, thresholds beside the values, explained columns, the annotated video linked,
stills that enlarge, a knee plot titled for its exercise, a clean session's stills note, tiles
that line up, and a print stylesheet — checked in the markup and in headless Chromium."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from test_history import make_report
from test_html_report import (
    CHROMIUM, FAULT_COLOURS, STILL_RGB, _assert_self_contained, _colour_share, _jpeg, _parse, _report, _screenshot,
    _series,
)

from formcheck.report.html_report import ANNOTATED_VIDEO, render_report_html, write_report_html


def _section(page: str, anchor: str) -> str:
    return page.split(f'id="{anchor}"')[1].split("</section>")[0]


def test_sets_table_with_the_prescription_and_fatigue() -> None:
    report = make_report(per_set=(12, 24), arching_from=12 + 9)
    page = render_report_html(report, _series())
    sets = _section(page, "sets")
    assert "Prescription: 3 sets of 10–12 slow reps per leg, 3–4 times a week" in sets
    rows = re.findall(r"<tr><td class=\"num\">.*?</tr>", sets)
    assert len(rows) == 2
    assert 'class="num short">left 6, right 6<' in rows[0]  # under 10 per leg: marked
    assert 'class="num">left 12, right 12<' in rows[1]
    assert "back lifting from rep 9 (rep 21 in the table)" in rows[1]
    reps = _section(page, "reps")
    first_row_of_set_2 = re.findall(r"<tr[ >].*?</tr>", reps.split("<tbody>")[1])[12]
    assert re.search(r'<td class="num">13</td><td class="num">2</td>', first_row_of_set_2)


def test_thresholds_beside_the_values_and_the_columns_explained() -> None:
    page = render_report_html(_report(), _series())
    head = page.split('<table class="reps">')[1].split("</thead>")[0]
    assert "lower<small>≥ 1.8 s, aim 3</small>" in head and "raise<small>≥ 1.8 s, aim 3</small>" in head
    assert "knee min–max<small>90° ± 20°</small>" in head
    assert "lumbar max<small>arching ≥ 1.5 cm</small>" in head and "tilt max<small>arching ≥ 8°</small>" in head
    explain = page.split('<dl class="explain">')[1].split("</dl>")[0]
    assert "<dt>lumbar max</dt>" in explain and "imprint" in explain and "<dt>tilt max</dt>" in explain
    body = page.split("<tbody>")[-1]
    rows = re.findall(r"<tr[ >].*?</tr>", body)
    assert rows[0].count('class="num over"') == 2  # 1.5 s down and up: under the 1.8 s minimum
    assert 'class="num over">2.7 cm' in rows[1] and 'class="num over">9.5°' in rows[1]
    facts = _section(page, "summary")
    assert "swinging: a phase under 1.8 s" in facts and "arching: lumbar lift ≥ 1.5 cm or pelvic tilt ≥ 8°" in facts


def test_tempo_chart_a_bar_per_phase_against_the_coached_tempo() -> None:
    page = render_report_html(_report(), _series())
    chart = _section(page, "tempo")
    assert chart.count('class="bar"') == 4  # 2 reps x (down, up)
    guides = dict((label, float(y)) for y, label in re.findall(
        r'<line class="guide"[^>]*y1="([\d.]+)"[^>]*/><text[^>]*>([^<]+)</text>', chart))
    assert set(guides) == {"coached 3 s", "swinging under 1.8 s"}
    assert guides["coached 3 s"] < guides["swinging under 1.8 s"]  # 3 s is higher up
    tops = [float(y) + float(h) for y, h in re.findall(r'class="bar" x="[\d.]+" y="([\d.]+)" width="[\d.]+" '
                                                       r'height="([\d.]+)"', chart)]
    assert len(set(round(t, 1) for t in tops)) == 1  # every bar stands on the zero line
    bar_tops = [float(y) for y in re.findall(r'class="bar" x="[\d.]+" y="([\d.]+)"', chart)]
    assert all(top > guides["swinging under 1.8 s"] for top in bar_tops)  # 1.5 s phases: under the line


def test_the_annotated_video_is_linked_when_it_is_there(tmp_path: Path) -> None:
    page_path = tmp_path / "report.html"
    write_report_html(page_path, _report(), _series())
    assert ANNOTATED_VIDEO not in page_path.read_text(encoding="utf-8")
    (tmp_path / ANNOTATED_VIDEO).write_bytes(b"\x00")
    write_report_html(page_path, _report(), _series())
    page = page_path.read_text(encoding="utf-8")
    assert f'<a class="video" href="{ANNOTATED_VIDEO}">annotated video' in page
    _assert_self_contained(page)
    from formcheck.app.annotate import ANNOTATED_VIDEO as WRITTEN

    assert WRITTEN == ANNOTATED_VIDEO  # the page links the file the video pass writes


def test_knee_plot_titled_for_the_exercise() -> None:
    def caption(exercise: str) -> str:
        page = render_report_html(_report(exercise=exercise), _series())
        return re.findall(r"<figcaption>(Knee angle[^<]*)</figcaption>", page)[0]

    assert caption("heel-tap") == "Knee angle — keep it in the band (90°, tabletop)"
    assert caption("leg-extension") == "Knee angle — it straightens as the leg lowers (not judged)"
    assert caption("straight-leg") == "Knee angle — keep both knees straight (at least 150°)"
    straight = render_report_html(_report(exercise="straight-leg"), _series())
    assert "straight: at least 150°" in re.findall(r"<svg.*?</svg>", straight, flags=re.S)[1]


def test_stills_note_says_why_there_are_none() -> None:
    clean = _report()
    for rep in clean["reps"]:
        rep["faults"] = []
    assert "No faults, so no still frames: every rep was clean." in render_report_html(clean, _series())
    assert "No still frames: none were captured for this report." in render_report_html(_report(), _series())


def test_live_summary_tells_frames_delivered_from_frames_analysed() -> None:
    report = _report(analysis={"stride": 1, "frames_analysed": 120})
    assert "300 frames, 120 analysed" in render_report_html(report, _series())


# -- in a real browser ------------------------------------------------------------------

def _with_probe(page: str) -> str:
    """A copy of the page for the test only: a script writes where each tile's parts are into the
    DOM (the product page has no script)."""
    probe = ("<script>const r=e=>{const b=e.getBoundingClientRect();return [b.left,b.top,b.width,b.height]};"
             "document.body.setAttribute('data-tiles',JSON.stringify([...document.querySelectorAll('.tile')]"
             ".map(t=>({tile:r(t),value:r(t.querySelector('.value'))}))));</script>")
    return page.replace("</body>", probe + "</body>")


def _dom(html_path: Path, tmp_path: Path, width: int) -> str:
    run = subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          "--disable-background-networking", f"--user-data-dir={tmp_path / 'dom-profile'}",
                          f"--window-size={width},1200", "--dump-dom", html_path.resolve().as_uri()],
                         capture_output=True, text=True, timeout=120)
    return run.stdout


@pytest.mark.parametrize("width", [1280, 760])
def test_summary_tiles_line_up_in_chromium(tmp_path: Path, width: int) -> None:
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed")
    report = _report()
    report["summary"]["faults"]["tabletop_lost"] = 12  # the longest label: two lines at most
    path = tmp_path / "probe.html"
    path.write_text(_with_probe(render_report_html(report, _series())), encoding="utf-8")
    dom = _dom(path, tmp_path, width)
    tiles = json.loads(re.search(r'data-tiles="([^"]*)"', dom).group(1).replace("&quot;", '"'))
    assert len(tiles) == 6
    rows: dict[float, list[dict[str, list[float]]]] = {}
    for tile in tiles:
        rows.setdefault(round(tile["tile"][1]), []).append(tile)
    assert len(rows) >= 1
    for row in rows.values():
        assert len({round(t["tile"][3]) for t in row}) == 1, row  # one height per row
        assert len({round(t["value"][1]) for t in row}) == 1, row  # the numbers on one line
    assert len({round(t["tile"][3]) for t in tiles}) == 1  # every row as tall


def _still_report() -> tuple[dict[str, Any], dict[str, bytes]]:
    return _report(), {"rep2-arching": _jpeg(size=(640, 360))}


def test_a_still_enlarges_when_clicked_in_chromium(tmp_path: Path) -> None:
    report, stills = _still_report()
    page_path = tmp_path / "report.html"
    write_report_html(page_path, report, _series(), stills)
    page = page_path.read_text(encoding="utf-8")
    parsed = _parse(page)
    links = [a.get("href") for tag, a in parsed.starts if tag == "a" and a.get("class") == "enlarge"]
    assert links == ["#still-rep2-arching"]
    assert "<script" not in page
    small, _ = _screenshot(page_path, tmp_path, size="1280,900")
    target = tmp_path / "target.html"  # the page as it is after the click: the still is the URL's target
    target.write_text(page, encoding="utf-8")
    shot = tmp_path / "zoom.png"
    subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", f"--user-data-dir={tmp_path / 'zoom-profile'}",
                    f"--screenshot={shot}", "--window-size=1280,900",
                    target.resolve().as_uri() + "#still-rep2-arching"],
                   capture_output=True, timeout=120, check=False)
    zoomed = cv2.imread(str(shot))
    assert zoomed is not None
    colour = "#%02x%02x%02x" % STILL_RGB
    assert _colour_share(small, colour, tol=12) < 0.02  # not on the first screen of the page
    assert _colour_share(zoomed, colour, tol=12) > 0.30  # the still fills most of the window


def test_print_stylesheet_makes_a_clean_pdf(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed")
    report, stills = _still_report()
    page_path = tmp_path / "report.html"
    write_report_html(page_path, report, _series(), stills)
    pdf = tmp_path / "report.pdf"
    subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", f"--user-data-dir={tmp_path / 'pdf-profile'}",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page_path.resolve().as_uri()],
                   capture_output=True, timeout=120, check=False)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert 2 <= pages <= 8, pages
    # the print rules, shown on screen: a white header, no enlarge hint, the stills two a row
    printed = tmp_path / "printed.html"
    printed.write_text(page_path.read_text(encoding="utf-8").replace("@media print{", "@media all{"), encoding="utf-8")
    image, _ = _screenshot(printed, tmp_path, size="900,1400")
    header = image[:40, :, :]
    assert (header.reshape(-1, 3).mean(axis=0) > 200).all()  # no dark banner to print
    assert _colour_share(image, FAULT_COLOURS["arching"]) > 0  # colours kept (print-color-adjust)
    assert "Click a still to enlarge it." in printed.read_text(encoding="utf-8")  # hidden by CSS, still in DOM
    assert np.isfinite(image).all()
