"""Excel inputs (envkpi.core.inputs): a table given as ``<table>.xlsx``, or as sheets of the year workbooks of its
folder, read through the validation of a CSV file, every problem located in its workbook, sheet, row and
column; the header rules shared with CSV files (a unit in brackets, reference columns, Japanese headers).

Every test writes small files of its own under ``tmp_path / "data"`` and reads them with ``root=tmp_path``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pytest

from envkpi.core.inputs import (Column, InputError, Problem, TableSpec, data_rows, japanese_header, read_table,
                                table_file, table_rows, table_sources, year_workbooks)
from envkpi.families import year_tables

DELIVERIES = TableSpec(
    "deliveries",
    "Deliveries: a small table of every kind of column, for these tests.",
    (
        Column("site_id", "text", "site"),
        Column("quantity", "number", "mass delivered", unit="t", minimum=0),
        Column("units_shipped", "integer", "units", unit="count", required=False),
        Column("has_ems", "boolean", "a flag"),
        Column("date", "text", "date YYYY-MM-DD", required=False),
        Column("notes", "text", "free text", required=False),
    ),
)

HEADER = ["site_id", "quantity", "units_shipped", "has_ems", "date", "notes"]
ROWS = [["JP-01", 1240, 3, True, dt.datetime(2018, 4, 1), "first"],
        ["JP-02", 0.41, None, False, None, None]]
CSV = "site_id,quantity,units_shipped,has_ems,date,notes\nJP-01,1240,3,true,2018-04-01,first\nJP-02,0.41,,false,,\n"


def workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write a workbook with ``sheets`` (name → rows, header first), in order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def csv_file(tmp_path: Path, text: str, name: str = "deliveries.csv") -> Path:
    path = tmp_path / "data" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, spec: TableSpec = DELIVERIES) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        read_table(tmp_path / "data" / spec.file_name, spec, root=tmp_path)
    return caught.value.problems


PLACE = "data/deliveries.xlsx, sheet 'deliveries'"


# --- a table given as its own workbook ------------------------------------------------------------------

def test_a_workbook_of_the_table_reads_as_its_csv_file_would(tmp_path):
    from_csv = read_table(csv_file(tmp_path, CSV, "other/deliveries.csv"), DELIVERIES, root=tmp_path)
    path = workbook(tmp_path / "data" / "deliveries.xlsx", {"deliveries": [HEADER, *ROWS]})
    table = read_table(tmp_path / "data" / "deliveries.csv", DELIVERIES, root=tmp_path)
    assert table.data.equals(from_csv.data)
    assert [dict(row) for row in table.raw] == [dict(row) for row in from_csv.raw]
    assert table.raw[0]["quantity"] == "1240" and table.raw[1]["quantity"] == "0.41"
    assert table.raw[0]["date"] == "2018-04-01" and table.raw[0]["has_ems"] == "true"
    assert table.rows == [2, 3]
    assert table.display == PLACE
    assert table.records == [table.record]
    assert table.record.path == "data/deliveries.xlsx"
    assert table.record.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() and table.record.rows == 2


def test_the_sheet_named_after_the_table_is_read_else_the_first(tmp_path):
    workbook(tmp_path / "data" / "deliveries.xlsx", {"notes": [["anything"]], "deliveries": [HEADER, ROWS[0]]})
    assert read_table(tmp_path / "data" / "deliveries.csv", DELIVERIES, root=tmp_path).data["site_id"].tolist() == ["JP-01"]
    workbook(tmp_path / "data" / "deliveries.xlsx", {"Sheet1": [HEADER, ROWS[1]], "lists": [["anything"]]})
    table = read_table(tmp_path / "data" / "deliveries.csv", DELIVERIES, root=tmp_path)
    assert table.data["site_id"].tolist() == ["JP-02"] and table.display == "data/deliveries.xlsx, sheet 'Sheet1'"


def test_a_csv_file_and_a_workbook_of_the_same_table_are_one_problem_naming_both(tmp_path):
    csv_file(tmp_path, CSV)
    workbook(tmp_path / "data" / "deliveries.xlsx", {"deliveries": [HEADER, *ROWS]})
    assert problems_of(tmp_path) == [Problem("data/deliveries.csv", None, None, (
        "both data/deliveries.csv and data/deliveries.xlsx exist; expected one file per table: delete or rename "
        "one of them"))]
    assert table_sources(tmp_path / "data" / "deliveries.csv") == [tmp_path / "data" / "deliveries.csv",
                                                                    tmp_path / "data" / "deliveries.xlsx"]


def test_nothing_giving_the_table_says_what_is_accepted(tmp_path):
    (tmp_path / "data").mkdir()
    assert problems_of(tmp_path) == [Problem("data/deliveries.csv", None, None, (
        "file not found; expected a CSV table with columns site_id, quantity, units_shipped, has_ems, date, notes; "
        "accepted: deliveries.csv, deliveries.parquet or deliveries.xlsx, or a sheet 'deliveries' in an Excel "
        "workbook (*.xlsx) of data"))]
    assert table_rows(tmp_path / "data" / "deliveries.csv") is None
    assert table_file(tmp_path / "data" / "deliveries.csv") == tmp_path / "data" / "deliveries.csv"


# --- year workbooks ------------------------------------------------------------------------------------------

def test_sheets_of_several_year_workbooks_are_read_one_after_the_other_in_file_name_order(tmp_path):
    data = tmp_path / "data"
    second = workbook(data / "site_b.xlsx", {"README": [["filled by site B"]], "deliveries": [HEADER, ROWS[1]]})
    first = workbook(data / "site_a.xlsx", {"deliveries": [HEADER, ROWS[0]], "lists": [["JP-01"]]})
    workbook(data / "other.xlsx", {"lists": [["nothing for this table"]]})
    (data / "~$site_a.xlsx").write_bytes(b"Excel's lock file")
    table = read_table(data / "deliveries.csv", DELIVERIES, root=tmp_path)
    assert table.data["site_id"].tolist() == ["JP-01", "JP-02"]
    assert table.rows == [2, 2]
    assert table.places == ["data/site_a.xlsx, sheet 'deliveries'", "data/site_b.xlsx, sheet 'deliveries'"]
    assert [table.where(0), table.where(1)] == ["data/site_a.xlsx, sheet 'deliveries' row 2",
                                                 "data/site_b.xlsx, sheet 'deliveries' row 2"]
    assert table.display == "data/site_a.xlsx, data/site_b.xlsx, sheet 'deliveries'"
    assert [(r.path, r.sha256, r.rows) for r in table.records] == [
        ("data/site_a.xlsx", hashlib.sha256(first.read_bytes()).hexdigest(), 1),
        ("data/site_b.xlsx", hashlib.sha256(second.read_bytes()).hexdigest(), 1)]
    assert year_workbooks(data) == [data / "other.xlsx", data / "site_a.xlsx", data / "site_b.xlsx"]
    assert table_rows(data / "deliveries.csv") == 2
    assert table_file(data / "deliveries.csv") == data / "site_a.xlsx"


def test_each_row_of_several_workbooks_is_located_in_its_own_workbook_and_sheet(tmp_path):
    data = tmp_path / "data"
    workbook(data / "site_a.xlsx", {"deliveries": [HEADER, ROWS[0], ["JP-03", "abc", 1, True, None, None]]})
    workbook(data / "site_b.xlsx", {"deliveries": [HEADER, ["JP-04", 1, 1, "maybe", None, None], ROWS[0]]})
    assert [str(p) for p in problems_of(tmp_path)] == [
        "data/site_a.xlsx, sheet 'deliveries', row 2: duplicate of row 3 of data/site_b.xlsx, sheet 'deliveries' "
        "(site_id=JP-01, date=2018-04-01): the same in every cell, so it would be counted twice; delete one",
        "data/site_a.xlsx, sheet 'deliveries', row 3, column 'quantity': got 'abc'; expected a number ≥ 0 [t]",
        "data/site_b.xlsx, sheet 'deliveries', row 2, column 'has_ems': got 'maybe'; expected true or false",
        "data/site_b.xlsx, sheet 'deliveries', row 3: duplicate of row 2 of data/site_a.xlsx, sheet 'deliveries' "
        "(site_id=JP-01, date=2018-04-01): the same in every cell, so it would be counted twice; delete one",
    ]


def test_a_header_problem_of_one_workbook_is_located_in_it(tmp_path):
    data = tmp_path / "data"
    workbook(data / "site_a.xlsx", {"deliveries": [HEADER, ROWS[0]]})
    workbook(data / "site_b.xlsx", {"deliveries": [HEADER[:1] + HEADER[2:], ["JP-02", None, False, None, None]]})
    assert problems_of(tmp_path) == [Problem("data/site_b.xlsx, sheet 'deliveries'", 1, "quantity",
                                             "column is missing from the header")]


def test_a_table_given_by_a_file_and_by_a_sheet_of_a_year_workbook_is_one_problem_naming_both(tmp_path):
    csv_file(tmp_path, CSV)
    workbook(tmp_path / "data" / "site_a.xlsx", {"deliveries": [HEADER, ROWS[0]]})
    assert problems_of(tmp_path) == [Problem("data/deliveries.csv", None, None, (
        "table deliveries is given twice: by data/deliveries.csv and by the sheet 'deliveries' of data/site_a.xlsx; "
        "expected one of them: delete the file or the sheet"))]


def test_history_and_reference_tables_are_not_read_from_workbooks(tmp_path):
    workbook(tmp_path / "data" / "deliveries.xlsx", {"deliveries": [HEADER, *ROWS]})
    problems: list[Problem] = []
    assert read_table(tmp_path / "data" / "deliveries.csv", DELIVERIES, root=tmp_path, role="history",
                      problems=problems) is None
    assert [p.message.startswith("file not found; expected a CSV table") and "accepted" not in p.message
            for p in problems] == [True]


# --- cells -----------------------------------------------------------------------------------------------

def test_cells_become_the_texts_of_a_csv_file(tmp_path):
    rows = [HEADER,
            ["JP-01", 1240.0, 3.0, True, dt.datetime(2018, 4, 1), dt.datetime(2018, 4, 1, 13, 0)],
            ["JP-02", "1240", "3", "TRUE", "2018-04-02", 1234.5678],
            ["JP-03", 2.5e-07, None, False, dt.date(2019, 3, 31), 7]]
    workbook(tmp_path / "data" / "deliveries.xlsx", {"deliveries": rows})
    table = read_table(tmp_path / "data" / "deliveries.csv", DELIVERIES, root=tmp_path)
    assert [dict(row) for row in table.raw] == [
        {"site_id": "JP-01", "quantity": "1240", "units_shipped": "3", "has_ems": "true", "date": "2018-04-01",
         "notes": "2018-04-01T13:00:00"},
        {"site_id": "JP-02", "quantity": "1240", "units_shipped": "3", "has_ems": "TRUE", "date": "2018-04-02",
         "notes": "1234.5678"},
        {"site_id": "JP-03", "quantity": "2.5e-07", "units_shipped": "", "has_ems": "false", "date": "2019-03-31",
         "notes": "7"}]
    assert table.data["quantity"].tolist() == [1240.0, 1240.0, 2.5e-07]
    assert table.data["units_shipped"].tolist()[:2] == [3, 3]


def test_a_number_stored_as_text_is_parsed_as_csv_text_is(tmp_path):
    workbook(tmp_path / "data" / "deliveries.xlsx", {"deliveries": [HEADER, ["JP-01", "1,240", 1, True, None, None]]})
    assert problems_of(tmp_path) == [Problem(PLACE, 2, "quantity", "got '1,240'; expected a number ≥ 0 [t]")]


def test_trailing_empty_rows_and_blank_rows_are_ignored(tmp_path):
    path = workbook(tmp_path / "data" / "deliveries.xlsx", {"deliveries": [HEADER, ROWS[0], [None] * 6, ROWS[1]]})
    book = openpyxl.load_workbook(path)
    for row in range(5, 40):
        book.active.cell(row=row, column=2).number_format = "0.00"  # formatted, empty
    book.active.cell(row=1, column=9).number_format = "0.00"
    book.save(path)
    table = read_table(tmp_path / "data" / "deliveries.csv", DELIVERIES, root=tmp_path)
    assert table.rows == [2, 4]
    assert data_rows(path, tmp_path) == 2


def test_a_formula_without_a_computed_value_is_a_problem(tmp_path):
    workbook(tmp_path / "data" / "deliveries.xlsx", {"deliveries": [HEADER, ["JP-01", "=2*3", 1, True, None, None]]})
    assert problems_of(tmp_path) == [Problem(PLACE, 2, "quantity", "formula without a computed value; open and save "
                                                                     "the workbook in Excel")]


@pytest.mark.parametrize("error", ["#DIV/0!", "#N/A"])
def test_an_error_cell_is_a_problem_naming_the_error(tmp_path, error):
    workbook(tmp_path / "data" / "deliveries.xlsx", {"deliveries": [HEADER, ["JP-01", 1, 1, True, None, error]]})
    assert problems_of(tmp_path) == [Problem(PLACE, 2, "notes", f"Excel error {error} in the cell; expected a value: "
                                                                 "correct the formula or type the value")]


def test_merged_header_cells_are_a_problem_naming_the_range(tmp_path):
    path = workbook(tmp_path / "data" / "deliveries.xlsx", {"deliveries": [HEADER, ROWS[0]]})
    book = openpyxl.load_workbook(path)
    book.active.merge_cells("E1:F1")
    book.save(path)
    assert problems_of(tmp_path) == [Problem(PLACE, 1, None, "merged cells E1:F1 in the header row; expected one "
                                                              "column name per cell: unmerge them")]


def test_merged_data_cells_are_a_problem_of_their_rows(tmp_path):
    path = workbook(tmp_path / "data" / "deliveries.xlsx", {"deliveries": [HEADER, ROWS[0], ROWS[1]]})
    book = openpyxl.load_workbook(path)
    book.active.merge_cells("F2:F3")
    book.save(path)
    assert problems_of(tmp_path) == [Problem(PLACE, 2, None, "merged cells F2:F3; expected one value per cell: "
                                                              "unmerge them")]


def test_a_file_that_is_not_a_workbook_is_a_problem_naming_it(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "deliveries.xlsx").write_bytes(b"not a zip file")
    [problem] = problems_of(tmp_path)
    assert (problem.file, problem.row, problem.column) == ("data/deliveries.xlsx", None, None)
    assert problem.message.startswith("not a readable Excel workbook (") and problem.message.endswith(
        "); expected an .xlsx file saved by Excel")


def test_an_empty_sheet_is_a_problem(tmp_path):
    workbook(tmp_path / "data" / "deliveries.xlsx", {"deliveries": []})
    assert problems_of(tmp_path) == [Problem(PLACE, None, None, "empty sheet; expected a header row in row 1")]


# --- the header: units in brackets, reference columns, Japanese headers -----------------------------------

@pytest.mark.parametrize("header", ["quantity [t]", "quantity [tonne]", "quantity [—]", "quantity []"])
def test_a_unit_in_brackets_that_is_the_columns_unit_or_none_is_accepted(tmp_path, header):
    workbook(tmp_path / "data" / "deliveries.xlsx", {"deliveries": [[header if h == "quantity" else h for h in HEADER],
                                                                     *ROWS]})
    assert read_table(tmp_path / "data" / "deliveries.csv", DELIVERIES, root=tmp_path).data["quantity"].tolist() == [
        1240.0, 0.41]


def test_a_unit_in_brackets_that_is_not_the_columns_unit_is_a_problem_in_row_1(tmp_path):
    workbook(tmp_path / "data" / "deliveries.xlsx", {"deliveries": [["site_id", "quantity [kg]", *HEADER[2:]], *ROWS]})
    assert problems_of(tmp_path) == [Problem(PLACE, 1, "quantity", "header says kg; the column is in t")]
    csv_file(tmp_path, CSV.replace("quantity,", "quantity [kWh],", 1))
    (tmp_path / "data" / "deliveries.xlsx").unlink()
    assert problems_of(tmp_path) == [Problem("data/deliveries.csv", 1, "quantity", "header says kWh; the column is in t")]


def test_reference_columns_are_not_read_in_a_workbook_or_a_csv_file(tmp_path):
    rows = [[*HEADER[:2], "quantity FY2017 (reference, not read)", *HEADER[2:]],
            *([*row[:2], "whatever", *row[2:]] for row in ROWS), [None, None, 999, None, None, None, None]]
    workbook(tmp_path / "data" / "deliveries.xlsx", {"deliveries": rows})
    table = read_table(tmp_path / "data" / "deliveries.csv", DELIVERIES, root=tmp_path)
    assert list(table.data.columns) == HEADER and len(table.data) == 2
    (tmp_path / "data" / "deliveries.xlsx").unlink()
    csv_file(tmp_path, 'site_id,quantity,"units_shipped (reference, not read)",units_shipped,has_ems,date,notes\n'
                       "JP-01,1,abc,3,true,,\n")
    assert read_table(tmp_path / "data" / "deliveries.csv", DELIVERIES, root=tmp_path).data["units_shipped"].tolist() == [3]


def test_japanese_headers_stand_for_their_columns_in_a_workbook_and_a_csv_file(tmp_path):
    japanese = [japanese_header("deliveries", name) for name in HEADER]
    assert japanese == ["拠点コード", "数量", "出荷台数", "EMS導入", "発生日", "備考"]
    workbook(tmp_path / "data" / "deliveries.xlsx", {"deliveries": [[f"{japanese[1]} [t]" if h == japanese[1] else h
                                                                      for h in japanese], *ROWS]})
    from_excel = read_table(tmp_path / "data" / "deliveries.csv", DELIVERIES, root=tmp_path)
    (tmp_path / "data" / "deliveries.xlsx").unlink()
    csv_file(tmp_path, ",".join(japanese) + CSV[CSV.index("\n"):])
    from_csv = read_table(tmp_path / "data" / "deliveries.csv", DELIVERIES, root=tmp_path)
    assert list(from_excel.data.columns) == HEADER and from_excel.data.equals(from_csv.data)


def test_a_column_given_by_its_name_and_its_japanese_header_appears_twice(tmp_path):
    csv_file(tmp_path, "site_id,拠点コード,quantity,units_shipped,has_ems,date,notes\nJP-01,JP-01,1,3,true,,\n")
    assert problems_of(tmp_path) == [Problem("data/deliveries.csv", 1, "site_id", "column appears twice in the "
                                                                                  "header; expected each column once")]


def test_a_table_overrides_the_japanese_header_of_a_column_that_means_something_else_there():
    assert japanese_header("fuel_use", "quantity") == "使用量"
    assert japanese_header("water_use", "quantity") == "取水量"
    assert japanese_header("deliveries", "quantity") == "数量"
    assert japanese_header("fuel_use", "site_id") == "拠点コード"


@pytest.mark.parametrize("spec", year_tables(), ids=lambda spec: spec.name)
def test_every_column_of_every_year_table_has_its_own_japanese_header(spec):
    headers = [japanese_header(spec.name, column.name) for column in spec.columns]
    assert all(headers), [c.name for c, h in zip(spec.columns, headers) if not h]
    assert len(set(headers)) == len(headers), headers
    assert not set(headers) & {c.name for c in spec.columns}
    assert all(" [" not in h and not h.endswith("(reference, not read)") for h in headers)


def test_the_data_dictionary_shows_the_japanese_header_of_every_column(root):
    readme = (root / "data" / "README.md").read_text(encoding="utf-8")
    for spec in year_tables():
        section = readme.split(f"### `FY<yyyy>/{spec.file_name}`", 1)[1].split("\n### ", 1)[0]
        for column in spec.columns:
            assert f"| `{column.name}` | {japanese_header(spec.name, column.name)} |" in section, (spec.name, column.name)


# --- the preflight of envkpi run sees the tables given these ways ---------------------------------------------

@pytest.fixture
def project(root, tmp_path) -> Path:
    import shutil

    copy = tmp_path / "project"
    for folder in ("data", "parameters"):
        shutil.copytree(root / folder, copy / folder)
    return copy


def run_preflight(project: Path, names=("product_use",)) -> list[str]:
    from envkpi.families import load_parameters
    from envkpi.running.runner import preflight

    params_path = project / "parameters" / "FY2018.yaml"
    params = load_parameters(params_path, root=project)
    return preflight(project, params, params_path, project / "data" / "FY2018", list(names), warn=lambda line: None)


def product_use_rows(project: Path) -> list[list[str]]:
    import csv

    with (project / "data" / "FY2018" / "product_use.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_the_preflight_says_what_a_missing_table_may_be_given_as(project):
    (project / "data" / "FY2018" / "product_use.csv").unlink()
    assert run_preflight(project) == [
        "data/FY2018/product_use.csv: missing (product_use reads it); expected product_use.csv, product_use.parquet "
        "or product_use.xlsx, or a sheet 'product_use' in a workbook (*.xlsx) of data/FY2018"]


def test_the_preflight_reads_a_table_from_the_sheets_of_site_workbooks(project):
    folder = project / "data" / "FY2018"
    header, *rows = product_use_rows(project)
    (folder / "product_use.csv").unlink()
    workbook(folder / "forms_a.xlsx", {"README": [["form"]], "product_use": [header, *rows[:5]]})
    workbook(folder / "forms_b.xlsx", {"product_use": [header, *rows[5:]]})
    assert run_preflight(project) == []
    assert table_rows(folder / "product_use.csv", project) == len(rows)


def test_the_preflight_refuses_a_sheet_left_as_an_empty_template(project):
    folder = project / "data" / "FY2018"
    header, *_ = product_use_rows(project)
    (folder / "product_use.csv").unlink()
    workbook(folder / "FY2018.xlsx", {"product_use": [header]})
    assert run_preflight(project) == ["data/FY2018/FY2018.xlsx, sheet 'product_use': no rows — an empty template; "
                                     "fill it"]
