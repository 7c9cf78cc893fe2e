"""The model of the ``production:`` section of the parameter files (PRD-01 … PRD-07)."""

from __future__ import annotations

from pydantic import model_validator

from envkpi.core.parameters import (
    CO2PerEnergy,
    EnergyPerActivity,
    EnergyRatio,
    FiscalYear,
    Fraction,
    Fuel,
    Sourced,
    Strict,
)


class CityGasSupplier(Strict):
    name: str
    calorific_value: EnergyPerActivity


#: The country of the standard's 【日本】 rules (its fixed electricity factor, the 算定省令's heat
#: factors); every other country follows 【日本以外】.
JAPAN = "JP"


class HeatCarrier(Strict):
    """Purchased heat of one kind: its energy conversion (Energy Conservation Act) and, in Japan, its CO2 factor."""

    name_en: str
    name_ja: str
    energy_factor: EnergyRatio  # heat of the fuel that made it, per unit of heat delivered [GJ/GJ] (PRD-03)
    emission_factor: CO2PerEnergy  # in Japan (算定省令) [t CO2/GJ]


class HeatSupply(Strict):
    """Purchased heat outside Japan, by the GHG Protocol tool's method: the fuel that makes it over the boiler's efficiency."""

    fuel: Sourced
    fuel_emission_factor: CO2PerEnergy  # [t CO2/GJ of fuel]
    boiler_efficiency: Fraction


class Production(Strict):
    """Parameters of the production family (PRD-01 … PRD-07)."""

    gwp_set: Sourced
    base_fiscal_year: FiscalYear
    fuels: dict[str, Fuel]
    city_gas_fuel: str = "city_gas"
    city_gas_suppliers: dict[str, CityGasSupplier]
    electricity_energy_factor: EnergyRatio
    electricity_factors: dict[str, CO2PerEnergy]
    heat_carriers: dict[str, HeatCarrier]
    heat_abroad: dict[str, HeatSupply] = {}  # ISO country → how its purchased heat is made

    @model_validator(mode="after")
    def _fuels_complete(self) -> "Production":
        problems = []
        for key, fuel in self.fuels.items():
            if key != self.city_gas_fuel and fuel.calorific_value is None:
                problems.append(f"fuels.{key}.calorific_value: required (only {self.city_gas_fuel} takes it per supplier)")
        if self.city_gas_fuel not in self.fuels:
            problems.append(f"fuels.{self.city_gas_fuel}: city_gas_fuel names a fuel that is not defined")
        for section, countries in (("electricity_factors", self.electricity_factors), ("heat_abroad", self.heat_abroad)):
            for country in countries:
                if len(country) != 2 or not country.isupper():
                    problems.append(f"{section}.{country}: expected an ISO 3166-1 alpha-2 country code")
        if JAPAN in self.heat_abroad:
            problems.append(f"heat_abroad.{JAPAN}: heat bought in Japan takes the 算定省令 factor of its carrier "
                            "(heat_carriers.<carrier>.emission_factor), not a fuel and boiler efficiency")
        if problems:
            raise ValueError("\n".join(problems))
        return self
