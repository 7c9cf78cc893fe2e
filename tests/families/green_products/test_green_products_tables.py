"""Tests for envkpi.families.green_products.tables: the loader on a copy of the sample data.

Each test breaks one thing in a copy of ``data/`` and ``parameters/`` (``data_copy``) and runs the real loader
with the copy as root. Each bad input must give one :class:`InputError` naming the file, the row (file line,
header = row 1), the column and what was expected, with every problem at once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from envkpi.core.inputs import InputError, Problem
from envkpi.families import load_parameters
from envkpi.families.avoided_emissions import tables as avoided
from envkpi.families.green_products import calculations as gp
from envkpi.families.green_products import tables
from envkpi.families.green_products.tables import GreenProductsInputs, load_inputs

STRATEGIC = "data/FY2018/strategic_green_products.csv"
PV = "data/FY2018/pv_shipments.csv"
AIR = "data/FY2018/air_quality_products.csv"
HISTORY = "data/history/green_products_history.csv"


def load(root: Path, year: int = 2018) -> GreenProductsInputs:
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


def fuel_cell_generation(inputs: GreenProductsInputs, params) -> float:
    """GP-04 (reading a) of the inputs [MWh], as the report computes it."""
    keys = gp.keys_present(inputs.history, "fuel_cell_units", list(inputs.fuel_cells["region"]), list(params.product_regions))
    yearly = gp.yearly_shipments(inputs.history, "fuel_cell_units",
                                 dict(zip(inputs.fuel_cells["region"], inputs.fuel_cells["units_shipped"])), inputs.fiscal_year, keys)
    fuel_cell = params.avoided_emissions.fuel_cell
    return gp.fleet_generation(yearly, {k: fuel_cell.annual_generation.quantity for k in keys}, fuel_cell.lifetime.quantity,
                               inputs.fiscal_year).m_as("MWh")


def test_the_shared_tables_are_specified_as_the_avoided_emissions_family_does():
    """GP-04, GP-06 and GP-10 read CO2-01's and CO2-03.3's files: one file, one specification."""
    for mine, theirs in ((tables.PV_SHIPMENTS, avoided.PV_SHIPMENTS), (tables.FUEL_CELL_SHIPMENTS, avoided.FUEL_CELL_SHIPMENTS),
                         (tables.AUTOMOTIVE_BATTERIES, avoided.AUTOMOTIVE_BATTERIES)):
        assert mine == theirs


def test_the_samples_load(root):
    for year in (2017, 2018):
        inputs = load(root, year)
        assert inputs.warnings == []
        assert inputs.history["fiscal_year"].max() == year - 1
        assert set(inputs.history.loc[inputs.history["series"] == "fuel_cell_units", "fiscal_year"]) == set(range(2010, year))


def test_criteria_not_boolean(data_copy, edit_row):
    row = edit_row(data_copy, STRATEGIC, {"product": "pv_modules"}, criterion_diffusion="maybe")
    problem = problem_at(load_error(data_copy), STRATEGIC, row, "criterion_diffusion")
    assert "'maybe'" in problem.message and "true or false" in problem.message


def test_an_unknown_region(data_copy, edit_row):
    row = edit_row(data_copy, PV, {"region": "china"}, region="mars")
    problem = problem_at(load_error(data_copy), PV, row, "region")
    assert "mars" in problem.message and "japan" in problem.message


def test_negative_units(data_copy, edit_row):
    row = edit_row(data_copy, AIR, {"product": "air_purifier"}, units_shipped="-940000")
    problem = problem_at(load_error(data_copy), AIR, row, "units_shipped")
    assert "-940000" in problem.message and "≥ 0" in problem.message


def test_a_missing_history_year(data_copy, delete_row):
    for region in ("japan", "europe"):
        delete_row(data_copy, HISTORY, {"fiscal_year": "2013", "series": "fuel_cell_units", "key": region})
    problem = problem_at(load_error(data_copy), HISTORY, None, "fiscal_year")
    assert "FY2013" in problem.message and "fuel_cell_units" in problem.message


def test_a_missing_base_year(data_copy, delete_row):
    for vehicle in ("EV", "PHV", "HV"):
        delete_row(data_copy, HISTORY, {"fiscal_year": "2014", "series": "battery_vehicles", "key": vehicle})
    problem = problem_at(load_error(data_copy), HISTORY, None, "fiscal_year")
    assert "FY2014" in problem.message and "battery_vehicles" in problem.message


def test_several_problems_at_once(data_copy, edit_row):
    bad = edit_row(data_copy, STRATEGIC, {"product": "led_lighting"}, criterion_regional="2")
    unit = edit_row(data_copy, HISTORY, {"fiscal_year": "2014", "series": "pv_capacity", "key": "asia"}, unit="MJPY")
    lots = edit_row(data_copy, "data/FY2018/smart_cities.csv", {"smart_city": "Hoshikawa Smart City Riverside"}, lots_sold="301")
    error = load_error(data_copy)
    problem_at(error, STRATEGIC, bad, "criterion_regional")
    assert "expected kW" in problem_at(error, HISTORY, unit, "unit").message
    assert "301 lots sold" in problem_at(error, "data/FY2018/smart_cities.csv", lots, "lots_sold").message


def test_a_restated_earlier_year_flows_into_gp04(root, data_copy, edit_row):
    params = load_parameters(root / "parameters" / "FY2018.yaml", root=root)
    before = fuel_cell_generation(load(root), params)
    # FY2012 fuel cells in Japan restated from 7,400 to 8,400 (+1,000 units × 1,870 kWh = +1,870 MWh)
    edit_row(data_copy, HISTORY, {"fiscal_year": "2012", "series": "fuel_cell_units", "key": "japan"}, value="8400")
    after = fuel_cell_generation(load(data_copy), params)
    assert after - before == pytest.approx(1_000 * 1870 / 1000)
