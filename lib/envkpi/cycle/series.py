"""The published series of an indicator: its headline value in every earlier year, as published.

A year's figures are those of its published run (``outputs/FY<yyyy>/results.csv`` with
``publication.json``), in their current version: the latest restatement, if any, with the figure as
first published kept beside it. Years published before envkpi kept its outputs (the sample's
FY2013–FY2016) come from the families' history files, where a family declares which indicator (or
sum of indicators) a history row holds (:attr:`envkpi.core.family.History.series`). A family that
follows the others (progress against commitments) reads its base values and earlier years from here,
and the data book every indicator's earlier years.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from envkpi.core.family import SeriesFigure
from envkpi.core.provenance import FileRecord, file_record, history_record, sha256_file
from envkpi.core.results import ResultRow, read_results
from envkpi.cycle.publication import is_published, latest_results_folder, version_of
from envkpi.families import histories

__all__ = ["SeriesPoint", "PublishedYear", "published_years", "history_figures", "published_series", "headline_sum",
           "series_files", "year_results"]


@dataclass(frozen=True)
class SeriesPoint:
    """One year of a published series.

    Attributes
    ----------
    fiscal_year : int
    value : float
        The current figure (the latest restatement's, if restated), in ``unit``.
    unit : str
    source : str
        Where it comes from: the version (``FY2017 as published on 2018-06-29``, ``FY2017 as restated on
        …``) or the history row's source.
    as_published : float or None
        The figure as first published, when a restatement changed it.
    """

    fiscal_year: int
    value: float
    unit: str
    source: str
    as_published: float | None = None

    @property
    def restated(self) -> bool:
        """Whether a restatement changed the figure first published."""
        return self.as_published is not None


@dataclass(frozen=True)
class PublishedYear:
    """A published fiscal year: its current rows and, when restated, the rows as first published."""

    fiscal_year: int
    label: str  # the current version, e.g. "FY2017 as published on 2018-06-29"
    rows: list[ResultRow]
    first_published: list[ResultRow] | None  # None when never restated


def published_years(outputs: Path, before: int | None = None) -> list[PublishedYear]:
    """Every published year under ``outputs`` (before ``before``, when given), oldest first."""
    found = []
    for folder in sorted(Path(outputs).glob("FY[0-9][0-9][0-9][0-9]")):
        year = int(folder.name[2:])
        if (before is not None and year >= before) or not is_published(folder):
            continue
        current = latest_results_folder(folder)
        if not (current / "results.csv").is_file():
            continue
        first = read_results(folder / "results.csv") if current != folder and (folder / "results.csv").is_file() else None
        found.append(PublishedYear(year, version_of(current).label, read_results(current / "results.csv"), first))
    return found


def headline_sum(rows: Sequence[ResultRow], indicators: Sequence[str]) -> tuple[float, str] | None:
    """The sum of the headline values of ``indicators`` in ``rows`` and their unit; None when one is missing.

    Raises
    ------
    ValueError
        When the indicators summed are not in one unit.
    """
    headlines = {r.indicator_id: r for r in rows if r.breakdown == ""}
    if any(i not in headlines for i in indicators):
        return None
    units = {headlines[i].unit for i in indicators}
    if len(units) != 1:
        raise ValueError(f"{' + '.join(indicators)}: the parts are in {', '.join(sorted(units))}; a sum needs one unit")
    return sum(headlines[i].value for i in indicators), units.pop()


def history_figures(root: Path) -> list[SeriesFigure]:
    """The figures of indicators that the history files of the built families hold (those that say so)."""
    figures = []
    for history in histories():
        path = Path(root) / history.path
        if history.series is None or not path.is_file():
            continue
        with open(path, newline="", encoding="utf-8") as handle:
            figures += history.series([dict(row) for row in csv.DictReader(handle)])
    return figures


def published_series(root: Path, indicators: Sequence[str], before: int) -> dict[int, SeriesPoint]:
    """The published headline of an indicator, or the sum of several, in every year before ``before``.

    Parameters
    ----------
    root : Path
        The project root (its ``outputs/`` and history files are read).
    indicators : sequence of str
        One catalogue id, or the parts of a sum (e.g. Scope 1 and Scope 2).
    before : int
        The year being run: earlier years only.

    Returns
    -------
    dict
        Fiscal year → :class:`SeriesPoint`. A published year gives its current figure (and the one first
        published when a restatement changed it); a year not published by envkpi, the figure of a history
        file that holds exactly this indicator or sum. Years where neither has it are absent.
    """
    wanted = tuple(indicators)
    points: dict[int, SeriesPoint] = {}
    for figure in history_figures(root):
        if tuple(figure.indicators) == wanted and figure.fiscal_year < before:
            points[figure.fiscal_year] = SeriesPoint(figure.fiscal_year, figure.value, figure.unit, figure.source)
    for year in published_years(Path(root) / "outputs", before):
        current = headline_sum(year.rows, wanted)
        if current is None:
            continue
        first = headline_sum(year.first_published, wanted) if year.first_published is not None else None
        as_published = first[0] if first is not None and first[0] != current[0] else None
        points[year.fiscal_year] = SeriesPoint(year.fiscal_year, current[0], current[1], year.label, as_published)
    return dict(sorted(points.items()))


def series_files(root: Path, before: int) -> list[FileRecord]:
    """The files the published series of years before ``before`` are read from, for a report's provenance:
    each published year's current ``results.csv`` and the rows before ``before`` of each history file that
    holds figures of indicators."""
    root = Path(root)
    records = []
    for folder in sorted((root / "outputs").glob("FY[0-9][0-9][0-9][0-9]")):
        year = int(folder.name[2:])
        if year < before and is_published(folder) and (latest_results_folder(folder) / "results.csv").is_file():
            current = latest_results_folder(folder)
            records.append(file_record(current / "results.csv", root=root,
                                       role=f"published results, {version_of(current).label}"))
    for history in histories():
        if history.series is not None and (root / history.path).is_file():
            records.append(history_record(root / history.path, before, root=root))
    return records


def year_results(root: Path, fiscal_year: int, results_file: str = "") -> tuple[list[ResultRow], FileRecord]:
    """This year's results of the other families, and the record of the file they were read from.

    Parameters
    ----------
    root : Path
        The project root.
    fiscal_year : int
    results_file : str
        The file the runner wrote for a family that needs the year's results (relative to the working
        directory: the run's folder); empty for the year's current results in ``outputs/FY<yyyy>/``
        (a notebook run on its own).

    Raises
    ------
    FileNotFoundError
        When there is no such file: run the year with ``envkpi run``.
    """
    if results_file:
        path = Path(results_file)
        shown = results_file if not path.is_absolute() else str(path)
        role = "results of the year's other families (this run's folder)"
    else:
        path = latest_results_folder(Path(root) / "outputs" / f"FY{fiscal_year}") / "results.csv"
        shown, role = None, f"results of FY{fiscal_year} in place"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no results of FY{fiscal_year} to read; run the year with envkpi run, which "
                                "passes this report the results of the other families")
    rows = [r for r in read_results(path) if r.fiscal_year == fiscal_year]
    record = (FileRecord(role, shown, sha256_file(path), len(rows)) if shown is not None
              else file_record(path, root=root, role=role, rows=len(rows)))
    return rows, record
