"""The sample data agrees with itself across years: published history = what the runs produced.

The history files hold the figures "published" for earlier years. For the sample, FY2017 was
published from the sample's own FY2017 run (outputs/FY2017), so the two must agree, as an
auditor reconciles a data book with the workbook.
"""

import csv

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
