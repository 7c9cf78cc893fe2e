"""Charts of the production report: emissions by site and scope, the chained intensity index.

Figures are built without pyplot (no global figure state), and shown with
:func:`envkpi.pages.report.show_figure`, which renders a deterministic PNG with its alternative text.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from envkpi.core.charts import top_and_others

from .calculations import ChainedIndex

__all__ = ["emissions_by_site_and_scope", "intensity_index_trend"]

SCOPE_COLOURS = {"Scope 1": "#b35806", "Scope 2": "#542788"}


def emissions_by_site_and_scope(site_totals: pd.DataFrame, fiscal_year: int) -> Figure:
    """Stacked bars of Scope 1 and Scope 2 per site, and the group total by scope.

    Parameters
    ----------
    site_totals : DataFrame
        Indexed by site id, with ``scope1_t`` and ``scope2_t`` [t CO2e]
        (:func:`envkpi.families.production.calculations.site_totals`).
    fiscal_year : int
        For the title.
    """
    frame = site_totals[["scope1_t", "scope2_t"]].rename(columns={"scope1_t": "Scope 1", "scope2_t": "Scope 2"})
    frame = top_and_others(frame.loc[frame.sum(axis=1).sort_values().index], noun="other sites")
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
        From :func:`envkpi.families.production.calculations.chained_intensity_index`.
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
