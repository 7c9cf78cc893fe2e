"""Production: energy and greenhouse gases of the factories (PRD-01 … PRD-07).

The family's calculations (:mod:`.calculations`), the model of its parameter section
(:mod:`.parameters`), its input tables and loader (:mod:`.tables`), its history (:mod:`.history`)
and its charts (:mod:`.charts`); :data:`FAMILY` declares them to the shared parts.
"""

from envkpi.core.family import BreakdownSum, Family, Identity, MoveTogether
from envkpi.core.parameters import Parameters

from . import tables
from .history import HISTORY
from .parameters import Production

__all__ = ["FAMILY"]


def _gwp_set_known(parameters: Parameters) -> list[str]:
    """The GWP set the family uses is one of ``gwp_sets``."""
    chosen = parameters.production.gwp_set.value
    if chosen in parameters.gwp_sets:
        return []
    return [f"production.gwp_set.value: {chosen!r} is not one of gwp_sets ({', '.join(parameters.gwp_sets)})"]


FAMILY = Family(
    name="production",
    section=Production,
    tables=tables.TABLES,
    load_inputs=tables.load_inputs,
    references=tables.table_references,
    reads=("gwp_sets", "boundary"),
    histories=(HISTORY,),
    check_parameters=_gwp_set_known,
    reconciliations=(
        MoveTogether("Energy and Scope 2 move together", ("PRD-03", "energy"), ("PRD-07", "Scope 2")),
        BreakdownSum("PRD-01", "site", "PRD-01: sum over sites = group total"),
        BreakdownSum("PRD-03", "site", "PRD-03: sum over sites = group total"),
        BreakdownSum("PRD-06", "site", "PRD-06: sum over sites = group total"),
        BreakdownSum("PRD-07", "site", "PRD-07: sum over sites = group total"),
        Identity("Scope 1 + Scope 2 = PRD-01 + PRD-05", ("PRD-06", "PRD-07"), ("PRD-01", "PRD-05"), "t CO2e"),
    ),
    explanation_example=("PRD-01", "New site JP-13 inside the boundary."),
)
