"""Every FY2018 table re-encoded in CP932 with Japanese headers, declared in the year's parameters
(``inputs.encodings``): the run's results are those of the UTF-8 files, byte for byte (issue 18;
tests/input_formats.py converts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from envkpi.families import year_tables
from input_formats import YEAR, converted, inputs_of


@pytest.fixture(scope="module")
def cp932(root, tmp_path_factory) -> Path:
    return converted(root, tmp_path_factory.mktemp("cp932"), "cp932 with Japanese headers")


def test_every_table_in_cp932_with_japanese_headers_gives_the_results_of_the_utf8_files(root, cp932):
    assert (cp932 / "results.csv").read_bytes() == (root / "outputs" / YEAR / "results.csv").read_bytes()
    assert set(inputs_of(cp932)) == {f"data/{YEAR}/{spec.file_name}" for spec in year_tables()}
