"""The year's front page, ``outputs/FY<yyyy>/index.html``: every indicator, linked to the cell that computed it.

A static page, built from the year's results, the catalogue and the parameters: the organisation, the
period, the boundary, then a table of every headline indicator (id, English and Japanese name, value,
unit, change against last year) whose value links to the exact cell of the family report that shows it,
and links to every report. Everything from data or parameters is escaped; nothing is loaded from any
other host; the same inputs give the same bytes (no date or run metadata: those live in the manifest).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from .catalogue import catalogue
from .parameters import Parameters
from .report import fmt
from .results import ResultRow

__all__ = ["index_html", "REPORT_TITLES"]

#: Titles of the reports a year's folder can hold, in the order of the page.
REPORT_TITLES = {
    "avoided_emissions": "Avoided emissions of products (CO2-01 … CO2-03)",
    "product_use": "Product use (CO2-04)",
    "production": "Production: energy and greenhouse gases (PRD-01 … PRD-07)",
    "changes": "What changed since last year",
}

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK JP", sans-serif;
       margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: .5rem .8rem; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: .95rem; }
th, td { border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.id { font-family: ui-monospace, monospace; white-space: nowrap; }
@media print { @page { size: A4; margin: 15mm; } body { margin: 0; max-width: none; }
               table, tr { break-inside: avoid; } a { color: inherit; text-decoration: none; } }
"""


def _change(this_year: ResultRow, previous: dict[str, ResultRow]) -> str:
    last = previous.get(this_year.indicator_id)
    if last is None or last.unit != this_year.unit or last.value == 0:
        return "—"
    return f"{100 * (this_year.value - last.value) / abs(last.value):+.1f} %"


def index_html(params: Parameters, rows: Iterable[ResultRow], previous: Iterable[ResultRow] | None,
               reports: Sequence[str]) -> str:
    """The front page of a fiscal year's outputs.

    Parameters
    ----------
    params : Parameters
        The year's parameters (organisation, period, boundary, standard).
    rows : iterable of ResultRow
        The year's results; headline rows are listed.
    previous : iterable of ResultRow, optional
        Last year's published results, for the change column.
    reports : sequence of str
        The report pages present in the folder (``production`` for ``production.html``).

    Returns
    -------
    str
        A complete, self-contained HTML document.
    """
    e = html.escape
    headlines = {r.indicator_id: r for r in rows if r.breakdown == ""}
    last_year = {r.indicator_id: r for r in (previous or []) if r.breakdown == ""}
    start, end = params.period
    body_rows = []
    for entry in catalogue():
        row = headlines.get(entry.id)
        if row is None:
            continue
        link = f"{row.notebook}.html#cell-id={row.cell_id}"
        body_rows.append(
            f'<tr><td class="id">{e(entry.id)}</td><td>{e(entry.name_en)}</td><td lang="ja">{e(entry.name_ja)}</td>'
            f'<td class="num"><a href="{e(link)}">{e(fmt(row.value))}</a></td>'
            f'<td>{e(row.unit)}</td><td class="num">{e(_change(row, last_year))}</td></tr>')
    exclusions = "".join(f"<li>{e(x.name)} — {e(x.reason)}</li>" for x in params.boundary.excluded_entities)
    links = "".join(f'<li><a href="{e(name)}.html">{e(REPORT_TITLES.get(name, name))}</a> '
                    f'(<a href="audit/{e(name)}.html">auditor\'s view</a>: every cell with its code and review)</li>'
                    for name in sorted(reports, key=lambda n: list(REPORT_TITLES).index(n) if n in REPORT_TITLES else 99))
    note = f'<p class="note">{e(params.organisation.note)}</p>' if params.organisation.note else ""
    title = f"{params.organisation.name}: environmental performance indicators, FY{params.fiscal_year}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{e(title)}</h1>
<p>Fiscal year {params.fiscal_year}: {start.isoformat()} to {end.isoformat()}. Calculated under the
{e(params.standard.title)} (<span lang="ja">{e(params.standard.title_ja or "")}</span>), {e(params.standard.edition)}.</p>
{note}
<h2>Boundary</h2>
<p>{e(params.boundary.description)}</p>
<ul>{exclusions}</ul>
<h2>Indicators</h2>
<p>Each value links to the cell of the report that computed it. Change: against last year's published figure.
Avoided emissions (CO2-01 … CO2-03) are reported apart from the inventory and never netted against it.</p>
<table>
<thead><tr><th>id</th><th>indicator</th><th lang="ja">指標</th><th class="num">value</th><th>unit</th><th class="num">change vs FY{params.fiscal_year - 1}</th></tr></thead>
<tbody>
{chr(10).join(body_rows)}
</tbody>
</table>
<h2>Reports</h2>
<ul>{links}</ul>
<p>Machine-readable results: <a href="results.csv">results.csv</a>, <a href="results.json">results.json</a>.
Run certificate (hashes of every input and output): <a href="manifest.json">manifest.json</a>.</p>
</body>
</html>
"""
