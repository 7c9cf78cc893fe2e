#!/usr/bin/env python3
"""Generate the ILLUSTRATIVE sample input data for envkpi.

All figures are fictional. "Hoshikawa Industrial Group", "Northwind Cold Chain
Inc.", "Costa Mirrors S.A." and their sites are invented; the numbers are not
any real company's figures.

Standard library only and deterministic (fixed random seeds): running

    python data/make_sample.py

rewrites every CSV under data/ byte for byte: data/FY2018/*.csv, data/FY2017/*.csv,
data/history/site_history.csv, data/history/avoided_emissions.csv and
data/reference/outdoor_temperature.csv. The history files get the years published
before envkpi kept them (FY2013-FY2016); the rows of FY2017 and FY2018 are written
by `envkpi publish --fy 2017` and `--fy 2018` from the published runs (see
data/README.md), so after this script run and publish both years again.

The FY2018 activity data below is written out by hand. The prior-year history
(FY2013-FY2017) is derived from it: each site's FY2018 CO2 is computed with the
approximate factors in FACTORS below, and earlier years are back-cast so that
per-site intensity (t CO2 / MJPY) falls by roughly 1-3 % a year and output grows
a little. These factors are for coherence of the sample only; the library's
own parameters are authoritative.

The FY2017 production files are derived from FY2018 and the back-cast series: the
same sites without IN-01 (started FY2018), each site's activity scaled so that its
FY2017 CO2 - computed with the city-gas calorific value of its supplier as in
parameters/FY2017.yaml - matches the series' FY2017 value, and the output equal to
the series' FY2017 output. (Those FY2017 values are targets only: the history's
FY2017 rows are the published run's own figures.)

The product tables (avoided emissions CO2-01 ... CO2-03 and product use CO2-04)
are written out by hand for FY2018; FY2017 has the same rows with 5-10 % lower
volumes and slightly less efficient models (own random seed, so the FY2018
files and the history do not change).
"""

import csv
import math
import random
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
FY = 2018
HISTORY_YEARS = range(2013, 2018)
SEED = 2018

PARENT = "Hoshikawa Industrial Co., Ltd."
FIRST_RECORDED_FY = 2013

# ---------------------------------------------------------------------------
# sites.csv
# site_id, site_name, country, entity, parent_entity, has_ems, notes, first FY
# The first FY is written as first_fiscal_year, left empty for the sites in the
# group since FIRST_RECORDED_FY (the base year, the first year of the history)
# or earlier; no site has closed, so last_fiscal_year is empty.
# ---------------------------------------------------------------------------
SITES = [
    ("JP-01", "Chiba Works", "JP", PARENT, "", True, "", 2013),
    ("JP-02", "Nagoya Works", "JP", PARENT, "", True,
     "City gas metered in Nm3", 2013),
    ("JP-03", "Sakai Works", "JP", PARENT, "", True, "", 2013),
    ("JP-04", "Kitakyushu Works", "JP", PARENT, "", True, "", 2013),
    ("JP-05", "Kumamoto Works", "JP", "Hoshikawa Electronics Co., Ltd.", PARENT,
     True, "Semiconductor fab; LNG satellite terminal", 2013),
    ("JP-06", "Tsukuba Pilot Line", "JP", PARENT, "", False,
     "Pilot line without an environmental management system; out of boundary",
     2013),
    ("CN-01", "Shanghai Plant", "CN", "Hoshikawa Industrial (Shanghai) Co., Ltd.",
     PARENT, True, "", 2013),
    ("CN-02", "Wuxi Plant", "CN", "Hoshikawa Industrial (Wuxi) Co., Ltd.",
     PARENT, True, "", 2013),
    ("TH-01", "Rayong Plant", "TH", "Hoshikawa Appliances (Thailand) Co., Ltd.",
     PARENT, True, "Started operation in FY2016", 2016),
    ("MY-01", "Penang Plant", "MY", "Hoshikawa Electronics (Malaysia) Sdn. Bhd.",
     PARENT, True, "", 2013),
    ("US-01", "Visalia Plant", "US", "Hoshikawa America, Inc.", PARENT, True,
     "", 2013),
    ("DE-01", "Duisburg Plant", "DE", "Hoshikawa Europe GmbH", PARENT, True,
     "Electricity metered in kWh", 2013),
    ("IN-01", "Noida Plant", "IN", "Hoshikawa India Pvt. Ltd.", PARENT, True,
     "Started operation in FY2018 (October 2018)", 2018),
    ("US-02", "Ontario Plant", "US", "Northwind Cold Chain Inc.", PARENT, True,
     "Acquired April 2016; entity excluded from boundary", 2016),
    ("MX-01", "Monterrey Plant", "MX",
     "Northwind Refrigeration de Mexico S. de R.L.", "Northwind Cold Chain Inc.",
     True, "Subsidiary of Northwind Cold Chain Inc.; excluded from boundary",
     2016),
    ("ES-01", "Valencia Plant", "ES", "Costa Mirrors S.A.", PARENT, True,
     "Acquired April 2017; entity excluded from boundary", 2017),
]

# Entities excluded from the FY2018 boundary (mirrors the boundary parameter).
EXCLUDED_ENTITIES = {"Northwind Cold Chain Inc.", "Costa Mirrors S.A."}

# ---------------------------------------------------------------------------
# fuel_use.csv: site_id, fuel, quantity, unit, supplier
# ---------------------------------------------------------------------------
FUEL_USE = [
    ("JP-01", "city_gas", 5820, "kNm3", "tokyo_gas"),
    ("JP-01", "a_heavy_oil", 1240, "kL", ""),
    ("JP-01", "diesel", 38.5, "kL", ""),
    ("JP-02", "city_gas", 3214600, "Nm3", "toho_gas"),
    ("JP-02", "lpg", 420, "t", ""),
    ("JP-03", "city_gas", 2480, "kNm3", "osaka_gas"),
    ("JP-03", "kerosene", 86.2, "kL", ""),
    ("JP-03", "gasoline", 24.6, "kL", ""),
    ("JP-04", "lpg", 1350, "t", ""),
    ("JP-04", "a_heavy_oil", 2150, "kL", ""),
    ("JP-04", "kerosene", 41.8, "kL", ""),
    ("JP-04", "gasoline", 18400, "L", ""),
    ("JP-05", "lng", 2860, "t", ""),
    ("JP-05", "diesel", 12.3, "kL", ""),
    ("JP-06", "city_gas", 210, "kNm3", "tokyo_gas"),
    ("JP-06", "gasoline", 6.4, "kL", ""),
    ("CN-01", "city_gas", 3650, "kNm3", "shanghai_gas"),
    ("CN-01", "diesel", 46, "kL", ""),
    ("CN-02", "lpg", 640, "t", ""),
    ("CN-02", "diesel", 72, "kL", ""),
    ("TH-01", "city_gas", 1920, "kNm3", "ptt"),
    ("TH-01", "lpg", 85, "t", ""),
    ("MY-01", "city_gas", 1150, "kNm3", "gas_malaysia"),
    ("MY-01", "diesel", 18, "kL", ""),
    ("US-01", "city_gas", 2740, "kNm3", "socal_gas"),
    ("US-01", "diesel", 24, "kL", ""),
    ("US-01", "gasoline", 31, "kL", ""),
    ("DE-01", "city_gas", 1680, "kNm3", "stadtwerke"),
    ("DE-01", "diesel", 9.5, "kL", ""),
    ("IN-01", "city_gas", 380, "kNm3", "igl"),
    ("IN-01", "diesel", 145, "kL", ""),
    ("US-02", "city_gas", 860, "kNm3", "socal_gas"),
    ("US-02", "diesel", 195, "kL", ""),
    ("MX-01", "lpg", 230, "t", ""),
    ("MX-01", "diesel", 34, "kL", ""),
    ("ES-01", "lng", 3900, "t", ""),
    ("ES-01", "diesel", 11, "kL", ""),
]

# ---------------------------------------------------------------------------
# purchased_energy.csv: site_id, carrier, quantity, unit
# ---------------------------------------------------------------------------
PURCHASED = [
    ("JP-01", "electricity", 96400, "MWh"),
    ("JP-01", "steam", 42600, "GJ"),
    ("JP-02", "electricity", 71250, "MWh"),
    ("JP-03", "electricity", 48700, "MWh"),
    ("JP-03", "hot_water", 8900, "GJ"),
    ("JP-04", "electricity", 58900, "MWh"),
    ("JP-05", "electricity", 132800, "MWh"),
    ("JP-06", "electricity", 6300, "MWh"),
    ("CN-01", "electricity", 88500, "MWh"),
    ("CN-01", "steam", 31200, "GJ"),
    ("CN-02", "electricity", 54300, "MWh"),
    ("TH-01", "electricity", 37600, "MWh"),
    ("MY-01", "electricity", 42800, "MWh"),
    ("MY-01", "steam", 12400, "GJ"),
    ("US-01", "electricity", 46200, "MWh"),
    ("DE-01", "electricity", 28460000, "kWh"),
    ("IN-01", "electricity", 9850, "MWh"),
    ("US-02", "electricity", 64300, "MWh"),
    ("MX-01", "electricity", 21700, "MWh"),
    ("ES-01", "electricity", 33800, "MWh"),
]

# ---------------------------------------------------------------------------
# renewable_energy.csv: site_id, source, generated, used_on_site, unit
# ---------------------------------------------------------------------------
RENEWABLE = [
    ("JP-01", "solar", 1850, 1850, "MWh"),
    ("JP-03", "solar", 620, 540, "MWh"),
    ("JP-05", "small_hydro", 2400, 2400, "MWh"),
    ("TH-01", "solar", 1420, 1420, "MWh"),
    ("US-01", "solar", 2650, 2310, "MWh"),
    ("DE-01", "wind", 2980, 2210, "MWh"),
    ("IN-01", "solar", 486300, 486300, "kWh"),
    ("ES-01", "solar", 780, 780, "MWh"),
]

# ---------------------------------------------------------------------------
# non_co2_ghg.csv: site_id, gas, quantity, unit, activity
# ---------------------------------------------------------------------------
NON_CO2 = [
    ("JP-01", "SF6", 85, "kg", "SF6 leakage from switchgear"),
    ("JP-02", "CH4", 2.4, "t", "CH4 from wastewater treatment"),
    ("JP-03", "HFC-134a", 260, "kg", "HFC-134a refrigerant charge loss"),
    ("JP-04", "N2O", 180, "kg", "N2O from industrial furnace combustion"),
    ("JP-05", "CF4", 240, "kg", "PFC use in semiconductor etching"),
    ("JP-05", "C2F6", 65, "kg", "PFC use in semiconductor chamber cleaning"),
    ("JP-05", "NF3", 130, "kg", "NF3 use in semiconductor chamber cleaning"),
    ("JP-05", "N2O", 310, "kg", "N2O use in semiconductor CVD"),
    ("JP-05", "SF6", 42, "kg", "SF6 use in semiconductor etching"),
    ("CN-01", "SF6", 60, "kg", "SF6 leakage from switchgear"),
    ("CN-02", "CH4", 1350, "kg", "CH4 from wastewater treatment"),
    ("TH-01", "HFC-32", 380, "kg", "HFC-32 refrigerant charge loss"),
    ("US-01", "HFC-134a", 540, "kg", "HFC-134a refrigerant charge loss"),
    ("US-02", "HFC-134a", 1.65, "t", "HFC-134a refrigerant charge loss"),
    ("MX-01", "HFC-134a", 420, "kg", "HFC-134a refrigerant charge loss"),
]

# ---------------------------------------------------------------------------
# production_output.csv: site_id, output, unit
# ---------------------------------------------------------------------------
OUTPUT = {
    "JP-01": 168500, "JP-02": 121300, "JP-03": 84200, "JP-04": 72600,
    "JP-05": 146900, "JP-06": 5400, "CN-01": 96800, "CN-02": 61500,
    "TH-01": 43900, "MY-01": 52700, "US-01": 74300, "DE-01": 48600,
    "IN-01": 11200, "US-02": 38900, "MX-01": 17800, "ES-01": 26400,
}

# ---------------------------------------------------------------------------
# Approximate factors used only to make the history coherent with FY2018.
# ---------------------------------------------------------------------------
C_TO_CO2 = 44 / 12
FUEL_FACTORS = {  # fuel: (GJ per natural unit, t C / GJ)
    "city_gas": (45.0, 0.0136),      # per kNm3
    "lpg": (50.8, 0.0161),           # per t
    "lng": (54.6, 0.0135),           # per t
    "a_heavy_oil": (39.1, 0.0189),   # per kL
    "kerosene": (36.7, 0.0185),      # per kL
    "diesel": (37.7, 0.0187),        # per kL
    "gasoline": (34.6, 0.0183),      # per kL
}
TO_NATURAL = {"kNm3": 1.0, "Nm3": 1e-3, "t": 1.0, "kL": 1.0, "L": 1e-3}
ELEC_T_PER_MWH = {  # = kg CO2 / kWh
    "JP": 0.410, "CN": 0.74785, "TH": 0.54766, "MY": 0.59110, "US": 0.56737,
    "DE": 0.50768, "IN": 0.91982, "VN": 0.42352,
}
HEAT_T_PER_GJ = {"steam": 0.060, "hot_water": 0.057, "cold_water": 0.057}  # in Japan
# Outside Japan: the fuel that makes the heat [t CO2/GJ] over a boiler efficiency of 0.8
# (parameters: production.heat_abroad; CN coal 94,600 kg/TJ, MY natural gas 56,100 kg/TJ).
HEAT_ABROAD_T_PER_GJ = {"CN": 0.0946 / 0.8, "MY": 0.0561 / 0.8}
TO_MWH = {"MWh": 1.0, "kWh": 1e-3}

# History shape: intensity change per year drawn from this range (reduction),
# output growth per year drawn from OUTPUT_GROWTH.
INTENSITY_REDUCTION = (0.010, 0.030)
OUTPUT_GROWTH = (0.005, 0.030)
# (site, fiscal_year): intensity change in that year vs the previous one is an
# increase instead of a reduction (one site gets worse one year).
WORSE_YEAR = {("JP-04", 2016): 0.018}


def fmt(x):
    """Integers without decimals, other numbers with at most 3 decimals."""
    if isinstance(x, float) and not x.is_integer():
        return f"{x:.3f}".rstrip("0").rstrip(".")
    return str(int(x)) if isinstance(x, float) else str(x)


SITES_HEADER = ["site_id", "site_name", "country", "entity", "parent_entity",
                "has_ems", "first_fiscal_year", "last_fiscal_year", "notes"]


def site_row(site):
    """A row of sites.csv: the first FY only when after FIRST_RECORDED_FY."""
    sid, name, country, entity, parent, has_ems, notes, first = site
    return (sid, name, country, entity, parent, "true" if has_ems else "false",
            first if first > FIRST_RECORDED_FY else "", "", notes)


def write_csv(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow([fmt(v) if isinstance(v, (int, float))
                        and not isinstance(v, bool) else v for v in row])


def site_co2_fy2018():
    """Approximate FY2018 CO2 (t) per site: fuels + purchased energy.

    Only for sites in countries with an electricity factor above (MX-01 and
    ES-01 are out of the boundary and have no history, so they are skipped).
    """
    country = {s[0]: s[2] for s in SITES if s[2] in ELEC_T_PER_MWH}
    co2 = {sid: 0.0 for sid in country}
    for site, fuel, qty, unit, _ in FUEL_USE:
        if site not in co2:
            continue
        gj_per, tc_per_gj = FUEL_FACTORS[fuel]
        co2[site] += qty * TO_NATURAL[unit] * gj_per * tc_per_gj * C_TO_CO2
    for site, carrier, qty, unit in PURCHASED:
        if site not in co2:
            continue
        co2[site] += purchased_row_co2(carrier, qty, unit, country[site])
    return co2


def in_boundary(site):
    sid, _, _, entity, parent, has_ems, _, _ = site
    return has_ems and entity not in EXCLUDED_ENTITIES \
        and parent not in EXCLUDED_ENTITIES


def build_history(co2_2018):
    rng = random.Random(SEED)
    rows = []
    # In-boundary sites that operated before FY2018, plus US-02 so that the
    # boundary filter is visible in the history too.
    for site in SITES:
        sid, first = site[0], site[7]
        if not (in_boundary(site) or sid == "US-02") or first >= FY:
            continue
        intensity = co2_2018[sid] / OUTPUT[sid]
        output = float(OUTPUT[sid])
        series = {}
        for year in range(FY - 1, first - 1, -1):
            # step back from year+1 to year
            if (sid, year + 1) in WORSE_YEAR:
                reduction = -WORSE_YEAR[(sid, year + 1)]
            else:
                reduction = rng.uniform(*INTENSITY_REDUCTION)
            growth = rng.uniform(*OUTPUT_GROWTH)
            intensity = intensity / (1 - reduction)
            output = output / (1 + growth)
            series[year] = (intensity, output)
        for year in sorted(series):
            inten, out = series[year]
            out_r = round(out)
            rows.append((sid, year, round(inten * out_r), "t CO2", out_r,
                         "MJPY",
                         f"Illustrative: Hoshikawa data book FY{year} "
                         f"(fictional)"))
    return rows


# ===========================================================================
# FY2017 production files (derived from FY2018 and the history)
# ===========================================================================
PRIOR_FY = 2017
SEED_PRIOR = 2017  # own seed: the FY2018 files and the history keep theirs

# City-gas calorific value [GJ/kNm3] per supplier, as in parameters/FY2017.yaml
# (= FY2018.yaml). The FY2017 files are fitted with these values, which are
# what the library uses; the history above keeps its flat 45 GJ/kNm3.
SUPPLIER_GJ_PER_KNM3 = {
    "tokyo_gas": 45.0, "osaka_gas": 45.0, "toho_gas": 45.0,
    "shanghai_gas": 38.9, "ptt": 37.5, "gas_malaysia": 39.0,
    "stadtwerke": 40.2, "socal_gas": 38.3, "igl": 37.8,
}
# Largest allowed gap between a site's FY2017 CO2 and its published FY2017 row.
PRIOR_CO2_TOLERANCE = 0.01


def fuel_row_co2(fuel, qty, unit, supplier):
    """t CO2 of one fuel row; city gas with its supplier's calorific value."""
    gj_per, tc_per_gj = FUEL_FACTORS[fuel]
    if fuel == "city_gas":
        gj_per = SUPPLIER_GJ_PER_KNM3[supplier]
    return qty * TO_NATURAL[unit] * gj_per * tc_per_gj * C_TO_CO2


def purchased_row_co2(carrier, qty, unit, country):
    if carrier == "electricity":
        return qty * TO_MWH[unit] * ELEC_T_PER_MWH[country]
    if country != "JP":
        return qty * HEAT_ABROAD_T_PER_GJ[country]
    return qty * HEAT_T_PER_GJ[carrier]


def site_co2(sites, fuel_use, purchased):
    """CO2 (t) per site from fuels and purchased energy, supplier gas values."""
    country = {s[0]: s[2] for s in sites if s[2] in ELEC_T_PER_MWH}
    co2 = {sid: 0.0 for sid in country}
    for site, fuel, qty, unit, supplier in fuel_use:
        if site in co2:
            co2[site] += fuel_row_co2(fuel, qty, unit, supplier)
    for site, carrier, qty, unit in purchased:
        if site in co2:
            co2[site] += purchased_row_co2(carrier, qty, unit, country[site])
    return co2


def like(value, template):
    """Round ``value`` to the precision of the FY2018 figure it comes from."""
    if isinstance(template, float) and not template.is_integer():
        return round(value, len(repr(template).split(".")[1]))
    if template >= 1_000_000:
        return int(round(value, -2))
    return int(round(value))


def build_prior_production(history_rows):
    """FY2017 sites, fuel use, purchased energy, renewables, non-CO2 gases, output.

    Sites with a published FY2017 history row (the in-boundary sites and
    US-02): every fuel and heat row is the FY2018 quantity x the site's scale x
    a small per-row variation; the electricity row then closes the gap to the
    published CO2. Sites without history (JP-06, MX-01, ES-01) are scaled only.
    """
    rng = random.Random(SEED_PRIOR)
    sites = [s for s in SITES if s[7] <= PRIOR_FY]
    ids = [s[0] for s in sites]
    country = {s[0]: s[2] for s in sites}
    published = {r[0]: (r[2], r[4]) for r in history_rows if r[1] == PRIOR_FY}
    co2_2018 = site_co2(sites, FUEL_USE, PURCHASED)

    fuel_use, purchased = [], []
    for sid in ids:
        if sid in published:
            scale = published[sid][0] / co2_2018[sid]
        else:
            scale = rng.uniform(0.93, 0.98)
        fuels = [(s, f, like(q * scale * rng.uniform(0.96, 1.04), q), u, sup)
                 for s, f, q, u, sup in FUEL_USE if s == sid]
        heat = [(s, c, like(q * scale * rng.uniform(0.96, 1.04), q), u)
                for s, c, q, u in PURCHASED if s == sid and c != "electricity"]
        (elec,) = [r for r in PURCHASED if r[0] == sid and r[1] == "electricity"]
        if sid in published:
            rest = sum(fuel_row_co2(f, q, u, sup) for _, f, q, u, sup in fuels) \
                + sum(purchased_row_co2(c, q, u, country[sid]) for _, c, q, u in heat)
            mwh = (published[sid][0] - rest) / ELEC_T_PER_MWH[country[sid]]
            elec_qty = like(mwh / TO_MWH[elec[3]], elec[2])
        else:
            elec_qty = like(elec[2] * scale * rng.uniform(0.96, 1.04), elec[2])
        fuel_use += fuels
        # keep the FY2018 row order: electricity first, then heat carriers
        purchased += [(sid, "electricity", elec_qty, elec[3])] + heat

    renewable = []
    for sid, source, gen, used, unit in RENEWABLE:
        if sid not in ids:
            continue
        factor = rng.uniform(0.90, 0.98)
        gen17 = like(gen * factor, gen)
        used17 = gen17 if used == gen else min(gen17, like(used * factor, used))
        renewable.append((sid, source, gen17, used17, unit))

    non_co2 = [(sid, gas, like(q * rng.uniform(0.92, 1.06), q), unit, activity)
               for sid, gas, q, unit, activity in NON_CO2 if sid in ids]

    output = {}
    for sid in ids:
        if sid in published:
            output[sid] = published[sid][1]
        else:
            output[sid] = round(OUTPUT[sid] / rng.uniform(1.01, 1.04))

    # Self-check: every site with history matches its published FY2017 CO2.
    fitted = site_co2(sites, fuel_use, purchased)
    for sid, (co2, _) in published.items():
        gap = fitted[sid] / co2 - 1
        assert abs(gap) <= PRIOR_CO2_TOLERANCE, (sid, fitted[sid], co2)
    return sites, fuel_use, purchased, renewable, non_co2, output


def write_production(fy_dir, sites, fuel_use, purchased, renewable, non_co2,
                     output):
    write_csv(fy_dir / "sites.csv",
              SITES_HEADER, [site_row(s) for s in sites])
    write_csv(fy_dir / "fuel_use.csv",
              ["site_id", "fuel", "quantity", "unit", "supplier"], fuel_use)
    write_csv(fy_dir / "purchased_energy.csv",
              ["site_id", "carrier", "quantity", "unit"], purchased)
    write_csv(fy_dir / "renewable_energy.csv",
              ["site_id", "source", "generated", "used_on_site", "unit"],
              renewable)
    write_csv(fy_dir / "non_co2_ghg.csv",
              ["site_id", "gas", "quantity", "unit", "activity"], non_co2)
    write_csv(fy_dir / "production_output.csv",
              ["site_id", "output", "unit"],
              [(s[0], output[s[0]], "MJPY") for s in sites])


# ===========================================================================
# Product tables: avoided emissions (CO2-01 ... CO2-03), product use (CO2-04)
# FY2018 figures by hand; FY2017 derived in build_prior_products().
# Region keys as in parameters/common.yaml (product_regions).
# ===========================================================================

# pv_shipments.csv: region, capacity_shipped, unit (europe in MW: conversion)
PV_SHIPMENTS = [
    ("japan", 248600, "kW"),
    ("china", 96400, "kW"),
    ("asia", 58200, "kW"),
    ("europe", 41.8, "MW"),
    ("north_america", 112500, "kW"),
]

# fuel_cell_shipments.csv: region, units_shipped (residential fuel cells)
FUEL_CELLS = [
    ("japan", 13850),
    ("europe", 640),
]

# energy_saving_products.csv:
# category, region, reference_kwh_per_year (FY2005 model), model_kwh_per_year,
# units_shipped. The lcd_tv / north_america row is a large-screen model that
# uses more than its FY2005 reference: the one negative CO2-02 row.
ENERGY_SAVING = [
    ("room_air_conditioner", "japan", 1050, 720, 860000),
    ("room_air_conditioner", "china", 1150, 860, 640000),
    ("room_air_conditioner", "asia", 1100, 820, 420000),
    ("room_air_conditioner", "europe", 900, 640, 85000),
    ("room_air_conditioner", "north_america", 980, 700, 120000),
    ("refrigerator", "japan", 820, 310, 620000),
    ("refrigerator", "china", 760, 390, 380000),
    ("refrigerator", "asia", 700, 420, 290000),
    ("refrigerator", "europe", 560, 260, 110000),
    ("lcd_tv", "japan", 280, 165, 480000),
    ("lcd_tv", "china", 250, 180, 350000),
    ("lcd_tv", "asia", 240, 170, 210000),
    ("lcd_tv", "north_america", 210, 235, 95000),
    ("washing_machine", "japan", 105, 62, 340000),
    ("washing_machine", "china", 115, 78, 460000),
    ("washing_machine", "asia", 98, 70, 380000),
    ("led_lighting", "japan", 105, 28, 880000),
    ("led_lighting", "china", 96, 32, 720000),
    ("led_lighting", "europe", 88, 24, 410000),
    ("led_lighting", "north_america", 115, 36, 530000),
    ("heat_pump_water_heater", "japan", 1850, 1180, 95000),
    ("heat_pump_water_heater", "china", 1400, 980, 18000),
    ("heat_pump_water_heater", "europe", 1600, 1050, 24000),
]
NEGATIVE_ROW = ("lcd_tv", "north_america")

# housing_insulation.csv: house_type, houses_delivered,
# reference_ac_kwh_per_year, insulated_ac_kwh_per_year (per house)
HOUSING = [
    ("detached", 4850, 3650, 2150),
    ("apartment", 2300, 3100, 1950),
]

# compressors_motors.csv: component, host_product, reference_kwh_per_year,
# model_kwh_per_year (per unit, FY2005 component vs this year's), units_shipped
COMPRESSORS_MOTORS = [
    ("inverter rotary compressor", "air_conditioner", 620, 470, 2600000),
    ("inverter reciprocating compressor", "refrigerator", 380, 300, 1850000),
    ("brushless DC fan motor", "air_conditioner", 240, 190, 2900000),
    ("scroll compressor", "showcase", 780, 590, 180000),
    ("brushless DC fan motor", "vending_machine", 260, 215, 120000),
]

# automotive_batteries.csv: vehicle_type, vehicles
BATTERIES = [
    ("EV", 118000),
    ("PHV", 46500),
    ("HV", 436000),
]

# vacuum_insulation_panels.csv: host_product, units_shipped, saving_kwh_per_year
VACUUM_INSULATION = [
    ("refrigerator", 1240000, 42),
    ("vending_machine", 46500, 360),
]

# teleconference_systems.csv: region, units_sold (two units = one set); the
# europe count is odd: one unit is left unpaired.
TELECONFERENCE = [
    ("japan", 4380),
    ("china", 1260),
    ("asia", 940),
    ("europe", 1517),
    ("north_america", 2140),
]
ODD_REGION = "europe"

# energy_management_systems.csv: system, units_shipped
ENERGY_MANAGEMENT = [
    ("hems", 48600),
    ("bems", 612),
]

# heat_exchange_ventilation.csv: product, units_shipped
HEAT_EXCHANGE = [
    ("whole-house heat-exchange ventilation unit", 26400),
    ("room heat-exchange ventilation fan", 14800),
]

# product_use.csv: category, region, model ({yy} = last two digits of the
# fiscal year: each year's best-seller is that year's model),
# model_kwh_per_year, units_sold
PRODUCT_USE = [
    ("room_air_conditioner", "japan", "CS-X{yy}A", 760, 980000),
    ("room_air_conditioner", "china", "CS-XC{yy}K", 890, 720000),
    ("room_air_conditioner", "asia", "CS-XA{yy}T", 840, 460000),
    ("room_air_conditioner", "europe", "CS-XE{yy}E", 680, 95000),
    ("commercial_air_conditioner", "japan", "PA-P{yy}0H", 5600, 62000),
    ("commercial_air_conditioner", "china", "PA-C{yy}0H", 6800, 48000),
    ("commercial_air_conditioner", "asia", "PA-A{yy}0H", 7200, 31000),
    ("led_lighting", "japan", "LD-R{yy}W", 28, 1450000),
    ("led_lighting", "china", "LD-C{yy}W", 34, 1100000),
    ("led_lighting", "europe", "LD-E{yy}W", 22, 640000),
    ("led_lighting", "north_america", "LD-U{yy}W", 38, 820000),
    ("refrigerator", "japan", "NR-F{yy}6X", 300, 690000),
    ("refrigerator", "china", "NR-C{yy}4X", 370, 430000),
    ("refrigerator", "asia", "NR-A{yy}3X", 410, 330000),
    ("refrigerator", "europe", "NR-E{yy}5X", 260, 125000),
    ("lcd_tv", "japan", "TH-{yy}J55", 115, 540000),
    ("lcd_tv", "china", "TH-{yy}C55", 150, 390000),
    ("lcd_tv", "asia", "TH-{yy}A50", 135, 240000),
    ("lcd_tv", "north_america", "TH-{yy}U65", 185, 110000),
    ("washer_dryer", "japan", "NA-VX{yy}H", 180, 410000),
    ("washer_dryer", "china", "NA-C{yy}D", 620, 85000),
    ("washer_dryer", "europe", "NA-E{yy}D", 240, 64000),
    ("washing_machine", "japan", "NA-FA{yy}0", 62, 380000),
    ("washing_machine", "china", "NA-C{yy}F", 85, 520000),
    ("washing_machine", "asia", "NA-A{yy}F", 92, 410000),
    ("dishwasher", "japan", "NP-TZ{yy}", 235, 190000),
    ("dishwasher", "europe", "NP-E{yy}", 285, 48000),
    ("dishwasher", "north_america", "NP-U{yy}", 270, 36000),
    ("ih_cooker", "japan", "KZ-G{yy}3", 420, 260000),
    ("ih_cooker", "china", "KZ-C{yy}2", 560, 140000),
    ("ih_cooker", "asia", "KZ-A{yy}1", 480, 26000),
    ("heat_pump_water_heater", "japan", "HE-J{yy}46", 1150, 102000),
    ("heat_pump_water_heater", "china", "HE-C{yy}30", 1320, 19500),
    ("heat_pump_water_heater", "europe", "HE-E{yy}27", 1020, 26000),
    ("air_purifier", "japan", "F-VX{yy}0", 68, 520000),
    ("air_purifier", "china", "F-C{yy}0", 120, 680000),
    ("air_purifier", "asia", "F-A{yy}0", 95, 150000),
    ("air_purifier", "north_america", "F-U{yy}0", 140, 90000),
    ("microwave_oven", "japan", "NE-MS{yy}", 72, 620000),
    ("microwave_oven", "china", "NE-C{yy}", 88, 450000),
    ("microwave_oven", "asia", "NE-A{yy}", 81, 280000),
    ("microwave_oven", "north_america", "NE-U{yy}", 96, 210000),
]

# FY2017 = FY2018 volumes x VOLUME_FACTOR_PRIOR (5-10 % lower); this year's
# models x MODEL_KWH_FACTOR_PRIOR (the previous model used a little more).
VOLUME_FACTOR_PRIOR = (0.90, 0.95)
MODEL_KWH_FACTOR_PRIOR = (1.01, 1.04)


def volume(value, rng):
    """A FY2017 volume from a FY2018 one, rounded like a reported figure."""
    x = value * rng.uniform(*VOLUME_FACTOR_PRIOR)
    if isinstance(value, float):
        return round(x, 1)
    if value >= 100_000:
        return int(round(x, -2))
    if value >= 10_000:
        return int(round(x, -1))
    return int(round(x))


def build_products(fy):
    """The product tables of fiscal year ``fy`` as {file stem: (header, rows)}."""
    yy = f"{fy % 100:02d}"
    if fy == FY:
        rng = None
        pv, fc, es, house, cm = (PV_SHIPMENTS, FUEL_CELLS, ENERGY_SAVING,
                                 HOUSING, COMPRESSORS_MOTORS)
        bat, vip, tele, ems, hx = (BATTERIES, VACUUM_INSULATION,
                                   TELECONFERENCE, ENERGY_MANAGEMENT,
                                   HEAT_EXCHANGE)
        use = [(c, r, m.format(yy=yy), k, n) for c, r, m, k, n in PRODUCT_USE]
    else:
        rng = random.Random(SEED_PRIOR + 1)

        def kwh(x):
            return int(round(x * rng.uniform(*MODEL_KWH_FACTOR_PRIOR)))

        pv = [(r, volume(c, rng), u) for r, c, u in PV_SHIPMENTS]
        fc = [(r, volume(n, rng)) for r, n in FUEL_CELLS]
        es = [(c, r, ref, kwh(m), volume(n, rng))
              for c, r, ref, m, n in ENERGY_SAVING]
        house = [(t, volume(n, rng), ref, int(round(ins * rng.uniform(
            *MODEL_KWH_FACTOR_PRIOR), -1))) for t, n, ref, ins in HOUSING]
        cm = [(c, h, ref, kwh(m), volume(n, rng))
              for c, h, ref, m, n in COMPRESSORS_MOTORS]
        bat = [(t, volume(n, rng)) for t, n in BATTERIES]
        vip = [(h, volume(n, rng), int(round(s * rng.uniform(0.95, 0.99))))
               for h, n, s in VACUUM_INSULATION]
        tele = []
        for region, n in TELECONFERENCE:
            n17 = volume(n, rng)
            odd = region == ODD_REGION
            if n17 % 2 != odd:  # odd only in ODD_REGION, even elsewhere
                n17 += 1
            tele.append((region, n17))
        ems = [(s, volume(n, rng)) for s, n in ENERGY_MANAGEMENT]
        hx = [(p, volume(n, rng)) for p, n in HEAT_EXCHANGE]
        use = [(c, r, m.format(yy=yy), kwh(k), volume(n, rng))
               for c, r, m, k, n in PRODUCT_USE]

    # Self-checks of the rows that demonstrate something.
    negative = [(c, r) for c, r, ref, m, _ in es if m > ref]
    assert negative == [NEGATIVE_ROW], negative
    assert all(m < ref for _, _, ref, m, _ in cm)
    odd = [r for r, n in tele if n % 2]
    assert odd == [ODD_REGION], odd

    count = "units_shipped"
    return {
        "pv_shipments": (["region", "capacity_shipped", "unit"], pv),
        "fuel_cell_shipments": (["region", count], fc),
        "energy_saving_products": (
            ["category", "region", "reference_kwh_per_year",
             "model_kwh_per_year", count], es),
        "housing_insulation": (
            ["house_type", "houses_delivered", "reference_ac_kwh_per_year",
             "insulated_ac_kwh_per_year"], house),
        "compressors_motors": (
            ["component", "host_product", "reference_kwh_per_year",
             "model_kwh_per_year", count], cm),
        "automotive_batteries": (["vehicle_type", "vehicles"], bat),
        "vacuum_insulation_panels": (
            ["host_product", count, "saving_kwh_per_year"], vip),
        "teleconference_systems": (["region", "units_sold"], tele),
        "energy_management_systems": (["system", count], ems),
        "heat_exchange_ventilation": (["product", count], hx),
        "product_use": (
            ["category", "region", "model", "model_kwh_per_year",
             "units_sold"], use),
    }


# ===========================================================================
# reference/outdoor_temperature.csv: an APPROXIMATE hourly series (not
# measured data) from the JMA Tokyo 1991-2020 monthly normal mean temperatures
# (REFERENCE_FACTS 5d, confidence secondary) with an illustrative diurnal
# swing: temp = monthly mean + A x cos(2 pi (hour - 14) / 24), rounded to
# 0.1 degC. Every day of a month is the same. One fiscal year (FY2018,
# 8,760 hours); used by the heat-exchange ventilation model of every year.
# ===========================================================================
TOKYO_MONTHLY_MEAN_C = {
    1: 5.4, 2: 6.1, 3: 9.4, 4: 14.3, 5: 18.8, 6: 21.9,
    7: 25.7, 8: 26.9, 9: 23.3, 10: 18.0, 11: 12.5, 12: 7.7,
}
DIURNAL_AMPLITUDE_C = 3.0
DIURNAL_PEAK_HOUR = 14
TEMPERATURE_START = datetime(FY, 4, 1)  # FY2018: 2018-04-01 .. 2019-03-31


def outdoor_temperature_rows():
    hours = int((datetime(FY + 1, 4, 1) - TEMPERATURE_START)
                / timedelta(hours=1))
    assert hours == 8760, hours
    rows = []
    for i in range(hours):
        t = TEMPERATURE_START + timedelta(hours=i)
        temp = TOKYO_MONTHLY_MEAN_C[t.month] + DIURNAL_AMPLITUDE_C * math.cos(
            2 * math.pi * (t.hour - DIURNAL_PEAK_HOUR) / 24)
        rows.append((t.strftime("%Y-%m-%dT%H:%M"), f"{round(temp, 1):.1f}"))
    return rows


# ===========================================================================
# history/avoided_emissions.csv: published avoided emissions of the years
# before FY2017 (fiscal_year, avoided_co2_t [t CO2], source). Illustrative.
# FY2017 on: written by `envkpi publish` from the published run (CO2-01 +
# CO2-02 + CO2-03 at full precision).
# ===========================================================================
AVOIDED_HISTORY = {
    2013: 15120000,
    2014: 16480000,
    2015: 18050000,
    2016: 19930000,
}


def main():
    fy_dir = HERE / f"FY{FY}"
    write_csv(fy_dir / "sites.csv", SITES_HEADER,
              [site_row(s) for s in SITES])
    write_csv(fy_dir / "fuel_use.csv",
              ["site_id", "fuel", "quantity", "unit", "supplier"], FUEL_USE)
    write_csv(fy_dir / "purchased_energy.csv",
              ["site_id", "carrier", "quantity", "unit"], PURCHASED)
    write_csv(fy_dir / "renewable_energy.csv",
              ["site_id", "source", "generated", "used_on_site", "unit"],
              RENEWABLE)
    write_csv(fy_dir / "non_co2_ghg.csv",
              ["site_id", "gas", "quantity", "unit", "activity"], NON_CO2)
    write_csv(fy_dir / "production_output.csv",
              ["site_id", "output", "unit"],
              [(sid, OUTPUT[sid], "MJPY") for sid, *_ in SITES])

    co2 = site_co2_fy2018()
    history = build_history(co2)
    write_csv(HERE / "history" / "site_history.csv",
              ["site_id", "fiscal_year", "co2", "co2_unit", "output",
               "output_unit", "source"],
              [row for row in history if row[1] < PRIOR_FY])

    # FY2017 production files, fitted to the published FY2017 history rows.
    write_production(HERE / f"FY{PRIOR_FY}",
                     *build_prior_production(history))

    # Product tables (CO2-01 ... CO2-04) of both years.
    for fy in (PRIOR_FY, FY):
        for stem, (header, rows) in build_products(fy).items():
            write_csv(HERE / f"FY{fy}" / f"{stem}.csv", header, rows)

    write_csv(HERE / "reference" / "outdoor_temperature.csv",
              ["timestamp", "outdoor_temp_c"], outdoor_temperature_rows())
    write_csv(HERE / "history" / "avoided_emissions.csv",
              ["fiscal_year", "avoided_co2_t", "source"],
              [(year, t, f"Illustrative: Hoshikawa sustainability data book "
                         f"FY{year} (fictional)")
               for year, t in sorted(AVOIDED_HISTORY.items())])
    __import__("samples.water", fromlist=["write"]).write(HERE)  # water (WAT-01, WAT-02): data/samples/water.py
    __import__("samples.resources").resources.write(HERE)  # RES-01 … RES-08: data/samples/resources.py
    __import__("samples.logistics", fromlist=["write"]).write(HERE)  # LOG-01 … LOG-04 (data/samples/logistics.py)
    __import__("samples.chemicals", fromlist=["write"]).write(HERE)  # CHE-01 … CHE-04 (data/samples/chemicals.py)
    __import__("samples.compliance", fromlist=["write"]).write(HERE)  # CMP-01: data/samples/compliance.py
    __import__("samples.stakeholders", fromlist=["write"]).write(HERE)  # STK-01 (data/samples/stakeholders.py)
    __import__("samples.green_products", fromlist=["write"]).write(HERE)  # GP-01 … GP-11 (data/samples/green_products.py)


if __name__ == "__main__":
    main()
