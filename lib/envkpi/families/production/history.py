"""The production family's history: each site's published CO2 and output (``data/history/site_history.csv``).

The chained intensity index (PRD-02) reads every site's CO2 and output of every year since the base
year. When a year is published, :func:`site_history_rows` takes the CO2 of each site (PRD-01
``site=…``) from the run's ``results.csv`` at full precision and each site's output from the
``production_output.csv`` the run read (its SHA-256 is checked against the run's manifest).
"""

from __future__ import annotations

import csv
from pathlib import Path

from envkpi.core.family import History, HistoryError, figure_text
from envkpi.core.parameters import Parameters
from envkpi.core.provenance import sha256_file
from envkpi.core.results import ResultRow

from .tables import PRODUCTION_OUTPUT, SITE_HISTORY, SITE_HISTORY_FILE

__all__ = ["SITE_HISTORY_FILE", "site_history_rows", "HISTORY"]

def site_history_rows(results: list[ResultRow], inputs: list[dict], root: Path, fiscal_year: int,
                      source: str) -> list[dict[str, str]]:
    """The rows of ``site_history.csv`` of a published run: PRD-01 of each site and its output.

    Raises
    ------
    HistoryError
        When the run's ``production_output.csv`` is not the file the run read (it changed since), or
        a site's output is missing from it.
    """
    sites = [r for r in results if r.indicator_id == "PRD-01" and r.breakdown.startswith("site=")]
    if not sites:
        return []
    outputs = _outputs_read(root, inputs)
    rows = []
    for row in sites:
        site = row.breakdown.removeprefix("site=")
        if site not in outputs:
            raise HistoryError(f"PRD-01 of {site} has no production output in the file the run read")
        output, unit = outputs[site]
        rows.append({"site_id": site, "fiscal_year": str(fiscal_year), "co2": figure_text(row.value),
                     "co2_unit": row.unit, "output": output, "output_unit": unit, "source": source})
    return rows


def _outputs_read(root: Path, inputs: list[dict]) -> dict[str, tuple[str, str]]:
    """Each site's output and unit, as written in the ``production_output.csv`` the run read."""
    name = PRODUCTION_OUTPUT.file_name
    [record] = [r for r in inputs if r.get("path", "").endswith(name)] or [None]
    if record is None:
        raise HistoryError(f"the run read no {name}")
    path = Path(record["path"]) if Path(record["path"]).is_absolute() else root / record["path"]
    if not path.is_file() or sha256_file(path) != record.get("sha256"):
        raise HistoryError(f"{record['path']}: not the file the run read (its SHA-256 differs from the "
                           f"manifest's); the history needs the output that run used: restore the file, or rerun")
    with open(path, newline="", encoding="utf-8") as handle:
        return {r["site_id"].strip(): (r["output"].strip(), r["unit"].strip()) for r in csv.DictReader(handle)}


def _needed(parameters: Parameters, year: int) -> bool:
    """The chained index reads every year from the base year on."""
    return year >= int(parameters.production.base_fiscal_year.value)


HISTORY = History(path=SITE_HISTORY_FILE, spec=SITE_HISTORY, keys=("site_id", "fiscal_year"),
                  figures=("co2", "output"), what="site CO2 and output", rows=site_history_rows, needed=_needed)
