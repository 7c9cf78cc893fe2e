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

import pytest

from envkpi.inputs import (
    SHOWN_PROBLEMS,
    Column,
    InputError,
    Problem,
    TableSpec,
    check_rows,
    raise_problems,
    read_table,
)

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
