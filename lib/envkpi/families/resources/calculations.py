"""Resources and waste (RES-01 … RES-08): resources input, recycled resin, products taken back, factory waste.

Pure calculation functions, after the calculation standard's rows 資源循環関連 (``METHODOLOGY.md`` Family 4).
The formula functions take and return pint quantities; the table functions apply them row by row to the
validated tables of :mod:`envkpi.families.resources.tables` and return one row per input row (its
``row`` in the source file) with every mass in tonnes (columns ``*_t``).

References
----------
.. [1] 主な環境パフォーマンス指標の算定基準 (calculation standard), FY2018 edition, rows 資源循環関連:
   投入資源, 再生樹脂利用量, 家電4品目の再商品化重量, 欧州のWEEE指令対象製品回収量, 米国の廃電子機器回収量,
   工場廃棄物・有価物発生量, 有価物, 工場廃棄物・有価物のリサイクル率.
.. [2] 特定家庭用機器再商品化法 (Home Appliance Recycling Law), 施行令第3条 (再商品化等基準), as amended in 2015.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import pint

from envkpi.core.parameters import Param
from envkpi.core.results import Check
from envkpi.core.units import Quantity

from .parameters import INPUT_METHODS
from .tables import WASTE_ROUTES

__all__ = ["resources_input_purchased", "resources_input_products", "resources_input_table", "ResourcesInputTotals",
           "resources_input_totals", "recycled_resin_mass", "recycled_resin_table", "appliance_recycling_rate",
           "appliance_recycling_table", "weee_collected", "weee_collection_table", "us_ewaste_table",
           "final_disposal", "recycling_rate", "factory_waste_table", "WasteTotals", "waste_totals", "site_waste",
           "resources_checks", "tonnes", "column_total", "methods_text"]


def tonnes(frame: pd.DataFrame, columns: tuple[str, ...], unit_column: str = "unit") -> pd.DataFrame:
    """``frame`` with a column ``<column>_t`` [t] beside each mass column, converted from the row's unit."""
    out = frame.copy()
    units = frame[unit_column].to_numpy(dtype=object)
    for column in columns:
        values = frame[column].to_numpy(dtype=float)
        masses = np.full(len(frame), np.nan)
        for unit in pd.unique(units):  # each unit converted once, for all its rows
            at = units == unit
            masses[at] = Quantity(values[at], unit).m_as("t")
        out[f"{column}_t"] = masses
    return out


# --- RES-01 resources input --------------------------------------------------------------------------

def resources_input_purchased(materials: pint.Quantity, auxiliary_materials: pint.Quantity) -> pint.Quantity:
    """Resources input by method ① of the standard: purchased materials, auxiliary materials included (RES-01).

    Parameters
    ----------
    materials : Quantity
        Purchased materials and parts used in production, auxiliary materials apart [t].
    auxiliary_materials : Quantity
        Auxiliary materials (副資材) [t].

    Returns
    -------
    Quantity
        [t].

    Notes
    -----
    :math:`R_① = M + A`. Indicator RES-01; standard [1]_ row 投入資源, method ①
    (購入材料(副資材を含む)の量を把握し集計する方法).
    """
    return (materials + auxiliary_materials).to("t")


def resources_input_products(products_shipped: pint.Quantity, auxiliary_materials: pint.Quantity,
                             waste_and_valuables: pint.Quantity) -> pint.Quantity:
    """Resources input by method ② of the standard: products shipped + auxiliary materials + waste (RES-01).

    Parameters
    ----------
    products_shipped : Quantity
        Products shipped (出荷製品量) [t].
    auxiliary_materials : Quantity
        Auxiliary materials (副資材量) [t].
    waste_and_valuables : Quantity
        The waste of the same sites: the standard names the waste and valuables generated that the
        data book discloses (廃棄物・有価物発生量), i.e. RES-06 [t].

    Returns
    -------
    Quantity
        [t].

    Notes
    -----
    :math:`R_② = P + A + W`, with :math:`W` = RES-06 of the site. Indicator RES-01; standard [1]_
    row 投入資源, method ② (出荷製品量+副資材量+廃棄物量; なお、廃棄物量は…廃棄物・有価物発生量を使用).
    """
    return (products_shipped + auxiliary_materials + waste_and_valuables).to("t")


def resources_input_table(rows: pd.DataFrame, waste_by_site: pd.Series, methods: dict[str, str]) -> pd.DataFrame:
    """RES-01 per site by both methods, and the one the parameters choose for the site.

    Parameters
    ----------
    rows : DataFrame
        Validated ``resource_input`` rows (``site_id, item, quantity, unit``) of the sites inside the boundary.
    waste_by_site : Series
        RES-06 of each site [t] (:func:`site_waste`), site id → tonnes.
    methods : dict
        Site id → ``purchased_materials`` or ``products_auxiliary_waste`` (every site inside the boundary).

    Returns
    -------
    DataFrame
        One row per site: ``site_id, rows`` (file rows used), ``materials_t, auxiliary_materials_t,
        products_shipped_t, waste_and_valuables_t`` [t], ``purchased_method_t, products_method_t`` [t]
        (methods ① and ②; empty where an item is missing), ``method`` and ``input_t`` [t] (the chosen method's).
    """
    masses = tonnes(rows, ("quantity",))
    pivot = masses.pivot_table(index="site_id", columns="item", values="quantity_t", aggfunc="sum")
    sites = list(methods)
    items = pivot.reindex(index=sites, columns=["materials", "auxiliary_materials", "products_shipped"])
    materials, auxiliary, shipped = (items[name].to_numpy(dtype=float) for name in items.columns)
    waste = np.array([float(waste_by_site.get(site, 0.0)) for site in sites], dtype=float)
    first = np.asarray(resources_input_purchased(Quantity(materials, "t"), Quantity(auxiliary, "t")).m_as("t"), dtype=float)
    second = np.asarray(resources_input_products(Quantity(shipped, "t"), Quantity(auxiliary, "t"),
                                                 Quantity(waste, "t")).m_as("t"), dtype=float)
    chosen = np.where([methods[site] == "purchased_materials" for site in sites], first, second)
    used = rows.groupby("site_id", sort=False)["row"].agg(lambda r: ", ".join(str(int(v)) for v in r))
    return pd.DataFrame({"site_id": sites, "rows": [used.get(site, "") for site in sites],
                         "materials_t": materials, "auxiliary_materials_t": auxiliary, "products_shipped_t": shipped,
                         "waste_and_valuables_t": waste, "purchased_method_t": first, "products_method_t": second,
                         "method": [methods[site] for site in sites], "input_t": chosen},
                        columns=["site_id", "rows", "materials_t", "auxiliary_materials_t", "products_shipped_t",
                                 "waste_and_valuables_t", "purchased_method_t", "products_method_t", "method", "input_t"])


def methods_text(methods: dict[str, str]) -> str:
    """The RES-01 method of the sites in words: ``by method ① … for 11 sites and by method ② … for CN-02``."""
    by_method: dict[str, list[str]] = {}
    for site, chosen in methods.items():
        by_method.setdefault(chosen, []).append(site)
    parts = sorted(by_method.items(), key=lambda item: -len(item[1]))
    return " and ".join(f"by method {INPUT_METHODS[chosen]} for "
                        + (f"{len(sites)} sites" if len(sites) > 3 else ", ".join(sites)) for chosen, sites in parts)


class ResourcesInputTotals(NamedTuple):
    """RES-01 of the group by the chosen method(s), and by each method for the sites that report both."""

    total: pint.Quantity
    purchased_method: pint.Quantity | None
    products_method: pint.Quantity | None


def resources_input_totals(table: pd.DataFrame) -> ResourcesInputTotals:
    """RES-01: Σ over sites of the chosen method's figure [t]; and each method's group figure [t], or None
    when a site lacks an item it needs."""
    def total(column: str) -> pint.Quantity | None:
        return None if table[column].isna().any() else Quantity(float(table[column].sum()), "t")

    return ResourcesInputTotals(Quantity(float(table["input_t"].sum()), "t"), total("purchased_method_t"),
                                total("products_method_t"))


# --- RES-02 recycled resin ---------------------------------------------------------------------------

def recycled_resin_mass(compound_mass: pint.Quantity, added_virgin_mass: pint.Quantity) -> pint.Quantity:
    """Recycled material in a recycled-resin compound: the compound less what was newly added (RES-02).

    Parameters
    ----------
    compound_mass : Quantity
        Mass of the recycled-resin compound used [t].
    added_virgin_mass : Quantity
        Virgin resin, new additives and fillers mixed into it [t] (≤ ``compound_mass``).

    Returns
    -------
    Quantity
        [t].

    Notes
    -----
    :math:`m_{recycled} = m_{compound} - m_{virgin+additives+fillers}`. Indicator RES-02; standard [1]_ row
    再生樹脂利用量 (新規の樹脂や新たに添加、混合する新規の添加剤、充填材を含まない再生材のみの質量).
    """
    return (compound_mass - added_virgin_mass).to("t")


def recycled_resin_table(rows: pd.DataFrame) -> pd.DataFrame:
    """RES-02 per row: the input columns, the masses in tonnes and ``recycled_t`` [t]."""
    out = tonnes(rows, ("compound_mass", "added_virgin_mass"))
    out["recycled_t"] = [recycled_resin_mass(Quantity(c, "t"), Quantity(a, "t")).m_as("t")
                         for c, a in zip(out["compound_mass_t"], out["added_virgin_mass_t"])]
    return out


def column_total(table: pd.DataFrame, column: str) -> pint.Quantity:
    """The sum of a tonnes column (``*_t``) of a family table [t]: RES-02 is ``column_total(resin, "recycled_t")``,
    RES-03 ``column_total(appliances, "recycled_t")``, RES-04 ``column_total(weee, "group_collected_t")``, RES-05
    ``column_total(us, "collected_t")``."""
    if not column.endswith("_t"):
        raise ValueError(f"{column}: expected a column in tonnes (named *_t)")
    return Quantity(float(table[column].sum()), "t")


# --- RES-03 home appliances --------------------------------------------------------------------------

def appliance_recycling_rate(recycled: pint.Quantity, processed: pint.Quantity) -> pint.Quantity:
    """Recycling rate achieved for a category of home appliances (RES-03, beside the statutory rate).

    Parameters
    ----------
    recycled : Quantity
        Weight recycled (再商品化重量) [t].
    processed : Quantity
        Weight taken in for recycling (再商品化等処理重量) [t].

    Returns
    -------
    Quantity
        [percent]; NaN when nothing was processed.

    Notes
    -----
    :math:`r = W_{recycled} / W_{processed}`, the rate the statutory standard (再商品化等基準 [2]_) is set
    for; heat recovery is not recycling. Indicator RES-03 (its figure is :math:`\\sum W_{recycled}`);
    standard [1]_ row 家電4品目の再商品化重量.
    """
    if processed.m_as("t") == 0:
        return Quantity(float("nan"), "percent")
    return (recycled / processed).to("percent")


def appliance_recycling_table(rows: pd.DataFrame, statutory_rates: dict[str, Param]) -> pd.DataFrame:
    """RES-03 per category: weights [t], the rate achieved and the statutory rate [percent] beside it.

    Returns
    -------
    DataFrame
        ``row, category, processed_t, recycled_t, achieved_rate_pct, statutory_rate_pct, meets_statutory_rate``.
    """
    out = tonnes(rows, ("processed", "recycled"))
    out["achieved_rate_pct"] = [appliance_recycling_rate(Quantity(r, "t"), Quantity(p, "t")).m_as("percent")
                                for r, p in zip(out["recycled_t"], out["processed_t"])]
    out["statutory_rate_pct"] = [statutory_rates[c].quantity.m_as("percent") for c in out["category"]]
    out["meets_statutory_rate"] = [("yes" if a >= s else "NO") if pd.notna(a) else "nothing processed"
                                   for a, s in zip(out["achieved_rate_pct"], out["statutory_rate_pct"])]
    return out[["row", "category", "processed_t", "recycled_t", "achieved_rate_pct", "statutory_rate_pct",
                "meets_statutory_rate"]]


# --- RES-04 WEEE, RES-05 US e-waste ------------------------------------------------------------------

def weee_collected(scheme_collected: pint.Quantity, group_share: pint.Quantity) -> pint.Quantity:
    """The group's part of the WEEE a collection scheme collected (RES-04).

    Parameters
    ----------
    scheme_collected : Quantity
        Weight of WEEE the scheme collected in the year [t].
    group_share : Quantity
        The group's weight-based share of the products put on the market in that scheme [percent].

    Returns
    -------
    Quantity
        [t].

    Notes
    -----
    :math:`C = W_{scheme} \\times s_{group}`; RES-04 = :math:`\\sum_{schemes} W_{scheme} \\times s_{group}`.
    Indicator RES-04; standard [1]_ row 欧州のWEEE指令対象製品回収量
    (回収システムごとの回収重量×当該システムにおける当社重量ベース市場投入シェア).
    """
    return (scheme_collected * group_share).to("t")


def weee_collection_table(rows: pd.DataFrame) -> pd.DataFrame:
    """RES-04 per scheme: the input columns, ``collected_t`` [t] and the group's part ``group_collected_t`` [t]."""
    out = tonnes(rows, ("collected",))
    out["group_collected_t"] = [weee_collected(Quantity(c, "t"), Quantity(s, "percent")).m_as("t")
                                for c, s in zip(out["collected_t"], out["group_share"])]
    return out


def us_ewaste_table(rows: pd.DataFrame) -> pd.DataFrame:
    """RES-05 per programme: the input columns and ``collected_t`` [t]; RES-05 is their sum (州法に基づく回収量
    および自主取り組みによる回収量など, standard [1]_ row 米国の廃電子機器回収量)."""
    return tonnes(rows, ("collected",))


# --- RES-06 … RES-08 factory waste and valuables ---------------------------------------------------

def final_disposal(landfilled: pint.Quantity, incineration_residue: pint.Quantity) -> pint.Quantity:
    """Final disposal: what is landfilled, the residue of incineration included (RES-08).

    Parameters
    ----------
    landfilled : Quantity
        Waste landfilled directly [t].
    incineration_residue : Quantity
        Ash and residue of the waste burnt (with or without energy recovery) that is landfilled [t].

    Returns
    -------
    Quantity
        [t].

    Notes
    -----
    :math:`D = L + R_{incineration}`. Standard [1]_ row 工場廃棄物・有価物のリサイクル率: 最終処分量は焼却残渣を考慮.
    """
    return (landfilled + incineration_residue).to("t")


def recycling_rate(recycled: pint.Quantity, disposal: pint.Quantity) -> pint.Quantity:
    """Recycling rate of factory waste and valuables (RES-08).

    Parameters
    ----------
    recycled : Quantity
        Recycled as material (再資源化量), thermal recovery excluded [t].
    disposal : Quantity
        Final disposal (最終処分量), incineration residue included (:func:`final_disposal`) [t].

    Returns
    -------
    Quantity
        [percent]; NaN when both are zero.

    Notes
    -----
    :math:`\\text{RES-08} = \\frac{R}{R + D}`. Indicator RES-08; standard [1]_ row 工場廃棄物・有価物のリサイクル率
    (再資源化量/(再資源化量+最終処分量); 再資源化量はサーマルリサイクルを含まない; 最終処分量は焼却残渣を考慮).
    """
    whole = (recycled + disposal).m_as("t")
    if whole == 0:
        return Quantity(float("nan"), "percent")
    return (recycled / (recycled + disposal)).to("percent")


#: Mass columns of the factory-waste table.
WASTE_MASSES = ("generated", *WASTE_ROUTES, "incineration_residue")


def factory_waste_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Factory waste per site and stream, in tonnes, with the final disposal of each row.

    Returns
    -------
    DataFrame
        ``row, site_id, stream``, each mass ``*_t`` [t] and ``final_disposal_t`` [t] (:func:`final_disposal`).
    """
    out = tonnes(rows, WASTE_MASSES)
    out["final_disposal_t"] = np.asarray(final_disposal(Quantity(out["landfilled_t"].to_numpy(dtype=float), "t"),
                                                        Quantity(out["incineration_residue_t"].to_numpy(dtype=float), "t")
                                                        ).m_as("t"), dtype=float)
    return out[["row", "site_id", "stream", *(f"{m}_t" for m in WASTE_MASSES), "final_disposal_t"]]


class WasteTotals(NamedTuple):
    """The group's factory waste [t] and recycling rate [percent] (RES-06 … RES-08), and the figures of the
    readings not taken."""

    generated: pint.Quantity              # RES-06
    valuables: pint.Quantity              # RES-07
    waste: pint.Quantity                  # industrial + general waste
    recycled: pint.Quantity
    thermal_recovery: pint.Quantity
    incinerated: pint.Quantity
    landfilled: pint.Quantity
    incineration_residue: pint.Quantity
    final_disposal: pint.Quantity
    rate: pint.Quantity                   # RES-08
    rate_incinerated_as_disposal: pint.Quantity   # the mass burnt without recovery counted as final disposal
    rate_thermal_as_recycled: pint.Quantity       # what the standard excludes: thermal recovery counted as recycled
    rate_waste_only: pint.Quantity                # valuables left out of numerator and denominator


def waste_totals(table: pd.DataFrame) -> WasteTotals:
    """RES-06, RES-07 and RES-08 of the group from :func:`factory_waste_table`.

    Notes
    -----
    RES-06 = :math:`\\sum` generated over sites and streams (産業廃棄物と一般廃棄物、有価物の発生量の合計);
    RES-07 = :math:`\\sum` generated of the stream ``valuables`` (有価物); RES-08 = :func:`recycling_rate` of the
    sums. The other readings: final disposal counting the mass burnt without energy recovery instead of its
    residue, :math:`R / (R + L + I)`; and thermal recovery counted as recycled (excluded by the standard),
    :math:`(R + T) / (R + T + D)`; and the rate of waste alone, valuables left out of both sums.
    """
    def total(column: str, rows: pd.Series | None = None) -> pint.Quantity:
        values = table[column] if rows is None else table.loc[rows, column]
        return Quantity(float(values.sum()), "t")

    valuables = table["stream"] == "valuables"
    recycled, thermal, disposal = total("recycled_t"), total("thermal_recovery_t"), total("final_disposal_t")
    landfilled, incinerated = total("landfilled_t"), total("incinerated_t")
    return WasteTotals(
        generated=total("generated_t"), valuables=total("generated_t", valuables), waste=total("generated_t", ~valuables),
        recycled=recycled, thermal_recovery=thermal, incinerated=incinerated, landfilled=landfilled,
        incineration_residue=total("incineration_residue_t"), final_disposal=disposal,
        rate=recycling_rate(recycled, disposal),
        rate_incinerated_as_disposal=recycling_rate(recycled, landfilled + incinerated),
        rate_thermal_as_recycled=recycling_rate(recycled + thermal, disposal),
        rate_waste_only=recycling_rate(total("recycled_t", ~valuables), total("final_disposal_t", ~valuables)),
    )


def site_waste(table: pd.DataFrame, sites: pd.Index) -> pd.DataFrame:
    """Per site: RES-06 ``generated_t``, RES-07 ``valuables_t``, ``recycled_t``, ``final_disposal_t`` [t] and the
    site's recycling rate ``recycling_rate_pct`` [percent] (every site inside the boundary, 0 where it has no row)."""
    grouped = table.groupby("site_id")
    out = pd.DataFrame(index=pd.Index(sites, name="site_id"))
    out["generated_t"] = grouped["generated_t"].sum()
    out["valuables_t"] = table[table["stream"] == "valuables"].groupby("site_id")["generated_t"].sum()
    out["recycled_t"] = grouped["recycled_t"].sum()
    out["thermal_recovery_t"] = grouped["thermal_recovery_t"].sum()
    out["final_disposal_t"] = grouped["final_disposal_t"].sum()
    out = out.fillna(0.0)
    out["recycling_rate_pct"] = [recycling_rate(Quantity(r, "t"), Quantity(d, "t")).m_as("percent")
                                 for r, d in zip(out["recycled_t"], out["final_disposal_t"])]
    return out


# --- checks ------------------------------------------------------------------------------------------

def resources_checks(totals: WasteTotals, waste: pd.DataFrame, sites: pd.DataFrame, resin: pd.DataFrame,
                     weee: pd.DataFrame, inputs: ResourcesInputTotals, input_table: pd.DataFrame) -> list[Check]:
    """Reconciliations of the family's figures, each recomputed another way (to rounding)."""
    def close(a: float, b: float) -> bool:
        return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)

    generated, valuables, waste_only = (q.m_as("t") for q in (totals.generated, totals.valuables, totals.waste))
    routes = sum(float(waste[f"{r}_t"].sum()) for r in WASTE_ROUTES)
    rate = 100 * totals.recycled.m_as("t") / (totals.recycled.m_as("t") + totals.final_disposal.m_as("t"))
    share_form = float(weee["collected_t"].mul(weee["group_share"] / 100).sum())
    return [
        Check("RES-06 = waste + RES-07 (valuables)", close(generated, waste_only + valuables),
              f"{generated:,.3f} t = {waste_only:,.3f} t + {valuables:,.3f} t"),
        Check("RES-06 = recycled + thermal recovery + incinerated + landfilled", close(generated, routes),
              f"{generated:,.3f} t vs {routes:,.3f} t"),
        Check("RES-06: sum over sites = group total", close(float(sites["generated_t"].sum()), generated),
              f"{float(sites['generated_t'].sum()):,.3f} t vs {generated:,.3f} t"),
        Check("RES-07: sum over sites = group total", close(float(sites["valuables_t"].sum()), valuables),
              f"{float(sites['valuables_t'].sum()):,.3f} t vs {valuables:,.3f} t"),
        Check("RES-08 = recycled / (recycled + final disposal), recomputed", close(totals.rate.m_as("percent"), rate),
              f"{totals.rate.m_as('percent'):.6f} % vs {rate:.6f} %"),
        Check("RES-08 excludes thermal recovery: rate ≤ the rate counting it", totals.rate <= totals.rate_thermal_as_recycled,
              f"{totals.rate.m_as('percent'):.3f} % ≤ {totals.rate_thermal_as_recycled.m_as('percent'):.3f} %"),
        Check("RES-02: recycled ≤ compound mass on every row", bool((resin["recycled_t"] <= resin["compound_mass_t"]).all()),
              f"{int((resin['recycled_t'] > resin['compound_mass_t']).sum())} rows above"),
        Check("RES-04 = Σ collected × share, recomputed", close(float(weee["group_collected_t"].sum()), share_form),
              f"{float(weee['group_collected_t'].sum()):,.3f} t vs {share_form:,.3f} t"),
        Check("RES-01: sum over sites = group total", close(float(input_table["input_t"].sum()), inputs.total.m_as("t")),
              f"{float(input_table['input_t'].sum()):,.3f} t vs {inputs.total.m_as('t'):,.3f} t"),
    ]
