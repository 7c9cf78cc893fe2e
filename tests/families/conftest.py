"""What the tables tests of the families share: a copy of the sample data, and helpers that find, edit, append
and delete rows of a CSV file in a copy (a row is its file line: the header is row 1).

The helpers are fixtures (``edit_row`` gives the function ``edit_row(root, file, match, **changes)``), as test
files cannot import a conftest."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest


@pytest.fixture
def data_copy(root: Path, tmp_path: Path) -> Path:
    """A project in tmp_path holding copies of data/ (every year, the history, the reference series) and
    parameters/."""
    project = tmp_path / "project"
    shutil.copytree(root / "data", project / "data")
    shutil.copytree(root / "parameters", project / "parameters")
    return project


# --- rows of a CSV file ------------------------------------------------------------------------------

def _cells(line: str) -> list[str]:
    return next(csv.reader([line]))


def _line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    return buffer.getvalue()


def find_row(root: Path, file: str, match: dict[str, str]) -> int:
    """File line number (header = 1) of the one row of ``file`` whose cells equal ``match``."""
    lines = (root / file).read_text(encoding="utf-8").splitlines()
    header = _cells(lines[0])
    hits = [
        number
        for number, line in enumerate(lines[1:], start=2)
        if line.strip() and all(dict(zip(header, _cells(line))).get(k) == v for k, v in match.items())
    ]
    assert len(hits) == 1, f"{file}: {len(hits)} rows match {match}; the sample data changed?"
    return hits[0]


def edit_row(root: Path, file: str, match: dict[str, str], **changes: str) -> int:
    """Change cells of the one row of ``file`` whose cells equal ``match``; return its file line number.

    Only that line of the copy is rewritten.
    """
    number = find_row(root, file, match)
    path = root / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = _cells(lines[0].rstrip("\r\n"))
    cells = _cells(lines[number - 1].rstrip("\r\n"))
    for column, value in changes.items():
        cells[header.index(column)] = value
    lines[number - 1] = _line(cells) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    return number


def append_rows(root: Path, file: str, *rows: str) -> list[int]:
    """Append CSV lines to ``file``; return their file line numbers."""
    path = root / file
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    first = len(text.splitlines()) + 1
    path.write_text(text + "".join(row + "\n" for row in rows), encoding="utf-8")
    return list(range(first, first + len(rows)))


def delete_row(root: Path, file: str, match: dict[str, str]) -> int:
    """Delete the one row of ``file`` whose cells equal ``match``; return the file line it was on."""
    number = find_row(root, file, match)
    path = root / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[number - 1]
    path.write_text("".join(lines), encoding="utf-8")
    return number


@pytest.fixture(name="find_row", scope="session")
def find_row_fixture():
    return find_row


@pytest.fixture(name="edit_row", scope="session")
def edit_row_fixture():
    return edit_row


@pytest.fixture(name="append_rows", scope="session")
def append_rows_fixture():
    return append_rows


@pytest.fixture(name="delete_row", scope="session")
def delete_row_fixture():
    return delete_row
