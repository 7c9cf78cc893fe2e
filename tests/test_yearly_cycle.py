"""The yearly cycle end to end, on real files in a copy of the project: new year, diff, publish, restate, verify.

Each test copies the project (parameters, data, notebooks, outputs) into a temporary folder and runs
the `envkpi` command there, as the reporting team would.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from envkpi.provenance import sha256_file
from envkpi.publication import is_published, make_writable, publish
from envkpi.results import read_results


def envkpi(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "envkpi.cli", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture
def project(root, tmp_path):
    """A copy of the project; read-only published files are made writable again on teardown."""
    copy = tmp_path / "project"
    for folder in ("parameters", "data", "notebooks", "outputs"):
        shutil.copytree(root / folder, copy / folder, ignore=shutil.ignore_patterns(".staging-*", "*.failed"))
    yield copy
    make_writable(copy)


def headline(rows, indicator_id, breakdown=""):
    [row] = [r for r in rows if r.indicator_id == indicator_id and r.breakdown == breakdown]
    return row.value


def fill_new_year(project: Path, year: int) -> None:
    """What the team does after `new-year`: confirm the carried values, fill the tables, append last year's
    published figures to the history files."""
    previous = year - 1
    year_file = project / "parameters" / f"FY{year}.yaml"
    text = re.sub(r",? *carried_over_from: \d+ *(#.*)?", "", year_file.read_text(encoding="utf-8"))
    year_file.write_text("\n".join(line for line in text.splitlines() if line.strip()) + "\n", encoding="utf-8")
    for table in (project / "data" / f"FY{previous}").glob("*.csv"):
        shutil.copy(table, project / "data" / f"FY{year}" / table.name)
    results = read_results(project / "outputs" / f"FY{previous}" / "results.csv")
    with open(project / "data" / f"FY{previous}" / "production_output.csv", newline="", encoding="utf-8") as handle:
        outputs = {r["site_id"]: r for r in csv.DictReader(handle)}
    with open(project / "data" / "history" / "site_history.csv", "a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for row in results:
            if row.indicator_id == "PRD-01" and row.breakdown.startswith("site="):
                site = row.breakdown.removeprefix("site=")
                writer.writerow([site, previous, round(row.value), "t CO2", outputs[site]["output"], outputs[site]["unit"],
                                 f"published FY{previous}"])
    avoided = sum(headline(results, i) for i in ("CO2-01", "CO2-02", "CO2-03"))
    with open(project / "data" / "history" / "avoided_emissions.csv", "a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerow([previous, round(avoided), f"published FY{previous}"])


def test_a_new_year_is_refused_with_the_list_of_what_is_missing_then_runs_once_filled(project):
    created = envkpi("new-year", "2019", cwd=project)
    assert created.returncode == 0, created.stderr
    assert (project / "parameters" / "FY2019.yaml").exists() and (project / "data" / "FY2019" / "README.md").exists()
    again = envkpi("new-year", "2019", cwd=project)
    assert again.returncode == 2 and "exists" in again.stderr

    refused = envkpi("run", "--fy", "2019", cwd=project)
    assert refused.returncode == 2, "a year not ready: nothing is run"
    message = refused.stderr
    assert "FY2019 is not ready to run" in message and "Traceback" not in message
    assert "parameters/FY2019.yaml: avoided_emissions.pv.lifetime: carried over from FY2018" in message
    assert "data/FY2019/fuel_use.csv: no rows — an empty template; fill it" in message
    assert "data/history/site_history.csv: no row for FY2018" in message
    assert not (project / "outputs" / "FY2019").exists()

    fill_new_year(project, 2019)
    ran = envkpi("run", "--fy", "2019", cwd=project)
    assert ran.returncode == 0, ran.stderr
    rows = read_results(project / "outputs" / "FY2019" / "results.csv")
    # the same inputs as FY2018 give the same Scope 2 (the factors did not change)
    assert headline(rows, "PRD-07") == pytest.approx(
        headline(read_results(project / "outputs" / "FY2018" / "results.csv"), "PRD-07"), rel=1e-12)


def test_diff_lists_the_pv_lifetime_change_with_its_effect(root):
    finished = envkpi("diff", "--fy", "2018", "--against", "2017", cwd=root)
    assert finished.returncode == 0, finished.stderr
    assert "avoided_emissions.pv.lifetime: value changed: 20.0 year → 25.0 year" in finished.stdout
    # The PV part is capacity × lifetime × yield × factor: reverting 25 → 20 years removes 5/25 of it.
    pv = headline(read_results(root / "outputs" / "FY2018" / "results.csv"), "CO2-01", "part=pv")
    effect = pv - pv * 20 / 25
    assert f"avoided_emissions.pv.lifetime: 20.0 year → 25.0 year: CO2-01 {effect:+,.3f} t CO2" in finished.stdout


def test_the_changes_report_shows_the_pv_lifetime_effect(root):
    with open(root / "outputs" / "FY2018" / "effects.csv", newline="", encoding="utf-8") as handle:
        effects = {(r["path"], r["indicator_id"]): float(r["effect"]) for r in csv.DictReader(handle)}
    pv = headline(read_results(root / "outputs" / "FY2018" / "results.csv"), "CO2-01", "part=pv")
    assert effects[("avoided_emissions.pv.lifetime", "CO2-01")] == pytest.approx(pv * 5 / 25, rel=1e-9)
    html = (root / "outputs" / "FY2018" / "changes.html").read_text(encoding="utf-8")
    assert "avoided_emissions.pv.lifetime" in html and "moves CO2-01 by" in html


def test_editing_an_input_of_a_published_year_writes_a_restatement_and_leaves_the_publication(project):
    year = project / "outputs" / "FY2018"
    if not is_published(year):
        publish(year, published_on=__import__("datetime").date(2019, 6, 28), published_by="test")
    before = {p.name: sha256_file(p) for p in year.iterdir() if p.is_file()}
    electricity = project / "data" / "FY2018" / "purchased_energy.csv"
    text = electricity.read_text(encoding="utf-8")
    assert "JP-01,electricity,96400,MWh" in text
    electricity.write_text(text.replace("JP-01,electricity,96400,MWh", "JP-01,electricity,97400,MWh"), encoding="utf-8")

    ran = envkpi("run", "--fy", "2018", cwd=project)
    assert ran.returncode == 0, ran.stderr
    assert {p.name: sha256_file(p) for p in year.iterdir() if p.is_file()} == before
    [restated] = list((year / "restated").iterdir())
    published = read_results(year / "results.csv")
    rows = read_results(restated / "results.csv")
    # 1,000 MWh more at JP-01 × 1,000 kWh/MWh × 0.410 kg CO2/kWh = 410 t CO2e more Scope 2
    assert headline(rows, "PRD-07") - headline(published, "PRD-07") == pytest.approx(1000 * 1000 * 0.410 / 1000, rel=1e-9)
    report = (restated / "changes.html").read_text(encoding="utf-8")
    assert "This run restates published FY2018 figures" in report

    assert envkpi("verify", str(year), cwd=project).returncode == 0
    page = year / "production.html"
    make_writable(page)
    data = bytearray(page.read_bytes())
    data[100] ^= 1
    page.write_bytes(bytes(data))
    failed = envkpi("verify", str(year), cwd=project)
    assert failed.returncode == 1
    assert "production.html: SHA-256 differs from the manifest" in failed.stderr


def test_rerunning_a_published_year_unchanged_writes_nothing(project):
    year = project / "outputs" / "FY2018"
    if not is_published(year):
        publish(year, published_on=__import__("datetime").date(2019, 6, 28), published_by="test")
    ran = envkpi("run", "--fy", "2018", "--only", "production", cwd=project)
    assert ran.returncode == 0, ran.stderr
    assert "is published and this run reproduces its results: nothing written" in ran.stderr
    assert not (year / "restated").exists()


def test_a_flagged_change_unexplained_or_explained_as_another_change_fails_the_run_naming_it(root, tmp_path):
    # FY2017 → FY2018: CO2-01 +35.52 %, CO2-02 +11.54 %, CO2-03 +11.78 %, PRD-04 +11.49 %, all flagged at 10 %
    params = tmp_path / "parameters"
    shutil.copytree(root / "parameters", params)
    year_file = params / "FY2018.yaml"
    text = year_file.read_text(encoding="utf-8")
    year_file.write_text(text[:text.index("explanations:")] + "explanations:\n"
                         '  CO2-01: {change: "-36 %", text: "A fall, says this explanation."}\n'
                         '  CO2-02: {change: "+30 %", text: "Far more products shipped."}\n'
                         '  PRD-04: {change: "+11 %", text: "More solar used on site."}\n', encoding="utf-8")
    finished = envkpi("run", "--fy", "2018", "--params", str(year_file), "--out", str(tmp_path / "out"), cwd=root)
    assert finished.returncode == 1, finished.stderr
    [line] = [line for line in finished.stderr.splitlines() if "check failed: Every flagged change is explained" in line]
    assert line.endswith(
        "check failed: Every flagged change is explained, by an explanation of that change ("
        "no explanation in explanations: of the year file for CO2-03; "
        f"CO2-01 moved +35.52 % (4,440,924.338 → 6,018,559.83 t CO2), but {year_file}: explanations.CO2-01 states "
        "-36 %: the other direction; "
        f"CO2-02 moved +11.54 % (7,521,311.812 → 8,389,424.683 t CO2), but {year_file}: explanations.CO2-02 states "
        "+30 %: 18.5 percentage points apart, more than the tolerance of 5)"), line
    assert "PRD-04" not in line  # explained by the change observed
    assert not (tmp_path / "out").exists()


# --- the auditor's review ---------------------------------------------------------------------------------

def unpublish(folder: Path) -> None:
    make_writable(folder)
    (folder / "publication.json").unlink()


def review_state(project: Path, notebook: str) -> dict[str, str]:
    """The row of ``envkpi review --status`` for one notebook, as a mapping column → value."""
    done = envkpi("review", "--fy", "2018", "--status", cwd=project)
    assert done.returncode == 0, done.stderr
    header, *rows = [line.split() for line in done.stdout.splitlines()]
    return dict(zip(header, next(row for row in rows if row[0] == notebook)))


def test_a_reviewed_cell_turns_stale_when_its_code_is_edited_and_the_year_rerun(project):
    unpublish(project / "outputs" / "FY2018")
    done = envkpi("review", "--fy", "2018", "--notebook", "production", "--cell", "scope2", "--ok",
                  "--by", "A. Auditor", "--on", "2019-05-20", "--comment", "Tied to purchased_energy.csv", cwd=project)
    assert done.returncode == 0, done.stderr
    assert review_state(project, "production")["reviewed"] == "1"

    notebook_file = project / "notebooks" / "production.ipynb"
    notebook = nbformat.read(notebook_file, as_version=4)
    cell = next(c for c in notebook.cells if c.id == "scope2")
    cell.source = "# location-based factors, as the standard requires\n" + cell.source
    nbformat.write(notebook, notebook_file)
    done = envkpi("run", "--fy", "2018", "--only", "production", cwd=project)
    assert done.returncode == 0, done.stderr

    state = review_state(project, "production")
    assert (state["reviewed"], state["stale"]) == ("0", "1")
    page = (project / "outputs" / "FY2018" / "audit" / "production.html").read_text(encoding="utf-8")
    bar = page[:page.index('id="cell-id=scope2"')].rsplit('<div class="envkpi-audit-bar', 1)[1]
    assert "envkpi-state-stale" in bar and "review stale" in bar and "A. Auditor, 2019-05-20" in bar


def test_a_published_year_is_reviewed_beside_its_publication(project):
    year = project / "outputs" / "FY2018"
    done = envkpi("review", "--fy", "2018", "--notebook", "production", "--cell", "scope2", "--query",
                  "--by", "A. Auditor", "--comment", "Which factor for CN-01?", cwd=project)
    assert done.returncode == 0, done.stderr
    assert review_state(project, "production")["queried"] == "1"
    assert "Which factor for CN-01?" in (year / "audit" / "production.html").read_text(encoding="utf-8")
    assert envkpi("verify", str(year), cwd=project).returncode == 0  # the publication is untouched


def test_reviews_recorded_in_jupyterlab_are_collected(project, tmp_path):
    copies = tmp_path / "review"
    assert envkpi("review", "--fy", "2018", "--copy-to", str(copies), cwd=project).returncode == 0
    annotated = copies / "product_use.ipynb"
    notebook = nbformat.read(annotated, as_version=4)
    notebook.cells[0].metadata["envkpi_review"] = {"reviewer": "B. Auditor", "date": "2019-05-21", "status": "ok",
                                                   "comment": "Narrative matches the standard"}
    nbformat.write(notebook, annotated)
    done = envkpi("review", "--fy", "2018", "--collect", str(annotated), cwd=project)
    assert done.returncode == 0, done.stderr
    assert "1 review(s) collected" in done.stdout
    assert review_state(project, "product_use")["reviewed"] == "1"


def bar_of(page: str, cell_id: str) -> str:
    return page[:page.index(f'id="cell-id={cell_id}"')].rsplit('<div class="envkpi-audit-bar', 1)[1]


def test_code_changed_then_a_restatement_show_on_every_page_the_index_and_the_status(project):
    """Review → edit the code, same results → rerun: "code changed since review", the review holds. Then
    correct an input → rerun: a restatement, and the published page, the index, --status and the restated
    page all show the review it made stale."""
    year = project / "outputs" / "FY2018"
    assert is_published(year)
    done = envkpi("review", "--fy", "2018", "--notebook", "production", "--cell", "scope2", "--ok", "--by", "A. Auditor",
                  "--on", "2019-05-20", "--comment", "Tied to purchased_energy.csv", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "envkpi-state-reviewed" in bar_of((year / "audit" / "production.html").read_text(encoding="utf-8"), "scope2")

    notebook_file = project / "notebooks" / "production.ipynb"
    notebook = nbformat.read(notebook_file, as_version=4)
    cell = next(c for c in notebook.cells if c.id == "scope2")
    cell.source = "# location-based factors, as the standard requires\n" + cell.source
    nbformat.write(notebook, notebook_file)
    ran = envkpi("run", "--fy", "2018", "--only", "production", cwd=project)
    assert ran.returncode == 0, ran.stderr
    assert "reproduces its results: nothing written" in ran.stderr
    assert "code differs from the published notebooks (code changed since review): production: scope2" in ran.stderr
    status = envkpi("review", "--fy", "2018", "--status", cwd=project)
    assert "production: code changed since review (notebooks/production.ipynb differs from the code that was run) " \
           "in cell scope2" in status.stdout
    assert review_state(project, "production")["reviewed"] == "1"  # the figures reproduce: the review holds
    assert "code changed since the run" in bar_of((year / "audit" / "production.html").read_text(encoding="utf-8"), "scope2")

    electricity = project / "data" / "FY2018" / "purchased_energy.csv"
    text = electricity.read_text(encoding="utf-8")
    electricity.write_text(text.replace("JP-01,electricity,96400,MWh", "JP-01,electricity,97400,MWh"), encoding="utf-8")
    ran = envkpi("run", "--fy", "2018", "--only", "production", cwd=project)
    assert ran.returncode == 0, ran.stderr
    [restated] = list((year / "restated").iterdir())
    state = review_state(project, "production")  # --status: against the current (restated) figures
    assert (state["reviewed"], state["stale"]) == ("0", "1")
    published = (year / "audit" / "production.html").read_text(encoding="utf-8")  # the page the README sends to
    assert "Restated." in published and "Reviews this restatement made stale: scope2." in published
    assert "envkpi-state-stale" in bar_of(published, "scope2")
    assert f"../restated/{restated.name}/audit/production.html" in published
    current = (restated / "audit" / "production.html").read_text(encoding="utf-8")
    assert "envkpi-state-stale" in bar_of(current, "scope2") and "Restated." not in current
    index = (year / "audit" / "index.html").read_text(encoding="utf-8")
    # 1,000 MWh more at JP-01 × 0.410 kg CO2/kWh = 410 t more: PRD-07 377,328.1198 → 377,738.1198 t CO2e
    assert f"Restated <a href=\"../restated/{restated.name}/audit/index.html\">{restated.name}</a>" in index
    assert "PRD-07: 377,328 t CO2e → 377,738 t CO2e" in index
    assert envkpi("verify", str(year), cwd=project).returncode == 0  # the publication itself is untouched
