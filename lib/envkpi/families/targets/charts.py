"""The targets family's chart: a target's actual figures against its required paths."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

__all__ = ["target_path_chart"]


def target_path_chart(table: pd.DataFrame, *, title: str, unit: str, fiscal_year: int, scale: float = 1.0,
                      scale_unit: str | None = None) -> Figure:
    """The actual figures, the linear path (and the constant-rate path when given) and the target level.

    Parameters
    ----------
    table : DataFrame
        :func:`envkpi.families.targets.calculations.trajectory`.
    title : str
    unit : str
        The unit of the table's figures.
    fiscal_year : int
        This year (marked).
    scale : float
        Figures are divided by it for the plot (1e6 for Mt from t).
    scale_unit : str, optional
        The plotted unit (default ``unit``).
    """
    figure = Figure(figsize=(9, 3.6), layout="constrained")
    axes = figure.subplots()
    years = table["fiscal_year"]
    axes.plot(years, table["linear_path"] / scale, linestyle="--", color="#de2d26", label="required linear path")
    if table["constant_rate_path"].notna().any():
        axes.plot(years, table["constant_rate_path"] / scale, linestyle=":", color="#756bb1", label="constant-rate path")
    axes.plot(years, table["actual"] / scale, marker="o", color="#08519c", label="actual (published, this year)")
    axes.axhline(table["target"].iloc[0] / scale, color="grey", linewidth=0.8, label="target")
    axes.axvline(fiscal_year, color="grey", linestyle=":", linewidth=0.8)
    axes.set_xlabel("Fiscal year")
    axes.set_ylabel(f"[{scale_unit or unit}]")
    axes.set_title(title)
    axes.legend(loc="best", frameon=False)
    axes.yaxis.set_major_formatter(lambda y, _: f"{y:,.6g}")
    return figure
