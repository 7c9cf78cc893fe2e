"""Avoided emissions of products (CO2-01 … CO2-03) and progress towards the long-term target.

Avoided emissions are meant here as in the WBCSD *Guidance on Avoided Emissions* [2]_: each line
compares the group's product with a stated **reference scenario** (the parameters'
``reference_scenario`` of each line), over the product's **lifetime**, with the emission factor
shown. They are not emissions of the group and not reductions of its inventory: they are reported
apart and **never added to or netted against the Scope 1/2/3 inventory** (``envkpi.families.production.calculations``,
``envkpi.families.product_use.calculations``). Nothing in this module returns a figure meant to be combined with those.

Pure calculation functions, after the calculation standard's rows 創エネ商品による直接的なCO2削減貢献量
(CO2-01), 省エネ商品による直接的なCO2削減貢献量 (CO2-02), 商品による間接的なCO2削減貢献量 (CO2-03, notes
※1–※5 and the 別表 of teleconferencing), ``METHODOLOGY.md`` Family 1. The formula functions take
and return pint quantities; the table functions apply them row by row to validated input tables
(``envkpi.families.avoided_emissions.tables``) and return one row per input row, with its ``row`` in the source file, the
factors used (as text with unit) and the result ``co2_t`` [t CO2].

The heat-exchange ventilation line (CO2-03.7) is calculated in ``envkpi.families.avoided_emissions.ventilation``;
:func:`indirect_lines_summary` takes its total as an input.

References
----------
.. [1] 主な環境パフォーマンス指標の算定基準 (calculation standard), FY2018 edition, rows
   創エネ商品による直接的なCO2削減貢献量, 省エネ商品による直接的なCO2削減貢献量, 商品による間接的なCO2削減貢献量
   (※1–※5), and 別表 ■遠隔会議システムによるCO2削減貢献量の算定基準.
.. [2] WBCSD (2023) Guidance on Avoided Emissions, 22 March 2023: five-step assessment (step 1
   timeframe, step 2 reference scenario), §6 reporting. That avoided emissions are reported apart
   from the inventory and never netted against it is taken from secondary summaries
   (``REFERENCE_FACTS.md`` §4); the guidance's exact wording was not retrieved.
.. [3] OpenFlights ``data/airports.dat`` (airport coordinates) and ``REFERENCE_FACTS.md`` §5c
   (great-circle check values).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pint

from envkpi.core.combustion import fuel_co2
from envkpi.core.parameters import Fuel, Param, Region, lookup
from envkpi.core.results import Check
from envkpi.core.units import Quantity, quantity_text
from envkpi.families.avoided_emissions.parameters import (
    PV,
    AutomotiveBatteries,
    AvoidedEmissions,
    EnergyManagementSystems,
    EnergySaving,
    FuelCell,
    HostLifetimes,
    Housing,
    Teleconference,
)

__all__ = [
    "pv_avoided_emissions",
    "fuel_cell_avoided_emissions",
    "energy_saving_avoided_emissions",
    "compressor_motor_avoided_emissions",
    "housing_insulation_avoided_emissions",
    "fuel_co2_per_volume",
    "battery_vehicle_avoided_emissions",
    "battery_vehicle_charging_emissions",
    "vacuum_insulation_avoided_emissions",
    "great_circle_distance",
    "system_emissions",
    "teleconference_set_saving",
    "teleconference_avoided_emissions",
    "TeleconferenceSets",
    "teleconference_sets",
    "energy_management_avoided_emissions",
    "pv_table",
    "fuel_cell_table",
    "energy_saving_table",
    "housing_table",
    "compressors_motors_table",
    "battery_table",
    "battery_reading",
    "teleconference_track_distance_total",
    "vacuum_insulation_table",
    "teleconference_table",
    "energy_management_table",
    "line_total",
    "INDIRECT_LINES",
    "IndirectLines",
    "indirect_lines_summary",
    "cumulative_avoided_emissions",
    "required_annual_rate",
    "target_trajectory",
    "framing_table",
    "AvoidedTotals",
    "avoided_totals",
    "avoided_emissions_table",
    "avoided_checks",
]


# --- formulas: CO2-01 energy-creating products ---------------------------------------------------

def pv_avoided_emissions(capacity: pint.Quantity, lifetime: pint.Quantity, annual_generation: pint.Quantity,
                         emission_factor: pint.Quantity) -> pint.Quantity:
    """Avoided emissions of PV panels and cells shipped in the year (CO2-01, PV).

    Parameters
    ----------
    capacity : Quantity
        Total rated capacity shipped in the fiscal year [kW].
    lifetime : Quantity
        Lifetime of the panels [year]: 25 from FY2018 (the output warranty), 20 up to FY2017.
    annual_generation : Quantity
        Generation per kW of capacity, set per sales region [kWh/(kW·year)].
    emission_factor : Quantity
        CO2 of the grid electricity the panels replace [kg CO2/kWh]; the standard fixes 0.360 for
        every region.

    Returns
    -------
    Quantity
        Avoided emissions over the lifetime [t CO2].

    Notes
    -----
    :math:`AE = P \\times L \\times Y \\times EF`. Reference scenario: the same electricity
    supplied by the grid. Indicator CO2-01; standard [1]_ row 創エネ商品による直接的なCO2削減貢献量,
    太陽光発電パネル・セル (note *: 25 years from FY2018).
    """
    return (capacity * lifetime * annual_generation * emission_factor).to("t CO2")


def fuel_cell_avoided_emissions(annual_generation: pint.Quantity, lifetime: pint.Quantity, units: pint.Quantity,
                                emission_factor: pint.Quantity) -> pint.Quantity:
    """Avoided emissions of residential fuel cells shipped in the year (CO2-01, fuel cells).

    Parameters
    ----------
    annual_generation : Quantity
        Generation of one unit [kWh/year] (the standard: 1,870 kWh/y).
    lifetime : Quantity
        Product lifetime [year] (the standard: 10 y).
    units : Quantity
        Units shipped in the fiscal year [count].
    emission_factor : Quantity
        CO2 of the grid electricity replaced [kg CO2/kWh] (the standard: 0.410).

    Returns
    -------
    Quantity
        [t CO2].

    Notes
    -----
    :math:`AE = G \\times L \\times N \\times EF`. The standard's formula counts the electricity
    generated against the grid and does not subtract the city gas the fuel cell burns; the
    parameters' ``reference_scenario`` states that reading. Indicator CO2-01; standard [1]_ row
    創エネ商品による直接的なCO2削減貢献量, 燃料電池.
    """
    return (annual_generation * lifetime * units * emission_factor).to("t CO2")


# --- formulas: CO2-02 energy-saving products and CO2-03 indirect lines ---------------------------

def energy_saving_avoided_emissions(reference_consumption: pint.Quantity, model_consumption: pint.Quantity,
                                    lifetime: pint.Quantity, units: pint.Quantity,
                                    emission_factor: pint.Quantity) -> pint.Quantity:
    """Avoided emissions of an energy-saving product category shipped in the year (CO2-02).

    Parameters
    ----------
    reference_consumption : Quantity
        Annual consumption of the reference-year (FY2005) model of the category [kWh/year].
    model_consumption : Quantity
        Annual consumption of this year's model [kWh/year].
    lifetime : Quantity
        Product lifetime of the category [year].
    units : Quantity
        Units shipped in the fiscal year [count].
    emission_factor : Quantity
        Electricity emission factor where the product is used [kg CO2/kWh].

    Returns
    -------
    Quantity
        [t CO2]; **negative** when this year's model consumes more than the reference model.

    Notes
    -----
    :math:`AE = (C_{ref} - C_{model}) \\times L \\times N \\times EF`. Reference scenario: the
    customer buys the FY2005 model of the same category instead. Indicator CO2-02; standard [1]_
    row 省エネ商品による直接的なCO2削減貢献量.

    A model that consumes more than its reference gives a negative contribution, returned as such
    and never clipped to zero. This is a decision of the workbook: an avoided-emissions claim must
    be net over the portfolio, and leaving out the products that do worse than their reference
    would overstate it.
    """
    return ((reference_consumption - model_consumption) * lifetime * units * emission_factor).to("t CO2")


def compressor_motor_avoided_emissions(reference_consumption: pint.Quantity, model_consumption: pint.Quantity,
                                       host_lifetime: pint.Quantity, units: pint.Quantity,
                                       emission_factor: pint.Quantity) -> pint.Quantity:
    """Avoided emissions of compressors and motors built into other makers' products (CO2-03.2).

    Parameters
    ----------
    reference_consumption : Quantity
        Annual consumption of the reference-year (FY2005) compressor or motor [kWh/year].
    model_consumption : Quantity
        Annual consumption of this year's compressor or motor [kWh/year].
    host_lifetime : Quantity
        Estimated lifetime of the other maker's product that hosts it (他社製品推定寿命) [year].
    units : Quantity
        Units shipped in the fiscal year [count].
    emission_factor : Quantity
        [kg CO2/kWh].

    Returns
    -------
    Quantity
        [t CO2]; negative when this year's component consumes more than the reference (not clipped,
        as for CO2-02).

    Notes
    -----
    :math:`AE = (C_{ref} - C_{model}) \\times L_{host} \\times N \\times EF` — the arithmetic of
    CO2-02 (:func:`energy_saving_avoided_emissions`) with the host product's lifetime. Reference
    scenario: the host product carries an FY2005 component. Indicator CO2-03 line 2; standard [1]_
    row 商品による間接的なCO2削減貢献量, ※1.
    """
    return energy_saving_avoided_emissions(reference_consumption, model_consumption, host_lifetime, units,
                                           emission_factor)


def housing_insulation_avoided_emissions(houses: pint.Quantity, reference_ac: pint.Quantity,
                                         insulated_ac: pint.Quantity, lifetime: pint.Quantity,
                                         emission_factor: pint.Quantity) -> pint.Quantity:
    """Avoided emissions of the insulation of the group's houses (CO2-03.1).

    Parameters
    ----------
    houses : Quantity
        Houses delivered in the fiscal year [count].
    reference_ac : Quantity
        Air-conditioning consumption of a house with the reference insulation [kWh/year].
    insulated_ac : Quantity
        Air-conditioning consumption of the group's insulated house [kWh/year].
    lifetime : Quantity
        Period over which the saving is counted [year] (not given by the standard: a parameter).
    emission_factor : Quantity
        [kg CO2/kWh].

    Returns
    -------
    Quantity
        [t CO2]; negative if the insulated house uses more (not clipped).

    Notes
    -----
    :math:`AE = N \\times (C_{ref} - C_{ins}) \\times L \\times EF`. Indicator CO2-03 line 1;
    standard [1]_ row 商品による間接的なCO2削減貢献量 (当社住宅の断熱性能向上による空調負荷の削減効果), which
    names the effect but gives no formula: this one is the workbook's, in the pattern of CO2-02.
    """
    return (houses * (reference_ac - insulated_ac) * lifetime * emission_factor).to("t CO2")


def fuel_co2_per_volume(fuel: Fuel) -> pint.Quantity:
    """CO2 from burning one litre of a fuel, with the production family's factors (CO2-03.3 input).

    Parameters
    ----------
    fuel : Fuel
        A fuel of ``production.fuels``, with a calorific value per volume [GJ/kL] and a carbon
        factor [t C/GJ].

    Returns
    -------
    Quantity
        [kg CO2/L].

    Raises
    ------
    ValueError
        If the fuel has no calorific value per volume (city gas, or a fuel given per tonne).

    Notes
    -----
    :math:`EF_{fuel} = 1\\,L \\times HV \\times EF_C \\times 44/12 \\;/\\; 1\\,L`, by
    :func:`envkpi.families.production.calculations.fuel_co2` applied to one litre, so that avoided emissions and the
    inventory use the same fuel factors. Gasoline: 34.6 GJ/kL × 0.0183 t C/GJ × 44/12 = 2.32 kg/L.
    """
    heat = fuel.calorific_value
    if heat is None or not heat.quantity.check("[energy] / [volume]"):
        given = "none" if heat is None else f"[{heat.unit}]"
        raise ValueError(f"fuel {fuel.name_en!r} has no calorific value per volume (got {given}); "
                         "the fuel saving of vehicles is in litres")
    litre = Quantity(1.0, "L")
    return (fuel_co2(litre, heat.quantity, fuel.carbon_factor.quantity) / litre).to("kg CO2 / L")


def battery_vehicle_avoided_emissions(vehicles: pint.Quantity, service_life: pint.Quantity,
                                      annual_distance: pint.Quantity, fuel_saving: pint.Quantity,
                                      fuel_co2_per_volume: pint.Quantity) -> pint.Quantity:
    """Avoided emissions of EV/PHV/HV carrying the group's batteries (CO2-03.3).

    Parameters
    ----------
    vehicles : Quantity
        Vehicles estimated to carry the group's batteries, shipped in the fiscal year [count].
    service_life : Quantity
        Service life of the vehicle type (耐用年数) [year].
    annual_distance : Quantity
        Estimated distance driven per vehicle [km/year].
    fuel_saving : Quantity
        Fuel-economy improvement over the reference vehicle [L/km].
    fuel_co2_per_volume : Quantity
        CO2 of the fuel saved [kg CO2/L], from :func:`fuel_co2_per_volume`.

    Returns
    -------
    Quantity
        [t CO2].

    Notes
    -----
    :math:`AE = V \\times L \\times D \\times s \\times EF_{fuel}`. Reference scenario: a
    conventional vehicle of the same class driven the same distance. Indicator CO2-03 line 3;
    standard [1]_ row 商品による間接的なCO2削減貢献量, ※2 (the improvement estimated from JARI and
    automakers' figures; the standard's formula stops at the fuel saved, the factor per litre
    converts it to CO2).
    """
    return (vehicles * service_life * annual_distance * fuel_saving * fuel_co2_per_volume).to("t CO2")


def battery_vehicle_charging_emissions(vehicles: pint.Quantity, service_life: pint.Quantity,
                                       annual_distance: pint.Quantity, electricity_use: pint.Quantity,
                                       emission_factor: pint.Quantity) -> pint.Quantity:
    """CO2 of the grid electricity that EVs and PHVs charge over their life (CO2-03.3, net reading).

    Parameters
    ----------
    vehicles : Quantity
        Vehicles estimated to carry the group's batteries [count].
    service_life : Quantity
        [year].
    annual_distance : Quantity
        [km/year].
    electricity_use : Quantity
        Grid electricity per km driven, averaged over all km [kWh/km] (0 for an HV).
    emission_factor : Quantity
        Of the electricity charged [kg CO2/kWh].

    Returns
    -------
    Quantity
        [t CO2].

    Notes
    -----
    :math:`C = V \\times L \\times D \\times e \\times EF_{el}`. The net avoided emissions are
    :math:`AE - C` (:func:`battery_vehicle_avoided_emissions`): the WBCSD guidance compares the whole
    use phase of the product with its reference, and the electric vehicle's use phase includes its
    charging. Standard [1]_ ※2 counts the fuel-economy improvement only: the reading is stated.
    """
    return (vehicles * service_life * annual_distance * electricity_use * emission_factor).to("t CO2")


def vacuum_insulation_avoided_emissions(units: pint.Quantity, saving: pint.Quantity, host_lifetime: pint.Quantity,
                                        emission_factor: pint.Quantity) -> pint.Quantity:
    """Avoided emissions of vacuum insulation panels in other makers' products (CO2-03.4).

    Parameters
    ----------
    units : Quantity
        Host products equipped in the fiscal year [count].
    saving : Quantity
        Energy saved per host product by the panels [kWh/year].
    host_lifetime : Quantity
        Estimated lifetime of the host product [year].
    emission_factor : Quantity
        [kg CO2/kWh].

    Returns
    -------
    Quantity
        [t CO2].

    Notes
    -----
    :math:`AE = N \\times S \\times L_{host} \\times EF`. Indicator CO2-03 line 4; standard [1]_
    row 商品による間接的なCO2削減貢献量 (当社の真空断熱材が用いられた他社製品による省エネ効果), which gives
    no formula: this one follows ※1.
    """
    return (units * saving * host_lifetime * emission_factor).to("t CO2")


# --- formulas: CO2-03.5 teleconferencing ---------------------------------------------------------

def _quantity(value: Param | pint.Quantity) -> pint.Quantity:
    """A parameter or a quantity, as a quantity."""
    return value.quantity if isinstance(value, Param) else value


def great_circle_distance(origin: Any, destination: Any, radius: pint.Quantity) -> pint.Quantity:
    """Great-circle distance between two airports on a sphere (haversine) (CO2-03.5, b).

    Parameters
    ----------
    origin, destination : Airport or similar
        Objects with ``latitude`` and ``longitude`` [degree], each a :class:`~envkpi.core.parameters.Param`
        or a quantity (e.g. :class:`envkpi.core.parameters.Airport`). Latitude −90 … 90, north positive;
        longitude east positive.
    radius : Quantity
        Radius of the sphere [km] (a parameter: 6,371.0 km, the mean Earth radius).

    Returns
    -------
    Quantity
        [km].

    Raises
    ------
    ValueError
        If a latitude is outside −90 … 90 degrees.

    Notes
    -----
    .. math::

        d = 2R \\arcsin\\sqrt{\\sin^2\\frac{\\varphi_2-\\varphi_1}{2}
            + \\cos\\varphi_1 \\cos\\varphi_2 \\sin^2\\frac{\\lambda_2-\\lambda_1}{2}}

    Method: a sphere of radius R from the parameters, no ellipsoid and **no uplift** for routing
    (DEFRA-style methods add 8 % or 95 km). On the routes from Haneda it differs from the WGS84
    geodesic by up to about 0.25 % (``REFERENCE_FACTS.md`` §5c: HND–LAX 8,812 km haversine vs
    8,831 km geodesic; HND–SIN 5,300 vs 5,292 km). The standard [1]_ (別表 b) names the airports, not
    the method: this is the workbook's reading.
    """
    points = []
    for name, place in (("origin", origin), ("destination", destination)):
        latitude = _quantity(place.latitude).m_as("radian")
        if not -math.pi / 2 <= latitude <= math.pi / 2:
            raise ValueError(f"{name} latitude {_quantity(place.latitude).m_as('degree')!r} degree is outside -90 … 90")
        points.append((latitude, _quantity(place.longitude).m_as("radian")))
    (phi1, lambda1), (phi2, lambda2) = points
    h = math.sin((phi2 - phi1) / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin((lambda2 - lambda1) / 2) ** 2
    return (2 * radius * math.asin(math.sqrt(min(h, 1.0)))).to("km")


def system_emissions(electricity: pint.Quantity, emission_factor: pint.Quantity) -> pint.Quantity:
    """CO2 from using one teleconferencing set for a year: e of the standard's 別表 (CO2-03.5).

    Parameters
    ----------
    electricity : Quantity
        Electricity used by one set (two units) in a year [kWh/year].
    emission_factor : Quantity
        [kg CO2/kWh].

    Returns
    -------
    Quantity
        [t CO2/year].

    Notes
    -----
    :math:`e = E_{set} \\times EF`. The standard writes e as "遠隔会議システム使用に伴うCO2排出量
    (t-CO2)" = 電気使用量 (kWh) × CO2排出係数; it is subtracted inside the sum per set and then
    multiplied by the lifetime f, so it is read as the **yearly** use of **one set** [t CO2/year].
    """
    return (electricity * emission_factor).to("t CO2 / year")


def teleconference_set_saving(trips_per_year: pint.Quantity, round_trip_distance: pint.Quantity,
                              emission_factor: pint.Quantity, travellers: pint.Quantity,
                              system_emissions: pint.Quantity) -> pint.Quantity:
    """Net yearly saving of one teleconferencing set: :math:`a b c d - e` (CO2-03.5).

    Parameters
    ----------
    trips_per_year : Quantity
        a: business trips avoided per year [1/year] (domestic 46, overseas 24).
    round_trip_distance : Quantity
        b: round-trip distance of one trip [km].
    emission_factor : Quantity
        c: CO2 per traveller-km of the mode replaced [g CO2/km] (Shinkansen, aircraft).
    travellers : Quantity
        d: travellers per trip [count] (domestic 3, overseas 2).
    system_emissions : Quantity
        e: CO2 from using one set for a year [t CO2/year] (:func:`system_emissions`).

    Returns
    -------
    Quantity
        [t CO2/year]; negative if the set's own use emits more than the trips it replaces.
    """
    return (trips_per_year * round_trip_distance * emission_factor * travellers - system_emissions).to("t CO2 / year")


def teleconference_avoided_emissions(sets: pint.Quantity, trips_per_year: pint.Quantity,
                                     round_trip_distance: pint.Quantity, emission_factor: pint.Quantity,
                                     travellers: pint.Quantity, system_emissions: pint.Quantity,
                                     lifetime: pint.Quantity) -> pint.Quantity:
    """Avoided emissions of teleconferencing sets sold in the year (CO2-03.5).

    Parameters
    ----------
    sets : Quantity
        n: sets sold with these a … e [count] (two units make one set; :func:`teleconference_sets`).
    trips_per_year : Quantity
        a [1/year].
    round_trip_distance : Quantity
        b [km].
    emission_factor : Quantity
        c [g CO2/km per traveller].
    travellers : Quantity
        d [count].
    system_emissions : Quantity
        e [t CO2/year per set].
    lifetime : Quantity
        f: product lifetime [year] (7 y).

    Returns
    -------
    Quantity
        [t CO2].

    Notes
    -----
    Standard [1]_, 別表 ■遠隔会議システムによるCO2削減貢献量の算定基準:

    .. math::

        AE = \\sum_{i=1}^{n} (a_i b_i c_i d_i - e) \\times f = n \\times (a b c d - e) \\times f

    for n sets that share a, b, c, d (one sales region). The structure of the standard is kept:
    e is subtracted per set and per year, inside the sum. The sum over all sets sold is the sum
    over regions of this function (:func:`teleconference_table`). Reference scenario (別表 1. 仮定):
    without the system the meetings would need business trips.
    """
    saving = teleconference_set_saving(trips_per_year, round_trip_distance, emission_factor, travellers,
                                       system_emissions)
    return (sets * saving * lifetime).to("t CO2")


class TeleconferenceSets(NamedTuple):
    """Units sold, as complete sets and the units left over."""

    sets: int
    unpaired: int


def teleconference_sets(units_sold: float, units_per_set: float = 2) -> TeleconferenceSets:
    """Teleconferencing sets from units sold: n of the standard's 別表 (CO2-03.5).

    Parameters
    ----------
    units_sold : float
        Units sold in the fiscal year [count]; a whole number.
    units_per_set : float
        Units that make one set [count] (the standard: 2 — 2台1セット, two units connect two sites).

    Returns
    -------
    TeleconferenceSets
        ``sets`` = :math:`\\lfloor units / units\\_per\\_set \\rfloor` [count] and ``unpaired`` units
        [count], reported beside the result.

    Raises
    ------
    ValueError
        If a count is negative or not a whole number, or ``units_per_set`` is less than 1.

    Notes
    -----
    A single unit cannot hold a teleconference (it needs a second site), so an unpaired unit is not
    counted as half a set: the sets are rounded **down** and the remainder is shown. This is the
    workbook's reading of 2台1セット; the standard does not say how an odd count is treated.
    """
    for name, value in (("units_sold", units_sold), ("units_per_set", units_per_set)):
        if not (float(value).is_integer() and value >= 0):
            raise ValueError(f"{name} must be a whole number of units, got {value!r}")
    if units_per_set < 1:
        raise ValueError(f"units_per_set must be at least 1, got {units_per_set!r}")
    sets, unpaired = divmod(int(units_sold), int(units_per_set))
    return TeleconferenceSets(sets=sets, unpaired=unpaired)


# --- formulas: CO2-03.6 HEMS and BEMS ------------------------------------------------------------

def energy_management_avoided_emissions(annual_consumption: pint.Quantity, saving: pint.Quantity,
                                        lifetime: pint.Quantity, units: pint.Quantity,
                                        emission_factor: pint.Quantity) -> pint.Quantity:
    """Avoided emissions of home and building energy-management systems (CO2-03.6, HEMS and BEMS).

    Parameters
    ----------
    annual_consumption : Quantity
        Annual electricity consumption of a household (HEMS, source a) or of an office building
        (BEMS, source c) [kWh/year].
    saving : Quantity
        Saving achieved by the system (sources b, d) [percent].
    lifetime : Quantity
        Product lifetime [year] (the standard: 10 y).
    units : Quantity
        Units shipped in the fiscal year [count].
    emission_factor : Quantity
        [kg CO2/kWh].

    Returns
    -------
    Quantity
        [t CO2].

    Notes
    -----
    :math:`AE = C \\times s \\times L \\times N \\times EF`. Reference scenario: the same home or
    building without the system. Indicator CO2-03 line 6; standard [1]_ row
    商品による間接的なCO2削減貢献量, ※4.
    """
    return (annual_consumption * saving * lifetime * units * emission_factor).to("t CO2")


# --- tables --------------------------------------------------------------------------------------

def _text(value: Param | pint.Quantity) -> str:
    """A parameter or a computed quantity as shown next to the rows it applies to."""
    return value.text if isinstance(value, Param) else quantity_text(value)


def _count(value: float) -> pint.Quantity:
    return Quantity(float(value), "count")


def _per_year(value: float) -> pint.Quantity:
    return Quantity(float(value), "kWh / year")


def pv_table(pv_shipments: pd.DataFrame, regions: dict[str, Region], pv: PV) -> pd.DataFrame:
    """Avoided emissions of every PV shipment row (CO2-01, PV).

    Parameters
    ----------
    pv_shipments : DataFrame
        Validated rows with ``row, region, capacity_shipped, unit`` (``tables.PV_SHIPMENTS``).
    regions : dict
        Region key → :class:`envkpi.core.parameters.Region` (annual generation per kW).
    pv : PV
        Lifetime and emission factor.

    Returns
    -------
    DataFrame
        The input columns plus ``lifetime``, ``annual_generation``, ``emission_factor`` (as text with
        unit), ``capacity_kw`` [kW] and ``co2_t`` [t CO2].

    Raises
    ------
    ValueError
        For a region that is not in ``regions``, naming it and the row.

    Notes
    -----
    The region sets the annual generation only: the standard applies the PV factor (0.360) to
    every region, not the region's electricity factor.
    """
    out = pv_shipments.copy()
    generation, capacity, co2 = [], [], []
    for row in pv_shipments.itertuples(index=False):
        region = lookup(regions, row.region, "region", "product_regions", row)
        kw = Quantity(row.capacity_shipped, row.unit)
        capacity.append(kw.m_as("kW"))
        co2.append(pv_avoided_emissions(kw, pv.lifetime.quantity, region.pv_annual_generation.quantity,
                                        pv.emission_factor.quantity).m_as("t CO2"))
        generation.append(region.pv_annual_generation.text)
    out["lifetime"] = pv.lifetime.text
    out["annual_generation"] = generation
    out["emission_factor"] = pv.emission_factor.text
    out["capacity_kw"] = np.array(capacity, dtype=float)
    out["co2_t"] = np.array(co2, dtype=float)
    return out


def fuel_cell_table(shipments: pd.DataFrame, fuel_cell: FuelCell) -> pd.DataFrame:
    """Avoided emissions of every fuel-cell shipment row (CO2-01, fuel cells).

    Parameters
    ----------
    shipments : DataFrame
        Validated rows with ``row, region, units_shipped`` (``tables.FUEL_CELL_SHIPMENTS``).
    fuel_cell : FuelCell
        Generation per unit, lifetime and emission factor (the standard fixes all three, so the
        region is carried along but does not change the factors).

    Returns
    -------
    DataFrame
        The input columns plus ``annual_generation``, ``lifetime``, ``emission_factor`` (text) and
        ``co2_t`` [t CO2].
    """
    out = shipments.copy()
    out["annual_generation"] = fuel_cell.annual_generation.text
    out["lifetime"] = fuel_cell.lifetime.text
    out["emission_factor"] = fuel_cell.emission_factor.text
    out["co2_t"] = np.array([
        fuel_cell_avoided_emissions(fuel_cell.annual_generation.quantity, fuel_cell.lifetime.quantity,
                                    _count(units), fuel_cell.emission_factor.quantity).m_as("t CO2")
        for units in shipments["units_shipped"]
    ], dtype=float)
    return out


def energy_saving_table(products: pd.DataFrame, regions: dict[str, Region], energy_saving: EnergySaving) -> pd.DataFrame:
    """Avoided emissions of every energy-saving product row (CO2-02).

    Parameters
    ----------
    products : DataFrame
        Validated rows with ``row, category, region, reference_kwh_per_year, model_kwh_per_year,
        units_shipped`` (``tables.ENERGY_SAVING_PRODUCTS``).
    regions : dict
        Region key → :class:`envkpi.core.parameters.Region`: the electricity factor where the product is
        used.
    energy_saving : EnergySaving
        Lifetime per category.

    Returns
    -------
    DataFrame
        The input columns plus ``lifetime``, ``emission_factor`` (text), ``saving_kwh_per_year``
        [kWh/year] (reference − model, per unit), ``co2_t`` [t CO2] and ``negative`` (True where the
        model consumes more than its reference: kept in the total, see
        :func:`energy_saving_avoided_emissions`).

    Raises
    ------
    ValueError
        For a category without a lifetime or an unknown region, naming it and the row.

    Notes
    -----
    The standard writes only "CO2排出係数"; the workbook reads it as the electricity factor of the
    region the product is sold in (``regions[region].emission_factor``), as for CO2-04.
    """
    out = products.copy()
    lifetimes, factors, saving, co2 = [], [], [], []
    for row in products.itertuples(index=False):
        lifetime = lookup(energy_saving.lifetimes, row.category, "category", "energy_saving.lifetimes", row)
        factor = lookup(regions, row.region, "region", "product_regions", row).emission_factor
        co2.append(energy_saving_avoided_emissions(_per_year(row.reference_kwh_per_year),
                                                   _per_year(row.model_kwh_per_year), lifetime.quantity,
                                                   _count(row.units_shipped), factor.quantity).m_as("t CO2"))
        saving.append(float(row.reference_kwh_per_year - row.model_kwh_per_year))
        lifetimes.append(lifetime.text)
        factors.append(factor.text)
    out["lifetime"] = lifetimes
    out["emission_factor"] = factors
    out["saving_kwh_per_year"] = np.array(saving, dtype=float)
    out["co2_t"] = np.array(co2, dtype=float)
    out["negative"] = out["co2_t"] < 0
    return out


def housing_table(rows: pd.DataFrame, housing: Housing, regions: dict[str, Region], region: str = "japan") -> pd.DataFrame:
    """Avoided emissions of every house-type row (CO2-03.1).

    Parameters
    ----------
    rows : DataFrame
        Validated rows with ``row, house_type, houses_delivered, reference_ac_kwh_per_year,
        insulated_ac_kwh_per_year`` (``tables.HOUSING_INSULATION``).
    housing : Housing
        The period over which the saving is counted.
    regions : dict
        Region key → :class:`envkpi.core.parameters.Region`.
    region : str
        The region whose electricity factor applies: the group's houses are built in Japan, so
        ``regions["japan"].emission_factor`` (the table has no region column).

    Returns
    -------
    DataFrame
        The input columns plus ``lifetime``, ``emission_factor`` (text) and ``co2_t`` [t CO2].
    """
    factor = lookup(regions, region, "region", "product_regions", None).emission_factor
    out = rows.copy()
    out["lifetime"] = housing.lifetime.text
    out["emission_factor"] = factor.text
    out["co2_t"] = np.array([
        housing_insulation_avoided_emissions(_count(row.houses_delivered), _per_year(row.reference_ac_kwh_per_year),
                                             _per_year(row.insulated_ac_kwh_per_year), housing.lifetime.quantity,
                                             factor.quantity).m_as("t CO2")
        for row in rows.itertuples(index=False)
    ], dtype=float)
    return out


def compressors_motors_table(rows: pd.DataFrame, cm: HostLifetimes, emission_factor: Param | pint.Quantity) -> pd.DataFrame:
    """Avoided emissions of every compressor or motor row (CO2-03.2).

    Parameters
    ----------
    rows : DataFrame
        Validated rows with ``row, component, host_product, reference_kwh_per_year,
        model_kwh_per_year, units_shipped`` (``tables.COMPRESSORS_MOTORS``).
    cm : HostLifetimes
        Estimated lifetime per host product.
    emission_factor : Param or Quantity
        [kg CO2/kWh]. The components are sold to other makers whose products are used worldwide and
        the table has no region column, so the caller chooses the factor and states it.

    Returns
    -------
    DataFrame
        The input columns plus ``host_lifetime``, ``emission_factor`` (text), ``co2_t`` [t CO2] and
        ``negative`` (as in :func:`energy_saving_table`).

    Raises
    ------
    ValueError
        For a host product without a lifetime, naming it and the row.
    """
    factor = _quantity(emission_factor)
    out = rows.copy()
    lifetimes, co2 = [], []
    for row in rows.itertuples(index=False):
        lifetime = lookup(cm.host_lifetimes, row.host_product, "host product", "compressors_motors.host_lifetimes", row)
        co2.append(compressor_motor_avoided_emissions(_per_year(row.reference_kwh_per_year),
                                                      _per_year(row.model_kwh_per_year), lifetime.quantity,
                                                      _count(row.units_shipped), factor).m_as("t CO2"))
        lifetimes.append(lifetime.text)
    out["host_lifetime"] = lifetimes
    out["emission_factor"] = _text(emission_factor)
    out["co2_t"] = np.array(co2, dtype=float)
    out["negative"] = out["co2_t"] < 0
    return out


def battery_table(rows: pd.DataFrame, batteries: AutomotiveBatteries, fuel: Fuel) -> pd.DataFrame:
    """Avoided emissions of every vehicle-type row (CO2-03.3), net of charging or not as the parameters read.

    Parameters
    ----------
    rows : DataFrame
        Validated rows with ``row, vehicle_type, vehicles`` (``tables.AUTOMOTIVE_BATTERIES``).
    batteries : AutomotiveBatteries
        Service life, annual distance, fuel saving and electricity use per vehicle type; the reading
        of charging (``charging``: ``netted`` or ``excluded``) and the factor of the electricity.
    fuel : Fuel
        The fuel the improvement saves: ``production.fuels[batteries.fuel.value]``.

    Returns
    -------
    DataFrame
        The input columns plus ``service_life``, ``annual_distance``, ``fuel_saving``,
        ``electricity_use``, ``fuel_co2`` (text; the last computed by :func:`fuel_co2_per_volume`),
        ``gross_t`` (fuel saved), ``charging_t`` (electricity charged) and ``co2_t`` [t CO2]: gross
        less charging when ``charging`` is ``netted``, gross when it is ``excluded``.

    Raises
    ------
    ValueError
        For an unknown vehicle type, naming it and the row.
    """
    per_litre = fuel_co2_per_volume(fuel)
    grid = batteries.electricity_emission_factor.quantity
    out = rows.copy()
    life, distance, saving, electricity, gross, charging = [], [], [], [], [], []
    for row in rows.itertuples(index=False):
        vehicle = lookup(batteries.vehicle_types, row.vehicle_type, "vehicle type",
                          "automotive_batteries.vehicle_types", row)
        use = vehicle.electricity_use.quantity if vehicle.electricity_use else Quantity(0.0, "kWh / km")
        gross.append(battery_vehicle_avoided_emissions(_count(row.vehicles), vehicle.service_life.quantity,
                                                       vehicle.annual_distance.quantity, vehicle.fuel_saving.quantity,
                                                       per_litre).m_as("t CO2"))
        charging.append(battery_vehicle_charging_emissions(_count(row.vehicles), vehicle.service_life.quantity,
                                                           vehicle.annual_distance.quantity, use, grid).m_as("t CO2"))
        life.append(vehicle.service_life.text)
        distance.append(vehicle.annual_distance.text)
        saving.append(vehicle.fuel_saving.text)
        electricity.append(_text(vehicle.electricity_use or use))
    out["service_life"] = life
    out["annual_distance"] = distance
    out["fuel_saving"] = saving
    out["electricity_use"] = electricity
    out["fuel_co2"] = _text(per_litre)
    out["gross_t"] = np.array(gross, dtype=float)
    out["charging_t"] = np.array(charging, dtype=float)
    out["co2_t"] = out["gross_t"] - out["charging_t"] if batteries.charging.value == "netted" else out["gross_t"]
    return out


def battery_reading(table: pd.DataFrame, batteries: AutomotiveBatteries) -> str:
    """The reading of charging in CO2-03.3, in a sentence generated from :func:`battery_table`."""
    gross, charging, taken = (float(table[c].sum()) for c in ("gross_t", "charging_t", "co2_t"))
    factor = batteries.electricity_emission_factor.quantity.m_as("kg CO2 / kWh")
    if batteries.charging.value == "netted":
        return (f"※2 counts the fuel-economy improvement; read with the WBCSD guidance's whole use phase, the electricity "
                f"EVs and PHVs charge ({charging:,.1f} t CO2 at {factor:g} kg CO2/kWh) is deducted: {taken:,.1f} t CO2 net. "
                f"The fuel saving alone (gross) would give {gross:,.1f} t CO2 ({gross - taken:+,.1f} t).")
    return (f"※2 counts the fuel-economy improvement and this report follows it alone: {taken:,.1f} t CO2 gross. Deducting "
            f"the electricity EVs and PHVs charge ({charging:,.1f} t CO2 at {factor:g} kg CO2/kWh) would give "
            f"{gross - charging:,.1f} t CO2 ({-charging:+,.1f} t).")


def vacuum_insulation_table(rows: pd.DataFrame, vip: HostLifetimes, emission_factor: Param | pint.Quantity) -> pd.DataFrame:
    """Avoided emissions of every vacuum-insulation-panel row (CO2-03.4).

    Parameters
    ----------
    rows : DataFrame
        Validated rows with ``row, host_product, units_shipped, saving_kwh_per_year``
        (``tables.VACUUM_INSULATION``).
    vip : HostLifetimes
        Estimated lifetime per host product.
    emission_factor : Param or Quantity
        [kg CO2/kWh]; chosen by the caller, as for :func:`compressors_motors_table` (no region column).

    Returns
    -------
    DataFrame
        The input columns plus ``host_lifetime``, ``emission_factor`` (text) and ``co2_t`` [t CO2].
    """
    factor = _quantity(emission_factor)
    out = rows.copy()
    lifetimes, co2 = [], []
    for row in rows.itertuples(index=False):
        lifetime = lookup(vip.host_lifetimes, row.host_product, "host product", "vacuum_insulation.host_lifetimes", row)
        co2.append(vacuum_insulation_avoided_emissions(_count(row.units_shipped), _per_year(row.saving_kwh_per_year),
                                                       lifetime.quantity, factor).m_as("t CO2"))
        lifetimes.append(lifetime.text)
    out["host_lifetime"] = lifetimes
    out["emission_factor"] = _text(emission_factor)
    out["co2_t"] = np.array(co2, dtype=float)
    return out


def teleconference_table(rows: pd.DataFrame, regions: dict[str, Region], tc: Teleconference,
                         domestic_region: str = "japan") -> pd.DataFrame:
    """Avoided emissions of teleconferencing systems, per sales region (CO2-03.5).

    Parameters
    ----------
    rows : DataFrame
        Validated rows with ``row, region, units_sold`` (``tables.TELECONFERENCE``).
    regions : dict
        Region key → :class:`envkpi.core.parameters.Region`; an overseas region needs its ``airport``.
    tc : Teleconference
        The standard's a … f and the parameters of b.
    domestic_region : str
        The region whose sets replace domestic trips.

    Returns
    -------
    DataFrame
        The input columns plus ``trip`` (domestic / overseas), ``route``, ``sets`` and
        ``unpaired_units`` [count] (:func:`teleconference_sets`), ``a_trips``, ``b_round_trip``,
        ``c_emission_factor``, ``d_travellers``, ``e_system``, ``f_lifetime`` (text with unit),
        ``set_saving_t_per_year`` (a·b·c·d − e [t CO2/year per set]) and ``co2_t`` [t CO2].

    Raises
    ------
    ValueError
        For an unknown region, or an overseas region without an airport, naming it and the row.

    Notes
    -----
    Domestic (``domestic_region``): b = 2 × ``domestic_one_way_distance`` (Tokyo–Shin-Osaka), c the
    Shinkansen factor. Any other region is overseas: b = 2 × the great-circle distance from
    ``origin_airport`` (Haneda) to the region's airport (:func:`great_circle_distance`), c the
    aircraft factor. e = :func:`system_emissions` of one set, f = ``lifetime``. The total over the
    rows is the standard's :math:`\\sum_{i=1}^{n}(a_i b_i c_i d_i - e) \\times f` over all sets sold.
    """
    e = system_emissions(tc.system_electricity.quantity, tc.system_emission_factor.quantity)
    per_set = tc.units_per_set.value
    records = []
    for row in rows.itertuples(index=False):
        region = lookup(regions, row.region, "region", "product_regions", row)
        if row.region == domestic_region:
            trip, kind = "domestic", tc.domestic
            b = (2 * tc.domestic_one_way_distance.quantity).to("km")
            route = "Tokyo–Shin-Osaka"
        else:
            if region.airport is None:
                raise ValueError(f"row {getattr(row, 'row', '?')}: region {row.region!r} has no airport in "
                                 f"product_regions; an overseas teleconferencing trip needs one")
            trip, kind = "overseas", tc.overseas
            b = (2 * great_circle_distance(tc.origin_airport, region.airport, tc.earth_radius.quantity)).to("km")
            route = f"{tc.origin_airport.code}–{region.airport.code}"
        try:
            n = teleconference_sets(row.units_sold, per_set)
        except ValueError as exc:
            raise ValueError(f"row {getattr(row, 'row', '?')}: {exc}") from None
        saving = teleconference_set_saving(kind.trips_per_year.quantity, b, kind.emission_factor.quantity,
                                           kind.travellers.quantity, e)
        co2 = teleconference_avoided_emissions(_count(n.sets), kind.trips_per_year.quantity, b,
                                               kind.emission_factor.quantity, kind.travellers.quantity, e,
                                               tc.lifetime.quantity)
        records.append({
            "trip": trip,
            "route": route,
            "sets": n.sets,
            "unpaired_units": n.unpaired,
            "a_trips": kind.trips_per_year.text,
            "b_round_trip": _text(b),
            "c_emission_factor": kind.emission_factor.text,
            "d_travellers": kind.travellers.text,
            "e_system": _text(e),
            "f_lifetime": tc.lifetime.text,
            "set_saving_t_per_year": saving.m_as("t CO2 / year"),
            "co2_t": co2.m_as("t CO2"),
        })
    added = pd.DataFrame(records, columns=["trip", "route", "sets", "unpaired_units", "a_trips", "b_round_trip",
                                           "c_emission_factor", "d_travellers", "e_system", "f_lifetime",
                                           "set_saving_t_per_year", "co2_t"], index=rows.index)
    out = pd.concat([rows.copy(), added], axis=1)
    for column in ("sets", "unpaired_units"):
        out[column] = out[column].astype("int64")
    for column in ("set_saving_t_per_year", "co2_t"):
        out[column] = out[column].astype(float)
    return out


def teleconference_track_distance_total(rows: pd.DataFrame, regions: dict[str, Region], tc: Teleconference) -> pint.Quantity | None:
    """Line 5's total with b domestic at the track distance (実キロ) instead of the operating km, or
    None when the parameters give no track distance."""
    if tc.domestic_track_distance is None:
        return None
    track = tc.model_copy(update={"domestic_one_way_distance": tc.domestic_track_distance})
    return Quantity(float(teleconference_table(rows, regions, track)["co2_t"].sum()), "t CO2")


def energy_management_table(rows: pd.DataFrame, ems: EnergyManagementSystems) -> pd.DataFrame:
    """Avoided emissions of HEMS and BEMS (CO2-03.6).

    Parameters
    ----------
    rows : DataFrame
        Validated rows with ``row, system, units_shipped`` (``tables.ENERGY_MANAGEMENT``; system
        ``hems`` or ``bems``).
    ems : EnergyManagementSystems
        Consumption, saving and lifetime of each system, and the emission factor.

    Returns
    -------
    DataFrame
        The input columns plus ``annual_consumption``, ``saving``, ``lifetime``, ``emission_factor``
        (text) and ``co2_t`` [t CO2].

    Raises
    ------
    ValueError
        For a system other than ``hems`` or ``bems``.
    """
    systems = {"hems": ems.hems, "bems": ems.bems}
    out = rows.copy()
    consumption, saving, lifetime, co2 = [], [], [], []
    for row in rows.itertuples(index=False):
        system = lookup(systems, row.system, "system", "energy_management", row)
        co2.append(energy_management_avoided_emissions(system.annual_consumption.quantity, system.saving.quantity,
                                                       system.lifetime.quantity, _count(row.units_shipped),
                                                       ems.emission_factor.quantity).m_as("t CO2"))
        consumption.append(system.annual_consumption.text)
        saving.append(system.saving.text)
        lifetime.append(system.lifetime.text)
    out["annual_consumption"] = consumption
    out["saving"] = saving
    out["lifetime"] = lifetime
    out["emission_factor"] = ems.emission_factor.text
    out["co2_t"] = np.array(co2, dtype=float)
    return out


def line_total(table: pd.DataFrame) -> pint.Quantity:
    """Sum of ``co2_t`` of a table of this module [t CO2] (negative rows included)."""
    return Quantity(float(table["co2_t"].sum()), "t CO2")


# --- CO2-03 summary ------------------------------------------------------------------------------

#: The seven lines of CO2-03, in the order of the standard: (line, English name, name in the standard).
INDIRECT_LINES: tuple[tuple[int, str, str], ...] = (
    (1, "Housing insulation", "当社住宅の断熱性能向上による空調負荷の削減効果"),
    (2, "Compressors and motors in other makers' products", "当社の省エネ型コンプレッサやモータを搭載した他社製品による省エネ効果"),
    (3, "Automotive batteries in EV, PHV and HV", "当社車載電池を搭載するEV・PHV・HVによる燃費改善効果"),
    (4, "Vacuum insulation panels in other makers' products", "当社の真空断熱材が用いられた他社製品による省エネ効果"),
    (5, "Teleconferencing systems", "遠隔会議システムによる人の移動削減などの省エネ効果"),
    (6, "HEMS and BEMS", "HEMS・BEMSによる省エネ効果"),
    (7, "Heat-exchange ventilation", "熱交換システム導入による省エネ効果"),
)


@dataclass(frozen=True)
class IndirectLines:
    """Result of :func:`indirect_lines_summary`.

    Attributes
    ----------
    lines : DataFrame
        ``line`` (1–7), ``indicator`` (``CO2-03.1`` …), ``name``, ``name_ja``, ``co2_t`` [t CO2].
    total : Quantity
        CO2-03, the sum of the seven lines [t CO2].
    """

    lines: pd.DataFrame
    total: pint.Quantity


def indirect_lines_summary(housing: pint.Quantity, compressors_motors: pint.Quantity,
                           automotive_batteries: pint.Quantity, vacuum_insulation: pint.Quantity,
                           teleconference: pint.Quantity, energy_management: pint.Quantity,
                           heat_exchange: pint.Quantity) -> IndirectLines:
    """CO2-03: the seven indirect lines, each shown apart, and their sum.

    Parameters
    ----------
    housing, compressors_motors, automotive_batteries, vacuum_insulation, teleconference, energy_management : Quantity
        Totals of lines 1–6 [t CO2] (e.g. :func:`line_total` of each table).
    heat_exchange : Quantity
        Total of line 7, from ``envkpi.families.avoided_emissions.ventilation`` [t CO2].

    Returns
    -------
    IndirectLines

    Notes
    -----
    :math:`CO2\\text{-}03 = \\sum_{k=1}^{7} AE_k`; standard [1]_ row 商品による間接的なCO2削減貢献量.
    """
    totals = (housing, compressors_motors, automotive_batteries, vacuum_insulation, teleconference,
              energy_management, heat_exchange)
    lines = pd.DataFrame({
        "line": [line for line, _, _ in INDIRECT_LINES],
        "indicator": [f"CO2-03.{line}" for line, _, _ in INDIRECT_LINES],
        "name": [name for _, name, _ in INDIRECT_LINES],
        "name_ja": [name_ja for _, _, name_ja in INDIRECT_LINES],
        "co2_t": np.array([total.m_as("t CO2") for total in totals], dtype=float),
    })
    return IndirectLines(lines=lines, total=Quantity(float(lines["co2_t"].sum()), "t CO2"))


# --- progress towards the long-term target -------------------------------------------------------

def _tonnes(value: float | pint.Quantity) -> float:
    return value.m_as("t CO2") if isinstance(value, pint.Quantity) else float(value)


def _counted_history(history: pd.DataFrame, fiscal_year: int, counts_from: int) -> pd.Series:
    """Published yearly totals that count: ``counts_from`` ≤ year < ``fiscal_year``, by year [t CO2]."""
    if fiscal_year < counts_from:
        raise ValueError(f"fiscal year {fiscal_year} is before the first year that counts ({counts_from})")
    twice = sorted(set(history.loc[history["fiscal_year"].duplicated(), "fiscal_year"].astype(int)))
    if twice:
        raise ValueError(f"more than one history row for FY{', FY'.join(map(str, twice))}")
    years = history["fiscal_year"].astype(int)
    counted = history[(years >= counts_from) & (years < fiscal_year)]
    series = pd.Series(counted["avoided_co2_t"].astype(float).to_numpy(), index=counted["fiscal_year"].astype(int))
    missing = [year for year in range(counts_from, fiscal_year) if year not in series.index]
    if missing:
        raise ValueError(f"no published avoided emissions for FY{', FY'.join(map(str, missing))}: every year from "
                         f"FY{counts_from} to FY{fiscal_year - 1} counts towards the target")
    return series.sort_index()


def cumulative_avoided_emissions(history: pd.DataFrame, this_year_t: float | pint.Quantity, fiscal_year: int,
                                 counts_from: int) -> pint.Quantity:
    """Avoided emissions counted towards the long-term target, up to and including this year.

    Parameters
    ----------
    history : DataFrame
        Published rows ``fiscal_year``, ``avoided_co2_t`` [t CO2] (``tables.AVOIDED_HISTORY``).
    this_year_t : float or Quantity
        This year's CO2-01 + CO2-02 + CO2-03 [t CO2] (a float is read in t CO2).
    fiscal_year : int
        This year.
    counts_from : int
        First fiscal year that counts (``target.counts_from_fiscal_year``).

    Returns
    -------
    Quantity
        [t CO2].

    Raises
    ------
    ValueError
        If a year from ``counts_from`` to ``fiscal_year − 1`` has no history row (the sum would be
        understated), a year has two rows, or ``fiscal_year`` is before ``counts_from``.

    Notes
    -----
    :math:`\\sum_{y=y_0}^{N-1} AE_y + AE_N`. History rows before ``counts_from``, and of this year or
    later (a published figure of a year being rerun), are not taken: this year counts with this
    run's figure. Each year's figure is the lifetime avoided emissions of the products shipped that
    year, as the parameters' ``target.counts`` states (the sample: at least 300 Mt by 2050).
    """
    return Quantity(float(_counted_history(history, fiscal_year, counts_from).sum()) + _tonnes(this_year_t), "t CO2")


def required_annual_rate(target: pint.Quantity, cumulative: pint.Quantity, fiscal_year: int,
                         target_fiscal_year: int) -> pint.Quantity:
    """Avoided emissions needed in each remaining year to reach the target (straight line).

    Parameters
    ----------
    target : Quantity
        The target [t CO2] (300 Mt CO2).
    cumulative : Quantity
        Counted so far, this year included [t CO2] (:func:`cumulative_avoided_emissions`).
    fiscal_year : int
        This year.
    target_fiscal_year : int
        The year by whose end the target is to be reached (2050, read as FY2050 included).

    Returns
    -------
    Quantity
        [t CO2/year]; zero or negative when the target is already reached.

    Raises
    ------
    ValueError
        If ``target_fiscal_year`` is not after ``fiscal_year``.

    Notes
    -----
    :math:`r = (T - C_N) / (Y_T - N)`: the years remaining are N+1 … Y_T.
    """
    if target_fiscal_year <= fiscal_year:
        raise ValueError(f"target fiscal year {target_fiscal_year} must be after the fiscal year {fiscal_year}")
    return ((target - cumulative) / Quantity(target_fiscal_year - fiscal_year, "year")).to("t CO2 / year")


def target_trajectory(history: pd.DataFrame, this_year_t: float | pint.Quantity, fiscal_year: int,
                      target: pint.Quantity, target_fiscal_year: int, counts_from: int) -> pd.DataFrame:
    """Cumulative avoided emissions by year and the straight path still needed to the target (for a chart).

    Parameters
    ----------
    history, this_year_t, fiscal_year, counts_from
        As for :func:`cumulative_avoided_emissions`.
    target : Quantity
        [t CO2].
    target_fiscal_year : int
        As for :func:`required_annual_rate`.

    Returns
    -------
    DataFrame
        One row per fiscal year from ``counts_from`` to ``target_fiscal_year``: ``fiscal_year``,
        ``avoided_co2_t`` (that year's figure; NaN after this year), ``cumulative_co2_t`` (actual,
        NaN after this year), ``required_cumulative_co2_t`` (from this year's cumulative, rising by
        :func:`required_annual_rate` each year to the target; NaN before this year),
        ``target_co2_t`` and ``source`` ("history", "this report" or empty) — all in [t CO2].
    """
    counted = _counted_history(history, fiscal_year, counts_from)
    this_year = _tonnes(this_year_t)
    cumulative = cumulative_avoided_emissions(history, this_year, fiscal_year, counts_from)
    rate = required_annual_rate(target, cumulative, fiscal_year, target_fiscal_year).m_as("t CO2 / year")
    reached = cumulative.m_as("t CO2")
    rows, running = [], 0.0
    for year in range(counts_from, target_fiscal_year + 1):
        if year <= fiscal_year:
            annual = float(counted[year]) if year < fiscal_year else this_year
            running += annual
            source = "history" if year < fiscal_year else "this report"
        else:
            annual, source = float("nan"), ""
        rows.append({
            "fiscal_year": year,
            "avoided_co2_t": annual,
            "cumulative_co2_t": running if year <= fiscal_year else float("nan"),
            "required_cumulative_co2_t": reached + rate * (year - fiscal_year) if year >= fiscal_year else float("nan"),
            "target_co2_t": target.m_as("t CO2"),
            "source": source,
        })
    return pd.DataFrame(rows)


# --- reporting: the WBCSD framing of each line, the avoided-emissions table, checks ----------------

def framing_table(avoided: AvoidedEmissions, regions: dict[str, Region]) -> pd.DataFrame:
    """For each line, what a reader needs to judge the claim (WBCSD guidance, steps 1–2 and §6).

    Parameters
    ----------
    avoided : AvoidedEmissions
        The family's parameters.
    regions : dict
        Sales regions (their factors apply to CO2-02).

    Returns
    -------
    DataFrame
        ``indicator, line, reference_scenario, timeframe, emission_factor, sources``: the reference
        scenario, the assessment timeframe (lifetime), the emission factor and the sources of each.
    """
    def text(param) -> str:
        return param.text

    def lifetimes(mapping: dict) -> str:
        return "; ".join(f"{key}: {text(value)}" for key, value in mapping.items())

    region_factors = "; ".join(f"{key}: {text(r.emission_factor)}" for key, r in regions.items())
    tc, ems, hx = avoided.teleconference, avoided.energy_management, avoided.heat_exchange
    vehicles = avoided.automotive_batteries.vehicle_types
    rows = [
        ("CO2-01", "PV panels and cells", avoided.pv.reference_scenario, text(avoided.pv.lifetime),
         text(avoided.pv.emission_factor), avoided.pv.lifetime.source),
        ("CO2-01", "Residential fuel cells", avoided.fuel_cell.reference_scenario, text(avoided.fuel_cell.lifetime),
         text(avoided.fuel_cell.emission_factor), avoided.fuel_cell.annual_generation.source),
        ("CO2-02", "Energy-saving products", avoided.energy_saving.reference_scenario,
         lifetimes(avoided.energy_saving.lifetimes), region_factors, avoided.energy_saving.reference_fiscal_year.source),
        ("CO2-03.1", "Housing insulation", avoided.housing.reference_scenario, text(avoided.housing.lifetime),
         text(regions["japan"].emission_factor), avoided.housing.lifetime.source),
        ("CO2-03.2", "Compressors and motors", avoided.compressors_motors.reference_scenario,
         lifetimes(avoided.compressors_motors.host_lifetimes), text(avoided.compressors_motors.emission_factor),
         avoided.compressors_motors.emission_factor.source),
        ("CO2-03.3", "Automotive batteries", avoided.automotive_batteries.reference_scenario,
         "; ".join(f"{k}: {text(v.service_life)}" for k, v in vehicles.items()),
         f"fuel: {avoided.automotive_batteries.fuel.value}", avoided.automotive_batteries.fuel.source),
        ("CO2-03.4", "Vacuum insulation panels", avoided.vacuum_insulation.reference_scenario,
         lifetimes(avoided.vacuum_insulation.host_lifetimes), text(avoided.vacuum_insulation.emission_factor),
         avoided.vacuum_insulation.emission_factor.source),
        ("CO2-03.5", "Teleconferencing systems", tc.reference_scenario, text(tc.lifetime),
         f"rail {text(tc.domestic.emission_factor)}; air {text(tc.overseas.emission_factor)}",
         f"{tc.domestic.emission_factor.source}; {tc.overseas.emission_factor.source}"),
        ("CO2-03.6", "HEMS and BEMS", ems.reference_scenario, f"HEMS {text(ems.hems.lifetime)}; BEMS {text(ems.bems.lifetime)}",
         text(ems.emission_factor), f"{ems.hems.annual_consumption.source}; {ems.bems.annual_consumption.source}"),
        ("CO2-03.7", "Heat-exchange ventilation", hx.reference_scenario, text(hx.lifetime), text(hx.emission_factor),
         "simulation conditions of the standard's 別表; model and assumptions of envkpi.families.avoided_emissions.ventilation"),
    ]
    return pd.DataFrame(
        [(i, line, scenario.value, timeframe, factor, sources) for i, line, scenario, timeframe, factor, sources in rows],
        columns=["indicator", "line", "reference_scenario", "timeframe", "emission_factor", "sources"],
    )


@dataclass(frozen=True)
class AvoidedTotals:
    """The family's headline figures [t CO2]."""

    pv: pint.Quantity
    fuel_cell: pint.Quantity
    co2_01: pint.Quantity
    co2_02: pint.Quantity
    co2_03: pint.Quantity
    total: pint.Quantity  # CO2-01 + CO2-02 + CO2-03: the year's avoided emissions, counted towards the target


def avoided_totals(pv: pd.DataFrame, fuel_cell: pd.DataFrame, energy_saving: pd.DataFrame,
                   indirect: IndirectLines) -> AvoidedTotals:
    """CO2-01 = PV + fuel cells; CO2-02; CO2-03; and their sum, the year's avoided emissions [t CO2].

    Notes
    -----
    The sum is an avoided-emissions figure only: it is never added to or netted against Scope 1/2/3.
    """
    pv_total, fc_total = line_total(pv), line_total(fuel_cell)
    co2_01, co2_02 = pv_total + fc_total, line_total(energy_saving)
    return AvoidedTotals(pv_total, fc_total, co2_01, co2_02, indirect.total, co2_01 + co2_02 + indirect.total)


def avoided_emissions_table(totals: AvoidedTotals) -> pd.DataFrame:
    """The avoided-emissions table of the report: CO2-01, CO2-02, CO2-03 and their sum [t CO2]."""
    return pd.DataFrame({
        "indicator": ["CO2-01", "CO2-02", "CO2-03", "CO2-01 + CO2-02 + CO2-03"],
        "avoided_co2_t": [totals.co2_01.m_as("t CO2"), totals.co2_02.m_as("t CO2"), totals.co2_03.m_as("t CO2"),
                          totals.total.m_as("t CO2")],
    })


def avoided_checks(totals: AvoidedTotals, tables: dict[str, pd.DataFrame], indirect: IndirectLines,
                   rel: float = 1e-9) -> list[Check]:
    """Reconciliations of the family, each a pass/fail :class:`~envkpi.core.results.Check`.

    The line totals add up (CO2-01 = PV + fuel cells, CO2-03 = Σ seven lines, total = CO2-01 + CO2-02
    + CO2-03) and every row has a result. Negative rows are shown in the report, not failed: they are
    a decision of the method, not an error.
    """
    def close(a: pint.Quantity, b: pint.Quantity) -> bool:
        x, y = a.m_as("t CO2"), b.m_as("t CO2")
        return abs(x - y) <= rel * max(abs(x), abs(y), 1e-300)

    lines = Quantity(float(indirect.lines["co2_t"].sum()), "t CO2")
    checks = [
        Check("CO2-01 = PV + fuel cells", close(totals.co2_01, totals.pv + totals.fuel_cell),
              f"{totals.co2_01.m_as('t CO2'):,.3f} t CO2"),
        Check("CO2-03 = sum of its seven lines", close(totals.co2_03, lines), f"{lines.m_as('t CO2'):,.3f} t CO2"),
        Check("Total = CO2-01 + CO2-02 + CO2-03", close(totals.total, totals.co2_01 + totals.co2_02 + totals.co2_03),
              f"{totals.total.m_as('t CO2'):,.3f} t CO2"),
    ]
    missing = {name: int(table["co2_t"].isna().sum()) for name, table in tables.items()}
    checks.append(Check("Every row has a result", not any(missing.values()),
                        ", ".join(f"{name}: {count} missing" for name, count in missing.items())))
    return checks
