"""Published history kept by the tool: each published year's figures, written into ``data/history/``.

Some families read the *published* figures of earlier years: each declares its history files
(:class:`envkpi.core.family.History`: the file, its key and figure columns, and how a published
run's rows are taken). When a year is published (``envkpi publish``), :func:`rows_of` takes every
family's rows from the published run (its ``results.csv`` at full precision, the inputs its
manifest records) and :func:`write` puts them in the history files with the source "FY2018 as
published on 2019-06-28". When a restatement is published, the year's rows take the restated
figures ("FY2018 as restated on 2020-05-10") and keep the figures first published beside them
(``<figure>_as_published``).

The rows written are also recorded in the publication record (``publication.json``, ``history``), so
that :func:`disagreements` can name a hand edit of them (``envkpi verify``). Years published before
envkpi kept the history (the sample's first years) are typed in, with their own sources.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from envkpi.core.family import History, HistoryError
from envkpi.core.results import read_results
from envkpi.cycle.publication import MANIFEST_FILE, PUBLICATION_FILE, Version
from envkpi.families import histories

__all__ = ["HistoryError", "rows_of", "write", "disagreements"]


@dataclass(frozen=True)
class _File:
    header: list[str]
    rows: list[dict[str, str]]


def rows_of(root: Path, version: Version) -> dict[str, list[dict[str, str]]]:
    """The history rows of a published (or restated) run, by history file.

    Parameters
    ----------
    root : Path
        The project root.
    version : envkpi.cycle.publication.Version
        The run folder and what it is (``FY2018 as published on 2019-06-28``).

    Returns
    -------
    dict
        History file (relative to the root) → its rows (column → text), each with the source
        ``version.label``; a file is left out when the run did not compute its figures (a run of
        some families only).

    Raises
    ------
    HistoryError
        Naming the run folder and what the family found wrong (e.g. an input the run read has
        changed since).
    """
    folder = version.folder
    results = read_results(folder / "results.csv")
    manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    found: dict[str, list[dict[str, str]]] = {}
    for history in histories():
        try:
            rows = history.rows(results, manifest.get("inputs", []), root, version.fiscal_year, version.label)
        except HistoryError as exc:
            raise HistoryError(f"{folder}: {exc}") from None
        if rows:
            found[history.path] = rows
    return found


def _declared(name: str) -> History:
    """The history file of that name (relative to the root)."""
    for history in histories():
        if history.path == name:
            return history
    raise HistoryError(f"{name}: not a history file of any family (known: "
                       f"{', '.join(h.path for h in histories())})")


def _read(path: Path) -> _File:
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = [dict(row) for row in reader]
        return _File(list(reader.fieldnames or []), rows)


def _key(name: str, row: dict[str, str]) -> tuple[str, ...]:
    return tuple((row.get(column) or "").strip() for column in _declared(name).keys)


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
            for figure in _declared(name).figures:
                column = f"{figure}_as_published"
                if column not in header:
                    header.append(column)
            for row in rows:
                before = old.get(_key(name, row))
                for figure in _declared(name).figures:
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
    return ", ".join(f"{figure} {row[figure]}" for figure in _declared(name).figures)
