"""The sample data agrees with itself across years: published history = what the runs produced.

The history files hold the figures "published" for earlier years. For the sample, FY2017 was
published from the sample's own FY2017 run (outputs/FY2017), so the two must agree, as an
auditor reconciles a data book with the workbook.
"""

import csv
import re

import pytest

from envkpi.results import read_results


def published(path, key):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_published_fy2017_avoided_emissions_are_the_fy2017_run_rounded_to_the_tonne(root):
    rows = read_results(root / "outputs" / "FY2017" / "results.csv")
    run = sum(r.value for r in rows if r.indicator_id in ("CO2-01", "CO2-02", "CO2-03") and r.breakdown == "")
    [history] = [r for r in published(root / "data" / "history" / "avoided_emissions.csv", "fiscal_year")
                 if r["fiscal_year"] == "2017"]
    assert float(history["avoided_co2_t"]) == round(run)


def test_published_fy2017_site_co2_agrees_with_the_fy2017_run_within_one_percent(root):
    rows = read_results(root / "outputs" / "FY2017" / "results.csv")
    run = {r.breakdown.removeprefix("site="): r.value for r in rows if r.indicator_id == "PRD-01" and r.breakdown}
    history = {r["site_id"]: float(r["co2"]) for r in published(root / "data" / "history" / "site_history.csv", "site_id")
               if r["fiscal_year"] == "2017" and r["site_id"] in run}
    assert history.keys() == run.keys()
    for site, value in run.items():
        assert value == pytest.approx(history[site], rel=0.01), site


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
