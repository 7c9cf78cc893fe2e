"""Publication: freeze a fiscal year's outputs, verify them against their manifest, place restatements.

Once a year is published its folder ``outputs/FY<yyyy>/`` is frozen and its ``manifest.json`` is
the certificate: the SHA-256 of every parameter file, input file and output, and the code
version. :func:`publish` checks that the folder still matches its manifest, records the
publication (date, who, and the SHA-256 of the manifest itself) in ``publication.json``, and makes
every file of the folder read-only — the tool refuses to write there, and the file system is a
second guard. :func:`verify` recomputes the hashes and names every file that differs.

Rerunning a published year is normal. A rerun whose results equal the published ones writes
nothing; one that differs is a restatement, written beside the published outputs in
``restated/<yyyy-mm-dd>/`` (:func:`restatement_folder`), never over them. The figures a later year
compares against are those of the most recent restatement, if any (:func:`latest_results_folder`).

Layout of a published year::

    outputs/FY2018/
        manifest.json          the certificate (written by the runner)
        publication.json       fiscal_year, published_on, published_by, manifest_sha256
        <family>.ipynb …       the outputs listed in the manifest, read-only
        review.yaml            the auditor's review (envkpi.cycle.review); not part of the publication
        audit/                 the auditor's pages (envkpi.pages.audit); not part of the publication
        restated/
            2019-06-30/        a complete run folder of its own (with its own manifest)
            2019-06-30-2/      a second restatement on the same day
"""

from __future__ import annotations

import json
import re
import stat
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath

from envkpi.core.provenance import sha256_file

__all__ = [
    "MANIFEST_FILE",
    "PUBLICATION_FILE",
    "RESTATED_DIR",
    "REVIEW_FILE",
    "AUDIT_DIR",
    "PublicationError",
    "publish",
    "is_published",
    "publication",
    "verify",
    "restatement_folder",
    "latest_results_folder",
    "make_writable",
    "Version",
    "version_of",
    "latest_version",
    "restatements",
    "latest_published_folder",
    "Supersession",
    "based_on",
    "superseded",
]

#: The run's certificate, written by :mod:`envkpi.running.runner`.
MANIFEST_FILE = "manifest.json"
#: The record of a publication, written by :func:`publish`.
PUBLICATION_FILE = "publication.json"
#: The subfolder of a published year that holds its restatements.
RESTATED_DIR = "restated"
#: The auditor's review of a year and the auditor's pages: beside the outputs, never part of a
#: publication (they change as the review goes on and show each run's timings).
REVIEW_FILE = "review.yaml"
AUDIT_DIR = "audit"

_WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
_RESTATEMENT_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:-([1-9]\d*))?$")


class PublicationError(Exception):
    """A folder that cannot be published, or is not published; the message names the path."""


# --- reading ---------------------------------------------------------------------------------

def _load_json(path: Path) -> tuple[dict | None, str | None]:
    """The JSON object in ``path``, or None and why not ("missing", "cannot be read (…)", …)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, "missing"
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"cannot be read ({exc})"
    if not isinstance(data, dict):
        return None, "not a JSON object"
    return data, None


def _read_json(path: Path) -> dict:
    data, reason = _load_json(path)
    if data is None:
        raise PublicationError(f"{path}: {reason}")
    return data


def _require_folder(folder: Path) -> Path:
    folder = Path(folder)
    if not folder.exists() and not folder.is_symlink():
        raise PublicationError(f"{folder}: no such folder; expected a run folder such as outputs/FY<yyyy>")
    if not folder.is_dir():
        raise PublicationError(f"{folder}: not a folder; expected a run folder such as outputs/FY<yyyy>")
    return folder


def is_published(folder: Path) -> bool:
    """Whether ``folder`` has been published (holds ``publication.json``).

    Parameters
    ----------
    folder : Path
        A run folder, e.g. ``outputs/FY2018``.

    Returns
    -------
    bool
    """
    return (Path(folder) / PUBLICATION_FILE).is_file()


def publication(folder: Path) -> dict:
    """The publication record of ``folder``.

    Parameters
    ----------
    folder : Path
        A published run folder.

    Returns
    -------
    dict
        ``fiscal_year``, ``published_on`` (ISO date), ``published_by``, ``manifest_sha256``.

    Raises
    ------
    PublicationError
        When the folder is not published, or its ``publication.json`` cannot be read.
    """
    folder = Path(folder)
    if not is_published(folder):
        raise PublicationError(f"{folder}: not published (no {PUBLICATION_FILE})")
    return _read_json(folder / PUBLICATION_FILE)


# --- verification ----------------------------------------------------------------------------

def _hash_problem(path: Path, name: str, expected: str | None, against: str) -> str | None:
    """The problem with one file, or None when its SHA-256 is ``expected``."""
    if not path.exists() and not path.is_symlink():
        return f"{name}: missing"
    if not path.is_file():
        return f"{name}: not a file"
    try:
        found = sha256_file(path)
    except OSError as exc:
        return f"{name}: cannot be read ({exc.strerror or exc})"
    if found != expected:
        return f"{name}: SHA-256 differs from {against} (expected {expected}, found {found})"
    return None


def _manifest_outputs(manifest: dict) -> tuple[list[tuple[str, str | None]], list[str]]:
    """The (path, sha256) of every output the manifest lists, and problems with the list itself."""
    outputs, problems = [], []
    listed = manifest.get("outputs")
    if not isinstance(listed, list):
        return [], [f"{MANIFEST_FILE}: no list of outputs"]
    for number, entry in enumerate(listed, start=1):
        name = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name:
            problems.append(f"{MANIFEST_FILE}: output #{number} has no path")
            continue
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts:
            problems.append(f"{name}: listed in the manifest but not a file of the folder")
            continue
        sha = entry.get("sha256")
        outputs.append((pure.as_posix(), sha if isinstance(sha, str) else None))
    return outputs, problems


def _folder_files(folder: Path) -> set[str]:
    """Every file below ``folder`` (relative POSIX paths), except the manifest, the publication record, the
    review, and the ``restated/`` and ``audit/`` subfolders."""
    found = set()
    for path in folder.iterdir():
        if path.name in (MANIFEST_FILE, PUBLICATION_FILE, REVIEW_FILE):
            continue
        if path.is_dir() and not path.is_symlink():
            if path.name in (RESTATED_DIR, AUDIT_DIR):
                continue
            found |= {p.relative_to(folder).as_posix() for p in path.rglob("*") if not p.is_dir()}
            if not any(path.iterdir()):
                found.add(f"{path.name}/")
        else:
            found.add(path.name)
    return found


def verify(folder: Path) -> list[str]:
    """Recompute the hashes of a run folder and compare them with its manifest.

    Parameters
    ----------
    folder : Path
        A run folder, e.g. ``outputs/FY2018``.

    Returns
    -------
    list of str
        Every problem, each naming the file: an output of the manifest that is missing or whose
        SHA-256 differs, a file of the folder the manifest does not list (``manifest.json``,
        ``publication.json`` and ``restated/`` are not outputs), and, for a published folder, a
        manifest whose SHA-256 differs from the one recorded at publication. Empty when the folder
        is verified.

    Raises
    ------
    PublicationError
        When ``folder`` does not exist or is not a folder (the message says which).

    Notes
    -----
    A missing or unreadable ``manifest.json`` is a problem, not an exception: there is nothing to
    verify against.
    """
    folder = _require_folder(folder)
    problems: list[str] = []
    if is_published(folder):
        record, reason = _load_json(folder / PUBLICATION_FILE)
        if record is None:
            problems.append(f"{PUBLICATION_FILE}: {reason}")
        elif (folder / MANIFEST_FILE).exists():
            problem = _hash_problem(folder / MANIFEST_FILE, MANIFEST_FILE, record.get("manifest_sha256"),
                                    "the publication record")
            if problem:
                problems.append(problem)
    manifest, reason = _load_json(folder / MANIFEST_FILE)
    if manifest is None:
        return problems + [f"{MANIFEST_FILE}: {reason}"]

    outputs, listing_problems = _manifest_outputs(manifest)
    problems += listing_problems
    for name, expected in outputs:
        problem = _hash_problem(folder / name, name, expected, "the manifest")
        if problem:
            problems.append(problem)
    listed = {name for name, _ in outputs}
    try:
        present = _folder_files(folder)
    except OSError as exc:  # a subfolder that cannot be listed: its files cannot be checked either
        return problems + [f"{exc.filename or folder}: cannot be listed ({exc.strerror or exc})"]
    problems += [f"{name}: not in the manifest" for name in sorted(present - listed)]
    return problems


# --- publishing ------------------------------------------------------------------------------

def _publication_json(record: dict) -> str:
    return json.dumps(record, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def publish(folder: Path, *, published_on: date, published_by: str, allow_dirty: bool = False,
            history: dict | None = None) -> Path:
    """Mark a run folder published: record it in ``publication.json`` and make its files read-only.

    Parameters
    ----------
    folder : Path
        A completed run folder, e.g. ``outputs/FY2018``, holding ``manifest.json``.
    published_on : date
        Date of publication.
    published_by : str
        Who published it (a name or an e-mail address); not empty.
    allow_dirty : bool
        Publish although the run's code version is ``+dirty`` (the workbook's files differed from
        its git commit when it ran, so the commit does not say which code made the figures). The
        publication record then says so (``code_version`` and ``dirty_tree_allowed``).

    Returns
    -------
    Path
        The ``publication.json`` written.

    Raises
    ------
    PublicationError
        When the folder has no manifest, is already published, was run from a dirty tree (unless
        ``allow_dirty``), or does not match its own manifest
        (the message lists every problem found by :func:`verify`), or when a file cannot be made
        read-only (then nothing is changed).

    Notes
    -----
    ``publication.json`` is deterministic JSON (sorted keys, indent 1, trailing newline) with
    ``fiscal_year`` (from the manifest), ``published_on`` (ISO date), ``published_by`` and
    ``manifest_sha256``. Every file directly in the folder (but ``review.yaml``) — the outputs, the manifest and the
    publication record — then loses its write permission (``chmod a-w``); subfolders such as
    ``restated/`` stay writable, so that restatements can be added. The permissions do not stop a
    superuser: the publication record and :func:`verify` are the guard that holds.
    """
    folder = _require_folder(folder)
    manifest_path = folder / MANIFEST_FILE
    if not manifest_path.is_file():
        raise PublicationError(f"{folder}: no {MANIFEST_FILE}; only a completed run can be published")
    if is_published(folder):
        record = _load_json(folder / PUBLICATION_FILE)[0] or {}
        raise PublicationError(f"{folder}: already published on {record.get('published_on', '?')} "
                               f"by {record.get('published_by', '?')}")
    if not isinstance(published_by, str) or not published_by.strip():
        raise PublicationError(f"{folder}: published_by must name who publishes it")
    if isinstance(published_on, datetime):
        published_on = published_on.date()
    if not isinstance(published_on, date):
        raise PublicationError(f"{folder}: published_on must be a date, not {published_on!r}")
    problems = verify(folder)
    if problems:
        raise PublicationError(f"{folder}: does not match its manifest, not published:\n"
                               + "\n".join(f"  {p}" for p in problems))
    manifest = _read_json(manifest_path)
    fiscal_year = manifest.get("fiscal_year")
    if not isinstance(fiscal_year, int):
        raise PublicationError(f"{manifest_path}: no fiscal_year")
    code = str(manifest.get("code_version", ""))
    dirty = code.endswith("+dirty")
    if dirty and not allow_dirty:
        raise PublicationError(f"{folder}: the run's code version is {code!r}: the workbook's files (lib, notebooks, "
                               f"parameters, data) differed from that commit when it ran, so the commit does not say "
                               f"which code made these figures; commit, rerun and publish (or publish with --allow-dirty, "
                               f"which the publication record then states)")

    record = {
        "fiscal_year": fiscal_year,
        "published_on": published_on.isoformat(),
        "published_by": published_by.strip(),
        "manifest_sha256": sha256_file(manifest_path),
    }
    if dirty:
        record.update(code_version=code, dirty_tree_allowed=True)
    if history:
        record["history"] = history
    target = folder / PUBLICATION_FILE
    partial = folder / f".{PUBLICATION_FILE}.partial"
    partial.write_text(_publication_json(record), encoding="utf-8")
    partial.replace(target)  # atomic: the record is written completely or not at all
    changed, failed = [], []
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.is_symlink() and path.name != REVIEW_FILE:
            mode = stat.S_IMODE(path.stat().st_mode)
            try:
                path.chmod(mode & ~_WRITE_BITS)
            except OSError as exc:
                failed.append(f"  {path.name}: {exc.strerror or exc}")
            else:
                changed.append((path, mode))
    if failed:  # undo, so that the folder is published completely or not at all
        for path, mode in changed:
            path.chmod(mode)
        target.unlink()
        raise PublicationError(f"{folder}: not published: cannot make these files read-only "
                               f"(are they owned by someone else?):\n" + "\n".join(failed))
    return target


def make_writable(path: Path) -> None:
    """Give the owner write permission on ``path`` and, for a folder, on everything below it.

    For tests and clean-up: a folder holding read-only published files can then be removed or edited.
    It does not unpublish anything; ``publication.json`` is left in place.

    Parameters
    ----------
    path : Path
        A file or a folder; nothing happens when it does not exist.
    """
    path = Path(path)
    if not path.exists() or path.is_symlink():
        return
    paths = [path, *path.rglob("*")] if path.is_dir() else [path]
    for item in paths:
        if not item.is_symlink():
            item.chmod(stat.S_IMODE(item.stat().st_mode) | stat.S_IWUSR)


# --- restatements ----------------------------------------------------------------------------

def _restatement_key(name: str) -> tuple[date, int] | None:
    """(date, number) of a restatement folder name ``yyyy-mm-dd`` or ``yyyy-mm-dd-n``, else None."""
    match = _RESTATEMENT_NAME.match(name)
    if not match:
        return None
    try:
        day = date.fromisoformat(match.group(1))
    except ValueError:
        return None
    return day, int(match.group(2) or 1)


def restatement_folder(folder: Path, on: date) -> Path:
    """Where a restatement of ``folder`` made on ``on`` is to be written; the folder is not created.

    Parameters
    ----------
    folder : Path
        A published run folder, e.g. ``outputs/FY2018``.
    on : date
        Date of the restatement.

    Returns
    -------
    Path
        ``folder/restated/<yyyy-mm-dd>``, or ``…-2``, ``…-3`` … when that already exists.
    """
    base = Path(folder) / RESTATED_DIR / on.isoformat()
    candidate, number = base, 1
    while candidate.exists() or candidate.is_symlink():
        number += 1
        candidate = base.with_name(f"{base.name}-{number}")
    return candidate


def latest_results_folder(folder: Path) -> Path:
    """The folder holding a year's current figures: its latest restatement, else the folder itself.

    Parameters
    ----------
    folder : Path
        A run folder, e.g. ``outputs/FY2018``.

    Returns
    -------
    Path
        The ``restated/<yyyy-mm-dd[-n]>`` subfolder with a ``results.csv`` that is most recent (by
        date, then number), or ``folder`` when there is none. Other names under ``restated/``
        (staging and ``.failed`` folders of an interrupted run) are ignored.
    """
    found = restatements(folder)
    return found[-1] if found else Path(folder)


# --- versions of a year's figures ------------------------------------------------------------

@dataclass(frozen=True)
class Version:
    """One version of a fiscal year's figures: as published, as restated on a date, or as run (unpublished).

    Attributes
    ----------
    fiscal_year : int
    kind : str
        ``published`` (the year's folder, published), ``restated`` (a folder under ``restated/``)
        or ``run`` (an unpublished run folder).
    on : str
        ISO date: of the publication, of the restatement (its folder's name), or of the run.
    folder : Path
        The folder holding the version's ``results.csv`` and ``manifest.json``.
    """

    fiscal_year: int
    kind: str
    on: str
    folder: Path

    @property
    def label(self) -> str:
        """``FY2018 as published on 2019-06-28``, ``FY2018 as restated on 2020-05-10``, or
        ``FY2018 as run on 2019-05-01 (not published)``: the words every page and report use."""
        if self.kind == "run":
            return f"FY{self.fiscal_year} as run on {self.on} (not published)"
        return f"FY{self.fiscal_year} as {self.kind} on {self.on}"


def _manifest_of(folder: Path) -> dict:
    data, _ = _load_json(Path(folder) / MANIFEST_FILE)
    return data or {}


def version_of(folder: Path, fiscal_year: int | None = None) -> Version:
    """The version of a year's figures that ``folder`` holds (see :class:`Version`).

    Parameters
    ----------
    folder : Path
        ``outputs/FY<yyyy>`` or one of its ``restated/<yyyy-mm-dd[-n]>`` folders.
    fiscal_year : int, optional
        The year, for a folder not yet written; by default its manifest's, else its folder's name.
    """
    folder = Path(folder)
    manifest = _manifest_of(folder)
    year = fiscal_year or manifest.get("fiscal_year")
    if not isinstance(year, int):  # a folder not yet written (a restatement about to be): its year's folder name
        year = next((int(part.name[2:]) for part in (folder, *folder.parents) if re.fullmatch(r"FY\d{4}", part.name)), 0)
    if folder.parent.name == RESTATED_DIR and _restatement_key(folder.name):
        number = _restatement_key(folder.name)[1]
        on = folder.name[:10] + (f" (restatement {number} of that day)" if number > 1 else "")
        return Version(year, "restated", on, folder)
    if is_published(folder):
        record, _ = _load_json(folder / PUBLICATION_FILE)
        return Version(year, "published", str((record or {}).get("published_on", "?")), folder)
    started = str(manifest.get("run", {}).get("started", "?"))[:10] if isinstance(manifest.get("run"), dict) else "?"
    return Version(year, "run", started, folder)


def latest_version(folder: Path) -> Version:
    """The version of a year's figures that later years compare against: :func:`latest_results_folder`."""
    return version_of(latest_results_folder(folder))


def restatements(folder: Path) -> list[Path]:
    """The restatement folders of a year, oldest first (only complete ones: with a ``results.csv``)."""
    restated = Path(folder) / RESTATED_DIR
    if not restated.is_dir():
        return []
    found = [(key, sub) for sub in restated.iterdir()
             if (key := _restatement_key(sub.name)) and sub.is_dir() and (sub / "results.csv").is_file()]
    return [sub for _, sub in sorted(found)]


def latest_published_folder(folder: Path) -> Path | None:
    """The latest version of a year that is published: its newest published restatement, else the
    year's folder when it is published, else None."""
    folder = Path(folder)
    for sub in reversed(restatements(folder)):
        if is_published(sub):
            return sub
    return folder if is_published(folder) else None


# --- what a year was based on, and whether it still is -----------------------------------------

@dataclass(frozen=True)
class Supersession:
    """An earlier year whose figures changed after a run used them."""

    fiscal_year: int
    used: str  # the label of the version the run used
    now: str  # the label of the version in place now

    def __str__(self) -> str:
        return f"based on superseded figures of FY{self.fiscal_year} (it used {self.used}; now {self.now})"


def based_on(outputs: Path, fiscal_year: int) -> list[dict]:
    """The earlier published years a run of ``fiscal_year`` reads, each with the version it reads.

    The changes report compares with last year's figures and the history files hold every published
    year: a run depends on the current version of every earlier published year. Recorded in the
    manifest (``based_on``) so that a later restatement of any of them can be found out
    (:func:`superseded`).

    Parameters
    ----------
    outputs : Path
        The project's ``outputs/`` folder.
    fiscal_year : int
        The year run.

    Returns
    -------
    list of dict
        ``fiscal_year``, ``version`` (its label), ``folder`` (relative to ``outputs``) and
        ``results_sha256``, oldest year first.
    """
    entries = []
    for year_folder in sorted(Path(outputs).glob("FY[0-9][0-9][0-9][0-9]")):
        year = int(year_folder.name[2:])
        if year >= fiscal_year or not is_published(year_folder):
            continue
        current = latest_results_folder(year_folder)
        if not (current / "results.csv").is_file():
            continue
        entries.append({"fiscal_year": year, "version": version_of(current).label,
                        "folder": current.relative_to(outputs).as_posix(),
                        "results_sha256": sha256_file(current / "results.csv")})
    return entries


def superseded(folder: Path, outputs: Path) -> list[Supersession]:
    """The earlier years whose figures changed since the run in ``folder`` used them.

    Parameters
    ----------
    folder : Path
        A run folder (a year's folder or one of its restatements) whose manifest records ``based_on``.
    outputs : Path
        The project's ``outputs/`` folder.

    Returns
    -------
    list of Supersession
        One per earlier year whose current version (:func:`latest_results_folder`) is not the one
        recorded; empty for a manifest that records nothing (runs before this record existed).
    """
    found = []
    for entry in _manifest_of(folder).get("based_on", []) or []:
        try:
            year = int(entry["fiscal_year"])
        except (KeyError, TypeError, ValueError):
            continue
        current = latest_results_folder(Path(outputs) / f"FY{year}")
        results = current / "results.csv"
        if results.is_file() and sha256_file(results) != entry.get("results_sha256"):
            found.append(Supersession(year, str(entry.get("version", "?")), version_of(current).label))
    return found
