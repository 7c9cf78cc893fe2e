"""The auditor's pages of a run: ``audit/<notebook>.html``, every cell with its code and review status.

The reader's page of a report shows the narrative, the results and the charts. The auditor's page of
the same executed notebook shows every cell — the parameters cell, the values Papermill injected,
the code, the provenance and software cells — and above each cell a bar with its id (the anchor an
index value links to), this run's execution time, the SHA-256 the review is bound to, and the
review status from ``review.yaml`` (reviewed, queried, rejected, *review stale*, not reviewed).

The auditor's pages are the one part of a run folder that is not the same from one run to the next:
they show this run's execution times (run metadata, recorded in ``manifest.json``) and the review as
it stands. They are therefore written apart, in ``audit/``, not listed in the manifest and not part
of a publication; ``envkpi review`` rewrites them after each review, on a published year too.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from pathlib import Path

from .html import export_audit_html
from .publication import AUDIT_DIR, REVIEW_FILE, latest_results_folder
from .review import STATES, CellState, executed_notebooks, load_reviews, notebook_states

__all__ = ["RUN_METADATA_CLASS", "write_audit_pages", "audit_bar", "audit_header"]

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
    if review is not None:
        text = f"{review.status} — {review.reviewer}, {review.date.isoformat()}"
        if review.comment:
            text += f": {review.comment}"
        if cell.state == "stale":
            text = (f"The review ({text}) was given to other content (SHA-256 {review.sha256[:12]}); "
                    f"the cell changed since and needs a new review.")
        parts.append(f'<span class="envkpi-audit-review">{e(text)}</span>')
    return f'<div class="envkpi-audit-bar envkpi-state-{cell.state}">{"".join(parts)}</div>'


def audit_header(name: str, fiscal_year: int, cells: list[CellState], manifest: dict) -> str:
    """The escaped HTML header of a notebook's auditor page: what was run, and where the review stands."""
    e = html.escape
    counts = Counter(cell.state for cell in cells)
    summary = ", ".join(f"{counts[state]} {_LABELS[state]}" for state in STATES)
    run = manifest.get("run", {})
    facts = [("Notebook", f"{name}.ipynb (executed; the reader's page is <a href=\"../{e(name)}.html\">{e(name)}.html</a>)"),
             ("Code version", e(str(manifest.get("code_version", "?")))),
             ("Parameters", f"<code>{e(str(manifest.get('parameters_file', '?')))}</code>"),
             ("Inputs", f"<code>{e(str(manifest.get('data_dir', '?')))}</code> (every file with its SHA-256 in "
                        f"<a href=\"../manifest.json\">manifest.json</a> and in the provenance cell below)"),
             ("Run", f'<span class="{RUN_METADATA_CLASS}">started {e(str(run.get("started", "?")))}, this notebook '
                     f'{e(str(run.get("notebooks", {}).get(name, "?")))} s</span>'),
             ("Review", f"{len(cells)} cells: {e(summary)} (from <code>{REVIEW_FILE}</code> of FY{fiscal_year})")]
    rows = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in facts)
    return f"""<header class="envkpi-audit-header">
<p><strong>Auditor's view</strong> of FY{fiscal_year}, <a href="../index.html">all indicators</a>. Every cell is
shown with its code; above it, its id, its execution time in this run, the SHA-256 of its type, source and
outputs, and its review. A review is bound to that hash: when the cell changes, it shows as "review stale".</p>
<table>{rows}</table>
<p>Record a review: <code>envkpi review --fy {fiscal_year} --notebook {e(name)} --cell CELL-ID --ok|--query|--reject
--by NAME --comment TEXT</code>; summary: <code>envkpi review --fy {fiscal_year} --status</code>.</p>
</header>
"""


def write_audit_pages(year_folder: Path, results_folder: Path | None = None) -> list[Path]:
    """Write the auditor's page of every executed notebook of a run folder into its ``audit/``.

    Parameters
    ----------
    year_folder : Path
        ``outputs/FY<yyyy>``, whose ``review.yaml`` holds the review (may not exist yet during a run).
    results_folder : Path, optional
        The run folder whose notebooks and manifest are shown (default: the year's current figures).

    Returns
    -------
    list of Path
        The pages written.
    """
    year_folder = Path(year_folder)
    folder = results_folder or latest_results_folder(year_folder)
    reviews = load_reviews(year_folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    timings = manifest.get("run", {}).get("cells", {})
    pages = folder / AUDIT_DIR
    pages.mkdir(exist_ok=True)
    written = []
    for name, notebook in executed_notebooks(folder).items():
        cells = notebook_states(name, notebook, reviews.get(name, {}))
        bars = {state.cell_id: audit_bar(state, cell.metadata.get("tags", []), timings.get(name, {}).get(state.cell_id))
                for cell, state in zip(notebook.cells, cells)}
        page = export_audit_html(notebook, bars=bars, header=audit_header(name, manifest["fiscal_year"], cells, manifest))
        path = pages / f"{name}.html"
        path.write_bytes(page.encode("utf-8"))
        written.append(path)
    return written
