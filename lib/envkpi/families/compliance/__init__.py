"""Compliance: violations of laws and ordinances caused by the group's sites or products (CMP-01).

The family's calculations (:mod:`.calculations`), the model of its parameter section (:mod:`.parameters`)
and its input table and loader (:mod:`.tables`); :data:`FAMILY` declares them to the shared parts.
"""

from envkpi.core.family import BreakdownSum, Family

from . import tables
from .parameters import Compliance

__all__ = ["FAMILY"]


FAMILY = Family(
    name="compliance",
    section=Compliance,
    tables=tables.TABLES,
    load_inputs=tables.load_inputs,
    reads=("boundary",),
    reconciliations=(
        BreakdownSum("CMP-01", "cause", "CMP-01: violations caused by sites + by products = group total"),
    ),
    explanation_example=("CMP-01", "One wastewater-permit exceedance at a site (see the incident register)."),
)
