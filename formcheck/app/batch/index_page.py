"""``index.html`` of a batch: one self-contained page (no network), the rows as a table sortable
by any column (a few lines of inline script), each video linked to its report.html.

Rendered with Jinja2 with autoescaping: file names, person names and reasons are text, never markup.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence
from urllib.parse import quote

from jinja2 import Environment

from formcheck.analysis.fault import FAULT_CODES

# (column, heading, numeric?) in the order shown
SHOWN: tuple[tuple[str, str, bool], ...] = (
    ("video", "video", False), ("status", "status", False), ("reason", "reason", False),
    ("exercise", "exercise", False), ("person", "person", False), ("date", "date", False),
    ("duration_s", "duration (s)", True), ("reps_left", "reps left", True), ("reps_right", "reps right", True),
    ("reps_both", "reps both", True), ("clean_reps", "clean", True),
    *((f"faults_{code}", code.replace("_", " "), True) for code in FAULT_CODES),
    ("end_range_left_cm", "end range left (cm)", True), ("end_range_right_cm", "end range right (cm)", True),
    ("end_range_both_cm", "end range both (cm)", True), ("elapsed_s", "took (s)", True))

TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>formcheck batch: {{ title }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
td.n, td.date { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
tr.failed td { background: #fdecea; } tr.interrupted td, tr.pending td { background: #fff8e1; }
td.reason { max-width: 28rem; }
</style>
</head>
<body>
<h1>formcheck batch</h1>
<p>{{ counts }}. Written by formcheck {{ version }}.{% if not finished %} <strong>The batch did not finish:
run the same command again to resume.</strong>{% endif %} Click a heading to sort.</p>
<table id="batch">
<thead><tr>{% for column, heading, numeric in shown %}<th scope="col" data-numeric="{{ 1 if numeric else 0 }}"><button type="button">{{ heading }}</button></th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}<tr class="{{ row.status }}">{% for column, heading, numeric in shown %}{% set value = row.get(column) %}
{% if column == "video" and row.href %}<td><a href="{{ row.href }}">{{ value }}</a></td>{% elif numeric %}<td class="n">{{ "" if value is none else value }}</td>{% else %}<td class="{{ column }}">{{ "" if value is none else value }}</td>{% endif %}{% endfor %}</tr>
{% endfor %}</tbody>
</table>
<script>
document.querySelectorAll("#batch th").forEach((th, col) => th.addEventListener("click", () => {
  const body = th.closest("table").tBodies[0], numeric = th.dataset.numeric === "1";
  const up = th.getAttribute("aria-sort") !== "ascending";
  th.parentNode.querySelectorAll("th").forEach(h => h.removeAttribute("aria-sort"));
  th.setAttribute("aria-sort", up ? "ascending" : "descending");
  const key = tr => { const t = tr.cells[col].textContent.trim(); return numeric ? (t === "" ? -Infinity : parseFloat(t)) : t.toLowerCase(); };
  [...body.rows].sort((a, b) => { const x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (up ? 1 : -1); })
    .forEach(tr => body.appendChild(tr));
}));
</script>
</body>
</html>
"""

_ENVIRONMENT = Environment(autoescape=True, keep_trailing_newline=True)


def report_href(folder: str) -> str:
    """The link to a video's report.html, relative to the index, percent-encoded (a file name
    with ``#``, ``?`` or ``:`` stays a path)."""
    return quote(f"{folder}/report.html", safe="/")


def render_index(rows: Sequence[Mapping[str, Any]], linked: Sequence[bool], title: str, counts: str,
                 version: str, finished: bool) -> str:
    """The page; ``linked[i]`` says whether row i has a report.html to link to."""
    shown_rows = [dict(row, href=report_href(str(row["folder"])) if link else None) for row, link in zip(rows, linked)]
    return _ENVIRONMENT.from_string(TEMPLATE).render(rows=shown_rows, shown=SHOWN, title=title, counts=counts,
                                                     version=version, finished=finished)
