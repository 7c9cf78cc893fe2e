"""Logistics: energy and CO2 of the transport the group ships, and their intensity (LOG-01 … LOG-04).

Pure calculation functions, after the calculation standard's rows 輸送におけるエネルギー使用量,
輸送におけるCO2排出量, 物流におけるCO2原単位 and 国内輸送のCO2排出量原単位(2013年度比)
(``METHODOLOGY.md`` Family 3). Energy follows the Agency for Natural Resources and Energy's shipper
guidebook under the Energy Conservation Act [2]_, by the method each transport record supports: the
fuel method, the fuel-economy method, the improved ton-kilo method (trucks) or the conventional
ton-kilo method; international legs are aggregated the same way. The formula functions take and
return pint quantities (scalars, or arrays of them); the table functions apply them to the records of
each method and fuel at once and return one row per input row (with its ``row`` in the source file).

References
----------
.. [1] 主な環境パフォーマンス指標の算定基準 (calculation standard), FY2018 edition, rows
   輸送におけるエネルギー使用量, 輸送におけるCO2排出量, 物流におけるCO2原単位,
   国内輸送のCO2排出量原単位(2013年度比).
.. [2] 資源エネルギー庁「荷主のための省エネ法ガイドブック」: 燃料法, 燃費法, 改良トンキロ法, 従来トンキロ法
   (enecho.meti.go.jp/category/saving_and_new/saving/ninushi/law_3.html).
.. [3] 経済産業省告示第66号 (2006): the improved ton-kilo regressions,
   diesel ln y = 2.71 − 0.812·ln(x/100) − 0.654·ln z, gasoline ln y = 2.67 − 0.927·ln(x/100) − 0.648·ln z.
.. [4] MoE 温室効果ガス排出量算定・報告マニュアル Ver.4.3.2 (CO2 of the fuels, the 算定省令 factors).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pint

from envkpi.core.combustion import fuel_co2, fuel_energy
from envkpi.core.results import Check
from envkpi.core.units import Quantity

__all__ = [
    "tonne_km",
    "fuel_from_fuel_economy",
    "improved_tonkm_fuel_intensity",
    "fuel_from_tonne_km",
    "conventional_tonkm_energy",
    "energy_co2",
    "logistics_intensity",
    "intensity_improvement",
    "transport_rows",
    "totals_by",
    "LogisticsTotals",
    "logistics_totals",
    "Restatement",
    "restatement",
    "ChainedImprovement",
    "chained_improvement",
    "Intensities",
    "intensity_series",
    "logistics_checks",
]


# --- formulas ------------------------------------------------------------------------------------


def tonne_km(cargo: pint.Quantity, distance: pint.Quantity) -> pint.Quantity:
    """Transport work: the weight carried times the distance (LOG-01, ton-kilo methods).

    Parameters
    ----------
    cargo : Quantity
        Weight carried [t].
    distance : Quantity
        Distance carried [km].

    Returns
    -------
    Quantity
        Tonne-kilometres [t km].

    Notes
    -----
    :math:`W = m \\times d`; guidebook [2]_, トンキロ法.
    """
    return (cargo * distance).to("t * km")


def fuel_from_fuel_economy(distance: pint.Quantity, fuel_economy: pint.Quantity) -> pint.Quantity:
    """Fuel used, by the fuel-economy method (燃費法; LOG-01).

    Parameters
    ----------
    distance : Quantity
        Distance driven [km].
    fuel_economy : Quantity
        Fuel economy of the vehicles [km/L].

    Returns
    -------
    Quantity
        Fuel [L].

    Notes
    -----
    :math:`F = d / e`; then :math:`E = F \\times HV` (guidebook [2]_: E = d / e × 1/1000 × HV [GJ/kL]).
    """
    return (distance / fuel_economy).to("L")


def improved_tonkm_fuel_intensity(loading_rate: pint.Quantity, max_payload: pint.Quantity, intercept: float,
                                  loading_rate_coefficient: float, payload_coefficient: float) -> pint.Quantity:
    """Fuel per tonne-kilometre of a truck, by the improved ton-kilo regression (改良トンキロ法; LOG-01).

    Parameters
    ----------
    loading_rate : Quantity
        Loading rate x: load over maximum payload, more than 0 and at most 100 [percent].
    max_payload : Quantity
        Maximum payload z of the truck [kg] (the regression is fitted with z in kg).
    intercept : float
        a [dimensionless] (diesel 2.71, gasoline 2.67).
    loading_rate_coefficient : float
        b [dimensionless] (diesel 0.812, gasoline 0.927).
    payload_coefficient : float
        c [dimensionless] (diesel 0.654, gasoline 0.648).

    Returns
    -------
    Quantity
        y, fuel per tonne-kilometre [L/(t km)].

    Notes
    -----
    :math:`\\ln y = a - b \\ln(x/100) - c \\ln z` (告示第66号 [3]_; guidebook [2]_). Valid for trucks
    (x in (0, 100] percent, z of a few hundred kg to tens of tonnes, in kg). A 10 t diesel truck at
    62 % gives y = 0.05364 L/(t km).
    """
    x = loading_rate.m_as("percent")
    z = max_payload.m_as("kg")
    if not 0 < x <= 100:
        raise ValueError(f"loading rate {x:g} percent: expected more than 0 and at most 100")
    if not z > 0:
        raise ValueError(f"maximum payload {z:g} kg: expected more than 0")
    log_y = intercept - loading_rate_coefficient * math.log(x / 100) - payload_coefficient * math.log(z)
    return Quantity(math.exp(log_y), "L / (t * km)")


def fuel_from_tonne_km(work: pint.Quantity, fuel_intensity: pint.Quantity) -> pint.Quantity:
    """Fuel used by the improved ton-kilo method (LOG-01).

    Parameters
    ----------
    work : Quantity
        Tonne-kilometres [t km].
    fuel_intensity : Quantity
        y of :func:`improved_tonkm_fuel_intensity` [L/(t km)].

    Returns
    -------
    Quantity
        Fuel [L].

    Notes
    -----
    :math:`F = W \\times y`; then :math:`E = F \\times HV` (guidebook [2]_: E = tkm × y × 1/1000 × HV [GJ/kL]).
    """
    return (work * fuel_intensity).to("L")


def conventional_tonkm_energy(work: pint.Quantity, energy_intensity: pint.Quantity) -> pint.Quantity:
    """Energy by the conventional ton-kilo method (従来トンキロ法; LOG-01).

    Parameters
    ----------
    work : Quantity
        Tonne-kilometres [t km].
    energy_intensity : Quantity
        Energy per tonne-kilometre of the mode [MJ/(t km)] (the notice's table; a parameter with its source).

    Returns
    -------
    Quantity
        Energy [GJ].

    Notes
    -----
    :math:`E = W \\times e_{mode}` (guidebook [2]_).
    """
    return (work * energy_intensity).to("GJ")


def energy_co2(energy: pint.Quantity, carbon_factor: pint.Quantity) -> pint.Quantity:
    """CO2 of an energy of fuel (LOG-02, conventional ton-kilo method).

    Parameters
    ----------
    energy : Quantity
        Energy of the fuel burnt [GJ].
    carbon_factor : Quantity
        Carbon emission factor of the fuel [t C/GJ] (算定省令; MoE manual Ver.4.3.2 [4]_).

    Returns
    -------
    Quantity
        CO2 [t CO2].

    Notes
    -----
    :math:`CO_2 = E \\times EF_C \\times 44/12` (the conversion from t C to t CO2 applies 44/12).
    """
    return (energy * carbon_factor).to("t CO2")


def logistics_intensity(co2: pint.Quantity, weight: pint.Quantity) -> pint.Quantity:
    """CO2 of transport per tonne shipped (LOG-03, 物流におけるCO2原単位).

    Parameters
    ----------
    co2 : Quantity
        CO2 of transport, LOG-02 [t CO2].
    weight : Quantity
        Weight shipped (物流重量) [t].

    Returns
    -------
    Quantity
        Intensity [kg CO2/t].

    Notes
    -----
    :math:`I = CO_2 / m` (standard [1]_, 輸送におけるCO2排出量 ÷ 物流重量).
    """
    if not weight.magnitude > 0:
        raise ValueError("weight shipped must be more than 0 for an intensity")
    return (co2 / weight).to("kg CO2 / t")


def intensity_improvement(factors: list[float]) -> pint.Quantity:
    """Improvement of the intensity since the base year (LOG-04).

    Parameters
    ----------
    factors : list of float
        B_n = I_n / I_(n−1) for n = base + 1 … N [dimensionless], I_(n−1) restated with year n's method
        when the method changed in year n.

    Returns
    -------
    Quantity
        100 % − Π B_n [percent].

    Notes
    -----
    :math:`R_N = 100\\,\\% - B_{b+1} \\times \\cdots \\times B_N` (standard [1]_,
    国内輸送のCO2排出量原単位(2013年度比)).
    """
    product = math.prod(factors)
    return Quantity(100 * (1 - product), "percent")


# --- tables --------------------------------------------------------------------------------------


def transport_rows(records: pd.DataFrame, fuels: Mapping, regressions: Mapping,
                   conventional: Mapping) -> pd.DataFrame:
    """Energy (LOG-01) and CO2 (LOG-02) of every transport record, by its method.

    Parameters
    ----------
    records : DataFrame
        Validated ``transport_records`` rows (with ``row``).
    fuels : mapping
        ``production.fuels``: calorific value [GJ/kL] and carbon factor [t C/GJ] of each fuel.
    regressions : mapping
        ``logistics.truck_regressions``: fuel → a, b, c of the improved ton-kilo regression.
    conventional : mapping
        ``logistics.conventional_tonkm``: mode → energy intensity [MJ/(t km)] and fuel.

    Returns
    -------
    DataFrame
        One row per record: ``row, record_id, scope, mode, method, fuel, tonne_km, y_l_per_tkm, fuel_l,
        energy_mj_per_tkm, energy_gj, co2_t``; each factor shown where it applies.
    """
    columns = ["row", "record_id", "scope", "mode", "method", "fuel", "tonne_km", "y_l_per_tkm", "fuel_l",
               "energy_mj_per_tkm", "energy_gj", "co2_t"]
    count = len(records)
    out = pd.DataFrame({name: records[name].tolist() for name in columns[:5]}, columns=columns[:5])
    fuel = records["fuel"].to_numpy(dtype=object).copy()
    numbers = {name: np.full(count, np.nan) for name in columns[6:]}
    method = records["method"].to_numpy(dtype=object)
    keys = np.where(method == "conventional_tonkm", records["mode"].to_numpy(dtype=object), fuel)
    for kind, key in _groups(method, keys):
        at = np.flatnonzero((method == kind) & (keys == key))
        group = records.iloc[at]
        values = _transport_group(kind, key, group, fuels, regressions, conventional)
        for name, value in values.items():
            if name == "fuel":
                fuel[at] = value
            else:
                numbers[name][at] = value
    out["fuel"] = fuel.tolist()
    for name in columns[6:]:
        out[name] = numbers[name]
    return out[columns].astype({c: float for c in columns[6:]})


def _groups(method: np.ndarray, key: np.ndarray) -> list[tuple[str, str]]:
    """The (method, fuel or mode) pairs of the records, in the order they first appear."""
    return list(dict.fromkeys(zip(method.tolist(), key.tolist())))


def _transport_group(method: str, key: str, group: pd.DataFrame, fuels: Mapping, regressions: Mapping,
                     conventional: Mapping) -> dict[str, np.ndarray | str]:
    """:func:`transport_rows` for records of one method and one fuel (one mode for the conventional ton-kilo
    method): the formulas applied to arrays of quantities, each element as it would be alone.

    The improved ton-kilo regression is evaluated once per distinct loading rate and payload, with the
    scalar formula (its logarithms are Python's).
    """
    def column(name: str, unit: str) -> pint.Quantity:
        return Quantity(group[name].to_numpy(dtype=float), unit)

    out: dict[str, np.ndarray | str] = {}
    work = y = fuel_l = None
    fuel = key
    if method in ("improved_tonkm", "conventional_tonkm"):
        work = tonne_km(column("cargo_t", "t"), column("distance_km", "km"))
    if method == "fuel":
        fuel_l = column("fuel_used_l", "L")
    elif method == "fuel_economy":
        fuel_l = fuel_from_fuel_economy(column("vehicle_km", "km"), column("fuel_economy_km_per_l", "km / L"))
    elif method == "improved_tonkm":
        regression = regressions[fuel]
        pairs = list(zip(group["loading_rate_percent"].to_numpy(dtype=float).tolist(),
                         group["max_payload_kg"].to_numpy(dtype=float).tolist()))
        each = {pair: improved_tonkm_fuel_intensity(
                    Quantity(pair[0], "percent"), Quantity(pair[1], "kg"), regression.intercept.value,
                    regression.loading_rate_coefficient.value, regression.payload_coefficient.value).m_as("L / (t * km)")
                for pair in dict.fromkeys(pairs)}
        y = Quantity(np.array([each[pair] for pair in pairs], dtype=float), "L / (t * km)")
        fuel_l = fuel_from_tonne_km(work, y)
    if method == "conventional_tonkm":
        mode = conventional[key]
        fuel = str(mode.fuel.value)
        intensity = mode.energy_intensity.quantity
        energy = conventional_tonkm_energy(work, intensity)
        co2 = energy_co2(energy, fuels[fuel].carbon_factor.quantity)
        out["energy_mj_per_tkm"] = np.full(len(group), intensity.m_as("MJ / (t * km)"))
        out["fuel"] = fuel
    else:
        heat = fuels[fuel].calorific_value.quantity
        energy = fuel_energy(fuel_l, heat)
        co2 = fuel_co2(fuel_l, heat, fuels[fuel].carbon_factor.quantity)
    if work is not None:
        out["tonne_km"] = work.m_as("t * km")
    if y is not None:
        out["y_l_per_tkm"] = y.m_as("L / (t * km)")
    if fuel_l is not None:
        out["fuel_l"] = fuel_l.m_as("L")
    out["energy_gj"] = np.broadcast_to(energy.m_as("GJ"), (len(group),))
    out["co2_t"] = np.broadcast_to(co2.m_as("t CO2"), (len(group),))
    return out


def totals_by(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """Energy [GJ] and CO2 [t CO2] summed by ``column`` (``mode``, ``method`` or ``scope``), with the count of records."""
    grouped = rows.groupby(column, sort=True)
    return pd.DataFrame({"records": grouped.size(), "energy_gj": grouped["energy_gj"].sum(), "co2_t": grouped["co2_t"].sum()})


def _weight_t(weight: pd.DataFrame) -> dict[str, float]:
    """Weight shipped by scope [t]."""
    return {row.scope: Quantity(row.weight, row.unit).m_as("t") for row in weight.itertuples(index=False)}


@dataclass(frozen=True)
class LogisticsTotals:
    """The year's totals: energy (LOG-01), CO2 (LOG-02), weight and intensity (LOG-03), all and domestic."""

    energy: pint.Quantity
    co2: pint.Quantity
    weight: pint.Quantity
    intensity: pint.Quantity
    domestic_co2: pint.Quantity
    domestic_weight: pint.Quantity
    domestic_intensity: pint.Quantity
    weight_by_scope: dict[str, float]


def logistics_totals(rows: pd.DataFrame, weight: pd.DataFrame) -> LogisticsTotals:
    """LOG-01, LOG-02 and LOG-03 of a year, and the domestic intensity LOG-04 chains.

    Parameters
    ----------
    rows : DataFrame
        From :func:`transport_rows`.
    weight : DataFrame
        Validated ``shipped_weight`` rows (weight and unit by scope).

    Returns
    -------
    LogisticsTotals
        Energy [GJ], CO2 [t CO2], weight [t], intensity [kg CO2/t] (all scopes and domestic).
    """
    by_scope = _weight_t(weight)
    co2 = Quantity(float(rows["co2_t"].sum()), "t CO2")
    domestic_co2 = Quantity(float(rows.loc[rows["scope"] == "domestic", "co2_t"].sum()), "t CO2")
    total_weight = Quantity(sum(by_scope.values()), "t")
    domestic_weight = Quantity(by_scope["domestic"], "t")
    return LogisticsTotals(
        energy=Quantity(float(rows["energy_gj"].sum()), "GJ"), co2=co2, weight=total_weight,
        intensity=logistics_intensity(co2, total_weight), domestic_co2=domestic_co2, domestic_weight=domestic_weight,
        domestic_intensity=logistics_intensity(domestic_co2, domestic_weight), weight_by_scope=by_scope,
    )


@dataclass(frozen=True)
class Restatement:
    """The previous year recomputed (LOG-04, note ※): with the methods it reported, and with this year's."""

    fiscal_year: int
    rows: pd.DataFrame  # one row per changed record: its energy and CO2 by either method
    reported: LogisticsTotals  # the previous year with the methods it reported (today's parameters)
    restated: LogisticsTotals  # the previous year with this year's methods


def restatement(previous_records: pd.DataFrame, previous_weight: pd.DataFrame, fuels: Mapping, regressions: Mapping,
                conventional: Mapping, fiscal_year: int) -> Restatement:
    """The previous year's intensity restated with this year's method (LOG-04, ※ of the standard).

    Parameters
    ----------
    previous_records : DataFrame
        The previous year's records, ``method`` holding this year's method and ``method_reported`` the one
        reported then.
    previous_weight : DataFrame
        The previous year's weight shipped.
    fuels, regressions, conventional : mapping
        As for :func:`transport_rows`.
    fiscal_year : int
        The year n whose method is applied back to n − 1.

    Returns
    -------
    Restatement
        Year n − 1 by the methods it reported and by year n's, and the changed records side by side.

    Notes
    -----
    ※ of the standard: n年度に輸送におけるエネルギー使用量の算定方法等を変更した場合、変更後の算定方法等を
    n-1年度のCO2原単位に遡って適用する.
    """
    new = transport_rows(previous_records, fuels, regressions, conventional)
    old = transport_rows(previous_records.assign(method=previous_records["method_reported"]), fuels, regressions,
                         conventional)
    changed = (previous_records["method"] != previous_records["method_reported"]).to_numpy()
    side = pd.DataFrame({
        "row": old.loc[changed, "row"], "record_id": old.loc[changed, "record_id"],
        "scope": old.loc[changed, "scope"], "mode": old.loc[changed, "mode"],
        "method_reported": old.loc[changed, "method"], "co2_reported_t": old.loc[changed, "co2_t"],
        "method_restated": new.loc[changed, "method"], "co2_restated_t": new.loc[changed, "co2_t"],
    }).reset_index(drop=True)
    return Restatement(fiscal_year=fiscal_year - 1, rows=side, reported=logistics_totals(old, previous_weight),
                       restated=logistics_totals(new, previous_weight))


@dataclass(frozen=True)
class ChainedImprovement:
    """LOG-04: the yearly factors and the improvement since the base year."""

    base_year: int
    factors: pd.DataFrame  # fiscal_year, intensity, prior_intensity, prior_basis, factor, cumulative
    improvement: pint.Quantity  # 100 % − Π B_n [percent]
    product: float  # Π B_n


def chained_improvement(intensities: Mapping[int, float], restated_priors: Mapping[int, float], base_year: int,
                        fiscal_year: int) -> ChainedImprovement:
    """The chained intensity improvement since the base year (LOG-04).

    Parameters
    ----------
    intensities : mapping
        Fiscal year → intensity as reported that year [kg CO2/t], from the base year to ``fiscal_year``.
    restated_priors : mapping
        Fiscal year n → the intensity of n − 1 restated with year n's method [kg CO2/t], for the years
        whose method changed.
    base_year : int
        The base year (FY2013).
    fiscal_year : int
        The year N.

    Returns
    -------
    ChainedImprovement
        The factors B_n = I_n / I'_(n−1), I'_(n−1) restated where the method changed, and
        100 % − Π B_n.

    Raises
    ------
    ValueError
        Naming a year without an intensity.
    """
    missing = [y for y in range(base_year, fiscal_year + 1) if y not in intensities]
    if missing:
        raise ValueError("no intensity for FY" + ", FY".join(map(str, missing)))
    rows, product = [], 1.0
    for year in range(base_year + 1, fiscal_year + 1):
        restated = year in restated_priors
        prior = restated_priors[year] if restated else intensities[year - 1]
        factor = intensities[year] / prior
        product *= factor
        rows.append({"fiscal_year": year, "intensity": intensities[year], "prior_intensity": prior,
                     "prior_basis": f"FY{year - 1} restated with FY{year}'s method" if restated else f"FY{year - 1} as reported",
                     "factor": factor, "cumulative": product})
    factors = pd.DataFrame(rows, columns=["fiscal_year", "intensity", "prior_intensity", "prior_basis", "factor", "cumulative"])
    return ChainedImprovement(base_year=base_year, factors=factors,
                              improvement=intensity_improvement(list(factors["factor"])), product=product)


@dataclass(frozen=True)
class Intensities:
    """The intensities LOG-04 chains, one reading each: domestic transport, and all transport."""

    domestic: dict[int, float]  # fiscal year → intensity [kg CO2/t]
    all: dict[int, float]
    domestic_restated: dict[int, float]  # year n → year n−1 restated with year n's method [kg CO2/t]
    all_restated: dict[int, float]


def intensity_series(history: pd.DataFrame, totals: LogisticsTotals, fiscal_year: int,
                     restated: "Restatement | None" = None) -> Intensities:
    """The published intensities of earlier years with this year's, and the restated priors (LOG-04 input).

    Parameters
    ----------
    history : DataFrame
        Published rows before the fiscal year (``logistics_history.csv``) [kg CO2/t].
    totals : LogisticsTotals
        This year's totals (:func:`logistics_totals`).
    fiscal_year : int
        This year.
    restated : Restatement, optional
        The previous year restated with this year's method, when it changed (:func:`restatement`).
    """
    def value(row, column: str) -> float:
        return Quantity(getattr(row, column), row.intensity_unit).m_as("kg CO2 / t")

    domestic, every, domestic_restated, all_restated = {}, {}, {}, {}
    for row in history.itertuples(index=False):
        year = int(row.fiscal_year)
        domestic[year], every[year] = value(row, "domestic_intensity"), value(row, "all_intensity")
        if row.domestic_restated_prior is not None and not pd.isna(row.domestic_restated_prior):
            domestic_restated[year] = value(row, "domestic_restated_prior")
        if row.all_restated_prior is not None and not pd.isna(row.all_restated_prior):
            all_restated[year] = value(row, "all_restated_prior")
    domestic[fiscal_year] = totals.domestic_intensity.m_as("kg CO2 / t")
    every[fiscal_year] = totals.intensity.m_as("kg CO2 / t")
    if restated is not None:
        domestic_restated[fiscal_year] = restated.restated.domestic_intensity.m_as("kg CO2 / t")
        all_restated[fiscal_year] = restated.restated.intensity.m_as("kg CO2 / t")
    return Intensities(domestic=domestic, all=every, domestic_restated=domestic_restated, all_restated=all_restated)


def logistics_checks(rows: pd.DataFrame, totals: LogisticsTotals, chain: ChainedImprovement,
                     intensities: Mapping[int, float], restated_priors: Mapping[int, float],
                     rel: float = 1e-9) -> list[Check]:
    """Reconciliations of the logistics family, each a pass/fail :class:`~envkpi.core.results.Check`.

    The records add up to LOG-01 and LOG-02 by mode, by method and by scope; the domestic and
    international CO2 add up to LOG-02; Π B_n equals I_N / I_base times, for each restated year,
    I_(n−1) / I'_(n−1) (the telescoping product); no activity or result is negative.
    """
    def close(a: float, b: float) -> bool:
        return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)

    checks = []
    for column in ("mode", "method", "scope"):
        by = totals_by(rows, column)
        for name, total, unit in (("energy_gj", totals.energy.m_as("GJ"), "GJ"), ("co2_t", totals.co2.m_as("t CO2"), "t CO2")):
            indicator = "LOG-01" if name == "energy_gj" else "LOG-02"
            checks.append(Check(f"{indicator}: sum by {column} = total", close(float(by[name].sum()), total),
                                f"{float(by[name].sum()):,.3f} vs {total:,.3f} {unit} ({len(by)} {column}s)"))
    expected = intensities[chain.factors["fiscal_year"].iloc[-1]] / intensities[chain.base_year] if len(chain.factors) else 1.0
    for year, prior in restated_priors.items():
        expected *= intensities[year - 1] / prior
    checks.append(Check("LOG-04: Π B_n = I_N / I_base × Π I_(n−1) / I'_(n−1) (restated years)", close(chain.product, expected),
                        f"{chain.product:.12f} vs {expected:.12f}"))
    numbers = rows[["tonne_km", "fuel_l", "energy_gj", "co2_t"]]
    negative = int((numbers.fillna(0) < 0).to_numpy().sum())
    checks.append(Check("No negative activity, energy or CO2", negative == 0, f"{negative} negative values"))
    return checks
