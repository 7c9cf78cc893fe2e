"""Every FY2018 table as a sheet of one year workbook ``FY2018.xlsx`` (with a README sheet, and an Excel lock file
beside it): the run's results are those of the CSV files, byte for byte, and its provenance lists the workbook
with its SHA-256 (issue 18; tests/input_formats.py converts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from envkpi.core.provenance import sha256_file
from input_formats import YEAR, converted, inputs_of


@pytest.fixture(scope="module")
def one_workbook(root, tmp_path_factory) -> Path:
    return converted(root, tmp_path_factory.mktemp("one_workbook"), "one workbook")


def test_every_table_as_a_sheet_of_one_workbook_gives_the_results_of_the_csv_files(root, one_workbook):
    assert (one_workbook / "results.csv").read_bytes() == (root / "outputs" / YEAR / "results.csv").read_bytes()
    book = one_workbook.parent / "project" / "data" / YEAR / f"{YEAR}.xlsx"
    assert inputs_of(one_workbook) == {f"data/{YEAR}/{YEAR}.xlsx": sha256_file(book)}
