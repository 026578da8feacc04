"""``progress.html``: the session history as one self-contained page (inline CSS and SVG, no
network, no script), from :mod:`formcheck.report.progress_context`; written atomically."""

from __future__ import annotations

import os
from typing import Sequence

from formcheck import __version__
from formcheck.io.atomic import AtomicTextFile
from formcheck.report.html_context import css_colours
from formcheck.report.html_report import compact, template_environment
from formcheck.report.progress_context import ProgressGroup, progress_context


def render_progress_html(groups: Sequence[ProgressGroup], title: str, generated: str) -> str:
    """The whole progress page as one HTML string."""
    context = progress_context(groups, title, generated)
    context.update(colours=css_colours(), version=__version__)
    return compact(template_environment().get_template("progress.html.j2").render(context))


def write_progress_html(path: str | os.PathLike[str], groups: Sequence[ProgressGroup], title: str,
                        generated: str) -> None:
    """Write the progress page atomically."""
    page = render_progress_html(groups, title, generated)
    with AtomicTextFile(path) as handle:
        handle.write(page)
