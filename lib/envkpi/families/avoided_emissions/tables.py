"""Input tables of the avoided-emissions family (CO2-01 … CO2-03): specifications and loader.

:func:`load_avoided_inputs` reads the year's shipments, the hourly outdoor temperature of the
heat-exchange model and the published history, and raises one
:class:`envkpi.core.inputs.InputError` listing every problem in every file.
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
    TableSpec,
    hourly_series_problems,
    raise_problems,
    read_table,
    warnings_of,
    with_rows,
)
from envkpi.core.parameters import Parameters
from envkpi.core.provenance import FileRecord, history_record

__all__ = ["PV_SHIPMENTS", "FUEL_CELL_SHIPMENTS", "ENERGY_SAVING_PRODUCTS", "HOUSING_INSULATION", "COMPRESSORS_MOTORS",
           "AUTOMOTIVE_BATTERIES", "VACUUM_INSULATION", "TELECONFERENCE", "ENERGY_MANAGEMENT", "HEAT_EXCHANGE",
           "OUTDOOR_TEMPERATURE", "AVOIDED_HISTORY", "TABLES", "AvoidedInputs", "load_avoided_inputs", "load_inputs"]

_PV_CAPACITY = Plausible("kW", error_above=100_000_000, typical=(None, 10_000_000),
                         reason="PV capacity shipped to one region in a year")


_AVOIDED_CO2 = Plausible("t CO2", error_above=1_000_000_000, typical=(None, 100_000_000),
                         reason="a year's avoided emissions of the group")


_OUTDOOR_TEMPERATURE = Plausible("degC", error_above=60, error_below=-90, typical=(-40, 50),
                                 reason="outdoor air temperature")


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


ENERGY_SAVING_PRODUCTS = TableSpec("energy_saving_products", "Energy-saving products shipped, by category and region (CO2-02).", (
    Column("category", "text", "product category key of the parameters (avoided_emissions.energy_saving.lifetimes)"),
    REGION,
    kwh_column("reference_kwh_per_year", "annual consumption of the reference-year (FY2005) model of the category"),
    kwh_column("model_kwh_per_year", "annual consumption of this year's model"),
    _UNITS,
), unique=("category", "region"))


HOUSING_INSULATION = TableSpec("housing_insulation", "Houses delivered with the group's insulation (CO2-03.1).", (
    Column("house_type", "text", "type of house, e.g. detached"),
    count_column("houses_delivered", "houses delivered in the fiscal year"),
    kwh_column("reference_ac_kwh_per_year", "air-conditioning consumption of a house with the reference insulation"),
    kwh_column("insulated_ac_kwh_per_year", "air-conditioning consumption of the group's insulated house"),
), unique=("house_type",))


COMPRESSORS_MOTORS = TableSpec("compressors_motors", "Compressors and motors built into other makers' products (CO2-03.2).", (
    Column("component", "text", "the group's component, e.g. inverter compressor"),
    Column("host_product", "text", "the other maker's product it goes into (avoided_emissions.compressors_motors.host_lifetimes)"),
    kwh_column("reference_kwh_per_year", "annual consumption of the reference-year (FY2005) component"),
    kwh_column("model_kwh_per_year", "annual consumption of this year's component"),
    _UNITS,
), unique=("component", "host_product"))


AUTOMOTIVE_BATTERIES = TableSpec("automotive_batteries", "Vehicles estimated to carry the group's batteries (CO2-03.3).", (
    Column("vehicle_type", "text", "EV, PHV or HV (avoided_emissions.automotive_batteries.vehicle_types)"),
    count_column("vehicles", "vehicles estimated to carry the group's batteries, shipped in the fiscal year"),
), unique=("vehicle_type",))


VACUUM_INSULATION = TableSpec("vacuum_insulation_panels", "Vacuum insulation panels in other makers' products (CO2-03.4).", (
    Column("host_product", "text", "the product the panels go into (avoided_emissions.vacuum_insulation.host_lifetimes)"),
    count_column("units_shipped", "host products equipped in the fiscal year"),
    kwh_column("saving_kwh_per_year", "energy saved per host product by the panels"),
), unique=("host_product",))


TELECONFERENCE = TableSpec("teleconference_systems", "Teleconferencing systems sold, by region (CO2-03.5).", (
    REGION,
    count_column("units_sold", "units sold in the fiscal year (two units make one set)"),
), unique=("region",))


ENERGY_MANAGEMENT = TableSpec("energy_management_systems", "HEMS and BEMS shipped (CO2-03.6).", (
    Column("system", "text", "hems or bems", allowed=("hems", "bems")),
    _UNITS,
), unique=("system",))


HEAT_EXCHANGE = TableSpec("heat_exchange_ventilation", "Heat-exchange ventilation units shipped (CO2-03.7).", (
    Column("product", "text", "product name"),
    _UNITS,
), unique=("product",))


OUTDOOR_TEMPERATURE = TableSpec("outdoor_temperature", "Hourly outdoor temperature for the heat-exchange model (CO2-03.7).", (
    Column("timestamp", "text", "local time at the start of the hour, ISO 8601 (YYYY-MM-DDTHH:MM); hourly, in time "
           "order, no gaps"),
    Column("outdoor_temp_c", "number", "outdoor air temperature [°C]", unit="degC", plausible=(_OUTDOOR_TEMPERATURE,)),
), unique=("timestamp",))


#: The published history and the temperature series, relative to the project root.
AVOIDED_HISTORY_FILE = "data/history/avoided_emissions.csv"
TEMPERATURE_FILE = "data/reference/outdoor_temperature.csv"

AVOIDED_HISTORY = TableSpec("avoided_emissions", "Published avoided emissions of earlier fiscal years (target progress).", (
    Column("fiscal_year", "integer", "fiscal year (April to March)", minimum=1990, plausible=(YEAR,)),
    Column("avoided_co2_t", "number", "avoided emissions counted towards the target, CO2-01 + CO2-02 + CO2-03 [t CO2]",
           unit="t CO2", minimum=0, plausible=(_AVOIDED_CO2,)),
    Column("source", "text", "where the published figure comes from"),
    Column("avoided_co2_t_as_published", "number", "the figure first published, when a restatement replaced it "
           "(envkpi publish --restatement writes it) [t CO2]", unit="t CO2", required=False, header_optional=True,
           minimum=0, plausible=(_AVOIDED_CO2,)),
), unique=("fiscal_year",))


TABLES = (PV_SHIPMENTS, FUEL_CELL_SHIPMENTS, ENERGY_SAVING_PRODUCTS, HOUSING_INSULATION, COMPRESSORS_MOTORS,
                  AUTOMOTIVE_BATTERIES, VACUUM_INSULATION, TELECONFERENCE, ENERGY_MANAGEMENT, HEAT_EXCHANGE)


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


def _read_family(specs, folder: Path, root, references: dict, problems: list[Problem], encodings=None) -> dict:
    return {spec.name: read_table(folder / spec.file_name, spec, root=root, references=references, problems=problems,
                                  encodings=encodings)
            for spec in specs}


def table_references(params: Parameters, spec: TableSpec | None = None) -> dict[str, list[str]]:
    """The known keys of the family's table ``spec`` from the parameters: regions, categories, host products
    and vehicle types; the vacuum-insulation panels' host products are their own list."""
    avoided = params.avoided_emissions
    if spec is VACUUM_INSULATION:
        return {"host_product": list(avoided.vacuum_insulation.host_lifetimes)}
    return {
        "region": list(params.product_regions),
        "category": list(avoided.energy_saving.lifetimes),
        "host_product": sorted({*avoided.compressors_motors.host_lifetimes}),
        "vehicle_type": list(avoided.automotive_batteries.vehicle_types),
    }


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
    # vacuum-insulation hosts have their own list: that table is read with its own references
    problems: list[Problem] = []
    specs = [s for s in TABLES if s is not VACUUM_INSULATION]
    tables = _read_family(specs, Path(folder), root, table_references(params), problems, params.inputs.encodings)
    tables.update(_read_family([VACUUM_INSULATION], Path(folder), root, table_references(params, VACUUM_INSULATION),
                               problems, params.inputs.encodings))
    temperature = read_table(temperature_file, OUTDOOR_TEMPERATURE, root=root, role="reference", problems=problems)
    history = read_table(history_file, AVOIDED_HISTORY, root=root, role="history", problems=problems)
    if temperature is not None:
        problems += hourly_series_problems(temperature)
    warnings = warnings_of(*tables.values(), temperature, history)
    raise_problems(problems, warnings)
    frames = {name: with_rows(table) for name, table in tables.items()}
    series = with_rows(temperature)
    series["timestamp"] = pd.to_datetime(series["timestamp"])
    return AvoidedInputs(
        fiscal_year=params.fiscal_year,
        tables=frames,
        temperature=series,
        history=with_rows(history),
        files=[*params.files, *(r for t in tables.values() for r in t.records), temperature.record,
               history_record(history_file, params.fiscal_year, root=root)],
        warnings=sorted(warnings),
    )


def load_inputs(params: Parameters, folder: Path, root: Path) -> AvoidedInputs:
    """:func:`load_avoided_inputs` with the project's temperature series and history, as the notebook reads them
    by default."""
    return load_avoided_inputs(params, folder, root / TEMPERATURE_FILE, root / AVOIDED_HISTORY_FILE, root=root)
