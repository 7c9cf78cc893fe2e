"""Product use (CO2-04): the CO2 of the electricity the group's products use over their lifetime.

The family's calculations (:mod:`.calculations`), the model of its parameter section
(:mod:`.parameters`) and its input table and loader (:mod:`.tables`); :data:`FAMILY` declares them
to the shared parts.
"""

from envkpi.core.family import BreakdownSum, Family

from . import tables
from .parameters import ProductUse

__all__ = ["FAMILY"]

FAMILY = Family(
    name="product_use",
    section=ProductUse,
    tables=tables.TABLES,
    alternatives=tables.ALTERNATIVES,
    load_inputs=tables.load_inputs,
    references=tables.table_references,
    reads=("product_regions",),
    reconciliations=(
        BreakdownSum("CO2-04", "category", "CO2-04: sum over categories = total"),
        BreakdownSum("CO2-04", "region", "CO2-04: sum over regions = total"),
    ),
)
