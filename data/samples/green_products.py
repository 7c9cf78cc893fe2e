"""ILLUSTRATIVE sample inputs of the green-products family (GP-01 … GP-11) for FY2017 and FY2018, and the history.

All figures are fictional, like the rest of data/ (see data/README.md): a group's green-product lines, sales,
representative models, houses and smart towns of a plausible order, not any real company's figures.
Standard library only and deterministic: ``write(data_dir)`` rewrites, byte for byte, the family's own tables of
data/FY2017 and data/FY2018 (strategic_green_products, consumer_product_efficiency, lighting_sales,
air_quality_products, detached_houses, smart_cities, b2b_green_products) and
data/history/green_products_history.csv with the years published before envkpi kept the history (FY2010 …
FY2016, typed in as if published in a fictional data book). The shipments of fuel cells, PV and automotive
batteries are CO2-01's and CO2-03.3's tables (written by data/make_sample.py), not repeated here. FY2017's
history rows are written by ``envkpi publish --fy 2017``, not here. data/make_sample.py calls ``write``.
"""

from __future__ import annotations

import csv
from pathlib import Path

SOURCE = "Illustrative: Hoshikawa sustainability data book FY{year} (fictional)"

# Strategic green products: line, criteria (1) (2) (3), sales [million yen] in FY2017 and FY2018.
STRATEGIC = [
    ("residential_fuel_cells", True, True, False, 42_000, 45_000),
    ("pv_modules", True, True, False, 168_000, 176_000),
    ("led_lighting", True, True, False, 412_000, 428_000),
    ("heat_pump_water_heaters", True, True, False, 96_000, 102_000),
    ("automotive_batteries", False, True, False, 305_000, 332_000),
    ("zeh_houses", True, True, True, 128_000, 137_000),
    ("water_purification_systems", False, False, True, 18_500, 19_800),
    ("energy_management_systems", False, True, False, 36_000, 39_500),
    ("standard_refrigerators", False, False, False, 220_000, 214_000),  # assessed, meets none: not counted
]

# Major consumer products: category, region, FY2005 representative kWh/y, then per year
# (representative model, its kWh/y, units of the category sold).
EFFICIENCY = [
    ("room_air_conditioner", "japan", 1_180, {2017: ("CS-X287H", 805, 1_190_000), 2018: ("CS-X288J", 790, 1_250_000)}),
    ("room_air_conditioner", "china", 1_350, {2017: ("CS-C17K", 920, 815_000), 2018: ("CS-C18L", 905, 860_000)}),
    ("refrigerator", "japan", 520, {2017: ("NR-F507H", 262, 935_000), 2018: ("NR-F508J", 250, 980_000)}),
    ("refrigerator", "asia", 610, {2017: ("NR-A37K", 352, 515_000), 2018: ("NR-A38L", 345, 540_000)}),
    ("lcd_tv", "japan", 270, {2017: ("TH-49E300", 104, 690_000), 2018: ("TH-49F300", 98, 720_000)}),
    ("washing_machine", "japan", 85, {2017: ("NA-FA80H5", 54, 620_000), 2018: ("NA-FA80H6", 52, 650_000)}),
]

# Lighting sales [million yen]: category, type, FY2017, FY2018.
LIGHTING = [
    ("luminaires", "led", 362_000, 388_000), ("luminaires", "conventional", 48_000, 36_000),
    ("lamps", "led", 84_000, 92_000), ("lamps", "conventional", 52_000, 41_000),
]

# Air-quality products shipped [units] by year.
AIR_QUALITY = {
    2015: {"air_purifier": 820_000, "humidifying_air_purifier": 610_000, "ventilation_with_filter": 150_000},
    2016: {"air_purifier": 860_000, "humidifying_air_purifier": 640_000, "ventilation_with_filter": 165_000},
    2017: {"air_purifier": 900_000, "humidifying_air_purifier": 670_000, "ventilation_with_filter": 178_000},
    2018: {"air_purifier": 940_000, "humidifying_air_purifier": 700_000, "ventilation_with_filter": 190_000},
}

# Detached houses contracted: ZEH, Nearly ZEH, other.
HOUSES = {2017: (5_310, 1_180, 3_050), 2018: (5_920, 1_140, 2_640)}

# Smart-city developments: name, lots planned, lots sold by the end of FY2017 and FY2018.
SMART_CITIES = [
    ("Hoshikawa Smart Town Minamidai", 1_000, 640, 760),
    ("Hoshikawa Smart Town Kitahama", 600, 210, 330),
    ("Hoshikawa Sustainable Village Aoba", 450, 95, 170),
    ("Hoshikawa Smart City Riverside", 300, 40, 85),
]

# B2B green products shipped [million yen] by year.
B2B = {
    2015: {"visual_solutions": 182_000, "mobility_solutions": 236_000},
    2016: {"visual_solutions": 191_000, "mobility_solutions": 241_000},
    2017: {"visual_solutions": 203_000, "mobility_solutions": 248_000},
    2018: {"visual_solutions": 214_500, "mobility_solutions": 256_000},
}

# Published before envkpi kept the history (FY2010 … FY2016).
FUEL_CELLS = {2010: {"japan": 4_200, "europe": 0}, 2011: {"japan": 5_600, "europe": 0},
              2012: {"japan": 7_400, "europe": 0}, 2013: {"japan": 8_900, "europe": 120},
              2014: {"japan": 10_300, "europe": 260}, 2015: {"japan": 11_100, "europe": 380},
              2016: {"japan": 11_900, "europe": 470}}
PV_KW = {2012: (180_000, 40_000, 30_000, 25_000, 60_000), 2013: (205_000, 52_000, 36_000, 28_000, 70_000),
         2014: (214_000, 61_000, 41_000, 31_000, 78_000), 2015: (218_000, 70_000, 45_000, 33_000, 86_000),
         2016: (222_000, 79_000, 50_000, 36_000, 95_000)}
PV_REGIONS = ("japan", "china", "asia", "europe", "north_america")
BATTERIES = {2014: {"EV": 52_000, "PHV": 18_500, "HV": 241_000}, 2015: {"EV": 68_000, "PHV": 24_000, "HV": 282_000},
             2016: {"EV": 89_000, "PHV": 33_500, "HV": 335_000}}
SHARES = {  # GP-02, GP-05, GP-08 as published [percent]
    2013: (9.8, 48.0, 38.0), 2014: (11.2, 58.5, 46.5), 2015: (12.5, 66.0, 55.0), 2016: (13.6, 73.2, 61.0),
}


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def history_rows() -> list[list]:
    """The history rows of FY2010 … FY2016, ordered by year, series, key."""
    rows = []
    for year in range(2010, 2017):
        for region, units in FUEL_CELLS.get(year, {}).items():
            rows.append([year, "fuel_cell_units", region, units, "count"])
        for region, kw in zip(PV_REGIONS, PV_KW.get(year, ())):
            rows.append([year, "pv_capacity", region, kw, "kW"])
        for product, units in AIR_QUALITY.get(year, {}).items() if year < 2017 else ():
            rows.append([year, "air_quality_units", product, units, "count"])
        for vehicle, units in BATTERIES.get(year, {}).items():
            rows.append([year, "battery_vehicles", vehicle, units, "count"])
        for category, value in B2B.get(year, {}).items() if year < 2017 else ():
            rows.append([year, "b2b_shipment_value", category, value, "MJPY"])
        for series, value in zip(("gp_sales_share", "led_share", "zeh_share"), SHARES.get(year, ())):
            rows.append([year, series, "total", value, "percent"])
    return [[*row, SOURCE.format(year=row[0])] for row in rows]


def write(data_dir: Path) -> None:
    """Write the sample tables of GP-01 … GP-11 under ``data_dir`` (the project's data/ folder)."""
    data_dir = Path(data_dir)
    for index, year in enumerate((2017, 2018)):
        folder = data_dir / f"FY{year}"
        _write(folder / "strategic_green_products.csv",
               ["product", "criterion_top_performance", "criterion_diffusion", "criterion_regional", "sales"],
               [[p, _flag(a), _flag(b), _flag(c), sales[index]] for p, a, b, c, *sales in STRATEGIC])
        _write(folder / "consumer_product_efficiency.csv",
               ["category", "region", "representative_model", "base_kwh_per_year", "kwh_per_year", "units_sold"],
               [[c, r, by_year[year][0], base, by_year[year][1], by_year[year][2]] for c, r, base, by_year in EFFICIENCY])
        _write(folder / "lighting_sales.csv", ["category", "lighting_type", "sales"],
               [[c, t, sales[index]] for c, t, *sales in LIGHTING])
        _write(folder / "air_quality_products.csv", ["product", "units_shipped"],
               [[p, n] for p, n in AIR_QUALITY[year].items()])
        _write(folder / "detached_houses.csv", ["house_type", "houses_contracted"],
               [[t, n] for t, n in zip(("zeh", "nearly_zeh", "other"), HOUSES[year])])
        _write(folder / "smart_cities.csv", ["smart_city", "lots_planned", "lots_sold"],
               [[name, planned, sold[index]] for name, planned, *sold in SMART_CITIES])
        _write(folder / "b2b_green_products.csv", ["category", "shipment_value"],
               [[c, v] for c, v in B2B[year].items()])
    _write(data_dir / "history" / "green_products_history.csv", ["fiscal_year", "series", "key", "value", "unit", "source"],
           history_rows())


if __name__ == "__main__":
    write(Path(__file__).resolve().parent.parent)
