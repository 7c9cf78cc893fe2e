"""ILLUSTRATIVE sample inputs of the compliance family (CMP-01) for FY2017 and FY2018.

All incidents are fictional, like the rest of data/ (see data/README.md). Standard library only and
deterministic: ``write(data_dir)`` rewrites data/FY2017/compliance_incidents.csv (two illustrative
incidents: one caused by a site, one by a product) and data/FY2018/compliance_incidents.csv (no incident:
the header only, a result of zero). data/make_sample.py calls it.
"""

from __future__ import annotations

import csv
from pathlib import Path

HEADER = ("incident_id", "date", "site_id", "product", "law", "description", "corrective_action")

INCIDENTS = {
    2017: [
        ("2017-01", "2017-08-22", "CN-02", "",
         "Water Pollution Prevention and Control Law of the PRC (illustrative)",
         "Illustrative: COD of the treated wastewater above the permit limit on one monthly sample",
         "Illustrative: aeration tank repaired; daily COD sampling for three months; authority notified"),
        ("2017-02", "2018-01-15", "", "Room air conditioner HK-A25 (illustrative)",
         "Act on the Rational Use of Energy, labelling of energy efficiency (illustrative)",
         "Illustrative: energy-efficiency label of one model printed with the previous year's standard",
         "Illustrative: labels replaced at retailers; labelling check added before shipment"),
    ],
    2018: [],
}


def write(data_dir: Path) -> None:
    """Write data/FY2017/compliance_incidents.csv and data/FY2018/compliance_incidents.csv under ``data_dir``."""
    for year, rows in INCIDENTS.items():
        folder = Path(data_dir) / f"FY{year}"
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "compliance_incidents.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(HEADER)
            writer.writerows(rows)
