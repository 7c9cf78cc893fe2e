"""Tests for envkpi.production: energy and greenhouse gases of the factories (PRD-01 … PRD-07).

Clauses: METHODOLOGY.md "Family 2 — production" and the calculation standard's rows
生産活動におけるCO2排出量 (PRD-01), …原単位(2013年度比) (PRD-02), …エネルギー消費量 (PRD-03),
再生可能エネルギー自社導入量 (PRD-04), …CO2以外の温室効果ガス排出量 (PRD-05), スコープ1排出量 (PRD-06),
スコープ2排出量 (PRD-07), 燃料の使用に伴うCO2排出係数 and 電力、熱の購入に伴うCO2排出係数.

Every expected value is worked by hand in the test, with the arithmetic written out.
"""

from __future__ import annotations

import dataclasses
import math
import shutil
from pathlib import Path

import pandas as pd
import pint
import pytest

from envkpi.families.production.parameters import CityGasSupplier, HeatCarrier, HeatSupply
from envkpi.core.parameters import Fuel, Param, Sourced
from envkpi.families import load_parameters
from envkpi.families.production.calculations import (heat_emission_factor_abroad, purchased_heat_energy,
    purchased_heat_readings, ChainedIndex, GroupTotals, chained_intensity_index, electricity_primary_energy,
    fuel_co2, fuel_emissions, fuel_energy, group_totals, intensity_series, non_co2_emissions, non_co2_ghg_co2e,
    production_checks, production_co2, purchased_emissions, purchased_energy_co2, renewable_energy_total,
    renewable_energy_used, scope1_emissions, scope2_emissions, site_totals)
from envkpi.families.production.tables import load_production_inputs
from envkpi.core.units import Quantity, gwp_context, ureg

REL = 1e-12
SRC = "test source"


def _param(value: float, unit: str) -> Param:
    return Param(value=value, unit=unit, source=SRC)


# --- parameters of the worked examples -----------------------------------------------------------

FUELS = {
    "a_heavy_oil": Fuel(name_en="A heavy oil", name_ja="A重油",
                        calorific_value=_param(39.1, "GJ / kL"), carbon_factor=_param(0.0189, "t C / GJ")),
    "lpg": Fuel(name_en="Liquefied petroleum gas", name_ja="液化石油ガス(LPG)",
                calorific_value=_param(50.8, "GJ / t"), carbon_factor=_param(0.0161, "t C / GJ")),
    # city gas: no calorific value of its own; the supplier's is used
    "city_gas": Fuel(name_en="City gas (13A)", name_ja="都市ガス", carbon_factor=_param(0.0136, "t C / GJ")),
}
SUPPLIERS = {
    "gas_a": CityGasSupplier(name="Gas A", calorific_value=_param(45, "GJ / kNm3")),
    "gas_b": CityGasSupplier(name="Gas B", calorific_value=_param(46, "GJ / kNm3")),
}
ELECTRICITY_FACTORS = {"JP": _param(0.410, "kg CO2 / kWh"), "CN": _param(0.74785, "kg CO2 / kWh")}
HEAT_CARRIERS = {
    "steam": HeatCarrier(name_en="Industrial steam", name_ja="産業用蒸気", energy_factor=_param(1.02, "GJ / GJ"),
                         emission_factor=_param(0.060, "t CO2 / GJ")),
}
# heat bought in China: coal (94,600 kg CO2/TJ) in a boiler of 80 % efficiency
HEAT_ABROAD = {"CN": HeatSupply(fuel=Sourced(value="coal", source="test"), fuel_emission_factor=_param(94_600, "kg CO2 / TJ"),
                                boiler_efficiency=_param(80, "percent"))}
ELECTRICITY_ENERGY_FACTOR = Quantity(9.76, "GJ / MWh")
COUNTRIES = pd.Series({"S1": "JP", "S2": "CN", "S3": "JP"})
SITES = pd.Index(["S1", "S2", "S3"], name="site_id")  # S3 has no activity at all
GWP = {"SF6": _param(22800, "CO2e / SF6"), "CH4": _param(25, "CO2e / CH4"), "HFC-134a": _param(1430, "CO2e / HFC134a")}

# --- hand-worked rows (used by several tests) ----------------------------------------------------
# fuel_use
#   row 2  S1  A heavy oil  10 kL:       10 × 39.1 GJ/kL = 391 GJ;
#                                         391 GJ × 0.0189 t C/GJ = 7.3899 t C × 44/12 = 27.0963 t CO2
#   row 3  S1  LPG          2 t:          2 × 50.8 GJ/t = 101.6 GJ;
#                                         101.6 × 0.0161 = 1.63576 t C × 44/12 = 5.997786666… t CO2
#   row 4  S2  city gas     100 kNm3 (supplier A, 45 GJ/kNm3): 100 × 45 = 4,500 GJ;
#                                         4,500 × 0.0136 = 61.2 t C × 44/12 = 224.4 t CO2
#   row 5  S2  city gas     50,000 Nm3 = 50 kNm3 (supplier B, 46 GJ/kNm3): 50 × 46 = 2,300 GJ;
#                                         2,300 × 0.0136 = 31.28 t C × 44/12 = 114.693333… t CO2
FUEL_GJ = {2: 10 * 39.1, 3: 2 * 50.8, 4: 100 * 45, 5: 50_000 / 1000 * 46}
FUEL_CO2 = {
    2: 10 * 39.1 * 0.0189 * 44 / 12,
    3: 2 * 50.8 * 0.0161 * 44 / 12,
    4: 100 * 45 * 0.0136 * 44 / 12,
    5: 50_000 / 1000 * 46 * 0.0136 * 44 / 12,
}
# purchased_energy
#   row 2  S1 (JP)  electricity 1,000,000 kWh = 1,000 MWh: 1,000 × 9.76 GJ/MWh = 9,760 GJ;
#                   1,000,000 kWh × 0.410 kg CO2/kWh = 410,000 kg = 410 t CO2
#   row 3  S2 (CN)  electricity 2,000 MWh: 2,000 × 9.76 = 19,520 GJ;
#                   2,000,000 kWh × 0.74785 kg CO2/kWh = 1,495,700 kg = 1,495.7 t CO2
#   row 4  S1 (JP)  industrial steam 500 GJ: 500 × 1.02 GJ/GJ = 510 GJ (Energy Conservation Act);
#                   500 GJ × 0.060 t CO2/GJ = 30 t CO2 (算定省令, in Japan)
PURCHASED_GJ = {2: 1_000_000 / 1000 * 9.76, 3: 2000 * 9.76, 4: 500 * 1.02}
PURCHASED_CO2 = {2: 1_000_000 * 0.410 / 1000, 3: 2000 * 1000 * 0.74785 / 1000, 4: 500 * 0.060}
# non_co2_ghg (IPCC AR4 GWP-100)
#   row 2  S1  SF6       85 kg:  85 × 22,800 = 1,938,000 kg CO2e = 1,938 t CO2e
#   row 3  S2  CH4       2.4 t:  2.4 × 25 = 60 t CO2e
#   row 4  S2  HFC-134a  260 kg: 260 × 1,430 = 371,800 kg CO2e = 371.8 t CO2e
NON_CO2 = {2: 85 * 22800 / 1000, 3: 2.4 * 25, 4: 260 * 1430 / 1000}


@pytest.fixture(scope="module")
def gwp() -> str:
    """A test GWP set (AR4 values), registered as a pint context."""
    return gwp_context("TEST-AR4", {gas: p.quantity for gas, p in GWP.items()})


def _fuel_use() -> pd.DataFrame:
    return pd.DataFrame({
        "row": [2, 3, 4, 5],
        "site_id": ["S1", "S1", "S2", "S2"],
        "fuel": ["a_heavy_oil", "lpg", "city_gas", "city_gas"],
        "quantity": [10.0, 2.0, 100.0, 50_000.0],
        "unit": ["kL", "t", "kNm3", "Nm3"],
        "supplier": [None, None, "gas_a", "gas_b"],
    })


def _purchased() -> pd.DataFrame:
    return pd.DataFrame({
        "row": [2, 3, 4],
        "site_id": ["S1", "S2", "S1"],
        "carrier": ["electricity", "electricity", "steam"],
        "quantity": [1_000_000.0, 2000.0, 500.0],
        "unit": ["kWh", "MWh", "GJ"],
    })


def _ghg() -> pd.DataFrame:
    return pd.DataFrame({
        "row": [2, 3, 4],
        "site_id": ["S1", "S2", "S2"],
        "gas": ["SF6", "CH4", "HFC-134a"],
        "quantity": [85.0, 2.4, 260.0],
        "unit": ["kg", "t", "kg"],
    })


def _renewables() -> pd.DataFrame:
    return pd.DataFrame({
        "row": [2, 3],
        "site_id": ["S1", "S2"],
        "source": ["solar", "wind"],
        "generated": [120_000.0, 50.0],
        "used_on_site": [100_000.0, 30.0],
        "unit": ["kWh", "MWh"],
    })


def _tables(gwp: str):
    fuel = fuel_emissions(_fuel_use(), FUELS, SUPPLIERS)
    purchased = purchased_emissions(_purchased(), COUNTRIES, ELECTRICITY_FACTORS, HEAT_CARRIERS, HEAT_ABROAD,
                                    ELECTRICITY_ENERGY_FACTOR)
    non_co2 = non_co2_emissions(_ghg(), GWP, gwp)
    return fuel, purchased, non_co2


# === formulas ====================================================================================

def test_fuel_energy_of_a_volume_fuel():
    # 1,000 kL A heavy oil × 39.1 GJ/kL = 39,100 GJ
    result = fuel_energy(Quantity(1000, "kL"), Quantity(39.1, "GJ / kL"))
    assert result.magnitude == pytest.approx(1000 * 39.1, rel=REL)
    assert result.units == ureg.Unit("GJ")


def test_fuel_energy_of_a_mass_fuel():
    # 250 t LPG × 50.8 GJ/t = 12,700 GJ
    result = fuel_energy(Quantity(250, "t"), Quantity(50.8, "GJ / t"))
    assert result.magnitude == pytest.approx(250 * 50.8, rel=REL)
    assert result.units == ureg.Unit("GJ")


def test_fuel_energy_converts_litres_to_kilolitres():
    # 38,500 L diesel = 38.5 kL × 37.7 GJ/kL = 1,451.45 GJ
    result = fuel_energy(Quantity(38_500, "L"), Quantity(37.7, "GJ / kL"))
    assert result.magnitude == pytest.approx(38_500 / 1000 * 37.7, rel=REL)


def test_fuel_energy_with_a_calorific_value_of_the_wrong_kind_raises():
    # kL × GJ/t is not an energy
    with pytest.raises(pint.DimensionalityError):
        fuel_energy(Quantity(1000, "kL"), Quantity(50.8, "GJ / t"))


def test_fuel_co2_of_a_volume_fuel():
    # 1,000 kL A heavy oil × 39.1 GJ/kL × 0.0189 t C/GJ × 44/12
    #   = 39,100 GJ × 0.0189 = 738.99 t C × 44/12 = 2,709.63 t CO2
    result = fuel_co2(Quantity(1000, "kL"), Quantity(39.1, "GJ / kL"), Quantity(0.0189, "t C / GJ"))
    expected = 1000 * 39.1 * 0.0189 * 44 / 12
    assert expected == pytest.approx(2709.63, rel=REL)
    assert result.magnitude == pytest.approx(expected, rel=REL)
    assert result.units == ureg.Unit("t CO2")


def test_fuel_co2_of_a_mass_fuel():
    # 250 t LPG × 50.8 GJ/t × 0.0161 t C/GJ × 44/12
    #   = 12,700 GJ × 0.0161 = 204.47 t C × 44/12 = 749.723333… t CO2
    result = fuel_co2(Quantity(250, "t"), Quantity(50.8, "GJ / t"), Quantity(0.0161, "t C / GJ"))
    expected = 250 * 50.8 * 0.0161 * 44 / 12
    assert expected == pytest.approx(749.72333333333333, rel=REL)
    assert result.magnitude == pytest.approx(expected, rel=REL)
    assert result.units == ureg.Unit("t CO2")


def test_fuel_co2_of_city_gas_in_knm3():
    # 5,820 kNm3 × 45 GJ/kNm3 × 0.0136 t C/GJ × 44/12
    #   = 261,900 GJ × 0.0136 = 3,561.84 t C × 44/12 = 13,060.08 t CO2
    result = fuel_co2(Quantity(5820, "kNm3"), Quantity(45, "GJ / kNm3"), Quantity(0.0136, "t C / GJ"))
    expected = 5820 * 45 * 0.0136 * 44 / 12
    assert expected == pytest.approx(13060.08, rel=REL)
    assert result.magnitude == pytest.approx(expected, rel=REL)
    assert result.units == ureg.Unit("t CO2")


def test_fuel_co2_of_city_gas_in_nm3_equals_the_same_amount_in_knm3():
    # 5,820,000 Nm3 = 5,820 kNm3: same 13,060.08 t CO2 as above
    in_nm3 = fuel_co2(Quantity(5_820_000, "Nm3"), Quantity(45, "GJ / kNm3"), Quantity(0.0136, "t C / GJ"))
    expected = 5_820_000 / 1000 * 45 * 0.0136 * 44 / 12
    assert in_nm3.m_as("t CO2") == pytest.approx(expected, rel=REL)
    # and the energy: 5,820 kNm3 × 45 GJ/kNm3 = 261,900 GJ both ways
    assert fuel_energy(Quantity(5_820_000, "Nm3"), Quantity(45, "GJ / kNm3")).m_as("GJ") == pytest.approx(
        5820 * 45, rel=REL)
    assert fuel_energy(Quantity(5820, "kNm3"), Quantity(45, "GJ / kNm3")).m_as("GJ") == pytest.approx(
        5820 * 45, rel=REL)


def test_purchased_electricity_co2_in_kwh():
    # 96,400,000 kWh × 0.410 kg CO2/kWh = 39,524,000 kg = 39,524 t CO2
    result = purchased_energy_co2(Quantity(96_400_000, "kWh"), Quantity(0.410, "kg CO2 / kWh"))
    assert result.magnitude == pytest.approx(96_400_000 * 0.410 / 1000, rel=REL)
    assert result.units == ureg.Unit("t CO2")


def test_purchased_electricity_co2_in_mwh():
    # 96,400 MWh = 96,400,000 kWh × 0.410 kg CO2/kWh = 39,524 t CO2, as above
    result = purchased_energy_co2(Quantity(96_400, "MWh"), Quantity(0.410, "kg CO2 / kWh"))
    assert result.magnitude == pytest.approx(96_400 * 1000 * 0.410 / 1000, rel=REL)
    assert result.units == ureg.Unit("t CO2")


def test_purchased_steam_co2():
    # 42,600 GJ steam × 0.060 t CO2/GJ = 2,556 t CO2
    result = purchased_energy_co2(Quantity(42_600, "GJ"), Quantity(0.060, "t CO2 / GJ"))
    assert result.magnitude == pytest.approx(42_600 * 0.060, rel=REL)
    assert result.units == ureg.Unit("t CO2")


def test_electricity_primary_energy():
    # 96,400 MWh × 9.76 GJ/MWh = 940,864 GJ
    result = electricity_primary_energy(Quantity(96_400, "MWh"), Quantity(9.76, "GJ / MWh"))
    assert result.magnitude == pytest.approx(96_400 * 9.76, rel=REL)
    assert result.units == ureg.Unit("GJ")


def test_electricity_primary_energy_from_kwh():
    # 1,500,000 kWh = 1,500 MWh × 9.76 GJ/MWh = 14,640 GJ
    result = electricity_primary_energy(Quantity(1_500_000, "kWh"), Quantity(9.76, "GJ / MWh"))
    assert result.magnitude == pytest.approx(1_500_000 / 1000 * 9.76, rel=REL)


def test_non_co2_ghg_co2e_sf6(gwp):
    # 85 kg SF6 × 22,800 = 1,938,000 kg CO2e = 1,938 t CO2e
    result = non_co2_ghg_co2e(Quantity(85, "kg SF6"), gwp)
    assert result.magnitude == pytest.approx(85 * 22800 / 1000, rel=REL)
    assert result.units == ureg.Unit("t CO2e")


def test_non_co2_ghg_co2e_sf6_in_grams(gwp):
    # 85 g SF6 = 0.085 kg × 22,800 = 1,938 kg CO2e = 1.938 t CO2e
    result = non_co2_ghg_co2e(Quantity(85, "g SF6"), gwp)
    assert result.magnitude == pytest.approx(85 / 1000 * 22800 / 1000, rel=REL)
    assert result.magnitude == pytest.approx(1.938, rel=REL)


def test_non_co2_ghg_co2e_methane(gwp):
    # 2.4 t CH4 × 25 = 60 t CO2e
    result = non_co2_ghg_co2e(Quantity(2.4, "t CH4"), gwp)
    assert result.magnitude == pytest.approx(2.4 * 25, rel=REL)
    assert result.units == ureg.Unit("t CO2e")


def test_non_co2_ghg_co2e_of_a_gas_outside_the_set_raises(gwp):
    # N2O is not in the test set
    with pytest.raises(pint.DimensionalityError):
        non_co2_ghg_co2e(Quantity(180, "kg N2O"), gwp)


def test_prd01_production_co2_is_fuel_plus_purchased():
    # PRD-01: 2,709.63 t CO2 (fuel) + 39,524,000 kg CO2 (purchased) = 2,709.63 + 39,524 = 42,233.63 t CO2
    result = production_co2(Quantity(2709.63, "t CO2"), Quantity(39_524_000, "kg CO2"))
    assert result.magnitude == pytest.approx(2709.63 + 39_524, rel=REL)
    assert result.units == ureg.Unit("t CO2")


def test_prd01_production_co2_refuses_a_non_co2_gas():
    with pytest.raises(pint.DimensionalityError):
        production_co2(Quantity(1, "t CO2"), Quantity(1, "t CH4"))


def test_prd06_scope1_is_fuel_co2_plus_non_co2_ghg():
    # PRD-06: 2,709.63 t CO2 + 1,938 t CO2e = 4,647.63 t CO2e
    result = scope1_emissions(Quantity(2709.63, "t CO2"), Quantity(1938, "t CO2e"))
    assert result.magnitude == pytest.approx(2709.63 + 1938, rel=REL)
    assert result.units == ureg.Unit("t CO2e")


def test_prd06_scope1_refuses_an_unconverted_gas():
    # 85 kg SF6 must first go through the GWP context
    with pytest.raises(pint.DimensionalityError):
        scope1_emissions(Quantity(2709.63, "t CO2"), Quantity(85, "kg SF6"))


def test_prd07_scope2_is_purchased_co2_in_co2e():
    # PRD-07: 39,524,000 kg CO2 = 39,524 t CO2e
    result = scope2_emissions(Quantity(39_524_000, "kg CO2"))
    assert result.magnitude == pytest.approx(39_524_000 / 1000, rel=REL)
    assert result.units == ureg.Unit("t CO2e")


def test_prd03_energy_consumed_fuel_plus_electricity_plus_heat():
    # PRD-03 for one site: 1,240 kL A heavy oil × 39.1 GJ/kL = 48,484 GJ
    #   + 96,400 MWh × 9.76 GJ/MWh = 940,864 GJ + 42,600 GJ industrial steam × 1.02 GJ/GJ = 43,452 GJ
    #   = 1,032,800 GJ
    total = (fuel_energy(Quantity(1240, "kL"), Quantity(39.1, "GJ / kL"))
             + electricity_primary_energy(Quantity(96_400, "MWh"), Quantity(9.76, "GJ / MWh"))
             + purchased_heat_energy(Quantity(42_600, "GJ"), Quantity(1.02, "GJ / GJ")))
    assert total.m_as("GJ") == pytest.approx(1240 * 39.1 + 96_400 * 9.76 + 42_600 * 1.02, rel=REL)
    assert total.m_as("GJ") == pytest.approx(1_032_800, rel=REL)


# === tables ======================================================================================

def test_fuel_emissions_rows():
    table = fuel_emissions(_fuel_use(), FUELS, SUPPLIERS)
    assert list(table["row"]) == [2, 3, 4, 5]
    assert list(table["site_id"]) == ["S1", "S1", "S2", "S2"]
    for row, energy, co2 in zip(table["row"], table["energy_gj"], table["co2_t"]):
        assert energy == pytest.approx(FUEL_GJ[row], rel=REL), f"row {row} energy"
        assert co2 == pytest.approx(FUEL_CO2[row], rel=REL), f"row {row} CO2"
    # the hand-worked figures written in the comments above
    assert list(table["energy_gj"]) == pytest.approx([391, 101.6, 4500, 2300], rel=REL)
    assert list(table["co2_t"]) == pytest.approx([27.0963, 5.997786666666667, 224.4, 114.69333333333333], rel=REL)


def test_fuel_emissions_shows_the_factor_used_on_each_row():
    table = fuel_emissions(_fuel_use(), FUELS, SUPPLIERS)
    # city gas rows take the calorific value of their supplier, the others that of the fuel;
    # the value is shown in full (repr), never rounded for display
    assert list(table["calorific_value"]) == ["39.1 GJ / kL", "50.8 GJ / t", "45.0 GJ / kNm3", "46.0 GJ / kNm3"]
    assert list(table["carbon_factor"]) == ["0.0189 t C / GJ", "0.0161 t C / GJ", "0.0136 t C / GJ", "0.0136 t C / GJ"]


def test_fuel_emissions_keeps_the_input_columns_and_leaves_the_input_alone():
    fuel_use = _fuel_use()
    before = fuel_use.copy()
    table = fuel_emissions(fuel_use, FUELS, SUPPLIERS)
    assert list(table.columns) == list(before.columns) + ["calorific_value", "carbon_factor", "energy_gj", "co2_t"]
    pd.testing.assert_frame_equal(fuel_use, before)


def test_fuel_emissions_city_gas_nm3_row_equals_knm3_row():
    # 100,000 Nm3 and 100 kNm3 of the same supplier's gas: 100 × 45 GJ/kNm3 = 4,500 GJ → 224.4 t CO2 each
    frame = pd.DataFrame({
        "row": [2, 3], "site_id": ["S1", "S1"], "fuel": ["city_gas", "city_gas"],
        "quantity": [100.0, 100_000.0], "unit": ["kNm3", "Nm3"], "supplier": ["gas_a", "gas_a"],
    })
    table = fuel_emissions(frame, FUELS, SUPPLIERS)
    assert list(table["energy_gj"]) == pytest.approx([100 * 45, 100 * 45], rel=REL)
    assert list(table["co2_t"]) == pytest.approx([100 * 45 * 0.0136 * 44 / 12] * 2, rel=REL)


def test_fuel_emissions_city_gas_under_another_key():
    # the city-gas fuel can be named differently: 10 kNm3 × 46 GJ/kNm3 = 460 GJ
    fuels = {"gas13a": FUELS["city_gas"]}
    frame = pd.DataFrame({"row": [2], "site_id": ["S1"], "fuel": ["gas13a"], "quantity": [10.0],
                          "unit": ["kNm3"], "supplier": ["gas_b"]})
    table = fuel_emissions(frame, fuels, SUPPLIERS, city_gas="gas13a")
    assert table["energy_gj"].iloc[0] == pytest.approx(10 * 46, rel=REL)


def test_purchased_emissions_rows():
    table = purchased_emissions(_purchased(), COUNTRIES, ELECTRICITY_FACTORS, HEAT_CARRIERS, HEAT_ABROAD,
                                ELECTRICITY_ENERGY_FACTOR)
    assert list(table["row"]) == [2, 3, 4]
    assert list(table["country"]) == ["JP", "CN", "JP"]
    # each country its own factor; steam in Japan the carrier's
    assert list(table["emission_factor"]) == ["0.41 kg CO2 / kWh", "0.74785 kg CO2 / kWh", "0.06 t CO2 / GJ"]
    assert list(table["energy_factor"]) == ["9.76 GJ / MWh", "9.76 GJ / MWh", "1.02 dimensionless"]
    for row, energy, co2 in zip(table["row"], table["energy_gj"], table["co2_t"]):
        assert energy == pytest.approx(PURCHASED_GJ[row], rel=REL), f"row {row} energy"
        assert co2 == pytest.approx(PURCHASED_CO2[row], rel=REL), f"row {row} CO2"
    assert list(table["energy_gj"]) == pytest.approx([9760, 19_520, 510], rel=REL)
    assert list(table["co2_t"]) == pytest.approx([410, 1495.7, 30], rel=REL)


def test_purchased_emissions_same_electricity_in_two_countries_differs_by_the_factor_ratio():
    # 1,000 MWh in JP: 1,000,000 kWh × 0.410 = 410 t; in CN: × 0.74785 = 747.85 t; same energy 9,760 GJ
    frame = pd.DataFrame({"row": [2, 3], "site_id": ["S1", "S2"], "carrier": ["electricity", "electricity"],
                          "quantity": [1000.0, 1000.0], "unit": ["MWh", "MWh"]})
    table = purchased_emissions(frame, COUNTRIES, ELECTRICITY_FACTORS, HEAT_CARRIERS, HEAT_ABROAD,
                                ELECTRICITY_ENERGY_FACTOR)
    assert list(table["co2_t"]) == pytest.approx([1_000_000 * 0.410 / 1000, 1_000_000 * 0.74785 / 1000], rel=REL)
    assert list(table["energy_gj"]) == pytest.approx([1000 * 9.76, 1000 * 9.76], rel=REL)


def test_purchased_heat_energy_uses_the_carriers_conversion_factor():
    # Energy Conservation Act, 別表第二: industrial steam 1.02, other steam, hot and cold water 1.36 GJ/GJ
    # 500 GJ industrial steam × 1.02 = 510 GJ; 800 GJ hot water × 1.36 = 1,088 GJ
    assert purchased_heat_energy(Quantity(500, "GJ"), Quantity(1.02, "GJ / GJ")).m_as("GJ") == pytest.approx(510, rel=REL)
    assert purchased_heat_energy(Quantity(800, "GJ"), Quantity(1.36, "GJ / GJ")).m_as("GJ") == pytest.approx(1088, rel=REL)
    # the carrier's factor, not 1: CO2 stays 500 × 0.060 = 30 t (the conversion is energy only)
    table = purchased_emissions(_purchased(), COUNTRIES, ELECTRICITY_FACTORS, HEAT_CARRIERS, HEAT_ABROAD,
                                ELECTRICITY_ENERGY_FACTOR)
    assert table["energy_gj"].iloc[2] == pytest.approx(500 * 1.02, rel=REL)
    assert table["co2_t"].iloc[2] == pytest.approx(500 * 0.060, rel=REL)


def test_a_chinese_sites_steam_takes_the_fuel_factor_over_the_boiler_efficiency():
    # GHG Protocol tool's method abroad: EF = 94,600 kg CO2/TJ ÷ 0.80 = 118,250 kg CO2/TJ = 0.11825 t CO2/GJ
    factor = heat_emission_factor_abroad(Quantity(94_600, "kg CO2 / TJ"), Quantity(80, "percent"))
    assert factor.m_as("t CO2 / GJ") == pytest.approx(94_600 / 1000 / 1000 / 0.80, rel=REL)
    # S2 (CN) buys 31,200 GJ of industrial steam: 31,200 × 0.11825 = 3,689.4 t CO2 (the 算定省令's 0.060 would give
    # 1,872 t); energy 31,200 × 1.02 = 31,824 GJ, the Act's factor worldwide
    frame = pd.DataFrame({"row": [2, 3], "site_id": ["S2", "S1"], "carrier": ["steam", "steam"],
                          "quantity": [31_200.0, 31_200.0], "unit": ["GJ", "GJ"]})
    table = purchased_emissions(frame, COUNTRIES, ELECTRICITY_FACTORS, HEAT_CARRIERS, HEAT_ABROAD, ELECTRICITY_ENERGY_FACTOR)
    assert table["co2_t"].tolist() == pytest.approx([31_200 * 0.11825, 31_200 * 0.060], rel=REL)
    assert table["co2_t"].iloc[0] == pytest.approx(3689.4, rel=REL)
    assert table["energy_gj"].tolist() == pytest.approx([31_200 * 1.02, 31_200 * 1.02], rel=REL)
    readings = purchased_heat_readings(table, HEAT_CARRIERS)
    # other readings: heat at its delivered content 62,400 GJ instead of 63,648; abroad with 0.060: 1,872 t
    assert readings.energy.m_as("GJ") == pytest.approx(2 * 31_200 * 1.02, rel=REL)
    assert readings.energy_delivered.m_as("GJ") == pytest.approx(62_400, rel=REL)
    assert readings.co2_abroad.m_as("t CO2") == pytest.approx(31_200 * 0.11825, rel=REL)
    assert readings.co2_abroad_japanese_factors.m_as("t CO2") == pytest.approx(1872, rel=REL)
    assert readings.rows_abroad == 1


def test_prd05_non_co2_emissions_rows(gwp):
    table = non_co2_emissions(_ghg(), GWP, gwp)
    assert list(table["row"]) == [2, 3, 4]
    assert list(table["gwp"]) == [22800, 25, 1430]
    for row, co2e in zip(table["row"], table["co2e_t"]):
        assert co2e == pytest.approx(NON_CO2[row], rel=REL), f"row {row}"
    # PRD-05 total: 1,938 + 60 + 371.8 = 2,369.8 t CO2e
    assert table["co2e_t"].sum() == pytest.approx(1938 + 60 + 371.8, rel=REL)


# --- PRD-05 with the gases of AR4 Table 2.14 that used to be rejected (issue 10, point 5) ---------

REPO = Path(__file__).resolve().parents[3]
NON_CO2_FILE = "data/FY2018/non_co2_ghg.csv"


def test_prd05_hfc_245ca_hand_worked(gwp):
    # 10 kg HFC-245ca × 693 (IPCC AR4 WG1 Table 2.14) = 6,930 kg CO2e = 6.93 t CO2e
    gwp_set = {**GWP, "HFC-245ca": _param(693, "CO2e / HFC245ca")}
    rows = pd.DataFrame({"row": [2], "site_id": ["S1"], "gas": ["HFC-245ca"], "quantity": [10.0], "unit": ["kg"]})
    table = non_co2_emissions(rows, gwp_set, "TEST-AR4-HFC245ca")
    assert list(table["gwp"]) == [693]
    assert table["co2e_t"].iloc[0] == pytest.approx(10 * 693 / 1000, rel=REL)
    assert table["co2e_t"].iloc[0] == pytest.approx(6.93, rel=REL)


def _sample_copy(tmp_path: Path) -> Path:
    for folder in ("data/FY2018", "data/history", "parameters"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    return tmp_path


def _prd05_rows(root: Path) -> pd.DataFrame:
    """The FY2018 sample's non-CO2 rows through the loader and PRD-05, with the repository's AR4 set."""
    params = load_parameters(root / "parameters" / "FY2018.yaml", root=root)
    inputs = load_production_inputs(params, root / "data" / "FY2018", root / "data" / "history" / "site_history.csv",
                                    root=root)
    method = params.production
    return non_co2_emissions(inputs.non_co2_ghg, params.gwp_sets[str(method.gwp_set.value)].values,
                             str(method.gwp_set.value))


def test_prd05_accepts_an_hfc_245ca_row_of_non_co2_ghg_csv(tmp_path):
    # A site's refrigerant loss of 10 kg HFC-245ca, a gas the loader rejected before: the row validates
    # and PRD-05 rises by 10 kg × 693 = 6,930 kg CO2e = 6.93 t CO2e.
    root = _sample_copy(tmp_path)
    before = _prd05_rows(root)["co2e_t"].sum()
    with open(root / NON_CO2_FILE, "a", encoding="utf-8", newline="") as handle:
        handle.write("JP-03,HFC-245ca,10,kg,HFC-245ca refrigerant charge loss\n")
    table = _prd05_rows(root)
    [added] = table[table["gas"] == "HFC-245ca"].itertuples(index=False)
    assert (added.site_id, added.gwp) == ("JP-03", 693)
    assert added.co2e_t == pytest.approx(10 * 693 / 1000, rel=REL)
    assert table["co2e_t"].sum() == pytest.approx(before + 6.93, rel=REL)


def test_prd05_converts_one_kg_of_every_gas_of_the_ar4_parameter_set():
    # 1 kg of a gas × its GWP = GWP kg CO2e = GWP / 1,000 t CO2e, for every gas of gwp_sets.AR4
    params = load_parameters(REPO / "parameters" / "FY2018.yaml", root=REPO)
    ar4 = params.gwp_sets["AR4"].values
    gases = list(ar4)
    rows = pd.DataFrame({"row": range(2, len(gases) + 2), "site_id": ["S1"] * len(gases), "gas": gases,
                         "quantity": [1.0] * len(gases), "unit": ["kg"] * len(gases)})
    table = non_co2_emissions(rows, ar4, "TEST-AR4-ALL")
    for gas, gwp_value, co2e in zip(table["gas"], table["gwp"], table["co2e_t"]):
        assert gwp_value == ar4[gas].value, gas
        assert co2e == pytest.approx(ar4[gas].value / 1000, rel=REL), gas


def test_prd04_renewable_energy_used_on_site():
    table = renewable_energy_used(_renewables())
    # S1: 120,000 kWh generated = 120 MWh, 100,000 kWh used = 100 MWh; S2 already in MWh: 50 and 30
    assert list(table["generated_mwh"]) == pytest.approx([120_000 / 1000, 50], rel=REL)
    assert list(table["used_on_site_mwh"]) == pytest.approx([100_000 / 1000, 30], rel=REL)
    # PRD-04 counts only what was generated *and* used on site: 100 + 30 = 130 MWh (not 120 + 50 = 170)
    total = renewable_energy_total(table)
    assert total.magnitude == pytest.approx(100 + 30, rel=REL)
    assert total.units == ureg.Unit("MWh")


def test_site_totals(gwp):
    sites = site_totals(SITES, *_tables(gwp))
    assert list(sites.index) == ["S1", "S2", "S3"]
    assert list(sites.columns) == ["fuel_co2_t", "purchased_co2_t", "production_co2_t", "non_co2_co2e_t",
                                   "scope1_t", "scope2_t", "energy_gj"]
    # S1: fuel rows 2, 3 = 27.0963 + 5.997786666… = 33.094086666… t CO2
    #     purchased rows 2, 4 = 410 + 30 = 440 t CO2; PRD-01 = 473.094086666… t CO2
    #     non-CO2 row 2 = 1,938 t CO2e; Scope 1 = 33.094086666… + 1,938 = 1,971.094086666…; Scope 2 = 440
    #     energy = 391 + 101.6 + 9,760 + 500 = 10,752.6 GJ
    s1_fuel = FUEL_CO2[2] + FUEL_CO2[3]
    s1_purchased = PURCHASED_CO2[2] + PURCHASED_CO2[4]
    s1 = sites.loc["S1"]
    assert s1["fuel_co2_t"] == pytest.approx(s1_fuel, rel=REL)
    assert s1["fuel_co2_t"] == pytest.approx(33.094086666666667, rel=REL)
    assert s1["purchased_co2_t"] == pytest.approx(410 + 30, rel=REL)
    assert s1["production_co2_t"] == pytest.approx(s1_fuel + s1_purchased, rel=REL)
    assert s1["non_co2_co2e_t"] == pytest.approx(1938, rel=REL)
    assert s1["scope1_t"] == pytest.approx(s1_fuel + 1938, rel=REL)
    assert s1["scope2_t"] == pytest.approx(440, rel=REL)
    assert s1["energy_gj"] == pytest.approx(391 + 101.6 + 9760 + 500 * 1.02, rel=REL)
    # S2: fuel rows 4, 5 = 224.4 + 114.693333… = 339.093333… t CO2; purchased row 3 = 1,495.7 t CO2
    #     PRD-01 = 1,834.793333…; non-CO2 rows 3, 4 = 60 + 371.8 = 431.8 t CO2e
    #     Scope 1 = 339.093333… + 431.8 = 770.893333…; Scope 2 = 1,495.7
    #     energy = 4,500 + 2,300 + 19,520 = 26,320 GJ
    s2_fuel = FUEL_CO2[4] + FUEL_CO2[5]
    s2 = sites.loc["S2"]
    assert s2["fuel_co2_t"] == pytest.approx(339.09333333333333, rel=REL)
    assert s2["purchased_co2_t"] == pytest.approx(1495.7, rel=REL)
    assert s2["production_co2_t"] == pytest.approx(s2_fuel + 1495.7, rel=REL)
    assert s2["non_co2_co2e_t"] == pytest.approx(60 + 371.8, rel=REL)
    assert s2["scope1_t"] == pytest.approx(s2_fuel + 60 + 371.8, rel=REL)
    assert s2["scope2_t"] == pytest.approx(1495.7, rel=REL)
    assert s2["energy_gj"] == pytest.approx(4500 + 2300 + 19_520, rel=REL)


def test_site_totals_gives_zeros_to_a_site_without_activity(gwp):
    sites = site_totals(SITES, *_tables(gwp))
    assert list(sites.loc["S3"]) == [0.0] * 7


def test_site_totals_leaves_out_sites_not_in_the_boundary(gwp):
    # only S1 in the boundary: S2's rows do not count anywhere
    sites = site_totals(pd.Index(["S1"]), *_tables(gwp))
    assert list(sites.index) == ["S1"]
    assert sites["production_co2_t"].sum() == pytest.approx(FUEL_CO2[2] + FUEL_CO2[3] + 410 + 30, rel=REL)


def test_site_totals_without_any_non_co2_rows(gwp):
    # a year with no non-CO2 gas: PRD-05 is 0 and Scope 1 is the fuel CO2 alone
    #   S1 Scope 1 = 27.0963 + 5.997786666… = 33.094086666… t CO2e
    fuel, purchased, non_co2 = _tables(gwp)
    sites = site_totals(SITES, fuel, purchased, non_co2.iloc[0:0])
    assert list(sites["non_co2_co2e_t"]) == [0.0, 0.0, 0.0]
    assert sites.loc["S1", "scope1_t"] == pytest.approx(FUEL_CO2[2] + FUEL_CO2[3], rel=REL)
    assert sites.loc["S2", "scope1_t"] == pytest.approx(FUEL_CO2[4] + FUEL_CO2[5], rel=REL)


def test_prd04_renewable_energy_total_of_no_rows_is_zero():
    table = renewable_energy_used(_renewables().iloc[0:0])
    total = renewable_energy_total(table)
    assert total.magnitude == 0
    assert total.units == ureg.Unit("MWh")


def test_group_totals(gwp):
    totals = group_totals(site_totals(SITES, *_tables(gwp)))
    # fuel = 27.0963 + 5.997786666… + 224.4 + 114.693333… = 372.18742 t CO2
    fuel = sum(FUEL_CO2.values())
    assert fuel == pytest.approx(372.18742, rel=REL)
    # purchased = 410 + 1,495.7 + 30 = 1,935.7 t CO2; non-CO2 = 1,938 + 60 + 371.8 = 2,369.8 t CO2e
    assert totals.fuel_co2.magnitude == pytest.approx(372.18742, rel=REL)
    assert totals.purchased_co2.magnitude == pytest.approx(410 + 1495.7 + 30, rel=REL)
    assert totals.non_co2.magnitude == pytest.approx(1938 + 60 + 371.8, rel=REL)
    # PRD-01 = 372.18742 + 1,935.7 = 2,307.88742 t CO2
    assert totals.production_co2.magnitude == pytest.approx(372.18742 + 1935.7, rel=REL)
    # PRD-03 = 391 + 101.6 + 4,500 + 2,300 + 9,760 + 19,520 + 510 = 37,082.6 GJ
    assert totals.energy.magnitude == pytest.approx(391 + 101.6 + 4500 + 2300 + 9760 + 19_520 + 510, rel=REL)
    # PRD-06 = 372.18742 + 2,369.8 = 2,741.98742 t CO2e; PRD-07 = 1,935.7 t CO2e
    assert totals.scope1.magnitude == pytest.approx(372.18742 + 2369.8, rel=REL)
    assert totals.scope2.magnitude == pytest.approx(1935.7, rel=REL)


def test_group_totals_units(gwp):
    totals = group_totals(site_totals(SITES, *_tables(gwp)))
    assert totals.fuel_co2.units == ureg.Unit("t CO2")
    assert totals.purchased_co2.units == ureg.Unit("t CO2")
    assert totals.production_co2.units == ureg.Unit("t CO2")
    assert totals.energy.units == ureg.Unit("GJ")
    assert totals.non_co2.units == ureg.Unit("t CO2e")
    assert totals.scope1.units == ureg.Unit("t CO2e")
    assert totals.scope2.units == ureg.Unit("t CO2e")


def test_prd01_group_total_is_fuel_plus_purchased(gwp):
    # PRD-01 = Σ fuel CO2 + Σ purchased CO2 = 372.18742 + 1,935.7 = 2,307.88742 t CO2
    totals = group_totals(site_totals(SITES, *_tables(gwp)))
    assert totals.production_co2.m_as("t CO2") == pytest.approx(
        sum(FUEL_CO2.values()) + sum(PURCHASED_CO2.values()), rel=REL)
    assert totals.production_co2.m_as("t CO2") == pytest.approx(2307.88742, rel=REL)


def test_prd03_energy_consumed_group_total(gwp):
    # PRD-03 = Σ fuel energy (391 + 101.6 + 4,500 + 2,300 = 7,292.6 GJ)
    #        + Σ purchased energy (9,760 + 19,520 + 500 × 1.02 = 29,790 GJ) = 37,082.6 GJ
    totals = group_totals(site_totals(SITES, *_tables(gwp)))
    assert totals.energy.m_as("GJ") == pytest.approx(sum(FUEL_GJ.values()) + sum(PURCHASED_GJ.values()), rel=REL)
    assert totals.energy.m_as("GJ") == pytest.approx(7292.6 + 29_790, rel=REL)


def test_prd05_group_total(gwp):
    # PRD-05 = 1,938 + 60 + 371.8 = 2,369.8 t CO2e
    totals = group_totals(site_totals(SITES, *_tables(gwp)))
    assert totals.non_co2.m_as("t CO2e") == pytest.approx(2369.8, rel=REL)


def test_prd06_scope1_group_total(gwp):
    # PRD-06 = 372.18742 t CO2 + 2,369.8 t CO2e = 2,741.98742 t CO2e
    totals = group_totals(site_totals(SITES, *_tables(gwp)))
    assert totals.scope1.m_as("t CO2e") == pytest.approx(2741.98742, rel=REL)


def test_prd07_scope2_group_total(gwp):
    # PRD-07 = 410 + 1,495.7 + 30 = 1,935.7 t CO2e
    totals = group_totals(site_totals(SITES, *_tables(gwp)))
    assert totals.scope2.m_as("t CO2e") == pytest.approx(1935.7, rel=REL)


# === PRD-02 chained intensity index =================================================================
#
# Three sites, base year FY2013, reported year FY2015. Intensity I = CO2 / output.
#
#   site  FY    CO2 [t]  output [MJPY]  I
#   A     2013  100      200            0.5
#   A     2014   96      240            0.4
#   A     2015   78      260            0.3
#   B     2013  300      300            1.0
#   B     2014  270      300            0.9
#   B     2015  288      360            0.8
#   C     2014   60      100            0.6     (C has no FY2013 row: enters from A_2015)
#   C     2015   50      100            0.5
#
# A_2014 (A, B; C left out — no FY2013 data):
#   A: r = 0.4 / 0.5 = 0.8;  I_2013·P_2014 = 0.5 × 240 = 120
#   B: r = 0.9 / 1.0 = 0.9;  I_2013·P_2014 = 1.0 × 300 = 300
#   Σ I·P = 420;  w_A = 120/420 = 2/7;  w_B = 300/420 = 5/7
#   A_2014 = 2/7 × 0.8 + 5/7 × 0.9 = 1.6/7 + 4.5/7 = 6.1/7 = 61/70 = 0.871428571428…
#   cross-check: Σ CO2_2014 / Σ I·P = (96 + 270) / 420 = 366/420 = 61/70 ✓
#
# A_2015 (A, B, C):
#   A: r = 0.3 / 0.4 = 0.75;  I_2014·P_2015 = 0.4 × 260 = 104
#   B: r = 0.8 / 0.9 = 8/9;   I_2014·P_2015 = 0.9 × 360 = 324
#   C: r = 0.5 / 0.6 = 5/6;   I_2014·P_2015 = 0.6 × 100 = 60
#   Σ I·P = 488;  w_A = 104/488 = 13/61;  w_B = 324/488 = 81/122;  w_C = 60/488 = 15/122
#   w·r: A 104/488 × 0.75 = 78/488;  B 324/488 × 8/9 = 288/488;  C 60/488 × 5/6 = 50/488
#   A_2015 = (78 + 288 + 50) / 488 = 416/488 = 52/61 = 0.852459016393…
#   cross-check: Σ CO2_2015 / Σ I·P = (78 + 288 + 50) / 488 = 416/488 ✓
#
# index = A_2014 × A_2015 = 61/70 × 52/61 = 52/70 = 26/35 = 0.742857142857…
#   index_percent = 100 × 26/35 = 74.2857142857… %
#   reduction_percent = 100 × (1 − 26/35) = 100 × 9/35 = 25.7142857142… %

CHAIN_HISTORY = pd.DataFrame({
    "site_id":     ["A", "A", "A", "B", "B", "B", "C", "C"],
    "fiscal_year": [2013, 2014, 2015, 2013, 2014, 2015, 2014, 2015],
    "co2_t":       [100.0, 96.0, 78.0, 300.0, 270.0, 288.0, 60.0, 50.0],
    "output":      [200.0, 240.0, 260.0, 300.0, 300.0, 360.0, 100.0, 100.0],
})
A_2014 = (2 / 7) * (0.4 / 0.5) + (5 / 7) * (0.9 / 1.0)           # = 61/70
A_2015 = (104 / 488) * (0.3 / 0.4) + (324 / 488) * (0.8 / 0.9) + (60 / 488) * (0.5 / 0.6)  # = 52/61


def test_prd02_hand_worked_factors_agree_with_their_fractions():
    # the arithmetic of the comment above, both forms of A_n
    assert A_2014 == pytest.approx(61 / 70, rel=REL)
    assert A_2014 == pytest.approx((96 + 270) / (0.5 * 240 + 1.0 * 300), rel=REL)
    assert A_2015 == pytest.approx(52 / 61, rel=REL)
    assert A_2015 == pytest.approx((78 + 288 + 50) / (0.4 * 260 + 0.9 * 360 + 0.6 * 100), rel=REL)
    assert A_2014 * A_2015 == pytest.approx(26 / 35, rel=REL)


def test_prd02_chained_intensity_index_three_sites_three_years():
    result = chained_intensity_index(CHAIN_HISTORY, base_year=2013, fiscal_year=2015)
    assert isinstance(result, ChainedIndex)
    assert result.base_year == 2013
    assert result.fiscal_year == 2015
    # index = 61/70 × 52/61 = 26/35
    assert result.index == pytest.approx(26 / 35, rel=REL)
    assert result.index == pytest.approx(A_2014 * A_2015, rel=REL)


def test_prd02_factors_per_year():
    factors = chained_intensity_index(CHAIN_HISTORY, 2013, 2015).factors
    assert list(factors.columns) == ["fiscal_year", "factor", "cross_check", "sites", "cumulative"]
    assert list(factors["fiscal_year"]) == [2014, 2015]
    assert list(factors["sites"]) == [2, 3]
    # A_2014 = 61/70, A_2015 = 52/61, in both the weighted form and the cross-check form
    assert list(factors["factor"]) == pytest.approx([61 / 70, 52 / 61], rel=REL)
    assert list(factors["cross_check"]) == pytest.approx([366 / 420, 416 / 488], rel=REL)
    # cumulative: 61/70, then 61/70 × 52/61 = 26/35
    assert list(factors["cumulative"]) == pytest.approx([61 / 70, 26 / 35], rel=REL)


def test_prd02_contributions_2014():
    contributions = chained_intensity_index(CHAIN_HISTORY, 2013, 2015).contributions
    year = contributions[contributions["fiscal_year"] == 2014].set_index("site_id")
    assert list(year.index) == ["A", "B"]
    # A: I_2013 = 100/200 = 0.5, I_2014 = 96/240 = 0.4, r = 0.8, I·P = 0.5 × 240 = 120, w = 2/7
    # B: I_2013 = 300/300 = 1.0, I_2014 = 270/300 = 0.9, r = 0.9, I·P = 1.0 × 300 = 300, w = 5/7
    assert list(year["prior_intensity"]) == pytest.approx([100 / 200, 300 / 300], rel=REL)
    assert list(year["intensity"]) == pytest.approx([96 / 240, 270 / 300], rel=REL)
    assert list(year["ratio"]) == pytest.approx([0.4 / 0.5, 0.9 / 1.0], rel=REL)
    assert list(year["prior_intensity_x_output"]) == pytest.approx([0.5 * 240, 1.0 * 300], rel=REL)
    assert list(year["weight"]) == pytest.approx([2 / 7, 5 / 7], rel=REL)
    assert list(year["weighted_ratio"]) == pytest.approx([2 / 7 * 0.8, 5 / 7 * 0.9], rel=REL)
    assert list(year["co2_t"]) == pytest.approx([96, 270], rel=REL)
    assert list(year["output"]) == pytest.approx([240, 300], rel=REL)


def test_prd02_contributions_2015():
    contributions = chained_intensity_index(CHAIN_HISTORY, 2013, 2015).contributions
    year = contributions[contributions["fiscal_year"] == 2015].set_index("site_id")
    assert list(year.index) == ["A", "B", "C"]
    # I_2014: A 0.4, B 0.9, C 0.6; I_2015: A 78/260 = 0.3, B 288/360 = 0.8, C 50/100 = 0.5
    assert list(year["prior_intensity"]) == pytest.approx([0.4, 0.9, 0.6], rel=REL)
    assert list(year["intensity"]) == pytest.approx([78 / 260, 288 / 360, 50 / 100], rel=REL)
    # r: 0.75, 8/9, 5/6
    assert list(year["ratio"]) == pytest.approx([0.75, 8 / 9, 5 / 6], rel=REL)
    # I·P: 104, 324, 60 (Σ 488); w: 13/61, 81/122, 15/122
    assert list(year["prior_intensity_x_output"]) == pytest.approx([104, 324, 60], rel=REL)
    assert list(year["weight"]) == pytest.approx([13 / 61, 81 / 122, 15 / 122], rel=REL)
    assert year["weight"].sum() == pytest.approx(1, rel=REL)
    # w·r: 78/488, 288/488, 50/488
    assert list(year["weighted_ratio"]) == pytest.approx([78 / 488, 288 / 488, 50 / 488], rel=REL)


def test_prd02_new_site_is_left_out_of_its_first_year_with_a_reason():
    left_out = chained_intensity_index(CHAIN_HISTORY, 2013, 2015).left_out
    assert list(left_out.columns) == ["fiscal_year", "site_id", "reason"]
    assert len(left_out) == 1
    row = left_out.iloc[0]
    assert (int(row["fiscal_year"]), row["site_id"]) == (2014, "C")
    assert "FY2013" in row["reason"]


def test_prd02_index_and_reduction_percent():
    result = chained_intensity_index(CHAIN_HISTORY, 2013, 2015)
    # index_percent = 100 × 26/35 = 74.2857…%; reduction = 100 × (1 − 26/35) = 100 × 9/35 = 25.7142…%
    assert result.index_percent.magnitude == pytest.approx(100 * 26 / 35, rel=REL)
    assert result.index_percent.units == ureg.Unit("percent")
    assert result.reduction_percent.magnitude == pytest.approx(100 * 9 / 35, rel=REL)
    assert result.reduction_percent.units == ureg.Unit("percent")
    # as fractions: 0.742857… and 0.257142…
    assert result.index_percent.m_as("dimensionless") == pytest.approx(26 / 35, rel=REL)
    assert result.reduction_percent.m_as("dimensionless") == pytest.approx(9 / 35, rel=REL)


def test_prd02_one_year_after_the_base_is_a_single_factor():
    # FY2014 alone: index = A_2014 = 61/70
    result = chained_intensity_index(CHAIN_HISTORY, 2013, 2014)
    assert result.index == pytest.approx(61 / 70, rel=REL)
    assert list(result.factors["fiscal_year"]) == [2014]


def test_prd02_rows_after_the_reported_year_are_ignored():
    later = pd.DataFrame({"site_id": ["A", "B"], "fiscal_year": [2016, 2016], "co2_t": [1.0, 1.0],
                          "output": [1000.0, 1000.0]})
    result = chained_intensity_index(pd.concat([CHAIN_HISTORY, later], ignore_index=True), 2013, 2015)
    assert result.index == pytest.approx(26 / 35, rel=REL)


def test_prd02_input_order_does_not_matter():
    shuffled = CHAIN_HISTORY.iloc[[7, 3, 0, 5, 1, 6, 4, 2]].reset_index(drop=True)
    assert chained_intensity_index(shuffled, 2013, 2015).index == pytest.approx(26 / 35, rel=REL)


@pytest.mark.parametrize("fiscal_year", [2013, 2012])
def test_prd02_fiscal_year_not_after_the_base_raises(fiscal_year):
    with pytest.raises(ValueError, match="base year"):
        chained_intensity_index(CHAIN_HISTORY, base_year=2013, fiscal_year=fiscal_year)


def test_prd02_year_without_an_eligible_site_raises():
    # A has FY2013 and FY2015 but no FY2014: nothing can enter A_2014
    history = pd.DataFrame({"site_id": ["A", "A"], "fiscal_year": [2013, 2015], "co2_t": [100.0, 78.0],
                            "output": [200.0, 260.0]})
    with pytest.raises(ValueError, match="FY2014"):
        chained_intensity_index(history, 2013, 2015)


def test_prd02_site_with_zero_prior_output_is_left_out():
    # D produced nothing in FY2013 (output 0): no FY2013 intensity, so it cannot enter A_2014.
    # A alone: r = (96/240) / (100/200) = 0.4 / 0.5 = 0.8, w = 1 → A_2014 = 0.8
    history = pd.DataFrame({
        "site_id": ["A", "A", "D", "D"],
        "fiscal_year": [2013, 2014, 2013, 2014],
        "co2_t": [100.0, 96.0, 10.0, 12.0],
        "output": [200.0, 240.0, 0.0, 60.0],
    })
    result = chained_intensity_index(history, 2013, 2014)
    assert result.index == pytest.approx(0.4 / 0.5, rel=REL)
    assert list(result.factors["sites"]) == [1]
    assert len(result.left_out) == 1
    row = result.left_out.iloc[0]
    assert (int(row["fiscal_year"]), row["site_id"]) == (2014, "D")
    assert "FY2013" in row["reason"] and "zero" in row["reason"]


def test_prd02_site_with_zero_output_this_year_is_left_out():
    # D stops producing in FY2014 (output 0): no FY2014 intensity. A alone: A_2014 = 0.8
    history = pd.DataFrame({
        "site_id": ["A", "A", "D", "D"],
        "fiscal_year": [2013, 2014, 2013, 2014],
        "co2_t": [100.0, 96.0, 10.0, 1.0],
        "output": [200.0, 240.0, 50.0, 0.0],
    })
    result = chained_intensity_index(history, 2013, 2014)
    assert result.index == pytest.approx(0.8, rel=REL)
    row = result.left_out.iloc[0]
    assert (int(row["fiscal_year"]), row["site_id"]) == (2014, "D")
    assert "FY2014" in row["reason"] and "zero" in row["reason"]


def test_prd02_closed_site_is_left_out_of_the_year_it_has_no_data():
    # B closes after FY2014: it enters A_2014 but is left out of A_2015.
    history = CHAIN_HISTORY[~((CHAIN_HISTORY["site_id"] == "B") & (CHAIN_HISTORY["fiscal_year"] == 2015))]
    result = chained_intensity_index(history, 2013, 2015)
    # A_2015 without B: (78 + 50) / (0.4 × 260 + 0.6 × 100) = 128 / 164
    # index = 61/70 × 128/164
    assert result.factors["factor"].iloc[1] == pytest.approx(128 / 164, rel=REL)
    assert result.index == pytest.approx(61 / 70 * 128 / 164, rel=REL)
    pairs = [(int(y), s) for y, s in zip(result.left_out["fiscal_year"], result.left_out["site_id"])]
    assert pairs == [(2014, "C"), (2015, "B")]
    assert "FY2015" in result.left_out["reason"].iloc[1]


# --- intensity_series ----------------------------------------------------------------------------

def _series_history() -> pd.DataFrame:
    return pd.DataFrame({
        "site_id": ["A", "A", "B", "B", "C"],
        "fiscal_year": [2013, 2014, 2013, 2014, 2013],
        "co2": [100.0, 96_000.0, 300.0, 270.0, 50.0],
        "co2_unit": ["t CO2", "kg CO2", "t CO2", "t CO2", "t CO2"],
        "output": [200.0, 240_000_000.0, 300.0, 300_000.0, 80_000_000.0],
        "output_unit": ["MJPY", "JPY", "t", "kg", "JPY"],
        "source": ["DB2014", "DB2015", "DB2014", "DB2015", "DB2014"],
    })


def _series_this_year() -> tuple[pd.Series, pd.DataFrame]:
    site_co2 = pd.Series({"A": 78.0, "B": 288.0})
    output = pd.DataFrame({"site_id": ["A", "B"], "output": [260.0, 360.0], "unit": ["MJPY", "t"]})
    return site_co2, output


def test_intensity_series_joins_history_and_this_year():
    series = intensity_series(_series_history(), *_series_this_year(), 2015)
    assert list(series.columns) == ["site_id", "fiscal_year", "co2_t", "output", "output_unit", "source"]
    # sorted by site and year
    assert list(zip(series["site_id"], series["fiscal_year"])) == [
        ("A", 2013), ("A", 2014), ("A", 2015), ("B", 2013), ("B", 2014), ("B", 2015), ("C", 2013)]
    # CO2: A FY2014 96,000 kg CO2 / 1,000 = 96 t CO2; the others already in t
    assert list(series["co2_t"]) == pytest.approx([100, 96_000 / 1000, 78, 300, 270, 288, 50], rel=REL)
    # output in this year's unit of the site: A FY2014 240,000,000 JPY / 1,000,000 = 240 MJPY;
    # B FY2014 300,000 kg / 1,000 = 300 t; C has no output this year and keeps its own unit (JPY)
    assert list(series["output"]) == pytest.approx(
        [200, 240_000_000 / 1_000_000, 260, 300, 300_000 / 1000, 360, 80_000_000], rel=REL)
    assert list(series["output_unit"]) == ["MJPY", "MJPY", "MJPY", "t", "t", "t", "JPY"]
    assert list(series["source"]) == ["DB2014", "DB2015", "this report (FY2015 calculation)",
                                      "DB2014", "DB2015", "this report (FY2015 calculation)", "DB2014"]


def test_intensity_series_reads_kt_co2_as_kilotonnes():
    # 0.096 kt CO2 × 1,000 = 96 t CO2 — the field writes 千t-CO2 as "kt CO2"
    history = _series_history()
    history.loc[1, ["co2", "co2_unit"]] = [0.096, "kt CO2"]
    assert Quantity(1, "kt").dimensionality == Quantity(1, "t").dimensionality  # kilotonne, not knot
    series = intensity_series(history, *_series_this_year(), 2015)
    assert series["co2_t"].iloc[1] == pytest.approx(0.096 * 1000, rel=REL)


def test_prd02_index_from_an_intensity_series_with_mixed_units():
    # The series above (A in MJPY, B in t; C closed after FY2013). Weights are in t CO2, so the
    # unit of a site's output does not change A_n:
    #   A_2014: A: I·P = (100/200) × 240 = 120; B: (300/300) × 300 = 300 → Σ 420
    #           Σ CO2_2014 = 96 + 270 = 366 → A_2014 = 366/420 = 61/70   (C left out: closed)
    #   A_2015: A: (96/240) × 260 = 104; B: (270/300) × 360 = 324 → Σ 428
    #           Σ CO2_2015 = 78 + 288 = 366 → A_2015 = 366/428
    series = intensity_series(_series_history(), *_series_this_year(), 2015)
    result = chained_intensity_index(series, 2013, 2015)
    assert list(result.factors["factor"]) == pytest.approx([366 / 420, 366 / 428], rel=REL)
    assert result.index == pytest.approx(366 / 420 * 366 / 428, rel=REL)
    pairs = [(int(y), s) for y, s in zip(result.left_out["fiscal_year"], result.left_out["site_id"])]
    assert pairs == [(2014, "C")]
    assert "FY2014" in result.left_out["reason"].iloc[0]


# --- production_checks ---------------------------------------------------------------------------

def _checked(gwp: str, totals: GroupTotals | None = None, index: ChainedIndex | None = None,
             activity: dict | None = None, fuel: pd.DataFrame | None = None):
    fuel_rows, purchased, non_co2 = _tables(gwp)
    fuel = fuel if fuel is not None else fuel_rows
    sites = site_totals(SITES, fuel_rows, purchased, non_co2)
    totals = totals if totals is not None else group_totals(sites)
    index = index if index is not None else chained_intensity_index(CHAIN_HISTORY, 2013, 2015)
    if activity is None:
        activity = {"fuel_use.quantity": _fuel_use()["quantity"],
                    "purchased_energy.quantity": _purchased()["quantity"],
                    "non_co2_ghg.quantity": _ghg()["quantity"]}
    return production_checks(totals, index, fuel, purchased, non_co2, activity), sites


def test_production_checks_all_pass_on_consistent_data(gwp):
    checks, _ = _checked(gwp)
    # scopes = PRD-01 + PRD-05; rows = group for PRD-01, PRD-03, PRD-05; A_2014 and A_2015; no negative activity
    assert len(checks) == 1 + 3 + 2 + 1
    assert all(c.passed for c in checks), [c for c in checks if not c.passed]


def test_production_checks_fail_when_scope1_is_altered(gwp):
    fuel, purchased, non_co2 = _tables(gwp)
    totals = group_totals(site_totals(SITES, fuel, purchased, non_co2))
    wrong = dataclasses.replace(totals, scope1=totals.scope1 + Quantity(5, "t CO2e"))
    checks, _ = _checked(gwp, totals=wrong)
    failed = {c.name for c in checks if not c.passed}
    assert failed == {"Scope 1 + Scope 2 = PRD-01 + PRD-05"}


def test_production_checks_fail_when_production_co2_is_altered(gwp):
    fuel, purchased, non_co2 = _tables(gwp)
    totals = group_totals(site_totals(SITES, fuel, purchased, non_co2))
    wrong = dataclasses.replace(totals, production_co2=totals.production_co2 * 1.001)
    checks, _ = _checked(gwp, totals=wrong)
    failed = {c.name for c in checks if not c.passed}
    assert failed == {"Scope 1 + Scope 2 = PRD-01 + PRD-05", "PRD-01: sum of fuel and purchased rows = group total over sites"}


def test_production_checks_fail_when_an_input_row_is_lost_between_rows_and_sites(gwp):
    # a fuel row of a site that is not in the site table: the site table (and so the group total)
    # cannot contain it, and the row sum no longer matches
    fuel, _, _ = _tables(gwp)
    extra = fuel.iloc[[0]].assign(site_id="S9", co2_t=10.0, energy_gj=100.0)
    checks, _ = _checked(gwp, fuel=pd.concat([fuel, extra], ignore_index=True))
    failed = {c.name for c in checks if not c.passed}
    assert failed == {"PRD-01: sum of fuel and purchased rows = group total over sites",
                      "PRD-03: sum of fuel and purchased rows = group total over sites"}


def test_production_checks_fail_when_a_factor_disagrees_with_its_cross_check(gwp):
    index = chained_intensity_index(CHAIN_HISTORY, 2013, 2015)
    factors = index.factors.copy()
    factors.loc[factors["fiscal_year"] == 2015, "factor"] = 0.9  # ≠ 416/488
    checks, _ = _checked(gwp, index=dataclasses.replace(index, factors=factors))
    failed = [c.name for c in checks if not c.passed]
    assert failed == ["A_2015: Σ w·r = Σ CO2_n / Σ I_(n-1)·output_n"]


def test_production_checks_fail_on_negative_activity(gwp):
    activity = {"fuel_use.quantity": pd.Series([10.0, -1.0, 2.0]), "purchased_energy.quantity": pd.Series([5.0])}
    checks, _ = _checked(gwp, activity=activity)
    negative = [c for c in checks if c.name == "No negative activity"]
    assert len(negative) == 1
    assert not negative[0].passed
    assert "fuel_use.quantity: 1 negative" in negative[0].detail
    assert all(c.passed for c in checks if c.name != "No negative activity")


def test_intensity_series_ignores_history_of_the_reported_year_and_later():
    # a history that already holds FY2015 (e.g. a published year rerun) must not give two FY2015 rows
    history = pd.concat([_series_history(), pd.DataFrame({
        "site_id": ["A"], "fiscal_year": [2015], "co2": [1.0], "co2_unit": ["t CO2"], "output": [1.0],
        "output_unit": ["MJPY"], "source": ["published FY2015"]})], ignore_index=True)
    series = intensity_series(history, *_series_this_year(), 2015)
    [row] = series[(series["site_id"] == "A") & (series["fiscal_year"] == 2015)].itertuples()
    assert row.co2_t == 78.0 and row.source == "this report (FY2015 calculation)"


def test_intensity_series_keeps_a_site_without_output_so_the_index_can_say_why():
    site_co2 = pd.Series({"A": 78.0, "B": 288.0, "D": 5.0})
    output = pd.DataFrame({"site_id": ["A", "B"], "output": [260.0, 360.0], "unit": ["MJPY", "t"]})
    history = pd.concat([_series_history(), pd.DataFrame({
        "site_id": ["D"], "fiscal_year": [2014], "co2": [4.0], "co2_unit": ["t CO2"], "output": [8.0],
        "output_unit": ["MJPY"], "source": ["DB2015"]})], ignore_index=True)
    series = intensity_series(history, site_co2, output, 2015)
    [row] = series[(series["site_id"] == "D") & (series["fiscal_year"] == 2015)].itertuples()
    assert row.co2_t == 5.0 and math.isnan(row.output) and "no production output" in row.source
    result = chained_intensity_index(series, 2013, 2015)
    left = result.left_out[(result.left_out["fiscal_year"] == 2015) & (result.left_out["site_id"] == "D")]
    assert "output is zero or not reported" in left["reason"].iloc[0]


def test_prd02_two_rows_for_one_site_and_year_is_an_error_naming_them():
    history = pd.concat([CHAIN_HISTORY, CHAIN_HISTORY.iloc[[1]]], ignore_index=True)
    with pytest.raises(ValueError, match="more than one row for A FY2014"):
        chained_intensity_index(history, 2013, 2015)


def test_prd02_a_site_with_zero_co2_this_year_enters_with_ratio_zero():
    # B emits nothing in FY2014: r_B = 0 / 1.0 = 0; A: r = 0.4/0.5 = 0.8, w_A = 120/420 = 2/7
    # A_2014 = 2/7 × 0.8 + 5/7 × 0 = 0.228571… = (96 + 0) / 420
    history = CHAIN_HISTORY[CHAIN_HISTORY["fiscal_year"] <= 2014].copy()
    history.loc[(history["site_id"] == "B") & (history["fiscal_year"] == 2014), "co2_t"] = 0.0
    result = chained_intensity_index(history, 2013, 2014)
    assert result.index == pytest.approx(96 / 420, rel=REL)


# --- sites joining and leaving the group (boundary, PRD-02; issue 12, point 1) -----------------------

from envkpi.families.production.calculations import site_changes, site_changes_sentence  # noqa: E402


def _register() -> pd.DataFrame:
    """A register as of FY2019: NEW joins in FY2019, LAST reports for the last time, GONE closed after
    FY2018, OLD closed after FY2016, SOON joins in FY2020, KEPT has no dates, SOLD (outside the boundary
    apart from its dates) closed after FY2018."""
    return pd.DataFrame({
        "site_id": ["KEPT", "GONE", "NEW", "LAST", "OLD", "SOON", "SOLD"],
        "site_name": ["Kept Works", "Gone Works", "New Works", "Last Works", "Old Works", "Soon Works", "Sold Works"],
        "first_fiscal_year": pd.array([None, None, 2019, 2014, None, 2020, None], dtype="Int64"),
        "last_fiscal_year": pd.array([None, 2018, None, 2019, 2016, None, 2018], dtype="Int64"),
        "in_scope": [True, True, True, True, True, True, False],
    })


def test_site_changes_lists_the_joined_the_leaving_and_the_closed_in_that_order():
    changes = site_changes(_register(), 2019)
    assert list(changes.columns) == ["site_id", "site_name", "event", "change"]
    assert changes[["site_id", "event"]].values.tolist() == [
        ["NEW", "joined"], ["LAST", "leaving"], ["GONE", "closed"], ["SOLD", "closed"]]
    assert changes["site_name"].tolist() == ["New Works", "Last Works", "Gone Works", "Sold Works"]


def test_site_changes_says_what_each_change_means_for_the_chained_index():
    change = site_changes(_register(), 2019).set_index("site_id")["change"]
    # NEW has no FY2018 figure: A_2019 needs both FY2018 and FY2019, so it first enters A_2020
    assert change["NEW"] == ("joined the group in FY2019: no FY2018 figure, so it is outside A_2019 of the chained "
                             "index and enters it from A_2020")
    assert change["LAST"] == ("reports for the last time: leaves the group after FY2019; its figures enter the "
                              "chained index up to A_2019")
    assert change["GONE"] == ("closed after FY2018: no FY2019 rows; its history stays in the chained index up to "
                              "FY2018, and it is left out of A_2019")
    assert change["SOLD"] == "closed after FY2018: no FY2019 rows (it was outside the boundary)"


def test_site_changes_of_the_following_year_show_the_closure_of_the_last_reporting_site():
    changes = site_changes(_register(), 2020)
    assert changes[["site_id", "event"]].values.tolist() == [["SOON", "joined"], ["LAST", "closed"]]


def test_site_changes_of_a_register_without_scope_or_changes():
    register = _register().drop(columns="in_scope")
    assert site_changes(register, 2019)["change"].str.contains("outside the boundary").sum() == 0
    none = site_changes(register.iloc[:1], 2019)
    assert none.empty and list(none.columns) == ["site_id", "site_name", "event", "change"]


def test_site_changes_reads_the_years_as_the_loader_gives_them():
    register = _register()
    for column in ("first_fiscal_year", "last_fiscal_year"):
        register[column] = register[column].astype("float")  # NaN for the empty cells
    pd.testing.assert_frame_equal(site_changes(register, 2019), site_changes(_register(), 2019))


def test_a_site_that_joins_and_leaves_in_one_year_has_both_rows():
    register = _register().iloc[:1].assign(first_fiscal_year=pd.array([2019], dtype="Int64"),
                                           last_fiscal_year=pd.array([2019], dtype="Int64"))
    assert site_changes(register, 2019)["event"].tolist() == ["joined", "leaving"]


@pytest.mark.parametrize("year, sentence", [
    (2019, "1 site joined the group in FY2019, 1 site reports for the last time (leaving the group after FY2019) "
           "and 2 sites closed after FY2018."),
    (2020, "1 site joined the group in FY2020 and 1 site closed after FY2019."),
    (2017, "1 site closed after FY2016."),
    (2018, "2 sites report for the last time (leaving the group after FY2018)."),
    (2021, "No site joined or left the group in FY2021."),
])
def test_site_changes_sentence_counts_each_change(year, sentence):
    assert site_changes_sentence(site_changes(_register(), year), year) == sentence
