#!/usr/bin/env python3
"""Generate a large, SYNTHETIC envkpi project: the sample group grown to thousands of sites.

The data written is synthetic and illustrative: it is the project's fictional sample (data/FY2017,
data/FY2018, data/history) repeated with other site ids and values drawn around the sample's. It
describes no real company; it exists to measure how envkpi scales (``envkpi bench``, the Makefile).

What is written at FOLDER (a complete, runnable project copy; the kernel imports the installed
envkpi, so ``lib/`` is not copied, nor is ``outputs/``: nothing is published there)::

    notebooks/, parameters/              copied (CN-02's RES-01 method is given to its copies too)
    data/README.md, data/reference/      copied
    data/FY2017/, data/FY2018/           the inputs of both years, at the same scale
    data/history/                        every year before FY2018 (FY2013-FY2017) of every site

At ``--scale 1.0``:

- **5,000 sites** (``sites.csv``): the 16 sample sites keep their ids and values; site ``k`` after
  them is a copy of sample site ``k mod 16`` with id ``<sample id>-<block>`` (``JP-01-0001``), and
  every per-site table (fuel_use, purchased_energy, renewable_energy, non_co2_ghg,
  production_output, resource_input, recycled_resin, factory_waste, water_use,
  water_risk_assessment, chemical_substances, chemical_transfers) and the site history get that
  site's rows with each quantity multiplied by one factor of the site (0.80-1.25, the same in
  every table and year, so intensities, year-on-year changes and the rules between columns of
  the sample hold);
- **200,000 logistics records** (``transport_records.csv``): the 12 sample lanes repeated with ids
  ``<lane>-<nnnnnn>``: the group's volume (0.4 × sites / 16 times the sample's) split over the copies, each
  copy's fuel, vehicle-km and cargo being the sample lane's times its share and a draw in 0.80-1.25;
  ``shipped_weight.csv`` grows by the same factors, so the CO2 intensity per tonne stays the sample's;
- **1,000,000 product shipments** (``product_shipments.csv``, in place of ``product_use.csv``, in each
  year): every category and region of the sample's ``product_use.csv`` gets an equal share of the
  shipments, spread over its best-selling model (the sample's, with its consumption; about 40 % of the
  shipments) and four other models (``<model>-V1`` … ``-V4``, consumption 0.9-1.3 times, about 15 %
  each), each shipment of a share of the sample's units of the category and region (so CO2-04 stays
  about the sample's). The other product tables (``energy_saving_products.csv``, ``pv_shipments.csv``,
  …) have one row per product and region, keys of the parameters, and are copied as in the sample.

Deterministic: the same ``--seed`` and ``--scale`` give the same files byte for byte. Scale 0.1
gives 500 sites, 20,000 logistics records and 100,000 product shipments.

Usage::

    python bench/make_large_group.py --dest /tmp/w/large --scale 1.0 --seed 2018 [--format parquet]
    cd /tmp/w/large && envkpi run --fy 2018 --out /tmp/w/large-out --only avoided_emissions,product_use,\
        production,logistics,resources,water,chemicals,compliance,green_products,stakeholders,targets

(``--only`` with every family: a run without it also writes the changes report, rerunning FY2017.)

From Python (no side effect on import)::

    make_large_group(Path("/tmp/w/large"), scale=0.1)
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import shutil
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

__all__ = ["make_large_group", "SITES_AT_SCALE_1", "RECORDS_AT_SCALE_1", "SHIPMENTS_AT_SCALE_1", "SHIPMENT_NOTE",
           "shipment_columns", "main"]

#: Sites of the group at scale 1.0.
SITES_AT_SCALE_1 = 5_000
#: Logistics records (transport_records.csv rows) at scale 1.0.
RECORDS_AT_SCALE_1 = 200_000
#: Product shipments (product_shipments.csv rows, per year) at scale 1.0.
SHIPMENTS_AT_SCALE_1 = 1_000_000
#: What the product tables hold.
SHIPMENT_NOTE = ("product_shipments.csv (one row per shipment) in place of product_use.csv; the other product "
                 "tables are keyed by product and region (keys of the parameters) and copied as in the sample")
#: Models shipped besides the best-selling one in each category and region, and the shares of the shipments.
_OTHER_MODELS = 4
_MODEL_WEIGHTS = (0.4, *(0.6 / _OTHER_MODELS,) * _OTHER_MODELS)

#: The fiscal years whose input folders are written (FY2017 for the changes report and logistics' restatement).
YEARS = (2017, 2018)
#: History rows of these years and later are left out: the generated FY2018 is not published.
FIRST_UNPUBLISHED = 2018

_SOURCE = Path(__file__).resolve().parent.parent
#: Tables (besides sites.csv) whose rows belong to a site: copied with each generated site.
_SITE_TABLES = ("fuel_use", "purchased_energy", "renewable_energy", "non_co2_ghg", "production_output",
                "resource_input", "recycled_resin", "factory_waste", "water_use", "water_risk_assessment",
                "chemical_substances", "chemical_transfers")
#: Columns of the transport records that grow with a lane's volume (the others are rates, distances, sizes).
_RECORD_QUANTITIES = ("fuel_used_l", "vehicle_km", "cargo_t")
#: The group's transport grows less than its sites (many of them small): 0.4 times sites/16 the sample's
#: volume keeps the shipped weight of 5,000 sites (about 80 Mt) within its typical range (100 Mt).
_LOGISTICS_SHARE = 0.4
#: Quantities of the site history.
_HISTORY_QUANTITIES = ("co2", "output")
#: Columns of per-site tables that are not quantities.
_NOT_QUANTITIES = {"first_fiscal_year", "last_fiscal_year", "fiscal_year"}


def shipment_columns(products: list[dict[str, str]], count: int, rng: random.Random, year: int) -> dict[str, list[str]]:
    """The columns of ``product_shipments.csv``: ``count`` shipments over the rows of ``product_use.csv``.

    Parameters
    ----------
    products : list of dict
        The sample's ``product_use.csv`` rows (category, region, model, model_kwh_per_year, units_sold).
    count : int
        Shipments to write in all (an equal share for each row of ``products``).
    rng : random.Random
        The source of the draws.
    year : int
        The fiscal year, in the shipment ids (``FY2018-0000001``).

    Returns
    -------
    dict
        Column → texts, in the order of the table's columns.
    """
    columns: dict[str, list[str]] = {c: [] for c in ("shipment_id", "category", "region", "model",
                                                     "model_kwh_per_year", "units")}
    number = 0
    for index, product in enumerate(products):
        share = count // len(products) + (1 if index < count % len(products) else 0)
        kwh = float(product["model_kwh_per_year"])
        models = [(product["model"], product["model_kwh_per_year"])] + [
            (f"{product['model']}-V{v}", f"{kwh * rng.uniform(0.9, 1.3):.1f}") for v in range(1, _OTHER_MODELS + 1)]
        chosen = rng.choices(range(len(models)), weights=_MODEL_WEIGHTS, k=share)
        weights = [rng.uniform(0.5, 1.5) for _ in range(share)]
        total = sum(weights)
        units = float(product["units_sold"])
        for model, weight in zip(chosen, weights):
            number += 1
            columns["shipment_id"].append(f"FY{year}-{number:07d}")
            columns["category"].append(product["category"])
            columns["region"].append(product["region"])
            columns["model"].append(models[model][0])
            columns["model_kwh_per_year"].append(models[model][1])
            columns["units"].append(str(max(1, round(units * weight / total))))
    return columns


def scaled_counts(scale: float) -> tuple[int, int]:
    """Number of sites and of logistics records at ``scale``.

    Parameters
    ----------
    scale : float
        1.0 for the full-size group (5,000 sites, 200,000 records).

    Returns
    -------
    tuple of int
        (sites, records), each at least one.
    """
    if not scale > 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    return max(1, round(SITES_AT_SCALE_1 * scale)), max(1, round(RECORDS_AT_SCALE_1 * scale))


def copy_id(original: str, block: int, width: int = 4) -> str:
    """The id of the ``block``-th copy of ``original`` (block 0 is the original itself)."""
    return original if block == 0 else f"{original}-{block:0{width}d}"


def scale_cell(text: str, factor: float) -> str:
    """A quantity cell multiplied by ``factor``, with at most four decimals (trailing zeros dropped).

    An empty cell stays empty. A factor of two decimals times a sample value of at most two decimals
    is written exactly, so sums between columns (``generated`` = its routes) still add up; rounding
    is monotonic, so ``a ≤ b`` holds after scaling when it held before.
    """
    if text == "" or factor == 1.0:
        return text
    return f"{float(text) * factor:.4f}".rstrip("0").rstrip(".")


def site_factors(count: int, per_block: int, rng: random.Random) -> list[float]:
    """One factor per generated site: 1.0 for the sample's own sites, 0.80-1.25 for their copies."""
    return [1.0 if k < per_block else round(rng.uniform(0.80, 1.25), 2) for k in range(count)]


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows (as dicts of text) of a sample CSV file."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def csv_text(header: list[str], rows: Iterable[dict[str, str]]) -> str:
    """CSV text as the sample writes it (comma, minimal quoting, ``\\n`` line ends)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_table(folder: Path, name: str, header: list[str], rows: list[dict[str, str]], fmt: str) -> Path:
    """Write one input table as ``<name>.csv`` or ``<name>.parquet`` (every column as text, as in the CSV)."""
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        path = folder / f"{name}.csv"
        path.write_text(csv_text(header, rows), encoding="utf-8")
        return path
    import pandas as pd  # only when Parquet is asked for

    path = folder / f"{name}.parquet"
    frame = pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype="object") for c in header}, columns=header)
    frame.to_parquet(path, index=False)
    return path


def write_columns(folder: Path, name: str, columns: dict[str, list[str]], fmt: str) -> Path:
    """:func:`write_table` for a table held by column (a million rows as dicts would take a gigabyte)."""
    folder.mkdir(parents=True, exist_ok=True)
    header = list(columns)
    if fmt == "csv":
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(zip(*columns.values()))
        return path
    import pandas as pd

    path = folder / f"{name}.parquet"
    pd.DataFrame({c: pd.Series(v, dtype="object") for c, v in columns.items()}, columns=header).to_parquet(path, index=False)
    return path


def site_plan(sites: list[dict[str, str]], count: int, rng: random.Random) -> list[tuple[str, str, int, float]]:
    """Every generated site: (its id, the sample site it copies, its block, its factor)."""
    per_block = len(sites)
    factors = site_factors(count, per_block, rng)
    plan = []
    for k in range(count):
        block, index = divmod(k, per_block)
        original = sites[index]["site_id"]
        plan.append((copy_id(original, block), original, block, factors[k]))
    return plan


def site_rows(rows: list[dict[str, str]], plan, quantities: Iterable[str]) -> list[dict[str, str]]:
    """The rows of a per-site table for every generated site, quantities scaled by the site's factor."""
    by_site: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_site[row["site_id"]].append(row)
    quantities = tuple(quantities)
    out = []
    for site_id, original, _block, factor in plan:
        for row in by_site.get(original, ()):
            new = dict(row, site_id=site_id)
            for name in quantities:
                new[name] = scale_cell(row[name], factor)
            out.append(new)
    return out


def register_rows(rows: list[dict[str, str]], plan) -> list[dict[str, str]]:
    """``sites.csv`` for every generated site present in the sample year (a copy's name gets its block)."""
    by_site = {row["site_id"]: row for row in rows}
    out = []
    for site_id, original, block, _factor in plan:
        if original in by_site:
            row = by_site[original]
            out.append(dict(row, site_id=site_id, site_name=row["site_name"] + (f" {block}" if block else "")))
    return out


def record_rows(rows: list[dict[str, str]], count: int, rng: random.Random,
                growth: float = 1.0) -> tuple[list[dict[str, str]], float]:
    """``count`` transport records: the sample's lanes repeated, each copy's quantities scaled by one factor.

    The group's volume is ``growth`` times the sample's, split over the copies: a copy's factor is
    ``growth / copies`` times a draw in 0.80-1.25 (the first copy keeps the sample's ids).

    Returns
    -------
    tuple
        (rows, weight factor): the factor by which the shipped weight grows, the mean of the copies'
        factors weighted by the share of the sample's lanes each copy has.
    """
    lanes = len(rows)
    share = growth * lanes / count
    out, weight = [], 0.0
    for k in range(count):
        block, index = divmod(k, lanes)
        if index == 0:
            factor = share * rng.uniform(0.80, 1.25)
        row = rows[index]
        new = dict(row, record_id=copy_id(row["record_id"], block, 6))
        for name in _RECORD_QUANTITIES:
            new[name] = scale_cell(row[name], factor)
        out.append(new)
        weight += factor / lanes
    return out, weight


def _method_lines(text: str, plan) -> str:
    """Give each copy of a site named in ``resources.site_input_methods`` the same method line."""
    lines = text.splitlines(keepends=True)
    out, inside = [], False
    for line in lines:
        out.append(line)
        if line.strip().startswith("site_input_methods:"):
            inside = True
            continue
        match = re.match(r"^(\s+)([A-Z]{2}-\d{2}):(.*)$", line.rstrip("\n")) if inside else None
        if match:
            indent, site, rest = match.groups()
            out.extend(f"{indent}{site_id}:{rest}\n" for site_id, original, block, _ in plan
                       if original == site and block)
        elif inside and line.strip() and not line.startswith((" ", "\t")):
            inside = False
    return "".join(out)


#: Targets whose base year (FY2017) is published in the sample but not in the generated project: their
#: base value is typed in the parameters (target → indicators summed, unit).
_TYPED_BASES = {"TGT-02": (("PRD-06", "PRD-07"), "t CO2e"), "TGT-04": (("WAT-01",), "m**3")}


def base_values(results: Path, plan) -> dict[str, tuple[float, str]]:
    """FY2017 base value of each target of ``_TYPED_BASES`` for the generated group.

    Scope 1 + 2 and water used are sums over sites of quantities proportional to each site's activity,
    so the generated group's FY2017 figure is the sample's published per-site figure (``site=...``
    breakdown of ``outputs/FY2017/results.csv``) times each generated site's factor, summed.

    Returns
    -------
    dict
        Target id → (value, unit); empty when the sample's FY2017 results are not there.
    """
    if not results.exists():
        return {}
    _, rows = read_rows(results)
    per_site: dict[tuple[str, str], float] = {}
    for row in rows:
        if row["breakdown"].startswith("site="):
            per_site[(row["indicator_id"], row["breakdown"][5:])] = float(row["value"])
    out = {}
    for target, (indicators, unit) in _TYPED_BASES.items():
        out[target] = (sum(factor * per_site.get((indicator, original), 0.0) for _, original, _, factor in plan
                           for indicator in indicators), unit)
    return out


def _base_value_lines(text: str, bases: dict[str, tuple[float, str]]) -> str:
    """Type ``base_value`` after the ``base_fiscal_year`` line of each target of ``bases``."""
    out, target = [], None
    for line in text.splitlines(keepends=True):
        out.append(line)
        match = re.match(r"^\s+(TGT-\d+):\s*$", line)
        if match:
            target = match.group(1)
        elif target in bases and line.strip().startswith("base_fiscal_year:"):
            indent = line[:len(line) - len(line.lstrip())]
            value, unit = bases[target]
            out.append(f'{indent}base_value: {{value: {value:.6g}, unit: "{unit}", source: "Synthetic: FY2017 of the '
                       f'generated group (the sample\'s published FY2017 per site times each site\'s factor); no '
                       f'published run holds it here", confidence: illustrative}}\n')
            target = None
    return "".join(out)


def _paris_from_this_year(text: str) -> str:
    """FY2018's Paris-alignment check starts from FY2018: it reads its base year from a published run, and
    the generated project has none (FY2017 is not published there)."""
    return text.replace("\ntargets: {}\n", '\ntargets:\n  paris:\n    base_fiscal_year: {value: 2018, source: "Synthetic: '
                        'the generated project has no published FY2017, so the Paris alignment starts from this year"}\n')


def make_large_group(dest: Path, scale: float = 1.0, seed: int = 2018, fmt: str = "csv",
                     source: Path | None = None) -> Path:
    """Write a runnable synthetic project of a large group at ``dest`` (see the module docstring).

    Parameters
    ----------
    dest : Path
        The project folder to write; replaced if it exists and holds a previous generated project
        (``parameters/`` and ``notebooks/``); refused if it holds anything else.
    scale : float
        1.0: 5,000 sites and 200,000 logistics records; 0.1: 500 and 20,000.
    seed : int
        Seed of the factors: the same seed and scale give the same files.
    fmt : str
        ``csv`` or ``parquet`` for the input tables of data/FY2017 and data/FY2018 (history and
        reference files stay CSV).
    source : Path, optional
        The envkpi project whose sample is grown (default: the one holding this script).

    Returns
    -------
    Path
        ``dest``.
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"format must be csv or parquet, got {fmt!r}")
    source = Path(source or _SOURCE)
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        if not ((dest / "parameters").is_dir() and (dest / "notebooks").is_dir()):
            raise FileExistsError(f"{dest} exists and is not a generated envkpi project; choose another folder")
        shutil.rmtree(dest)
    dest.mkdir(parents=True, exist_ok=True)
    site_count, record_count = scaled_counts(scale)

    shutil.copytree(source / "notebooks", dest / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    shutil.copytree(source / "data" / "reference", dest / "data" / "reference")
    shutil.copy2(source / "data" / "README.md", dest / "data" / "README.md")
    if (source / "pyproject.toml").exists():
        shutil.copy2(source / "pyproject.toml", dest / "pyproject.toml")

    _, template = read_rows(source / "data" / "FY2018" / "sites.csv")
    plan = site_plan(template, site_count, random.Random(seed))
    record_rng = random.Random(seed + 1)
    (dest / "parameters").mkdir()
    bases = base_values(source / "outputs" / "FY2017" / "results.csv", plan)
    for path in sorted((source / "parameters").glob("*.yaml")):
        text = _base_value_lines(_method_lines(path.read_text(encoding="utf-8"), plan), bases)
        if path.name == "FY2018.yaml":
            text = _paris_from_this_year(text)
        (dest / "parameters" / path.name).write_text(text, encoding="utf-8")

    for year in YEARS:
        folder = source / "data" / f"FY{year}"
        out = dest / "data" / f"FY{year}"
        for path in sorted(folder.glob("*.csv")):
            name = path.stem
            header, rows = read_rows(path)
            if name == "sites":
                rows = register_rows(rows, plan)
            elif name in _SITE_TABLES:
                rows = site_rows(rows, plan, [c for c in header if c not in _NOT_QUANTITIES and _numeric(rows, c)])
            elif name == "transport_records":
                rows, weight_factor = record_rows(rows, record_count, random.Random(record_rng.random()),
                                                 growth=_LOGISTICS_SHARE * site_count / len(template))
                _, weights = read_rows(folder / "shipped_weight.csv")
                write_table(out, "shipped_weight", list(weights[0]),
                            [dict(w, weight=scale_cell(w["weight"], weight_factor)) for w in weights], fmt)
            elif name == "shipped_weight":
                continue  # written with the records
            elif name == "product_use":
                columns = shipment_columns(rows, max(1, round(SHIPMENTS_AT_SCALE_1 * scale)),
                                           random.Random(record_rng.random()), year)
                write_columns(out, "product_shipments", columns, fmt)
                continue
            write_table(out, name, header, rows, fmt)

    history = dest / "data" / "history"
    history.mkdir(parents=True)
    for path in sorted((source / "data" / "history").glob("*.csv")):
        header, rows = read_rows(path)
        rows = [r for r in rows if int(float(r["fiscal_year"])) < FIRST_UNPUBLISHED]
        if "site_id" in header:
            rows = site_rows(rows, plan, _HISTORY_QUANTITIES)
        path_out = history / path.name
        path_out.write_text(csv_text(header, rows), encoding="utf-8")
    (dest / "README.md").write_text(_readme(scale, seed, site_count, record_count, fmt), encoding="utf-8")
    return dest


def _numeric(rows: list[dict[str, str]], column: str) -> bool:
    """True when every non-empty cell of ``column`` in the sample is a number (a quantity to scale)."""
    cells = [r[column] for r in rows if r[column] != ""]
    try:
        return bool(cells) and all(float(c) == float(c) for c in cells)
    except ValueError:
        return False


def _readme(scale: float, seed: int, sites: int, records: int, fmt: str) -> str:
    return (f"# Synthetic large group (scale {scale:g}, seed {seed})\n\n"
            "SYNTHETIC AND ILLUSTRATIVE: generated by bench/make_large_group.py from envkpi's fictional "
            f"sample to measure how envkpi scales. {sites:,} sites, {records:,} logistics records, "
            f"{max(1, round(SHIPMENTS_AT_SCALE_1 * scale)):,} product shipments a year, "
            f"input tables as {fmt}; {SHIPMENT_NOTE}. No outputs/ folder: FY2018 is not published.\n\n"
            "    ENVKPI_ROOT=$PWD envkpi run --fy 2018 --out /tmp/large-out\n")


def main(argv: list[str] | None = None) -> int:
    """Command line: ``make_large_group.py --dest FOLDER [--scale 1.0] [--seed 2018] [--format csv]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, required=True, help="project folder to write (replaced if generated before)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="1.0: 5,000 sites, 200,000 logistics records, 1,000,000 product shipments a year")
    parser.add_argument("--seed", type=int, default=2018, help="seed of the generated values (default 2018)")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv", help="input tables as CSV or Parquet")
    args = parser.parse_args(argv)
    dest = make_large_group(args.dest, args.scale, args.seed, args.format)
    sites, records = scaled_counts(args.scale)
    shipments = max(1, round(SHIPMENTS_AT_SCALE_1 * args.scale))
    print(f"{dest}: {sites:,} sites, {records:,} logistics records, {shipments:,} product shipments a year "
          f"({args.format}); {SHIPMENT_NOTE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
