"""Input tables of the green-products family (GP-01 … GP-11): specifications and loader.

The year's tables (``data/FY<yyyy>/``): the strategic green products with the three criteria each meets
(GP-01, GP-02), the representative models of the major consumer products (GP-03), lighting sales (GP-05),
air-quality products shipped (GP-07), detached houses contracted (GP-08), the smart cities (GP-09) and the
B2B green products shipped (GP-11). GP-04, GP-06 and GP-10 read the year's shipments from the files CO2-01
and CO2-03.3 read — ``fuel_cell_shipments.csv``, ``pv_shipments.csv``, ``automotive_batteries.csv``, one
source of truth: their specifications below are the same as the avoided-emissions family's (a test keeps
them equal), so either family's preflight checks the same file the same way.

The published figures of earlier years are in ``data/history/green_products_history.csv``: each year's
shipments (the cumulative series are summed from them at run time, never typed), the base years of GP-10
and GP-11, and the shares charted over the years. ``envkpi publish`` appends a published year's rows.

:func:`load_green_products_inputs` reads them, checks every rule between them and the parameters, and raises
one :class:`envkpi.core.inputs.InputError` listing every problem with file, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from envkpi.core.columns import REGION, YEAR, count_column, kwh_column
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
from envkpi.core.provenance import FileRecord, history_record

from .parameters import VEHICLE_TYPES

__all__ = ["STRATEGIC_GREEN_PRODUCTS", "CONSUMER_PRODUCT_EFFICIENCY", "FUEL_CELL_SHIPMENTS", "PV_SHIPMENTS",
           "LIGHTING_SALES", "AIR_QUALITY_PRODUCTS", "DETACHED_HOUSES", "SMART_CITIES", "AUTOMOTIVE_BATTERIES",
           "B2B_GREEN_PRODUCTS", "GREEN_PRODUCTS_HISTORY", "GREEN_PRODUCTS_HISTORY_FILE", "SERIES", "SERIES_UNITS",
           "TABLES", "GreenProductsInputs", "load_green_products_inputs", "load_inputs"]

#: Sales of one product line or lighting category in a year, in million yen: 10 trillion yen is more than
#: any single line of a manufacturer sells; yen typed as million yen lands far above.
_SALES = Plausible("MJPY", error_above=10_000_000, typical=(None, 2_000_000),
                   reason="one product line's sales in a year")
_LOTS = Plausible("count", error_above=100_000, typical=(None, 5_000), reason="lots of one smart-city development")
_HOUSES = Plausible("count", error_above=1_000_000, typical=(None, 100_000),
                    reason="detached houses one builder contracts in a year")

# --- the tables CO2-01 and CO2-03.3 read: the same specifications as the avoided-emissions family's --------
_PV_CAPACITY = Plausible("kW", error_above=100_000_000, typical=(None, 10_000_000),
                         reason="PV capacity shipped to one region in a year")
_UNITS = count_column("units_shipped", "units shipped in the fiscal year")

PV_SHIPMENTS = TableSpec("pv_shipments", "PV panels and cells shipped, by region (CO2-01).", (
    REGION,
    Column("capacity_shipped", "number", "total rated capacity shipped in the fiscal year", unit_column="unit",
           minimum=0, plausible=(_PV_CAPACITY,)),
    Column("unit", "unit", "kW or MW", dimensions=("[power]",), allowed=("kW", "MW")),
), unique=("region",))

FUEL_CELL_SHIPMENTS = TableSpec("fuel_cell_shipments", "Residential fuel cells shipped, by region (CO2-01).", (
    REGION, _UNITS,
), unique=("region",))

AUTOMOTIVE_BATTERIES = TableSpec("automotive_batteries", "Vehicles estimated to carry the group's batteries (CO2-03.3).", (
    Column("vehicle_type", "text", "EV, PHV or HV (avoided_emissions.automotive_batteries.vehicle_types)"),
    count_column("vehicles", "vehicles estimated to carry the group's batteries, shipped in the fiscal year"),
), unique=("vehicle_type",))

# --- the family's own tables ------------------------------------------------------------------------------
STRATEGIC_GREEN_PRODUCTS = TableSpec(
    "strategic_green_products", "Products and services assessed against the three criteria of a strategic green "
    "product (戦略GP定義), with their sales in the fiscal year (GP-01, GP-02; illustrative sample).", (
        Column("product", "text", "product or service line"),
        Column("criterion_top_performance", "boolean", "meets (1): top-class environmental performance in its "
               "industry (業界トップクラスの環境性能で地球環境への負荷を抑制)"),
        Column("criterion_diffusion", "boolean", "meets (2): spreading it reduces the burden on the environment "
               "(普及促進そのものが地球環境への負荷を抑制)"),
        Column("criterion_regional", "boolean", "meets (3): reduces a region's environmental burden or helps address "
               "it (ある地域の環境負荷を低減、または環境負荷への対処を支援)"),
        Column("sales", "number", "sales of the line in the fiscal year [MJPY]", unit="MJPY", minimum=0,
               plausible=(_SALES,)),
    ), unique=("product",))

CONSUMER_PRODUCT_EFFICIENCY = TableSpec(
    "consumer_product_efficiency", "Major consumer products by category and region: the representative (best-selling) "
    "model of the base year and of the fiscal year, and the units of the category sold (GP-03).", (
        Column("category", "text", "product category, e.g. room_air_conditioner (エアコン), refrigerator, lcd_tv"),
        REGION,
        Column("representative_model", "text", "this year's best-selling model of the category in the region"),
        kwh_column("base_kwh_per_year", "annual consumption of the base year's (FY2005) representative model"),
        kwh_column("kwh_per_year", "annual consumption of this year's representative model"),
        count_column("units_sold", "units of the category sold in the region in the fiscal year"),
    ), unique=("category", "region"))

LIGHTING_SALES = TableSpec(
    "lighting_sales", "Sales of the lighting business in the fiscal year, LED and other, by category (GP-05).", (
        Column("category", "text", "lighting category, e.g. luminaires, lamps"),
        Column("lighting_type", "text", "led or conventional", allowed=("led", "conventional")),
        Column("sales", "number", "sales in the fiscal year [MJPY]", unit="MJPY", minimum=0, plausible=(_SALES,)),
    ), unique=("category", "lighting_type"))

AIR_QUALITY_PRODUCTS = TableSpec(
    "air_quality_products", "Indoor air-quality products shipped in the fiscal year: air purifiers and ventilation "
    "with filters above a set performance (GP-07).", (
        Column("product", "text", "product key of green_products.air_quality.rooms_per_unit"),
        _UNITS,
    ), unique=("product",))

DETACHED_HOUSES = TableSpec(
    "detached_houses", "Detached houses the group's housing company contracted in the fiscal year, by type (GP-08).", (
        Column("house_type", "text", "zeh, nearly_zeh or other", allowed=("zeh", "nearly_zeh", "other")),
        Column("houses_contracted", "integer", "detached houses contracted (受託) in the fiscal year [count]",
               unit="count", minimum=0, plausible=(_HOUSES,)),
    ), unique=("house_type",))

SMART_CITIES = TableSpec(
    "smart_cities", "Smart-city developments the group's housing company takes part in at the end of the fiscal "
    "year, with their lots (GP-09).", (
        Column("smart_city", "text", "name of the development (拠点)"),
        Column("lots_planned", "integer", "lots of the development [count]", unit="count", minimum=0,
               plausible=(_LOTS,)),
        Column("lots_sold", "integer", "lots sold by the end of the fiscal year (販売した区画数) [count]",
               unit="count", minimum=0, plausible=(_LOTS,)),
    ), unique=("smart_city",))

B2B_GREEN_PRODUCTS = TableSpec(
    "b2b_green_products", "Shipment value of the B2B green products in the fiscal year, by category (GP-11).", (
        Column("category", "text", "category key of green_products.b2b.categories"),
        Column("shipment_value", "number", "shipment value (出荷金額) in the fiscal year [MJPY]", unit="MJPY",
               minimum=0, plausible=(_SALES,)),
    ), unique=("category",))

GREEN_PRODUCTS_HISTORY_FILE = "data/history/green_products_history.csv"

#: Series of the history → their unit; the first four are summed or compared, the shares are charted.
SERIES_UNITS = {
    "fuel_cell_units": "count",      # fuel cells shipped, by region (GP-04)
    "pv_capacity": "kW",             # PV capacity shipped, by region (GP-06)
    "air_quality_units": "count",    # air-quality products shipped, by product (GP-07)
    "battery_vehicles": "count",     # vehicles carrying the group's batteries, by vehicle type (GP-10)
    "b2b_shipment_value": "MJPY",    # B2B green products shipped, by category (GP-11)
    "gp_sales_share": "percent",     # GP-02 as published (chart)
    "led_share": "percent",          # GP-05 as published (chart)
    "zeh_share": "percent",          # GP-08 as published (chart)
}
SERIES = tuple(SERIES_UNITS)

_HISTORY_VALUE = (
    Plausible("count", error_above=1_000_000_000, typical=(None, 100_000_000), reason="one row's units in a year"),
    Plausible("kW", error_above=100_000_000, typical=(None, 10_000_000), reason="PV capacity shipped to one region in a year"),
    Plausible("MJPY", error_above=10_000_000, typical=(None, 2_000_000), reason="one product line's sales in a year"),
)

GREEN_PRODUCTS_HISTORY = TableSpec(
    "green_products_history", "Published yearly figures of the green-products family of earlier fiscal years: "
    "shipments (GP-04, GP-06, GP-07 add them up), the base years of GP-10 and GP-11, and the shares charted.", (
        Column("fiscal_year", "integer", "fiscal year (April to March), e.g. 2010", minimum=1990, plausible=(YEAR,)),
        Column("series", "text", "what the row holds", allowed=SERIES),
        Column("key", "text", "region, product, vehicle type or category of the row; total for a share"),
        Column("value", "number", "the year's own figure (never a cumulative one)", unit_column="unit", minimum=0,
               plausible=_HISTORY_VALUE),
        Column("unit", "unit", "unit of value: count, kW, MJPY or percent, as the series requires",
               allowed=("count", "kW", "MJPY", "percent")),
        Column("source", "text", "where the published figure comes from"),
        Column("value_as_published", "number", "the figure first published, when a restatement replaced it "
               "(envkpi publish --restatement writes it)", required=False, header_optional=True, unit_column="unit",
               minimum=0, plausible=_HISTORY_VALUE),
    ), unique=("fiscal_year", "series", "key"))

#: The tables of the year's folder, in reading order.
TABLES = (STRATEGIC_GREEN_PRODUCTS, CONSUMER_PRODUCT_EFFICIENCY, FUEL_CELL_SHIPMENTS, PV_SHIPMENTS, LIGHTING_SALES,
          AIR_QUALITY_PRODUCTS, DETACHED_HOUSES, SMART_CITIES, AUTOMOTIVE_BATTERIES, B2B_GREEN_PRODUCTS)


@dataclass
class GreenProductsInputs:
    """Validated inputs of GP-01 … GP-11: each table's rows with their file row (``row``).

    Attributes
    ----------
    fiscal_year : int
        The year reported.
    strategic, efficiency, fuel_cells, pv, lighting, air_quality, houses, smart_cities, batteries, b2b : DataFrame
        The year's tables (counts as floats; PV capacity as in the file, with its unit).
    history : DataFrame
        The history rows used (the years before ``fiscal_year`` from each series' first year):
        ``row, fiscal_year, series, key, value, unit, source, value_as_published``.
    files : list of FileRecord
        Provenance of the parameters and tables read.
    warnings : list of Problem
        Values outside their typical range.
    """

    fiscal_year: int
    strategic: pd.DataFrame
    efficiency: pd.DataFrame
    fuel_cells: pd.DataFrame
    pv: pd.DataFrame
    lighting: pd.DataFrame
    air_quality: pd.DataFrame
    houses: pd.DataFrame
    smart_cities: pd.DataFrame
    batteries: pd.DataFrame
    b2b: pd.DataFrame
    history: pd.DataFrame
    files: list[FileRecord] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def first_years(params: Parameters) -> dict[str, int]:
    """Series of the history → the first year a run needs (its series' first or base year)."""
    method = params.green_products
    return {"fuel_cell_units": int(method.fuel_cells.first_fiscal_year.value),
            "pv_capacity": int(method.pv.first_fiscal_year.value),
            "air_quality_units": int(method.air_quality.first_fiscal_year.value),
            "battery_vehicles": int(method.automotive_batteries.base_fiscal_year.value),
            "b2b_shipment_value": int(method.b2b.base_fiscal_year.value)}


def _keys_of(params: Parameters) -> dict[str, tuple[str, ...]]:
    """Series → the keys a row may have."""
    method = params.green_products
    regions = tuple(params.product_regions)
    return {"fuel_cell_units": regions, "pv_capacity": regions,
            "air_quality_units": tuple(method.air_quality.rooms_per_unit), "battery_vehicles": VEHICLE_TYPES,
            "b2b_shipment_value": tuple(method.b2b.categories),
            "gp_sales_share": ("total",), "led_share": ("total",), "zeh_share": ("total",)}


def _one_of(column: str, allowed: tuple[str, ...], where: str):
    """Row rule: ``column`` is one of ``allowed`` (``where`` names the parameter list)."""
    def rule(row: dict) -> str | None:
        if row[column] not in allowed:
            return f"{column}: got {row[column]!r}; expected one of {', '.join(allowed)} ({where})"
        return None
    return rule


def _not_empty(table: Table | None, what: str) -> list[Problem]:
    """A table with no row: the indicator cannot be computed (a zero must be written as a row)."""
    if table is not None and table.clean and len(table.data) == 0:
        return [Problem(table.display, None, None, f"no rows; expected {what}")]
    return []


def _history_problems(history: Table, params: Parameters) -> tuple[list[Problem], list[int]]:
    """Rules of the history: units of each series, keys, and every year a run needs present.

    Returns the problems and the indices of the rows used (years before the run's, from the first year
    of their series; the shares of every earlier year, for the charts)."""
    fiscal_year = params.fiscal_year
    keys = _keys_of(params)
    problems = check_rows(history, lambda r: None if r["unit"] == SERIES_UNITS[r["series"]] else
                          f"unit: got {r['unit']!r} for series {r['series']}; expected {SERIES_UNITS[r['series']]}",
                          needs=("series", "unit"))
    problems += check_rows(history, lambda r: None if r["key"] in keys[r["series"]] else
                           f"key: got {r['key']!r} for series {r['series']}; expected one of "
                           f"{', '.join(keys[r['series']])}", needs=("series", "key"))
    starts = first_years(params)
    used, present = [], {}
    for index in range(len(history.data)):
        if not history.parsed(index, ("fiscal_year", "series")):
            continue
        year, series = int(history.data["fiscal_year"].iloc[index]), history.data["series"].iloc[index]
        if year < fiscal_year and year >= starts.get(series, 0):
            used.append(index)
            present.setdefault(series, set()).add(year)
    for series, start in starts.items():
        missing = [y for y in range(start, fiscal_year) if y not in present.get(series, set())]
        if missing:
            problems.append(Problem(history.display, None, "fiscal_year", f"series {series}: no row for FY"
                                    + ", FY".join(map(str, missing)) + f"; the FY{fiscal_year} figures need every "
                                    f"year from FY{start} (envkpi publish writes a year's rows; a year published "
                                    "before envkpi is typed in as published)"))
    return problems, used


def load_green_products_inputs(params: Parameters, folder: str | Path, history_file: str | Path, *,
                               root: str | Path | None = None) -> GreenProductsInputs:
    """Read and validate the green-products family's inputs.

    Parameters
    ----------
    params : Parameters
        The fiscal year's parameters (``green_products``, ``product_regions``, ``avoided_emissions``).
    folder : str or Path
        The year's input folder, e.g. ``data/FY2018``.
    history_file : str or Path
        ``data/history/green_products_history.csv``: the rows of each series from its first year to the
        year before are used; every one of those years must have rows.
    root : str or Path, optional
        Project root, for file names in messages and provenance.

    Raises
    ------
    InputError
        Listing every problem with file, row and column: a cell of the wrong kind (a criterion that is not
        true or false, a negative count), an unknown region, product, vehicle type or category, more lots
        sold than planned, an empty table, a year of the history missing.
    """
    __tracebackhide__ = True
    folder = Path(folder)
    method = params.green_products
    regions = tuple(params.product_regions)
    problems: list[Problem] = []
    tables = {spec.name: read_table(folder / spec.file_name, spec, root=root, encodings=params.inputs.encodings, problems=problems) for spec in TABLES}
    history = read_table(history_file, GREEN_PRODUCTS_HISTORY, root=root, role="history", problems=problems)
    rules = {
        "consumer_product_efficiency": [(_one_of("region", regions, "product_regions"), ("region",))],
        "fuel_cell_shipments": [(_one_of("region", regions, "product_regions"), ("region",))],
        "pv_shipments": [(_one_of("region", regions, "product_regions"), ("region",))],
        "air_quality_products": [(_one_of("product", tuple(method.air_quality.rooms_per_unit),
                                          "green_products.air_quality.rooms_per_unit"), ("product",))],
        "automotive_batteries": [(_one_of("vehicle_type", VEHICLE_TYPES, "the standard's EV、PHV、HV"), ("vehicle_type",))],
        "b2b_green_products": [(_one_of("category", tuple(method.b2b.categories), "green_products.b2b.categories"),
                                ("category",))],
        "smart_cities": [(lambda r: None if r["lots_sold"] <= r["lots_planned"] else
                          f"lots_sold: {r['lots_sold']} lots sold, more than the {r['lots_planned']} planned",
                          ("lots_sold", "lots_planned"))],
    }
    for name, table_rules in rules.items():
        table = tables[name]
        if table is not None:
            for rule, needs in table_rules:
                problems += check_rows(table, rule, needs=needs)
    for spec in TABLES:
        problems += _not_empty(tables[spec.name], f"at least one row ({spec.description})")
    houses = tables["detached_houses"]
    if houses is not None and houses.clean and len(houses.data) and houses.data["houses_contracted"].sum() == 0:
        problems.append(Problem(houses.display, None, "houses_contracted", "no house contracted; GP-08 is a share "
                                "of the houses contracted and needs at least one"))
    lighting = tables["lighting_sales"]
    if lighting is not None and lighting.clean and len(lighting.data) and lighting.data["sales"].sum() == 0:
        problems.append(Problem(lighting.display, None, "sales", "no lighting sales; GP-05 is a share of them"))
    used: list[int] = []
    if history is not None:
        found, used = _history_problems(history, params)
        problems += found
    warnings = warnings_of(*tables.values(), history)
    raise_problems(problems, warnings)

    frames = {name: with_rows(table) for name, table in tables.items()}
    past = with_rows(history).iloc[used].reset_index(drop=True)
    if "value_as_published" not in past:
        past["value_as_published"] = pd.NA
    return GreenProductsInputs(
        fiscal_year=params.fiscal_year, strategic=frames["strategic_green_products"],
        efficiency=frames["consumer_product_efficiency"], fuel_cells=frames["fuel_cell_shipments"],
        pv=frames["pv_shipments"], lighting=frames["lighting_sales"], air_quality=frames["air_quality_products"],
        houses=frames["detached_houses"], smart_cities=frames["smart_cities"],
        batteries=frames["automotive_batteries"], b2b=frames["b2b_green_products"], history=past,
        files=[*params.files, *(r for spec in TABLES for r in tables[spec.name].records),
               history_record(history_file, params.fiscal_year, root=root)],
        warnings=sorted(warnings),
    )


def load_inputs(params: Parameters, folder: Path, root: Path) -> GreenProductsInputs:
    """:func:`load_green_products_inputs` with the project's history, as the notebook reads it by default."""
    return load_green_products_inputs(params, folder, root / GREEN_PRODUCTS_HISTORY_FILE, root=root)
