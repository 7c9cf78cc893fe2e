"""Input tables of the chemicals family (CHE-01 … CHE-04): specifications and loader.

:func:`load_chemicals_inputs` reads the site register, the quantities of each managed substance each site
handled and released (``chemical_substances.csv``) and its transfers as waste and to sewers with the
recycling flag (``chemical_transfers.csv``), validates each table and the rules between them (site ids,
the boundary, a substance without a rank in the managed list, a sewer transfer flagged as recycling, a
transfer without its substance row, the rows every site inside the boundary needs) and raises one
:class:`envkpi.core.inputs.InputError` listing every problem found in every file. ``data/README.md``
documents the same columns, units and plausible ranges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

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

__all__ = ["CHEMICAL_SUBSTANCES", "CHEMICAL_TRANSFERS", "TABLES", "ChemicalsInputs", "load_chemicals_inputs",
           "load_inputs"]

#: One substance at one site in a year [kg]: PRTR filings are in kg/year.
_SITE_SUBSTANCE_MASS = Plausible("kg", error_above=100_000_000, typical=(None, 10_000_000),
                                 reason="one substance at one site in a year")

DESTINATIONS = ("waste", "sewer")


def _mass(name: str, description: str) -> Column:
    return Column(name, "number", f"{description} [kg]", unit="kg", minimum=0, plausible=(_SITE_SUBSTANCE_MASS,))


CHEMICAL_SUBSTANCES = TableSpec(
    "chemical_substances", "Managed chemical substances each site handled and released in the fiscal year "
    "(CHE-01, CHE-02, CHE-04); ILLUSTRATIVE in the sample.", (
        SITE,
        Column("substance", "text", "key of the managed-substance list of the parameters (chemicals.substances), "
               "which gives its hazard rank A–E"),
        _mass("handled", "quantity handled (取扱量) in the fiscal year"),
        _mass("air", "released to air (大気への排出)"),
        _mass("water", "released to public water bodies (公共用水域への排出)"),
        _mass("soil", "released to soil (土壌への排出)"),
        _mass("landfill", "landfilled inside the site (事業所内埋立); a PRTR release, not counted in CHE-02 (stated)"),
    ), unique=("site_id", "substance"))

CHEMICAL_TRANSFERS = TableSpec(
    "chemical_transfers", "Transfers of managed substances off each site, as waste and to sewers, with the "
    "recycling flag (CHE-03, CHE-04); ILLUSTRATIVE in the sample.", (
        SITE,
        Column("substance", "text", "key of the managed-substance list of the parameters (chemicals.substances)"),
        Column("destination", "text", "waste (廃棄物としての事業所外への移動) or sewer (下水道への移動)",
               allowed=DESTINATIONS),
        Column("wma_recycling", "boolean", "true for waste sent to recycling free of charge or paid for by the "
               "group (無償・逆有償) that counts as waste under the Waste Management Act: in CHE-03, not in CHE-04"),
        _mass("quantity", "mass of the substance transferred in the fiscal year"),
    ), unique=("site_id", "substance", "destination", "wma_recycling"))

#: The tables of the chemicals family, in the order they are read.
TABLES = (SITES, CHEMICAL_SUBSTANCES, CHEMICAL_TRANSFERS)


@dataclass
class ChemicalsInputs:
    """Validated inputs of the chemicals family, restricted to the boundary.

    Each activity frame has a ``row`` column: the row of the source file (header = row 1).
    """

    fiscal_year: int
    boundary: pd.DataFrame
    chemical_substances: pd.DataFrame
    chemical_transfers: pd.DataFrame
    excluded_rows: pd.DataFrame
    files: list[FileRecord] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def sites_in_boundary(self) -> pd.Index:
        return in_boundary_sites(self.boundary)


def load_chemicals_inputs(params: Parameters, folder: str | Path, *, root: str | Path | None = None) -> ChemicalsInputs:
    """Read and validate the chemicals family's inputs; keep the rows of in-boundary sites.

    Raises
    ------
    InputError
        Listing every problem: a negative mass, a substance with no rank in the managed-substance list
        (naming the substance), a destination other than waste or sewer, a sewer transfer flagged as
        recycling, a transfer without the substance row of its site, a site inside the boundary without a
        substance row, a row of a site not in the group this year.
    """
    __tracebackhide__ = True
    folder = Path(folder)
    method = params.chemicals
    problems: list[Problem] = []
    sites = read_table(folder / SITES.file_name, SITES, root=root, encodings=params.inputs.encodings, problems=problems)
    references = {}
    if sites is not None:
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

    def ranked(row: dict) -> str | None:
        if method.rank_of(row["substance"]) is None:
            return (f"substance: {row['substance']!r} has no rank in the managed-substance list "
                    f"({method.list_version.value}; parameters chemicals.substances); expected a listed substance "
                    "with its rank A–E (add it to the list with its rank, or correct the name)")
        return None

    for table in tables.values():
        if table is not None:
            problems += check_rows(table, ranked, needs=("substance",))
    transfers = tables["chemical_transfers"]
    if transfers is not None:
        problems += check_rows(transfers, _recycling_to_waste, needs=("destination", "wma_recycling"))
        problems += _transfers_have_substance_rows(transfers, tables["chemical_substances"])
    problems += _required_rows(tables["chemical_substances"], sites, boundary)
    warnings = list(warnings_of(sites, *tables.values()))
    raise_problems(problems, warnings)
    frames, excluded = split_by_boundary({name: with_rows(table) for name, table in tables.items()}, boundary)
    return ChemicalsInputs(
        fiscal_year=params.fiscal_year,
        boundary=boundary,
        chemical_substances=frames["chemical_substances"],
        chemical_transfers=frames["chemical_transfers"],
        excluded_rows=excluded,
        files=[*params.files, *sites.records, *(r for t in tables.values() for r in t.records)],
        warnings=sorted(warnings),
    )


def _recycling_to_waste(row: dict) -> str | None:
    """Recycling is a transfer as waste: a sewer discharge cannot be flagged as recycling."""
    if row["wma_recycling"] and row["destination"] == "sewer":
        return ("wma_recycling: got true on a sewer transfer; expected false (only waste sent to recycling that "
                "counts as waste under the Waste Management Act carries the flag)")
    return None


def _transfers_have_substance_rows(transfers: Table, substances: Table | None) -> list[Problem]:
    """Every transfer's (site, substance) has its row in ``chemical_substances.csv`` (CHE-04 weights the two
    together by the substance's rank)."""
    if substances is None:
        return []
    present = {(r["site_id"], r["substance"]) for i, r in enumerate(substances.data.to_dict("records"))
               if substances.parsed(i, ("site_id", "substance"))}
    problems = []
    for index, row in enumerate(transfers.data.to_dict("records")):
        if transfers.parsed(index, ("site_id", "substance")) and (row["site_id"], row["substance"]) not in present:
            problems.append(transfers.problem(index, "substance", f"{row['substance']!r} of {row['site_id']} has no row "
                                              f"in {substances.display}; expected one (quantity handled and releases, "
                                              "0 when none)"))
    return problems


def _required_rows(table: Table | None, sites: Table | None, boundary: pd.DataFrame | None) -> list[Problem]:
    """Every site inside the boundary has at least one substance row: without it CHE-01 would be understated."""
    if table is None or sites is None or boundary is None:
        return []
    inside = set(boundary.loc[boundary["in_boundary"], "site_id"])
    present = {table.raw[i]["site_id"] for i in range(len(table.data))}
    problems = []
    for index, site in enumerate(sites.data["site_id"]):
        if site in inside and site not in present:
            problems.append(Problem(table.display, None, None, f"no managed-substance row for site {site} "
                                    f"({sites.where(index)}, inside the boundary); expected at "
                                    "least one (handled 0 if the site handled no managed substance)"))
    return problems


def load_inputs(params: Parameters, folder: Path, root: Path) -> ChemicalsInputs:
    """:func:`load_chemicals_inputs`, as the notebook reads it by default."""
    return load_chemicals_inputs(params, folder, root=root)
