"""Tests for envkpi.families.water.calculations (WAT-01, WAT-02), from values worked out by hand.

Each expected value is written as the arithmetic of the standard's formula on the inputs of the test:
WAT-01 = Σ over sites and sources of quantity × (1 m³ for m3, 1,000 m³ for thousand m3)
(生産活動における水使用量: 上水道、工業用水、河川、湖水、地下水使用量合計); WAT-02 = sites through both
stages ÷ sites inside the boundary × 100 % (水リスクアセスメントの進捗率), the other reading
(n₁ + n₂) / 2N beside it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from envkpi.core.units import Quantity
from envkpi.families import load_parameters
from envkpi.families.water import calculations as wat
from envkpi.families.water.tables import load_water_inputs


def water_rows(*rows: tuple) -> pd.DataFrame:
    """Validated water_use rows: (row, site_id, source, quantity, unit)."""
    return pd.DataFrame(rows, columns=["row", "site_id", "source", "quantity", "unit"])


def status(*rows: tuple) -> pd.DataFrame:
    """Validated water_risk_assessment rows: (row, site_id, stage1_completed, stage2_completed)."""
    return pd.DataFrame(rows, columns=["row", "site_id", "stage1_completed", "stage2_completed"])


# --- WAT-01 -------------------------------------------------------------------------------------

def test_a_volume_in_thousand_m3_is_a_thousand_times_the_same_figure_in_m3():
    assert wat.water_volume(320.4, "thousand m3").m_as("m**3") == pytest.approx(320.4 * 1000)  # 320,400 m³
    assert wat.water_volume(45_200, "m3").m_as("m**3") == 45_200 * 1
    assert wat.water_volume(0, "thousand m3").m_as("m**3") == 0


def test_a_unit_that_is_not_a_volume_of_water_is_refused_by_name():
    with pytest.raises(KeyError, match="'L' is not a unit of water volume; expected one of m3, thousand m3"):
        wat.water_volume(5_000, "L")


def test_a_site_reporting_in_thousand_m3_beside_one_in_m3():
    # Site A: industrial water 320.4 thousand m³ and tap water 45,200 m³; site B: tap water 38,150 m³ and
    # industrial water 211,900 m³, all in m³.
    rows = wat.water_use_rows(water_rows(
        (2, "A", "tap", 45_200.0, "m3"),
        (3, "A", "industrial", 320.4, "thousand m3"),
        (4, "B", "tap", 38_150.0, "m3"),
        (5, "B", "industrial", 211_900.0, "m3"),
    ))
    site_a = 45_200 + 320.4 * 1000           # = 365,600 m³
    site_b = 38_150 + 211_900                # = 250,050 m³
    assert list(rows["m3_per_unit"]) == [1, 1000, 1, 1]
    assert list(rows["row"]) == [2, 3, 4, 5]  # each volume ties to its line of water_use.csv
    total = wat.water_used_in_rows(rows)
    assert total.units == Quantity(1, "m**3").units
    assert total.m_as("m**3") == pytest.approx(site_a + site_b)  # = 615,650 m³
    by_site = wat.water_by_site(rows, ["A", "B", "C"])
    assert by_site.to_dict() == pytest.approx({"A": site_a, "B": site_b, "C": 0.0})
    by_source = wat.water_by_source(rows)
    assert list(by_source.index) == ["tap", "industrial", "river", "lake", "groundwater"]  # the standard's order
    assert by_source.to_dict() == pytest.approx({"tap": 45_200 + 38_150, "industrial": 320.4 * 1000 + 211_900,
                                                 "river": 0.0, "lake": 0.0, "groundwater": 0.0})
    # Had the thousand-m³ row been added as written, WAT-01 would be short by 320.4 × 999 m³.
    assert total.m_as("m**3") - (45_200 + 320.4 + 38_150 + 211_900) == pytest.approx(320.4 * 999)


def test_water_used_adds_volumes_in_any_unit_of_volume_and_is_zero_for_none():
    assert wat.water_used([]).m_as("m**3") == 0
    assert wat.water_used([Quantity(1.5, "m**3"), Quantity(2, "kL")]).m_as("m**3") == pytest.approx(1.5 + 2)


def test_the_fy2018_sample_by_hand(root):
    params = load_parameters(root / "parameters" / "FY2018.yaml", root=root)
    inputs = load_water_inputs(params, root / "data" / "FY2018", root=root)
    rows = wat.water_use_rows(inputs.water_use, params.water.sources)
    # data/FY2018/water_use.csv, the 22 rows of the 12 sites inside the boundary (JP-06, US-02, MX-01 and
    # ES-01 set aside); JP-01 industrial, JP-03 industrial and JP-05 groundwater are in thousand m³.
    tap = 45_200 + 38_150 + 22_480 + 18_560 + 35_900 + 412_600 + 161_300 + 12_100 + 185_700 + 9_050 + 60_250
    industrial = 320.4 * 1000 + 211_900 + 265.5 * 1000 + 151_200 + 231_800
    river = 120_800
    lake = 95_400
    groundwater = 182_300 + 1850.2 * 1000 + 140_300 + 28_400
    assert wat.water_used_in_rows(rows).m_as("m**3") == pytest.approx(tap + industrial + river + lake + groundwater)
    assert wat.water_by_source(rows).to_dict() == pytest.approx(
        {"tap": tap, "industrial": industrial, "river": river, "lake": lake, "groundwater": groundwater})
    assert wat.water_by_site(rows, inputs.sites_in_boundary)["JP-01"] == pytest.approx(45_200 + 320.4 * 1000 + 182_300)
    assert set(rows["site_id"]).isdisjoint({"JP-06", "US-02", "MX-01", "ES-01"})


# --- WAT-02 -------------------------------------------------------------------------------------

def test_the_shares_of_sites_through_each_stage():
    # Four sites: A and B through both stages, C through stage 1 only, D not started.
    progress = wat.assessment_progress(status(
        (2, "A", True, True), (3, "B", True, True), (4, "C", True, False), (5, "D", False, False),
    ), ["A", "B", "C", "D"])
    assert (progress.sites, progress.stage1, progress.stage2) == (4, 3, 2)
    assert progress.stage1_share.m_as("percent") == pytest.approx(3 / 4 * 100)   # 75 %
    assert progress.stage2_share.m_as("percent") == pytest.approx(2 / 4 * 100)   # 50 %
    assert progress.progress.m_as("percent") == pytest.approx(2 / 4 * 100)       # WAT-02 = n₂/N = 50 %
    assert progress.mean_of_stages.m_as("percent") == pytest.approx((3 + 2) / (2 * 4) * 100)  # 62.5 %
    assert list(progress.table["assessment_completed"]) == [True, True, False, False]
    assert wat.stage_shares(progress) == pytest.approx({"1": 75.0, "2": 50.0})


def test_the_fy2018_and_fy2017_samples_by_hand(root):
    expected = {2018: (12, 11, 9), 2017: (11, 11, 8)}  # N, n₁, n₂ from data/FY<yyyy>/water_risk_assessment.csv
    for year, (n, n1, n2) in expected.items():
        params = load_parameters(root / "parameters" / f"FY{year}.yaml", root=root)
        inputs = load_water_inputs(params, root / "data" / f"FY{year}", root=root)
        progress = wat.assessment_progress(inputs.water_risk_assessment, inputs.sites_in_boundary)
        assert (progress.sites, progress.stage1, progress.stage2) == (n, n1, n2)
        assert progress.progress.m_as("percent") == pytest.approx(n2 / n * 100)  # FY2018: 9/12 = 75 %; FY2017: 8/11
        assert progress.mean_of_stages.m_as("percent") == pytest.approx((n1 + n2) / (2 * n) * 100)  # FY2018: 20/24


def test_a_share_needs_a_site_and_a_count_within_the_sites():
    assert wat.share_of_sites(0, 5).m_as("percent") == 0
    assert wat.share_of_sites(5, 5).m_as("percent") == 100
    with pytest.raises(ValueError, match="no site inside the boundary"):
        wat.share_of_sites(0, 0)
    with pytest.raises(ValueError, match="not between 0 and the 3 sites"):
        wat.share_of_sites(4, 3)


def test_progress_refuses_a_site_without_status_or_through_stage_2_only():
    with pytest.raises(ValueError, match="no water-risk assessment row for B"):
        wat.assessment_progress(status((2, "A", True, True)), ["A", "B"])
    with pytest.raises(ValueError, match="A: through stage 2 but not stage 1"):
        wat.assessment_progress(status((2, "A", False, True)), ["A"])


def test_the_checks_pass_on_consistent_figures_and_fail_on_a_lost_row():
    rows = wat.water_use_rows(water_rows((2, "A", "tap", 10.0, "m3"), (3, "A", "river", 2.0, "thousand m3")))
    total = wat.water_used_in_rows(rows)  # 10 + 2 × 1000 = 2,010 m³
    progress = wat.assessment_progress(status((2, "A", True, False)), ["A"])
    checks = wat.water_checks(rows, wat.water_by_site(rows, ["A"]), wat.water_by_source(rows), total, progress)
    assert all(c.passed for c in checks), checks
    short = Quantity(10 + 2 * 1000 - 10, "m**3")  # the tap row lost
    failed = [c.name for c in wat.water_checks(rows, wat.water_by_site(rows, ["A"]), wat.water_by_source(rows), short, progress)
              if not c.passed]
    assert failed == ["WAT-01: sum of the 2 input rows = total", "WAT-01: sum over the 1 sites = total",
                      "WAT-01: sum over the 5 sources = total"]
