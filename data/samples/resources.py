"""ILLUSTRATIVE sample data of the resources family (RES-01 … RES-08): all figures are fictional.

``write(data_dir)`` writes, for FY2017 and FY2018, ``data/FY<yyyy>/`` resource_input.csv, recycled_resin.csv,
appliance_recycling.csv, weee_collection.csv, us_ewaste_collection.csv and factory_waste.csv. Standard
library only and deterministic: the FY2018 figures are written out below; FY2017 has the same rows scaled
by a fixed factor per row (between 0.93 and 0.99, so that no headline moves by more than the flag
threshold), and no rows for IN-01, which joined the group in FY2018. The sites are those of the site
register (``sites.csv``); JP-06 (no environmental management system) and US-02 (excluded entity) have rows
too, which the reports set aside.
"""

from __future__ import annotations

import csv
from pathlib import Path

FY = 2018
PRIOR_FY = 2017
#: Sites of the register that join in FY2018: no FY2017 rows.
NEW_IN_FY = {"IN-01": 2018}

# site_id → (materials, auxiliary_materials, products_shipped) [t], FY2018
RESOURCE_INPUT = {
    "JP-01": (182_400, 6_850, 158_900),
    "JP-02": (96_300, 3_920, 84_100),
    "JP-03": (74_800, 2_610, 64_700),
    "JP-04": (128_600, 5_340, 108_200),
    "JP-05": (21_450, 4_180, 12_900),
    "JP-06": (1_320, 95, 1_010),
    "CN-01": (143_200, 4_760, 126_400),
    "CN-02": (68_900, 2_280, 60_300),
    "TH-01": (52_700, 1_640, 46_800),
    "MY-01": (38_400, 1_210, 33_100),
    "US-01": (61_800, 2_050, 54_200),
    "DE-01": (29_600, 980, 25_900),
    "IN-01": (8_400, 310, 6_900),
    "US-02": (44_300, 1_530, 38_600),
}

# (site_id, resin, compound_mass, added_virgin_mass) [t], FY2018
RECYCLED_RESIN = [
    ("JP-01", "PP", 4_820, 610),
    ("JP-01", "ABS", 1_240, 185),
    ("JP-02", "PP", 2_360, 290),
    ("JP-03", "PS", 1_880, 240),
    ("JP-04", "PP", 3_150, 420),
    ("CN-01", "PP", 2_940, 380),
    ("CN-01", "ABS", 760, 95),
    ("TH-01", "PS", 540, 72),
    ("US-01", "PP", 310, 44),
    ("JP-06", "PP", 40, 6),
]

# category → (processed [t], rate achieved), FY2018, Japan
APPLIANCES = {
    "air_conditioner": (28_540, 0.921),
    "crt_tv": (6_180, 0.724),
    "flat_panel_tv": (9_860, 0.853),
    "refrigerator": (52_370, 0.798),
    "washing_machine": (38_920, 0.908),
}

# (country, scheme, collected by the scheme [t], group share [percent]), FY2018. Scheme names are fictional.
WEEE = [
    ("DE", "Elektro-Ruecknahme Nord (fictional)", 212_400, 3.4),
    ("DE", "Gemeinsam Recycling Sued (fictional)", 148_900, 2.1),
    ("FR", "Collecte DEEE Ouest (fictional)", 185_300, 2.8),
    ("GB", "Britannia WEEE Compliance (fictional)", 163_200, 2.5),
    ("IT", "Consorzio RAEE Adriatico (fictional)", 97_600, 1.9),
    ("NL", "Retour Apparatuur (fictional)", 58_400, 3.1),
]

# (programme, kind, state, collected [t]), FY2018. Programme names are fictional. The voluntary programme
# reports in kg (written in kg: collected × 1000), to show a row converted.
US_EWASTE = [
    ("Manufacturers' take-back consortium (fictional)", "state_law", "NY", 62.4),
    ("Manufacturers' take-back consortium (fictional)", "state_law", "PA", 48.1),
    ("Manufacturers' take-back consortium (fictional)", "state_law", "IL", 37.6),
    ("Manufacturers' take-back consortium (fictional)", "state_law", "MN", 21.3),
    ("Manufacturers' take-back consortium (fictional)", "state_law", "WA", 29.8),
    ("Hoshikawa mail-back (fictional)", "voluntary", "", 44.7),
    ("Retailer drop-off events (fictional)", "other", "", 18.2),
]

# site_id → generated [t] of (industrial_waste, general_waste, valuables), FY2018
WASTE = {
    "JP-01": (4_210, 386, 6_120),
    "JP-02": (2_480, 214, 3_390),
    "JP-03": (1_960, 172, 2_740),
    "JP-04": (3_870, 301, 5_080),
    "JP-05": (1_140, 96, 820),
    "JP-06": (38, 6, 41),
    "CN-01": (3_620, 410, 4_270),
    "CN-02": (1_750, 188, 2_060),
    "TH-01": (1_310, 142, 1_480),
    "MY-01": (980, 104, 1_150),
    "US-01": (1_690, 236, 1_720),
    "DE-01": (760, 88, 910),
    "IN-01": (420, 61, 260),
    "US-02": (1_240, 175, 1_030),
}

# stream → shares of (recycled, thermal_recovery, incinerated) of generated (landfilled is the rest) and the
# residue as a share of what is burnt; each site's shares are moved by the site's tweak below.
ROUTE_SHARES = {
    "industrial_waste": ((0.84, 0.07, 0.03), 0.12),
    "general_waste": ((0.52, 0.22, 0.16), 0.10),
    "valuables": ((0.975, 0.015, 0.0), 0.05),
}
#: Site → change of the recycled share (taken from the landfilled share): sites differ.
SITE_TWEAK = {
    "JP-01": 0.03, "JP-02": 0.02, "JP-03": 0.01, "JP-04": 0.0, "JP-05": -0.02, "JP-06": -0.05, "CN-01": -0.01,
    "CN-02": -0.03, "TH-01": -0.02, "MY-01": -0.01, "US-01": -0.04, "DE-01": 0.02, "IN-01": -0.06, "US-02": -0.05,
}
STREAMS = ("industrial_waste", "general_waste", "valuables")

#: FY2017 = FY2018 × one of these factors, chosen by row position (fixed, no randomness).
PRIOR_FACTORS = (0.96, 0.94, 0.98, 0.95, 0.97, 0.93, 0.99)


def _factor(position: int) -> float:
    return PRIOR_FACTORS[position % len(PRIOR_FACTORS)]


def _text(value: float) -> str:
    """A number as a reported figure: a whole number without decimals, else one decimal."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_text(v) if isinstance(v, (int, float)) else v for v in row])


def _in_year(site: str, fy: int) -> bool:
    return NEW_IN_FY.get(site, 0) <= fy


def _waste_rows(fy: int) -> list[list]:
    """Per site and stream: generated and its routes [t], each rounded to 0.1 t; landfilled takes the rest, so
    that the routes add up to what was generated exactly."""
    rows = []
    position = 0
    for site, generated in WASTE.items():
        if not _in_year(site, fy):
            continue
        for stream, amount in zip(STREAMS, generated):
            scale = 1.0 if fy == FY else _factor(position)
            position += 1
            total = round(amount * scale, 1)
            (recycled, thermal, incinerated), residue_share = ROUTE_SHARES[stream]
            tweak = SITE_TWEAK[site] if stream != "valuables" else 0.0
            if fy != FY:
                tweak -= 0.01  # FY2017 recycled a little less
            recycled_t = round(total * min(recycled + tweak, 1.0 - thermal - incinerated), 1)
            thermal_t = round(total * thermal, 1)
            incinerated_t = round(total * incinerated, 1)
            landfilled_t = round(total - recycled_t - thermal_t - incinerated_t, 1)
            assert landfilled_t >= 0, (site, stream)
            residue_t = round((thermal_t + incinerated_t) * residue_share, 1)
            rows.append([site, stream, total, recycled_t, thermal_t, incinerated_t, landfilled_t, residue_t, "t"])
    return rows


def _us_mass(tonnes: float, kind: str) -> list:
    """(collected, unit) of a US programme: the voluntary one in kg, the others in t (0.1 t)."""
    return [round(tonnes * 1000), "kg"] if kind == "voluntary" else [round(tonnes, 1), "t"]


def write(data_dir: Path) -> None:
    """Write the family's tables of FY2017 and FY2018 into ``data_dir/FY<yyyy>/``."""
    for fy in (PRIOR_FY, FY):
        folder = Path(data_dir) / f"FY{fy}"
        prior = fy != FY
        rows = []
        position = 0
        for site, items in RESOURCE_INPUT.items():
            if not _in_year(site, fy):
                continue
            for item, amount in zip(("materials", "auxiliary_materials", "products_shipped"), items):
                rows.append([site, item, round(amount * (_factor(position) if prior else 1.0)), "t"])
                position += 1
        _write(folder / "resource_input.csv", ["site_id", "item", "quantity", "unit"], rows)

        _write(folder / "recycled_resin.csv", ["site_id", "resin", "compound_mass", "added_virgin_mass", "unit"],
               [[site, resin, round(compound * (_factor(i) if prior else 1.0)),
                 round(added * (_factor(i) if prior else 1.0)), "t"]
                for i, (site, resin, compound, added) in enumerate(RECYCLED_RESIN) if _in_year(site, fy)])

        rows = []
        for i, (category, (processed, rate)) in enumerate(APPLIANCES.items()):
            processed = round(processed * (_factor(i) if prior else 1.0))
            rate = rate - (0.004 if prior else 0.0)
            rows.append([category, processed, round(processed * rate, 1), "t"])
        _write(folder / "appliance_recycling.csv", ["category", "processed", "recycled", "unit"], rows)

        _write(folder / "weee_collection.csv", ["country", "scheme", "collected", "unit", "group_share"],
               [[country, scheme, round(collected * (_factor(i) if prior else 1.0)), "t", share]
                for i, (country, scheme, collected, share) in enumerate(WEEE)])

        _write(folder / "us_ewaste_collection.csv", ["programme", "kind", "state", "collected", "unit"],
               [[programme, kind, state, *_us_mass(collected * (_factor(i) if prior else 1.0), kind)]
                for i, (programme, kind, state, collected) in enumerate(US_EWASTE)])

        _write(folder / "factory_waste.csv",
               ["site_id", "stream", "generated", "recycled", "thermal_recovery", "incinerated", "landfilled",
                "incineration_residue", "unit"], _waste_rows(fy))


if __name__ == "__main__":
    write(Path(__file__).resolve().parents[1])
