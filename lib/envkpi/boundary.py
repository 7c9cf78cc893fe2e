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
        Entities excluded with their subsidiaries (matched by exact name on ``entity`` or
        ``parent_entity``).

    Returns
    -------
    DataFrame
        ``site_id, site_name, country, entity, in_boundary, reason``, in the order of ``sites``.
    """
    excluded = {e.name: e.reason for e in excluded_entities}
    reasons, inside = [], []
    for site in sites.itertuples(index=False):
        if site.entity in excluded:
            reason = f"{site.entity}: {excluded[site.entity]}"
        elif site.parent_entity and site.parent_entity in excluded:
            reason = f"subsidiary of {site.parent_entity}: {excluded[site.parent_entity]}"
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
