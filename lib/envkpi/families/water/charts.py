"""Charts of the water family: the water used in production by site and source (WAT-01)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from envkpi.core.charts import stacked_bars


def water_by_site_and_source(rows: pd.DataFrame, fiscal_year: int) -> Figure:
    """Horizontal bars of WAT-01 per site inside the boundary, stacked by source of water [thousand m³].

    Parameters
    ----------
    rows : DataFrame
        :func:`envkpi.families.water.calculations.water_use_rows` (``site_id``, ``source``, ``volume_m3`` [m³]).
    fiscal_year : int
        The year, for the title.
    """
    table = rows.assign(volume=rows["volume_m3"] / 1000.0)  # [thousand m³]
    return stacked_bars(table, category="site_id", stack="source", value="volume", unit="thousand m³",
                        title=f"Water used in production by site and source, FY{fiscal_year} (WAT-01)")
