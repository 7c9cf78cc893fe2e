"""Chemical substances: handled (CHE-01), released (CHE-02), transferred (CHE-03) and the hazard-weighted
human and environmental impact (CHE-04).

The family's calculations (:mod:`.calculations`), the model of its parameter section
(:mod:`.parameters`), its input tables and loader (:mod:`.tables`) and its chart (:mod:`.charts`);
:data:`FAMILY` declares them to the shared parts.
"""

from envkpi.core.family import BreakdownSum, Family

from . import tables
from .parameters import Chemicals

__all__ = ["FAMILY"]


FAMILY = Family(
    name="chemicals",
    section=Chemicals,
    tables=tables.TABLES,
    load_inputs=tables.load_inputs,
    reads=("boundary",),
    reconciliations=(
        BreakdownSum("CHE-01", "site", "CHE-01: sum over sites = group total"),
        BreakdownSum("CHE-02", "site", "CHE-02: sum over sites = group total"),
        BreakdownSum("CHE-03", "site", "CHE-03: sum over sites = group total"),
        BreakdownSum("CHE-04", "site", "CHE-04: sum over sites = group total"),
        BreakdownSum("CHE-04", "rank", "CHE-04: sum over hazard ranks = group total"),
    ),
    explanation_example=("CHE-04", "Toluene waste of JP-02 moved from incineration to paid recycling (in CHE-03, not CHE-04)."),
)
