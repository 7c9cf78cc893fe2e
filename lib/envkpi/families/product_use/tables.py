"""Input tables of product use (CO2-04): their specifications and loader.

The year's folder gives either ``product_use.csv`` (one row per category and region: the best-selling
model, its consumption and the units of the category sold) or, in its place, ``product_shipments.csv``
(one row per shipment), from which that table is derived by
:func:`envkpi.families.product_use.calculations.best_selling_models`.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pandas as pd

from envkpi.core.columns import REGION, count_column, kwh_column
from envkpi.core.inputs import Column, Problem, Table, TableSpec, raise_problems, read_table, table_file, with_rows
from envkpi.core.parameters import Parameters
from envkpi.core.provenance import FileRecord

from .calculations import best_selling_models

__all__ = ["PRODUCT_USE", "PRODUCT_SHIPMENTS", "TABLES", "ALTERNATIVES", "ProductUseInputs", "load_product_use_inputs",
           "load_inputs"]

PRODUCT_USE = TableSpec("product_use", "Best-selling model of each category and region, and units sold (CO2-04).", (
    Column("category", "text", "product category key of the parameters (product_use.lifetimes)"),
    REGION,
    Column("model", "text", "the best-selling model of the category in the region"),
    kwh_column("model_kwh_per_year", "annual electricity consumption of that model"),
    count_column("units_sold", "units of the category sold in the region in the fiscal year"),
), unique=("category", "region"))

PRODUCT_SHIPMENTS = TableSpec(
    "product_shipments", "Shipments of the products of CO2-04, one row per shipment (or per model and period): "
    "given in place of product_use.csv, which is derived from it (units summed by category and region; the "
    "best-selling model is the one with the most units).", (
        Column("shipment_id", "text", "identifier of the shipment (or of the ledger line) in the sales system"),
        Column("category", "text", "product category key of the parameters (product_use.lifetimes)"),
        REGION,
        Column("model", "text", "the model shipped"),
        kwh_column("model_kwh_per_year", "annual electricity consumption of the model (the same on every row of "
                   "the model in the region)"),
        count_column("units", "units shipped"),
    ), unique=("shipment_id",), instead_of="product_use")

#: The tables of the family, in the order they are read.
TABLES = (PRODUCT_USE,)

#: The tables that may be given in place of one of :data:`TABLES`.
ALTERNATIVES = (PRODUCT_SHIPMENTS,)


class ProductUseInputs(NamedTuple):
    """Validated inputs of CO2-04: the rows of ``product_use.csv`` (with ``row``) or those derived from
    ``product_shipments.csv`` (with the best-selling model's own units, ``model_units``), the files read
    (parameters first), the warnings, and the number of shipment rows (None without a ledger)."""

    products: pd.DataFrame
    files: list[FileRecord]
    warnings: list[Problem]
    shipment_rows: int | None = None


def table_references(params: Parameters, spec: TableSpec | None = None) -> dict[str, list[str]]:
    """The known keys of ``product_use.csv`` (and of ``product_shipments.csv``) from the parameters: regions and
    categories."""
    return {"region": list(params.product_regions), "category": list(params.product_use.lifetimes)}


def load_product_use_inputs(params: Parameters, folder: str | Path, *, root: str | Path | None = None) -> ProductUseInputs:
    """Read and validate ``product_use.csv`` (CO2-04), or derive it from ``product_shipments.csv``: known
    categories and regions, whole and plausible counts; in a ledger, one consumption per model and region.

    Returns
    -------
    ProductUseInputs
        The rows (with ``row``), the files read (parameters first), the warnings and, from a ledger, its
        number of rows.

    Raises
    ------
    InputError
        With every problem; also when both tables are given.
    """
    __tracebackhide__ = True
    references = table_references(params)
    folder = Path(folder)
    ledger = table_file(folder / PRODUCT_SHIPMENTS.file_name)
    if not ledger.exists():
        table = read_table(folder / PRODUCT_USE.file_name, PRODUCT_USE, root=root, references=references,
                           encodings=params.inputs.encodings)
        return ProductUseInputs(with_rows(table), [*params.files, *table.records], sorted(table.warnings))
    problems: list[Problem] = []
    shipments = read_table(ledger, PRODUCT_SHIPMENTS, root=root, references=references, problems=problems,
                           encodings=params.inputs.encodings)
    totals = table_file(folder / PRODUCT_USE.file_name)
    if totals.exists():
        problems.append(Problem(shipments.display if shipments else str(ledger), None, None,
                                f"{totals.name} is given too; expected one of {totals.name} (totals by category and "
                                f"region) or {ledger.name} (shipments): delete or rename one of them"))
    if shipments is not None and shipments.clean:
        problems += ledger_problems(shipments)
    raise_problems(problems, shipments.warnings if shipments is not None else ())
    rows = with_rows(shipments)
    return ProductUseInputs(best_selling_models(rows), [*params.files, *shipments.records], sorted(shipments.warnings),
                            len(rows))


def ledger_problems(shipments: Table) -> list[Problem]:
    """A model whose consumption differs between its rows in a region: one problem per row that differs from
    the model's first row there (the consumption of a model is a property of the model, not of a shipment)."""
    rows = with_rows(shipments)
    keys = ["category", "region", "model"]
    first = rows.groupby(keys, sort=False)[["row", "model_kwh_per_year"]].transform("first")
    differing = rows.index[rows["model_kwh_per_year"].to_numpy() != first["model_kwh_per_year"].to_numpy()]
    return [shipments.problem(int(i), "model_kwh_per_year",
                              f"{rows.at[i, 'model_kwh_per_year']:g} for model {rows.at[i, 'model']} in "
                              f"{rows.at[i, 'region']}; row {int(first.at[i, 'row'])} gives "
                              f"{first.at[i, 'model_kwh_per_year']:g}: expected one consumption per model and region")
            for i in differing]


def load_inputs(params: Parameters, folder: Path, root: Path) -> ProductUseInputs:
    """:func:`load_product_use_inputs`, as the family's declaration calls it."""
    return load_product_use_inputs(params, folder, root=root)
