"""Provenance: what was read (with SHA-256), which code ran, with which packages.

Every report shows near its top the parameter files and input files it read, each with its hash
and row count, and the code version, so an auditor can tie a number to the exact bytes it came
from and rerun it to the same result.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

__all__ = ["FileRecord", "display_path", "file_record", "history_record", "sha256_file", "code_version", "library_digest",
           "environment_digest", "package_versions", "PACKAGES"]

#: Packages whose versions are recorded with every run.
PACKAGES = ("envkpi", "pandas", "pandera", "pint", "pydantic", "papermill", "nbconvert", "matplotlib", "numpy")


@dataclass(frozen=True)
class FileRecord:
    """One file read by a report."""

    role: str          # "parameters", "input", "history", ...
    path: str          # relative to the project root where possible
    sha256: str
    rows: int | None = None  # data rows (header excluded) for tables

    def as_dict(self) -> dict:
        return {"role": self.role, "path": self.path, "sha256": self.sha256, "rows": self.rows}


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def history_record(path: str | Path, fiscal_year: int, *, root: str | Path | None = None) -> FileRecord:
    """A :class:`FileRecord` of the rows of a history table that a run of ``fiscal_year`` uses: those before it.

    A history file grows every year (``envkpi publish`` appends the year it publishes), so the SHA-256 of
    its bytes would change a published year's provenance although none of the rows it used changed.
    The record is of what the run used: the SHA-256 of the header and of every row whose
    ``fiscal_year`` is before ``fiscal_year``, as CSV (``\n`` line ends, each record as the csv module
    writes it), with the role ``history, rows before FY<yyyy>`` and the count of those rows. A row whose
    year cannot be read is kept (the validation of the table names it).

    Parameters
    ----------
    path : str or Path
        A history table (``data/history/<name>.csv``), UTF-8 CSV with a ``fiscal_year`` column.
    fiscal_year : int
        The year run.
    root : str or Path, optional
        Project root, for the path shown.
    """
    path = Path(path)
    with open(path, newline="", encoding="utf-8") as handle:
        records = list(csv.reader(handle))
    header = records[0] if records else []
    column = header.index("fiscal_year") if "fiscal_year" in header else None
    used = []
    for record in records[1:]:
        if not any(cell.strip() for cell in record):
            continue
        try:
            year = float(record[column]) if column is not None else None
        except (IndexError, ValueError):
            year = None
        if year is None or year < fiscal_year:
            used.append(record)
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([header, *used])
    return FileRecord(f"history, rows before FY{fiscal_year}", display_path(path, root),
                      hashlib.sha256(text.getvalue().encode("utf-8")).hexdigest(), len(used))


def file_record(path: str | Path, *, root: str | Path | None = None, role: str, rows: int | None = None) -> FileRecord:
    """A :class:`FileRecord` for ``path``, shown relative to ``root`` when it lies below it."""
    return FileRecord(role=role, path=display_path(path, root), sha256=sha256_file(path), rows=rows)


def display_path(path: str | Path, root: str | Path | None) -> str:
    """``path`` as messages and records show it: relative to ``root`` when it lies below it, else absolute."""
    path = Path(path).resolve()
    if root is not None:
        try:
            return path.relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


def code_version(root: str | Path) -> str:
    """The git commit of the workbook (``+dirty`` when files differ from it), or the package version.

    Outside a git checkout (an installed package, an archive) the package version is all there is.
    """
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "lib", "notebooks", "parameters", "data"],
            cwd=root, capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return f"envkpi {package_versions().get('envkpi', 'unknown')}"
    return f"git {commit}{'+dirty' if dirty else ''}"


def library_digest(package: str | Path | None = None) -> str:
    """SHA-256 of the ``envkpi`` library's source: every file of the package folder (its path and bytes,
    in path order), compiled caches left out; by default of the library this process imported (computed
    once per process).

    What a report shows as its code, and a part of the key of the execution cache
    (:mod:`envkpi.running.cache`): unlike the git commit, it changes only when the library does.
    """
    return _digest_of_folder(Path(package)) if package is not None else _imported_library_digest()


@cache
def _imported_library_digest() -> str:
    return _digest_of_folder(Path(__file__).resolve().parents[1])


def _digest_of_folder(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(sha256_file(path).encode("ascii"))
    return digest.hexdigest()


def environment_digest(constraints: Path | None = None) -> str:
    """SHA-256 of the locked environment: Python's version and executable, every installed distribution
    with its version (read once per process), and the bytes of ``constraints`` (the project's pinned
    versions) when it exists."""
    pinned = sha256_file(constraints) if constraints is not None and constraints.is_file() else "absent"
    return hashlib.sha256(f"{_installed()}\0{pinned}".encode()).hexdigest()


@cache
def _installed() -> str:
    """Python, its executable, and the metadata folders of every installed distribution on ``sys.path``:
    ``<name>-<version>.dist-info`` (or ``.egg-info``) names each distribution with its version, as the
    wheel and egg formats write them; reading the folder names is twenty times faster than parsing every
    distribution's metadata file, and changes with the same installs and upgrades."""
    installed = sorted({entry.name for folder in sys.path if folder and os.path.isdir(folder)
                        for entry in os.scandir(folder) if entry.name.endswith((".dist-info", ".egg-info"))})
    return json.dumps({"python": sys.version, "executable": sys.executable, "installed": installed}, sort_keys=True)


def package_versions() -> dict[str, str]:
    """Versions of Python and of the packages in :data:`PACKAGES`."""
    versions = {"python": sys.version.split()[0]}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions
