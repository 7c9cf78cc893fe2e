"""The sample year converted to the other formats the reader accepts, and run: the helpers of the tests
``tests/running/test_input_formats_*.py`` (issue 18, parts 1 and 2: the results equal those of the UTF-8 CSV
files, byte for byte).

Three copies of the project, each run with ``envkpi run --fy 2018 --no-cache`` (one test module and one
module-scoped fixture per format, so that xdist, which gives each worker whole files, can spread them):
(a) every FY2018 table as its own ``<table>.xlsx`` (the CSV files deleted), (b) every FY2018 table as a sheet
of one workbook ``FY2018.xlsx``, (c) every FY2018 table re-encoded in CP932 with Japanese headers, declared in
the year's parameters. The run of the untouched sample reproduces
``outputs/FY2018/results.csv`` (the published outputs are regenerated with the library as committed), so each
run is compared with that file.

In the workbooks, the cells of number columns whose text is a number are written as numbers (the numeric path
of the reader), except in ``water_use`` (numbers stored as text); headers give fixed units in brackets
(``units_shipped [count]``) and one table carries a reference column of last year's values.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl

from envkpi.core.inputs import japanese_header
from envkpi.families import names, year_tables

YEAR = "FY2018"

#: The table whose numbers are stored as text in the workbooks.
AS_TEXT = "water_use"

#: The table given a reference column (last year's values, not read).
WITH_REFERENCE = "fuel_use"


def copy_project(root: Path, to: Path) -> Path:
    """The parts of the project a run reads (parameters, data, notebooks, the published outputs of the years)."""
    for folder in ("parameters", "data", "notebooks", "outputs"):
        shutil.copytree(root / folder, to / folder, ignore=shutil.ignore_patterns(".staging-*", "*.failed"))
    shutil.copy(root / "constraints.txt", to / "constraints.txt")
    return to


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def excel_value(column, text: str):
    """A cell as Excel would hold it: a number in a number column whose text is one, else the text."""
    if column is not None and column.kind in ("number", "integer") and text.strip():
        try:
            value = float(text)
        except ValueError:
            return text
        return int(value) if value.is_integer() and "." not in text and "e" not in text.lower() else value
    return text


def sheet_rows(spec, rows: list[list[str]]) -> list[list]:
    """The rows of a table's sheet: the header with units in brackets, the cells typed, and in one table a
    reference column of invented last-year values."""
    columns = {c.name: c for c in spec.columns}
    header = [f"{name} [{columns[name].unit}]" if name in columns and columns[name].unit and not
              columns[name].unit_column else name for name in rows[0]]
    typed = [[text if spec.name == AS_TEXT else excel_value(columns.get(name), text)
              for name, text in zip(rows[0], row)] for row in rows[1:]]
    if spec.name == WITH_REFERENCE:
        header.append("quantity FY2017 (reference, not read)")
        typed = [[*row, 12345.5] for row in typed]
    return [header, *typed]


def run(project: Path, out: Path, *, changes_report: bool = False) -> subprocess.CompletedProcess:
    """``envkpi run --fy 2018 --no-cache`` of every family; without ``changes_report``, with ``--only`` naming them
    all, which leaves out the changes report (its rerun of FY2017 reads the FY2017 files, not converted)."""
    only = [] if changes_report else ["--only", ",".join(names())]
    return subprocess.run([sys.executable, "-m", "envkpi.cli", "run", "--fy", "2018", "--no-cache", *only, "--out", str(out)],
                          cwd=project, capture_output=True, text=True)


def converted(root: Path, folder: Path, how: str) -> Path:
    """A copy of the project with the FY2018 tables given ``how``, run; the output folder."""
    project = copy_project(root, folder / "project")
    data = project / "data" / YEAR
    specs = [spec for spec in year_tables() if (data / spec.file_name).exists()]
    assert len(specs) == len(year_tables())
    if how == "per-table workbooks":
        for spec in specs:
            book = openpyxl.Workbook()
            book.active.title = spec.name
            for row in sheet_rows(spec, csv_rows(data / spec.file_name)):
                book.active.append(row)
            book.save(data / f"{spec.name}.xlsx")
            (data / spec.file_name).unlink()
    elif how == "one workbook":
        book = openpyxl.Workbook()
        book.active.title = "README"
        book.active.append(["The FY2018 inputs, one sheet per table"])
        for spec in specs:
            sheet = book.create_sheet(spec.name)
            for row in sheet_rows(spec, csv_rows(data / spec.file_name)):
                sheet.append(row)
            (data / spec.file_name).unlink()
        book.save(data / f"{YEAR}.xlsx")
        (data / f"~${YEAR}.xlsx").write_bytes(b"an Excel lock file: not a workbook")
    elif how == "cp932 with Japanese headers":
        for spec in specs:
            rows = csv_rows(data / spec.file_name)
            rows[0] = [japanese_header(spec.name, name) for name in rows[0]]
            with (data / spec.file_name).open("w", encoding="cp932", newline="") as handle:
                csv.writer(handle, lineterminator="\r\n").writerows(rows)
        parameters = project / "parameters" / f"{YEAR}.yaml"
        declared = "".join(f"    {spec.file_name}: cp932\n" for spec in specs)
        parameters.write_text(parameters.read_text(encoding="utf-8") + f"\ninputs:\n  encodings:\n{declared}",
                              encoding="utf-8")
    out = folder / "out"
    # the CP932 run writes the changes report too: the year file's new section must not upset its diff
    finished = run(project, out, changes_report=how == "cp932 with Japanese headers")
    assert finished.returncode == 0, finished.stderr[-3000:]
    return out


def inputs_of(out: Path) -> dict[str, str]:
    """The input files of the year that the run's manifest lists: path → SHA-256."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {record["path"]: record["sha256"] for record in manifest["inputs"]
            if record["role"] == "input" and record["path"].startswith(f"data/{YEAR}/")}
