"""The year's front page (outputs/FY<yyyy>/index.html): every indicator linked to its cell, escaped, offline."""

import re

from envkpi.parameters import load_parameters
from envkpi.results import read_results
from envkpi.site import index_html


def test_every_headline_value_links_to_the_cell_that_shows_it(root):
    year = root / "outputs" / "FY2018"
    page = (year / "index.html").read_text(encoding="utf-8")
    headlines = [r for r in read_results(year / "results.csv") if r.breakdown == ""]
    assert headlines
    for row in headlines:
        link = f'href="{row.notebook}.html#cell-id={row.cell_id}"'
        assert link in page, row.indicator_id
        assert f'id="cell-id={row.cell_id}"' in (year / f"{row.notebook}.html").read_text(encoding="utf-8")
    for report in ("avoided_emissions", "product_use", "production", "changes"):
        assert f'href="{report}.html"' in page and (year / f"{report}.html").exists()


def test_the_page_loads_nothing_from_another_host(root):
    page = (root / "outputs" / "FY2018" / "index.html").read_text(encoding="utf-8")
    assert not re.findall(r'<(script|link|img|iframe)[^>]+(src|href)=["\']https?://', page)
    assert "<script" not in page


def test_text_from_the_parameters_is_escaped_and_the_page_is_deterministic(root):
    params = load_parameters(root / "parameters" / "FY2018.yaml", root=root)
    params = params.model_copy(update={"organisation": params.organisation.model_copy(
        update={"name": "<script>alert(1)</script>"})})
    rows = read_results(root / "outputs" / "FY2018" / "results.csv")
    previous = read_results(root / "outputs" / "FY2017" / "results.csv")
    page = index_html(params, rows, previous, ["production"])
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert index_html(params, rows, previous, ["production"]) == page


def test_the_change_column_is_against_last_year(root):
    params = load_parameters(root / "parameters" / "FY2018.yaml", root=root)
    rows = read_results(root / "outputs" / "FY2018" / "results.csv")
    previous = read_results(root / "outputs" / "FY2017" / "results.csv")
    [now] = [r for r in rows if r.indicator_id == "PRD-07" and r.breakdown == ""]
    [then] = [r for r in previous if r.indicator_id == "PRD-07" and r.breakdown == ""]
    expected = f"{100 * (now.value - then.value) / then.value:+.1f} %"
    row = re.search(r'<td class="id">PRD-07</td>.*?</tr>', index_html(params, rows, previous, []), re.S).group(0)
    assert expected in row
