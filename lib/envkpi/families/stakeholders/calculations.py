"""Stakeholders: people reached by environmental education, cumulative since FY2009 (STK-01).

Pure calculation functions after the calculation standard's row ステークホルダーとの協働 / 環境教育の人数
(``METHODOLOGY.md`` Family 9). The cumulative series is built at run time from each year's figures — the
history file's yearly rows and the year's own table — never typed in, so a restated earlier year flows
into every later cumulative value.

References
----------
.. [1] 主な環境パフォーマンス指標の算定基準 (calculation standard), FY2018 edition, row 環境教育の人数:
   学校への出前授業や課外授業での環境教育、ショールームや工場見学での環境教育、エコ絵日記活動を通じた
   環境教育等の延べ参加人数(2009年度からの累計).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import pint

from envkpi.core.results import Check
from envkpi.core.units import Quantity

from .parameters import PROGRAMME_KEYS

__all__ = ["cumulative_participants", "yearly_participants", "cumulative_total", "earlier_years_participants",
           "cumulative_after_first_year", "yearly_figures", "cumulative_series",
           "cumulative_by_programme", "cumulative_as_published", "series_table", "stakeholders_checks"]


def cumulative_participants(yearly: Iterable[pint.Quantity]) -> pint.Quantity:
    """People reached by environmental education since the first year (STK-01).

    .. math:: C_n = \\sum_{y = 2009}^{n} P_y

    Parameters
    ----------
    yearly : iterable of Quantity
        :math:`P_y`, the participants (延べ参加人数) of each fiscal year from FY2009 to FY\\ :math:`n`
        [count].

    Returns
    -------
    Quantity
        :math:`C_n` [count].

    Notes
    -----
    STK-01, standard row 環境教育の人数 (2009年度からの累計).
    """
    total = Quantity(0.0, "count")
    for value in yearly:
        total = total + value.to("count")
    return total


def yearly_participants(rows: pd.DataFrame) -> pint.Quantity:
    """Participants of one fiscal year, all programmes (STK-01, the year's figure).

    .. math:: P_y = \\sum_{k} p_{y,k}

    Parameters
    ----------
    rows : DataFrame
        The year's rows, ``participants`` :math:`p_{y,k}` of each programme :math:`k` [count].

    Returns
    -------
    Quantity
        :math:`P_y` [count].

    Notes
    -----
    STK-01, standard row 環境教育の人数 (学校への出前授業…エコ絵日記活動…等の延べ参加人数).
    """
    return Quantity(float(rows["participants"].sum()), "count")


def cumulative_total(yearly: pd.DataFrame) -> pint.Quantity:
    """STK-01 from the table of yearly figures: :math:`C_n = \\sum_{y} \\sum_{k} p_{y,k}` [count].

    Parameters
    ----------
    yearly : DataFrame
        :func:`yearly_figures`, FY2009 … FY\\ :math:`n` [count].
    """
    return cumulative_participants(Quantity(float(v), "count") for v in yearly.sum(axis=1))


def earlier_years_participants(yearly: pd.DataFrame, fiscal_year: int) -> pint.Quantity:
    """The earlier years' part of STK-01: :math:`C_{n-1} = \\sum_{y=2009}^{n-1} P_y` [count].

    Parameters
    ----------
    yearly : DataFrame
        :func:`yearly_figures` [count].
    fiscal_year : int
        :math:`n`, the year left out.
    """
    return cumulative_total(yearly[yearly.index < fiscal_year])


def cumulative_after_first_year(yearly: pd.DataFrame) -> pint.Quantity:
    """STK-01 under the other reading of 2009年度からの累計 (counting the years after FY2009 only) [count].

    .. math:: C''_n = \\sum_{y=2010}^{n} P_y = C_n - P_{2009}
    """
    return cumulative_total(yearly.iloc[1:])


def yearly_figures(history: pd.DataFrame, education: pd.DataFrame, fiscal_year: int,
                   column: str = "participants") -> pd.DataFrame:
    """The yearly participants :math:`p_{y,k}` of every year and programme, FY2009 … FY\\ :math:`n` [count].

    Parameters
    ----------
    history : DataFrame
        The history rows of FY2009 … FY\\ :math:`n-1` (``fiscal_year``, ``programme``, ``column`` [count]).
    education : DataFrame
        The year's rows (``programme``, ``participants`` [count]).
    fiscal_year : int
        :math:`n`.
    column : str
        The history column to take: ``participants`` (as restated) or ``participants_as_published`` (the
        figure first published where a restatement replaced it, the current one elsewhere).

    Returns
    -------
    DataFrame
        Index: fiscal year; columns: the programmes in the standard's order [count].
    """
    past = history[["fiscal_year", "programme"]].copy()
    values = history["participants"].astype(float)
    if column != "participants":
        values = history[column].astype("Float64").fillna(history["participants"].astype("Float64")).astype(float)
    past["participants"] = values
    now = education[["programme", "participants"]].assign(fiscal_year=fiscal_year)
    frame = pd.concat([past, now], ignore_index=True)
    table = frame.pivot_table(index="fiscal_year", columns="programme", values="participants", aggfunc="sum",
                              fill_value=0.0)
    return table.reindex(columns=list(PROGRAMME_KEYS), fill_value=0.0).astype(float)


def cumulative_series(yearly: pd.DataFrame) -> pd.DataFrame:
    """The cumulative participants at the end of each year, by programme (STK-01 of each year).

    .. math:: C_{n,k} = \\sum_{y = 2009}^{n} p_{y,k}

    Parameters
    ----------
    yearly : DataFrame
        :func:`yearly_figures` [count].

    Returns
    -------
    DataFrame
        The running sum down the years, same shape [count].
    """
    return yearly.sort_index().cumsum()


def cumulative_by_programme(yearly: pd.DataFrame) -> pd.Series:
    """STK-01 by programme: :math:`C_{n,k} = \\sum_{y=2009}^{n} p_{y,k}` [count] (the last row of the series)."""
    return cumulative_series(yearly).iloc[-1]


def cumulative_as_published(history: pd.DataFrame, education: pd.DataFrame, fiscal_year: int) -> pint.Quantity:
    """STK-01 with each earlier year as first published, ignoring restatements (the other reading) [count].

    .. math:: C'_n = \\sum_{y=2009}^{n-1} P^{\\mathrm{pub}}_y + P_n
    """
    return cumulative_total(yearly_figures(history, education, fiscal_year, column="participants_as_published"))


def stakeholders_checks(yearly: pd.DataFrame, by_programme: pd.Series, total: pint.Quantity,
                        this_year: pint.Quantity, earlier: pint.Quantity, education: pd.DataFrame,
                        history: pd.DataFrame, rel: float = 1e-9) -> list[Check]:
    """Reconciliations of STK-01, each a pass/fail :class:`~envkpi.core.results.Check`.

    Parameters
    ----------
    yearly : DataFrame
        :func:`yearly_figures` [count].
    by_programme : Series
        STK-01 by programme [count].
    total, this_year, earlier : Quantity
        STK-01, the year's own figure and the earlier years' sum [count].
    education, history : DataFrame
        The input rows.
    rel : float
        Relative tolerance for rounding.
    """
    def close(a: float, b: float) -> bool:
        return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)

    c = total.m_as("count")
    years = list(yearly.index)
    return [
        Check("STK-01: sum over programmes = total", close(float(by_programme.sum()), c),
              f"{by_programme.sum():,.0f} = {c:,.0f}"),
        Check("STK-01: this year + earlier years = total", close(this_year.m_as("count") + earlier.m_as("count"), c),
              f"{this_year.m_as('count'):,.0f} + {earlier.m_as('count'):,.0f} = {c:,.0f}"),
        Check("STK-01: sum of every input row (year's table and history) = total",
              close(float(education["participants"].sum()) + float(history["participants"].sum()), c),
              f"{len(education)} rows of the year + {len(history)} history rows"),
        Check("STK-01: every year from the first to this one counted once",
              years == list(range(years[0], years[-1] + 1)), f"FY{years[0]} … FY{years[-1]}, {len(years)} years"),
        Check("STK-01: no negative participants", bool((yearly.to_numpy() >= 0).all()),
              "every yearly figure ≥ 0"),
    ]


def series_table(yearly: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """The yearly figures by programme with the year's figure :math:`P_y = \\sum_k p_{y,k}` (``year_total``) and the
    cumulative :math:`C_y = \\sum_{y' \\le y} P_{y'}` (``cumulative``) of each year, for the report [count].

    Parameters
    ----------
    yearly : DataFrame
        :func:`yearly_figures` [count].
    series : DataFrame
        :func:`cumulative_series` [count].
    """
    return yearly.assign(year_total=yearly.sum(axis=1), cumulative=series.sum(axis=1))
