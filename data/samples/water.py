"""ILLUSTRATIVE sample inputs of the water family (WAT-01, WAT-02) for FY2017 and FY2018.

All figures are fictional, like the rest of data/ (see data/README.md): the volumes are of the order
of magnitude of factories of their kind (a semiconductor fab on groundwater, assembly plants on tap
water), not any real company's figures. Standard library only and deterministic: ``write(data_dir)``
rewrites data/FY2017/water_use.csv, data/FY2017/water_risk_assessment.csv and the same files of
FY2018 byte for byte. data/make_sample.py calls it.

Every site of the register (sites.csv) that is in the group in the year has its rows, including the
sites outside the boundary (JP-06 without an environmental management system, the excluded entities'
US-02, MX-01 and ES-01): their rows are set aside by the report, and show it. Three sites report in
thousand m3 (千m³), the others in m3.
"""

from __future__ import annotations

import csv
from pathlib import Path

# FY2018 water drawn by site and source: (site, source, quantity, unit).
WATER_USE_FY2018 = [
    ("JP-01", "tap", 45200, "m3"),
    ("JP-01", "industrial", 320.4, "thousand m3"),
    ("JP-01", "groundwater", 182300, "m3"),
    ("JP-02", "tap", 38150, "m3"),
    ("JP-02", "industrial", 211900, "m3"),
    ("JP-03", "tap", 22480, "m3"),
    ("JP-03", "industrial", 265.5, "thousand m3"),
    ("JP-04", "tap", 18560, "m3"),
    ("JP-04", "industrial", 151200, "m3"),
    ("JP-05", "tap", 35900, "m3"),
    ("JP-05", "groundwater", 1850.2, "thousand m3"),
    ("JP-06", "tap", 4120, "m3"),
    ("CN-01", "tap", 412600, "m3"),
    ("CN-02", "tap", 161300, "m3"),
    ("CN-02", "lake", 95400, "m3"),
    ("TH-01", "tap", 12100, "m3"),
    ("TH-01", "industrial", 231800, "m3"),
    ("MY-01", "tap", 185700, "m3"),
    ("US-01", "tap", 9050, "m3"),
    ("US-01", "groundwater", 140300, "m3"),
    ("DE-01", "tap", 60250, "m3"),
    ("DE-01", "river", 120800, "m3"),
    ("IN-01", "groundwater", 28400, "m3"),
    ("US-02", "tap", 50300, "m3"),
    ("MX-01", "tap", 33700, "m3"),
    ("ES-01", "tap", 21900, "m3"),
]

# FY2017: the same sites without IN-01 (it started in FY2018), each volume 1-4 % higher (the sites
# saved a little water in FY2018), the same units.
FY2017_FACTOR = {"JP-01": 1.021, "JP-02": 1.034, "JP-03": 1.012, "JP-04": 1.027, "JP-05": 1.038, "JP-06": 1.010,
                 "CN-01": 1.025, "CN-02": 1.018, "TH-01": 1.031, "MY-01": 1.015, "US-01": 1.022, "DE-01": 1.011,
                 "US-02": 1.020, "MX-01": 1.016, "ES-01": 1.013}

# Water-risk assessment at the end of each year: site → (stage 1 done, stage 2 done, notes).
ASSESSMENT = {
    2017: {
        **{s: (True, True, "Stage 1: WRI Aqueduct and national data; stage 2: local hearings (illustrative)")
           for s in ("JP-01", "JP-02", "JP-03", "JP-04", "JP-05", "CN-01", "CN-02", "TH-01")},
        **{s: (True, False, "Stage 1 done; stage 2 planned (illustrative)") for s in ("MY-01", "US-01", "DE-01")},
        **{s: (False, False, "Outside the boundary; not assessed (illustrative)") for s in ("JP-06", "US-02", "MX-01", "ES-01")},
    },
    2018: {
        **{s: (True, True, "Stage 1: WRI Aqueduct and national data; stage 2: local hearings (illustrative)")
           for s in ("JP-01", "JP-02", "JP-03", "JP-04", "JP-05", "CN-01", "CN-02", "TH-01", "MY-01")},
        **{s: (True, False, "Stage 1 done; stage 2 planned (illustrative)") for s in ("US-01", "DE-01")},
        "IN-01": (False, False, "Started operation in FY2018; assessment from FY2019 (illustrative)"),
        **{s: (False, False, "Outside the boundary; not assessed (illustrative)") for s in ("JP-06", "US-02", "MX-01", "ES-01")},
    },
}


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".") if not value.is_integer() else str(int(value))
    return str(value)


def _write(path: Path, header: list[str], rows: list[tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_text(v) for v in row])


def water_use_rows(fiscal_year: int) -> list[tuple]:
    if fiscal_year == 2018:
        return WATER_USE_FY2018
    rows = []
    for site, source, quantity, unit in WATER_USE_FY2018:
        if site in FY2017_FACTOR:
            scaled = quantity * FY2017_FACTOR[site]
            rows.append((site, source, round(scaled, 1) if unit == "thousand m3" else float(round(scaled)), unit))
    return rows


def write(data_dir: Path) -> None:
    """Write the water tables of FY2017 and FY2018 under ``data_dir`` (the project's ``data/``)."""
    data_dir = Path(data_dir)
    for year in (2017, 2018):
        _write(data_dir / f"FY{year}" / "water_use.csv", ["site_id", "source", "quantity", "unit"], water_use_rows(year))
        _write(data_dir / f"FY{year}" / "water_risk_assessment.csv",
               ["site_id", "stage1_completed", "stage2_completed", "notes"],
               [(site, *status) for site, status in ASSESSMENT[year].items()])


if __name__ == "__main__":
    write(Path(__file__).resolve().parent.parent)
