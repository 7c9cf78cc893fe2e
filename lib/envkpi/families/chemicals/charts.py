"""Charts of the chemicals family: the hazard-weighted impact by rank (CHE-04)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from envkpi.core.charts import stacked_bars


def impact_by_rank(table: pd.DataFrame, fiscal_year: int) -> Figure:
    """Horizontal bars of CHE-04 per hazard rank, stacked by site [t, hazard-weighted].

    Parameters
    ----------
    table : DataFrame
        :func:`envkpi.families.chemicals.calculations.by_substance` (``rank``, ``site_id``, ``impact_t`` [t]).
    fiscal_year : int
        The year, for the title.
    """
    return stacked_bars(table, category="rank", stack="site_id", value="impact_t", unit="t (hazard-weighted)",
                        title=f"Human and environmental impact by hazard rank, FY{fiscal_year} (CHE-04)")
