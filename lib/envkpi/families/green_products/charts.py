"""Charts of the green-products family: the shares over the years (GP-02, GP-05, GP-08) and the cumulative
series (GP-04, GP-06, GP-07)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

__all__ = ["shares_chart", "cumulative_chart"]

_SHARE_LABELS = {"gp_sales_share": "GP-02 strategic GP share of sales", "led_share": "GP-05 LED share of lighting sales",
                 "zeh_share": "GP-08 ZEH share of detached houses"}


def shares_chart(shares: pd.DataFrame, fiscal_year: int) -> Figure:
    """Lines of GP-02, GP-05 and GP-08 in each year of the history and this one [percent].

    Parameters
    ----------
    shares : DataFrame
        :func:`envkpi.families.green_products.calculations.history_shares` (index fiscal year) [percent].
    fiscal_year : int
        The year, for the title.
    """
    figure = Figure(figsize=(7.5, 4.0))
    axes = figure.subplots()
    for column in shares.columns:
        known = shares[column].dropna()
        axes.plot([f"FY{int(y)}" for y in known.index], known.to_numpy(), marker="o", label=_SHARE_LABELS.get(column, column))
    axes.set_ylabel("percent")
    axes.set_ylim(0, 100)
    axes.set_title(f"Green-product shares, FY{int(shares.index.min())} to FY{fiscal_year}")
    axes.legend(loc="lower right", fontsize=8)
    axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    return figure


def cumulative_chart(series: dict[str, pd.Series], units: dict[str, str], fiscal_year: int) -> Figure:
    """One panel per cumulative indicator (GP-04, GP-06 by reading (a), GP-07), its value at the end of each year.

    Parameters
    ----------
    series : dict
        Title → values by fiscal year.
    units : dict
        Title → unit of its values.
    fiscal_year : int
        The year, for the title.
    """
    figure = Figure(figsize=(9.0, 3.2))
    panels = figure.subplots(1, len(series))
    for axes, (title, values) in zip(panels, series.items()):
        axes.bar([f"FY{int(y)}"[-4:] for y in values.index], values.to_numpy(), color="#4a7ab0")
        axes.set_title(title, fontsize=9)
        axes.set_ylabel(units[title], fontsize=8)
        axes.tick_params(axis="x", labelsize=7, rotation=90)
        axes.tick_params(axis="y", labelsize=7)
    figure.suptitle(f"Cumulative green-product series to FY{fiscal_year}", fontsize=10)
    figure.tight_layout()
    return figure
