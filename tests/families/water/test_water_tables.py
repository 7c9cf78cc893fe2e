"""Tests for envkpi.families.water.tables: the water family's loader on a copy of the sample data.

Each test breaks one thing in a copy of ``data/`` and ``parameters/`` (``data_copy``, never the
repository) and runs the real loader with the copy as root, so that messages name files as
``data/FY2018/water_use.csv``. Each bad input must give one :class:`InputError` naming the file, the row
(file line, header = row 1), the column and what was expected, with every problem at once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from envkpi.core.inputs import InputError, Problem
from envkpi.families import load_parameters
from envkpi.families.water.tables import WaterInputs, load_water_inputs

WATER = "data/FY2018/water_use.csv"
RISK = "data/FY2018/water_risk_assessment.csv"
SITES = "data/FY2018/sites.csv"


def load(root: Path, year: int = 2018) -> WaterInputs:
    params = load_parameters(root / "parameters" / f"FY{year}.yaml", root=root)
    return load_water_inputs(params, root / "data" / f"FY{year}", root=root)


def load_error(root: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load(root)
    return caught.value


def problem_at(error: InputError, file: str, row: int | None, column: str | None) -> Problem:
    """The one problem at ``file``, ``row``, ``column``, printed in the message."""
    found = [p for p in error.problems if (p.file, p.row, p.column) == (file, row, column)]
    assert len(found) == 1, f"expected one problem at {file}, row {row}, column {column!r}; got:\n{error}"
    assert str(found[0]) in str(error)
    return found[0]


def test_the_samples_load_inside_the_boundary(root):
    for year, sites in ((2018, 12), (2017, 11)):
        inputs = load(root, year)
        assert len(inputs.sites_in_boundary) == sites
        assert inputs.warnings == []
        assert set(inputs.water_use["site_id"]) == set(inputs.sites_in_boundary)
        set_aside = inputs.excluded_rows.set_index("table")["sites"].to_dict()
        assert set_aside == {"water_use.csv": "ES-01, JP-06, MX-01, US-02",
                             "water_risk_assessment.csv": "ES-01, JP-06, MX-01, US-02"}


def test_a_negative_volume(data_copy, edit_row):
    row = edit_row(data_copy, WATER, {"site_id": "JP-02", "source": "tap"}, quantity="-38150")
    problem = problem_at(load_error(data_copy), WATER, row, "quantity")
    assert "got '-38150'; expected a value ≥ 0" in problem.message


def test_an_unknown_source(data_copy, edit_row):
    row = edit_row(data_copy, WATER, {"site_id": "CN-02", "source": "lake"}, source="rain")
    problem = problem_at(load_error(data_copy), WATER, row, "source")
    assert "got 'rain'; expected a known source (groundwater, industrial, lake, river, tap)" in problem.message


def test_a_misspelt_source_gets_a_hint(data_copy, edit_row):
    row = edit_row(data_copy, WATER, {"site_id": "DE-01", "source": "river"}, source="rivers")
    assert "did you mean river?" in problem_at(load_error(data_copy), WATER, row, "source").message


def test_a_volume_in_litres_where_m3_is_expected(data_copy, edit_row):
    row = edit_row(data_copy, WATER, {"site_id": "MY-01", "source": "tap"}, quantity="185700000", unit="L")
    problem = problem_at(load_error(data_copy), WATER, row, "unit")
    assert problem.message == "got 'L'; expected one of m3, thousand m3"


def test_units_are_spelt_exactly(data_copy, edit_row):
    row = edit_row(data_copy, WATER, {"site_id": "US-01", "source": "tap"}, unit="M3")
    assert "did you mean m3?" in problem_at(load_error(data_copy), WATER, row, "unit").message


def test_a_volume_is_judged_after_its_unit_is_applied(data_copy, edit_row):
    # 185,700 m³ typed with the unit thousand m3: 185,700 × 1,000 = 185,700,000 m³ > 100,000,000 m³.
    row = edit_row(data_copy, WATER, {"site_id": "MY-01", "source": "tap"}, unit="thousand m3")
    problem = problem_at(load_error(data_copy), WATER, row, "quantity")
    assert problem.message.startswith("got '185700' thousand m3 (= 185,700,000 m³); expected at most 100,000,000 m³")


def test_a_volume_above_the_typical_range_is_a_warning(data_copy, edit_row):
    # 12,000 thousand m³ = 12,000,000 m³: above the typical 10,000,000 m³, below the error limit.
    row = edit_row(data_copy, WATER, {"site_id": "JP-05", "source": "groundwater"}, quantity="12000")
    inputs = load(data_copy)
    assert [(w.file, w.row, w.column) for w in inputs.warnings] == [(WATER, row, "quantity")]


def test_a_stage_2_site_that_did_not_pass_stage_1(data_copy, edit_row):
    row = edit_row(data_copy, RISK, {"site_id": "MY-01"}, stage1_completed="false")
    problem = problem_at(load_error(data_copy), RISK, row, "stage2_completed")
    assert "got true while stage1_completed is false; expected stage 2 only after stage 1" in problem.message


def test_a_status_that_is_not_true_or_false(data_copy, edit_row):
    row = edit_row(data_copy, RISK, {"site_id": "US-01"}, stage2_completed="planned")
    assert problem_at(load_error(data_copy), RISK, row, "stage2_completed").message == "got 'planned'; expected true or false"


def test_a_site_inside_the_boundary_without_its_rows(data_copy, delete_row):
    delete_row(data_copy, RISK, {"site_id": "IN-01"})
    delete_row(data_copy, WATER, {"site_id": "IN-01", "source": "groundwater"})
    error = load_error(data_copy)
    assert "no water-risk assessment row for site IN-01" in problem_at(error, RISK, None, None).message
    assert "no water row for site IN-01" in problem_at(error, WATER, None, None).message


def test_a_row_of_a_site_not_in_the_group_this_year_and_an_unknown_site(data_copy, append_rows):
    closed, unknown = append_rows(data_copy, WATER, "IN-01,river,10,m3", "JP-99,tap,10,m3")
    error = load_error(data_copy)
    assert "got 'JP-99'; expected a known site_id" in problem_at(error, WATER, unknown, "site_id").message
    # IN-01 already has a groundwater row; a river row is new and allowed: only JP-99 is wrong.
    assert [p.row for p in error.problems] == [unknown]


def test_the_same_source_twice_for_a_site(data_copy, append_rows):
    (row,) = append_rows(data_copy, WATER, "JP-02,tap,100,m3")
    problem = problem_at(load_error(data_copy), WATER, row, None)
    assert "duplicate row for site_id=JP-02, source=tap" in problem.message


def test_every_problem_at_once(data_copy, edit_row):
    negative = edit_row(data_copy, WATER, {"site_id": "JP-02", "source": "tap"}, quantity="-1")
    source = edit_row(data_copy, WATER, {"site_id": "CN-02", "source": "lake"}, source="well")
    litres = edit_row(data_copy, WATER, {"site_id": "MY-01", "source": "tap"}, unit="L")
    stage = edit_row(data_copy, RISK, {"site_id": "MY-01"}, stage1_completed="false")
    error = load_error(data_copy)
    assert [(p.file, p.row, p.column) for p in error.problems] == [  # sorted by file, then row
        (RISK, stage, "stage2_completed"), (WATER, negative, "quantity"), (WATER, source, "source"), (WATER, litres, "unit")]
    assert str(error).startswith("4 problems in the input data")
