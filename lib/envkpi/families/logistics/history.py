"""The logistics family's history: each year's published intensities (``data/history/logistics_history.csv``).

LOG-04 chains the intensity of every year since the base year. When a year is published,
:func:`logistics_history_rows` takes from the run's ``results.csv``, at full precision, LOG-03 (all
transport), LOG-03 ``scope=domestic``, and, when the method changed that year, the previous year's
intensities restated with the new method (LOG-03 ``restated_prior=domestic`` / ``restated_prior=all``),
so that later years chain through the restated factor.
"""

from __future__ import annotations

from pathlib import Path

from envkpi.core.family import History, HistoryError, SeriesFigure, figure_text
from envkpi.core.parameters import Parameters
from envkpi.core.results import ResultRow

from .tables import INTENSITY_UNIT, LOGISTICS_HISTORY, LOGISTICS_HISTORY_FILE

__all__ = ["LOGISTICS_HISTORY_FILE", "logistics_history_rows", "HISTORY"]


def logistics_history_rows(results: list[ResultRow], inputs: list[dict], root: Path, fiscal_year: int,
                           source: str) -> list[dict[str, str]]:
    """The row of ``logistics_history.csv`` of a published run.

    Raises
    ------
    HistoryError
        When the intensities are not in kg CO2 / t, or the domestic one is missing.
    """
    rows = {(r.indicator_id, r.breakdown): r for r in results if r.indicator_id == "LOG-03"}
    if ("LOG-03", "") not in rows:
        return []
    if ("LOG-03", "scope=domestic") not in rows:
        raise HistoryError("LOG-03 has no scope=domestic row; LOG-04 chains the domestic intensity")
    units = {r.unit for r in rows.values()}
    if units != {INTENSITY_UNIT}:
        raise HistoryError(f"LOG-03 is in {', '.join(sorted(units))}; the history is in {INTENSITY_UNIT}")

    def value(breakdown: str) -> str:
        row = rows.get(("LOG-03", breakdown))
        return "" if row is None else figure_text(row.value)

    return [{"fiscal_year": str(fiscal_year), "domestic_intensity": value("scope=domestic"),
             "all_intensity": value(""), "intensity_unit": INTENSITY_UNIT,
             "domestic_restated_prior": value("restated_prior=domestic"),
             "all_restated_prior": value("restated_prior=all"), "source": source}]


def _needed(parameters: Parameters, year: int) -> bool:
    """LOG-04 reads every year from the base year on."""
    return year >= int(parameters.logistics.base_fiscal_year.value)


def logistics_series(rows: list[dict[str, str]]) -> list[SeriesFigure]:
    """Each row's ``all_intensity`` as LOG-03, the headline of all transport [kg CO2 / t] (rows that do not
    parse are left out: the validation of the table names them)."""
    figures = []
    for row in rows:
        try:
            year, value = int(float(row["fiscal_year"])), float(row["all_intensity"])
        except (KeyError, TypeError, ValueError):
            continue
        if (row.get("intensity_unit") or INTENSITY_UNIT).strip() == INTENSITY_UNIT:
            figures.append(SeriesFigure(("LOG-03",), year, value, INTENSITY_UNIT, (row.get("source") or "").strip()))
    return figures


HISTORY = History(path=LOGISTICS_HISTORY_FILE, spec=LOGISTICS_HISTORY, keys=("fiscal_year",),
                  figures=("domestic_intensity", "all_intensity"), what="logistics CO2 intensities",
                  rows=logistics_history_rows, needed=_needed, series=logistics_series)
