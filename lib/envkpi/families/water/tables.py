"""Input tables of the water family (WAT-01, WAT-02): specifications and loader.

:func:`load_water_inputs` reads the site register, the water each site drew from each source
(``water_use.csv``) and the status of each site's water-risk assessment
(``water_risk_assessment.csv``), validates each table and the rules between them (site ids, the
boundary, units, volumes after conversion to m³, stage 2 only after stage 1, the rows every site inside
the boundary needs) and raises one :class:`envkpi.core.inputs.InputError` listing every problem found
in every file. ``data/README.md`` documents the same columns, units and plausible ranges for people;
``tests/families/test_data_dictionary.py`` keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from envkpi.core.columns import SITE
from envkpi.core.inputs import (
    Column,
    Plausible,
    Problem,
    Table,
    TableSpec,
    check_rows,
    raise_problems,
    read_table,
    warnings_of,
    with_rows,
)
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

from .calculations import VOLUME_UNITS, water_volume
from .parameters import SOURCE_KEYS

__all__ = ["WATER_USE", "WATER_RISK_ASSESSMENT", "TABLES", "WaterInputs", "load_water_inputs", "load_inputs"]

#: The volume of one source of water at one site in a year, judged in m³ after the row's unit is applied.
_SITE_SOURCE_VOLUME = Plausible("m**3", error_above=100_000_000, typical=(None, 10_000_000),
                                reason="one source of water at one site in a year")

WATER_USE = TableSpec("water_use", "Water each site drew for production in the fiscal year, by source (WAT-01).", (
    SITE,
    Column("source", "text", "source of the water, as the standard lists them: tap (上水道), industrial (工業用水), "
           "river (河川), lake (湖水) or groundwater (地下水)", allowed=SOURCE_KEYS),
    Column("quantity", "number", "volume drawn in the fiscal year, in the row's unit", unit_column="unit", minimum=0,
           plausible=(_SITE_SOURCE_VOLUME,)),
    Column("unit", "unit", "m3 (cubic metres) or thousand m3 (千m³, 1,000 m³)", allowed=tuple(VOLUME_UNITS)),
), unique=("site_id", "source"))


WATER_RISK_ASSESSMENT = TableSpec(
    "water_risk_assessment", "Status of each site's water-risk assessment at the end of the fiscal year (WAT-02).", (
        SITE,
        Column("stage1_completed", "boolean", "stage ① done: desk assessment of the site's region with assessment tools "
               "and national databases"),
        Column("stage2_completed", "boolean", "stage ② done: local information and the site's own data analysed, impact "
               "on the business identified; only after stage ①"),
        Column("notes", "text", "free text (tool used, date completed)", required=False),
    ), unique=("site_id",))


#: The tables of the water family, in the order they are read.
TABLES = (SITES, WATER_USE, WATER_RISK_ASSESSMENT)


@dataclass
class WaterInputs:
    """Validated inputs of the water family, restricted to the boundary.

    Each activity frame has a ``row`` column: the row of the source file (header = row 1).
    ``boundary`` is :func:`envkpi.core.boundary.site_boundary` of the register as of the fiscal year;
    ``excluded_rows`` lists, per table, the rows set aside because their site is outside it;
    ``warnings`` the values outside their typical range (see ``data/README.md``).
    """

    fiscal_year: int
    boundary: pd.DataFrame
    water_use: pd.DataFrame
    water_risk_assessment: pd.DataFrame
    excluded_rows: pd.DataFrame
    files: list[FileRecord] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def sites_in_boundary(self) -> pd.Index:
        return in_boundary_sites(self.boundary)


def load_water_inputs(params: Parameters, folder: str | Path, *, root: str | Path | None = None) -> WaterInputs:
    """Read and validate the water family's inputs; keep the rows of in-boundary sites.

    Parameters
    ----------
    params : Parameters
        The fiscal year's parameters (the boundary; the ``water:`` section).
    folder : str or Path
        The year's input folder, e.g. ``data/FY2018``.
    root : str or Path, optional
        Project root, for file names in messages and provenance.

    Raises
    ------
    InputError
        Listing every problem in every table and in the rules between them: a negative volume, a source
        the standard does not list, a unit other than m3 or thousand m3 (litres, say), a volume beyond
        its plausible range once converted to m³, a site through stage 2 but not stage 1, a site inside
        the boundary without a water row or without its assessment row, a row of a site not in the group
        this year.
    """
    __tracebackhide__ = True
    folder = Path(folder)
    problems: list[Problem] = []
    sites = read_table(folder / SITES.file_name, SITES, root=root, encodings=params.inputs.encodings, problems=problems)
    references = {}
    if sites is not None:  # without a site register, site ids cannot be judged: say only that
        references["site_id"] = [s for s in sites.data["site_id"] if s]
    tables: dict[str, Table | None] = {
        spec.name: read_table(folder / spec.file_name, spec, root=root, encodings=params.inputs.encodings, references=references, problems=problems)
        for spec in TABLES[1:]
    }
    boundary = None
    if sites is not None:
        problems += exclusion_problems(sites, params, root)
        problems += fiscal_years_problems(sites)
        boundary = boundary_of(sites, params)
        problems += rows_out_of_the_group(tables, sites, params.fiscal_year)
    found, warnings = _volumes(tables["water_use"])
    problems += found
    if tables["water_risk_assessment"] is not None:
        problems += check_rows(tables["water_risk_assessment"], _stage_order,
                               needs=("stage1_completed", "stage2_completed"))
    problems += _required_rows(tables, sites, boundary)
    warnings = [*warnings_of(sites, *tables.values()), *warnings]
    raise_problems(problems, warnings)
    frames, excluded = split_by_boundary({name: with_rows(table) for name, table in tables.items()}, boundary)
    return WaterInputs(
        fiscal_year=params.fiscal_year,
        boundary=boundary,
        water_use=frames["water_use"],
        water_risk_assessment=frames["water_risk_assessment"],
        excluded_rows=excluded,
        files=[*params.files, *sites.records, *(r for t in tables.values() for r in t.records)],
        warnings=sorted(warnings),
    )


def _stage_order(row: dict) -> str | None:
    """Stage ② builds on stage ①: a site cannot be through the second and not the first."""
    if row["stage2_completed"] and not row["stage1_completed"]:
        return ("stage2_completed: got true while stage1_completed is false; expected stage 2 only after stage 1 "
                "(stage ② analyses the site with the risk found for its region in stage ①): set stage2_completed "
                "to false, or stage1_completed to true if stage 1 was done")
    return None


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 or float(value).is_integer() else f"{value:,.4g}"


def _volumes(table: Table | None) -> tuple[list[Problem], list[Problem]]:
    """Each volume judged in m³, after its row's unit is applied: (problems, warnings).

    A thousand m³ typed as m³ (or the other way round) moves a figure by 1,000: the range is judged on
    the converted volume, so that the same figure is judged the same whatever unit the site reports in.
    """
    if table is None:
        return [], []
    column = WATER_USE.column("quantity")
    plausible = _SITE_SOURCE_VOLUME
    problems, warnings = [], []
    quantities = pd.to_numeric(table.data["quantity"], errors="coerce").to_numpy(dtype=float)
    units = table.data["unit"].to_numpy(dtype=object)
    judged = table.parsed_rows(("quantity", "unit")) & ~np.isnan(quantities) & ~(quantities < 0)
    volumes = np.full(len(quantities), np.nan)
    for unit in pd.unique(units[judged]):  # each unit converted once, for all its rows
        at = judged & (units == unit)
        volumes[at] = np.asarray(water_volume(quantities[at], unit).m_as("m**3"), dtype=float)
    low, high = plausible.typical
    flagged = judged & ((volumes > plausible.error_above) | ((volumes > high) if high is not None else False))
    for index in np.flatnonzero(flagged).tolist():
        row = {"unit": units[index]}
        volume = float(volumes[index])
        shown = f"{table.raw[index]['quantity']!r} {row['unit']}"
        if row["unit"] != "m3":
            shown += f" (= {_number(volume)} m³)"
        reason = f" ({plausible.reason})"
        low, high = plausible.typical
        if volume > plausible.error_above:
            problems.append(table.problem(index, column.name, f"got {shown}; expected at most "
                                          f"{_number(plausible.error_above)} m³{reason}: is the unit right?"))
        elif high is not None and volume > high:
            warnings.append(table.problem(index, column.name, f"got {shown}; typically at most {_number(high)} m³"
                                          f"{reason}: check the figure and its unit"))
    return problems, warnings


def _required_rows(tables: dict[str, Table | None], sites: Table | None, boundary: pd.DataFrame | None) -> list[Problem]:
    """Every site inside the boundary has at least one water row (a site that drew none writes a row of 0)
    and its assessment row: without them WAT-01 would be understated and WAT-02's denominator wrong."""
    if sites is None or boundary is None:
        return []
    inside = set(boundary.loc[boundary["in_boundary"], "site_id"])
    problems = []
    wanted = (("water_use", "water", "expected at least one (quantity 0 if the site drew none)"),
              ("water_risk_assessment", "water-risk assessment", "expected exactly one (stage1_completed and "
                                                                  "stage2_completed false if not started)"))
    for name, what, expected in wanted:
        table = tables[name]
        if table is None:
            continue
        read = table.parsed_rows(("site_id",))
        present = set(table.data["site_id"][read])
        unsure = set(table.raw.column("site_id")[~read]) if len(table.raw) else set()
        known = present | unsure
        for index, site in enumerate(sites.data["site_id"]):
            if site in inside and site not in known:
                problems.append(Problem(table.display, None, None, f"no {what} row for site {site} ({sites.where(index)}, "
                                        f"inside the boundary); {expected}"))
    return problems


def load_inputs(params: Parameters, folder: Path, root: Path) -> WaterInputs:
    """:func:`load_water_inputs`, as the notebook reads it by default."""
    return load_water_inputs(params, folder, root=root)
