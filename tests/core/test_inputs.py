"""Tests for envkpi.inputs: the generic CSV reader and its problem reports.

Every test writes a small CSV of its own into pytest's ``tmp_path`` (under ``data/``) and reads it
with ``root=tmp_path``, so messages show the relative name ``data/readings.csv``. The promise
checked here: a bad input gives an :class:`InputError` whose every :class:`Problem` names the file,
the row (file line number, header = row 1) and the column, and says what was expected; all
problems come at once; and a good file is parsed to typed values without losing its row numbers.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from envkpi.core.inputs import (SHOWN_PROBLEMS, Column, InputError, Problem, TableSpec, check_rows, raise_problems,
    read_table)

FILE = "data/readings.csv"

READINGS = TableSpec(
    "readings",
    "Meter readings: a table with one column of every kind, for these tests.",
    (
        Column("meter", "text", "meter identifier"),
        Column("site", "text", "site identifier; allowed values come from references"),
        Column("reading", "number", "energy read", unit="from unit", unit_column="unit", minimum=0),
        Column("unit", "unit", "unit of the reading", dimensions=("[energy]",)),
        Column("digits", "integer", "number of dial digits", required=False),
        Column("metered", "boolean", "read from a meter (not estimated)"),
        Column("source", "text", "energy source", allowed=("solar", "wind", "grid")),
        Column("note", "text", "free text", required=False),
    ),
    unique=("meter",),
)

HEADER = "meter,site,reading,unit,digits,metered,source,note"
GOOD_ROW = "M1,JP-01,120.5,kWh,6,true,grid,"
SITES = {"site": ["JP-01", "CN-01"]}


def write_csv(tmp_path: Path, *lines: str, name: str = "readings.csv") -> Path:
    """Write ``lines`` (header first) as ``data/<name>`` under ``tmp_path``."""
    path = tmp_path / "data" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_error(tmp_path: Path, *lines: str, references=SITES) -> InputError:
    """Read a CSV that must be rejected and return the InputError."""
    path = write_csv(tmp_path, *lines)
    with pytest.raises(InputError) as caught:
        read_table(path, READINGS, root=tmp_path, references=references)
    return caught.value


def only_problem(error: InputError) -> Problem:
    assert len(error.problems) == 1, f"expected exactly one problem, got:\n{error}"
    return error.problems[0]


def problem_at(error: InputError, row: int | None, column: str | None, file: str = FILE) -> Problem:
    """The problem located at ``file``, ``row``, ``column`` (fails listing all problems otherwise)."""
    found = [p for p in error.problems if (p.file, p.row, p.column) == (file, row, column)]
    assert found, f"no problem at {file}, row {row}, column {column!r}; the error was:\n{error}"
    assert len(found) == 1, f"several problems at {file}, row {row}, column {column!r}:\n{error}"
    return found[0]


def assert_shown(error: InputError, problem: Problem) -> None:
    """The problem's line (file, row, column: message) is printed in the error message."""
    line = str(problem)
    assert line in str(error), f"{line!r} is not printed in the error message:\n{error}"
    assert line.startswith(problem.file), line
    if problem.row is not None:
        assert f"row {problem.row}" in line, line
    if problem.column is not None:
        assert f"column {problem.column!r}" in line, line


# --- a valid table ------------------------------------------------------------------------------

def test_valid_table_parses_numbers_to_floats(tmp_path):
    path = write_csv(tmp_path, HEADER, GOOD_ROW, "M2,CN-01,7,MWh,5,false,solar,roof")
    table = read_table(path, READINGS, root=tmp_path, references=SITES)
    assert table.data["reading"].tolist() == [120.5, 7.0]
    assert table.data["reading"].dtype == "float64"
    assert all(isinstance(v, float) for v in table.data["reading"].tolist())


def test_valid_table_parses_booleans_to_bool(tmp_path):
    path = write_csv(tmp_path, HEADER, GOOD_ROW, "M2,CN-01,7,MWh,5,FALSE,solar,", "M3,CN-01,7,MWh,5,yes,wind,")
    table = read_table(path, READINGS, root=tmp_path, references=SITES)
    assert table.data["metered"].dtype == bool
    assert table.data["metered"].tolist() == [True, False, True]


def test_valid_table_parses_integers_and_keeps_text(tmp_path):
    path = write_csv(tmp_path, HEADER, GOOD_ROW, "M2,CN-01,7,MWh,5,false,solar,on the roof")
    table = read_table(path, READINGS, root=tmp_path, references=SITES)
    assert table.data["digits"].tolist() == [6, 5]
    assert table.data["meter"].tolist() == ["M1", "M2"]
    assert table.data["note"].tolist() == ["", "on the roof"]
    assert table.data["unit"].tolist() == ["kWh", "MWh"]


def test_valid_table_keeps_file_row_numbers_across_blank_lines(tmp_path):
    path = write_csv(
        tmp_path, HEADER, GOOD_ROW, "", "M2,CN-01,7,MWh,5,false,solar,", "", "M3,CN-01,8,MWh,5,false,wind,"
    )
    table = read_table(path, READINGS, root=tmp_path, references=SITES)
    assert table.rows == [2, 4, 6]
    assert table.row_of(2) == 6
    assert table.problem(1, "reading", "x") == Problem(FILE, 4, "reading", "x")


def test_record_sha256_is_the_hash_of_the_file_bytes(tmp_path):
    path = write_csv(tmp_path, HEADER, GOOD_ROW, "M2,CN-01,7,MWh,5,false,solar,")
    table = read_table(path, READINGS, root=tmp_path, references=SITES)
    assert table.record.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_record_rows_counts_data_rows_without_header(tmp_path):
    path = write_csv(tmp_path, HEADER, GOOD_ROW, "M2,CN-01,7,MWh,5,false,solar,", "M3,CN-01,8,MWh,5,false,wind,")
    table = read_table(path, READINGS, root=tmp_path, references=SITES)
    assert table.record.rows == 3
    assert table.record.path == FILE
    assert table.display == FILE


def test_utf8_byte_order_mark_from_excel_is_accepted(tmp_path):
    path = tmp_path / "data" / "readings.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(("\ufeff" + HEADER + "\r\n" + GOOD_ROW + "\r\n").encode("utf-8"))
    table = read_table(path, READINGS, root=tmp_path, references=SITES)
    assert table.data["meter"].tolist() == ["M1"]


# --- header problems ----------------------------------------------------------------------------

def test_missing_column_names_the_column_and_row_1(tmp_path):
    error = read_error(tmp_path, "meter,site,reading,unit,digits,metered,note", "M1,JP-01,1,kWh,6,true,")
    problem = only_problem(error)
    assert (problem.file, problem.row, problem.column) == (FILE, 1, "source")
    assert "missing" in problem.message
    assert_shown(error, problem)


def test_misspelt_column_suggests_the_right_name(tmp_path):
    error = read_error(tmp_path, "meter,site,readng,unit,digits,metered,source,note", "M1,JP-01,1,kWh,6,true,grid,")
    problem = problem_at(error, 1, "readng")
    assert "unknown column" in problem.message
    assert "did you mean reading?" in problem.message
    assert "missing" in problem_at(error, 1, "reading").message
    assert_shown(error, problem)


def test_unknown_column_without_a_close_name_lists_the_expected_columns(tmp_path):
    error = read_error(tmp_path, HEADER + ",xyzzy", GOOD_ROW + ",1")
    problem = only_problem(error)
    assert (problem.row, problem.column) == (1, "xyzzy")
    assert "unknown column" in problem.message
    assert "expected meter, site, reading, unit" in problem.message


def test_column_twice_in_the_header_is_named(tmp_path):
    error = read_error(tmp_path, HEADER + ",reading", GOOD_ROW + ",1")
    problem = only_problem(error)
    assert problem.row == 1 and "twice" in problem.message
    assert problem.column == "reading" or "reading" in problem.message, (
        f"the duplicated column is not named; the message was: {problem}"
    )


#: READINGS with a column added later, which files written before it may leave out of their header.
READINGS_SINCE = TableSpec(READINGS.name, READINGS.description, (
    *READINGS.columns,
    Column("since", "integer", "year the meter was installed; empty: before the records", required=False,
           header_optional=True),
), unique=READINGS.unique)


def test_a_header_optional_column_left_out_of_the_header_reads_as_empty(tmp_path):
    path = write_csv(tmp_path, HEADER, GOOD_ROW, "M2,CN-01,7,MWh,5,false,solar,")
    table = read_table(path, READINGS_SINCE, root=tmp_path, references=SITES)
    assert list(table.data.columns) == [c.name for c in READINGS_SINCE.columns]
    assert table.data["since"].isna().all()
    assert [raw["since"] for raw in table.raw] == ["", ""]


def test_a_header_optional_column_in_the_header_is_read(tmp_path):
    path = write_csv(tmp_path, HEADER + ",since", GOOD_ROW + ",2016", "M2,CN-01,7,MWh,5,false,solar,,")
    table = read_table(path, READINGS_SINCE, root=tmp_path, references=SITES)
    assert table.data["since"].iloc[0] == 2016 and pd.isna(table.data["since"].iloc[1])


def test_a_header_optional_column_is_still_validated_when_present(tmp_path):
    path = write_csv(tmp_path, HEADER + ",since", GOOD_ROW + ",2016.5")
    with pytest.raises(InputError) as caught:
        read_table(path, READINGS_SINCE, root=tmp_path, references=SITES)
    problem = only_problem(caught.value)
    assert (problem.row, problem.column) == (2, "since") and "whole number" in problem.message


def test_an_optional_column_that_is_not_header_optional_must_be_in_the_header(tmp_path):
    # note may be empty, but a header without it is a mistake worth naming (a column dropped by mistake)
    problem = only_problem(read_error(tmp_path, "meter,site,reading,unit,digits,metered,source", "M1,JP-01,1,kWh,6,true,grid"))
    assert (problem.row, problem.column) == (1, "note") and "missing" in problem.message


def test_a_required_column_cannot_be_header_optional():
    with pytest.raises(ValueError, match="cannot be required"):
        Column("since", "integer", "year", header_optional=True)


# --- cell problems ------------------------------------------------------------------------------

def test_text_in_number_column_names_file_row_column_value_and_expectation(tmp_path):
    error = read_error(tmp_path, HEADER, GOOD_ROW, "M2,JP-01,abc,kWh,6,true,grid,")
    problem = only_problem(error)
    assert (problem.file, problem.row, problem.column) == (FILE, 3, "reading")
    assert "'abc'" in problem.message
    assert "expected a number" in problem.message
    text = str(error)
    for part in (FILE, "row 3", "reading", "abc", "expected a number"):
        assert part in text, f"{part!r} missing from:\n{text}"


def test_error_is_not_chained_to_a_pandas_exception(tmp_path):
    error = read_error(tmp_path, HEADER, "M1,JP-01,abc,kWh,6,true,grid,", "M1,JP-01,-1,kWh,6,true,grid,")
    assert type(error) is InputError
    assert error.__cause__ is None and error.__context__ is None, repr(error.__context__)


def test_negative_number_below_minimum_is_rejected(tmp_path):
    error = read_error(tmp_path, HEADER, "M1,JP-01,-5,kWh,6,true,grid,")
    problem = only_problem(error)
    assert (problem.file, problem.row, problem.column) == (FILE, 2, "reading")
    assert "-5" in problem.message
    assert "≥ 0" in problem.message
    assert_shown(error, problem)


def test_zero_is_allowed_when_minimum_is_zero(tmp_path):
    path = write_csv(tmp_path, HEADER, "M1,JP-01,0,kWh,6,true,grid,")
    assert read_table(path, READINGS, root=tmp_path, references=SITES).data["reading"].tolist() == [0.0]


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e999"])
def test_non_finite_number_is_rejected(tmp_path, text):
    problem = only_problem(read_error(tmp_path, HEADER, f"M1,JP-01,{text},kWh,6,true,grid,"))
    assert (problem.row, problem.column) == (2, "reading")
    assert "finite" in problem.message


def test_missing_required_number_is_rejected(tmp_path):
    problem = only_problem(read_error(tmp_path, HEADER, "M1,JP-01,,kWh,6,true,grid,"))
    assert (problem.file, problem.row, problem.column) == (FILE, 2, "reading")
    assert "missing value" in problem.message
    assert "expected a number" in problem.message


def test_missing_required_text_is_rejected(tmp_path):
    problem = only_problem(read_error(tmp_path, HEADER, GOOD_ROW, ",JP-01,1,kWh,6,true,grid,"))
    assert (problem.file, problem.row, problem.column) == (FILE, 3, "meter")
    assert "missing value" in problem.message


def test_empty_optional_columns_are_accepted(tmp_path):
    path = write_csv(tmp_path, HEADER, "M1,JP-01,1,kWh,,true,grid,")
    table = read_table(path, READINGS, root=tmp_path, references=SITES)
    assert table.data["note"].tolist() == [""]
    assert table.data["digits"].isna().all()


def test_fraction_in_integer_column_is_rejected(tmp_path):
    problem = only_problem(read_error(tmp_path, HEADER, "M1,JP-01,1,kWh,6.5,true,grid,"))
    assert (problem.row, problem.column) == (2, "digits")
    assert "'6.5'" in problem.message and "whole number" in problem.message


def test_wrong_field_count_names_the_row(tmp_path):
    error = read_error(tmp_path, HEADER, GOOD_ROW, "M2,JP-01,1,kWh,6,true,grid", GOOD_ROW.replace("M1", "M3"))
    problem = only_problem(error)
    assert (problem.file, problem.row) == (FILE, 3)
    assert "7 fields" in problem.message and "expected 8" in problem.message
    assert_shown(error, problem)


def test_unparseable_unit_is_rejected(tmp_path):
    problem = only_problem(read_error(tmp_path, HEADER, "M1,JP-01,1,kWhh,6,true,grid,"))
    assert (problem.file, problem.row, problem.column) == (FILE, 2, "unit")
    assert "'kWhh'" in problem.message
    assert "not a unit" in problem.message


def test_unit_of_wrong_dimension_is_rejected(tmp_path):
    problem = only_problem(read_error(tmp_path, HEADER, "M1,JP-01,1,kg,6,true,grid,"))
    assert (problem.file, problem.row, problem.column) == (FILE, 2, "unit")
    assert "'kg'" in problem.message
    assert "expected a unit of dimension [energy]" in problem.message


def test_boolean_other_than_true_or_false_is_rejected(tmp_path):
    problem = only_problem(read_error(tmp_path, HEADER, "M1,JP-01,1,kWh,6,maybe,grid,"))
    assert (problem.file, problem.row, problem.column) == (FILE, 2, "metered")
    assert "'maybe'" in problem.message
    assert "expected true or false" in problem.message


def test_duplicate_key_rows_are_both_reported(tmp_path):
    error = read_error(tmp_path, HEADER, GOOD_ROW, "M2,JP-01,1,kWh,6,true,grid,", "M1,CN-01,2,kWh,6,true,wind,")
    assert len(error.problems) == 2, str(error)
    for row in (2, 4):
        problem = problem_at(error, row, None)
        assert "duplicate" in problem.message
        assert "meter=M1" in problem.message
        assert "one row per meter" in problem.message


def test_value_not_allowed_suggests_the_close_one(tmp_path):
    problem = only_problem(read_error(tmp_path, HEADER, "M1,JP-01,1,kWh,6,true,solr,"))
    assert (problem.file, problem.row, problem.column) == (FILE, 2, "source")
    assert "'solr'" in problem.message
    assert "did you mean solar?" in problem.message


def test_value_not_allowed_and_not_close_lists_the_allowed_values(tmp_path):
    problem = only_problem(read_error(tmp_path, HEADER, "M1,JP-01,1,kWh,6,true,coal,"))
    assert (problem.row, problem.column) == (2, "source")
    assert "did you mean" not in problem.message
    for allowed in ("grid", "solar", "wind"):
        assert allowed in problem.message


def test_value_not_in_references_suggests_the_close_one(tmp_path):
    problem = only_problem(read_error(tmp_path, HEADER, "M1,JP-1,1,kWh,6,true,grid,"))
    assert (problem.file, problem.row, problem.column) == (FILE, 2, "site")
    assert "'JP-1'" in problem.message
    assert "expected a known site" in problem.message
    assert "did you mean JP-01?" in problem.message


def test_value_not_in_references_and_not_close_lists_them(tmp_path):
    problem = only_problem(read_error(tmp_path, HEADER, "M1,ZZ-99,1,kWh,6,true,grid,"))
    assert (problem.row, problem.column) == (2, "site")
    assert "did you mean" not in problem.message
    assert "CN-01" in problem.message and "JP-01" in problem.message


# --- file problems ------------------------------------------------------------------------------

def test_file_not_found_names_the_file_and_the_expected_columns(tmp_path):
    with pytest.raises(InputError) as caught:
        read_table(tmp_path / "data" / "missing.csv", READINGS, root=tmp_path)
    problem = only_problem(caught.value)
    assert problem.file == "data/missing.csv"
    assert "file not found" in problem.message
    assert "meter, site, reading" in problem.message


def test_empty_file_is_rejected(tmp_path):
    path = tmp_path / "data" / "readings.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    with pytest.raises(InputError) as caught:
        read_table(path, READINGS, root=tmp_path)
    problem = only_problem(caught.value)
    assert problem.file == FILE and "empty file" in problem.message


def test_file_that_is_not_utf8_is_rejected_with_its_name(tmp_path):
    path = tmp_path / "data" / "readings.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes((HEADER + "\nM1,JP-01,1,kWh,6,true,grid,Zürich\n").encode("cp1252"))
    with pytest.raises(InputError) as caught:
        read_table(path, READINGS, root=tmp_path)
    problem = only_problem(caught.value)
    assert problem.file == FILE and "UTF-8" in problem.message


# --- every problem at once ----------------------------------------------------------------------

def test_several_problems_in_several_rows_and_columns_in_one_error(tmp_path):
    error = read_error(
        tmp_path,
        HEADER,
        GOOD_ROW,
        "M2,JP-01,abc,kWh,6,true,grid,",     # row 3: reading not a number
        "M3,JP-01,1,kg,6,maybe,grid,",       # row 4: unit dimension, boolean
        "M4,JP-01,-2,kWh,6,true,wind,",      # row 5: negative
        "M5,JP-9,1,kWh,6,true,solr,",        # row 6: unknown site, not allowed source
        "M6,JP-01,1,kWh,6,true",             # row 7: too few fields
    )
    expected = {
        (3, "reading"): "expected a number",
        (4, "unit"): "[energy]",
        (4, "metered"): "true or false",
        (5, "reading"): "≥ 0",
        (6, "site"): "did you mean JP-01?",
        (6, "source"): "did you mean solar?",
        (7, None): "fields",
    }
    assert len(error.problems) == len(expected), str(error)
    for (row, column), part in expected.items():
        problem = problem_at(error, row, column)
        assert part in problem.message, str(problem)
        assert_shown(error, problem)
    assert str(error).startswith(f"{len(expected)} problems in the input data")


def test_problems_of_several_tables_are_gathered_into_one_error(tmp_path):
    first = write_csv(tmp_path, HEADER, "M1,JP-01,abc,kWh,6,true,grid,", name="first.csv")
    second = write_csv(tmp_path, HEADER, "M1,JP-01,1,kWh,6,maybe,grid,", name="second.csv")
    problems: list[Problem] = []
    # each table is returned, marked not clean, so a caller can still use what is valid in it
    assert read_table(first, READINGS, root=tmp_path, references=SITES, problems=problems).clean is False
    assert read_table(second, READINGS, root=tmp_path, references=SITES, problems=problems).clean is False
    with pytest.raises(InputError) as caught:
        raise_problems(problems)
    assert len(caught.value.problems) == 2
    problem_at(caught.value, 2, "reading", file="data/first.csv")
    problem_at(caught.value, 2, "metered", file="data/second.csv")


def test_an_unreadable_table_is_none_with_its_problem(tmp_path):
    problems: list[Problem] = []
    assert read_table(tmp_path / "missing.csv", READINGS, root=tmp_path, problems=problems) is None
    assert len(problems) == 1 and "file not found" in problems[0].message


def test_raise_problems_without_problems_does_nothing():
    raise_problems([])


def test_error_message_fits_one_screen_with_100_bad_rows(tmp_path):
    rows = [f"M{n},JP-01,abc,kWh,6,true,grid," for n in range(100)]
    error = read_error(tmp_path, HEADER, *rows)
    assert len(error.problems) == 100
    lines = str(error).splitlines()
    assert len(lines) <= SHOWN_PROBLEMS + 2, f"{len(lines)} lines printed"
    assert f"... and {100 - SHOWN_PROBLEMS} more" in lines[-1]
    assert lines[0].startswith("100 problems")
    assert {p.row for p in error.problems} == set(range(2, 102))


def test_error_message_shows_problems_in_file_row_order(tmp_path):
    rows = [f"M{n},JP-01,abc,kWh,6,true,grid," for n in range(12)]
    error = read_error(tmp_path, HEADER, *rows)
    assert [p.row for p in error.problems] == list(range(2, 14))  # 10 after 9, not after 1


# --- row rules ----------------------------------------------------------------------------------

def test_check_rows_locates_a_rule_failure_at_its_column(tmp_path):
    path = write_csv(tmp_path, HEADER, GOOD_ROW, "M2,JP-01,999,kWh,6,true,grid,")
    table = read_table(path, READINGS, root=tmp_path, references=SITES)

    def at_most_500(row: dict) -> str | None:
        return f"reading: {row['reading']:g} is above 500" if row["reading"] > 500 else None

    assert check_rows(table, at_most_500) == [Problem(FILE, 3, "reading", "999 is above 500")]


def test_check_rows_without_a_column_prefix_keeps_the_whole_message(tmp_path):
    path = write_csv(tmp_path, HEADER, GOOD_ROW)
    table = read_table(path, READINGS, root=tmp_path, references=SITES)
    assert check_rows(table, lambda row: "rule: broken") == [Problem(FILE, 2, None, "rule: broken")]


# --- units the dictionary allows, whole numbers, plausible ranges, duplicates, encodings (issue 9) ---

from envkpi.core.inputs import Plausible, Table, read_csv_text, warning_line  # noqa: E402

SUPPLY_FILE = "data/supply.csv"
SUPPLY = TableSpec(
    "supply",
    "Energy supplied to a site: a table with allowed units, a count and plausible ranges, for these tests.",
    (
        Column("site", "text", "site identifier"),
        Column("energy", "number", "energy supplied", unit_column="unit", minimum=0,
               plausible=(Plausible("MWh", error_above=1000, typical=(None, 100), reason="one site in a year"),)),
        Column("unit", "unit", "unit of energy", dimensions=("[energy]",), allowed=("kWh", "MWh", "GJ")),
        Column("meters", "integer", "meters read [count]", unit="count", minimum=0,
               plausible=(Plausible("count", error_above=50, reason="meters of one site"),)),
        Column("temp_c", "number", "air temperature [°C]", unit="degC",
               plausible=(Plausible("degC", error_above=60, error_below=-90, typical=(-40, 50), reason="outdoor air"),)),
    ),
)
SUPPLY_HEADER = "site,energy,unit,meters,temp_c"


def supply(tmp_path: Path, *rows: str) -> tuple[Table | None, list[Problem]]:
    path = write_csv(tmp_path, SUPPLY_HEADER, *rows, name="supply.csv")
    problems: list[Problem] = []
    return read_table(path, SUPPLY, root=tmp_path, problems=problems), problems


def test_a_unit_not_listed_for_the_column_is_rejected_naming_the_allowed_ones(tmp_path):
    table, problems = supply(tmp_path, "A,5,Wh,1,20")
    assert problems == [Problem(SUPPLY_FILE, 2, "unit", "got 'Wh'; expected one of kWh, MWh, GJ")]
    assert not table.parsed(0, ["unit"]) and table.parsed(0, ["energy"])


@pytest.mark.parametrize(("text", "hint"), [("mWh", "MWh"), ("mwh", "MWh"), ("KWH", "kWh"), ("gj", "GJ")])
def test_a_unit_in_the_wrong_case_is_rejected_with_the_unit_meant(tmp_path, text, hint):
    _, problems = supply(tmp_path, f"A,5,{text},1,20")
    assert problems == [Problem(SUPPLY_FILE, 2, "unit", f"got {text!r}; expected one of kWh, MWh, GJ "
                                f"(units are case-sensitive: did you mean {hint}?)")]


def test_an_allowed_unit_with_extra_spaces_is_accepted(tmp_path):
    spec = TableSpec("emitted", "CO2", (Column("co2_unit", "unit", "t CO2", allowed=("t CO2",)),))
    path = write_csv(tmp_path, "co2_unit", "t  CO2", name="emitted.csv")
    assert read_table(path, spec, root=tmp_path).data["co2_unit"].tolist() == ["t  CO2"]


def test_a_whole_number_may_be_written_with_a_zero_decimal_but_not_with_a_fraction(tmp_path):
    table, problems = supply(tmp_path, "A,5,MWh,3.0,20", "B,5,MWh,2.5,20")
    assert table.data["meters"].tolist()[0] == 3
    assert problems == [Problem(SUPPLY_FILE, 3, "meters", "got '2.5'; expected a whole number")]


def test_a_value_above_the_plausible_maximum_is_an_error_in_the_unit_of_the_range(tmp_path):
    table, problems = supply(tmp_path, "A,5000000,kWh,1,20", "B,1001,MWh,1,20", "C,60,meters,1,20")
    assert problems[:2] == [
        Problem(SUPPLY_FILE, 2, "energy", "got '5000000' kWh (= 5,000 MWh); expected at most 1,000 [MWh] (one site in a year)"),
        Problem(SUPPLY_FILE, 3, "energy", "got '1001' MWh; expected at most 1,000 [MWh] (one site in a year)"),
    ]
    assert table.data["energy"].isna().tolist()[:2] == [True, True]  # not usable by later rules
    assert table.warnings == []


def test_a_count_above_the_plausible_maximum_is_an_error(tmp_path):
    _, problems = supply(tmp_path, "A,5,MWh,1e12,20")
    assert problems == [Problem(SUPPLY_FILE, 2, "meters", "got '1e12'; expected at most 50 [count] (meters of one site)")]


def test_a_value_outside_the_typical_range_is_a_warning_not_an_error(tmp_path):
    table, problems = supply(tmp_path, "A,400,GJ,1,20", "B,5,MWh,1,-45")
    assert problems == []
    assert table.warnings == [
        Problem(SUPPLY_FILE, 2, "energy", "'400' GJ (= 111 MWh) is above the typical maximum of 100 [MWh] (one site in a "
                                          "year); check the value and its unit"),
        Problem(SUPPLY_FILE, 3, "temp_c", "'-45' is below the typical minimum of -40 [degC] (outdoor air); check the "
                                          "value and its unit"),
    ]
    assert table.data["energy"].tolist() == [400.0, 5.0]  # used as given


def test_a_warning_at_the_limit_is_not_given(tmp_path):
    table, problems = supply(tmp_path, "A,100,MWh,1,50", "B,1000,MWh,50,-40")
    assert (problems, table.warnings[:1]) == ([], [Problem(SUPPLY_FILE, 3, "energy", (
        "'1000' MWh is above the typical maximum of 100 [MWh] (one site in a year); check the value and its unit"))])
    assert len(table.warnings) == 1


def test_a_value_below_the_plausible_minimum_is_an_error(tmp_path):
    _, problems = supply(tmp_path, "A,5,MWh,1,-120")
    assert problems == [Problem(SUPPLY_FILE, 2, "temp_c", "got '-120'; expected at least -90 [degC] (outdoor air)")]


def test_a_negative_value_is_reported_once_as_below_the_minimum(tmp_path):
    _, problems = supply(tmp_path, "A,-5,MWh,1,20")
    assert problems == [Problem(SUPPLY_FILE, 2, "energy", "got '-5'; expected a value ≥ 0")]


def test_a_read_error_raised_at_once_carries_the_warnings(tmp_path):
    path = write_csv(tmp_path, SUPPLY_HEADER, "A,500,MWh,1,20", "B,x,MWh,1,20", name="supply.csv")
    with pytest.raises(InputError) as caught:
        read_table(path, SUPPLY, root=tmp_path)
    assert [p.row for p in caught.value.problems] == [3]
    assert [w.row for w in caught.value.warnings] == [2]
    assert "500" not in str(caught.value)  # the message lists the problems only


def test_warning_line_is_what_the_command_line_prints():
    assert warning_line(Problem("data/x.csv", 4, "q", "'5' is above …")) == "warning: data/x.csv, row 4, column 'q': '5' is above …"


def test_rows_the_same_in_every_cell_are_named_with_each_other(tmp_path):
    _, problems = supply(tmp_path, "A,5,MWh,1,20", "B,5,MWh,1,20", "A,5,MWh,1,20", "A,5.0,MWh,1.0,20")
    end = "(site=A): the same in every cell, so it would be counted twice; delete one"
    assert problems == [Problem(SUPPLY_FILE, 2, None, f"duplicate of rows 4, 5 {end}"),
                        Problem(SUPPLY_FILE, 4, None, f"duplicate of rows 2, 5 {end}"),
                        Problem(SUPPLY_FILE, 5, None, f"duplicate of rows 2, 4 {end}")]


def test_rows_with_the_same_key_name_the_other_rows(tmp_path):
    error = read_error(tmp_path, HEADER, GOOD_ROW, "M2,JP-01,1,kWh,6,true,grid,", "M1,CN-01,2,kWh,6,true,wind,")
    assert problem_at(error, 2, None).message == "duplicate row for meter=M1 (also row 4); expected one row per meter"
    assert problem_at(error, 4, None).message == "duplicate row for meter=M1 (also row 2); expected one row per meter"


def test_an_exact_duplicate_of_a_keyed_table_is_reported_once_per_row(tmp_path):
    error = read_error(tmp_path, HEADER, GOOD_ROW, GOOD_ROW)
    assert [(p.row, p.message) for p in error.problems] == [
        (2, "duplicate of row 3 (meter=M1): the same in every cell, so it would be counted twice; delete one"),
        (3, "duplicate of row 2 (meter=M1): the same in every cell, so it would be counted twice; delete one"),
    ]


def _encoded(tmp_path: Path, data: bytes) -> Problem:
    path = tmp_path / "data" / "readings.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        read_table(path, READINGS, root=tmp_path)
    return only_problem(caught.value)


def test_a_file_from_japanese_excel_is_named_as_cp932_at_the_line_of_the_first_bad_byte(tmp_path):
    text = HEADER + "\nM1,JP-01,1,kWh,6,true,grid,\nM2,JP-01,1,kWh,6,true,grid,千葉工場の受電\n"
    assert _encoded(tmp_path, text.encode("cp932")) == Problem(FILE, 3, None, (
        "not UTF-8 text (byte 0x90 cannot be read as UTF-8); it looks like Shift_JIS/CP932 (Japanese Excel); "
        "save it as UTF-8 CSV"))


def test_a_file_from_western_excel_is_named_as_windows_1252(tmp_path):
    text = HEADER + "\nM1,JP-01,1,kWh,6,true,grid,Zürich\n"
    assert _encoded(tmp_path, text.encode("cp1252")) == Problem(FILE, 2, None, (
        "not UTF-8 text (byte 0xFC cannot be read as UTF-8); it looks like Windows-1252 (Excel in Western Europe); "
        "save it as UTF-8 CSV"))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_named_as_utf16(tmp_path, encoding):
    assert _encoded(tmp_path, (HEADER + "\n" + GOOD_ROW + "\n").encode(encoding)) == Problem(FILE, None, None, (
        "not UTF-8 text: it looks like UTF-16 (Excel's 'Unicode Text'); save it as 'CSV UTF-8 (comma delimited)'"))


def test_read_csv_text_drops_the_utf8_byte_order_mark(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("\ufeffa,b\r\n1,2\r\n".encode("utf-8"))
    assert read_csv_text(path, "a.csv") == ("a,b\r\n1,2\r\n", None)


def test_check_rows_skips_rows_whose_needed_cells_have_problems(tmp_path):
    path = write_csv(tmp_path, HEADER, "M1,JP-01,abc,kWh,6,true,grid,", "M2,JP-01,999,kWh,6,maybe,grid,")
    problems: list[Problem] = []
    table = read_table(path, READINGS, root=tmp_path, references=SITES, problems=problems)

    def at_most_500(row: dict) -> str | None:
        return f"reading: {row['reading']:g} is above 500" if row["reading"] > 500 else None

    # row 2's reading is not a number: not judged; row 3 has a bad boolean but its reading is fine
    assert check_rows(table, at_most_500, needs=("reading",)) == [Problem(FILE, 3, "reading", "999 is above 500")]
    assert check_rows(table, at_most_500) == []  # by default a rule needs every cell of the row
