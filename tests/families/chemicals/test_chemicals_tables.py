"""Tests for envkpi.families.chemicals.tables: the chemicals family's loader on a copy of the sample data.

Each test breaks one thing in a copy of ``data/`` and ``parameters/`` and runs the real loader: the error
names the file, the row (header = row 1), the column and what was expected.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from envkpi.core.inputs import InputError
from envkpi.families import load_parameters
from envkpi.families.chemicals.tables import ChemicalsInputs, load_chemicals_inputs

SUBSTANCES = "data/FY2018/chemical_substances.csv"
TRANSFERS = "data/FY2018/chemical_transfers.csv"


def load(root: Path, year: int = 2018) -> ChemicalsInputs:
    params = load_parameters(root / "parameters" / f"FY{year}.yaml", root=root)
    return load_chemicals_inputs(params, root / "data" / f"FY{year}", root=root)


def load_error(root: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load(root)
    return caught.value


def problems_at(error: InputError, file: str, row: int | None, column: str | None):
    found = [p for p in error.problems if (p.file, p.row, p.column) == (file, row, column)]
    assert found, f"expected a problem at {file}, row {row}, column {column!r}; got:\n{error}"
    return found


def test_the_samples_load_inside_the_boundary(root):
    for year, sites in ((2018, 12), (2017, 11)):
        inputs = load(root, year)
        assert len(inputs.sites_in_boundary) == sites
        assert inputs.warnings == []
        assert set(inputs.chemical_substances["site_id"]) == set(inputs.sites_in_boundary)
        assert inputs.chemical_transfers["wma_recycling"].any()


def test_a_substance_without_a_rank_is_named(data_copy, edit_row):
    row = edit_row(data_copy, SUBSTANCES, {"site_id": "JP-02", "substance": "dichloromethane"}, substance="benzene")
    edit_row(data_copy, TRANSFERS, {"site_id": "JP-02", "substance": "dichloromethane"}, substance="benzene")
    error = load_error(data_copy)
    [problem] = problems_at(error, SUBSTANCES, row, "substance")
    assert "'benzene' has no rank in the managed-substance list" in problem.message
    assert "benzene" in str(error)


def test_a_sewer_transfer_flagged_as_recycling(data_copy, edit_row):
    row = edit_row(data_copy, TRANSFERS, {"site_id": "JP-05", "substance": "hydrogen_fluoride", "destination": "sewer"},
                   wma_recycling="true")
    [problem] = problems_at(load_error(data_copy), TRANSFERS, row, "wma_recycling")
    assert "sewer" in problem.message


def test_every_problem_at_once(data_copy, edit_row):
    a = edit_row(data_copy, SUBSTANCES, {"site_id": "JP-01", "substance": "toluene"}, air="-5")
    b = edit_row(data_copy, TRANSFERS, {"site_id": "CN-02", "substance": "xylene"}, destination="river")
    error = load_error(data_copy)
    problems_at(error, SUBSTANCES, a, "air")
    problems_at(error, TRANSFERS, b, "destination")


def test_a_transfer_without_its_substance_row(data_copy, edit_row):
    row = edit_row(data_copy, TRANSFERS, {"site_id": "CN-02", "substance": "xylene"}, substance="toluene")
    [problem] = problems_at(load_error(data_copy), TRANSFERS, row, "substance")
    assert "has no row in" in problem.message
