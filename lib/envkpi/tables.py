"""Input tables of each family: their specifications (the data dictionary in code) and loaders.

A loader reads every table of a family, validates each one and the references between them
(site ids, fuels, suppliers, gases, countries, units against the parameters), and raises one
:class:`envkpi.inputs.InputError` listing every problem found in every file. ``data/README.md``
documents the same columns for people; ``tests/test_tables.py`` keeps the two in step.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .boundary import site_boundary
from .inputs import Column, Problem, Table, TableSpec, check_rows, raise_problems, read_table
from .parameters import Parameters
from .provenance import FileRecord
from .units import Quantity, parse_unit

__all__ = ["SITES", "FUEL_USE", "PURCHASED_ENERGY", "RENEWABLE_ENERGY", "NON_CO2_GHG", "PRODUCTION_OUTPUT",
           "SITE_HISTORY", "PRODUCTION_TABLES", "ProductionInputs", "load_production_inputs", "data_dir"]

_SITE = Column("site_id", "text", "site identifier; must exist in sites.csv")

SITES = TableSpec("sites", "Site register with the attributes of the boundary.", (
    Column("site_id", "text", "site identifier, e.g. JP-01"),
    Column("site_name", "text", "display name"),
    Column("country", "text", "ISO 3166-1 alpha-2 country code; selects the electricity emission factor"),
    Column("entity", "text", "legal entity operating the site"),
    Column("parent_entity", "text", "direct parent of the entity; empty for the parent company", required=False),
    Column("has_ems", "boolean", "the site runs an environmental management system"),
    Column("notes", "text", "free text", required=False),
), unique=("site_id",))

FUEL_USE = TableSpec("fuel_use", "Fuel burnt at each site in the fiscal year (Scope 1).", (
    _SITE,
    Column("fuel", "text", "fuel key of the parameters (production.fuels)"),
    Column("quantity", "number", "amount used in the fiscal year", unit_column="unit", minimum=0),
    Column("unit", "unit", "natural unit of the fuel", dimensions=("[volume]", "[mass]")),
    Column("supplier", "text", "city-gas supplier key (production.city_gas_suppliers); empty for other fuels",
           required=False),
))

PURCHASED_ENERGY = TableSpec("purchased_energy", "Electricity and heat bought from others (Scope 2).", (
    _SITE,
    Column("carrier", "text", "electricity, or a heat carrier of the parameters (production.heat_carriers)"),
    Column("quantity", "number", "amount purchased in the fiscal year", unit_column="unit",
           minimum=0),
    Column("unit", "unit", "kWh, MWh (electricity) or GJ (heat)", dimensions=("[energy]",)),
))

RENEWABLE_ENERGY = TableSpec("renewable_energy", "Renewable electricity generated on site.", (
    _SITE,
    Column("source", "text", "solar, wind, biomass or small_hydro",
           allowed=("solar", "wind", "biomass", "small_hydro")),
    Column("generated", "number", "electricity generated", unit_column="unit", minimum=0),
    Column("used_on_site", "number", "part of it used by the group itself (≤ generated)",
           unit_column="unit", minimum=0),
    Column("unit", "unit", "kWh or MWh", dimensions=("[energy]",)),
), unique=("site_id", "source"))

NON_CO2_GHG = TableSpec("non_co2_ghg", "Greenhouse gases other than CO2 emitted by each site (Scope 1).", (
    _SITE,
    Column("gas", "text", "gas by its IPCC AR4 name, e.g. SF6, HFC-134a, c-C4F8"),
    Column("quantity", "number", "mass emitted", unit_column="unit", minimum=0),
    Column("unit", "unit", "kg or t (mass of the gas itself)", dimensions=("[mass]",)),
    Column("activity", "text", "where the gas comes from", required=False),
))

PRODUCTION_OUTPUT = TableSpec("production_output", "Production output of each site: the intensity denominator.", (
    _SITE,
    Column("output", "number", "production output (production value)", unit_column="unit",
           minimum=0),
    Column("unit", "unit", "unit of output, e.g. MJPY (million yen); the same unit every year per site"),
), unique=("site_id",))

SITE_HISTORY = TableSpec("site_history", "Published CO2 and output of each site in earlier fiscal years.", (
    _SITE,
    Column("fiscal_year", "integer", "fiscal year (April to March), e.g. 2016", minimum=1990),
    Column("co2", "number", "CO2 from production (PRD-01 of the site)", unit="from co2_unit",
           unit_column="co2_unit", minimum=0),
    Column("co2_unit", "unit", "t CO2", dimensions=("[mass] * [carbon]",)),
    Column("output", "number", "production output", unit_column="output_unit", minimum=0),
    Column("output_unit", "unit", "unit of output, the same as production_output.csv for the site"),
    Column("source", "text", "where the published figure comes from"),
), unique=("site_id", "fiscal_year"))

# --- avoided emissions (CO2-01 … CO2-03) and product use (CO2-04) ----------------------------------

_REGION = Column("region", "text", "sales region key of the parameters (product_regions)")
_UNITS = Column("units_shipped", "number", "units shipped in the fiscal year [count]", unit="count", minimum=0)


def _kwh(name: str, description: str, required: bool = True) -> Column:
    return Column(name, "number", description + " [kWh/y]", unit="kWh/year", minimum=0, required=required)


PV_SHIPMENTS = TableSpec("pv_shipments", "PV panels and cells shipped, by region (CO2-01).", (
    _REGION,
    Column("capacity_shipped", "number", "total rated capacity shipped in the fiscal year", unit_column="unit", minimum=0),
    Column("unit", "unit", "kW or MW", dimensions=("[power]",)),
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
    Column("houses_delivered", "number", "houses delivered in the fiscal year [count]", unit="count", minimum=0),
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
    Column("vehicles", "number", "vehicles estimated to carry the group's batteries, shipped in the fiscal year [count]",
           unit="count", minimum=0),
), unique=("vehicle_type",))

VACUUM_INSULATION = TableSpec("vacuum_insulation_panels", "Vacuum insulation panels in other makers' products (CO2-03.4).", (
    Column("host_product", "text", "the product the panels go into (avoided_emissions.vacuum_insulation.host_lifetimes)"),
    Column("units_shipped", "number", "host products equipped in the fiscal year [count]", unit="count", minimum=0),
    _kwh("saving_kwh_per_year", "energy saved per host product by the panels"),
), unique=("host_product",))

TELECONFERENCE = TableSpec("teleconference_systems", "Teleconferencing systems sold, by region (CO2-03.5).", (
    _REGION,
    Column("units_sold", "number", "units sold in the fiscal year (two units make one set) [count]", unit="count",
           minimum=0),
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
    Column("units_sold", "number", "units of the category sold in the region in the fiscal year [count]", unit="count",
           minimum=0),
), unique=("category", "region"))

OUTDOOR_TEMPERATURE = TableSpec("outdoor_temperature", "Hourly outdoor temperature for the heat-exchange model (CO2-03.7).", (
    Column("timestamp", "text", "local time at the start of the hour, ISO 8601 (YYYY-MM-DDTHH:MM)"),
    Column("outdoor_temp_c", "number", "outdoor air temperature [°C]", unit="degC"),
), unique=("timestamp",))

AVOIDED_HISTORY = TableSpec("avoided_emissions", "Published avoided emissions of earlier fiscal years (target progress).", (
    Column("fiscal_year", "integer", "fiscal year (April to March)", minimum=1990),
    Column("avoided_co2_t", "number", "avoided emissions counted towards the target, CO2-01 + CO2-02 + CO2-03 [t CO2]",
           unit="t CO2"),
    Column("source", "text", "where the published figure comes from"),
), unique=("fiscal_year",))

AVOIDED_TABLES = (PV_SHIPMENTS, FUEL_CELL_SHIPMENTS, ENERGY_SAVING_PRODUCTS, HOUSING_INSULATION, COMPRESSORS_MOTORS,
                  AUTOMOTIVE_BATTERIES, VACUUM_INSULATION, TELECONFERENCE, ENERGY_MANAGEMENT, HEAT_EXCHANGE)

#: The tables of the production family, in the order they are read.
PRODUCTION_TABLES = (SITES, FUEL_USE, PURCHASED_ENERGY, RENEWABLE_ENERGY, NON_CO2_GHG, PRODUCTION_OUTPUT)


def data_dir(root: Path, fiscal_year: int) -> Path:
    """Default input folder of a fiscal year: ``data/FY<yyyy>``."""
    return root / "data" / f"FY{fiscal_year}"


@dataclass
class ProductionInputs:
    """Validated inputs of the production family, restricted to the boundary.

    Each activity frame has a ``row`` column: the row of the source file (header = row 1).
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

    @property
    def sites_in_boundary(self) -> pd.Index:
        return pd.Index(self.boundary.loc[self.boundary["in_boundary"], "site_id"], name="site_id")

    @property
    def countries(self) -> pd.Series:
        return self.boundary.set_index("site_id")["country"]


def _with_rows(table: Table) -> pd.DataFrame:
    frame = table.data.copy()
    frame.insert(0, "row", table.rows)
    return frame


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
        ``data/history/site_history.csv``: rows before the fiscal year are used.
    root : str or Path, optional
        Project root, for file names in messages and provenance.

    Raises
    ------
    InputError
        Listing every problem in every table.
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
    history = read_table(history_file, SITE_HISTORY, root=root, references=references, role="history",
                         problems=problems)
    # Rules between tables run on every table that is clean, so that they are reported together with
    # the value problems of the others.
    boundary = site_boundary(sites.data, params.boundary.excluded_entities) if sites and sites.clean else None
    problems += _cross_checks(tables, sites, params, boundary)
    if tables["production_output"] and tables["production_output"].clean and history and history.clean:
        problems += _unit_consistency(tables["production_output"], history)
    raise_problems(problems)
    inside = set(boundary.loc[boundary["in_boundary"], "site_id"])

    frames = {name: _with_rows(table) for name, table in tables.items()}
    excluded = pd.DataFrame(
        [{"table": f"{name}.csv", "rows_outside_boundary": int((~frame["site_id"].isin(inside)).sum())}
         for name, frame in frames.items()]
    )
    frames = {name: frame[frame["site_id"].isin(inside)].reset_index(drop=True) for name, frame in frames.items()}
    past = _with_rows(history)
    past = past[past["site_id"].isin(inside) & (past["fiscal_year"] < params.fiscal_year)].reset_index(drop=True)
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
        files=[*params.files, sites.record, *(t.record for t in tables.values()), history.record],
    )


def _cross_checks(tables: dict[str, Table | None], sites: Table | None, params: Parameters,
                  boundary: pd.DataFrame | None) -> list[Problem]:
    """Rules between columns, tables and the parameters, on the tables that are clean.

    The rules that depend on the boundary (suppliers, units against calorific values, electricity
    factors) apply to the rows of in-boundary sites and need a clean site register.
    """
    production = params.production
    city_gas = production.city_gas_fuel
    problems: list[Problem] = []

    def usable(name: str) -> Table | None:
        table = tables[name]
        return table if table is not None and table.clean else None

    def fuel_rule(row: dict) -> str | None:
        if row["site_id"] not in inside:
            return None
        if row["fuel"] == city_gas:
            supplier = production.city_gas_suppliers.get(row["supplier"])
            if not row["supplier"]:
                return "supplier: missing; city gas takes the supplier's calorific value (production.city_gas_suppliers)"
            if supplier is None:
                return (f"supplier: got {row['supplier']!r}; expected one of "
                        f"{', '.join(production.city_gas_suppliers) or '(none defined)'}")
            heat = supplier.calorific_value
        else:
            if row["supplier"]:
                return f"supplier: got {row['supplier']!r}; expected empty (only {city_gas} has a supplier)"
            heat = production.fuels[row["fuel"]].calorific_value
        if not _compatible(row["unit"], heat.unit):
            return (f"unit: {row['unit']!r} cannot be multiplied by the calorific value [{heat.unit}] of "
                    f"{row['fuel']} to give energy; expected a unit like {heat.unit.split('/')[-1].strip()}")
        return None

    def renewable_rule(row: dict) -> str | None:
        if row["used_on_site"] > row["generated"]:
            return f"used_on_site: {row['used_on_site']:g} is more than generated ({row['generated']:g})"
        return None

    if usable("renewable_energy"):
        problems += check_rows(tables["renewable_energy"], renewable_rule)
    if boundary is None:
        return problems
    inside = set(boundary.loc[boundary["in_boundary"], "site_id"])
    if usable("fuel_use"):
        problems += check_rows(tables["fuel_use"], fuel_rule)
    if usable("purchased_energy"):
        frame = tables["purchased_energy"].data
        buying = set(frame.loc[frame["carrier"] == "electricity", "site_id"]) & inside

        def country_rule(row: dict) -> str | None:
            if row["site_id"] in buying and row["country"] not in production.electricity_factors:
                return (f"country: {row['site_id']} buys electricity in {row['country']!r}, which has no emission "
                        f"factor; expected one of production.electricity_factors ({', '.join(production.electricity_factors)})")
            return None

        problems += check_rows(sites, country_rule)
    return problems


def _compatible(activity_unit: str, factor_unit: str) -> bool:
    """True when quantity [activity_unit] × factor [factor_unit] is an energy."""
    product = parse_unit(activity_unit) * parse_unit(factor_unit)
    return Quantity(1, product).check("[energy]")


def _unit_consistency(output: Table, history: Table) -> list[Problem]:
    """Each site's output must be in one dimension in every year, so its intensities compare."""
    current = dict(zip(output.data["site_id"], output.data["unit"]))
    problems = []
    for index, row in enumerate(history.data.itertuples(index=False)):
        unit = current.get(row.site_id)
        if unit and parse_unit(unit).dimensionality != parse_unit(row.output_unit).dimensionality:
            problems.append(history.problem(index, "output_unit", f"{row.output_unit!r} cannot be compared with "
                                            f"this year's output unit {unit!r} for {row.site_id}"))
    return problems


@dataclass
class AvoidedInputs:
    """Validated inputs of the avoided-emissions family (each frame with its ``row`` column)."""

    fiscal_year: int
    tables: dict[str, pd.DataFrame]
    temperature: pd.DataFrame
    history: pd.DataFrame
    files: list[FileRecord] = field(default_factory=list)

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
        type; negative or missing values) with file, row and column.
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
    if temperature is not None and temperature.clean:
        problems += check_rows(temperature, _timestamp_rule)
    raise_problems(problems)
    frames = {name: _with_rows(table) for name, table in tables.items()}
    series = _with_rows(temperature)
    series["timestamp"] = pd.to_datetime(series["timestamp"])
    return AvoidedInputs(
        fiscal_year=params.fiscal_year,
        tables=frames,
        temperature=series,
        history=_with_rows(history),
        files=[*params.files, *(t.record for t in tables.values()), temperature.record, history.record],
    )


def _timestamp_rule(row: dict) -> str | None:
    try:
        pd.Timestamp(row["timestamp"])
    except ValueError:
        return f"timestamp: got {row['timestamp']!r}; expected a date and hour like 2018-04-01T13:00"
    return None


def load_product_use_inputs(params: Parameters, folder: str | Path, *, root: str | Path | None = None) -> tuple[pd.DataFrame, list[FileRecord]]:
    """Read and validate ``product_use.csv`` (CO2-04): known categories and regions, no negative values.

    Returns
    -------
    tuple
        The validated rows (with ``row``) and the files read (parameters first).
    """
    __tracebackhide__ = True
    references = {"region": list(params.product_regions), "category": list(params.product_use.lifetimes)}
    table = read_table(Path(folder) / PRODUCT_USE.file_name, PRODUCT_USE, root=root, references=references)
    return _with_rows(table), [*params.files, table.record]


#: The input tables each family reads from the fiscal year's folder.
FAMILY_TABLES: dict[str, tuple[TableSpec, ...]] = {
    "production": PRODUCTION_TABLES,
    "avoided_emissions": AVOIDED_TABLES,
    "product_use": (PRODUCT_USE,),
}


def data_rows(path: Path) -> int:
    """Number of non-blank data rows of a CSV file (0 for a header-only template)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return sum(1 for number, row in enumerate(csv.reader(handle)) if number and any(cell.strip() for cell in row))
