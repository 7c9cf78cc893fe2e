"""Tests for envkpi.families.resources.calculations: each formula against a value worked out by hand from the
standard (rows 資源循環関連 of 主な環境パフォーマンス指標の算定基準), with the arithmetic written in the test."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from envkpi.core.parameters import Param
from envkpi.core.units import Quantity
from envkpi.families.resources import calculations as res


def t(value: float) -> Quantity:
    return Quantity(value, "t")


# --- RES-04: Σ scheme weight × the group's share in that scheme --------------------------------------

def test_weee_collected_of_one_scheme():
    # 150,000 t collected by the scheme × 3.2 % group share = 150,000 × 0.032 = 4,800 t
    assert res.weee_collected(t(150_000), Quantity(3.2, "percent")).m_as("t") == pytest.approx(150_000 * 0.032)


def test_weee_two_schemes_add_their_group_parts():
    rows = pd.DataFrame({"row": [2, 3], "country": ["DE", "FR"], "scheme": ["A", "B"],
                         "collected": [200_000.0, 80_000_000.0], "unit": ["t", "kg"], "group_share": [2.5, 4.0]})
    table = res.weee_collection_table(rows)
    # scheme A: 200,000 t × 2.5 % = 5,000 t; scheme B: 80,000,000 kg = 80,000 t × 4.0 % = 3,200 t
    expected = 200_000 * 0.025 + (80_000_000 / 1000) * 0.040   # = 5,000 + 3,200 = 8,200 t
    assert list(table["group_collected_t"]) == pytest.approx([5_000.0, 3_200.0])
    assert res.column_total(table, "group_collected_t").m_as("t") == pytest.approx(expected)
    assert expected == pytest.approx(8_200.0)


def test_weee_share_of_zero_gives_zero():
    assert res.weee_collected(t(1_000), Quantity(0, "percent")).m_as("t") == 0


# --- RES-08: recycled / (recycled + final disposal); thermal recovery out, incineration residue in -----

def waste_rows() -> pd.DataFrame:
    """Two rows of one site with every route: industrial waste in t, general waste in kg."""
    return pd.DataFrame({
        "row": [2, 3], "site_id": ["JP-01", "JP-01"], "stream": ["industrial_waste", "valuables"],
        "generated": [1_000.0, 500_000.0], "recycled": [700.0, 450_000.0], "thermal_recovery": [150.0, 50_000.0],
        "incinerated": [50.0, 0.0], "landfilled": [100.0, 0.0], "incineration_residue": [20.0, 5_000.0],
        "unit": ["t", "kg"],
    })


def test_recycling_rate_excludes_thermal_recovery_and_counts_incineration_residue():
    totals = res.waste_totals(res.factory_waste_table(waste_rows()))
    # recycled R = 700 t + 450,000 kg (450 t) = 1,150 t   (thermal recovery 150 t + 50 t is not recycled)
    # final disposal D = landfilled 100 t + 0 + residue 20 t + 5,000 kg (5 t) = 125 t
    # RES-08 = 1,150 / (1,150 + 125) = 1,150 / 1,275 = 90.196 %
    assert totals.recycled.m_as("t") == pytest.approx(1_150)
    assert totals.final_disposal.m_as("t") == pytest.approx(125)
    assert totals.rate.m_as("percent") == pytest.approx(100 * 1_150 / 1_275)
    # the readings not taken: burnt-without-recovery mass as disposal: 1,150 / (1,150 + 100 + 50) = 88.46 %
    assert totals.rate_incinerated_as_disposal.m_as("percent") == pytest.approx(100 * 1_150 / 1_300)
    # thermal recovery counted as recycled: (1,150 + 200) / (1,350 + 125) = 91.53 %
    assert totals.rate_thermal_as_recycled.m_as("percent") == pytest.approx(100 * 1_350 / 1_475)
    # waste alone (valuables left out): 700 / (700 + 100 + 20) = 85.37 %
    assert totals.rate_waste_only.m_as("percent") == pytest.approx(100 * 700 / 820)


def test_waste_generated_and_valuables():
    totals = res.waste_totals(res.factory_waste_table(waste_rows()))
    # RES-06 = 1,000 t + 500,000 kg = 1,500 t; RES-07 (valuables) = 500 t; waste = 1,000 t
    assert totals.generated.m_as("t") == pytest.approx(1_500)
    assert totals.valuables.m_as("t") == pytest.approx(500)
    assert totals.waste.m_as("t") == pytest.approx(1_000)


def test_final_disposal_and_rate_formulas():
    # D = 30 t landfilled + 12 t residue = 42 t; rate = 958 / (958 + 42) = 95.8 %
    disposal = res.final_disposal(t(30), t(12))
    assert disposal.m_as("t") == pytest.approx(42)
    assert res.recycling_rate(t(958), disposal).m_as("percent") == pytest.approx(95.8)


def test_recycling_rate_of_nothing_is_not_a_number():
    assert math.isnan(res.recycling_rate(t(0), t(0)).m_as("percent"))


def test_site_waste_gives_each_site_its_rate_and_zero_for_a_site_without_rows():
    table = res.factory_waste_table(waste_rows())
    sites = res.site_waste(table, pd.Index(["JP-01", "JP-02"]))
    assert sites.loc["JP-01", "generated_t"] == pytest.approx(1_500)
    assert sites.loc["JP-01", "recycling_rate_pct"] == pytest.approx(100 * 1_150 / 1_275)
    assert sites.loc["JP-02", "generated_t"] == 0
    assert math.isnan(sites.loc["JP-02", "recycling_rate_pct"])


# --- RES-01: the two methods -------------------------------------------------------------------------

def test_resources_input_by_each_method():
    # ① 1,000 t materials + 50 t auxiliary = 1,050 t; ② 900 t products + 50 t auxiliary + 120 t waste = 1,070 t
    assert res.resources_input_purchased(t(1_000), t(50)).m_as("t") == pytest.approx(1_050)
    assert res.resources_input_products(t(900), t(50), t(120)).m_as("t") == pytest.approx(1_070)


def test_resources_input_table_takes_each_sites_method_and_its_waste():
    rows = pd.DataFrame({"row": [2, 3, 4, 5, 6, 7], "site_id": ["A", "A", "A", "B", "B", "B"],
                         "item": ["materials", "auxiliary_materials", "products_shipped"] * 2,
                         "quantity": [1_000.0, 50.0, 900.0, 2_000.0, 80_000.0, 1_700.0],
                         "unit": ["t", "t", "t", "t", "kg", "t"]})
    waste = pd.Series({"A": 120.0, "B": 300.0})
    table = res.resources_input_table(rows, waste, {"A": "purchased_materials", "B": "products_auxiliary_waste"})
    # A by ①: 1,000 + 50 = 1,050 t; B by ②: 1,700 + 80,000 kg (80 t) + 300 = 2,080 t; RES-01 = 3,130 t
    assert list(table["input_t"]) == pytest.approx([1_050, 2_080])
    totals = res.resources_input_totals(table)
    assert totals.total.m_as("t") == pytest.approx(1_050 + 2_080)
    # every site by ①: 1,050 + (2,000 + 80) = 3,130 t; by ②: (900 + 50 + 120) + 2,080 = 3,150 t
    assert totals.purchased_method.m_as("t") == pytest.approx(1_050 + 2_080)
    assert totals.products_method.m_as("t") == pytest.approx(1_070 + 2_080)


def test_resources_input_other_method_is_unknown_when_an_item_is_missing():
    rows = pd.DataFrame({"row": [2, 3], "site_id": ["A", "A"], "item": ["materials", "auxiliary_materials"],
                         "quantity": [10.0, 1.0], "unit": ["t", "t"]})
    totals = res.resources_input_totals(res.resources_input_table(rows, pd.Series({"A": 2.0}), {"A": "purchased_materials"}))
    assert totals.total.m_as("t") == pytest.approx(11)
    assert totals.products_method is None


# --- RES-02, RES-03, RES-05 --------------------------------------------------------------------------

def test_recycled_resin_counts_the_recycled_material_only():
    rows = pd.DataFrame({"row": [2, 3], "site_id": ["A", "B"], "resin": ["PP", "ABS"],
                         "compound_mass": [1_000.0, 250_000.0], "added_virgin_mass": [130.0, 40_000.0], "unit": ["t", "kg"]})
    table = res.recycled_resin_table(rows)
    # 1,000 − 130 = 870 t; 250,000 kg − 40,000 kg = 210,000 kg = 210 t; RES-02 = 1,080 t
    assert list(table["recycled_t"]) == pytest.approx([870, 210])
    assert res.column_total(table, "recycled_t").m_as("t") == pytest.approx(1_080)


def test_appliance_rate_beside_the_statutory_rate():
    rows = pd.DataFrame({"row": [2, 3], "category": ["air_conditioner", "refrigerator"],
                         "processed": [1_000.0, 2_000.0], "recycled": [920.0, 1_300.0], "unit": ["t", "t"]})
    rates = {"air_conditioner": Param(value=80, unit="percent", source="test"),
             "refrigerator": Param(value=70, unit="percent", source="test")}
    table = res.appliance_recycling_table(rows, rates)
    # 920 / 1,000 = 92 % ≥ 80 %; 1,300 / 2,000 = 65 % < 70 %; RES-03 = 920 + 1,300 = 2,220 t
    assert list(table["achieved_rate_pct"]) == pytest.approx([92.0, 65.0])
    assert list(table["statutory_rate_pct"]) == [80.0, 70.0]
    assert list(table["meets_statutory_rate"]) == ["yes", "NO"]
    assert res.column_total(table, "recycled_t").m_as("t") == pytest.approx(2_220)


def test_us_ewaste_sums_state_law_and_voluntary_programmes():
    rows = pd.DataFrame({"row": [2, 3, 4], "programme": ["P", "P", "Q"], "kind": ["state_law", "state_law", "voluntary"],
                         "state": ["NY", "PA", ""], "collected": [60.0, 40.0, 12_500.0], "unit": ["t", "t", "kg"]})
    # 60 t + 40 t + 12,500 kg (12.5 t) = 112.5 t
    assert res.column_total(res.us_ewaste_table(rows), "collected_t").m_as("t") == pytest.approx(112.5)


def test_column_total_refuses_a_column_not_in_tonnes():
    with pytest.raises(ValueError, match="tonnes"):
        res.column_total(pd.DataFrame({"collected": [1.0]}), "collected")


def test_checks_pass_on_consistent_figures():
    table = res.factory_waste_table(waste_rows())
    totals = res.waste_totals(table)
    sites = res.site_waste(table, pd.Index(["JP-01"]))
    resin = res.recycled_resin_table(pd.DataFrame({"row": [2], "site_id": ["JP-01"], "resin": ["PP"], "compound_mass": [10.0],
                                                   "added_virgin_mass": [1.0], "unit": ["t"]}))
    weee = res.weee_collection_table(pd.DataFrame({"row": [2], "country": ["DE"], "scheme": ["A"], "collected": [100.0],
                                                   "unit": ["t"], "group_share": [5.0]}))
    inputs = res.resources_input_table(pd.DataFrame({"row": [2, 3], "site_id": ["JP-01"] * 2,
                                                     "item": ["materials", "auxiliary_materials"], "quantity": [5.0, 1.0],
                                                     "unit": ["t", "t"]}), sites["generated_t"], {"JP-01": "purchased_materials"})
    checks = res.resources_checks(totals, table, sites, resin, weee, res.resources_input_totals(inputs), inputs)
    assert all(check.passed for check in checks), [c for c in checks if not c.passed]
