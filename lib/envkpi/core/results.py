"""Results and checks: recorded in the notebook's own outputs, collected by the runner.

A notebook records an indicator value by displaying it (:func:`envkpi.pages.report.show_result`): the
output carries, beside its HTML, a machine-readable bundle of MIME type :data:`RESULT_MIME`. The
runner reads the executed notebook and collects every such bundle with the id of the cell that
shows it, so ``results.csv`` ties each number to the cell an auditor reviews. Checks work the same
way with :data:`CHECK_MIME`. A notebook run on its own (Papermill, JupyterLab) needs no runner.

``results.csv`` / ``results.json`` columns (contract, DESIGN.md): ``indicator_id, fiscal_year,
breakdown, value, unit, notebook, cell_id``.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pint

from envkpi.core.catalogue import indicator
from envkpi.core.units import format_unit, parse_unit

__all__ = ["RESULT_MIME", "CHECK_MIME", "PROVENANCE_MIME", "Result", "Check", "ResultRow", "make_result", "collect",
           "results_csv", "results_json", "COLUMNS"]

RESULT_MIME = "application/vnd.envkpi.result+json"
CHECK_MIME = "application/vnd.envkpi.check+json"
PROVENANCE_MIME = "application/vnd.envkpi.provenance+json"
COLUMNS = ("indicator_id", "fiscal_year", "breakdown", "value", "unit", "notebook", "cell_id")


@dataclass(frozen=True)
class Result:
    """One indicator value: headline (``breakdown == ""``) or a breakdown row such as ``site=JP-01``."""

    indicator_id: str
    fiscal_year: int
    breakdown: str
    value: float
    unit: str


@dataclass(frozen=True)
class Check:
    """A reconciliation or plausibility test shown in the report."""

    name: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class ResultRow:
    indicator_id: str
    fiscal_year: int
    breakdown: str
    value: float
    unit: str
    notebook: str
    cell_id: str


def make_result(indicator_id: str, quantity: pint.Quantity, fiscal_year: int, breakdown: str = "") -> Result:
    """A :class:`Result` in the catalogue unit of the indicator.

    Raises
    ------
    KeyError
        If the id is not in the catalogue.
    pint.DimensionalityError
        If the quantity cannot be expressed in the catalogue unit (e.g. kWh for a t CO2 indicator).
    """
    unit = parse_unit(indicator(indicator_id).unit)
    if not isinstance(quantity, pint.Quantity):
        raise TypeError(f"{indicator_id}: a result must be a pint quantity with its unit, got {quantity!r}")
    value = float(quantity.m_as(unit))
    return Result(indicator_id, int(fiscal_year), breakdown, value, format_unit(unit))


def collect(notebook, name: str) -> tuple[list[ResultRow], list[tuple[str, Check]]]:
    """All results and checks displayed in an executed notebook.

    Parameters
    ----------
    notebook : NotebookNode or dict
        The executed notebook (or its JSON, as ``json.loads`` gives it).
    name : str
        Its name (the family's, e.g. ``<family>``), written in the ``notebook`` column.

    Returns
    -------
    tuple
        Result rows in the order they appear, and ``(cell_id, Check)`` pairs.
    """
    rows, checks = [], []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for payload in data.get(RESULT_MIME, {}).get("results", []):
                rows.append(ResultRow(**payload, notebook=name, cell_id=cell.get("id", "")))
            for payload in data.get(CHECK_MIME, {}).get("checks", []):
                checks.append((cell.get("id", ""), Check(**payload)))
    return rows, checks


def duplicate_headlines(rows: list[ResultRow]) -> list[str]:
    """Indicator ids with more than one headline value in a year (the contract allows one)."""
    seen, duplicates = set(), []
    for row in rows:
        key = (row.indicator_id, row.fiscal_year, row.breakdown)
        if key in seen:
            duplicates.append(f"{row.indicator_id} FY{row.fiscal_year} {row.breakdown or '(headline)'}")
        seen.add(key)
    return duplicates


def results_csv(rows: list[ResultRow]) -> str:
    """``results.csv`` text: full-precision values (shortest repr that round-trips), LF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.indicator_id, row.fiscal_year, row.breakdown, repr(row.value), row.unit,
                         row.notebook, row.cell_id])
    return buffer.getvalue()


def results_json(rows: list[ResultRow]) -> str:
    """``results.json`` text: the same rows as ``results.csv``, as a list of objects."""
    return json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=1) + "\n"


def read_results(path: str | Path) -> list[ResultRow]:
    """Rows of a ``results.csv`` written by :func:`results_csv`."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            ResultRow(r["indicator_id"], int(r["fiscal_year"]), r["breakdown"], float(r["value"]), r["unit"],
                      r["notebook"], r["cell_id"])
            for r in csv.DictReader(handle)
        ]
