"""The page of a run that stopped: ``failure.html``, beside the executed notebooks it kept.

A run stops on a failed check (an unexplained change, a sum that does not add up …) or on an error in
a notebook, and keeps the executed notebooks in ``outputs/FY<yyyy>.failed``. This page is what the
reporting team opens there: one row per failure — notebook, cell, check and its detail with the
figures, e.g. ``<id> moved +12.17 % (9,119,657.179 → 10,229,669.66 t CO2), above the flag threshold
of 10 %, and has no explanation …`` — links to the executed notebooks kept beside it, and the
statement that the outputs in place were not changed.

The page is built like the year's index (:mod:`envkpi.pages.site`, whose stylesheet it shares): one static
document, everything from the run escaped, nothing loaded from any other host, no script.
:mod:`envkpi.pages.html` exports notebooks through nbconvert and has no page of its own to reuse.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from envkpi.core.results import Check
from envkpi.pages.site import page

__all__ = ["Failure", "failed_checks", "notebook_error", "failure_html"]


@dataclass(frozen=True)
class Failure:
    """Why a run stopped: a failed check, or an error in a notebook.

    Attributes
    ----------
    notebook : str
        The notebook's name without ``.ipynb`` (``"changes"``); ``""`` for a problem of the run as a
        whole (e.g. an indicator reported by two notebooks).
    cell_id : str or None
        The id of the cell that reported it, when known.
    check : str or None
        The name of the failed check; None for an error in the notebook.
    detail : str
        The check's detail, with its figures; for an error, the error's text.
    """

    notebook: str
    cell_id: str | None
    check: str | None
    detail: str


def failed_checks(notebook: str, checks: Iterable[tuple[str, Check]]) -> list[Failure]:
    """The failed checks of one notebook (the runner's ``(cell id, Check)`` pairs) as failures, in order."""
    return [Failure(notebook, cell_id, check.name, check.detail) for cell_id, check in checks if not check.passed]


#: How the runner names the cell that failed: ``… failed in the cell with id 'scope2' (In [7]):``.
_FAILED_CELL = re.compile(r"failed in the cell with id '(?P<cell_id>[^']*)'")


def notebook_error(notebook: str, error: str, cell_id: str | None = None) -> Failure:
    """An error in a notebook as a failure; the cell is taken from the runner's text when not given."""
    if cell_id is None:
        match = _FAILED_CELL.search(error)
        cell_id = match["cell_id"] if match else None
    return Failure(notebook, cell_id, None, error)


#: Terminal colour codes, which an error text from a kernel may hold.
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

_FAILURE_STYLE = """
td.detail { white-space: pre-wrap; overflow-wrap: anywhere; }
td.what { white-space: nowrap; }
tr.error td.what { color: #a0300f; font-weight: 600; }
"""


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def failure_html(fiscal_year: int, problems: Sequence[Failure], notebooks: Sequence[str], *,
                 outputs: str | None = None) -> str:
    """The page of a run that stopped, to keep beside its executed notebooks as ``failure.html``.

    Parameters
    ----------
    fiscal_year : int
        The year the run was for.
    problems : sequence of Failure
        Every reason the run stopped, in the order to show.
    notebooks : sequence of str
        The executed notebooks kept beside the page, by name without ``.ipynb``; each is linked.
    outputs : str, optional
        The output folder that was not changed, as messages name it (``outputs/FY2019``).

    Returns
    -------
    str
        A complete, self-contained HTML document: no script, nothing loaded from another host.
    """
    e = html.escape
    kept = set(notebooks)
    rows = []
    for problem in problems:
        name = f"{problem.notebook}.ipynb" if problem.notebook else ""
        where = f'<a href="{e(name)}">{e(name)}</a>' if problem.notebook in kept else (e(name) or "the run")
        what = e(problem.check) if problem.check is not None else "error in the notebook"
        detail = _ANSI.sub("", problem.detail)
        rows.append(f'<tr class="{"check" if problem.check is not None else "error"}"><td>{where}</td>'
                    f'<td class="id">{e(problem.cell_id or "—")}</td><td class="what">{what}</td>'
                    f'<td class="detail">{e(detail)}</td></tr>')
    checks = sum(1 for p in problems if p.check is not None)
    errors = len(problems) - checks
    counted = " and ".join(part for part in (
        _count(checks, "check failed", "checks failed") if checks else "",
        _count(errors, "notebook stopped on an error", "notebooks stopped on an error") if errors else "") if part)
    links = ", ".join(f'<a href="{e(name)}.ipynb">{e(name)}.ipynb</a>' for name in notebooks)
    place = f" ({e(outputs)})" if outputs else ""
    title = f"FY{fiscal_year}: the run stopped"
    return page(title, f"""<p class="note">The run of FY{fiscal_year} stopped: {e(counted or "no reason was recorded")}. Nothing was
published or replaced: the outputs in place{place} were not changed.</p>
<h2>Why it stopped</h2>
<p>One row per failure: the notebook, the cell that reported it, the check and what it found. Fix what a
row names (an input table, the year's parameter file, an explanation of a change), then run the year again.</p>
<table>
<thead><tr><th>notebook</th><th>cell</th><th>check</th><th>detail</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<h2>The executed notebooks</h2>
<p>Kept beside this page, as far as each ran, with every cell's output: {links or "none"}.
Open one in JupyterLab to see the cell a row names.</p>
""", _FAILURE_STYLE)
