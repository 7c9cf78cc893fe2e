"""Charts of the stakeholders family: the cumulative participants, stacked by programme (STK-01)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from envkpi.core.charts import stacked_bars


def cumulative_by_programme_chart(series: pd.DataFrame, fiscal_year: int) -> Figure:
    """Bars of STK-01 at the end of each year since FY2009, stacked by programme [thousand people].

    Parameters
    ----------
    series : DataFrame
        :func:`envkpi.families.stakeholders.calculations.cumulative_series` (index fiscal year, a column per
        programme) [count].
    fiscal_year : int
        The year, for the title.
    """
    table = series.rename_axis("fiscal_year").reset_index().melt(id_vars="fiscal_year", var_name="programme",
                                                                 value_name="participants")
    table["fiscal_year"] = "FY" + table["fiscal_year"].astype(int).astype(str)
    table["participants"] = table["participants"] / 1000.0  # [thousand people]
    return stacked_bars(table, category="fiscal_year", stack="programme", value="participants",
                        unit="thousand people",
                        title=f"People reached by environmental education, cumulative since FY{int(series.index[0])}, "
                              f"to FY{fiscal_year} (STK-01)")
