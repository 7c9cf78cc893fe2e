"""Tests for envkpi.families.resources.tables: the loader on a copy of the sample data.

Each test breaks one thing in a copy (``data_copy``, tests/families/conftest.py) and runs the real loader with
the copy as root, so that messages name files as ``data/FY2018/factory_waste.csv``: the problem names the file,
the row (file line, header = row 1), the column and what was expected.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from envkpi.core.inputs import InputError, Problem
from envkpi.families import load_parameters
from envkpi.families.resources.tables import ResourcesInputs, load_resources_inputs

WASTE = "data/FY2018/factory_waste.csv"
INPUT = "data/FY2018/resource_input.csv"
RESIN = "data/FY2018/recycled_resin.csv"
APPLIANCES = "data/FY2018/appliance_recycling.csv"
WEEE = "data/FY2018/weee_collection.csv"
US = "data/FY2018/us_ewaste_collection.csv"


def load(root: Path, year: int = 2018) -> ResourcesInputs:
    params = load_parameters(root / "parameters" / f"FY{year}.yaml", root=root)
    return load_resources_inputs(params, root / "data" / f"FY{year}", root=root)


def load_error(root: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load(root)
    return caught.value


def problem_at(error: InputError, file: str, row: int | None, column: str | None) -> Problem:
    hits = [p for p in error.problems if (p.file, p.row, p.column) == (file, row, column)]
    assert hits, f"no problem at {file}, row {row}, column {column!r}; got:\n{error}"
    assert str(hits[0]) in str(error)
    return hits[0]


@pytest.mark.parametrize("year", [2017, 2018])
def test_the_sample_years_load_without_problems_or_warnings(root, year):
    inputs = load(root, year)
    assert inputs.warnings == []
    assert set(inputs.factory_waste["site_id"]) <= set(inputs.sites_in_boundary)
    assert "IN-01" in inputs.methods if year == 2018 else "IN-01" not in inputs.methods
    assert inputs.methods["CN-02"] == "products_auxiliary_waste"


def test_rows_of_sites_outside_the_boundary_are_set_aside(root):
    inputs = load(root)
    assert {"JP-06", "US-02"}.isdisjoint(inputs.factory_waste["site_id"])
    waste = inputs.excluded_rows.set_index("table").loc["factory_waste.csv"]
    assert waste["sites"] == "JP-06, US-02" and waste["rows_outside_boundary"] == 6


def test_negative_waste_is_named_with_file_row_and_column(data_copy, edit_row):
    row = edit_row(data_copy, WASTE, {"site_id": "JP-02", "stream": "industrial_waste"}, landfilled="-99.2")
    problem = problem_at(load_error(data_copy), WASTE, row, "landfilled")
    assert "-99.2" in problem.message and "≥ 0" in problem.message


def test_routes_that_do_not_add_up_to_what_was_generated(data_copy, edit_row):
    row = edit_row(data_copy, WASTE, {"site_id": "JP-03", "stream": "general_waste"}, generated="999")
    problem = problem_at(load_error(data_copy), WASTE, row, "generated")
    assert "recycled + thermal_recovery + incinerated + landfilled" in problem.message


def test_residue_above_what_was_burnt(data_copy, edit_row):
    row = edit_row(data_copy, WASTE, {"site_id": "JP-01", "stream": "valuables"}, incineration_residue="500")
    assert "at most what was burnt" in problem_at(load_error(data_copy), WASTE, row, "incineration_residue").message


def test_every_problem_at_once(data_copy, edit_row):
    first = edit_row(data_copy, WASTE, {"site_id": "JP-02", "stream": "industrial_waste"}, landfilled="-1")
    second = edit_row(data_copy, RESIN, {"site_id": "JP-01", "resin": "PP"}, added_virgin_mass="9000")
    third = edit_row(data_copy, WEEE, {"country": "FR"}, group_share="abc")
    fourth = edit_row(data_copy, US, {"state": "NY"}, kind="state law")
    error = load_error(data_copy)
    problem_at(error, WASTE, first, "landfilled")
    assert "compound_mass" in problem_at(error, RESIN, second, "added_virgin_mass").message
    problem_at(error, WEEE, third, "group_share")
    problem_at(error, US, fourth, "kind")


def test_a_recycled_weight_above_the_weight_processed(data_copy, edit_row):
    row = edit_row(data_copy, APPLIANCES, {"category": "crt_tv"}, recycled="7000")
    assert "processed" in problem_at(load_error(data_copy), APPLIANCES, row, "recycled").message


def test_an_unknown_appliance_category_and_a_missing_one(data_copy, edit_row, delete_row):
    row = edit_row(data_copy, APPLIANCES, {"category": "crt_tv"}, category="plasma_tv")
    problem = problem_at(load_error(data_copy), APPLIANCES, row, "category")
    assert "flat_panel_tv" in problem.message
    delete_row(data_copy, APPLIANCES, {"category": "plasma_tv"})
    problem = problem_at(load_error(data_copy), APPLIANCES, None, None)
    assert "crt_tv" in problem.message


def test_a_share_above_100_percent_and_a_unit_not_listed(data_copy, edit_row):
    share = edit_row(data_copy, WEEE, {"country": "NL"}, group_share="310")
    unit = edit_row(data_copy, WASTE, {"site_id": "TH-01", "stream": "valuables"}, unit="lb")
    error = load_error(data_copy)
    assert "100" in problem_at(error, WEEE, share, "group_share").message
    assert "t, kg" in problem_at(error, WASTE, unit, "unit").message


def test_a_state_law_programme_names_its_state(data_copy, edit_row):
    row = edit_row(data_copy, US, {"state": "PA"}, state="")
    assert "two-letter" in problem_at(load_error(data_copy), US, row, "state").message


def test_a_site_inside_the_boundary_without_its_rows(data_copy, delete_row):
    for stream in ("industrial_waste", "general_waste", "valuables"):
        delete_row(data_copy, WASTE, {"site_id": "MY-01", "stream": stream})
    delete_row(data_copy, INPUT, {"site_id": "DE-01", "item": "materials"})
    error = load_error(data_copy)
    assert "MY-01" in problem_at(error, WASTE, None, None).message
    message = problem_at(error, INPUT, None, None).message
    assert "DE-01" in message and "materials" in message


def test_a_site_not_in_the_years_register_has_no_rows(data_copy, append_rows):
    """IN-01 joined in FY2018: the FY2017 register does not list it, so a FY2017 row of it is refused."""
    (row,) = append_rows(data_copy, "data/FY2017/factory_waste.csv", "IN-01,general_waste,10,10,0,0,0,0,t")
    params = load_parameters(data_copy / "parameters" / "FY2017.yaml", root=data_copy)
    with pytest.raises(InputError) as caught:
        load_resources_inputs(params, data_copy / "data" / "FY2017", root=data_copy)
    message = problem_at(caught.value, "data/FY2017/factory_waste.csv", row, "site_id").message
    assert "'IN-01'" in message and "known site_id" in message
