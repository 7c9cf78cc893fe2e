"""Shared test set-up: the project root, a copy of the project, and the Jupyter kernel the notebooks (and nbval)
run on."""

import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from envkpi.core.provenance import sha256_file
from envkpi.cycle.publication import make_writable

ROOT = Path(__file__).resolve().parents[1]


#: The execution cache the session's runs share (envkpi.running.cache): emptied when a session starts, so that
#: the first run of each family executes it, and the runs after it that read the same files reuse it.
CACHE = ROOT / "tests" / "artifacts" / "cache"


def pytest_configure(config):
    from envkpi.running.cache import CACHE_ENV
    from envkpi.running.runner import ensure_kernel

    ensure_kernel()
    if not hasattr(config, "workerinput"):  # the controller (or a session without workers), before any worker starts
        shutil.rmtree(CACHE, ignore_errors=True)
    os.environ[CACHE_ENV] = str(CACHE)


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture
def project(root, tmp_path):
    """A copy of the project (parameters, data, notebooks, outputs), as the yearly-cycle tests use it;
    read-only published files are made writable again on teardown."""
    copy = tmp_path / "project"
    for folder in ("parameters", "data", "notebooks", "outputs"):
        shutil.copytree(root / folder, copy / folder, ignore=shutil.ignore_patterns(".staging-*", "*.failed"))
    yield copy
    make_writable(copy)


# --- a small executed year, for the review and the auditor's pages ----------------------------------

def _small_notebook() -> nbformat.NotebookNode:
    notebook = v4.new_notebook()
    notebook.cells = [
        v4.new_markdown_cell("# Scope 2\n\nElectricity times the grid factor.", id="intro"),
        v4.new_code_cell("scope2 = 1234.5 * 0.410", id="calc", execution_count=1,
                         outputs=[v4.new_output("execute_result", data={"text/plain": "506.145"}, execution_count=1)]),
        v4.new_code_cell("report.show_software()", id="software", execution_count=2,
                         metadata={"tags": ["remove-cell"]}),
    ]
    return notebook


def _executed_year(folder: Path, notebook: nbformat.NotebookNode | None = None) -> Path:
    """A minimal run folder: one executed notebook and a manifest that lists it."""
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook or _small_notebook(), folder / "production.ipynb")
    manifest = {"fiscal_year": 2018, "run": {"started": "2019-05-01T09:00:00+00:00", "notebooks": {"production": 1.5},
                                             "cells": {"production": {"calc": 0.125, "software": 0.5}}},
                "outputs": [{"path": "production.ipynb", "sha256": sha256_file(folder / "production.ipynb")}]}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


@pytest.fixture
def make_notebook():
    """A factory of a small executed notebook: a markdown cell 'intro', a code cell 'calc' with a result,
    and a code cell 'software' hidden from readers."""
    return _small_notebook


@pytest.fixture
def make_year():
    """A factory of a minimal run folder of FY2018: one executed notebook and a manifest listing it."""
    return _executed_year


#: Test files that each take minutes (whole yearly cycles, full runs shared by a module): started first, so that
#: with ``-n`` (``--dist loadfile`` hands out whole files in this order) the short tests fill the workers
#: around them instead of one of them running alone at the end.
LONG_FILES = ("tests/cycle/test_yearly_cycle.py", "tests/pages/test_browser.py", "tests/running/test_runner.py",
              "tests/cycle/test_review_cycle.py", "tests/cycle/test_forms.py", "tests/running/test_input_formats_xlsx.py",
              "tests/running/test_input_formats_workbook.py", "tests/running/test_input_formats_cp932.py")


def pytest_collection_modifyitems(session, config, items):
    rank = {name: number for number, name in enumerate(LONG_FILES)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(LONG_FILES)))  # stable: the rest keep their order
