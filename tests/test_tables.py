"""Tests for envkpi.tables: the production family's loader on a copy of the FY2018 sample.

Each test copies ``data/FY2018``, ``data/history`` and ``parameters/`` into pytest's ``tmp_path``,
breaks one thing in the copy (never in the repository) and runs the real loader with
``root=tmp_path``, so that messages name files as ``data/FY2018/fuel_use.csv``. Each bad input must
give one :class:`InputError` whose problem names the file, the row (file line, header = row 1),
the column and what was expected. The last tests keep ``data/README.md`` in step with the specs.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from envkpi.core.inputs import InputError, Problem
from envkpi.families import load_parameters
from envkpi.families import all_tables
from envkpi.families.production.tables import TABLES as PRODUCTION_TABLES, ProductionInputs, load_production_inputs

REPO = Path(__file__).resolve().parents[1]

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
def sample(tmp_path: Path) -> Path:
    """A project root in tmp_path holding copies of the FY2018 inputs, the history and the parameters."""
    shutil.copytree(REPO / "data" / "FY2018", tmp_path / "data" / "FY2018")
    shutil.copytree(REPO / "data" / "history", tmp_path / "data" / "history")
    shutil.copytree(REPO / "parameters", tmp_path / "parameters")
    return tmp_path


def load(root: Path) -> ProductionInputs:
    params = load_parameters(root / "parameters" / "FY2018.yaml", root=root)
    return load_production_inputs(params, root / "data" / "FY2018", root / HISTORY, root=root)


def load_error(root: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load(root)
    return caught.value


def _cells(line: str) -> list[str]:
    return next(csv.reader([line]))


def _line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    return buffer.getvalue()


def find_row(root: Path, file: str, match: dict[str, str]) -> int:
    """File line number (header = 1) of the one row of ``file`` whose cells equal ``match``."""
    lines = (root / file).read_text(encoding="utf-8").splitlines()
    header = _cells(lines[0])
    hits = [
        number
        for number, line in enumerate(lines[1:], start=2)
        if line.strip() and all(dict(zip(header, _cells(line))).get(k) == v for k, v in match.items())
    ]
    assert len(hits) == 1, f"{file}: {len(hits)} rows match {match}; the sample data changed?"
    return hits[0]


def edit_row(root: Path, file: str, match: dict[str, str], **changes: str) -> int:
    """Change cells of the one row of ``file`` whose cells equal ``match``; return its file line number.

    Only that line of the copy is rewritten.
    """
    number = find_row(root, file, match)
    path = root / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = _cells(lines[0].rstrip("\r\n"))
    cells = _cells(lines[number - 1].rstrip("\r\n"))
    for column, value in changes.items():
        cells[header.index(column)] = value
    lines[number - 1] = _line(cells) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    return number


def append_rows(root: Path, file: str, *rows: str) -> list[int]:
    """Append CSV lines to ``file``; return their file line numbers."""
    path = root / file
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    first = len(text.splitlines()) + 1
    path.write_text(text + "".join(row + "\n" for row in rows), encoding="utf-8")
    return list(range(first, first + len(rows)))


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
    header = _cells(lines[0])
    spec = next(spec for spec in PRODUCTION_TABLES if spec.name == frame)
    number = next(column.name for column in spec.columns if column.kind == "number")
    for record in data.to_dict("records"):
        in_file = dict(zip(header, _cells(lines[record["row"] - 1])))
        assert in_file["site_id"] == record["site_id"], f"{frame}: row {record['row']} is not {record}"
        assert float(in_file[number]) == record[number], f"{frame}: row {record['row']} is not {record}"


def test_out_of_boundary_rows_are_dropped(sample):
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


def test_history_keeps_only_years_before_the_fiscal_year(sample):
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

def test_text_in_fuel_quantity_names_file_row_and_column(sample):
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "diesel"}, quantity="abc")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "quantity")
    assert "'abc'" in problem.message and "expected a number" in problem.message


def test_negative_fuel_quantity_is_rejected(sample):
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-02", "fuel": "lpg"}, quantity="-420")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "quantity")
    assert "-420" in problem.message and "≥ 0" in problem.message


def test_unknown_site_id_is_rejected(sample):
    row = edit_row(sample, FUEL_USE, {"site_id": "CN-02", "fuel": "lpg"}, site_id="CN-09")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "site_id")
    assert "'CN-09'" in problem.message and "expected a known site_id" in problem.message
    assert "CN-02" in problem.message


def test_unknown_fuel_is_rejected_listing_known_fuels(sample):
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-03", "fuel": "kerosene"}, fuel="coal_tar")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "fuel")
    assert "'coal_tar'" in problem.message and "expected a known fuel" in problem.message
    assert "kerosene" in problem.message


def test_misspelt_fuel_suggests_the_known_one(sample):
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-03", "fuel": "kerosene"}, fuel="kerosine")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "fuel")
    assert "did you mean kerosene?" in problem.message


def test_city_gas_without_supplier_is_rejected(sample):
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "city_gas"}, supplier="")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "supplier")
    assert "missing" in problem.message and "city_gas_suppliers" in problem.message


def test_city_gas_with_unknown_supplier_is_rejected(sample):
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "city_gas"}, supplier="tokio_gas")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "supplier")
    assert "'tokio_gas'" in problem.message and "tokyo_gas" in problem.message


def test_supplier_on_another_fuel_is_rejected(sample):
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "diesel"}, supplier="tokyo_gas")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "supplier")
    assert "expected empty" in problem.message


def test_lpg_in_kilolitres_is_rejected_as_incompatible_with_calorific_value(sample):
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-02", "fuel": "lpg"}, unit="kL")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "unit")
    assert "'kL'" in problem.message
    assert "GJ / t" in problem.message
    assert "expected a unit like t" in problem.message


def test_fuel_unit_the_dictionary_does_not_list_is_rejected(sample):
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "diesel"}, unit="kWh")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "unit")
    assert problem.message == "got 'kWh'; expected one of kNm3, Nm3, t, kg, kL, L"


def test_site_in_country_without_electricity_factor_is_rejected(sample):
    # the culprit is the country cell of the site register, for a site that buys electricity
    row = edit_row(sample, SITES, {"site_id": "TH-01"}, country="ZZ")
    problem = only_problem_at(load_error(sample), SITES, row, "country")
    assert "TH-01" in problem.message and "ZZ" in problem.message
    assert "electricity_factors" in problem.message


def test_used_on_site_more_than_generated_is_rejected(sample):
    row = edit_row(sample, RENEWABLE, {"site_id": "JP-03", "source": "solar"}, used_on_site="640")
    problem = only_problem_at(load_error(sample), RENEWABLE, row, "used_on_site")
    assert "640" in problem.message and "more than generated" in problem.message and "620" in problem.message


def test_unknown_renewable_source_suggests_the_known_one(sample):
    row = edit_row(sample, RENEWABLE, {"site_id": "DE-01", "source": "wind"}, source="wnd")
    problem = only_problem_at(load_error(sample), RENEWABLE, row, "source")
    assert "did you mean wind?" in problem.message


def test_unknown_gas_is_rejected_with_suggestion(sample):
    row = edit_row(sample, NON_CO2, {"site_id": "JP-03", "gas": "HFC-134a"}, gas="HFC134a")
    problem = only_problem_at(load_error(sample), NON_CO2, row, "gas")
    assert "'HFC134a'" in problem.message and "expected a known gas" in problem.message
    assert "did you mean HFC-134a?" in problem.message


def test_gas_mass_in_energy_unit_is_rejected(sample):
    row = edit_row(sample, NON_CO2, {"site_id": "JP-01", "gas": "SF6"}, unit="kWh")
    problem = only_problem_at(load_error(sample), NON_CO2, row, "unit")
    assert problem.message == "got 'kWh'; expected one of kg, t"


def test_missing_production_output_is_rejected(sample):
    row = edit_row(sample, OUTPUT, {"site_id": "JP-04"}, output="")
    problem = only_problem_at(load_error(sample), OUTPUT, row, "output")
    assert "missing value" in problem.message


def test_bad_boolean_in_sites_is_rejected(sample):
    row = edit_row(sample, SITES, {"site_id": "JP-06"}, has_ems="maybe")
    error = load_error(sample)
    # not required to be printed: see test_a_sites_problem_does_not_flood_the_error_with_unknown_site_ids
    problem = problem_at(error, SITES, row, "has_ems", printed=False)
    assert "'maybe'" in problem.message and "true or false" in problem.message


def test_duplicate_history_year_is_rejected(sample):
    row = edit_row(sample, HISTORY, {"site_id": "JP-01", "fiscal_year": "2014"}, fiscal_year="2013")
    error = load_error(sample)
    assert len(error.problems) == 2, str(error)
    for number in (row - 1, row):
        assert "duplicate row for site_id=JP-01, fiscal_year=2013" in problem_at(error, HISTORY, number, None).message


def test_history_output_unit_not_comparable_with_this_year_is_rejected(sample):
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

def test_several_breakages_in_different_files_reported_together(sample):
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


def test_several_rule_breakages_in_different_files_reported_together(sample):
    fuel = edit_row(sample, FUEL_USE, {"site_id": "JP-02", "fuel": "lpg"}, unit="kL")
    country = edit_row(sample, SITES, {"site_id": "TH-01"}, country="ZZ")
    renewable = edit_row(sample, RENEWABLE, {"site_id": "JP-03", "source": "solar"}, used_on_site="640")
    error = load_error(sample)
    expected = [(FUEL_USE, fuel, "unit"), (SITES, country, "country"), (RENEWABLE, renewable, "used_on_site")]
    assert len(error.problems) == len(expected), str(error)
    for file, row, column in expected:
        problem_at(error, file, row, column)


def test_rule_breakages_reported_together_with_value_breakages(sample):
    quantity = edit_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "diesel"}, quantity="abc")
    renewable = edit_row(sample, RENEWABLE, {"site_id": "JP-03", "source": "solar"}, used_on_site="640")
    error = load_error(sample)
    problem_at(error, FUEL_USE, quantity, "quantity")
    assert any((p.file, p.row, p.column) == (RENEWABLE, renewable, "used_on_site") for p in error.problems), (
        "used_on_site > generated in renewable_energy.csv (a valid table) is only reported after the "
        f"unrelated bad quantity in fuel_use.csv is fixed, not 'every problem at once'; the error was:\n{error}"
    )


@pytest.mark.parametrize("breakage", ["bad boolean", "file missing"])
def test_a_sites_problem_does_not_flood_the_error_with_unknown_site_ids(sample, breakage):
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


# --- data/README.md documents the specs ------------------------------------------------------------

README = REPO / "data" / "README.md"
SPECS = list(all_tables())


def readme_sections() -> dict[str, str]:
    """Text of each ``### `...file.csv` `` section of data/README.md, keyed by the file name (a section
    ends at the next heading of level 2 or 3)."""
    sections = {}
    for part in re.split(r"^##+ ", README.read_text(encoding="utf-8"), flags=re.M)[1:]:
        heading, _, body = part.partition("\n")
        name = re.search(r"([\w]+)\.csv", heading)
        if name:
            sections[name.group(1)] = body
    return sections


def documented_columns(section: str) -> list[str]:
    return re.findall(r"^\|\s*`([^`]+)`\s*\|", section, flags=re.M)


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_readme_has_a_section_for_every_table(spec):
    assert spec.name in readme_sections(), f"data/README.md has no '### `.../{spec.file_name}`' section"


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_readme_documents_every_column_in_backticks(spec):
    text = README.read_text(encoding="utf-8")
    section = readme_sections().get(spec.name, "")
    for column in spec.columns:
        assert f"`{column.name}`" in text, f"column {column.name} of {spec.file_name} not in data/README.md"
        assert column.name in documented_columns(section), (
            f"column `{column.name}` of {spec.file_name} is not a row of its table in data/README.md"
        )


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_readme_documents_no_column_the_spec_lacks(spec):
    documented = documented_columns(readme_sections().get(spec.name, ""))
    assert documented == [c.name for c in spec.columns], f"{spec.file_name}: README {documented}"


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_readme_lists_the_allowed_values_of_each_column(spec):
    section = readme_sections().get(spec.name, "")
    for column in spec.columns:
        for value in column.allowed or ():
            assert f"`{value}`" in section, f"{spec.file_name}: allowed {column.name} `{value}` not in README"


# --- avoided emissions and product use (CO2-01 … CO2-04) -------------------------------------------

from envkpi.families.avoided_emissions.tables import load_avoided_inputs
from envkpi.families.product_use.tables import load_product_use_inputs  # noqa: E402


def avoided_sample(root: Path, tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(root / "data", project / "data")
    shutil.copytree(root / "parameters", project / "parameters")
    return project


def load_avoided(project: Path):
    params = load_parameters(project / "parameters" / "FY2018.yaml", root=project)
    return load_avoided_inputs(params, project / "data" / "FY2018", project / "data" / "reference" / "outdoor_temperature.csv",
                               project / "data" / "history" / "avoided_emissions.csv", root=project)


def test_avoided_inputs_of_the_sample_load(root, tmp_path):
    inputs = load_avoided(avoided_sample(root, tmp_path))
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
def test_bad_avoided_input_names_file_row_and_column(root, tmp_path, file, match, column, value, expected):
    project = avoided_sample(root, tmp_path)
    row = edit_row(project / "data" / "FY2018", file, match, **{column: value})
    with pytest.raises(InputError) as caught:
        load_avoided(project)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column) == (f"data/FY2018/{file}", row, column)
    assert expected in problem.message


def test_unknown_product_use_category_names_file_row_and_column(root, tmp_path):
    project = avoided_sample(root, tmp_path)
    row = edit_row(project / "data" / "FY2018", "product_use.csv", {"category": "lcd_tv", "region": "japan"}, category="lcd_tvs")
    params = load_parameters(project / "parameters" / "FY2018.yaml", root=project)
    with pytest.raises(InputError) as caught:
        load_product_use_inputs(params, project / "data" / "FY2018", root=project)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("data/FY2018/product_use.csv", row, "category")
    assert "did you mean lcd_tv?" in problem.message


# --- units, keys, rows the dictionary requires, plausible ranges (issue 9) -----------------------------

def delete_row(root: Path, file: str, match: dict[str, str]) -> int:
    """Delete the one row of ``file`` whose cells equal ``match``; return the file line it was on."""
    number = find_row(root, file, match)
    path = root / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[number - 1]
    path.write_text("".join(lines), encoding="utf-8")
    return number


def test_electricity_in_milliwatt_hours_is_rejected_naming_the_allowed_units(sample):
    # pint reads mWh as milliwatt-hours: Scope 2 of the site would drop by a factor of a billion
    row = edit_row(sample, PURCHASED, {"site_id": "JP-01", "carrier": "electricity"}, unit="mWh")
    problem = only_problem_at(load_error(sample), PURCHASED, row, "unit")
    assert problem.message == "got 'mWh'; expected one of kWh, MWh, GJ (units are case-sensitive: did you mean MWh?)"


def test_a_unit_with_a_prefix_the_dictionary_does_not_list_is_rejected(sample):
    row = edit_row(sample, PURCHASED, {"site_id": "JP-02", "carrier": "electricity"}, quantity="71.25", unit="GWh")
    problem = only_problem_at(load_error(sample), PURCHASED, row, "unit")
    assert problem.message == "got 'GWh'; expected one of kWh, MWh, GJ"


def test_electricity_in_gigajoules_is_rejected(sample):
    row = edit_row(sample, PURCHASED, {"site_id": "JP-02", "carrier": "electricity"}, quantity="256500", unit="GJ")
    problem = only_problem_at(load_error(sample), PURCHASED, row, "unit")
    assert problem.message == "got 'GJ' for electricity; expected kWh or MWh"


def test_heat_in_megawatt_hours_is_rejected(sample):
    row = edit_row(sample, PURCHASED, {"site_id": "JP-01", "carrier": "steam"}, quantity="11833", unit="MWh")
    problem = only_problem_at(load_error(sample), PURCHASED, row, "unit")
    assert problem.message == "got 'MWh' for steam (heat); expected GJ"


def test_a_second_electricity_row_for_a_site_is_rejected_on_both_rows(sample):
    first = find_row(sample, PURCHASED, {"site_id": "JP-02", "carrier": "electricity"})
    [second] = append_rows(sample, PURCHASED, "JP-02,electricity,1200,MWh")
    error = load_error(sample)
    assert len(error.problems) == 2, str(error)
    assert problem_at(error, PURCHASED, first, None).message == (
        f"duplicate row for site_id=JP-02, carrier=electricity (also row {second}); expected one row per site_id, carrier")
    assert problem_at(error, PURCHASED, second, None).message == (
        f"duplicate row for site_id=JP-02, carrier=electricity (also row {first}); expected one row per site_id, carrier")


def test_a_deleted_electricity_row_of_a_site_inside_the_boundary_is_named(sample):
    delete_row(sample, PURCHASED, {"site_id": "JP-03", "carrier": "electricity"})
    error = load_error(sample)
    site_row = find_row(sample, SITES, {"site_id": "JP-03"})
    assert error.problems == [Problem(PURCHASED, None, None, f"no electricity row for site JP-03 ({SITES} row {site_row}, "
                                      "inside the boundary); expected exactly one")], str(error)
    assert f"{PURCHASED}: no electricity row for site JP-03" in str(error)


def test_a_deleted_output_row_of_a_site_inside_the_boundary_is_named(sample):
    delete_row(sample, OUTPUT, {"site_id": "CN-02"})
    error = load_error(sample)
    site_row = find_row(sample, SITES, {"site_id": "CN-02"})
    assert error.problems == [Problem(OUTPUT, None, None, f"no output row for site CN-02 ({SITES} row {site_row}, "
                                      "inside the boundary); expected exactly one")], str(error)


def test_a_site_outside_the_boundary_needs_no_electricity_or_output_row(sample):
    delete_row(sample, PURCHASED, {"site_id": "US-02", "carrier": "electricity"})
    delete_row(sample, OUTPUT, {"site_id": "US-02"})
    inputs = load(sample)
    assert inputs.warnings == []


def test_an_electricity_row_with_a_mistyped_carrier_is_not_also_reported_missing(sample):
    row = edit_row(sample, PURCHASED, {"site_id": "JP-03", "carrier": "electricity"}, carrier="electricty")
    problem = only_problem_at(load_error(sample), PURCHASED, row, "carrier")
    assert "did you mean electricity?" in problem.message


def test_an_exact_duplicate_fuel_row_is_rejected_naming_both_rows(sample):
    first = find_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "a_heavy_oil"})
    [second] = append_rows(sample, FUEL_USE, "JP-01,a_heavy_oil,1240,kL,")
    error = load_error(sample)
    assert len(error.problems) == 2, str(error)
    end = "(site_id=JP-01, fuel=a_heavy_oil): the same in every cell, so it would be counted twice; delete one"
    assert problem_at(error, FUEL_USE, first, None).message == f"duplicate of row {second} {end}"
    assert problem_at(error, FUEL_USE, second, None).message == f"duplicate of row {first} {end}"


def test_two_rows_of_one_fuel_that_differ_are_accepted(sample):
    append_rows(sample, FUEL_USE, "JP-01,a_heavy_oil,12,kL,")  # a second delivery: both count
    assert len(load(sample).fuel_use.query("site_id == 'JP-01' and fuel == 'a_heavy_oil'")) == 2


def test_a_site_registered_twice_names_the_site_and_both_rows(sample):
    first = find_row(sample, SITES, {"site_id": "JP-01"})
    line = (sample / SITES).read_text(encoding="utf-8").splitlines()[first - 1]
    [second] = append_rows(sample, SITES, line)
    error = load_error(sample)
    assert problem_at(error, SITES, second, None).message == (
        f"duplicate of row {first} (site_id=JP-01): the same in every cell, so it would be counted twice; delete one")


def test_electricity_typed_in_kwh_as_mwh_is_beyond_the_plausible_maximum(sample):
    row = edit_row(sample, PURCHASED, {"site_id": "DE-01", "carrier": "electricity"}, unit="MWh")  # 28,460,000 kWh
    problem = only_problem_at(load_error(sample), PURCHASED, row, "quantity")
    assert problem.message == ("got '28460000' MWh; expected at most 10,000,000 [MWh] "
                               "(one site's purchase of one carrier in a year)")


def test_heat_beyond_the_plausible_maximum_is_judged_in_megawatt_hours(sample):
    row = edit_row(sample, PURCHASED, {"site_id": "JP-01", "carrier": "steam"}, quantity="42600000000")
    problem = only_problem_at(load_error(sample), PURCHASED, row, "quantity")
    assert problem.message == ("got '42600000000' GJ (= 11,833,333,333 MWh); expected at most 10,000,000 [MWh] "
                               "(one site's purchase of one carrier in a year)")


def test_electricity_above_the_typical_maximum_is_a_warning(sample):
    row = edit_row(sample, PURCHASED, {"site_id": "JP-05", "carrier": "electricity"}, quantity="2500000")
    inputs = load(sample)
    assert inputs.warnings == [Problem(PURCHASED, row, "quantity", "'2500000' MWh is above the typical maximum of "
                                       "2,000,000 [MWh] (one site's purchase of one carrier in a year); check the value "
                                       "and its unit")]
    assert 2_500_000 in set(inputs.purchased_energy["quantity"])  # used as given


def test_fuel_is_judged_by_its_energy_content(sample):
    # 5,820,000 kNm3 of Tokyo Gas city gas at 45 GJ/kNm3: 261,900,000 GJ
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "city_gas"}, quantity="5820000")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "quantity")
    assert problem.message == ("got '5820000' kNm3 (= 261,900,000 GJ); expected at most 100,000,000 [GJ] "
                               "(energy content of one fuel burnt at one site in a year)")


def test_fuel_above_its_typical_energy_content_is_a_warning(sample):
    # 300,000 kL of A heavy oil at 39.1 GJ/kL: 11,730,000 GJ
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "a_heavy_oil"}, quantity="300000")
    assert load(sample).warnings == [Problem(FUEL_USE, row, "quantity", (
        "'300000' kL (= 11,730,000 GJ) is above the typical maximum of 10,000,000 [GJ] (energy content of one fuel "
        "burnt at one site in a year); check the value and its unit"))]


def test_gas_typed_in_tonnes_instead_of_kilograms_is_a_warning(sample):
    row = edit_row(sample, NON_CO2, {"site_id": "JP-03", "gas": "HFC-134a"}, unit="t")  # 260 t of HFC-134a
    [warning] = load(sample).warnings
    assert (warning.file, warning.row, warning.column) == (NON_CO2, row, "quantity")
    assert warning.message.startswith("'260' t is above the typical maximum of 100 [t]")


def test_output_in_yen_instead_of_million_yen_is_rejected(sample):
    row = edit_row(sample, OUTPUT, {"site_id": "JP-01"}, output="168500000000")
    problem = only_problem_at(load_error(sample), OUTPUT, row, "output")
    assert problem.message == ("got '168500000000' MJPY; expected at most 100,000,000 [MJPY] "
                               "(one site's production value in a year)")


def test_history_year_written_as_a_decimal_is_read_as_the_year(sample):
    edit_row(sample, HISTORY, {"site_id": "JP-01", "fiscal_year": "2017"}, fiscal_year="2017.0")
    history = load(sample).history
    assert 2017 in set(history.loc[history["site_id"] == "JP-01", "fiscal_year"])


def test_history_year_beyond_2100_is_rejected(sample):
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


def test_cross_table_rules_run_on_tables_that_have_problems_of_their_own(sample):
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


# --- data/README.md documents the plausible ranges -------------------------------------------------

def readme_ranges() -> list[dict[str, str]]:
    """The rows of the table of data/README.md's "Plausible ranges" section."""
    text = README.read_text(encoding="utf-8").split("## Plausible ranges", 1)[1]
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    header = ["applies to", "unit", "typical", "error", "why"]
    return [dict(zip(header, (cell.strip() for cell in row.strip("|").split(" | ")))) for row in rows]


def _numbers_in(text: str) -> list[float]:
    """The numbers of a cell, before any explanation in brackets (−40 is a minus sign)."""
    text = text.split("(")[0].replace("−", "-")
    return [float(n.replace(",", "")) for n in re.findall(r"-?\d[\d,]*(?:\.\d+)?", text)]


RANGED = [(spec, column, plausible) for spec in all_tables() for column in spec.columns for plausible in column.plausible]


@pytest.mark.parametrize(("spec", "column", "plausible"), RANGED,
                         ids=[f"{s.name}.{c.name}.{p.unit}" for s, c, p in RANGED])
def test_readme_documents_each_plausible_range(spec, column, plausible):
    rows = [row for row in readme_ranges() if f"`{spec.name}.{column.name}`" in row["applies to"]
            and row["unit"].replace("°C", "degC").replace("—", "dimensionless") == plausible.unit]
    assert len(rows) == 1, f"data/README.md, Plausible ranges: no row (or several) for {spec.name}.{column.name} [{plausible.unit}]"
    row = rows[0]
    assert _numbers_in(row["typical"]) == [v for v in plausible.typical if v is not None], row
    assert _numbers_in(row["error"]) == [v for v in (plausible.error_below, plausible.error_above) if v is not None], row
    assert len(row["why"]) > 40, row


def test_every_quantity_column_has_a_plausible_range():
    for spec in all_tables():
        for column in spec.columns:
            if column.kind in ("number", "integer"):
                assert column.plausible, f"{spec.name}.{column.name} has no plausible range"


def test_every_count_column_is_whole():
    for spec in all_tables():
        for column in spec.columns:
            if "[count]" in column.description:
                assert column.kind == "integer", f"{spec.name}.{column.name} is a count but not of kind integer"


def test_allowed_units_have_the_dimension_of_their_column():
    for spec in all_tables():
        for column in spec.columns:
            if column.kind == "unit" and column.allowed and column.dimensions:
                from envkpi.core.units import parse_unit, ureg

                wanted = [ureg.get_dimensionality(d) for d in column.dimensions]
                for unit in column.allowed:
                    assert parse_unit(unit).dimensionality in wanted, f"{spec.name}.{column.name}: {unit}"


@pytest.mark.parametrize("year", [2017, 2018])
def test_the_sample_years_load_with_no_warning(root, year):
    from envkpi.families import names, validate_inputs

    params = load_parameters(root / "parameters" / f"FY{year}.yaml", root=root)
    assert validate_inputs(params, root / "data" / f"FY{year}", root, list(names())) == []


# --- avoided emissions, product use and the temperature series (issue 9) ----------------------------

def avoided_error(project: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_avoided(project)
    return caught.value


TEMPERATURE = "data/reference/outdoor_temperature.csv"
YEAR_DIR = "data/FY2018"


def test_pv_capacity_in_milliwatts_is_rejected(root, tmp_path):
    project = avoided_sample(root, tmp_path)
    row = edit_row(project, f"{YEAR_DIR}/pv_shipments.csv", {"region": "japan"}, unit="mW")
    [problem] = avoided_error(project).problems
    assert problem == Problem(f"{YEAR_DIR}/pv_shipments.csv", row, "unit",
                              "got 'mW'; expected one of kW, MW (units are case-sensitive: did you mean MW?)")


def test_a_fractional_count_of_fuel_cells_is_rejected(root, tmp_path):
    project = avoided_sample(root, tmp_path)
    row = edit_row(project, f"{YEAR_DIR}/fuel_cell_shipments.csv", {"region": "europe"}, units_shipped="640.25")
    [problem] = avoided_error(project).problems
    assert problem == Problem(f"{YEAR_DIR}/fuel_cell_shipments.csv", row, "units_shipped",
                              "got '640.25'; expected a whole number")


def test_a_count_written_with_a_zero_decimal_is_whole(root, tmp_path):
    project = avoided_sample(root, tmp_path)
    edit_row(project, f"{YEAR_DIR}/fuel_cell_shipments.csv", {"region": "europe"}, units_shipped="640.0")
    assert load_avoided(project).fuel_cell_shipments["units_shipped"].tolist() == [13850, 640]


def test_pv_capacity_typed_in_kw_as_mw_is_beyond_the_plausible_maximum(root, tmp_path):
    project = avoided_sample(root, tmp_path)
    row = edit_row(project, f"{YEAR_DIR}/pv_shipments.csv", {"region": "japan"}, unit="MW")  # 248,600 MW
    [problem] = avoided_error(project).problems
    assert problem == Problem(f"{YEAR_DIR}/pv_shipments.csv", row, "capacity_shipped",
                              "got '248600' MW (= 248,600,000 kW); expected at most 100,000,000 [kW] "
                              "(PV capacity shipped to one region in a year)")


def test_a_product_listed_twice_is_rejected_naming_both_rows(root, tmp_path):
    project = avoided_sample(root, tmp_path)
    file = f"{YEAR_DIR}/heat_exchange_ventilation.csv"
    first = find_row(project, file, {"product": "room heat-exchange ventilation fan"})
    [second] = append_rows(project, file, "room heat-exchange ventilation fan,14800")
    problems = avoided_error(project).problems
    end = "(product=room heat-exchange ventilation fan): the same in every cell, so it would be counted twice; delete one"
    assert problems == [Problem(file, first, None, f"duplicate of row {second} {end}"),
                        Problem(file, second, None, f"duplicate of row {first} {end}")]


def test_a_trillion_units_sold_is_rejected(root, tmp_path):
    project = avoided_sample(root, tmp_path)
    file = f"{YEAR_DIR}/product_use.csv"
    row = edit_row(project, file, {"category": "room_air_conditioner", "region": "japan"}, units_sold="1e12")
    params = load_parameters(project / "parameters" / "FY2018.yaml", root=project)
    with pytest.raises(InputError) as caught:
        load_product_use_inputs(params, project / YEAR_DIR, root=project)
    assert caught.value.problems == [Problem(file, row, "units_sold", "got '1e12'; expected at most 1,000,000,000 "
                                             "[count] (one row's units in a year)")]


def test_product_use_inputs_carry_their_warnings(root, tmp_path):
    project = avoided_sample(root, tmp_path)
    file = f"{YEAR_DIR}/product_use.csv"
    row = edit_row(project, file, {"category": "lcd_tv", "region": "japan"}, model_kwh_per_year="115000")
    params = load_parameters(project / "parameters" / "FY2018.yaml", root=project)
    products, files, warnings = load_product_use_inputs(params, project / YEAR_DIR, root=project)
    assert warnings == [Problem(file, row, "model_kwh_per_year", "'115000' is above the typical maximum of 100,000 "
                                "[kWh/year] (one product or house in a year); check the value and its unit")]
    assert len(products) > 0 and files[-1].path == file


def test_an_hour_missing_from_the_temperature_series_is_named_at_its_file_row(root, tmp_path):
    project = avoided_sample(root, tmp_path)
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
def test_a_bad_hour_in_the_temperature_series_is_named_at_its_file_row(root, tmp_path, row, text, message):
    project = avoided_sample(root, tmp_path)
    path = project / TEMPERATURE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[row - 1] = f"{text},11.4\n"
    path.write_text("".join(lines), encoding="utf-8")
    problems = avoided_error(project).problems
    assert problems[0] == Problem(TEMPERATURE, row, "timestamp", message)
    # the next hour follows the last good one, or the bad one: at most one more problem, on row 6
    assert all(p.row == row + 1 for p in problems[1:]), problems


def test_a_temperature_in_tenths_of_a_degree_is_rejected(root, tmp_path):
    project = avoided_sample(root, tmp_path)
    path = project / TEMPERATURE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[9] = lines[9].split(",")[0] + ",117\n"
    path.write_text("".join(lines), encoding="utf-8")
    assert avoided_error(project).problems == [Problem(TEMPERATURE, 10, "outdoor_temp_c", (
        "got '117'; expected at most 60 [degC] (outdoor air temperature)"))]


# --- sites over time: the register's first and last fiscal years (issue 12, point 1) ----------------

from envkpi.families.production import calculations as prd  # noqa: E402

ACTIVITY = (FUEL_USE, PURCHASED, RENEWABLE, NON_CO2, OUTPUT)


def site_rows(root: Path, file: str, site: str) -> list[int]:
    """File lines (header = 1) of the rows of ``file`` for ``site``."""
    with open(root / file, newline="", encoding="utf-8") as handle:
        return [number for number, row in enumerate(csv.DictReader(handle), start=2) if row["site_id"] == site]


def drop_site_rows(root: Path, file: str, site: str) -> None:
    """Delete every row of ``site`` from ``file`` (the site has no figures for the year)."""
    path = root / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if _cells(line.rstrip("\r\n"))[0] != site), encoding="utf-8")


def close_site(root: Path, site: str, last: str, *, drop_rows: bool = True) -> int:
    """Give ``site`` a last fiscal year in the FY2018 register (and, as a team would, delete its FY2018 rows)."""
    row = edit_row(root, SITES, {"site_id": site}, last_fiscal_year=last)
    if drop_rows:
        for file in ACTIVITY:
            drop_site_rows(root, file, site)
    return row


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


def test_a_last_fiscal_year_before_the_first_is_rejected_without_flooding(sample):
    row = edit_row(sample, SITES, {"site_id": "TH-01"}, last_fiscal_year="2015")
    problem = only_problem_at(load_error(sample), SITES, row, "last_fiscal_year")
    assert problem.message == "got 2015, before first_fiscal_year 2016; expected 2016 or later (empty: still in the group)"


def test_a_row_of_this_year_for_a_closed_site_names_file_row_column_and_the_register(sample):
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


def test_a_row_of_this_year_for_a_site_not_yet_in_the_group_is_rejected(sample):
    register_row = edit_row(sample, SITES, {"site_id": "IN-01"}, first_fiscal_year="2019")
    error = load_error(sample)
    row = site_rows(sample, OUTPUT, "IN-01")[0]
    problem = problem_at(error, OUTPUT, row, "site_id", printed=False)
    assert problem.message == (f"IN-01 joins the group in FY2019 ({SITES} row {register_row}, first_fiscal_year); "
                               "expected no FY2018 rows for it")


def test_an_excluded_site_that_closed_has_no_rows_either(sample):
    close_site(sample, "ES-01", "2017", drop_rows=False)  # outside the boundary anyway, but closed: no rows
    error = load_error(sample)
    assert {p.file for p in error.problems} == set(ACTIVITY) - {RENEWABLE, NON_CO2} | {
        f for f in (RENEWABLE, NON_CO2) if site_rows(sample, f, "ES-01")}
    assert all(p.column == "site_id" and p.message.startswith("ES-01 closed after FY2017") for p in error.problems)


def test_a_closed_site_keeps_its_past_years_in_the_history_and_the_chained_index(sample):
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


def test_a_history_row_of_an_unknown_site_before_the_year_names_the_hint_to_keep_closed_sites(sample):
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
def test_a_history_row_outside_the_sites_years_is_rejected(sample, site, year, message):
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


def test_history_rows_of_the_year_or_later_are_not_judged_against_the_register(sample):
    # rows appended for later years (a site that joins in FY2019, an output unit JP-01 takes later) are no
    # concern of FY2018: neither judged against its register nor used (their cells are still read)
    append_rows(sample, HISTORY, "XX-01,2019,100,t CO2,200,MJPY,data book FY2019",
                "JP-01,2019,100,t CO2,200,t,a row in another output unit")
    history = load(sample).history
    assert "XX-01" not in set(history["site_id"]) and history["fiscal_year"].max() == 2017


def test_the_output_unit_of_a_history_row_not_used_is_not_compared(sample):
    edit_row(sample, HISTORY, {"site_id": "US-02", "fiscal_year": "2016"}, output_unit="t")  # outside the boundary
    assert "US-02" not in set(load(sample).history["site_id"])


@pytest.fixture
def sample_2017(tmp_path: Path) -> Path:
    """A project root holding copies of the FY2017 inputs, the history and the parameters."""
    shutil.copytree(REPO / "data" / "FY2017", tmp_path / "data" / "FY2017")
    shutil.copytree(REPO / "data" / "history", tmp_path / "data" / "history")
    shutil.copytree(REPO / "parameters", tmp_path / "parameters")
    return tmp_path


def test_fy2017_runs_with_the_history_of_a_site_that_started_later(sample_2017):
    # the history as publishing FY2018 left it: IN-01 among its FY2018 rows (not in the FY2017 register)
    assert "IN-01,2018," in (sample_2017 / HISTORY).read_text(encoding="utf-8")
    params = load_parameters(sample_2017 / "parameters" / "FY2017.yaml", root=sample_2017)
    inputs = load_production_inputs(params, sample_2017 / "data" / "FY2017", sample_2017 / HISTORY, root=sample_2017)
    assert "IN-01" not in set(inputs.boundary["site_id"])
    assert "IN-01" not in set(inputs.history["site_id"]) and inputs.history["fiscal_year"].max() == 2016
