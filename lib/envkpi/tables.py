"""Input tables of each family: their specifications (the data dictionary in code) and loaders.

A loader reads every table of a family, validates each one and the references between them
(site ids, fuels, suppliers, gases, countries, units against the parameters, the rows the
dictionary requires), and raises one :class:`envkpi.inputs.InputError` listing every problem found
in every file. Rules between tables run on every row whose cells they need were read without a
problem, so that all problems come out at once. ``data/README.md`` documents the same columns,
units and plausible ranges for people; ``tests/test_tables.py`` keeps the two in step.

:data:`FAMILY_LOADERS` maps each family to the function that loads and validates its inputs, and
:func:`validate_inputs` runs those of several families, gathering all their problems in one error
(``envkpi run`` does so before any notebook starts).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from .boundary import fiscal_year_of, in_group, site_boundary, unmatched_exclusions
from .inputs import (Column, InputError, Plausible, Problem, Table, TableSpec, _allowed_message, _display, check_rows,
                     plausibility, raise_problems, read_csv_text, read_table)
from .parameters import JAPAN, Parameters
from .provenance import FileRecord, history_record
from .units import Quantity, parse_unit

__all__ = ["SITES", "FUEL_USE", "PURCHASED_ENERGY", "RENEWABLE_ENERGY", "NON_CO2_GHG", "PRODUCTION_OUTPUT",
           "SITE_HISTORY", "PRODUCTION_TABLES", "AVOIDED_TABLES", "PRODUCT_USE", "OUTDOOR_TEMPERATURE",
           "AVOIDED_HISTORY", "ProductionInputs", "AvoidedInputs", "ProductUseInputs", "load_production_inputs",
           "load_avoided_inputs", "load_product_use_inputs", "FAMILY_TABLES", "FAMILY_LOADERS", "validate_inputs",
           "data_dir", "data_rows"]

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
_YEAR = Plausible("dimensionless", error_above=2100, reason="a fiscal year")
#: Things shipped or sold in a year, per row (a category in a region, a product, a vehicle type …).
_COUNT = Plausible("count", error_above=1_000_000_000, typical=(None, 100_000_000),
                   reason="one row's units in a year")
#: Electricity used or saved by one product (or one house) in a year.
_PER_UNIT_KWH = Plausible("kWh/year", error_above=1_000_000, typical=(None, 100_000),
                          reason="one product or house in a year")
_PV_CAPACITY = Plausible("kW", error_above=100_000_000, typical=(None, 10_000_000),
                         reason="PV capacity shipped to one region in a year")
_AVOIDED_CO2 = Plausible("t CO2", error_above=1_000_000_000, typical=(None, 100_000_000),
                         reason="a year's avoided emissions of the group")
_OUTDOOR_TEMPERATURE = Plausible("degC", error_above=60, error_below=-90, typical=(-40, 50),
                                 reason="outdoor air temperature")

# --- production (PRD-01 … PRD-07) -------------------------------------------------------------------

_SITE = Column("site_id", "text", "site identifier; must exist in sites.csv")

#: Units of the output of a site (production value or production mass); the same every year per site.
_OUTPUT_UNITS = ("MJPY", "t")

SITES = TableSpec("sites", "Site register with the attributes of the boundary.", (
    Column("site_id", "text", "site identifier, e.g. JP-01"),
    Column("site_name", "text", "display name"),
    Column("country", "text", "ISO 3166-1 alpha-2 country code; selects the electricity emission factor"),
    Column("entity", "text", "legal entity operating the site"),
    Column("parent_entity", "text", "direct parent of the entity; empty for the parent company", required=False),
    Column("has_ems", "boolean", "the site runs an environmental management system"),
    Column("first_fiscal_year", "integer", "first fiscal year the site is part of the group, e.g. 2018; empty: "
           "since before the records", required=False, header_optional=True, minimum=1990, plausible=(_YEAR,)),
    Column("last_fiscal_year", "integer", "last fiscal year the site is part of the group (a closed site stays in "
           "the register); empty: still in it", required=False, header_optional=True, minimum=1990,
           plausible=(_YEAR,)),
    Column("notes", "text", "free text", required=False),
), unique=("site_id",))

FUEL_USE = TableSpec("fuel_use", "Fuel burnt at each site in the fiscal year (Scope 1).", (
    _SITE,
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
    _SITE,
    Column("carrier", "text", "electricity, or a heat carrier of the parameters (production.heat_carriers)"),
    Column("quantity", "number", "amount purchased in the fiscal year", unit_column="unit",
           minimum=0, plausible=(_SITE_PURCHASE,)),
    Column("unit", "unit", "kWh, MWh (electricity) or GJ (heat)", dimensions=("[energy]",),
           allowed=(*ELECTRICITY_UNITS, *HEAT_UNITS)),
), unique=("site_id", "carrier"))

RENEWABLE_ENERGY = TableSpec("renewable_energy", "Renewable electricity generated on site.", (
    _SITE,
    Column("source", "text", "solar, wind, biomass or small_hydro",
           allowed=("solar", "wind", "biomass", "small_hydro")),
    Column("generated", "number", "electricity generated", unit_column="unit", minimum=0,
           plausible=(_SITE_GENERATION,)),
    Column("used_on_site", "number", "part of it used by the group itself (≤ generated)",
           unit_column="unit", minimum=0, plausible=(_SITE_GENERATION,)),
    Column("unit", "unit", "kWh or MWh", dimensions=("[energy]",), allowed=ELECTRICITY_UNITS),
), unique=("site_id", "source"))

NON_CO2_GHG = TableSpec("non_co2_ghg", "Greenhouse gases other than CO2 emitted by each site (Scope 1).", (
    _SITE,
    Column("gas", "text", "gas by its IPCC AR4 name, e.g. SF6, HFC-134a, c-C4F8"),
    Column("quantity", "number", "mass emitted", unit_column="unit", minimum=0, plausible=(_SITE_GAS,)),
    Column("unit", "unit", "kg or t (mass of the gas itself)", dimensions=("[mass]",), allowed=("kg", "t")),
    Column("activity", "text", "where the gas comes from", required=False),
))

PRODUCTION_OUTPUT = TableSpec("production_output", "Production output of each site: the intensity denominator.", (
    _SITE,
    Column("output", "number", "production output (production value, or mass)", unit_column="unit",
           minimum=0, plausible=_SITE_OUTPUT),
    Column("unit", "unit", "unit of output: MJPY (million yen) or t; the same unit every year per site",
           allowed=_OUTPUT_UNITS),
), unique=("site_id",))

SITE_HISTORY = TableSpec("site_history", "Published CO2 and output of each site in earlier fiscal years.", (
    _SITE,
    Column("fiscal_year", "integer", "fiscal year (April to March), e.g. 2016", minimum=1990, plausible=(_YEAR,)),
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

# --- avoided emissions (CO2-01 … CO2-03) and product use (CO2-04) ----------------------------------

_REGION = Column("region", "text", "sales region key of the parameters (product_regions)")


def _count(name: str, description: str) -> Column:
    return Column(name, "integer", description + " [count]", unit="count", minimum=0, plausible=(_COUNT,))


_UNITS = _count("units_shipped", "units shipped in the fiscal year")


def _kwh(name: str, description: str, required: bool = True) -> Column:
    return Column(name, "number", description + " [kWh/y]", unit="kWh/year", minimum=0, required=required,
                  plausible=(_PER_UNIT_KWH,))


PV_SHIPMENTS = TableSpec("pv_shipments", "PV panels and cells shipped, by region (CO2-01).", (
    _REGION,
    Column("capacity_shipped", "number", "total rated capacity shipped in the fiscal year", unit_column="unit",
           minimum=0, plausible=(_PV_CAPACITY,)),
    Column("unit", "unit", "kW or MW", dimensions=("[power]",), allowed=("kW", "MW")),
), unique=("region",))

FUEL_CELL_SHIPMENTS = TableSpec("fuel_cell_shipments", "Residential fuel cells shipped, by region (CO2-01).", (
    _REGION, _UNITS,
), unique=("region",))

ENERGY_SAVING_PRODUCTS = TableSpec("energy_saving_products", "Energy-saving products shipped, by category and region (CO2-02).", (
    Column("category", "text", "product category key of the parameters (avoided_emissions.energy_saving.lifetimes)"),
    _REGION,
    _kwh("reference_kwh_per_year", "annual consumption of the reference-year (FY2005) model of the category"),
    _kwh("model_kwh_per_year", "annual consumption of this year's model"),
    _UNITS,
), unique=("category", "region"))

HOUSING_INSULATION = TableSpec("housing_insulation", "Houses delivered with the group's insulation (CO2-03.1).", (
    Column("house_type", "text", "type of house, e.g. detached"),
    _count("houses_delivered", "houses delivered in the fiscal year"),
    _kwh("reference_ac_kwh_per_year", "air-conditioning consumption of a house with the reference insulation"),
    _kwh("insulated_ac_kwh_per_year", "air-conditioning consumption of the group's insulated house"),
), unique=("house_type",))

COMPRESSORS_MOTORS = TableSpec("compressors_motors", "Compressors and motors built into other makers' products (CO2-03.2).", (
    Column("component", "text", "the group's component, e.g. inverter compressor"),
    Column("host_product", "text", "the other maker's product it goes into (avoided_emissions.compressors_motors.host_lifetimes)"),
    _kwh("reference_kwh_per_year", "annual consumption of the reference-year (FY2005) component"),
    _kwh("model_kwh_per_year", "annual consumption of this year's component"),
    _UNITS,
), unique=("component", "host_product"))

AUTOMOTIVE_BATTERIES = TableSpec("automotive_batteries", "Vehicles estimated to carry the group's batteries (CO2-03.3).", (
    Column("vehicle_type", "text", "EV, PHV or HV (avoided_emissions.automotive_batteries.vehicle_types)"),
    _count("vehicles", "vehicles estimated to carry the group's batteries, shipped in the fiscal year"),
), unique=("vehicle_type",))

VACUUM_INSULATION = TableSpec("vacuum_insulation_panels", "Vacuum insulation panels in other makers' products (CO2-03.4).", (
    Column("host_product", "text", "the product the panels go into (avoided_emissions.vacuum_insulation.host_lifetimes)"),
    _count("units_shipped", "host products equipped in the fiscal year"),
    _kwh("saving_kwh_per_year", "energy saved per host product by the panels"),
), unique=("host_product",))

TELECONFERENCE = TableSpec("teleconference_systems", "Teleconferencing systems sold, by region (CO2-03.5).", (
    _REGION,
    _count("units_sold", "units sold in the fiscal year (two units make one set)"),
), unique=("region",))

ENERGY_MANAGEMENT = TableSpec("energy_management_systems", "HEMS and BEMS shipped (CO2-03.6).", (
    Column("system", "text", "hems or bems", allowed=("hems", "bems")),
    _UNITS,
), unique=("system",))

HEAT_EXCHANGE = TableSpec("heat_exchange_ventilation", "Heat-exchange ventilation units shipped (CO2-03.7).", (
    Column("product", "text", "product name"),
    _UNITS,
), unique=("product",))

PRODUCT_USE = TableSpec("product_use", "Best-selling model of each category and region, and units sold (CO2-04).", (
    Column("category", "text", "product category key of the parameters (product_use.lifetimes)"),
    _REGION,
    Column("model", "text", "the best-selling model of the category in the region"),
    _kwh("model_kwh_per_year", "annual electricity consumption of that model"),
    _count("units_sold", "units of the category sold in the region in the fiscal year"),
), unique=("category", "region"))

OUTDOOR_TEMPERATURE = TableSpec("outdoor_temperature", "Hourly outdoor temperature for the heat-exchange model (CO2-03.7).", (
    Column("timestamp", "text", "local time at the start of the hour, ISO 8601 (YYYY-MM-DDTHH:MM); hourly, in time "
           "order, no gaps"),
    Column("outdoor_temp_c", "number", "outdoor air temperature [°C]", unit="degC", plausible=(_OUTDOOR_TEMPERATURE,)),
), unique=("timestamp",))

AVOIDED_HISTORY = TableSpec("avoided_emissions", "Published avoided emissions of earlier fiscal years (target progress).", (
    Column("fiscal_year", "integer", "fiscal year (April to March)", minimum=1990, plausible=(_YEAR,)),
    Column("avoided_co2_t", "number", "avoided emissions counted towards the target, CO2-01 + CO2-02 + CO2-03 [t CO2]",
           unit="t CO2", minimum=0, plausible=(_AVOIDED_CO2,)),
    Column("source", "text", "where the published figure comes from"),
    Column("avoided_co2_t_as_published", "number", "the figure first published, when a restatement replaced it "
           "(envkpi publish --restatement writes it) [t CO2]", unit="t CO2", required=False, header_optional=True,
           minimum=0, plausible=(_AVOIDED_CO2,)),
), unique=("fiscal_year",))

AVOIDED_TABLES = (PV_SHIPMENTS, FUEL_CELL_SHIPMENTS, ENERGY_SAVING_PRODUCTS, HOUSING_INSULATION, COMPRESSORS_MOTORS,
                  AUTOMOTIVE_BATTERIES, VACUUM_INSULATION, TELECONFERENCE, ENERGY_MANAGEMENT, HEAT_EXCHANGE)

#: The tables of the production family, in the order they are read.
PRODUCTION_TABLES = (SITES, FUEL_USE, PURCHASED_ENERGY, RENEWABLE_ENERGY, NON_CO2_GHG, PRODUCTION_OUTPUT)

#: Every table spec, for the data dictionary (data/README.md) and its test.
ALL_TABLES = (*PRODUCTION_TABLES, SITE_HISTORY, *AVOIDED_TABLES, PRODUCT_USE, AVOIDED_HISTORY, OUTDOOR_TEMPERATURE)


def data_dir(root: Path, fiscal_year: int) -> Path:
    """Default input folder of a fiscal year: ``data/FY<yyyy>``."""
    return root / "data" / f"FY{fiscal_year}"


@dataclass
class ProductionInputs:
    """Validated inputs of the production family, restricted to the boundary.

    Each activity frame has a ``row`` column: the row of the source file (header = row 1).
    ``boundary`` is :func:`envkpi.boundary.site_boundary` of the register as of the fiscal year
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
        return pd.Index(self.boundary.loc[self.boundary["in_boundary"], "site_id"], name="site_id")

    @property
    def countries(self) -> pd.Series:
        return self.boundary.set_index("site_id")["country"]


def _with_rows(table: Table) -> pd.DataFrame:
    """The table's data with the file row of each record first. Counts, validated as whole numbers,
    are handed on as floats, as the other quantities are (the library multiplies them by factors
    and the reports format them as numbers)."""
    frame = table.data.copy()
    for column in table.spec.columns:
        if column.kind == "integer" and column.unit == "count":
            frame[column.name] = frame[column.name].astype(float)
    frame.insert(0, "row", table.rows)
    return frame


def _warnings_of(*tables: Table | None) -> list[Problem]:
    return [w for table in tables if table is not None for w in table.warnings]


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
    production = params.production
    problems: list[Problem] = []
    sites = read_table(folder / SITES.file_name, SITES, root=root, problems=problems)
    references = {
        "fuel": list(production.fuels),
        "carrier": ["electricity", *production.heat_carriers],
        "gas": list(params.gwp_sets[str(production.gwp_set.value)].values),
    }
    if sites is not None:  # without a site register, site ids cannot be judged: say only that
        references["site_id"] = [s for s in sites.data["site_id"] if s]
    tables: dict[str, Table | None] = {
        spec.name: read_table(folder / spec.file_name, spec, root=root, references=references, problems=problems)
        for spec in PRODUCTION_TABLES[1:]
    }
    # The history's site ids are judged as of each row's year (_history_problems), not here against
    # this year's register: a site that started later is not in an earlier year's register.
    history = read_table(history_file, SITE_HISTORY, root=root, role="history", problems=problems)
    # Rules between tables run on every row whose cells they need were read, so that they are reported
    # together with the problems of the cells.
    boundary = None
    if sites is not None:
        problems += _exclusion_problems(sites, params, root)
        problems += _fiscal_years_problems(sites)
        boundary = _boundary_of(sites, params)
        problems += _rows_out_of_the_group(tables, sites, params.fiscal_year)
    found, warnings = _cross_checks(tables, sites, params, boundary)
    problems += found
    problems += _required_rows(tables, sites, boundary)
    used: list[int] = []
    if history is not None:
        if sites is not None:
            problems += _history_problems(history, sites, params.fiscal_year)
        used = _history_used(history, boundary, params.fiscal_year)
        if tables["production_output"] is not None:
            problems += _unit_consistency(tables["production_output"], history, used)
    warnings = [*_warnings_of(sites, *tables.values(), history), *warnings]
    raise_problems(problems, warnings)
    inside = set(boundary.loc[boundary["in_boundary"], "site_id"])

    frames = {name: _with_rows(table) for name, table in tables.items()}
    outside = {name: ~frame["site_id"].isin(inside) for name, frame in frames.items()}
    excluded = pd.DataFrame(
        [{"table": f"{name}.csv", "rows_outside_boundary": int(outside[name].sum()),
          "rows": ", ".join(str(int(r)) for r in frame.loc[outside[name], "row"]),
          "sites": ", ".join(sorted(set(frame.loc[outside[name], "site_id"])))}
         for name, frame in frames.items()]
    )
    frames = {name: frame[frame["site_id"].isin(inside)].reset_index(drop=True) for name, frame in frames.items()}
    past = _with_rows(history).iloc[used].reset_index(drop=True)
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
        files=[*params.files, sites.record, *(t.record for t in tables.values()),
               history_record(history_file, params.fiscal_year, root=root)],
        warnings=sorted(warnings),
    )


_BOUNDARY_CELLS = ("site_id", "entity", "parent_entity", "has_ems", "first_fiscal_year", "last_fiscal_year")
_YEARS = ("first_fiscal_year", "last_fiscal_year")


def _boundary_of(sites: Table, params: Parameters) -> pd.DataFrame:
    """The boundary decision of every site whose boundary attributes were read (the others are unknown),
    as of the fiscal year of the parameters."""
    usable = [index for index in range(len(sites.data)) if sites.parsed(index, _BOUNDARY_CELLS)]
    return site_boundary(sites.data.iloc[usable].reset_index(drop=True), params.boundary.excluded_entities,
                         params.fiscal_year)


def _fiscal_years_problems(sites: Table) -> list[Problem]:
    """A site's last fiscal year in the group is not before its first. Such a site's years are unknown
    (marked as failed): its rows are not also reported as those of a site out of the group."""
    problems = []
    for index, row in enumerate(sites.data.to_dict("records")):
        if not sites.parsed(index, _YEARS):
            continue
        first, last = fiscal_year_of(row["first_fiscal_year"]), fiscal_year_of(row["last_fiscal_year"])
        if first is not None and last is not None and last < first:
            problems.append(sites.problem(index, "last_fiscal_year", f"got {last}, before first_fiscal_year {first}; "
                                          f"expected {first} or later (empty: still in the group)"))
            sites.failed.add((index, "last_fiscal_year"))
    return problems


def _register(sites: Table) -> dict[str, tuple[int, int | None, int | None]]:
    """Each site id of the register → (its data row, first and last fiscal year); the first row of a site
    given twice (that is reported), and only the sites whose years were read."""
    register: dict[str, tuple[int, int | None, int | None]] = {}
    for index, row in enumerate(sites.data.to_dict("records")):
        if sites.parsed(index, ("site_id", *_YEARS)) and row["site_id"]:
            register.setdefault(row["site_id"], (index, fiscal_year_of(row["first_fiscal_year"]),
                                                 fiscal_year_of(row["last_fiscal_year"])))
    return register


def _rows_out_of_the_group(tables: dict[str, Table | None], sites: Table, fiscal_year: int) -> list[Problem]:
    """A row of this year's tables for a site that is not in the group this year (closed, or not yet
    started) is a mistake: the site has no figures for the year. (A site outside the boundary for its
    entity or its environmental management system may have rows: they are set aside.)"""
    why = {}
    for site, (index, first, last) in _register(sites).items():
        if in_group(first, last, fiscal_year):
            continue
        if last is not None and last < fiscal_year:
            why[site] = f"{site} closed after FY{last} ({sites.display} row {sites.row_of(index)}, last_fiscal_year)"
        else:
            why[site] = (f"{site} joins the group in FY{first} ({sites.display} row {sites.row_of(index)}, "
                         "first_fiscal_year)")
    problems = []
    for table in tables.values():
        if table is None:
            continue
        for index, site in enumerate(table.data["site_id"]):
            if site in why and table.parsed(index, ("site_id",)):
                problems.append(table.problem(index, "site_id", f"{why[site]}; expected no FY{fiscal_year} rows for it"))
    return problems


def _history_problems(history: Table, sites: Table, fiscal_year: int) -> list[Problem]:
    """History rows before the fiscal year, judged as of their year: each names a site of the register,
    and its year lies within the site's first and last fiscal years. Rows of the fiscal year or later
    are not judged (this run does not use them)."""
    register = _register(sites)
    known = [site for index, site in enumerate(sites.data["site_id"]) if site and sites.parsed(index, ("site_id",))]
    problems = []
    for index, row in enumerate(history.data.to_dict("records")):
        if not history.parsed(index, ("site_id", "fiscal_year")) or row["fiscal_year"] >= fiscal_year:
            continue
        site, year = row["site_id"], int(row["fiscal_year"])
        if site not in known:
            hint = difflib.get_close_matches(site, known, n=1)
            problems.append(history.problem(index, "site_id", f"got {site!r}; {_allowed_message('site_id', known)}"
                                            + (f"; did you mean {hint[0]}?" if hint else "")
                                            + f" (a site that has closed stays in {sites.display}, with its "
                                              "last_fiscal_year)"))
            continue
        if site not in register:
            continue  # its years could not be read: that is reported
        position, first, last = register[site]
        where = f"{sites.display} row {sites.row_of(position)}"
        if first is not None and year < first:
            problems.append(history.problem(index, "fiscal_year", f"got {year}, before FY{first}, the first fiscal year "
                                            f"of {site} ({where}, first_fiscal_year); expected FY{first} or later"))
        elif last is not None and year > last:
            problems.append(history.problem(index, "fiscal_year", f"got {year}, after FY{last}, the last fiscal year "
                                            f"of {site} ({where}, last_fiscal_year); expected FY{last} or earlier"))
    return problems


def _history_used(history: Table, boundary: pd.DataFrame | None, fiscal_year: int) -> list[int]:
    """Positions of the history rows this run uses: before the fiscal year, of a site inside the boundary
    apart from its dates (a site closed since keeps its past years; without a boundary, every site)."""
    scope = None if boundary is None else set(boundary.loc[boundary["in_scope"], "site_id"])
    return [index for index, row in enumerate(history.data.to_dict("records"))
            if history.parsed(index, ("site_id", "fiscal_year")) and row["fiscal_year"] < fiscal_year
            and (scope is None or row["site_id"] in scope)]


def _parameter_file_defining(params: Parameters, key: str, root) -> str:
    """The parameter file (as shown in messages) that sets ``key``: the first of the chain, year file
    first, whose text names it."""
    for record in params.files:
        path = Path(record.path)
        if not path.is_absolute() and root is not None:
            path = Path(root) / path
        try:
            if key in path.read_text(encoding="utf-8"):
                return record.path
        except (OSError, UnicodeDecodeError):
            continue
    return params.files[0].path if params.files else "parameters"


def _exclusion_problems(sites: Table, params: Parameters, root) -> list[Problem]:
    """An excluded entity that names no entity (nor parent entity) of the site register is a mistake:
    a mistyped name would silently bring the entity's sites into the boundary."""
    exclusions = params.boundary.excluded_entities
    unmatched = unmatched_exclusions(sites.data, exclusions)
    if not unmatched:
        return []
    file = _parameter_file_defining(params, "excluded_entities", root)
    problems = []
    for position, name, nearest in unmatched:
        hint = (f"did you mean {' or '.join(repr(n) for n in nearest)}?" if nearest
                else "expected the entity or parent_entity of a site, spelt exactly")
        problems.append(Problem(file, None, None, f"boundary.excluded_entities[{position}].name: got {name!r}, "
                                f"which is neither the entity nor the parent_entity of any site in {sites.display}; "
                                f"{hint}"))
    return problems


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
        for index, site in enumerate(sites.data["site_id"]):
            if site in inside and site not in present | unsure:
                problems.append(Problem(table.display, None, None, f"no {what} row for site {site} ({sites.display} "
                                        f"row {sites.row_of(index)}, inside the boundary); expected exactly one"))
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


@dataclass
class AvoidedInputs:
    """Validated inputs of the avoided-emissions family (each frame with its ``row`` column)."""

    fiscal_year: int
    tables: dict[str, pd.DataFrame]
    temperature: pd.DataFrame
    history: pd.DataFrame
    files: list[FileRecord] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def __getattr__(self, name: str) -> pd.DataFrame:
        try:
            return self.__dict__["tables"][name]
        except KeyError:
            raise AttributeError(name) from None


def _read_family(specs, folder: Path, root, references: dict, problems: list[Problem]) -> dict:
    return {spec.name: read_table(folder / spec.file_name, spec, root=root, references=references, problems=problems)
            for spec in specs}


def load_avoided_inputs(params: Parameters, folder: str | Path, temperature_file: str | Path, history_file: str | Path,
                        *, root: str | Path | None = None) -> AvoidedInputs:
    """Read and validate the inputs of CO2-01 … CO2-03: shipments, the temperature series, published history.

    Raises
    ------
    InputError
        Listing every problem in every table (unknown region, category, host product or vehicle
        type; negative, fractional, implausible or missing values; an hour missing, repeated or out
        of order in the temperature series) with file, row and column.
    """
    __tracebackhide__ = True
    avoided = params.avoided_emissions
    references = {
        "region": list(params.product_regions),
        "category": list(avoided.energy_saving.lifetimes),
        "host_product": sorted({*avoided.compressors_motors.host_lifetimes}),
        "vehicle_type": list(avoided.automotive_batteries.vehicle_types),
    }
    # vacuum-insulation hosts have their own list: read that table with its own references
    problems: list[Problem] = []
    specs = [s for s in AVOIDED_TABLES if s is not VACUUM_INSULATION]
    tables = _read_family(specs, Path(folder), root, references, problems)
    tables.update(_read_family([VACUUM_INSULATION], Path(folder), root,
                               {"host_product": list(avoided.vacuum_insulation.host_lifetimes)}, problems))
    temperature = read_table(temperature_file, OUTDOOR_TEMPERATURE, root=root, role="reference", problems=problems)
    history = read_table(history_file, AVOIDED_HISTORY, root=root, role="history", problems=problems)
    if temperature is not None:
        problems += hourly_series_problems(temperature)
    warnings = _warnings_of(*tables.values(), temperature, history)
    raise_problems(problems, warnings)
    frames = {name: _with_rows(table) for name, table in tables.items()}
    series = _with_rows(temperature)
    series["timestamp"] = pd.to_datetime(series["timestamp"])
    return AvoidedInputs(
        fiscal_year=params.fiscal_year,
        tables=frames,
        temperature=series,
        history=_with_rows(history),
        files=[*params.files, *(t.record for t in tables.values()), temperature.record,
               history_record(history_file, params.fiscal_year, root=root)],
        warnings=sorted(warnings),
    )


_ISO_HOUR = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?")
_HOUR = timedelta(hours=1)


def hourly_series_problems(table: Table, column: str = "timestamp") -> list[Problem]:
    """The timestamps of an hourly series: ISO local times on the hour, one hour apart, in order.

    Each problem is located at the row (file line) where the series goes wrong: a time that is not
    a date and hour, not on the hour, the same hour as the row before, earlier than it, or more than
    an hour after it (the hours missing are counted).
    """
    problems = []
    previous: tuple[int, datetime] | None = None
    for index, text in enumerate(table.data[column]):
        if not table.parsed(index, (column,)):
            continue
        try:
            if not _ISO_HOUR.fullmatch(text):
                raise ValueError(text)
            stamp = datetime.fromisoformat(text)
        except ValueError:
            problems.append(table.problem(index, column, f"got {text!r}; expected a local date and hour like "
                                          "2018-04-01T13:00 (ISO 8601, no time zone)"))
            continue
        if stamp.minute or stamp.second:
            problems.append(table.problem(index, column, f"got {text!r}; expected a time on the hour "
                                          f"({stamp:%Y-%m-%dT%H}:00): the series is hourly"))
            continue
        if previous is not None:
            before, last = previous
            step = stamp - last
            after = f"the hour after row {table.row_of(before)} ({last:%Y-%m-%dT%H:%M})"
            if step == timedelta(0):
                if table.raw[before][column] != table.raw[index][column]:
                    problems.append(table.problem(index, column, f"got {text!r}, the same hour as row "
                                                  f"{table.row_of(before)}; expected {after}"))
            elif step < timedelta(0):
                problems.append(table.problem(index, column, f"got {text!r}, earlier than row {table.row_of(before)}; "
                                              f"expected {after}: the hours in time order"))
            elif step > _HOUR:
                missing = int(step / _HOUR) - 1
                problems.append(table.problem(index, column, f"got {text!r}; expected {last + _HOUR:%Y-%m-%dT%H:%M}, "
                                              f"{after}: {missing} hour{'s' if missing != 1 else ''} missing"))
        previous = (index, stamp)
    return problems


class ProductUseInputs(NamedTuple):
    """Validated inputs of CO2-04: the rows of ``product_use.csv`` (with ``row``), the files read
    (parameters first) and the warnings."""

    products: pd.DataFrame
    files: list[FileRecord]
    warnings: list[Problem]


def load_product_use_inputs(params: Parameters, folder: str | Path, *, root: str | Path | None = None) -> ProductUseInputs:
    """Read and validate ``product_use.csv`` (CO2-04): known categories and regions, whole and plausible counts.

    Returns
    -------
    ProductUseInputs
        The validated rows (with ``row``), the files read (parameters first) and the warnings.
    """
    __tracebackhide__ = True
    references = {"region": list(params.product_regions), "category": list(params.product_use.lifetimes)}
    table = read_table(Path(folder) / PRODUCT_USE.file_name, PRODUCT_USE, root=root, references=references)
    return ProductUseInputs(_with_rows(table), [*params.files, table.record], sorted(table.warnings))


#: The input tables each family reads from the fiscal year's folder.
FAMILY_TABLES: dict[str, tuple[TableSpec, ...]] = {
    "production": PRODUCTION_TABLES,
    "avoided_emissions": AVOIDED_TABLES,
    "product_use": (PRODUCT_USE,),
}


def _production_family(params: Parameters, folder: Path, root: Path) -> ProductionInputs:
    return load_production_inputs(params, folder, root / "data" / "history" / "site_history.csv", root=root)


def _avoided_family(params: Parameters, folder: Path, root: Path) -> AvoidedInputs:
    return load_avoided_inputs(params, folder, root / "data" / "reference" / "outdoor_temperature.csv",
                               root / "data" / "history" / "avoided_emissions.csv", root=root)


def _product_use_family(params: Parameters, folder: Path, root: Path) -> ProductUseInputs:
    return load_product_use_inputs(params, folder, root=root)


#: Family → the function that loads and validates its inputs from (parameters, the year's input folder,
#: the project root), with the default history and reference files, as the family's notebook does.
#: Each returns the family's inputs with their ``warnings``, or raises :class:`InputError`.
FAMILY_LOADERS: dict[str, Callable[[Parameters, Path, Path], object]] = {
    "production": _production_family,
    "avoided_emissions": _avoided_family,
    "product_use": _product_use_family,
}


def validate_inputs(params: Parameters, folder: Path, root: Path, families: Iterable[str]) -> list[Problem]:
    """Load and validate the inputs of several families, as their notebooks will.

    Returns
    -------
    list of Problem
        The warnings of all families (values outside their typical range).

    Raises
    ------
    InputError
        With every problem of every family (and their warnings in ``warnings``).
    """
    __tracebackhide__ = True
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for family in families:
        loader = FAMILY_LOADERS.get(family)
        if loader is None:
            continue
        try:
            warnings += loader(params, Path(folder), Path(root)).warnings
        except InputError as exc:
            problems += exc.problems
            warnings += exc.warnings
    raise_problems(problems, warnings)
    return sorted(set(warnings), key=lambda p: (p.file, p.row or 0, p.column or "", p.message))


def data_rows(path: Path, root: Path | None = None) -> int:
    """Number of non-blank data rows of a CSV file (0 for a header-only template).

    Raises
    ------
    InputError
        When the file is not UTF-8 text (naming the encoding it seems to be in).
    """
    text, problem = read_csv_text(Path(path), _display(Path(path), root))
    if problem is not None:
        raise InputError([problem])
    return sum(1 for number, row in enumerate(csv.reader(io.StringIO(text, newline="")))
               if number and any(cell.strip() for cell in row))
