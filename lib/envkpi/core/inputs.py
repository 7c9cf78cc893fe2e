"""Input tables: read CSV files (or Parquet files, or Excel workbooks) and validate them, reporting every
problem with file (and sheet), row and column.

Each table has a :class:`TableSpec` (its data dictionary in code: columns, kinds, units allowed,
values allowed, plausible ranges, keys). :func:`read_table` parses a CSV file as text first, so
that a value that is not a number is reported with its row instead of breaking a whole column;
then it checks each cell (kind, unit among those the column allows, plausible range), minimums
and allowed values with a pandera schema (lazily: all failures at once), and duplicate rows.
A table may be given as ``<table>.parquet`` in place of ``<table>.csv`` (never both): its cells are
read as the text a CSV file would hold, and validated the same way, with the same messages; its
row ``n`` is reported as row ``n + 1``, as if the header were row 1.

A table of the year's folder (``role="input"``) may also be given in Excel (read with openpyxl):

- ``<table>.xlsx`` in place of ``<table>.csv``: its sheet named after the table, else its first sheet;
- the sheets named exactly after the table in the *year workbooks* of the folder (:func:`year_workbooks`:
  every other ``*.xlsx``, Excel's lock files ``~$*.xlsx`` skipped), several being read one after the
  other in file-name order (one workbook per site team). Each row keeps its source
  (:attr:`Table.source_of`), so that it is located in its own workbook and sheet, and every file read
  has its provenance record (:attr:`Table.records`).

Two files of a table, or a file and a sheet, are one problem naming both. A sheet's header is its row
1 and its rows are Excel's row numbers; a problem is located as ``data/FY2019/<table>.xlsx, sheet
'<table>', row 8, column 'quantity'``. Each cell becomes the text a CSV file would hold (a whole number
without ``.0``, other numbers as ``repr``, ``true``/``false``, a date ``2018-04-01``, a date and time
``2018-04-01T13:00:00``), so the checks and messages are those of a CSV file; a formula without its
computed value, an error cell and merged cells are problems of their own.

In every format the header is read the same way: a cell may give a unit in brackets (``quantity [t]``;
for a column of a fixed unit, another unit is a problem in row 1), a cell ending with ``(reference,
not read)`` is left out with its column, and a column may be named by its Japanese header
(``aliases_ja.yaml``, :func:`japanese_header`: ``拠点コード`` for ``site_id``).

A CSV file is UTF-8 unless the year's parameters declare its encoding (``inputs.encodings``: ``utf-8``,
``utf-8-sig`` or ``cp932``, passed to :func:`read_table` as ``encodings``).

The checks run column by column (NumPy and pandas, a table of 200,000 rows in about a second):
numbers are converted together, other cells once per distinct text, and only the cells found wrong
are given to :func:`parse_cell` and :func:`plausibility` for their messages, so every message is
that of the rule applied to the one cell.
Problems from every table of a family are gathered into one :class:`InputError`, which prints one
line per problem::

    data/FY2018/<table>.csv, row 8, column 'quantity': got 'abc'; expected a number

Rows are the line numbers of the file where the record starts, the header being row 1.

A value outside the *typical* range of its column is not an error but a warning (a
:class:`Problem` in :attr:`Table.warnings`): reports show the warnings of their inputs, and
``envkpi run`` prints them as ``warning: file, row, column: ...`` lines.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import functools
import io
import math
import re
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pint

from envkpi.core.provenance import FileRecord, file_record
from envkpi.core.units import Quantity, UnitError, parse_unit, ureg

if TYPE_CHECKING:
    import pandera.pandas as pa
    from pandera.errors import SchemaErrors

__all__ = ["data_dir", "data_rows", "table_file", "table_sources", "table_rows", "year_workbooks", "japanese_header",
           "ENCODINGS", "RawCells", "with_rows", "warnings_of", "hourly_series_problems", "Column", "Plausible", "TableSpec", "Problem", "InputError", "Table", "read_table", "read_csv_text",
           "parse_cell", "raise_problems", "check_rows", "warning_line"]

#: At most this many problems are printed; the rest are counted (all are kept in ``InputError.problems``).
SHOWN_PROBLEMS = 25


@dataclass(frozen=True)
class Plausible:
    """The plausible values of a quantity column, in ``unit``.

    A value above ``error_above`` (or below ``error_below``) cannot be right: it is an error. A value
    outside ``typical`` (low, high; ``None`` for no bound) may be right but is unusual: it is a
    warning. ``reason`` says why, in a few words; ``data/README.md`` gives the reasoning.
    A column whose unit varies by row has one range per dimension; a row whose unit does not
    convert to ``unit`` is not judged by that range.
    """

    unit: str
    error_above: float | None = None
    error_below: float | None = None
    typical: tuple[float | None, float | None] = (None, None)
    reason: str = ""


@dataclass(frozen=True)
class Column:
    """One column of an input table.

    ``kind`` is ``text``, ``number``, ``integer``, ``boolean`` or ``unit`` (a pint unit string whose
    dimension is one of ``dimensions``). ``unit`` documents the unit of a number column when it is
    fixed; when it varies by row it is given by another column (``unit_column``). ``allowed`` lists
    the values a text column accepts or, for a unit column, the units it accepts, spelt exactly
    (``MWh`` is allowed, ``mWh`` is a milliwatt-hour and is not). ``plausible`` gives the ranges
    of a number column (see :class:`Plausible`).

    A column that is not ``required`` may have empty cells. One that is also ``header_optional``
    may be left out of the header altogether, every cell then being empty: a column added to a
    table after files of earlier years were written (``sites.csv``'s ``first_fiscal_year``). Other
    columns must be in the header even when their cells may be empty, so that a column dropped by
    mistake (``parent_entity``) is named instead of silently read as empty.
    """

    name: str
    kind: str
    description: str
    required: bool = True
    unit: str | None = None
    unit_column: str | None = None
    minimum: float | None = None
    allowed: tuple[str, ...] | None = None
    dimensions: tuple[str, ...] | None = None
    plausible: tuple[Plausible, ...] = ()
    header_optional: bool = False

    def __post_init__(self) -> None:
        if self.header_optional and self.required:
            raise ValueError(f"column {self.name}: a column that may be left out of the header cannot be required")


#: The names of the tables declared (every :class:`TableSpec`): a workbook named after one of them is that
#: table's file, any other workbook of a folder is a year workbook (a sheet per table).
_TABLE_NAMES: set[str] = set()


@dataclass(frozen=True)
class TableSpec:
    """An input table: file name, description, columns, and the columns that must be unique together.

    Whatever ``unique`` says, no two rows of a table may be the same in every cell (a row given
    twice would be counted twice).

    ``may_be_empty``: a header-only file is a filled table with no rows (a register of events where
    none happened is a result, zero), not an empty template; the preflight does not refuse it.

    ``instead_of``: the name of a table that this one may be given in place of, a more detailed form
    (a ledger of shipments in place of a table of totals) from which the family's loader derives it;
    one of the two is given, never both.
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    unique: tuple[str, ...] = ()
    may_be_empty: bool = False
    instead_of: str | None = None

    def __post_init__(self) -> None:
        _TABLE_NAMES.add(self.name)

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input: where (file, row, column) and what was expected."""

    file: str
    row: int | None = None
    column: str | None = None
    message: str = ""

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


def _sorted(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.file, p.row or 0, p.column or "", p.message))


def warning_line(problem: Problem) -> str:
    """The line printed on the command line for a warning: ``warning: file, row, column: message``."""
    return f"warning: {problem}"


class InputError(ValueError):
    """Input data that cannot be used. ``problems`` holds every :class:`Problem` found.

    ``warnings`` holds the warnings found on the way (values outside their typical range), which
    are not part of the message.
    """

    def __init__(self, problems: Iterable[Problem], warnings: Iterable[Problem] = ()):
        self.problems = _sorted(problems)
        self.warnings = _sorted(warnings)
        count = len(self.problems)
        lines = [str(p) for p in self.problems[:SHOWN_PROBLEMS]]
        if count > SHOWN_PROBLEMS:
            lines.append(f"... and {count - SHOWN_PROBLEMS} more (InputError.problems lists them all)")
        header = (
            f"{count} problem{'s' if count != 1 else ''} in the input data "
            "(rows are line numbers of the file; the header is row 1):"
        )
        hints = _hints(self.problems)
        super().__init__("\n".join([header, *(f"  {line}" for line in lines), *hints]))


def _hints(problems: Sequence[Problem]) -> list[str]:
    """Lines after the problems: how to declare the encoding of the CSV files that look like CP932."""
    files = sorted({Path(p.file).name for p in problems if _CP932_GUESS in p.message})
    if not files:
        return []
    declared = ", ".join(f"{name}: cp932" for name in files)
    return [f"A CSV file saved by Japanese Excel may also be read as it is: declare its encoding in the year's "
            f"parameters (parameters/FY<yyyy>.yaml), inputs: {{encodings: {{{declared}}}}}."]


def raise_problems(problems: Iterable[Problem], warnings: Iterable[Problem] = ()) -> None:
    """Raise one :class:`InputError` for all ``problems`` (carrying ``warnings``), if there are any."""
    __tracebackhide__ = True
    problems = list(problems)
    if problems:
        raise InputError(problems, warnings)


class RawCells(Sequence):
    """The text of each cell of a table, as in the file (blanks around it removed), held by column.

    ``raw[index]`` is the row at data position ``index`` as a dict column → text; ``raw.column(name)``
    the texts of one column (an object array), for rules applied to a whole column at once.
    """

    def __init__(self, columns: Mapping[str, np.ndarray], count: int):
        self._columns = dict(columns)
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> dict[str, str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        return {name: cells[index] for name, cells in self._columns.items()}

    def __iter__(self) -> Iterator[dict[str, str]]:
        return (self[i] for i in range(self._count))

    def column(self, name: str) -> np.ndarray:
        """The texts of column ``name``, one per data row."""
        return self._columns[name]


@dataclass
class Table:
    """A validated input table: typed data, the file it came from and its provenance record.

    ``failed`` holds the cells (data row position, column) that have a problem: their value in
    ``data`` is not to be trusted, and rules between columns or tables skip the rows that need them.

    A table read from several places (the sheets named after it in several year workbooks) has one
    ``record`` per file in ``records`` (``record`` is the first), the place of each source in ``places``
    (``data/FY2019/a.xlsx, sheet '<table>'``) and the source of each data row in ``source_of``: each row
    is located in its own workbook and sheet (:meth:`place`, :meth:`problem`, :meth:`where`).
    """

    spec: TableSpec
    data: pd.DataFrame
    display: str
    record: FileRecord
    rows: list[int] = field(default_factory=list)  # file row number of each data row
    raw: Sequence[Mapping[str, str]] = field(default_factory=list)  # the text of each cell, as in the file
    clean: bool = True  # False when the table has problems of its own (it may still be partly usable)
    failed: set[tuple[int, str]] = field(default_factory=set)
    warnings: list[Problem] = field(default_factory=list)
    records: list[FileRecord] = field(default_factory=list)  # every file read (default: [record])
    places: list[str] = field(default_factory=list)  # the display of each source (default: [display])
    source_of: list[int] = field(default_factory=list)  # the source of each data row (default: all the first)

    def __post_init__(self) -> None:
        if not self.records:
            self.records = [self.record]
        if not self.places:
            self.places = [self.display]

    @property
    def spec_columns(self) -> set[str]:
        return {c.name for c in self.spec.columns}

    def row_of(self, index: int) -> int:
        """File line (header = 1) where the data row at position ``index`` starts."""
        return self.rows[index]

    def place(self, index: int) -> str:
        """The file (and sheet) that the data row at position ``index`` comes from, as messages show it."""
        return self.places[self.source_of[index]] if self.source_of else self.display

    def where(self, index: int) -> str:
        """The data row at ``index`` as another message refers to it: ``data/FY2018/sites.csv row 16``."""
        return f"{self.place(index)} row {self.row_of(index)}"

    def problem(self, index: int, column: str | None, message: str) -> Problem:
        """A :class:`Problem` located at data row ``index`` and ``column`` of this table."""
        return Problem(self.place(index), self.row_of(index), column, message)

    def parsed(self, index: int, columns: Iterable[str] | None = None) -> bool:
        """True when the cells ``columns`` (default: all) of data row ``index`` have no problem."""
        return not any((index, c) in self.failed for c in (columns if columns is not None else self.spec_columns))

    def parsed_rows(self, columns: Iterable[str] | None = None) -> np.ndarray:
        """:meth:`parsed` of every data row at once: a boolean array, True where the cells ``columns``
        (default: all) have no problem."""
        wanted = set(columns) if columns is not None else self.spec_columns
        mask = np.ones(len(self.data), dtype=bool)
        for index, column in self.failed:
            if column in wanted and index < len(mask):
                mask[index] = False
        return mask


_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


def parse_cell(column: Column, text: str) -> tuple[object, str | None]:
    """Parse one cell as ``column`` says; return (value, error message or None).

    An ``integer`` cell is a whole number, written with or without a decimal part (``2017`` and
    ``2017.0`` are both 2017; ``640.25`` is an error).
    """
    if text == "":
        if column.required:
            return None, f"missing value; expected {_expectation(column)}"
        return ("" if column.kind == "text" else None), None
    if column.kind == "number" or column.kind == "integer":
        try:
            if "_" in text:  # float() accepts 1_000; a data file should not
                raise ValueError(text)
            value = float(text)
        except ValueError:
            return None, f"got {text!r}; expected {_expectation(column)}"
        if not math.isfinite(value):
            return None, f"got {text!r}; expected a finite number"
        if column.kind == "integer":
            if not value.is_integer():
                return None, f"got {text!r}; expected a whole number"
            return int(value), None
        return value, None
    if column.kind == "boolean":
        lowered = text.lower()
        if lowered in _TRUE or lowered in _FALSE:
            return lowered in _TRUE, None
        return None, f"got {text!r}; expected true or false"
    if column.kind == "unit":
        if column.allowed is not None:
            if " ".join(text.split()) not in column.allowed:
                return None, _unit_not_allowed(text, column.allowed)
            return text, None
        try:
            unit = parse_unit(text)
        except UnitError as exc:
            return None, str(exc)
        if column.dimensions:
            wanted = [ureg.get_dimensionality(d) for d in column.dimensions]
            if unit.dimensionality not in wanted:
                return None, f"unit {text!r} has dimension {unit.dimensionality}; expected {_expectation(column)}"
        return text, None
    return text, None



def _unit_not_allowed(text: str, allowed: tuple[str, ...]) -> str:
    message = f"got {text!r}; expected one of {', '.join(allowed)}"
    same_letters = [unit for unit in allowed if unit.lower() == " ".join(text.split()).lower()]
    if same_letters:
        return message + f" (units are case-sensitive: did you mean {same_letters[0]}?)"
    return message


def _expectation(column: Column) -> str:
    if column.kind in ("number", "integer"):
        what = "a number" if column.kind == "number" else "a whole number"
        if column.minimum is not None:
            what += f" ≥ {column.minimum:g}"
        return what + (f" [{column.unit}]" if column.unit else "")
    if column.kind == "unit":
        if column.allowed is not None:
            return "one of " + ", ".join(column.allowed)
        return "a unit of dimension " + " or ".join(column.dimensions or ("any",))
    if column.kind == "boolean":
        return "true or false"
    if column.allowed:
        return "one of " + ", ".join(column.allowed)
    return column.description


def _number(value: float) -> str:
    """A bound or a value for a message: ``10,000,000``, ``11,833,333``, ``0.5``, ``2.5e+15``."""
    if abs(value) >= 1e15:
        return f"{value:.3g}"
    if float(value).is_integer() or abs(value) >= 100:
        return f"{round(value):,}"
    return f"{value:,.4g}"


@functools.lru_cache(maxsize=None)
def _scale(unit: str, target: str) -> float | None:
    """The factor that converts a value in ``unit`` to ``target`` (None when it does not convert).

    Computed once per pair of units, not once per cell: a table of 8,760 hours is judged in
    milliseconds. Units with an offset (°C) are only compared with themselves.
    """
    if unit == target:
        return 1.0
    try:
        one, two = (float(Quantity(v, unit).to(target).magnitude) for v in (1.0, 2.0))
    except (pint.errors.DimensionalityError, UnitError, pint.errors.UndefinedUnitError):
        return None
    return one if math.isclose(two, 2 * one) else None  # an offset (°C to K) is no factor


def plausibility(column: Column, value: float, text: str, unit: str | None,
                 factor: pint.Quantity | None = None) -> tuple[str | None, str | None]:
    """Judge a parsed number against the plausible ranges of its column.

    Parameters
    ----------
    column : Column
        The column, with its ``plausible`` ranges.
    value : float
        The parsed value [``unit``].
    text : str
        The cell as written (for the message).
    unit : str or None
        The unit of the value: the row's unit cell, or the column's fixed unit.
    factor : Quantity, optional
        What the value is multiplied by before it is judged (e.g. a fuel's calorific value [GJ/t],
        when the range is of the fuel's energy content [GJ]).

    Returns
    -------
    tuple
        (error message or None, warning message or None).
    """
    for plausible in column.plausible:
        if factor is None:
            scale = _scale(unit or "dimensionless", plausible.unit)
        else:
            scale = _scale(f"({unit}) * ({factor.units})", plausible.unit)
            scale = None if scale is None else scale * float(factor.magnitude)
        if scale is None:
            continue
        converted = value * scale if scale != 1.0 else value
        shown = f"{text!r} {unit}" if column.unit_column else f"{text!r}"
        if unit not in (None, plausible.unit) or factor is not None:
            shown += f" (= {_number(converted)} {plausible.unit})"
        reason = f" ({plausible.reason})" if plausible.reason else ""
        of = "" if plausible.unit == "dimensionless" else f" [{plausible.unit}]"
        if plausible.error_above is not None and converted > plausible.error_above:
            return f"got {shown}; expected at most {_number(plausible.error_above)}{of}{reason}", None
        if plausible.error_below is not None and converted < plausible.error_below:
            return f"got {shown}; expected at least {_number(plausible.error_below)}{of}{reason}", None
        low, high = plausible.typical
        if high is not None and converted > high:
            return None, (f"{shown} is above the typical maximum of {_number(high)}{of}{reason}; "
                          "check the value and its unit")
        if low is not None and converted < low:
            return None, (f"{shown} is below the typical minimum of {_number(low)}{of}{reason}; "
                          "check the value and its unit")
        return None, None
    return None, None


def _schema(spec: TableSpec, references: Mapping[str, Iterable[str]]) -> pa.DataFrameSchema:
    import pandera.pandas as pa  # when a table is validated: a run whose inputs are known valid never needs it

    columns = {}
    for column in spec.columns:
        checks = []
        if column.minimum is not None:
            checks.append(pa.Check.ge(column.minimum, error=f"expected a value ≥ {column.minimum:g}"))
        if column.kind != "unit":  # a unit column's allowed units are checked as the cell is read
            allowed = column.allowed or (tuple(references[column.name]) if column.name in references else None)
            if allowed is not None:
                checks.append(pa.Check.isin(list(allowed), error=_allowed_message(column.name, allowed)))
        columns[column.name] = pa.Column(nullable=True, checks=checks)
    return pa.DataFrameSchema(columns)


def _allowed_message(name: str, allowed: Iterable[str]) -> str:
    allowed = sorted(set(map(str, allowed)))
    shown = ", ".join(allowed[:20]) + (" …" if len(allowed) > 20 else "")
    return f"expected a known {name} ({shown})"


def _schema_problems(error: SchemaErrors, table: Table, spec: TableSpec, references: Mapping) -> list[Problem]:
    problems = []
    for case in error.failure_cases.to_dict("records"):
        index = case.get("index")
        column = case.get("column")
        check = str(case.get("check"))
        value = case.get("failure_case")
        if index is None or (isinstance(index, float) and math.isnan(index)):
            problems.append(Problem(table.display, None, column, f"{check}: {value}"))
            continue
        index = int(index)
        if column in table.spec_columns and index < len(table.raw):
            value = table.raw[index][column]
            table.failed.add((index, column))
        if check.startswith("expected a known") and column:
            hint = difflib.get_close_matches(str(value), [str(v) for v in _allowed_values(spec, column, references)], n=1)
            message = f"got {value!r}; {check}" + (f"; did you mean {hint[0]}?" if hint else "")
        else:
            message = f"got {value!r}; {check}"
        problems.append(table.problem(index, column, message))
    return problems


def _allowed_values(spec: TableSpec, column: str, references: Mapping) -> Iterable[str]:
    declared = spec.column(column).allowed
    return declared or references.get(column, ())


def _rows_text(rows: list[int]) -> str:
    return ("row " if len(rows) == 1 else "rows ") + ", ".join(map(str, rows))


def _others_text(table: Table, index: int, others: list[int]) -> str:
    """The rows ``others`` as the message of row ``index`` names them: ``rows 3, 4``, with their workbook and
    sheet when they are not in that of row ``index`` (a table from several workbooks)."""
    here = table.place(index)
    if all(table.place(i) == here for i in others):
        return _rows_text([table.row_of(i) for i in others])
    return ", ".join(f"row {table.row_of(i)}" + ("" if table.place(i) == here else f" of {table.place(i)}")
                     for i in others)


def _duplicate_problems(table: Table) -> list[Problem]:
    """Rows the same as another in every cell, and rows with the key of another (``spec.unique``).

    Each row is named with the other rows it repeats, so that both ends of a duplicate are found.
    Rows whose key cells have problems of their own are not compared. The repeated rows are found in
    one go (``DataFrame.duplicated``); only they are grouped and named one by one.
    """
    spec = table.spec
    names = [c.name for c in spec.columns]
    cells = _comparable(table, names)

    def key_text(index: int, columns: Iterable[str]) -> str:
        row = table.raw[index]
        return ", ".join(f"{c}={row[c]}" for c in columns)

    problems: list[Problem] = []
    repeated = {}
    for group in _groups(cells, names, np.flatnonzero(cells.duplicated(keep=False).to_numpy())):
        for index in group:
            repeated[index] = [i for i in group if i != index]
    named = spec.unique or tuple(c.name for c in spec.columns if c.kind == "text")[:2]
    for index, others in repeated.items():
        problems.append(table.problem(index, None, f"duplicate of {_others_text(table, index, others)} ({key_text(index, named)}): "
                                      "the same in every cell, so it would be counted twice; delete one"))
    if spec.unique:
        keyed = np.flatnonzero(table.parsed_rows(spec.unique))
        subset = cells.iloc[keyed]
        candidates = keyed[subset.duplicated(subset=list(spec.unique), keep=False).to_numpy()]
        for group in _groups(cells, list(spec.unique), candidates):
            for index in group:
                if index in repeated:
                    continue
                others = [i for i in group if i != index]
                problems.append(table.problem(index, None, f"duplicate row for {key_text(index, spec.unique)} "
                                              f"(also {_others_text(table, index, others)}); expected one row per {', '.join(spec.unique)}"))
    return problems


def _comparable(table: Table, names: list[str]) -> pd.DataFrame:
    """Each row's cells as compared for duplicates: the parsed value, missing for an empty cell, and the
    text of a cell that failed (its value is not to be trusted)."""
    cells = table.data[names].copy()
    by_column: dict[str, list[int]] = defaultdict(list)
    for index, name in table.failed:
        if name in cells.columns:
            by_column[name].append(index)
    for name, indices in by_column.items():
        column = cells[name].astype(object)
        column.iloc[indices] = table.raw.column(name)[indices]
        cells[name] = column
    return cells


def _groups(cells: pd.DataFrame, names: list[str], indices: np.ndarray) -> list[list[int]]:
    """The rows ``indices`` grouped by their cells ``names``: groups of two or more, each in row order, the
    groups in the order of their first row."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for index, values in zip(indices, cells.iloc[indices][names].itertuples(index=False, name=None)):
        groups[tuple(None if _missing(v) else v for v in values)].append(int(index))
    return [group for group in groups.values() if len(group) > 1]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def read_table(
    path: str | Path,
    spec: TableSpec,
    *,
    root: str | Path | None = None,
    references: Mapping[str, Iterable[str]] | None = None,
    role: str = "input",
    problems: list[Problem] | None = None,
    encodings: Mapping[str, str] | None = None,
) -> Table | None:
    """Read and validate one table: its CSV file, or the Parquet file or Excel workbook in its place, or
    the sheets named after it in the year workbooks of its folder.

    Parameters
    ----------
    path : str or Path
        The CSV file (``<table>.csv``); ``<table>.parquet`` or ``<table>.xlsx`` beside it is read
        instead when it exists (two of them together are a problem naming both), and the sheets named
        ``<table>`` of the other workbooks of the folder (:func:`year_workbooks`) when no such file exists.
    spec : TableSpec
        Its columns and rules.
    root : str or Path, optional
        Project root; file names in messages and provenance are shown relative to it.
    references : mapping, optional
        Column name → allowed values known only at run time (site ids, fuels of the parameters).
    problems : list, optional
        If given, problems are appended to it so that a caller can gather the problems of several
        tables before raising: the table is returned with ``clean=False`` when it has problems, and
        ``None`` when it cannot be read at all (no file, a broken header, not UTF-8). Otherwise an
        :class:`InputError` is raised at once.
    encodings : mapping, optional
        CSV file name (``sites.csv``) → its declared encoding (one of :data:`ENCODINGS`; the
        year's parameters, ``inputs.encodings``). A file not named is UTF-8.

    Returns
    -------
    Table or None
        With its warnings (values outside their typical range) in ``warnings``.
    """
    __tracebackhide__ = True
    found: list[Problem] = []
    table = _read(Path(path), spec, root, references or {}, role, found, encodings or {})
    if table is not None:
        table.clean = not found
    if problems is not None:
        problems.extend(found)
        return table
    raise_problems(found, table.warnings if table is not None else ())
    return table


#: The encodings a CSV file may be declared in (the year's parameters, ``inputs.encodings``).
ENCODINGS = ("utf-8", "utf-8-sig", "cp932")

_CP932_GUESS = "it looks like Shift_JIS/CP932 (Japanese Excel); "


def read_csv_text(path: Path, display: str, encoding: str | None = None) -> tuple[str | None, Problem | None]:
    """The text of a CSV file: UTF-8 (a UTF-8 byte-order mark is dropped) unless declared otherwise.

    Parameters
    ----------
    path : Path
    display : str
        The file as messages name it.
    encoding : str, optional
        Its declared encoding, one of :data:`ENCODINGS` (default, ``utf-8`` and ``utf-8-sig``: UTF-8
        with or without a byte-order mark).

    Returns
    -------
    tuple
        (text, None), or (None, a :class:`Problem` naming the file, the line of the first byte that
        cannot be read and the encoding the file seems to be in: UTF-16, Shift_JIS/CP932 or Windows-1252).

    Raises
    ------
    FileNotFoundError
        When there is no such file.
    """
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data:
        return None, Problem(display, None, None, "not UTF-8 text: it looks like UTF-16 (Excel's 'Unicode Text'); "
                                                  "save it as 'CSV UTF-8 (comma delimited)'")
    if encoding == "cp932":
        return _cp932_text(data, display)
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, Problem(display, line, None, f"not UTF-8 text (byte 0x{data[exc.start]:02X} cannot be read as "
                                                  f"UTF-8); {_likely_encoding(data)}save it as UTF-8 CSV")


def _cp932_text(data: bytes, display: str) -> tuple[str | None, Problem | None]:
    """The text of a file declared CP932, or the problem naming its line: a byte that is not CP932, or a file
    that is UTF-8 text beyond ASCII (read as CP932 it would be garbled)."""
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            line = data.count(b"\n", 0, next(i for i, b in enumerate(data) if b > 127)) + 1
            return None, Problem(display, line, None, "declared cp932 in the year's parameters (inputs.encodings), "
                                 "but it is UTF-8 text; remove the declaration or declare it utf-8")
    try:
        return data.decode("cp932"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, Problem(display, line, None, f"not CP932 text (byte 0x{data[exc.start]:02X} cannot be read as "
                             "CP932), as the year's parameters declare it (inputs.encodings); save it as CSV from "
                             "Japanese Excel, or as UTF-8 CSV and remove the declaration")


def _likely_encoding(data: bytes) -> str:
    """What a file that is not UTF-8 seems to be, as the start of a sentence (or nothing)."""
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        text = None
    if text is not None and any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"
                                for ch in text):
        return _CP932_GUESS
    try:
        data.decode("cp1252")
        return "it looks like Windows-1252 (Excel in Western Europe); "
    except UnicodeDecodeError:
        return ""


@dataclass(frozen=True)
class _Source:
    """Where (part of) a table is read from: a CSV, Parquet or Excel file of the table, or a sheet of a year
    workbook (``sheet`` set: the sheet named after the table)."""

    path: Path
    sheet: str | None = None

    @property
    def kind(self) -> str:
        return "sheet" if self.sheet is not None else self.path.suffix.lstrip(".")


_PER_TABLE = (".csv", ".parquet", ".xlsx")


def _read(path: Path, spec: TableSpec, root, references, role, problems: list[Problem],
          encodings: Mapping[str, str]) -> Table | None:
    sources = _sources(path, root, problems, excel=role == "input")
    if sources is None:
        return None
    if not sources:
        accepted = _accepted(path, root) if path.suffix in _PER_TABLE and role == "input" else ""
        problems.append(Problem(_display(path, root), None, None, f"file not found; expected a CSV table with columns "
                                f"{', '.join(c.name for c in spec.columns)}{accepted}"))
        return None
    parts = []
    for source in sources:
        display = _display(source.path, root)
        if source.kind == "parquet":
            grid = _parquet_grid(source.path, display, problems)
        elif source.kind in ("xlsx", "sheet"):
            grid = _xlsx_grid(source.path, source.sheet or spec.name, display, problems)
            display = grid[0] if grid is not None else display
            grid = grid[1:] if grid is not None else None
        else:
            grid = _csv_grid(source.path, spec, display, problems, encodings.get(source.path.name))
        if grid is None:
            continue
        header, columns, numbers = grid[:3]
        header, columns, renamed = _named_columns(header, columns, spec, display, problems)
        if not _header_fits(header, spec, display, problems):
            continue
        preset = {(position, renamed[text]): message for (position, text), message in
                  (grid[3] if len(grid) > 3 else {}).items() if text in renamed}
        parts.append((source, display, columns, numbers, preset))
    if len(parts) != len(sources):
        return None
    return _validate(parts, spec, root, references, role, problems)


def _accepted(path: Path, root) -> str:
    """What a table may be given as, for a message saying it is missing."""
    folder = _display(path.parent, root)
    return (f"; accepted: {path.stem}.csv, {path.stem}.parquet or {path.stem}.xlsx, or a sheet {path.stem!r} "
            f"in an Excel workbook (*.xlsx) of {folder}")


def year_workbooks(folder: str | Path) -> list[Path]:
    """The year workbooks of a folder: its ``*.xlsx`` files not named after a table (nor Excel's lock files
    ``~$*.xlsx``), in file-name order. Their sheets named after tables give rows to those tables."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith("~$") and p.stem not in _TABLE_NAMES
                  and p.is_file())


def _sources(path: Path, root, problems: list[Problem], excel: bool = True) -> list[_Source] | None:
    """Where the table ``path`` (``<table>.csv``) is read from: its CSV, Parquet or Excel file, or else the
    sheets named after it in the year workbooks of its folder (several: their rows one after the other).

    Two files of the table, or a file and a sheet, are a problem naming both (None is returned); nothing
    gives an empty list. Without ``excel`` (history and reference tables) only CSV and Parquet are read.
    """
    if path.suffix not in _PER_TABLE:
        return [_Source(path)] if path.exists() else []
    files = [f for f in (path.with_suffix(suffix) for suffix in _PER_TABLE[:None if excel else 2]) if f.exists()]
    sheets = [_Source(book, path.stem) for book in (year_workbooks(path.parent) if excel else ())
              if path.stem in _sheet_names(book, _display(book, root), problems)]
    if len(files) > 1:
        shown = [_display(f, root) for f in files]
        listed = " and ".join(shown) if len(shown) == 2 else f"{', '.join(shown[:-1])} and {shown[-1]}"
        problems.append(Problem(shown[0], None, None, f"{'both ' if len(shown) == 2 else ''}{listed} exist; "
                                "expected one file per table: delete or rename one of them"))
        return None
    if files and sheets:
        books = ", ".join(_display(s.path, root) for s in sheets)
        problems.append(Problem(_display(files[0], root), None, None, f"table {path.stem} is given twice: by "
                                f"{_display(files[0], root)} and by the sheet {path.stem!r} of {books}; expected "
                                "one of them: delete the file or the sheet"))
        return None
    return [_Source(f) for f in files] or sheets


def table_sources(path: str | Path, root: str | Path | None = None) -> list[Path]:
    """The files the table ``<table>.csv`` is read from: its CSV, Parquet or Excel file, or the year workbooks
    of its folder with a sheet named after it (none when nothing gives it). Two files of the table, or a
    file and a sheet, give them all (reading the table names the problem)."""
    path = Path(path)
    found: list[Problem] = []
    sources = _sources(path, root, found)
    if sources is None:
        files = [f for f in (path.with_suffix(suffix) for suffix in _PER_TABLE) if f.exists()]
        return files + [b for b in year_workbooks(path.parent) if path.stem in _sheet_names(b, str(b), [])]
    return [s.path for s in sources]


def table_file(path: str | Path) -> Path:
    """The file that the table ``<table>.csv`` is read from: ``<table>.parquet`` or ``<table>.xlsx`` when only
    that one exists, or the first year workbook with a sheet named after the table.

    Otherwise ``path`` itself (which may not exist). A caller checking that a table is there (``envkpi
    run``'s preflight) sees a table given as Parquet or in Excel.
    """
    path = Path(path)
    if path.suffix != ".csv" or path.exists():
        return path
    sources = table_sources(path)
    return sources[0] if sources else path


def table_rows(path: str | Path, root: str | Path | None = None, encoding: str | None = None) -> int | None:
    """The non-blank data rows of the table ``<table>.csv`` (0 for a header-only template), summed over the
    files and sheets that give it; None when nothing gives it.

    Raises
    ------
    InputError
        When one of them cannot be read (see :func:`data_rows`).
    """
    path = Path(path)
    found: list[Problem] = []
    sources = _sources(path, root, found)
    if sources is None or (not sources and found):  # two files, or a year workbook that cannot be read
        raise InputError(found)
    if not sources:
        return None
    return sum(data_rows(s.path, root, encoding=encoding, sheet=s.sheet or path.stem) for s in sources)


def _csv_grid(path: Path, spec: TableSpec, display: str, problems: list[Problem], encoding: str | None = None):
    """The cells of a CSV file: (header, {column: stripped texts}, file row of each record), or None.

    Blank lines are skipped; a record with another number of fields than the header is a problem and is
    skipped. Records are located by the file line where they start (a quoted cell may span lines). The file
    is UTF-8 unless ``encoding`` declares it otherwise (:func:`read_csv_text`).
    """
    try:
        text, undecodable = read_csv_text(path, display, encoding)
    except FileNotFoundError:
        problems.append(Problem(display, None, None, f"file not found; expected a CSV table with columns "
                                f"{', '.join(c.name for c in spec.columns)}"))
        return None
    if undecodable is not None:
        problems.append(undecodable)
        return None
    fast = _unquoted_grid(text)
    if fast is not None:
        return fast
    lines, starts = _csv_records(text)
    if not lines:
        problems.append(Problem(display, None, None, "empty file; expected a header row"))
        return None
    header = [h.strip() for h in lines[0]]
    body, numbers = lines[1:], starts[1:]
    width = len(header)
    sizes = np.fromiter(map(len, body), dtype=np.int64, count=len(body))
    for position in np.flatnonzero(sizes != width):
        cells = body[position]
        if any(cell.strip() for cell in cells):
            problems.append(Problem(display, int(numbers[position]), None, f"{len(cells)} fields; expected {width} "
                                    "(is a comma missing or a text not quoted?)"))
    kept = np.flatnonzero(sizes == width)
    if len(kept) == len(body):
        rows = body
    else:
        rows = [body[i] for i in kept]
        numbers = numbers[kept]
    transposed = list(zip(*rows)) if rows else [() for _ in header]
    padded = _padded(text) if '"' not in text else True  # else no cell has blanks around it
    columns = {}
    for name, cells in zip(header, transposed):
        cells = np.array(cells, dtype=object)
        # a column is stripped only when one of its cells starts or ends with a blank
        columns[name] = _strip(cells) if padded and _padded("\n" + "\n".join(cells) + "\n") else cells
    return header, columns, np.asarray(numbers, dtype=np.int64)


def _unquoted_grid(text: str):
    """:func:`_csv_grid`'s result for a CSV text without quotes or blank lines whose records all have the
    header's number of fields, read by pandas' C parser: a million rows in about a second instead of ten.

    None for any other text (quotes, a blank line, a lone carriage return, a record of another width),
    which the general reader handles and, where it must, reports.
    """
    if '"' in text or "\x00" in text:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")  # as the csv module reads them: one line end
        if "\r" in text:
            return None
    body = text[:-1] if text.endswith("\n") else text
    if not body or _BLANK_LINE.search(body):
        return None  # each record is then line n + 1 of the file
    try:
        frame = pd.read_csv(io.StringIO(body), header=None, dtype=object, na_filter=False, skip_blank_lines=False,
                            engine="c", quoting=csv.QUOTE_NONE)
    except (pd.errors.ParserError, pd.errors.EmptyDataError):  # a record longer than the first
        return None
    width = frame.shape[1]
    if len(frame) < 2 or body.count(",") != (width - 1) * len(frame):
        return None  # a record shorter than the first (pandas pads it), or a header only
    header = [str(h).strip() for h in frame.iloc[0]]
    padded = _padded(text)
    columns = {}
    for name, position in zip(header, range(width)):
        cells = frame.iloc[1:, position].to_numpy(dtype=object)
        columns[name] = _strip(cells) if padded and _padded("\n" + "\n".join(cells) + "\n") else cells
    return header, columns, np.arange(2, len(frame) + 1, dtype=np.int64)


#: A line of a CSV text that is empty or holds only blanks.
_BLANK_LINE = re.compile(r"(?:^|\n)[^\S\n]*(?:\n|$)")


#: The ASCII characters ``str.strip`` removes, besides the line feed.
_ASCII_BLANKS = "".join(chr(c) for c in range(128) if chr(c).isspace() and chr(c) != "\n")


def _padded(text: str) -> bool:
    """True when a cell of a CSV text without quotes may start or end with a blank (``str.isspace``):
    a blank next to a comma, a line end or an end of the text."""
    present = (c for c in _ASCII_BLANKS if c in text) if text.isascii() else (c for c in set(text) if c.isspace())
    for blank in (c for c in present if c != "\n"):
        if (f",{blank}" in text or f"{blank}," in text or f"\n{blank}" in text or f"{blank}\n" in text
                or text.startswith(blank) or text.endswith(blank)):
            return True
    return False


def _csv_records(text: str) -> tuple[list[list[str]], np.ndarray]:
    """The records of a CSV text and the file line where each starts (header = 1).

    Without a quote character every record is one line (a blank line gives an empty record); otherwise
    the reader's line count locates each record.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    if '"' not in text:
        lines = list(reader)
        return lines, np.arange(1, len(lines) + 1, dtype=np.int64)
    lines = list(reader)
    if len(lines) == len(io.StringIO(text, newline="").readlines()):  # no quoted cell spans lines
        return lines, np.arange(1, len(lines) + 1, dtype=np.int64)
    reader = csv.reader(io.StringIO(text, newline=""))
    lines, starts, end = [], [], 0
    for record in reader:
        lines.append(record)
        starts.append(end + 1)  # a quoted cell may span lines: a record starts after the last
        end = reader.line_num
    return lines, np.asarray(starts, dtype=np.int64)


def _strip(cells: np.ndarray) -> np.ndarray:
    """Each text with the blanks around it removed (``str.strip``), as an object array."""
    if len(cells) == 0:
        return cells
    return pd.Series(cells, dtype=object).str.strip().to_numpy(dtype=object)


def _parquet_grid(path: Path, display: str, problems: list[Problem]):
    """The cells of a Parquet file as the texts a CSV file would hold: (header, {column: texts}, rows).

    A missing value is an empty cell; a number is written as Python writes it (``1240.0``), a boolean
    as ``true``/``false``. Row ``n`` of the data is counted as line ``n + 1`` of a CSV file (header = 1).
    """
    try:
        import pyarrow.parquet as pq

        frame = pq.read_table(path).to_pandas()
    except Exception as exc:  # noqa: BLE001 — any unreadable file is a problem of the input
        problems.append(Problem(display, None, None, f"not a readable Parquet file ({type(exc).__name__}: "
                                f"{str(exc)[:200]}); expected a table with the columns of the data dictionary"))
        return None
    header = [str(name).strip() for name in frame.columns]
    columns = {name: _strip(_texts(frame.iloc[:, i])) for i, name in enumerate(header)}
    return header, columns, np.arange(2, len(frame) + 2, dtype=np.int64)


def _texts(series: pd.Series) -> np.ndarray:
    """The cells of a Parquet column as CSV text: missing → ``''``, booleans ``true``/``false``, others ``str``."""
    missing = pd.isna(series).to_numpy(dtype=bool)
    if pd.api.types.is_bool_dtype(series.dtype):
        texts = np.where(series.to_numpy(dtype=object) == True, "true", "false").astype(object)  # noqa: E712
    elif pd.api.types.is_string_dtype(series.dtype) and not pd.api.types.is_object_dtype(series.dtype):
        texts = series.to_numpy(dtype=object)
    elif pd.api.types.is_integer_dtype(series.dtype) or pd.api.types.is_float_dtype(series.dtype):
        texts = series.astype(object).map(_text_of, na_action="ignore").to_numpy(dtype=object)
    else:
        texts = series.map(_text_of, na_action="ignore").to_numpy(dtype=object)
    texts = texts.copy()
    texts[missing] = ""
    return texts


def _text_of(value) -> str:
    """One typed Parquet value as a CSV cell."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


# --- Excel workbooks ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Sheet:
    """A worksheet as the reader sees it: the text of each cell (row by row, from row 1), the problem of a
    cell that has no value to read (Excel row and column number → message), the merged ranges (min row,
    min column, max row, max column, ``A1:B1``)."""

    rows: tuple[tuple[str, ...], ...]
    issues: Mapping[tuple[int, int], str]
    merged: tuple[tuple[int, int, int, int, str], ...]


@functools.lru_cache(maxsize=16)
def _load_workbook(path: str, stamp: tuple[int, int]) -> dict[str, _Sheet]:
    """The sheets of a workbook, by name, in the workbook's order (cached while the file is unchanged).

    Read twice with openpyxl: with the values Excel computed and saved (``data_only``), and with the
    formulas, to tell a formula whose value was never saved from an empty cell.
    """
    import openpyxl

    with warnings.catch_warnings():  # "Data Validation extension is not supported": lists of a form, not read
        warnings.simplefilter("ignore", UserWarning)
        values = openpyxl.load_workbook(path, data_only=True)
        formulas = openpyxl.load_workbook(path, data_only=False, read_only=True)
    sheets = {}
    for sheet in values.worksheets:
        formula_cells = set()
        for row in formulas[sheet.title].iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    formula_cells.add((cell.row, cell.column))
        rows, issues = [], {}
        for row in sheet.iter_rows():
            texts = []
            for cell in row:
                value = cell.value
                if cell.data_type == "e":
                    issues[(cell.row, cell.column)] = (f"Excel error {value} in the cell; expected a value: correct the "
                                                       "formula or type the value")
                    texts.append(str(value))
                elif value is None and (cell.row, cell.column) in formula_cells:
                    issues[(cell.row, cell.column)] = ("formula without a computed value; open and save the workbook "
                                                       "in Excel")
                    texts.append("=")
                else:
                    texts.append(_cell_text(value))
            rows.append(tuple(texts))
        merged = tuple((r.min_row, r.min_col, r.max_row, r.max_col, r.coord) for r in sheet.merged_cells.ranges)
        sheets[sheet.title] = _Sheet(tuple(rows), issues, merged)
    formulas.close()
    return sheets


def _workbook(path: Path, display: str, problems: list[Problem]) -> dict[str, _Sheet] | None:
    """The sheets of the workbook ``path``, or None with a problem naming it when it cannot be read."""
    try:
        stat = path.stat()
        return _load_workbook(str(path.resolve()), (stat.st_mtime_ns, stat.st_size))
    except Exception as exc:  # noqa: BLE001 — any unreadable file is a problem of the input
        problems.append(Problem(display, None, None, f"not a readable Excel workbook ({type(exc).__name__}: "
                                f"{str(exc)[:200]}); expected an .xlsx file saved by Excel"))
        return None


def _sheet_names(path: Path, display: str, problems: list[Problem]) -> list[str]:
    """The names of the sheets of a workbook ([] with a problem when it cannot be read)."""
    sheets = _workbook(path, display, problems)
    return list(sheets) if sheets is not None else []


def _cell_text(value) -> str:
    """An Excel cell's value as the text a CSV file would hold: a whole number without ``.0`` (``1240``), other
    numbers as Python writes them (``0.41``), ``true``/``false``, a date as ``2018-04-01`` and a date and
    time as ``2018-04-01T13:00:00``, an empty cell as ``''``; a text as it is."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2 ** 53 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() and value.tzinfo is None \
            else value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _sheet_of(sheets: Mapping[str, _Sheet], wanted: str) -> str:
    """The sheet of a table's own workbook: the one named after the table, else the first."""
    return wanted if wanted in sheets else next(iter(sheets))


def _xlsx_grid(path: Path, sheet: str, display: str, problems: list[Problem]):
    """The cells of a sheet as the texts a CSV file would hold: (place, header, {column: texts}, Excel row of
    each record, {(position, column): problem of the cell}), or None.

    The header is row 1; a column with an empty header and no value is left out, and so are the empty rows
    at the end. A merged range in the header row is a problem that stops the reading; one among the data
    (outside the reference columns) a problem of its rows. The place is ``<file>, sheet '<name>'``.
    """
    sheets = _workbook(path, display, problems)
    if sheets is None:
        return None
    if not sheets:
        problems.append(Problem(display, None, None, "no sheet in the workbook; expected one"))
        return None
    name = _sheet_of(sheets, sheet)
    place = f"{display}, sheet {name!r}"
    grid = sheets[name]
    if not grid.rows or not any(cell.strip() for cell in grid.rows[0]):
        problems.append(Problem(place, None, None, "empty sheet; expected a header row in row 1"))
        return None
    width = max((len(row) for row in grid.rows), default=0)
    rows = [tuple(cell.strip() for cell in row) + ("",) * (width - len(row)) for row in grid.rows]
    header = list(rows[0])
    body = rows[1:]
    while body and not any(body[-1]):
        body.pop()
    keep = [i for i in range(width) if header[i] or any(row[i] for row in body)]
    stop = False
    for min_row, min_col, max_row, max_col, coord in grid.merged:
        columns = [i for i in range(min_col - 1, max_col) if i < width]
        if min_row == 1:
            problems.append(Problem(place, 1, None, f"merged cells {coord} in the header row; expected one column "
                                    "name per cell: unmerge them"))
            stop = True
        elif any(not header[i].endswith(_REFERENCE) for i in columns) and min_row <= len(body) + 1:
            problems.append(Problem(place, min_row, None, f"merged cells {coord}; expected one value per cell: "
                                    "unmerge them"))
    if stop:
        return None
    numbers = np.arange(2, len(body) + 2, dtype=np.int64)
    cells = {}
    issues = {}
    for i in keep:
        cells.setdefault(header[i], np.array([row[i] for row in body], dtype=object))
        for (row, column), message in grid.issues.items():
            if column == i + 1 and 2 <= row <= len(body) + 1:
                issues[(row - 2, header[i])] = message
    return place, [header[i] for i in keep], cells, numbers, issues


# --- the header: units in brackets, reference columns, Japanese headers --------------------------------

#: A header cell ending so is a column of reference values that is not read (an Excel form's values of the
#: year before).
_REFERENCE = "(reference, not read)"

_BRACKETED = re.compile(r"(.*?)\s+\[([^\[\]]*)\]")

#: A bracketed unit that gives no unit: ``[—]``, ``[]``.
_NO_UNIT = ("", "—", "-", "–")


def _split_unit(text: str) -> tuple[str, str | None]:
    """A header cell's column name and the unit it gives in brackets (``quantity [t]`` → ``quantity``, ``t``)."""
    match = _BRACKETED.fullmatch(text)
    if match is None:
        return text, None
    return match.group(1).strip(), match.group(2).strip()


def _unit_problem(column: Column, given: str) -> str | None:
    """What is wrong with the unit ``given`` in brackets in the header of ``column`` (None when it is right, or
    the column has no fixed unit)."""
    if given in _NO_UNIT or column.unit is None or column.unit_column is not None or given == column.unit:
        return None
    try:
        same = _scale(given, column.unit) == 1.0
    except Exception:  # noqa: BLE001 — a text pint cannot read is not the column's unit
        same = False
    return None if same else f"header says {given}; the column is in {column.unit}"


@functools.lru_cache(maxsize=1)
def _japanese() -> dict:
    """The Japanese headers of the columns (``aliases_ja.yaml``): ``columns`` (column name → header) and
    ``tables`` (table → column name → header, where a name means something else in that table)."""
    import yaml

    with open(Path(__file__).with_name("aliases_ja.yaml"), encoding="utf-8") as handle:
        document = yaml.safe_load(handle) or {}
    return {"columns": dict(document.get("columns") or {}), "tables": dict(document.get("tables") or {})}


def japanese_header(table: str, column: str) -> str | None:
    """The Japanese header that stands for ``column`` of ``table`` (``拠点コード`` for ``site_id``), or None."""
    document = _japanese()
    return (document["tables"].get(table) or {}).get(column) or document["columns"].get(column)


def _named_columns(header: list[str], columns: dict[str, np.ndarray], spec: TableSpec, display: str,
                   problems: list[Problem]):
    """The header read as column names: a reference column left out, a unit in brackets taken off (and
    checked against the column's fixed unit, a problem in row 1 when it is another), a Japanese header
    replaced by its column's name. Returns (names, {name: texts}, {header cell: name})."""
    aliases = {}
    for column in spec.columns:
        alias = japanese_header(spec.name, column.name)
        if alias:
            aliases[alias] = column.name
    names, cells, renamed = [], {}, {}
    known = {c.name: c for c in spec.columns}
    for text in header:
        if text.endswith(_REFERENCE):
            continue
        name, unit = _split_unit(text)
        name = aliases.get(name, name)
        names.append(name)
        renamed[text] = name
        if text in columns and name not in cells:
            cells[name] = columns[text]
        if unit is not None and name in known:
            message = _unit_problem(known[name], unit)
            if message:
                problems.append(Problem(display, 1, name, message))
    return names, cells, renamed


def _header_fits(header: list[str], spec: TableSpec, display: str, problems: list[Problem]) -> bool:
    """Report the columns missing, unknown or given twice; True when the table can be read."""
    expected = [c.name for c in spec.columns]
    missing = [c.name for c in spec.columns if c.name not in header and not c.header_optional]
    for name in missing:
        problems.append(Problem(display, 1, name, "column is missing from the header"))
    for name in header:
        if name not in expected:
            hint = difflib.get_close_matches(name, expected, n=1)
            problems.append(Problem(display, 1, name, "unknown column" + (f"; did you mean {hint[0]}?" if hint else
                                                                           f"; expected {', '.join(expected)}")))
    twice = sorted({name for name in header if header.count(name) > 1})
    for name in twice:
        problems.append(Problem(display, 1, name, "column appears twice in the header; expected each column once"))
    return not (missing or twice)


def _validate(parts: list, spec: TableSpec, root, references, role, problems: list[Problem]) -> Table:
    """Parse and check the cells of a table read (column by column, vectorised) into a :class:`Table`.

    ``parts`` holds what each source gave: (source, display, {column: texts}, row numbers, {(position,
    column): problem already found in the cell}), in reading order; their rows are put one after the other
    and each is located in its own source. The problems and warnings are those of :func:`parse_cell` and
    :func:`plausibility` applied to each cell, in the order of the rows (a row's cell problems first, then
    its plausibility), with the same messages: the cells are parsed per distinct text, or as numbers in one
    go, and only the cells found wrong are given to those functions for their message. A cell with a
    problem of its own (an Excel error, a formula without its value) is reported with it instead.
    """
    expected = [c.name for c in spec.columns]
    places = [display for _, display, *_ in parts]
    sizes = [len(numbers) for *_, numbers, _ in parts]
    texts = {name: _joined([columns.get(name, np.full(size, "", dtype=object))
                            for (_, _, columns, *_), size in zip(parts, sizes)]) for name in expected}
    numbers = np.concatenate([np.asarray(n, dtype=np.int64) for *_, n, _ in parts]) if parts else np.empty(0, np.int64)
    source = np.repeat(np.arange(len(parts)), sizes)
    offsets = np.cumsum([0, *sizes])
    preset = {(int(offsets[k]) + position, name): message for k, (*_, cells) in enumerate(parts)
              for (position, name), message in cells.items()}
    count = len(numbers)
    blank = np.ones(count, dtype=bool)
    for cells in texts.values():
        blank &= cells == ""
    if blank.any():
        keep = ~blank
        moved = np.cumsum(keep) - 1
        preset = {(int(moved[i]), name): message for (i, name), message in preset.items() if keep[i]}
        texts = {name: cells[keep] for name, cells in texts.items()}
        numbers, source = numbers[keep], source[keep]
        count = len(numbers)
    where = [places[k] for k in source] if len(parts) > 1 else None
    display = places[0] if len(parts) == 1 else (
        f"{', '.join(_display(s.path, root) for s, *_ in parts)}, sheet {spec.name!r}")

    def at(index: int) -> str:
        return where[index] if where is not None else display

    found: list[tuple[int, int, int, Problem]] = []  # (data row, phase, column position, problem)
    failed: set[tuple[int, str]] = set()
    values: dict[str, np.ndarray] = {}
    bad: dict[str, np.ndarray] = {}
    for position, column in enumerate(spec.columns):
        parsed, errors = _parse_column(column, texts[column.name])
        values[column.name] = parsed
        bad[column.name] = np.zeros(count, dtype=bool)
        errors = [(index, message) for index, message in errors if (index, column.name) not in preset]
        errors += [(index, message) for (index, name), message in preset.items() if name == column.name]
        for index, message in errors:
            found.append((index, 0, position, Problem(at(index), int(numbers[index]), column.name, message)))
            failed.add((index, column.name))
            bad[column.name][index] = True
            if (index, column.name) in preset:
                values[column.name][index] = None
    warnings: list[tuple[int, int, Problem]] = []
    for position, column in enumerate(spec.columns):
        if not column.plausible:
            continue
        judged = _plausibility_column(column, values, texts, bad)
        for index, error, warning in judged:
            if error:
                found.append((index, 1, position, Problem(at(index), int(numbers[index]), column.name, error)))
                failed.add((index, column.name))
                values[column.name][index] = None
            elif warning:
                warnings.append((index, position, Problem(at(index), int(numbers[index]), column.name, warning)))
    problems.extend(problem for *_, problem in sorted(found, key=lambda item: item[:3]))
    data = _frame(values, expected, count)
    records = [file_record(s.path, root=root, role=role, rows=int((source == k).sum()))
               for k, (s, *_) in enumerate(parts)]
    table = Table(spec=spec, data=data, display=display, record=records[0], rows=numbers.tolist(),
                  raw=RawCells(texts, count), failed=failed,
                  warnings=[warning for *_, warning in sorted(warnings, key=lambda item: item[:2])],
                  records=records, places=places, source_of=source.tolist() if len(parts) > 1 else [])
    from pandera.errors import SchemaErrors

    try:
        _schema(spec, references).validate(data, lazy=True)
    except SchemaErrors as exc:
        problems.extend(_schema_problems(exc, table, spec, references))
    problems.extend(_duplicate_problems(table))
    return table


def _joined(arrays: list[np.ndarray]) -> np.ndarray:
    """Object arrays one after the other (the one array itself when there is one)."""
    if len(arrays) == 1:
        return arrays[0]
    return np.concatenate(arrays) if arrays else np.empty(0, dtype=object)


def _frame(values: dict[str, np.ndarray], names: list[str], count: int) -> pd.DataFrame:
    """The typed table: the parsed cells, with the dtypes that ``DataFrame.from_records`` infers from them."""
    if count == 0:
        return pd.DataFrame.from_records([], columns=names)
    # column by column: the dtypes from_records infers from row tuples, without building a tuple per row
    return pd.DataFrame({name: pd.Series(values[name], dtype=object).infer_objects() for name in names}, columns=names)


def _parse_column(column: Column, cells: np.ndarray) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """:func:`parse_cell` applied to every cell of a column: (values as an object array, [(row, error)]).

    Numbers are converted together (Python's own ``float`` of each text, through NumPy); the texts of
    the other kinds are parsed once each. A cell that fails, or may fail, is parsed by
    :func:`parse_cell` itself, so its value and message are exactly that function's.
    """
    count = len(cells)
    if column.kind in ("number", "integer"):
        return _parse_numbers(column, cells)
    if column.kind == "text":
        values = cells.copy()
        empty = cells == ""
        errors = []
        if column.required and empty.any():
            _, message = parse_cell(column, "")
            errors = [(int(i), message) for i in np.flatnonzero(empty)]
            values[empty] = None
        return values, errors
    codes, uniques = pd.factorize(pd.Series(cells, dtype=object), sort=False)
    parsed = [parse_cell(column, text) for text in uniques]
    table = np.empty(len(parsed), dtype=object)
    table[:] = [value for value, _ in parsed]
    values = table[codes] if count else np.empty(0, dtype=object)
    wrong = np.array([error is not None for _, error in parsed], dtype=bool)
    errors = [(int(i), parsed[codes[i]][1]) for i in np.flatnonzero(wrong[codes])] if count and wrong.any() else []
    return values, errors


def _parse_numbers(column: Column, cells: np.ndarray) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """Number and integer cells: Python floats (ints for an integer column), None for an empty cell."""
    count = len(cells)
    empty = cells == ""
    numbers = np.full(count, np.nan)
    filled = np.flatnonzero(~empty)
    unsure = np.zeros(count, dtype=bool)
    if len(filled):
        texts = cells[filled]
        try:
            numbers[filled] = texts.astype(np.float64)  # float(text) for each cell
        except (ValueError, TypeError):
            coerced = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce").to_numpy(dtype=np.float64)
            readable = ~np.isnan(coerced)
            try:
                numbers[filled[readable]] = texts[readable].astype(np.float64)
            except (ValueError, TypeError):
                readable[:] = False
            unsure[filled[~readable]] = True
        if "_" in "".join(texts):  # float() reads 1_000; the rule for one cell does not: left to it
            underscore = pd.Series(texts, dtype=object).str.contains("_", regex=False).to_numpy(dtype=bool)
            unsure[filled[underscore]] = True
    unsure |= ~empty & ~np.isfinite(numbers)
    if column.kind == "integer":
        unsure |= ~empty & np.isfinite(numbers) & (numbers != np.floor(numbers))
    if column.required:
        unsure |= empty
    values = np.empty(count, dtype=object)
    good = ~empty & ~unsure
    if column.kind == "integer":
        values[good] = numbers[good].astype(np.int64).astype(object) if _safe_integers(numbers[good]) else \
            [int(v) for v in numbers[good]]
    else:
        values[good] = numbers[good].astype(object)
    values[empty & ~unsure] = None
    errors = []
    for index in np.flatnonzero(unsure):
        value, error = parse_cell(column, cells[index])
        values[index] = value
        if error:
            errors.append((int(index), error))
    return values, errors


def _safe_integers(numbers: np.ndarray) -> bool:
    """True when whole numbers held as floats convert to int64 exactly."""
    return bool(len(numbers) == 0 or np.abs(numbers).max() < 2 ** 53)


def _plausibility_column(column: Column, values: dict[str, np.ndarray], texts: dict[str, np.ndarray],
                         bad: dict[str, np.ndarray]) -> list[tuple[int, str | None, str | None]]:
    """The cells of a number column outside its plausible ranges: [(row, error, warning)].

    Judged as :func:`plausibility` judges one cell, for the rows whose value was read, is not below the
    column's minimum (the schema reports it) and whose unit cell was read; the rows outside a range
    (found in one go per unit) are given to :func:`plausibility` for the messages.
    """
    value = values[column.name]
    present = ~pd.isna(value)
    numbers = np.full(len(value), np.nan)
    numbers[present] = value[present].astype(np.float64)
    judged = present & ~bad[column.name] & ~np.isnan(numbers)
    if column.minimum is not None:
        judged &= ~(numbers < column.minimum)
    if column.unit_column:
        judged &= ~bad[column.unit_column]
        units = values[column.unit_column]
    else:
        units = np.full(len(value), column.unit, dtype=object)
    rows = np.flatnonzero(judged)
    if not len(rows):
        return []
    codes, uniques = pd.factorize(pd.Series(units[rows], dtype=object), sort=False, use_na_sentinel=False)
    out = []
    for code, unit in enumerate(uniques):
        unit = None if unit is None or (isinstance(unit, float) and math.isnan(unit)) else unit
        at = rows[codes == code]
        flagged = _outside(column, numbers[at], unit)
        for index in at[flagged]:
            error, warning = plausibility(column, value[index], texts[column.name][index], unit)
            if error or warning:
                out.append((int(index), error, warning))
    return sorted(out)


def _outside(column: Column, numbers: np.ndarray, unit: str | None) -> np.ndarray:
    """Which ``numbers`` [``unit``] lie outside the first range of the column they convert to."""
    for plausible in column.plausible:
        scale = _scale(unit or "dimensionless", plausible.unit)
        if scale is None:
            continue
        converted = numbers * scale if scale != 1.0 else numbers
        flagged = np.zeros(len(numbers), dtype=bool)
        low, high = plausible.typical
        for bound, above in ((plausible.error_above, True), (plausible.error_below, False), (high, True),
                             (low, False)):
            if bound is not None:
                flagged |= converted > bound if above else converted < bound
        return flagged
    return np.zeros(len(numbers), dtype=bool)


def _display(path: Path, root) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


def check_rows(table: Table, predicate: Callable[[dict], str | None], needs: Iterable[str] | None = None) -> list[Problem]:
    """Apply a row rule (returning an error message or None) and locate each failure.

    The message should name the column at fault as ``column: message``; the part before the first
    colon is used as the column when it is one of the table's columns. The rule runs on the rows
    whose cells ``needs`` (default: every cell) have no problem of their own, so a rule between
    columns or tables is checked on every row it can be, together with the problems of the cells.
    """
    needs = list(needs) if needs is not None else None
    problems = []
    for index, row in enumerate(table.data.itertuples(index=False)):
        if not table.parsed(index, needs):
            continue
        message = predicate(row._asdict())
        if message:
            column, _, rest = message.partition(": ")
            if column in {c.name for c in table.spec.columns}:
                problems.append(table.problem(index, column, rest))
            else:
                problems.append(table.problem(index, None, message))
    return problems


def data_dir(root: Path, fiscal_year: int) -> Path:
    """Default input folder of a fiscal year: ``data/FY<yyyy>``."""
    return root / "data" / f"FY{fiscal_year}"


def data_rows(path: Path, root: Path | None = None, *, encoding: str | None = None, sheet: str | None = None) -> int:
    """Number of non-blank data rows of a CSV file (0 for a header-only template), or of a Parquet file or an
    Excel sheet (rows with a value in some column; in a workbook, the columns not marked ``(reference, not
    read)``).

    Parameters
    ----------
    path : Path
    root : Path, optional
    encoding : str, optional
        The declared encoding of a CSV file (:func:`read_csv_text`).
    sheet : str, optional
        The sheet of a workbook (default, and when there is no such sheet: the one named after the file,
        else the first).

    Raises
    ------
    InputError
        When the file is not UTF-8 text (naming the encoding it seems to be in), or not a readable
        Parquet file or workbook.
    """
    path = Path(path)
    if path.suffix in (".parquet", ".xlsx"):
        problems: list[Problem] = []
        display = _display(path, root)
        if path.suffix == ".parquet":
            grid = _parquet_grid(path, display, problems)
        else:
            grid = _xlsx_grid(path, sheet or path.stem, display, problems)
            grid = grid[1:] if grid is not None else None
        if grid is None:
            raise InputError(problems)
        header, columns, numbers = grid[:3]
        blank = np.ones(len(numbers), dtype=bool)
        for name, cells in columns.items():
            if not name.endswith(_REFERENCE):
                blank &= cells == ""
        return int((~blank).sum())
    text, problem = read_csv_text(path, _display(path, root), encoding)
    if problem is not None:
        raise InputError([problem])
    if '"' not in text and "\r" not in text:  # one record per line: a line with a non-blank cell is a row
        return sum(1 for line in text.split("\n")[1:] if line.replace(",", "").strip())
    return sum(1 for number, row in enumerate(csv.reader(io.StringIO(text, newline="")))
               if number and any(cell.strip() for cell in row))


def with_rows(table: Table) -> pd.DataFrame:
    """The table's data with the file row of each record first. Counts, validated as whole numbers,
    are handed on as floats, as the other quantities are (the library multiplies them by factors
    and the reports format them as numbers)."""
    frame = table.data.copy()
    for column in table.spec.columns:
        if column.kind == "integer" and column.unit == "count":
            frame[column.name] = frame[column.name].astype(float)
    frame.insert(0, "row", table.rows)
    return frame


def warnings_of(*tables: Table | None) -> list[Problem]:
    return [w for table in tables if table is not None for w in table.warnings]


_ISO_HOUR = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?")
_HOUR = timedelta(hours=1)


def hourly_series_problems(table: Table, column: str = "timestamp") -> list[Problem]:
    """The timestamps of an hourly series: ISO local times on the hour, one hour apart, in order.

    Each problem is located at the row (file line) where the series goes wrong: a time that is not
    a date and hour, not on the hour, the same hour as the row before, earlier than it, or more than
    an hour after it (the hours missing are counted).
    """
    problems = []
    previous: tuple[int, datetime] | None = None
    for index, text in enumerate(table.data[column]):
        if not table.parsed(index, (column,)):
            continue
        try:
            if not _ISO_HOUR.fullmatch(text):
                raise ValueError(text)
            stamp = datetime.fromisoformat(text)
        except ValueError:
            problems.append(table.problem(index, column, f"got {text!r}; expected a local date and hour like "
                                          "2018-04-01T13:00 (ISO 8601, no time zone)"))
            continue
        if stamp.minute or stamp.second:
            problems.append(table.problem(index, column, f"got {text!r}; expected a time on the hour "
                                          f"({stamp:%Y-%m-%dT%H}:00): the series is hourly"))
            continue
        if previous is not None:
            before, last = previous
            step = stamp - last
            after = f"the hour after row {table.row_of(before)} ({last:%Y-%m-%dT%H:%M})"
            if step == timedelta(0):
                if table.raw[before][column] != table.raw[index][column]:
                    problems.append(table.problem(index, column, f"got {text!r}, the same hour as row "
                                                  f"{table.row_of(before)}; expected {after}"))
            elif step < timedelta(0):
                problems.append(table.problem(index, column, f"got {text!r}, earlier than row {table.row_of(before)}; "
                                              f"expected {after}: the hours in time order"))
            elif step > _HOUR:
                missing = int(step / _HOUR) - 1
                problems.append(table.problem(index, column, f"got {text!r}; expected {last + _HOUR:%Y-%m-%dT%H:%M}, "
                                              f"{after}: {missing} hour{'s' if missing != 1 else ''} missing"))
        previous = (index, stamp)
    return problems
