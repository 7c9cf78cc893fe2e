"""Logistics: energy and CO2 of the transport the group ships, and their intensity (LOG-01 … LOG-04).

The family's calculations (:mod:`.calculations`), the model of its parameter section
(:mod:`.parameters`), its input tables and loader (:mod:`.tables`), its history (:mod:`.history`)
and its chart (:mod:`.charts`); :data:`FAMILY` declares them to the shared parts.
"""

from envkpi.core.family import BreakdownSum, Family

from . import tables
from .history import HISTORY
from .parameters import Logistics, logistics_parameter_problems

__all__ = ["FAMILY"]


FAMILY = Family(
    name="logistics",
    section=Logistics,
    tables=tables.TABLES,
    load_inputs=tables.load_inputs,
    reads=("production.fuels",),
    histories=(HISTORY,),
    check_parameters=logistics_parameter_problems,
    reconciliations=(
        BreakdownSum("LOG-01", "mode", "LOG-01: sum over modes = total"),
        BreakdownSum("LOG-02", "mode", "LOG-02: sum over modes = total"),
        BreakdownSum("LOG-01", "method", "LOG-01: sum over methods = total"),
        BreakdownSum("LOG-02", "method", "LOG-02: sum over methods = total"),
        BreakdownSum("LOG-02", "scope", "LOG-02: domestic + international = total"),
    ),
    explanation_example=("LOG-02", "A truck lane moved from the conventional to the improved ton-kilo method."),
)
