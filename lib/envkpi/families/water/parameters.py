"""The model of the ``water:`` section of the parameter files (WAT-01, WAT-02).

The section holds no number: WAT-01 is a sum of metered volumes and WAT-02 a share of sites. It names
what the standard fixes and the report shows beside its formulas, each with its source: the sources of
water the standard counts (WAT-01) and the two stages of the group's water-risk assessment (WAT-02).
"""

from __future__ import annotations

from pydantic import model_validator

from envkpi.core.parameters import Sourced, Strict

#: The sources of water the standard counts in WAT-01, in its order (生産活動における水使用量:
#: 上水道、工業用水、河川、湖水、地下水). ``water_use.csv`` accepts these keys and no other.
SOURCE_KEYS = ("tap", "industrial", "river", "lake", "groundwater")

#: The two stages of the water-risk assessment (水リスクアセスメントの進捗率, ① and ②).
STAGE_KEYS = ("stage1", "stage2")


class Water(Strict):
    """Parameters of the water family: what each source and each stage is, with the clause that defines it."""

    sources: dict[str, Sourced]
    stages: dict[str, Sourced]

    @model_validator(mode="after")
    def _as_the_standard_lists(self) -> "Water":
        problems = []
        for name, given, wanted in (("sources", self.sources, SOURCE_KEYS), ("stages", self.stages, STAGE_KEYS)):
            if tuple(given) != wanted:
                problems.append(f"{name}: got {', '.join(given) or '(none)'}; expected {', '.join(wanted)} in this "
                                "order, as the standard lists them")
        if problems:
            raise ValueError("\n".join(problems))
        return self
