"""Fuel burnt: its energy and its CO2, by the standard's formula (calorific value × carbon factor × 44/12).

Every family that burns fuel, or counts the fuel a product saves, computes it here, with the factors
of the parameters' fuels (:class:`envkpi.core.parameters.Fuel`), so that the same litre gives the
same CO2 in every report.
"""

from __future__ import annotations

import pint

__all__ = ["fuel_energy", "fuel_co2"]


def fuel_energy(quantity: pint.Quantity, calorific_value: pint.Quantity) -> pint.Quantity:
    """Heat content of a fuel: the energy it brings.

    Parameters
    ----------
    quantity : Quantity
        Fuel used, in its natural unit [kL], [t] or [kNm3].
    calorific_value : Quantity
        Unit calorific value [GJ/kL], [GJ/t] or [GJ/kNm3] — Energy Conservation Act enforcement
        rules 別表第1, applied worldwide; for city gas the supplier's published value.

    Returns
    -------
    Quantity
        Energy [GJ].

    Notes
    -----
    :math:`E = Q \\times HV`.
    """
    return (quantity * calorific_value).to("GJ")


def fuel_co2(quantity: pint.Quantity, calorific_value: pint.Quantity, carbon_factor: pint.Quantity) -> pint.Quantity:
    """CO2 from burning a fuel: the fuel burnt at a site (Scope 1), or the fuel a product saves.

    Parameters
    ----------
    quantity : Quantity
        Fuel used [kL], [t] or [kNm3].
    calorific_value : Quantity
        Unit calorific value [GJ/kL], [GJ/t] or [GJ/kNm3].
    carbon_factor : Quantity
        Carbon emission factor [t C/GJ] (算定省令).

    Returns
    -------
    Quantity
        CO2 emitted [t CO2].

    Notes
    -----
    :math:`CO_2 = Q \\times HV \\times EF_C \\times 44/12`. The factor 44/12 (molar mass of CO2 over
    that of carbon) is the registry's definition ``CO2 = 12/44 C``, applied by the conversion from
    ``t C`` to ``t CO2``.
    """
    return (quantity * calorific_value * carbon_factor).to("t CO2")
