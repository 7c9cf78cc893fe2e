"""The year's front page (outputs/FY<yyyy>/index.html): every indicator linked to its cell, escaped, offline."""

import re

from envkpi.families import load_parameters, names
from envkpi.core.results import read_results
from envkpi.pages.site import index_html


def test_every_headline_value_links_to_the_cell_that_shows_it(root):
    year = root / "outputs" / "FY2018"
    page = (year / "index.html").read_text(encoding="utf-8")
    headlines = [r for r in read_results(year / "results.csv") if r.breakdown == ""]
    assert headlines
    for row in headlines:
        link = f'href="{row.notebook}.html#cell-id={row.cell_id}"'
        assert link in page, row.indicator_id
        assert f'id="cell-id={row.cell_id}"' in (year / f"{row.notebook}.html").read_text(encoding="utf-8")
    for report in (*names(), "changes"):
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


# --- the year's story: what changed, the flagged changes and their explanations ------------------------------

def year_2018(root, **update):
    params = load_parameters(root / "parameters" / "FY2018.yaml", root=root)
    params = params.model_copy(update=update) if update else params
    rows = read_results(root / "outputs" / "FY2018" / "results.csv")
    previous = read_results(root / "outputs" / "FY2017" / "results.csv")
    return params, rows, previous


def row_of(page: str, indicator_id: str) -> str:
    """The table row of an indicator and, when there is one, the explanation row under it."""
    return re.search(rf'<tr[^>]*><td class="id">{indicator_id}</td>.*?</tr>(\n<tr class="explanation[^"]*">.*?</tr>)?',
                     page, re.S).group(0)


def test_the_statement_of_what_changed_is_at_the_top_in_the_years_words(root):
    params, rows, previous = year_2018(root)
    page = index_html(params, rows, previous, [])
    top = page.index("<h2>What changed from FY2017</h2>")
    assert top < page.index("<h2>Boundary</h2>") < page.index("<h2>Indicators</h2>")
    assert ("avoided emissions: PV lifetime 20 → 25 years (the panels&#x27; output warranty was extended to 25 years).\n"
            "production: nothing in the method;") in page
    assert "As stated by the reporting team in parameters/FY2018.yaml (<code>what_changed</code>)." in page


def test_the_statement_is_escaped_and_a_missing_or_placeholder_one_is_said_to_be_missing(root):
    params, rows, previous = year_2018(root, what_changed="<b>bold</b> & more")
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in index_html(params, rows, previous, [])
    for statement in (None, "  ", "(write here: what changed from FY2017: method, factors, boundary, sites)"):
        params, rows, previous = year_2018(root, what_changed=statement)
        page = index_html(params, rows, previous, [])
        assert '<p class="missing">Not stated: the year file gives no statement of what changed from FY2017.</p>' in page
        assert "write here" not in page


def test_flagged_changes_are_marked_with_the_explanation_under_them(root):
    from envkpi.cycle.changes import year_on_year

    params, rows, previous = year_2018(root)
    page = index_html(params, rows, previous, [])
    assert ('<p><span class="flag-mark">⚑</span> marks a change of more than 10 % against FY2017 (the flag threshold of '
            "the parameters), and an indicator that had no value, or zero, last year") in page
    # the flags are those of the changes report: one computation
    yoy = year_on_year(rows, previous, params.changes.flag_threshold, params.changes.indicator_thresholds)
    flagged = list(yoy.loc[yoy["flagged"], "indicator_id"])
    assert flagged == ["CO2-01", "CO2-02", "CO2-03", "PRD-04", "CMP-01", "GP-04", "GP-06", "GP-07", "STK-01",
                       *(f"TGT-0{n}" for n in range(1, 6))]
    assert re.findall(r'<tr class="flagged[^"]*"><td class="id">([\w-]+)</td>', page) == flagged
    for indicator_id in flagged:
        shown = row_of(page, indicator_id)
        explanation = params.explanations[indicator_id]
        assert '<span class="flag-mark" title="flagged change">⚑</span> ' in shown
        assert f"Explanation (stated change {explanation.change}): " in shown
    assert "(stated change +36 %): PV lifetime 20 → 25 years from FY2018" in row_of(page, "CO2-01")
    assert "⚑" not in row_of(page, "PRD-07") and "Explanation" not in row_of(page, "PRD-07")
    assert '<a href="compliance.html#cell-id=cmp01">0</a>' in row_of(page, "CMP-01")  # a count of zero, as counted


def test_a_flagged_change_without_an_explanation_says_so(root):
    params, rows, previous = year_2018(root)
    explanations = {key: value for key, value in params.explanations.items() if key != "CO2-03"}
    page = index_html(params.model_copy(update={"explanations": explanations}), rows, previous, [])
    shown = row_of(page, "CO2-03")
    assert '<tr class="flagged has-explanation">' in shown and "⚑" in shown
    assert '<span class="missing">Flagged, and the year file gives no explanation of this change.</span>' in shown


def test_the_threshold_of_the_legend_and_of_the_flags_is_the_parameter(root):
    params, rows, previous = year_2018(root)
    threshold = params.changes.flag_threshold.model_copy(update={"value": 12.0})
    special = {"PRD-04": params.changes.flag_threshold.model_copy(update={"value": 20.0})}
    changes = params.changes.model_copy(update={"flag_threshold": threshold, "indicator_thresholds": special})
    page = index_html(params.model_copy(update={"changes": changes}), rows, previous, [])
    assert "marks a change of more than 12 % (PRD-04: 20 %) against FY2017" in page
    # CO2-01 +35.5 %, CO2-03 +12.2 % over 12 %; CO2-02 +11.5 % not; PRD-04 +11.5 % not over its 20 %;
    # CMP-01 2 → 0: −100 %, GP-04 +19.6 %, GP-06 +21.6 %, GP-07 +36.6 %, STK-01 951,800 → 1,101,700: +15.7 %,
    # all over 12 %, and the five targets' progress (+27 %, from 0, +42 %, from 0, +35 %)
    assert re.findall(r'<tr class="flagged[^"]*"><td class="id">([\w-]+)</td>', page) == [
        "CO2-01", "CO2-03", "CMP-01", "GP-04", "GP-06", "GP-07", "STK-01", *(f"TGT-0{n}" for n in range(1, 6))]
    assert "⚑" not in row_of(page, "CO2-02").split("Explanation")[0]


def test_without_last_years_results_nothing_is_flagged(root):
    params, rows, _ = year_2018(root)
    page = index_html(params, rows, None, [])
    assert "No FY2017 results to compare with: no change is shown or flagged." in page
    assert 'class="flagged' not in page and 'title="flagged change"' not in page
