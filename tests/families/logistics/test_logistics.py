"""The logistics calculations against values worked out by hand from the standard and the guidebook."""

from __future__ import annotations

import math

import pytest

from envkpi.core.units import Quantity
from envkpi.families.logistics import calculations as log

DIESEL = (2.71, 0.812, 0.654)  # 告示第66号: ln y = 2.71 − 0.812·ln(x/100) − 0.654·ln z
GASOLINE = (2.67, 0.927, 0.648)


def sig3(value: float) -> float:
    return float(f"{value:.3g}")


@pytest.mark.parametrize(("coefficients", "x", "z", "expected"), [
    # REFERENCE_FACTS §3 check values (y in L/t·km)
    (DIESEL, 62, 10_000, 0.05364),   # ln y = 2.71 − 0.812·ln 0.62 − 0.654·ln 10000 = 2.71 + 0.38817 − 6.02356 = −2.92539
    (DIESEL, 60, 10_000, 0.05509),   # 2.71 + 0.812·0.51083 − 6.02356 = −2.89877
    (DIESEL, 50, 4_000, 0.11631),    # 2.71 + 0.812·0.69315 − 0.654·8.29405 = 2.71 + 0.56284 − 5.42431 = −2.15147
    (DIESEL, 100, 2_000, 0.10425),   # 2.71 − 0 − 0.654·7.60090 = −2.26099
    (GASOLINE, 50, 1_000, 0.31234),  # 2.67 + 0.927·0.69315 − 0.648·6.90776 = 2.67 + 0.64255 − 4.47623 = −1.16368
])
def test_improved_tonkm_regression_reproduces_the_check_values(coefficients, x, z, expected):
    y = log.improved_tonkm_fuel_intensity(Quantity(x, "percent"), Quantity(z, "kg"), *coefficients)
    assert y.units == Quantity(1, "L / (t * km)").units
    assert sig3(y.magnitude) == sig3(expected)


@pytest.mark.parametrize(("x", "z", "fuel_co2_per_l", "expected_kg_per_tkm"), [
    (62, 10_000, 37.7 * 0.0187 * 44 / 12, 0.1387),  # diesel 2.585 kg CO2/L × 0.05364 L/t·km
    (50, 4_000, 37.7 * 0.0187 * 44 / 12, 0.3007),
])
def test_co2_per_tonne_km_of_a_diesel_truck(x, z, fuel_co2_per_l, expected_kg_per_tkm):
    y = log.improved_tonkm_fuel_intensity(Quantity(x, "percent"), Quantity(z, "kg"), *DIESEL)
    one_tkm = log.fuel_from_tonne_km(Quantity(1, "t * km"), y)
    co2 = log.energy_co2(one_tkm * Quantity(37.7, "GJ / kL"), Quantity(0.0187, "t C / GJ"))
    assert sig3(co2.m_as("kg CO2")) == sig3(expected_kg_per_tkm)
    assert sig3(y.magnitude * fuel_co2_per_l) == sig3(expected_kg_per_tkm)


def test_the_carriers_worked_example_tokyo_osaka():
    # REFERENCE_FACTS §9d: 576 km, 10 t on a 10 t truck (x = 100 %, z = 10,000 kg) → y = 0.036386 L/t·km → 209.6 L
    y = log.improved_tonkm_fuel_intensity(Quantity(100, "percent"), Quantity(10_000, "kg"), *DIESEL)
    fuel = log.fuel_from_tonne_km(log.tonne_km(Quantity(10, "t"), Quantity(576, "km")), y)
    assert y.magnitude == pytest.approx(math.exp(2.71 - 0.654 * math.log(10_000)))
    assert sig3(y.magnitude) == 0.0364
    assert round(fuel.m_as("L"), 1) == 209.6  # 5,760 t·km × 0.036386 L/t·km


def test_fuel_economy_and_conventional_tonkm():
    # 3,400,000 km ÷ 4.2 km/L = 809,523.8 L; × 37.7 GJ/kL = 30,519.0 GJ
    fuel = log.fuel_from_fuel_economy(Quantity(3_400_000, "km"), Quantity(4.2, "km / L"))
    assert fuel.m_as("L") == pytest.approx(3_400_000 / 4.2)
    # 140,000 t × 870 km = 121,800,000 t·km; × 0.50 MJ/(t·km) = 60,900 GJ
    energy = log.conventional_tonkm_energy(log.tonne_km(Quantity(140_000, "t"), Quantity(870, "km")),
                                           Quantity(0.50, "MJ / (t * km)"))
    assert energy.m_as("GJ") == pytest.approx(60_900)
    # CO2 of 60,900 GJ of diesel: × 0.0187 t C/GJ × 44/12 = 4,175.82 t CO2
    assert log.energy_co2(energy, Quantity(0.0187, "t C / GJ")).m_as("t CO2") == pytest.approx(60_900 * 0.0187 * 44 / 12)


def test_intensity_in_kg_per_tonne():
    # 135,899 t CO2 ÷ 880,000 t = 0.154431 t/t = 154.431 kg CO2/t
    assert log.logistics_intensity(Quantity(135_899, "t CO2"), Quantity(880, "kt")).m_as("kg CO2 / t") == pytest.approx(135_899 / 880)
    with pytest.raises(ValueError, match="more than 0"):
        log.logistics_intensity(Quantity(1, "t CO2"), Quantity(0, "t"))


def test_log04_with_a_method_change_restates_the_prior_year():
    # I2013 = 100, I2014 = 98, I2015 = 95 kg CO2/t; FY2015 changed the method and FY2014 restated with it is 90.
    # B2014 = 98/100 = 0.98; B2015 = 95/90 = 1.0555…; Π = 0.98 × 95/90 = 1.0344…; LOG-04 = 100 % − 103.44 % = −3.444 %
    chain = log.chained_improvement({2013: 100, 2014: 98, 2015: 95}, {2015: 90}, 2013, 2015)
    assert list(chain.factors["factor"]) == pytest.approx([0.98, 95 / 90])
    assert chain.improvement.m_as("percent") == pytest.approx(100 * (1 - 0.98 * 95 / 90))
    assert chain.improvement.m_as("percent") == pytest.approx(-3.4444, abs=1e-4)
    # without the restatement the chain telescopes: 100 % − 95/100 = 5 %
    plain = log.chained_improvement({2013: 100, 2014: 98, 2015: 95}, {}, 2013, 2015)
    assert plain.improvement.m_as("percent") == pytest.approx(5.0)
    assert "restated" in chain.factors["prior_basis"].iloc[1]


def test_log04_needs_every_year():
    with pytest.raises(ValueError, match="FY2014"):
        log.chained_improvement({2013: 100, 2015: 95}, {}, 2013, 2015)


def test_loading_rate_out_of_range_is_refused_by_the_formula():
    for x in (0, 120):
        with pytest.raises(ValueError, match="loading rate"):
            log.improved_tonkm_fuel_intensity(Quantity(x, "percent"), Quantity(10_000, "kg"), *DIESEL)
