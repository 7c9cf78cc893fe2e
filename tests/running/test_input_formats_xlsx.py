"""Every FY2018 table as its own workbook ``<table>.xlsx`` (the CSV files deleted): the run's results are those of the
CSV files, byte for byte, and its provenance lists every workbook (issue 18; tests/input_formats.py converts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from envkpi.families import year_tables
from input_formats import YEAR, converted, inputs_of


@pytest.fixture(scope="module")
def per_table_workbooks(root, tmp_path_factory) -> Path:
    return converted(root, tmp_path_factory.mktemp("per_table"), "per-table workbooks")


def test_every_table_as_its_own_workbook_gives_the_results_of_the_csv_files(root, per_table_workbooks):
    assert (per_table_workbooks / "results.csv").read_bytes() == (root / "outputs" / YEAR / "results.csv").read_bytes()
    assert set(inputs_of(per_table_workbooks)) == {f"data/{YEAR}/{spec.name}.xlsx" for spec in year_tables()}
