"""Tests for envkpi.families.stakeholders.tables: the loader on a copy of the sample data.

Each test breaks one thing in a copy of ``data/`` and ``parameters/`` (``data_copy``) and runs the real loader
with the copy as root. Each bad input must give one :class:`InputError` naming the file, the row (file line,
header = row 1), the column and what was expected, with every problem at once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from envkpi.core.inputs import InputError, Problem
from envkpi.families import load_parameters
from envkpi.families.stakeholders import calculations as stk
from envkpi.families.stakeholders.tables import StakeholdersInputs, load_inputs

YEAR = "data/FY2018/environmental_education.csv"
HISTORY = "data/history/stakeholders_history.csv"


def load(root: Path, year: int = 2018) -> StakeholdersInputs:
    params = load_parameters(root / "parameters" / f"FY{year}.yaml", root=root)
    return load_inputs(params, root / "data" / f"FY{year}", root)


def load_error(root: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load(root)
    return caught.value


def problem_at(error: InputError, file: str, row: int | None, column: str | None) -> Problem:
    found = [p for p in error.problems if (p.file, p.row, p.column) == (file, row, column)]
    assert len(found) == 1, f"expected one problem at {file}, row {row}, column {column!r}; got:\n{error}"
    assert str(found[0]) in str(error)
    return found[0]


def test_the_samples_load(root):
    for year, rows in ((2018, 4 * 9), (2017, 4 * 8)):
        inputs = load(root, year)
        assert inputs.warnings == []
        assert len(inputs.history) == rows  # FY2009 … FY<year − 1>, four programmes each
        assert inputs.history["fiscal_year"].max() == year - 1


def test_a_negative_participants(data_copy, edit_row):
    row = edit_row(data_copy, YEAR, {"programme": "school_lessons"}, participants="-33500")
    problem = problem_at(load_error(data_copy), YEAR, row, "participants")
    assert "-33500" in problem.message and "≥ 0" in problem.message


def test_an_unknown_programme(data_copy, edit_row):
    row = edit_row(data_copy, YEAR, {"programme": "other"}, programme="museum_visits")
    error = load_error(data_copy)
    problem = problem_at(error, YEAR, row, "programme")
    assert "museum_visits" in problem.message
    # the row renamed leaves "other" without a row: named as well, at once
    assert "other" in problem_at(error, YEAR, None, "programme").message


def test_a_missing_year_in_the_history(data_copy, delete_row):
    for programme in ("school_lessons", "showroom_factory_tours", "eco_picture_diary", "other"):
        delete_row(data_copy, HISTORY, {"fiscal_year": "2012", "programme": programme})
    problem = problem_at(load_error(data_copy), HISTORY, None, "fiscal_year")
    assert "FY2012" in problem.message


def test_several_problems_at_once(data_copy, edit_row):
    bad = edit_row(data_copy, YEAR, {"programme": "eco_picture_diary"}, participants="51600.5")
    neg = edit_row(data_copy, HISTORY, {"fiscal_year": "2014", "programme": "other"}, participants="-1")
    error = load_error(data_copy)
    problem_at(error, YEAR, bad, "participants")
    problem_at(error, HISTORY, neg, "participants")


def test_a_restated_history_row_flows_into_the_cumulative(root, data_copy, edit_row):
    before = load(root)
    yearly = stk.yearly_figures(before.history, before.education, 2018)
    # FY2012 school lessons restated from 21,700 to 22,700 (+1,000)
    edit_row(data_copy, HISTORY, {"fiscal_year": "2012", "programme": "school_lessons"}, participants="22700")
    after = load(data_copy)
    restated = stk.yearly_figures(after.history, after.education, 2018)
    assert stk.cumulative_total(restated).m_as("count") == pytest.approx(stk.cumulative_total(yearly).m_as("count") + 1_000)
    # every cumulative value from FY2012 on moves by 1,000, the earlier ones do not
    moved = stk.cumulative_series(restated).sum(axis=1) - stk.cumulative_series(yearly).sum(axis=1)
    assert moved.to_dict() == pytest.approx({y: (1_000 if y >= 2012 else 0) for y in range(2009, 2019)})
