"""One unit registry for the whole workbook, with greenhouse gases as dimensions.

Every quantity in ``envkpi`` is a :class:`pint.Quantity` from :data:`ureg`. Each greenhouse gas
is its own dimension, so ``t CH4`` cannot be added to ``t CO2`` by accident: converting a gas to
CO2-equivalent is only possible inside a GWP context built from a parameter set
(:func:`gwp_context`), which makes the choice of GWP set explicit and searchable.

Carbon and CO2 share one dimension: ``CO2`` is defined as ``12/44 C`` (the ratio of the molar
masses of carbon and carbon dioxide), so ``(1 t C).to("t CO2")`` is ``44/12 t CO2``. ``CO2e``
is a name for ``CO2`` used for totals that include other gases converted with a GWP set.

Units beyond pint's defaults:

=========  =======================================================================
``Nm3``    normal cubic metre (gas volume at 0 °C, 101.325 kPa); ``kNm3`` = 千Nm3
``JPY``    Japanese yen (currency dimension); ``MJPY`` = million yen
``count``  a number of things (pint default)
=========  =======================================================================
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

import pint

__all__ = [
    "ureg",
    "Quantity",
    "GASES",
    "gas_unit",
    "gwp_context",
    "to_co2e",
    "parse_unit",
    "format_unit",
    "quantity_text",
    "UnitError",
]

#: Greenhouse gases known to the registry: reporting name → pint unit name.
#: The reporting names are those of IPCC AR4 WG1 Table 2.14; pint names drop the hyphens.
GASES: dict[str, str] = {
    "CO2": "CO2",
    "CH4": "CH4",
    "N2O": "N2O",
    "SF6": "SF6",
    "NF3": "NF3",
    "HFC-23": "HFC23",
    "HFC-32": "HFC32",
    "HFC-41": "HFC41",
    "HFC-125": "HFC125",
    "HFC-134": "HFC134",
    "HFC-134a": "HFC134a",
    "HFC-143": "HFC143",
    "HFC-143a": "HFC143a",
    "HFC-152": "HFC152",
    "HFC-152a": "HFC152a",
    "HFC-161": "HFC161",
    "HFC-227ea": "HFC227ea",
    "HFC-236cb": "HFC236cb",
    "HFC-236ea": "HFC236ea",
    "HFC-236fa": "HFC236fa",
    "HFC-245ca": "HFC245ca",
    "HFC-245fa": "HFC245fa",
    "HFC-365mfc": "HFC365mfc",
    "HFC-43-10mee": "HFC4310mee",
    "CF4": "CF4",
    "C2F6": "C2F6",
    "C3F8": "C3F8",
    "c-C4F8": "cC4F8",
    "C4F10": "C4F10",
    "C5F12": "C5F12",
    "C6F14": "C6F14",
    "SF5CF3": "SF5CF3",
}


class UnitError(ValueError):
    """A unit string that pint cannot parse, or a quantity of the wrong dimension."""


def _build_registry() -> pint.UnitRegistry:
    try:  # pint's parsed definitions kept in the user's cache folder: a third of the time of every kernel's set-up
        registry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True, on_redefinition="ignore", cache_folder=":auto:")
    except OSError:  # no writable cache folder: parsed each time, the same registry
        registry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True, on_redefinition="ignore")
    # In this field "kt" is a kilotonne (千t), never pint's knot.
    registry.define("kilotonne = 1000 * tonne = kt")
    registry.define("C = [carbon]")
    registry.define("CO2 = 12 / 44 * C")
    registry.define("CO2e = CO2")
    for pint_name in GASES.values():
        if pint_name != "CO2":
            registry.define(f"{pint_name} = [{pint_name}]")
    registry.define("Nm3 = meter ** 3")
    registry.define("JPY = [currency]")
    registry.formatter.default_format = "~"
    _cache_unit_parsing(registry)
    return registry


def _cache_unit_parsing(registry: pint.UnitRegistry) -> None:
    """Parse each unit string once: pint caches only the names of single units, so a compound unit such
    as ``"t * km"`` was parsed again each time a quantity was made or converted with it (a calculation of
    200,000 rows spent most of its time there). The parsed units are immutable containers; no unit is
    defined after the registry is built, so a string always parses to the same units."""
    parse = registry.parse_units_as_container

    @functools.lru_cache(maxsize=8192)
    def cached(input_string: str, as_delta: bool | None, case_sensitive: bool | None):
        return parse(input_string, as_delta, case_sensitive)

    def parse_units_as_container(input_string, as_delta: bool | None = None, case_sensitive: bool | None = None):
        if isinstance(input_string, str):
            return cached(input_string, as_delta, case_sensitive)
        return parse(input_string, as_delta, case_sensitive)

    registry.parse_units_as_container = parse_units_as_container


ureg: pint.UnitRegistry = _build_registry()
pint.set_application_registry(ureg)
Quantity = ureg.Quantity


def gas_unit(gas: str) -> str:
    """Pint unit name of a greenhouse gas given by its reporting name (``"HFC-134a"`` → ``"HFC134a"``).

    Raises
    ------
    UnitError
        If the gas is not one of :data:`GASES`.
    """
    try:
        return GASES[gas]
    except KeyError:
        raise UnitError(f"unknown gas {gas!r}; known gases: {', '.join(GASES)}") from None


def gwp_context(name: str, gwp: Mapping[str, pint.Quantity]) -> str:
    """Register a GWP set as a pint context and return its name.

    Parameters
    ----------
    name : str
        Name of the set, e.g. ``"AR4"``; the context is registered as ``"GWP-AR4"``.
    gwp : mapping of str to Quantity
        Reporting gas name → GWP-100 as a quantity ``[CO2e / gas]``, e.g. ``Quantity(25, "CO2e / CH4")``
        (25 mass units of CO2e per mass unit of CH4).

    Returns
    -------
    str
        The context name, to be used as ``with ureg.context(name): ...`` or with :func:`to_co2e`.

    Notes
    -----
    A conversion between gases exists only inside this context:
    :math:`m_{CO2e} = m_{gas} \\times GWP_{gas}`. Registering the same name again replaces the
    earlier definition, so a parameter file is always the single source of the factors.
    """
    context_name = f"GWP-{name}"
    context = pint.Context(context_name)
    for gas, factor in gwp.items():
        unit = gas_unit(gas)
        if unit == "CO2":
            continue
        per_gas = factor.to(f"CO2e / {unit}")
        for source, target in ((f"[{unit}]", "[carbon]"), (f"[mass] * [{unit}]", "[mass] * [carbon]")):
            context.add_transformation(source, target, lambda registry, x, f=per_gas: x * f)
    if context_name in ureg._contexts:
        ureg.remove_context(context_name)
    ureg.add_context(context)
    return context_name


def to_co2e(quantity: pint.Quantity, context: str, unit: str = "t CO2e") -> pint.Quantity:
    """Convert a mass of a greenhouse gas to CO2-equivalent inside a GWP context.

    Parameters
    ----------
    quantity : Quantity
        Mass of one gas, e.g. ``Quantity(120, "kg SF6")`` [mass × gas].
    context : str
        Name returned by :func:`gwp_context`.
    unit : str
        Unit of the result [mass × CO2e], default ``t CO2e``.
    """
    with ureg.context(context):
        return quantity.to(unit)


_SPACES = re.compile(r"\s+")
#: Symbols the field writes differently from pint's defaults (pint: ``a``, ``%``, ``l``).
_SYMBOLS = {"year": "year", "percent": "percent", "day": "day", "hour": "h"}


def parse_unit(text: str) -> pint.Unit:
    """Parse a unit string such as ``"kg CO2 / kWh"`` or ``"kNm3"``.

    Raises
    ------
    UnitError
        With the string in the message when pint cannot parse it.
    """
    if not isinstance(text, str) or not text.strip():
        raise UnitError("a unit is required (e.g. 'kWh', 't CO2', 'GJ / kL')")
    try:
        parsed = _parse_units(_SPACES.sub(" ", text.strip()))
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, AttributeError,
            TypeError, ValueError, AssertionError, SyntaxError) as exc:
        raise UnitError(f"{text!r} is not a unit pint can read ({exc})") from None
    return parsed


@functools.lru_cache(maxsize=4096)
def _parse_units(text: str) -> pint.Unit:
    """pint's parse of a unit string, once per string: a table of 200,000 rows has a handful of units.
    (A string pint cannot read raises each time; units are immutable, so sharing one is safe.)"""
    return ureg.parse_units(text)


def format_unit(unit: pint.Unit | pint.Quantity | str) -> str:
    """Short, pint-parsable text of a unit, e.g. ``"t CO2e"``, ``"GJ"``, ``"kg CO2 / kWh"``.

    Ordinary units come first and gases last (``t CO2e``, not ``CO2e t``), as the field writes them.
    """
    if isinstance(unit, pint.Quantity):
        unit = unit.units
    if isinstance(unit, str):
        unit = parse_unit(unit)
    return _format_units(unit)


@functools.lru_cache(maxsize=4096)
def _format_units(unit: pint.Unit) -> str:
    """:func:`format_unit` of a parsed unit, once per unit (a table of thousands of rows has a few)."""
    if unit == ureg.dimensionless:
        return "dimensionless"
    gas_names = set(GASES.values()) | {"CO2e", "C"}
    factors = sorted(unit._units.items(), key=lambda item: item[0] in gas_names)

    def term(name: str, exponent: float) -> str:
        symbol = _SYMBOLS.get(name) or ureg.get_symbol(name)
        if name.endswith("liter"):
            symbol = symbol[:-1] + "L"
        exponent = abs(exponent)
        return symbol if exponent == 1 else f"{symbol}**{exponent:g}"

    numerator = " ".join(term(n, e) for n, e in factors if e > 0) or "1"
    denominator = [term(n, e) for n, e in factors if e < 0]
    if not denominator:
        return numerator
    below = denominator[0] if len(denominator) == 1 else f"({' '.join(denominator)})"
    return f"{numerator} / {below}"


def quantity_text(quantity: pint.Quantity) -> str:
    """A computed quantity in full (``repr``, never rounded) with its unit, as shown next to the rows
    it applies to: ``0.075 t CO2 / GJ`` (like :attr:`envkpi.core.parameters.Param.text`)."""
    return f"{float(quantity.magnitude)!r} {format_unit(quantity.units)}"
