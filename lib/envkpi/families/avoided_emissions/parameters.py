"""The model of the ``avoided_emissions:`` section of the parameter files (CO2-01 … CO2-03 and the long-term target)."""

from __future__ import annotations

from typing import Annotated

from envkpi.core.parameters import (
    AirDensity,
    Airflow,
    Airport,
    AirSpecificHeat,
    CO2Mass,
    CO2PerDistance,
    CO2PerEnergy,
    Count,
    Distance,
    DistancePerYear,
    EarthRadius,
    EnergyPerDistance,
    EnergyPerVolume,
    EnergyPerYear,
    FiscalYear,
    Fraction,
    HourOfDay,
    HoursPerDay,
    PerYear,
    Power,
    PricePerEnergy,
    PricePerVolume,
    Ratio,
    Share,
    Sourced,
    Strict,
    Temperature,
    VolumePerDistance,
    Years,
    one_of,
)


class PV(Strict):
    lifetime: Years
    emission_factor: CO2PerEnergy
    reference_scenario: Sourced


class FuelCell(Strict):
    annual_generation: EnergyPerYear
    lifetime: Years
    emission_factor: CO2PerEnergy
    reference_scenario: Sourced


class EnergySaving(Strict):
    reference_fiscal_year: FiscalYear
    lifetimes: dict[str, Years]
    reference_scenario: Sourced


class Housing(Strict):
    lifetime: Years
    reference_scenario: Sourced


class HostLifetimes(Strict):
    """A line whose saving lasts the life of another maker's product that hosts the group's part."""

    host_lifetimes: dict[str, Years]
    emission_factor: CO2PerEnergy
    reference_scenario: Sourced


class VehicleType(Strict):
    service_life: Years
    annual_distance: DistancePerYear
    fuel_saving: VolumePerDistance
    electricity_use: EnergyPerDistance | None = None  # grid electricity per km driven; none for an HV


class AutomotiveBatteries(Strict):
    vehicle_types: dict[str, VehicleType]
    fuel: Sourced  # a key of production.fuels: the fuel the improvement saves
    charging: Annotated[Sourced, one_of("netted", "excluded", what="the reading of the electricity EVs and PHVs charge")]
    electricity_emission_factor: CO2PerEnergy  # of the electricity charged
    reference_scenario: Sourced


class TripType(Strict):
    trips_per_year: PerYear
    travellers: Count
    emission_factor: CO2PerDistance


class Teleconference(Strict):
    """CO2-03.5: the standard's 別表 (a, b, c, d, e, f)."""

    units_per_set: Count
    lifetime: Years
    domestic: TripType
    domestic_one_way_distance: Distance
    domestic_track_distance: Distance | None = None  # the other reading of b (track km), shown beside
    overseas: TripType
    origin_airport: Airport
    earth_radius: EarthRadius
    system_electricity: EnergyPerYear
    system_emission_factor: CO2PerEnergy
    reference_scenario: Sourced


class EnergyManagement(Strict):
    """HEMS or BEMS (CO2-03.6): consumption of the home or building × saving × lifetime."""

    annual_consumption: EnergyPerYear
    saving: Fraction
    lifetime: Years


class EnergyManagementSystems(Strict):
    hems: EnergyManagement
    bems: EnergyManagement
    emission_factor: CO2PerEnergy
    reference_scenario: Sourced


class HeatExchange(Strict):
    """CO2-03.7: conditions of the heat-exchange ventilation simulation (standard's 別表) and the model's own."""

    heating_period: Sourced  # "MM-DD/MM-DD", both days included, may wrap the year end
    cooling_period: Sourced
    heating_set_point: Temperature
    cooling_set_point: Temperature
    ld_airflow: Airflow
    ld_start_hour: HourOfDay
    ld_hours: HoursPerDay
    private_airflow: Airflow
    private_start_hour: HourOfDay
    private_hours: HoursPerDay
    exchange_efficiency: Fraction
    apf: Ratio
    boiler_cop: Ratio
    boiler_heating_share: Share
    humidifier_energy: EnergyPerVolume
    plain_fans: Count
    plain_fan_power: Power
    heat_exchange_units: Count  # also the units per simulated dwelling: N = units shipped ÷ this
    heat_exchange_unit_power: Power
    fan_energy: Annotated[Sourced, one_of("excluded", "netted", what="the reading of the fans' energy in ※5")]
    air_density: AirDensity
    specific_heat: AirSpecificHeat
    electricity_price: PricePerEnergy
    kerosene_price: PricePerVolume
    kerosene_heating_value: EnergyPerVolume
    lifetime: Years
    emission_factor: CO2PerEnergy
    reference_scenario: Sourced


class Target(Strict):
    """A long-term avoided-emissions target (the sample: at least 300 Mt by 2050)."""

    amount: CO2Mass
    target_fiscal_year: FiscalYear
    counts_from_fiscal_year: FiscalYear
    counts: Sourced


class AvoidedEmissions(Strict):
    """Parameters of the avoided-emissions family (CO2-01 … CO2-03) and its long-term target."""

    pv: PV
    fuel_cell: FuelCell
    energy_saving: EnergySaving
    housing: Housing
    compressors_motors: HostLifetimes
    automotive_batteries: AutomotiveBatteries
    vacuum_insulation: HostLifetimes
    teleconference: Teleconference
    energy_management: EnergyManagementSystems
    heat_exchange: "HeatExchange"
    target: Target
