#!/usr/bin/env python3
"""Generate the ILLUSTRATIVE sample input data for envkpi.

All figures are fictional. "Hoshikawa Industrial Group", "Northwind Cold Chain
Inc.", "Costa Mirrors S.A." and their sites are invented; the numbers are not
any real company's figures.

Standard library only and deterministic (fixed random seed): running

    python data/make_sample.py

rewrites data/FY2018/*.csv and data/history/site_history.csv byte for byte.

The FY2018 activity data below is written out by hand. The prior-year history
(FY2013-FY2017) is derived from it: each site's FY2018 CO2 is computed with the
approximate factors in FACTORS below, and earlier years are back-cast so that
per-site intensity (t CO2 / MJPY) falls by roughly 1-3 % a year and output grows
a little. These factors are for coherence of the sample only; the library's
own parameters are authoritative.
"""

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
FY = 2018
HISTORY_YEARS = range(2013, 2018)
SEED = 2018

PARENT = "Hoshikawa Industrial Co., Ltd."

# ---------------------------------------------------------------------------
# sites.csv
# site_id, site_name, country, entity, parent_entity, has_ems, notes, first FY
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
HEAT_T_PER_GJ = {"steam": 0.060, "hot_water": 0.057, "cold_water": 0.057}
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
        if carrier == "electricity":
            co2[site] += qty * TO_MWH[unit] * ELEC_T_PER_MWH[country[site]]
        else:
            co2[site] += qty * HEAT_T_PER_GJ[carrier]
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


def main():
    fy_dir = HERE / f"FY{FY}"
    write_csv(fy_dir / "sites.csv",
              ["site_id", "site_name", "country", "entity", "parent_entity",
               "has_ems", "notes"],
              [(s[0], s[1], s[2], s[3], s[4], "true" if s[5] else "false",
                s[6]) for s in SITES])
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
    write_csv(HERE / "history" / "site_history.csv",
              ["site_id", "fiscal_year", "co2", "co2_unit", "output",
               "output_unit", "source"],
              build_history(co2))


if __name__ == "__main__":
    main()
