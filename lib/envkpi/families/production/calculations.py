"""Production: energy and greenhouse gases of the group's factories (PRD-01 … PRD-07).

Pure calculation functions, after the calculation standard's rows 生産活動における… and
スコープ1/2 (``METHODOLOGY.md`` Family 2). The formula functions take and return pint quantities;
the table functions apply them row by row to validated input tables and return one row per input
row (with its ``row`` in the source file), so that every figure can be tied to its input.

References
----------
.. [1] 主な環境パフォーマンス指標の算定基準 (calculation standard), FY2018 edition, rows
   生産活動におけるCO2排出量, …原単位(2013年度比), …エネルギー消費量, 再生可能エネルギー自社導入量,
   …CO2以外の温室効果ガス排出量, スコープ1/2排出量, 燃料の使用に伴うCO2排出係数,
   電力、熱の購入に伴うCO2排出係数.
.. [2] 特定排出者の事業活動に伴う温室効果ガスの排出量の算定に関する省令 (算定省令), METI/MoE
   Ordinance No.3 of 2006 as amended 2010; MoE 算定・報告マニュアル Ver.4.3.1.
.. [3] IPCC (2007) Fourth Assessment Report, WG1 Table 2.14 (GWP-100).
.. [4] エネルギーの使用の合理化等に関する法律施行規則 (Energy Conservation Act enforcement rules, before
   the 2023 amendment), 第四条第2項 and 別表第二: purchased heat converted with a factor per kind of heat.
.. [5] WRI/WBCSD GHG Protocol, "Indirect CO2 Emissions from the Consumption of Purchased Electricity,
   Heat, and/or Steam", guide to the calculation worksheets v1.2 (January 2007); GHG Protocol Scope 2
   Guidance (2015), Appendix A: the factor of purchased heat is the fuel's factor divided by the
   thermal efficiency of its generation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pint

from envkpi.core.boundary import fiscal_year_of
from envkpi.core.combustion import fuel_co2, fuel_energy
from envkpi.core.results import Check
from envkpi.core.units import Quantity, format_unit, gas_unit, gwp_context, quantity_text, to_co2e
from envkpi.families.production.parameters import JAPAN

__all__ = [
    "fuel_energy",
    "fuel_co2",
    "purchased_energy_co2",
    "electricity_primary_energy",
    "purchased_heat_energy",
    "heat_emission_factor_abroad",
    "non_co2_ghg_co2e",
    "production_co2",
    "scope1_emissions",
    "scope2_emissions",
    "fuel_emissions",
    "purchased_emissions",
    "HeatReadings",
    "purchased_heat_readings",
    "non_co2_emissions",
    "renewable_energy_used",
    "site_totals",
    "GroupTotals",
    "group_totals",
    "renewable_energy_total",
    "production_checks",
    "intensity_series",
    "ChainedIndex",
    "chained_intensity_index",
    "site_changes",
    "site_changes_sentence",
]


# --- formulas ------------------------------------------------------------------------------------


def purchased_energy_co2(quantity: pint.Quantity, emission_factor: pint.Quantity) -> pint.Quantity:
    """CO2 from purchased electricity or heat (PRD-01, PRD-07).

    Parameters
    ----------
    quantity : Quantity
        Electricity [kWh] or heat [GJ] purchased.
    emission_factor : Quantity
        [kg CO2/kWh] for electricity (Japan 0.410 fixed; other countries the GHG Protocol tool's
        2002 value, fixed), [t CO2/GJ] for heat.

    Returns
    -------
    Quantity
        CO2 [t CO2].

    Notes
    -----
    :math:`CO_2 = Q \\times EF`.
    """
    return (quantity * emission_factor).to("t CO2")


def electricity_primary_energy(electricity: pint.Quantity, conversion_factor: pint.Quantity) -> pint.Quantity:
    """Purchased electricity as heat, by the Energy Conservation Act conversion (PRD-03).

    Parameters
    ----------
    electricity : Quantity
        Purchased electricity [MWh].
    conversion_factor : Quantity
        Heat equivalent [GJ/MWh] (9.76 GJ/MWh, all hours).

    Returns
    -------
    Quantity
        Energy [GJ].
    """
    return (electricity * conversion_factor).to("GJ")


def purchased_heat_energy(heat: pint.Quantity, conversion_factor: pint.Quantity) -> pint.Quantity:
    """Purchased heat as the heat of the fuel that made it, by the Energy Conservation Act (PRD-03).

    Parameters
    ----------
    heat : Quantity
        Steam, hot or cold water purchased [GJ].
    conversion_factor : Quantity
        Fuel heat per unit of heat delivered [GJ/GJ] (the Act's 別表第二: industrial steam, other
        steam, hot and cold water).

    Returns
    -------
    Quantity
        Energy [GJ].

    Notes
    -----
    :math:`E = H \\times k_{heat}`; standard [1]_ row 生産活動におけるエネルギー消費量 (the Act's
    conversion factors, applied worldwide), rules [4]_.
    """
    return (heat * conversion_factor).to("GJ")


def heat_emission_factor_abroad(fuel_emission_factor: pint.Quantity, boiler_efficiency: pint.Quantity) -> pint.Quantity:
    """CO2 factor of heat bought outside Japan: the fuel's factor over the boiler's efficiency (PRD-01, PRD-07).

    Parameters
    ----------
    fuel_emission_factor : Quantity
        CO2 of the fuel that makes the heat [t CO2/GJ of fuel].
    boiler_efficiency : Quantity
        Heat delivered per heat of the fuel [fraction, e.g. 80 percent].

    Returns
    -------
    Quantity
        [t CO2/GJ of heat].

    Notes
    -----
    :math:`EF_{heat} = EF_{fuel} / \\eta_{boiler}`; standard [1]_ row 電力、熱の購入に伴うCO2排出係数
    【日本以外】 (the GHG Protocol tool), method [5]_.
    """
    return (fuel_emission_factor / boiler_efficiency).to("t CO2 / GJ")


def non_co2_ghg_co2e(mass: pint.Quantity, gwp_context: str) -> pint.Quantity:
    """A non-CO2 greenhouse gas in CO2-equivalent (PRD-05).

    Parameters
    ----------
    mass : Quantity
        Mass of the gas emitted, e.g. ``Quantity(85, "kg SF6")`` [kg gas].
    gwp_context : str
        The GWP set chosen by the parameters (IPCC AR4 GWP-100 for this standard), as registered by
        :meth:`envkpi.core.parameters.GwpSet.context`.

    Returns
    -------
    Quantity
        [t CO2e].

    Notes
    -----
    :math:`CO_2e = m_{gas} \\times GWP_{gas}`.
    """
    return to_co2e(mass, gwp_context, "t CO2e")


def production_co2(fuel: pint.Quantity, purchased: pint.Quantity) -> pint.Quantity:
    """PRD-01: CO2 from production = CO2 from fuel use + CO2 from purchased electricity and heat [t CO2]."""
    return (fuel + purchased).to("t CO2")


def scope1_emissions(fuel: pint.Quantity, non_co2: pint.Quantity) -> pint.Quantity:
    """PRD-06: Scope 1 = CO2 from fuel use [t CO2] + non-CO2 GHG [t CO2e] → [t CO2e]."""
    return (fuel + non_co2).to("t CO2e")


def scope2_emissions(purchased: pint.Quantity) -> pint.Quantity:
    """PRD-07: Scope 2 = CO2 from purchased electricity and heat [t CO2] → [t CO2e]."""
    return purchased.to("t CO2e")


# --- tables --------------------------------------------------------------------------------------

def fuel_emissions(fuel_use: pd.DataFrame, fuels: dict, suppliers: dict, city_gas: str = "city_gas") -> pd.DataFrame:
    """Energy and CO2 of every fuel row (PRD-01, PRD-03, PRD-06).

    Parameters
    ----------
    fuel_use : DataFrame
        Validated rows with ``row, site_id, fuel, quantity, unit, supplier``.
    fuels : dict
        Fuel key → :class:`envkpi.core.parameters.Fuel` (calorific value, carbon factor).
    suppliers : dict
        City-gas supplier key → :class:`envkpi.core.parameters.CityGasSupplier`.
    city_gas : str
        The fuel whose calorific value is the supplier's.

    Returns
    -------
    DataFrame
        The input columns plus ``calorific_value``, ``carbon_factor`` (as text with unit),
        ``energy_gj`` [GJ] and ``co2_t`` [t CO2].
    """
    out = fuel_use.copy()
    count = len(fuel_use)
    energy, co2 = np.full(count, np.nan), np.full(count, np.nan)
    heat_values, carbon_factors = np.empty(count, dtype=object), np.empty(count, dtype=object)
    supplier = fuel_use["supplier"].where(fuel_use["fuel"] == city_gas, "")
    quantities = fuel_use["quantity"].to_numpy(dtype=float)
    for (name, source, unit), at in row_groups(fuel_use.assign(supplier=supplier), ("fuel", "supplier", "unit")):
        fuel = fuels[name]
        heat = suppliers[source].calorific_value if name == city_gas else fuel.calorific_value
        quantity = Quantity(quantities[at], unit)
        energy[at] = fuel_energy(quantity, heat.quantity).m_as("GJ")
        co2[at] = fuel_co2(quantity, heat.quantity, fuel.carbon_factor.quantity).m_as("t CO2")
        heat_values[at] = heat.text
        carbon_factors[at] = fuel.carbon_factor.text
    out["calorific_value"] = heat_values.tolist()
    out["carbon_factor"] = carbon_factors.tolist()
    out["energy_gj"] = energy
    out["co2_t"] = co2
    return out


def row_groups(frame: pd.DataFrame, columns) -> list[tuple[tuple, np.ndarray]]:
    """The rows of ``frame`` grouped by the values of ``columns``: (values, row positions).

    A table's formulas are applied to each group at once (its parameters are the same for all its rows),
    each row's figure being the one it would get alone.
    """
    if frame.empty:
        return []
    indices = frame.groupby(list(columns), sort=False, dropna=False).indices
    return [(key if isinstance(key, tuple) else (key,), np.asarray(at)) for key, at in indices.items()]


def purchased_emissions(
    purchased: pd.DataFrame,
    countries: pd.Series,
    electricity_factors: dict,
    heat_carriers: dict,
    heat_abroad: dict,
    electricity_energy_factor: pint.Quantity,
) -> pd.DataFrame:
    """Energy and CO2 of every purchased electricity or heat row (PRD-01, PRD-03, PRD-07).

    Parameters
    ----------
    purchased : DataFrame
        Validated rows with ``row, site_id, carrier, quantity, unit``.
    countries : Series
        Site id → ISO country code (electricity factors are per country).
    electricity_factors : dict
        Country → :class:`envkpi.core.parameters.Param` [kg CO2/kWh].
    heat_carriers : dict
        Carrier → :class:`envkpi.core.parameters.HeatCarrier`: its energy conversion [GJ/GJ] everywhere
        and its CO2 factor in Japan [t CO2/GJ].
    heat_abroad : dict
        Country other than Japan → :class:`envkpi.core.parameters.HeatSupply` (fuel factor and boiler
        efficiency, :func:`heat_emission_factor_abroad`).
    electricity_energy_factor : Quantity
        Heat equivalent of electricity [GJ/MWh].

    Returns
    -------
    DataFrame
        The input columns plus ``country``, ``energy_factor`` and ``emission_factor`` (text with
        unit), ``energy_gj`` [GJ] and ``co2_t`` [t CO2].
    """
    out = purchased.copy()
    out["country"] = purchased["site_id"].map(countries)
    count = len(purchased)
    energy, co2 = np.full(count, np.nan), np.full(count, np.nan)
    energy_factors, factors = np.empty(count, dtype=object), np.empty(count, dtype=object)
    quantities = purchased["quantity"].to_numpy(dtype=float)
    for (carrier_name, country, unit), at in row_groups(out, ("carrier", "country", "unit")):
        quantity = Quantity(quantities[at], unit)
        if carrier_name == "electricity":
            factor = electricity_factors[country].quantity
            conversion = electricity_energy_factor
            energy[at] = electricity_primary_energy(quantity, conversion).m_as("GJ")
        else:
            carrier = heat_carriers[carrier_name]
            conversion = carrier.energy_factor.quantity
            if country == JAPAN:
                factor = carrier.emission_factor.quantity
            else:
                supply = heat_abroad[country]
                factor = heat_emission_factor_abroad(supply.fuel_emission_factor.quantity, supply.boiler_efficiency.quantity)
            energy[at] = purchased_heat_energy(quantity, conversion).m_as("GJ")
        co2[at] = purchased_energy_co2(quantity, factor).m_as("t CO2")
        energy_factors[at] = quantity_text(conversion)
        factors[at] = quantity_text(factor)
    out["energy_factor"] = energy_factors.tolist()
    out["emission_factor"] = factors.tolist()
    out["energy_gj"] = energy
    out["co2_t"] = co2
    return out


@dataclass(frozen=True)
class HeatReadings:
    """Purchased heat as computed, and under the readings not taken (:func:`purchased_heat_readings`).

    Attributes
    ----------
    energy, energy_delivered : Quantity
        Heat rows' energy with the Act's conversion factors, and counted at the heat delivered [GJ].
    co2_abroad, co2_abroad_japanese_factors : Quantity
        CO2 of the heat rows outside Japan by the GHG Protocol tool's method, and with the 算定省令
        factor of the carrier as in Japan [t CO2].
    rows_abroad : int
        Heat rows outside Japan.
    """

    energy: pint.Quantity
    energy_delivered: pint.Quantity
    co2_abroad: pint.Quantity
    co2_abroad_japanese_factors: pint.Quantity
    rows_abroad: int


def purchased_heat_readings(purchased: pd.DataFrame, heat_carriers: dict) -> HeatReadings:
    """The heat rows of :func:`purchased_emissions` as computed and under the other readings.

    Parameters
    ----------
    purchased : DataFrame
        From :func:`purchased_emissions` (``carrier, quantity, unit, country, energy_gj, co2_t``).
    heat_carriers : dict
        Carrier → :class:`envkpi.core.parameters.HeatCarrier`.

    Returns
    -------
    HeatReadings
        Other readings: heat counted at 1 GJ/GJ (:math:`\\sum H`); the 算定省令 factor applied abroad
        (:math:`\\sum H \\times EF_{carrier}`).
    """
    heat = purchased[purchased["carrier"] != "electricity"]
    abroad = heat[heat["country"] != JAPAN]
    quantities = [Quantity(row.quantity, row.unit) for row in heat.itertuples(index=False)]
    delivered = sum((q.to("GJ") for q in quantities), Quantity(0.0, "GJ"))
    japanese = sum((purchased_energy_co2(Quantity(row.quantity, row.unit), heat_carriers[row.carrier].emission_factor.quantity)
                    for row in abroad.itertuples(index=False)), Quantity(0.0, "t CO2"))
    return HeatReadings(energy=Quantity(float(heat["energy_gj"].sum()), "GJ"), energy_delivered=delivered,
                        co2_abroad=Quantity(float(abroad["co2_t"].sum()), "t CO2"),
                        co2_abroad_japanese_factors=japanese.to("t CO2"), rows_abroad=len(abroad))


def non_co2_emissions(ghg: pd.DataFrame, gwp: dict, gwp_set: str) -> pd.DataFrame:
    """CO2-equivalent of every non-CO2 gas row (PRD-05).

    Parameters
    ----------
    ghg : DataFrame
        Validated rows with ``row, site_id, gas, quantity, unit``.
    gwp : dict
        Gas → :class:`envkpi.core.parameters.Param` [CO2e/gas]: the GWP set the parameters choose. The
        same values are shown next to each row and registered as the pint context of the conversion.
    gwp_set : str
        Name of the set, e.g. ``AR4``.

    Returns
    -------
    DataFrame
        The input columns plus ``gwp`` and ``co2e_t`` [t CO2e].
    """
    context = gwp_context(gwp_set, {gas: param.quantity for gas, param in gwp.items()})
    out = ghg.copy()
    out["gwp"] = [gwp[gas].value for gas in ghg["gas"]]
    co2e = np.full(len(ghg), np.nan)
    quantities = ghg["quantity"].to_numpy(dtype=float)
    for (gas, unit), at in row_groups(ghg, ("gas", "unit")):
        co2e[at] = non_co2_ghg_co2e(Quantity(quantities[at], f"{unit} {gas_unit(gas)}"), context).m_as("t CO2e")
    out["co2e_t"] = co2e
    return out


def renewable_energy_used(renewables: pd.DataFrame) -> pd.DataFrame:
    """Renewable energy generated and used on site, per row in MWh (PRD-04).

    Parameters
    ----------
    renewables : DataFrame
        Validated rows with ``row, site_id, source, generated, used_on_site, unit``.

    Returns
    -------
    DataFrame
        The input columns plus ``generated_mwh`` and ``used_on_site_mwh`` [MWh]. PRD-04 is the sum
        of ``used_on_site_mwh``: only what the group generated *and* used itself counts.
    """
    out = renewables.copy()
    out["generated_mwh"] = [Quantity(g, u).m_as("MWh") for g, u in zip(renewables["generated"], renewables["unit"])]
    out["used_on_site_mwh"] = [Quantity(g, u).m_as("MWh") for g, u in zip(renewables["used_on_site"], renewables["unit"])]
    return out


def site_totals(sites: pd.Index, fuel: pd.DataFrame, purchased: pd.DataFrame, non_co2: pd.DataFrame) -> pd.DataFrame:
    """Per-site CO2 and GHG totals: the site breakdown of PRD-01, PRD-05, PRD-06 and PRD-07.

    Parameters
    ----------
    sites : Index
        The in-boundary site ids (every one gets a row, zero where it has no activity).
    fuel, purchased, non_co2 : DataFrame
        Results of :func:`fuel_emissions`, :func:`purchased_emissions`, :func:`non_co2_emissions`.

    Returns
    -------
    DataFrame
        Indexed by site id: ``fuel_co2_t``, ``purchased_co2_t``, ``production_co2_t`` (PRD-01),
        ``non_co2_co2e_t`` (PRD-05), ``scope1_t`` (PRD-06), ``scope2_t`` (PRD-07), ``energy_gj``.
    """
    def by_site(frame: pd.DataFrame, column: str) -> pd.Series:
        return frame.groupby("site_id")[column].sum().reindex(sites, fill_value=0.0)

    table = pd.DataFrame(index=sites)
    table["fuel_co2_t"] = by_site(fuel, "co2_t")
    table["purchased_co2_t"] = by_site(purchased, "co2_t")
    table["production_co2_t"] = table["fuel_co2_t"] + table["purchased_co2_t"]
    table["non_co2_co2e_t"] = by_site(non_co2, "co2e_t")
    table["scope1_t"] = table["fuel_co2_t"] + table["non_co2_co2e_t"]
    table["scope2_t"] = table["purchased_co2_t"]
    table["energy_gj"] = by_site(fuel, "energy_gj") + by_site(purchased, "energy_gj")
    table.index.name = "site_id"
    return table


@dataclass(frozen=True)
class GroupTotals:
    """Group totals of the production family, as quantities with units."""

    fuel_co2: pint.Quantity        # [t CO2]
    purchased_co2: pint.Quantity   # [t CO2]
    production_co2: pint.Quantity  # PRD-01 [t CO2]
    energy: pint.Quantity          # PRD-03 [GJ]
    non_co2: pint.Quantity         # PRD-05 [t CO2e]
    scope1: pint.Quantity          # PRD-06 [t CO2e]
    scope2: pint.Quantity          # PRD-07 [t CO2e]


def group_totals(sites: pd.DataFrame) -> GroupTotals:
    """Sum the site table of :func:`site_totals` and apply PRD-01, PRD-06 and PRD-07 to the sums.

    Parameters
    ----------
    sites : DataFrame
        From :func:`site_totals` ([t CO2], [t CO2e], [GJ] columns).
    """
    fuel = Quantity(float(sites["fuel_co2_t"].sum()), "t CO2")
    purchased = Quantity(float(sites["purchased_co2_t"].sum()), "t CO2")
    non_co2 = Quantity(float(sites["non_co2_co2e_t"].sum()), "t CO2e")
    return GroupTotals(
        fuel_co2=fuel,
        purchased_co2=purchased,
        production_co2=production_co2(fuel, purchased),
        energy=Quantity(float(sites["energy_gj"].sum()), "GJ"),
        non_co2=non_co2,
        scope1=scope1_emissions(fuel, non_co2),
        scope2=scope2_emissions(purchased),
    )


def renewable_energy_total(renewables: pd.DataFrame) -> pint.Quantity:
    """PRD-04: renewable energy generated and used on site [MWh], from :func:`renewable_energy_used`."""
    return Quantity(float(renewables["used_on_site_mwh"].sum()), "MWh")


def production_checks(totals: GroupTotals, index: "ChainedIndex", fuel: pd.DataFrame, purchased: pd.DataFrame,
                      ghg: pd.DataFrame, activity: dict[str, pd.Series], rel: float = 1e-9) -> list[Check]:
    """Reconciliations of the production family, each a pass/fail :class:`~envkpi.core.results.Check`.

    Parameters
    ----------
    totals : GroupTotals
        Group totals (from the site table).
    index : ChainedIndex
        PRD-02.
    fuel, purchased, ghg : DataFrame
        The row tables of :func:`fuel_emissions`, :func:`purchased_emissions`, :func:`non_co2_emissions`.
    activity : dict
        Name → activity quantities (input magnitudes) that must not be negative.
    rel : float
        Relative tolerance for rounding.

    Returns
    -------
    list of Check
        Scope 1 + Scope 2 = PRD-01 + PRD-05; the sum of the input rows equals the group total for
        PRD-01, PRD-03 and PRD-05 (no row lost between rows, sites and group); for every year the
        weighted A_n equals Σ CO2_n / Σ I_{n−1}·output_n; no activity is negative.
    """
    def close(a: float, b: float) -> bool:
        return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)

    scopes = (totals.scope1 + totals.scope2).m_as("t CO2e")
    prd = (totals.production_co2 + totals.non_co2).m_as("t CO2e")
    checks = [Check("Scope 1 + Scope 2 = PRD-01 + PRD-05", close(scopes, prd),
                    f"{scopes:,.3f} t CO2e vs {prd:,.3f} t CO2e")]
    row_sums = (
        ("PRD-01", float(fuel["co2_t"].sum() + purchased["co2_t"].sum()), totals.production_co2, "fuel and purchased"),
        ("PRD-03", float(fuel["energy_gj"].sum() + purchased["energy_gj"].sum()), totals.energy, "fuel and purchased"),
        ("PRD-05", float(ghg["co2e_t"].sum()), totals.non_co2, "gas"),
    )
    for name, rows, total, kind in row_sums:
        checks.append(Check(f"{name}: sum of {kind} rows = group total over sites", close(rows, total.magnitude),
                            f"{rows:,.3f} vs {total.magnitude:,.3f} {format_unit(total.units)}"))
    for row in index.factors.itertuples(index=False):
        checks.append(Check(
            f"A_{row.fiscal_year}: Σ w·r = Σ CO2_n / Σ I_(n-1)·output_n", close(row.factor, row.cross_check),
            f"{row.factor:.12f} vs {row.cross_check:.12f} ({row.sites} sites)"))
    negative = {name: int((values < 0).sum()) for name, values in activity.items()}
    checks.append(Check("No negative activity", not any(negative.values()),
                        ", ".join(f"{name}: {count} negative" for name, count in negative.items())))
    return checks


# --- PRD-02 chained intensity index --------------------------------------------------------------

def intensity_series(history: pd.DataFrame, site_co2: pd.Series, output: pd.DataFrame, fiscal_year: int) -> pd.DataFrame:
    """CO2 and output of every site and year: published history plus this year's calculation (PRD-02 input).

    Parameters
    ----------
    history : DataFrame
        Published rows of earlier years: ``site_id, fiscal_year, co2, co2_unit, output, output_unit, source``.
    site_co2 : Series
        This year's PRD-01 per site [t CO2], indexed by site id.
    output : DataFrame
        This year's ``site_id, output, unit``.
    fiscal_year : int
        This year.

    Returns
    -------
    DataFrame
        ``site_id, fiscal_year, co2_t`` [t CO2], ``output`` (in the site's unit of this year, or of
        its own history when it has no output this year; NaN for a site of ``site_co2`` without an
        output row, which :func:`chained_intensity_index` then leaves out with the reason),
        ``output_unit``, ``source``. History rows of ``fiscal_year`` or later are not taken.
    """
    current_unit = dict(zip(output["site_id"], output["unit"]))
    past = history[history["fiscal_year"] < fiscal_year]
    units = np.array([current_unit.get(site, own) for site, own in zip(past["site_id"], past["output_unit"])],
                     dtype=object)
    co2 = _converted(past["co2"].to_numpy(dtype=float), past["co2_unit"].to_numpy(dtype=object), "t CO2")
    made = _converted(past["output"].to_numpy(dtype=float), past["output_unit"].to_numpy(dtype=object), units)
    outputs = output.set_index("site_id")
    sites = list(site_co2.index)
    known = pd.Index(sites).isin(outputs.index)
    this_output = outputs["output"].reindex(sites).to_numpy(dtype=float)
    this_unit = outputs["unit"].reindex(sites).where(known, "")
    series = pd.DataFrame({
        "site_id": [*past["site_id"].tolist(), *sites],
        "fiscal_year": [*(int(y) for y in past["fiscal_year"]), *([fiscal_year] * len(sites))],
        "co2_t": [*co2.tolist(), *(float(v) for v in site_co2.to_numpy())],
        "output": [*made.tolist(), *np.where(known, this_output, np.nan).tolist()],
        "output_unit": [*units.tolist(), *this_unit.tolist()],
        "source": [*past["source"].tolist(), *(f"this report (FY{fiscal_year} calculation)"
                                               + ("" if k else "; no production output reported") for k in known)],
    }, columns=["site_id", "fiscal_year", "co2_t", "output", "output_unit", "source"])
    return series.sort_values(["site_id", "fiscal_year"], ignore_index=True)


def _converted(values: np.ndarray, units: np.ndarray, targets) -> np.ndarray:
    """``values`` [``units``, one per value] in ``targets`` (one unit, or one per value): the values of each
    pair of units converted at once, each as it would be alone."""
    targets = np.full(len(values), targets, dtype=object) if isinstance(targets, str) else np.asarray(targets, dtype=object)
    out = np.full(len(values), np.nan)
    for unit, target in dict.fromkeys(zip(units.tolist(), targets.tolist())):
        at = (units == unit) & (targets == target)
        out[at] = np.asarray(Quantity(values[at], unit).m_as(target), dtype=float)
    return out


@dataclass(frozen=True)
class ChainedIndex:
    """Result of :func:`chained_intensity_index`.

    Attributes
    ----------
    index : float
        :math:`A_{b+1} \\times … \\times A_N` [dimensionless]; the standard calls it the
        "improvement rate" (原単位改善率); ``1 - index`` is the reduction of intensity since the base.
    factors : DataFrame
        One row per year n: ``fiscal_year``, ``factor`` (A_n, weighted form), ``cross_check``
        (Σ CO2_n / Σ intensity_{n−1}·output_n), ``sites`` (number entering A_n), ``cumulative``.
    contributions : DataFrame
        One row per site and year entering A_n: intensities, ratio r, weight w, w·r.
    left_out : DataFrame
        ``fiscal_year, site_id, reason`` for every site with data in year n or n−1 that could not
        enter A_n.
    """

    index: float
    base_year: int
    fiscal_year: int
    factors: pd.DataFrame
    contributions: pd.DataFrame
    left_out: pd.DataFrame

    @property
    def index_percent(self) -> pint.Quantity:
        """The index as a percentage of the base year [percent]."""
        return Quantity(100 * self.index, "percent")

    @property
    def reduction_percent(self) -> pint.Quantity:
        """``1 − index``: the reduction of intensity since the base year [percent]."""
        return Quantity(100 * (1 - self.index), "percent")


def chained_intensity_index(history: pd.DataFrame, base_year: int, fiscal_year: int) -> ChainedIndex:
    """PRD-02: CO2 intensity index vs the base year, chained year by year.

    Parameters
    ----------
    history : DataFrame
        One row per site and fiscal year: ``site_id``, ``fiscal_year`` [year], ``co2_t`` [t CO2]
        (PRD-01 of the site) and ``output`` (production output, in one unit per site, e.g. [MJPY]).
    base_year : int
        The base fiscal year (FY2013 in the standard).
    fiscal_year : int
        The year N reported.

    Returns
    -------
    ChainedIndex

    Notes
    -----
    With :math:`I_{i,n} = CO2_{i,n} / output_{i,n}` the intensity of site *i* in year *n*:

    .. math::

        index_N = \\prod_{n=b+1}^{N} A_n, \\quad A_n = \\sum_i w_{i,n} r_{i,n}, \\quad
        r_{i,n} = \\frac{I_{i,n}}{I_{i,n-1}}, \\quad
        w_{i,n} = \\frac{I_{i,n-1}\\,output_{i,n}}{\\sum_j I_{j,n-1}\\,output_{j,n}}

    Algebraically :math:`A_n = \\sum_i CO2_{i,n} / \\sum_i I_{i,n-1} output_{i,n}`, returned as
    ``cross_check``. A site enters :math:`A_n` only with rows in both n−1 and n, a positive CO2 and
    output in n−1 (its intensity is the base of the ratio) and a positive output in n (CO2 in n may
    be zero); the others are listed in ``left_out`` with the reason.

    Raises
    ------
    ValueError
        If ``fiscal_year`` is not after ``base_year``, a site has two rows for one year, or a year
        has no site that can enter it.
    """
    if fiscal_year <= base_year:
        raise ValueError(f"fiscal year {fiscal_year} must be after the base year {base_year}")
    twice = history[history.duplicated(["site_id", "fiscal_year"], keep=False)]
    if not twice.empty:
        pairs = sorted({f"{s} FY{y}" for s, y in zip(twice["site_id"], twice["fiscal_year"])})
        raise ValueError(f"more than one row for {', '.join(pairs)}: one row per site and year expected")
    data = history.set_index(["site_id", "fiscal_year"])[["co2_t", "output"]]
    factors, contributions, left_out = [], [], []
    cumulative = 1.0
    for year in range(base_year + 1, fiscal_year + 1):
        rows, skipped = _chain_year(data, year)
        left_out += skipped
        if not rows:
            raise ValueError(f"FY{year}: no site has CO2 and output in both FY{year - 1} and FY{year}")
        frame = pd.DataFrame(rows)
        frame["weight"] = frame["prior_intensity_x_output"] / frame["prior_intensity_x_output"].sum()
        frame["weighted_ratio"] = frame["weight"] * frame["ratio"]
        factor = float(frame["weighted_ratio"].sum())
        cumulative *= factor
        factors.append({
            "fiscal_year": year,
            "factor": factor,
            "cross_check": float(frame["co2_t"].sum() / frame["prior_intensity_x_output"].sum()),
            "sites": len(frame),
            "cumulative": cumulative,
        })
        contributions.append(frame)
    return ChainedIndex(
        index=cumulative,
        base_year=base_year,
        fiscal_year=fiscal_year,
        factors=pd.DataFrame(factors),
        contributions=pd.concat(contributions, ignore_index=True),
        left_out=pd.DataFrame(left_out, columns=["fiscal_year", "site_id", "reason"]),
    )


def _chain_year(data: pd.DataFrame, year: int) -> tuple[list[dict], list[tuple]]:
    """The sites entering A_year, and those left out with the reason (all sites judged at once)."""
    years = data.index.get_level_values("fiscal_year")
    before = data[years == year - 1].droplevel("fiscal_year")
    now = data[years == year].droplevel("fiscal_year")
    sites = sorted(set(before.index) | set(now.index))
    prior, current = before.reindex(sites), now.reindex(sites)
    with np.errstate(invalid="ignore"):
        reasons = np.select(
            [~pd.Index(sites).isin(before.index), ~pd.Index(sites).isin(now.index),
             ~((prior["co2_t"] > 0) & (prior["output"] > 0)).to_numpy(), ~(current["output"] > 0).to_numpy()],
            [f"no data for FY{year - 1} (not yet in operation or not yet in the boundary)",
             f"no data for FY{year} (closed or left the boundary)",
             f"FY{year - 1} CO2 or output is zero: its intensity cannot be a base",
             f"FY{year} output is zero or not reported: no intensity"],  # zero or missing (NaN)
            default="") if sites else np.array([], dtype=object)
    skipped = [(year, site, reason) for site, reason in zip(sites, reasons.tolist()) if reason]
    entering = reasons == ""
    prior, current = prior[entering], current[entering]
    prior_intensity = prior["co2_t"] / prior["output"]
    intensity = current["co2_t"] / current["output"]
    rows = pd.DataFrame({
        "fiscal_year": year,
        "site_id": current.index,
        "prior_intensity": prior_intensity.to_numpy(),
        "intensity": intensity.to_numpy(),
        "ratio": (intensity / prior_intensity).to_numpy(),
        "output": current["output"].to_numpy(),
        "co2_t": current["co2_t"].to_numpy(),
        "prior_intensity_x_output": (prior_intensity * current["output"]).to_numpy(),
    })
    return rows.to_dict("records"), skipped


# --- sites joining and leaving the group (boundary, PRD-02) --------------------------------------

#: The events of :func:`site_changes`, in the order they are listed.
SITE_EVENTS = ("joined", "leaving", "closed")


def site_changes(boundary: pd.DataFrame, fiscal_year: int) -> pd.DataFrame:
    """The sites that join or leave the group around a fiscal year, and what it means for PRD-02 (boundary).

    Parameters
    ----------
    boundary : DataFrame
        The site register, or its boundary (:func:`envkpi.core.boundary.site_boundary`): ``site_id,
        site_name, first_fiscal_year, last_fiscal_year`` [fiscal year; empty: open-ended], and
        optionally ``in_scope`` (inside the boundary apart from the dates; default: every site).
    fiscal_year : int
        The fiscal year reported, N [year].

    Returns
    -------
    DataFrame
        ``site_id, site_name, event, change``: one row for each site whose ``first_fiscal_year`` is N
        (``event`` "joined"), whose ``last_fiscal_year`` is N ("leaving": it reports for the last
        time) or N − 1 ("closed": it has no rows in N); in that order, and in the order of
        ``boundary`` within each. ``change`` says it in words, with what it means for the chained
        index. A site that joins and leaves in N has both rows.

    Notes
    -----
    A site enters the yearly factor :math:`A_n` of the chained index only with figures in both
    :math:`n-1` and :math:`n` (:func:`chained_intensity_index`; standard [1]_ row
    生産活動におけるCO2排出量原単位(2013年度比)). So a site that joins in N has no figure for N − 1 and
    first enters :math:`A_{N+1}`; a site whose last year is L enters :math:`A_L`, is left out of
    :math:`A_{L+1}`, and its published history up to L stays in the chain. A site outside the
    boundary apart from its dates (``in_scope`` false) enters no factor at all.
    """
    scope = boundary["in_scope"] if "in_scope" in boundary.columns else pd.Series(True, index=boundary.index)
    rows = {event: [] for event in SITE_EVENTS}
    for site, name, first, last, in_scope in zip(boundary["site_id"], boundary["site_name"],
                                                  boundary["first_fiscal_year"], boundary["last_fiscal_year"], scope):
        first, last, in_scope = fiscal_year_of(first), fiscal_year_of(last), bool(in_scope)
        if first == fiscal_year:
            change = (f"joined the group in FY{fiscal_year}: no FY{fiscal_year - 1} figure, so it is outside "
                      f"A_{fiscal_year} of the chained index and enters it from A_{fiscal_year + 1}" if in_scope else
                      f"joined the group in FY{fiscal_year}, outside the boundary")
            rows["joined"].append((site, name, "joined", change))
        if last == fiscal_year:
            change = (f"reports for the last time: leaves the group after FY{fiscal_year}; its figures enter the "
                      f"chained index up to A_{fiscal_year}" if in_scope else
                      f"reports for the last time: leaves the group after FY{fiscal_year} (outside the boundary)")
            rows["leaving"].append((site, name, "leaving", change))
        if last == fiscal_year - 1:
            change = (f"closed after FY{last}: no FY{fiscal_year} rows; its history stays in the chained index up "
                      f"to FY{last}, and it is left out of A_{fiscal_year}" if in_scope else
                      f"closed after FY{last}: no FY{fiscal_year} rows (it was outside the boundary)")
            rows["closed"].append((site, name, "closed", change))
    return pd.DataFrame([row for event in SITE_EVENTS for row in rows[event]],
                        columns=["site_id", "site_name", "event", "change"])


def site_changes_sentence(changes: pd.DataFrame, fiscal_year: int) -> str:
    """One sentence that counts the changes of :func:`site_changes` (boundary, PRD-02).

    Parameters
    ----------
    changes : DataFrame
        From :func:`site_changes` (its ``event`` column).
    fiscal_year : int
        The fiscal year reported, N [year].

    Returns
    -------
    str
        E.g. "No site joined or left the group in FY2018." or "1 site joined the group in FY2019
        and 1 site closed after FY2018."
    """
    counts = changes["event"].value_counts()

    def sites(count: int) -> str:
        return f"{count} site" + ("" if count == 1 else "s")

    parts = []
    if counts.get("joined", 0):
        parts.append(f"{sites(counts['joined'])} joined the group in FY{fiscal_year}")
    if counts.get("leaving", 0):
        count = counts["leaving"]
        parts.append(f"{sites(count)} {'reports' if count == 1 else 'report'} for the last time (leaving the group "
                     f"after FY{fiscal_year})")
    if counts.get("closed", 0):
        parts.append(f"{sites(counts['closed'])} closed after FY{fiscal_year - 1}")
    if not parts:
        return f"No site joined or left the group in FY{fiscal_year}."
    return (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]) + "."
