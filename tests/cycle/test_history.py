"""The history files kept by the tool (envkpi.history): the figures of a publication, written and checked."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from envkpi.cycle.history import disagreements, rows_of, write
from envkpi.families.avoided_emissions.history import AVOIDED_HISTORY_FILE as AVOIDED_HISTORY
from envkpi.families.production.history import SITE_HISTORY_FILE as SITE_HISTORY
from envkpi.core.family import HistoryError
from envkpi.core.provenance import sha256_file
from envkpi.cycle.publication import Version, publish
from envkpi.core.results import ResultRow, results_csv

SITE_HEADER = "site_id,fiscal_year,co2,co2_unit,output,output_unit,source\n"
AVOIDED_HEADER = "fiscal_year,avoided_co2_t,source\n"


def _row(indicator_id: str, value: float, unit: str = "t CO2", breakdown: str = "") -> ResultRow:
    return ResultRow(indicator_id, 2018, breakdown, value, unit, "production", "cell")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with history up to FY2017 and a completed FY2018 run of two sites."""
    (tmp_path / "data" / "history").mkdir(parents=True)
    (tmp_path / "data" / "FY2018").mkdir()
    (tmp_path / SITE_HISTORY).write_text(SITE_HEADER + "JP-01,2017,60000,t CO2,160000,MJPY,Data book FY2017\n"
                                         "CN-01,2017,75000,t CO2,70000,MJPY,Data book FY2017\n", encoding="utf-8")
    (tmp_path / AVOIDED_HISTORY).write_text(AVOIDED_HEADER + "2017,21000000,Data book FY2017\n", encoding="utf-8")
    output = tmp_path / "data" / "FY2018" / "production_output.csv"
    output.write_text("site_id,output,unit\nJP-01,161250.5,MJPY\nCN-01,71000,MJPY\n", encoding="utf-8")
    run = tmp_path / "outputs" / "FY2018"
    run.mkdir(parents=True)
    rows = [_row("PRD-01", 135_599.54228833334), _row("PRD-01", 58_599.54228833334, breakdown="site=JP-01"),
            _row("PRD-01", 77_000.0, breakdown="site=CN-01"),
            _row("CO2-01", 6_018_559.83), _row("CO2-02", 8_389_424.683), _row("CO2-03", 7_000_000.25)]
    (run / "results.csv").write_text(results_csv(rows), encoding="utf-8")
    manifest = {"fiscal_year": 2018, "code_version": "abc", "inputs": [
        {"path": "data/FY2018/production_output.csv", "sha256": sha256_file(output), "role": "input"}],
        "outputs": [{"path": "results.csv", "sha256": sha256_file(run / "results.csv")}]}
    (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return tmp_path


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def published(project: Path) -> Version:
    return Version(2018, "published", "2019-06-28", project / "outputs" / "FY2018")


def test_the_rows_of_a_publication_are_its_figures_at_full_precision_with_their_source(project):
    rows = rows_of(project, published(project))
    assert rows[SITE_HISTORY] == [
        {"site_id": "JP-01", "fiscal_year": "2018", "co2": "58599.54228833334", "co2_unit": "t CO2",
         "output": "161250.5", "output_unit": "MJPY", "source": "FY2018 as published on 2019-06-28"},
        {"site_id": "CN-01", "fiscal_year": "2018", "co2": "77000.0", "co2_unit": "t CO2",
         "output": "71000", "output_unit": "MJPY", "source": "FY2018 as published on 2019-06-28"}]
    # CO2-01 + CO2-02 + CO2-03 = 6,018,559.83 + 8,389,424.683 + 7,000,000.25 = 21,407,984.763 t CO2
    [avoided] = rows[AVOIDED_HISTORY]
    assert float(avoided["avoided_co2_t"]) == pytest.approx(21_407_984.763, rel=1e-15)
    assert float(avoided["avoided_co2_t"]) == 6_018_559.83 + 8_389_424.683 + 7_000_000.25  # repr: no digit lost


def test_publishing_appends_the_rows_then_a_restatement_replaces_them_keeping_the_published_figures(project):
    lines = write(project, rows_of(project, published(project)))
    assert lines == [f"{AVOIDED_HISTORY}: 1 row of FY2018 appended (FY2018 as published on 2019-06-28)",
                     f"{SITE_HISTORY}: 2 rows of FY2018 appended (FY2018 as published on 2019-06-28)"]
    history = _csv(project / SITE_HISTORY)
    assert [(r["site_id"], r["fiscal_year"]) for r in history] == [("JP-01", "2017"), ("CN-01", "2017"),
                                                                   ("JP-01", "2018"), ("CN-01", "2018")]
    # restated: JP-01 +410 t (1,000 MWh × 0.410 t/MWh)
    run = project / "outputs" / "FY2018"
    text = (run / "results.csv").read_text(encoding="utf-8").replace("58599.54228833334", "59009.54228833334")
    restated = run / "restated" / "2020-05-10"
    restated.mkdir(parents=True)
    (restated / "results.csv").write_text(text, encoding="utf-8")
    (restated / "manifest.json").write_text((run / "manifest.json").read_text(encoding="utf-8"), encoding="utf-8")
    version = Version(2018, "restated", "2020-05-10", restated)
    lines = write(project, rows_of(project, version), restated=True)
    assert f"{SITE_HISTORY}: 2 rows of FY2018 replaced (FY2018 as restated on 2020-05-10)" in lines
    history = _csv(project / SITE_HISTORY)
    jp01 = next(r for r in history if r["site_id"] == "JP-01" and r["fiscal_year"] == "2018")
    assert (jp01["co2"], jp01["co2_as_published"], jp01["source"]) == (
        "59009.54228833334", "58599.54228833334", "FY2018 as restated on 2020-05-10")
    assert jp01["output_as_published"] == "161250.5"
    assert next(r for r in history if r["fiscal_year"] == "2017")["co2_as_published"] == ""
    assert len(history) == 4  # replaced in place, nothing appended


def test_hand_typed_rows_of_the_year_are_replaced_by_the_published_figures(project):
    with open(project / SITE_HISTORY, "a", encoding="utf-8") as handle:
        handle.write("JP-01,2018,58600,t CO2,161250.5,MJPY,typed from the data book\n")
    write(project, rows_of(project, published(project)))
    rows = [r for r in _csv(project / SITE_HISTORY) if r["fiscal_year"] == "2018"]
    assert [(r["site_id"], r["co2"]) for r in rows] == [("JP-01", "58599.54228833334"), ("CN-01", "77000.0")]


def test_an_output_file_changed_since_the_run_is_refused(project):
    output = project / "data" / "FY2018" / "production_output.csv"
    output.write_text(output.read_text(encoding="utf-8").replace("71000", "71500"), encoding="utf-8")
    with pytest.raises(HistoryError, match="data/FY2018/production_output.csv: not the file the run read"):
        rows_of(project, published(project))


def test_verify_names_a_hand_edit_of_a_published_row_and_a_removed_row(project):
    run = project / "outputs" / "FY2018"
    rows = rows_of(project, published(project))
    from datetime import date

    publish(run, published_on=date(2019, 6, 28), published_by="test", history=rows)
    write(project, rows)
    assert disagreements(project, run) == []
    text = (project / SITE_HISTORY).read_text(encoding="utf-8")
    (project / SITE_HISTORY).write_text(text.replace("58599.54228833334", "58600"), encoding="utf-8")
    assert disagreements(project, run) == [
        f"{SITE_HISTORY}, row 4, column 'co2' (JP-01 FY2018): '58600' differs from '58599.54228833334', "
        f"FY2018 as published on 2019-06-28 (recorded in {run / 'publication.json'})"]
    lines = (project / AVOIDED_HISTORY).read_text(encoding="utf-8").splitlines()
    (project / AVOIDED_HISTORY).write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    [missing] = [p for p in disagreements(project, run) if p.startswith(AVOIDED_HISTORY)]
    assert missing.startswith(f"{AVOIDED_HISTORY}: no row for FY2018; the publication wrote avoided_co2_t ")
