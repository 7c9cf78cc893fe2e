"""The model of the ``logistics:`` section of the parameter files (LOG-01 … LOG-04).

The section holds the method of the shipper guidebook (荷主のための省エネ法ガイドブック): the improved
ton-kilo regressions of the trucks (one per fuel), the energy intensity of each mode for the
conventional ton-kilo method (and the fuel whose carbon factor turns that energy into CO2), the base
year of LOG-04, and the changes of method by transport record that make LOG-04 restate the year
before. The fuels themselves (calorific value, carbon factor) are those of ``production.fuels``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from envkpi.core.parameters import FiscalYear, Param, Plausible, Ratio, Sourced, Strict, one_of
from envkpi.core.units import parse_unit, ureg

#: The modes of transport a record may name.
MODES = ("truck", "rail", "ship", "air")
#: The methods of the shipper guidebook a record may use.
METHODS = ("fuel", "fuel_economy", "improved_tonkm", "conventional_tonkm")
#: The methods that need the fuel of the record (its calorific value and carbon factor).
FUEL_METHODS = ("fuel", "fuel_economy", "improved_tonkm")

#: Energy per tonne-kilometre of the conventional ton-kilo method: freight by air needs some
#: 20–30 MJ/(t km), by sea well under 1; 100 MJ/(t km) is beyond any freight mode.
ENERGY_PER_TONNE_KM = Plausible(0, 100, "MJ / (t km)", "energy per tonne-kilometre of freight")


def _energy_per_tonne_km(param: Param) -> Param:
    """The parameter is an energy per tonne-kilometre, positive and plausible."""
    wanted = ureg.get_dimensionality("[energy] / [mass] / [length]")
    if parse_unit(param.unit).dimensionality != wanted:
        raise ValueError(f"unit {param.unit!r} is not an energy per tonne-kilometre; expected a unit like MJ / (t km)")
    if not param.value > 0:
        raise ValueError(f"value {param.value!r} must be positive for a factor [MJ / (t km)]")
    problem = ENERGY_PER_TONNE_KM.problem(param.value, param.unit)
    if problem:
        raise ValueError(problem)
    return param


EnergyPerTonneKm = Annotated[Param, AfterValidator(_energy_per_tonne_km)]


class TruckRegression(Strict):
    """The improved ton-kilo regression of one fuel: ln y = a − b·ln(x/100) − c·ln z.

    y: fuel per tonne-kilometre [L/(t km)]; x: loading rate [percent]; z: maximum payload [kg].
    """

    intercept: Ratio  # a
    loading_rate_coefficient: Ratio  # b
    payload_coefficient: Ratio  # c


class ConventionalIntensity(Strict):
    """The conventional ton-kilo method for one mode: energy per tonne-kilometre, and the fuel (a key
    of ``production.fuels``) whose carbon factor converts that energy into CO2."""

    energy_intensity: EnergyPerTonneKm
    fuel: Sourced


class MethodChange(Strict):
    """A transport record whose method changed in ``fiscal_year``: LOG-04 recomputes the year before
    with ``method`` from that year's activity data."""

    method: Annotated[Sourced, one_of(*METHODS, what="a method of the shipper guidebook")]
    fiscal_year: FiscalYear


class Logistics(Strict):
    """Parameters of the logistics family (LOG-01 … LOG-04)."""

    base_fiscal_year: FiscalYear
    truck_regressions: dict[str, TruckRegression]  # fuel key of production.fuels → regression
    conventional_tonkm: dict[str, ConventionalIntensity]  # mode → intensity
    method_changes: dict[str, MethodChange] = {}  # record_id → the method it moved to, and when

    def changes_in(self, fiscal_year: int) -> dict[str, str]:
        """record_id → the new method, for the changes that took effect in ``fiscal_year``."""
        return {record: str(change.method.value) for record, change in self.method_changes.items()
                if int(change.fiscal_year.value) == fiscal_year}


def logistics_parameter_problems(params) -> list[str]:
    """Problems between the ``logistics`` section and ``production.fuels``, each ``key.path: message``."""
    section = params.logistics
    fuels = params.production.fuels
    problems = []
    for fuel in section.truck_regressions:
        if fuel not in fuels:
            problems.append(f"logistics.truck_regressions.{fuel}: not a fuel of production.fuels "
                            f"({', '.join(fuels)})")
    for mode, entry in section.conventional_tonkm.items():
        if mode not in MODES:
            problems.append(f"logistics.conventional_tonkm.{mode}: unknown mode; expected one of {', '.join(MODES)}")
        if entry.fuel.value not in fuels:
            problems.append(f"logistics.conventional_tonkm.{mode}.fuel.value: {entry.fuel.value!r} is not a fuel of "
                            f"production.fuels ({', '.join(fuels)})")
    return problems
