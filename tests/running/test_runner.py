"""End-to-end runs of a fiscal year (envkpi.runner and the ``envkpi run`` command) on real files.

Each run executes the production notebook with Papermill in a real kernel, into a scratch folder,
on the sample data or a copy of it edited by the test.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from envkpi.core.catalogue import catalogue, unit_text
from envkpi.core.inputs import InputError
from envkpi.families import families, names
from envkpi.core.provenance import history_record, sha256_file
from envkpi.core.results import read_results
from envkpi.running.runner import RESULTS_READ_FILE, RunError, RunRefused, run_year

FY = 2018
FAMILIES = names()  # every built family, in report order
OUTPUT_FILES = {f"{family}.{kind}" for family in (*FAMILIES, "changes") for kind in ("ipynb", "html")} | {
    "results.csv", "results.json", "manifest.json", "effects.csv", "previous_rerun.csv", "index.html",
    "databook.xlsx", "databook.csv"} | ({RESULTS_READ_FILE} if any(f.needs_results for f in families()) else set())


def headline(rows, indicator_id):
    [row] = [r for r in rows if r.indicator_id == indicator_id and r.breakdown == ""]
    return row


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory, root):
    """One run of the sample year into a scratch folder, shared by the tests that only read it."""
    out = tmp_path_factory.mktemp("run") / f"FY{FY}"
    summary = run_year(FY, root=root, out=out)
    return summary, out


def copy_data(root: Path, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(root / "data" / f"FY{FY}", data)
    return data


def edit_csv(path: Path, match: dict, column: str, value: str) -> None:
    """Set ``column`` to ``value`` in the one row of a CSV file whose fields equal ``match``."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    hits = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(hits) == 1, f"expected one row matching {match} in {path}"
    hits[0][column] = value
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_run_writes_the_five_kinds_of_output(sample_run):
    summary, out = sample_run
    assert {p.name for p in out.iterdir()} == OUTPUT_FILES | {"audit"}
    assert {p.name for p in (out / "audit").iterdir()} == {f"{name}.html" for name in (*FAMILIES, "changes", "index")}
    for family in FAMILIES:
        notebook = nbformat.read(out / f"{family}.ipynb", as_version=4)
        assert notebook.metadata.papermill.parameters["fiscal_year"] == FY
        assert notebook.metadata.papermill.input_path == f"notebooks/{family}.ipynb"
        assert not any(o.get("output_type") == "error" for c in notebook.cells for o in c.get("outputs", []))
        assert "<math" in (out / f"{family}.html").read_text(encoding="utf-8")
    assert json.loads((out / "results.json").read_text(encoding="utf-8"))[0].keys() == {
        "indicator_id", "fiscal_year", "breakdown", "value", "unit", "notebook", "cell_id"}
    assert not list(out.parent.glob(".staging-*")), "the staging folder must be gone after a run"


def test_results_have_a_headline_per_indicator_with_units(sample_run):
    _, out = sample_run
    rows = read_results(out / "results.csv")
    units = {r.indicator_id: r.unit for r in rows if r.breakdown == ""}
    # one headline per indicator of every built family, in the catalogue's unit (the families from the registry)
    assert units == {e.id: unit_text(e.id) for e in catalogue() if e.family in FAMILIES}
    assert {i: units[i] for i in ("CO2-01", "PRD-02", "PRD-06", "LOG-03", "RES-01", "WAT-01")} == {
        "CO2-01": "t CO2", "PRD-02": "percent", "PRD-06": "t CO2e", "LOG-03": "kg CO2 / t", "RES-01": "t", "WAT-01": "m**3"}
    assert sorted(r.breakdown for r in rows if r.indicator_id == "CO2-03" and r.breakdown) == [
        f"line={n}" for n in range(1, 8)]
    for family in FAMILIES:
        cell_ids = {c.id for c in nbformat.read(out / f"{family}.ipynb", as_version=4).cells}
        assert all(r.cell_id in cell_ids and r.fiscal_year == FY for r in rows if r.notebook == family)


def test_scope1_plus_scope2_equals_prd01_plus_prd05(sample_run):
    _, out = sample_run
    rows = read_results(out / "results.csv")
    scopes = headline(rows, "PRD-06").value + headline(rows, "PRD-07").value
    production = headline(rows, "PRD-01").value + headline(rows, "PRD-05").value
    assert scopes == pytest.approx(production, rel=1e-12)


def test_site_breakdown_sums_to_headline(sample_run):
    _, out = sample_run
    rows = read_results(out / "results.csv")
    for indicator_id in ("PRD-01", "PRD-03", "PRD-06", "PRD-07"):
        sites = [r.value for r in rows if r.indicator_id == indicator_id and r.breakdown.startswith("site=")]
        assert sum(sites) == pytest.approx(headline(rows, indicator_id).value, rel=1e-12)


def test_manifest_hashes_every_output_and_input(sample_run, root):
    _, out = sample_run
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {o["path"] for o in manifest["outputs"]} == OUTPUT_FILES - {"manifest.json"}
    for entry in manifest["outputs"]:
        assert sha256_file(out / entry["path"]) == entry["sha256"]
    inputs = {i["path"]: i["sha256"] for i in manifest["inputs"]}
    assert inputs["parameters/FY2018.yaml"] == sha256_file(root / "parameters" / "FY2018.yaml")
    assert inputs["data/FY2018/fuel_use.csv"] == sha256_file(root / "data" / "FY2018" / "fuel_use.csv")
    # a history file: the rows the year uses (before FY2018), so that publishing later years leaves it as it was
    assert inputs["data/history/site_history.csv"] == history_record(root / "data" / "history" / "site_history.csv",
                                                                     FY, root=root).sha256
    used = [line for line in (root / "data" / "history" / "site_history.csv").read_text(encoding="utf-8").splitlines()
            if not re.search(r",(2018|2019|20[2-9]\d),", line)]  # the header and the rows of FY2013 … FY2017
    assert inputs["data/history/site_history.csv"] == hashlib.sha256(("\n".join(used) + "\n").encode("utf-8")).hexdigest()


def test_reference_outputs_are_what_a_run_produces_byte_for_byte(sample_run, root):
    """The committed outputs/FY2018 are the output of a run of the committed code and data: every page and
    result file is identical byte for byte (run metadata lives in manifest.json and the notebooks only).

    changes.html is the exception by design: it says whether the run restates a published year, and the
    reference was produced before FY2018 was published, this run after."""
    _, out = sample_run
    reference = root / "outputs" / f"FY{FY}"
    compared = sorted(p.name for p in out.iterdir()
                      if p.suffix in (".html", ".csv", ".json") and p.name not in ("manifest.json", "changes.html"))
    assert {"index.html", "production.html", "results.csv", "results.json"} <= set(compared)
    for name in compared:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name


def test_the_only_urls_in_the_pages_are_hyperlinks(sample_run):
    """`grep -E 'https?://' outputs/FY2018/*.html` finds no script, style, font or image load."""
    _, out = sample_run
    for page in [*out.glob("*.html"), *out.glob("audit/*.html")]:
        text = page.read_text(encoding="utf-8")
        urls = set(re.findall(r"https?://[^\s\"'<>)]+", text))
        linked = set(re.findall(r"<a [^>]*href=\"(https?://[^\"]+)\"", text))
        assert urls <= linked, f"{page.name}: {sorted(urls - linked)}"


def _run_content(folder: Path) -> dict[str, str]:
    """SHA-256 of every file of a run folder, with the run metadata taken out: manifest.json (which holds it)
    is left out, the times shown on the auditor's pages are blanked, and the executed notebooks' output path
    (which names the folder) is normalised."""
    content = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json"):
        data = path.read_bytes()
        if path.parent.name == "audit":
            data = re.sub(rb'(<span class="[^"]*envkpi-run-metadata[^"]*"[^>]*>)[^<]*', rb"\1", data)
        elif path.suffix == ".ipynb":
            notebook = json.loads(data)
            notebook["metadata"]["papermill"]["output_path"] = path.name
            data = json.dumps(notebook).encode()
        content[path.relative_to(folder).as_posix()] = hashlib.sha256(data).hexdigest()
    return content


def test_two_runs_of_the_same_inputs_give_identical_pages_notebooks_and_results(sample_run, root, tmp_path):
    _, first = sample_run
    second = tmp_path / f"FY{FY}"
    run_year(FY, root=root, out=second)
    a, b = _run_content(first), _run_content(second)
    assert {"index.html", "production.html", "audit/production.html", "production.ipynb", "results.csv"} <= set(a)
    assert a == b
    # the run metadata is in the manifest: per notebook and per cell
    manifest = json.loads((second / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["run"]["cells"]["production"] and "start_time" not in (second / "production.ipynb").read_text()


def test_more_electricity_at_one_site_changes_scope2_by_that_amount_times_its_factor(sample_run, root, tmp_path):
    _, baseline_out = sample_run
    data = copy_data(root, tmp_path)
    # JP-01 (Japan, 0.410 kg CO2/kWh) buys 96,400 MWh in the sample; add 1,234.5 MWh.
    edit_csv(data / "purchased_energy.csv", {"site_id": "JP-01", "carrier": "electricity"}, "quantity", "97634.5")
    run_year(FY, root=root, data=data, out=tmp_path / "out", only=["production"])
    before = read_results(baseline_out / "results.csv")
    after = read_results(tmp_path / "out" / "results.csv")
    # 1,234.5 MWh × 1,000 kWh/MWh × 0.410 kg CO2/kWh = 506,145 kg = 506.145 t CO2e
    expected = 1234.5 * 1000 * 0.410 / 1000
    assert headline(after, "PRD-07").value - headline(before, "PRD-07").value == pytest.approx(expected, rel=1e-9)
    assert headline(after, "PRD-06").value == headline(before, "PRD-06").value
    # energy moves with it: 1,234.5 MWh × 9.76 GJ/MWh = 12,048.72 GJ
    assert headline(after, "PRD-03").value - headline(before, "PRD-03").value == pytest.approx(1234.5 * 9.76, rel=1e-9)


def test_a_text_in_a_numeric_column_gives_a_one_screen_error_naming_file_row_column(root, tmp_path):
    data = copy_data(root, tmp_path)
    edit_csv(data / "fuel_use.csv", {"site_id": "JP-01", "fuel": "a_heavy_oil"}, "quantity", "1,240 kL")
    out = tmp_path / "out"
    finished = subprocess.run(
        [sys.executable, "-m", "envkpi.cli", "run", "--fy", str(FY), "--data", str(data), "--out", str(out)],
        cwd=root, capture_output=True, text=True,
    )
    assert finished.returncode == 2, "bad input data: nothing is run"
    message = finished.stderr
    assert f"{data / 'fuel_use.csv'}, row 3, column 'quantity': got '1,240 kL'; expected a number" in message
    assert "Traceback" not in message
    assert len(message.strip().splitlines()) <= 25, message
    assert not out.exists(), "a refused run must not leave an output folder that looks complete"
    assert not (tmp_path / "out.failed").exists(), "the inputs are checked before any notebook starts"


def test_a_run_never_changes_the_working_directory_of_the_process(root, tmp_path, monkeypatch):
    """Notebooks run in threads: a process-wide chdir by one (papermill's cwd=, or its file I/O) would start
    another's kernel in the wrong folder, where it would find another project's files. Kernels get their
    folder instead, and papermill's I/O uses the absolute paths it is given."""
    monkeypatch.chdir(tmp_path)  # outside the project
    calls = []
    real_chdir = os.chdir
    monkeypatch.setattr(os, "chdir", lambda path: (calls.append(path), real_chdir(path)))
    summary = run_year(FY, root=root, out=tmp_path / "out", only=["production", "product_use"])
    assert calls == []
    assert all(run.error is None for run in summary.notebooks)


def test_a_failed_run_leaves_the_previous_outputs_untouched(root, tmp_path):
    out = tmp_path / "out"
    run_year(FY, root=root, out=out, only=["production"])
    before = {p: sha256_file(p) for p in out.rglob("*") if p.is_file()}
    data = copy_data(root, tmp_path)
    edit_csv(data / "purchased_energy.csv", {"site_id": "JP-02", "carrier": "electricity"}, "quantity", "-5")
    with pytest.raises(InputError, match=r"purchased_energy\.csv, row \d+, column 'quantity'"):
        run_year(FY, root=root, data=data, out=out)
    assert {p: sha256_file(p) for p in out.rglob("*") if p.is_file()} == before


def project_with_notebook(root: Path, tmp_path: Path, source: str) -> Path:
    """A scratch project: the real parameters and data, and one production notebook with ``source``."""
    project = tmp_path / "project"
    shutil.copytree(root / "parameters", project / "parameters")
    shutil.copytree(root / "data", project / "data")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    notebook.cells[0].id = "the-check"
    notebook.metadata["kernelspec"] = {"name": "envkpi", "display_name": "envkpi", "language": "python"}
    parameters = nbformat.v4.new_code_cell('fiscal_year = 0\nparameters_file = ""\ndata_dir = ""')
    parameters.id = "parameters"
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells.insert(0, parameters)
    (project / "notebooks").mkdir()
    nbformat.write(notebook, project / "notebooks" / "production.ipynb")
    return project


def test_a_failed_check_fails_the_run_naming_notebook_cell_and_check(root, tmp_path):
    project = project_with_notebook(
        root, tmp_path,
        "from envkpi.pages import report\n"
        "report.show_checks([report.check('totals agree', False, '1 vs 2')])",
    )
    with pytest.raises(RunError) as failure:
        run_year(FY, root=project)
    assert "production.ipynb, cell 'the-check': check failed: totals agree (1 vs 2)" in str(failure.value)
    assert not (project / "outputs" / f"FY{FY}").exists()


def test_run_rejects_a_parameter_file_of_another_year(root, tmp_path):
    params = tmp_path / "FY2018.yaml"
    text = (root / "parameters" / "FY2018.yaml").read_text(encoding="utf-8").replace("fiscal_year: 2018", "fiscal_year: 2017")
    params.write_text(text, encoding="utf-8")
    shutil.copy(root / "parameters" / "common.yaml", tmp_path / "common.yaml")
    with pytest.raises(RunRefused, match="is for FY2017, not FY2018"):
        run_year(FY, root=root, params=params, out=tmp_path / "out")


def test_only_rejects_an_unknown_family(root, tmp_path):
    with pytest.raises(RunRefused, match="no notebook named nonsense"):
        run_year(FY, root=root, only=["nonsense"], out=tmp_path / "out")


def test_only_the_pv_lifetime_from_25_to_20_scales_the_pv_part_of_co2_01_by_20_25(sample_run, root, tmp_path):
    _, baseline_out = sample_run
    params = tmp_path / "parameters"
    shutil.copytree(root / "parameters", params)
    year_file = params / "FY2018.yaml"
    text = year_file.read_text(encoding="utf-8")
    assert text.count("lifetime: {value: 25, unit: year") == 1
    year_file.write_text(text.replace("lifetime: {value: 25, unit: year", "lifetime: {value: 20, unit: year"), encoding="utf-8")
    run_year(FY, root=root, params=year_file, out=tmp_path / "out", only=["avoided_emissions"])
    before = {r.breakdown: r.value for r in read_results(baseline_out / "results.csv") if r.indicator_id == "CO2-01"}
    after = {r.breakdown: r.value for r in read_results(tmp_path / "out" / "results.csv") if r.indicator_id == "CO2-01"}
    # PV = capacity × lifetime × yield × 0.360: only the lifetime changes, 25 → 20 years
    assert after["part=pv"] == pytest.approx(before["part=pv"] * 20 / 25, rel=1e-12)
    assert after["part=fuel_cell"] == before["part=fuel_cell"]
    assert after[""] - before[""] == pytest.approx(after["part=pv"] - before["part=pv"], rel=1e-9)


def test_a_kernel_running_another_folders_python_is_reinstalled(tmp_path, monkeypatch):
    """A kernelspec whose argv[0] is another environment's python (a link to the same interpreter, as every
    virtual environment's is) is not this environment's kernel: ensure_kernel installs it again."""
    import jupyter_client.kernelspec
    import ipykernel.kernelspec
    from envkpi.running import runner

    other = tmp_path / "other-checkout" / ".venv" / "bin" / "python"
    other.parent.mkdir(parents=True)
    other.symlink_to(os.path.realpath(sys.executable))
    assert Path(other).resolve() == Path(sys.executable).resolve()  # the same binary …
    installed = []

    class Spec:
        argv = [str(other), "-m", "ipykernel_launcher", "-f", "{connection_file}", runner.KERNEL_LOG_LEVEL]

    def install(**kwargs):
        installed.append(kwargs)
        folder = tmp_path / "kernels" / "envkpi"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "kernel.json").write_text(json.dumps({"argv": [sys.executable, "-m", "ipykernel_launcher"]}))
        return str(folder)

    monkeypatch.setattr(jupyter_client.kernelspec.KernelSpecManager, "get_kernel_spec", lambda self, name: Spec())
    monkeypatch.setattr(ipykernel.kernelspec, "install", install)
    runner.ensure_kernel()
    assert len(installed) == 1  # … but another folder's python: reinstalled
    Spec.argv[0] = sys.executable
    runner.ensure_kernel()
    assert len(installed) == 1  # this environment's python: left alone
