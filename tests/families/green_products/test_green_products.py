"""Tests for envkpi.families.green_products.calculations: each indicator against a value worked out by hand from the
standard's rows 環境配慮商品関連, the arithmetic written in the test."""

from __future__ import annotations

import pandas as pd
import pytest

from envkpi.core.units import Quantity
from envkpi.families.green_products import calculations as gp

FUEL_CELL = Quantity(1870, "kWh / year")  # CO2-01: 当年度製品の1台毎の発電量(1870kWh/年)
TEN_YEARS = Quantity(10, "year")


def history(*rows: tuple[int, str, str, float]) -> pd.DataFrame:
    """History rows (fiscal_year, series, key, value) as the loader hands them on."""
    frame = pd.DataFrame(rows, columns=["fiscal_year", "series", "key", "value"])
    frame["value_as_published"] = pd.NA
    return frame


# --- GP-01, GP-02 -------------------------------------------------------------------------------------------

STRATEGIC = pd.DataFrame({
    "product": ["a", "b", "c"],
    "criterion_top_performance": [True, False, True],
    "criterion_diffusion": [False, False, True],
    "criterion_regional": [False, False, True],
    "sales": [300.0, 500.0, 200.0],  # [MJPY]
})


def test_gp01_gp02_by_hand():
    products = gp.strategic_products(STRATEGIC, "at_least_one")
    assert list(products["criteria_met"]) == [1, 0, 3]
    # a meets (1), c meets all three, b none: 2 products, 300 + 200 = 500 MJPY
    assert gp.strategic_product_count(products).m_as("count") == 2
    assert gp.strategic_sales(products).m_as("MJPY") == 300 + 200
    # GP-02 = 500 / 10,000 MJPY = 5 %
    assert gp.sales_share(gp.strategic_sales(products), Quantity(10_000, "MJPY")).m_as("percent") == pytest.approx(500 / 10_000 * 100)
    # the other reading (all three criteria): c alone, 200 / 10,000 = 2 %
    strict = gp.strategic_products(STRATEGIC, "all")
    assert gp.strategic_product_count(strict).m_as("count") == 1
    assert gp.sales_share(gp.strategic_sales(strict), Quantity(10, "GJPY")).m_as("percent") == pytest.approx(200 / 10_000 * 100)


# --- GP-03 ----------------------------------------------------------------------------------------------------

def test_gp03_sums_before_dividing():
    rows = pd.DataFrame({"category": ["ac", "fridge"], "region": ["japan", "japan"],
                         "base_kwh_per_year": [1000.0, 500.0], "kwh_per_year": [800.0, 250.0], "units_sold": [10.0, 40.0]})
    table = gp.efficiency_table(rows)
    # no improvement: 1000 × 10 + 500 × 40 = 10,000 + 20,000 = 30,000 kWh/y; actual: 800 × 10 + 250 × 40 = 8,000 + 10,000 = 18,000
    assert list(table["no_improvement_kwh"]) == [10_000, 20_000]
    assert list(table["actual_kwh"]) == [8_000, 10_000]
    improvement = gp.efficiency_improvement(Quantity(table["no_improvement_kwh"].sum(), "kWh/year"),
                                            Quantity(table["actual_kwh"].sum(), "kWh/year"))
    assert improvement.m_as("percent") == pytest.approx((1 - 18_000 / 30_000) * 100)  # 40 %
    # the other reading, the mean of the rows' improvements: (20 % + 50 %) / 2 = 35 %
    assert gp.efficiency_improvement_mean_of_ratios(table).m_as("percent") == pytest.approx((20 + 50) / 2)


# --- GP-04, GP-06 -------------------------------------------------------------------------------------------

THREE_YEARS = history((2010, "fuel_cell_units", "japan", 100), (2011, "fuel_cell_units", "japan", 200))


def test_gp04_from_three_years_by_hand():
    yearly = gp.yearly_shipments(THREE_YEARS, "fuel_cell_units", {"japan": 300}, 2012, ["japan"])
    assert yearly["japan"].to_dict() == {2010: 100, 2011: 200, 2012: 300}
    per_unit = {"japan": FUEL_CELL}
    # (a) the fleet in FY2012: (100 + 200 + 300) units × 1,870 kWh = 1,122,000 kWh = 1,122 MWh
    assert gp.fleet_generation(yearly, per_unit, TEN_YEARS, 2012).m_as("MWh") == pytest.approx((100 + 200 + 300) * 1870 / 1000)
    # (b) accumulated: FY2010 100 + FY2011 300 + FY2012 600 units-years × 1.87 MWh = 1,870 MWh
    assert gp.accumulated_generation(yearly, per_unit, TEN_YEARS, 2012).m_as("MWh") == pytest.approx((100 + 300 + 600) * 1.87)
    # a lifetime of 2 years leaves FY2010's units out in FY2012: (200 + 300) × 1.87 = 935 MWh
    assert gp.fleet_generation(yearly, per_unit, Quantity(2, "year"), 2012).m_as("MWh") == pytest.approx((200 + 300) * 1.87)
    by_region = gp.generation_by_key(yearly, per_unit, TEN_YEARS, 2012, "accumulated")
    assert by_region.to_dict() == pytest.approx({"japan": 1000 * 1.87})


def test_gp04_takes_a_restated_earlier_year():
    restated = THREE_YEARS.copy()
    restated.loc[restated["fiscal_year"] == 2011, ["value", "value_as_published"]] = [250.0, 200.0]  # FY2011 restated 200 → 250
    yearly = gp.yearly_shipments(restated, "fuel_cell_units", {"japan": 300}, 2012, ["japan"])
    # (100 + 250 + 300) × 1.87 MWh = 1,215.5 MWh
    assert gp.fleet_generation(yearly, {"japan": FUEL_CELL}, TEN_YEARS, 2012).m_as("MWh") == pytest.approx(650 * 1.87)
    # as first published: (100 + 200 + 300) × 1.87 = 1,122 MWh
    published = gp.yearly_shipments(restated, "fuel_cell_units", {"japan": 300}, 2012, ["japan"], column="value_as_published")
    assert gp.fleet_generation(published, {"japan": FUEL_CELL}, TEN_YEARS, 2012).m_as("MWh") == pytest.approx(600 * 1.87)


def test_gp06_by_region_with_the_region_yield():
    past = history((2012, "pv_capacity", "japan", 1_000))
    yearly = gp.yearly_shipments(past, "pv_capacity", {"japan": 2_000, "china": 500}, 2013, ["japan", "china"])
    yields = {"japan": Quantity(1100, "kWh / (kW year)"), "china": Quantity(1300, "kWh / (kW year)")}
    by_region = gp.fleet_generation_by_key(yearly, yields, Quantity(25, "year"), 2013)
    # japan (1,000 + 2,000) kW × 1,100 kWh/kW = 3,300 MWh; china 500 kW × 1,300 = 650 MWh
    assert by_region.to_dict() == pytest.approx({"japan": 3_000 * 1.1, "china": 500 * 1.3})
    assert gp.fleet_generation(yearly, yields, Quantity(25, "year"), 2013).m_as("MWh") == pytest.approx(3_300 + 650)


def test_pv_capacity_in_mw_is_converted():
    rows = pd.DataFrame({"capacity_shipped": [41.8, 500.0], "unit": ["MW", "kW"]})
    assert list(gp.pv_capacity_kw(rows)) == pytest.approx([41.8 * 1000, 500])


# --- GP-05, GP-07, GP-08, GP-09 -----------------------------------------------------------------------------

def test_gp05_led_share_by_value():
    rows = pd.DataFrame({"lighting_type": ["led", "led", "conventional"], "sales": [80.0, 10.0, 10.0]})
    assert gp.led_share(rows).m_as("percent") == pytest.approx((80 + 10) / (80 + 10 + 10) * 100)  # 90 %


def test_gp07_rooms_by_hand():
    past = history((2015, "air_quality_units", "purifier", 10), (2015, "air_quality_units", "vent", 4))
    yearly = gp.yearly_shipments(past, "air_quality_units", {"purifier": 20}, 2016, ["purifier", "vent"])
    rooms = {"purifier": Quantity(2, "count"), "vent": Quantity(1, "count")}
    # (10 + 20) purifiers × 2 rooms + 4 vents × 1 room = 60 + 4 = 64 rooms
    assert gp.rooms_improved(yearly, rooms).m_as("count") == (10 + 20) * 2 + 4 * 1
    assert gp.rooms_by_product(yearly, rooms).to_dict() == {"purifier": 60, "vent": 4}
    assert gp.rooms_series(yearly, rooms).to_dict() == {2015: 10 * 2 + 4, 2016: 64}


def test_gp08_zeh_and_nearly_zeh():
    houses = pd.DataFrame({"house_type": ["zeh", "nearly_zeh", "other"], "houses_contracted": [60.0, 15.0, 25.0]})
    assert gp.zeh_share(houses).m_as("percent") == pytest.approx((60 + 15) / 100 * 100)  # 75 %
    assert gp.zeh_share(houses, ("zeh",)).m_as("percent") == pytest.approx(60 / 100 * 100)


def test_gp09_sites_and_lots():
    cities = pd.DataFrame({"smart_city": ["x", "y"], "lots_planned": [100, 50], "lots_sold": [70, 20]})
    assert gp.smart_city_sites(cities).m_as("count") == 2
    assert gp.lots_sold(cities).m_as("count") == 70 + 20


# --- GP-10, GP-11 --------------------------------------------------------------------------------------------

def test_gp10_against_the_base_year_of_the_history():
    past = history((2014, "battery_vehicles", "EV", 100), (2014, "battery_vehicles", "HV", 300),
                   (2015, "battery_vehicles", "EV", 999))
    base = gp.base_year_value(past, "battery_vehicles", 2014, 600, 2018)
    assert base == 100 + 300
    # 600 / 400 = 150 %
    assert gp.index_to_base_year(Quantity(600, "count"), Quantity(base, "count")).m_as("percent") == pytest.approx(600 / 400 * 100)
    # in the base year itself, its own figure: 100 %
    assert gp.base_year_value(past, "battery_vehicles", 2014, 600, 2014) == 600


def test_gp11_in_million_yen():
    assert gp.index_to_base_year(Quantity(470.5, "GJPY"), Quantity(418_000, "MJPY")).m_as("percent") == pytest.approx(470_500 / 418_000 * 100)
