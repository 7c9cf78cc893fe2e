"""The data book (databook.xlsx, databook.csv): read back with openpyxl, it holds results.csv for the year and
the published figures for earlier years; a restated figure is marked with the figure first published; two
writes give the same bytes."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest

import envkpi
from envkpi.core.catalogue import catalogue
from envkpi.core.results import read_results
from envkpi.cycle.series import PublishedYear, published_years
from envkpi.pages.databook import databook, databook_csv, write_databook

ROOT = Path(envkpi.__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def book():
    """FY2018's results (the published reference) over FY2017 as published, with one figure restated."""
    earlier = published_years(ROOT / "outputs", 2018)
    assert [y.fiscal_year for y in earlier] == [2017]
    first = earlier[0]
    restated = [dataclasses.replace(r, value=r.value + 1000.0) if (r.indicator_id, r.breakdown) == ("PRD-07", "") else r
                for r in first.rows]
    year = PublishedYear(2017, "FY2017 as restated on 2019-09-30", restated, first.rows)
    return databook(2018, read_results(ROOT / "outputs" / "FY2018" / "results.csv"), [year], "FY2018, this run"), first


def test_the_data_book_read_back_equals_the_results_and_the_published_years(book, tmp_path):
    book, fy2017 = book
    path = tmp_path / "databook.xlsx"
    write_databook(path, book, title="Data book FY2018", created=date(2019, 3, 31))
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[0] == "Indicators" and workbook.sheetnames[-1] == "About"
    sheet = workbook["Indicators"]
    header = [c.value for c in sheet[1]]
    assert header == ["indicator_id", "family", "name_en", "name_ja", "unit", "FY2017", "FY2018", "notes"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert list(rows) == [e.id for e in catalogue()]  # every indicator of the catalogue, in its order
    this_year = {r.indicator_id: r.value for r in read_results(ROOT / "outputs" / "FY2018" / "results.csv") if not r.breakdown}
    before = {r.indicator_id: r.value for r in fy2017.rows if not r.breakdown}
    for indicator_id, row in rows.items():
        # a cell holds 16 significant digits (XlsxWriter writes %.16g; Excel shows 15); databook.csv holds them all
        assert row[6] == pytest.approx(this_year.get(indicator_id), rel=1e-15) if indicator_id in this_year else row[6] is None
        expected = before.get(indicator_id)
        if indicator_id == "PRD-07":
            expected += 1000.0
        assert row[5] == pytest.approx(expected, rel=1e-15) if expected is not None else row[5] is None
    assert rows["PRD-01"][3] == "生産活動におけるCO2排出量" and rows["PRD-01"][4] == "t CO2"
    # the restated figure: marked, the original kept in a comment and the notes
    cell = sheet.cell(row=[e.id for e in catalogue()].index("PRD-07") + 2, column=6)
    assert cell.comment is not None and repr(before["PRD-07"]) in cell.comment.text and "restated" in cell.comment.text.lower()
    assert "as first published" in rows["PRD-07"][7]
    assert not rows["PRD-06"][7]
    # a sheet per family with its breakdowns
    production = workbook["production"]
    found = {(r[0], r[1]): r[3:] for r in production.iter_rows(min_row=2, values_only=True)}
    breakdowns = {(r.indicator_id, r.breakdown): r.value for r in read_results(ROOT / "outputs" / "FY2018" / "results.csv")
                  if r.breakdown and r.notebook == "production"}
    assert set(found) == set(breakdowns)
    assert found[("PRD-07", "site=JP-01")][1] == pytest.approx(breakdowns[("PRD-07", "site=JP-01")], rel=1e-15)
    assert [c.value for c in workbook["About"]["B"]][1:3] == ["FY2017 as restated on 2019-09-30", "FY2018, this run"]
    assert workbook.properties.creator == "envkpi" and workbook.properties.created.year == 2019


def test_the_csv_holds_full_precision(book):
    book, _ = book
    rows = list(csv.DictReader(io.StringIO(databook_csv(book))))
    this_year = {r.indicator_id: r.value for r in read_results(ROOT / "outputs" / "FY2018" / "results.csv") if not r.breakdown}
    for row in rows:
        assert (float(row["FY2018"]) == this_year[row["indicator_id"]]) if row["FY2018"] else row["indicator_id"] not in this_year


def test_two_writes_give_the_same_bytes(book, tmp_path):
    book, _ = book
    write_databook(tmp_path / "a.xlsx", book, title="t", created=date(2019, 3, 31))
    write_databook(tmp_path / "b.xlsx", book, title="t", created=date(2019, 3, 31))
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
