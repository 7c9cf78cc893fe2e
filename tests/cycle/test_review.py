"""Tests for envkpi.review: reviews bound to the SHA-256 of a cell's content, their states, collection."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import nbformat
import pytest
import yaml

from envkpi.cycle.publication import publish, verify
from envkpi.cycle.review import (METADATA_KEY, ReviewError, cell_sha256, cell_states, collect, copy_for_review,
    load_reviews, record_review, status_summary)

REPO = Path(__file__).resolve().parents[2]

ON = date(2019, 5, 20)


@pytest.fixture
def year(tmp_path, make_year) -> Path:
    return make_year(tmp_path / "FY2018")


def states(folder: Path) -> dict[str, str]:
    return {cell.cell_id: cell.state for cell in cell_states(folder)["production"]}


# --- the hash --------------------------------------------------------------------------------------

def test_the_hash_covers_source_and_outputs_not_metadata_nor_execution_counts(make_notebook):
    cell = make_notebook().cells[1]
    base = cell_sha256(cell)
    renumbered = nbformat.from_dict(json.loads(json.dumps(cell)))
    renumbered.execution_count = 7
    renumbered.outputs[0].execution_count = 7
    renumbered.metadata[METADATA_KEY] = {"reviewer": "A"}
    assert cell_sha256(renumbered) == base
    edited = nbformat.from_dict(json.loads(json.dumps(cell)))
    edited.source += "  # same result"
    assert cell_sha256(edited) != base
    rerun = nbformat.from_dict(json.loads(json.dumps(cell)))
    rerun.outputs[0].data["text/plain"] = "506.2"
    assert cell_sha256(rerun) != base


def test_the_hash_is_sha256_of_the_canonical_json_of_the_cell_content(make_notebook):
    import hashlib

    cell = make_notebook().cells[0]
    canonical = ('{"attachments":{},"cell_type":"markdown","outputs":[],'
                 '"source":"# Scope 2\\n\\nElectricity times the grid factor."}')
    assert cell_sha256(cell) == hashlib.sha256(canonical.encode()).hexdigest()


# --- recording and states -----------------------------------------------------------------------------

def test_every_cell_starts_unreviewed(year):
    assert states(year) == {"intro": "unreviewed", "calc": "unreviewed", "software": "unreviewed"}


def test_a_recorded_review_is_bound_to_the_cell_hash_and_written_to_review_yaml(year, make_notebook):
    record_review(year, "production", ["calc"], status="ok", reviewer="A. Auditor", on=ON,
                  comment="1,234.5 MWh × 0.410 t/MWh = 506.145 t")
    written = yaml.safe_load((year / "review.yaml").read_text(encoding="utf-8"))
    entry = written["notebooks"]["production"]["calc"][0]
    assert written["fiscal_year"] == 2018
    assert entry == {"reviewer": "A. Auditor", "date": ON, "status": "ok",
                     "comment": "1,234.5 MWh × 0.410 t/MWh = 506.145 t",
                     "sha256": cell_sha256(make_notebook().cells[1])}
    assert states(year)["calc"] == "reviewed"


@pytest.mark.parametrize(("status", "state"), [("ok", "reviewed"), ("query", "queried"), ("rejected", "rejected")])
def test_the_latest_review_gives_the_state(year, status, state):
    record_review(year, "production", ["calc"], status="query", reviewer="A", on=ON, comment="source of 0.410?")
    record_review(year, "production", ["calc"], status=status, reviewer="A", on=ON)
    assert states(year)["calc"] == state
    assert len(load_reviews(year)["production"]["calc"]) == 2  # the history is kept


def test_a_reviewed_cell_whose_content_changed_is_stale(year, make_notebook):
    record_review(year, "production", ["intro", "calc"], status="ok", reviewer="A", on=ON)
    changed = make_notebook()
    changed.cells[1].source = "scope2 = 1234.5 * 0.420"
    changed.cells[1].outputs[0].data["text/plain"] = "518.49"
    nbformat.write(changed, year / "production.ipynb")
    assert states(year) == {"intro": "reviewed", "calc": "stale", "software": "unreviewed"}


def test_the_summary_counts_each_state_per_notebook(year):
    record_review(year, "production", ["intro"], status="ok", reviewer="A", on=ON)
    record_review(year, "production", ["calc"], status="query", reviewer="A", on=ON, comment="?")
    assert status_summary(year) == [{"notebook": "production", "cells": 3, "reviewed": 1, "stale": 0, "queried": 1, "answered": 0,
                                     "rejected": 0, "unreviewed": 1, "removed": 0, "sign_off": "not signed off",
                                     "code_changed": []}]


def test_unknown_notebook_or_cells_are_named_and_nothing_is_written(year):
    with pytest.raises(ReviewError, match="no notebook 'water'; the year has: production"):
        record_review(year, "water", ["calc"], status="ok", reviewer="A", on=ON)
    with pytest.raises(ReviewError, match="no cell with id 'nope', 'gone'"):
        record_review(year, "production", ["calc", "nope", "gone"], status="ok", reviewer="A", on=ON)
    assert not (year / "review.yaml").exists()


@pytest.mark.parametrize(("fields", "message"), [
    ({"status": "fine", "reviewer": "A"}, "review: status: Input should be 'ok', 'query', 'rejected', 'answer' or 'resolved'"),
    ({"status": "ok", "reviewer": "  "}, "review: reviewer: must name the reviewer"),
])
def test_invalid_review_fields_are_named(year, fields, message):
    with pytest.raises(ReviewError, match=message):
        record_review(year, "production", ["calc"], on=ON, **fields)


def test_an_invalid_review_yaml_names_the_file_and_the_key(year):
    (year / "review.yaml").write_text("fiscal_year: 2018\nnotebooks:\n  production:\n    calc:\n"
                                      "    - {reviewer: A, date: 2019-13-01, status: ok, sha256: abc}\n", encoding="utf-8")
    with pytest.raises(ReviewError) as error:
        load_reviews(year)
    message = str(error.value)
    assert f"{year / 'review.yaml'}: notebooks.production.calc.0.date" in message
    assert "notebooks.production.calc.0.sha256" in message


def test_a_folder_without_a_run_is_refused(tmp_path):
    with pytest.raises(ReviewError, match="run the year first"):
        record_review(tmp_path / "FY2018", "production", ["calc"], status="ok", reviewer="A", on=ON)


# --- published years ----------------------------------------------------------------------------------

def test_a_published_year_can_be_reviewed_and_still_verifies(year):
    publish(year, published_on=date(2019, 6, 28), published_by="Environment Office")
    record_review(year, "production", ["calc"], status="ok", reviewer="A", on=ON)
    assert states(year)["calc"] == "reviewed"
    assert verify(year) == []


def test_reviews_are_checked_against_the_latest_restatement(year, make_notebook, make_year):
    record_review(year, "production", ["calc"], status="ok", reviewer="A", on=ON)
    restated = make_notebook()
    restated.cells[1].outputs[0].data["text/plain"] = "506.2"
    folder = make_year(year / "restated" / "2019-09-30", restated)
    (folder / "results.csv").write_text("indicator_id\n", encoding="utf-8")
    assert states(year)["calc"] == "stale"


# --- JupyterLab -----------------------------------------------------------------------------------------

def annotate(copy: Path, cell_id: str, **fields) -> None:
    notebook = nbformat.read(copy, as_version=4)
    next(c for c in notebook.cells if c.id == cell_id).metadata[METADATA_KEY] = fields
    nbformat.write(notebook, copy)


def test_reviews_written_in_cell_metadata_are_collected_once(year, tmp_path):
    (copy,) = copy_for_review(year, tmp_path / "review")
    annotate(copy, "calc", reviewer="B. Auditor", date="2019-05-21", status="query", comment="factor source?")
    collected = collect(year, [copy])
    assert [(name, cell_id, r.status, r.reviewer) for name, cell_id, r in collected.added] == \
        [("production", "calc", "query", "B. Auditor")]
    assert collected.refused == []
    assert states(year)["calc"] == "queried"
    assert collect(year, [copy]).added == []  # collecting again adds nothing
    assert len(load_reviews(year)["production"]["calc"]) == 1


def test_copies_for_review_are_writable_and_never_overwritten(year, tmp_path):
    publish(year, published_on=date(2019, 6, 28), published_by="Environment Office")
    (copy,) = copy_for_review(year, tmp_path / "review")
    annotate(copy, "intro", reviewer="B", date="2019-05-21", status="ok")  # would fail if read-only
    with pytest.raises(ReviewError, match="already exists"):
        copy_for_review(year, tmp_path / "review")


def test_collection_takes_every_good_review_and_lists_each_refused_one(year, tmp_path):
    (copy,) = copy_for_review(year, tmp_path / "review")
    annotate(copy, "intro", reviewer="B", date="21/05/2019", status="ok")
    annotate(copy, "calc", reviewer="B", date="2019-05-21", status="ok")
    annotate(copy, "software", reviewer="B", date="2019-05-21", status="ok")
    notebook = nbformat.read(copy, as_version=4)
    notebook.cells[1].outputs[0].data["text/plain"] = "999"  # re-executed in the copy
    nbformat.write(notebook, copy)
    stray = tmp_path / "review" / "water.ipynb"
    stray.write_text(copy.read_text(encoding="utf-8"), encoding="utf-8")
    collected = collect(year, [copy, stray])
    assert [(name, cell_id) for name, cell_id, _ in collected.added] == [("production", "software")]
    assert len(collected.refused) == 3, collected.refused
    intro, calc, water = collected.refused
    assert intro.startswith(f"{copy}: cell 'intro': metadata envkpi_review.date:")
    assert calc.startswith(f"{copy}: cell 'calc': metadata envkpi_review: output 1 (execute_result, text/plain) differs "
                           "from the year's production.ipynb")
    assert water == f"{stray}: FY2018 has no notebook 'water' (production)"
    assert set(load_reviews(year)["production"]) == {"software"}


def test_a_refused_cell_names_its_source_when_the_code_was_edited(year, tmp_path):
    (copy,) = copy_for_review(year, tmp_path / "review")
    annotate(copy, "calc", reviewer="B", date="2019-05-21", status="ok")
    notebook = nbformat.read(copy, as_version=4)
    notebook.cells[1].source += "  # edited"
    nbformat.write(notebook, copy)
    (refused,) = collect(year, [copy]).refused
    assert "metadata envkpi_review: its source differs from the year's production.ipynb" in refused


def _saved_as_jupyterlab_does(path: Path) -> None:
    """Rewrite a notebook file as a JupyterLab save does: the JSON parsed and written back by the browser,
    so a float with no fraction loses its ".0" (42080.0 → 42080), keys come out in insertion order and the
    indentation is JupyterLab's; empty output metadata is dropped."""

    def as_javascript(value):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, dict):
            return {k: as_javascript(v) for k, v in value.items() if not (k == "metadata" and v == {} and "output_type" in value)}
        if isinstance(value, list):
            return [as_javascript(v) for v in value]
        return value

    notebook = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(as_javascript(notebook), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def test_every_result_cell_of_the_three_reports_is_collected_after_a_jupyterlab_save(tmp_path):
    """The published FY2018 reports, copied for review, annotated on every result cell, saved as JupyterLab
    saves (numbers rewritten) and read back through nbformat: every review is collected, none refused."""
    from envkpi.core.results import RESULT_MIME

    year = tmp_path / "FY2018"
    shutil.copytree(REPO / "outputs" / "FY2018", year)
    for path in year.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    copies = copy_for_review(year, tmp_path / "review")
    expected, rewritten = set(), 0
    for copy in copies:
        notebook = nbformat.read(copy, as_version=4)
        for cell in notebook.cells:
            if any(RESULT_MIME in output.get("data", {}) for output in cell.get("outputs", [])):
                cell.metadata[METADATA_KEY] = {"reviewer": "A. Auditor", "date": "2019-05-20", "status": "ok"}
                expected.add((copy.stem, cell.id))
        nbformat.write(notebook, copy)
        before = copy.read_text(encoding="utf-8")
        _saved_as_jupyterlab_does(copy)
        rewritten += before != copy.read_text(encoding="utf-8")
    assert {copy.stem for copy in copies} >= {"production", "avoided_emissions", "product_use"}
    assert rewritten >= 3  # the save really changed the files (".0" numbers, as JupyterLab writes them)
    assert {"scope2", "ghg", "energy", "co2-01-result", "co2-03"} <= {cell for _, cell in expected}
    collected = collect(year, copies)
    assert collected.refused == []
    assert {(name, cell_id) for name, cell_id, _ in collected.added} == expected
    assert set(cell_states(year)) >= {name for name, _ in expected}


def test_a_review_is_refused_while_a_run_holds_the_folder(year, capsys):
    """A run replaces the folder when it ends (review.yaml carried over from before it started): a review
    recorded meanwhile would be lost, so recording one while a run holds the folder's lock is refused."""
    from envkpi import cli
    from envkpi.running.outfolder import output_lock

    command = ["review", "--fy", "2018", "--out", str(year), "--notebook", "production", "--cell", "calc", "--ok",
               "--by", "A. Auditor"]
    with output_lock(year):  # as a run into the folder holds it
        status = cli.main(command)
    said = capsys.readouterr().err
    assert status == 3, said
    assert "is being written by another envkpi run" in said and str(os.getpid()) in said
    assert not (year / "review.yaml").exists()
    assert cli.main(command) == 0  # once the run has finished
    assert (year / "review.yaml").exists()


# --- queries ---------------------------------------------------------------------------------------------

def test_a_query_is_raised_answered_and_resolved_with_its_thread_kept(year):
    from envkpi.cycle.review import open_queries

    record_review(year, "production", ["calc"], status="query", reviewer="A. Auditor", on=ON, comment="Source of 0.410?")
    assert states(year)["calc"] == "queried"
    with pytest.raises(ReviewError, match="no open query on cell 'intro'"):
        record_review(year, "production", ["intro"], status="answer", reviewer="P. Preparer", on=ON, comment="…")
    with pytest.raises(ReviewError, match="an answer needs its text"):
        record_review(year, "production", ["calc"], status="answer", reviewer="P. Preparer", on=ON)
    record_review(year, "production", ["calc"], status="answer", reviewer="P. Preparer", on=date(2019, 5, 21),
                  comment="The standard's fixed Japanese factor, parameters/common.yaml")
    assert states(year)["calc"] == "answered"
    (query,) = open_queries(year)
    assert (query["notebook"], query["cell_id"], query["state"]) == ("production", "calc", "answered")
    assert [(r.status, r.reviewer) for r in query["thread"]] == [("query", "A. Auditor"), ("answer", "P. Preparer")]
    record_review(year, "production", ["calc"], status="resolved", reviewer="A. Auditor", on=date(2019, 5, 22))
    assert states(year)["calc"] == "reviewed"
    assert open_queries(year) == []
    assert [r.status for r in load_reviews(year)["production"]["calc"]] == ["query", "answer", "resolved"]
    with pytest.raises(ReviewError, match="no open query on cell 'calc' to resolve"):
        record_review(year, "production", ["calc"], status="resolved", reviewer="A. Auditor", on=ON)


def test_open_queries_on_the_command_line(year, capsys):
    from envkpi import cli

    base = ["review", "--fy", "2018", "--out", str(year), "--notebook", "production", "--cell", "calc"]
    assert cli.main([*base, "--query", "--by", "A. Auditor", "--on", "2019-05-20", "--comment", "Source?"]) == 0
    assert cli.main([*base, "--answer", "--by", "P. Preparer", "--on", "2019-05-21", "--comment", "common.yaml"]) == 0
    capsys.readouterr()
    assert cli.main(["review", "--fy", "2018", "--out", str(year), "--open"]) == 0
    said = capsys.readouterr().out
    assert "1 open query" in said and "production / calc (answered):" in said
    assert "query — A. Auditor, 2019-05-20: Source?" in said and "answer — P. Preparer, 2019-05-21: common.yaml" in said
    assert cli.main([*base, "--resolve", "--by", "A. Auditor", "--on", "2019-05-22"]) == 0
    capsys.readouterr()
    assert cli.main(["review", "--fy", "2018", "--out", str(year), "--open"]) == 0
    assert "0 open queries" in capsys.readouterr().out


# --- sections, sign-off, code changed since review ---------------------------------------------------------

def _with_a_result(notebook):
    from envkpi.core.results import RESULT_MIME

    notebook.cells[1].outputs[0].data[RESULT_MIME] = {"results": [{"indicator_id": "PRD-07", "value": 506.145}]}
    return notebook


def test_a_markdown_cell_is_covered_by_the_review_of_its_section(year):
    record_review(year, "production", ["calc"], status="ok", reviewer="A", on=ON)
    assert states(year)["intro"] == "unreviewed"  # 'software' is in its section too, and not reviewed yet
    record_review(year, "production", ["software"], status="ok", reviewer="A", on=ON)
    (cells,) = cell_states(year).values()
    intro = next(c for c in cells if c.cell_id == "intro")
    assert (intro.state, intro.covered_by, intro.review) == ("reviewed", "calc, software", None)


def test_a_notebook_and_the_year_are_signed_off_and_the_sign_off_goes_stale_with_the_content(make_notebook, make_year,
                                                                                             tmp_path):
    from envkpi.cycle.review import YEAR, sign_off, sign_off_states

    year = make_year(tmp_path / "FY2018", _with_a_result(make_notebook()))
    record_review(year, "production", ["calc"], status="query", reviewer="A", on=ON, comment="source?")
    with pytest.raises(ReviewError, match="result cell 'calc' is queried"):
        sign_off(year, "production", reviewer="A", on=ON)
    with pytest.raises(ReviewError, match=r"FY2018 cannot be signed off: production \(not signed off\)"):
        sign_off(year, None, reviewer="A", on=ON)
    record_review(year, "production", ["calc"], status="answer", reviewer="P", on=ON, comment="common.yaml")
    with pytest.raises(ReviewError, match="result cell 'calc' is query answered, not resolved"):
        sign_off(year, "production", reviewer="A", on=ON)
    record_review(year, "production", ["calc"], status="resolved", reviewer="A", on=ON)
    sign_off(year, "production", reviewer="A", on=ON, comment="tied to the inputs")
    sign_off(year, None, reviewer="A", on=ON)
    assert sign_off_states(year) == {"production": "signed off", YEAR: "signed off"}
    assert load_reviews(year)["production"]["calc"][-1].status == "resolved"  # the reviews are kept beside
    changed = nbformat.read(year / "production.ipynb", as_version=4)
    changed.cells[1].outputs[0].data["text/plain"] = "518.49"
    nbformat.write(changed, year / "production.ipynb")
    assert sign_off_states(year) == {"production": "sign-off stale", YEAR: "sign-off stale"}


def test_code_changed_since_review_compares_the_code_that_ran_with_notebooks(year, make_notebook, tmp_path):
    record_review(year, "production", ["calc"], status="ok", reviewer="A", on=ON)
    source = tmp_path / "notebooks"
    source.mkdir()
    notebook = make_notebook()
    nbformat.write(notebook, source / "production.ipynb")
    assert status_summary(year, source_notebooks=source)[0]["code_changed"] == []
    notebook.cells[1].source = "scope2 = 1234.5 * 0.41  # same result, other code"
    nbformat.write(notebook, source / "production.ipynb")
    (row,) = status_summary(year, source_notebooks=source)
    assert row["code_changed"] == ["calc"] and row["reviewed"] == 1  # the result reproduces: the review still holds
    calc = next(c for c in cell_states(year, source_notebooks=source)["production"] if c.cell_id == "calc")
    assert calc.code_changed and calc.state == "reviewed"
