"""Tests for envkpi.families.targets: progress against targets (TGT-01 …) and the Paris-alignment check.

Each value is worked by hand, with the arithmetic in the test.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from pydantic import ValidationError

import envkpi
from envkpi.cycle.series import headline_sum, published_series
from envkpi.families.targets.calculations import (
    assess,
    assess_goal,
    constant_rate,
    constant_rate_path,
    implied_linear_reduction,
    linear_path,
    pathway_table,
    pathway_value,
    targets_checks,
    trajectory,
)
from envkpi.families.targets.parameters import TargetEntry, tracked_ids

ROOT = Path(envkpi.__file__).resolve().parents[2]


def _absolute(series, fiscal_year, level=50.0):
    return assess("TGT-X", "x", "absolute", "", "t", 2017, "test", 2027, level, series, fiscal_year)


# --- a linear-path target, on track and off track ------------------------------------------------------

def test_a_linear_target_on_track():
    # base FY2017 100 t, target 50 t by FY2027: the path falls 5 t a year; FY2019 path = 100 - 50 * 2/10 = 90 t
    a = _absolute({2017: 100.0, 2019: 85.0}, 2019)
    assert linear_path(2017, 100.0, 2027, 50.0, 2019) == pytest.approx(90.0)
    assert a.path == pytest.approx(90.0)
    assert a.gap == pytest.approx(5.0)  # down target: d = -1; -1 * (85 - 90) = +5 t ahead
    assert a.gap_years == pytest.approx(1.0)  # 5 t / 5 t a year
    assert a.on_track
    assert a.progress_percent == pytest.approx(30.0)  # (85 - 100) / (50 - 100)
    assert a.expected_percent == pytest.approx(20.0)  # (90 - 100) / (50 - 100)
    assert a.gap_percent == pytest.approx(10.0)
    assert a.achieved_rate == pytest.approx(-7.5)  # (85 - 100) / 2 years
    assert a.needed_rate == pytest.approx(-4.375)  # (50 - 85) / 8 years


def test_a_linear_target_off_track():
    a = _absolute({2017: 100.0, 2019: 95.0}, 2019)
    assert a.gap == pytest.approx(-5.0)  # -1 * (95 - 90)
    assert a.gap_years == pytest.approx(-1.0)
    assert not a.on_track
    assert a.progress_percent == pytest.approx(10.0)  # (95 - 100) / -50
    assert a.needed_rate == pytest.approx(-5.625)  # (50 - 95) / 8


def test_an_upward_target_is_on_track_above_its_path():
    # renewables 10 → 30 MWh FY2017 → FY2027: FY2018 path 12; 13 is 1 ahead (d = +1), 0.5 year of the 2-a-year step
    a = assess("TGT-X", "x", "absolute", "", "MWh", 2017, "test", 2027, 30.0, {2017: 10.0, 2018: 13.0}, 2018)
    assert (a.path, a.gap, a.gap_years, a.on_track) == (pytest.approx(12.0), pytest.approx(1.0), pytest.approx(0.5), True)


def test_the_base_year_is_on_its_own_path():
    a = _absolute({2017: 100.0}, 2017)
    assert a.gap == 0.0 and a.on_track and a.progress_percent == 0.0 and math.copysign(1, a.progress_percent) == 1
    assert math.isnan(a.achieved_rate)


# --- a percent target with its constant-rate path --------------------------------------------------------

def test_a_percent_target_with_the_constant_rate_path():
    # base 1,000 t in FY2017, -50 % by FY2027: level 500 t
    a = assess("TGT-X", "x", "percent_change", "", "t", 2017, "test", 2027, -50.0, {2017: 1000.0, 2019: 880.0}, 2019)
    assert a.level == pytest.approx(500.0)
    # constant rate g = 0.5 ** (1/10) - 1 = -0.0669670 a year; FY2019: 1,000 * 0.5 ** 0.2 = 870.551 t
    assert constant_rate(2017, 1000.0, 2027, 500.0) == pytest.approx(0.5 ** 0.1 - 1)
    assert constant_rate(2017, 1000.0, 2027, 500.0) == pytest.approx(-0.066967, abs=1e-6)
    assert constant_rate_path(2017, 1000.0, 2027, 500.0, 2019) == pytest.approx(870.551, abs=1e-3)
    assert a.constant_path == pytest.approx(870.551, abs=1e-3)
    # the linear path: 1,000 - 500 * 2/10 = 900 t; 880 t is 20 t ahead of it (but behind the constant-rate path)
    assert a.path == pytest.approx(900.0) and a.gap == pytest.approx(20.0) and a.on_track
    # compound rates: achieved 0.88 ** (1/2) - 1 = -6.1917 %; needed (500/880) ** (1/8) - 1 = -6.8225 %
    assert a.constant_rate_achieved == pytest.approx(-0.061917, abs=1e-6)
    assert a.constant_rate_needed == pytest.approx(-0.068225, abs=1e-6)
    table = trajectory(a, {2017: 1000.0, 2019: 880.0})
    assert list(table["fiscal_year"]) == list(range(2017, 2028))
    assert table["constant_rate_path"].iloc[-1] == pytest.approx(500.0)
    assert table["linear_path"].iloc[0] == pytest.approx(1000.0) and math.isnan(table["actual"].iloc[1])  # FY2018 unknown


# --- the 300 Mt target: cumulative total and annual level, from a three-year history ----------------------

THREE_YEARS = {2013: 10e6, 2014: 12e6, 2015: 14e6}  # t CO2 a year; FY2015 is this year


def _three_hundred(reading):
    return assess("TGT-01", "300 Mt", "cumulative", reading, "t CO2", 2013, "history", 2050, 300e6, THREE_YEARS, 2015)


def test_the_300_mt_target_read_as_a_cumulative_total():
    a = _three_hundred("cumulative_total")
    assert a.value == pytest.approx(36e6)  # 10 + 12 + 14 Mt
    assert a.path == pytest.approx(300e6 * 3 / 38)  # the even path: 38 years FY2013–FY2050, 3 done = 23.684 Mt
    assert a.path == pytest.approx(23.684e6, rel=1e-4)
    assert a.on_track and a.gap == pytest.approx(36e6 - 300e6 * 3 / 38)
    assert a.gap_years == pytest.approx((36e6 - 300e6 * 3 / 38) / (300e6 / 38))  # 1.56 years of 7.89 Mt
    assert a.progress_percent == pytest.approx(12.0)  # 36 / 300
    assert a.achieved_rate == pytest.approx(12e6)  # 36 Mt over 3 years
    assert a.needed_rate == pytest.approx((300e6 - 36e6) / 35)  # 7.543 Mt a year over FY2016–FY2050


def test_the_300_mt_target_read_as_an_annual_level():
    a = _three_hundred("annual_level")
    assert a.base == 10e6 and a.value == 14e6
    assert a.path == pytest.approx(10e6 + 290e6 * 2 / 37)  # 25.676 Mt on the line from 10 Mt (FY2013) to 300 Mt (FY2050)
    assert not a.on_track and a.gap == pytest.approx(14e6 - 25.676e6, rel=1e-4)
    assert a.progress_percent == pytest.approx(400 / 290)  # (14 - 10) / (300 - 10) = 1.379 %


def test_the_readings_through_the_parameters():
    entry = TargetEntry.model_validate({
        "name": {"value": "300 Mt", "source": "seed 000"},
        "indicators": {"value": "CO2-01 + CO2-02 + CO2-03", "source": "src"},
        "kind": {"value": "cumulative", "source": "src"},
        "base_fiscal_year": {"value": 2013, "source": "src"},
        "target_fiscal_year": {"value": 2050, "source": "src"},
        "target_value": {"value": 300, "unit": "Mt CO2", "source": "src"},
        "reading": {"value": "cumulative_total", "source": "src"},
    })
    published = {2013: (10e6, "FY2013 data book"), 2014: (12e6, "FY2014 data book")}
    chosen = assess_goal("TGT-01", entry, "t CO2", published, 14e6, 2015)
    other = assess_goal("TGT-01", entry, "t CO2", published, 14e6, 2015, reading="annual_level")
    assert chosen.value == pytest.approx(36e6) and chosen.level == pytest.approx(300e6) and chosen.base_source == "FY2013 data book"
    assert other.value == pytest.approx(14e6) and not other.on_track
    with pytest.raises(ValueError, match="no figure of FY2014"):
        assess_goal("TGT-01", entry, "t CO2", {2013: (10e6, "x")}, 14e6, 2015)


def test_a_typed_base_value_is_refused_where_the_history_has_it():
    entry = TargetEntry.model_validate({
        "name": {"value": "index", "source": "src"}, "indicators": {"value": "PRD-02", "source": "src"},
        "kind": {"value": "intensity", "source": "src"}, "base_fiscal_year": {"value": 2013, "source": "src"},
        "base_value": {"value": 100, "unit": "percent", "source": "100 % by definition"},
        "target_fiscal_year": {"value": 2020, "source": "src"}, "target_value": {"value": 85, "unit": "percent", "source": "src"},
    })
    # FY2018: path 100 - 15 * 5/7 = 89.286 %; 89.507 % is 0.221 points behind: off track
    a = assess_goal("TGT-05", entry, "percent", {2017: (92.2, "FY2017")}, 89.507, 2018)
    assert a.base == 100 and a.path == pytest.approx(100 - 15 * 5 / 7) and not a.on_track
    assert a.base_source.startswith("parameter: 100 % by definition")
    with pytest.raises(ValueError, match="base_value is typed but FY2013 is published"):
        assess_goal("TGT-05", entry, "percent", {2013: (100.0, "history")}, 89.507, 2018)


# --- Paris alignment --------------------------------------------------------------------------------------

def test_the_4_2_percent_pathway():
    # 500,000 t CO2e in FY2017; FY2025 is 8 years on: 500,000 * (1 - 0.042 * 8) = 332,000 t
    assert pathway_value(500_000, 2017, 4.2, 2025) == pytest.approx(332_000)
    assert pathway_value(500_000, 2017, 2.5, 2025) == pytest.approx(400_000)  # 1 - 0.025 * 8 = 0.8
    assert pathway_value(500_000, 2017, 4.2, 2045) == 0.0  # 28 years * 4.2 % > 100 %: never below zero
    assert implied_linear_reduction(500_000, 2017, 290_000, 2030) == pytest.approx(42 / 13)  # 3.23 % a year


def test_which_pathway_the_trajectory_and_the_target_meet():
    # base 458,405 t (FY2017); FY2018 461,930 t: above both pathways (439,152 and 446,945 t)
    # own target -42 % by FY2030: 265,875 t; 1.5 °C in FY2030: 458,405 * (1 - 0.546) = 208,116 t; WB2C: 309,424 t
    table = pathway_table(458_405.29, 2017, 461_930.13, 2018, 458_405.29 * 0.58, 2030,
                          {"one_point_five_c": ("1.5 °C", 4.2), "well_below_two_c": ("WB2C", 2.5)})
    assert list(table["trajectory_meets"]) == ["no", "no"]
    assert list(table["own_target_meets"]) == ["no", "yes"]
    assert table["pathway_FY2018_t"].iloc[0] == pytest.approx(458_405.29 * 0.958)
    assert table["pathway_FY2030_t"].iloc[1] == pytest.approx(458_405.29 * (1 - 0.025 * 13))


def test_the_checks_pass_on_a_sound_assessment():
    checks = targets_checks([_absolute({2017: 100.0, 2019: 85.0}, 2019), _three_hundred("cumulative_total")])
    assert checks and all(c.passed for c in checks)


# --- parameters ------------------------------------------------------------------------------------------

def _entry(**changes):
    base = {"name": {"value": "n", "source": "src"}, "indicators": {"value": "PRD-06 + PRD-07", "source": "src"},
            "kind": {"value": "percent_change", "source": "src"}, "base_fiscal_year": {"value": 2017, "source": "src"},
            "target_fiscal_year": {"value": 2030, "source": "src"},
            "target_value": {"value": -42, "unit": "percent", "source": "src"}}
    return TargetEntry.model_validate({**base, **changes})


def test_the_parameters_of_a_target_are_checked():
    assert tracked_ids("PRD-06 + PRD-07") == ("PRD-06", "PRD-07")
    assert _entry().ids == ("PRD-06", "PRD-07")
    for changes, message in [
        ({"indicators": {"value": "PRD-06 + XYZ-1", "source": "src"}}, "not in the indicator catalogue"),
        ({"indicators": {"value": "PRD-06 + PRD-03", "source": "src"}}, "different units"),
        ({"target_value": {"value": -42, "unit": "t CO2e", "source": "src"}}, "is not a percent"),
        ({"target_value": {"value": -420, "unit": "percent", "source": "src"}}, "outside the plausible range"),
        ({"kind": {"value": "absolute", "source": "src"}}, "is not a unit of PRD-06"),
        ({"kind": {"value": "cumulative", "source": "src"}, "target_value": {"value": 5, "unit": "Mt CO2e", "source": "src"}},
         "states its reading"),
        ({"target_fiscal_year": {"value": 2016, "source": "src"}}, "must be after base_fiscal_year"),
    ]:
        with pytest.raises(ValidationError, match=message):
            _entry(**changes)


# --- the published series they read ------------------------------------------------------------------------

def test_the_published_series_takes_history_files_then_published_years():
    series = published_series(ROOT, ["LOG-03"], 2018)
    assert series[2013].value == 177.1 and "data book" in series[2013].source  # logistics_history.csv, typed
    assert series[2017].source.startswith("FY2017 as published on")  # outputs/FY2017/results.csv
    assert 2018 not in series
    scope = published_series(ROOT, ["PRD-06", "PRD-07"], 2019)
    assert set(scope) == {2017, 2018}
    assert headline_sum([], ["PRD-06"]) is None


def test_after_the_target_year_the_path_stays_at_the_target():
    # 100 → 50 t FY2017 → FY2027; in FY2029 the path is 50 t: 48 t has met it (2 t ahead), no rate is needed
    a = _absolute({2017: 100.0, 2029: 48.0}, 2029)
    assert a.path == pytest.approx(50.0) and a.gap == pytest.approx(2.0) and a.on_track and math.isnan(a.needed_rate)
    assert trajectory(a, {2017: 100.0, 2029: 48.0})["linear_path"].iloc[-1] == pytest.approx(50.0)
    with pytest.raises(ValueError, match="before the target's base year"):
        _absolute({2016: 100.0}, 2016)
