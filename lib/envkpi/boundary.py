"""The reporting boundary of site indicators.

Calculation standard, 対象範囲: manufacturing sites in Japan and abroad that run an environmental
management system, except the entities the fiscal year's parameters exclude *and their
subsidiaries* (``boundary.excluded_entities``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import pandas as pd

__all__ = ["site_boundary", "unmatched_exclusions", "IN_SCOPE"]

IN_SCOPE = "manufacturing site with an environmental management system"


def site_boundary(sites: pd.DataFrame, excluded_entities: Iterable) -> pd.DataFrame:
    """Decide for every site whether it is inside the boundary, and why.

    Parameters
    ----------
    sites : DataFrame
        ``site_id, site_name, country, entity, parent_entity, has_ems``.
    excluded_entities : iterable of :class:`envkpi.parameters.Exclusion`
        Entities excluded with their subsidiaries at any depth (「これら2社の連結子会社は含まない」: every
        consolidated subsidiary, not only the direct ones), matched by exact name on ``entity`` or on
        any owner up the chain of ``parent_entity`` that the register names.

    Returns
    -------
    DataFrame
        ``site_id, site_name, country, entity, in_boundary, reason``, in the order of ``sites``.
    """
    excluded = {e.name: e.reason for e in excluded_entities}
    parents = _parents(sites)
    reasons, inside = [], []
    for site in sites.itertuples(index=False):
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
        inside.append(reason is None)
        reasons.append(reason or IN_SCOPE)
    table = sites[["site_id", "site_name", "country", "entity"]].copy()
    table["in_boundary"] = inside
    table["reason"] = reasons
    return table


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
    excluded_entities : iterable of :class:`envkpi.parameters.Exclusion`

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
