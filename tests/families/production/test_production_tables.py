"""Tests for envkpi.families.production.tables: the production family's loader on a copy of the FY2018 sample.

Each test copies ``data/FY2018``, ``data/history`` and ``parameters/`` into pytest's ``tmp_path``,
breaks one thing in the copy (never in the repository) and runs the real loader with
``root=tmp_path``, so that messages name files as ``data/FY2018/fuel_use.csv``. Each bad input must
give one :class:`InputError` whose problem names the file, the row (file line, header = row 1),
the column and what was expected. (The helpers that edit rows of the copy: ``tests/families/conftest.py``;
``data/README.md`` in step with the specs: ``tests/families/test_data_dictionary.py``.)
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest

from envkpi.core.inputs import InputError, Problem
from envkpi.families import load_parameters
from envkpi.families.production import calculations as prd
from envkpi.families.production.tables import TABLES as PRODUCTION_TABLES, ProductionInputs, load_production_inputs

FUEL_USE = "data/FY2018/fuel_use.csv"
PURCHASED = "data/FY2018/purchased_energy.csv"
RENEWABLE = "data/FY2018/renewable_energy.csv"
NON_CO2 = "data/FY2018/non_co2_ghg.csv"
OUTPUT = "data/FY2018/production_output.csv"
SITES = "data/FY2018/sites.csv"
HISTORY = "data/history/site_history.csv"

IN_BOUNDARY = {
    "JP-01", "JP-02", "JP-03", "JP-04", "JP-05", "CN-01", "CN-02", "TH-01", "MY-01", "US-01", "DE-01", "IN-01",
}
OUT_OF_BOUNDARY = {"JP-06", "US-02", "MX-01", "ES-01"}


@pytest.fixture
def sample(root: Path, tmp_path: Path) -> Path:
    """A project root in tmp_path holding copies of the FY2018 inputs, the history and the parameters."""
    shutil.copytree(root / "data" / "FY2018", tmp_path / "data" / "FY2018")
    shutil.copytree(root / "data" / "history", tmp_path / "data" / "history")
    shutil.copytree(root / "parameters", tmp_path / "parameters")
    return tmp_path


def load(root: Path) -> ProductionInputs:
    params = load_parameters(root / "parameters" / "FY2018.yaml", root=root)
    return load_production_inputs(params, root / "data" / "FY2018", root / HISTORY, root=root)


def load_error(root: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load(root)
    return caught.value


def problem_at(error: InputError, file: str, row: int | None, column: str | None, *, printed: bool = True) -> Problem:
    """The one problem at ``file``, ``row``, ``column``; with ``printed``, also its line in the message."""
    found = [p for p in error.problems if (p.file, p.row, p.column) == (file, row, column)]
    assert len(found) == 1, f"expected one problem at {file}, row {row}, column {column!r}; got:\n{error}"
    problem = found[0]
    line = str(problem)
    if not printed:
        return problem
    assert line in str(error), f"{line!r} not printed in:\n{error}"
    where = f"{file}, row {row}, column {column!r}: " if column else f"{file}, row {row}: "
    assert line.startswith(where), line
    return problem


def only_problem_at(error: InputError, file: str, row: int, column: str) -> Problem:
    assert len(error.problems) == 1, f"expected one problem, got:\n{error}"
    return problem_at(error, file, row, column)


# --- the sample --------------------------------------------------------------------------------

def test_sample_loads(sample):
    inputs = load(sample)
    assert inputs.fiscal_year == 2018
    assert len(inputs.fuel_use) > 0 and len(inputs.purchased_energy) > 0


def test_boundary_has_twelve_sites_in(sample):
    inputs = load(sample)
    boundary = inputs.boundary
    assert set(boundary.loc[boundary["in_boundary"], "site_id"]) == IN_BOUNDARY
    assert set(inputs.sites_in_boundary) == IN_BOUNDARY


@pytest.mark.parametrize(
    ("site", "reason"),
    [
        ("JP-06", "no environmental management system"),
        ("US-02", "Northwind Cold Chain Inc."),
        ("MX-01", "subsidiary of Northwind Cold Chain Inc."),
        ("ES-01", "Costa Mirrors S.A."),
    ],
)
def test_boundary_excludes_site_with_reason(sample, site, reason):
    boundary = load(sample).boundary.set_index("site_id")
    assert not boundary.loc[site, "in_boundary"]
    assert reason in boundary.loc[site, "reason"]


def test_boundary_lists_every_site_once(sample):
    boundary = load(sample).boundary
    assert set(boundary["site_id"]) == IN_BOUNDARY | OUT_OF_BOUNDARY
    assert boundary["site_id"].is_unique


ACTIVITY_FRAMES = ["fuel_use", "purchased_energy", "renewable_energy", "non_co2_ghg", "production_output"]


@pytest.mark.parametrize("frame", ACTIVITY_FRAMES)
def test_activity_frames_hold_only_in_boundary_sites(sample, frame):
    data = getattr(load(sample), frame)
    assert len(data) > 0
    assert set(data["site_id"]) <= IN_BOUNDARY, set(data["site_id"]) - IN_BOUNDARY


@pytest.mark.parametrize("frame", ACTIVITY_FRAMES)
def test_activity_frames_keep_source_file_rows(sample, frame):
    data = getattr(load(sample), frame)
    lines = (sample / "data" / "FY2018" / f"{frame}.csv").read_text(encoding="utf-8").splitlines()
    cells = list(csv.reader(lines))
    header = cells[0]
    spec = next(spec for spec in PRODUCTION_TABLES if spec.name == frame)
    number = next(column.name for column in spec.columns if column.kind == "number")
    for record in data.to_dict("records"):
        in_file = dict(zip(header, cells[record["row"] - 1]))
        assert in_file["site_id"] == record["site_id"], f"{frame}: row {record['row']} is not {record}"
        assert float(in_file[number]) == record[number], f"{frame}: row {record['row']} is not {record}"


def test_out_of_boundary_rows_are_dropped(sample, find_row):
    kept = set(load(sample).fuel_use["row"])
    es01 = find_row(sample, FUEL_USE, {"site_id": "ES-01", "fuel": "diesel"})
    jp01 = find_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "diesel"})
    assert jp01 in kept
    assert es01 not in kept, "an out-of-boundary row was kept"


def test_excluded_rows_are_listed_per_table_with_their_rows_and_sites(sample):
    excluded = load(sample).excluded_rows.set_index("table")
    for file in (FUEL_USE, PURCHASED, RENEWABLE, NON_CO2, OUTPUT):
        with open(sample / file, newline="", encoding="utf-8") as handle:
            # file rows: the header is row 1, so the first record is row 2
            outside = [(number, row["site_id"]) for number, row in enumerate(csv.DictReader(handle), start=2)
                       if row["site_id"] in OUT_OF_BOUNDARY]
        name = Path(file).name
        assert excluded.loc[name, "rows_outside_boundary"] == len(outside), file
        assert excluded.loc[name, "rows"] == ", ".join(str(number) for number, _ in outside), file
        assert excluded.loc[name, "sites"] == ", ".join(sorted({site for _, site in outside})), file
    # e.g. fuel_use.csv: US-02 (rows 33, 34), MX-01 (35, 36), ES-01 (37, 38) and the excluded subsidiaries
    assert "37, 38" in excluded.loc[Path(FUEL_USE).name, "rows"]


def test_history_keeps_only_years_before_the_fiscal_year(sample, append_rows):
    append_rows(sample, HISTORY, "JP-01,2019,1,t CO2,1,MJPY,future row", "JP-01,2020,1,t CO2,1,MJPY,future row")
    history = load(sample).history
    assert len(history) > 0
    assert history["fiscal_year"].max() == 2017
    assert (history["fiscal_year"] < 2018).all()
    assert "future row" not in set(history["source"])


def test_history_keeps_only_in_boundary_sites(sample):
    history = load(sample).history
    assert set(history["site_id"]) <= IN_BOUNDARY
    assert "US-02" not in set(history["site_id"])


def test_file_records_cover_parameters_and_every_input(sample):
    paths = [record.path for record in load(sample).files]
    assert paths[:2] == ["parameters/FY2018.yaml", "parameters/common.yaml"]
    for spec in PRODUCTION_TABLES:
        assert f"data/FY2018/{spec.file_name}" in paths
    assert HISTORY in paths


# --- one bad input at a time, through the real loader ----------------------------------------------

def test_text_in_fuel_quantity_names_file_row_and_column(sample, edit_row):
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "diesel"}, quantity="abc")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "quantity")
    assert "'abc'" in problem.message and "expected a number" in problem.message


def test_negative_fuel_quantity_is_rejected(sample, edit_row):
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-02", "fuel": "lpg"}, quantity="-420")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "quantity")
    assert "-420" in problem.message and "≥ 0" in problem.message


def test_unknown_site_id_is_rejected(sample, edit_row):
    row = edit_row(sample, FUEL_USE, {"site_id": "CN-02", "fuel": "lpg"}, site_id="CN-09")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "site_id")
    assert "'CN-09'" in problem.message and "expected a known site_id" in problem.message
    assert "CN-02" in problem.message


def test_unknown_fuel_is_rejected_listing_known_fuels(sample, edit_row):
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-03", "fuel": "kerosene"}, fuel="coal_tar")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "fuel")
    assert "'coal_tar'" in problem.message and "expected a known fuel" in problem.message
    assert "kerosene" in problem.message


def test_misspelt_fuel_suggests_the_known_one(sample, edit_row):
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-03", "fuel": "kerosene"}, fuel="kerosine")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "fuel")
    assert "did you mean kerosene?" in problem.message


def test_city_gas_without_supplier_is_rejected(sample, edit_row):
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "city_gas"}, supplier="")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "supplier")
    assert "missing" in problem.message and "city_gas_suppliers" in problem.message


def test_city_gas_with_unknown_supplier_is_rejected(sample, edit_row):
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "city_gas"}, supplier="tokio_gas")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "supplier")
    assert "'tokio_gas'" in problem.message and "tokyo_gas" in problem.message


def test_supplier_on_another_fuel_is_rejected(sample, edit_row):
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "diesel"}, supplier="tokyo_gas")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "supplier")
    assert "expected empty" in problem.message


def test_lpg_in_kilolitres_is_rejected_as_incompatible_with_calorific_value(sample, edit_row):
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-02", "fuel": "lpg"}, unit="kL")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "unit")
    assert "'kL'" in problem.message
    assert "GJ / t" in problem.message
    assert "expected a unit like t" in problem.message


def test_fuel_unit_the_dictionary_does_not_list_is_rejected(sample, edit_row):
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "diesel"}, unit="kWh")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "unit")
    assert problem.message == "got 'kWh'; expected one of kNm3, Nm3, t, kg, kL, L"


def test_site_in_country_without_electricity_factor_is_rejected(sample, edit_row):
    # the culprit is the country cell of the site register, for a site that buys electricity
    row = edit_row(sample, SITES, {"site_id": "TH-01"}, country="ZZ")
    problem = only_problem_at(load_error(sample), SITES, row, "country")
    assert "TH-01" in problem.message and "ZZ" in problem.message
    assert "electricity_factors" in problem.message


def test_used_on_site_more_than_generated_is_rejected(sample, edit_row):
    row = edit_row(sample, RENEWABLE, {"site_id": "JP-03", "source": "solar"}, used_on_site="640")
    problem = only_problem_at(load_error(sample), RENEWABLE, row, "used_on_site")
    assert "640" in problem.message and "more than generated" in problem.message and "620" in problem.message


def test_unknown_renewable_source_suggests_the_known_one(sample, edit_row):
    row = edit_row(sample, RENEWABLE, {"site_id": "DE-01", "source": "wind"}, source="wnd")
    problem = only_problem_at(load_error(sample), RENEWABLE, row, "source")
    assert "did you mean wind?" in problem.message


def test_unknown_gas_is_rejected_with_suggestion(sample, edit_row):
    row = edit_row(sample, NON_CO2, {"site_id": "JP-03", "gas": "HFC-134a"}, gas="HFC134a")
    problem = only_problem_at(load_error(sample), NON_CO2, row, "gas")
    assert "'HFC134a'" in problem.message and "expected a known gas" in problem.message
    assert "did you mean HFC-134a?" in problem.message


def test_gas_mass_in_energy_unit_is_rejected(sample, edit_row):
    row = edit_row(sample, NON_CO2, {"site_id": "JP-01", "gas": "SF6"}, unit="kWh")
    problem = only_problem_at(load_error(sample), NON_CO2, row, "unit")
    assert problem.message == "got 'kWh'; expected one of kg, t"


def test_missing_production_output_is_rejected(sample, edit_row):
    row = edit_row(sample, OUTPUT, {"site_id": "JP-04"}, output="")
    problem = only_problem_at(load_error(sample), OUTPUT, row, "output")
    assert "missing value" in problem.message


def test_bad_boolean_in_sites_is_rejected(sample, edit_row):
    row = edit_row(sample, SITES, {"site_id": "JP-06"}, has_ems="maybe")
    error = load_error(sample)
    # not required to be printed: see test_a_sites_problem_does_not_flood_the_error_with_unknown_site_ids
    problem = problem_at(error, SITES, row, "has_ems", printed=False)
    assert "'maybe'" in problem.message and "true or false" in problem.message


def test_duplicate_history_year_is_rejected(sample, edit_row):
    row = edit_row(sample, HISTORY, {"site_id": "JP-01", "fiscal_year": "2014"}, fiscal_year="2013")
    error = load_error(sample)
    assert len(error.problems) == 2, str(error)
    for number in (row - 1, row):
        assert "duplicate row for site_id=JP-01, fiscal_year=2013" in problem_at(error, HISTORY, number, None).message


def test_history_output_unit_not_comparable_with_this_year_is_rejected(sample, edit_row):
    row = edit_row(sample, HISTORY, {"site_id": "JP-01", "fiscal_year": "2013"}, output_unit="t")
    problem = only_problem_at(load_error(sample), HISTORY, row, "output_unit")
    assert "'t'" in problem.message and "'MJPY'" in problem.message


def test_missing_input_file_is_named(sample):
    (sample / NON_CO2).unlink()
    error = load_error(sample)
    assert len(error.problems) == 1, str(error)
    problem = error.problems[0]
    assert problem.file == NON_CO2 and "file not found" in problem.message


# --- several breakages at once ---------------------------------------------------------------------

def test_several_breakages_in_different_files_reported_together(sample, edit_row):
    fuel = edit_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "diesel"}, quantity="abc")
    gas = edit_row(sample, NON_CO2, {"site_id": "JP-03", "gas": "HFC-134a"}, gas="HFC-134x")
    renewable = edit_row(sample, RENEWABLE, {"site_id": "US-01", "source": "solar"}, generated="-1")
    output = edit_row(sample, OUTPUT, {"site_id": "CN-01"}, unit="MJPYY")
    history = edit_row(sample, HISTORY, {"site_id": "DE-01", "fiscal_year": "2015"}, co2="n/a")
    error = load_error(sample)
    expected = [
        (FUEL_USE, fuel, "quantity"),
        (NON_CO2, gas, "gas"),
        (RENEWABLE, renewable, "generated"),
        (OUTPUT, output, "unit"),
        (HISTORY, history, "co2"),
    ]
    assert len(error.problems) == len(expected), str(error)
    for file, row, column in expected:
        problem_at(error, file, row, column)


def test_several_rule_breakages_in_different_files_reported_together(sample, edit_row):
    fuel = edit_row(sample, FUEL_USE, {"site_id": "JP-02", "fuel": "lpg"}, unit="kL")
    country = edit_row(sample, SITES, {"site_id": "TH-01"}, country="ZZ")
    renewable = edit_row(sample, RENEWABLE, {"site_id": "JP-03", "source": "solar"}, used_on_site="640")
    error = load_error(sample)
    expected = [(FUEL_USE, fuel, "unit"), (SITES, country, "country"), (RENEWABLE, renewable, "used_on_site")]
    assert len(error.problems) == len(expected), str(error)
    for file, row, column in expected:
        problem_at(error, file, row, column)


def test_rule_breakages_reported_together_with_value_breakages(sample, edit_row):
    quantity = edit_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "diesel"}, quantity="abc")
    renewable = edit_row(sample, RENEWABLE, {"site_id": "JP-03", "source": "solar"}, used_on_site="640")
    error = load_error(sample)
    problem_at(error, FUEL_USE, quantity, "quantity")
    assert any((p.file, p.row, p.column) == (RENEWABLE, renewable, "used_on_site") for p in error.problems), (
        "used_on_site > generated in renewable_energy.csv (a valid table) is only reported after the "
        f"unrelated bad quantity in fuel_use.csv is fixed, not 'every problem at once'; the error was:\n{error}"
    )


@pytest.mark.parametrize("breakage", ["bad boolean", "file missing"])
def test_a_sites_problem_does_not_flood_the_error_with_unknown_site_ids(sample, edit_row, breakage):
    if breakage == "bad boolean":
        edit_row(sample, SITES, {"site_id": "JP-06"}, has_ems="maybe")
    else:
        (sample / SITES).unlink()
    error = load_error(sample)
    shown = str(error).splitlines()[1]
    noise = [p for p in error.problems if p.file != SITES]
    assert not noise, (
        f"one problem in sites.csv ({breakage}) makes every site_id of every other file "
        f"'unknown' ({len(noise)} extra problems, e.g. {noise[0]}); the real problem is not even "
        f"among the lines shown (first shown: {shown.strip()})"
    )


# --- units, keys, rows the dictionary requires, plausible ranges (issue 9) -----------------------------

def test_electricity_in_milliwatt_hours_is_rejected_naming_the_allowed_units(sample, edit_row):
    # pint reads mWh as milliwatt-hours: Scope 2 of the site would drop by a factor of a billion
    row = edit_row(sample, PURCHASED, {"site_id": "JP-01", "carrier": "electricity"}, unit="mWh")
    problem = only_problem_at(load_error(sample), PURCHASED, row, "unit")
    assert problem.message == "got 'mWh'; expected one of kWh, MWh, GJ (units are case-sensitive: did you mean MWh?)"


def test_a_unit_with_a_prefix_the_dictionary_does_not_list_is_rejected(sample, edit_row):
    row = edit_row(sample, PURCHASED, {"site_id": "JP-02", "carrier": "electricity"}, quantity="71.25", unit="GWh")
    problem = only_problem_at(load_error(sample), PURCHASED, row, "unit")
    assert problem.message == "got 'GWh'; expected one of kWh, MWh, GJ"


def test_electricity_in_gigajoules_is_rejected(sample, edit_row):
    row = edit_row(sample, PURCHASED, {"site_id": "JP-02", "carrier": "electricity"}, quantity="256500", unit="GJ")
    problem = only_problem_at(load_error(sample), PURCHASED, row, "unit")
    assert problem.message == "got 'GJ' for electricity; expected kWh or MWh"


def test_heat_in_megawatt_hours_is_rejected(sample, edit_row):
    row = edit_row(sample, PURCHASED, {"site_id": "JP-01", "carrier": "steam"}, quantity="11833", unit="MWh")
    problem = only_problem_at(load_error(sample), PURCHASED, row, "unit")
    assert problem.message == "got 'MWh' for steam (heat); expected GJ"


def test_a_second_electricity_row_for_a_site_is_rejected_on_both_rows(sample, find_row, append_rows):
    first = find_row(sample, PURCHASED, {"site_id": "JP-02", "carrier": "electricity"})
    [second] = append_rows(sample, PURCHASED, "JP-02,electricity,1200,MWh")
    error = load_error(sample)
    assert len(error.problems) == 2, str(error)
    assert problem_at(error, PURCHASED, first, None).message == (
        f"duplicate row for site_id=JP-02, carrier=electricity (also row {second}); expected one row per site_id, carrier")
    assert problem_at(error, PURCHASED, second, None).message == (
        f"duplicate row for site_id=JP-02, carrier=electricity (also row {first}); expected one row per site_id, carrier")


def test_a_deleted_electricity_row_of_a_site_inside_the_boundary_is_named(sample, find_row, delete_row):
    delete_row(sample, PURCHASED, {"site_id": "JP-03", "carrier": "electricity"})
    error = load_error(sample)
    site_row = find_row(sample, SITES, {"site_id": "JP-03"})
    assert error.problems == [Problem(PURCHASED, None, None, f"no electricity row for site JP-03 ({SITES} row {site_row}, "
                                      "inside the boundary); expected exactly one")], str(error)
    assert f"{PURCHASED}: no electricity row for site JP-03" in str(error)


def test_a_deleted_output_row_of_a_site_inside_the_boundary_is_named(sample, find_row, delete_row):
    delete_row(sample, OUTPUT, {"site_id": "CN-02"})
    error = load_error(sample)
    site_row = find_row(sample, SITES, {"site_id": "CN-02"})
    assert error.problems == [Problem(OUTPUT, None, None, f"no output row for site CN-02 ({SITES} row {site_row}, "
                                      "inside the boundary); expected exactly one")], str(error)


def test_a_site_outside_the_boundary_needs_no_electricity_or_output_row(sample, delete_row):
    delete_row(sample, PURCHASED, {"site_id": "US-02", "carrier": "electricity"})
    delete_row(sample, OUTPUT, {"site_id": "US-02"})
    inputs = load(sample)
    assert inputs.warnings == []


def test_an_electricity_row_with_a_mistyped_carrier_is_not_also_reported_missing(sample, edit_row):
    row = edit_row(sample, PURCHASED, {"site_id": "JP-03", "carrier": "electricity"}, carrier="electricty")
    problem = only_problem_at(load_error(sample), PURCHASED, row, "carrier")
    assert "did you mean electricity?" in problem.message


def test_an_exact_duplicate_fuel_row_is_rejected_naming_both_rows(sample, find_row, append_rows):
    first = find_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "a_heavy_oil"})
    [second] = append_rows(sample, FUEL_USE, "JP-01,a_heavy_oil,1240,kL,")
    error = load_error(sample)
    assert len(error.problems) == 2, str(error)
    end = "(site_id=JP-01, fuel=a_heavy_oil): the same in every cell, so it would be counted twice; delete one"
    assert problem_at(error, FUEL_USE, first, None).message == f"duplicate of row {second} {end}"
    assert problem_at(error, FUEL_USE, second, None).message == f"duplicate of row {first} {end}"


def test_two_rows_of_one_fuel_that_differ_are_accepted(sample, append_rows):
    append_rows(sample, FUEL_USE, "JP-01,a_heavy_oil,12,kL,")  # a second delivery: both count
    assert len(load(sample).fuel_use.query("site_id == 'JP-01' and fuel == 'a_heavy_oil'")) == 2


def test_a_site_registered_twice_names_the_site_and_both_rows(sample, find_row, append_rows):
    first = find_row(sample, SITES, {"site_id": "JP-01"})
    line = (sample / SITES).read_text(encoding="utf-8").splitlines()[first - 1]
    [second] = append_rows(sample, SITES, line)
    error = load_error(sample)
    assert problem_at(error, SITES, second, None).message == (
        f"duplicate of row {first} (site_id=JP-01): the same in every cell, so it would be counted twice; delete one")


def test_electricity_typed_in_kwh_as_mwh_is_beyond_the_plausible_maximum(sample, edit_row):
    row = edit_row(sample, PURCHASED, {"site_id": "DE-01", "carrier": "electricity"}, unit="MWh")  # 28,460,000 kWh
    problem = only_problem_at(load_error(sample), PURCHASED, row, "quantity")
    assert problem.message == ("got '28460000' MWh; expected at most 10,000,000 [MWh] "
                               "(one site's purchase of one carrier in a year)")


def test_heat_beyond_the_plausible_maximum_is_judged_in_megawatt_hours(sample, edit_row):
    row = edit_row(sample, PURCHASED, {"site_id": "JP-01", "carrier": "steam"}, quantity="42600000000")
    problem = only_problem_at(load_error(sample), PURCHASED, row, "quantity")
    assert problem.message == ("got '42600000000' GJ (= 11,833,333,333 MWh); expected at most 10,000,000 [MWh] "
                               "(one site's purchase of one carrier in a year)")


def test_electricity_above_the_typical_maximum_is_a_warning(sample, edit_row):
    row = edit_row(sample, PURCHASED, {"site_id": "JP-05", "carrier": "electricity"}, quantity="2500000")
    inputs = load(sample)
    assert inputs.warnings == [Problem(PURCHASED, row, "quantity", "'2500000' MWh is above the typical maximum of "
                                       "2,000,000 [MWh] (one site's purchase of one carrier in a year); check the value "
                                       "and its unit")]
    assert 2_500_000 in set(inputs.purchased_energy["quantity"])  # used as given


def test_fuel_is_judged_by_its_energy_content(sample, edit_row):
    # 5,820,000 kNm3 of Tokyo Gas city gas at 45 GJ/kNm3: 261,900,000 GJ
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "city_gas"}, quantity="5820000")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "quantity")
    assert problem.message == ("got '5820000' kNm3 (= 261,900,000 GJ); expected at most 100,000,000 [GJ] "
                               "(energy content of one fuel burnt at one site in a year)")


def test_fuel_above_its_typical_energy_content_is_a_warning(sample, edit_row):
    # 300,000 kL of A heavy oil at 39.1 GJ/kL: 11,730,000 GJ
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "a_heavy_oil"}, quantity="300000")
    assert load(sample).warnings == [Problem(FUEL_USE, row, "quantity", (
        "'300000' kL (= 11,730,000 GJ) is above the typical maximum of 10,000,000 [GJ] (energy content of one fuel "
        "burnt at one site in a year); check the value and its unit"))]


def test_gas_typed_in_tonnes_instead_of_kilograms_is_a_warning(sample, edit_row):
    row = edit_row(sample, NON_CO2, {"site_id": "JP-03", "gas": "HFC-134a"}, unit="t")  # 260 t of HFC-134a
    [warning] = load(sample).warnings
    assert (warning.file, warning.row, warning.column) == (NON_CO2, row, "quantity")
    assert warning.message.startswith("'260' t is above the typical maximum of 100 [t]")


def test_output_in_yen_instead_of_million_yen_is_rejected(sample, edit_row):
    row = edit_row(sample, OUTPUT, {"site_id": "JP-01"}, output="168500000000")
    problem = only_problem_at(load_error(sample), OUTPUT, row, "output")
    assert problem.message == ("got '168500000000' MJPY; expected at most 100,000,000 [MJPY] "
                               "(one site's production value in a year)")


def test_history_year_written_as_a_decimal_is_read_as_the_year(sample, edit_row):
    edit_row(sample, HISTORY, {"site_id": "JP-01", "fiscal_year": "2017"}, fiscal_year="2017.0")
    history = load(sample).history
    assert 2017 in set(history.loc[history["site_id"] == "JP-01", "fiscal_year"])


def test_history_year_beyond_2100_is_rejected(sample, edit_row):
    row = edit_row(sample, HISTORY, {"site_id": "JP-01", "fiscal_year": "2015"}, fiscal_year="20115")
    problem = only_problem_at(load_error(sample), HISTORY, row, "fiscal_year")
    assert problem.message == "got '20115'; expected at most 2,100 (a fiscal year)"


def test_a_mistyped_excluded_entity_is_rejected_with_the_nearest_names(sample):
    year = sample / "parameters" / "FY2018.yaml"
    text = year.read_text(encoding="utf-8")
    year.write_text(text.replace('name: "Northwind Cold Chain Inc."', 'name: "Northwind Cold Chain Inc"'), encoding="utf-8")
    error = load_error(sample)
    assert error.problems == [Problem("parameters/FY2018.yaml", None, None, (
        "boundary.excluded_entities[0].name: got 'Northwind Cold Chain Inc', which is neither the entity nor the "
        f"parent_entity of any site in {SITES}; did you mean 'Northwind Cold Chain Inc.'?"))], str(error)


def test_cross_table_rules_run_on_tables_that_have_problems_of_their_own(sample, edit_row):
    # every problem at once: the supplier and the country are judged though fuel_use.csv and sites.csv
    # each have a bad cell elsewhere
    supplier = edit_row(sample, FUEL_USE, {"site_id": "JP-02", "fuel": "city_gas"}, supplier="toho")
    quantity = edit_row(sample, FUEL_USE, {"site_id": "JP-02", "fuel": "lpg"}, quantity="4x20")
    country = edit_row(sample, SITES, {"site_id": "US-01"}, country="AR")
    ems = edit_row(sample, SITES, {"site_id": "JP-06"}, has_ems="maybe")
    error = load_error(sample)
    assert problem_at(error, FUEL_USE, supplier, "supplier").message.startswith("got 'toho'; expected one of tokyo_gas")
    assert problem_at(error, FUEL_USE, supplier, "supplier").message.endswith("did you mean toho_gas?")
    assert problem_at(error, FUEL_USE, quantity, "quantity").message == "got '4x20'; expected a number ≥ 0"
    assert problem_at(error, SITES, country, "country").message.startswith("US-01 buys electricity in 'AR'")
    assert problem_at(error, SITES, ems, "has_ems").message == "got 'maybe'; expected true or false"
    assert len(error.problems) == 4, str(error)


def test_a_sites_file_from_japanese_excel_is_named_with_its_encoding(sample):
    path = sample / SITES
    path.write_bytes(path.read_text(encoding="utf-8").replace("Chiba Works", "千葉工場").encode("cp932"))
    error = load_error(sample)
    assert error.problems == [Problem(SITES, 2, None, "not UTF-8 text (byte 0x90 cannot be read as UTF-8); it looks like "
                                      "Shift_JIS/CP932 (Japanese Excel); save it as UTF-8 CSV")], str(error)


def test_a_utf16_file_is_named_with_its_encoding(sample):
    path = sample / FUEL_USE
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    error = load_error(sample)
    assert error.problems == [Problem(FUEL_USE, None, None, "not UTF-8 text: it looks like UTF-16 (Excel's 'Unicode "
                                      "Text'); save it as 'CSV UTF-8 (comma delimited)'")], str(error)


# --- sites over time: the register's first and last fiscal years (issue 12, point 1) ----------------

ACTIVITY = (FUEL_USE, PURCHASED, RENEWABLE, NON_CO2, OUTPUT)


def site_rows(root: Path, file: str, site: str) -> list[int]:
    """File lines (header = 1) of the rows of ``file`` for ``site``."""
    with open(root / file, newline="", encoding="utf-8") as handle:
        return [number for number, row in enumerate(csv.DictReader(handle), start=2) if row["site_id"] == site]


def drop_site_rows(root: Path, file: str, site: str) -> None:
    """Delete every row of ``site`` from ``file`` (the site has no figures for the year)."""
    path = root / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line, cells in zip(lines, csv.reader(lines)) if cells[0] != site]
    path.write_text("".join(kept), encoding="utf-8")


@pytest.fixture
def close_site(edit_row):
    """``close_site(root, site, last, drop_rows=True)``: give ``site`` a last fiscal year in the FY2018 register
    (and, as a team would, delete its FY2018 rows); return the register's row."""
    def close(root: Path, site: str, last: str, *, drop_rows: bool = True) -> int:
        row = edit_row(root, SITES, {"site_id": site}, last_fiscal_year=last)
        if drop_rows:
            for file in ACTIVITY:
                drop_site_rows(root, file, site)
        return row
    return close


def test_the_sample_register_gives_each_site_its_first_fiscal_year(sample):
    boundary = load(sample).boundary.set_index("site_id")
    assert boundary.loc["IN-01", "first_fiscal_year"] == 2018 and boundary.loc["TH-01", "first_fiscal_year"] == 2016
    assert boundary.loc["JP-01", "first_fiscal_year"] is pd.NA
    assert boundary["last_fiscal_year"].isna().all()


def test_a_register_written_before_the_year_columns_is_read_as_open_ended(sample):
    path = sample / SITES
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    columns = [c for c in rows[0] if c not in ("first_fiscal_year", "last_fiscal_year")]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    inputs = load(sample)
    assert set(inputs.sites_in_boundary) == IN_BOUNDARY
    assert inputs.boundary["first_fiscal_year"].isna().all() and inputs.boundary["last_fiscal_year"].isna().all()


def test_a_last_fiscal_year_before_the_first_is_rejected_without_flooding(sample, edit_row):
    row = edit_row(sample, SITES, {"site_id": "TH-01"}, last_fiscal_year="2015")
    problem = only_problem_at(load_error(sample), SITES, row, "last_fiscal_year")
    assert problem.message == "got 2015, before first_fiscal_year 2016; expected 2016 or later (empty: still in the group)"


def test_a_row_of_this_year_for_a_closed_site_names_file_row_column_and_the_register(sample, close_site):
    register_row = close_site(sample, "JP-03", "2017", drop_rows=False)
    error = load_error(sample)
    expected = [(file, row) for file in ACTIVITY for row in site_rows(sample, file, "JP-03")]
    assert len(expected) >= 5 and len(error.problems) == len(expected), str(error)
    for file, row in expected:
        problem = problem_at(error, file, row, "site_id", printed=False)
        assert problem.message == (f"JP-03 closed after FY2017 ({SITES} row {register_row}, last_fiscal_year); "
                                   "expected no FY2018 rows for it")
    fuel = expected[0]
    assert str(problem_at(error, *fuel, "site_id")).startswith(f"{FUEL_USE}, row {fuel[1]}, column 'site_id': JP-03 closed")


def test_a_row_of_this_year_for_a_site_not_yet_in_the_group_is_rejected(sample, edit_row):
    register_row = edit_row(sample, SITES, {"site_id": "IN-01"}, first_fiscal_year="2019")
    error = load_error(sample)
    row = site_rows(sample, OUTPUT, "IN-01")[0]
    problem = problem_at(error, OUTPUT, row, "site_id", printed=False)
    assert problem.message == (f"IN-01 joins the group in FY2019 ({SITES} row {register_row}, first_fiscal_year); "
                               "expected no FY2018 rows for it")


def test_an_excluded_site_that_closed_has_no_rows_either(sample, close_site):
    close_site(sample, "ES-01", "2017", drop_rows=False)  # outside the boundary anyway, but closed: no rows
    error = load_error(sample)
    assert {p.file for p in error.problems} == set(ACTIVITY) - {RENEWABLE, NON_CO2} | {
        f for f in (RENEWABLE, NON_CO2) if site_rows(sample, f, "ES-01")}
    assert all(p.column == "site_id" and p.message.startswith("ES-01 closed after FY2017") for p in error.problems)


def test_a_closed_site_keeps_its_past_years_in_the_history_and_the_chained_index(sample, close_site):
    close_site(sample, "JP-03", "2017")
    inputs = load(sample)
    boundary = inputs.boundary.set_index("site_id")
    assert not boundary.loc["JP-03", "in_boundary"] and boundary.loc["JP-03", "in_scope"]
    assert boundary.loc["JP-03", "reason"] == "closed: its last fiscal year was FY2017"
    assert "JP-03" not in set(inputs.sites_in_boundary)
    past = inputs.history[inputs.history["site_id"] == "JP-03"]
    assert past["fiscal_year"].tolist() == [2013, 2014, 2015, 2016, 2017]
    # PRD-02: in every factor up to A_2017, left out of A_2018
    series = prd.intensity_series(inputs.history, pd.Series({s: 1000.0 for s in inputs.sites_in_boundary}),
                                  inputs.production_output, 2018)
    index = prd.chained_intensity_index(series, 2013, 2018)
    entered = index.contributions[index.contributions["site_id"] == "JP-03"]["fiscal_year"].tolist()
    assert entered == [2014, 2015, 2016, 2017]
    left = index.left_out[index.left_out["site_id"] == "JP-03"]
    assert left["fiscal_year"].tolist() == [2018] and "closed" in left["reason"].iloc[0]
    changes = prd.site_changes(inputs.boundary, 2018)
    assert changes[["site_id", "event"]].values.tolist() == [["IN-01", "joined"], ["JP-03", "closed"]]


def test_a_history_row_of_an_unknown_site_before_the_year_names_the_hint_to_keep_closed_sites(sample, append_rows):
    [row] = append_rows(sample, HISTORY, "TH-02,2016,100,t CO2,200,MJPY,data book FY2016")
    problem = only_problem_at(load_error(sample), HISTORY, row, "site_id")
    assert problem.message.startswith("got 'TH-02'; expected a known site_id (")
    assert problem.message.endswith(f"; did you mean TH-01? (a site that has closed stays in {SITES}, with its "
                                    "last_fiscal_year)")


@pytest.mark.parametrize("site, year, message", [
    ("IN-01", "2017", "got 2017, before FY2018, the first fiscal year of IN-01 ({sites} row {row}, first_fiscal_year); "
                      "expected FY2018 or later"),
    ("JP-03", "2016", "got 2016, after FY2015, the last fiscal year of JP-03 ({sites} row {row}, last_fiscal_year); "
                      "expected FY2015 or earlier"),
])
def test_a_history_row_outside_the_sites_years_is_rejected(sample, find_row, append_rows, close_site,
                                                           site, year, message):
    if site == "JP-03":
        close_site(sample, "JP-03", "2015")
        row = find_row(sample, HISTORY, {"site_id": site, "fiscal_year": year})
        others = 1  # and its FY2017 row
    else:
        [row] = append_rows(sample, HISTORY, f"{site},{year},100,t CO2,200,MJPY,data book FY{year}")
        others = 0
    error = load_error(sample)
    assert len(error.problems) == 1 + others, str(error)
    problem = problem_at(error, HISTORY, row, "fiscal_year")
    assert problem.message == message.format(sites=SITES, row=find_row(sample, SITES, {"site_id": site}))


def test_history_rows_of_the_year_or_later_are_not_judged_against_the_register(sample, append_rows):
    # rows appended for later years (a site that joins in FY2019, an output unit JP-01 takes later) are no
    # concern of FY2018: neither judged against its register nor used (their cells are still read)
    append_rows(sample, HISTORY, "XX-01,2019,100,t CO2,200,MJPY,data book FY2019",
                "JP-01,2019,100,t CO2,200,t,a row in another output unit")
    history = load(sample).history
    assert "XX-01" not in set(history["site_id"]) and history["fiscal_year"].max() == 2017


def test_the_output_unit_of_a_history_row_not_used_is_not_compared(sample, edit_row):
    edit_row(sample, HISTORY, {"site_id": "US-02", "fiscal_year": "2016"}, output_unit="t")  # outside the boundary
    assert "US-02" not in set(load(sample).history["site_id"])


@pytest.fixture
def sample_2017(root: Path, tmp_path: Path) -> Path:
    """A project root holding copies of the FY2017 inputs, the history and the parameters."""
    shutil.copytree(root / "data" / "FY2017", tmp_path / "data" / "FY2017")
    shutil.copytree(root / "data" / "history", tmp_path / "data" / "history")
    shutil.copytree(root / "parameters", tmp_path / "parameters")
    return tmp_path


def test_fy2017_runs_with_the_history_of_a_site_that_started_later(sample_2017):
    # the history as publishing FY2018 left it: IN-01 among its FY2018 rows (not in the FY2017 register)
    assert "IN-01,2018," in (sample_2017 / HISTORY).read_text(encoding="utf-8")
    params = load_parameters(sample_2017 / "parameters" / "FY2017.yaml", root=sample_2017)
    inputs = load_production_inputs(params, sample_2017 / "data" / "FY2017", sample_2017 / HISTORY, root=sample_2017)
    assert "IN-01" not in set(inputs.boundary["site_id"])
    assert "IN-01" not in set(inputs.history["site_id"]) and inputs.history["fiscal_year"].max() == 2016
