"""Input tables of the stakeholders family (STK-01): specifications and loader.

The year's participants in environmental education, one row per programme
(``data/FY<yyyy>/environmental_education.csv``), and the yearly participants of the earlier years by
programme (``data/history/stakeholders_history.csv``, FY2009 to the year before; ``envkpi publish``
appends a published year's rows). STK-01, cumulative since FY2009, is summed from them at run time, so
a restated earlier year flows into every later cumulative value.

:func:`load_stakeholders_inputs` reads them, checks every rule between them and the parameters, and raises
one :class:`envkpi.core.inputs.InputError` listing every problem with file, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from envkpi.core.columns import YEAR
from envkpi.core.inputs import (
    Column,
    Plausible,
    Problem,
    Table,
    TableSpec,
    raise_problems,
    read_table,
    warnings_of,
    with_rows,
)
from envkpi.core.parameters import Parameters
from envkpi.core.provenance import FileRecord, history_record

from .parameters import PROGRAMME_KEYS

__all__ = ["ENVIRONMENTAL_EDUCATION", "STAKEHOLDERS_HISTORY", "STAKEHOLDERS_HISTORY_FILE", "TABLES",
           "StakeholdersInputs", "load_stakeholders_inputs", "load_inputs"]

#: Participants of one programme in one year (data/README.md, "Plausible ranges").
_PARTICIPANTS = Plausible("count", error_above=100_000_000, typical=(None, 5_000_000),
                          reason="participants of one programme of environmental education in a year")

ENVIRONMENTAL_EDUCATION = TableSpec(
    "environmental_education", "Participants in the group's environmental education in the fiscal year, one row "
    "per programme (延べ参加人数: a person taking part twice counts twice; illustrative sample).", (
        Column("programme", "text", "programme of environmental education (stakeholders.programmes)",
               allowed=PROGRAMME_KEYS),
        Column("participants", "integer", "participants in the fiscal year (延べ参加人数) [count]", unit="count",
               minimum=0, plausible=(_PARTICIPANTS,)),
        Column("notes", "text", "free text", required=False),
    ), unique=("programme",))

STAKEHOLDERS_HISTORY_FILE = "data/history/stakeholders_history.csv"

STAKEHOLDERS_HISTORY = TableSpec(
    "stakeholders_history", "Published participants in environmental education of earlier fiscal years, by "
    "programme (STK-01 adds them up).", (
        Column("fiscal_year", "integer", "fiscal year (April to March), e.g. 2009", minimum=1990, plausible=(YEAR,)),
        Column("programme", "text", "programme of environmental education (stakeholders.programmes)",
               allowed=PROGRAMME_KEYS),
        Column("participants", "integer", "participants in that fiscal year [count]", unit="count", minimum=0,
               plausible=(_PARTICIPANTS,)),
        Column("source", "text", "where the published figure comes from"),
        Column("participants_as_published", "integer", "the figure first published, when a restatement replaced it "
               "(envkpi publish --restatement writes it)", unit="count", required=False, header_optional=True,
               minimum=0, plausible=(_PARTICIPANTS,)),
    ), unique=("fiscal_year", "programme"))

#: The tables of the year's folder, in reading order.
TABLES = (ENVIRONMENTAL_EDUCATION,)


@dataclass
class StakeholdersInputs:
    """Validated inputs of STK-01.

    Attributes
    ----------
    fiscal_year : int
        The year reported.
    first_fiscal_year : int
        The first year of the cumulative series.
    education : DataFrame
        The year's rows (``programme``, ``participants`` [count], ``row``).
    history : DataFrame
        The history rows used: FY``first_fiscal_year`` … FY``fiscal_year − 1`` (``fiscal_year``,
        ``programme``, ``participants`` [count], ``source``, ``participants_as_published``, ``row``).
    files : list of FileRecord
        Provenance of the parameters and tables read.
    warnings : list of Problem
        Values outside their typical range.
    """

    fiscal_year: int
    first_fiscal_year: int
    education: pd.DataFrame
    history: pd.DataFrame
    files: list[FileRecord] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def _missing_programmes(table: Table, rows: list[int], programmes: tuple[str, ...]) -> list[str]:
    """The programmes with no row among ``rows`` of ``table``."""
    present = {table.data["programme"].iloc[i] for i in rows if table.parsed(i, ("programme",))}
    return [p for p in programmes if p not in present]


def load_stakeholders_inputs(params: Parameters, folder: str | Path, history_file: str | Path, *,
                             root: str | Path | None = None) -> StakeholdersInputs:
    """Read and validate the stakeholders family's inputs.

    Parameters
    ----------
    params : Parameters
        The fiscal year's parameters (``stakeholders``).
    folder : str or Path
        The year's input folder, e.g. ``data/FY2018``.
    history_file : str or Path
        ``data/history/stakeholders_history.csv``: the rows from ``stakeholders.first_fiscal_year`` to the
        year before are used; every one of those years must have a row for every programme.
    root : str or Path, optional
        Project root, for file names in messages and provenance.

    Raises
    ------
    InputError
        Listing every problem: a cell that is not a whole number ≥ 0, an unknown programme, a programme
        given twice or missing, a year of the history missing.
    """
    __tracebackhide__ = True
    folder = Path(folder)
    fiscal_year = params.fiscal_year
    first = int(params.stakeholders.first_fiscal_year.value)
    problems: list[Problem] = []
    education = read_table(folder / ENVIRONMENTAL_EDUCATION.file_name, ENVIRONMENTAL_EDUCATION, root=root, encodings=params.inputs.encodings,
                           problems=problems)
    history = read_table(history_file, STAKEHOLDERS_HISTORY, root=root, role="history", problems=problems)
    if fiscal_year < first:
        problems.append(Problem("parameters", None, None, f"stakeholders.first_fiscal_year is FY{first}, after the "
                                f"year reported, FY{fiscal_year}"))
    if education is not None:
        missing = _missing_programmes(education, list(range(len(education.data))), PROGRAMME_KEYS)
        if missing:
            problems.append(Problem(education.display, None, "programme", "no row for " + ", ".join(missing)
                                    + "; expected one row per programme of stakeholders.programmes (0 participants "
                                    "when a programme did not run)"))
    used: list[int] = []
    if history is not None:
        by_year: dict[int, list[int]] = {}
        for index, year in enumerate(history.data["fiscal_year"]):
            if history.parsed(index, ("fiscal_year",)) and first <= year < fiscal_year:
                by_year.setdefault(int(year), []).append(index)
        missing_years = [y for y in range(first, fiscal_year) if y not in by_year]
        if missing_years:
            problems.append(Problem(history.display, None, "fiscal_year", "no row for FY"
                                    + ", FY".join(map(str, missing_years)) + f"; STK-01 adds up every year from "
                                    f"FY{first} (envkpi publish writes a year's rows)"))
        for year, rows in sorted(by_year.items()):
            missing = _missing_programmes(history, rows, PROGRAMME_KEYS)
            if missing:
                problems.append(Problem(history.display, None, "programme", f"FY{year} has no row for "
                                        + ", ".join(missing) + "; expected one row per programme and year"))
        used = sorted((i for rows in by_year.values() for i in rows),
                      key=lambda i: (history.data["fiscal_year"].iloc[i], history.data["programme"].iloc[i]))
    warnings = warnings_of(education, history)
    raise_problems(problems, warnings)

    past = with_rows(history).iloc[used].reset_index(drop=True)
    if "participants_as_published" not in past:
        past["participants_as_published"] = pd.NA
    return StakeholdersInputs(
        fiscal_year=fiscal_year, first_fiscal_year=first, education=with_rows(education), history=past,
        files=[*params.files, *education.records, history_record(history_file, fiscal_year, root=root)],
        warnings=sorted(warnings),
    )


def load_inputs(params: Parameters, folder: Path, root: Path) -> StakeholdersInputs:
    """:func:`load_stakeholders_inputs` with the project's history, as the notebook reads it by default."""
    return load_stakeholders_inputs(params, folder, root / STAKEHOLDERS_HISTORY_FILE, root=root)
