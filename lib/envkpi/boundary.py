"""The reporting boundary of site indicators.

Calculation standard, 対象範囲: manufacturing sites in Japan and abroad that run an environmental
management system, except the entities the fiscal year's parameters exclude *and their
subsidiaries* (``boundary.excluded_entities``).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

__all__ = ["site_boundary", "IN_SCOPE"]

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
