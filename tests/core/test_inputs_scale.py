"""Tests for envkpi.inputs at scale: Parquet tables in place of CSV, and the column-wise validation.

A table read from ``<table>.parquet`` gives the same frame, rows, warnings and problems as the same
table read from ``<table>.csv`` (only the file named differs); both files at once is a problem naming
both. The validation of a large table finds its problems at the rows where they are, with the
messages of the cell-by-cell rules (:func:`parse_cell`, :func:`plausibility`), and its duplicates.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from envkpi.core.charts import top_and_others
from envkpi.core.inputs import (Column, InputError, Plausible, RawCells, TableSpec, data_rows, parse_cell,
                                plausibility, read_table, table_file)
from envkpi.core.provenance import sha256_file
from envkpi.pages.report import shortened

pytest.importorskip("pyarrow")

METERS = TableSpec(
    "meters",
    "Meter readings with a column of every kind, for these tests.",
    (
        Column("meter", "text", "meter identifier"),
        Column("site", "text", "site identifier; allowed values come from references"),
        Column("reading", "number", "energy read", unit_column="unit", minimum=0,
               plausible=(Plausible("kWh", error_above=1e9, typical=(None, 1e6), reason="one meter in a year"),)),
        Column("unit", "unit", "unit of the reading", allowed=("kWh", "MWh")),
        Column("digits", "integer", "number of dial digits", required=False, minimum=0),
        Column("metered", "boolean", "read from a meter (not estimated)"),
        Column("note", "text", "free text", required=False),
    ),
    unique=("meter",),
)
HEADER = ["meter", "site", "reading", "unit", "digits", "metered", "note"]
SITES = {"site": ["JP-01", "CN-01"]}
GOOD = [
    ["M1", "JP-01", "120.5", "kWh", "6", "true", ""],
    ["M2", "CN-01", "2000", "MWh", "", "false", "estimated, from the bill"],  # 2,000 MWh: above typical
    ["M3", "JP-01", "0", "kWh", "5.0", "yes", ""],
]
BAD = [
    ["M1", "JP-01", "1,240", "kWh", "6", "true", ""],  # not a number
    ["M2", "XX-09", "12", "mWh", "6.5", "maybe", ""],  # unknown site, unit in the wrong case, fraction, not a boolean
    ["M2", "CN-01", "-3", "kWh", "", "false", ""],  # key repeated, below the minimum
    ["M4", "JP-01", "2e12", "kWh", "", "true", ""],  # above the error limit
    ["M4", "JP-01", "2e12", "kWh", "", "true", ""],  # the same in every cell
    ["", "CN-01", "", "kWh", "", "no", ""],  # missing meter and reading
]


def write_csv(folder: Path, rows: list[list[str]], name: str = "meters") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    path = folder / f"{name}.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def write_parquet(folder: Path, rows: list[list[str]], name: str = "meters") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.parquet"
    pd.DataFrame(rows, columns=HEADER, dtype=object).to_parquet(path, index=False)
    return path


def read(path: Path, root: Path):
    problems = []
    table = read_table(path, METERS, root=root, references=SITES, problems=problems)
    return table, [str(p) for p in problems]


def test_a_parquet_table_reads_as_its_csv(tmp_path):
    from_csv, csv_problems = read(write_csv(tmp_path / "a" / "data", GOOD), tmp_path / "a")
    parquet = write_parquet(tmp_path / "b" / "data", GOOD)
    # the loaders name <table>.csv; the Parquet file stands in its place
    from_parquet, parquet_problems = read(tmp_path / "b" / "data" / "meters.csv", tmp_path / "b")
    assert csv_problems == parquet_problems == []
    pd.testing.assert_frame_equal(from_csv.data, from_parquet.data)
    assert from_csv.rows == from_parquet.rows == [2, 3, 4]
    assert [w.message for w in from_csv.warnings] == [w.message for w in from_parquet.warnings]
    assert [(w.row, w.column) for w in from_parquet.warnings] == [(3, "reading")]
    assert from_parquet.display == "data/meters.parquet"
    assert from_parquet.record.path == "data/meters.parquet"
    assert from_parquet.record.sha256 == sha256_file(parquet)  # provenance hashes the file read
    assert from_parquet.raw[1]["note"] == "estimated, from the bill"


def test_a_bad_parquet_table_gives_the_problems_of_its_csv(tmp_path):
    _, csv_problems = read(write_csv(tmp_path / "a" / "data", BAD), tmp_path / "a")
    write_parquet(tmp_path / "b" / "data", BAD)
    _, parquet_problems = read(tmp_path / "b" / "data" / "meters.csv", tmp_path / "b")
    assert len(csv_problems) >= 10
    assert sorted(p.replace("meters.parquet", "meters.csv") for p in parquet_problems) == sorted(csv_problems)
    assert "data/meters.parquet, row 2, column 'reading': got '1,240'; expected a number ≥ 0" in parquet_problems


def test_typed_parquet_columns_are_read_as_their_text(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    frame = pd.DataFrame({"meter": ["M1", "M2"], "site": ["JP-01", None], "reading": [120.5, 7.0],
                          "unit": ["kWh", "kWh"], "digits": pd.array([6, None], dtype="Int64"),
                          "metered": [True, False], "note": [None, "x"]})
    frame.to_parquet(folder / "meters.parquet", index=False)
    table, problems = read(folder / "meters.csv", tmp_path)
    assert problems == ["data/meters.parquet, row 3, column 'site': missing value; expected site identifier; "
                        "allowed values come from references"]
    assert table.data["reading"].tolist() == [120.5, 7.0]
    assert table.data["metered"].tolist() == [True, False]
    assert table.raw[0]["digits"] == "6" and table.raw[1]["digits"] == ""


def test_a_table_given_as_both_csv_and_parquet_is_a_problem_naming_both(tmp_path):
    write_csv(tmp_path / "data", GOOD)
    write_parquet(tmp_path / "data", GOOD)
    with pytest.raises(InputError) as caught:
        read_table(tmp_path / "data" / "meters.csv", METERS, root=tmp_path, references=SITES)
    (problem,) = caught.value.problems
    assert "data/meters.csv" in problem.message and "data/meters.parquet" in problem.message
    assert problem.file == "data/meters.csv"


def test_table_file_and_data_rows_see_a_parquet_table(tmp_path):
    parquet = write_parquet(tmp_path, [*GOOD, [""] * len(HEADER)])
    assert table_file(tmp_path / "meters.csv") == parquet
    assert data_rows(parquet) == 3
    write_csv(tmp_path, GOOD)
    assert table_file(tmp_path / "meters.csv") == tmp_path / "meters.csv"


def test_a_large_table_is_judged_cell_by_cell_rules_at_the_right_rows(tmp_path):
    rows = [[f"M{i}", "JP-01", f"{i % 997}.25", "kWh", str(i % 9), "true", ""] for i in range(20_000)]
    bad_cells = {137: ("reading", "12_000"), 4_242: ("digits", "2.5"), 9_999: ("unit", "kwh"),
                 15_000: ("reading", "5e9"), 17_777: ("metered", "perhaps")}
    for index, (column, text) in bad_cells.items():
        rows[index][HEADER.index(column)] = text
    rows[19_000][HEADER.index("reading")] = "2000000"  # above typical: a warning
    rows.append(list(rows[5]))  # a duplicate of row 7 (data row 5)
    table, problems = read(write_csv(tmp_path / "data", rows), tmp_path)
    expected = []
    for index, (column, text) in bad_cells.items():
        spec = next(c for c in METERS.columns if c.name == column)
        _, message = parse_cell(spec, text)
        if message is None:  # parsed, but outside the plausible range
            message, _ = plausibility(spec, float(text), text, "kWh")
        expected.append(f"data/meters.csv, row {index + 2}, column '{column}': {message}")
    expected.append("data/meters.csv, row 7: duplicate of row 20002 (meter=M5): the same in every cell, so it "
                    "would be counted twice; delete one")
    expected.append("data/meters.csv, row 20002: duplicate of row 7 (meter=M5): the same in every cell, so it "
                    "would be counted twice; delete one")
    assert sorted(problems) == sorted(expected)
    assert [(w.row, w.column) for w in table.warnings] == [(19_002, "reading")]
    assert len(table.data) == len(table.rows) == len(table.raw) == 20_001
    assert table.data["digits"].dtype == float  # an integer column with a failed cell, as from_records gives
    assert not table.parsed_rows(("reading",))[137] and table.parsed_rows(("digits",))[137]


def test_raw_cells_behave_as_a_list_of_rows():
    raw = RawCells({"a": np.array(["x", "y"], dtype=object), "b": np.array(["1", ""], dtype=object)}, 2)
    assert len(raw) == 2
    assert raw[1] == {"a": "y", "b": ""} and raw[-1] == raw[1]
    assert [row["a"] for row in raw] == ["x", "y"]
    assert list(raw.column("b")) == ["1", ""]
    with pytest.raises(IndexError):
        raw[2]


def test_blank_padded_and_quoted_cells_are_stripped(tmp_path):
    path = tmp_path / "data" / "meters.csv"
    path.parent.mkdir()
    path.write_text("meter,site,reading,unit,digits,metered,note\n M1 ,JP-01,\t12,kWh,,true,\n"
                    'M2,CN-01,3,MWh,,false," quoted,\nnote "\n', encoding="utf-8")
    table, problems = read(path, tmp_path)
    assert problems == []
    assert table.data["meter"].tolist() == ["M1", "M2"] and table.data["reading"].tolist() == [12.0, 3.0]
    assert table.raw[1]["note"] == "quoted,\nnote"


def test_top_and_others_keeps_the_largest_rows_and_sums_the_rest():
    frame = pd.DataFrame({"Scope 1": np.arange(50.0), "Scope 2": np.ones(50)}, index=[f"S{i}" for i in range(50)])
    cut = top_and_others(frame, limit=40, top=20, noun="other sites")
    assert list(cut.index) == ["30 other sites", *[f"S{i}" for i in range(30, 50)]]
    assert cut.loc["30 other sites", "Scope 1"] == sum(range(30)) and cut.loc["30 other sites", "Scope 2"] == 30
    assert cut.to_numpy().sum() == frame.to_numpy().sum()
    assert top_and_others(frame.head(40), limit=40) is not None and len(top_and_others(frame.head(40), limit=40)) == 40


def test_a_long_table_is_shortened_to_its_largest_rows():
    frame = pd.DataFrame({"site": [f"S{i}" for i in range(500)], "co2_t": np.arange(500.0)})
    shown, left_out = shortened(frame, top_by="co2_t")
    assert left_out == 480 and shown["co2_t"].tolist() == list(np.arange(499.0, 479.0, -1))
    assert shortened(frame.head(100))[1] == 0


def _rows_text(rows: list[list[str]], end: str = "\n") -> str:
    return end.join(",".join(row) for row in [HEADER, *rows]) + end


UNQUOTED = {
    "good": _rows_text([r for r in GOOD if "," not in "".join(r)]),
    "bad": _rows_text([r for r in BAD if "," not in "".join(r)]),
    "windows line ends": _rows_text(GOOD[:1] + GOOD[2:], "\r\n"),
    "blank lines inside and at the end": _rows_text(GOOD[:1]).rstrip("\n") + "\n\n\n" + ",".join(GOOD[2]) + "\n\n",
    "a record too short": _rows_text([GOOD[0], GOOD[0][:-2]]),
    "a record too long": _rows_text([GOOD[0] + ["extra"]]),
    "blanks around cells": _rows_text([[" M9 ", "JP-01 ", " 7", "kWh", "", "true", " a note "]]),
    "no line end at the end": _rows_text(GOOD[:1]).rstrip("\n"),
    "a lone carriage return": _rows_text(GOOD[:1]).replace("\n", "\r", 1),
    "header only": _rows_text([]),
    "blank first line": "\n" + _rows_text(GOOD[:1]),
}


@pytest.mark.parametrize("text", list(UNQUOTED.values()), ids=list(UNQUOTED))
def test_an_unquoted_csv_reads_the_same_through_the_fast_path(tmp_path, monkeypatch, text):
    # a CSV text without quotes is read by pandas' C parser; it must give what the general reader gives, or
    # leave the text to it: the same frame, rows, raw cells, warnings and problems
    (tmp_path / "data").mkdir()
    path = tmp_path / "data" / "meters.csv"
    path.write_bytes(text.encode("utf-8"))
    fast, fast_problems = read(path, tmp_path)
    from envkpi.core import inputs

    monkeypatch.setattr(inputs, "_unquoted_grid", lambda text: None)
    general, general_problems = read(path, tmp_path)
    assert fast_problems == general_problems
    assert (fast is None) == (general is None)
    if general is not None:
        pd.testing.assert_frame_equal(fast.data, general.data)
        assert fast.rows == general.rows
        assert list(fast.raw) == list(general.raw)
        assert fast.warnings == general.warnings


def test_the_fast_path_takes_a_large_unquoted_table(tmp_path):
    from envkpi.core.inputs import _unquoted_grid

    text = _rows_text([["M1", "JP-01", "1", "kWh", "", "true", ""]] * 3)
    header, columns, numbers = _unquoted_grid(text)
    assert header == HEADER and list(numbers) == [2, 3, 4] and list(columns["meter"]) == ["M1"] * 3
