"""The envkpi command: catalogue printing and clear errors for bad parameters."""

import csv
import io
import json
import shutil
import subprocess
import sys

from envkpi.core.catalogue import catalogue
from envkpi.families import names


def envkpi(*args, cwd):
    return subprocess.run([sys.executable, "-m", "envkpi.cli", *args], cwd=cwd, capture_output=True, text=True)


def test_indicators_prints_every_id_with_english_and_japanese_names(root):
    finished = envkpi("indicators", cwd=root)
    assert finished.returncode == 0
    lines = finished.stdout.splitlines()
    assert [line.split()[0] for line in lines[1:]] == [entry.id for entry in catalogue()]
    assert any("PRD-07" in line and "t CO2e" in line and "Scope 2 emissions / スコープ2排出量" in line for line in lines)


def test_indicators_shows_every_id_of_the_catalogue_as_computed(root):
    rows = list(csv.DictReader(io.StringIO(envkpi("indicators", "--format", "csv", cwd=root).stdout)))
    assert [r["id"] for r in rows] == [entry.id for entry in catalogue()]
    assert {r["id"]: r["status"] for r in rows} == {entry.id: "computed" for entry in catalogue()}


def test_indicators_as_csv_and_json(root):
    rows = list(csv.DictReader(io.StringIO(envkpi("indicators", "--format", "csv", cwd=root).stdout)))
    assert [r["id"] for r in rows] == [entry.id for entry in catalogue()]
    entries = json.loads(envkpi("indicators", "--format", "json", "--family", "production", cwd=root).stdout)
    assert [e["id"] for e in entries] == [f"PRD-0{n}" for n in range(1, 8)]


def test_run_with_a_misspelt_parameter_key_exits_2_naming_file_and_key(root, tmp_path):
    shutil.copy(root / "parameters" / "common.yaml", tmp_path / "common.yaml")
    text = (root / "parameters" / "FY2018.yaml").read_text(encoding="utf-8")
    (tmp_path / "FY2018.yaml").write_text(text.replace("excluded_entities:", "excluded_entites:"), encoding="utf-8")
    finished = envkpi("run", "--fy", "2018", "--params", str(tmp_path / "FY2018.yaml"), "--out", str(tmp_path / "out"),
                      cwd=root)
    assert finished.returncode == 2
    assert "boundary.excluded_entites: unknown key; did you mean excluded_entities?" in finished.stderr
    assert "FY2018.yaml" in finished.stderr and "Traceback" not in finished.stderr
    assert not (tmp_path / "out").exists()


def test_review_status_summarises_the_published_sample_year(root):
    finished = envkpi("review", "--fy", "2018", "--status", cwd=root)
    assert finished.returncode == 0, finished.stderr
    header, *rows, last = [line.split() for line in finished.stdout.splitlines()]
    assert header == ["notebook", "cells", "reviewed", "stale", "queried", "answered", "rejected", "unreviewed", "removed",
                      "sign_off"]
    assert {row[0] for row in rows} == {*names(), "changes"}
    assert all(row[-3:] == ["not", "signed", "off"] for row in rows)
    assert " ".join(last) == "open queries: 0 (envkpi review --open lists them); the year: not signed off"


def test_review_without_a_verdict_or_an_action_exits_2_saying_what_is_missing(root):
    finished = envkpi("review", "--fy", "2018", "--notebook", "production", "--cell", "scope2", "--by", "A", cwd=root)
    assert finished.returncode == 2
    assert "needs --notebook, --cell, one of --ok/--query/--reject and --by" in finished.stderr
    assert "missing --ok, --query or --reject" in finished.stderr
    finished = envkpi("review", "--fy", "2018", cwd=root)
    assert finished.returncode == 2 and "nothing to do; expected one of --status" in finished.stderr
    assert not (root / "outputs" / "FY2018" / "review.yaml").exists()


def test_review_of_an_unknown_cell_exits_2_naming_it(root):
    finished = envkpi("review", "--fy", "2018", "--notebook", "production", "--cell", "nope", "--ok", "--by", "A",
                      cwd=root)
    assert finished.returncode == 2
    assert "production.ipynb of FY2018 has no cell with id 'nope'" in finished.stderr
    assert "Traceback" not in finished.stderr
