"""Tests for envkpi.parameters: loading, merging and validating the parameter files.

Every ``parameters/FY*.yaml`` of the repository is loaded as it is (a new year's file is tested
automatically). Everything else works on copies of ``parameters/`` in pytest's ``tmp_path``, loaded
with ``root=tmp_path``: each breaks one thing and checks that the :class:`ParameterError` names the
file (``parameters/common.yaml`` or ``parameters/FY2018.yaml``), the key path and what was expected.
"""

from __future__ import annotations

import hashlib
import math
import shutil
from pathlib import Path

import pytest

from envkpi.parameters import Param, ParameterError, Parameters, load_parameters
from envkpi.units import parse_unit

REPO = Path(__file__).resolve().parents[1]
YEAR_FILES = sorted((REPO / "parameters").glob("FY*.yaml"))

COMMON = "parameters/common.yaml"
YEAR = "parameters/FY2018.yaml"
JP = "production.electricity_factors.JP"
JP_UNIT = "JP: {value: 0.410, unit: kg CO2 / kWh,"
CN_OVERRIDE = '  electricity_factors:\n    CN: {value: 0.7, unit: kg CO2 / kWh, source: "test override of CN"}\n'


@pytest.fixture
def params_root(tmp_path: Path) -> Path:
    """A project root in tmp_path holding a copy of parameters/."""
    shutil.copytree(REPO / "parameters", tmp_path / "parameters")
    return tmp_path


def replace_once(root: Path, file: str, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in the copy of ``file``."""
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{file}: {text.count(old)} occurrences of {old!r}; the file changed?"
    path.write_text(text.replace(old, new), encoding="utf-8")


def replace_line(root: Path, file: str, start: str, new: str) -> int:
    """Replace the one line of the copy of ``file`` that starts with ``start``; return its line number."""
    path = root / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    hits = [n for n, line in enumerate(lines) if line.startswith(start)]
    assert len(hits) == 1, f"{file}: {len(hits)} lines start with {start!r}; the file changed?"
    lines[hits[0]] = new + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    return hits[0] + 1


def add_to_year_production(root: Path, yaml_lines: str) -> None:
    """Insert ``yaml_lines`` (indented two spaces) at the top of the year copy's ``production:`` block."""
    replace_once(root, YEAR, "\nproduction:\n", "\nproduction:\n" + yaml_lines)


def load(root: Path) -> Parameters:
    return load_parameters(root / YEAR, root=root)


def load_error(root: Path, file: str = YEAR) -> ParameterError:
    with pytest.raises(ParameterError) as caught:
        load_parameters(root / file, root=root)
    return caught.value


def load_or_error(root: Path) -> tuple[Parameters | None, ParameterError | None]:
    """Load the year copy; return (parameters, None) or (None, the error)."""
    try:
        return load(root), None
    except ParameterError as error:
        return None, error


def problem_with(error: ParameterError, *parts: str) -> str:
    """The one problem line containing every one of ``parts``; it must also be printed."""
    found = [p for p in error.problems if all(part in p for part in parts)]
    assert len(found) == 1, f"expected one problem with {parts}; got:\n{error}"
    assert found[0] in str(error)
    return found[0]


# --- the repository's files --------------------------------------------------------------------------

def test_repository_has_year_parameter_files():
    assert YEAR_FILES, "no parameters/FY*.yaml in the repository"


@pytest.mark.parametrize("path", YEAR_FILES, ids=lambda p: p.name)
def test_year_file_loads(path):
    params = load_parameters(path, root=REPO)
    assert params.fiscal_year == int(path.stem.removeprefix("FY")), f"{path.name} declares FY{params.fiscal_year}"


@pytest.mark.parametrize("path", YEAR_FILES, ids=lambda p: p.name)
def test_year_file_every_param_has_source_and_parsable_unit(path):
    params = load_parameters(path, root=REPO)
    checked = 0
    for key, item in params.flat():
        assert item.source and item.source.strip(), f"{path.name}: {key} has no source"
        if isinstance(item, Param):
            parse_unit(item.unit)
            assert math.isfinite(item.value), f"{path.name}: {key} = {item.value}"
            checked += 1
    assert checked > 0, f"{path.name}: no Param found"


@pytest.mark.parametrize("path", YEAR_FILES, ids=lambda p: p.name)
def test_year_file_gwp_sets_have_sources(path):
    params = load_parameters(path, root=REPO)
    for name, gwp in params.gwp_sets.items():
        assert gwp.source.strip(), f"{path.name}: gwp_sets.{name} has no source"


@pytest.mark.parametrize("path", YEAR_FILES, ids=lambda p: p.name)
def test_year_file_records_its_files_relative_to_root(path):
    params = load_parameters(path, root=REPO)
    assert params.files[0].path == f"parameters/{path.name}"
    assert all(record.role == "parameters" for record in params.files)


def test_common_file_alone_is_not_a_year_file():
    with pytest.raises(ParameterError) as caught:
        load_parameters(REPO / COMMON, root=REPO)
    for key in ("fiscal_year", "standard", "boundary"):
        problem_with(caught.value, COMMON, f"{key}: required key is missing")


# --- misspelt keys -------------------------------------------------------------------------------------

def test_misspelt_key_in_common_suggests_the_key_and_names_common(params_root):
    replace_once(params_root, COMMON, "      calorific_value: {value: 50.8,", "      calorific_valu: {value: 50.8,")
    error = load_error(params_root)
    assert error.problems == [
        f"{COMMON}: production.fuels.lpg.calorific_valu: unknown key; did you mean calorific_value?"
    ], str(error)


def test_misspelt_key_in_year_file_names_the_year_file(params_root):
    replace_once(params_root, YEAR, "  edition:", "  editon:")
    error = load_error(params_root)
    assert problem_with(error, "standard.editon") == f"{YEAR}: standard.editon: unknown key; did you mean edition?"
    assert all(p.startswith(YEAR) for p in error.problems), str(error)


def test_misspelt_nested_key_in_year_file_names_the_year_file(params_root):
    replace_once(params_root, YEAR, '"Tokyo Gas", calorific_value:', '"Tokyo Gas", calorific_valeu:')
    error = load_error(params_root)
    problem = problem_with(error, "calorific_valeu")
    assert problem.startswith(f"{YEAR}: production.city_gas_suppliers.tokyo_gas.calorific_valeu: unknown key")
    assert "did you mean calorific_value?" in problem


# --- values, units, sources ----------------------------------------------------------------------------

def test_unit_of_wrong_dimension_names_key_path_and_expected_dimension(params_root):
    replace_once(params_root, COMMON, JP_UNIT, "JP: {value: 0.410, unit: kg CO2 / t,")
    error = load_error(params_root)
    assert len(error.problems) == 1, str(error)
    problem = problem_with(error, f"{COMMON}: {JP}")
    assert "'kg CO2 / t'" in problem
    assert "expected a unit like kg CO2 / kWh" in problem  # the example of a right unit


def test_unparsable_unit_is_rejected(params_root):
    replace_once(params_root, COMMON, JP_UNIT, "JP: {value: 0.410, unit: kg CO2 / kWhz,")
    problem = problem_with(load_error(params_root), f"{COMMON}: {JP}.unit")
    assert "kWhz" in problem and "not a unit" in problem


def test_missing_unit_is_rejected_with_key_path(params_root):
    replace_line(params_root, COMMON, "    JP: {", '    JP: {value: 0.410, source: "Calculation standard"}')
    error = load_error(params_root)
    assert error.problems == [f"{COMMON}: {JP}.unit: required key is missing"], str(error)


def test_missing_source_is_rejected_with_key_path(params_root):
    replace_line(params_root, COMMON, "    JP: {", "    JP: {value: 0.410, unit: kg CO2 / kWh}")
    error = load_error(params_root)
    assert error.problems == [f"{COMMON}: {JP}.source: required key is missing"], str(error)


def test_empty_source_is_rejected_with_key_path(params_root):
    replace_line(params_root, COMMON, "    JP: {", '    JP: {value: 0.410, unit: kg CO2 / kWh, source: ""}')
    problem = problem_with(load_error(params_root), f"{COMMON}: {JP}.source")
    assert "source '' is blank; expected the document, table or clause, and edition" in problem


def test_blank_source_is_rejected(params_root):
    replace_line(params_root, COMMON, "    JP: {", '    JP: {value: 0.410, unit: kg CO2 / kWh, source: "     "}')
    params, error = load_or_error(params_root)
    assert error is not None, (
        f"a source of blanks was accepted for {JP}: {params.production.electricity_factors['JP'].source!r}"
    )
    problem_with(error, f"{JP}.source")


def test_text_value_is_rejected(params_root):
    replace_once(params_root, COMMON, "JP: {value: 0.410,", 'JP: {value: "0.41x",')
    error = load_error(params_root)
    assert len(error.problems) == 1, str(error)
    problem = problem_with(error, f"{COMMON}: {JP}.value")
    assert "'0.41x'" in problem and "number" in problem


@pytest.mark.parametrize("text", [".nan", ".inf", "true"])
def test_value_that_is_not_a_finite_number_is_rejected(params_root, text):
    replace_once(params_root, COMMON, "JP: {value: 0.410,", f"JP: {{value: {text},")
    params, error = load_or_error(params_root)
    assert error is not None, (
        f"value: {text} was accepted as {JP} = {params.production.electricity_factors['JP'].value!r}: "
        "a silently wrong number"
    )
    problem_with(error, f"{JP}.value")


def test_invalid_confidence_lists_the_labels(params_root):
    replace_once(params_root, COMMON, 'every year", confidence: primary}', 'every year", confidence: primery}')
    problem = problem_with(load_error(params_root), f"{COMMON}: {JP}.confidence")
    assert "'primery'" in problem and "primary" in problem


def test_duplicate_key_is_rejected(params_root):
    replace_once(
        params_root, COMMON, "    CN: {value: 0.74785,",
        '    JP: {value: 4.10, unit: kg CO2 / kWh, source: "a second JP entry"}\n    CN: {value: 0.74785,',
    )
    params, error = load_or_error(params_root)
    assert error is not None, (
        f"{JP} is given twice in common.yaml (0.410, then 4.10) and the second silently won: "
        f"{params.production.electricity_factors['JP'].value}"
    )
    problem_with(error, COMMON, "JP")


def test_several_problems_are_reported_together(params_root):
    replace_once(params_root, COMMON, "      calorific_value: {value: 50.8,", "      calorific_valu: {value: 50.8,")
    replace_once(params_root, COMMON, "JP: {value: 0.410,", 'JP: {value: "0.41x",')
    replace_once(params_root, COMMON, "CN: {value: 0.74785, unit: kg CO2 / kWh,", "CN: {value: 0.74785, unit: t,")
    replace_once(params_root, YEAR, "  edition:", "  editon:")
    error = load_error(params_root)
    problem_with(error, f"{COMMON}: production.fuels.lpg.calorific_valu: unknown key")
    problem_with(error, f"{COMMON}: {JP}.value", "'0.41x'")
    problem_with(error, f"{COMMON}: production.electricity_factors.CN", "'t'")
    problem_with(error, f"{YEAR}: standard.editon: unknown key")
    assert len(error.problems) >= 4
    assert str(error).startswith(f"{len(error.problems)} problems in the parameters")


# --- files: YAML syntax, extends, provenance -------------------------------------------------------------

@pytest.mark.parametrize("file", [YEAR, COMMON])
def test_broken_yaml_names_the_file_and_line(params_root, file):
    start = "fiscal_year" if file == YEAR else "fiscal_year_start_month"
    line = replace_line(params_root, file, start, f"{start}: 2018: 2019")
    error = load_error(params_root)
    assert len(error.problems) == 1, str(error)
    assert error.problems[0].startswith(f"{file}: line {line} not valid YAML"), str(error)


def test_an_impossible_date_is_a_parameter_error_naming_the_file(params_root):
    replace_line(params_root, YEAR, "fiscal_year", "fiscal_year: 2018-13-01")
    error = load_error(params_root)
    assert error.problems == [f"{YEAR}: not valid YAML (month must be in 1..12)"], str(error)


def test_extends_missing_file_is_reported(params_root):
    replace_once(params_root, YEAR, "extends: common.yaml", "extends: commn.yaml")
    error = load_error(params_root)
    assert len(error.problems) == 1, str(error)
    assert "parameters/commn.yaml" in error.problems[0]
    assert "not found" in error.problems[0]


def test_extends_missing_file_names_the_file_that_extends_it(params_root):
    replace_once(params_root, YEAR, "extends: common.yaml", "extends: commn.yaml")
    problem = load_error(params_root).problems[0]
    assert YEAR in problem and "extends" in problem, (
        f"the message does not say which file's 'extends' names the missing file: {problem!r}"
    )


def test_extends_loop_is_reported(params_root):
    replace_once(params_root, COMMON, "\norganisation:\n", "\nextends: FY2018.yaml\norganisation:\n")
    problem = load_error(params_root).problems[0]
    assert "extends" in problem and "loops" in problem


def test_files_lists_year_and_common_with_sha256(params_root):
    files = load(params_root).files
    assert [record.path for record in files] == [YEAR, COMMON]
    for record in files:
        assert record.role == "parameters"
        assert record.sha256 == hashlib.sha256((params_root / record.path).read_bytes()).hexdigest()


# --- merging ------------------------------------------------------------------------------------------

def test_year_file_overrides_common_key_by_key(params_root):
    add_to_year_production(params_root, CN_OVERRIDE)
    common = load_parameters(REPO / YEAR, root=REPO).production.electricity_factors
    factors = load(params_root).production.electricity_factors
    assert factors["CN"].value == 0.7
    assert factors["CN"].source == "test override of CN"
    assert factors["JP"] == common["JP"], "JP should stay as common.yaml gives it"
    assert set(factors) == set(common), "the override should not drop the other countries"


def test_overriding_a_parameter_replaces_it_whole(params_root):
    add_to_year_production(params_root, CN_OVERRIDE)
    cn = load(params_root).production.electricity_factors["CN"]
    assert cn.confidence is None, "confidence of common.yaml's CN leaked into the year's CN"


# --- references and GWP sets ----------------------------------------------------------------------------

def test_gwp_set_not_in_gwp_sets_is_rejected(params_root):
    add_to_year_production(params_root, '  gwp_set: {value: AR5, source: "test: a set that is not defined"}\n')
    error = load_error(params_root)
    assert len(error.problems) == 1, str(error)
    problem = problem_with(error, "production.gwp_set", "'AR5'")
    assert problem.startswith(YEAR)
    assert "AR4" in problem  # the sets that exist


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("    value: AR4\n", "    value: AR5\n", "production.gwp_set"),
        ("    JP: {value: 0.410,", "    jp: {value: 0.410,", "electricity_factors.jp"),
    ],
    ids=["gwp_set", "country_code"],
)
def test_rule_problem_in_common_names_common(params_root, old, new, key):
    replace_once(params_root, COMMON, old, new)
    problem = problem_with(load_error(params_root), key)
    assert problem.startswith(COMMON), f"the key was broken in {COMMON} but the problem says: {problem!r}"


def test_gwp_with_wrong_gas_unit_is_rejected(params_root):
    replace_once(params_root, COMMON, "CH4: {value: 25, unit: CO2e / CH4,", "CH4: {value: 25, unit: CO2e / N2O,")
    error = load_error(params_root)
    assert len(error.problems) == 1, str(error)
    problem = problem_with(error, "gwp_sets.AR4", "CH4")
    assert problem.startswith(COMMON)
    assert "'CO2e / N2O'" in problem and "expected CO2e / CH4" in problem


def test_gwp_of_unknown_gas_is_rejected(params_root):
    replace_once(params_root, COMMON, "      CH4: {value: 25,", "      CH5: {value: 25,")
    problem = problem_with(load_error(params_root), "gwp_sets.AR4", "CH5")
    assert "unknown gas" in problem and "CH4" in problem


def test_fuel_without_calorific_value_is_rejected(params_root):
    replace_line(
        params_root, COMMON, "      calorific_value: {value: 50.8,",
        "      # calorific value removed by the test",
    )
    problem = problem_with(load_error(params_root), "fuels.lpg.calorific_value")
    assert "required" in problem


def test_period_runs_from_the_start_month_to_the_day_before_it_a_year_later(root):
    from datetime import date

    from envkpi.parameters import load_parameters

    params = load_parameters(root / "parameters" / "FY2018.yaml", root=root)
    # fiscal_year_start_month 4: 1 April 2018 … 31 March 2019
    assert params.period == (date(2018, 4, 1), date(2019, 3, 31))
