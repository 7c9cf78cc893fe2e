"""Results and checks: conversion to the catalogue unit, collection from notebook outputs, files."""

import json

import nbformat
import pint
import pytest

from envkpi.core.results import (CHECK_MIME, RESULT_MIME, ResultRow, collect, duplicate_headlines, make_result,
    read_results, results_csv, results_json)
from envkpi.core.units import Quantity


def test_make_result_converts_to_the_catalogue_unit():
    # 2,500 kg CO2 = 2.5 t CO2 (PRD-01 is reported in t CO2)
    result = make_result("PRD-01", Quantity(2500, "kg CO2"), 2018)
    assert (result.value, result.unit, result.breakdown) == (2.5, "t CO2", "")
    # 1,500 kWh = 1.5 MWh (PRD-04)
    assert make_result("PRD-04", Quantity(1500, "kWh"), 2018, "source=solar").value == 1.5


def test_make_result_rejects_a_wrong_dimension_a_bare_number_and_an_unknown_id():
    with pytest.raises(pint.DimensionalityError):
        make_result("PRD-01", Quantity(5, "kWh"), 2018)
    with pytest.raises(TypeError, match="PRD-01"):
        make_result("PRD-01", 5.0, 2018)
    with pytest.raises(KeyError, match="XYZ-01"):
        make_result("XYZ-01", Quantity(1, "t CO2"), 2018)


def notebook_with_outputs():
    cell = nbformat.v4.new_code_cell("")
    cell.id = "scope-1"
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={
            "text/plain": "PRD-06 ...",
            RESULT_MIME: {"results": [{"indicator_id": "PRD-06", "fiscal_year": 2018, "breakdown": "",
                                       "value": 1.0 / 3.0, "unit": "t CO2e"}]}}),
        nbformat.v4.new_output("display_data", data={
            "text/plain": "checks",
            CHECK_MIME: {"checks": [{"name": "a", "passed": True, "detail": "x"}]}}),
    ]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# t"), cell])


def test_collect_finds_results_and_checks_with_their_cell_id():
    rows, checks = collect(notebook_with_outputs(), "production")
    assert rows == [ResultRow("PRD-06", 2018, "", 1.0 / 3.0, "t CO2e", "production", "scope-1")]
    assert checks[0][0] == "scope-1" and checks[0][1].passed


def test_results_files_keep_full_precision_and_round_trip(tmp_path):
    rows, _ = collect(notebook_with_outputs(), "production")
    text = results_csv(rows)
    assert text.splitlines()[1] == "PRD-06,2018,,0.3333333333333333,t CO2e,production,scope-1"
    (tmp_path / "results.csv").write_text(text, encoding="utf-8")
    assert read_results(tmp_path / "results.csv") == rows
    assert json.loads(results_json(rows))[0]["value"] == 1.0 / 3.0
    assert results_csv(rows) == text  # deterministic


def test_duplicate_headlines_are_found():
    row = ResultRow("PRD-06", 2018, "", 1.0, "t CO2e", "production", "a")
    assert duplicate_headlines([row, row]) == ["PRD-06 FY2018 (headline)"]
    assert duplicate_headlines([row, ResultRow("PRD-06", 2018, "site=JP-01", 1.0, "t CO2e", "production", "a")]) == []
