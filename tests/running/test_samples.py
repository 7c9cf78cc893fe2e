"""The sample data agrees with itself across years: published history = what the runs produced.

The history files hold the figures published for earlier years. The sample's FY2013–FY2016 rows are
typed in (published before envkpi kept the history); FY2017 and FY2018 were written by `envkpi publish`
from the sample's own runs (outputs/FY2017, outputs/FY2018), so the two agree exactly, as an auditor
reconciles a data book with the workbook.
"""

import csv
import re

import pytest

from envkpi.cycle.history import disagreements
from envkpi.cycle.publication import publication
from envkpi.core.results import read_results


def published(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("year", [2017, 2018])
def test_the_history_holds_exactly_what_publishing_the_sample_year_wrote(root, year):
    folder = root / "outputs" / f"FY{year}"
    assert disagreements(root, folder) == []
    assert publication(folder)["history"], "the publication recorded the rows it wrote"
    rows = read_results(folder / "results.csv")
    source = f"FY{year} as published on {publication(folder)['published_on']}"
    sites = {r.breakdown.removeprefix("site="): r.value for r in rows if r.indicator_id == "PRD-01" and r.breakdown}
    history = {r["site_id"]: r for r in published(root / "data" / "history" / "site_history.csv")
               if r["fiscal_year"] == str(year)}
    assert {site: (float(r["co2"]), r["source"]) for site, r in history.items()} == {
        site: (value, source) for site, value in sites.items()}
    avoided = sum(r.value for r in rows if r.indicator_id in ("CO2-01", "CO2-02", "CO2-03") and r.breakdown == "")
    [row] = [r for r in published(root / "data" / "history" / "avoided_emissions.csv") if r["fiscal_year"] == str(year)]
    assert (float(row["avoided_co2_t"]), row["source"]) == (avoided, source)


def test_the_data_dictionary_states_the_years_and_range_of_the_avoided_emissions_history(root):
    """data/README.md describes data/history/avoided_emissions.csv as it is: its first and last year and
    its smallest and largest avoided_co2_t, in Mt to one decimal (issue 10, point 7)."""
    with open(root / "data" / "history" / "avoided_emissions.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    years = [int(r["fiscal_year"]) for r in rows]
    tonnes = [float(r["avoided_co2_t"]) for r in rows]
    text = " ".join((root / "data" / "README.md").read_text(encoding="utf-8").split())
    found = re.search(r"The sample holds FY(\d{4})–FY(\d{4}) \(illustrative, ([\d.]+) to ([\d.]+) million t CO2 a year\)",
                      text)
    assert found, "data/README.md: the sentence on the avoided-emissions history is missing or reworded"
    assert (int(found[1]), int(found[2])) == (min(years), max(years))
    assert (found[3], found[4]) == (f"{min(tonnes) / 1e6:.1f}", f"{max(tonnes) / 1e6:.1f}")
