"""The execution cache (envkpi.running.cache): what invalidates a family's key, and that a reused execution
gives the outputs of a fresh one, byte for byte."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from envkpi import families
from envkpi.core.provenance import library_digest, sha256_file
from envkpi.running.cache import ExecutionCache, KeyContext, execution_key
from envkpi.running import runner
from envkpi.running.runner import run_year

FY = 2018
FAMILY = "water"


def key_of(project: Path, name: str = FAMILY, **context) -> str:
    """The digest of ``name``'s key for a run of FY2018 in ``project``, computed afresh (a new run's context)."""
    parameters = {"fiscal_year": FY, "parameters_file": "", "data_dir": ""}
    return execution_key(KeyContext(project, **context), name, parameters, params_path=project / "parameters" / f"FY{FY}.yaml",
                         data_path=project / "data" / f"FY{FY}").digest


def set_parameter(file: Path, path: str, value) -> None:
    """Set the ``value`` of the parameter at ``path`` (dotted) in a year file."""
    document = yaml.safe_load(file.read_text(encoding="utf-8"))
    node = document
    *parents, last = path.split(".")
    for key in parents:
        node = node[key]
    node[last] = value
    file.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def with_section(project: Path, section: str, year: int = FY) -> Path:
    """The parameter file of ``year`` that gives ``section``: the year file, else the common method file."""
    year_file = project / "parameters" / f"FY{year}.yaml"
    node = yaml.safe_load(year_file.read_text(encoding="utf-8"))
    for key in section.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    return year_file if node else year_file.parent / "common.yaml"


def first_value_path(file: Path, section: str) -> str:
    """The dotted path of the first ``value:`` under ``section`` (dotted) of a parameter file."""
    def walk(node, path):
        if isinstance(node, dict):
            if "value" in node and isinstance(node["value"], int | float | str) and not isinstance(node["value"], bool):
                return f"{path}.value"
            for key, child in node.items():
                found = walk(child, f"{path}.{key}")
                if found:
                    return found
        return None
    node = yaml.safe_load(file.read_text(encoding="utf-8"))
    for key in section.split("."):
        node = node[key]
    return walk(node, section)


def bump(file: Path, path: str) -> None:
    """Change the value at ``path``: a number × 1.5, a text with " (edited)"."""
    document = yaml.safe_load(file.read_text(encoding="utf-8"))
    node = document
    for key in path.split("."):
        node = node[key]
    set_parameter(file, path, f"{node} (edited)" if isinstance(node, str) else node * 1.5)


def append_to_csv_row(file: Path) -> None:
    """Change a table's bytes: its last row once more (the key reads bytes, not rows)."""
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.append(lines[-1])
    file.write_text("".join(lines), encoding="utf-8")


# --- the key: each part invalidates it, nothing else does ---------------------------------------------------

def test_the_key_is_the_same_for_the_same_contents(project):
    assert key_of(project) == key_of(project)


@pytest.mark.parametrize("change", ["notebook", "own parameter", "shared parameter", "read parameter",
                                    "parameter of another year", "input", "sites", "history rows before the year",
                                    "declared encoding", "year workbook", "table as a workbook"])
def test_a_change_to_a_part_of_the_key_changes_it(project, change):
    before = key_of(project)
    year_file = project / "parameters" / f"FY{FY}.yaml"
    if change == "notebook":
        notebook = json.loads((project / "notebooks" / f"{FAMILY}.ipynb").read_text(encoding="utf-8"))
        notebook["cells"][-1]["source"] += "\n# edited"
        (project / "notebooks" / f"{FAMILY}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    elif change == "own parameter":
        file = with_section(project, FAMILY)
        bump(file, first_value_path(file, FAMILY))
    elif change == "shared parameter":
        document = yaml.safe_load(year_file.read_text(encoding="utf-8"))
        set_parameter(year_file, "what_changed", (document.get("what_changed") or "") + " Edited.")
    elif change == "read parameter":  # production.fuels, which logistics declares it reads
        before = key_of(project, "logistics")
        file = with_section(project, "production.fuels")
        bump(file, first_value_path(file, "production.fuels"))
        assert key_of(project, "logistics") != before
        return
    elif change == "parameter of another year":  # the PV lifetime, which the report shows in every year's file
        before = key_of(project, "avoided_emissions")
        bump(project / "parameters" / f"FY{FY - 1}.yaml", "avoided_emissions.pv.lifetime.value")
        assert key_of(project, "avoided_emissions") != before
        return
    elif change == "input":
        append_to_csv_row(project / "data" / f"FY{FY}" / "water_use.csv")
    elif change == "sites":
        append_to_csv_row(project / "data" / f"FY{FY}" / "sites.csv")
    elif change == "declared encoding":  # the shared section inputs: how a file of the year is read
        set_parameter(year_file, "inputs", {"encodings": {"water_use.csv": "cp932"}})
    elif change == "year workbook":  # a workbook of the folder not named after a table: a sheet may be a table
        import openpyxl

        book = openpyxl.Workbook()
        book.active.title = "water_use"
        book.save(project / "data" / f"FY{FY}" / "site_forms.xlsx")
    elif change == "table as a workbook":
        import openpyxl

        openpyxl.Workbook().save(project / "data" / f"FY{FY}" / "water_use.xlsx")
    elif change == "history rows before the year":
        before = key_of(project, "production")
        history = project / "data" / "history" / "site_history.csv"
        lines = history.read_text(encoding="utf-8").splitlines(keepends=True)
        history.write_text("".join([*lines[:2], lines[1], *lines[2:]]), encoding="utf-8")  # its first row twice
        assert key_of(project, "production") != before
        return
    assert key_of(project) != before


def test_a_change_to_the_library_or_the_environment_changes_the_key(project, root, tmp_path):
    library = tmp_path / "envkpi"
    shutil.copytree(root / "lib" / "envkpi", library, ignore=shutil.ignore_patterns("__pycache__"))
    digest = library_digest(library)
    assert digest == library_digest(root / "lib" / "envkpi")  # the contents, not the place
    (library / "__pycache__").mkdir(exist_ok=True)
    (library / "__pycache__" / "cli.cpython-311.pyc").write_bytes(b"compiled")
    assert library_digest(library) == digest  # compiled caches are no source
    (library / "core" / "units.py").write_text((library / "core" / "units.py").read_text(encoding="utf-8") + "\n# edited\n",
                                                encoding="utf-8")
    edited = library_digest(library)
    assert edited != digest
    assert key_of(project, library=edited) != key_of(project, library=digest)
    assert key_of(project, environment="another") != key_of(project)
    (project / "constraints.txt").write_text("pandas==0.0.1\n", encoding="utf-8")
    from envkpi.core.provenance import environment_digest

    assert environment_digest(project / "constraints.txt") != environment_digest(project / "missing.txt")


@pytest.mark.parametrize("change", ["another family's parameter", "explanations", "restatement reason",
                                    "another year's parameters", "a new year",
                                    "another family's input", "another family's notebook", "outputs", "a file's date",
                                    "history rows of the year and after", "an unrelated file"])
def test_nothing_else_changes_the_key(project, change):
    before = key_of(project)
    year_file = project / "parameters" / f"FY{FY}.yaml"
    data = project / "data" / f"FY{FY}"
    if change == "another family's parameter":
        file = with_section(project, "chemicals")
        bump(file, first_value_path(file, "chemicals"))
    elif change == "explanations":
        document = yaml.safe_load(year_file.read_text(encoding="utf-8"))
        indicator = next(iter(document["explanations"]))
        set_parameter(year_file, f"explanations.{indicator}.text", document["explanations"][indicator]["text"] + " Edited.")
    elif change == "restatement reason":
        set_parameter(year_file, "restatement_reason", "A corrected input of another family.")
    elif change == "another year's parameters":  # not shown across years by any report of the family
        before = key_of(project), key_of(project, "avoided_emissions")
        previous = project / "parameters" / f"FY{FY - 1}.yaml"
        bump(previous, first_value_path(previous, "production"))
        assert (key_of(project), key_of(project, "avoided_emissions")) == before
        return
    elif change == "a new year":
        shutil.copy(year_file, project / "parameters" / f"FY{FY + 1}.yaml")
    elif change == "another family's input":
        append_to_csv_row(data / "fuel_use.csv")
    elif change == "another family's notebook":
        (project / "notebooks" / "chemicals.ipynb").write_text("{}", encoding="utf-8")
    elif change == "outputs":
        shutil.rmtree(project / "outputs" / f"FY{FY}", onerror=lambda *a: None)
        (project / "outputs" / "notes.txt").write_text("a note", encoding="utf-8")
    elif change == "a file's date":
        (data / "water_use.csv").touch()
        (year_file).write_bytes(year_file.read_bytes())
    elif change == "history rows of the year and after":  # publishing FY2018 appends its rows
        for history in (project / "data" / "history").glob("*.csv"):
            lines = history.read_text(encoding="utf-8").splitlines(keepends=True)
            header = lines[0].rstrip("\n").split(",")
            if "fiscal_year" in header:
                row = lines[-1].rstrip("\n").split(",")
                row[header.index("fiscal_year")] = str(FY + 1)
                history.write_text("".join(lines) + ",".join(row) + "\n", encoding="utf-8")
    elif change == "an unrelated file":
        (project / "README.md").write_text("# edited", encoding="utf-8")
    assert key_of(project) == before


def test_a_stored_execution_whose_input_changed_behind_the_key_is_not_reused(project, tmp_path):
    """The safety net: every file a cached notebook's provenance lists is hashed again before it is reused."""
    store = ExecutionCache(tmp_path / "cache", project)
    context = KeyContext(project)
    key = execution_key(context, FAMILY, {"fiscal_year": FY, "parameters_file": "", "data_dir": ""},
                        params_path=project / "parameters" / f"FY{FY}.yaml", data_path=project / "data" / f"FY{FY}")
    executed = project / "outputs" / f"FY{FY}" / f"{FAMILY}.ipynb"
    store.store(key, executed)
    assert store.load(key) == executed.read_bytes()
    append_to_csv_row(project / "data" / f"FY{FY}" / "water_risk_assessment.csv")
    assert store.load(key) is None


def test_every_parameter_a_report_shows_across_years_is_declared(root):
    """What keys another year's values: a report that showed a value across years without declaring it would be
    reused when that value changed in another year's file."""
    shown = re.compile(r"show_parameter_across_years\([^,]+,\s*\\?\"([^\"\\]+)")
    for family in families.families():
        text = (root / "notebooks" / f"{family.name}.ipynb").read_text(encoding="utf-8")
        assert set(shown.findall(text)) <= set(family.across_years), family.name
    assert shown.findall((root / "notebooks" / "avoided_emissions.ipynb").read_text(encoding="utf-8")) == [
        "avoided_emissions.pv.lifetime"]


# --- a reused execution gives the outputs of a fresh one ----------------------------------------------------

def outputs_of(folder: Path) -> dict[str, str]:
    """SHA-256 of every output but the manifest, the run's date and timings (in the manifest and the auditor's
    pages) left out."""
    hashes = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json"):
        data = re.sub(rb'(<span class="[^"]*envkpi-run-metadata[^"]*"[^>]*>)[^<]*', rb"\1", path.read_bytes())
        hashes[path.relative_to(folder).as_posix()] = hashlib.sha256(data).hexdigest()
    return hashes


def test_a_reused_execution_is_byte_identical_to_a_fresh_one(project, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"  # one output folder: the executed notebook names it

    def run(**how):
        lines: list[str] = []
        summary = run_year(FY, root=project, only=[FAMILY], out=out, progress=lines.append, **how)
        return [r.reused for r in summary.notebooks], outputs_of(out), lines

    fresh = run(cache=False)
    kept = run(cache_dir=cache)
    reused = run(cache_dir=cache)
    assert [fresh[0], kept[0], reused[0]] == [[False], [False], [True]]
    assert f"  {FAMILY}: 21 results, 7 checks (reused from the cache)" in reused[2]
    assert reused[1] == kept[1] == fresh[1]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["cache"]["reused"] == [FAMILY]
    assert set(manifest["cache"]["keys"][FAMILY]) == {"key", "notebook", "parameters", "inputs", "library", "environment"}

    # another family's parameter changes the SHA-256 of the parameter file, which the provenance shows: the
    # reused notebook shows the new one, as a fresh execution does
    parameters = with_section(project, "chemicals")
    bump(parameters, first_value_path(parameters, "chemicals"))
    again = run(cache_dir=cache)
    fresh_again = run(cache=False)
    assert [again[0], fresh_again[0]] == [[True], [False]]
    assert again[1] == fresh_again[1] != fresh[1]
    assert sha256_file(parameters) in (out / f"{FAMILY}.ipynb").read_text(encoding="utf-8")

    # its own input changed (a blank line at the end: other bytes, the same rows): executed again
    table = project / "data" / f"FY{FY}" / "water_use.csv"
    table.write_bytes(table.read_bytes() + b"\n")
    assert run(cache_dir=cache)[0] == [False]


def test_a_family_known_valid_is_not_read_again_but_its_warnings_are_still_given(project, tmp_path):
    """The inputs of a family whose key is unchanged are not validated again before the run: its warnings come
    from the cache, the same lines as when they were found."""
    table = project / "data" / f"FY{FY}" / "purchased_energy.csv"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = lines[7].split(",")  # row 8 of the file: a site's electricity
    fields[2] = "2500000"  # twenty times its usual amount: plausible, never silent
    lines[7] = ",".join(fields)
    table.write_text("".join(lines), encoding="utf-8")
    warned: list[list[str]] = []
    for _ in range(2):
        found: list[str] = []
        original = runner._print_warning
        runner._print_warning = found.append
        try:
            run_year(FY, root=project, only=["production"], out=tmp_path / "out", cache_dir=tmp_path / "cache")
        finally:
            runner._print_warning = original
        warned.append(found)
    assert warned[0] == warned[1] and any("purchased_energy.csv, row 8, column 'quantity'" in line for line in warned[0])
    assert list((tmp_path / "cache").rglob("*.valid.json"))
