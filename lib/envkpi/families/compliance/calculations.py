"""Compliance: violations of laws and ordinances caused by the group's sites or products (CMP-01).

Pure calculation functions after the calculation standard's row コンプライアンス / 法令違反件数
(``METHODOLOGY.md`` Family 7). The formula functions take and return pint quantities (``count``); the
table functions count validated incident rows, each keeping its ``row`` in the source file, so that
every figure can be tied to its input. Zero incidents is a result: the count is 0 over the sites covered.

References
----------
.. [1] 主な環境パフォーマンス指標の算定基準 (calculation standard), FY2018 edition, row コンプライアンス,
   法令違反件数: 当社の工場、および製品により発生した、法令・条例違反の件数.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import pint

from envkpi.core.results import Check
from envkpi.core.units import Quantity

from .parameters import CAUSE_KEYS

__all__ = ["violations", "violations_count", "incident_rows", "violations_by_cause", "violations_by_site",
           "violations_by_product", "violations_all_sites", "compliance_checks"]


def violations(counts: Iterable[pint.Quantity]) -> pint.Quantity:
    """Violations of laws and ordinances (CMP-01): the sum of the incidents counted, whatever caused them.

    Parameters
    ----------
    counts : iterable of Quantity
        Incidents [count], e.g. one per incident row, or the counts by site and by product.

    Returns
    -------
    Quantity
        The number of violations [count]; 0 count for no incident (a result, not a missing value).

    Notes
    -----
    .. math:: V = \\sum_{s \\in \\mathrm{sites}} n_s + \\sum_{p \\in \\mathrm{products}} n_p

    CMP-01; standard, コンプライアンス, 法令違反件数: 当社の工場、および製品により発生した、法令・条例違反の件数.
    """
    total = Quantity(0, "count")
    for count in counts:
        total = total + count.to("count")
    return total


def violations_count(incidents: pd.DataFrame) -> pint.Quantity:
    """CMP-01 from validated incident rows: one violation per row [count] (:func:`violations` of one per row)."""
    return violations(Quantity(1, "count") for _ in range(len(incidents)))


def incident_rows(incidents: pd.DataFrame) -> pd.DataFrame:
    """Each incident counted in CMP-01 with its cause.

    Parameters
    ----------
    incidents : DataFrame
        Validated rows inside the boundary: ``row``, ``incident_id``, ``date``, ``site_id``, ``product``,
        ``law``, ``description``, ``corrective_action``.

    Returns
    -------
    DataFrame
        ``row``, ``incident_id``, ``date``, ``cause`` (``product`` when a product is named, else ``site``),
        ``site_id``, ``product``, ``law``, ``description``, ``corrective_action``, ``count`` [count] = 1.
    """
    columns = ["row", "incident_id", "date", "site_id", "product", "law", "description", "corrective_action"]
    frame = incidents[columns].copy() if len(incidents) else pd.DataFrame(columns=columns)
    frame.insert(3, "cause", ["product" if p else "site" for p in frame["product"]])
    frame["count"] = [1] * len(frame)
    return frame.reset_index(drop=True)


def violations_by_cause(rows: pd.DataFrame) -> pd.Series:
    """CMP-01 by cause (``site``, ``product``, the standard's 工場 and 製品) [count], 0 for a cause without incident."""
    totals = rows.groupby("cause")["count"].sum() if len(rows) else {}
    return pd.Series([int(totals.get(k, 0)) for k in CAUSE_KEYS], index=pd.Index(CAUSE_KEYS, name="cause"),
                     name="count", dtype=int)


def violations_by_site(rows: pd.DataFrame, sites: Iterable[str]) -> pd.Series:
    """Violations caused by each site inside the boundary [count], in the order of ``sites`` (0 for a site
    without incident: every site covered is shown)."""
    sites = list(sites)
    caused = rows[rows["cause"] == "site"] if len(rows) else rows
    totals = caused.groupby("site_id")["count"].sum() if len(caused) else {}
    return pd.Series([int(totals.get(s, 0)) for s in sites], index=pd.Index(sites, name="site_id"), name="count",
                     dtype=int)


def violations_by_product(rows: pd.DataFrame) -> pd.Series:
    """Violations caused by each product named in the incidents [count], in order of name (empty for none)."""
    caused = rows[rows["cause"] == "product"] if len(rows) else rows
    if not len(caused):
        return pd.Series([], index=pd.Index([], name="product"), name="count", dtype=int)
    totals = caused.groupby("product")["count"].sum().sort_index()
    return totals.astype(int).rename("count")


def compliance_checks(rows: pd.DataFrame, by_cause: pd.Series, by_site: pd.Series, by_product: pd.Series,
                      total: pint.Quantity) -> list[Check]:
    """Reconciliations of CMP-01, each a pass/fail :class:`~envkpi.core.results.Check`.

    The rows, the causes, and the sites plus the products each add up to CMP-01; every incident has one
    cause; no incident is counted twice (incident ids unique).
    """
    v = int(total.m_as("count"))
    site_product = int(by_site.sum()) + int(by_product.sum())
    return [
        Check(f"CMP-01: the {len(rows)} incident rows = total", int(rows["count"].sum()) == v if len(rows) else v == 0,
              f"{int(rows['count'].sum()) if len(rows) else 0} vs {v} count"),
        Check("CMP-01: site + product causes = total", int(by_cause.sum()) == v,
              f"{int(by_cause.get('site', 0))} + {int(by_cause.get('product', 0))} vs {v} count"),
        Check(f"CMP-01: sum over the {len(by_site)} sites covered + the {len(by_product)} products = total",
              site_product == v, f"{int(by_site.sum())} + {int(by_product.sum())} vs {v} count"),
        Check("CMP-01: each incident counted once (incident ids unique)",
              not len(rows) or rows["incident_id"].is_unique, f"{len(rows)} incidents"),
    ]


def violations_all_sites(total: pint.Quantity, excluded_rows: pd.DataFrame) -> pint.Quantity:
    """The other reading of 当社の工場 (CMP-01): every site of the group, the rows set aside for the boundary added.

    Parameters
    ----------
    total : Quantity
        CMP-01 over the sites inside the boundary and the products [count].
    excluded_rows : DataFrame
        The loader's rows set aside (``rows_outside_boundary`` per table) [count of rows].

    Returns
    -------
    Quantity
        :math:`V' = V + n_{\\mathrm{outside}}` [count].
    """
    outside = int(excluded_rows["rows_outside_boundary"].sum()) if len(excluded_rows) else 0
    return violations([total, Quantity(outside, "count")])
