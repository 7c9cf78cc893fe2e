"""Tests for envkpi.families.product_use.tables: the product-use loader (CO2-04) on a copy of the sample data
(``data_copy``; the helpers that edit its rows: ``tests/families/conftest.py``). A bad input must name the file,
the row (file line, header = row 1) and the column."""

from __future__ import annotations

import pytest

from envkpi.core.inputs import InputError, Problem
from envkpi.families import load_parameters
from envkpi.families.product_use.tables import load_product_use_inputs

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
    products, files, warnings = load_product_use_inputs(params, project / YEAR_DIR, root=project)
    assert warnings == [Problem(file, row, "model_kwh_per_year", "'115000' is above the typical maximum of 100,000 "
                                "[kWh/year] (one product or house in a year); check the value and its unit")]
    assert len(products) > 0 and files[-1].path == file
