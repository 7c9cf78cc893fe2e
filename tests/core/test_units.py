"""Tests for envkpi.units: the unit registry with greenhouse gases as dimensions.

Clauses: METHODOLOGY.md Family 2 — PRD-01/PRD-06 convert carbon to CO2 by 44/12 (fuel factors are
t C/GJ, 算定省令); PRD-05 converts non-CO2 gases with the IPCC AR4 GWP-100 set only inside an
explicit GWP context; STYLE.md "Units": dimension mistakes raise errors instead of producing numbers.
"""

from __future__ import annotations

import pint
import pytest

from envkpi.core.units import (GASES, Quantity, UnitError, format_unit, gas_unit, gwp_context, parse_unit, to_co2e,
    ureg)

REL = 1e-12


# --- carbon, CO2 and CO2e --------------------------------------------------------------------------

def test_one_tonne_carbon_is_44_over_12_tonnes_co2():
    # CO2 is defined as 12/44 C, so 1 t C = 1 / (12/44) t CO2 = 44/12 t CO2 = 3.666… t CO2
    result = Quantity(1, "t C").to("t CO2")
    assert result.magnitude == pytest.approx(44 / 12, rel=REL)
    assert result.units == ureg.Unit("t CO2")


def test_one_tonne_co2_is_12_over_44_tonnes_carbon():
    # the inverse: 1 t CO2 × 12/44 = 0.2727… t C
    assert Quantity(1, "t CO2").m_as("t C") == pytest.approx(12 / 44, rel=REL)


def test_co2_and_co2e_add_as_one_dimension():
    # 1.5 t CO2 + 2.5 t CO2e = 4.0 t CO2e (CO2e is a name for CO2)
    total = Quantity(1.5, "t CO2") + Quantity(2.5, "t CO2e")
    assert total.m_as("t CO2e") == pytest.approx(1.5 + 2.5, rel=REL)


def test_kg_co2_plus_t_co2e_converts_the_mass_prefix():
    # 500 kg CO2 + 2 t CO2e = 0.5 t + 2 t = 2.5 t CO2e
    total = Quantity(500, "kg CO2") + Quantity(2, "t CO2e")
    assert total.m_as("t CO2e") == pytest.approx(500 / 1000 + 2, rel=REL)


def test_methane_cannot_be_added_to_co2():
    with pytest.raises(pint.DimensionalityError):
        Quantity(1, "t CH4") + Quantity(1, "t CO2")


def test_two_different_gases_cannot_be_added():
    with pytest.raises(pint.DimensionalityError):
        Quantity(1, "kg SF6") + Quantity(1, "kg HFC134a")


def test_co2_cannot_be_added_to_energy():
    with pytest.raises(pint.DimensionalityError):
        Quantity(1, "t CO2") + Quantity(1, "GJ")


# --- GWP contexts --------------------------------------------------------------------------------

def test_to_co2e_inside_a_registered_context():
    context = gwp_context("UNITTEST-A", {"SF6": Quantity(22800, "CO2e / SF6"), "CH4": Quantity(25, "CO2e / CH4")})
    assert context == "GWP-UNITTEST-A"
    # 85 kg SF6 × 22,800 = 1,938,000 kg CO2e = 1,938 t CO2e
    sf6 = to_co2e(Quantity(85, "kg SF6"), context)
    assert sf6.m_as("t CO2e") == pytest.approx(85 * 22800 / 1000, rel=REL)
    assert sf6.units == ureg.Unit("t CO2e")
    # 2.4 t CH4 × 25 = 60 t CO2e, asked for in kg: 60,000 kg CO2e
    ch4 = to_co2e(Quantity(2.4, "t CH4"), context, "kg CO2e")
    assert ch4.magnitude == pytest.approx(2.4 * 25 * 1000, rel=REL)
    assert ch4.units == ureg.Unit("kg CO2e")


def test_gas_cannot_be_converted_to_co2e_outside_a_context():
    gwp_context("UNITTEST-B", {"CH4": Quantity(25, "CO2e / CH4")})
    # registered, but not active: a plain .to() must refuse
    with pytest.raises(pint.DimensionalityError):
        Quantity(1, "t CH4").to("t CO2e")


def test_to_co2e_with_an_unregistered_context_raises():
    with pytest.raises(KeyError):
        to_co2e(Quantity(1, "t CH4"), "GWP-NEVER-REGISTERED")


def test_to_co2e_of_a_gas_missing_from_the_context_raises():
    context = gwp_context("UNITTEST-C", {"CH4": Quantity(25, "CO2e / CH4")})
    with pytest.raises(pint.DimensionalityError):
        to_co2e(Quantity(1, "t N2O"), context)


def test_gwp_context_registered_again_uses_the_new_factor():
    first = gwp_context("UNITTEST-D", {"CH4": Quantity(25, "CO2e / CH4")})
    # 2 t CH4 × 25 = 50 t CO2e
    assert to_co2e(Quantity(2, "t CH4"), first).m_as("t CO2e") == pytest.approx(2 * 25, rel=REL)
    second = gwp_context("UNITTEST-D", {"CH4": Quantity(28, "CO2e / CH4")})
    assert second == first
    # 2 t CH4 × 28 = 56 t CO2e (the AR5 value replaces the AR4 one)
    assert to_co2e(Quantity(2, "t CH4"), second).m_as("t CO2e") == pytest.approx(2 * 28, rel=REL)


def test_gwp_context_accepts_a_factor_written_as_mass_ratio():
    # 25 kg CO2e / (kg CH4) is the same GWP as 25 CO2e / CH4; 10 kg CH4 × 25 = 250 kg CO2e.
    # (The parentheses matter: pint reads "kg CO2e / kg CH4" as (kg CO2e / kg) × CH4.)
    context = gwp_context("UNITTEST-E", {"CH4": Quantity(25, "kg CO2e / (kg CH4)")})
    assert to_co2e(Quantity(10, "kg CH4"), context, "kg CO2e").magnitude == pytest.approx(10 * 25, rel=REL)


def test_gwp_context_with_an_unknown_gas_raises_unit_error():
    with pytest.raises(UnitError, match="HFC-999"):
        gwp_context("UNITTEST-F", {"HFC-999": Quantity(1, "CO2e / CH4")})


# --- parsing and formatting ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text", ["t CO2e", "kg CO2 / kWh", "GJ / kNm3", "MJPY", "percent", "kL", "CO2e / CH4"]
)
def test_format_unit_round_trips(text):
    written = format_unit(text)
    assert isinstance(written, str)
    assert parse_unit(written) == parse_unit(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("t CO2e", "t CO2e"),
        ("kg CO2 / kWh", "kg CO2 / kWh"),
        ("GJ / kNm3", "GJ / kNm3"),
        ("kL", "kL"),
        ("CO2e / CH4", "CO2e / CH4"),
    ],
)
def test_format_unit_writes_gases_last_as_the_field_does(text, expected):
    assert format_unit(text) == expected


def test_format_unit_of_a_quantity_uses_its_units():
    assert format_unit(Quantity(3, "t CO2e")) == "t CO2e"


def test_kt_co2_is_kilotonnes_of_co2():
    # 1 kt CO2 = 1,000 t CO2 (千t-CO2)
    assert parse_unit("kt CO2").dimensionality == parse_unit("t CO2").dimensionality, (
        "LIBRARY BUG (envkpi.units registry): 'kt' is pint's knot (speed), not kilotonne: "
        "'kt CO2' parses as knot·CO2")
    assert Quantity(1, "kt CO2").m_as("t CO2") == pytest.approx(1000, rel=REL)


def test_format_unit_of_kilotonnes_round_trips():
    written = format_unit("kilotonne CO2")
    assert parse_unit(written) == parse_unit("kilotonne CO2"), (
        f"LIBRARY BUG (envkpi.units.format_unit): kilotonne CO2 is written {written!r}, "
        f"which parses back as {parse_unit(written)} (knot), not kilotonne")


def test_parse_unit_reads_spaced_text():
    assert parse_unit("  kg   CO2 /  kWh ") == ureg.Unit("kg CO2 / kWh")


def test_kilo_normal_cubic_metre_is_a_thousand_normal_cubic_metres():
    # 1 kNm3 = 1,000 Nm3
    assert Quantity(1, "kNm3").m_as("Nm3") == pytest.approx(1000, rel=REL)


def test_million_yen_is_a_million_yen():
    # 1 MJPY = 1,000,000 JPY
    assert Quantity(1, "MJPY").m_as("JPY") == pytest.approx(1_000_000, rel=REL)


def test_parse_unit_of_text_that_is_not_a_unit_raises_with_the_text():
    with pytest.raises(UnitError, match="not a unit"):
        parse_unit("not a unit")
    with pytest.raises(UnitError) as caught:
        parse_unit("not a unit")
    assert "'not a unit'" in str(caught.value)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_parse_unit_of_empty_text_raises(text):
    with pytest.raises(UnitError, match="a unit is required"):
        parse_unit(text)


def test_unit_error_is_a_value_error():
    assert issubclass(UnitError, ValueError)


# --- gas names -----------------------------------------------------------------------------------

def test_gas_unit_drops_the_hyphen():
    assert gas_unit("HFC-134a") == "HFC134a"
    assert gas_unit("c-C4F8") == "cC4F8"
    assert gas_unit("SF6") == "SF6"


def test_gas_unit_of_an_unknown_gas_raises():
    with pytest.raises(UnitError, match="HFC-134b"):
        gas_unit("HFC-134b")


def test_every_gas_is_its_own_dimension():
    # CO2 shares the carbon dimension; every other gas is a dimension named after it
    for name in GASES.values():
        expected = "[mass] * [carbon]" if name == "CO2" else f"[mass] * [{name}]"
        assert parse_unit(f"kg {name}").dimensionality == ureg.get_dimensionality(expected), name


# The Kyoto-basket gases of IPCC AR4 WG1 Table 2.14 that PRD-05 used to reject (issue 10, point 5):
# reporting name → pint unit name.
AR4_GASES_ADDED = {
    "HFC-41": "HFC41",
    "HFC-134": "HFC134",
    "HFC-143": "HFC143",
    "HFC-152": "HFC152",
    "HFC-161": "HFC161",
    "HFC-236cb": "HFC236cb",
    "HFC-236ea": "HFC236ea",
    "HFC-245ca": "HFC245ca",
    "SF5CF3": "SF5CF3",
}


@pytest.mark.parametrize("gas, unit", AR4_GASES_ADDED.items(), ids=list(AR4_GASES_ADDED))
def test_ar4_table_2_14_gas_is_known_and_its_own_dimension(gas, unit):
    assert gas_unit(gas) == unit
    assert parse_unit(f"kg {unit}").dimensionality == ureg.get_dimensionality(f"[mass] * [{unit}]")
    assert format_unit(f"t {unit}") == f"t {unit}"
    with pytest.raises(pint.DimensionalityError):
        Quantity(1, f"kg {unit}") + Quantity(1, "kg CO2e")


@pytest.mark.parametrize("isomer, other", [("HFC-134", "HFC-134a"), ("HFC-143", "HFC-143a"), ("HFC-152", "HFC-152a"),
                                           ("HFC-245ca", "HFC-245fa"), ("HFC-236cb", "HFC-236fa"), ("SF5CF3", "SF6")])
def test_isomers_and_look_alike_gases_are_different_dimensions(isomer, other):
    # HFC-134 (GWP 1,100) is not HFC-134a (1,430): a mass of one cannot be added to a mass of the other
    with pytest.raises(pint.DimensionalityError):
        Quantity(1, f"kg {gas_unit(isomer)}") + Quantity(1, f"kg {gas_unit(other)}")


def test_hfc_245ca_converts_inside_a_gwp_context():
    # 10 kg HFC-245ca × 693 (AR4) = 6,930 kg CO2e = 6.93 t CO2e
    context = gwp_context("UNITTEST-G", {"HFC-245ca": Quantity(693, "CO2e / HFC245ca")})
    assert to_co2e(Quantity(10, "kg HFC245ca"), context).m_as("t CO2e") == pytest.approx(10 * 693 / 1000, rel=REL)
