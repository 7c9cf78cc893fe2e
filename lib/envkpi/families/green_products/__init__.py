"""Green products and business (GP-01 … GP-11).

The family's calculations (:mod:`.calculations`), the model of its parameter section (:mod:`.parameters`),
its input tables and loader (:mod:`.tables`), its history (:mod:`.history`) and its charts
(:mod:`.charts`); :data:`FAMILY` declares them to the shared parts.
"""

from envkpi.core.family import BreakdownSum, Family

from . import tables
from .history import HISTORY
from .parameters import GreenProducts

__all__ = ["FAMILY"]


FAMILY = Family(
    name="green_products",
    section=GreenProducts,
    tables=tables.TABLES,
    load_inputs=tables.load_inputs,
    # GP-04 and GP-06 use CO2-01's per-unit generation and lifetimes and the per-region PV yield.
    reads=("product_regions", "avoided_emissions.fuel_cell", "avoided_emissions.pv"),
    histories=(HISTORY,),
    reconciliations=(
        BreakdownSum("GP-04", "region", "GP-04: sum over regions = total"),
        BreakdownSum("GP-06", "region", "GP-06: sum over regions = total"),
        BreakdownSum("GP-07", "product", "GP-07: sum over products = total"),
    ),
    explanation_example=("GP-06", "A year's PV shipments added to the installed fleet; an earlier year restated in the history."),
    across_years=("avoided_emissions.pv.lifetime",),  # 20 years up to FY2017, 25 from FY2018
)
