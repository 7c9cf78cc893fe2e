"""Collection forms (``envkpi forms``): written from the real table specs, filled programmatically with
openpyxl, placed in the data folder and read by the run as they are.

The sample year FY2018 is collected with forms (previous year FY2017): each form is filled with the
FY2018 sample values, the CSV files removed and the forms put in ``data/FY2018/``; reading gives the
same tables and the run the same ``results.csv``. A value outside a form's validation is reported by
the run with the workbook, sheet, row and column.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from commands import envkpi

from envkpi.core.inputs import InputError, TableSpec, japanese_header, read_table
from envkpi.core.sites import SITES
from envkpi.cycle.forms import (
    DICTIONARY_SHEET,
    LISTS_SHEET,
    REFERENCE_SUFFIX,
    forms,
    header_text,
    site_tables,
)
from envkpi.families import family, names, year_tables

ROOT = Path(__file__).resolve().parents[2]
SITE = "JP-01"


def copy_project(target: Path, published: tuple[str, ...] = ()) -> Path:
    """A copy of the project's parameters, data and notebooks, with the ``published`` years' outputs."""
    for folder in ("parameters", "data", "notebooks", *(f"outputs/{year}" for year in published)):
        shutil.copytree(ROOT / folder, target / folder, ignore=shutil.ignore_patterns(".staging-*", "*.failed"))
    return target


def column_of(header: str, spec: TableSpec) -> str | None:
    """The table column a form's header cell stands for (None for a reference column)."""
    if header is None or header.endswith(REFERENCE_SUFFIX):
        return None
    name = header.split(" [")[0]
    assert name in {c.name for c in spec.columns}, header
    return name


def typed(text: str, kind: str):
    """A CSV cell as the value a person would type in Excel: numbers as numbers, flags as booleans."""
    if text == "":
        return None
    if kind == "number":
        return float(text)
    if kind == "integer":
        return int(float(text))
    if kind == "boolean":
        return text.lower() in ("true", "yes", "1")
    return text


def csv_rows(path: Path, keep=lambda row: True) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [row for row in csv.DictReader(handle) if keep(row)]


def fill(workbook: openpyxl.Workbook, spec: TableSpec, rows: list[dict[str, str]]) -> None:
    """Fill the sheet of ``spec``: clear what was prefilled and write ``rows`` under the header."""
    sheet = workbook[spec.name]
    headers = {index: column_of(cell.value, spec) for index, cell in enumerate(sheet[1], start=1)}
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.value = None
    kinds = {c.name: c.kind for c in spec.columns}
    for number, row in enumerate(rows, start=2):
        for index, name in headers.items():
            if name is not None:
                sheet.cell(row=number, column=index, value=typed(row.get(name, "").strip(), kinds[name]))


def fill_form(path: Path, spec: TableSpec, rows: list[dict[str, str]], target: Path) -> Path:
    workbook = openpyxl.load_workbook(path)
    fill(workbook, spec, rows)
    workbook.save(target)
    return target


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Per-table forms of FY2018, a per-site form of JP-01, and the project copy they were made in."""
    project = copy_project(tmp_path_factory.mktemp("forms") / "project")
    tables, _ = forms(project, 2018)
    per_site, _ = forms(project, 2018, site=SITE)
    return project, {p.stem: p for p in tables}, per_site[0]


@pytest.fixture(scope="module")
def collected(written, tmp_path_factory):
    """A project whose FY2018 tables are all given as filled forms (the CSV files removed)."""
    _, tables, _ = written
    project = copy_project(tmp_path_factory.mktemp("collected") / "project", published=("FY2017",))
    folder = project / "data" / "FY2018"
    for spec in year_tables():
        fill_form(tables[spec.name], spec, csv_rows(folder / spec.file_name), folder / f"{spec.name}.xlsx")
        (folder / spec.file_name).unlink()
    return project


# --- what a form holds -------------------------------------------------------------------------------

def test_a_form_per_table_with_units_validations_protection_and_last_years_values(written):
    project, tables, _ = written
    assert set(tables) == {spec.name for spec in year_tables()}
    assert (project / "forms" / "FY2018" / "fuel_use.xlsx") == tables["fuel_use"]
    workbook = openpyxl.load_workbook(tables["fuel_use"])
    assert workbook.sheetnames == ["fuel_use", DICTIONARY_SHEET, LISTS_SHEET]
    assert workbook[LISTS_SHEET].sheet_state == "hidden"
    sheet = workbook["fuel_use"]
    header = [cell.value for cell in sheet[1]]
    assert header == ["site_id", "fuel", "quantity", f"quantity FY2017 {REFERENCE_SUFFIX}", "unit",
                      f"unit FY2017 {REFERENCE_SUFFIX}", "supplier"]
    # protected header, cells to fill unlocked, reference cells locked
    assert sheet.protection.sheet
    assert sheet["A1"].protection.locked and not sheet["C2"].protection.locked and sheet["D2"].protection.locked
    # last year's keys prefilled, last year's quantity beside the cell to fill
    last_year = csv_rows(ROOT / "data" / "FY2017" / "fuel_use.csv")
    assert (sheet["A2"].value, sheet["B2"].value, sheet["C2"].value) == (last_year[0]["site_id"], last_year[0]["fuel"], None)
    assert sheet["D2"].value == pytest.approx(float(last_year[0]["quantity"]))
    assert sheet["F2"].value == last_year[0]["unit"]
    # validations: fuels and sites from a hidden list, a number ≥ 0, units allowed
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    fuels = validations["B2"]
    assert fuels.type == "list" and fuels.formula1.startswith(f"'{LISTS_SHEET}'!")
    cells = workbook[LISTS_SHEET][fuels.formula1.split("!")[1].replace("$", "")]
    listed = [cell.value for row in cells for cell in row]
    assert "city_gas" in listed and "diesel" in listed
    sites = validations["A2"]
    assert sites.type == "list"
    quantity = validations["C2"]
    assert (quantity.type, quantity.operator, quantity.formula1) == ("decimal", "greaterThanOrEqual", "0")
    assert "≥ 0" in quantity.error and quantity.prompt
    assert validations["E2"].type == "list"
    # a fixed unit in the header, and the integer counts as whole numbers
    product = openpyxl.load_workbook(tables["product_use"])["product_use"]
    header = [cell.value for cell in product[1]]
    assert "units_sold [count]" in header and "model_kwh_per_year [kWh/year]" in header
    counts = next(v for v in product.data_validations.dataValidation if v.type == "whole")
    assert (counts.operator, counts.formula1, counts.formula2) == ("between", "0", "1000000000")  # the run's error bound
    assert "from 0 to 1,000,000,000" in counts.error


def test_the_dictionary_sheet_lists_every_column(written):
    _, tables, _ = written
    spec = next(s for s in year_tables() if s.name == "fuel_use")
    sheet = openpyxl.load_workbook(tables[spec.name])[DICTIONARY_SHEET]
    rows = [row for row in sheet.iter_rows(values_only=True)]
    assert "collection form" in rows[0][0] and any(f"data/FY2018/{spec.name}.xlsx" in (r[0] or "") for r in rows)
    head = rows.index(next(r for r in rows if r[0] == "table"))
    listed = [r for r in rows[head + 1:] if r[0] == spec.name]
    assert [r[1] for r in listed] == [c.name for c in spec.columns]
    assert [r[2] for r in listed] == [header_text(c) for c in spec.columns]
    assert listed[[c.name for c in spec.columns].index("site_id")][3] == japanese_header(spec.name, "site_id")
    assert all(r[3] for r in listed)  # every column has its Japanese header


def test_a_form_per_site_holds_the_site_tables_with_that_sites_rows(written):
    _, _, per_site = written
    assert per_site.name == f"{SITE}.xlsx"
    workbook = openpyxl.load_workbook(per_site)
    names = [s.name for s in site_tables(year_tables())]
    assert workbook.sheetnames == [*names, DICTIONARY_SHEET, LISTS_SHEET]
    assert SITES.name not in workbook.sheetnames
    for name in names:
        sheet = workbook[name]
        column = [cell.value for cell in sheet[1]].index("site_id")
        assert {row[column] for row in sheet.iter_rows(min_row=2, values_only=True)
                if any(v is not None for v in row)} <= {SITE}, name
        site_list = next(v for v in sheet.data_validations.dataValidation
                         if str(v.sqref).startswith(f"{openpyxl.utils.get_column_letter(column + 1)}2"))
        assert site_list.type == "list"


def test_existing_forms_are_not_replaced(written, capsys):
    project, tables, _ = written
    before = tables["fuel_use"].read_bytes()
    result = envkpi("forms", "--fy", "2018", cwd=project)
    assert result.returncode == 2
    assert "exist" in result.stderr and "--force" in result.stderr and "Traceback" not in result.stderr
    assert tables["fuel_use"].read_bytes() == before


# --- a filled form is read as it is ------------------------------------------------------------------

@pytest.mark.parametrize("spec", year_tables(), ids=lambda s: s.name)
def test_a_filled_form_reads_as_the_csv(spec, collected):
    csv_table = read_table(ROOT / "data" / "FY2018" / spec.file_name, spec, root=ROOT)
    form_table = read_table(collected / "data" / "FY2018" / spec.file_name, spec, root=collected)
    pd.testing.assert_frame_equal(form_table.data, csv_table.data, check_dtype=False)
    assert form_table.rows == csv_table.rows


def test_the_run_of_filled_forms_gives_the_same_results(collected, tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "FY2018"
    result = envkpi("run", "--fy", "2018", "--no-cache", "--only", ",".join(names()), "--out", str(out), cwd=collected)
    assert result.returncode == 0, result.stderr
    assert (out / "results.csv").read_bytes() == (ROOT / "outputs" / "FY2018" / "results.csv").read_bytes()


def test_site_forms_are_read_together_as_the_tables(written, tmp_path):
    """Every site returns its form: the workbooks dropped in the data folder, in place of the CSV files of
    the per-site tables, give the same rows (one after the other, workbook by workbook)."""
    project, _, _ = written
    site_forms, _ = forms(project, 2018, site="all", out=tmp_path / "sites")
    copy = copy_project(tmp_path / "project")
    folder = copy / "data" / "FY2018"
    specs = site_tables(year_tables())
    for path in site_forms:
        workbook = openpyxl.load_workbook(path)
        for spec in specs:
            fill(workbook, spec, csv_rows(folder / spec.file_name, lambda row, site=path.stem: row["site_id"] == site))
        workbook.save(folder / path.name)
    for spec in specs:
        (folder / spec.file_name).unlink()
    for spec in specs:
        whole = read_table(ROOT / "data" / "FY2018" / spec.file_name, spec, root=ROOT).data
        split = read_table(folder / spec.file_name, spec, root=copy).data
        key = [c.name for c in spec.columns]
        pd.testing.assert_frame_equal(split.sort_values(key, ignore_index=True, na_position="first"),
                                      whole.sort_values(key, ignore_index=True, na_position="first"),
                                      check_dtype=False)


# --- a value outside the validation is refused by the run ---------------------------------------------

def test_a_form_filled_outside_its_validation_is_rejected_with_sheet_row_and_column(written, tmp_path):
    _, tables, _ = written
    project = copy_project(tmp_path / "project")
    folder = project / "data" / "FY2018"
    spec = next(s for s in year_tables() if s.name == "fuel_use")
    rows = csv_rows(folder / spec.file_name)
    rows[2] = {**rows[2], "fuel": "whale_oil"}  # not in the list: row 4 of the sheet
    rows[4] = {**rows[4], "quantity": "-5"}  # below the minimum 0: row 6
    fill_form(tables[spec.name], spec, rows, folder / f"{spec.name}.xlsx")
    (folder / spec.file_name).unlink()
    with pytest.raises(InputError) as caught:
        family("production").load_inputs(_parameters(project), folder, project)
    text = str(caught.value)
    where = f"data/FY2018/{spec.name}.xlsx, sheet '{spec.name}'"
    assert f"{where}, row 4, column 'fuel'" in text and "whale_oil" in text
    assert f"{where}, row 6, column 'quantity'" in text
    result = envkpi("run", "--fy", "2018", "--only", "production", "--no-cache", "--out", str(tmp_path / "out"),
                    cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{where}, row 4, column 'fuel'" in result.stderr


def _parameters(project: Path):
    from envkpi.families import load_parameters

    return load_parameters(project / "parameters" / "FY2018.yaml", root=project)


def test_new_year_mentions_the_forms_and_they_are_written_for_the_new_year(tmp_path):
    project = copy_project(tmp_path / "project")
    result = envkpi("new-year", "2019", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "envkpi forms --fy 2019" in result.stderr
    assert "envkpi forms --fy 2019" in (project / "data" / "FY2019" / "README.md").read_text(encoding="utf-8")
    result = envkpi("forms", "--fy", "2019", "--site", "all", cwd=project)
    assert result.returncode == 0, result.stderr
    # the new year's register is an empty template: the site ids are FY2018's, and the command says so
    assert "data/FY2018/sites.csv" in result.stderr and "Traceback" not in result.stderr
    written = sorted(p.stem for p in (project / "forms" / "FY2019").glob("*.xlsx"))
    assert SITE in written and len(written) > 1
    sheet = openpyxl.load_workbook(project / "forms" / "FY2019" / f"{SITE}.xlsx")["fuel_use"]
    assert f"quantity FY2018 {REFERENCE_SUFFIX}" in [cell.value for cell in sheet[1]]
    result = envkpi("forms", "--fy", "2019", "--site", "XX-99", "--out", str(tmp_path / "other"), cwd=project)
    assert result.returncode == 2 and "'XX-99' is not in the group in FY2019" in result.stderr and SITE in result.stderr


def test_prefilled_rows_are_filled_in_place_and_an_emptied_row_is_skipped(written, tmp_path):
    """As a person fills a form: the values typed in the rows prefilled with last year's keys, a row that
    does not apply emptied (its keys cleared, last year's reference values left), new rows below."""
    _, tables, _ = written
    spec = next(s for s in year_tables() if s.name == "purchased_energy")
    copy = copy_project(tmp_path / "project")
    folder = copy / "data" / "FY2018"
    wanted = {(r["site_id"], r["carrier"]): r for r in csv_rows(folder / spec.file_name)}
    workbook = openpyxl.load_workbook(tables[spec.name])
    sheet = workbook[spec.name]
    at = {name: index for index, cell in enumerate(sheet[1], start=1) if (name := column_of(cell.value, spec))}
    kinds = {c.name: c.kind for c in spec.columns}
    row, emptied = 2, []
    while sheet.cell(row=row, column=at["site_id"]).value is not None:
        key = (sheet.cell(row=row, column=at["site_id"]).value, sheet.cell(row=row, column=at["carrier"]).value)
        record = wanted.pop(key, None) if row > 2 else None  # the first row is emptied, its record moved below
        for name, index in at.items():
            sheet.cell(row=row, column=index).value = typed(record[name], kinds[name]) if record else None
        if record is None:
            emptied.append(row)
        row += 1
    assert emptied and sheet.cell(row=emptied[0], column=at["quantity"] + 1).value is not None  # reference left
    for record in wanted.values():  # new rows, and the row emptied above
        for name, index in at.items():
            sheet.cell(row=row, column=index, value=typed(record[name], kinds[name]))
        row += 1
    workbook.save(folder / f"{spec.name}.xlsx")
    (folder / spec.file_name).unlink()
    read = read_table(folder / spec.file_name, spec, root=copy)
    whole = read_table(ROOT / "data" / "FY2018" / spec.file_name, spec, root=ROOT)
    keys = list(spec.unique)
    pd.testing.assert_frame_equal(read.data.sort_values(keys, ignore_index=True),
                                  whole.data.sort_values(keys, ignore_index=True), check_dtype=False)
    assert not set(emptied) & set(read.rows)


def test_the_validations_accept_every_value_of_the_sample(written):
    """A form filled with the FY2018 sample passes its own validations: every key is in its drop-down list,
    every number within its bounds (the lists and bounds are those the run applies)."""
    _, tables, _ = written
    checked = 0
    for spec in year_tables():
        workbook = openpyxl.load_workbook(tables[spec.name])
        sheet = workbook[spec.name]
        names = {openpyxl.utils.get_column_letter(i): column_of(c.value, spec) for i, c in enumerate(sheet[1], start=1)}
        rows = csv_rows(ROOT / "data" / "FY2018" / spec.file_name)
        kinds = {c.name: c.kind for c in spec.columns}
        for validation in sheet.data_validations.dataValidation:
            name = names[str(validation.sqref).split(":")[0].rstrip("0123456789")]
            values = [typed(row[name].strip(), kinds[name]) for row in rows if row[name].strip()]
            if validation.type == "list" and validation.formula1.startswith("'"):
                cells = workbook[LISTS_SHEET][validation.formula1.split("!")[1].replace("$", "")]
                allowed = {cell.value for row in cells for cell in row}
                assert set(values) <= allowed, (spec.name, name, set(values) - allowed)
            elif validation.type == "list":
                assert set(values) <= {True, False}, (spec.name, name)
            elif validation.type in ("decimal", "whole"):
                low = float(validation.formula1) if validation.operator != "lessThanOrEqual" else None
                high = (float(validation.formula2) if validation.operator == "between" else
                        float(validation.formula1) if validation.operator == "lessThanOrEqual" else None)
                assert all((low is None or v >= low) and (high is None or v <= high) for v in values), (spec.name, name)
            else:
                continue
            checked += 1
    assert checked > 50
