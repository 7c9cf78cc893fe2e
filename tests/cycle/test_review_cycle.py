"""The auditor's review through the yearly cycle, on real files in a copy of the project: reviews that turn
stale when code changes, reviews beside a publication, reviews written in JupyterLab, and a restatement
that makes reviews stale (the yearly cycle itself: tests/cycle/test_yearly_cycle.py)."""

from __future__ import annotations

from pathlib import Path

import nbformat

from envkpi.cycle.publication import is_published, make_writable

from commands import envkpi


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
    ran = envkpi("run", "--fy", "2018", "--only", "production", "--reason", "JP-01 meter reading corrected", cwd=project)
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
