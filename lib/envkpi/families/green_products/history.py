"""The green-products family's history: each year's own figures (``data/history/green_products_history.csv``).

GP-04, GP-06 and GP-07 add up every year's shipments since their first year; GP-10 and GP-11 compare with a
base year; the charts show the shares over the years. When a year is published,
:func:`green_products_history_rows` takes the year's shipments from the input files the run read (their
SHA-256 is checked against the run's manifest) and its shares (GP-02, GP-05, GP-08) from its ``results.csv``
at full precision, so later runs add the year's own figures, never a cumulative one.
"""

from __future__ import annotations

import csv
from pathlib import Path

from envkpi.core.family import History, HistoryError, figure_text
from envkpi.core.parameters import Parameters
from envkpi.core.provenance import sha256_file
from envkpi.core.results import ResultRow
from envkpi.core.units import Quantity

from .tables import (
    AIR_QUALITY_PRODUCTS,
    AUTOMOTIVE_BATTERIES,
    B2B_GREEN_PRODUCTS,
    FUEL_CELL_SHIPMENTS,
    GREEN_PRODUCTS_HISTORY,
    GREEN_PRODUCTS_HISTORY_FILE,
    PV_SHIPMENTS,
)

__all__ = ["GREEN_PRODUCTS_HISTORY_FILE", "green_products_history_rows", "HISTORY"]

#: Share series of the history → the indicator whose headline it keeps.
SHARE_SERIES = {"gp_sales_share": "GP-02", "led_share": "GP-05", "zeh_share": "GP-08"}


def _rows_read(root: Path, inputs: list[dict], name: str) -> list[dict[str, str]]:
    """The rows of the file ``name`` the run read, after checking it is unchanged since."""
    [record] = [r for r in inputs if r.get("path", "").endswith("/" + name) or r.get("path") == name] or [None]
    if record is None:
        raise HistoryError(f"the run read no {name}")
    path = Path(record["path"]) if Path(record["path"]).is_absolute() else root / record["path"]
    if not path.is_file() or sha256_file(path) != record.get("sha256"):
        raise HistoryError(f"{record['path']}: not the file the run read (its SHA-256 differs from the manifest's); "
                           f"the history needs the figures that run used: restore the file, or rerun")
    with open(path, newline="", encoding="utf-8") as handle:
        return [{k.strip(): (v or "").strip() for k, v in r.items()} for r in csv.DictReader(handle)]


def green_products_history_rows(results: list[ResultRow], inputs: list[dict], root: Path, fiscal_year: int,
                                source: str) -> list[dict[str, str]]:
    """The rows of ``green_products_history.csv`` of a published run: the year's shipments and shares.

    Raises
    ------
    HistoryError
        When an input file is not the one the run read (it changed since), or a share is missing.
    """
    headlines = {r.indicator_id: r for r in results if r.breakdown == "" and r.indicator_id.startswith("GP-")}
    if "GP-04" not in headlines:
        return []
    year = str(fiscal_year)
    rows: list[dict[str, str]] = []

    def add(series: str, key: str, value: float | str, unit: str) -> None:
        text = figure_text(float(value)) if not isinstance(value, str) else value
        rows.append({"fiscal_year": year, "series": series, "key": key, "value": text, "unit": unit, "source": source})

    for r in _rows_read(root, inputs, FUEL_CELL_SHIPMENTS.file_name):
        add("fuel_cell_units", r["region"], r["units_shipped"], "count")
    for r in _rows_read(root, inputs, PV_SHIPMENTS.file_name):
        add("pv_capacity", r["region"], Quantity(float(r["capacity_shipped"]), r["unit"]).m_as("kW"), "kW")
    for r in _rows_read(root, inputs, AIR_QUALITY_PRODUCTS.file_name):
        add("air_quality_units", r["product"], r["units_shipped"], "count")
    for r in _rows_read(root, inputs, AUTOMOTIVE_BATTERIES.file_name):
        add("battery_vehicles", r["vehicle_type"], r["vehicles"], "count")
    for r in _rows_read(root, inputs, B2B_GREEN_PRODUCTS.file_name):
        add("b2b_shipment_value", r["category"], r["shipment_value"], "MJPY")
    for series, indicator_id in SHARE_SERIES.items():
        if indicator_id not in headlines:
            raise HistoryError(f"the run's results.csv has no headline of {indicator_id}")
        add(series, "total", figure_text(headlines[indicator_id].value), "percent")
    return rows


def _needed(parameters: Parameters, year: int) -> bool:
    """The cumulative series read every year from the earliest first year on (FY2010, fuel cells)."""
    method = parameters.green_products
    return year >= min(int(method.fuel_cells.first_fiscal_year.value), int(method.pv.first_fiscal_year.value),
                       int(method.air_quality.first_fiscal_year.value),
                       int(method.automotive_batteries.base_fiscal_year.value),
                       int(method.b2b.base_fiscal_year.value))


HISTORY = History(path=GREEN_PRODUCTS_HISTORY_FILE, spec=GREEN_PRODUCTS_HISTORY, keys=("series", "key", "fiscal_year"),
                  figures=("value",), what="green-product shipments and shares", rows=green_products_history_rows,
                  needed=_needed)
