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

import pytest

from envkpi.inputs import InputError, Problem
from envkpi.parameters import load_parameters
from envkpi.tables import PRODUCTION_TABLES, SITE_HISTORY, ProductionInputs, load_production_inputs

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


def test_excluded_rows_are_counted_per_table(sample):
    excluded = load(sample).excluded_rows.set_index("table")["rows_outside_boundary"]
    for file in (FUEL_USE, PURCHASED, RENEWABLE, NON_CO2, OUTPUT):
        with open(sample / file, newline="", encoding="utf-8") as handle:
            outside = sum(row["site_id"] in OUT_OF_BOUNDARY for row in csv.DictReader(handle))
        assert excluded[Path(file).name] == outside, file


def test_history_keeps_only_years_before_the_fiscal_year(sample):
    append_rows(sample, HISTORY, "JP-01,2018,1,t CO2,1,MJPY,future row", "JP-01,2019,1,t CO2,1,MJPY,future row")
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


def test_fuel_unit_of_wrong_dimension_is_rejected(sample):
    row = edit_row(sample, FUEL_USE, {"site_id": "JP-01", "fuel": "diesel"}, unit="kWh")
    problem = only_problem_at(load_error(sample), FUEL_USE, row, "unit")
    assert "'kWh'" in problem.message and "[volume] or [mass]" in problem.message


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
    row = edit_row(sample, NON_CO2, {"site_id": "JP-03", "gas": "HFC-134a"}, gas="HFC-134x")
    problem = only_problem_at(load_error(sample), NON_CO2, row, "gas")
    assert "'HFC-134x'" in problem.message and "expected a known gas" in problem.message
    assert "did you mean HFC-134a?" in problem.message


def test_gas_mass_in_energy_unit_is_rejected(sample):
    row = edit_row(sample, NON_CO2, {"site_id": "JP-01", "gas": "SF6"}, unit="kWh")
    problem = only_problem_at(load_error(sample), NON_CO2, row, "unit")
    assert "[mass]" in problem.message


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
SPECS = [*PRODUCTION_TABLES, SITE_HISTORY]


def readme_sections() -> dict[str, str]:
    """Text of each ``### `...file.csv` `` section of data/README.md, keyed by the file name."""
    sections = {}
    for part in re.split(r"^### ", README.read_text(encoding="utf-8"), flags=re.M)[1:]:
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

from envkpi.tables import load_avoided_inputs, load_product_use_inputs  # noqa: E402


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
    ("teleconference_systems.csv", {"region": "asia"}, "units_sold", "many", "got 'many'; expected a number"),
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
