"""Chemical substances: handled (CHE-01), released (CHE-02), transferred (CHE-03) and the hazard-weighted
human and environmental impact (CHE-04).

Pure calculation functions after the calculation standard's rows 化学物質関連 (``METHODOLOGY.md`` Family 6).
The formula functions take and return pint quantities; the table functions apply them row by row to
validated input tables and keep each input row's ``row`` (its line in the source file), so that every
figure can be tied to its input.

The standard defines transfers twice, on purpose:

* CHE-03 (管理対象化学物質の移動量): transfers as waste and to sewers, **including** recycling that is
  free of charge or paid for by the group (無償および逆有償) when it counts as waste under the Waste
  Management Act (so CHE-03 differs from the transfers filed under the PRTR Act);
* CHE-04 (ヒト・環境影響度): hazard coefficient × (releases + transfers), the transfers **excluding** that
  recycling.

References
----------
.. [1] 主な環境パフォーマンス指標の算定基準 (calculation standard), FY2018 edition, rows 化学物質関連:
   管理対象化学物質, 管理対象化学物質の排出量, 管理対象化学物質の移動量, 工場のヒト・環境影響度算出の対象物質,
   ヒト・環境影響度.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pint

from envkpi.core.results import Check
from envkpi.core.units import Quantity

__all__ = [
    "RELEASE_COLUMNS",
    "mass_total",
    "releases",
    "transfers",
    "hazard_weighted_impact",
    "substance_rows",
    "transfer_rows",
    "by_substance",
    "ChemicalsResult",
    "chemicals_result",
    "chemicals_checks",
    "in_tonnes",
]

#: The release destinations the standard counts in CHE-02 (排出量は大気、公共用水域、土壌への排出を含む).
RELEASE_COLUMNS = ("air", "water", "soil")


def in_tonnes(kilograms: float) -> pint.Quantity:
    """A mass reported in kg [kg], as a quantity in t [t]: m = kg ÷ 1,000."""
    return Quantity(float(kilograms), "kg").to("t")


def mass_total(masses: Iterable[pint.Quantity]) -> pint.Quantity:
    """The sum of masses [t] (0 t for none): CHE-01, the managed substances handled, is this sum.

    Parameters
    ----------
    masses : iterable of Quantity
        Masses [kg or t], one per site and substance.

    Returns
    -------
    Quantity
        The total [t].

    Notes
    -----
    .. math:: H = \\sum_{s} \\sum_{c} h_{s,c}

    CHE-01; standard, 管理対象化学物質: the substances of the group's rank guideline
    (化学物質管理ランク指針(工場版)), which includes every substance of the Japanese PRTR Act.
    """
    total = Quantity(0.0, "t")
    for mass in masses:
        total = total + mass.to("t")
    return total


def releases(air: pint.Quantity, water: pint.Quantity, soil: pint.Quantity) -> pint.Quantity:
    """The releases of one substance at one site (CHE-02): to air, public water and soil.

    Parameters
    ----------
    air, water, soil : Quantity
        Released to air, to public water bodies and to soil [kg or t].

    Returns
    -------
    Quantity
        E = air + water + soil [t].

    Notes
    -----
    .. math:: E = e_\\mathrm{air} + e_\\mathrm{water} + e_\\mathrm{soil}

    CHE-02; standard, 管理対象化学物質の排出量: 排出量は大気、公共用水域、土壌への排出を含む. Landfill
    inside the site (埋立処分, a release under the PRTR Act) is not one of the three destinations the
    standard names: it is not added here and the report shows the figure with it.
    """
    return (air.to("t") + water.to("t") + soil.to("t")).to("t")


def transfers(waste: pint.Quantity, sewer: pint.Quantity, wma_recycling: pint.Quantity,
              *, include_recycling: bool) -> pint.Quantity:
    """The transfers of one substance at one site, by either of the standard's two definitions.

    Parameters
    ----------
    waste : Quantity
        Moved off-site as waste, *not* recycled [kg or t].
    sewer : Quantity
        Discharged to sewers [kg or t].
    wma_recycling : Quantity
        Moved off-site to recycling that is free of charge or paid for by the group and counts as waste
        under the Waste Management Act (無償および逆有償リサイクル) [kg or t].
    include_recycling : bool
        True for CHE-03 (管理対象化学物質の移動量), False for the transfers of CHE-04 (ヒト・環境影響度).

    Returns
    -------
    Quantity
        T₃ = waste + sewer + recycling (CHE-03) or T₄ = waste + sewer (CHE-04) [t].

    Notes
    -----
    .. math:: T_3 = t_\\mathrm{waste} + t_\\mathrm{sewer} + r, \\qquad T_4 = t_\\mathrm{waste} + t_\\mathrm{sewer} = T_3 - r

    Standard, 管理対象化学物質の移動量: 廃棄物としての移動と下水道への排水移動を含む。…無償および…逆有償リサイクルは
    リサイクル量を含む; ヒト・環境影響度: 対象物質の移動量 … (…無償および逆有償)リサイクルは含まない.
    """
    total = waste.to("t") + sewer.to("t")
    if include_recycling:
        total = total + wma_recycling.to("t")
    return total.to("t")


def hazard_weighted_impact(coefficient: float, released: pint.Quantity, transferred: pint.Quantity) -> pint.Quantity:
    """The human and environmental impact of one substance (CHE-04): coefficient × (releases + transfers).

    Parameters
    ----------
    coefficient : float
        The hazard coefficient of the substance's rank [1]: A 10,000, B 1,000, C 100, D 10, E 1.
    released : Quantity
        Its releases to air, public water and soil, E [t].
    transferred : Quantity
        Its transfers as waste and to sewers *without* the recycling, T₄ [t].

    Returns
    -------
    Quantity
        I = k × (E + T₄) [t, hazard-weighted].

    Notes
    -----
    .. math:: I = k_{\\mathrm{rank}} \\times (E + T_4)

    CHE-04; standard, ヒト・環境影響度: 有害性係数×(対象物質の排出量+対象物質の移動量).
    """
    if coefficient < 0:
        raise ValueError(f"hazard coefficient {coefficient} is negative; expected 1, 10, 100, 1,000 or 10,000")
    return (coefficient * (released.to("t") + transferred.to("t"))).to("t")


def substance_rows(flows: pd.DataFrame, ranks: Mapping[str, str], coefficients: Mapping[str, float]) -> pd.DataFrame:
    """Each row of ``chemical_substances.csv`` in t, with the substance's rank and coefficient.

    Parameters
    ----------
    flows : DataFrame
        Validated rows inside the boundary: ``row``, ``site_id``, ``substance``, ``handled``, ``air``,
        ``water``, ``soil``, ``landfill`` [kg].
    ranks : mapping
        Substance → its hazard rank (the managed list of the parameters).
    coefficients : mapping
        Rank → its hazard coefficient [1].

    Returns
    -------
    DataFrame
        ``row``, ``site_id``, ``substance``, ``rank``, ``coefficient`` [1], ``handled_t``, ``air_t``, ``water_t``,
        ``soil_t``, ``landfill_t``, ``releases_t`` = air + water + soil [t].
    """
    frame = flows[["row", "site_id", "substance"]].copy()
    frame["rank"] = [ranks[s] for s in frame["substance"]]
    frame["coefficient"] = [float(coefficients[r]) for r in frame["rank"]]
    for column in ("handled", "air", "water", "soil", "landfill"):
        frame[f"{column}_t"] = _tonnes(flows[column])
    frame["releases_t"] = np.asarray(releases(*(Quantity(frame[f"{c}_t"].to_numpy(dtype=float), "t")
                                                for c in ("air", "water", "soil"))).m_as("t"), dtype=float)
    return frame.reset_index(drop=True)


def _tonnes(kilograms: pd.Series) -> np.ndarray:
    """:func:`in_tonnes` of every value of a column at once [t]."""
    return np.asarray(Quantity(kilograms.to_numpy(dtype=float), "kg").to("t").m_as("t"), dtype=float)


def _sum(values) -> pint.Quantity:
    """:func:`mass_total` of masses in t given as numbers, added in the same order (a running sum, not a
    pairwise one, so the total is the one the masses added one by one give)."""
    values = np.asarray(list(values) if not hasattr(values, "__len__") else values, dtype=float)
    return Quantity(float(np.add.accumulate(np.concatenate(([0.0], values)))[-1]), "t")


def transfer_rows(moves: pd.DataFrame, ranks: Mapping[str, str]) -> pd.DataFrame:
    """Each row of ``chemical_transfers.csv`` in t, with the part each transfer definition counts.

    Parameters
    ----------
    moves : DataFrame
        Validated rows inside the boundary: ``row``, ``site_id``, ``substance``, ``destination`` (``waste`` or
        ``sewer``), ``wma_recycling`` (bool), ``quantity`` [kg].
    ranks : mapping
        Substance → its hazard rank.

    Returns
    -------
    DataFrame
        ``row``, ``site_id``, ``substance``, ``rank``, ``destination``, ``wma_recycling``, ``quantity_t`` [t],
        ``che03_t`` (all of it) and ``che04_t`` (0 for a recycling row) [t].
    """
    frame = moves[["row", "site_id", "substance", "destination", "wma_recycling"]].copy()
    frame.insert(3, "rank", [ranks[s] for s in frame["substance"]])
    frame["wma_recycling"] = frame["wma_recycling"].astype(bool)
    frame["quantity_t"] = _tonnes(moves["quantity"])
    frame["che03_t"] = frame["quantity_t"]
    frame["che04_t"] = np.where(frame["wma_recycling"].to_numpy(dtype=bool), 0.0, frame["quantity_t"].to_numpy(dtype=float))
    return frame.reset_index(drop=True)


def by_substance(substances: pd.DataFrame, moves: pd.DataFrame) -> pd.DataFrame:
    """Releases, both transfers, the recycling and CHE-04 of each substance and site [t].

    Parameters
    ----------
    substances : DataFrame
        :func:`substance_rows`.
    moves : DataFrame
        :func:`transfer_rows`.

    Returns
    -------
    DataFrame
        One row per site and substance of ``substances`` (a transfer needs its substance row: the loader
        checks it): ``site_id``, ``substance``, ``rank``, ``coefficient``, ``releases_t``,
        ``transfers_che03_t``, ``recycling_t``, ``transfers_che04_t``, ``impact_t`` = coefficient ×
        (releases + transfers_che04), ``impact_with_recycling_t`` = coefficient × (releases + transfers_che03).
    """
    sums = moves.groupby(["site_id", "substance"])[["che03_t", "che04_t"]].sum()
    keys = pd.MultiIndex.from_arrays([substances["site_id"], substances["substance"]])
    if len(sums):
        t3 = sums["che03_t"].reindex(keys).fillna(0.0).to_numpy(dtype=float)
        t4 = sums["che04_t"].reindex(keys).fillna(0.0).to_numpy(dtype=float)
    else:
        t3 = t4 = np.zeros(len(substances))
    released = substances["releases_t"].to_numpy(dtype=float)
    coefficient = substances["coefficient"].to_numpy(dtype=float)
    impact, with_recycling = np.full(len(substances), np.nan), np.full(len(substances), np.nan)
    for value in pd.unique(coefficient):  # the impact of the rows of each hazard coefficient at once
        at = coefficient == value
        impact[at] = hazard_weighted_impact(value, Quantity(released[at], "t"), Quantity(t4[at], "t")).m_as("t")
        with_recycling[at] = hazard_weighted_impact(value, Quantity(released[at], "t"), Quantity(t3[at], "t")).m_as("t")
    return pd.DataFrame({"site_id": substances["site_id"].tolist(), "substance": substances["substance"].tolist(),
                         "rank": substances["rank"].tolist(), "coefficient": coefficient, "releases_t": released,
                         "transfers_che03_t": t3, "recycling_t": t3 - t4, "transfers_che04_t": t4, "impact_t": impact,
                         "impact_with_recycling_t": with_recycling},
                        columns=["site_id", "substance", "rank", "coefficient", "releases_t", "transfers_che03_t",
                                 "recycling_t", "transfers_che04_t", "impact_t", "impact_with_recycling_t"])


@dataclass(frozen=True)
class ChemicalsResult:
    """CHE-01 … CHE-04 and the figures of the other readings.

    Attributes
    ----------
    handled, released, transferred, impact : Quantity
        CHE-01, CHE-02, CHE-03 (with the recycling), CHE-04 (transfers without it) [t].
    released_with_landfill : Quantity
        CHE-02 with landfill inside the sites added (the PRTR Act's release) [t].
    transferred_without_recycling : Quantity
        The transfers CHE-04 weights, T₄ = CHE-03 − recycling [t].
    recycling : Quantity
        Recycling free of charge or paid for by the group, counted as waste (in CHE-03, not in CHE-04) [t].
    impact_with_recycling : Quantity
        CHE-04 had it weighted CHE-03's transfers [t].
    """

    handled: pint.Quantity
    released: pint.Quantity
    released_with_landfill: pint.Quantity
    transferred: pint.Quantity
    transferred_without_recycling: pint.Quantity
    recycling: pint.Quantity
    impact: pint.Quantity
    impact_with_recycling: pint.Quantity


def chemicals_result(substances: pd.DataFrame, moves: pd.DataFrame, table: pd.DataFrame) -> ChemicalsResult:
    """CHE-01 … CHE-04 from :func:`substance_rows`, :func:`transfer_rows` and :func:`by_substance` [t]."""
    def total(values) -> pint.Quantity:
        return _sum(values)

    return ChemicalsResult(
        handled=total(substances["handled_t"]),
        released=total(substances["releases_t"]),
        released_with_landfill=total(list(substances["releases_t"]) + list(substances["landfill_t"])),
        transferred=total(moves["che03_t"]),
        transferred_without_recycling=total(moves["che04_t"]),
        recycling=total(moves.loc[moves["wma_recycling"], "quantity_t"]),
        impact=total(table["impact_t"]),
        impact_with_recycling=total(table["impact_with_recycling_t"]),
    )


def breakdown(frame: pd.DataFrame, key: str, value: str, keys: Iterable[str]) -> pd.Series:
    """``value`` of ``frame`` summed by ``key`` [t], every key of ``keys`` in its order (0 for none)."""
    keys = list(keys)
    sums = frame.groupby(key)[value].sum() if len(frame) else pd.Series(dtype=float)
    return pd.Series([float(sums.get(k, 0.0)) for k in keys], index=pd.Index(keys, name=key), name=value)


def recycling_by_substance(table: pd.DataFrame) -> pd.DataFrame:
    """The reconciliation of CHE-03 and CHE-04's transfers, by substance [t]: CHE-03 transfers − recycling
    = CHE-04 transfers, and the impact the recycling would add, coefficient × recycling."""
    frame = table.groupby(["substance", "rank", "coefficient"], as_index=False)[
        ["transfers_che03_t", "recycling_t", "transfers_che04_t", "impact_t", "impact_with_recycling_t"]].sum()
    frame["difference_t"] = frame["transfers_che03_t"] - frame["transfers_che04_t"]
    frame["impact_of_recycling_t"] = frame["impact_with_recycling_t"] - frame["impact_t"]
    return frame


def chemicals_checks(substances: pd.DataFrame, moves: pd.DataFrame, table: pd.DataFrame, result: ChemicalsResult,
                     rel: float = 1e-9) -> list[Check]:
    """Reconciliations of the chemicals family, each a pass/fail :class:`~envkpi.core.results.Check`.

    The two transfer definitions differ by the recycling and by nothing else, in total and for every
    substance; CHE-04 adds up from its substances and by rank.
    """
    def close(a: float, b: float) -> bool:
        return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)

    t3, t4, r = (q.m_as("t") for q in (result.transferred, result.transferred_without_recycling, result.recycling))
    per = recycling_by_substance(table)
    checks = [
        Check("CHE-03 − recycling = transfers of CHE-04", close(t3 - r, t4), f"{t3:,.4f} − {r:,.4f} vs {t4:,.4f} t"),
        Check(f"CHE-03 − CHE-04 transfers = recycling, for each of the {len(per)} substances",
              all(close(d, x) for d, x in zip(per["difference_t"], per["recycling_t"])),
              f"largest difference {float(per['difference_t'].max()) if len(per) else 0.0:,.4f} t"),
        Check("No sewer transfer is flagged as recycling",
              not bool((moves["wma_recycling"] & (moves["destination"] == "sewer")).any()),
              f"{int(moves['wma_recycling'].sum())} recycling rows, all to waste"),
        Check("CHE-04 = Σ over substances of coefficient × (releases + transfers without recycling)",
              close(float(table["impact_t"].sum()), result.impact.m_as("t")),
              f"{float(table['impact_t'].sum()):,.3f} vs {result.impact.m_as('t'):,.3f} t"),
        Check("CHE-02 = Σ rows of air + water + soil",
              close(float((substances["air_t"] + substances["water_t"] + substances["soil_t"]).sum()), result.released.m_as("t")),
              f"{result.released.m_as('t'):,.4f} t"),
    ]
    return checks
