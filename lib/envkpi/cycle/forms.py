"""Collection forms: ``envkpi forms --fy 2019 [--site JP-01 | --site all] [--out DIR]``.

Excel workbooks that sites and departments fill in and return, and that the run reads as they are
(a workbook dropped in ``data/FY<yyyy>/``):

- **per table** (default): ``forms/FY<yyyy>/<table>.xlsx`` for every input table of the year
  (:func:`envkpi.families.year_tables`), the table in a sheet named after it;
- **per site** (``--site JP-01``, ``--site all`` for every site of the group that year):
  ``forms/FY<yyyy>/<site>.xlsx`` with a sheet for each table that has a ``site_id`` column (the site
  register excepted: it is kept centrally), each named after its table.

A table's sheet holds, in row 1, the header ``name [unit]`` (``[—]`` for a number without unit; no
bracket for a column whose unit is given per row by another column, nor for text); the header cells
are locked and the sheet protected (no password: it guards against slips, not against intent), the
cells to fill are unlocked. Each column has an input message saying what is expected and a data
validation: a drop-down list for the columns with allowed values and for the known keys the run checks
(site ids of the register, and what each family declares from the parameters: fuels, carriers, gases,
regions, categories …, :attr:`envkpi.core.family.Family.references`; units allowed), whole or decimal
numbers for numbers, within the bounds beyond which the run refuses a value (:func:`bounds`). The lists are held in a hidden ``lists`` sheet.

The previous year's rows prefill the key columns (``TableSpec.unique``, else the leading columns with a
list of keys), rows of sites no longer in the group left out; their values (numbers, units, flags) are
shown beside the cells to fill, in grey locked columns ``<column> FY<yyyy-1> (reference, not read)``,
which the run ignores. The site register is prefilled whole (confirm it); registers of events
(``may_be_empty``) and tables keyed by record identifiers are not prefilled.

A ``dictionary`` sheet explains how to fill and return the form and lists every column of the tables:
header, Japanese header (``envkpi/core/aliases_ja.yaml``, which the run also reads), kind, unit, required, minimum,
values allowed, description.

The known keys come from the year's parameter file, or, before ``envkpi new-year`` has written it, from
the latest parameter file before the year (the notes say so); the site register from the year's
``sites.csv`` when it has rows, else the previous year's.

Each workbook is written to a temporary file renamed into place, so no half-written form is left; an
existing form is never replaced unless asked (``force``): it may have been filled.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from envkpi.core.boundary import fiscal_year_of, in_group
from envkpi.core.inputs import Column, TableSpec, data_dir, japanese_header, read_table
from envkpi.core.parameters import Parameters, parameter_file
from envkpi.core.sites import SITES

__all__ = ["FormsError", "FormContext", "REFERENCE_SUFFIX", "LISTS_SHEET", "DICTIONARY_SHEET", "SPARE_ROWS",
           "form_context", "bounds", "header_text", "reference_header", "write_table_forms", "write_site_forms", "forms",
           "site_tables"]

#: The end of the header of a column that the run ignores, with its whole column.
REFERENCE_SUFFIX = "(reference, not read)"
#: The hidden sheet holding the drop-down lists.
LISTS_SHEET = "lists"
#: The sheet with how to fill the form and the data dictionary.
DICTIONARY_SHEET = "dictionary"
#: Empty rows offered below the prefilled ones (unlocked, validated).
SPARE_ROWS = 200

_GREY = "D9D9D9"
_HEADER = "DDEBF7"


class FormsError(ValueError):
    """Forms that cannot be written as asked; the message says why and what exists."""


@dataclass
class FormContext:
    """What the forms of a fiscal year are made from.

    Attributes
    ----------
    fiscal_year : int
        The year the forms collect.
    previous_year : int
        The year whose values are shown beside the cells to fill.
    references : dict
        Table name → column → the known keys of that column (drop-down lists).
    sites : list of str
        The site ids of the group in the fiscal year, in register order.
    previous : dict
        Table name → the previous year's rows (typed values), for the tables that have some.
    notes : list of str
        What the user should know about how the forms were made (a parameter file of another year …).
    """

    fiscal_year: int
    previous_year: int
    references: dict[str, dict[str, list[str]]]
    sites: list[str]
    previous: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# --- what the forms are made from -------------------------------------------------------------------

def _years(root: Path) -> list[int]:
    """The fiscal years that have a data folder or a parameter file."""
    found = set()
    for pattern, where in (("FY*", root / "data"), ("FY*.yaml", root / "parameters")):
        for path in where.glob(pattern):
            match = re.fullmatch(r"FY(\d{4})(\.yaml)?", path.name)
            if match:
                found.add(int(match.group(1)))
    return sorted(found)


def _check_year(root: Path, fiscal_year: int) -> None:
    """A year has forms when it, or the year before, has a data folder, or it has a parameter file."""
    if (data_dir(root, fiscal_year).is_dir() or data_dir(root, fiscal_year - 1).is_dir()
            or parameter_file(root, fiscal_year).is_file()):
        return
    years = ", ".join(f"FY{y}" for y in _years(root)) or "none"
    raise FormsError(f"FY{fiscal_year}: no data/FY{fiscal_year}, no data/FY{fiscal_year - 1} and no "
                     f"parameters/FY{fiscal_year}.yaml; expected a year that exists or the year after one "
                     f"(years here: {years})")


def _parameters(root: Path, fiscal_year: int, notes: list[str]) -> Parameters:
    """The year's parameters, or those of the latest year before it (said in ``notes``)."""
    from envkpi.families import load_parameters

    path = parameter_file(root, fiscal_year)
    if not path.is_file():
        earlier = [y for y in _years(root) if y < fiscal_year and parameter_file(root, y).is_file()]
        if not earlier:
            raise FormsError(f"FY{fiscal_year}: no parameters/FY{fiscal_year}.yaml and no parameter file of an "
                             "earlier year to take the known keys (fuels, regions …) from; expected "
                             f"`envkpi new-year {fiscal_year}` first")
        path = parameter_file(root, earlier[-1])
        notes.append(f"parameters/FY{fiscal_year}.yaml does not exist yet: the lists of known keys (fuels, "
                     f"regions, categories …) are those of parameters/FY{earlier[-1]}.yaml; run "
                     f"`envkpi new-year {fiscal_year}` and write the forms again if the keys change")
    return load_parameters(path, root=root)


def _register(root: Path, fiscal_year: int, notes: list[str]) -> pd.DataFrame | None:
    """The site register of the year when it has rows, else that of the year before (None: neither)."""
    for year in (fiscal_year, fiscal_year - 1):
        table = read_table(data_dir(root, year) / SITES.file_name, SITES, root=root, problems=[])
        if table is not None and len(table.data):
            if year != fiscal_year:
                notes.append(f"the site ids are those of data/FY{year}/sites.csv (FY{fiscal_year}'s register has "
                             "no rows yet)")
            return table.data
    notes.append(f"no site register with rows in data/FY{fiscal_year} or data/FY{fiscal_year - 1}: "
                 "site ids have no drop-down list")
    return None


def _group_sites(register: pd.DataFrame | None, fiscal_year: int) -> list[str]:
    """The site ids of the register that are in the group in ``fiscal_year``."""
    if register is None:
        return []
    return [row["site_id"] for row in register.to_dict("records")
            if row["site_id"] and in_group(fiscal_year_of(row.get("first_fiscal_year")),
                                            fiscal_year_of(row.get("last_fiscal_year")), fiscal_year)]


def _table_references(params: Parameters, sites: list[str]) -> dict[str, dict[str, list[str]]]:
    """Table name → column → known keys: what the families declare, and the site ids for ``site_id``."""
    from envkpi.families import families

    found: dict[str, dict[str, list[str]]] = {}
    for declared in families():
        for spec in declared.tables:
            columns = {c.name for c in spec.columns}
            given = declared.references(params, spec) if declared.references else {}
            table = found.setdefault(spec.name, {})
            for name, values in given.items():
                if name in columns:
                    table.setdefault(name, [str(v) for v in values])
            if "site_id" in columns and spec.name != SITES.name and sites:
                table.setdefault("site_id", list(sites))
    return found


def _previous_rows(root: Path, year: int, specs: Iterable[TableSpec]) -> dict[str, pd.DataFrame]:
    """Each table's rows of ``year`` (typed; cells that have a problem left empty), when it has some."""
    found = {}
    folder = data_dir(root, year)
    if not folder.is_dir():
        return found
    for spec in specs:
        table = read_table(folder / spec.file_name, spec, root=root, problems=[])
        if table is None or not len(table.data):
            continue
        data = table.data.astype(object).copy()
        for index, column in table.failed:
            if column in data.columns and index < len(data):
                data.iat[index, data.columns.get_loc(column)] = None
        found[spec.name] = data
    return found


def form_context(root: Path, fiscal_year: int) -> FormContext:
    """Gather what the forms of ``fiscal_year`` are made from.

    Raises
    ------
    FormsError
        When neither the year nor the year before has a data folder and the year has no parameter file
        (naming the years that exist), or no parameter file of the year or before exists.
    ParameterError
        When the parameter file used does not load.
    """
    from envkpi.families import year_tables

    root = Path(root)
    _check_year(root, fiscal_year)
    notes: list[str] = []
    params = _parameters(root, fiscal_year, notes)
    sites = _group_sites(_register(root, fiscal_year, notes), fiscal_year)
    previous = _previous_rows(root, fiscal_year - 1, year_tables())
    if not previous:
        notes.append(f"no FY{fiscal_year - 1} data: the forms have no rows prefilled and no reference values")
    return FormContext(fiscal_year=fiscal_year, previous_year=fiscal_year - 1,
                       references=_table_references(params, sites), sites=sites, previous=previous,
                       notes=notes)


# --- a table's sheet --------------------------------------------------------------------------------

def header_text(column: Column) -> str:
    """The header cell of ``column``: ``name [unit]``, ``name [—]`` for a number without unit, the bare name
    for a column whose unit is given per row (``unit_column``) and for other kinds."""
    if column.unit_column:
        return column.name
    if column.unit:
        return f"{column.name} [{column.unit}]"
    if column.kind in ("number", "integer"):
        return f"{column.name} [—]"
    return column.name


def reference_header(column: Column, year: int) -> str:
    """The header of the column of last year's values beside ``column``: ``quantity FY2018 (reference, not read)``."""
    return f"{column.name} FY{year} {REFERENCE_SUFFIX}"


def _keys(spec: TableSpec, listed: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """The columns prefilled from last year's rows: the table's key, else its leading columns that have a
    list of values; none for a register of events or a key of record identifiers."""
    if spec.may_be_empty:
        return ()
    if spec.unique:
        if any(name.endswith("_id") and name != "site_id" for name in spec.unique):
            return ()
        return spec.unique
    keys = []
    for column in spec.columns:
        if column.kind != "text" or not (column.allowed or column.name in listed):
            break
        keys.append(column.name)
    return tuple(keys)


def _shown_beside(column: Column, keys: Sequence[str]) -> bool:
    """Whether last year's values of ``column`` are shown beside it: the values to fill (numbers, units,
    flags), not the keys nor free text."""
    return column.name not in keys and column.kind in ("number", "integer", "unit", "boolean")


def _cell_value(value):
    """A typed table value as an Excel cell value (None for a missing one)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):  # a NumPy scalar
        value = value.item()
    return value


@dataclass(frozen=True)
class _Sheet:
    """A table's sheet to write: its spec, its layout and its prefilled rows."""

    spec: TableSpec
    columns: tuple[tuple[Column, bool], ...]  # (column, is last year's reference column), in sheet order
    prefilled: tuple[Mapping[str, object], ...]  # last year's rows: column → value
    filled: tuple[str, ...]  # the columns prefilled from them (the others only shown in the reference columns)
    lists: Mapping[str, Sequence[str]]  # column → drop-down values


def _sheet(spec: TableSpec, context: FormContext, site: str | None = None) -> _Sheet:
    """The layout and prefilled rows of ``spec``'s sheet (only the rows of ``site`` when given)."""
    lists = dict(context.references.get(spec.name, {}))
    if site is not None:
        lists["site_id"] = [site]
    rows = context.previous.get(spec.name)
    records: list[dict] = [] if rows is None else rows.to_dict("records")
    if "site_id" in {c.name for c in spec.columns} and spec.name != SITES.name:
        wanted = {site} if site is not None else set(context.sites)
        records = [r for r in records if r.get("site_id") in wanted] if wanted else records
    whole = spec.name == SITES.name
    keys = tuple(c.name for c in spec.columns) if whole else _keys(spec, lists)
    if not keys:
        records = []
    columns: list[tuple[Column, bool]] = []
    for column in spec.columns:
        columns.append((column, False))
        if records and not whole and _shown_beside(column, keys):
            columns.append((column, True))
    return _Sheet(spec, tuple(columns), tuple(records), keys, lists)


def bounds(column: Column) -> tuple[float | None, float | None]:
    """The lowest and highest values the run accepts in a number column of fixed unit: its minimum, and the
    bounds of its plausible range in that unit beyond which a value is an error (None: no bound). A
    column whose unit varies by row has only its minimum."""
    low, high = column.minimum, None
    if column.unit_column is None:
        unit = column.unit or "dimensionless"
        for plausible in column.plausible:
            if plausible.unit == unit:
                if plausible.error_below is not None:
                    low = plausible.error_below if low is None else max(low, plausible.error_below)
                high = plausible.error_above
                break
    return low, high


def _expected(column: Column, values: Sequence[str] | None) -> str:
    """What a cell of ``column`` takes, in words (for the input and error messages)."""
    if column.kind in ("number", "integer"):
        what = "a number" if column.kind == "number" else "a whole number"
        low, high = bounds(column)
        if low is not None and high is not None:
            what += f" from {low:,.15g} to {high:,.15g}"
        elif low is not None:
            what += f" ≥ {low:,.15g}"
        elif high is not None:
            what += f" ≤ {high:,.15g}"
        if column.unit:
            what += f" in {column.unit}"
        elif column.unit_column:
            what += f" in the unit of column {column.unit_column}"
        return what
    if column.kind == "boolean":
        return "TRUE or FALSE"
    if values:
        shown = ", ".join(values[:12]) + (" …" if len(values) > 12 else "")
        return f"one of the list ({shown})"
    if column.kind == "unit":
        return "a unit" + (f" of dimension {' or '.join(column.dimensions)}" if column.dimensions else "")
    return "text"


def _formula(value: float) -> str:
    """A bound as an Excel formula: ``0``, ``2100``, ``0.5``, ``1E+300``."""
    return f"{value:.15g}".replace("e", "E")


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[:size - 1] + "…"


# --- writing a workbook -----------------------------------------------------------------------------

class _Lists:
    """The hidden ``lists`` sheet: one column per distinct list, referred to by the validations."""

    def __init__(self, workbook):
        self.sheet = workbook.create_sheet(LISTS_SHEET)
        self.sheet.sheet_state = "hidden"
        self._columns: dict[tuple[str, tuple[str, ...]], str] = {}

    def range_of(self, name: str, values: Sequence[str]) -> str:
        """The absolute reference to the cells holding ``values`` (written once per distinct list)."""
        from openpyxl.utils import get_column_letter, quote_sheetname

        key = (name, tuple(values))
        if key not in self._columns:
            index = len(self._columns) + 1
            self.sheet.cell(row=1, column=index, value=name)
            for row, value in enumerate(values, start=2):
                self.sheet.cell(row=row, column=index, value=value).number_format = "@"
            letter = get_column_letter(index)
            self._columns[key] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
        return self._columns[key]


def _validation(column: Column, values: Sequence[str] | None, lists: _Lists):
    """The data validation of ``column``'s cells: a list, a number, or only an input message."""
    from openpyxl.worksheet.datavalidation import DataValidation

    expected = _expected(column, values)
    options = dict(allow_blank=True, showInputMessage=True, showErrorMessage=True,
                   promptTitle=_clip(column.name, 32), prompt=_clip(f"{column.description}. Expected: {expected}.", 255),
                   errorTitle=_clip(f"{column.name}: not accepted", 32), error=_clip(f"Expected {expected}.", 225))
    if column.kind in ("number", "integer"):
        kind = "decimal" if column.kind == "number" else "whole"
        low, high = bounds(column)
        if low is not None and high is None:
            return DataValidation(type=kind, operator="greaterThanOrEqual", formula1=_formula(low), **options)
        if high is not None and low is None:
            return DataValidation(type=kind, operator="lessThanOrEqual", formula1=_formula(high), **options)
        if low is None:
            low, high = (-1e300, 1e300) if kind == "decimal" else (-2147483647, 2147483647)
        return DataValidation(type=kind, operator="between", formula1=_formula(low), formula2=_formula(high), **options)
    if column.kind == "boolean":
        return DataValidation(type="list", formula1='"TRUE,FALSE"', **options)
    if values:
        return DataValidation(type="list", formula1=lists.range_of(column.name, values), **options)
    return DataValidation(**options)  # any value: the input message only


def _write_sheet(workbook, sheet: _Sheet, context: FormContext, lists: _Lists) -> None:
    """Write a table's sheet: header, prefilled rows, reference columns, validations, protection."""
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    spec = sheet.spec
    if len(spec.name) > 31:
        raise FormsError(f"table {spec.name!r}: a sheet name has at most 31 characters in Excel")
    ws = workbook.create_sheet(spec.name)
    last = 1 + len(sheet.prefilled) + SPARE_ROWS
    grey = PatternFill("solid", fgColor=_GREY)
    open_cell = Protection(locked=False)
    for index, (column, reference) in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        head = ws.cell(row=1, column=index,
                       value=reference_header(column, context.previous_year) if reference else header_text(column))
        head.font = Font(bold=True, italic=reference)
        head.fill = grey if reference else PatternFill("solid", fgColor=_HEADER)
        head.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[letter].width = min(max(len(str(head.value)) + 2, 12), 40 if not reference else 22)
        text_cell = column.kind in ("text", "unit")
        for row, record in enumerate(sheet.prefilled, start=2):
            if reference or column.name in sheet.filled:
                cell = ws.cell(row=row, column=index, value=_cell_value(record.get(column.name)))
                if text_cell and isinstance(cell.value, str):
                    cell.number_format = "@"
        if reference:
            for row in range(2, 2 + len(sheet.prefilled)):
                ws.cell(row=row, column=index).fill = grey
            continue
        for row in range(2, last + 1):
            cell = ws.cell(row=row, column=index)
            cell.protection = open_cell
            if text_cell:
                cell.number_format = "@"
        validation = _validation(column, sheet.lists.get(column.name) or list(column.allowed or ()), lists)
        ws.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{last}")
    ws.freeze_panes = "A2"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _dictionary(workbook, sheets: Sequence[_Sheet], context: FormContext, *, site: str | None) -> None:
    """The ``dictionary`` sheet: how to fill and return the form, then every column of its tables."""
    from openpyxl.styles import Alignment, Font

    ws = workbook.create_sheet(DICTIONARY_SHEET)
    year, before = context.fiscal_year, context.previous_year
    names = ", ".join(f"'{s.spec.name}'" for s in sheets)
    target = f"data/FY{year}/{site}.xlsx" if site else f"data/FY{year}/{sheets[0].spec.name}.xlsx"
    lines = [
        f"FY{year} collection form" + (f" of site {site}" if site else f": {sheets[0].spec.description}"),
        f"Fill sheet{'s' if len(sheets) > 1 else ''} {names}: one row per record under the header (row 1, "
        "protected: keep it, and keep the sheet names).",
        f"Rows prefilled with FY{before}'s keys: fill in their values; clear the key cells of a row that no "
        "longer applies (an empty row is skipped) and add rows below for new ones.",
        f"Grey columns '… FY{before} {REFERENCE_SUFFIX}' show last year's values: they are not read.",
        "Drop-down lists and number checks follow the dictionary below; numbers are plain numbers in the "
        "unit of the header (or of the row's unit column), without units or thousands separators in the cell.",
        f"Return the file as it is: it is placed in the data folder ({target}) and read by "
        f"`envkpi run --fy {year}`, which checks every cell again and names the sheet, row and column of any problem.",
    ]
    for row, text in enumerate(lines, start=1):
        cell = ws.cell(row=row, column=1, value=text)
        cell.font = Font(bold=row == 1)
    head = ["table", "column", "header in the form", "日本語", "kind", "unit", "required", "minimum",
            "values", "description"]
    start = len(lines) + 2
    for index, text in enumerate(head, start=1):
        ws.cell(row=start, column=index, value=text).font = Font(bold=True)
    row = start + 1
    for sheet in sheets:
        for column in sheet.spec.columns:
            values = sheet.lists.get(column.name) or list(column.allowed or ())
            unit = column.unit or (f"from column {column.unit_column}" if column.unit_column else "—")
            cells = [sheet.spec.name, column.name, header_text(column),
                     japanese_header(sheet.spec.name, column.name) or "", column.kind,
                     unit, "yes" if column.required else "no",
                     f"{column.minimum:g}" if column.minimum is not None else "",
                     ", ".join(values), column.description]
            for index, value in enumerate(cells, start=1):
                ws.cell(row=row, column=index, value=value).alignment = Alignment(wrap_text=index >= 9, vertical="top")
            row += 1
    for letter, width in zip("ABCDEFGHIJ", (24, 24, 28, 16, 9, 18, 9, 9, 40, 60)):
        ws.column_dimensions[letter].width = width


def _save(workbook, path: Path) -> None:
    """Write ``workbook`` to a temporary file beside ``path`` and rename it into place."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        workbook.save(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _workbook(sheets: Sequence[_Sheet], context: FormContext, *, site: str | None):
    """A form: the tables' sheets first, then the dictionary and the hidden lists."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    lists = _Lists(workbook)
    for sheet in sheets:
        _write_sheet(workbook, sheet, context, lists)
    _dictionary(workbook, sheets, context, site=site)
    workbook.move_sheet(LISTS_SHEET, offset=len(workbook.sheetnames) - 1)
    workbook.active = 0
    return workbook


def _refuse_existing(paths: Iterable[Path], force: bool) -> None:
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        shown = ", ".join(str(p) for p in existing[:5]) + (f" and {len(existing) - 5} more" if len(existing) > 5 else "")
        raise FormsError(f"{shown} exist{'s' if len(existing) == 1 else ''} already (a form may have been filled); "
                         "expected a folder without these forms: move them away, or pass --force to replace them")


def write_table_forms(context: FormContext, out: Path, specs: Sequence[TableSpec], *, force: bool = False) -> list[Path]:
    """Write one form per table of ``specs``: ``out/<table>.xlsx``.

    Returns
    -------
    list of Path
        The forms written, in table order.

    Raises
    ------
    FormsError
        When a form exists already and ``force`` is not given (nothing is written).
    """
    out = Path(out)
    paths = [out / f"{spec.name}.xlsx" for spec in specs]
    _refuse_existing(paths, force)
    out.mkdir(parents=True, exist_ok=True)
    for spec, target in zip(specs, paths):
        _save(_workbook([_sheet(spec, context)], context, site=None), target)
    return paths


def site_tables(specs: Iterable[TableSpec]) -> list[TableSpec]:
    """The tables of a per-site form: those with a ``site_id`` column, the site register excepted."""
    return [s for s in specs if s.name != SITES.name and any(c.name == "site_id" for c in s.columns)]


def _file_name(site: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", site) + ".xlsx"


def write_site_forms(context: FormContext, out: Path, specs: Sequence[TableSpec], sites: Sequence[str], *,
                     force: bool = False) -> list[Path]:
    """Write one form per site: ``out/<site>.xlsx``, a sheet per table of ``specs`` with a ``site_id`` column.

    Raises
    ------
    FormsError
        When a site is not in the group that year (naming those that are), or a form exists already and
        ``force`` is not given (nothing is written).
    """
    unknown = [s for s in sites if s not in context.sites]
    if unknown:
        raise FormsError(f"site {', '.join(map(repr, unknown))} is not in the group in FY{context.fiscal_year}; "
                         f"expected one of {', '.join(context.sites) or '(no sites in the register)'} or 'all'")
    tables = site_tables(specs)
    out = Path(out)
    paths = [out / _file_name(site) for site in sites]
    _refuse_existing(paths, force)
    out.mkdir(parents=True, exist_ok=True)
    for site, target in zip(sites, paths):
        _save(_workbook([_sheet(spec, context, site) for spec in tables], context, site=site), target)
    return paths


def forms(root: Path, fiscal_year: int, *, site: str | None = None, out: Path | None = None,
          force: bool = False) -> tuple[list[Path], list[str]]:
    """Write the collection forms of ``fiscal_year``: per table, or per site (``site``: an id or ``all``).

    Parameters
    ----------
    root : Path
        Project root.
    fiscal_year : int
    site : str, optional
        A site id, or ``all`` for one form per site of the group; default one form per table.
    out : Path, optional
        The folder of the forms; default ``forms/FY<yyyy>`` under ``root``.
    force : bool
        Replace forms that exist.

    Returns
    -------
    tuple
        (the forms written, notes on how they were made).
    """
    from envkpi.families import year_tables

    root = Path(root)
    context = form_context(root, fiscal_year)
    out = Path(out) if out is not None else root / "forms" / f"FY{fiscal_year}"
    if site is None:
        return write_table_forms(context, out, year_tables(), force=force), context.notes
    if not context.sites:
        raise FormsError(f"FY{fiscal_year}: no site register with rows in data/FY{fiscal_year} or "
                         f"data/FY{fiscal_year - 1}; expected sites.csv filled before per-site forms")
    sites = list(context.sites) if site == "all" else [site]
    return write_site_forms(context, out, year_tables(), sites, force=force), context.notes
