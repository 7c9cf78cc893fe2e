"""The model of the ``compliance:`` section of the parameter files (CMP-01).

The section holds no number: CMP-01 is a count of incidents. It names what the standard counts and the
report shows beside its formula, each with its source: the two causes the standard names (the group's
factories, 工場, and its products, 製品) and what counts as a violation (``common.yaml``), and, for each
fiscal year, the register the incident table was taken from (``FY<yyyy>.yaml``): a table without rows is
a result (zero violations) only when the year file says whose register it is.
"""

from __future__ import annotations

from pydantic import model_validator

from envkpi.core.parameters import Sourced, Strict

#: The causes the standard counts in CMP-01, in its order (法令違反件数: 当社の工場、および製品により発生した).
CAUSE_KEYS = ("site", "product")


class Compliance(Strict):
    """Parameters of the compliance family: the causes counted, what a violation is, and the year's register."""

    causes: dict[str, Sourced]
    violation: Sourced
    incident_register: Sourced

    @model_validator(mode="after")
    def _as_the_standard_lists(self) -> "Compliance":
        if tuple(self.causes) != CAUSE_KEYS:
            raise ValueError(f"causes: got {', '.join(self.causes) or '(none)'}; expected {', '.join(CAUSE_KEYS)} in "
                             "this order, as the standard names them (当社の工場、および製品)")
        return self
