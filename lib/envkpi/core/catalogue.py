"""The catalogue: the families of indicators, and every indicator with its id, names, unit and family.

``catalogue.yaml`` beside this module is the single list of families (in report order, with the
title of each on the year's index page) and of indicators; every family notebook reports ids from
it, in its unit, and ``envkpi indicators`` prints it. Which families are built, and what each
declares, the registry (:mod:`envkpi.families`) finds from this list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from envkpi.core.units import format_unit, parse_unit

__all__ = ["Indicator", "FamilyEntry", "catalogue", "family_entries", "indicator", "unit_text", "FAMILIES"]


@dataclass(frozen=True)
class FamilyEntry:
    """A family of the catalogue: its name (folder, notebook, parameter section), its title on the
    year's index page and an optional note shown under the table of indicators."""

    name: str
    title: str
    note: str | None = None


@cache
def _document() -> dict:
    text = Path(__file__).with_name("catalogue.yaml").read_text(encoding="utf-8")  # beside this module
    return yaml.safe_load(text)


@cache
def family_entries() -> tuple[FamilyEntry, ...]:
    """Every family of the catalogue, built or not, in report order."""
    entries = tuple(FamilyEntry(**entry) for entry in _document()["families"])
    names = [e.name for e in entries]
    if len(set(names)) != len(names):
        raise ValueError("catalogue.yaml: a family appears twice")
    return entries


#: Indicator families, in report order; each is one folder of the library and one notebook of the same name.
FAMILIES = tuple(entry.name for entry in family_entries())


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
    entries = tuple(Indicator(**entry) for entry in _document()["indicators"])
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
