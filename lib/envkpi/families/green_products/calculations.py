"""Green products and business (GP-01 … GP-11).

Pure calculation functions after the calculation standard's rows 環境配慮商品関連 (``METHODOLOGY.md``
Family 8). Every cumulative figure (GP-04, GP-06, GP-07) is built at run time from each year's own
shipments — the history file's yearly rows and the year's table — never carried forward as a typed
cumulative value, so a restated earlier year flows into every later figure.

References
----------
.. [1] 主な環境パフォーマンス指標の算定基準 (calculation standard), FY2018 edition, rows 環境配慮商品関連:
   戦略GP定義, 戦略GP売上比率, 主要民生機器の省エネ性能改善率, 家庭用燃料電池の累計発電量, LED照明販売比率,
   太陽電池の累計発電量, 空質改善された空気量, 全戸建住宅のZEH比率, スマートシティの街づくり,
   車載電池 対象相当の電池供給量, 環境配慮B2B機器 戦略GP販売; and row 創エネ商品による直接的なCO2削減貢献量
   (CO2-01) for the per-unit generation of fuel cells and PV.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pint

from envkpi.core.results import Check
from envkpi.core.units import Quantity

from .parameters import CRITERIA

__all__ = ["criteria_met", "is_strategic", "strategic_products", "strategic_product_count", "strategic_sales",
           "sales_share", "efficiency_table", "no_improvement_consumption", "actual_consumption",
           "efficiency_improvement", "efficiency_improvement_mean_of_ratios", "pv_capacity_kw", "yearly_shipments",
           "keys_present", "in_service", "fleet_generation", "fleet_generation_by_key", "accumulated_generation",
           "generation_by_key", "fleet_generation_series", "cohort_table", "rooms_series", "rooms_improved", "rooms_by_product", "share_of", "zeh_share", "led_share",
           "index_to_base_year", "base_year_value", "history_shares", "smart_city_sites", "lots_sold",
           "green_products_checks"]

ONE_YEAR = Quantity(1.0, "year")


# --- GP-01, GP-02 strategic green products ----------------------------------------------------------------

def criteria_met(row: Mapping[str, bool]) -> int:
    """How many of the three criteria of a strategic green product a product meets (GP-01).

    Parameters
    ----------
    row : mapping
        ``criterion_top_performance``, ``criterion_diffusion``, ``criterion_regional`` [true/false].

    Returns
    -------
    int
        0 … 3.

    Notes
    -----
    GP-01, standard row 戦略GP定義 (1), (2), (3).
    """
    return sum(bool(row[c]) for c in CRITERIA)


def is_strategic(met: int, counting: str) -> bool:
    """Whether a product meeting ``met`` criteria is a strategic green product (GP-01).

    ``counting`` ``at_least_one`` (the workbook's reading: the standard lists three kinds of product, any of
    which qualifies) or ``all`` (the other reading: a product must meet all three).
    """
    return met >= 1 if counting == "at_least_one" else met == len(CRITERIA)


def strategic_products(strategic: pd.DataFrame, counting: str) -> pd.DataFrame:
    """The products with ``criteria_met`` (0 … 3) and ``strategic`` (counted under ``counting``) (GP-01).

    Parameters
    ----------
    strategic : DataFrame
        Rows of ``strategic_green_products.csv`` (the three criteria, ``sales`` [MJPY]).
    counting : str
        ``at_least_one`` or ``all``.
    """
    out = strategic.copy()
    out["criteria_met"] = [criteria_met(r) for r in strategic[list(CRITERIA)].to_dict("records")]
    out["strategic"] = [is_strategic(m, counting) for m in out["criteria_met"]]
    return out


def strategic_product_count(products: pd.DataFrame) -> pint.Quantity:
    """Strategic green products (GP-01): :math:`N = \\#\\{i : s_i\\}` [count].

    Parameters
    ----------
    products : DataFrame
        :func:`strategic_products` (``strategic`` :math:`s_i`).

    Notes
    -----
    GP-01, standard row 戦略GP定義.
    """
    return Quantity(float(products["strategic"].sum()), "count")


def strategic_sales(products: pd.DataFrame) -> pint.Quantity:
    """Sales of the strategic green products: :math:`S_{GP} = \\sum_{i : s_i} S_i` [MJPY] (GP-02's numerator).

    Parameters
    ----------
    products : DataFrame
        :func:`strategic_products` (``sales`` :math:`S_i` [MJPY], ``strategic`` :math:`s_i`).
    """
    return Quantity(float(products.loc[products["strategic"], "sales"].sum()), "MJPY")


def sales_share(part: pint.Quantity, consolidated_sales: pint.Quantity) -> pint.Quantity:
    """Strategic green products' share of consolidated sales (GP-02).

    .. math:: r = S_{GP} / S_{group}

    Parameters
    ----------
    part : Quantity
        :math:`S_{GP}` [MJPY].
    consolidated_sales : Quantity
        :math:`S_{group}`, the group's consolidated sales (連結売上) [MJPY].

    Returns
    -------
    Quantity
        :math:`r` [percent].

    Notes
    -----
    GP-02, standard row 戦略GP売上比率: 戦略GPの売上÷連結売上.
    """
    return (part / consolidated_sales).to("percent")


# --- GP-03 energy-efficiency improvement of major consumer products ----------------------------------------

def no_improvement_consumption(base_kwh: pint.Quantity, units: pint.Quantity) -> pint.Quantity:
    """Consumption had no model improved since the base year: :math:`E^0 = e_{2005} \\times U` [kWh/year] (GP-03).

    Parameters
    ----------
    base_kwh : Quantity
        :math:`e_{2005}`, annual consumption of the base year's representative model [kWh/year].
    units : Quantity
        :math:`U`, units of the category sold in the region in the fiscal year [count].
    """
    return (base_kwh * units).to("kWh / year")


def actual_consumption(kwh: pint.Quantity, units: pint.Quantity) -> pint.Quantity:
    """Actual consumption: :math:`E = e_n \\times U` [kWh/year] (GP-03).

    Parameters
    ----------
    kwh : Quantity
        :math:`e_n`, annual consumption of this year's representative model [kWh/year].
    units : Quantity
        :math:`U` [count].
    """
    return (kwh * units).to("kWh / year")


def efficiency_table(efficiency: pd.DataFrame) -> pd.DataFrame:
    """Each category and region with ``no_improvement_kwh`` :math:`E^0` and ``actual_kwh`` :math:`E` [kWh/year]
    and ``improvement`` :math:`1 - E/E^0` [percent] (GP-03).

    Parameters
    ----------
    efficiency : DataFrame
        Rows of ``consumer_product_efficiency.csv`` (``base_kwh_per_year``, ``kwh_per_year`` [kWh/year],
        ``units_sold`` [count]).
    """
    out = efficiency.copy()
    out["no_improvement_kwh"] = [no_improvement_consumption(Quantity(b, "kWh/year"), Quantity(u, "count")).m_as("kWh/year")
                                 for b, u in zip(efficiency["base_kwh_per_year"], efficiency["units_sold"])]
    out["actual_kwh"] = [actual_consumption(Quantity(k, "kWh/year"), Quantity(u, "count")).m_as("kWh/year")
                         for k, u in zip(efficiency["kwh_per_year"], efficiency["units_sold"])]
    out["improvement"] = [100.0 * (1.0 - k / b) if b > 0 else np.nan
                          for k, b in zip(efficiency["kwh_per_year"], efficiency["base_kwh_per_year"])]
    return out


def efficiency_improvement(no_improvement: pint.Quantity, actual: pint.Quantity) -> pint.Quantity:
    """Energy-efficiency improvement of major consumer products since the base year (GP-03).

    .. math:: I = 1 - \\frac{\\sum_{c,r} e_{n,c,r} U_{c,r}}{\\sum_{c,r} e_{2005,c,r} U_{c,r}}

    Parameters
    ----------
    no_improvement : Quantity
        :math:`\\sum E^0`, summed over categories :math:`c` and regions :math:`r` [kWh/year].
    actual : Quantity
        :math:`\\sum E` [kWh/year].

    Returns
    -------
    Quantity
        :math:`I` [percent].

    Notes
    -----
    GP-03, standard row 主要民生機器の省エネ性能改善率: 基準年度(2005年度)から省エネ性能の改善がないと仮定した
    場合の総消費電力量の総和と、実際の総消費電力量の総和を比較した改善率. Both totals are summed over every
    category and region before dividing (the workbook's reading of 総和).
    """
    return (1.0 - actual / no_improvement).to("percent")


def efficiency_improvement_mean_of_ratios(table: pd.DataFrame) -> pint.Quantity:
    """GP-03 under the other reading: the unweighted mean of each category and region's improvement
    :math:`\\frac{1}{K}\\sum_{c,r} (1 - e_{n,c,r}/e_{2005,c,r})` [percent].

    Parameters
    ----------
    table : DataFrame
        :func:`efficiency_table` (``improvement`` [percent]).
    """
    return Quantity(float(table["improvement"].mean()), "percent")


# --- GP-04, GP-06 cumulative generation of fuel cells and PV shipped --------------------------------------

def pv_capacity_kw(pv: pd.DataFrame) -> pd.Series:
    """Each row's PV capacity in kW (the file gives kW or MW per row) [kW]."""
    return pd.Series([Quantity(v, u).m_as("kW") for v, u in zip(pv["capacity_shipped"], pv["unit"])],
                     index=pv.index, dtype=float)


def yearly_shipments(history: pd.DataFrame, series: str, this_year: Mapping[str, float], fiscal_year: int,
                     keys: list[str], column: str = "value") -> pd.DataFrame:
    """Each year's shipments by key (region, product …), from the first year of ``series`` to ``fiscal_year``.

    Parameters
    ----------
    history : DataFrame
        The history rows used (``fiscal_year``, ``series``, ``key``, ``value``, ``value_as_published``).
    series : str
        The history series, e.g. ``fuel_cell_units``.
    this_year : mapping
        Key → the year's own figure, from its table.
    fiscal_year : int
        :math:`n`.
    keys : list of str
        The columns, in order (a key with no row in a year counts 0 there).
    column : str
        ``value`` (as restated) or ``value_as_published`` (as first published where a restatement replaced
        it, the current value elsewhere).

    Returns
    -------
    DataFrame
        Index fiscal year; one column per key [the series' unit].
    """
    rows = history[history["series"] == series]
    values = rows["value"].astype(float)
    if column != "value":
        values = rows[column].astype("Float64").fillna(rows["value"].astype("Float64")).astype(float)
    past = pd.DataFrame({"fiscal_year": rows["fiscal_year"].astype(int), "key": rows["key"], "value": values})
    now = pd.DataFrame({"fiscal_year": fiscal_year, "key": list(this_year), "value": list(this_year.values())})
    frame = pd.concat([past, now], ignore_index=True)
    table = frame.pivot_table(index="fiscal_year", columns="key", values="value", aggfunc="sum", fill_value=0.0)
    return table.reindex(columns=keys, fill_value=0.0).astype(float).sort_index()


def _generation(shipped: float, per_unit: pint.Quantity) -> pint.Quantity:
    """One year's generation of ``shipped`` units [count] (``per_unit`` in kWh/year) or kW (``per_unit`` in
    kWh/(kW year), a PV yield) [MWh]."""
    unit = "count" if per_unit.check("[power]") else "kW"
    return (Quantity(shipped, unit) * per_unit * ONE_YEAR).to("MWh")


def keys_present(history: pd.DataFrame, series: str, this_year: list[str], keys: list[str]) -> list[str]:
    """The keys of ``keys`` (in that order) that have a row of ``series`` in the history or in this year's table."""
    found = set(history.loc[history["series"] == series, "key"]) | set(this_year)
    return [k for k in keys if k in found]


def in_service(shipped: int, year: int, lifetime: pint.Quantity) -> bool:
    """Whether a product shipped in fiscal year ``shipped`` still generates in ``year``: :math:`0 \\le t - y < L`.

    Parameters
    ----------
    shipped, year : int
        :math:`y`, :math:`t` (fiscal years).
    lifetime : Quantity
        :math:`L` [year] (avoided_emissions.fuel_cell.lifetime or .pv.lifetime).

    Notes
    -----
    A product generates for a full year in its year of shipment (the standard's CO2-01 counts whole years
    from shipment too).
    """
    return 0 <= year - shipped < lifetime.m_as("year")


def fleet_generation_by_key(yearly: pd.DataFrame, per_unit: Mapping[str, pint.Quantity], lifetime: pint.Quantity,
                            year: int) -> pd.Series:
    """Annual generation in fiscal year :math:`t` of everything shipped since the first year and still in
    service, by key (GP-04, GP-06).

    .. math:: G_{t,k} = \\sum_{y \\le t,\\; t - y < L} u_{y,k} \\, g_k \\times 1\\,\\mathrm{year}

    Parameters
    ----------
    yearly : DataFrame
        :func:`yearly_shipments`: :math:`u_{y,k}` units [count] or capacity [kW] shipped in year :math:`y`.
    per_unit : mapping
        Key → :math:`g_k`, annual generation per unit [kWh/year] or per kW [kWh/(kW year)].
    lifetime : Quantity
        :math:`L` [year].
    year : int
        :math:`t`.

    Returns
    -------
    Series
        :math:`G_{t,k}` by key [MWh].
    """
    out = {}
    for key in yearly.columns:
        units = sum(float(yearly.at[y, key]) for y in yearly.index if in_service(int(y), year, lifetime))
        out[key] = _generation(units, per_unit[key]).m_as("MWh")
    return pd.Series(out, dtype=float)


def fleet_generation(yearly: pd.DataFrame, per_unit: Mapping[str, pint.Quantity], lifetime: pint.Quantity,
                     year: int) -> pint.Quantity:
    """Annual generation in fiscal year :math:`t` of the fleet shipped since the first year (GP-04, GP-06,
    reading (a), the workbook's).

    .. math:: G_t = \\sum_k G_{t,k} = \\sum_k \\sum_{y \\le t,\\; t - y < L} u_{y,k} \\, g_k \\times 1\\,\\mathrm{year}

    Parameters
    ----------
    yearly, per_unit, lifetime, year
        As :func:`fleet_generation_by_key`.

    Returns
    -------
    Quantity
        :math:`G_t` [MWh].

    Notes
    -----
    GP-04, standard row 家庭用燃料電池の累計発電量: 2010年度～当該年度に出荷した家庭用燃料電池による、年間発電量の
    累計; GP-06, row 太陽電池の累計発電量 (2012年度～). :math:`g` is CO2-01's: 1,870 kWh/year per fuel cell,
    the region's PV yield per kW (国・地域別に設定).
    """
    return Quantity(float(fleet_generation_by_key(yearly, per_unit, lifetime, year).sum()), "MWh")


def accumulated_generation(yearly: pd.DataFrame, per_unit: Mapping[str, pint.Quantity], lifetime: pint.Quantity,
                           year: int) -> pint.Quantity:
    """GP-04, GP-06 under reading (b): the generation of every year since the first one, added up.

    .. math:: A_n = \\sum_{t = y_0}^{n} G_t

    Parameters
    ----------
    yearly, per_unit, lifetime
        As :func:`fleet_generation_by_key`.
    year : int
        :math:`n`.

    Returns
    -------
    Quantity
        :math:`A_n` [MWh].
    """
    first = int(yearly.index.min())
    return Quantity(sum(fleet_generation(yearly, per_unit, lifetime, t).m_as("MWh") for t in range(first, year + 1)),
                    "MWh")


def generation_by_key(yearly: pd.DataFrame, per_unit: Mapping[str, pint.Quantity], lifetime: pint.Quantity,
                      year: int, reading: str) -> pd.Series:
    """GP-04 or GP-06 by key under the reading chosen (``green_products.fleet_reading``) [MWh].

    ``installed_fleet`` (a): :math:`G_{n,k}` (:func:`fleet_generation_by_key`); ``accumulated`` (b):
    :math:`A_{n,k} = \\sum_{t=y_0}^{n} G_{t,k}`.
    """
    if reading == "installed_fleet":
        return fleet_generation_by_key(yearly, per_unit, lifetime, year)
    first = int(yearly.index.min())
    return sum((fleet_generation_by_key(yearly, per_unit, lifetime, t) for t in range(first, year + 1)),
               start=pd.Series(0.0, index=list(yearly.columns)))


def fleet_generation_series(yearly: pd.DataFrame, per_unit: Mapping[str, pint.Quantity], lifetime: pint.Quantity,
                            year: int) -> pd.Series:
    """:math:`G_t` of every year :math:`t` from the first to :math:`n` [MWh] (reading (a) in each year; the chart).

    Each year's figure uses this year's lifetime :math:`L`."""
    first = int(yearly.index.min())
    return pd.Series({t: fleet_generation(yearly[yearly.index <= t], per_unit, lifetime, t).m_as("MWh")
                      for t in range(first, year + 1)}, dtype=float)


def cohort_table(yearly: pd.DataFrame, per_unit: Mapping[str, pint.Quantity], lifetime: pint.Quantity,
                 year: int) -> pd.DataFrame:
    """For the report: each year's shipments by key, the total, whether the year's products still generate in
    :math:`t`, and their generation in :math:`t` [MWh]."""
    out = yearly.copy()
    out["total"] = yearly.sum(axis=1)
    out["in_service"] = [in_service(int(y), year, lifetime) for y in yearly.index]
    out["generation_mwh"] = [
        sum(_generation(float(yearly.at[y, k]), per_unit[k]).m_as("MWh") for k in yearly.columns) if s else 0.0
        for y, s in zip(yearly.index, out["in_service"])]
    return out


# --- GP-07 rooms with improved air quality -----------------------------------------------------------------

def rooms_by_product(yearly: pd.DataFrame, rooms_per_unit: Mapping[str, pint.Quantity]) -> pd.Series:
    """Rooms improved by each product since the first year: :math:`R_p = \\sum_{y} u_{y,p} \\, m_p` [count] (GP-07).

    Parameters
    ----------
    yearly : DataFrame
        :func:`yearly_shipments` of ``air_quality_units``: :math:`u_{y,p}` [count].
    rooms_per_unit : mapping
        Product → :math:`m_p`, rooms one unit improves (適用量数, Japanese rating) [count].
    """
    return pd.Series({p: float(yearly[p].sum()) * rooms_per_unit[p].m_as("count") for p in yearly.columns}, dtype=float)


def rooms_series(yearly: pd.DataFrame, rooms_per_unit: Mapping[str, pint.Quantity]) -> pd.Series:
    """GP-07 at the end of each year since the first: :math:`R_t = \\sum_{y \\le t} \\sum_p u_{y,p} m_p` [count] (the chart)."""
    per_year = pd.Series({y: sum(float(yearly.at[y, p]) * rooms_per_unit[p].m_as("count") for p in yearly.columns)
                          for y in yearly.index}, dtype=float)
    return per_year.sort_index().cumsum()


def rooms_improved(yearly: pd.DataFrame, rooms_per_unit: Mapping[str, pint.Quantity]) -> pint.Quantity:
    """Rooms with improved air quality, cumulative since the first year (GP-07).

    .. math:: R_n = \\sum_{y = 2015}^{n} \\sum_p u_{y,p} \\, m_p

    Parameters
    ----------
    yearly, rooms_per_unit
        As :func:`rooms_by_product`.

    Returns
    -------
    Quantity
        :math:`R_n` [count].

    Notes
    -----
    GP-07, standard row 空質改善された空気量: 2015年度～当該年度に出荷した…室内空気質関連商品が、年間に空質改善した
    部屋数の累計. 製品台数×適用量数. Every unit shipped since FY2015 is counted (no lifetime: the standard gives none).
    """
    return Quantity(float(rooms_by_product(yearly, rooms_per_unit).sum()), "count")


# --- GP-05, GP-08 shares ------------------------------------------------------------------------------------

def share_of(part: float, whole: float, unit: str) -> pint.Quantity:
    """A part's share of a whole: :math:`100 \\times p / w` [percent] (``unit`` of both)."""
    return (Quantity(part, unit) / Quantity(whole, unit)).to("percent")


def led_share(lighting: pd.DataFrame) -> pint.Quantity:
    """LED share of lighting sales by value (GP-05).

    .. math:: r_{LED} = \\sum_{LED} S / \\sum S

    Parameters
    ----------
    lighting : DataFrame
        Rows of ``lighting_sales.csv`` (``lighting_type``, ``sales`` [MJPY]).

    Returns
    -------
    Quantity
        [percent].

    Notes
    -----
    GP-05, standard row LED照明販売比率: 当該年度の照明事業におけるLED照明の占める割合(金額ベース).
    """
    led = float(lighting.loc[lighting["lighting_type"] == "led", "sales"].sum())
    return share_of(led, float(lighting["sales"].sum()), "MJPY")


def zeh_share(houses: pd.DataFrame, types: tuple[str, ...] = ("zeh", "nearly_zeh")) -> pint.Quantity:
    """ZEH share of the detached houses contracted (GP-08).

    .. math:: r_{ZEH} = (H_{ZEH} + H_{Nearly\\,ZEH}) / H

    Parameters
    ----------
    houses : DataFrame
        Rows of ``detached_houses.csv`` (``house_type``, ``houses_contracted`` [count]).
    types : tuple of str
        The types counted: ZEH and Nearly ZEH (the standard); ``("zeh",)`` for ZEH alone.

    Returns
    -------
    Quantity
        [percent].

    Notes
    -----
    GP-08, standard row 全戸建住宅のZEH比率: 当該年度に受託する戸建住宅のうち、ZEHおよびNearly ZEHが占める割合.
    """
    part = float(houses.loc[houses["house_type"].isin(types), "houses_contracted"].sum())
    return share_of(part, float(houses["houses_contracted"].sum()), "count")


# --- GP-09 smart cities ---------------------------------------------------------------------------------------

def smart_city_sites(smart_cities: pd.DataFrame) -> pint.Quantity:
    """Smart-city developments the group takes part in (GP-09 headline): :math:`N = \\#` rows [count].

    Notes
    -----
    GP-09, standard row スマートシティの街づくり: 開発に参画するスマートシティの拠点数と、販売した区画数.
    """
    return Quantity(float(len(smart_cities)), "count")


def lots_sold(smart_cities: pd.DataFrame) -> pint.Quantity:
    """Lots sold in those developments by the end of the year: :math:`L = \\sum_s l_s` [count] (GP-09, breakdown)."""
    return Quantity(float(smart_cities["lots_sold"].sum()), "count")


# --- GP-10, GP-11 against a base year -----------------------------------------------------------------------

def base_year_value(history: pd.DataFrame, series: str, base_year: int, this_year: float, fiscal_year: int) -> float:
    """The base year's total of ``series``: from the history, or this year's own figure when the year reported is
    the base year [the series' unit]."""
    if fiscal_year == base_year:
        return float(this_year)
    rows = history[(history["series"] == series) & (history["fiscal_year"] == base_year)]
    return float(rows["value"].astype(float).sum())


def index_to_base_year(this_year: pint.Quantity, base_year: pint.Quantity) -> pint.Quantity:
    """This year's figure against the base year's (GP-10, GP-11).

    .. math:: x = V_n / V_{base}

    Parameters
    ----------
    this_year : Quantity
        :math:`V_n`: vehicles carrying the group's batteries [count] (GP-10) or shipment value [MJPY] (GP-11).
    base_year : Quantity
        :math:`V_{base}`, FY2014 (GP-10) or FY2015 (GP-11), same dimension.

    Returns
    -------
    Quantity
        :math:`x` [percent]: 100 % is the base year's level.

    Notes
    -----
    GP-10, standard row 車載電池 対象相当の電池供給量: 2014年度と当該年度の供給量の比較; GP-11, row 環境配慮B2B機器
    戦略GP販売: 2015年度と当該年度の出荷金額の比較.
    """
    return (this_year / base_year).to("percent")


def history_shares(history: pd.DataFrame, current: Mapping[str, float], fiscal_year: int) -> pd.DataFrame:
    """The shares of each year (GP-02, GP-05, GP-08) from the history and this year's [percent], for the chart.

    Parameters
    ----------
    history : DataFrame
        History rows used (series ``gp_sales_share``, ``led_share``, ``zeh_share``).
    current : mapping
        Series → this year's value [percent].
    fiscal_year : int
        The year reported.
    """
    rows = history[history["series"].isin(list(current))]
    frame = rows.pivot_table(index="fiscal_year", columns="series", values="value", aggfunc="sum")
    frame.loc[fiscal_year] = pd.Series(current)
    return frame.reindex(columns=list(current)).sort_index().astype(float)


# --- checks -----------------------------------------------------------------------------------------------------

def green_products_checks(*, products: pd.DataFrame, count: pint.Quantity, gp_sales: pint.Quantity,
                          efficiency: pd.DataFrame, improvement: pint.Quantity,
                          fuel_cells: tuple[pd.Series, pint.Quantity], pv: tuple[pd.Series, pint.Quantity],
                          rooms: tuple[pd.Series, pint.Quantity], shares: Mapping[str, pint.Quantity],
                          rel: float = 1e-9) -> list[Check]:
    """Reconciliations of GP-01 … GP-11, each a pass/fail :class:`~envkpi.core.results.Check`.

    Parameters
    ----------
    products : DataFrame
        :func:`strategic_products`.
    count, gp_sales : Quantity
        GP-01 [count], the strategic products' sales [MJPY].
    efficiency : DataFrame
        :func:`efficiency_table`.
    improvement : Quantity
        GP-03 [percent].
    fuel_cells, pv, rooms : tuple
        (by key [MWh or count], total) of GP-04, GP-06, GP-07.
    shares : mapping
        Id → a share [percent] (GP-02, GP-05, GP-08), each within 0 … 100 %.
    rel : float
        Relative tolerance for rounding.
    """
    def close(a: float, b: float) -> bool:
        return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)

    e0, e = float(efficiency["no_improvement_kwh"].sum()), float(efficiency["actual_kwh"].sum())
    checks = [
        Check("GP-01: the products counted are those meeting the criteria read", close(
            float(products["strategic"].sum()), count.m_as("count")),
            f"{int(products['strategic'].sum())} of {len(products)} products"),
        Check("GP-02: the strategic products' sales = sum of their rows", close(
            float(products.loc[products["strategic"], "sales"].sum()), gp_sales.m_as("MJPY")),
            f"{gp_sales.m_as('MJPY'):,.0f} MJPY"),
        Check("GP-03: 1 − Σ actual / Σ no-improvement = the result", close(
            100.0 * (1.0 - e / e0), improvement.m_as("percent")),
            f"1 − {e:,.0f} / {e0:,.0f} = {improvement.m_as('percent'):.2f} %"),
    ]
    for name, (by_key, total, unit) in (("GP-04", (*fuel_cells, "MWh")), ("GP-06", (*pv, "MWh")),
                                         ("GP-07", (*rooms, "count"))):
        checks.append(Check(f"{name}: sum over the breakdown = total", close(float(by_key.sum()), total.m_as(unit)),
                            f"{float(by_key.sum()):,.1f} = {total.m_as(unit):,.1f} {unit}"))
    for name, value in shares.items():
        checks.append(Check(f"{name}: a share between 0 and 100 %", 0.0 <= value.m_as("percent") <= 100.0,
                            f"{value.m_as('percent'):.2f} %"))
    return checks
