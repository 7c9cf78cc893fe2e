"""The avoided-emissions family's history: each year's published total (``data/history/avoided_emissions.csv``).

The progress towards the long-term target adds up the avoided emissions of every year that counts.
When a year is published, :func:`avoided_history_rows` takes CO2-01 + CO2-02 + CO2-03 from the run's
``results.csv`` at full precision.
"""

from __future__ import annotations

from pathlib import Path

from envkpi.core.family import History, HistoryError, SeriesFigure, figure_text
from envkpi.core.parameters import Parameters
from envkpi.core.results import ResultRow

from .tables import AVOIDED_HISTORY, AVOIDED_HISTORY_FILE

__all__ = ["AVOIDED_HISTORY_FILE", "AVOIDED_PARTS", "avoided_history_rows", "HISTORY"]

#: The headline results whose sum is a year's avoided emissions (the target's own measure).
AVOIDED_PARTS = ("CO2-01", "CO2-02", "CO2-03")


def avoided_history_rows(results: list[ResultRow], inputs: list[dict], root: Path, fiscal_year: int,
                         source: str) -> list[dict[str, str]]:
    """The row of ``avoided_emissions.csv`` of a published run: CO2-01 + CO2-02 + CO2-03 [t CO2].

    Raises
    ------
    HistoryError
        When the three are not all in t CO2.
    """
    parts = {r.indicator_id: r for r in results if r.breakdown == "" and r.indicator_id in AVOIDED_PARTS}
    if len(parts) != len(AVOIDED_PARTS):
        return []
    units = {r.unit for r in parts.values()}
    if units != {"t CO2"}:
        raise HistoryError(f"CO2-01 … CO2-03 are in {', '.join(sorted(units))}; the history is in t CO2")
    total = sum(parts[i].value for i in AVOIDED_PARTS)
    return [{"fiscal_year": str(fiscal_year), "avoided_co2_t": figure_text(total), "source": source}]


def _needed(parameters: Parameters, year: int) -> bool:
    """The target progress reads every year that counts towards the target."""
    return year >= int(parameters.avoided_emissions.target.counts_from_fiscal_year.value)


def avoided_series(rows: list[dict[str, str]]) -> list[SeriesFigure]:
    """Each row's figure as the published sum CO2-01 + CO2-02 + CO2-03 [t CO2] (rows that do not parse are
    left out: the validation of the table names them)."""
    figures = []
    for row in rows:
        try:
            year, value = int(float(row["fiscal_year"])), float(row["avoided_co2_t"])
        except (KeyError, TypeError, ValueError):
            continue
        figures.append(SeriesFigure(AVOIDED_PARTS, year, value, "t CO2", (row.get("source") or "").strip()))
    return figures


HISTORY = History(path=AVOIDED_HISTORY_FILE, spec=AVOIDED_HISTORY, keys=("fiscal_year",), figures=("avoided_co2_t",),
                  what="avoided emissions", rows=avoided_history_rows, needed=_needed, series=avoided_series)
