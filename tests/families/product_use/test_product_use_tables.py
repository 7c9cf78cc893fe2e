"""Tests for envkpi.families.product_use.tables: the product-use loader (CO2-04) on a copy of the sample data
(``data_copy``; the helpers that edit its rows: ``tests/families/conftest.py``). A bad input must name the file,
the row (file line, header = row 1) and the column."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from envkpi.core.inputs import InputError, Problem
from envkpi.families import load_parameters
from envkpi.families.product_use.tables import load_product_use_inputs
from envkpi.running.runner import preflight

YEAR_DIR = "data/FY2018"


def test_unknown_product_use_category_names_file_row_and_column(data_copy, edit_row):
    project = data_copy
    row = edit_row(project / "data" / "FY2018", "product_use.csv", {"category": "lcd_tv", "region": "japan"}, category="lcd_tvs")
    params = load_parameters(project / "parameters" / "FY2018.yaml", root=project)
    with pytest.raises(InputError) as caught:
        load_product_use_inputs(params, project / "data" / "FY2018", root=project)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("data/FY2018/product_use.csv", row, "category")
    assert "did you mean lcd_tv?" in problem.message


def test_a_trillion_units_sold_is_rejected(data_copy, edit_row):
    project = data_copy
    file = f"{YEAR_DIR}/product_use.csv"
    row = edit_row(project, file, {"category": "room_air_conditioner", "region": "japan"}, units_sold="1e12")
    params = load_parameters(project / "parameters" / "FY2018.yaml", root=project)
    with pytest.raises(InputError) as caught:
        load_product_use_inputs(params, project / YEAR_DIR, root=project)
    assert caught.value.problems == [Problem(file, row, "units_sold", "got '1e12'; expected at most 1,000,000,000 "
                                             "[count] (one row's units in a year)")]


def test_product_use_inputs_carry_their_warnings(data_copy, edit_row):
    project = data_copy
    file = f"{YEAR_DIR}/product_use.csv"
    row = edit_row(project, file, {"category": "lcd_tv", "region": "japan"}, model_kwh_per_year="115000")
    params = load_parameters(project / "parameters" / "FY2018.yaml", root=project)
    products, files, warnings, _ = load_product_use_inputs(params, project / YEAR_DIR, root=project)
    assert warnings == [Problem(file, row, "model_kwh_per_year", "'115000' is above the typical maximum of 100,000 "
                                "[kWh/year] (one product or house in a year); check the value and its unit")]
    assert len(products) > 0 and files[-1].path == file


def _as_ledger(project) -> list[dict[str, str]]:
    """Replace product_use.csv by a ledger whose totals give it back: each row's units split into two shipments
    of its best-selling model and, a tenth, one of another model (which sells fewer)."""
    folder = project / YEAR_DIR
    with open(folder / "product_use.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    ledger = []
    for number, row in enumerate(rows):
        units = int(row["units_sold"])
        other = units // 10
        first = (units - other) // 2
        for part, (model, kwh, count) in enumerate([(row["model"], row["model_kwh_per_year"], first),
                                                    ("OTHER-" + row["model"], "1", other),
                                                    (row["model"], row["model_kwh_per_year"], units - other - first)]):
            ledger.append({"shipment_id": f"S{number}-{part}", "category": row["category"], "region": row["region"],
                           "model": model, "model_kwh_per_year": kwh, "units": str(count)})
    with open(folder / "product_shipments.csv", "w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(ledger[0]))
        writer.writeheader()
        writer.writerows(ledger)
    return rows


def test_a_shipment_ledger_in_place_of_product_use_gives_the_same_rows(data_copy):
    project = data_copy
    params = load_parameters(project / "parameters" / "FY2018.yaml", root=project)
    expected = load_product_use_inputs(params, project / YEAR_DIR, root=project).products
    _as_ledger(project)
    (project / YEAR_DIR / "product_use.csv").unlink()
    derived = load_product_use_inputs(params, project / YEAR_DIR, root=project)
    columns = ["category", "region", "model", "model_kwh_per_year", "units_sold"]
    pd.testing.assert_frame_equal(derived.products[columns], expected[columns])
    assert derived.shipment_rows == 3 * len(expected)
    assert derived.files[-1].path == f"{YEAR_DIR}/product_shipments.csv"
    # the run's preflight takes the ledger for product_use.csv, and names both when neither is there
    assert preflight(project, params, project / "parameters" / "FY2018.yaml", project / YEAR_DIR, ["product_use"],
                     warn=lambda line: None) == []
    (project / YEAR_DIR / "product_shipments.csv").unlink()
    assert preflight(project, params, project / "parameters" / "FY2018.yaml", project / YEAR_DIR, ["product_use"]) == [
        f"{YEAR_DIR}/product_use.csv: missing (product_use reads it); expected product_use.csv, product_use.parquet or "
        f"product_use.xlsx, or a sheet 'product_use' in a workbook (*.xlsx) of {YEAR_DIR}; or product_shipments.csv "
        "(or .parquet, .xlsx) in its place"]


def test_a_ledger_and_product_use_together_are_refused(data_copy):
    project = data_copy
    _as_ledger(project)
    params = load_parameters(project / "parameters" / "FY2018.yaml", root=project)
    with pytest.raises(InputError) as caught:
        load_product_use_inputs(params, project / YEAR_DIR, root=project)
    assert caught.value.problems == [Problem(f"{YEAR_DIR}/product_shipments.csv", None, None,
                                             "product_use.csv is given too; expected one of product_use.csv (totals by "
                                             "category and region) or product_shipments.csv (shipments): delete or "
                                             "rename one of them")]


def test_a_model_with_two_consumptions_in_a_region_names_the_row(data_copy, edit_row):
    project = data_copy
    rows = _as_ledger(project)
    (project / YEAR_DIR / "product_use.csv").unlink()
    first = rows[0]
    file = f"{YEAR_DIR}/product_shipments.csv"
    row = edit_row(project, file, {"shipment_id": "S0-2"}, model_kwh_per_year="999")
    params = load_parameters(project / "parameters" / "FY2018.yaml", root=project)
    with pytest.raises(InputError) as caught:
        load_product_use_inputs(params, project / YEAR_DIR, root=project)
    assert caught.value.problems == [Problem(file, row, "model_kwh_per_year",
                                             f"999 for model {first['model']} in {first['region']}; row 2 gives "
                                             f"{float(first['model_kwh_per_year']):g}: expected one consumption per "
                                             "model and region")]
