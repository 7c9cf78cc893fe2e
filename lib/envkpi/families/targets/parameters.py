"""The model of the ``targets:`` section of the parameter files (TGT-01 …): the group's targets and the
Paris-alignment pathways.

Each target is keyed by the catalogue id that reports its progress, and says which indicator (or sum of
indicators) it tracks, its kind, base year, target year and value, and, where the commitment's words allow
two readings, which one is taken. The base value is read from the published series of the indicator; it
is typed (``base_value``, with its source) only for a year that no published run or history file holds.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, model_validator

from envkpi.core.catalogue import catalogue
from envkpi.core.parameters import FiscalYear, Param, Sourced, Strict, one_of
from envkpi.core.units import parse_unit, ureg

__all__ = ["KINDS", "READINGS", "TargetEntry", "TargetPathway", "ParisAlignment", "TargetsSection", "tracked_ids"]

#: absolute: a level of the indicator by the target year; percent_change: a change in percent of the base
#: year's value; intensity: a level of an intensity indicator (per unit of activity, or an index);
#: cumulative: the indicator's yearly figures added up from the base year.
KINDS = ("absolute", "percent_change", "intensity", "cumulative")
#: How a cumulative commitment ("300 Mt by 2050") is read: the total of every year from the base year to the
#: target year, or the yearly figure of the target year.
READINGS = ("cumulative_total", "annual_level")


def tracked_ids(text: str) -> tuple[str, ...]:
    """The catalogue ids of ``indicators``: ``"PRD-06 + PRD-07"`` → ``("PRD-06", "PRD-07")``.

    Raises
    ------
    ValueError
        When an id is not in the catalogue, is given twice, or the parts are not in one unit.
    """
    ids = tuple(part.strip() for part in str(text).split("+"))
    known = {entry.id: entry for entry in catalogue()}
    unknown = [i for i in ids if i not in known]
    if not ids or unknown:
        raise ValueError(f"{', '.join(repr(i) for i in unknown) or '(none)'} not in the indicator catalogue; expected "
                         "one id, or ids joined by ' + ' (envkpi indicators lists them)")
    if len(set(ids)) != len(ids):
        raise ValueError(f"{text!r} names an indicator twice")
    units = {parse_unit(known[i].unit) for i in ids}
    if len(units) != 1:
        raise ValueError(f"{text!r}: the parts are in different units; a sum needs one unit")
    return ids


def _annual_rate(param: Param) -> Param:
    unit = parse_unit(param.unit)
    if unit.dimensionality != ureg.get_dimensionality("1 / [time]"):
        raise ValueError(f"unit {param.unit!r} is not a yearly rate; expected a unit like percent / year")
    rate = ureg.Quantity(param.value, unit).m_as("percent / year")
    if not 0 < rate <= 20:
        raise ValueError(f"{param.value:g} {param.unit} is outside the plausible range 0–20 percent / year for a "
                         "linear annual reduction rate (the SBTi's are 2.5 and 4.2)")
    return param


AnnualRate = Annotated[Param, AfterValidator(_annual_rate)]


class TargetEntry(Strict):
    """One target: what it tracks, from when, to what, and how its words are read."""

    name: Sourced
    indicators: Sourced
    kind: Annotated[Sourced, one_of(*KINDS, what="a kind of target")]
    base_fiscal_year: FiscalYear
    base_value: Param | None = None
    target_fiscal_year: FiscalYear
    target_value: Param
    reading: Annotated[Sourced, one_of(*READINGS, what="a reading of a cumulative target")] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "TargetEntry":
        ids = tracked_ids(self.indicators.value)
        unit = parse_unit(next(e.unit for e in catalogue() if e.id == ids[0]))
        kind = self.kind.value
        if int(self.target_fiscal_year.value) <= int(self.base_fiscal_year.value):
            raise ValueError(f"target_fiscal_year {self.target_fiscal_year.value} must be after base_fiscal_year "
                             f"{self.base_fiscal_year.value}")
        target = parse_unit(self.target_value.unit)
        if kind == "percent_change":
            if not ureg.Quantity(1, target).dimensionless:
                raise ValueError(f"target_value: {self.target_value.unit!r} is not a percent; a percent_change target "
                                 "is the change from the base year, e.g. -42 percent")
            change = self.target_value.quantity.m_as("percent")
            if not -100 <= change <= 1000:
                raise ValueError(f"target_value: {change:g} percent is outside the plausible range -100 to 1000 percent "
                                 "for a change from the base year")
        elif target.dimensionality != unit.dimensionality:
            raise ValueError(f"target_value: {self.target_value.unit!r} is not a unit of {' + '.join(ids)} "
                             f"({unit}); a {kind} target is a figure of the indicator")
        if self.base_value is not None and parse_unit(self.base_value.unit).dimensionality != unit.dimensionality:
            raise ValueError(f"base_value: {self.base_value.unit!r} is not a unit of {' + '.join(ids)} ({unit})")
        if (kind == "cumulative") != (self.reading is not None):
            raise ValueError("reading: a cumulative target states its reading (cumulative_total or annual_level), "
                             "and only a cumulative target")
        return self

    @property
    def ids(self) -> tuple[str, ...]:
        """The catalogue ids it tracks."""
        return tracked_ids(self.indicators.value)


class TargetPathway(Strict):
    """A science-based pathway: an absolute-contraction rate, linear from the base year."""

    name: Sourced
    annual_reduction: AnnualRate


class ParisAlignment(Strict):
    """The Paris-alignment check: the emissions it looks at, the base year, the group's own target to compare
    and the pathways."""

    indicators: Sourced
    base_fiscal_year: FiscalYear
    own_target: Sourced
    pathways: dict[str, TargetPathway]

    @model_validator(mode="after")
    def _known(self) -> "ParisAlignment":
        tracked_ids(self.indicators.value)
        if not self.pathways:
            raise ValueError("pathways: none given; expected the pathways to compare with (e.g. 1.5 °C, well-below 2 °C)")
        return self


class TargetsSection(Strict):
    """Parameters of the targets family: the targets by catalogue id, and the Paris-alignment check."""

    goals: dict[str, TargetEntry]
    paris: ParisAlignment

    @model_validator(mode="after")
    def _ids_and_own_target(self) -> "TargetsSection":
        ids = {entry.id for entry in catalogue() if entry.family == "targets"}
        unknown = [key for key in self.goals if key not in ids]
        if unknown:
            raise ValueError(f"goals: {', '.join(unknown)} not a catalogue id of the targets family; expected one of "
                             f"{', '.join(sorted(ids))}")
        own = str(self.paris.own_target.value)
        if own not in self.goals:
            raise ValueError(f"paris.own_target: {own!r} is not a target of goals ({', '.join(self.goals)})")
        if self.goals[own].ids != tracked_ids(self.paris.indicators.value):
            raise ValueError(f"paris.own_target: {own} tracks {self.goals[own].indicators.value}, not "
                             f"{self.paris.indicators.value}")
        return self
