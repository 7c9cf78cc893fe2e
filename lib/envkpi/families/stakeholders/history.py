"""The stakeholders family's history: each year's participants by programme (``data/history/stakeholders_history.csv``).

STK-01 adds up every year since FY2009. When a year is published, :func:`stakeholders_history_rows`
takes each programme's participants from the ``environmental_education.csv`` the run read (its SHA-256
is checked against the run's manifest), so later runs add the year's own figures, not a cumulative one.
"""

from __future__ import annotations

import csv
from pathlib import Path

from envkpi.core.family import History, HistoryError
from envkpi.core.parameters import Parameters
from envkpi.core.provenance import sha256_file
from envkpi.core.results import ResultRow

from .tables import ENVIRONMENTAL_EDUCATION, STAKEHOLDERS_HISTORY, STAKEHOLDERS_HISTORY_FILE

__all__ = ["STAKEHOLDERS_HISTORY_FILE", "stakeholders_history_rows", "HISTORY"]


def stakeholders_history_rows(results: list[ResultRow], inputs: list[dict], root: Path, fiscal_year: int,
                              source: str) -> list[dict[str, str]]:
    """The rows of ``stakeholders_history.csv`` of a published run: the year's participants by programme.

    Raises
    ------
    HistoryError
        When the run's ``environmental_education.csv`` is not the file the run read (it changed since).
    """
    if not any(r.indicator_id == "STK-01" and r.breakdown == "" for r in results):
        return []
    name = ENVIRONMENTAL_EDUCATION.file_name
    [record] = [r for r in inputs if r.get("path", "").endswith(name)] or [None]
    if record is None:
        raise HistoryError(f"the run read no {name}")
    path = Path(record["path"]) if Path(record["path"]).is_absolute() else root / record["path"]
    if not path.is_file() or sha256_file(path) != record.get("sha256"):
        raise HistoryError(f"{record['path']}: not the file the run read (its SHA-256 differs from the "
                           f"manifest's); the history needs the participants that run used: restore the file, or rerun")
    with open(path, newline="", encoding="utf-8") as handle:
        return [{"fiscal_year": str(fiscal_year), "programme": r["programme"].strip(),
                 "participants": r["participants"].strip(), "source": source} for r in csv.DictReader(handle)]


def _needed(parameters: Parameters, year: int) -> bool:
    """STK-01 adds up every year from the first one on."""
    return year >= int(parameters.stakeholders.first_fiscal_year.value)


HISTORY = History(path=STAKEHOLDERS_HISTORY_FILE, spec=STAKEHOLDERS_HISTORY, keys=("programme", "fiscal_year"),
                  figures=("participants",), what="participants in environmental education by programme",
                  rows=stakeholders_history_rows, needed=_needed)
