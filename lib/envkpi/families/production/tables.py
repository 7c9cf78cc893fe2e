"""Input tables of the production family (PRD-01 … PRD-07): specifications and loader.

:func:`load_production_inputs` reads the site register and every table of the family, validates
each one and the references between them (site ids, fuels, suppliers, gases, countries, units
against the parameters, the rows the dictionary requires), and raises one
:class:`envkpi.core.inputs.InputError` listing every problem found in every file. Rules between
tables run on every row whose cells they need were read without a problem, so that all problems
come out at once. ``data/README.md`` documents the same columns, units and plausible ranges for
people; ``tests/families/test_data_dictionary.py`` keeps the two in step.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from envkpi.core.columns import SITE, YEAR
from envkpi.core.inputs import (
    Column,
    Plausible,
    Problem,
    Table,
    TableSpec,
    check_rows,
    plausibility,
    raise_problems,
    read_table,
    warnings_of,
    with_rows,
)
from envkpi.core.parameters import Parameters
from envkpi.core.provenance import FileRecord, history_record
from envkpi.core.sites import (
    SITES,
    boundary_of,
    exclusion_problems,
    fiscal_years_problems,
    history_problems,
    history_used,
    in_boundary_sites,
    rows_out_of_the_group,
    split_by_boundary,
)
from envkpi.core.units import Quantity, parse_unit

from .parameters import JAPAN

__all__ = ["FUEL_USE", "PURCHASED_ENERGY", "RENEWABLE_ENERGY", "NON_CO2_GHG", "PRODUCTION_OUTPUT", "SITE_HISTORY",
           "TABLES", "ProductionInputs", "load_production_inputs", "load_inputs"]

# --- plausible ranges (data/README.md, "Plausible ranges", gives the reasoning) ----------------------

#: Energy bought by one site, per carrier and year.
_SITE_PURCHASE = Plausible("MWh", error_above=10_000_000, typical=(None, 2_000_000),
                           reason="one site's purchase of one carrier in a year")


#: Renewable electricity generated on one site in a year.
_SITE_GENERATION = Plausible("MWh", error_above=10_000_000, typical=(None, 100_000),
                             reason="one site's own generation in a year")


#: Energy content (quantity × calorific value) of one fuel burnt at one site in a year.
_SITE_FUEL = Plausible("GJ", error_above=100_000_000, typical=(None, 10_000_000),
                       reason="energy content of one fuel burnt at one site in a year")


#: Mass of one gas other than CO2 emitted by one site in a year.
_SITE_GAS = Plausible("t", error_above=10_000, typical=(None, 100), reason="one gas emitted by one site in a year")


#: Production of one site in a year, as production value or as mass.
_SITE_OUTPUT = (Plausible("MJPY", error_above=100_000_000, typical=(None, 10_000_000),
                          reason="one site's production value in a year"),
                Plausible("t", error_above=100_000_000, typical=(None, 10_000_000),
                          reason="one site's production in a year"))


_SITE_CO2 = Plausible("t CO2", error_above=100_000_000, typical=(None, 10_000_000), reason="one site's CO2 in a year")


#: Units of the output of a site (production value or production mass); the same every year per site.
_OUTPUT_UNITS = ("MJPY", "t")


FUEL_USE = TableSpec("fuel_use", "Fuel burnt at each site in the fiscal year (Scope 1).", (
    SITE,
    Column("fuel", "text", "fuel key of the parameters (production.fuels)"),
    Column("quantity", "number", "amount used in the fiscal year", unit_column="unit", minimum=0,
           plausible=(_SITE_FUEL,)),
    Column("unit", "unit", "natural unit of the fuel", dimensions=("[volume]", "[mass]"),
           allowed=("kNm3", "Nm3", "t", "kg", "kL", "L")),
    Column("supplier", "text", "city-gas supplier key (production.city_gas_suppliers); empty for other fuels",
           required=False),
))


#: Units of purchased electricity and of purchased heat (steam, hot and cold water).
ELECTRICITY_UNITS = ("kWh", "MWh")


HEAT_UNITS = ("GJ",)


PURCHASED_ENERGY = TableSpec("purchased_energy", "Electricity and heat bought from others (Scope 2).", (
    SITE,
    Column("carrier", "text", "electricity, or a heat carrier of the parameters (production.heat_carriers)"),
    Column("quantity", "number", "amount purchased in the fiscal year", unit_column="unit",
           minimum=0, plausible=(_SITE_PURCHASE,)),
    Column("unit", "unit", "kWh, MWh (electricity) or GJ (heat)", dimensions=("[energy]",),
           allowed=(*ELECTRICITY_UNITS, *HEAT_UNITS)),
), unique=("site_id", "carrier"))


RENEWABLE_ENERGY = TableSpec("renewable_energy", "Renewable electricity generated on site.", (
    SITE,
    Column("source", "text", "solar, wind, biomass or small_hydro",
           allowed=("solar", "wind", "biomass", "small_hydro")),
    Column("generated", "number", "electricity generated", unit_column="unit", minimum=0,
           plausible=(_SITE_GENERATION,)),
    Column("used_on_site", "number", "part of it used by the group itself (≤ generated)",
           unit_column="unit", minimum=0, plausible=(_SITE_GENERATION,)),
    Column("unit", "unit", "kWh or MWh", dimensions=("[energy]",), allowed=ELECTRICITY_UNITS),
), unique=("site_id", "source"))


NON_CO2_GHG = TableSpec("non_co2_ghg", "Greenhouse gases other than CO2 emitted by each site (Scope 1).", (
    SITE,
    Column("gas", "text", "gas by its IPCC AR4 name, e.g. SF6, HFC-134a, c-C4F8"),
    Column("quantity", "number", "mass emitted", unit_column="unit", minimum=0, plausible=(_SITE_GAS,)),
    Column("unit", "unit", "kg or t (mass of the gas itself)", dimensions=("[mass]",), allowed=("kg", "t")),
    Column("activity", "text", "where the gas comes from", required=False),
))


PRODUCTION_OUTPUT = TableSpec("production_output", "Production output of each site: the intensity denominator.", (
    SITE,
    Column("output", "number", "production output (production value, or mass)", unit_column="unit",
           minimum=0, plausible=_SITE_OUTPUT),
    Column("unit", "unit", "unit of output: MJPY (million yen) or t; the same unit every year per site",
           allowed=_OUTPUT_UNITS),
), unique=("site_id",))


#: The site history, relative to the project root.
SITE_HISTORY_FILE = "data/history/site_history.csv"

SITE_HISTORY = TableSpec("site_history", "Published CO2 and output of each site in earlier fiscal years.", (
    SITE,
    Column("fiscal_year", "integer", "fiscal year (April to March), e.g. 2016", minimum=1990, plausible=(YEAR,)),
    Column("co2", "number", "CO2 from production (PRD-01 of the site)", unit="from co2_unit",
           unit_column="co2_unit", minimum=0, plausible=(_SITE_CO2,)),
    Column("co2_unit", "unit", "t CO2", dimensions=("[mass] * [carbon]",), allowed=("t CO2",)),
    Column("output", "number", "production output", unit_column="output_unit", minimum=0, plausible=_SITE_OUTPUT),
    Column("output_unit", "unit", "unit of output, the same as production_output.csv for the site",
           allowed=_OUTPUT_UNITS),
    Column("source", "text", "where the published figure comes from"),
    Column("co2_as_published", "number", "the CO2 first published, when a restatement replaced it (envkpi publish "
           "--restatement writes it)", unit="from co2_unit", unit_column="co2_unit", required=False,
           header_optional=True, minimum=0, plausible=(_SITE_CO2,)),
    Column("output_as_published", "number", "the output first published, when a restatement replaced it",
           unit_column="output_unit", required=False, header_optional=True, minimum=0, plausible=_SITE_OUTPUT),
), unique=("site_id", "fiscal_year"))


#: The tables of the production family, in the order they are read.
TABLES = (SITES, FUEL_USE, PURCHASED_ENERGY, RENEWABLE_ENERGY, NON_CO2_GHG, PRODUCTION_OUTPUT)


@dataclass
class ProductionInputs:
    """Validated inputs of the production family, restricted to the boundary.

    Each activity frame has a ``row`` column: the row of the source file (header = row 1).
    ``boundary`` is :func:`envkpi.core.boundary.site_boundary` of the register as of the fiscal year
    (with each site's ``first_fiscal_year`` and ``last_fiscal_year``). ``history`` holds the
    published rows before the fiscal year of the sites inside the boundary apart from their dates
    (``in_scope``): a site closed since keeps its past years in the chained index.
    ``warnings`` lists the values outside their typical range (see ``data/README.md``).
    """

    fiscal_year: int
    boundary: pd.DataFrame
    fuel_use: pd.DataFrame
    purchased_energy: pd.DataFrame
    renewable_energy: pd.DataFrame
    non_co2_ghg: pd.DataFrame
    production_output: pd.DataFrame
    history: pd.DataFrame
    excluded_rows: pd.DataFrame
    files: list[FileRecord] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def sites_in_boundary(self) -> pd.Index:
        return in_boundary_sites(self.boundary)

    @property
    def countries(self) -> pd.Series:
        return self.boundary.set_index("site_id")["country"]


def table_references(params: Parameters, spec: TableSpec | None = None) -> dict[str, list[str]]:
    """The known keys of the family's tables from the parameters: fuels, carriers and gases (the same for
    every table ``spec``; site ids come from the site register)."""
    production = params.production
    return {
        "fuel": list(production.fuels),
        "carrier": ["electricity", *production.heat_carriers],
        "gas": list(params.gwp_sets[str(production.gwp_set.value)].values),
    }


def load_production_inputs(
    params: Parameters, folder: str | Path, history_file: str | Path, *, root: str | Path | None = None
) -> ProductionInputs:
    """Read and validate the production family's inputs; keep the rows of in-boundary sites.

    Parameters
    ----------
    params : Parameters
        The fiscal year's parameters (fuels, suppliers, carriers, GWP set, factors, boundary).
    folder : str or Path
        The year's input folder, e.g. ``data/FY2018``.
    history_file : str or Path
        ``data/history/site_history.csv``: rows before the fiscal year are used. They are judged as
        of their year: each names a site of the register whose first and last fiscal years include
        it. Rows of the fiscal year or later are no concern of this run (not judged against this
        year's register, not used): a site that starts later is not yet in it.
    root : str or Path, optional
        Project root, for file names in messages and provenance.

    Raises
    ------
    InputError
        Listing every problem in every table, and in the rules between them: among them a row of
        this year's tables for a site not in the group this year (closed, or not yet started).
    """
    __tracebackhide__ = True
    folder = Path(folder)
    problems: list[Problem] = []
    sites = read_table(folder / SITES.file_name, SITES, root=root, encodings=params.inputs.encodings, problems=problems)
    references = table_references(params)
    if sites is not None:  # without a site register, site ids cannot be judged: say only that
        references["site_id"] = [s for s in sites.data["site_id"] if s]
    tables: dict[str, Table | None] = {
        spec.name: read_table(folder / spec.file_name, spec, root=root, encodings=params.inputs.encodings, references=references, problems=problems)
        for spec in TABLES[1:]
    }
    # The history's site ids are judged as of each row's year (history_problems), not here against
    # this year's register: a site that started later is not in an earlier year's register.
    history = read_table(history_file, SITE_HISTORY, root=root, role="history", problems=problems)
    # Rules between tables run on every row whose cells they need were read, so that they are reported
    # together with the problems of the cells.
    boundary = None
    if sites is not None:
        problems += exclusion_problems(sites, params, root)
        problems += fiscal_years_problems(sites)
        boundary = boundary_of(sites, params)
        problems += rows_out_of_the_group(tables, sites, params.fiscal_year)
    found, warnings = _cross_checks(tables, sites, params, boundary)
    problems += found
    problems += _required_rows(tables, sites, boundary)
    used: list[int] = []
    if history is not None:
        if sites is not None:
            problems += history_problems(history, sites, params.fiscal_year)
        used = history_used(history, boundary, params.fiscal_year)
        if tables["production_output"] is not None:
            problems += _unit_consistency(tables["production_output"], history, used)
    warnings = [*warnings_of(sites, *tables.values(), history), *warnings]
    raise_problems(problems, warnings)
    frames, excluded = split_by_boundary({name: with_rows(table) for name, table in tables.items()}, boundary)
    past = with_rows(history).iloc[used].reset_index(drop=True)
    return ProductionInputs(
        fiscal_year=params.fiscal_year,
        boundary=boundary,
        fuel_use=frames["fuel_use"],
        purchased_energy=frames["purchased_energy"],
        renewable_energy=frames["renewable_energy"],
        non_co2_ghg=frames["non_co2_ghg"],
        production_output=frames["production_output"],
        history=past,
        excluded_rows=excluded,
        files=[*params.files, *sites.records, *(r for t in tables.values() for r in t.records),
               history_record(history_file, params.fiscal_year, root=root)],
        warnings=sorted(warnings),
    )


def _fuel_heat(row: dict, production) -> tuple[str | None, object]:
    """The calorific value of a fuel row (a parameter), or the message of what is wrong with the row."""
    city_gas = production.city_gas_fuel
    if row["fuel"] == city_gas:
        if not row["supplier"]:
            return "supplier: missing; city gas takes the supplier's calorific value (production.city_gas_suppliers)", None
        supplier = production.city_gas_suppliers.get(row["supplier"])
        if supplier is None:
            hint = difflib.get_close_matches(row["supplier"], list(production.city_gas_suppliers), n=1)
            return (f"supplier: got {row['supplier']!r}; expected one of "
                    f"{', '.join(production.city_gas_suppliers) or '(none defined)'}"
                    + (f"; did you mean {hint[0]}?" if hint else "")), None
        heat = supplier.calorific_value
    else:
        if row["supplier"]:
            return f"supplier: got {row['supplier']!r}; expected empty (only {city_gas} has a supplier)", None
        heat = production.fuels[row["fuel"]].calorific_value
    if not _compatible(row["unit"], heat.unit):
        return (f"unit: {row['unit']!r} cannot be multiplied by the calorific value [{heat.unit}] of "
                f"{row['fuel']} to give energy; expected a unit like {heat.unit.split('/')[-1].strip()}"), None
    return None, heat


def _cross_checks(tables: dict[str, Table | None], sites: Table | None, params: Parameters,
                  boundary: pd.DataFrame | None) -> tuple[list[Problem], list[Problem]]:
    """Rules between columns, tables and the parameters: (problems, warnings).

    Each rule runs on the rows whose cells it needs have no problem of their own. The rules that
    depend on the boundary (suppliers, units against calorific values, energy content, electricity
    factors) apply to the rows of sites known to be inside it.
    """
    production = params.production
    problems: list[Problem] = []
    warnings: list[Problem] = []

    def renewable_rule(row: dict) -> str | None:
        if row["used_on_site"] > row["generated"]:
            return f"used_on_site: {row['used_on_site']:g} is more than generated ({row['generated']:g})"
        return None

    def carrier_unit_rule(row: dict) -> str | None:
        wanted = ELECTRICITY_UNITS if row["carrier"] == "electricity" else HEAT_UNITS
        if row["unit"] not in wanted:
            what = "electricity" if row["carrier"] == "electricity" else f"{row['carrier']} (heat)"
            return f"unit: got {row['unit']!r} for {what}; expected {' or '.join(wanted)}"
        return None

    if tables["renewable_energy"] is not None:
        problems += check_rows(tables["renewable_energy"], renewable_rule, needs=("generated", "used_on_site"))
    purchased = tables["purchased_energy"]
    if purchased is not None:
        problems += check_rows(purchased, carrier_unit_rule, needs=("carrier", "unit"))
    if boundary is None:
        return problems, warnings
    inside = set(boundary.loc[boundary["in_boundary"], "site_id"])
    fuel = tables["fuel_use"]
    if fuel is not None:
        quantity = FUEL_USE.column("quantity")
        for index, row in enumerate(fuel.data.to_dict("records")):
            if row["site_id"] not in inside or not fuel.parsed(index, ("site_id", "fuel", "unit", "supplier")):
                continue
            message, heat = _fuel_heat(row, production)
            if message:
                column, _, rest = message.partition(": ")
                problems.append(fuel.problem(index, column, rest))
                continue
            if not fuel.parsed(index, ("quantity",)):
                continue
            error, warning = plausibility(quantity, row["quantity"], fuel.raw[index]["quantity"], row["unit"],
                                          factor=heat.quantity)
            if error:
                problems.append(fuel.problem(index, "quantity", error))
            elif warning:
                warnings.append(fuel.problem(index, "quantity", warning))
    if purchased is not None and sites is not None:
        carriers = {(row["site_id"], row["carrier"] == "electricity") for index, row in enumerate(purchased.data.to_dict("records"))
                    if purchased.parsed(index, ("site_id", "carrier")) and row["site_id"] in inside}
        buying, heating = ({site for site, power in carriers if power is wanted} for wanted in (True, False))

        def country_rule(row: dict) -> str | None:
            if row["site_id"] in buying and row["country"] not in production.electricity_factors:
                return (f"country: {row['site_id']} buys electricity in {row['country']!r}, which has no emission "
                        f"factor; expected one of production.electricity_factors ({', '.join(production.electricity_factors)})")
            if row["site_id"] in heating and row["country"] != JAPAN and row["country"] not in production.heat_abroad:
                return (f"country: {row['site_id']} buys heat in {row['country']!r}, outside Japan, and "
                        f"production.heat_abroad has no entry for it; expected the fuel that makes the heat and the "
                        f"boiler's efficiency there (production.heat_abroad.{row['country']})")
            return None

        problems += check_rows(sites, country_rule, needs=("site_id", "country"))
    return problems, warnings


def _required_rows(tables: dict[str, Table | None], sites: Table | None, boundary: pd.DataFrame | None) -> list[Problem]:
    """Every site inside the boundary has its electricity row and its output row (data/README.md)."""
    if sites is None or boundary is None:
        return []
    inside = set(boundary.loc[boundary["in_boundary"], "site_id"])
    problems = []
    wanted = (("purchased_energy", "electricity", ("site_id", "carrier"), lambda row: row["carrier"] == "electricity"),
              ("production_output", "output", ("site_id",), lambda row: True))
    for name, what, needs, selects in wanted:
        table = tables[name]
        if table is None:
            continue
        present, unsure = set(), set()
        for index, row in enumerate(table.data.to_dict("records")):
            if table.parsed(index, needs):
                if selects(row):
                    present.add(row["site_id"])
            elif table.parsed(index, ("site_id",)):
                unsure.add(row["site_id"])  # its row may be the one whose key cell is wrong: that is reported
        known = present | unsure
        for index, site in enumerate(sites.data["site_id"]):
            if site in inside and site not in known:
                problems.append(Problem(table.display, None, None, f"no {what} row for site {site} ({sites.where(index)}, "
                                        f"inside the boundary); expected exactly one"))
    return problems


def _compatible(activity_unit: str, factor_unit: str) -> bool:
    """True when quantity [activity_unit] × factor [factor_unit] is an energy."""
    product = parse_unit(activity_unit) * parse_unit(factor_unit)
    return Quantity(1, product).check("[energy]")


def _unit_consistency(output: Table, history: Table, used: Iterable[int]) -> list[Problem]:
    """Each site's output must be in one dimension in every year, so its intensities compare (the
    history rows ``used`` by this run)."""
    current = {row["site_id"]: row["unit"] for index, row in enumerate(output.data.to_dict("records"))
               if output.parsed(index, ("site_id", "unit"))}
    problems = []
    records = history.data.to_dict("records")
    for index in used:
        row = records[index]
        if not history.parsed(index, ("site_id", "output_unit")):
            continue
        unit = current.get(row["site_id"])
        if unit and parse_unit(unit).dimensionality != parse_unit(row["output_unit"]).dimensionality:
            problems.append(history.problem(index, "output_unit", f"{row['output_unit']!r} cannot be compared with "
                                            f"this year's output unit {unit!r} for {row['site_id']}"))
    return problems


def load_inputs(params: Parameters, folder: Path, root: Path) -> ProductionInputs:
    """:func:`load_production_inputs` with the project's site history, as the notebook reads it by default."""
    return load_production_inputs(params, folder, root / SITE_HISTORY_FILE, root=root)
