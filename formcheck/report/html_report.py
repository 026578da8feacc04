"""``report.html``: the per-rep report for people, as ONE self-contained file.

No network: CSS is inline, plots are inline SVG, stills are base64 data URIs. The page is the
Jinja2 template ``templates/report.html.j2`` (autoescape on: every text from the report or the
file system is escaped) filled with the values :mod:`formcheck.report.html_context` builds.
Written atomically. Sections: summary (with the thresholds and a link to the annotated video
when it exists), advice, start position, warnings, sets against the prescription, reps table
(each threshold beside its column), the tempo of each rep against the coached tempo, plots (knee
angle, heel height, lumbar lift, with reps shaded and faults marked), stills of the fault moments
(a click enlarges one, by CSS alone). A print stylesheet makes it a clean PDF.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any, Mapping

import jinja2

from formcheck.core.series import MeasureSeries
from formcheck.io.atomic import AtomicTextFile
from formcheck.report.html_context import page_context, still_key

__all__ = ["compact", "render_report_html", "still_key", "template_environment", "write_report_html"]

_BETWEEN_TAGS = re.compile(r">\n\s*<")


def compact(page: str) -> str:
    """``page`` without the line breaks the templates put between two tags (a break inside escaped
    text cannot match: its ``<`` and ``>`` are entities)."""
    return _BETWEEN_TAGS.sub("><", page)


def _px(value: float) -> str:
    """A pixel coordinate for SVG markup (one decimal)."""
    return f"{value:.1f}"


@functools.cache
def template_environment() -> jinja2.Environment:
    """The template environment of formcheck's pages: package templates, autoescape everywhere,
    unknown names an error."""
    environment = jinja2.Environment(loader=jinja2.PackageLoader("formcheck.report", "templates"),
                                     autoescape=True, undefined=jinja2.StrictUndefined,
                                     trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    environment.filters["px"] = _px
    return environment


# The annotated video's name in the report folder (app.annotate writes it; the page links it).
ANNOTATED_VIDEO = "annotated.mp4"


def render_report_html(report: Mapping[str, Any], series: MeasureSeries,
                       stills: Mapping[str, bytes] | None = None, video_href: str | None = None) -> str:
    """The whole report page as one HTML string (no external references).

    Line breaks the templates put between two tags are dropped (a break inside escaped text
    cannot match: its ``<`` and ``>`` are entities), so the page is compact and each table
    row one line.
    """
    source = report.get("source", {}) or {}
    name = os.path.basename(str(source.get("path", ""))) or "session"
    context = page_context(report, series, stills, name, video_href)
    page = template_environment().get_template("report.html.j2").render(context)
    return compact(page)


def write_report_html(path: str | os.PathLike[str], report: Mapping[str, Any], series: MeasureSeries,
                      stills: Mapping[str, bytes] | None = None) -> None:
    """Write ``report.html`` atomically (a crash never leaves half a page).

    ``stills`` maps keys like ``"rep3-arching"`` (:func:`still_key`) to JPEG bytes, embedded as data URIs.
    The page links ``annotated.mp4`` when it is in the same folder.
    """
    video = Path(path).parent / ANNOTATED_VIDEO
    page = render_report_html(report, series, stills, ANNOTATED_VIDEO if video.is_file() else None)
    with AtomicTextFile(path) as handle:
        handle.write(page)
