"""Input table of the compliance family (CMP-01): specification and loader.

:func:`load_compliance_inputs` reads the site register and the year's register of violations of laws and
ordinances (``compliance_incidents.csv``: one row per incident, with its date, the site or the product
that caused it, the law, a description and the corrective action), validates it and the rules between the
two (a date inside the fiscal year, a site of the register that is in the group this year, a site or a
product named) and raises one :class:`envkpi.core.inputs.InputError` listing every problem found.

A year without incident is a table with its header and no row: a filled table whose result is zero, not
an empty template (``TableSpec.may_be_empty``); the year's parameter file names the register it was taken
from (``compliance.incident_register``). ``data/README.md`` documents the same columns for people;
``tests/families/test_data_dictionary.py`` keeps the two in step.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from envkpi.core.inputs import Column, Problem, Table, TableSpec, raise_problems, read_table, warnings_of, with_rows
from envkpi.core.parameters import Parameters
from envkpi.core.provenance import FileRecord
from envkpi.core.sites import (
    SITES,
    boundary_of,
    exclusion_problems,
    fiscal_years_problems,
    in_boundary_sites,
    rows_out_of_the_group,
    split_by_boundary,
)

__all__ = ["COMPLIANCE_INCIDENTS", "TABLES", "ComplianceInputs", "load_compliance_inputs", "load_inputs"]

COMPLIANCE_INCIDENTS = TableSpec(
    "compliance_incidents",
    "Violations of laws and ordinances caused by the group's sites or products in the fiscal year, one row per "
    "incident (CMP-01); header only when there was none.", (
        Column("incident_id", "text", "identifier of the incident in the register, e.g. 2017-01"),
        Column("date", "text", "date of the incident (or of the authority's finding), YYYY-MM-DD, inside the fiscal year"),
        Column("site_id", "text", "site that caused the violation (工場), or that made the product; must exist in "
               "sites.csv; empty for a product violation not tied to a site", required=False),
        Column("product", "text", "product that caused the violation (製品); empty for a site violation", required=False),
        Column("law", "text", "law or ordinance violated (法令・条例)"),
        Column("description", "text", "what happened"),
        Column("corrective_action", "text", "corrective action taken"),
    ), unique=("incident_id",), may_be_empty=True)

#: The tables of the compliance family, in the order they are read.
TABLES = (SITES, COMPLIANCE_INCIDENTS)


@dataclass
class ComplianceInputs:
    """Validated inputs of the compliance family, restricted to the boundary.

    ``incidents`` has a ``row`` column (the line of the source file, header = row 1); ``boundary`` is the
    decision of every site as of the fiscal year; ``excluded_rows`` the incident rows set aside because
    their site is outside the boundary; ``warnings`` the values outside their typical range.
    """

    fiscal_year: int
    boundary: pd.DataFrame
    incidents: pd.DataFrame
    excluded_rows: pd.DataFrame
    files: list[FileRecord] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def sites_in_boundary(self) -> pd.Index:
        return in_boundary_sites(self.boundary)


def _date_problems(table: Table, start: date, end: date) -> list[Problem]:
    """Every date is a calendar date YYYY-MM-DD inside the fiscal year: an incident of another year belongs
    to that year's count."""
    problems = []
    for index, text in enumerate(table.data["date"]):
        if not table.parsed(index, ("date",)):
            continue
        try:
            day = date.fromisoformat(text)
            if len(text) != 10:
                raise ValueError(text)
        except ValueError:
            problems.append(table.problem(index, "date", f"got {text!r}; expected a date YYYY-MM-DD"))
            table.failed.add((index, "date"))
            continue
        if not start <= day <= end:
            problems.append(table.problem(index, "date", f"got {text}; expected a date inside the fiscal year, "
                                          f"{start.isoformat()} to {end.isoformat()} (an incident of another year is "
                                          "counted in that year)"))
            table.failed.add((index, "date"))
    return problems


def _cause_problems(table: Table, known: list[str] | None) -> list[Problem]:
    """Each incident names a site of the register, or a product, or both (a product and the site that made it)."""
    problems = []
    for index, row in enumerate(table.data.to_dict("records")):
        site, product = row["site_id"] or "", row["product"] or ""
        if not site and not product:
            problems.append(table.problem(index, "site_id", "missing value; expected the site that caused the violation "
                                          "or, in column product, the product that did"))
            table.failed.add((index, "site_id"))
        elif site and known is not None and site not in known:
            hint = difflib.get_close_matches(site, known, n=1)
            problems.append(table.problem(index, "site_id", f"got {site!r}; expected a known site_id of sites.csv"
                                          + (f"; did you mean {hint[0]}?" if hint else "")))
            table.failed.add((index, "site_id"))
    return problems


def load_compliance_inputs(params: Parameters, folder: str | Path, *, root: str | Path | None = None) -> ComplianceInputs:
    """Read and validate the compliance family's inputs; keep the incidents of the boundary.

    Parameters
    ----------
    params : Parameters
        The fiscal year's parameters (its period, the boundary).
    folder : str or Path
        The year's input folder, e.g. ``data/FY2018``.
    root : str or Path, optional
        Project root, for file names in messages and provenance.

    Raises
    ------
    InputError
        Listing every problem: a date that is not YYYY-MM-DD or lies outside the fiscal year, a site not in
        the register (or not in the group this year), an incident naming neither a site nor a product, an
        incident id given twice, a missing law, description or corrective action.
    """
    __tracebackhide__ = True
    folder = Path(folder)
    problems: list[Problem] = []
    sites = read_table(folder / SITES.file_name, SITES, root=root, encodings=params.inputs.encodings, problems=problems)
    incidents = read_table(folder / COMPLIANCE_INCIDENTS.file_name, COMPLIANCE_INCIDENTS, root=root, encodings=params.inputs.encodings, problems=problems)
    boundary = None
    known = [s for s in sites.data["site_id"] if s] if sites is not None else None
    if sites is not None:
        problems += exclusion_problems(sites, params, root)
        problems += fiscal_years_problems(sites)
        boundary = boundary_of(sites, params)
    if incidents is not None:
        start, end = params.period
        problems += _date_problems(incidents, start, end)
        problems += _cause_problems(incidents, known)
        if sites is not None:
            problems += rows_out_of_the_group({"compliance_incidents": incidents}, sites, params.fiscal_year)
    warnings = warnings_of(sites, incidents)
    raise_problems(problems, warnings)
    frame = with_rows(incidents)
    frame["site_id"] = frame["site_id"].fillna("")
    frame["product"] = frame["product"].fillna("")
    sited = frame[frame["site_id"] != ""]
    kept, excluded = split_by_boundary({"compliance_incidents": sited}, boundary)
    unsited = frame[frame["site_id"] == ""]
    counted = pd.concat([kept["compliance_incidents"], unsited]).sort_values("row").reset_index(drop=True)
    return ComplianceInputs(
        fiscal_year=params.fiscal_year,
        boundary=boundary,
        incidents=counted,
        excluded_rows=excluded,
        files=[*params.files, *sites.records, *incidents.records],
        warnings=sorted(warnings),
    )


def load_inputs(params: Parameters, folder: Path, root: Path) -> ComplianceInputs:
    """:func:`load_compliance_inputs`, as the notebook reads it by default."""
    return load_compliance_inputs(params, folder, root=root)
