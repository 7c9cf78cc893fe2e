"""Tests for envkpi.product_use: CO2 emissions from product use (CO2-04).

Clause: METHODOLOGY.md "Family 1", CO2-04, and the calculation standard's row 商品使用時の直接的なCO2排出量
(※2 best-selling model per category and region, ※3 lifetime = years the group keeps repair parts).

Every expected value is worked by hand in the test, with the arithmetic written out.
"""

from __future__ import annotations

import pandas as pd
import pytest

from envkpi.core.parameters import Param, Region
from envkpi.families.product_use.calculations import product_use_emissions, product_use_table
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
