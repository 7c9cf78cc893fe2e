"""The auditor's JupyterLab path (README, "How an auditor reviews", step 4) in a real JupyterLab.

In a copy of the project: ``envkpi review --fy 2018 --copy-to review/FY2018``; JupyterLab started on the
copy's root (as ``make lab`` does), with its settings, workspaces and runtime files kept in the test's
temporary folder; then headless Chromium (the Debian package, driven by Playwright; never ``playwright
install``) opens review/FY2018/production.ipynb, selects the cell ``scope2``, opens the Property Inspector
→ Advanced Tools → Cell metadata, adds ``envkpi_review`` to the JSON, commits it (the ✓ "Commit changes to
data") and saves with Ctrl+S. ``envkpi review --fy 2018 --collect`` must then take the review although
JupyterLab re-wrote the whole file: a cell's hash is over a canonical form of its type, source and outputs.
The other result cells of the three reports are reviewed in the files, then avoided_emissions and product_use
are opened and saved in JupyterLab too: every result cell of the three is collected.

A missing Chromium or Playwright fails the test with how to install it (never a skip). About a minute.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from envkpi.cycle.publication import make_writable
from envkpi.core.results import RESULT_MIME
from envkpi.cycle.review import cell_sha256, load_reviews

FY = 2018
NOTEBOOK = "production"
CELL_ID = "scope2"
#: The other reports: every result cell reviewed in the file, then the notebook opened and saved in JupyterLab
OTHERS = ("avoided_emissions", "product_use")
REVIEW = {"reviewer": "A. Auditor", "date": "2019-05-20", "status": "ok", "comment": "Tied to purchased_energy.csv"}

BIN = Path(sys.executable).parent  # the project's virtualenv: envkpi and jupyter beside its python
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
MISSING_CHROMIUM = (f"{CHROMIUM} not found: this test drives the Debian package 'chromium'. Install it with "
                    "`make test` or `sudo apt-get install --no-install-recommends chromium fonts-noto-cjk`.")
MISSING_PLAYWRIGHT = ("Playwright for Python is not installed: run `make test`, or "
                      "`.venv/bin/pip install -c constraints.txt -e '.[test,lab]'`.")
#: JupyterLab 4.6's labels, as the README names them
PROPERTY_INSPECTOR = "Property Inspector"   # the gear icon of the right sidebar
ADVANCED_TOOLS = "Advanced Tools"           # a collapsed section of the inspector
CELL_METADATA = "Cell metadata"             # the JSON editor of the selected cell's metadata
COMMIT = "Commit changes to data"           # the ✓ above that editor, shown once it is edited
TIMEOUT_MS = 60_000


def envkpi(*args: str, project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "envkpi"), *args], cwd=project, capture_output=True, text=True,
                          env={**os.environ, "ENVKPI_ROOT": str(project)})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(lab: subprocess.Popen, status_url: str, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if lab.poll() is not None:
            pytest.fail(f"jupyter lab exited with status {lab.returncode}:\n{log.read_text()[-3000:]}", pytrace=False)
        try:
            with urllib.request.urlopen(status_url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    pytest.fail(f"jupyter lab did not answer {status_url} within {seconds} s:\n{log.read_text()[-3000:]}",
                pytrace=False)


def saved_review(path: Path, seconds: float = 20) -> dict | None:
    """The cell's ``envkpi_review`` metadata once JupyterLab has written it to disk (None if it never does)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            cells = {cell.get("id"): cell for cell in nbformat.read(path, as_version=4).cells}
        except ValueError:  # read while JupyterLab writes it
            cells = {}
        if CELL_ID in cells and "envkpi_review" in cells[CELL_ID].metadata:
            return cells[CELL_ID].metadata["envkpi_review"]
        time.sleep(0.25)
    return None


@pytest.fixture
def project(root, tmp_path) -> Path:
    """A copy of the project with the committed FY2018 outputs, made writable (published files are read-only)."""
    copy = tmp_path / "project"
    for folder in ("parameters", "data", "notebooks"):
        shutil.copytree(root / folder, copy / folder)
    shutil.copytree(root / "outputs" / f"FY{FY}", copy / "outputs" / f"FY{FY}",
                    ignore=shutil.ignore_patterns(".staging-*", "*.failed"))
    make_writable(copy)
    yield copy
    make_writable(copy)


def annotate_result_cells(copy: Path, skip: str | None = None) -> set[tuple[str, str]]:
    """Write REVIEW into the metadata of every result cell of a review copy (but ``skip``), as an auditor
    would one by one; return (notebook, cell id) of each."""
    notebook = nbformat.read(copy, as_version=4)
    annotated = set()
    for cell in notebook.cells:
        if cell.get("id") != skip and any(RESULT_MIME in output.get("data", {}) for output in cell.get("outputs", [])):
            cell.metadata["envkpi_review"] = REVIEW
            annotated.add((copy.stem, cell.id))
    nbformat.write(notebook, copy)
    return annotated


def saved_again(page, url: str, path: Path, count: int, seconds: float = 30) -> None:
    """Open a notebook in JupyterLab, save it (Ctrl+S) and wait until JupyterLab has rewritten the file."""
    from playwright.sync_api import expect

    before = path.stat().st_mtime_ns
    page.goto(url)
    cells = page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-Cell")  # the notebook just opened, not one restored
    expect(cells).to_have_count(count, timeout=TIMEOUT_MS)
    cells.nth(0).locator(".jp-InputPrompt").click()
    page.keyboard.press("Control+S")
    deadline = time.monotonic() + seconds
    while path.stat().st_mtime_ns == before:
        assert time.monotonic() < deadline, f"JupyterLab did not save {path} within {seconds} s"
        time.sleep(0.25)


def test_a_review_written_in_jupyterlab_cell_metadata_is_collected(project, tmp_path):
    if not CHROMIUM.exists():
        pytest.fail(MISSING_CHROMIUM, pytrace=False)
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.fail(MISSING_PLAYWRIGHT, pytrace=False)

    copied = envkpi("review", "--fy", str(FY), "--copy-to", f"review/FY{FY}", project=project)
    assert copied.returncode == 0, f"envkpi review --copy-to failed:\n{copied.stderr}"
    copy = project / "review" / f"FY{FY}" / f"{NOTEBOOK}.ipynb"
    cells = nbformat.read(copy, as_version=4).cells
    [index] = [i for i, cell in enumerate(cells) if cell.get("id") == CELL_ID]
    metadata = {**cells[index].metadata, "envkpi_review": REVIEW}
    expected = annotate_result_cells(copy, skip=CELL_ID) | {(NOTEBOOK, CELL_ID)}
    for other in OTHERS:
        expected |= annotate_result_cells(copy.with_name(f"{other}.ipynb"))
    assert {name for name, _ in expected} == {NOTEBOOK, *OTHERS}

    port, token = free_port(), secrets.token_hex(16)
    jupyter = {name: tmp_path / "jupyter" / name for name in ("config", "data", "runtime", "ipython")}
    environment = {**os.environ, "ENVKPI_ROOT": str(project), "JUPYTER_CONFIG_DIR": str(jupyter["config"]),
                   "JUPYTER_DATA_DIR": str(jupyter["data"]), "JUPYTER_RUNTIME_DIR": str(jupyter["runtime"]),
                   "IPYTHONDIR": str(jupyter["ipython"])}  # the kernel 'envkpi' is found in the venv all the same
    command = [str(BIN / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ServerApp.port_retries=0",
               "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={project}",
               *(["--allow-root"] if os.geteuid() == 0 else [])]
    log = tmp_path / "jupyterlab.log"
    with open(log, "w") as log_file:
        lab = subprocess.Popen(command, cwd=project, env=environment, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(lab, f"http://127.0.0.1:{port}/api/status?token={token}", log)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.set_default_timeout(TIMEOUT_MS)
                page.goto(f"http://127.0.0.1:{port}/lab/tree/review/FY{FY}/{NOTEBOOK}.ipynb?token={token}")

                # the notebook, every cell rendered; select the cell (a click on its prompt: no edit mode)
                notebook_cells = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell")
                expect(notebook_cells).to_have_count(len(cells), timeout=TIMEOUT_MS)
                cell = notebook_cells.nth(index)
                cell.locator(".jp-InputPrompt").click()
                expect(cell).to_have_class(re.compile(r"\bjp-mod-active\b"), timeout=TIMEOUT_MS)

                # right sidebar: Property Inspector → Advanced Tools → Cell metadata
                page.get_by_title(PROPERTY_INSPECTOR, exact=True).click()
                inspector = page.locator("#jp-property-inspector")
                expect(inspector).to_be_visible(timeout=TIMEOUT_MS)
                inspector.get_by_text(ADVANCED_TOOLS, exact=True).click()
                editor = inspector.locator(".jp-MetadataEditorTool").filter(
                    has=page.get_by_text(CELL_METADATA, exact=True))
                content = editor.locator(".cm-content")  # CodeMirror 6
                expect(content).to_contain_text('"papermill"', timeout=TIMEOUT_MS)  # the selected cell's metadata
                content.click()
                page.keyboard.press("Control+A")
                page.keyboard.insert_text(json.dumps(metadata, indent=4))
                expect(content).to_contain_text('"envkpi_review"', timeout=TIMEOUT_MS)
                editor.get_by_title(COMMIT, exact=True).click()  # without it the edit is lost
                expect(editor.get_by_title(COMMIT, exact=True)).to_be_hidden(timeout=TIMEOUT_MS)
                page.keyboard.press("Control+S")
                written = saved_review(copy)
                for other in OTHERS:  # JupyterLab's own rewrite of each file, numbers and all
                    path = copy.with_name(f"{other}.ipynb")
                    saved_again(page, f"http://127.0.0.1:{port}/lab/tree/review/FY{FY}/{other}.ipynb?token={token}",
                                path, len(nbformat.read(path, as_version=4).cells))
            finally:
                browser.close()
        assert written == REVIEW, f"JupyterLab did not save the review into {copy}; found {written!r}"
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=15)
        except subprocess.TimeoutExpired:
            lab.kill()
            lab.wait()

    files = [f"review/FY{FY}/{name}.ipynb" for name in (NOTEBOOK, *OTHERS)]
    collected = envkpi("review", "--fy", str(FY), "--collect", *files, project=project)
    assert collected.returncode == 0, f"envkpi review --collect refused:\n{collected.stdout}{collected.stderr}"
    assert f"{len(expected)} review(s) collected" in collected.stdout  # every result cell of the three reports
    year = project / "outputs" / f"FY{FY}"
    reviews = load_reviews(year)
    assert {(name, cell_id) for name, cells in reviews.items() for cell_id in cells} == expected
    [review] = reviews[NOTEBOOK][CELL_ID]
    recorded = review.model_dump(mode="json")
    assert {key: recorded[key] for key in REVIEW} == REVIEW
    year_cells = {cell.get("id"): cell for cell in nbformat.read(year / f"{NOTEBOOK}.ipynb", as_version=4).cells}
    assert review.sha256 == cell_sha256(year_cells[CELL_ID])  # bound to the cell as the year reports it
