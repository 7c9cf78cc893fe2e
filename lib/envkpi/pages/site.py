"""The year's front page, ``outputs/FY<yyyy>/index.html``: every indicator, linked to the cell that computed it.

A static page, built from the year's results, the catalogue and the parameters: the organisation, the
period, the year's statement of what changed (``what_changed:`` of the year file), the boundary, then a
table of every headline indicator (id, English and Japanese name, value, unit, change against last year)
whose value links to the exact cell of the family report that shows it, and links to every report. A
change over the flag threshold is marked, with the explanation of the year file under it (or the
statement that there is none); the flags are those of :func:`envkpi.cycle.changes.year_on_year`, the one
computation the changes report also shows. Everything from data or parameters is escaped; nothing is
loaded from any other host; the same inputs give the same bytes (no date or run metadata: those live
in the manifest).
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence

import pandas as pd

from envkpi.core.catalogue import catalogue, family_entries
from envkpi.core.parameters import Parameters, what_changed_problems
from envkpi.core.results import ResultRow
from envkpi.cycle.changes import year_on_year
from envkpi.pages.report import fmt

__all__ = ["index_html", "page", "REPORT_TITLES", "FLAG_MARK", "PAGE_STYLE"]

#: The mark of a headline whose change against last year is over the flag threshold.
FLAG_MARK = "⚑"

#: Titles of the reports a year's folder can hold, in the order of the page: each family's title in the
#: catalogue, then the changes report.
REPORT_TITLES = {**{entry.name: entry.title for entry in family_entries()}, "changes": "What changed since last year"}

#: The stylesheet of the year's own pages (the index, the failure page of :mod:`envkpi.pages.failure`): inline,
#: system fonts, printable on A4.
PAGE_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK JP", sans-serif;
       margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: .5rem .8rem; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: .95rem; }
th, td { border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.id { font-family: ui-monospace, monospace; white-space: nowrap; }
.what-changed { white-space: pre-line; border-left: 4px solid #4a78a8; background: #f3f7fb; padding: .5rem .8rem; }
.missing { color: #a0300f; font-weight: 600; }
.flag-mark { color: #a0300f; font-weight: 700; }
tr.flagged td { background: #fff4e5; }
tr.has-explanation td { border-bottom: none; }
tr.explanation td { font-size: .9rem; padding-top: 0; }
.envkpi-restatement { display: block; margin: .5rem 0 1rem; padding: .5rem .8rem; border: 2px solid #b35806;
                      background: #fff4e6; }
@media print { @page { size: A4; margin: 15mm; } body { margin: 0; max-width: none; }
               table, tr { break-inside: avoid; } a { color: inherit; text-decoration: none; } }
"""


def _percent_text(percent: float) -> str:
    return "—" if math.isnan(percent) else f"{percent:+.1f} %"


def _threshold_text(params: Parameters) -> str:
    """The flag threshold as the legend states it, with the thresholds of single indicators."""
    general = params.changes.flag_threshold.quantity.m_as("percent")
    text = f"{general:g} %"
    special = params.changes.indicator_thresholds
    if special:
        text += " (" + "; ".join(f"{key}: {param.quantity.m_as('percent'):g} %" for key, param in special.items()) + ")"
    return text


def _what_changed(params: Parameters) -> str:
    """The section with the year's statement of what changed, as the year file words it."""
    e = html.escape
    previous = f"FY{params.fiscal_year - 1}"
    file = params.file_of("what_changed") or f"parameters/FY{params.fiscal_year}.yaml"
    if what_changed_problems(params, file):
        statement = f'<p class="missing">Not stated: the year file gives no statement of what changed from {previous}.</p>'
    else:
        statement = (f'<p class="what-changed">{e(params.what_changed.strip())}</p>\n'
                     f'<p>As stated by the reporting team in {e(file)} (<code>what_changed</code>).</p>')
    return f"<h2>What changed from {previous}</h2>\n{statement}"


def _explanation_row(params: Parameters, indicator_id: str, flagged: bool) -> str:
    """The row under a headline with its explanation; ``""`` when it is neither flagged nor explained."""
    e = html.escape
    explanation = params.explanations.get(indicator_id)
    if explanation is not None:
        text = f"Explanation (stated change {e(explanation.change)}): {e(explanation.text)}"
    elif flagged:
        text = '<span class="missing">Flagged, and the year file gives no explanation of this change.</span>'
    else:
        return ""
    return f'<tr class="explanation{" flagged" if flagged else ""}"><td></td><td colspan="5">{text}</td></tr>'


def index_html(params: Parameters, rows: Iterable[ResultRow], previous: Iterable[ResultRow] | None,
               reports: Sequence[str], *, compared_with: str | None = None, notice: str = "", databook: bool = False) -> str:
    """The front page of a fiscal year's outputs.

    Parameters
    ----------
    params : Parameters
        The year's parameters (organisation, period, boundary, standard).
    rows : iterable of ResultRow
        The year's results; headline rows are listed.
    previous : iterable of ResultRow, optional
        Last year's published results, for the change column and its flags
        (:func:`envkpi.cycle.changes.year_on_year` with the thresholds of ``params.changes``).
    reports : sequence of str
        The report pages present in the folder (``<name>`` for ``<name>.html``).
    compared_with : str, optional
        Which version of last year's figures ``previous`` is, in the words of the changes report
        (:attr:`envkpi.cycle.publication.Version.label`, e.g. ``FY2017 as published on 2018-06-29``).
    notice : str, optional
        HTML shown under the title (escaped by the caller): the label of a restatement.
    databook : bool
        Whether the folder holds the data book (``databook.xlsx``, ``databook.csv``), to link it.

    Returns
    -------
    str
        A complete, self-contained HTML document.
    """
    e = html.escape
    rows = list(rows)
    headlines = {r.indicator_id: r for r in rows if r.breakdown == ""}
    if previous is not None:
        yoy = year_on_year(rows, list(previous), params.changes.flag_threshold, params.changes.indicator_thresholds)
        legend = (f'<span class="flag-mark">{FLAG_MARK}</span> marks a change of more than {_threshold_text(params)} '
                  f"against FY{params.fiscal_year - 1} (the flag threshold of the parameters), and an indicator that "
                  "had no value, or zero, last year: each such change must be explained in the year file. Under a "
                  "headline: the explanation the year file gives, with the change it states.")
    else:
        yoy = pd.DataFrame(columns=["indicator_id", "change_percent", "flagged"])
        legend = f"No FY{params.fiscal_year - 1} results to compare with: no change is shown or flagged."
    change = {i: (float(p), bool(f)) for i, p, f in zip(yoy["indicator_id"], yoy["change_percent"], yoy["flagged"])}
    start, end = params.period
    body_rows = []
    for entry in catalogue():
        row = headlines.get(entry.id)
        if row is None:
            continue
        link = f"{row.notebook}.html#cell-id={row.cell_id}"
        percent, flagged = change.get(entry.id, (math.nan, False))
        explanation = _explanation_row(params, entry.id, flagged)
        classes = " ".join(c for c, on in (("flagged", flagged), ("has-explanation", bool(explanation))) if on)
        opening = f'<tr class="{classes}">' if classes else "<tr>"
        mark = f'<span class="flag-mark" title="flagged change">{FLAG_MARK}</span> ' if flagged else ""
        body_rows.append(
            f'{opening}<td class="id">{e(entry.id)}</td>'
            f'<td>{e(entry.name_en)}</td><td lang="ja">{e(entry.name_ja)}</td>'
            f'<td class="num"><a href="{e(link)}">{e(fmt(row.value, decimals=0 if row.unit == "count" else None))}</a></td>'
            f'<td>{e(row.unit)}</td><td class="num">{mark}{e(_percent_text(percent))}</td></tr>')
        if explanation:
            body_rows.append(explanation)
    exclusions = "".join(f"<li>{e(x.name)} — {e(x.reason)}</li>" for x in params.boundary.excluded_entities)
    links = "".join(f'<li><a href="{e(name)}.html">{e(REPORT_TITLES.get(name, name))}</a> '
                    f'(<a href="audit/{e(name)}.html">auditor\'s view</a>: every cell with its code and review)</li>'
                    for name in sorted(reports, key=lambda n: list(REPORT_TITLES).index(n) if n in REPORT_TITLES else 99))
    note = f'<p class="note">{e(params.organisation.note)}</p>' if params.organisation.note else ""
    reported = {r.notebook for r in rows}
    notes = " ".join(e(entry.note) for entry in family_entries() if entry.note and entry.name in reported)
    title = f"{params.organisation.name}: environmental performance indicators, FY{params.fiscal_year}"
    return page(title, f"""{notice}<p>Fiscal year {params.fiscal_year}: {start.isoformat()} to {end.isoformat()}. Calculated under the
{e(params.standard.title)} (<span lang="ja">{e(params.standard.title_ja or "")}</span>), {e(params.standard.edition)}.</p>
{note}
{_what_changed(params)}
<h2>Boundary</h2>
<p>{e(params.boundary.description)}</p>
<ul>{exclusions}</ul>
<h2>Indicators</h2>
<p>Each value links to the cell of the report that computed it. Change: against {e(compared_with or f"FY{params.fiscal_year - 1}")}.
{notes}</p>
<p>{legend}</p>
<table>
<thead><tr><th>id</th><th>indicator</th><th lang="ja">指標</th><th class="num">value</th><th>unit</th><th class="num">change vs FY{params.fiscal_year - 1}</th></tr></thead>
<tbody>
{chr(10).join(body_rows)}
</tbody>
</table>
<h2>Reports</h2>
<ul>{links}</ul>
{_databook_link() if databook else ""}<p>Machine-readable results: <a href="results.csv">results.csv</a>, <a href="results.json">results.json</a>.
Run certificate (hashes of every input and output): <a href="manifest.json">manifest.json</a>.</p>
""")


def _databook_link() -> str:
    return ('<h2>Data book</h2>\n<p>Every indicator for every published fiscal year and this one (a restated figure '
            'marked, with the figure first published in a note), a sheet per family with its breakdowns: '
            '<a href="databook.xlsx">databook.xlsx</a>; the indicators sheet as <a href="databook.csv">databook.csv</a>.</p>\n')


def page(title: str, body: str, style: str = "") -> str:
    """A complete page of the year's own (the index, the failure page of :mod:`envkpi.pages.failure`): the title
    as ``<title>`` and ``<h1>`` (escaped), then ``body`` (HTML, escaped by the caller), with
    :data:`PAGE_STYLE` and ``style`` inline; nothing loaded from another host, no script."""
    e = html.escape
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>{PAGE_STYLE}{style}</style>
</head>
<body>
<h1>{e(title)}</h1>
{body}</body>
</html>
"""
