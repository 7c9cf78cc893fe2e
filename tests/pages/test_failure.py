"""The page of a run that stopped (failure.html): every failure with its figures, escaped, linked, offline."""

import re

from envkpi.pages.failure import Failure, failed_checks, failure_html, notebook_error
from envkpi.core.results import Check

EXPLANATIONS = "Every flagged change is explained, by an explanation of that change"
UNEXPLAINED = ("CO2-03 moved +12.17 % (9,119,657.179 → 10,229,669.66 t CO2), above the flag threshold of 10 %, and has "
               "no explanation in explanations: of the year file")
ERROR = ("production.ipynb failed in the cell with id 'scope2' (In [7]):\n"
         "ValueError: row 7: region 'atlantis' is not one of product_regions (japan, china)")


def page(problems, notebooks=("changes", "production"), **kwargs) -> str:
    return failure_html(2019, problems, list(notebooks), **kwargs)


def rows_of(text: str) -> list[str]:
    return re.findall(r"<tr class=\"(?:check|error)\">.*?</tr>", text, re.S)


def test_every_failure_is_a_row_with_notebook_cell_check_and_the_figures():
    problems = [Failure("changes", "yoy", EXPLANATIONS, UNEXPLAINED),
                Failure("production", "sums", "PRD-01: sum over sites = group total",
                        "sum of 12 site= rows 451,224 ≠ PRD-01 451,225 t CO2 (relative 1e-9)"),
                notebook_error("production", ERROR)]
    text = page(problems)
    rows = rows_of(text)
    assert len(rows) == 3
    assert '<a href="changes.ipynb">changes.ipynb</a>' in rows[0] and '<td class="id">yoy</td>' in rows[0]
    assert EXPLANATIONS in rows[0] and UNEXPLAINED in rows[0]  # nothing to escape in them but the arrow: kept
    assert "PRD-01: sum over sites = group total" in rows[1] and "451,224 ≠ PRD-01 451,225 t CO2" in rows[1]
    # an error: no check, the cell taken from the runner's text, the error's text in full
    assert '<td class="id">scope2</td>' in rows[2] and "error in the notebook" in rows[2]
    assert "ValueError: row 7: region &#x27;atlantis&#x27; is not one of product_regions" in rows[2]
    assert "<title>FY2019: the run stopped</title>" in text and "<h1>FY2019: the run stopped</h1>" in text
    assert "2 checks failed and 1 notebook stopped on an error" in text


def test_the_page_says_the_outputs_in_place_were_not_changed():
    assert "the outputs in place were not changed" in page([Failure("changes", "yoy", EXPLANATIONS, UNEXPLAINED)])
    named = page([Failure("changes", "yoy", EXPLANATIONS, UNEXPLAINED)], outputs="outputs/FY2019")
    assert "the outputs in place (outputs/FY2019) were not changed" in named
    assert "1 check failed." in named


def test_the_executed_notebooks_kept_beside_it_are_linked_and_only_those():
    text = page([Failure("product_use", None, "x", "y"), Failure("", None, None, "indicator reported twice: PRD-01")],
                notebooks=["avoided_emissions", "changes"])
    for name in ("avoided_emissions", "changes"):
        assert f'<a href="{name}.ipynb">{name}.ipynb</a>' in text
    assert 'href="product_use.ipynb"' not in text and "<td>product_use.ipynb</td>" in text  # not kept: named only
    assert "<td>the run</td>" in text  # a problem of the run as a whole
    assert "Kept beside this page" in page([], notebooks=[]) and ": none." in page([], notebooks=[])


def test_everything_from_the_run_is_escaped():
    evil = "<script>alert(1)</script>"
    text = page([Failure(evil, evil, evil, evil)], notebooks=[evil], outputs=evil)
    assert "<script" not in text
    assert text.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5


def test_the_page_loads_nothing_from_another_host_and_is_deterministic():
    problems = [Failure("changes", "yoy", EXPLANATIONS, UNEXPLAINED), notebook_error("production", ERROR)]
    text = page(problems)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text, re.I)
    assert not re.search(r"@import|url\(", text)
    assert "<script" not in text and "<link" not in text and "<img" not in text
    assert page(problems) == text


def test_failed_checks_keeps_only_the_failed_ones_with_their_cells():
    checks = [("sums", Check("A", True, "fine")), ("yoy", Check(EXPLANATIONS, False, UNEXPLAINED)),
              ("rec", Check("B", False, "1 ≠ 2"))]
    assert failed_checks("changes", checks) == [Failure("changes", "yoy", EXPLANATIONS, UNEXPLAINED),
                                                Failure("changes", "rec", "B", "1 ≠ 2")]


def test_a_notebook_error_takes_its_cell_from_the_runners_text_or_as_given():
    assert notebook_error("production", ERROR) == Failure("production", "scope2", None, ERROR)
    assert notebook_error("production", "production.ipynb failed in In [3]:\nKeyError: 'x'").cell_id is None
    assert notebook_error("production", "boom", cell_id="setup").cell_id == "setup"


def test_terminal_colour_codes_of_an_error_are_dropped():
    text = page([Failure("production", "setup", None, "\x1b[0;31mValueError\x1b[0m: bad")])
    assert "ValueError: bad" in text and "\x1b" not in text
