"""Charts of the logistics report: CO2 of transport by mode (and method).

Figures are built without pyplot (no global figure state), and shown with
:func:`envkpi.pages.report.show_figure`, which renders a deterministic PNG with its alternative text.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from envkpi.core.charts import stacked_bars

__all__ = ["transport_co2_by_mode"]


def transport_co2_by_mode(rows: pd.DataFrame, fiscal_year: int) -> Figure:
    """Horizontal bars of LOG-02 by mode, stacked by the method that computed each part.

    Parameters
    ----------
    rows : DataFrame
        From :func:`envkpi.families.logistics.calculations.transport_rows` (``mode``, ``method``, ``co2_t`` [t CO2]).
    fiscal_year : int
        For the title.
    """
    return stacked_bars(rows, category="mode", stack="method", value="co2_t", unit="t CO2",
                        title=f"CO2 of transport by mode and method, FY{fiscal_year} (LOG-02)")
