"""Emissions from the use of the group's products (CO2-04).

CO2-04 is an **inventory** figure — CO2 of the electricity the products sold in the year will use
over the years the group keeps their repair parts, which corresponds to the use of sold products in
a Scope 3 inventory (category 11). It is not an avoided-emissions figure: it is never netted against
``envkpi.families.avoided_emissions.calculations`` (CO2-01 … CO2-03), and those are never subtracted from it.

Pure calculation functions, after the calculation standard's row 商品使用時の直接的なCO2排出量
(``METHODOLOGY.md`` Family 1, CO2-04). The formula function takes and returns pint quantities; the
table function applies it row by row to the validated ``product_use`` table (``envkpi.families.product_use.tables``) and
returns one row per input row, with its ``row`` in the source file, the factors used (as text with
unit) and the result ``co2_t`` [t CO2].

References
----------
.. [1] 主な環境パフォーマンス指標の算定基準 (calculation standard), FY2018 edition, row
   商品使用時の直接的なCO2排出量, notes ※1 (categories), ※2 (the best-selling model of each category
   in each region), ※3 (lifetime = 当社が定める補修用部品の保有年数).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pint

from envkpi.core.parameters import Param, Region, lookup
from envkpi.core.results import Check
from envkpi.core.units import Quantity

__all__ = ["STANDARD_CATEGORIES", "product_use_emissions", "product_use_table", "product_use_total",
           "best_selling_models", "total_with_best_model_units", "units_sold_reading", "category_coverage",
           "product_use_checks"]

#: The categories the standard lists for CO2-04 (※1), with their names in the standard. Keys are the
#: category keys of the input data; the list ends with "など" (and others) in the standard.
STANDARD_CATEGORIES: dict[str, str] = {
    "room_air_conditioner": "家庭用エアコン", "commercial_air_conditioner": "業務用エアコン",
    "fluorescent_lighting": "蛍光灯", "led_lighting": "LED照明", "refrigerator": "家庭用冷蔵庫",
    "commercial_refrigerator": "業務用冷蔵庫", "lcd_tv": "液晶テレビ", "washer_dryer": "洗濯乾燥機",
    "washing_machine": "全自動洗濯機", "clothes_dryer": "衣類乾燥機", "dishwasher": "食器洗い乾燥機",
    "ih_cooker": "IHクッキングヒーター", "heat_pump_water_heater": "エコキュート",
    "bathroom_ventilation_dryer": "バス換気乾燥機", "humidifier": "加湿器", "dehumidifier": "除湿機",
    "air_purifier": "空気清浄機", "ventilation_fan": "換気扇", "vending_machine": "自動販売機",
    "rice_cooker": "ジャー炊飯器", "microwave_oven": "電子レンジ", "warm_water_toilet_seat": "温水洗浄便座",
    "iron": "アイロン", "hair_dryer": "ドライヤー", "electric_carpet": "電気カーペット",
    "vacuum_cleaner": "掃除機", "jar_pot": "ジャーポット", "range_hood": "レンジフード", "telephone": "電話機",
    "security_camera": "セキュリティカメラ", "projector": "プロジェクター", "placement_machine": "実装機",
}


def product_use_emissions(annual_consumption: pint.Quantity, units_sold: pint.Quantity, lifetime: pint.Quantity,
                          emission_factor: pint.Quantity) -> pint.Quantity:
    """CO2 from using the products of one category sold in one region in the year (CO2-04).

    Parameters
    ----------
    annual_consumption : Quantity
        Annual electricity consumption of the best-selling model of the category in the region
        [kWh/year].
    units_sold : Quantity
        Units of the category sold in the region in the fiscal year [count].
    lifetime : Quantity
        Product lifetime: the years the group keeps repair parts for the category (補修用部品の保有年数)
        [year].
    emission_factor : Quantity
        Electricity emission factor of the region [kg CO2/kWh].

    Returns
    -------
    Quantity
        [t CO2].

    Notes
    -----
    :math:`CO_2 = C \\times N \\times L \\times EF`. Every unit of the category is taken to consume
    as the best-selling model does (※2). Indicator CO2-04; standard [1]_ row
    商品使用時の直接的なCO2排出量.
    """
    return (annual_consumption * units_sold * lifetime * emission_factor).to("t CO2")


def product_use_table(rows: pd.DataFrame, regions: dict[str, Region], lifetimes: dict[str, Param]) -> pd.DataFrame:
    """CO2 from product use of every category and region row (CO2-04).

    Parameters
    ----------
    rows : DataFrame
        Validated rows with ``row, category, region, model, model_kwh_per_year, units_sold``
        (``tables.PRODUCT_USE``).
    regions : dict
        Region key → :class:`envkpi.core.parameters.Region`: the electricity factor where the products
        are used.
    lifetimes : dict
        Category → :class:`envkpi.core.parameters.Param` [year] (``product_use.lifetimes``).

    Returns
    -------
    DataFrame
        The input columns plus ``lifetime``, ``emission_factor`` (as text with unit) and ``co2_t``
        [t CO2].

    Raises
    ------
    ValueError
        For a category without a lifetime or an unknown region, naming it and the row (the loader
        normally reports both first).
    """
    out = rows.copy()
    lifetime_text, factor_text, co2 = [], [], []
    for row in rows.itertuples(index=False):
        lifetime = lookup(lifetimes, row.category, "category", "product_use.lifetimes", row)
        factor = lookup(regions, row.region, "region", "product_regions", row).emission_factor
        co2.append(product_use_emissions(Quantity(float(row.model_kwh_per_year), "kWh / year"),
                                         Quantity(float(row.units_sold), "count"), lifetime.quantity,
                                         factor.quantity).m_as("t CO2"))
        lifetime_text.append(lifetime.text)
        factor_text.append(factor.text)
    out["lifetime"] = lifetime_text
    out["emission_factor"] = factor_text
    out["co2_t"] = np.array(co2, dtype=float)
    return out


def best_selling_models(shipments: pd.DataFrame) -> pd.DataFrame:
    r"""The rows of ``product_use`` derived from a ledger of shipments: per category and region, the
    best-selling model, its consumption and the units of the category (CO2-04, ※2).

    Parameters
    ----------
    shipments : DataFrame
        Validated rows of ``product_shipments`` with ``row, shipment_id, category, region, model,
        model_kwh_per_year`` [kWh/y] and ``units`` [count]; every row of a model in a region gives the
        same consumption (the loader checks it).

    Returns
    -------
    DataFrame
        One row per category and region, in the order of their first shipment: ``row`` (the first
        ledger row of the best-selling model), ``category, region, model, model_kwh_per_year``
        [kWh/y], ``units_sold`` (every model of the category in the region) [count], ``model_units``
        (the best-selling model's own) [count], ``models`` (models shipped) and ``shipments`` (ledger
        rows).

    Notes
    -----
    ※2 reads 商品カテゴリーの各地域で最多販売台数の機種を選定: in each region, the model of the category
    with the most units sold. :math:`N_{c,r} = \sum_{m} n_{c,r,m}` and the best-selling model is
    :math:`\arg\max_m n_{c,r,m}`; models that tie are resolved towards the higher consumption (the
    larger, conservative figure), then the model name. Indicator CO2-04; standard [1]_.
    """
    keys = ["category", "region"]
    per_model = shipments.groupby([*keys, "model"], sort=False).agg(
        row=("row", "first"), model_kwh_per_year=("model_kwh_per_year", "first"), model_units=("units", "sum"))
    per_model = per_model.reset_index()
    ranked = per_model.sort_values([*keys, "model_units", "model_kwh_per_year", "model"],
                                   ascending=[True, True, False, False, True], kind="stable")
    best = ranked.drop_duplicates(keys).set_index(keys)
    groups = shipments.groupby(keys, sort=False)
    best["units_sold"] = groups["units"].sum()
    best["models"] = groups["model"].nunique()
    best["shipments"] = groups.size()
    first_row = groups["row"].min()
    best = best.loc[first_row.sort_values(kind="stable").index].reset_index()
    columns = ["row", *keys, "model", "model_kwh_per_year", "units_sold", "model_units", "models", "shipments"]
    return best[columns].astype({"units_sold": float, "model_units": float, "models": int, "shipments": int})


def total_with_best_model_units(products: pd.DataFrame, regions: dict[str, Region],
                                lifetimes: dict[str, Param]) -> pint.Quantity | None:
    """CO2-04 under the other reading of 販売台数: the units of the best-selling model only (not every model
    of the category) [t CO2]; None when the inputs give no per-model units (``product_use.csv``).

    Parameters are those of :func:`product_use_table`; ``products`` from :func:`best_selling_models`.
    """
    if "model_units" not in products:
        return None
    return product_use_total(product_use_table(products.assign(units_sold=products["model_units"]), regions, lifetimes))


def units_sold_reading(total: pint.Quantity, other: pint.Quantity | None, shipment_rows: int | None) -> tuple[str, dict]:
    """The sentence that gives CO2-04 under the other reading of 販売台数, as ``(template, values)`` for
    :func:`envkpi.pages.report.say`; without per-model units, the sentence says the figure cannot be given."""
    if other is None:
        return ("The other reading (the best-selling model's own units) needs the units of every model: "
                "give product_shipments.csv in place of product_use.csv to see it.", {})
    return ("From {rows} shipment rows. Read with the best-selling model's own units only, CO2-04 would be {other} "
            "instead of {total} ({share} of it).",
            {"rows": f"{shipment_rows:,}", "other": other, "total": total,
             "share": f"{other.m_as('t CO2') / total.m_as('t CO2'):.1%}" if total.m_as("t CO2") else "n/a"})


def product_use_total(table: pd.DataFrame) -> pint.Quantity:
    """CO2-04: the sum over categories and regions of :func:`product_use_table` [t CO2]."""
    return Quantity(float(table["co2_t"].sum()), "t CO2")


def category_coverage(rows: pd.DataFrame) -> pd.DataFrame:
    """Which categories of the standard's list (※1) the data covers, and in how many regions.

    Returns
    -------
    DataFrame
        ``category, name_ja, regions, units_sold`` for every listed category (0 where the data has
        none), then any category of the data that the list does not name.
    """
    sold = rows.groupby("category").agg(regions=("region", "nunique"), units_sold=("units_sold", "sum"))
    keys = list(STANDARD_CATEGORIES) + [c for c in sold.index if c not in STANDARD_CATEGORIES]
    return pd.DataFrame({
        "category": keys,
        "name_ja": [STANDARD_CATEGORIES.get(k, "(not in the standard's list)") for k in keys],
        "regions": [int(sold["regions"].get(k, 0)) for k in keys],
        "units_sold": [float(sold["units_sold"].get(k, 0.0)) for k in keys],
    })


def product_use_checks(table: pd.DataFrame) -> list[Check]:
    """Plausibility checks of CO2-04: every row has a result; no row is negative."""
    return [
        Check("Every row has a result", not table["co2_t"].isna().any(), f"{int(table['co2_t'].isna().sum())} missing"),
        Check("No negative emissions", not (table["co2_t"] < 0).any(), f"{int((table['co2_t'] < 0).sum())} negative rows"),
    ]
