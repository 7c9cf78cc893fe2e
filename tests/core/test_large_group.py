"""Tests for bench/make_large_group.py: a seeded, synthetic large group that envkpi can validate.

The generator is imported from its file, as the benchmark imports it; a small scale keeps the tests fast.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
from pathlib import Path

import pytest

from envkpi import families

ROOT = Path(__file__).resolve().parents[2]


def generator():
    spec = importlib.util.spec_from_file_location("make_large_group", ROOT / "bench" / "make_large_group.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_same_seed_gives_the_same_files_and_the_counts_follow_the_scale(tmp_path):
    make = generator()
    first = make.make_large_group(tmp_path / "a", scale=0.008, seed=7)
    second = make.make_large_group(tmp_path / "b", scale=0.008, seed=7)
    assert digest(first) == digest(second)
    assert digest(make.make_large_group(tmp_path / "c", scale=0.008, seed=8)) != digest(first)
    sites = rows(first / "data" / "FY2018" / "sites.csv")
    assert len(sites) == 40 and len({s["site_id"] for s in sites}) == 40
    assert len(rows(first / "data" / "FY2018" / "transport_records.csv")) == 1_600
    shipments = rows(first / "data" / "FY2018" / "product_shipments.csv")  # 1,000,000 × 0.008
    assert len(shipments) == 8_000 and len({s["shipment_id"] for s in shipments}) == 8_000
    assert not (first / "data" / "FY2018" / "product_use.csv").exists()
    assert not (first / "outputs").exists()
    assert all(int(r["fiscal_year"]) < 2018 for r in rows(first / "data" / "history" / "site_history.csv"))
    used = {r["site_id"] for r in rows(first / "data" / "FY2018" / "fuel_use.csv")}
    assert used <= {s["site_id"] for s in sites}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_the_generated_inputs_pass_the_validation(tmp_path, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    root = generator().make_large_group(tmp_path / "group", scale=0.008, seed=2018, fmt=fmt)
    params = families.load_parameters(root / "parameters" / "FY2018.yaml", root)
    warnings = families.validate_inputs(params, root / "data" / "FY2018", root, list(families.names()))
    assert len(warnings) <= 5
