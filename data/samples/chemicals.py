"""ILLUSTRATIVE sample inputs of the chemicals family (CHE-01 … CHE-04) for FY2017 and FY2018.

All figures are fictional, like the rest of data/ (see data/README.md): quantities of the order of
magnitude of factories of their kind (solvents at assembly and painting plants, hydrogen fluoride at the
semiconductor fab, lead in solder), not any real company's figures; the substances are keys of the
illustrative managed-substance list of parameters/common.yaml (chemicals.substances). Standard library
only and deterministic: ``write(data_dir)`` rewrites data/FY2017/chemical_substances.csv,
data/FY2017/chemical_transfers.csv and the same files of FY2018. data/make_sample.py calls it.

Every site of the register in the group in the year has its rows, including the sites outside the
boundary (JP-06, US-02, MX-01, ES-01), which the report sets aside. Several waste transfers are flagged
``wma_recycling`` (recycling free of charge or paid for by the group, counted as waste): they are in CHE-03
and not in CHE-04, so the two transfer figures differ by exactly those rows.
"""

from __future__ import annotations

import csv
from pathlib import Path

# FY2018, kg: (site, substance, handled, air, water, soil, landfill inside the site).
SUBSTANCES_FY2018 = [
    ("JP-01", "toluene", 48200, 6150, 0, 0, 0),
    ("JP-01", "xylene", 31500, 4020, 0, 0, 0),
    ("JP-01", "lead_compounds", 820, 0, 0, 0, 0),
    ("JP-02", "toluene", 65300, 8810, 0, 0, 0),
    ("JP-02", "dichloromethane", 12400, 2310, 0, 0, 0),
    ("JP-03", "ethylbenzene", 22100, 2890, 0, 0, 0),
    ("JP-03", "manganese_compounds", 5400, 0, 12, 0, 150),
    ("JP-04", "xylene", 27800, 3650, 0, 0, 0),
    ("JP-04", "nickel_compounds", 3100, 0, 25, 0, 0),
    ("JP-05", "hydrogen_fluoride", 185000, 410, 2150, 0, 0),
    ("JP-05", "trichloroethylene", 900, 35, 0, 0, 0),
    ("JP-06", "toluene", 1200, 310, 0, 0, 0),
    ("CN-01", "toluene", 38600, 5120, 0, 0, 0),
    ("CN-01", "lead_compounds", 610, 0, 0, 0, 0),
    ("CN-02", "xylene", 19900, 2480, 0, 0, 0),
    ("TH-01", "dichloromethane", 8700, 1620, 0, 0, 0),
    ("MY-01", "hydrogen_fluoride", 42000, 95, 610, 0, 0),
    ("MY-01", "lead_compounds", 450, 0, 0, 0, 0),
    ("US-01", "manganese_compounds", 3900, 0, 8, 4, 0),
    ("DE-01", "nickel_compounds", 2600, 0, 18, 0, 0),
    ("IN-01", "toluene", 5400, 690, 0, 0, 0),
    ("US-02", "toluene", 9800, 1350, 0, 0, 0),
    ("MX-01", "xylene", 7200, 960, 0, 0, 0),
    ("ES-01", "dichloromethane", 3100, 520, 0, 0, 0),
]

# FY2018, kg: (site, substance, destination, wma_recycling, quantity).
TRANSFERS_FY2018 = [
    ("JP-01", "toluene", "waste", False, 3120),
    ("JP-01", "toluene", "waste", True, 5400),
    ("JP-01", "xylene", "waste", False, 2210),
    ("JP-01", "lead_compounds", "waste", True, 95),
    ("JP-02", "toluene", "waste", False, 2980),
    ("JP-02", "toluene", "waste", True, 7850),
    ("JP-02", "dichloromethane", "waste", False, 1640),
    ("JP-03", "ethylbenzene", "waste", False, 1980),
    ("JP-03", "manganese_compounds", "waste", False, 420),
    ("JP-04", "xylene", "waste", False, 2470),
    ("JP-04", "nickel_compounds", "waste", True, 310),
    ("JP-04", "nickel_compounds", "sewer", False, 6),
    ("JP-05", "hydrogen_fluoride", "waste", False, 8600),
    ("JP-05", "hydrogen_fluoride", "sewer", False, 240),
    ("JP-05", "trichloroethylene", "waste", True, 160),
    ("JP-06", "toluene", "waste", False, 140),
    ("CN-01", "toluene", "waste", False, 2650),
    ("CN-01", "lead_compounds", "waste", False, 40),
    ("CN-02", "xylene", "waste", False, 1720),
    ("TH-01", "dichloromethane", "waste", False, 1180),
    ("MY-01", "hydrogen_fluoride", "waste", False, 2150),
    ("MY-01", "lead_compounds", "waste", True, 52),
    ("US-01", "manganese_compounds", "waste", False, 310),
    ("DE-01", "nickel_compounds", "waste", False, 190),
    ("IN-01", "toluene", "waste", False, 410),
    ("US-02", "toluene", "waste", False, 720),
    ("MX-01", "xylene", "waste", False, 530),
    ("ES-01", "dichloromethane", "waste", False, 260),
]

#: FY2017: the same rows without IN-01 (it started in FY2018), each quantity 3 % higher (rounded to kg).
FY2017_FACTOR = 1.03
NEW_IN_2018 = ("IN-01",)


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _write(path: Path, header: list[str], rows: list[tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_text(v) for v in row])


def substance_rows(fiscal_year: int) -> list[tuple]:
    if fiscal_year == 2018:
        return SUBSTANCES_FY2018
    return [(site, name, *(round(q * FY2017_FACTOR) for q in quantities))
            for site, name, *quantities in SUBSTANCES_FY2018 if site not in NEW_IN_2018]


def transfer_rows(fiscal_year: int) -> list[tuple]:
    if fiscal_year == 2018:
        return TRANSFERS_FY2018
    return [(site, name, destination, flag, round(q * FY2017_FACTOR))
            for site, name, destination, flag, q in TRANSFERS_FY2018 if site not in NEW_IN_2018]


def write(data_dir: Path) -> None:
    """Write the chemicals tables of FY2017 and FY2018 under ``data_dir`` (the project's ``data/``)."""
    data_dir = Path(data_dir)
    for year in (2017, 2018):
        _write(data_dir / f"FY{year}" / "chemical_substances.csv",
               ["site_id", "substance", "handled", "air", "water", "soil", "landfill"], substance_rows(year))
        _write(data_dir / f"FY{year}" / "chemical_transfers.csv",
               ["site_id", "substance", "destination", "wma_recycling", "quantity"], transfer_rows(year))


if __name__ == "__main__":
    write(Path(__file__).resolve().parent.parent)
