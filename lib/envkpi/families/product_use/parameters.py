"""The model of the ``product_use:`` section of the parameter files (CO2-04)."""

from __future__ import annotations

from envkpi.core.parameters import Strict, Years


class ProductUse(Strict):
    """Parameters of CO2-04: the years the group keeps repair parts, per category (the product lifetime)."""

    lifetimes: dict[str, Years]
