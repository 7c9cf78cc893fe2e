"""Columns and plausible ranges that several families' input tables share.

A family's table specification (``envkpi.families.<family>.tables``) builds its columns from
:class:`envkpi.core.inputs.Column`; the ones below recur across families: the fiscal year of a
history row, a count of things shipped or sold, the yearly electricity of one product, the sales
region of the parameters' ``product_regions``, a site of the register.
"""

from __future__ import annotations

from envkpi.core.inputs import Column, Plausible

__all__ = ["YEAR", "COUNT", "PER_UNIT_KWH", "SITE", "REGION", "count_column", "kwh_column"]

#: A fiscal year, as written in a table.
YEAR = Plausible("dimensionless", error_above=2100, reason="a fiscal year")
#: Things shipped or sold in a year, per row (a category in a region, a product, a vehicle type …).
COUNT = Plausible("count", error_above=1_000_000_000, typical=(None, 100_000_000),
                  reason="one row's units in a year")
#: Electricity used or saved by one product (or one house) in a year.
PER_UNIT_KWH = Plausible("kWh/year", error_above=1_000_000, typical=(None, 100_000),
                         reason="one product or house in a year")

#: The site a row belongs to: a site of the register (``sites.csv``).
SITE = Column("site_id", "text", "site identifier; must exist in sites.csv")
#: The sales region a row belongs to: a key of the parameters' ``product_regions``.
REGION = Column("region", "text", "sales region key of the parameters (product_regions)")


def count_column(name: str, description: str) -> Column:
    """A whole number of things [count], e.g. units shipped in the fiscal year."""
    return Column(name, "integer", description + " [count]", unit="count", minimum=0, plausible=(COUNT,))


def kwh_column(name: str, description: str, required: bool = True) -> Column:
    """The yearly electricity of one product or house [kWh/year]."""
    return Column(name, "number", description + " [kWh/y]", unit="kWh/year", minimum=0, required=required,
                  plausible=(PER_UNIT_KWH,))
