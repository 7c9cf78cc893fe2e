"""Avoided emissions of products (CO2-01 … CO2-03), with the heat-exchange ventilation annex.

The family's calculations (:mod:`.calculations`, :mod:`.ventilation` for CO2-03.7), the model of
its parameter section (:mod:`.parameters`), its input tables and loader (:mod:`.tables`) and its
history (:mod:`.history`); :data:`FAMILY` declares them to the shared parts.
"""

from envkpi.core.family import BreakdownSum, Family

from . import tables
from .history import HISTORY
from .parameters import AvoidedEmissions

__all__ = ["FAMILY"]

FAMILY = Family(
    name="avoided_emissions",
    section=AvoidedEmissions,
    tables=tables.TABLES,
    load_inputs=tables.load_inputs,
    references=tables.table_references,
    reads=("product_regions", "production.fuels"),
    reference_tables=(tables.OUTDOOR_TEMPERATURE,),
    histories=(HISTORY,),
    reconciliations=(BreakdownSum("CO2-03", "line", "CO2-03: sum over lines = total"),),
    explanation_example=("CO2-01", "PV lifetime 20 → 25 years (standard, CO2-01 note *)."),
    across_years=("avoided_emissions.pv.lifetime",),  # 20 years up to FY2017, 25 from FY2018
)
