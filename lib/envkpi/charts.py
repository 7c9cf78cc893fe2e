"""Charts of the reports: matplotlib figures with labelled axes and units, readable in print.

Figures are built without pyplot (no global figure state), and shown with
:func:`envkpi.report.show_figure`, which renders a deterministic PNG with its alternative text.
"""

from __future__ import annotations

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from .production import ChainedIndex

__all__ = ["emissions_by_site_and_scope", "intensity_index_trend", "stacked_bars", "target_progress"]

SCOPE_COLOURS = {"Scope 1": "#b35806", "Scope 2": "#542788"}


def emissions_by_site_and_scope(site_totals: pd.DataFrame, fiscal_year: int) -> Figure:
    """Stacked bars of Scope 1 and Scope 2 per site, and the group total by scope.

    Parameters
    ----------
    site_totals : DataFrame
        Indexed by site id, with ``scope1_t`` and ``scope2_t`` [t CO2e]
        (:func:`envkpi.production.site_totals`).
    fiscal_year : int
        For the title.
    """
    frame = site_totals[["scope1_t", "scope2_t"]].rename(columns={"scope1_t": "Scope 1", "scope2_t": "Scope 2"})
    frame = frame.loc[frame.sum(axis=1).sort_values().index]
    figure = Figure(figsize=(9, 0.32 * len(frame) + 1.6), layout="constrained")
    by_site, by_scope = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 1]})
    left = pd.Series(0.0, index=frame.index)
    for scope, colour in SCOPE_COLOURS.items():
        by_site.barh(frame.index, frame[scope], left=left, color=colour, label=scope)
        left += frame[scope]
    by_site.set_xlabel("Emissions [t CO2e]")
    by_site.set_ylabel("Site")
    by_site.set_title(f"Emissions by site and scope, FY{fiscal_year}")
    by_site.legend(loc="lower right", frameon=False)
    by_site.xaxis.set_major_formatter(lambda x, _: f"{x:,.0f}")
    totals = frame.sum()
    by_scope.bar(totals.index, totals.values, color=[SCOPE_COLOURS[s] for s in totals.index])
    by_scope.set_ylabel("Group total [t CO2e]")
    by_scope.set_title("Group total by scope")
    by_scope.yaxis.set_major_formatter(lambda y, _: f"{y:,.0f}")
    return figure


def intensity_index_trend(result: ChainedIndex) -> Figure:
    """The chained CO2-intensity index since the base year (base = 100) and each year's factor A_n.

    Parameters
    ----------
    result : ChainedIndex
        From :func:`envkpi.production.chained_intensity_index`.
    """
    years = [result.base_year, *result.factors["fiscal_year"]]
    index = [100.0, *(100 * result.factors["cumulative"])]
    figure = Figure(figsize=(9, 3.6), layout="constrained")
    trend, factors = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    trend.plot(years, index, marker="o", color="#1b7837")
    for year, value in zip(years, index):
        trend.annotate(f"{value:.1f}", (year, value), textcoords="offset points", xytext=(0, 6), ha="center")
    trend.set_xticks(years, [f"FY{y}" for y in years])
    trend.set_xlabel("Fiscal year")
    trend.set_ylabel(f"Index [percent, FY{result.base_year} = 100]")
    trend.set_title("CO2 intensity of production, chained index (PRD-02)")
    factors.bar([f"FY{y}" for y in result.factors["fiscal_year"]], 100 * result.factors["factor"], color="#5aae61")
    factors.axhline(100, color="grey", linewidth=0.8)
    factors.set_ylim(min(90, 100 * result.factors["factor"].min() - 1), max(101, 100 * result.factors["factor"].max() + 1))
    factors.set_xlabel("Fiscal year n")
    factors.set_ylabel("A_n [percent of previous year]")
    factors.set_title("Year-on-year factor A_n")
    return figure


def stacked_bars(table: pd.DataFrame, *, category: str, stack: str, value: str, unit: str, title: str) -> Figure:
    """Horizontal bars of ``value`` summed by ``category``, stacked by ``stack`` (e.g. region).

    Parameters
    ----------
    table : DataFrame
        Rows with the three columns.
    category, stack, value : str
        Column names: bar, segment, and the magnitude in ``unit``.
    unit : str
        Unit of ``value``, for the axis label.
    title : str
        Figure title.
    """
    pivot = table.pivot_table(index=category, columns=stack, values=value, aggfunc="sum", fill_value=0.0)
    pivot = pivot.loc[pivot.sum(axis=1).sort_values().index]
    figure = Figure(figsize=(9, 0.35 * len(pivot) + 1.6), layout="constrained")
    axes = figure.subplots()
    left = pd.Series(0.0, index=pivot.index)
    colours = matplotlib.colormaps["tab10"]
    for number, column in enumerate(pivot.columns):
        axes.barh(pivot.index, pivot[column], left=left, label=str(column), color=colours(number % 10))
        left += pivot[column]
    axes.set_xlabel(f"{value.removesuffix('_t').replace('_', ' ')} [{unit}]")
    axes.set_ylabel(category.replace("_", " ").capitalize())
    axes.set_title(title)
    axes.legend(title=stack.replace("_", " "), loc="lower right", frameon=False)
    axes.xaxis.set_major_formatter(lambda x, _: f"{x:,.0f}")
    return figure


def target_progress(trajectory: pd.DataFrame, fiscal_year: int, unit_scale: float = 1e6, unit: str = "Mt CO2") -> Figure:
    """Cumulative avoided emissions to date against the straight path still needed to the target.

    Parameters
    ----------
    trajectory : DataFrame
        From :func:`envkpi.avoided_emissions.target_trajectory` ([t CO2] columns).
    fiscal_year : int
        This year (marked on the chart).
    unit_scale : float
        t CO2 per plotted unit (1e6 for Mt CO2).
    unit : str
        Plotted unit.
    """
    figure = Figure(figsize=(9, 3.8), layout="constrained")
    axes = figure.subplots()
    years = trajectory["fiscal_year"]
    axes.bar(years, trajectory["avoided_co2_t"] / unit_scale, color="#9ecae1", label="avoided in the year")
    axes.plot(years, trajectory["cumulative_co2_t"] / unit_scale, marker="o", color="#08519c", label="cumulative, actual")
    axes.plot(years, trajectory["required_cumulative_co2_t"] / unit_scale, linestyle="--", color="#de2d26",
              label="cumulative path needed to reach the target")
    axes.axhline(trajectory["target_co2_t"].iloc[0] / unit_scale, color="grey", linewidth=0.8, label="target")
    axes.axvline(fiscal_year, color="grey", linestyle=":", linewidth=0.8)
    axes.set_xlabel("Fiscal year")
    axes.set_ylabel(f"Avoided emissions [{unit}]")
    axes.set_title(f"Progress towards the avoided-emissions target, as of FY{fiscal_year}")
    axes.legend(loc="upper left", frameon=False)
    return figure
