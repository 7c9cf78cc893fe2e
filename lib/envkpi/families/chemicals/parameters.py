"""The model of the ``chemicals:`` section of the parameter files (CHE-01 … CHE-04).

The section holds the managed-substance list of the group's rank guideline (化学物質管理ランク指針(工場版)),
versioned, with each substance's hazard rank (A–E), and the hazard coefficient of each rank
(A 10,000, B 1,000, C 100, D 10, E 1; standard, ヒト・環境影響度).
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from envkpi.core.parameters import Param, Sourced, Strict

#: The hazard ranks of the standard (ヒト・環境影響度: A:10,000、B:1,000、C:100、D:10、E:1), in its order.
RANK_KEYS = ("A", "B", "C", "D", "E")


class Substance(Strict):
    """One substance of the managed list: its name, its hazard rank and where the rank comes from."""

    name: str
    rank: Literal["A", "B", "C", "D", "E"]
    source: str
    confidence: str | None = None


class Chemicals(Strict):
    """Parameters of the chemicals family: the versioned managed-substance list and the hazard coefficients."""

    list_version: Sourced
    hazard_coefficients: dict[str, Param]
    substances: dict[str, Substance]

    @model_validator(mode="after")
    def _as_the_standard_lists(self) -> "Chemicals":
        problems = []
        if tuple(self.hazard_coefficients) != RANK_KEYS:
            problems.append(f"hazard_coefficients: got {', '.join(self.hazard_coefficients) or '(none)'}; expected "
                            f"{', '.join(RANK_KEYS)} in this order, as the standard lists them")
        for rank, param in self.hazard_coefficients.items():
            if param.unit not in ("1", "dimensionless"):
                problems.append(f"hazard_coefficients.{rank}: unit {param.unit!r}; expected 1 (a pure number)")
        if not self.substances:
            problems.append("substances: the managed-substance list is empty")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def rank_of(self, substance: str) -> str | None:
        """The hazard rank of ``substance`` in the managed list, or None when the list does not rank it."""
        entry = self.substances.get(substance)
        return entry.rank if entry is not None else None

    def coefficient_of(self, rank: str) -> float:
        """The hazard coefficient of ``rank`` [1]."""
        return float(self.hazard_coefficients[rank].quantity.m_as("dimensionless"))
