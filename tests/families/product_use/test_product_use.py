"""Tests for envkpi.product_use: CO2 emissions from product use (CO2-04).

Clause: METHODOLOGY.md "Family 1", CO2-04, and the calculation standard's row 商品使用時の直接的なCO2排出量
(※2 best-selling model per category and region, ※3 lifetime = years the group keeps repair parts).

Every expected value is worked by hand in the test, with the arithmetic written out.
"""

from __future__ import annotations

import pandas as pd
import pytest

from envkpi.core.parameters import Param, Region
from envkpi.families.product_use.calculations import (
    best_selling_models,
    product_use_emissions,
    product_use_table,
    product_use_total,
    total_with_best_model_units,
    units_sold_reading,
)
from envkpi.core.units import Quantity, ureg

REL = 1e-12
SRC = "test"


def _param(value: float, unit: str) -> Param:
    return Param(value=value, unit=unit, source=SRC)


REGIONS = {
    "japan": Region(name="Japan", emission_factor=_param(0.410, "kg CO2 / kWh"),
                    pv_annual_generation=_param(1100, "kWh / (kW year)")),
    "china": Region(name="China", emission_factor=_param(0.74785, "kg CO2 / kWh"),
                    pv_annual_generation=_param(1200, "kWh / (kW year)")),
}
LIFETIMES = {"room_air_conditioner": _param(10, "year"), "lcd_tv": _param(8, "year")}


def _rows() -> pd.DataFrame:
    return pd.DataFrame({
        "row": [2, 3],
        "category": ["room_air_conditioner", "lcd_tv"],
        "region": ["japan", "china"],
        "model": ["CS-X", "TH-Y"],
        "model_kwh_per_year": [900.0, 100.0],
        "units_sold": [10000.0, 5000.0],
    })


def test_co2_04_one_category():
    # 900 kWh/y × 10,000 units × 10 y × 0.410 kg/kWh = 36,900,000 kg = 36,900 t CO2
    result = product_use_emissions(Quantity(900, "kWh / year"), Quantity(10000, "count"), Quantity(10, "year"),
                                   Quantity(0.410, "kg CO2 / kWh"))
    assert result.units == ureg.Unit("t CO2")
    assert result.magnitude == pytest.approx(900 * 10000 * 10 * 0.410 / 1000, rel=REL)
    assert result.magnitude == pytest.approx(36900, rel=REL)


def test_co2_04_table_shows_the_factors_used():
    table = product_use_table(_rows(), REGIONS, LIFETIMES)
    # row 2: 900 × 10,000 × 10 × 0.410 / 1,000 = 36,900 t
    # row 3: 100 × 5,000 × 8 × 0.74785 / 1,000 = 4,000,000 kWh × 0.74785 / 1,000 = 2,991.4 t
    assert list(table["row"]) == [2, 3]
    assert list(table["co2_t"]) == pytest.approx([36900, 100 * 5000 * 8 * 0.74785 / 1000], rel=REL)
    assert table["co2_t"].iloc[1] == pytest.approx(2991.4, rel=REL)
    assert list(table["lifetime"]) == ["10.0 year", "8.0 year"]
    assert list(table["emission_factor"]) == ["0.41 kg CO2 / kWh", "0.74785 kg CO2 / kWh"]
    assert list(table["model"]) == ["CS-X", "TH-Y"]


def test_co2_04_a_category_without_a_lifetime_is_an_error_naming_it():
    rows = _rows()
    rows.loc[1, "category"] = "hair_dryer"
    with pytest.raises(ValueError, match="row 3: category 'hair_dryer' is not one of product_use.lifetimes"):
        product_use_table(rows, REGIONS, LIFETIMES)


def test_co2_04_an_unknown_region_is_an_error_naming_it():
    rows = _rows()
    rows.loc[0, "region"] = "atlantis"
    with pytest.raises(ValueError, match="row 2: region 'atlantis' is not one of product_regions"):
        product_use_table(rows, REGIONS, LIFETIMES)


def _ledger() -> pd.DataFrame:
    # japan, room air conditioners: CS-A shipped 600 + 500 = 1,100 units, CS-B 1,000: CS-A sells most.
    # china, LCD TVs: TH-C and TH-D both 300 units: a tie, resolved towards the higher consumption (TH-D, 120).
    return pd.DataFrame({
        "row": [2, 3, 4, 5, 6],
        "shipment_id": ["S1", "S2", "S3", "S4", "S5"],
        "category": ["room_air_conditioner", "lcd_tv", "room_air_conditioner", "room_air_conditioner", "lcd_tv"],
        "region": ["japan", "china", "japan", "japan", "china"],
        "model": ["CS-A", "TH-C", "CS-B", "CS-A", "TH-D"],
        "model_kwh_per_year": [900.0, 100.0, 700.0, 900.0, 120.0],
        "units": [600.0, 300.0, 1000.0, 500.0, 300.0],
    })


def test_co2_04_best_selling_model_of_each_category_and_region_from_a_ledger():
    best = best_selling_models(_ledger())
    # one row per category and region, in the order of their first shipment (row 2 japan, row 3 china)
    assert list(best["category"]) == ["room_air_conditioner", "lcd_tv"]
    assert list(best["model"]) == ["CS-A", "TH-D"]
    assert list(best["model_kwh_per_year"]) == [900.0, 120.0]
    assert list(best["units_sold"]) == [600 + 1000 + 500, 300 + 300]  # every model of the category
    assert list(best["model_units"]) == [600 + 500, 300]  # the best-selling model's own
    assert list(best["models"]) == [2, 2]
    assert list(best["shipments"]) == [3, 2]
    assert list(best["row"]) == [2, 6]  # the first ledger row of the best-selling model


def test_co2_04_from_a_ledger_and_under_the_other_reading_of_units_sold():
    best = best_selling_models(_ledger())
    total = product_use_total(product_use_table(best, REGIONS, LIFETIMES))
    # japan: 900 kWh/y × 2,100 units × 10 y × 0.410 kg/kWh / 1,000 = 7,749 t
    # china: 120 kWh/y × 600 units × 8 y × 0.74785 kg/kWh / 1,000 = 430.7616 t
    assert total.m_as("t CO2") == pytest.approx(900 * 2100 * 10 * 0.410 / 1000 + 120 * 600 * 8 * 0.74785 / 1000, rel=REL)
    assert total.m_as("t CO2") == pytest.approx(7749 + 430.7616, rel=REL)
    other = total_with_best_model_units(best, REGIONS, LIFETIMES)
    # the best-selling model's own units: 900 × 1,100 × 10 × 0.410 / 1,000 = 4,059 t; 120 × 300 × 8 × 0.74785 / 1,000
    # = 215.3808 t
    assert other.m_as("t CO2") == pytest.approx(4059 + 215.3808, rel=REL)
    template, values = units_sold_reading(total, other, 5)
    assert template.format(**{k: str(v) for k, v in values.items()}).startswith("From 5 shipment rows.")
    assert values["share"] == f"{(4059 + 215.3808) / (7749 + 430.7616):.1%}" == "52.3%"


def test_co2_04_without_a_ledger_the_other_reading_is_not_given():
    assert total_with_best_model_units(_rows(), REGIONS, LIFETIMES) is None
    template, values = units_sold_reading(Quantity(1, "t CO2"), None, None)
    assert "product_shipments.csv" in template and values == {}
