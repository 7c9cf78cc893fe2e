"""Input table of product use (CO2-04): its specification and loader."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pandas as pd

from envkpi.core.columns import REGION, count_column, kwh_column
from envkpi.core.inputs import Column, Problem, TableSpec, read_table, with_rows
from envkpi.core.parameters import Parameters
from envkpi.core.provenance import FileRecord

__all__ = ["PRODUCT_USE", "TABLES", "ProductUseInputs", "load_product_use_inputs", "load_inputs"]

PRODUCT_USE = TableSpec("product_use", "Best-selling model of each category and region, and units sold (CO2-04).", (
    Column("category", "text", "product category key of the parameters (product_use.lifetimes)"),
    REGION,
    Column("model", "text", "the best-selling model of the category in the region"),
    kwh_column("model_kwh_per_year", "annual electricity consumption of that model"),
    count_column("units_sold", "units of the category sold in the region in the fiscal year"),
), unique=("category", "region"))

#: The tables of the family, in the order they are read.
TABLES = (PRODUCT_USE,)


class ProductUseInputs(NamedTuple):
    """Validated inputs of CO2-04: the rows of ``product_use.csv`` (with ``row``), the files read
    (parameters first) and the warnings."""

    products: pd.DataFrame
    files: list[FileRecord]
    warnings: list[Problem]


def table_references(params: Parameters, spec: TableSpec | None = None) -> dict[str, list[str]]:
    """The known keys of ``product_use.csv`` from the parameters: regions and categories."""
    return {"region": list(params.product_regions), "category": list(params.product_use.lifetimes)}


def load_product_use_inputs(params: Parameters, folder: str | Path, *, root: str | Path | None = None) -> ProductUseInputs:
    """Read and validate ``product_use.csv`` (CO2-04): known categories and regions, whole and plausible counts.

    Returns
    -------
    ProductUseInputs
        The validated rows (with ``row``), the files read (parameters first) and the warnings.
    """
    __tracebackhide__ = True
    references = table_references(params)
    table = read_table(Path(folder) / PRODUCT_USE.file_name, PRODUCT_USE, root=root, references=references,
                       encodings=params.inputs.encodings)
    return ProductUseInputs(with_rows(table), [*params.files, *table.records], sorted(table.warnings))


def load_inputs(params: Parameters, folder: Path, root: Path) -> ProductUseInputs:
    """:func:`load_product_use_inputs`, as the family's declaration calls it."""
    return load_product_use_inputs(params, folder, root=root)
