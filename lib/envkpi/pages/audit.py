"""The auditor's pages of a run: ``audit/<notebook>.html``, every cell with its code and review status.

The reader's page of a report shows the narrative, the results and the charts. The auditor's page of
the same executed notebook shows every cell — the parameters cell, the values Papermill injected,
the code, the provenance and software cells — and above each cell a bar with its id (the anchor an
index value links to), this run's execution time, the SHA-256 the review is bound to, and the
review status from ``review.yaml`` (reviewed, queried, query answered, rejected, *review stale*, not
reviewed) with the thread of its query, and whether the code in ``notebooks/`` changed since the run.
``audit/index.html`` gives, per notebook, where the review stands, the open queries and the sign-off.

The auditor's pages are the one part of a run folder that is not the same from one run to the next:
they show this run's execution times (run metadata, recorded in ``manifest.json``) and the review as
it stands. They are therefore written apart, in ``audit/``, not listed in the manifest and not part
of a publication; ``envkpi review`` rewrites them after each review, on a published year too. When a
year is restated, the pages of the figures as first published (and of earlier restatements) are
rewritten as well: they say that a restatement exists, link to it, list what moved, and show the
review as it stands against the current figures, so that no page says "reviewed" of a cell whose
review the restatement made stale.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from pathlib import Path

from envkpi.core.results import read_results
from envkpi.cycle.publication import AUDIT_DIR, REVIEW_FILE, latest_results_folder, restatements
from envkpi.cycle.review import (
    STATES,
    YEAR,
    CellState,
    executed_notebooks,
    load_reviews,
    notebook_states,
    open_queries,
    sign_off_states,
    source_notebook,
)
from envkpi.pages.html import export_audit_html, render_pages

__all__ = ["RUN_METADATA_CLASS", "write_audit_pages", "audit_bar", "audit_header", "audit_index", "restatement_notice"]

#: The class of the elements that show this run's metadata (times): the only content of an auditor's
#: page that differs between two runs of the same inputs.
RUN_METADATA_CLASS = "envkpi-run-metadata"

_LABELS = {"reviewed": "reviewed", "stale": "review stale", "queried": "queried", "answered": "query answered",
           "rejected": "rejected",
           "unreviewed": "not reviewed"}
_TAG_NOTES = {"parameters": "parameters cell (defaults)", "injected-parameters": "parameters injected by Papermill",
              "remove-cell": "not in the reader's page"}


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.3f} s"


def audit_bar(cell: CellState, tags: list[str], seconds: float | None) -> str:
    """The escaped HTML bar shown above one cell of the auditor's page."""
    e = html.escape
    parts = [f'<span class="envkpi-audit-state">{_LABELS[cell.state]}</span>',
             f'<span class="envkpi-audit-id">cell <a href="#cell-id={e(cell.cell_id)}">{e(cell.cell_id)}</a></span>',
             f'<span class="envkpi-audit-kind">{e(cell.cell_type)}</span>']
    parts += [f'<span class="envkpi-audit-tag">{e(_TAG_NOTES[tag])}</span>' for tag in tags if tag in _TAG_NOTES]
    if cell.cell_type == "code":
        parts.append(f'<span class="envkpi-audit-time {RUN_METADATA_CLASS}" title="execution time in this run">'
                     f'{_seconds(seconds)}</span>')
    parts.append(f'<span class="envkpi-audit-hash" title="SHA-256 of the cell\'s type, source and outputs: '
                 f'{cell.sha256}">SHA-256 {cell.sha256[:12]}</span>')
    review = cell.review
    if cell.thread:
        for entry in cell.thread:
            text = f"{entry.status} — {entry.reviewer}, {entry.date.isoformat()}"
            parts.append(f'<span class="envkpi-audit-review">{e(text + (": " + entry.comment if entry.comment else ""))}</span>')
        if cell.state == "stale":
            parts.append('<span class="envkpi-audit-review">The cell changed since this thread: it needs a new review.</span>')
    elif review is not None:
        text = f"{review.status} — {review.reviewer}, {review.date.isoformat()}"
        if review.comment:
            text += f": {review.comment}"
        if cell.state == "stale":
            text = (f"The review ({text}) was given to other content (SHA-256 {review.sha256[:12]}); "
                    f"the cell changed since and needs a new review.")
        parts.append(f'<span class="envkpi-audit-review">{e(text)}</span>')
    elif cell.covered_by:
        parts.append(f'<span class="envkpi-audit-review">covered by the review of its section ({e(cell.covered_by)})</span>')
    if cell.code_changed:
        parts.append('<span class="envkpi-audit-review">code changed since the run: notebooks/ holds other code '
                     'for this cell; the results reproduce, but a review of this cell is of code the workbook no '
                     'longer has</span>')
    return f'<div class="envkpi-audit-bar envkpi-state-{cell.state}">{"".join(parts)}</div>'


def audit_header(name: str, fiscal_year: int, cells: list[CellState], manifest: dict, *, sign_off: str = "",
                 restated: str = "") -> str:
    """The escaped HTML header of a notebook's auditor page: what was run, and where the review stands.

    ``sign_off`` is the notebook's sign-off state; ``restated`` the (escaped HTML) notice of a page of
    figures that a restatement replaced.
    """
    e = html.escape
    counts = Counter(cell.state for cell in cells)
    summary = ", ".join(f"{counts[state]} {_LABELS[state]}" for state in STATES)
    changed = [cell.cell_id for cell in cells if cell.code_changed]
    run = manifest.get("run", {})
    facts = [("Notebook", f"{name}.ipynb (executed; the reader's page is <a href=\"../{e(name)}.html\">{e(name)}.html</a>)"),
             ("Code version", e(str(manifest.get("code_version", "?")))),
             ("Parameters", f"<code>{e(str(manifest.get('parameters_file', '?')))}</code>"),
             ("Inputs", f"<code>{e(str(manifest.get('data_dir', '?')))}</code> (every file with its SHA-256 in "
                        f"<a href=\"../manifest.json\">manifest.json</a> and in the provenance cell below)"),
             ("Run", f'<span class="{RUN_METADATA_CLASS}">started {e(str(run.get("started", "?")))}, this notebook '
                     f'{e(str(run.get("notebooks", {}).get(name, "?")))} s</span>'),
             ("Review", f"{len(cells)} cells: {e(summary)} (from <code>{REVIEW_FILE}</code> of FY{fiscal_year}); "
                        f"sign-off: {e(sign_off or 'not signed off')}; <a href=\"index.html\">the year's review</a>")]
    if changed:
        facts.append(("Code changed", f"since the run, <code>notebooks/{e(name)}.ipynb</code> holds other code for "
                                      f"{e(', '.join(changed))}"))
    rows = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in facts)
    return f"""<header class="envkpi-audit-header">
{restated}{restatement_notice(manifest)}<p><strong>Auditor's view</strong> of FY{fiscal_year}, <a href="../index.html">all indicators</a>. Every cell is
shown with its code; above it, its id, its execution time in this run, the SHA-256 of its type, source and
outputs, and its review. A review is bound to that hash: when the cell changes, it shows as "review stale".</p>
<table>{rows}</table>
<p>Record a review: <code>envkpi review --fy {fiscal_year} --notebook {e(name)} --cell CELL-ID --ok|--query|--reject
--by NAME --comment TEXT</code>; answer a query (preparer) with <code>--answer</code>, close it (auditor) with
<code>--resolve</code>; sign off with <code>envkpi review --fy {fiscal_year} --sign-off --notebook {e(name)} --by NAME</code>;
summary: <code>envkpi review --fy {fiscal_year} --status</code>.</p>
</header>
"""


def _run_folders(year_folder: Path) -> list[Path]:
    """The year's folders of figures: as first published, then each restatement (oldest first)."""
    return [year_folder, *restatements(year_folder)]


def _headline_changes(old: Path, new: Path) -> list[str]:
    """What moved between two folders of figures: each headline that differs, as text."""
    before = {(r.indicator_id): r for r in read_results(old / "results.csv") if not r.breakdown}
    after = {(r.indicator_id): r for r in read_results(new / "results.csv") if not r.breakdown}
    lines = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if a is None or b is None or a.value != b.value:
            shown = lambda r: "—" if r is None else f"{r.value:,.6g} {r.unit}"  # noqa: E731
            lines.append(f"{key}: {shown(a)} → {shown(b)}")
    return lines


def restatement_notice(manifest: dict) -> str:
    """The label of a restatement's auditor pages (escaped HTML; empty for a run that restates nothing):
    what it restates, and why, from its manifest's ``restatement``."""
    record = manifest.get("restatement")
    if not isinstance(record, dict):
        return ""
    e = html.escape
    return (f'<p class="envkpi-audit-restated"><strong>Restatement.</strong> FY{e(str(manifest.get("fiscal_year", "?")))} '
            f'as restated on {e(str(record.get("on", "?")))}, restating {e(str(record.get("of", "?")))} '
            f'(<a href="../../../audit/index.html">its auditor\'s pages</a>). Reason: {e(str(record.get("reason", "?")))}</p>\n')


def _restated_notice(folder: Path, current: Path, name: str, stale: list[str]) -> str:
    e = html.escape
    relative = Path("..") / current.relative_to(folder) / AUDIT_DIR / f"{name}.html" if current.is_relative_to(folder) \
        else Path("..") / ".." / current.name / AUDIT_DIR / f"{name}.html"
    stale_text = (f" Reviews this restatement made stale: {e(', '.join(stale))}." if stale else "")
    return (f'<p class="envkpi-audit-restated"><strong>Restated.</strong> These are figures that a restatement of '
            f'{e(current.name)} replaced; the current figures are on <a href="{e(relative.as_posix())}">their auditor\'s '
            f'page</a>. The review shown below is as it stands against the current figures.{stale_text}</p>\n')


def write_audit_pages(year_folder: Path, results_folder: Path | None = None, source_notebooks: Path | None = None,
                      workers: int = 1) -> list[Path]:
    """Write the auditor's pages of a year: ``audit/<notebook>.html`` and ``audit/index.html``.

    Parameters
    ----------
    year_folder : Path
        ``outputs/FY<yyyy>``, whose ``review.yaml`` holds the review (may not exist yet during a run).
    results_folder : Path, optional
        The run folder whose notebooks and manifest are shown (a run's staging folder); by default
        the year's current figures, and then also every folder of figures a restatement replaced.
    source_notebooks : Path, optional
        The project's ``notebooks/``, to mark cells whose code changed since the run.
    workers : int
        Pages exported at the same time (:func:`envkpi.pages.html.render_pages`).

    Returns
    -------
    list of Path
        The pages written.
    """
    year_folder = Path(year_folder)
    current = results_folder or latest_results_folder(year_folder)
    reviews = load_reviews(year_folder)
    notebooks = executed_notebooks(current)
    states = {name: notebook_states(name, notebook, reviews.get(name, {}), source_notebook(source_notebooks, name))
              for name, notebook in notebooks.items()}
    signed = sign_off_states(year_folder, states) if (year_folder / REVIEW_FILE).exists() else {}
    folders = [current] if results_folder else [current, *(f for f in _run_folders(year_folder) if f != current)]
    written = []
    for folder in folders:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        timings = manifest.get("run", {}).get("cells", {})
        pages = folder / AUDIT_DIR
        pages.mkdir(exist_ok=True)
        shown = notebooks if folder == current else executed_notebooks(folder)
        calls = []
        for name, notebook in shown.items():
            now = {state.cell_id: state for state in states.get(name, [])}
            own = notebook_states(name, notebook, reviews.get(name, {}))
            cells = [now.get(state.cell_id, state) for state in own] if folder != current else states[name]
            notice = ""
            if folder != current:
                stale = [state.cell_id for state in own if state.state not in ("unreviewed", "stale")
                         and now.get(state.cell_id) is not None and now[state.cell_id].state == "stale"]
                notice = _restated_notice(folder, current, name, stale)
            bars = {state.cell_id: audit_bar(state, cell.metadata.get("tags", []), timings.get(name, {}).get(state.cell_id))
                    for cell, state in zip(notebook.cells, cells)}
            header = audit_header(name, manifest["fiscal_year"], cells, manifest, sign_off=signed.get(name, ""),
                                  restated=notice)
            calls.append((export_audit_html, (notebook,), {"bars": bars, "header": header}))
        for name, page in zip(shown, render_pages(calls, workers)):
            path = pages / f"{name}.html"
            path.write_bytes(page.encode("utf-8"))
            written.append(path)
        index = pages / "index.html"
        index.write_bytes(audit_index(year_folder, folder, current, states, signed).encode("utf-8"))
        written.append(index)
    return written


def audit_index(year_folder: Path, folder: Path, current: Path, states: dict[str, list[CellState]],
                signed: dict[str, str]) -> str:
    """``audit/index.html``: per notebook where the review stands (reviewed, stale, open queries,
    rejected, not reviewed, code changed, sign-off), the year's sign-off, and the restatements with
    what moved."""
    e = html.escape
    manifest = json.loads((current / "manifest.json").read_text(encoding="utf-8"))
    fiscal_year = manifest.get("fiscal_year", "?")
    queries = open_queries(year_folder) if (year_folder / REVIEW_FILE).exists() else []
    rows = []
    for name, cells in states.items():
        counts = Counter(cell.state for cell in cells)
        open_count = sum(1 for q in queries if q["notebook"] == name)
        changed = sum(1 for cell in cells if cell.code_changed)
        rows.append(f"<tr><td><a href=\"{e(name)}.html\">{e(name)}</a></td><td>{len(cells)}</td>"
                    + "".join(f"<td>{counts[state]}</td>" for state in STATES)
                    + f"<td>{open_count}</td><td>{changed}</td><td>{e(signed.get(name, 'not signed off'))}</td></tr>")
    head = "".join(f"<th>{e(_LABELS[state])}</th>" for state in STATES)
    restatements = []
    folders = _run_folders(year_folder)
    for older, newer in zip(folders, folders[1:]):
        moved = _headline_changes(older, newer)
        link = Path("..") / newer.relative_to(folder) if newer.is_relative_to(folder) else None
        where = f'<a href="{e(link.as_posix())}/audit/index.html">{e(newer.name)}</a>' if link else e(newer.name)
        reason = json.loads((newer / "manifest.json").read_text(encoding="utf-8")).get("restatement", {}).get("reason")
        because = f" (reason: {e(reason)})" if reason else ""
        restatements.append(f"<li>Restated {where}{because}: " + (e("; ".join(moved)) if moved else "no headline moved")
                            + "</li>")
    notice = ""
    if folder != current:
        notice = (f'<p class="envkpi-audit-restated"><strong>Restated.</strong> These figures were replaced by a '
                  f'restatement ({e(current.name)}); the review below is as it stands against the current figures.</p>')
    restated_list = f"<h2>Restatements</h2><ul>{''.join(restatements)}</ul>" if restatements else ""
    query_items = "".join(
        f"<li>{e(q['notebook'])} / <a href=\"{e(q['notebook'])}.html#cell-id={e(q['cell_id'])}\">{e(q['cell_id'])}</a> "
        f"({e(q['state'])}): " + e(" · ".join(f"{t.status} — {t.reviewer}, {t.date.isoformat()}: {t.comment}" for t in q["thread"]))
        + "</li>" for q in queries)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"/><meta content="width=device-width, initial-scale=1" name="viewport"/>
<title>FY{fiscal_year}: where the review stands</title>
<style>body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; }}
table {{ border-collapse: collapse; }} th, td {{ border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: right; }}
td:first-child, th:first-child, td:last-child {{ text-align: left; }}
.envkpi-audit-restated {{ background: #fff3cd; border-left: 4px solid #c77c02; padding: 0.4em 0.8em; }}
@page {{ size: A4; margin: 18mm 15mm 18mm 15mm; }}
@media print {{ body {{ margin: 0; max-width: none; padding: 0; font-size: 9pt; }}
  table {{ width: 100%; table-layout: fixed; }} th, td {{ overflow-wrap: anywhere; padding: 0.1em 0.25em; }}
  tr, li {{ break-inside: avoid; }} }}</style>
</head><body>
<h1>FY{fiscal_year}: where the review stands</h1>
{notice}{restatement_notice(json.loads((folder / "manifest.json").read_text(encoding="utf-8")))}<p>From <code>{REVIEW_FILE}</code>, against the year's current figures. The year: <strong>{e(signed.get(YEAR, 'not signed off'))}</strong>.
Reader's pages: <a href="../index.html">all indicators</a>.</p>
<table><thead><tr><th>notebook</th><th>cells</th>{head}<th>open queries</th><th>code changed</th><th>sign-off</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>
<h2>Open queries ({len(queries)})</h2><ul>{query_items}</ul>
{restated_list}
</body></html>
"""
