"""Targets: progress against every target of the group (TGT-01 …) and the Paris-alignment check.

The family's calculations (:mod:`.calculations`), the model of its parameter section
(:mod:`.parameters`), its (empty) inputs (:mod:`.tables`) and its chart (:mod:`.charts`); :data:`FAMILY`
declares them to the shared parts. It follows the other families: the runner executes it after them and
passes their results of the year (``needs_results``).
"""

from envkpi.core.family import Family

from . import tables
from .parameters import TargetsSection

__all__ = ["FAMILY"]

FAMILY = Family(
    name="targets",
    section=TargetsSection,
    tables=tables.TABLES,
    load_inputs=tables.load_inputs,
    explanation_example=("TGT-01", "A year's avoided emissions added to the cumulative total."),
    needs_results=True,
)
