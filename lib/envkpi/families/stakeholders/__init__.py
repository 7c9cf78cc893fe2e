"""Stakeholders: people reached by environmental education, cumulative since FY2009 (STK-01).

The family's calculations (:mod:`.calculations`), the model of its parameter section
(:mod:`.parameters`), its input tables and loader (:mod:`.tables`), its history (:mod:`.history`)
and its chart (:mod:`.charts`); :data:`FAMILY` declares them to the shared parts.
"""

from envkpi.core.family import BreakdownSum, Family

from . import tables
from .history import HISTORY
from .parameters import Stakeholders

__all__ = ["FAMILY"]


FAMILY = Family(
    name="stakeholders",
    section=Stakeholders,
    tables=tables.TABLES,
    load_inputs=tables.load_inputs,
    histories=(HISTORY,),
    reconciliations=(
        BreakdownSum("STK-01", "programme", "STK-01: sum over programmes = total"),
        BreakdownSum("STK-01", "period", "STK-01: this year + earlier years = total"),
    ),
    explanation_example=("STK-01", "An earlier year's participants were restated in the history."),
)
