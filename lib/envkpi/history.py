"""Published history kept by the tool: each published year's figures, written into ``data/history/``.

The chained intensity index (PRD-02) reads every site's CO2 and output of every year since the base
year (``site_history.csv``), and the target progress the avoided emissions of every year that counts
(``avoided_emissions.csv``). These are *published* figures. When a year is published
(``envkpi publish``), :func:`rows_of` takes them from the published run — the CO2 of each site
(PRD-01 ``site=…``) and CO2-01 + CO2-02 + CO2-03 from its ``results.csv`` at full precision, each
site's output from the ``production_output.csv`` the run read (its SHA-256 is checked against the
run's manifest) — and :func:`write` puts them in the history files with the source "FY2018 as
published on 2019-06-28". When a restatement is published, the year's rows take the restated
figures ("FY2018 as restated on 2020-05-10") and keep the figures first published beside them
(``co2_as_published``, ``output_as_published``, ``avoided_co2_t_as_published``).

The rows written are also recorded in the publication record (``publication.json``, ``history``), so
that :func:`disagreements` can name a hand edit of them (``envkpi verify``). Years published before
envkpi kept the history (the sample's FY2013–FY2016) are typed in, with their own sources.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .provenance import sha256_file
from .publication import MANIFEST_FILE, PUBLICATION_FILE, Version
from .results import read_results

__all__ = ["SITE_HISTORY", "AVOIDED_HISTORY", "HistoryError", "rows_of", "write", "disagreements"]

#: The history files, relative to the project root.
SITE_HISTORY = "data/history/site_history.csv"
AVOIDED_HISTORY = "data/history/avoided_emissions.csv"

#: The columns of a row that a publication writes (the others are written only on restatement).
_KEYS = {SITE_HISTORY: ("site_id", "fiscal_year"), AVOIDED_HISTORY: ("fiscal_year",)}
_FIGURES = {SITE_HISTORY: ("co2", "output"), AVOIDED_HISTORY: ("avoided_co2_t",)}
#: The headline results whose sum is a year's avoided emissions (the target's own measure).
AVOIDED_PARTS = ("CO2-01", "CO2-02", "CO2-03")


class HistoryError(Exception):
    """The figures of a published run cannot be taken for the history; the message says why."""


@dataclass(frozen=True)
class _File:
    header: list[str]
    rows: list[dict[str, str]]


def _number(value: float) -> str:
    """Full precision, as ``results.csv`` writes it (``repr``): reading it back gives the same float."""
    return repr(float(value))


def rows_of(root: Path, version: Version) -> dict[str, list[dict[str, str]]]:
    """The history rows of a published (or restated) run, by history file.

    Parameters
    ----------
    root : Path
        The project root.
    version : envkpi.publication.Version
        The run folder and what it is (``FY2018 as published on 2019-06-28``).

    Returns
    -------
    dict
        ``{SITE_HISTORY: [...], AVOIDED_HISTORY: [...]}``, each a list of rows (column → text) with the
        source ``version.label``; a file is left out when the run did not compute its figures (a run
        of some families only).

    Raises
    ------
    HistoryError
        When the run's ``production_output.csv`` is not the file the run read (it changed since), or a
        site's output is missing from it, or the avoided emissions are not all in t CO2.
    """
    folder = version.folder
    results = read_results(folder / "results.csv")
    year = version.fiscal_year
    found: dict[str, list[dict[str, str]]] = {}
    sites = [r for r in results if r.indicator_id == "PRD-01" and r.breakdown.startswith("site=")]
    if sites:
        outputs = _outputs_read(root, folder)
        rows = []
        for row in sites:
            site = row.breakdown.removeprefix("site=")
            if site not in outputs:
                raise HistoryError(f"{folder}: PRD-01 of {site} has no production output in the file the run read")
            output, unit = outputs[site]
            rows.append({"site_id": site, "fiscal_year": str(year), "co2": _number(row.value), "co2_unit": row.unit,
                         "output": output, "output_unit": unit, "source": version.label})
        found[SITE_HISTORY] = rows
    parts = {r.indicator_id: r for r in results if r.breakdown == "" and r.indicator_id in AVOIDED_PARTS}
    if len(parts) == len(AVOIDED_PARTS):
        units = {r.unit for r in parts.values()}
        if units != {"t CO2"}:
            raise HistoryError(f"{folder}: CO2-01 … CO2-03 are in {', '.join(sorted(units))}; the history is in t CO2")
        total = sum(parts[i].value for i in AVOIDED_PARTS)
        found[AVOIDED_HISTORY] = [{"fiscal_year": str(year), "avoided_co2_t": _number(total), "source": version.label}]
    return found


def _outputs_read(root: Path, folder: Path) -> dict[str, tuple[str, str]]:
    """Each site's output and unit, as written in the ``production_output.csv`` the run read."""
    manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    [record] = [r for r in manifest.get("inputs", []) if r.get("path", "").endswith("production_output.csv")] or [None]
    if record is None:
        raise HistoryError(f"{folder / MANIFEST_FILE}: the run read no production_output.csv")
    path = Path(record["path"]) if Path(record["path"]).is_absolute() else root / record["path"]
    if not path.is_file() or sha256_file(path) != record.get("sha256"):
        raise HistoryError(f"{record['path']}: not the file the run of {folder} read (its SHA-256 differs from the "
                           f"manifest's); the history needs the output that run used: restore the file, or rerun")
    with open(path, newline="", encoding="utf-8") as handle:
        return {r["site_id"].strip(): (r["output"].strip(), r["unit"].strip()) for r in csv.DictReader(handle)}


def _read(path: Path) -> _File:
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = [dict(row) for row in reader]
        return _File(list(reader.fieldnames or []), rows)


def _key(name: str, row: dict[str, str]) -> tuple[str, ...]:
    return tuple((row.get(column) or "").strip() for column in _KEYS[name])


def _year_of(row: dict[str, str]) -> str:
    text = (row.get("fiscal_year") or "").strip()
    try:
        return str(int(float(text)))
    except ValueError:
        return text


def write(root: Path, new_rows: dict[str, list[dict[str, str]]], *, restated: bool = False) -> list[str]:
    """Put a year's published figures into the history files; return one line per file changed.

    The rows of that year are replaced in place (or appended at the end when the year has none); a
    file is rewritten atomically (a new file renamed over it). On a restatement (``restated``), each
    figure that changes keeps its value as first published in a ``<figure>_as_published`` column
    (added to the header when missing).

    Parameters
    ----------
    root : Path
        The project root.
    new_rows : dict
        From :func:`rows_of`.
    restated : bool
        Whether these are the figures of a restatement.
    """
    lines = []
    for name, rows in new_rows.items():
        path = root / name
        current = _read(path)
        year = rows[0]["fiscal_year"]
        old = {_key(name, r): r for r in current.rows if _year_of(r) == year}
        header = list(current.header)
        if restated:
            for figure in _FIGURES[name]:
                column = f"{figure}_as_published"
                if column not in header:
                    header.append(column)
            for row in rows:
                before = old.get(_key(name, row))
                for figure in _FIGURES[name]:
                    column = f"{figure}_as_published"
                    if before is not None:
                        row[column] = before.get(column) or before.get(figure, "")
        kept, placed = [], False
        for row in current.rows:
            if _year_of(row) == year:
                if not placed:
                    kept += rows
                    placed = True
                continue
            kept.append(row)
        if not placed:
            kept += rows
        _write_csv(path, header, kept)
        what = "replaced" if old else "appended"
        lines.append(f"{name}: {len(rows)} row{'s' if len(rows) != 1 else ''} of FY{year} {what} ({rows[0]['source']})")
    return lines


def _write_csv(path: Path, header: list[str], rows: Iterable[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows({column: row.get(column) or "" for column in header} for row in rows)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(partial, path)


def disagreements(root: Path, published: Path) -> list[str]:
    """Where the history files differ from what the publication of ``published`` wrote into them.

    Parameters
    ----------
    root : Path
        The project root.
    published : Path
        The latest published version of a year (its folder, or a published restatement), whose
        ``publication.json`` records the rows it wrote (``history``).

    Returns
    -------
    list of str
        One line per row missing, differing (file, row number, column, both values) or extra;
        empty when the history holds exactly the published figures, or when the publication
        recorded none (published before the tool kept the history).
    """
    record = json.loads((published / PUBLICATION_FILE).read_text(encoding="utf-8"))
    problems = []
    for name, rows in (record.get("history") or {}).items():
        path = root / name
        if not path.is_file():
            problems.append(f"{name}: missing; it should hold the figures published in {published}")
            continue
        current = _read(path)
        year = rows[0]["fiscal_year"] if rows else None
        present = {_key(name, r): (number, r) for number, r in enumerate(current.rows, start=2) if _year_of(r) == year}
        for row in rows:
            key = _key(name, row)
            what = _named(key)
            if key not in present:
                problems.append(f"{name}: no row for {what}; the publication wrote {_shown(name, row)} "
                                f"({row['source']}); envkpi publish writes it, a hand edit removed it")
                continue
            number, found = present.pop(key)
            for column, value in row.items():
                if (found.get(column) or "").strip() != value:
                    problems.append(f"{name}, row {number}, column {column!r} ({what}): {found.get(column)!r} differs from "
                                    f"{value!r}, {row['source']} (recorded in {published / PUBLICATION_FILE})")
        for key, (number, _) in present.items():
            problems.append(f"{name}, row {number} ({_named(key)}): not a row of the publication ({published})")
    return problems


def _named(key: tuple[str, ...]) -> str:
    """``JP-01 FY2018`` or ``FY2018``: a history row by its key."""
    return " ".join((*key[:-1], f"FY{key[-1]}"))


def _shown(name: str, row: dict[str, str]) -> str:
    return ", ".join(f"{figure} {row[figure]}" for figure in _FIGURES[name])
