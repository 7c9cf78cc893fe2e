"""Tests for envkpi.avoided_emissions: avoided emissions of products (CO2-01 … CO2-03) and target progress.

Clauses: METHODOLOGY.md "Family 1" (incl. "Teleconferencing") and the calculation standard's rows
創エネ商品による直接的なCO2削減貢献量 (CO2-01), 省エネ商品による直接的なCO2削減貢献量 (CO2-02),
商品による間接的なCO2削減貢献量 (CO2-03, ※1–※4) and 別表 ■遠隔会議システムによるCO2削減貢献量の算定基準;
great-circle check values from REFERENCE_FACTS.md §5c; the target from seed 000 (≥ 300 Mt by 2050).

Every expected value is worked by hand in the test, with the arithmetic written out.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from envkpi.families.avoided_emissions.calculations import (INDIRECT_LINES, battery_table,
    battery_vehicle_avoided_emissions, battery_vehicle_charging_emissions, compressor_motor_avoided_emissions,
    compressors_motors_table, cumulative_avoided_emissions, energy_management_avoided_emissions,
    energy_management_table, energy_saving_avoided_emissions, energy_saving_table, fuel_cell_avoided_emissions,
    fuel_cell_table, fuel_co2_per_volume, great_circle_distance, housing_insulation_avoided_emissions, housing_table,
    indirect_lines_summary, line_total, pv_avoided_emissions, pv_table, required_annual_rate, system_emissions,
    target_trajectory, teleconference_avoided_emissions, teleconference_set_saving, teleconference_sets,
    teleconference_table, vacuum_insulation_avoided_emissions, vacuum_insulation_table)
from envkpi.families.avoided_emissions.parameters import (PV, AutomotiveBatteries, EnergyManagement,
    EnergyManagementSystems, EnergySaving, FuelCell, HostLifetimes, Housing, Teleconference, TripType, VehicleType)
from envkpi.core.parameters import Airport, Fuel, Param, Region, Sourced
from envkpi.core.units import Quantity, ureg

REL = 1e-12
SRC = "test"
T_CO2 = ureg.Unit("t CO2")


def _param(value: float, unit: str) -> Param:
    return Param(value=value, unit=unit, source=SRC)


def _scenario() -> Sourced:
    return Sourced(value="test reference scenario", source=SRC)


def _airport(code: str, latitude: float, longitude: float) -> Airport:
    return Airport(code=code, city=code, latitude=_param(latitude, "degree"), longitude=_param(longitude, "degree"))


# --- parameters of the worked examples -----------------------------------------------------------
# Airport coordinates: OpenFlights airports.dat as listed in REFERENCE_FACTS.md §5c.
HND = _airport("HND", 35.552299, 139.779999)
LAX = _airport("LAX", 33.9425, -118.408)
PVG = _airport("PVG", 31.1434, 121.805)
FRA = _airport("FRA", 50.033333, 8.570556)
# Two points on the equator a quarter of the way round: distance = π/2 × R exactly.
ORIGIN_0 = _airport("ZZA", 0.0, 0.0)
EQUATOR_90 = _airport("ZZB", 0.0, 90.0)

REGIONS = {
    "japan": Region(name="Japan", emission_factor=_param(0.410, "kg CO2 / kWh"),
                    pv_annual_generation=_param(1100, "kWh / (kW year)")),
    "europe": Region(name="Europe", emission_factor=_param(0.50768, "kg CO2 / kWh"),
                     pv_annual_generation=_param(950, "kWh / (kW year)"), airport=FRA),
    "equator": Region(name="Equator", emission_factor=_param(0.5, "kg CO2 / kWh"),
                      pv_annual_generation=_param(1000, "kWh / (kW year)"), airport=EQUATOR_90),
    "oceania": Region(name="Oceania (no airport set)", emission_factor=_param(0.7, "kg CO2 / kWh"),
                      pv_annual_generation=_param(1400, "kWh / (kW year)")),
}


def _pv(lifetime: float = 25) -> PV:
    return PV(lifetime=_param(lifetime, "year"), emission_factor=_param(0.360, "kg CO2 / kWh"),
              reference_scenario=_scenario())


FUEL_CELL = FuelCell(annual_generation=_param(1870, "kWh / year"), lifetime=_param(10, "year"),
                     emission_factor=_param(0.410, "kg CO2 / kWh"), reference_scenario=_scenario())
ENERGY_SAVING = EnergySaving(reference_fiscal_year=Sourced(value=2005, source=SRC),
                             lifetimes={"room_air_conditioner": _param(10, "year"), "lcd_tv": _param(8, "year")},
                             reference_scenario=_scenario())
HOUSING = Housing(lifetime=_param(30, "year"), reference_scenario=_scenario())
COMPRESSORS = HostLifetimes(host_lifetimes={"refrigerator": _param(10, "year"), "showcase": _param(8, "year")},
                            emission_factor=_param(0.410, "kg CO2 / kWh"),
                            reference_scenario=_scenario())
VIP = HostLifetimes(host_lifetimes={"refrigerator": _param(10, "year")}, emission_factor=_param(0.410, "kg CO2 / kWh"),
                    reference_scenario=_scenario())
GASOLINE = Fuel(name_en="Gasoline", name_ja="揮発油", calorific_value=_param(34.6, "GJ / kL"),
                carbon_factor=_param(0.0183, "t C / GJ"))
BATTERIES = AutomotiveBatteries(
    vehicle_types={
        "EV": VehicleType(service_life=_param(12, "year"), annual_distance=_param(10000, "km / year"),
                          fuel_saving=_param(0.0667, "L / km"), electricity_use=_param(120, "Wh / km")),
        "HV": VehicleType(service_life=_param(12, "year"), annual_distance=_param(10000, "km / year"),
                          fuel_saving=_param(0.025, "L / km")),
    },
    fuel=Sourced(value="gasoline", source=SRC),
    charging=Sourced(value="netted", source=SRC),
    electricity_emission_factor=_param(0.410, "kg CO2 / kWh"),
    reference_scenario=_scenario(),
)
EMS = EnergyManagementSystems(
    hems=EnergyManagement(annual_consumption=_param(4500, "kWh / year"), saving=_param(10, "percent"),
                          lifetime=_param(10, "year")),
    bems=EnergyManagement(annual_consumption=_param(1500000, "kWh / year"), saving=_param(10, "percent"),
                          lifetime=_param(10, "year")),
    emission_factor=_param(0.410, "kg CO2 / kWh"),
    reference_scenario=_scenario(),
)


def _teleconference(origin: Airport = ORIGIN_0) -> Teleconference:
    return Teleconference(
        units_per_set=_param(2, "count"),
        lifetime=_param(7, "year"),
        domestic=TripType(trips_per_year=_param(46, "1 / year"), travellers=_param(3, "count"),
                          emission_factor=_param(19, "g CO2 / km")),
        domestic_one_way_distance=_param(552.6, "km"),
        overseas=TripType(trips_per_year=_param(24, "1 / year"), travellers=_param(2, "count"),
                          emission_factor=_param(109, "g CO2 / km")),
        origin_airport=origin,
        earth_radius=_param(6371.0, "km"),
        system_electricity=_param(200, "kWh / year"),
        system_emission_factor=_param(0.410, "kg CO2 / kWh"),
        reference_scenario=_scenario(),
    )


# --- CO2-01 PV -----------------------------------------------------------------------------------

def test_co2_01_pv_one_region():
    # 1,000 kW × 25 y × 1,100 kWh/(kW·y) × 0.360 kg CO2/kWh = 9,900,000 kg = 9,900 t CO2
    result = pv_avoided_emissions(Quantity(1000, "kW"), Quantity(25, "year"), Quantity(1100, "kWh / (kW year)"),
                                  Quantity(0.360, "kg CO2 / kWh"))
    assert result.units == T_CO2
    assert result.magnitude == pytest.approx(1000 * 25 * 1100 * 0.360 / 1000, rel=REL)
    assert result.magnitude == pytest.approx(9900, rel=REL)


def test_co2_01_pv_table():
    shipments = pd.DataFrame({"row": [2, 3], "region": ["japan", "europe"], "capacity_shipped": [1000.0, 2.0],
                              "unit": ["kW", "MW"]})
    table = pv_table(shipments, REGIONS, _pv())
    # row 2 japan:  1,000 kW × 25 × 1,100 × 0.360 / 1,000 = 9,900 t
    # row 3 europe: 2 MW = 2,000 kW × 25 × 950 × 0.360 / 1,000 = 17,100 t
    assert list(table["row"]) == [2, 3]
    assert list(table["capacity_kw"]) == pytest.approx([1000, 2000], rel=REL)
    assert list(table["co2_t"]) == pytest.approx([1000 * 25 * 1100 * 0.360 / 1000, 2000 * 25 * 950 * 0.360 / 1000],
                                                 rel=REL)
    assert list(table["annual_generation"]) == ["1100.0 kWh / (kW year)", "950.0 kWh / (kW year)"]
    assert set(table["lifetime"]) == {"25.0 year"}
    # the PV factor of the standard (0.360), not the region's electricity factor
    assert set(table["emission_factor"]) == {"0.36 kg CO2 / kWh"}
    assert line_total(table).m_as("t CO2") == pytest.approx(9900 + 17100, rel=REL)


def test_co2_01_pv_lifetime_20_to_25_changes_the_result_by_exactly_20_over_25():
    shipments = pd.DataFrame({"row": [2, 3], "region": ["japan", "europe"], "capacity_shipped": [1000.0, 2000.0],
                              "unit": ["kW", "kW"]})
    old = pv_table(shipments, REGIONS, _pv(lifetime=20))
    new = pv_table(shipments, REGIONS, _pv(lifetime=25))
    # FY2017 method: 1,000 × 20 × 1,100 × 0.360 / 1,000 = 7,920 t
    assert old["co2_t"].iloc[0] == pytest.approx(7920, rel=REL)
    assert list(old["co2_t"] / new["co2_t"]) == pytest.approx([20 / 25, 20 / 25], rel=REL)
    assert line_total(old).m_as("t CO2") / line_total(new).m_as("t CO2") == pytest.approx(0.8, rel=REL)


def test_unknown_region_is_an_error_naming_it_and_the_row():
    shipments = pd.DataFrame({"row": [2, 3], "region": ["japan", "mars"], "capacity_shipped": [1.0, 1.0],
                              "unit": ["kW", "kW"]})
    with pytest.raises(ValueError, match=r"row 3: region 'mars' is not one of product_regions \(japan, europe"):
        pv_table(shipments, REGIONS, _pv())


# --- CO2-01 fuel cells ---------------------------------------------------------------------------

def test_co2_01_fuel_cell():
    # 1,870 kWh/y × 10 y × 500 units × 0.410 kg/kWh = 3,833,500 kg = 3,833.5 t CO2
    result = fuel_cell_avoided_emissions(Quantity(1870, "kWh / year"), Quantity(10, "year"), Quantity(500, "count"),
                                         Quantity(0.410, "kg CO2 / kWh"))
    assert result.units == T_CO2
    assert result.magnitude == pytest.approx(1870 * 10 * 500 * 0.410 / 1000, rel=REL)
    assert result.magnitude == pytest.approx(3833.5, rel=REL)


def test_co2_01_fuel_cell_table():
    shipments = pd.DataFrame({"row": [2, 3], "region": ["japan", "europe"], "units_shipped": [500.0, 20.0]})
    table = fuel_cell_table(shipments, FUEL_CELL)
    # the standard fixes generation, lifetime and factor for every region:
    #   500 × 1,870 × 10 × 0.410 / 1,000 = 3,833.5 t;  20 × 1,870 × 10 × 0.410 / 1,000 = 153.34 t
    assert list(table["co2_t"]) == pytest.approx([3833.5, 20 * 1870 * 10 * 0.410 / 1000], rel=REL)
    assert set(table["annual_generation"]) == {"1870.0 kWh / year"}
    assert set(table["emission_factor"]) == {"0.41 kg CO2 / kWh"}


# --- CO2-02 energy-saving products ---------------------------------------------------------------

def test_co2_02_one_category():
    # (1,000 − 800) kWh/y × 10 y × 2,000 units × 0.410 kg/kWh = 1,640,000 kg = 1,640 t CO2
    result = energy_saving_avoided_emissions(Quantity(1000, "kWh / year"), Quantity(800, "kWh / year"),
                                             Quantity(10, "year"), Quantity(2000, "count"),
                                             Quantity(0.410, "kg CO2 / kWh"))
    assert result.units == T_CO2
    assert result.magnitude == pytest.approx((1000 - 800) * 10 * 2000 * 0.410 / 1000, rel=REL)
    assert result.magnitude == pytest.approx(1640, rel=REL)


def test_co2_02_a_model_worse_than_its_reference_is_negative_not_clipped():
    # (150 − 160) kWh/y × 8 y × 1,000 units × 0.50768 kg/kWh = −40,614.4 kg = −40.6144 t CO2
    result = energy_saving_avoided_emissions(Quantity(150, "kWh / year"), Quantity(160, "kWh / year"),
                                             Quantity(8, "year"), Quantity(1000, "count"),
                                             Quantity(0.50768, "kg CO2 / kWh"))
    assert result.magnitude == pytest.approx(-40.6144, rel=REL)


def test_co2_02_table_keeps_the_negative_row_in_the_total():
    products = pd.DataFrame({
        "row": [2, 3],
        "category": ["room_air_conditioner", "lcd_tv"],
        "region": ["japan", "europe"],
        "reference_kwh_per_year": [1000.0, 150.0],
        "model_kwh_per_year": [800.0, 160.0],
        "units_shipped": [2000.0, 1000.0],
    })
    table = energy_saving_table(products, REGIONS, ENERGY_SAVING)
    # row 2: 200 × 10 × 2,000 × 0.410 / 1,000 = 1,640 t;  row 3: −10 × 8 × 1,000 × 0.50768 / 1,000 = −40.6144 t
    assert list(table["co2_t"]) == pytest.approx([1640, -40.6144], rel=REL)
    assert list(table["negative"]) == [False, True]
    assert list(table["saving_kwh_per_year"]) == pytest.approx([200, -10], rel=REL)
    assert list(table["lifetime"]) == ["10.0 year", "8.0 year"]
    assert list(table["emission_factor"]) == ["0.41 kg CO2 / kWh", "0.50768 kg CO2 / kWh"]
    # net over the portfolio: 1,640 − 40.6144 = 1,599.3856 t
    assert line_total(table).m_as("t CO2") == pytest.approx(1599.3856, rel=REL)


def test_co2_02_category_without_a_lifetime_is_an_error_naming_it():
    products = pd.DataFrame({"row": [4], "category": ["toaster"], "region": ["japan"],
                             "reference_kwh_per_year": [10.0], "model_kwh_per_year": [9.0], "units_shipped": [1.0]})
    with pytest.raises(ValueError, match="row 4: category 'toaster' is not one of energy_saving.lifetimes"):
        energy_saving_table(products, REGIONS, ENERGY_SAVING)


# --- CO2-03.1 housing ----------------------------------------------------------------------------

def test_co2_03_1_housing():
    # 100 houses × (3,000 − 2,000) kWh/y × 30 y × 0.410 kg/kWh = 1,230,000 kg = 1,230 t CO2
    result = housing_insulation_avoided_emissions(Quantity(100, "count"), Quantity(3000, "kWh / year"),
                                                  Quantity(2000, "kWh / year"), Quantity(30, "year"),
                                                  Quantity(0.410, "kg CO2 / kWh"))
    assert result.units == T_CO2
    assert result.magnitude == pytest.approx(100 * (3000 - 2000) * 30 * 0.410 / 1000, rel=REL)


def test_co2_03_1_housing_table_uses_the_japanese_factor():
    rows = pd.DataFrame({"row": [2, 3], "house_type": ["detached", "apartment"], "houses_delivered": [100.0, 40.0],
                         "reference_ac_kwh_per_year": [3000.0, 2000.0], "insulated_ac_kwh_per_year": [2000.0, 1500.0]})
    table = housing_table(rows, HOUSING, REGIONS)
    # 100 × 1,000 × 30 × 0.410 / 1,000 = 1,230 t;  40 × 500 × 30 × 0.410 / 1,000 = 246 t
    assert list(table["co2_t"]) == pytest.approx([1230, 40 * 500 * 30 * 0.410 / 1000], rel=REL)
    assert set(table["emission_factor"]) == {"0.41 kg CO2 / kWh"}
    assert set(table["lifetime"]) == {"30.0 year"}


# --- CO2-03.2 compressors and motors -------------------------------------------------------------

def test_co2_03_2_compressors_motors():
    # (400 − 300) kWh/y × 10 y (host: refrigerator) × 10,000 units × 0.410 kg/kWh = 4,100,000 kg = 4,100 t
    result = compressor_motor_avoided_emissions(Quantity(400, "kWh / year"), Quantity(300, "kWh / year"),
                                                Quantity(10, "year"), Quantity(10000, "count"),
                                                Quantity(0.410, "kg CO2 / kWh"))
    assert result.units == T_CO2
    assert result.magnitude == pytest.approx((400 - 300) * 10 * 10000 * 0.410 / 1000, rel=REL)


def test_co2_03_2_table_uses_the_host_lifetime_and_the_factor_given():
    rows = pd.DataFrame({"row": [2, 3], "component": ["inverter compressor", "fan motor"],
                         "host_product": ["refrigerator", "showcase"], "reference_kwh_per_year": [400.0, 50.0],
                         "model_kwh_per_year": [300.0, 40.0], "units_shipped": [10000.0, 3000.0]})
    table = compressors_motors_table(rows, COMPRESSORS, REGIONS["japan"].emission_factor)
    # row 2: 100 × 10 × 10,000 × 0.410 / 1,000 = 4,100 t;  row 3: 10 × 8 × 3,000 × 0.410 / 1,000 = 98.4 t
    assert list(table["co2_t"]) == pytest.approx([4100, 10 * 8 * 3000 * 0.410 / 1000], rel=REL)
    assert list(table["host_lifetime"]) == ["10.0 year", "8.0 year"]
    assert set(table["emission_factor"]) == {"0.41 kg CO2 / kWh"}
    assert list(table["negative"]) == [False, False]
    # a pint quantity works as well as a parameter
    same = compressors_motors_table(rows, COMPRESSORS, Quantity(0.410, "kg CO2 / kWh"))
    assert list(same["co2_t"]) == pytest.approx(list(table["co2_t"]), rel=REL)


def test_co2_03_2_unknown_host_product_is_an_error_naming_it():
    rows = pd.DataFrame({"row": [5], "component": ["c"], "host_product": ["spaceship"],
                         "reference_kwh_per_year": [1.0], "model_kwh_per_year": [1.0], "units_shipped": [1.0]})
    with pytest.raises(ValueError, match="row 5: host product 'spaceship'"):
        compressors_motors_table(rows, COMPRESSORS, REGIONS["japan"].emission_factor)


# --- CO2-03.3 automotive batteries ---------------------------------------------------------------

# gasoline, per litre: 0.001 kL × 34.6 GJ/kL × 0.0183 t C/GJ = 0.00063318 t C = 0.63318 kg C;
# × 44/12 = 2.32166 kg CO2 / L
GASOLINE_KG_PER_L = 34.6 * 0.0183 * 44 / 12


def test_fuel_co2_per_volume_uses_the_production_factors():
    result = fuel_co2_per_volume(GASOLINE)
    assert result.units == ureg.Unit("kg CO2 / L")
    assert result.magnitude == pytest.approx(GASOLINE_KG_PER_L, rel=REL)
    assert result.magnitude == pytest.approx(2.32166, rel=REL)


@pytest.mark.parametrize("fuel", [
    Fuel(name_en="LPG", name_ja="LPG", calorific_value=_param(50.8, "GJ / t"), carbon_factor=_param(0.0161, "t C / GJ")),
    Fuel(name_en="City gas", name_ja="都市ガス", carbon_factor=_param(0.0136, "t C / GJ")),
])
def test_fuel_co2_per_volume_needs_a_calorific_value_per_volume(fuel):
    with pytest.raises(ValueError, match=fuel.name_en):
        fuel_co2_per_volume(fuel)


def test_co2_03_3_battery_vehicles():
    # 1,000 EV × 12 y × 10,000 km/y × 0.0667 L/km = 8,004,000 L; × 2.32166 kg/L = 18,582,566.64 kg
    result = battery_vehicle_avoided_emissions(Quantity(1000, "count"), Quantity(12, "year"),
                                               Quantity(10000, "km / year"), Quantity(0.0667, "L / km"),
                                               Quantity(GASOLINE_KG_PER_L, "kg CO2 / L"))
    assert result.units == T_CO2
    assert result.magnitude == pytest.approx(1000 * 12 * 10000 * 0.0667 * GASOLINE_KG_PER_L / 1000, rel=REL)
    assert result.magnitude == pytest.approx(18582.56664, rel=REL)


def test_co2_03_3_charging():
    # 1,000 EV × 12 y × 10,000 km/y = 120,000,000 km × 0.120 kWh/km = 14,400,000 kWh; × 0.410 kg/kWh
    #   = 5,904,000 kg = 5,904 t CO2
    result = battery_vehicle_charging_emissions(Quantity(1000, "count"), Quantity(12, "year"), Quantity(10000, "km / year"),
                                                Quantity(120, "Wh / km"), Quantity(0.410, "kg CO2 / kWh"))
    assert result.units == T_CO2
    assert result.magnitude == pytest.approx(1000 * 12 * 10000 * 0.120 * 0.410 / 1000, rel=REL)
    assert result.magnitude == pytest.approx(5904, rel=REL)


def test_co2_03_3_battery_table_net_of_charging():
    rows = pd.DataFrame({"row": [2, 3], "vehicle_type": ["EV", "HV"], "vehicles": [1000.0, 4000.0]})
    table = battery_table(rows, BATTERIES, GASOLINE)
    # EV gross: 1,000 × 12 × 10,000 × 0.0667 × 2.32166 / 1,000 = 18,582.56664 t (the fuel saved)
    # EV charging: 1,000 × 12 × 10,000 × 0.120 kWh/km × 0.410 / 1,000 = 5,904 t
    # EV net: 18,582.56664 − 5,904 = 12,678.56664 t
    # HV: 4,000 × 12 × 10,000 × 0.025 × 2.32166 / 1,000 = 12,000,000 L × 2.32166 / 1,000 = 27,859.92 t, no charging
    gross = [1000 * 12 * 10000 * 0.0667 * GASOLINE_KG_PER_L / 1000, 4000 * 12 * 10000 * 0.025 * GASOLINE_KG_PER_L / 1000]
    assert list(table["gross_t"]) == pytest.approx(gross, rel=REL)
    assert list(table["charging_t"]) == pytest.approx([5904, 0], rel=REL)
    assert list(table["co2_t"]) == pytest.approx([gross[0] - 5904, gross[1]], rel=REL)
    assert table["co2_t"].iloc[0] == pytest.approx(12678.56664, rel=REL)
    assert table["co2_t"].iloc[1] == pytest.approx(27859.92, rel=REL)
    assert list(table["electricity_use"]) == ["120.0 Wh / km", "0.0 kWh / km"]
    # the other reading, charging excluded: the gross figures
    gross_reading = BATTERIES.model_copy(update={"charging": Sourced(value="excluded", source=SRC)})
    assert list(battery_table(rows, gross_reading, GASOLINE)["co2_t"]) == pytest.approx(gross, rel=REL)
    assert list(table["fuel_saving"]) == ["0.0667 L / km", "0.025 L / km"]
    assert table["fuel_co2"].iloc[0].endswith(" kg CO2 / L")
    assert float(table["fuel_co2"].iloc[0].split()[0]) == pytest.approx(GASOLINE_KG_PER_L, rel=REL)


# --- CO2-03.4 vacuum insulation panels -----------------------------------------------------------

def test_co2_03_4_vacuum_insulation():
    # 5,000 refrigerators × 30 kWh/y × 10 y × 0.410 kg/kWh = 615,000 kg = 615 t CO2
    result = vacuum_insulation_avoided_emissions(Quantity(5000, "count"), Quantity(30, "kWh / year"),
                                                 Quantity(10, "year"), Quantity(0.410, "kg CO2 / kWh"))
    assert result.units == T_CO2
    assert result.magnitude == pytest.approx(5000 * 30 * 10 * 0.410 / 1000, rel=REL)
    table = vacuum_insulation_table(
        pd.DataFrame({"row": [2], "host_product": ["refrigerator"], "units_shipped": [5000.0],
                      "saving_kwh_per_year": [30.0]}), VIP, REGIONS["japan"].emission_factor)
    assert list(table["co2_t"]) == pytest.approx([615], rel=REL)
    assert list(table["host_lifetime"]) == ["10.0 year"]


# --- CO2-03.5 teleconferencing -------------------------------------------------------------------

@pytest.mark.parametrize("destination, expected_km", [(LAX, 8812), (PVG, 1737), (FRA, 9361)])
def test_great_circle_distance_matches_the_reference_check_values(destination, expected_km):
    # REFERENCE_FACTS.md §5c: haversine with R = 6,371.0 km from HND
    result = great_circle_distance(HND, destination, Quantity(6371.0, "km"))
    assert result.units == ureg.Unit("km")
    assert result.magnitude == pytest.approx(expected_km, abs=1)


def test_great_circle_distance_on_the_equator_and_between_a_point_and_itself():
    # a quarter of the equator: π/2 × 6,371 = 10,007.543… km; the same way back; zero to itself
    radius = Quantity(6371.0, "km")
    assert great_circle_distance(ORIGIN_0, EQUATOR_90, radius).magnitude == pytest.approx(math.pi / 2 * 6371, rel=REL)
    assert great_circle_distance(EQUATOR_90, ORIGIN_0, radius).magnitude == pytest.approx(math.pi / 2 * 6371, rel=REL)
    assert great_circle_distance(HND, HND, radius).magnitude == 0
    # pole to pole: half a circumference, π × 6,371 km
    north, south = _airport("NP", 90.0, 0.0), _airport("SP", -90.0, 0.0)
    assert great_circle_distance(north, south, radius).magnitude == pytest.approx(math.pi * 6371, rel=REL)


def test_great_circle_distance_rejects_a_latitude_outside_the_range():
    with pytest.raises(ValueError, match="latitude"):
        great_circle_distance(HND, _airport("BAD", 91.0, 0.0), Quantity(6371.0, "km"))


def test_system_emissions_is_one_set_for_a_year():
    # e = 200 kWh/y × 0.410 kg/kWh = 82 kg/y = 0.082 t CO2/y
    e = system_emissions(Quantity(200, "kWh / year"), Quantity(0.410, "kg CO2 / kWh"))
    assert e.units == ureg.Unit("t CO2 / year")
    assert e.magnitude == pytest.approx(0.082, rel=REL)


@pytest.mark.parametrize("units, sets, unpaired", [(101, 50, 1), (100, 50, 0), (1, 0, 1), (0, 0, 0), (7.0, 3, 1)])
def test_teleconference_sets_round_down_and_report_the_unpaired_unit(units, sets, unpaired):
    # 2 units = 1 set (two units connect two sites): 101 units → 50 sets and 1 unit left over
    result = teleconference_sets(units)
    assert (result.sets, result.unpaired) == (sets, unpaired)


@pytest.mark.parametrize("units", [100.5, -2])
def test_teleconference_sets_need_a_whole_non_negative_count(units):
    with pytest.raises(ValueError, match="whole number"):
        teleconference_sets(units)


# Domestic set, per year:  a·b·c·d = 46/y × (2 × 552.6 km = 1,105.2 km) × 19 g/km × 3
#                                  = 2,897,834.4 g/y = 2.8978344 t/y
#                          e       = 200 kWh/y × 0.410 kg/kWh = 0.082 t/y
#                          a·b·c·d − e = 2.8158344 t/y;  × f = 7 y → 19.7108408 t per set
DOMESTIC_SET_PER_YEAR = 46 * (2 * 552.6) * 19 * 3 / 1e6 - 200 * 0.410 / 1000
# Overseas set (origin 0°,0° → airport 0°,90°): b = 2 × π/2 × 6,371 km = π × 6,371 km = 20,015.09 km
#                          a·b·c·d = 24/y × π × 6,371 km × 109 g/km × 2 = 104.7189… t/y;  − e (0.082 t/y)
OVERSEAS_SET_PER_YEAR = 24 * (math.pi * 6371) * 109 * 2 / 1e6 - 200 * 0.410 / 1000


def test_co2_03_5_teleconference_domestic_formula():
    assert DOMESTIC_SET_PER_YEAR == pytest.approx(2.8158344, rel=REL)
    args = (Quantity(46, "1 / year"), Quantity(1105.2, "km"), Quantity(19, "g CO2 / km"), Quantity(3, "count"),
            Quantity(0.082, "t CO2 / year"))
    saving = teleconference_set_saving(*args)
    assert saving.units == ureg.Unit("t CO2 / year")
    assert saving.magnitude == pytest.approx(2.8158344, rel=REL)
    # n = 50 sets: Σ_{i=1..50} (a·b·c·d − e) × 7 = 50 × 2.8158344 × 7 = 985.54204 t
    result = teleconference_avoided_emissions(Quantity(50, "count"), *args, Quantity(7, "year"))
    assert result.units == T_CO2
    assert result.magnitude == pytest.approx(50 * 2.8158344 * 7, rel=REL)
    assert result.magnitude == pytest.approx(985.54204, rel=REL)


def test_co2_03_5_system_use_above_the_trips_saved_is_negative():
    # a·b·c·d = 1/y × 100 km × 19 g/km × 1 = 1.9 kg/y;  e = 0.082 t/y → (0.0019 − 0.082) × 7 × 2 = −1.1214 t
    result = teleconference_avoided_emissions(Quantity(2, "count"), Quantity(1, "1 / year"), Quantity(100, "km"),
                                              Quantity(19, "g CO2 / km"), Quantity(1, "count"),
                                              Quantity(0.082, "t CO2 / year"), Quantity(7, "year"))
    assert result.magnitude == pytest.approx((0.0019 - 0.082) * 7 * 2, rel=REL)


def test_co2_03_5_teleconference_table_domestic_and_overseas():
    rows = pd.DataFrame({"row": [2, 3], "region": ["japan", "equator"], "units_sold": [101.0, 40.0]})
    table = teleconference_table(rows, REGIONS, _teleconference())
    assert list(table["trip"]) == ["domestic", "overseas"]
    assert list(table["route"]) == ["Tokyo–Shin-Osaka", "ZZA–ZZB"]
    # n: 101 units → 50 sets + 1 unpaired; 40 units → 20 sets
    assert list(table["sets"]) == [50, 20]
    assert list(table["unpaired_units"]) == [1, 0]
    assert list(table["a_trips"]) == ["46.0 1 / year", "24.0 1 / year"]
    assert table["b_round_trip"].iloc[0] == "1105.2 km"
    assert float(table["b_round_trip"].iloc[1].split()[0]) == pytest.approx(math.pi * 6371, rel=REL)
    assert list(table["c_emission_factor"]) == ["19.0 g CO2 / km", "109.0 g CO2 / km"]
    assert list(table["d_travellers"]) == ["3.0 count", "2.0 count"]
    assert float(table["e_system"].iloc[0].split()[0]) == pytest.approx(0.082, rel=REL)
    assert set(table["f_lifetime"]) == {"7.0 year"}
    # per set and year: 2.8158344 t/y (domestic); 24 × π × 6,371 × 109 × 2 / 10^6 − 0.082 t/y (overseas)
    assert list(table["set_saving_t_per_year"]) == pytest.approx([DOMESTIC_SET_PER_YEAR, OVERSEAS_SET_PER_YEAR],
                                                                 rel=REL)
    # × f = 7 × n: 50 × 2.8158344 × 7 = 985.54204 t;  20 × (104.7189… − 0.082) × 7
    assert list(table["co2_t"]) == pytest.approx([50 * DOMESTIC_SET_PER_YEAR * 7, 20 * OVERSEAS_SET_PER_YEAR * 7],
                                                 rel=REL)
    assert table["co2_t"].iloc[0] == pytest.approx(985.54204, rel=REL)


def test_co2_03_5_overseas_from_haneda_uses_the_great_circle_distance():
    rows = pd.DataFrame({"row": [2], "region": ["europe"], "units_sold": [10.0]})
    table = teleconference_table(rows, REGIONS, _teleconference(origin=HND))
    assert table["route"].iloc[0] == "HND–FRA"
    # b = 2 × 9,361 km (REFERENCE_FACTS §5c, to 1 km each way)
    assert float(table["b_round_trip"].iloc[0].split()[0]) == pytest.approx(2 * 9361, abs=2)


def test_co2_03_5_a_fractional_unit_count_is_an_error_naming_the_row():
    rows = pd.DataFrame({"row": [7], "region": ["japan"], "units_sold": [10.5]})
    with pytest.raises(ValueError, match="row 7: units_sold must be a whole number"):
        teleconference_table(rows, REGIONS, _teleconference())


def test_co2_03_5_overseas_region_without_an_airport_is_an_error_naming_it():
    rows = pd.DataFrame({"row": [2], "region": ["oceania"], "units_sold": [10.0]})
    with pytest.raises(ValueError, match="region 'oceania' has no airport"):
        teleconference_table(rows, REGIONS, _teleconference())


# --- CO2-03.6 HEMS and BEMS ----------------------------------------------------------------------

def test_co2_03_6_energy_management():
    # HEMS: 4,500 kWh/y × 10 % × 10 y × 1,000 units × 0.410 kg/kWh = 1,845,000 kg = 1,845 t CO2
    result = energy_management_avoided_emissions(Quantity(4500, "kWh / year"), Quantity(10, "percent"),
                                                 Quantity(10, "year"), Quantity(1000, "count"),
                                                 Quantity(0.410, "kg CO2 / kWh"))
    assert result.units == T_CO2
    assert result.magnitude == pytest.approx(4500 * 0.10 * 10 * 1000 * 0.410 / 1000, rel=REL)
    assert result.magnitude == pytest.approx(1845, rel=REL)


def test_co2_03_6_energy_management_table():
    rows = pd.DataFrame({"row": [2, 3], "system": ["hems", "bems"], "units_shipped": [1000.0, 2.0]})
    table = energy_management_table(rows, EMS)
    # HEMS 1,845 t;  BEMS: 1,500,000 kWh/y × 10 % × 10 y × 2 × 0.410 / 1,000 = 1,230 t
    assert list(table["co2_t"]) == pytest.approx([1845, 1500000 * 0.10 * 10 * 2 * 0.410 / 1000], rel=REL)
    assert list(table["saving"]) == ["10.0 percent", "10.0 percent"]
    assert list(table["annual_consumption"]) == ["4500.0 kWh / year", "1500000.0 kWh / year"]


# --- CO2-03 summary ------------------------------------------------------------------------------

def test_co2_03_summary_shows_seven_lines_and_their_sum():
    totals = [Quantity(1230, "t CO2"), Quantity(4198.4, "t CO2"), Quantity(46.44, "kt CO2"), Quantity(615, "t CO2"),
              Quantity(985.54204, "t CO2"), Quantity(3075, "t CO2"), Quantity(500_000, "kg CO2")]
    summary = indirect_lines_summary(*totals)
    assert list(summary.lines.columns) == ["line", "indicator", "name", "name_ja", "co2_t"]
    assert list(summary.lines["line"]) == [1, 2, 3, 4, 5, 6, 7]
    assert list(summary.lines["indicator"]) == [f"CO2-03.{k}" for k in range(1, 8)]
    assert list(summary.lines["name"]) == [name for _, name, _ in INDIRECT_LINES]
    # 46.44 kt = 46,440 t; 500,000 kg = 500 t
    assert list(summary.lines["co2_t"]) == pytest.approx([1230, 4198.4, 46440, 615, 985.54204, 3075, 500], rel=REL)
    # 1,230 + 4,198.4 + 46,440 + 615 + 985.54204 + 3,075 + 500 = 57,043.94204 t
    assert summary.total.units == T_CO2
    assert summary.total.magnitude == pytest.approx(57043.94204, rel=REL)


# --- result units --------------------------------------------------------------------------------

def test_every_formula_returns_t_co2_from_any_input_units():
    # the same PV row in MW, days and g/Wh: 1 MW × (25 × 365.25 d = 25 y) × 1,100 kWh/(kW·y) × 0.36 g/Wh = 9,900 t
    result = pv_avoided_emissions(Quantity(1, "MW"), Quantity(25 * 365.25, "day"), Quantity(1100, "kWh / (kW year)"),
                                  Quantity(0.36, "g CO2 / Wh"))
    assert result.units == T_CO2
    assert result.magnitude == pytest.approx(9900, rel=REL)
    # a wrong dimension raises instead of giving a number
    with pytest.raises(Exception, match="[Dd]imensionality|[Cc]annot convert"):
        pv_avoided_emissions(Quantity(1, "kWh"), Quantity(25, "year"), Quantity(1100, "kWh / (kW year)"),
                             Quantity(0.36, "kg CO2 / kWh"))


# --- target progress (seed 000: ≥ 300 Mt by 2050) ------------------------------------------------

HISTORY = pd.DataFrame({
    "row": [2, 3, 4, 5, 6, 7, 8],
    "fiscal_year": [2012, 2013, 2014, 2015, 2016, 2017, 2018],
    "avoided_co2_t": [100.0, 1000.0, 1500.0, 2000.0, 2500.0, 3000.0, 9999.0],
    "source": ["SDB2013", "SDB2014", "SDB2015", "SDB2016", "SDB2017", "SDB2018", "published FY2018 (being rerun)"],
})


def test_cumulative_avoided_emissions():
    # counts from FY2013 (FY2012 is left out), history to FY2017, this year's 4,000 t instead of the
    # published FY2018 row: 1,000 + 1,500 + 2,000 + 2,500 + 3,000 + 4,000 = 14,000 t
    result = cumulative_avoided_emissions(HISTORY, Quantity(4, "kt CO2"), 2018, counts_from=2013)
    assert result.units == T_CO2
    assert result.magnitude == pytest.approx(14000, rel=REL)
    # a float is read in t CO2
    assert cumulative_avoided_emissions(HISTORY, 4000.0, 2018, 2013).magnitude == pytest.approx(14000, rel=REL)
    # counting from FY2015: 2,000 + 2,500 + 3,000 + 4,000 = 11,500 t
    assert cumulative_avoided_emissions(HISTORY, 4000.0, 2018, 2015).magnitude == pytest.approx(11500, rel=REL)


def test_cumulative_with_a_missing_year_is_an_error_naming_it():
    gap = HISTORY[HISTORY["fiscal_year"] != 2015]
    with pytest.raises(ValueError, match="FY2015"):
        cumulative_avoided_emissions(gap, 4000.0, 2018, 2013)


def test_cumulative_before_the_first_counted_year_is_an_error():
    with pytest.raises(ValueError, match="before the first year"):
        cumulative_avoided_emissions(HISTORY, 4000.0, 2012, 2013)


def test_required_annual_rate():
    # (300,000,000 − 14,000) t / (2050 − 2018 = 32 y) = 299,986,000 / 32 = 9,374,562.5 t/y
    rate = required_annual_rate(Quantity(300, "Mt CO2"), Quantity(14000, "t CO2"), 2018, 2050)
    assert rate.units == ureg.Unit("t CO2 / year")
    assert rate.magnitude == pytest.approx(9374562.5, rel=REL)
    with pytest.raises(ValueError, match="must be after"):
        required_annual_rate(Quantity(300, "Mt CO2"), Quantity(14000, "t CO2"), 2050, 2050)


def test_target_trajectory():
    frame = target_trajectory(HISTORY, 4000.0, 2018, Quantity(300, "Mt CO2"), 2050, 2013)
    assert list(frame.columns) == ["fiscal_year", "avoided_co2_t", "cumulative_co2_t", "required_cumulative_co2_t",
                                   "target_co2_t", "source"]
    # one row per year FY2013 … FY2050: 38 rows
    assert list(frame["fiscal_year"]) == list(range(2013, 2051))
    by_year = frame.set_index("fiscal_year")
    # actual: 1,000; 2,500; 4,500; 7,000; 10,000; 14,000 (FY2018 = this report)
    assert list(by_year.loc[2013:2018, "cumulative_co2_t"]) == pytest.approx([1000, 2500, 4500, 7000, 10000, 14000],
                                                                            rel=REL)
    assert list(by_year.loc[2013:2018, "source"]) == ["history"] * 5 + ["this report"]
    assert by_year.loc[2019:, "cumulative_co2_t"].isna().all()
    assert by_year.loc[2019:, "avoided_co2_t"].isna().all()
    # required path: NaN before FY2018; 14,000 in FY2018, + 9,374,562.5 per year, 300,000,000 in FY2050
    assert by_year.loc[:2017, "required_cumulative_co2_t"].isna().all()
    assert by_year.loc[2018, "required_cumulative_co2_t"] == pytest.approx(14000, rel=REL)
    assert by_year.loc[2019, "required_cumulative_co2_t"] == pytest.approx(14000 + 9374562.5, rel=REL)
    assert by_year.loc[2030, "required_cumulative_co2_t"] == pytest.approx(14000 + 12 * 9374562.5, rel=REL)
    assert by_year.loc[2050, "required_cumulative_co2_t"] == pytest.approx(300_000_000, rel=REL)
    assert set(frame["target_co2_t"]) == {300_000_000}
