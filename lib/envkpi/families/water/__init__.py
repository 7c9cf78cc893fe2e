"""Water: water used in production (WAT-01) and progress of the water-risk assessment (WAT-02).

The family's calculations (:mod:`.calculations`), the model of its parameter section
(:mod:`.parameters`), its input tables and loader (:mod:`.tables`) and its chart (:mod:`.charts`);
:data:`FAMILY` declares them to the shared parts.
"""

from envkpi.core.family import BreakdownSum, Family

from . import tables
from .parameters import Water

__all__ = ["FAMILY"]


FAMILY = Family(
    name="water",
    section=Water,
    tables=tables.TABLES,
    load_inputs=tables.load_inputs,
    reads=("boundary",),
    reconciliations=(
        BreakdownSum("WAT-01", "site", "WAT-01: sum over sites = group total"),
        BreakdownSum("WAT-01", "source", "WAT-01: sum over sources of water = group total"),
    ),
    explanation_example=("WAT-01", "Groundwater of JP-04 metered from this year on (estimated before)."),
)
