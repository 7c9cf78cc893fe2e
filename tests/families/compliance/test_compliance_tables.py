"""The compliance family's loader against bad inputs: every problem named with file, row and column; a
header-only register is a valid table (zero incidents) that the preflight does not refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from envkpi.core.inputs import InputError, Problem
from envkpi.families import load_parameters
from envkpi.families.compliance.tables import COMPLIANCE_INCIDENTS, load_compliance_inputs

INCIDENTS = "data/FY2017/compliance_incidents.csv"


def load(root: Path, year: int = 2017):
    params = load_parameters(root / "parameters" / f"FY{year}.yaml", root=root)
    return load_compliance_inputs(params, root / "data" / f"FY{year}", root=root)


def load_error(root: Path, year: int = 2017) -> InputError:
    with pytest.raises(InputError) as caught:
        load(root, year)
    return caught.value


def problem_at(error: InputError, file: str, row: int | None, column: str | None) -> Problem:
    found = [p for p in error.problems if (p.file, p.row, p.column) == (file, row, column)]
    assert len(found) == 1, f"expected one problem at {file}, row {row}, column {column!r}; got:\n{error}"
    assert str(found[0]) in str(error)
    return found[0]


def test_the_register_may_be_empty_and_fy2018_is():
    assert COMPLIANCE_INCIDENTS.may_be_empty


def test_a_header_only_register_loads_with_no_incident(root):
    inputs = load(root, 2018)
    assert len(inputs.incidents) == 0 and inputs.warnings == []


def test_an_incident_dated_outside_the_fiscal_year(data_copy, edit_row):
    row = edit_row(data_copy, INCIDENTS, {"incident_id": "2017-01"}, date="2018-04-02")
    problem = problem_at(load_error(data_copy), INCIDENTS, row, "date")
    assert "got 2018-04-02; expected a date inside the fiscal year, 2017-04-01 to 2018-03-31" in problem.message


def test_a_date_that_is_not_a_date(data_copy, edit_row):
    row = edit_row(data_copy, INCIDENTS, {"incident_id": "2017-01"}, date="22/08/2017")
    assert "expected a date YYYY-MM-DD" in problem_at(load_error(data_copy), INCIDENTS, row, "date").message


def test_an_unknown_site_gets_a_hint(data_copy, edit_row):
    row = edit_row(data_copy, INCIDENTS, {"incident_id": "2017-01"}, site_id="CN-2")
    problem = problem_at(load_error(data_copy), INCIDENTS, row, "site_id")
    assert "got 'CN-2'; expected a known site_id of sites.csv" in problem.message


def test_neither_site_nor_product(data_copy, edit_row):
    row = edit_row(data_copy, INCIDENTS, {"incident_id": "2017-02"}, product="")
    assert "missing value" in problem_at(load_error(data_copy), INCIDENTS, row, "site_id").message


def test_a_site_not_in_the_group_this_year(data_copy, edit_row, append_rows):
    edit_row(data_copy, "data/FY2018/sites.csv", {"site_id": "JP-04"}, last_fiscal_year="2017")  # closed after FY2017
    file = "data/FY2018/compliance_incidents.csv"
    (row,) = append_rows(data_copy, file, "2018-01,2018-05-10,JP-04,,law,what,fixed")
    assert "JP-04 closed after FY2017" in problem_at(load_error(data_copy, 2018), file, row, "site_id").message


def test_a_site_the_register_of_the_year_lacks(data_copy, edit_row):
    row = edit_row(data_copy, INCIDENTS, {"incident_id": "2017-01"}, site_id="IN-01")  # not in FY2017's sites.csv
    assert "expected a known site_id of sites.csv" in problem_at(load_error(data_copy), INCIDENTS, row, "site_id").message


def test_every_problem_at_once(data_copy, edit_row):
    first = edit_row(data_copy, INCIDENTS, {"incident_id": "2017-01"}, date="2016-12-31", law="")
    second = edit_row(data_copy, INCIDENTS, {"incident_id": "2017-02"}, site_id="XX-99")
    error = load_error(data_copy)
    problem_at(error, INCIDENTS, first, "date")
    problem_at(error, INCIDENTS, first, "law")
    problem_at(error, INCIDENTS, second, "site_id")


def test_a_site_outside_the_boundary_is_set_aside(data_copy, edit_row):
    edit_row(data_copy, INCIDENTS, {"incident_id": "2017-01"}, site_id="US-02")  # excluded entity
    inputs = load(data_copy)
    assert inputs.incidents["incident_id"].tolist() == ["2017-02"]
    assert inputs.excluded_rows["rows_outside_boundary"].tolist() == [1]
