"""The model of the ``green_products:`` section of the parameter files (GP-01 … GP-11).

The section holds what the calculation standard fixes for the green-product indicators (環境配慮商品関連) —
the three criteria of a strategic green product, the base and first years of each series — and what the
group sets: the consolidated sales of the year (GP-02) and the rooms each air-quality product improves
(GP-07, from its Japanese rating). The per-unit generation of fuel cells, the per-region PV yield and the
lifetimes are not repeated here: GP-04 and GP-06 read them from the ``avoided_emissions`` and
``product_regions`` sections, as CO2-01 does (one figure, one place).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, model_validator

from envkpi.core.parameters import FiscalYear, Param, Plausible, Sourced, Strict, one_of
from envkpi.core.units import parse_unit, ureg

__all__ = ["CRITERIA", "VEHICLE_TYPES", "FLEET_READINGS", "GreenProducts", "Money", "RoomsPerUnit"]

#: The three criteria of a strategic green product (戦略GP定義 (1), (2), (3)), as columns of
#: ``strategic_green_products.csv`` and keys of ``green_products.strategic.criteria``.
CRITERIA = ("criterion_top_performance", "criterion_diffusion", "criterion_regional")

#: The vehicles of GP-10 (車載電池: EV、PHV、HV向け), as in ``automotive_batteries.csv``.
VEHICLE_TYPES = ("EV", "PHV", "HV")

#: The two readings of 年間発電量の累計 (GP-04, GP-06).
FLEET_READINGS = ("installed_fleet", "accumulated")

#: A group's consolidated sales in a year: the largest manufacturers sell some 30 trillion yen; below
#: 1 billion yen a figure typed in yen as million yen is likely.
SALES = Plausible(1_000, 100_000_000, "MJPY", "a group's consolidated sales in a fiscal year")
#: Rooms one product improves: an air purifier rated for 40 畳 covers a few rooms; 50 is beyond any
#: household product.
ROOMS = Plausible(0, 50, "dimensionless", "rooms one product improves (its rated floor area over a room's)")


def _quantity_of(dimension: str, plausible: Plausible, example: str):
    """Validator: the parameter's unit has ``dimension``, its value is positive and within ``plausible``."""
    wanted = ureg.get_dimensionality(dimension)

    def check(param: Param) -> Param:
        if parse_unit(param.unit).dimensionality != wanted:
            raise ValueError(f"unit {param.unit!r} is not a unit of this kind; expected a unit like {example}")
        if not param.value > 0:
            raise ValueError(f"value {param.value!r} must be positive [{example}]")
        problem = plausible.problem(param.value, param.unit)
        if problem:
            raise ValueError(problem)
        return param

    return AfterValidator(check)


Money = Annotated[Param, _quantity_of("[currency]", SALES, "MJPY (million yen)")]
RoomsPerUnit = Annotated[Param, _quantity_of("[]", ROOMS, "count (rooms per unit)")]


class Strategic(Strict):
    """GP-01, GP-02: the standard's three criteria and how many a product must meet."""

    criteria: dict[str, Sourced]
    counting: Annotated[Sourced, one_of("at_least_one", "all", what="the reading of the three criteria")]

    @model_validator(mode="after")
    def _the_three_criteria(self) -> "Strategic":
        if tuple(self.criteria) != CRITERIA:
            raise ValueError(f"criteria: got {', '.join(self.criteria) or '(none)'}; expected {', '.join(CRITERIA)} "
                             "in this order, the standard's (1), (2), (3)")
        return self


class CumulativeSeries(Strict):
    """A cumulative series: its first fiscal year (…年度～当該年度)."""

    first_fiscal_year: FiscalYear


class Efficiency(Strict):
    """GP-03: the base year of the representative models' consumption."""

    base_fiscal_year: FiscalYear


class AirQuality(Strict):
    """GP-07: the first year and the rooms per unit of each product (適用量数, Japanese rating)."""

    first_fiscal_year: FiscalYear
    rooms_per_unit: dict[str, RoomsPerUnit]


class Comparison(Strict):
    """GP-10, GP-11: this year against a base year; ``categories`` the lines counted (B2B)."""

    base_fiscal_year: FiscalYear
    categories: dict[str, Sourced] = {}


class GreenProducts(Strict):
    """Parameters of the green-products family (GP-01 … GP-11)."""

    consolidated_sales: Money  # GP-02's denominator, set in each year's file
    strategic: Strategic
    efficiency: Efficiency
    fuel_cells: CumulativeSeries
    pv: CumulativeSeries
    fleet_reading: Annotated[Sourced, one_of(*FLEET_READINGS, what="the reading of 年間発電量の累計")]
    air_quality: AirQuality
    automotive_batteries: Comparison
    b2b: Comparison
