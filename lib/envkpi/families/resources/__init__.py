"""Resources and waste: resources input, recycled resin, products taken back and factory waste (RES-01 … RES-08).

The family's calculations (:mod:`.calculations`), the model of its parameter section (:mod:`.parameters`),
its input tables and loader (:mod:`.tables`) and its charts (:mod:`.charts`); :data:`FAMILY` declares them
to the shared parts.
"""

from envkpi.core.family import BreakdownSum, Family

from . import tables
from .parameters import Resources

__all__ = ["FAMILY"]

FAMILY = Family(
    name="resources",
    section=Resources,
    tables=tables.TABLES,
    load_inputs=tables.load_inputs,
    references=tables.table_references,
    reads=("boundary",),
    reconciliations=(
        BreakdownSum("RES-01", "site", "RES-01: sum over sites = group total"),
        BreakdownSum("RES-02", "site", "RES-02: sum over sites = group total"),
        BreakdownSum("RES-03", "category", "RES-03: sum over categories = total"),
        BreakdownSum("RES-04", "country", "RES-04: sum over countries = total"),
        BreakdownSum("RES-05", "kind", "RES-05: state-law + voluntary + other programmes = total"),
        BreakdownSum("RES-06", "site", "RES-06: sum over sites = group total"),
        BreakdownSum("RES-06", "stream", "RES-06: industrial + general waste + valuables (RES-07) = total"),
        BreakdownSum("RES-07", "site", "RES-07: sum over sites = group total"),
    ),
    explanation_example=("RES-08", "Sludge of JP-04 sent to cement making (recycled) instead of landfill."),
)
