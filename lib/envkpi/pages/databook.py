"""The data book: every indicator of the catalogue over every published fiscal year and this one.

``databook.xlsx`` (written with XlsxWriter) has a sheet ``Indicators`` — id, family, English and Japanese
name, unit, one column per year — a sheet per family with its breakdown rows, and ``About`` (what each
year's column is: ``FY2017 as published on …``). A restated figure is the current one, marked
*restated* in the sheet's ``notes`` column, with the figure as first published in a cell comment.
``databook.csv`` is the ``Indicators`` sheet. The bytes are deterministic: the workbook's metadata is fixed
(its creation date is the end of the fiscal year, never the time of the run) and XlsxWriter writes fixed
timestamps into the zip, so two runs of the same inputs give the same file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from envkpi.core.catalogue import catalogue, family_entries
from envkpi.core.results import ResultRow
from envkpi.cycle.series import PublishedYear

__all__ = ["DATABOOK_XLSX", "DATABOOK_CSV", "Databook", "databook", "databook_csv", "write_databook"]

DATABOOK_XLSX = "databook.xlsx"
DATABOOK_CSV = "databook.csv"
INDICATOR_COLUMNS = ("indicator_id", "family", "name_en", "name_ja", "unit")


@dataclass(frozen=True)
class Databook:
    """The data book's content.

    Attributes
    ----------
    years : list of int
        The year columns, oldest first (every published year before this one, then this one).
    labels : dict
        Year → which version its column holds (``FY2017 as published on …``, ``FY2018, this run``).
    headlines : dict
        (indicator id, year) → current value.
    breakdowns : dict
        (indicator id, breakdown, year) → current value.
    first_published : dict
        (indicator id, breakdown, year) → value as first published, where a restatement changed it.
    units : dict
        (indicator id, breakdown) → unit.
    """

    fiscal_year: int
    years: list[int]
    labels: dict[int, str]
    headlines: dict[tuple[str, int], float]
    breakdowns: dict[tuple[str, str, int], float]
    first_published: dict[tuple[str, str, int], float]
    units: dict[tuple[str, str], str]


def databook(fiscal_year: int, rows: list[ResultRow], earlier: list[PublishedYear], this_label: str) -> Databook:
    """Gather the data book of a run: this year's ``rows`` and the published years before it."""
    headlines, breakdowns, first, units, labels = {}, {}, {}, {}, {}
    for year, label, year_rows, original in [*((y.fiscal_year, y.label, y.rows, y.first_published) for y in earlier
                                               if y.fiscal_year < fiscal_year),
                                             (fiscal_year, this_label, rows, None)]:
        labels[year] = label
        was = {(r.indicator_id, r.breakdown): r.value for r in original or []}
        for r in year_rows:
            if r.fiscal_year != year:
                continue
            key = (r.indicator_id, r.breakdown)
            units.setdefault(key, r.unit)
            (headlines.__setitem__((r.indicator_id, year), r.value) if r.breakdown == ""
             else breakdowns.__setitem__((r.indicator_id, r.breakdown, year), r.value))
            if original is not None and key in was and was[key] != r.value:
                first[(r.indicator_id, r.breakdown, year)] = was[key]
    return Databook(fiscal_year, sorted(labels), labels, headlines, breakdowns, first, units)


def _notes(book: Databook, indicator_id: str, breakdown: str) -> str:
    return "; ".join(f"FY{y} restated ({book.labels[y]}); as first published {book.first_published[(indicator_id, breakdown, y)]!r}"
                     for y in book.years if (indicator_id, breakdown, y) in book.first_published)


def _indicator_rows(book: Databook) -> list[list]:
    rows = []
    for entry in catalogue():
        unit = book.units.get((entry.id, ""), "")
        values = [book.headlines.get((entry.id, y)) for y in book.years]
        rows.append([entry.id, entry.family, entry.name_en, entry.name_ja, unit or entry.unit, *values,
                     _notes(book, entry.id, "")])
    return rows


def databook_csv(book: Databook) -> str:
    """``databook.csv``: the ``Indicators`` sheet (full precision; an empty cell where a year has no value)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*INDICATOR_COLUMNS, *(f"FY{y}" for y in book.years), "notes"])
    for row in _indicator_rows(book):
        writer.writerow(["" if v is None else repr(v) if isinstance(v, float) else v for v in row])
    return buffer.getvalue()


def write_databook(path: Path, book: Databook, *, title: str, created: date) -> None:
    """Write ``databook.xlsx`` at ``path`` (deterministic bytes: fixed metadata, fixed zip timestamps).

    Parameters
    ----------
    title : str
        The workbook's title (organisation and year).
    created : date
        The date written as the workbook's creation date (the end of the fiscal year: fixed, so the bytes
        depend on the figures only).
    """
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                               "strings_to_urls": False})
    workbook.set_properties({"title": title, "author": "envkpi", "company": "", "comments": "Written by envkpi",
                             "created": datetime(created.year, created.month, created.day)})
    bold = workbook.add_format({"bold": True})
    number = workbook.add_format({"num_format": "#,##0.###"})
    restated = workbook.add_format({"num_format": "#,##0.###", "italic": True, "font_color": "#9c4a00"})
    year_headers = [f"FY{y}" for y in book.years]

    def comment(sheet, row: int, column: int, indicator_id: str, breakdown: str, year: int) -> bool:
        key = (indicator_id, breakdown, year)
        if key not in book.first_published:
            return False
        sheet.write_comment(row, column, f"Restated: {book.labels[year]}. As first published: "
                                         f"{book.first_published[key]!r}", {"author": "envkpi"})
        return True

    sheet = workbook.add_worksheet("Indicators")
    sheet.write_row(0, 0, [*INDICATOR_COLUMNS, *year_headers, "notes"], bold)
    for r, values in enumerate(_indicator_rows(book), start=1):
        indicator_id = values[0]
        for c, value in enumerate(values):
            if value is None:
                continue
            if c >= len(INDICATOR_COLUMNS) and c < len(INDICATOR_COLUMNS) + len(book.years):
                year = book.years[c - len(INDICATOR_COLUMNS)]
                marked = comment(sheet, r, c, indicator_id, "", year)
                sheet.write_number(r, c, value, restated if marked else number)
            else:
                sheet.write_string(r, c, str(value))
    sheet.freeze_panes(1, 1)
    sheet.set_column(0, 1, 14)
    sheet.set_column(2, 3, 48)

    for family in family_entries():
        ids = [e.id for e in catalogue() if e.family == family.name]
        keys = sorted({(i, b) for (i, b, _) in book.breakdowns if i in ids}, key=lambda k: (ids.index(k[0]), k[1]))
        if not keys:
            continue
        sheet = workbook.add_worksheet(family.name[:31])
        sheet.write_row(0, 0, ["indicator_id", "breakdown", "unit", *year_headers], bold)
        for r, (indicator_id, breakdown) in enumerate(keys, start=1):
            sheet.write_string(r, 0, indicator_id)
            sheet.write_string(r, 1, breakdown)
            sheet.write_string(r, 2, book.units[(indicator_id, breakdown)])
            for c, year in enumerate(book.years, start=3):
                value = book.breakdowns.get((indicator_id, breakdown, year))
                if value is not None:
                    marked = comment(sheet, r, c, indicator_id, breakdown, year)
                    sheet.write_number(r, c, value, restated if marked else number)
        sheet.freeze_panes(1, 2)
        sheet.set_column(1, 1, 30)

    sheet = workbook.add_worksheet("About")
    sheet.write_row(0, 0, ["column", "figures"], bold)
    for r, year in enumerate(book.years, start=1):
        sheet.write_row(r, 0, [f"FY{year}", book.labels[year]])
    sheet.write_string(len(book.years) + 2, 0, "Values as results.csv holds them, to 16 significant digits (databook.csv holds every digit); a restated value is the "
                       "current one, in italics, with the value as first published in its comment and the notes column.")
    sheet.set_column(0, 1, 40)
    workbook.close()
