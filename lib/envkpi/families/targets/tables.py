"""The targets family's inputs: no table of its own. It reads this year's results of the other families
(the runner's ``results_file``) and the published series of earlier years; :func:`load_inputs` has nothing
to validate before a run (the parameters are validated with the section's model).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from envkpi.core.inputs import Problem
from envkpi.core.parameters import Parameters

__all__ = ["TABLES", "TargetsInputs", "load_inputs"]

#: No input table in the year's folder.
TABLES = ()


@dataclass
class TargetsInputs:
    """Nothing read from the year's folder; ``warnings`` for the runner's preflight (always empty)."""

    warnings: list[Problem] = field(default_factory=list)


def load_inputs(params: Parameters, folder: Path, root: Path) -> TargetsInputs:
    """The family reads no input table: nothing to validate before the run."""
    return TargetsInputs()
