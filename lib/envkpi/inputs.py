"""Input tables: read CSV files and validate them, reporting every problem with file, row and column.

Each table has a :class:`TableSpec` (its data dictionary in code: columns, kinds, units, allowed
values). :func:`read_table` parses a CSV file as text first, so that a value that is not a number
is reported with its row instead of breaking a whole column, then checks ranges, allowed values
and uniqueness with a pandera schema (lazily: all failures at once). Problems from every table of
a family are gathered into one :class:`InputError`, which prints one line per problem::

    data/FY2018/fuel_use.csv, row 8, column 'quantity': got 'abc'; expected a number

Rows are the line numbers of the file where the record starts, the header being row 1.
"""

from __future__ import annotations

import csv
import difflib
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from .provenance import FileRecord, file_record
from .units import UnitError, parse_unit, ureg

__all__ = ["Column", "TableSpec", "Problem", "InputError", "Table", "read_table", "raise_problems"]

#: At most this many problems are printed; the rest are counted (all are kept in ``InputError.problems``).
SHOWN_PROBLEMS = 25


@dataclass(frozen=True)
class Column:
    """One column of an input table.

    ``kind`` is ``text``, ``number``, ``integer``, ``boolean`` or ``unit`` (a pint unit string whose
    dimension is one of ``dimensions``). ``unit`` documents the unit of a number column when it is
    fixed; when it varies by row it is given by another column (``unit_column``).
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


@dataclass(frozen=True)
class TableSpec:
    """An input table: file name, description, columns, and the columns that must be unique together."""

    name: str
    description: str
    columns: tuple[Column, ...]
    unique: tuple[str, ...] = ()

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


class InputError(ValueError):
    """Input data that cannot be used. ``problems`` holds every :class:`Problem` found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.row or 0, p.column or "", p.message))
        count = len(self.problems)
        lines = [str(p) for p in self.problems[:SHOWN_PROBLEMS]]
        if count > SHOWN_PROBLEMS:
            lines.append(f"... and {count - SHOWN_PROBLEMS} more (InputError.problems lists them all)")
        header = (
            f"{count} problem{'s' if count != 1 else ''} in the input data "
            "(rows are line numbers of the file; the header is row 1):"
        )
        super().__init__("\n".join([header, *(f"  {line}" for line in lines)]))


def raise_problems(problems: Iterable[Problem]) -> None:
    """Raise one :class:`InputError` for all ``problems``, if there are any."""
    __tracebackhide__ = True
    problems = list(problems)
    if problems:
        raise InputError(problems)


@dataclass
class Table:
    """A validated input table: typed data, the file it came from and its provenance record."""

    spec: TableSpec
    data: pd.DataFrame
    display: str
    record: FileRecord
    rows: list[int] = field(default_factory=list)  # file row number of each data row
    raw: list[dict[str, str]] = field(default_factory=list)  # the text of each cell, as in the file
    clean: bool = True  # False when the table has problems of its own (it may still be partly usable)

    @property
    def spec_columns(self) -> set[str]:
        return {c.name for c in self.spec.columns}

    def row_of(self, index: int) -> int:
        """File line (header = 1) where the data row at position ``index`` starts."""
        return self.rows[index]

    def problem(self, index: int, column: str, message: str) -> Problem:
        """A :class:`Problem` located at data row ``index`` and ``column`` of this table."""
        return Problem(self.display, self.row_of(index), column, message)


_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


def _parse(column: Column, text: str) -> tuple[object, str | None]:
    """Parse one cell; return (value, error message or None)."""
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


def _expectation(column: Column) -> str:
    if column.kind in ("number", "integer"):
        what = "a number" if column.kind == "number" else "a whole number"
        if column.minimum is not None:
            what += f" ≥ {column.minimum:g}"
        return what + (f" [{column.unit}]" if column.unit else "")
    if column.kind == "unit":
        return "a unit of dimension " + " or ".join(column.dimensions or ("any",))
    if column.kind == "boolean":
        return "true or false"
    if column.allowed:
        return "one of " + ", ".join(column.allowed)
    return column.description


def _schema(spec: TableSpec, references: Mapping[str, Iterable[str]]) -> pa.DataFrameSchema:
    columns = {}
    for column in spec.columns:
        checks = []
        if column.minimum is not None:
            checks.append(pa.Check.ge(column.minimum, error=f"expected a value ≥ {column.minimum:g}"))
        allowed = column.allowed or (tuple(references[column.name]) if column.name in references else None)
        if allowed is not None:
            checks.append(pa.Check.isin(list(allowed), error=_allowed_message(column.name, allowed)))
        columns[column.name] = pa.Column(nullable=True, checks=checks)
    return pa.DataFrameSchema(
        columns,
        unique=list(spec.unique) or None,
        report_duplicates="all",
    )


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
        if check.startswith("field_uniqueness") or check.startswith("multiple_fields_uniqueness") or "unique" in check:
            key = ", ".join(f"{c}={table.data.iloc[index][c]}" for c in spec.unique)
            problems.append(table.problem(index, None, f"duplicate row for {key}; expected one row per {', '.join(spec.unique)}"))
            continue
        message = check
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


def read_table(
    path: str | Path,
    spec: TableSpec,
    *,
    root: str | Path | None = None,
    references: Mapping[str, Iterable[str]] | None = None,
    role: str = "input",
    problems: list[Problem] | None = None,
) -> Table | None:
    """Read and validate one CSV table.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    spec : TableSpec
        Its columns and rules.
    root : str or Path, optional
        Project root; file names in messages and provenance are shown relative to it.
    references : mapping, optional
        Column name → allowed values known only at run time (site ids, fuels of the parameters).
    problems : list, optional
        If given, problems are appended to it so that a caller can gather the problems of several
        tables before raising: the table is returned with ``clean=False`` when it has problems, and
        ``None`` when it cannot be read at all (no file, a broken header). Otherwise an
        :class:`InputError` is raised at once.

    Returns
    -------
    Table or None
    """
    __tracebackhide__ = True
    found: list[Problem] = []
    table = _read(Path(path), spec, root, references or {}, role, found)
    if table is not None:
        table.clean = not found
    if problems is not None:
        problems.extend(found)
        return table
    raise_problems(found)
    return table


def _read(path: Path, spec: TableSpec, root, references, role, problems: list[Problem]) -> Table | None:
    display = _display(path, root)
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            lines, starts, end = [], [], 0
            for record in reader:
                lines.append(record)
                starts.append(end + 1)  # a quoted cell may span lines: a record starts after the last
                end = reader.line_num
    except FileNotFoundError:
        problems.append(Problem(display, None, None, f"file not found; expected a CSV table with columns "
                                f"{', '.join(c.name for c in spec.columns)}"))
        return None
    except UnicodeDecodeError as exc:
        problems.append(Problem(display, None, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
        return None
    if not lines:
        problems.append(Problem(display, None, None, "empty file; expected a header row"))
        return None

    header = [h.strip() for h in lines[0]]
    expected = [c.name for c in spec.columns]
    missing = [c for c in expected if c not in header]
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
    if missing or twice:
        return None

    records, rows, raws = [], [], []
    for number, cells in zip(starts[1:], lines[1:]):
        if not any(cell.strip() for cell in cells):
            continue  # blank line
        if len(cells) != len(header):
            problems.append(Problem(display, number, None, f"{len(cells)} fields; expected {len(header)} "
                                    "(is a comma missing or a text not quoted?)"))
            continue
        raw = dict(zip(header, (cell.strip() for cell in cells)))
        record = {}
        for column in spec.columns:
            value, error = _parse(column, raw[column.name])
            if error:
                problems.append(Problem(display, number, column.name, error))
            record[column.name] = value
        records.append(record)
        rows.append(number)
        raws.append(raw)

    data = pd.DataFrame.from_records(records, columns=expected)
    record = file_record(path, root=root, role=role, rows=len(records))
    table = Table(spec=spec, data=data, display=display, record=record, rows=rows, raw=raws)
    try:
        _schema(spec, references).validate(data, lazy=True)
    except SchemaErrors as exc:
        problems.extend(_schema_problems(exc, table, spec, references))
    return table


def _display(path: Path, root) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


def check_rows(table: Table, predicate: Callable[[pd.Series], str | None]) -> list[Problem]:
    """Apply a row rule (returning an error message or None) and locate each failure.

    The message should name the column at fault as ``column: message``; the part before the first
    colon is used as the column when it is one of the table's columns.
    """
    problems = []
    for index, row in enumerate(table.data.itertuples(index=False)):
        message = predicate(row._asdict())
        if message:
            column, _, rest = message.partition(": ")
            if column in {c.name for c in table.spec.columns}:
                problems.append(table.problem(index, column, rest))
            else:
                problems.append(table.problem(index, None, message))
    return problems
