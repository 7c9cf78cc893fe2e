"""Tests for envkpi.families.avoided_emissions.tables: the avoided-emissions loader (CO2-01 … CO2-03) and the
hourly temperature series, on a copy of the sample data (``data_copy``; the helpers that edit its rows:
``tests/families/conftest.py``). A bad input must name the file, the row (file line, header = row 1) and the
column."""

from __future__ import annotations

from pathlib import Path

import pytest

from envkpi.core.inputs import InputError, Problem
from envkpi.families import load_parameters
from envkpi.families.avoided_emissions.tables import load_avoided_inputs

TEMPERATURE = "data/reference/outdoor_temperature.csv"
YEAR_DIR = "data/FY2018"


def load_avoided(project: Path):
    params = load_parameters(project / "parameters" / "FY2018.yaml", root=project)
    return load_avoided_inputs(params, project / "data" / "FY2018", project / "data" / "reference" / "outdoor_temperature.csv",
                               project / "data" / "history" / "avoided_emissions.csv", root=project)


def test_avoided_inputs_of_the_sample_load(data_copy):
    inputs = load_avoided(data_copy)
    assert set(inputs.tables) >= {"pv_shipments", "energy_saving_products", "teleconference_systems", "heat_exchange_ventilation"}
    assert len(inputs.temperature) == 8760
    assert inputs.pv_shipments["row"].tolist()[0] == 2


@pytest.mark.parametrize("file, match, column, value, expected", [
    ("pv_shipments.csv", {"region": "china"}, "region", "atlantis", "got 'atlantis'; expected a known region"),
    ("fuel_cell_shipments.csv", {"region": "japan"}, "units_shipped", "-3", "got '-3'; expected a value ≥ 0"),
    ("energy_saving_products.csv", {"category": "refrigerator", "region": "japan"}, "reference_kwh_per_year", "",
     "missing value; expected a number ≥ 0 [kWh/year]"),
    ("teleconference_systems.csv", {"region": "asia"}, "units_sold", "many", "got 'many'; expected a whole number"),
])
def test_bad_avoided_input_names_file_row_and_column(data_copy, edit_row, file, match, column, value, expected):
    project = data_copy
    row = edit_row(project / "data" / "FY2018", file, match, **{column: value})
    with pytest.raises(InputError) as caught:
        load_avoided(project)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column) == (f"data/FY2018/{file}", row, column)
    assert expected in problem.message


# --- units, counts, keys, plausible ranges and the temperature series (issue 9) --------------------

def avoided_error(project: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_avoided(project)
    return caught.value


def test_pv_capacity_in_milliwatts_is_rejected(data_copy, edit_row):
    project = data_copy
    row = edit_row(project, f"{YEAR_DIR}/pv_shipments.csv", {"region": "japan"}, unit="mW")
    [problem] = avoided_error(project).problems
    assert problem == Problem(f"{YEAR_DIR}/pv_shipments.csv", row, "unit",
                              "got 'mW'; expected one of kW, MW (units are case-sensitive: did you mean MW?)")


def test_a_fractional_count_of_fuel_cells_is_rejected(data_copy, edit_row):
    project = data_copy
    row = edit_row(project, f"{YEAR_DIR}/fuel_cell_shipments.csv", {"region": "europe"}, units_shipped="640.25")
    [problem] = avoided_error(project).problems
    assert problem == Problem(f"{YEAR_DIR}/fuel_cell_shipments.csv", row, "units_shipped",
                              "got '640.25'; expected a whole number")


def test_a_count_written_with_a_zero_decimal_is_whole(data_copy, edit_row):
    project = data_copy
    edit_row(project, f"{YEAR_DIR}/fuel_cell_shipments.csv", {"region": "europe"}, units_shipped="640.0")
    assert load_avoided(project).fuel_cell_shipments["units_shipped"].tolist() == [13850, 640]


def test_pv_capacity_typed_in_kw_as_mw_is_beyond_the_plausible_maximum(data_copy, edit_row):
    project = data_copy
    row = edit_row(project, f"{YEAR_DIR}/pv_shipments.csv", {"region": "japan"}, unit="MW")  # 248,600 MW
    [problem] = avoided_error(project).problems
    assert problem == Problem(f"{YEAR_DIR}/pv_shipments.csv", row, "capacity_shipped",
                              "got '248600' MW (= 248,600,000 kW); expected at most 100,000,000 [kW] "
                              "(PV capacity shipped to one region in a year)")


def test_a_product_listed_twice_is_rejected_naming_both_rows(data_copy, find_row, append_rows):
    project = data_copy
    file = f"{YEAR_DIR}/heat_exchange_ventilation.csv"
    first = find_row(project, file, {"product": "room heat-exchange ventilation fan"})
    [second] = append_rows(project, file, "room heat-exchange ventilation fan,14800")
    problems = avoided_error(project).problems
    end = "(product=room heat-exchange ventilation fan): the same in every cell, so it would be counted twice; delete one"
    assert problems == [Problem(file, first, None, f"duplicate of row {second} {end}"),
                        Problem(file, second, None, f"duplicate of row {first} {end}")]


def test_an_hour_missing_from_the_temperature_series_is_named_at_its_file_row(data_copy):
    project = data_copy
    path = project / TEMPERATURE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[99]  # file row 100: 2018-04-05T02:00
    path.write_text("".join(lines), encoding="utf-8")
    error = avoided_error(project)
    assert error.problems == [Problem(TEMPERATURE, 100, "timestamp", (
        "got '2018-04-05T03:00'; expected 2018-04-05T02:00, the hour after row 99 (2018-04-05T01:00): 1 hour missing"))]
    assert "np.int64" not in str(error)


@pytest.mark.parametrize(("row", "text", "message"), [
    (5, "2018-04-01T03:30", "got '2018-04-01T03:30'; expected a time on the hour (2018-04-01T03:00): the series is hourly"),
    (5, "01/04/2018 03:00", "got '01/04/2018 03:00'; expected a local date and hour like 2018-04-01T13:00 (ISO 8601, "
                            "no time zone)"),
    (5, "2018-04-01T03:00+09:00", "got '2018-04-01T03:00+09:00'; expected a local date and hour like 2018-04-01T13:00 "
                                  "(ISO 8601, no time zone)"),
    (5, "2018-04-01 02:00", "got '2018-04-01 02:00', the same hour as row 4; expected the hour after row 4 "
                            "(2018-04-01T02:00)"),
    (5, "2018-03-31T23:00", "got '2018-03-31T23:00', earlier than row 4; expected the hour after row 4 "
                            "(2018-04-01T02:00): the hours in time order"),
])
def test_a_bad_hour_in_the_temperature_series_is_named_at_its_file_row(data_copy, row, text, message):
    project = data_copy
    path = project / TEMPERATURE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[row - 1] = f"{text},11.4\n"
    path.write_text("".join(lines), encoding="utf-8")
    problems = avoided_error(project).problems
    assert problems[0] == Problem(TEMPERATURE, row, "timestamp", message)
    # the next hour follows the last good one, or the bad one: at most one more problem, on row 6
    assert all(p.row == row + 1 for p in problems[1:]), problems


def test_a_temperature_in_tenths_of_a_degree_is_rejected(data_copy):
    project = data_copy
    path = project / TEMPERATURE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[9] = lines[9].split(",")[0] + ",117\n"
    path.write_text("".join(lines), encoding="utf-8")
    assert avoided_error(project).problems == [Problem(TEMPERATURE, 10, "outdoor_temp_c", (
        "got '117'; expected at most 60 [degC] (outdoor air temperature)"))]
