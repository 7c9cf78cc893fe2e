"""The catalogue of indicators: id, English and Japanese name, unit, family.

``catalogue.yaml`` beside this module is the single list of indicators; every family notebook
reports ids from it, in its unit, and ``envkpi indicators`` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from .units import format_unit, parse_unit

__all__ = ["Indicator", "catalogue", "indicator", "unit_text", "FAMILIES"]

#: Indicator families, in report order; each is one module and one notebook of the same name.
FAMILIES = ("avoided_emissions", "product_use", "production", "logistics", "resources", "water", "chemicals",
            "compliance", "green_products", "stakeholders", "targets")


@dataclass(frozen=True)
class Indicator:
    id: str
    family: str
    unit: str
    name_en: str
    name_ja: str


@cache
def catalogue() -> tuple[Indicator, ...]:
    """Every indicator, in catalogue order."""
    text = resources.files("envkpi").joinpath("catalogue.yaml").read_text(encoding="utf-8")
    entries = tuple(Indicator(**entry) for entry in yaml.safe_load(text))
    for entry in entries:
        if entry.family not in FAMILIES:
            raise ValueError(f"catalogue.yaml: {entry.id}: unknown family {entry.family!r}")
        parse_unit(entry.unit)
    ids = [e.id for e in entries]
    if len(set(ids)) != len(ids):
        raise ValueError("catalogue.yaml: an indicator id appears twice")
    return entries


def indicator(indicator_id: str) -> Indicator:
    """The catalogue entry of an id.

    Raises
    ------
    KeyError
        Naming the id when it is not in the catalogue.
    """
    for entry in catalogue():
        if entry.id == indicator_id:
            return entry
    raise KeyError(f"{indicator_id!r} is not in the indicator catalogue (envkpi indicators lists them)")


def unit_text(indicator_id: str) -> str:
    """The catalogue unit of an indicator, normalised (e.g. ``t CO2e``)."""
    return format_unit(indicator(indicator_id).unit)
