"""Tests for envkpi.ventilation: the heat-exchange ventilation model of CO2-03.7.

Clauses: METHODOLOGY.md "Heat-exchange ventilation simulation conditions (CO2-03.7)" and the
calculation standard's row 商品による間接的なCO2削減貢献量, note ※5, with its table
■熱交換システム導入による省エネ効果評価のシミュレーション条件 (heating 11/6–4/13, cooling 5/30–9/22,
20 °C / 27 °C, LD 18 h, private rooms 3–5 h, APF 4.9, boiler COP 0.821, humidifier 60 Wh/L,
4 plain fans vs 2 heat-exchange units running 24 h, 27 JPY/kWh, 75 JPY/L).

Every expected value is worked by hand in the test, with the arithmetic written out. Throughout:
ρ = 1.2 kg/m3, c_p = 1.005 kJ/(kg·K), so ρ·c_p·100 m3/h = 120.6 kJ/(h·K), and a 1 K difference
over one hour is 120.6 / 3600 kWh.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from envkpi.core.parameters import Sourced
from envkpi.families import load_parameters
from envkpi.core.units import Quantity, ureg
from envkpi.families.avoided_emissions.ventilation import (conditions_from_parameters, dwellings_fitted,
    fan_power_sentence, heat_exchange_readings, heat_exchange_table, reading_sentences, saving_share,
    TOKYO_MONTHLY_MEAN_1991_2020, Period, Room, SimulationConditions, heat_exchange_avoided_emissions,
    simulate_ventilation, standard_rooms, typical_day_series_from_monthly_means, validated_series,
    ventilation_loads)

REL = 1e-12
LD = Room("LD", Quantity(100, "m**3 / h"), 6, 18)  # 6:00–24:00


def _conditions(**changes) -> SimulationConditions:
    """LD only, 100 m3/h, η = 0.7, fans off unless a test turns them on; the standard's defaults."""
    values = dict(rooms=(LD,), exchange_efficiency=0.7, plain_fan_power=Quantity(0, "W"),
                  heat_exchange_unit_power=Quantity(0, "W"))
    values.update(changes)
    return SimulationConditions(**values)


def _series(stamps: list[str], temps: list[float], **extra) -> pd.DataFrame:
    return pd.DataFrame({"timestamp": pd.to_datetime(stamps), "outdoor_temp_c": temps, **extra})


TWO_HOURS = _series(["2019-01-15 10:00", "2019-01-15 11:00"], [10.0, 5.0])


# --- the two-hour toy series ---------------------------------------------------------------------

def test_two_heating_hours_fans_off_saving_is_exactly_the_exchange_efficiency():
    result = simulate_ventilation(TWO_HOURS, _conditions())
    # Q1 = 1.2 × 1.005 × 100 × (20 − 10) / 3600 = 1206 / 3600 = 0.335 kWh
    # Q2 = 1.2 × 1.005 × 100 × (20 − 5) / 3600 = 1809 / 3600 = 0.5025 kWh
    # Q = 0.335 + 0.5025 = 0.8375 kWh (heat)
    assert result.components.loc["heating_load_kwh", "without_kwh"] == pytest.approx(0.8375, rel=REL)
    # AC without = 0.8375 / 4.9 = 0.170918… kWh; fans 0 W, no boiler, no humidifier
    assert result.energy_without.m_as("kWh / year") == pytest.approx(0.8375 / 4.9, rel=REL)
    assert result.air_conditioning_without.m_as("kWh / year") == pytest.approx(0.8375 / 4.9, rel=REL)
    # with heat exchange: Q_hx = 0.8375 × (1 − 0.7) = 0.25125 kWh → AC = 0.25125 / 4.9 = 0.051276… kWh
    assert result.components.loc["heating_load_kwh", "with_kwh"] == pytest.approx(0.25125, rel=REL)
    assert result.energy_with.m_as("kWh / year") == pytest.approx(0.25125 / 4.9, rel=REL)
    assert result.air_conditioning_with.m_as("kWh / year") == pytest.approx(0.25125 / 4.9, rel=REL)
    # saving = (0.8375 − 0.25125) / 4.9 = 0.58625 / 4.9 kWh; 0.58625 / 0.8375 = 0.7 → 70 %
    assert result.saving.m_as("kWh / year") == pytest.approx(0.58625 / 4.9, rel=REL)
    assert result.saving_percent.m_as("percent") == pytest.approx(70.0, rel=REL)
    assert result.saving_percent.units == ureg.Unit("percent")
    assert result.covered_hours.m_as("h") == pytest.approx(2.0, rel=REL)
    # cost: 0.8375 / 4.9 kWh × 27 JPY/kWh = 4.614795… JPY; with: 0.25125 / 4.9 × 27 JPY
    assert result.cost_without.m_as("JPY / year") == pytest.approx(0.8375 / 4.9 * 27, rel=REL)
    assert result.cost_saving.m_as("JPY / year") == pytest.approx(0.58625 / 4.9 * 27, rel=REL)


def test_two_heating_hours_fans_on_lower_the_saving():
    conditions = _conditions(plain_fan_power=Quantity(5, "W"), heat_exchange_unit_power=Quantity(20, "W"))
    result = simulate_ventilation(TWO_HOURS, conditions)
    # fans without: 4 × 5 W × 2 h = 40 Wh = 0.04 kWh; with: 2 × 20 W × 2 h = 80 Wh = 0.08 kWh
    assert result.components.loc["fans_kwh", "without_kwh"] == pytest.approx(0.04, rel=REL)
    assert result.components.loc["fans_kwh", "with_kwh"] == pytest.approx(0.08, rel=REL)
    # E_without = 0.8375 / 4.9 + 0.04 = 0.210918… kWh; E_with = 0.25125 / 4.9 + 0.08 = 0.131276… kWh
    assert result.energy_without.m_as("kWh / year") == pytest.approx(0.8375 / 4.9 + 0.04, rel=REL)
    assert result.energy_with.m_as("kWh / year") == pytest.approx(0.25125 / 4.9 + 0.08, rel=REL)
    # the AC part does not contain the fans
    assert result.air_conditioning_without.m_as("kWh / year") == pytest.approx(0.8375 / 4.9, rel=REL)
    # saving = (0.58625 / 4.9 − 0.04) / (0.8375 / 4.9 + 0.04); × 4.9 above and below:
    #        = (0.58625 − 0.196) / (0.8375 + 0.196) = 0.39025 / 1.0335 = 0.377600… → 37.7600 %
    assert result.saving_percent.m_as("percent") == pytest.approx(100 * 0.39025 / 1.0335, rel=REL)
    # down from 70 % by 70 − 37.7600… = 32.2399… percentage points
    assert 70.0 - result.saving_percent.m_as("percent") == pytest.approx(70 - 100 * 0.39025 / 1.0335, rel=REL)


def test_energy_without_times_saving_percent_is_the_saving():
    conditions = _conditions(plain_fan_power=Quantity(5, "W"), heat_exchange_unit_power=Quantity(20, "W"))
    result = simulate_ventilation(TWO_HOURS, conditions)
    # E_without × s = (0.8375/4.9 + 0.04) × 0.39025/1.0335 = 0.39025 / 4.9 = E_without − E_with
    product = (result.energy_without * result.saving_percent).m_as("kWh / year")
    assert product == pytest.approx(0.39025 / 4.9, rel=REL)
    assert product == pytest.approx(result.saving.m_as("kWh / year"), rel=REL)


# --- periods and operating windows ---------------------------------------------------------------

def test_a_cooling_hour():
    result = simulate_ventilation(_series(["2019-08-01 14:00"], [32.0]), _conditions())
    # Q = 1.2 × 1.005 × 100 × (32 − 27) / 3600 = 603 / 3600 = 0.1675 kWh; no heating load
    assert result.components.loc["cooling_load_kwh", "without_kwh"] == pytest.approx(0.1675, rel=REL)
    assert result.components.loc["heating_load_kwh", "without_kwh"] == 0.0
    # AC = 0.1675 / 4.9; with: 0.1675 × 0.3 / 4.9 = 0.05025 / 4.9
    assert result.energy_without.m_as("kWh / year") == pytest.approx(0.1675 / 4.9, rel=REL)
    assert result.energy_with.m_as("kWh / year") == pytest.approx(0.05025 / 4.9, rel=REL)
    assert result.monthly.loc[8, "cooling_load_kwh_without"] == pytest.approx(0.1675, rel=REL)


def test_a_cooling_hour_below_the_set_point_has_no_load():
    # 25 °C < 27 °C: max(0, 25 − 27) = 0
    result = simulate_ventilation(_series(["2019-08-01 14:00"], [25.0]), _conditions())
    assert result.components.loc["cooling_load_kwh", "without_kwh"] == 0.0


def test_an_hour_outside_both_periods_has_no_load():
    # 10 May is after the heating period (ends 13 Apr) and before cooling (starts 30 May); 10 °C
    # would be a heating load of 0.335 kWh inside the heating period
    conditions = _conditions(plain_fan_power=Quantity(5, "W"), heat_exchange_unit_power=Quantity(20, "W"))
    loads = ventilation_loads(_series(["2019-05-10 12:00"], [10.0]), conditions)
    assert loads["heating_load_kwh"].iloc[0] == 0.0 and loads["cooling_load_kwh"].iloc[0] == 0.0
    assert not loads["heating"].iloc[0] and not loads["cooling"].iloc[0]
    # only the fans: 4 × 5 W × 1 h = 0.02 kWh
    result = simulate_ventilation(_series(["2019-05-10 12:00"], [10.0]), conditions)
    assert result.components.loc["ac_kwh", "without_kwh"] == 0.0
    assert result.energy_without.m_as("kWh / year") == pytest.approx(0.02, rel=REL)


def test_fans_off_and_no_load_gives_no_saving_percent():
    # E_without = 0: a percentage of nothing is undefined
    result = simulate_ventilation(_series(["2019-05-10 12:00"], [10.0]), _conditions())
    assert result.energy_without.m_as("kWh / year") == 0.0
    assert math.isnan(result.saving_percent.m_as("percent"))


def test_an_hour_outside_the_operating_window_has_no_ac_load_but_the_fans_run():
    # 03:00 is outside LD's 6:00–24:00; 0 °C in January would otherwise be a load
    conditions = _conditions(plain_fan_power=Quantity(5, "W"), heat_exchange_unit_power=Quantity(20, "W"))
    result = simulate_ventilation(_series(["2019-01-15 03:00"], [0.0]), conditions)
    assert result.components.loc["heating_load_kwh", "without_kwh"] == 0.0
    assert result.air_conditioning_without.m_as("kWh / year") == 0.0
    # fans without: 4 × 5 W × 1 h = 0.02 kWh; with: 2 × 20 W × 1 h = 0.04 kWh
    assert result.energy_without.m_as("kWh / year") == pytest.approx(0.02, rel=REL)
    assert result.energy_with.m_as("kWh / year") == pytest.approx(0.04, rel=REL)
    # saving = (0.02 − 0.04) / 0.02 = −1 → −100 %: the heat-exchange units cost more
    assert result.saving_percent.m_as("percent") == pytest.approx(-100.0, rel=REL)


def test_each_room_counts_only_in_its_own_window():
    # LD 100 m3/h 6:00–24:00, private rooms 50 m3/h 20:00–24:00 (standard_rooms, 4 h)
    rooms = standard_rooms(Quantity(100, "m**3 / h"), Quantity(50, "m**3 / h"))
    assert [(r.name, r.start_hour, r.hours) for r in rooms] == [("LD", 6, 18), ("private rooms", 20, 4)]
    series = _series(["2019-01-15 19:00", "2019-01-15 20:00"], [10.0, 10.0])
    loads = ventilation_loads(series, _conditions(rooms=rooms))
    # 19:00: LD only: 1.2 × 1.005 × 100 × 10 / 3600 = 1206 / 3600 = 0.335 kWh
    # 20:00: LD + private: 1.2 × 1.005 × 150 × 10 / 3600 = 1809 / 3600 = 0.5025 kWh
    assert list(loads["heating_load_kwh"]) == pytest.approx([0.335, 0.5025], rel=REL)


def test_operating_window_may_pass_midnight():
    # start 22:00, 4 h → 22, 23, 0, 1 inside; 2 and 21 outside
    room = Room("night", Quantity(10, "m**3 / h"), 22, 4)
    assert list(room.operating(np.array([21, 22, 23, 0, 1, 2]))) == [False, True, True, True, True, False]


def test_heating_period_wraps_the_year_end():
    series = _series(["2018-12-20 12:00", "2019-01-20 12:00", "2019-05-20 12:00"], [10.0, 10.0, 10.0],
                     weight=[1.0, 1.0, 1.0])
    result = simulate_ventilation(series, _conditions())
    # December and January are inside 11/6–4/13: 1.2 × 1.005 × 100 × 10 / 3600 = 0.335 kWh each;
    # May is outside: 0
    assert result.monthly.loc[12, "heating_load_kwh_without"] == pytest.approx(0.335, rel=REL)
    assert result.monthly.loc[1, "heating_load_kwh_without"] == pytest.approx(0.335, rel=REL)
    assert result.monthly.loc[5, "heating_load_kwh_without"] == 0.0
    assert result.components.loc["heating_load_kwh", "without_kwh"] == pytest.approx(0.335 + 0.335, rel=REL)
    assert list(result.monthly.index) == list(range(1, 13))


def test_period_ends_are_included():
    heating = Period(11, 6, 4, 13)
    # 5 Nov out, 6 Nov in, 31 Dec in, 1 Jan in, 13 Apr in, 14 Apr out, 1 Jul out
    months = np.array([11, 11, 12, 1, 4, 4, 7])
    days = np.array([5, 6, 31, 1, 13, 14, 1])
    assert list(heating.contains(months, days)) == [False, True, True, True, True, False, False]
    cooling = Period(5, 30, 9, 22)
    assert list(cooling.contains(np.array([5, 5, 9, 9]), np.array([29, 30, 22, 23]))) == [False, True, True, False]


# --- boiler, humidifier, weights -----------------------------------------------------------------

def test_boiler_share_half_splits_the_heating():
    series = _series(["2019-01-15 10:00", "2019-08-01 14:00"], [10.0, 32.0], weight=[1.0, 1.0])
    result = simulate_ventilation(series, _conditions(boiler_heating_share=0.5))
    # heating Q = 0.335 kWh, cooling Q = 0.1675 kWh (see above)
    # AC = (0.5 × 0.335 + 0.1675) / 4.9 = (0.1675 + 0.1675) / 4.9 = 0.335 / 4.9 kWh
    # boiler = 0.5 × 0.335 / 0.821 = 0.1675 / 0.821 kWh of kerosene heat; cooling is never on the boiler
    assert result.components.loc["ac_kwh", "without_kwh"] == pytest.approx(0.335 / 4.9, rel=REL)
    assert result.components.loc["boiler_kwh", "without_kwh"] == pytest.approx(0.1675 / 0.821, rel=REL)
    assert result.energy_without.m_as("kWh / year") == pytest.approx(0.335 / 4.9 + 0.1675 / 0.821, rel=REL)
    # with heat exchange every term × 0.3: 0.1005 / 4.9 + 0.05025 / 0.821
    assert result.energy_with.m_as("kWh / year") == pytest.approx(0.1005 / 4.9 + 0.05025 / 0.821, rel=REL)
    assert result.saving_percent.m_as("percent") == pytest.approx(70.0, rel=REL)
    # cost: kerosene (0.1675 / 0.821) kWh × 3.6 MJ/kWh / 36.7 MJ/L (= 36.7 GJ/kL) × 75 JPY/L
    #       + electricity 0.335 / 4.9 kWh × 27 JPY/kWh
    expected = 0.1675 / 0.821 * 3.6 / 36.7 * 75 + 0.335 / 4.9 * 27
    assert result.cost_without.m_as("JPY / year") == pytest.approx(expected, rel=REL)


def test_humidifier_is_zero_without_humidity_data():
    # a target but no humidity column
    result = simulate_ventilation(TWO_HOURS, _conditions(humidification_target=Quantity(7, "g / kg")))
    assert result.components.loc["humidifier_kwh", "without_kwh"] == 0.0
    # a humidity column but no target
    humid = TWO_HOURS.assign(outdoor_abs_humidity_g_per_kg=[2.0, 2.0])
    result = simulate_ventilation(humid, _conditions())
    assert result.components.loc["humidifier_kwh", "without_kwh"] == 0.0
    assert result.saving_percent.m_as("percent") == pytest.approx(70.0, rel=REL)


def test_humidifier_with_humidity_data_and_a_target():
    series = _series(["2019-01-15 10:00", "2019-08-01 14:00"], [20.0, 27.0], weight=[1.0, 1.0],
                     outdoor_abs_humidity_g_per_kg=[2.0, 2.0])
    conditions = _conditions(humidification_target=Quantity(7, "g / kg"), moisture_exchange_efficiency=0.5)
    loads = ventilation_loads(series, conditions)
    # January 10:00: water = 1.2 kg/m3 × 100 m3/h × (7 − 2) g/kg / 1000 = 0.6 kg = 0.6 L
    # August (cooling period): no humidification
    assert list(loads["humidification_water_l"]) == pytest.approx([0.6, 0.0], rel=REL)
    result = simulate_ventilation(series, conditions)
    # 0.6 L × 60 Wh/L = 36 Wh = 0.036 kWh; with 50 % moisture recovery 0.018 kWh
    # (20 °C and 27 °C are the set points: no sensible load)
    assert result.components.loc["humidifier_kwh", "without_kwh"] == pytest.approx(0.036, rel=REL)
    assert result.components.loc["humidifier_kwh", "with_kwh"] == pytest.approx(0.018, rel=REL)
    assert result.air_conditioning_without.m_as("kWh / year") == pytest.approx(0.036, rel=REL)
    assert result.saving_percent.m_as("percent") == pytest.approx(50.0, rel=REL)


def test_a_typical_day_row_with_weight_31_counts_31_times():
    series = _series(["2019-01-01 10:00"], [10.0], weight=[31.0])
    conditions = _conditions(plain_fan_power=Quantity(5, "W"), heat_exchange_unit_power=Quantity(20, "W"))
    result = simulate_ventilation(series, conditions)
    # heating: 31 × 0.335 = 10.385 kWh; AC = 10.385 / 4.9 kWh
    assert result.components.loc["heating_load_kwh", "without_kwh"] == pytest.approx(10.385, rel=REL)
    # fans: 4 × 5 W × 31 h = 620 Wh = 0.62 kWh; with: 2 × 20 W × 31 h = 1.24 kWh
    assert result.components.loc["fans_kwh", "without_kwh"] == pytest.approx(0.62, rel=REL)
    assert result.energy_without.m_as("kWh / year") == pytest.approx(10.385 / 4.9 + 0.62, rel=REL)
    assert result.energy_with.m_as("kWh / year") == pytest.approx(10.385 * 0.3 / 4.9 + 1.24, rel=REL)
    assert result.covered_hours.m_as("h") == pytest.approx(31.0, rel=REL)
    assert result.monthly.loc[1, "hours"] == pytest.approx(31.0, rel=REL)


def test_a_flat_monthly_mean_year_for_tokyo():
    series = typical_day_series_from_monthly_means(TOKYO_MONTHLY_MEAN_1991_2020, 2019)
    conditions = _conditions(plain_fan_power=Quantity(5, "W"), heat_exchange_unit_power=Quantity(20, "W"))
    result = simulate_ventilation(series, conditions)
    assert result.covered_hours.m_as("h") == 8760.0
    # fans all year: 4 × 5 W × 8,760 h = 175.2 kWh; 2 × 20 W × 8,760 h = 350.4 kWh
    assert result.components.loc["fans_kwh", "without_kwh"] == pytest.approx(175.2, rel=REL)
    assert result.components.loc["fans_kwh", "with_kwh"] == pytest.approx(350.4, rel=REL)
    # January: 31 days × 18 h (LD) × 1.2 × 1.005 × 100 × (20 − 5.4) / 3600 = 558 × 1760.76 / 3600 kWh
    assert result.monthly.loc[1, "heating_load_kwh_without"] == pytest.approx(558 * 1760.76 / 3600, rel=REL)
    # November from the 6th: 25 days × 18 h × 1.2 × 1.005 × 100 × (20 − 12.5) / 3600 = 450 × 904.5 / 3600
    assert result.monthly.loc[11, "heating_load_kwh_without"] == pytest.approx(450 * 904.5 / 3600, rel=REL)
    # April to the 13th: 13 × 18 × 120.6 × (20 − 14.3) / 3600 = 234 × 687.42 / 3600
    assert result.monthly.loc[4, "heating_load_kwh_without"] == pytest.approx(234 * 687.42 / 3600, rel=REL)
    # the warmest month mean, August 26.9 °C, is below 27 °C: no cooling load at all with flat means
    assert result.components.loc["cooling_load_kwh", "without_kwh"] == 0.0


# --- the standard's formula ----------------------------------------------------------------------

def test_heat_exchange_avoided_emissions():
    result = heat_exchange_avoided_emissions(Quantity(1000, "kWh / year"), Quantity(20, "percent"),
                                             Quantity(10, "year"), Quantity(5000, "count"),
                                             Quantity(0.410, "kg CO2 / kWh"))
    # 1,000 kWh/y × 0.20 = 200 kWh/y; × 10 y = 2,000 kWh; × 5,000 dwellings = 10,000,000 kWh;
    # × 0.410 kg CO2/kWh = 4,100,000 kg CO2 = 4,100 t CO2
    assert result.m_as("t CO2") == pytest.approx(4100.0, rel=REL)
    assert result.units == ureg.Unit("t CO2")


def test_heat_exchange_avoided_emissions_500_units():
    # 1,000 × 0.20 × 10 × 500 × 0.410 = 410,000 kg CO2 = 410 t CO2
    result = heat_exchange_avoided_emissions(Quantity(1, "MWh / year"), Quantity(0.2, "dimensionless"),
                                             Quantity(10, "year"), Quantity(500, "count"),
                                             Quantity(0.410, "kg CO2 / kWh"))
    assert result.m_as("t CO2") == pytest.approx(410.0, rel=REL)


# --- ※5's two factors under the readings of the fans, and dwellings -----------------------------

def test_saving_share_excluded_is_the_air_conditioning_saving_and_netted_adds_the_fans():
    conditions = _conditions(plain_fan_power=Quantity(5, "W"), heat_exchange_unit_power=Quantity(20, "W"))
    result = simulate_ventilation(TWO_HOURS, conditions)
    # AC without 0.8375 / 4.9, with 0.25125 / 4.9 → saving 0.58625 / 4.9 kWh; fans 0.04 → 0.08 kWh
    assert result.air_conditioning_saving.m_as("kWh / year") == pytest.approx(0.58625 / 4.9, rel=REL)
    assert result.fans_without.m_as("kWh / year") == pytest.approx(0.04, rel=REL)
    assert result.fans_with.m_as("kWh / year") == pytest.approx(0.08, rel=REL)
    # excluded: 0.58625 / 0.8375 = 70 %
    assert saving_share(result, "excluded").m_as("percent") == pytest.approx(70.0, rel=REL)
    # netted: (0.58625 / 4.9 + 0.04 − 0.08) / (0.8375 / 4.9) = (0.58625 − 0.196) / 0.8375 = 0.39025 / 0.8375
    #       = 0.465970… → 46.5970 % (the heat-exchange units draw more here, so netting lowers the saving)
    assert saving_share(result, "netted").m_as("percent") == pytest.approx(100 * 0.39025 / 0.8375, rel=REL)
    with pytest.raises(ValueError, match="expected one of excluded, netted"):
        saving_share(result, "both")


def test_dwellings_fitted_is_units_over_units_per_dwelling():
    # 41,200 units ÷ 2 units per dwelling = 20,600 dwellings; 3 units ÷ 2 = 1.5 (not rounded)
    assert dwellings_fitted(Quantity(41200, "count"), Quantity(2, "count")).m_as("count") == 20600
    assert dwellings_fitted(Quantity(3, "count"), Quantity(2, "count")).m_as("count") == 1.5


@pytest.fixture(scope="module")
def fy2018_heat_exchange(root):
    return load_parameters(root / "parameters" / "FY2018.yaml", root=root).avoided_emissions.heat_exchange


def test_line_7_with_the_fy2018_fan_powers_and_two_units_per_dwelling(fy2018_heat_exchange):
    """The FY2018 parameters: 4 plain fans of 8 W, 2 heat-exchange units of 12 W, 2 units per dwelling."""
    hx = fy2018_heat_exchange
    assert (hx.plain_fans.value, hx.plain_fan_power.quantity.m_as("W")) == (4, 8)
    assert (hx.heat_exchange_units.value, hx.heat_exchange_unit_power.quantity.m_as("W")) == (2, 12)
    assert hx.fan_energy.value == "excluded"
    assert hx.exchange_efficiency.quantity.m_as("") == pytest.approx(0.7, rel=REL)
    conditions = conditions_from_parameters(hx)
    result = simulate_ventilation(TWO_HOURS, conditions)
    # 15 Jan 10:00 and 11:00: only the LD (60 m3/h, 6–24 h) is air-conditioned, the private rooms from 20 h.
    # Q = 1.2 × 1.005 × 60 × (20 − 10) / 3600 + 1.2 × 1.005 × 60 × (20 − 5) / 3600 = 0.201 + 0.3015 = 0.5025 kWh
    # AC without = 0.5025 / 4.9; with = 0.5025 × 0.3 / 4.9; saving = 0.35175 / 4.9 = 0.0717857… kWh
    assert result.air_conditioning_without.m_as("kWh / year") == pytest.approx(0.5025 / 4.9, rel=REL)
    assert result.air_conditioning_saving.m_as("kWh / year") == pytest.approx(0.35175 / 4.9, rel=REL)
    # fans: 4 × 8 W × 2 h = 0.064 kWh without; 2 × 12 W × 2 h = 0.048 kWh with: the units draw 16 Wh less
    assert result.fans_without.m_as("kWh / year") == pytest.approx(0.064, rel=REL)
    assert result.fans_with.m_as("kWh / year") == pytest.approx(0.048, rel=REL)
    assert "draw 32 W together" in fan_power_sentence(conditions, result)
    assert "8 W less" in fan_power_sentence(conditions, result)
    rows = pd.DataFrame({"row": [2, 3], "product": ["a", "b"], "units_shipped": [1000, 3]})
    table = heat_exchange_table(rows, result, hx)
    # dwellings: 1,000 ÷ 2 = 500 and 3 ÷ 2 = 1.5
    assert table["dwellings"].tolist() == [500, 1.5]
    # AE = AC without × 70 % × 10 y × 500 × 0.410 kg/kWh = 0.35175 / 4.9 × 10 × 500 × 0.410 / 1000 t
    #    = 0.0717857 × 2050 / 1000 = 0.147161 t CO2
    assert table["co2_t"].iloc[0] == pytest.approx(0.35175 / 4.9 * 10 * 500 * 0.410 / 1000, rel=REL)
    assert table["co2_t"].iloc[1] == pytest.approx(0.35175 / 4.9 * 10 * 1.5 * 0.410 / 1000, rel=REL)
    readings = heat_exchange_readings(rows, result, hx)
    taken = 0.35175 / 4.9 * 10 * 501.5 * 0.410 / 1000
    # netted: AC without × s = 0.35175 / 4.9 + (0.064 − 0.048) = (0.35175 + 0.0784) / 4.9 kWh a year saved
    netted = (0.35175 + 0.0784) / 4.9 * 10 * 501.5 * 0.410 / 1000
    # every unit a dwelling: 1,003 dwellings instead of 501.5, twice the figure
    per_unit = 0.35175 / 4.9 * 10 * 1003 * 0.410 / 1000
    assert readings["co2_t"].tolist() == pytest.approx([taken, netted, per_unit], rel=REL)
    assert readings["difference_t"].tolist() == pytest.approx([0, netted - taken, per_unit - taken], rel=1e-9)
    netted_hx = hx.model_copy(update={"fan_energy": Sourced(value="netted", source="test: the other reading")})
    assert heat_exchange_table(rows, result, netted_hx)["co2_t"].sum() == pytest.approx(netted, rel=REL)
    sentences = reading_sentences(rows, result, hx)
    assert f"{netted:,.1f} t CO2 ({netted - taken:+,.1f} t)" in sentences["CO2-03.7 fans' energy"]
    assert "1,003 units shipped are 501.5 dwellings" in sentences["CO2-03.7 units and dwellings"]


# --- typical-day series --------------------------------------------------------------------------

def test_typical_day_series_row_counts():
    # 365 × 24 = 8,760 in 2019; 366 × 24 = 8,784 in 2020
    assert len(typical_day_series_from_monthly_means(TOKYO_MONTHLY_MEAN_1991_2020, 2019)) == 8760
    assert len(typical_day_series_from_monthly_means(TOKYO_MONTHLY_MEAN_1991_2020, 2020)) == 8784


@pytest.mark.parametrize("amplitude", [0.0, 3.0, 7.5])
def test_typical_day_series_keeps_the_monthly_mean(amplitude):
    series = typical_day_series_from_monthly_means(TOKYO_MONTHLY_MEAN_1991_2020, 2019, amplitude)
    january = series[series["timestamp"].dt.month == 1]["outdoor_temp_c"]
    assert january.mean() == pytest.approx(5.4, abs=1e-9)
    august = series[series["timestamp"].dt.month == 8]["outdoor_temp_c"]
    assert august.mean() == pytest.approx(26.9, abs=1e-9)


def test_typical_day_series_flat_without_amplitude():
    series = typical_day_series_from_monthly_means(TOKYO_MONTHLY_MEAN_1991_2020, 2019)
    by_month = series.groupby(series["timestamp"].dt.month)["outdoor_temp_c"]
    assert (by_month.max() == by_month.min()).all()
    assert by_month.first().to_dict() == TOKYO_MONTHLY_MEAN_1991_2020


def test_typical_day_series_swing_peaks_at_14_and_bottoms_at_2():
    series = typical_day_series_from_monthly_means(TOKYO_MONTHLY_MEAN_1991_2020, 2019, 3.0)
    day = series[series["timestamp"].dt.normalize() == pd.Timestamp("2019-01-10")]
    day = day.set_index(day["timestamp"].dt.hour)
    # 14:00: 5.4 + 3 × cos 0 = 8.4; 02:00: 5.4 + 3 × cos(−π) = 2.4; 08:00: 5.4 + 3 × cos(−π/2) = 5.4
    assert day.loc[14, "outdoor_temp_c"] == pytest.approx(8.4, abs=1e-12)
    assert day.loc[2, "outdoor_temp_c"] == pytest.approx(2.4, abs=1e-12)
    assert day.loc[8, "outdoor_temp_c"] == pytest.approx(5.4, abs=1e-12)
    assert day["outdoor_temp_c"].idxmax() == 14 and day["outdoor_temp_c"].idxmin() == 2


def test_typical_day_series_needs_twelve_months():
    means = dict(TOKYO_MONTHLY_MEAN_1991_2020)
    del means[7]
    with pytest.raises(ValueError, match="months 1–12"):
        typical_day_series_from_monthly_means(means, 2019)


# --- validation ----------------------------------------------------------------------------------

def test_series_without_the_temperature_column_raises():
    with pytest.raises(ValueError, match="outdoor_temp_c"):
        simulate_ventilation(pd.DataFrame({"timestamp": pd.to_datetime(["2019-01-15 10:00"])}), _conditions())


def test_series_without_timestamps_raises():
    with pytest.raises(ValueError, match="timestamp"):
        validated_series(pd.DataFrame({"outdoor_temp_c": [10.0]}))


def test_non_hourly_timestamps_without_weight_raise():
    half_hourly = _series(["2019-01-15 10:00", "2019-01-15 10:30"], [10.0, 10.0])
    with pytest.raises(ValueError, match="not on the hour"):
        simulate_ventilation(half_hourly, _conditions())
    gap = _series(["2019-01-15 10:00", "2019-01-15 12:00"], [10.0, 10.0])
    with pytest.raises(ValueError, match="not hourly"):
        simulate_ventilation(gap, _conditions())


def test_the_same_rows_with_a_weight_column_are_accepted():
    # 10:00 and 12:00 with weight 1 each: 2 × 0.335 kWh
    gap = _series(["2019-01-15 10:00", "2019-01-15 12:00"], [10.0, 10.0], weight=[1.0, 1.0])
    result = simulate_ventilation(gap, _conditions())
    assert result.components.loc["heating_load_kwh", "without_kwh"] == pytest.approx(0.67, rel=REL)


def test_missing_temperature_and_negative_weight_raise():
    with pytest.raises(ValueError, match="outdoor_temp_c: missing"):
        validated_series(_series(["2019-01-15 10:00"], [float("nan")]))
    with pytest.raises(ValueError, match="weight: negative"):
        validated_series(_series(["2019-01-15 10:00"], [10.0], weight=[-1.0]))


@pytest.mark.parametrize("efficiency", [-0.1, 1.2])
def test_efficiency_outside_0_1_raises(efficiency):
    with pytest.raises(ValueError, match="exchange_efficiency"):
        _conditions(exchange_efficiency=efficiency)


@pytest.mark.parametrize("apf", [0.0, -4.9])
def test_apf_not_positive_raises(apf):
    with pytest.raises(ValueError, match="apf"):
        _conditions(apf=apf)


def test_boiler_share_outside_0_1_raises():
    with pytest.raises(ValueError, match="boiler_heating_share"):
        _conditions(boiler_heating_share=1.5)


def test_invalid_period_and_room_raise():
    with pytest.raises(ValueError, match="not a day of the year"):
        Period(2, 30, 4, 13)
    with pytest.raises(ValueError, match="hours must be 0–24"):
        Room("LD", Quantity(100, "m**3 / h"), 6, 25)


def test_standard_defaults():
    c = _conditions()
    # the standard's table: heating 11/6–4/13, cooling 5/30–9/22, 20 °C / 27 °C, APF 4.9,
    # boiler COP 0.821, humidifier 60 Wh/L, 4 plain fans, 2 heat-exchange units, 27 JPY/kWh, 75 JPY/L
    assert c.heating_period == Period(11, 6, 4, 13) and c.cooling_period == Period(5, 30, 9, 22)
    assert c.heating_set_point.m_as("degC") == 20.0 and c.cooling_set_point.m_as("degC") == 27.0
    assert (c.apf, c.boiler_cop, c.boiler_heating_share) == (4.9, 0.821, 0.0)
    assert c.humidifier_energy.m_as("Wh / L") == 60.0
    assert (c.plain_fans, c.heat_exchange_units) == (4, 2)
    assert c.electricity_price.m_as("JPY / kWh") == 27.0 and c.kerosene_price.m_as("JPY / L") == 75.0
