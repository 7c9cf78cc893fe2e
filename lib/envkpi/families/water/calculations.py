"""Water: water used in production (WAT-01) and progress of the water-risk assessment (WAT-02).

Pure calculation functions after the calculation standard's rows 水関連 (``METHODOLOGY.md`` Family 5).
The formula functions take and return pint quantities; the table functions apply them row by row to
validated input tables and return one row per input row (with its ``row`` in the source file), so
that every figure can be tied to its input.

References
----------
.. [1] 主な環境パフォーマンス指標の算定基準 (calculation standard), FY2018 edition, rows
   生産活動における水使用量 (生産に使用した水使用量合計(上水道、工業用水、河川、湖水、地下水使用量合計))
   and 水リスクアセスメントの進捗率 (当社が定める水リスクアセスメント(①…全地域の水リスク評価、
   ②…事業活動への影響の特定)の進捗度合).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pint

from envkpi.core.results import Check
from envkpi.core.units import Quantity, format_unit

from .parameters import SOURCE_KEYS

__all__ = [
    "VOLUME_UNITS",
    "water_volume",
    "water_used",
    "water_used_in_rows",
    "share_of_sites",
    "mean_stage_progress",
    "water_use_rows",
    "water_by_site",
    "water_by_source",
    "AssessmentProgress",
    "assessment_progress",
    "water_checks",
    "rows_in_unit",
    "stage_shares",
]

#: The units a volume of water may be reported in (``water_use.csv``, column ``unit``), each as the
#: volume one unit stands for. Sites report in m³ or in thousand m³ (千m³); the conversion is this
#: table, applied once per row (:func:`water_volume`), never a guess from the size of the number.
VOLUME_UNITS: dict[str, pint.Quantity] = {
    "m3": Quantity(1.0, "m**3"),
    "thousand m3": Quantity(1000.0, "m**3"),
}


def water_volume(quantity: float, unit: str) -> pint.Quantity:
    """The volume of one reported quantity of water, in m³.

    Parameters
    ----------
    quantity : float
        The volume as reported [``unit``].
    unit : str
        Its unit as written in the table: ``m3`` or ``thousand m3`` (a key of :data:`VOLUME_UNITS`).

    Returns
    -------
    Quantity
        The volume [m³].

    Notes
    -----
    .. math:: V = q \\times u, \\qquad u = 1\\ \\mathrm{m^3}\\ (\\texttt{m3}),\\ 1000\\ \\mathrm{m^3}\\ (\\texttt{thousand m3})

    WAT-01; the standard's row 生産活動における水使用量 counts volumes, so every row is brought to one
    unit before it is added.

    Raises
    ------
    KeyError
        Naming the unit when it is not one of :data:`VOLUME_UNITS` (the loader rejects such a row first).
    """
    try:
        per_unit = VOLUME_UNITS[unit]
    except KeyError:
        raise KeyError(f"unit {unit!r} is not a unit of water volume; expected one of {', '.join(VOLUME_UNITS)}") from None
    return (quantity * per_unit).to("m**3")


def water_used(volumes: Iterable[pint.Quantity]) -> pint.Quantity:
    """Water used in production (WAT-01): the sum of the volumes drawn from every source at every site.

    Parameters
    ----------
    volumes : iterable of Quantity
        Volumes [m³ or any volume], one per site and source.

    Returns
    -------
    Quantity
        The total [m³] (0 m³ for no volume).

    Notes
    -----
    .. math:: W = \\sum_{s \\in \\mathrm{sites}} \\sum_{k} V_{s,k}, \\quad
              k \\in \\{\\text{tap, industrial, river, lake, groundwater}\\}

    Standard, 生産活動における水使用量: 生産に使用した水使用量合計(上水道、工業用水、河川、湖水、地下水使用量合計).
    """
    total = Quantity(0.0, "m**3")
    for volume in volumes:
        total = total + volume.to("m**3")
    return total


def share_of_sites(completed: int, sites: int) -> pint.Quantity:
    """The share of sites that have completed a stage of the water-risk assessment (WAT-02).

    Parameters
    ----------
    completed : int
        Sites inside the boundary that have completed the stage [count].
    sites : int
        Sites inside the boundary [count], at least 1.

    Returns
    -------
    Quantity
        The share [percent].

    Notes
    -----
    .. math:: S = \\frac{n}{N} \\times 100\\ \\%

    Standard, 水リスクアセスメントの進捗率: the progress (進捗度合) of the two-stage assessment over the
    group's manufacturing sites.

    Raises
    ------
    ValueError
        When there is no site (the share is undefined) or ``completed`` is not between 0 and ``sites``.
    """
    if sites < 1:
        raise ValueError(f"no site inside the boundary: the share of sites is undefined (sites = {sites})")
    if not 0 <= completed <= sites:
        raise ValueError(f"completed = {completed} is not between 0 and the {sites} sites")
    return Quantity(100.0 * completed / sites, "percent")


def mean_stage_progress(stage1: pint.Quantity, stage2: pint.Quantity) -> pint.Quantity:
    """The other reading of WAT-02: each stage counted as half of the assessment.

    Parameters
    ----------
    stage1, stage2 : Quantity
        Shares of sites through stage 1 and through stage 2 [percent].

    Returns
    -------
    Quantity
        The mean of the two shares [percent].

    Notes
    -----
    .. math:: P' = \\frac{S_1 + S_2}{2} = \\frac{n_1 + n_2}{2N} \\times 100\\ \\%

    Shown beside WAT-02 (the report's reading counts a site once both stages are done).
    """
    return ((stage1.to("percent") + stage2.to("percent")) / 2).to("percent")


def water_use_rows(water_use: pd.DataFrame, sources: Mapping[str, object] | None = None) -> pd.DataFrame:
    """Each row of ``water_use.csv`` with its volume in m³ (WAT-01).

    Parameters
    ----------
    water_use : DataFrame
        Validated rows inside the boundary: ``row``, ``site_id``, ``source``, ``quantity`` [``unit``], ``unit``.
    sources : mapping, optional
        Source key → its description (``water.sources``, a :class:`~envkpi.core.parameters.Sourced`),
        for the column ``source_name``.

    Returns
    -------
    DataFrame
        ``row``, ``site_id``, ``source``, ``source_name``, ``quantity``, ``unit``, ``m3_per_unit``
        [m³ per unit of the row], ``volume_m3`` [m³] = quantity × m3_per_unit.
    """
    frame = water_use[["row", "site_id", "source", "quantity", "unit"]].copy()
    frame.insert(3, "source_name", [str(getattr((sources or {}).get(s), "value", "")) for s in frame["source"]])
    units = frame["unit"].to_numpy(dtype=object)
    quantities = frame["quantity"].to_numpy(dtype=float)
    per_unit, volumes = np.full(len(frame), np.nan), np.full(len(frame), np.nan)
    for unit in pd.unique(units):  # the rows of each unit at once
        at = units == unit
        per_unit[at] = VOLUME_UNITS[unit].m_as("m**3")
        volumes[at] = np.asarray(water_volume(quantities[at], unit).m_as("m**3"), dtype=float)
    frame["m3_per_unit"] = per_unit
    frame["volume_m3"] = volumes
    return frame.reset_index(drop=True)


def water_by_site(rows: pd.DataFrame, sites: Iterable[str]) -> pd.Series:
    """WAT-01 of each site inside the boundary [m³], in the order of ``sites`` (0 for a site without rows)."""
    sites = list(sites)
    totals = rows.groupby("site_id")["volume_m3"].sum()
    return pd.Series([float(totals.get(s, 0.0)) for s in sites], index=pd.Index(sites, name="site_id"),
                     name="volume_m3")


def water_by_source(rows: pd.DataFrame) -> pd.Series:
    """WAT-01 of each source [m³], every source of the standard in its order (0 for a source no site used)."""
    totals = rows.groupby("source")["volume_m3"].sum()
    return pd.Series([float(totals.get(k, 0.0)) for k in SOURCE_KEYS], index=pd.Index(SOURCE_KEYS, name="source"),
                     name="volume_m3")


@dataclass(frozen=True)
class AssessmentProgress:
    """WAT-02 and its parts.

    Attributes
    ----------
    sites : int
        Sites inside the boundary, N [count].
    stage1, stage2 : int
        Of them, those through stage 1 (n₁) and through stage 2 (n₂) [count].
    stage1_share, stage2_share : Quantity
        n₁/N and n₂/N [percent].
    progress : Quantity
        WAT-02 as this report reads it: sites through both stages over all sites, n₂/N [percent].
    mean_of_stages : Quantity
        The other reading, (n₁ + n₂)/(2N) [percent].
    table : DataFrame
        One row per site inside the boundary: ``row`` (of the status table), ``site_id``,
        ``stage1_completed``, ``stage2_completed``, ``assessment_completed``.
    """

    sites: int
    stage1: int
    stage2: int
    stage1_share: pint.Quantity
    stage2_share: pint.Quantity
    progress: pint.Quantity
    mean_of_stages: pint.Quantity
    table: pd.DataFrame


def assessment_progress(status: pd.DataFrame, sites: Iterable[str]) -> AssessmentProgress:
    """WAT-02, the progress of the water-risk assessment, from the status of each site inside the boundary.

    Parameters
    ----------
    status : DataFrame
        Validated rows of ``water_risk_assessment.csv`` inside the boundary: ``row``, ``site_id``,
        ``stage1_completed``, ``stage2_completed`` (booleans; stage 2 only after stage 1).
    sites : iterable of str
        The sites inside the boundary: the denominator N. Every one must have its row.

    Returns
    -------
    AssessmentProgress

    Notes
    -----
    .. math:: P = \\frac{n_2}{N} \\times 100\\ \\%, \\qquad S_1 = \\frac{n_1}{N} \\times 100\\ \\%

    A site's assessment is complete when it has been through both stages (① desk assessment of its
    region with tools and national databases; ② local information and the site's own data, identifying
    the impact on the business). Standard, 水リスクアセスメントの進捗率.

    Raises
    ------
    ValueError
        Naming the sites of ``sites`` without a status row, or a site through stage 2 but not stage 1.
    """
    sites = list(sites)
    table = status.set_index("site_id")
    missing = [s for s in sites if s not in table.index]
    if missing:
        raise ValueError(f"no water-risk assessment row for {', '.join(missing)}; every site inside the boundary needs one")
    table = table.loc[sites].reset_index()
    for column in ("stage1_completed", "stage2_completed"):
        table[column] = table[column].astype(bool)
    skipped = table[table["stage2_completed"] & ~table["stage1_completed"]]
    if len(skipped):
        raise ValueError(f"{', '.join(skipped['site_id'])}: through stage 2 but not stage 1")
    table["assessment_completed"] = table["stage1_completed"] & table["stage2_completed"]
    n1, n2 = int(table["stage1_completed"].sum()), int(table["stage2_completed"].sum())
    stage1, stage2 = share_of_sites(n1, len(sites)), share_of_sites(n2, len(sites))
    return AssessmentProgress(
        sites=len(sites), stage1=n1, stage2=n2, stage1_share=stage1, stage2_share=stage2,
        progress=share_of_sites(int(table["assessment_completed"].sum()), len(sites)),
        mean_of_stages=mean_stage_progress(stage1, stage2),
        table=table[["row", "site_id", "stage1_completed", "stage2_completed", "assessment_completed"]],
    )


def water_checks(rows: pd.DataFrame, by_site: pd.Series, by_source: pd.Series, total: pint.Quantity,
                 progress: AssessmentProgress, rel: float = 1e-9) -> list[Check]:
    """Reconciliations of the water family, each a pass/fail :class:`~envkpi.core.results.Check`.

    Parameters
    ----------
    rows : DataFrame
        :func:`water_use_rows`.
    by_site, by_source : Series
        WAT-01 by site and by source [m³].
    total : Quantity
        WAT-01 [m³].
    progress : AssessmentProgress
        WAT-02.
    rel : float
        Relative tolerance for rounding.

    Returns
    -------
    list of Check
        The rows, the sites and the sources each add up to WAT-01; every row's volume is its quantity
        times its unit; no volume is negative; stage-2 sites are a subset of stage-1 sites, and every
        share lies between 0 and 100 %.
    """
    def close(a: float, b: float) -> bool:
        return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)

    w = total.m_as("m**3")
    unit = format_unit(total.units)
    checks = [
        Check(f"WAT-01: sum of the {len(rows)} input rows = total", close(float(rows["volume_m3"].sum()), w),
              f"{float(rows['volume_m3'].sum()):,.3f} vs {w:,.3f} {unit}"),
        Check(f"WAT-01: sum over the {len(by_site)} sites = total", close(float(by_site.sum()), w),
              f"{float(by_site.sum()):,.3f} vs {w:,.3f} {unit}"),
        Check(f"WAT-01: sum over the {len(by_source)} sources = total", close(float(by_source.sum()), w),
              f"{float(by_source.sum()):,.3f} vs {w:,.3f} {unit}"),
    ]
    converted = rows["quantity"] * rows["m3_per_unit"]
    thousands = int((rows["unit"] == "thousand m3").sum())
    checks.append(Check("WAT-01: each row's volume = quantity × its unit in m³",
                        all(close(a, b) for a, b in zip(converted, rows["volume_m3"])),
                        f"{len(rows)} rows, {thousands} of them in thousand m3 (× 1,000)"))
    checks.append(Check("WAT-01: no volume is negative", bool((rows["volume_m3"] >= 0).all()),
                        f"smallest row volume {float(rows['volume_m3'].min()) if len(rows) else 0.0:,.3f} {unit}"))
    checks.append(Check("WAT-02: sites through stage 2 ≤ sites through stage 1 ≤ sites", progress.stage2 <= progress.stage1 <= progress.sites,
                        f"n2 = {progress.stage2}, n1 = {progress.stage1}, N = {progress.sites}"))
    shares = (progress.stage1_share, progress.stage2_share, progress.progress, progress.mean_of_stages)
    checks.append(Check("WAT-02: every share between 0 and 100 %", all(0 <= s.m_as("percent") <= 100 for s in shares),
                        ", ".join(f"{s.m_as('percent'):.3f} %" for s in shares)))
    return checks


def water_used_in_rows(rows: pd.DataFrame) -> pint.Quantity:
    """WAT-01 from the row table of :func:`water_use_rows`: :func:`water_used` of its volumes [m³]."""
    return water_used(Quantity(float(v), "m**3") for v in rows["volume_m3"])


def rows_in_unit(rows: pd.DataFrame, unit: str) -> int:
    """How many rows of :func:`water_use_rows` were reported in ``unit`` (e.g. ``thousand m3``) [count]."""
    return int((rows["unit"] == unit).sum())


def stage_shares(progress: AssessmentProgress) -> dict[str, float]:
    """WAT-02 by stage, for its breakdown rows (``stage=1``, ``stage=2``): the share of sites through each [percent]."""
    return {"1": progress.stage1_share.m_as("percent"), "2": progress.stage2_share.m_as("percent")}
