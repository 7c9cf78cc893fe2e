"""The reporting boundary of site indicators.

Calculation standard, 対象範囲: manufacturing sites in Japan and abroad that run an environmental
management system, except the entities the fiscal year's parameters exclude *and their
subsidiaries* (``boundary.excluded_entities``). A site counts only in the fiscal years it is part of
the group: from its ``first_fiscal_year`` to its ``last_fiscal_year`` in the site register (empty:
since before the records, still in the group).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable

import pandas as pd

__all__ = ["site_boundary", "unmatched_exclusions", "in_group", "fiscal_year_of", "IN_SCOPE"]

IN_SCOPE = "manufacturing site with an environmental management system"


def site_boundary(sites: pd.DataFrame, excluded_entities: Iterable, fiscal_year: int | None = None) -> pd.DataFrame:
    """Decide for every site whether it is inside the boundary of a fiscal year, and why.

    Parameters
    ----------
    sites : DataFrame
        ``site_id, site_name, country, entity, parent_entity, has_ems``, and optionally
        ``first_fiscal_year, last_fiscal_year`` [fiscal year] (empty or missing: open-ended).
    excluded_entities : iterable of :class:`envkpi.core.parameters.Exclusion`
        Entities excluded with their subsidiaries at any depth (「これら2社の連結子会社は含まない」: every
        consolidated subsidiary, not only the direct ones), matched by exact name on ``entity`` or on
        any owner up the chain of ``parent_entity`` that the register names.
    fiscal_year : int, optional
        The fiscal year reported [year]: a site whose ``first_fiscal_year`` is after it, or whose
        ``last_fiscal_year`` is before it, is not in the group that year and so outside the
        boundary. None: the dates are not judged (``in_boundary`` equals ``in_scope``).

    Returns
    -------
    DataFrame
        ``site_id, site_name, country, entity, first_fiscal_year, last_fiscal_year`` (nullable
        integers), ``in_scope`` (inside the boundary by entity and environmental management system,
        whatever its dates: the sites whose published history, within their years, counts),
        ``in_boundary`` and ``reason``, in the order of ``sites``. A site out of the group that year
        has the reason of its dates first, followed by its entity or EMS reason if it has one.
    """
    excluded = {e.name: e.reason for e in excluded_entities}
    parents = _parents(sites)
    firsts = [fiscal_year_of(v) for v in _column(sites, "first_fiscal_year")]
    lasts = [fiscal_year_of(v) for v in _column(sites, "last_fiscal_year")]
    reasons, scope, inside = [], [], []
    for site, first, last in zip(sites.itertuples(index=False), firsts, lasts):
        owners = _owners(site.entity, _name(site.parent_entity), parents)
        excluded_owner = next((i for i, owner in enumerate(owners) if owner in excluded), None)
        if site.entity in excluded:
            reason = f"{site.entity}: {excluded[site.entity]}"
        elif excluded_owner is not None:
            owner = owners[excluded_owner]
            through = f" (through {', '.join(owners[:excluded_owner])})" if excluded_owner else ""
            reason = f"subsidiary of {owner}{through}: {excluded[owner]}"
        elif not site.has_ems:
            reason = "no environmental management system"
        else:
            reason = None
        dates = None if fiscal_year is None else _dates_reason(first, last, fiscal_year)
        scope.append(reason is None)
        inside.append(reason is None and dates is None)
        reasons.append("; ".join(r for r in (dates, reason) if r) or IN_SCOPE)
    table = sites[["site_id", "site_name", "country", "entity"]].copy()
    table["first_fiscal_year"] = pd.array(firsts, dtype="Int64")
    table["last_fiscal_year"] = pd.array(lasts, dtype="Int64")
    table["in_scope"] = scope
    table["in_boundary"] = inside
    table["reason"] = reasons
    return table


def in_group(first: int | None, last: int | None, fiscal_year: int) -> bool:
    """True when a site whose register gives ``first`` and ``last`` fiscal years (None: open-ended)
    is part of the group in ``fiscal_year``."""
    return (first is None or first <= fiscal_year) and (last is None or fiscal_year <= last)


def fiscal_year_of(value) -> int | None:
    """A fiscal year from a register cell: an int, or None for an empty or missing one (NaN, NA)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def _dates_reason(first: int | None, last: int | None, fiscal_year: int) -> str | None:
    """Why a site is not in the group in ``fiscal_year`` by its dates, or None when it is."""
    if last is not None and last < fiscal_year:
        return f"closed: its last fiscal year was FY{last}"
    if first is not None and first > fiscal_year:
        return f"not yet in the group: its first fiscal year is FY{first}"
    return None


def _column(sites: pd.DataFrame, name: str) -> list:
    """The cells of an optional column of the register (all empty when it has no such column)."""
    return list(sites[name]) if name in sites.columns else [None] * len(sites)


def _name(value) -> str | None:
    """An entity name from the register, or None for an empty or missing cell."""
    return value if isinstance(value, str) and value.strip() else None


def _parents(sites: pd.DataFrame) -> dict[str, str]:
    """Each entity's direct parent, as the site register names it (first row that names one)."""
    parents: dict[str, str] = {}
    for entity, parent in zip(sites["entity"], sites["parent_entity"]):
        if _name(entity) and _name(parent):
            parents.setdefault(entity, parent)
    return parents


def _owners(entity: str, parent: str | None, parents: dict[str, str]) -> list[str]:
    """The chain of owners of ``entity``: its direct parent, that parent's parent, … up to the top.

    The chain goes as far as the register names it: a parent that runs no site of its own has its
    parent named nowhere, so the chain stops there. A register that loops stops at the loop.
    """
    chain: list[str] = []
    while parent is not None and parent not in chain and parent != entity:
        chain.append(parent)
        parent = parents.get(parent)
    return chain


def unmatched_exclusions(sites: pd.DataFrame, excluded_entities: Iterable) -> list[tuple[int, str, list[str]]]:
    """The exclusions that name no entity of the site register, with the names nearest to each.

    An exclusion matches by exact name, so a name mistyped by one character excludes nothing and
    silently brings the entity's sites into the boundary.

    Parameters
    ----------
    sites : DataFrame
        ``entity, parent_entity`` (the site register).
    excluded_entities : iterable of :class:`envkpi.core.parameters.Exclusion`

    Returns
    -------
    list of tuple
        (position in ``excluded_entities``, name, up to three nearest entity or parent-entity
        names), for each exclusion that is neither the ``entity`` nor the ``parent_entity`` of a site.
    """
    names = [name for column in ("entity", "parent_entity") for name in sites[column]
             if isinstance(name, str) and name]
    known = sorted(set(names), key=names.index)
    unmatched = []
    for position, exclusion in enumerate(excluded_entities):
        if exclusion.name not in known:
            unmatched.append((position, exclusion.name, difflib.get_close_matches(exclusion.name, known, n=3, cutoff=0.6)))
    return unmatched
