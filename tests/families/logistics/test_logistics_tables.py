"""The logistics loader against the sample and against bad inputs: every problem named with file, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from envkpi.core.inputs import InputError
from envkpi.families import load_parameters
from envkpi.families.logistics.tables import LOGISTICS_HISTORY_FILE, load_logistics_inputs

RECORDS = "data/FY2018/transport_records.csv"


def load(project: Path, year: int = 2017):
    params = load_parameters(project / "parameters" / f"FY{year}.yaml", root=project)
    return load_logistics_inputs(params, project / "data" / f"FY{year}", project / LOGISTICS_HISTORY_FILE, root=project)


def messages(project: Path, year: int = 2017) -> list[str]:
    with pytest.raises(InputError) as caught:
        load(project, year)
    return [str(p) for p in caught.value.problems]


def test_the_sample_loads(data_copy):
    inputs = load(data_copy)
    assert len(inputs.records) == 12 and inputs.previous_records is None


@pytest.mark.parametrize(("value", "words"), [
    ("120", "expected at most 100"),
    ("0", "expected more than 0 and at most 100"),
])
def test_loading_rate_above_100_or_zero(data_copy, edit_row, value, words):
    row = edit_row(data_copy, "data/FY2017/transport_records.csv", {"record_id": "D-04"}, loading_rate_percent=value)
    found = messages(data_copy)
    assert any(f"data/FY2017/transport_records.csv, row {row}, column 'loading_rate_percent'" in m and words in m
               for m in found), found


def test_unknown_mode(data_copy, edit_row):
    row = edit_row(data_copy, "data/FY2017/transport_records.csv", {"record_id": "D-06"}, mode="pipeline")
    found = messages(data_copy)
    assert any(f"row {row}, column 'mode'" in m and "expected a known mode (air, rail, ship, truck)" in m for m in found), found


def test_payload_in_tonnes_where_kg_is_expected(data_copy, edit_row):
    row = edit_row(data_copy, "data/FY2017/transport_records.csv", {"record_id": "D-04"}, max_payload_kg="4")
    found = messages(data_copy)
    assert any(f"row {row}, column 'max_payload_kg'" in m and "at least 100" in m and "tonnes" in m for m in found), found


def test_every_problem_at_once_and_method_needs(data_copy, edit_row):
    first = edit_row(data_copy, "data/FY2017/transport_records.csv", {"record_id": "D-05"}, cargo_t="")
    second = edit_row(data_copy, "data/FY2017/transport_records.csv", {"record_id": "D-07"}, method="improved_tonkm")
    found = messages(data_copy)
    assert any(f"row {first}, column 'cargo_t'" in m and "improved ton-kilo method needs cargo_t" in m for m in found), found
    assert any(f"row {second}, column 'method'" in m and "is for trucks" in m for m in found), found


def test_a_missing_history_year_is_named(data_copy, delete_row):
    delete_row(data_copy, LOGISTICS_HISTORY_FILE, {"fiscal_year": "2015"})
    assert any("no row for FY2015" in m for m in messages(data_copy)), messages(data_copy)


def with_fy2017_row(project: Path, append_rows) -> None:
    """FY2017's history row, as envkpi publish --fy 2017 writes it, when the copy has none yet (a placeholder
    for the chain: these tests read only which rows are used)."""
    if "\n2017," not in (project / LOGISTICS_HISTORY_FILE).read_text(encoding="utf-8"):
        append_rows(project, LOGISTICS_HISTORY_FILE, "2017,76.86,161.13,kg CO2 / t,,,test")


def test_fy2018_restates_fy2017_from_its_activity_data(data_copy, append_rows):
    with_fy2017_row(data_copy, append_rows)
    inputs = load(data_copy, 2018)
    assert inputs.changes == {"D-03": "improved_tonkm"}
    d03 = inputs.previous_records.set_index("record_id").loc["D-03"]
    assert (d03["method_reported"], d03["method"]) == ("conventional_tonkm", "improved_tonkm")


def test_restatement_needs_the_new_methods_data_in_the_prior_year(data_copy, edit_row, append_rows):
    with_fy2017_row(data_copy, append_rows)
    row = edit_row(data_copy, "data/FY2017/transport_records.csv", {"record_id": "D-03"}, loading_rate_percent="")
    found = messages(data_copy, 2018)
    assert any(f"data/FY2017/transport_records.csv, row {row}, column 'loading_rate_percent'" in m and "recomputed" in m
               for m in found), found
