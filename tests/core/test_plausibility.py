"""Validation of every input before any notebook runs (``runner.preflight``), across families (issue 9).

Each test copies the sample project (``data/``, ``parameters/``) into pytest's ``tmp_path``, breaks
things in the copy and calls :func:`envkpi.runner.preflight` as ``envkpi run`` does before it starts a
notebook: the problems of every family and of the rules between tables come in one
:class:`~envkpi.inputs.InputError`; the warnings are printed as ``warning: file, row, column: …`` lines.
The last test runs one notebook alone to show it fails with the same message.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from envkpi.core.inputs import InputError, Problem
from envkpi.families import load_parameters
from envkpi.running.runner import _history_years, preflight
from envkpi.families import family
from envkpi.families import names as family_names
from envkpi.core.inputs import data_rows

FAMILIES = list(family_names())
YEAR = "data/FY2018"


@pytest.fixture
def project(root, tmp_path) -> Path:
    copy = tmp_path / "project"
    for folder in ("data", "parameters"):
        shutil.copytree(root / folder, copy / folder)
    return copy


def set_cell(project: Path, file: str, match: dict[str, str], column: str, value: str) -> int:
    """Set one cell of the one row of ``file`` matching ``match``; return the row (file line)."""
    path = project / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    [number] = [n for n, line in enumerate(lines[1:], start=2)
                if all(dict(zip(header, next(csv.reader([line])))).get(k) == v for k, v in match.items())]
    cells = next(csv.reader([lines[number - 1]]))
    cells[header.index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    lines[number - 1] = buffer.getvalue()
    path.write_text("".join(lines), encoding="utf-8")
    return number


def run_preflight(project: Path, families=FAMILIES, warn=None) -> list[str]:
    params_path = project / "parameters" / "FY2018.yaml"
    params = load_parameters(params_path, root=project)
    return preflight(project, params, params_path, project / YEAR, families, warn=warn)


def preflight_error(project: Path, families=FAMILIES) -> InputError:
    with pytest.raises(InputError) as caught:
        run_preflight(project, families)
    return caught.value


def test_every_family_has_a_loader_and_the_sample_passes_with_no_warning(project):
    assert FAMILIES and all(family(name).load_inputs for name in FAMILIES)
    printed: list[str] = []
    assert run_preflight(project, warn=printed.append) == []
    assert printed == []


def test_problems_of_every_family_and_of_the_rules_between_tables_come_at_once(project):
    supplier = set_cell(project, f"{YEAR}/fuel_use.csv", {"site_id": "JP-02", "fuel": "city_gas"}, "supplier", "toho")
    quantity = set_cell(project, f"{YEAR}/fuel_use.csv", {"site_id": "JP-02", "fuel": "lpg"}, "quantity", "4x20")
    country = set_cell(project, f"{YEAR}/sites.csv", {"site_id": "US-01"}, "country", "AR")
    cells = set_cell(project, f"{YEAR}/fuel_cell_shipments.csv", {"region": "europe"}, "units_shipped", "640.25")
    sold = set_cell(project, f"{YEAR}/product_use.csv", {"category": "lcd_tv", "region": "japan"}, "units_sold", "1e12")
    electricity = project / YEAR / "purchased_energy.csv"
    electricity.write_text(electricity.read_text(encoding="utf-8").replace("JP-03,electricity,48700,MWh\n", ""),
                           encoding="utf-8")

    error = preflight_error(project)

    located = {(p.file, p.row, p.column): p.message for p in error.problems}
    assert located[(f"{YEAR}/fuel_use.csv", supplier, "supplier")].endswith("did you mean toho_gas?")
    assert located[(f"{YEAR}/fuel_use.csv", quantity, "quantity")] == "got '4x20'; expected a number ≥ 0"
    assert located[(f"{YEAR}/sites.csv", country, "country")].startswith("US-01 buys electricity in 'AR'")
    assert located[(f"{YEAR}/fuel_cell_shipments.csv", cells, "units_shipped")] == "got '640.25'; expected a whole number"
    assert located[(f"{YEAR}/product_use.csv", sold, "units_sold")] == (
        "got '1e12'; expected at most 1,000,000,000 [count] (one row's units in a year)")
    assert located[(f"{YEAR}/purchased_energy.csv", None, None)].startswith("no electricity row for site JP-03")
    assert len(error.problems) == 6, str(error)
    assert str(error).startswith("6 problems in the input data")


def test_warnings_are_printed_as_lines_and_the_year_runs(project, capsys):
    row = set_cell(project, f"{YEAR}/purchased_energy.csv", {"site_id": "JP-05", "carrier": "electricity"},
                   "quantity", "2500000")
    units = set_cell(project, f"{YEAR}/product_use.csv", {"category": "lcd_tv", "region": "japan"}, "units_sold",
                     "150000000")
    printed: list[str] = []
    assert run_preflight(project, warn=printed.append) == []
    assert printed == [
        f"warning: {YEAR}/product_use.csv, row {units}, column 'units_sold': '150000000' is above the typical maximum "
        "of 100,000,000 [count] (one row's units in a year); check the value and its unit",
        f"warning: {YEAR}/purchased_energy.csv, row {row}, column 'quantity': '2500000' MWh is above the typical "
        "maximum of 2,000,000 [MWh] (one site's purchase of one carrier in a year); check the value and its unit",
    ]
    assert run_preflight(project) == []  # by default, on stderr
    assert capsys.readouterr().err.splitlines() == printed


def test_warnings_of_a_family_that_runs_are_printed_only_for_the_families_run(project):
    set_cell(project, f"{YEAR}/product_use.csv", {"category": "lcd_tv", "region": "japan"}, "units_sold", "150000000")
    printed: list[str] = []
    assert run_preflight(project, families=["production"], warn=printed.append) == []
    assert printed == []


def test_warnings_come_with_the_problems_of_a_run_that_stops(project):
    set_cell(project, f"{YEAR}/product_use.csv", {"category": "lcd_tv", "region": "japan"}, "units_sold", "150000000")
    set_cell(project, f"{YEAR}/fuel_cell_shipments.csv", {"region": "europe"}, "units_shipped", "640.25")
    printed: list[str] = []
    with pytest.raises(InputError) as caught:
        run_preflight(project, warn=printed.append)
    assert [p.file for p in caught.value.problems] == [f"{YEAR}/fuel_cell_shipments.csv"]
    assert [w.file for w in caught.value.warnings] == [f"{YEAR}/product_use.csv"]
    assert [line.split(",")[0] for line in printed] == [f"warning: {YEAR}/product_use.csv"]


def test_a_file_from_japanese_excel_is_named_instead_of_a_traceback(project):
    path = project / YEAR / "sites.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace("Chiba Works", "千葉工場").encode("cp932"))
    error = preflight_error(project, ["production"])
    assert error.problems == [Problem(f"{YEAR}/sites.csv", 2, None, "not UTF-8 text (byte 0x90 cannot be read as "
                                      "UTF-8); it looks like Shift_JIS/CP932 (Japanese Excel); save it as UTF-8 CSV")]


def test_a_utf16_history_file_is_named_instead_of_a_missing_year(project):
    path = project / "data" / "history" / "site_history.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    error = preflight_error(project, ["production"])
    assert error.problems == [Problem("data/history/site_history.csv", None, None, "not UTF-8 text: it looks like "
                                      "UTF-16 (Excel's 'Unicode Text'); save it as 'CSV UTF-8 (comma delimited)'")]


def test_data_rows_names_a_file_that_is_not_utf8(project):
    path = project / YEAR / "fuel_use.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    with pytest.raises(InputError) as caught:
        data_rows(path, project)
    assert caught.value.problems[0].file == f"{YEAR}/fuel_use.csv"
    assert data_rows(project / YEAR / "sites.csv", project) == 16


def test_history_years_written_as_decimals_are_the_years(project):
    for name in ("site_history.csv", "avoided_emissions.csv"):
        path = project / "data" / "history" / name
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(",2017,", ",2017.0,").replace("\n2017,", "\n2017.0,"), encoding="utf-8")
        assert 2017 in _history_years(path, project)
    assert run_preflight(project) == []


def test_a_missing_history_year_is_still_a_readiness_problem(project):
    path = project / "data" / "history" / "avoided_emissions.csv"
    path.write_text("".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not line.startswith("2017,")), encoding="utf-8")
    assert run_preflight(project) == ["data/history/avoided_emissions.csv: no row for FY2017; publishing FY2017 writes "
                                      "its avoided emissions (envkpi publish --fy 2017 --by NAME); for a year published "
                                      "before envkpi, type the published figures in"]


def test_readiness_problems_are_returned_before_the_values_are_judged(project):
    (project / YEAR / "non_co2_ghg.csv").write_text("site_id,gas,quantity,unit,activity\n", encoding="utf-8")
    set_cell(project, f"{YEAR}/fuel_use.csv", {"site_id": "JP-02", "fuel": "lpg"}, "quantity", "4x20")
    assert run_preflight(project) == [f"{YEAR}/non_co2_ghg.csv: no rows — an empty template; fill it"]


def test_a_notebook_run_alone_fails_with_the_same_message(root, project, tmp_path):
    from envkpi.running.runner import _execute

    shutil.copytree(root / "notebooks", project / "notebooks")
    row = set_cell(project, f"{YEAR}/product_use.csv", {"category": "lcd_tv", "region": "japan"}, "units_sold", "640.25")
    expected = str(preflight_error(project, ["product_use"]))
    folder = tmp_path / "executed"
    folder.mkdir()
    run = _execute(project, "product_use", folder, {"fiscal_year": 2018, "parameters_file": "", "data_dir": ""})
    assert run.error is not None
    assert f"{YEAR}/product_use.csv, row {row}, column 'units_sold': got '640.25'; expected a whole number" in run.error
    assert expected.splitlines()[1] in run.error


def test_the_report_shows_the_warnings_and_nothing_when_there_are_none(monkeypatch):
    from envkpi.pages import report

    shown = []
    monkeypatch.setattr(report, "display", lambda obj, raw=False, metadata=None: shown.append(obj))
    report.show_warnings([])
    assert shown == []
    report.show_warnings([Problem(f"{YEAR}/purchased_energy.csv", 8, "quantity", "'2500000' MWh is above <the> typical")])
    [data] = shown
    assert "⚠ Warning: 1 input value outside the typical range" in data["text/html"]
    assert '<td class="num">8</td><td>quantity</td><td>&#x27;2500000&#x27; MWh is above &lt;the&gt; typical</td>' in data["text/html"]
    assert "purchased_energy.csv" in data["text/plain"]


def test_the_ventilation_model_guard_names_file_rows_as_plain_numbers():
    import pandas as pd

    from envkpi.families.avoided_emissions.ventilation import validated_series

    series = pd.DataFrame({"row": [98, 99, 100], "outdoor_temp_c": [10.0, 10.0, 10.0],
                           "timestamp": pd.to_datetime(["2018-04-05 00:00", "2018-04-05 01:00", "2018-04-05 03:00"])})
    with pytest.raises(ValueError) as caught:
        validated_series(series)
    assert str(caught.value) == ("timestamp: not hourly (a step other than 1 h before file row 100); give an hourly "
                                 "series in time order, or a 'weight' column [h] for each row")
    series["outdoor_temp_c"] = [10.0, float("nan"), 10.0]
    with pytest.raises(ValueError, match=r"^outdoor_temp_c: missing or not a number at file row 99$"):
        validated_series(series)
    with pytest.raises(ValueError, match=r"^outdoor_temp_c: missing or not a number at position 1$"):
        validated_series(series.drop(columns="row"))
