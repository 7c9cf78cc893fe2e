"""ILLUSTRATIVE sample inputs of the stakeholders family (STK-01) for FY2017 and FY2018, and the history.

All figures are fictional, like the rest of data/ (see data/README.md): participants in the group's
environmental education by programme, of the order of a large manufacturer's programmes, not any real
company's figures. Standard library only and deterministic: ``write(data_dir)`` rewrites
data/FY2017/environmental_education.csv, data/FY2018/environmental_education.csv and
data/history/stakeholders_history.csv (FY2009 … FY2016, typed in as if published in a fictional data
book) byte for byte. data/make_sample.py calls it. FY2017's history rows are written by
``envkpi publish --fy 2017``, not here.
"""

from __future__ import annotations

import csv
from pathlib import Path

PROGRAMMES = ("school_lessons", "showroom_factory_tours", "eco_picture_diary", "other")

# Participants (延べ参加人数) by year: school lessons, showroom and factory tours, eco picture diary, other.
YEARLY = {
    2009: (12_400, 38_200, 0, 5_100),
    2010: (15_800, 41_500, 0, 6_300),
    2011: (18_300, 36_900, 22_500, 6_800),
    2012: (21_700, 40_200, 31_400, 7_900),
    2013: (24_100, 43_800, 38_600, 8_400),
    2014: (26_900, 45_300, 41_200, 9_200),
    2015: (28_500, 47_100, 44_800, 9_900),
    2016: (30_200, 48_600, 47_300, 10_400),
    2017: (31_800, 50_400, 49_100, 11_200),
    2018: (33_500, 52_900, 51_600, 11_900),
}

NOTES = {
    "school_lessons": "Outreach and extracurricular lessons at schools (illustrative)",
    "showroom_factory_tours": "Showroom visitors and factory tours with an environmental module (illustrative)",
    "eco_picture_diary": "Children taking part in the eco picture diary (illustrative)",
    "other": "Events and workshops (illustrative)",
}


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write(data_dir: Path) -> None:
    """Write the sample tables of STK-01 under ``data_dir`` (the project's data/ folder)."""
    data_dir = Path(data_dir)
    for year in (2017, 2018):
        _write(data_dir / f"FY{year}" / "environmental_education.csv", ["programme", "participants", "notes"],
               [[p, n, NOTES[p]] for p, n in zip(PROGRAMMES, YEARLY[year])])
    _write(data_dir / "history" / "stakeholders_history.csv", ["fiscal_year", "programme", "participants", "source"],
           [[year, p, n, f"Illustrative: Hoshikawa sustainability data book FY{year} (fictional)"]
            for year in range(2009, 2017) for p, n in zip(PROGRAMMES, YEARLY[year])])


if __name__ == "__main__":
    write(Path(__file__).resolve().parent.parent)
