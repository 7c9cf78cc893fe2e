"""Tests for envkpi.families.stakeholders.calculations (STK-01), each against figures worked out by hand from the
standard's row 環境教育の人数: 延べ参加人数 (2009年度からの累計), C_n = Σ_{y=2009..n} Σ_k p_{y,k}."""

from __future__ import annotations

import pandas as pd
import pytest

from envkpi.core.units import Quantity
from envkpi.families.stakeholders import calculations as stk


def history(rows):
    return pd.DataFrame(rows, columns=["fiscal_year", "programme", "participants"]).assign(
        participants_as_published=pd.NA)


def year_rows(rows):
    return pd.DataFrame(rows, columns=["programme", "participants"])


# Three years by hand: FY2009 and FY2010 in the history, FY2011 the year reported.
HISTORY = [(2009, "school_lessons", 1_000), (2009, "showroom_factory_tours", 2_500), (2009, "eco_picture_diary", 0),
           (2009, "other", 100),
           (2010, "school_lessons", 1_200), (2010, "showroom_factory_tours", 2_000), (2010, "eco_picture_diary", 300),
           (2010, "other", 0)]
FY2011 = [("school_lessons", 1_500), ("showroom_factory_tours", 1_800), ("eco_picture_diary", 700), ("other", 50)]


def test_cumulative_participants_of_three_years_by_hand():
    yearly = stk.yearly_figures(history(HISTORY), year_rows(FY2011), 2011)
    # P_2009 = 1,000 + 2,500 + 0 + 100 = 3,600; P_2010 = 1,200 + 2,000 + 300 + 0 = 3,500;
    # P_2011 = 1,500 + 1,800 + 700 + 50 = 4,050; C_2011 = 3,600 + 3,500 + 4,050 = 11,150
    assert stk.cumulative_total(yearly).m_as("count") == pytest.approx(3_600 + 3_500 + 4_050)
    assert stk.cumulative_total(yearly).m_as("count") == pytest.approx(11_150)
    assert stk.yearly_participants(year_rows(FY2011)).m_as("count") == pytest.approx(1_500 + 1_800 + 700 + 50)
    assert stk.earlier_years_participants(yearly, 2011).m_as("count") == pytest.approx(3_600 + 3_500)
    # by programme: school lessons 1,000 + 1,200 + 1,500 = 3,700; tours 2,500 + 2,000 + 1,800 = 6,300;
    # eco diary 0 + 300 + 700 = 1,000; other 100 + 0 + 50 = 150 (3,700 + 6,300 + 1,000 + 150 = 11,150)
    assert stk.cumulative_by_programme(yearly).to_dict() == pytest.approx(
        {"school_lessons": 3_700, "showroom_factory_tours": 6_300, "eco_picture_diary": 1_000, "other": 150})
    # the series: C_2009 = 3,600, C_2010 = 3,600 + 3,500 = 7,100, C_2011 = 7,100 + 4,050 = 11,150
    assert stk.cumulative_series(yearly).sum(axis=1).tolist() == pytest.approx([3_600, 7_100, 11_150])
    # the other reading of 2009年度からの累計 (years after FY2009 only): 3,500 + 4,050 = 7,550
    assert stk.cumulative_after_first_year(yearly).m_as("count") == pytest.approx(3_500 + 4_050)


def test_a_restated_earlier_year_flows_into_every_later_cumulative_value():
    restated = history(HISTORY)
    # FY2009 school lessons restated from 1,000 to 1,400 (+400), first published figure kept aside
    where = (restated["fiscal_year"] == 2009) & (restated["programme"] == "school_lessons")
    restated.loc[where, "participants"] = 1_400
    restated.loc[where, "participants_as_published"] = 1_000
    yearly = stk.yearly_figures(restated, year_rows(FY2011), 2011)
    # C_2009 = 3,600 + 400 = 4,000; C_2010 = 4,000 + 3,500 = 7,500; C_2011 = 7,500 + 4,050 = 11,550
    assert stk.cumulative_series(yearly).sum(axis=1).tolist() == pytest.approx([4_000, 7_500, 11_550])
    assert stk.cumulative_total(yearly).m_as("count") == pytest.approx(11_150 + 400)
    assert stk.cumulative_by_programme(yearly)["school_lessons"] == pytest.approx(1_400 + 1_200 + 1_500)
    # the other reading, each year as first published: 1,000 + … = 11,150 again
    assert stk.cumulative_as_published(restated, year_rows(FY2011), 2011).m_as("count") == pytest.approx(11_150)


def test_cumulative_participants_adds_quantities_in_count():
    # 3 + 4 + 5 = 12
    assert stk.cumulative_participants([Quantity(3, "count"), Quantity(4, "count"), Quantity(5, "count")]) \
        == Quantity(12, "count")


def test_the_checks_pass_on_consistent_figures_and_fail_on_a_missing_year():
    hist, now = history(HISTORY), year_rows(FY2011)
    yearly = stk.yearly_figures(hist, now, 2011)
    total = stk.cumulative_total(yearly)
    checks = stk.stakeholders_checks(yearly, stk.cumulative_by_programme(yearly), total, stk.yearly_participants(now),
                                     stk.earlier_years_participants(yearly, 2011), now, hist)
    assert all(c.passed for c in checks), checks
    gap = yearly.drop(index=2010)
    checks = stk.stakeholders_checks(gap, stk.cumulative_by_programme(gap), stk.cumulative_total(gap),
                                     stk.yearly_participants(now), stk.earlier_years_participants(gap, 2011), now, hist)
    assert not all(c.passed for c in checks)
