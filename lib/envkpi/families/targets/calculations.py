"""Progress against targets (TGT-01 …) and the Paris-alignment check of Scope 1 + 2.

Every figure is in the catalogue unit of the indicator a target tracks (a float in that unit: the series
come from ``results.csv`` files, which are in it). For a target with base year :math:`b`, base value
:math:`B`, target year :math:`T` and target level :math:`L`, in year :math:`N`:

* the required linear path: :math:`P(y) = B + (L - B)\\,(y - b)/(T - b)`;
* for a percent target (:math:`L = B\\,(1 + p)`), the constant-rate path: :math:`C(y) = B\\,(1 + g)^{y - b}`
  with :math:`g = (L/B)^{1/(T - b)} - 1`;
* for a cumulative target read as a total, the cumulative :math:`S_N = \\sum_{y=b}^{N} A_y` against the
  even path :math:`P(y) = L\\,(y - b + 1)/(T - b + 1)`; read as an annual level, the year's figure :math:`A_N`
  against the linear path from :math:`A_b` to :math:`L`;
* progress :math:`(X_N - B)/(L - B)` (the share of the way done; :math:`S_N/L` for a cumulative total); the
  gap :math:`d\\,(X_N - P(N))` with :math:`d` the direction of the target (+1 up, −1 down): positive ahead
  of the path, negative behind; in years, the gap over the path's yearly step; on track when the gap is
  ≥ 0;
* the average rate achieved, :math:`(X_N - B)/(N - b)` a year, against the rate needed from here,
  :math:`(L - X_N)/(T - N)`; for percent targets also the compound rates.

The Paris-alignment pathways are absolute contraction, linear from the base year (SBTi):
:math:`E(y) = E_b\\,(1 - r\\,(y - b))`, never below zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from envkpi.core.results import Check

__all__ = ["goal_series", "assess_goal", "target_level", "linear_path", "constant_rate", "constant_rate_path", "cumulative_path", "progress",
           "pathway_value", "implied_linear_reduction", "Assessment", "assess", "trajectory", "summary_table",
           "pathway_table", "targets_checks"]


def target_level(kind: str, base: float, target_value: float) -> float:
    """The level a target aims at, in the indicator's unit.

    Parameters
    ----------
    kind : str
        ``percent_change``: ``target_value`` is a change in percent of the base (−42 for −42 %); any other kind:
        ``target_value`` is the level itself, in the indicator's unit.
    base : float
        The base year's value [indicator unit].
    target_value : float
        [percent] or [indicator unit].
    """
    return base * (1 + target_value / 100) if kind == "percent_change" else float(target_value)


def linear_path(base_year: int, base: float, target_year: int, level: float, year: int) -> float:
    """The required linear path in ``year``: :math:`B + (L - B)(y - b)/(T - b)` [indicator unit]."""
    return base + (level - base) * (year - base_year) / (target_year - base_year)


def constant_rate(base_year: int, base: float, target_year: int, level: float) -> float:
    """The constant yearly rate that takes the base to the level: :math:`g = (L/B)^{1/(T-b)} - 1` [fraction a year].

    Raises
    ------
    ValueError
        When base or level is not positive (a constant rate cannot reach or leave zero).
    """
    if base <= 0 or level <= 0:
        raise ValueError(f"a constant-rate path needs a positive base and level (got {base!r} and {level!r})")
    return (level / base) ** (1 / (target_year - base_year)) - 1


def constant_rate_path(base_year: int, base: float, target_year: int, level: float, year: int) -> float:
    """The constant-rate path in ``year``: :math:`B (1 + g)^{y - b}` [indicator unit]."""
    return base * (1 + constant_rate(base_year, base, target_year, level)) ** (year - base_year)


def cumulative_path(since: int, target_year: int, total: float, year: int) -> float:
    """The even cumulative path of a total to reach by the target year: :math:`L (y - b + 1)/(T - b + 1)`."""
    return total * (year - since + 1) / (target_year - since + 1)


def progress(base: float, level: float, value: float) -> float:
    """The share of the way from the base to the level done [percent]: :math:`100 (X - B)/(L - B)`."""
    return 100 * (value - base) / (level - base)


def pathway_value(base: float, base_year: int, annual_reduction: float, year: int) -> float:
    """An absolute-contraction pathway in ``year``: :math:`E_b (1 - r (y - b))`, never below zero.

    Parameters
    ----------
    base : float
        Emissions of the base year [t CO2e].
    base_year, year : int
    annual_reduction : float
        :math:`r` [percent of the base a year], e.g. 4.2.
    """
    return max(0.0, base * (1 - annual_reduction / 100 * (year - base_year)))


def implied_linear_reduction(base: float, base_year: int, value: float, year: int) -> float:
    """The linear yearly reduction, in percent of the base, that goes from the base to ``value`` in ``year``:
    :math:`100 (1 - X/B)/(y - b)` [percent a year]; NaN in the base year."""
    return float("nan") if year == base_year else 100 * (1 - value / base) / (year - base_year)


@dataclass(frozen=True)
class Assessment:
    """Where one target stands in the year (every figure in ``unit``, or as named)."""

    target_id: str
    name: str
    kind: str
    reading: str  # the reading taken ("" when the commitment's words allow one); cumulative: cumulative_total …
    unit: str
    base_year: int
    base: float
    base_source: str
    fiscal_year: int
    value: float  # this year's figure under the reading: the cumulative total, or the level
    target_year: int
    level: float  # the level aimed at
    path: float  # the linear path's value this year
    gap: float  # ahead (+) or behind (−) the path, in unit
    gap_years: float  # the gap in years of the path's step
    on_track: bool
    progress_percent: float
    expected_percent: float  # the progress the path expects by this year
    achieved_rate: float  # average change a year so far [unit / year]
    needed_rate: float  # change a year needed from here [unit / year]
    constant_rate_needed: float | None = None  # percent targets: compound rate needed from here [fraction]
    constant_rate_achieved: float | None = None  # percent targets: compound rate so far [fraction]
    constant_path: float | None = None  # percent targets: the constant-rate path's value this year

    @property
    def gap_percent(self) -> float:
        """Progress minus the progress the path expects [percentage points]."""
        return self.progress_percent - self.expected_percent


def assess(target_id: str, name: str, kind: str, reading: str, unit: str, base_year: int, base_source: str,
           target_year: int, target_value: float, series: Mapping[int, float], fiscal_year: int,
           base_value: float | None = None) -> Assessment:
    """Assess one target in ``fiscal_year`` from the indicator's yearly figures.

    Parameters
    ----------
    target_id, name, kind, reading, unit
        As the parameters give them (``reading`` only for a cumulative target).
    base_year, target_year : int
    base_source : str
        Where the base value comes from (the published version, the history row, or the typed parameter).
    target_value : float
        The target's value: percent for ``percent_change``, else in ``unit``.
    series : mapping of int to float
        The indicator's figure of every year needed, this year included [unit]: from the base year for a
        cumulative target, else at least the base year (unless ``base_value``) and this year.
    fiscal_year : int
        This year (the base year or later; after the target year, the path stays at the target level and no
        rate is needed any more: the figure says whether it was met).
    base_value : float, optional
        The typed base value, for a base year no published series holds.

    Raises
    ------
    ValueError
        When a year needed is missing from ``series``, or this year is before the base year or after the
        target year.
    """
    if fiscal_year < base_year:
        raise ValueError(f"{target_id}: FY{fiscal_year} is before the target's base year FY{base_year}")
    needed = range(base_year, fiscal_year + 1) if kind == "cumulative" else sorted(
        {fiscal_year} | ({base_year} if base_value is None else set()))
    missing = [y for y in needed if y not in series]
    if missing:
        raise ValueError(f"{target_id}: no figure of FY{', FY'.join(map(str, missing))} (published results, history "
                         f"files or this year's results); the target needs it")
    base = float(base_value) if base_value is not None else float(series[base_year])
    elapsed, remaining, at = fiscal_year - base_year, max(0, target_year - fiscal_year), min(fiscal_year, target_year)
    constant = {}
    if kind == "cumulative" and reading == "cumulative_total":
        level = float(target_value)
        value = float(sum(series[y] for y in range(base_year, fiscal_year + 1)))
        path = cumulative_path(base_year, target_year, level, at)
        step = level / (target_year - base_year + 1)
        progress_now, expected = 100 * value / level, 100 * path / level
        achieved = value / (elapsed + 1)
        needed_rate = (level - value) / remaining if remaining else float("nan")
        gap = value - path
    else:
        level = target_level(kind, base, target_value)
        value = float(series[fiscal_year])
        path = linear_path(base_year, base, target_year, level, at)
        step = abs(level - base) / (target_year - base_year)
        direction = 1.0 if level >= base else -1.0
        progress_now, expected = progress(base, level, value), progress(base, level, path)
        achieved = (value - base) / elapsed if elapsed else float("nan")
        needed_rate = (level - value) / remaining if remaining else float("nan")
        gap = direction * (value - path)
        if kind == "percent_change":
            constant = {
                "constant_rate_needed": constant_rate(fiscal_year, value, target_year, level) if remaining else float("nan"),
                "constant_rate_achieved": constant_rate(base_year, base, fiscal_year, value) if elapsed else float("nan"),
                "constant_path": constant_rate_path(base_year, base, target_year, level, at),
            }
    gap, progress_now, expected = gap + 0.0, progress_now + 0.0, expected + 0.0  # no negative zero
    return Assessment(target_id, name, kind, reading, unit, base_year, base, base_source, fiscal_year, value,
                      target_year, level, path, gap, gap / step if step else float("nan"), gap >= -1e-9 * max(abs(path), 1.0),
                      progress_now, expected, achieved, needed_rate, **constant)


def trajectory(assessment: Assessment, series: Mapping[int, float]) -> pd.DataFrame:
    """The target's years from base to target year: the actual figure, the linear path (the even cumulative
    path for a cumulative total) and, for a percent target, the constant-rate path [unit].

    Returns
    -------
    DataFrame
        ``fiscal_year``, ``actual`` (NaN after this year), ``linear_path``, ``constant_rate_path`` (NaN unless a
        percent target), ``target``.
    """
    a = assessment
    rows, running = [], 0.0
    for year in range(a.base_year, max(a.target_year, a.fiscal_year) + 1):
        on = min(year, a.target_year)  # the paths stay at the target after its year
        if a.kind == "cumulative" and a.reading == "cumulative_total":
            if year <= a.fiscal_year:
                running += float(series[year])
            actual = running if year <= a.fiscal_year else float("nan")
            path = cumulative_path(a.base_year, a.target_year, a.level, on)
        else:
            known = year in series and year <= a.fiscal_year
            actual = float(series[year]) if known else (a.base if year == a.base_year else float("nan"))
            path = linear_path(a.base_year, a.base, a.target_year, a.level, on)
        constant = constant_rate_path(a.base_year, a.base, a.target_year, a.level, on) \
            if a.kind == "percent_change" else float("nan")
        rows.append({"fiscal_year": year, "actual": actual, "linear_path": path, "constant_rate_path": constant,
                     "target": a.level})
    return pd.DataFrame(rows)


def summary_table(assessments: list[Assessment]) -> pd.DataFrame:
    """One row per target: base, this year, path, gap, on/off track and progress, narrow enough for an A4
    page; the kind, the reading, the gap in years, the progress expected and the rates follow in each
    target's own section."""
    return pd.DataFrame([{
        "target": a.target_id, "unit": a.unit, "base_year": a.base_year, "base": a.base, "latest": a.value,
        "path": a.path, "target_year": a.target_year, "level": a.level, "gap": a.gap,
        "status": "on track" if a.on_track else "OFF TRACK", "progress_%": a.progress_percent,
    } for a in assessments])


def pathway_table(base: float, base_year: int, value: float, fiscal_year: int, own_level: float, own_year: int,
                  pathways: Mapping[str, tuple[str, float]]) -> pd.DataFrame:
    """Which pathway the trajectory and the group's own target meet.

    Parameters
    ----------
    base : float
        Scope 1 + 2 of the base year [t CO2e].
    value : float
        Scope 1 + 2 this year [t CO2e].
    own_level, own_year
        The group's own target: its level [t CO2e] and year.
    pathways : mapping
        Key → (name, annual reduction [percent of the base a year]).

    Returns
    -------
    DataFrame
        One row per pathway: its rate, its value this year and in the target's year, whether this year's
        emissions are at or below it (the trajectory meets it) and whether the target's level is.
    """
    rows = []
    for key, (name, rate) in pathways.items():
        now, then = pathway_value(base, base_year, rate, fiscal_year), pathway_value(base, base_year, rate, own_year)
        rows.append({
            "pathway": key, "name": name, "reduction_percent_per_year": rate,
            f"pathway_FY{fiscal_year}_t": now, f"actual_FY{fiscal_year}_t": value,
            "trajectory_meets": "yes" if value <= now else "no",
            f"pathway_FY{own_year}_t": then, f"own_target_FY{own_year}_t": own_level,
            "own_target_meets": "yes" if own_level <= then + 1e-9 * abs(then) else "no",
        })
    return pd.DataFrame(rows)


def targets_checks(assessments: list[Assessment]) -> list[Check]:
    """Checks of the arithmetic: the path starts at the base and ends at the level; the gap is the
    difference of progress and the path's progress times the way to go."""
    checks = []
    for a in assessments:
        if a.kind == "cumulative" and a.reading == "cumulative_total":
            end = cumulative_path(a.base_year, a.target_year, a.level, a.target_year)
            start_ok = True
        else:
            end = linear_path(a.base_year, a.base, a.target_year, a.level, a.target_year)
            start_ok = math.isclose(linear_path(a.base_year, a.base, a.target_year, a.level, a.base_year), a.base)
        checks.append(Check(f"{a.target_id}: the path starts at the base and reaches the target in FY{a.target_year}",
                            start_ok and math.isclose(end, a.level, rel_tol=1e-12), f"{end:,.6g} {a.unit}"))
        way = a.level if a.kind == "cumulative" and a.reading == "cumulative_total" else abs(a.level - a.base)
        checks.append(Check(f"{a.target_id}: gap = (progress − expected progress) × way to go",
                            math.isclose(a.gap, a.gap_percent / 100 * way, rel_tol=1e-9, abs_tol=1e-9 * max(way, 1)),
                            f"{a.gap:,.6g} {a.unit}"))
    return checks


def goal_series(published: Mapping[int, tuple[float, str]], this_year: float | None, fiscal_year: int) -> dict[int, float]:
    """The figures of a target's indicator by year: the published ones (value, source) and this year's."""
    series = {year: float(value) for year, (value, _) in published.items() if year < fiscal_year}
    if this_year is not None:
        series[fiscal_year] = float(this_year)
    return series


def assess_goal(target_id: str, entry, unit: str, published: Mapping[int, tuple[float, str]], this_year: float | None,
                fiscal_year: int, reading: str | None = None) -> Assessment:
    """:func:`assess` for a target of the parameters (:class:`~envkpi.families.targets.parameters.TargetEntry`).

    Parameters
    ----------
    unit : str
        The catalogue unit of the indicator tracked (the unit of ``published`` and ``this_year``).
    published : mapping
        Year → (figure [unit], its source), from the published series.
    this_year : float or None
        This year's figure [unit] (None when the year's results lack it).
    reading : str, optional
        Another reading than the parameters' (to show its figure beside).

    Raises
    ------
    ValueError
        When ``base_value`` is typed for a base year that the published series holds (it must come from
        there), or a figure needed is missing.
    """
    base_year = int(entry.base_fiscal_year.value)
    series = goal_series(published, this_year, fiscal_year)
    base_value, base_source = None, ""
    if entry.base_value is not None:
        if base_year in published:
            raise ValueError(f"{target_id}: base_value is typed but FY{base_year} is published "
                             f"({published[base_year][1]}); remove base_value, the base is read from there")
        base_value, base_source = entry.base_value.quantity.m_as(unit), f"parameter: {entry.base_value.source}"
    elif base_year in published:
        base_source = published[base_year][1]
    elif base_year == fiscal_year:
        base_source = "this report"
    kind = str(entry.kind.value)
    target = entry.target_value.quantity.m_as("percent" if kind == "percent_change" else unit)
    chosen = reading or (str(entry.reading.value) if entry.reading is not None else "")
    return assess(target_id, str(entry.name.value), kind, chosen, unit, base_year, base_source,
                  int(entry.target_fiscal_year.value), target, series, fiscal_year, base_value)
