"""The model of the ``stakeholders:`` section of the parameter files (STK-01).

STK-01 is a count of participants: the section holds no factor. It names what the standard fixes and the
report shows beside its formula, each with its source: the first fiscal year of the cumulative series
(2009年度からの累計) and the programmes of environmental education the standard lists.
"""

from __future__ import annotations

from pydantic import model_validator

from envkpi.core.parameters import FiscalYear, Sourced, Strict

#: The programmes of environmental education, in the standard's order (環境教育の人数: 学校への出前授業や
#: 課外授業、ショールームや工場見学、エコ絵日記活動 … 等). ``environmental_education.csv`` and the history
#: accept these keys and no other.
PROGRAMME_KEYS = ("school_lessons", "showroom_factory_tours", "eco_picture_diary", "other")


class Stakeholders(Strict):
    """Parameters of the stakeholders family: the start of the cumulative series and the programmes."""

    first_fiscal_year: FiscalYear
    programmes: dict[str, Sourced]

    @model_validator(mode="after")
    def _as_the_standard_lists(self) -> "Stakeholders":
        if tuple(self.programmes) != PROGRAMME_KEYS:
            raise ValueError(f"programmes: got {', '.join(self.programmes) or '(none)'}; expected "
                             f"{', '.join(PROGRAMME_KEYS)} in this order, as the standard lists them")
        return self
