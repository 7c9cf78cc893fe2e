"""Write the ILLUSTRATIVE sample tables of the logistics family (LOG-01 … LOG-04).

All figures are fictional: the lanes, weights and fuel of "Hoshikawa Industrial Group" are invented.
Standard library only and deterministic; ``data/make_sample.py`` calls :func:`write`.

Written:

- ``FY2017/`` and ``FY2018/``: ``transport_records.csv`` (one row per lane or contract on which the
  group is the shipper, with the activity data of its method) and ``shipped_weight.csv`` (weight
  shipped by scope). FY2018 moves lane D-03 from the conventional to the improved ton-kilo method
  (``logistics.method_changes`` in ``parameters/FY2018.yaml``); FY2017's row of D-03 keeps the loading
  rate and payload of its trucks, so LOG-04 can restate FY2017 with the new method.
- ``history/logistics_history.csv``: the intensities "published" for FY2013–FY2016 (typed in, as a
  data book would give them). FY2017's row is written by ``envkpi publish --fy 2017``.
"""

from __future__ import annotations

import csv
from pathlib import Path

RECORD_HEADER = ["record_id", "scope", "mode", "method", "fuel", "fuel_used_l", "vehicle_km",
                 "fuel_economy_km_per_l", "cargo_t", "distance_km", "loading_rate_percent", "max_payload_kg", "notes"]

# FY2018: record_id, scope, mode, method, fuel, fuel_used_l, vehicle_km, km/L, cargo_t, distance_km, x %, z kg, notes
FY2018_RECORDS = [
    ("D-01", "domestic", "truck", "fuel", "diesel", 1_250_000, "", "", "", "", "", "", "Own trucks: fuel cards"),
    ("D-02", "domestic", "truck", "fuel_economy", "diesel", "", 3_400_000, 4.2, "", "", "", "", "Contract carrier: odometer and fleet fuel economy"),
    ("D-03", "domestic", "truck", "improved_tonkm", "diesel", "", "", "", 180_000, 520, 62, 10_000, "Chiba-Sakai trunk lane; improved ton-kilo from FY2018"),
    ("D-04", "domestic", "truck", "improved_tonkm", "diesel", "", "", "", 95_000, 310, 55, 4_000, "Regional distribution"),
    ("D-05", "domestic", "truck", "improved_tonkm", "gasoline", "", "", "", 2_400, 45, 50, 1_000, "Urban delivery vans"),
    ("D-06", "domestic", "rail", "conventional_tonkm", "", "", "", "", 140_000, 870, "", "", "Rail containers"),
    ("D-07", "domestic", "ship", "conventional_tonkm", "", "", "", "", 210_000, 950, "", "", "Coastal RORO"),
    ("D-08", "domestic", "air", "conventional_tonkm", "", "", "", "", 900, 1_100, "", "", "Spare parts by air"),
    ("I-01", "international", "ship", "conventional_tonkm", "", "", "", "", 160_000, 5_300, "", "", "Japan-Singapore container"),
    ("I-02", "international", "ship", "conventional_tonkm", "", "", "", "", 90_000, 9_400, "", "", "Japan-Europe container"),
    ("I-03", "international", "air", "conventional_tonkm", "", "", "", "", 1_800, 8_800, "", "", "Japan-US air freight"),
    ("I-04", "international", "truck", "improved_tonkm", "diesel", "", "", "", 30_000, 400, 70, 20_000, "Thailand inland leg"),
]

#: FY2017: the same lanes with the activity of that year; D-03 by the conventional ton-kilo method.
FY2017_RECORDS = [
    ("D-01", "domestic", "truck", "fuel", "diesel", 1_270_000, "", "", "", "", "", "", "Own trucks: fuel cards"),
    ("D-02", "domestic", "truck", "fuel_economy", "diesel", "", 3_350_000, 4.1, "", "", "", "", "Contract carrier: odometer and fleet fuel economy"),
    ("D-03", "domestic", "truck", "conventional_tonkm", "diesel", "", "", "", 176_000, 520, 60, 10_000, "Chiba-Sakai trunk lane; loading rate and payload recorded, method conventional in FY2017"),
    ("D-04", "domestic", "truck", "improved_tonkm", "diesel", "", "", "", 93_000, 310, 54, 4_000, "Regional distribution"),
    ("D-05", "domestic", "truck", "improved_tonkm", "gasoline", "", "", "", 2_300, 45, 50, 1_000, "Urban delivery vans"),
    ("D-06", "domestic", "rail", "conventional_tonkm", "", "", "", "", 132_000, 870, "", "", "Rail containers"),
    ("D-07", "domestic", "ship", "conventional_tonkm", "", "", "", "", 205_000, 950, "", "", "Coastal RORO"),
    ("D-08", "domestic", "air", "conventional_tonkm", "", "", "", "", 950, 1_100, "", "", "Spare parts by air"),
    ("I-01", "international", "ship", "conventional_tonkm", "", "", "", "", 155_000, 5_300, "", "", "Japan-Singapore container"),
    ("I-02", "international", "ship", "conventional_tonkm", "", "", "", "", 88_000, 9_400, "", "", "Japan-Europe container"),
    ("I-03", "international", "air", "conventional_tonkm", "", "", "", "", 1_750, 8_800, "", "", "Japan-US air freight"),
    ("I-04", "international", "truck", "improved_tonkm", "diesel", "", "", "", 29_000, 400, 70, 20_000, "Thailand inland leg"),
]

WEIGHT = {2017: [("domestic", 612_000, "t"), ("international", 255_000, "t")],
          2018: [("domestic", 620_000, "t"), ("international", 260_000, "t")]}

#: Domestic and all-transport intensities [kg CO2/t] "published" for FY2013–FY2016 (fictional; typed in
#: so that the domestic intensity falls by about 2–3 % a year towards FY2017's).
HISTORY = [
    (2013, 85.40, 177.10),
    (2014, 83.60, 174.00),
    (2015, 81.10, 169.50),
    (2016, 78.90, 165.00),
]


def _write(path: Path, header: list[str], rows: list[tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v == "" else str(v) for v in row])


def write(data_dir: Path) -> None:
    """Write the logistics tables of FY2017 and FY2018 and the FY2013–FY2016 history under ``data_dir``."""
    data_dir = Path(data_dir)
    for year, records in ((2017, FY2017_RECORDS), (2018, FY2018_RECORDS)):
        _write(data_dir / f"FY{year}" / "transport_records.csv", RECORD_HEADER, records)
        _write(data_dir / f"FY{year}" / "shipped_weight.csv", ["scope", "weight", "unit"], WEIGHT[year])
    _write(data_dir / "history" / "logistics_history.csv",
           ["fiscal_year", "domestic_intensity", "all_intensity", "intensity_unit", "domestic_restated_prior",
            "all_restated_prior", "source"],
           [(year, domestic, everything, "kg CO2 / t", "", "", f"Illustrative: Hoshikawa logistics data book FY{year} (fictional)")
            for year, domestic, everything in HISTORY])


if __name__ == "__main__":
    write(Path(__file__).resolve().parent.parent)
