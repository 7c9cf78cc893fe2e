"""Tests for envkpi.audit: the auditor's pages, every cell with its id, time, hash and review status."""

from __future__ import annotations

import re
from datetime import date

import nbformat
import pytest

from envkpi.pages.audit import write_audit_pages
from envkpi.cycle.review import cell_sha256, record_review


@pytest.fixture
def year(tmp_path, make_year):
    return make_year(tmp_path / "FY2018")


def bar_of(page: str, cell_id: str) -> str:
    """The audit bar shown right before the cell ``cell_id``."""
    before = page[:page.index(f'id="cell-id={cell_id}"')]
    return before[before.rindex('<div class="envkpi-audit-bar'):]


def test_each_cell_has_a_bar_with_id_state_time_and_hash(year, make_notebook):
    path, index = write_audit_pages(year)
    assert (path, index) == (year / "audit" / "production.html", year / "audit" / "index.html")
    page = path.read_text(encoding="utf-8")
    calc = bar_of(page, "calc")
    assert "envkpi-state-unreviewed" in calc and "not reviewed" in calc
    assert '<a href="#cell-id=calc">calc</a>' in calc
    assert "0.125 s" in calc  # this run's time of the cell, from the manifest
    assert cell_sha256(make_notebook().cells[1])[:12] in calc
    assert "not in the reader" in bar_of(page, "software")
    assert "s</span>" not in bar_of(page, "intro")  # markdown cells are not executed


def test_the_page_shows_the_code_the_hidden_cells_and_the_review_summary(year):
    record_review(year, "production", ["calc"], status="query", reviewer="A. Auditor", on=date(2019, 5, 20),
                  comment="Where does 0.410 come from?")
    page = write_audit_pages(year)[0].read_text(encoding="utf-8")
    assert "scope2" in page and "report" in page and "show_software" in page
    assert "3 cells: 0 reviewed, 0 review stale, 1 queried, 0 query answered, 0 rejected, 2 not reviewed" in page
    assert '<a href="../production.html">' in page and '<a href="../index.html">' in page
    calc = bar_of(page, "calc")
    assert "envkpi-state-queried" in calc
    assert "query — A. Auditor, 2019-05-20: Where does 0.410 come from?" in calc


def test_a_stale_review_says_so_next_to_the_cell(year, make_notebook):
    record_review(year, "production", ["calc"], status="ok", reviewer="A", on=date(2019, 5, 20))
    changed = make_notebook()
    changed.cells[1].source = "scope2 = 1234.5 * 0.420"
    nbformat.write(changed, year / "production.ipynb")
    calc = bar_of(write_audit_pages(year)[0].read_text(encoding="utf-8"), "calc")
    assert "envkpi-state-stale" in calc and "review stale" in calc
    assert "the cell changed since and needs a new review" in calc


def test_text_of_a_review_is_escaped(year):
    record_review(year, "production", ["intro"], status="ok", reviewer="<script>alert(1)</script>",
                  on=date(2019, 5, 20), comment="<img src=x onerror=alert(2)>")
    page = write_audit_pages(year)[0].read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    assert not re.search(r"<script\b", page)


def test_the_thread_of_a_query_is_shown_above_its_cell_and_the_index_counts_it(year):
    record_review(year, "production", ["calc"], status="query", reviewer="A. Auditor", on=date(2019, 5, 20),
                  comment="Where does 0.410 come from?")
    record_review(year, "production", ["calc"], status="answer", reviewer="P. Preparer", on=date(2019, 5, 21),
                  comment="The standard's fixed Japanese factor")
    page, index = (path.read_text(encoding="utf-8") for path in write_audit_pages(year))
    calc = bar_of(page, "calc")
    assert "envkpi-state-answered" in calc and "query answered" in calc
    assert "query — A. Auditor, 2019-05-20: Where does 0.410 come from?" in calc
    assert "answer — P. Preparer, 2019-05-21: The standard's fixed Japanese factor" in calc
    # the index: one row per notebook, 3 cells: 0 reviewed, 0 stale, 0 queried, 1 answered, 0 rejected,
    # 2 not reviewed, 1 open query, 0 code changed, not signed off
    row = re.search(r'<tr><td><a href="production.html">production</a></td>(.*?)</tr>', index).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row) == ["3", "0", "0", "0", "1", "0", "2", "1", "0", "not signed off"]
    assert "Open queries (1)" in index and "calc</a> (answered)" in index
    record_review(year, "production", ["calc"], status="resolved", reviewer="A. Auditor", on=date(2019, 5, 22))
    page, index = (path.read_text(encoding="utf-8") for path in write_audit_pages(year))
    assert "envkpi-state-reviewed" in bar_of(page, "calc") and "resolved — A. Auditor, 2019-05-22" in bar_of(page, "calc")
    assert "Open queries (0)" in index
