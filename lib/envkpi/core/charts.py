"""Charts any family can draw: matplotlib figures with labelled axes and units, readable in print.

Figures are built without pyplot (no global figure state), and shown with
:func:`envkpi.pages.report.show_figure`, which renders a deterministic PNG with its alternative text.
"""

from __future__ import annotations

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

__all__ = ["stacked_bars", "target_progress", "top_and_others", "MAX_BARS", "MAX_STACKS", "TOP_BARS"]

#: A chart with more bars than this shows the TOP_BARS largest and one bar for all the others.
MAX_BARS = 40
#: A chart with more stacked segments than this keeps the TOP_BARS largest and one segment for the others.
MAX_STACKS = 20
#: Bars (or segments) kept when a chart has too many.
TOP_BARS = 20


def top_and_others(table: pd.DataFrame, *, limit: int = MAX_BARS, top: int = TOP_BARS, axis: int = 0,
                   noun: str = "others") -> pd.DataFrame:
    """A table of magnitudes cut to its ``top`` largest rows (``axis=0``) or columns (``axis=1``), the rest
    summed into one labelled ``<count> others``; unchanged when it has at most ``limit`` of them.

    The largest are those whose sum across the other axis is largest; the others' label comes first, so
    that in a horizontal bar chart sorted from small to large it is at the bottom.

    Examples
    --------
    5,000 sites' Scope 1 and Scope 2 become 20 sites and ``4,980 other sites``.
    """
    frame = table if axis == 0 else table.T
    if len(frame) <= limit:
        return table
    order = frame.sum(axis=1).sort_values(ascending=False, kind="stable").index
    kept, rest = frame.loc[order[:top]], frame.loc[order[top:]]
    others = pd.DataFrame([rest.sum()], index=[f"{len(rest):,} {noun}"])
    cut = pd.concat([others, kept.iloc[::-1]])
    cut.index.name = frame.index.name
    return cut if axis == 0 else cut.T


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
    pivot = top_and_others(top_and_others(pivot, limit=MAX_STACKS, axis=1), noun=f"other {category.replace('_', ' ')}s")
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
        A family's trajectory towards its target ([t CO2] columns).
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
