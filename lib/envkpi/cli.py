"""The ``envkpi`` command.

``envkpi run --fy 2018`` executes every family notebook of a fiscal year into ``outputs/FY2018/``;
``envkpi indicators`` prints the catalogue; ``envkpi --help`` lists the other subcommands.

Exit status (the same for every subcommand, also shown by ``envkpi --help``):

- 0: success, including a rerun that reproduces the published results (nothing written);
- 1: the work was attempted and failed: a notebook or a check failed (the outputs in place are
  untouched), ``verify`` found a file that differs from its manifest, a file could not be written;
- 2: nothing was done: bad usage or arguments, bad parameters or input data, a year not ready, an
  output folder refused, no envkpi project found;
- 3: busy: another envkpi run holds the output folder's lock;
- 70: an internal error (a bug): a one-line message; ``ENVKPI_DEBUG=1`` shows the traceback;
- 130: interrupted (Ctrl-C).

No error reaches the user as a Python traceback: an argument error is one line on stderr,
``envkpi <command>: <what is wrong>; <what was expected> (see envkpi <command> --help)``; the
errors of the library (:class:`~envkpi.core.parameters.ParameterError`, :class:`~envkpi.core.inputs.InputError`,
…) are printed as their message, which names the file, row, column or key; an ``OSError`` names the
path and the system's reason.
"""

from __future__ import annotations

import argparse
import csv
import errno
import json
import logging
import os
import re
import signal
import sys
from datetime import date
from pathlib import Path
from typing import NoReturn

# jsonschema (through nbformat and Papermill) imports rfc3987-syntax when it is installed (JupyterLab's
# jupyter-events pulls it in), which compiles 39 grammars on import: about 3 s of every command's start,
# for jsonschema's "iri" formats, which no notebook schema uses. The command line does without them.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # an import of it raises ImportError

from envkpi.core.catalogue import FAMILIES, catalogue  # noqa: E402
from envkpi.core.inputs import InputError  # noqa: E402
from envkpi.core.parameters import ParameterError  # noqa: E402

__all__ = ["main", "UsageError", "EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "EXIT_BUSY", "EXIT_INTERNAL",
           "EXIT_INTERRUPTED"]

EXIT_OK = 0           #: success (a rerun that reproduces the published results included)
EXIT_FAILED = 1       #: attempted and failed: a notebook or check, a difference found by verify, a write
EXIT_USAGE = 2        #: nothing done: usage, arguments, parameters, input data, year not ready, --out refused
EXIT_BUSY = 3         #: another run holds the output folder's lock
EXIT_INTERNAL = 70    #: a bug (EX_SOFTWARE of sysexits.h)
EXIT_INTERRUPTED = 130  #: Ctrl-C (128 + SIGINT)

#: Fiscal years accepted on the command line [year].
FIRST_YEAR, LAST_YEAR = 1990, 2100

_EPILOG = f"""exit status:
  {EXIT_OK}    success (also: a rerun reproduced the published results, nothing written)
  {EXIT_FAILED}    attempted and failed: a notebook or a check failed (outputs untouched),
       verify found a difference (a file, a history row, superseded figures),
       a file could not be written
  {EXIT_USAGE}    nothing done: bad usage or arguments, bad parameters or input data, year not
       ready, --out refused, no envkpi project here (run inside one or set ENVKPI_ROOT)
  {EXIT_BUSY}    busy: another envkpi run holds the output folder's lock
  {EXIT_INTERNAL}   internal error (a bug); ENVKPI_DEBUG=1 shows the traceback
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)"""


class UsageError(Exception):
    """A command line that cannot be carried out as given; printed as one line, exit status 2."""


def project_root() -> Path:
    """The project folder: ``ENVKPI_ROOT`` if set, else the nearest folder at or above the working
    directory with ``parameters/`` and ``notebooks/`` (:func:`envkpi.core.paths.project_root`).

    Raises
    ------
    UsageError
        When there is none, or ``ENVKPI_ROOT`` names a folder that is not a project (a user's
        mistake, told in one line, rather than the library's ``FileNotFoundError``).
    """
    from envkpi.core.paths import project_root as find_root

    configured = os.environ.get("ENVKPI_ROOT")
    try:
        root = find_root()
    except FileNotFoundError:
        raise UsageError(f"no envkpi project at or above {Path.cwd()} (a folder with parameters/ and notebooks/); "
                         "run envkpi inside a project, or set ENVKPI_ROOT to one") from None
    if configured and not ((root / "parameters").is_dir() and (root / "notebooks").is_dir()):
        raise UsageError(f"ENVKPI_ROOT={configured} is not an envkpi project (it has no parameters/ and notebooks/); "
                         "expected the project folder, or ENVKPI_ROOT unset")
    return root


# --- argument types: each says what it got and what it expected -----------------------------------

def _fiscal_year(text: str) -> int:
    """A fiscal year: 4 digits from FIRST_YEAR to LAST_YEAR."""
    if not re.fullmatch(r"[0-9]{4}", text.strip()) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise argparse.ArgumentTypeError(f"{text!r} is not a fiscal year; expected a 4-digit year from "
                                         f"{FIRST_YEAR} to {LAST_YEAR}, e.g. 2018")
    return int(text)


def _iso_date(text: str) -> date:
    """A date written YYYY-MM-DD that exists in the calendar."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; expected YYYY-MM-DD, e.g. 2019-05-20")
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date of the calendar ({exc}); expected YYYY-MM-DD, "
                                         "e.g. 2019-05-20") from None


def _workers(text: str) -> int:
    """A number of notebooks executed at once: a whole number ≥ 1."""
    if not re.fullmatch(r"\s*[+-]?[0-9]+\s*", text) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of workers; expected a whole number ≥ 1, e.g. 2")
    return int(text)


def _repeat(text: str) -> int:
    """A number of measurements: a whole number ≥ 1."""
    if not re.fullmatch(r"\s*[+-]?[0-9]+\s*", text) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of measurements; expected a whole number ≥ 1, e.g. 3")
    return int(text)


def _name(text: str) -> str:
    """A person's name or role: not blank."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is blank; expected a name or role, e.g. \"A. Auditor\"")
    return text.strip()


def _reason(text: str) -> str:
    """Why a published year is restated: not blank."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is blank; expected why the year is restated, e.g. "
                                         "\"JP-01 electricity corrected (meter read 97,400 MWh)\"")
    return text.strip()


def _path_problem(text: str, want_folder: bool) -> str | None:
    """Why ``text`` is not an existing, readable file (or folder), or None."""
    path = Path(text)
    if not text.strip():
        return "is empty"
    if not path.exists():
        return "does not exist" if path.parent.is_dir() else f"does not exist (nor does its folder {path.parent})"
    if want_folder and not path.is_dir():
        return "is a file, not a folder"
    if not want_folder and path.is_dir():
        return "is a folder, not a file"
    if not os.access(path, os.R_OK | (os.X_OK if want_folder else 0)):
        return "cannot be read (permission denied)"
    return None


def _parameter_file(text: str) -> str:
    """An existing, readable parameter file (the path as given; ``_run`` resolves it)."""
    problem = _path_problem(text, want_folder=False)
    if problem:
        raise argparse.ArgumentTypeError(f"{text!r} {problem}; expected a parameter file (YAML), "
                                         "e.g. parameters/FY2018.yaml")
    return text


def _data_folder(text: str) -> str:
    """An existing, readable input folder (the path as given; ``_run`` resolves it)."""
    problem = _path_problem(text, want_folder=True)
    if problem:
        raise argparse.ArgumentTypeError(f"{text!r} {problem}; expected the folder of a year's input tables, "
                                         "e.g. data/FY2018")
    return text


def _families(text: str) -> str:
    """Comma-separated families that have a notebook (the text as given; ``_run`` splits it).

    Checked against the notebooks of the project when there is one here, else against the catalogue
    (then the run itself reports a family without a notebook).
    """
    names = [name.strip() for name in text.split(",") if name.strip()]
    try:
        present = {p.stem for p in (project_root() / "notebooks").glob("*.ipynb")}
        known = [family for family in FAMILIES if family in present]
    except UsageError:  # no project here: main() says so once the arguments are read
        known = list(FAMILIES)
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        got = ", ".join(map(repr, unknown)) if unknown else repr(text)
        raise argparse.ArgumentTypeError(f"{got}: no such family notebook; expected comma-separated families "
                                         f"from: {', '.join(known)}")
    return text


def _run(args: argparse.Namespace) -> int:
    from envkpi.running.outfolder import OutputFolderBusy, OutputFolderError
    from envkpi.running.outfolder import check as check_output_folder

    root = project_root()
    try:  # at once, before the runner's imports (seconds); the run checks again when it claims the folder
        check_output_folder(_year_folder(args), root, force=args.force_out)
    except OutputFolderError as exc:
        print(f"envkpi run: {exc}", file=sys.stderr)
        return 2
    from envkpi.running.runner import RunError, RunRefused, run_year

    only = [name.strip() for name in args.only.split(",") if name.strip()] if args.only else None
    try:
        run_year(
            args.fy, root=root, only=only,
            params=Path(args.params).resolve() if args.params else None,
            data=Path(args.data).resolve() if args.data else None,
            out=Path(args.out).resolve() if args.out else None,
            force_out=args.force_out,
            workers=args.workers,
            reason=args.reason,
            cache=not args.no_cache,
            progress=lambda line: print(line, file=sys.stderr, flush=True),
        )
    except (ParameterError, InputError, OutputFolderError) as exc:
        print(f"envkpi run: {exc}", file=sys.stderr)
        return 2
    except OutputFolderBusy as exc:
        print(f"envkpi run: {exc}", file=sys.stderr)
        return 3
    except RunRefused as exc:
        print(f"envkpi run: FY{args.fy} not run\n{exc}", file=sys.stderr)
        return 2
    except RunError as exc:
        print(f"envkpi run: FY{args.fy} failed\n{exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a full disk, a file that cannot be written: the outputs in place are unchanged
        where = f": {exc.filename}" if exc.filename else ""
        print(f"envkpi run: FY{args.fy} failed: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    return 0


def _indicators(args: argparse.Namespace) -> int:
    from envkpi.families import names

    built = set(names())
    entries = [e for e in catalogue() if not args.family or e.family == args.family]
    fields = ("id", "family", "unit", "status", "name_en", "name_ja")
    rows = [{"id": e.id, "family": e.family, "unit": e.unit, "status": "computed" if e.family in built else "planned",
             "name_en": e.name_en, "name_ja": e.name_ja} for e in entries]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        widths = {f: max(len(f), *(len(str(r[f])) for r in rows)) for f in fields[:4]}
        print("  ".join(f.ljust(widths[f]) for f in fields[:4]) + "  name (English / 日本語)")
        for r in rows:
            print("  ".join(str(r[f]).ljust(widths[f]) for f in fields[:4]) + f"  {r['name_en']} / {r['name_ja']}")
    return 0


def _new_year(args: argparse.Namespace) -> int:
    from envkpi.cycle.newyear import NewYearError, new_year

    root = project_root()
    try:
        written = new_year(root, args.year, source_year=args.source, today=date.today())
    except NewYearError as exc:
        print(f"envkpi new-year: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(path.relative_to(root))
    print(f"FY{args.year} created: confirm every value marked carried_over_from in parameters/FY{args.year}.yaml "
          f"and fill the tables of data/FY{args.year}/; `envkpi run --fy {args.year}` lists what is left.\n"
          f"Excel collection forms of these tables, with last year's values beside the cells to fill: "
          f"`envkpi forms --fy {args.year}` (one per table) or `envkpi forms --fy {args.year} --site all` (one per site).",
          file=sys.stderr)
    return 0


def _forms(args: argparse.Namespace) -> int:
    from envkpi.cycle.forms import FormsError, forms

    root = project_root()
    out = Path(args.out).resolve() if args.out else None
    if out is not None and out.exists() and not out.is_dir():
        raise UsageError(f"--out {args.out} is a file; expected a folder for the forms, e.g. forms/FY{args.fy}")
    try:
        written, notes = forms(root, args.fy, site=args.site, out=out, force=args.force)
    except FormsError as exc:
        print(f"envkpi forms: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    for path in written:
        try:
            print(path.relative_to(root))
        except ValueError:
            print(path)
    where = f"data/FY{args.fy}/"
    print(f"{len(written)} form{'s' if len(written) != 1 else ''} written: send them out; a returned form is placed "
          f"in {where} as it is and read by `envkpi run --fy {args.fy}`.", file=sys.stderr)
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    import pandas as pd

    from envkpi.core.parameters import parameter_file
    from envkpi.cycle.changes import isolatable, parameter_diff
    from envkpi.families import load_parameters
    from envkpi.running.runner import RunError, parameter_effects

    root = project_root()
    if args.fy == args.against:
        raise UsageError(f"--against {args.against} is --fy itself; expected another year, "
                         f"e.g. --against {args.fy - 1}")
    for option, year in (("--fy", args.fy), ("--against", args.against)):
        if not parameter_file(root, year).exists():
            years = sorted(int(p.stem[2:]) for p in (root / "parameters").glob("FY[0-9][0-9][0-9][0-9].yaml"))
            raise UsageError(f"{option} {year}: no parameter file parameters/FY{year}.yaml; expected a year with one "
                             f"({', '.join(map(str, years)) or 'none in parameters/'})")
    old = load_parameters(parameter_file(root, args.against), root=root)  # ParameterError: exit 2, in main()
    new = load_parameters(parameter_file(root, args.fy), root=root)
    diff = parameter_diff(old, new)
    with pd.option_context("display.max_colwidth", 60, "display.width", 200):
        for family, rows in diff.groupby("family", sort=True):
            print(f"\n== {family} ==")
            for row in rows.itertuples(index=False):
                old_text = "" if pd.isna(row.old_value) else f"{row.old_value} {row.old_unit or ''}".strip()
                new_text = "" if pd.isna(row.new_value) else f"{row.new_value} {row.new_unit or ''}".strip()
                print(f"  {row.path}: {row.change}: {old_text or '—'} → {new_text or '—'}")
                if row.change == "source changed":
                    print(f"      source: {row.old_source!r} → {row.new_source!r}")
    if args.no_effects or isolatable(diff).empty:
        return 0
    print("\n== effects (rerun with only that value reverted) ==")
    try:
        effects = parameter_effects(root, args.fy, parameter_file(root, args.fy), args.against)
    except RunError as exc:
        print(f"envkpi diff: {exc}", file=sys.stderr)
        return 1
    for effect in (e for e in effects if e["effect"] != 0):
        print(f"  {effect['path']}: {effect['old']} → {effect['new']}: {effect['indicator_id']} "
              f"{effect['effect']:+,.3f} {effect['unit']} (with {effect['with_change']:,.3f}, without {effect['without_change']:,.3f})")
    return 0


def _folder_lock(folder: Path):
    """The output folder's lock, held while a command writes in it, so that no run replaces the folder
    meanwhile (nothing to hold for a folder that does not exist)."""
    from contextlib import nullcontext

    from envkpi.running.outfolder import output_lock

    return output_lock(folder, optional=True) if folder.is_dir() else nullcontext()


def _publish(args: argparse.Namespace) -> int:
    from envkpi.core.family import HistoryError
    from envkpi.core.provenance import display_path
    from envkpi.cycle.history import rows_of, write
    from envkpi.cycle.publication import PublicationError, Version, publish
    from envkpi.running.outfolder import OutputFolderBusy, OutputFolderError

    year_folder = _year_folder(args)
    folder = _check_publishable(year_folder, args.fy, args.restatement)  # not publishable: exit 2, nothing done
    on = args.on or date.today()
    root = project_root()
    keeps_history = year_folder == root / "outputs" / f"FY{args.fy}"  # a folder of --out elsewhere is no publication of record
    try:
        with _folder_lock(year_folder):
            version = Version(args.fy, "restated" if args.restatement else "published",
                              args.restatement or on.isoformat(), folder)
            rows = rows_of(root, version) if keeps_history else {}
            record = publish(folder, published_on=on, published_by=args.by, allow_dirty=args.allow_dirty,
                             history=rows)
            written = write(root, rows, restated=bool(args.restatement))
    except (PublicationError, HistoryError) as exc:  # a file differs from the manifest, cannot be made read-only …
        print(f"envkpi publish: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OutputFolderBusy as exc:
        print(f"envkpi publish: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except OutputFolderError as exc:
        print(f"envkpi publish: {exc}", file=sys.stderr)
        return EXIT_USAGE
    what = f"FY{args.fy} restatement {args.restatement}" if args.restatement else f"FY{args.fy}"
    print(f"{what} published: {record}")
    for line in written:
        print(f"  history: {line}")
    if written:  # the next run records the history's hashes and its code version: from a committed tree
        print(f"  commit the history files with the publication (git add data/history {display_path(year_folder, root)}; "
              f"git commit), so that the next run's code version is clean", file=sys.stderr)
    return 0


def _restatement_name(text: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(-[1-9]\d*)?", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a restatement folder name; expected YYYY-MM-DD or "
                                         f"YYYY-MM-DD-N, as under outputs/FY<yyyy>/restated/")
    return text


def _check_publishable(folder: Path, fiscal_year: int, restatement: str | None = None) -> Path:
    """The folder to publish: ``folder``, or its restatement ``restatement``; UsageError unless it is a
    completed, unpublished run of ``fiscal_year`` (a restatement: of a published year)."""
    from envkpi.cycle.publication import (
        MANIFEST_FILE,
        RESTATED_DIR,
        PublicationError,
        is_published,
        publication,
        restatements,
    )

    run_it = f"run the year first (envkpi run --fy {fiscal_year}) or name its folder with --out"
    if not folder.exists():
        raise UsageError(f"{folder}: no such folder; {run_it}")
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder; expected the output folder of FY{fiscal_year}")
    pending = [sub for sub in restatements(folder) if not is_published(sub)]
    if restatement:
        if not is_published(folder):
            raise UsageError(f"{folder}: not published; a restatement is of a published year: publish it "
                             f"(envkpi publish --fy {fiscal_year} --by NAME)")
        target = folder / RESTATED_DIR / restatement
        if not (target / MANIFEST_FILE).is_file():
            names = ", ".join(sub.name for sub in pending) or "none"
            raise UsageError(f"{target}: no such restatement; unpublished restatements of FY{fiscal_year}: {names}")
        if is_published(target):
            raise UsageError(f"{target}: already published on {publication(target).get('published_on', '?')}")
        return target
    manifest = folder / MANIFEST_FILE
    if not manifest.is_file():
        raise UsageError(f"{folder}: no {MANIFEST_FILE}, so no completed run to publish; {run_it}")
    if is_published(folder):
        try:
            record = publication(folder)
        except PublicationError:
            record = {}
        also = (f"; its restatement {pending[-1].name} is not: envkpi publish --fy {fiscal_year} --restatement "
                f"{pending[-1].name} --by NAME") if pending else " (a rerun that differs is written as a restatement)"
        raise UsageError(f"{folder}: already published on {record.get('published_on', '?')} by "
                         f"{record.get('published_by', '?')}; a published year is not published again{also}")
    try:
        year = json.loads(manifest.read_text(encoding="utf-8")).get("fiscal_year")
    except (OSError, ValueError, AttributeError):
        return folder  # publish() names what is wrong with the manifest
    if isinstance(year, int) and year != fiscal_year:
        raise UsageError(f"--fy {fiscal_year}, but {manifest} is of FY{year}; expected the output folder of "
                         f"FY{fiscal_year}")
    return folder


def _verify(args: argparse.Namespace) -> int:
    from envkpi.cycle.publication import MANIFEST_FILE, is_published, verify

    folder = Path(args.folder).resolve()
    if not folder.exists():
        raise UsageError(f"{args.folder}: no such folder; expected an output folder such as outputs/FY<yyyy>")
    if not folder.is_dir():
        raise UsageError(f"{args.folder}: not a folder; expected an output folder such as outputs/FY<yyyy>")
    if not (folder / MANIFEST_FILE).exists() and not is_published(folder):  # published: its loss is a difference
        raise UsageError(f"{args.folder}: no {MANIFEST_FILE}, so nothing to verify against; expected an envkpi "
                         "output folder (a completed run)")
    problems = verify(folder)
    restated = sorted((folder / "restated").glob("*/manifest.json")) if (folder / "restated").is_dir() else []
    for manifest in restated:
        problems += [f"restated/{manifest.parent.name}/{p}" for p in verify(manifest.parent)]
    history, stale = _year_standing(folder)
    failed = False
    for heading, lines in ((f"{folder} does not match its manifest", problems),
                           ("the history files differ from the published figures", history),
                           (f"{folder}: its current figures are", stale)):
        if lines:
            failed = True
            print(f"envkpi verify: {heading}:", file=sys.stderr)
            for line in lines:
                print(f"  {line}", file=sys.stderr)
    if failed:
        return 1
    print(f"{folder}: every file matches its manifest ({1 + len(restated)} manifest(s) checked)"
          + ("; the history files hold its published figures" if history is not None and is_published(folder) else ""))
    return 0


def _year_standing(folder: Path) -> tuple[list[str] | None, list[str]]:
    """For a year folder of the project's outputs/: where the history files differ from its latest
    publication, and the earlier years restated since its current figures were computed (None and [] for
    a folder elsewhere)."""
    from envkpi.cycle.history import disagreements
    from envkpi.cycle.publication import latest_published_folder, latest_results_folder, superseded

    try:
        root = project_root()
    except UsageError:
        return None, []
    if folder.parent != (root / "outputs").resolve():
        return None, []
    published = latest_published_folder(folder)
    history = disagreements(root, published) if published is not None else []
    current = latest_results_folder(folder)
    stale = [f"{supersession}: rerun FY{folder.name[2:]} (envkpi run --fy {folder.name[2:]}) to restate it"
             for supersession in superseded(current, root / "outputs")]
    return history, stale


def _year_folder(args: argparse.Namespace) -> Path:
    return Path(args.out).resolve() if args.out else project_root() / "outputs" / f"FY{args.fy}"


def _print_review_status(folder: Path) -> None:
    from envkpi.cycle.review import STATES, YEAR, open_queries, sign_off_states, status_summary

    try:
        source = project_root() / "notebooks"
    except UsageError:  # a year folder reviewed outside any project (--out): no notebooks/ to compare with
        source = None
    rows = status_summary(folder, source_notebooks=source)
    columns = ["notebook", "cells", *STATES, "removed", "sign_off"]
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) if c in ("notebook", "sign_off") else c.rjust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(str(row[c]).ljust(widths[c]) if c in ("notebook", "sign_off") else str(row[c]).rjust(widths[c])
                        for c in columns))
    for row in rows:
        if row["code_changed"]:
            print(f"{row['notebook']}: code changed since review (notebooks/{row['notebook']}.ipynb differs from the code "
                  f"that was run) in cell{'s' if len(row['code_changed']) > 1 else ''} {', '.join(row['code_changed'])}")
    queries = open_queries(folder)
    print(f"open queries: {len(queries)} (envkpi review --open lists them); the year: {sign_off_states(folder)[YEAR]}")


def _print_open_queries(folder: Path) -> None:
    from envkpi.cycle.review import open_queries

    queries = open_queries(folder)
    print(f"{len(queries)} open quer{'y' if len(queries) == 1 else 'ies'} in {folder}")
    for query in queries:
        print(f"{query['notebook']} / {query['cell_id']} ({query['state']}):")
        for entry in query["thread"]:
            print(f"  {entry.status} — {entry.reviewer}, {entry.date.isoformat()}: {entry.comment}")


def _review(args: argparse.Namespace) -> int:
    from envkpi.cycle.review import ReviewError, collect, copy_for_review, record_review, sign_off
    from envkpi.pages.audit import write_audit_pages

    folder = _year_folder(args)
    try:
        if args.copy_to:
            for path in copy_for_review(folder, Path(args.copy_to)):
                print(path)
            print(f"Open these copies in JupyterLab, record reviews in the cells' metadata under \"envkpi_review\", "
                  f"then: envkpi review --fy {args.fy} --collect {args.copy_to}/*.ipynb")
            return 0
        if args.collect:
            with _folder_lock(folder):  # a run (OutputFolderBusy, exit 3) would replace review.yaml meanwhile
                collected = collect(folder, [Path(f) for f in args.collect])
                if collected.added:
                    write_audit_pages(folder)
            if collected.refused:
                count = len(collected.refused)
                if collected.added:
                    print(f"{len(collected.added)} review(s) collected into {folder / 'review.yaml'}")
                print(f"envkpi review: {count} review{'s' if count > 1 else ''} refused, not collected:\n"
                      + "\n".join(f"  {line}" for line in collected.refused), file=sys.stderr)
                return 2
            print(f"{len(collected.added)} review(s) collected into {folder / 'review.yaml'}")
        elif args.sign_off:
            if not args.by:
                raise UsageError("missing --by; a sign-off needs the auditor's name")
            with _folder_lock(folder):
                given = sign_off(folder, args.notebook, reviewer=args.by, on=args.on or date.today(),
                                 comment=args.comment or "")
                write_audit_pages(folder)
            print(f"{args.notebook or f'FY{args.fy}'} signed off by {given.reviewer} on {given.date.isoformat()} "
                  f"in {folder / 'review.yaml'}")
        elif args.cell or args.notebook or args.verdict:
            missing = [name for name, given in (("--notebook", args.notebook), ("--cell", args.cell),
                                                 ("--ok, --query or --reject", args.verdict), ("--by", args.by))
                       if not given]
            if missing:
                raise UsageError(f"missing {', '.join(missing)}; recording a review needs --notebook, --cell, "
                                 "one of --ok/--query/--reject and --by")
            on = args.on or date.today()
            with _folder_lock(folder):
                record_review(folder, args.notebook, args.cell, status=args.verdict, reviewer=args.by, on=on,
                              comment=args.comment or "")
                write_audit_pages(folder)
            print(f"{len(args.cell)} cell(s) of {args.notebook} recorded as {args.verdict} in {folder / 'review.yaml'}")
        elif args.open:
            _print_open_queries(folder)
            return 0
        elif not args.status:
            raise UsageError("nothing to do; expected one of --status, --open, --notebook/--cell with a verdict, "
                             "--collect or --copy-to")
        _print_review_status(folder)
    except ReviewError as exc:
        print(f"envkpi review: {exc}", file=sys.stderr)
        return 2
    return 0


def _kernel(args: argparse.Namespace) -> int:
    from envkpi.running.runner import KERNEL_NAME, ensure_kernel

    ensure_kernel()
    print(f"Jupyter kernel {KERNEL_NAME!r} runs {sys.executable}")
    return 0


class _Parser(argparse.ArgumentParser):
    """An argument parser whose every error is one line on stderr, exit status 2:
    ``envkpi <command>: <what is wrong>; <what was expected> (see envkpi <command> --help)``.

    The subcommands' parsers are of this class too (``add_subparsers`` makes them of the parent's).
    """

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {self._explain(message)} (see {self.prog} --help)\n")

    def _action(self, name: str) -> argparse.Action | None:
        return next((a for a in self._actions if name in a.option_strings or name in (a.dest, a.metavar)), None)

    def _expected(self, name: str) -> str:
        """``--fy FY, fiscal year, e.g. 2018``: the option with its value and help."""
        action = self._action(name)
        if action is None:
            return name
        if isinstance(action, argparse._SubParsersAction):
            return f"a command: {', '.join(action.choices)}"
        value = f" {action.metavar or action.dest.upper()}" if action.option_strings and action.nargs != 0 else ""
        return f"{name}{value}" + (f", {action.help}" if action.help else "")

    def _explain(self, message: str) -> str:
        """argparse's message as what is wrong; what was expected."""
        message = " ".join(message.split())
        if match := re.fullmatch(r"the following arguments are required: (.+)", message):
            names = match.group(1).split(", ")
            return f"missing {', '.join(names)}; expected {'; '.join(self._expected(n) for n in names)}"
        if match := re.fullmatch(r"argument (\S+): invalid choice: '?(.*?)'? \(choose from (.+)\)", message):
            name, value, choices = match.groups()
            choices = ", ".join(c.strip("'\"") for c in choices.split(", "))
            if isinstance(self._action(name), argparse._SubParsersAction):
                return f"unknown command {value!r}; expected one of {choices}"
            return f"{name} {value!r} is not one of the choices; expected one of {choices}"
        if match := re.fullmatch(r"argument (\S+): expected (one|at least one) argument", message):
            name = match.group(1).split("/")[-1]
            return f"{name} needs a value; expected {self._expected(name)}"
        if match := re.fullmatch(r"argument (\S+): not allowed with argument (\S+)", message):
            first, second = (name.split("/")[-1] for name in match.groups())
            return f"{first} and {second} given together; expected only one of them"
        if match := re.fullmatch(r"argument (\S+): invalid (\S+) value: (.+)", message):
            name, kind, value = match.groups()
            return f"{name.split('/')[-1]} {value} is not a valid value; expected {self._expected(name.split('/')[-1])}"
        if match := re.fullmatch(r"unrecognized arguments: (.+)", message):
            return f"unexpected argument(s) {match.group(1)}; expected only the options of {self.prog}"
        if match := re.fullmatch(r"argument (\S+): (.+)", message):  # an argument type's own message
            return f"{match.group(1).split('/')[-1]} {match.group(2)}"
        return message


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The parser of every subcommand, by name."""
    return next(a.choices for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="envkpi", description="Environmental performance indicator workbook.",
                     epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="command",
                                     help="the subcommand; envkpi <command> --help shows its options")

    run = commands.add_parser("run", help="execute the family notebooks of a fiscal year",
                              description="Execute every family notebook of a fiscal year with Papermill into "
                                          "outputs/FY<yyyy>/: executed notebooks, HTML, results.csv/.json, manifest.json.")
    run.add_argument("--fy", type=_fiscal_year, required=True, help="fiscal year, e.g. 2018 (April 2018 to March 2019)")
    run.add_argument("--only", type=_families, help=f"comma-separated families to run, e.g. {FAMILIES[0]},{FAMILIES[1]}")
    run.add_argument("--params", type=_parameter_file, help="parameter file (default parameters/FY<yyyy>.yaml)")
    run.add_argument("--data", type=_data_folder, help="input folder (default data/FY<yyyy>)")
    run.add_argument("--out", help="output folder (default outputs/FY<yyyy>): absent, empty or an envkpi output "
                                    "folder; inside the project, under outputs/")
    run.add_argument("--force-out", action="store_true",
                     help="allow --out inside the project outside outputs/ (never data/, parameters/, notebooks/, "
                          "lib/, tests/)")
    run.add_argument("--workers", type=_workers, default=os.cpu_count() or 2,
                     help=f"notebooks executed at once (default: one per core, {os.cpu_count() or 2})")
    run.add_argument("--no-cache", action="store_true",
                     help="execute every notebook, even those whose notebook, parameters, inputs, library and "
                          "environment are unchanged since a run kept them in the cache (.envkpi-cache/, or $ENVKPI_CACHE)")
    run.add_argument("--reason", type=_reason, metavar="TEXT",
                     help="why a published year is restated (required when a rerun of it differs; default: "
                          "restatement_reason of the year file)")
    run.set_defaults(handler=_run)

    indicators = commands.add_parser(
        "indicators", help="print the indicator catalogue, each id computed (its family is built) or planned")
    indicators.add_argument("--family", choices=FAMILIES, help="only this family")
    indicators.add_argument("--format", choices=("table", "csv", "json"), default="table")
    indicators.set_defaults(handler=_indicators)
    year = commands.add_parser("new-year", help="start a fiscal year from the previous one (parameters + empty data templates)")
    year.add_argument("year", type=_fiscal_year, help="the new fiscal year, e.g. 2019")
    year.add_argument("--source", type=_fiscal_year, metavar="YYYY",
                      help="the year to carry over from (default: the year before)")
    year.set_defaults(handler=_new_year)

    forms = commands.add_parser("forms", help="write Excel collection forms of a fiscal year's tables (per table or per site)")
    forms.add_argument("--fy", type=_fiscal_year, required=True, metavar="YYYY", help="the fiscal year collected, e.g. 2019")
    forms.add_argument("--site", type=_name, metavar="SITE",
                       help="one form per site instead of per table: a site id, e.g. JP-01, or 'all'")
    forms.add_argument("--out", metavar="DIR", help="folder of the forms (default forms/FY<yyyy>)")
    forms.add_argument("--force", action="store_true", help="replace forms that exist (they may have been filled)")
    forms.set_defaults(handler=_forms)

    diff = commands.add_parser("diff", help="parameters that changed between two fiscal years, and their effects")
    diff.add_argument("--fy", type=_fiscal_year, required=True, metavar="YYYY", help="the fiscal year, e.g. 2018")
    diff.add_argument("--against", type=_fiscal_year, required=True, metavar="YYYY",
                      help="the year to compare with, e.g. 2017")
    diff.add_argument("--no-effects", action="store_true", help="do not rerun families to isolate each change's effect")
    diff.set_defaults(handler=_diff)

    publish = commands.add_parser("publish", help="freeze a fiscal year's outputs (its manifest becomes the certificate)")
    publish.add_argument("--fy", type=_fiscal_year, required=True, metavar="YYYY", help="the fiscal year, e.g. 2018")
    publish.add_argument("--out", help="output folder (default outputs/FY<yyyy>)")
    publish.add_argument("--by", type=_name, required=True, metavar="NAME", help="who publishes (name or role)")
    publish.add_argument("--on", type=_iso_date, metavar="YYYY-MM-DD", help="publication date (default today)")
    publish.add_argument("--restatement", type=_restatement_name, metavar="YYYY-MM-DD[-N]",
                         help="publish this restatement of the published year (outputs/FY<yyyy>/restated/<name>)")
    publish.add_argument("--allow-dirty", action="store_true",
                         help="publish a run whose code version is +dirty (stated in publication.json)")
    publish.set_defaults(handler=_publish)

    review = commands.add_parser(
        "review", help="record an auditor's review of cells, or summarise where the review stands",
        description="Record an auditor's review of cells of a year's executed notebooks in outputs/FY<yyyy>/review.yaml, "
                    "each bound to the SHA-256 of the cell's source and outputs, and rewrite the auditor's pages (audit/). "
                    "Works on a published year.")
    review.add_argument("--fy", type=_fiscal_year, required=True, metavar="YYYY", help="the fiscal year, e.g. 2018")
    review.add_argument("--out", help="output folder (default outputs/FY<yyyy>)")
    review.add_argument("--status", action="store_true",
                        help="summarise reviewed / stale / queried / answered / rejected / unreviewed cells per notebook")
    review.add_argument("--notebook", help=f"the notebook reviewed, e.g. {FAMILIES[0]}")
    review.add_argument("--cell", action="append", help="id of a cell reviewed (repeat for several)")
    verdict = review.add_mutually_exclusive_group()
    verdict.add_argument("--ok", dest="verdict", action="store_const", const="ok", help="the cell is correct")
    verdict.add_argument("--query", dest="verdict", action="store_const", const="query", help="a question is open")
    verdict.add_argument("--reject", dest="verdict", action="store_const", const="rejected", help="the cell is wrong")
    verdict.add_argument("--answer", dest="verdict", action="store_const", const="answer",
                         help="the preparer's answer to the cell's open query (its text in --comment)")
    verdict.add_argument("--resolve", dest="verdict", action="store_const", const="resolved",
                         help="the auditor closes the cell's open query: the cell is reviewed")
    review.add_argument("--sign-off", action="store_true",
                        help="sign off the notebook named by --notebook (all its result cells reviewed, no open query), "
                             "or the year without --notebook (every notebook signed off)")
    review.add_argument("--open", action="store_true", help="list the open queries: cell, who asked, when, and any answer")
    review.add_argument("--by", type=_name, metavar="NAME", help="reviewer's name")
    review.add_argument("--on", type=_iso_date, metavar="YYYY-MM-DD", help="review date (default today)")
    review.add_argument("--comment", help="what was checked, or the question")
    review.add_argument("--collect", nargs="+", metavar="NOTEBOOK",
                        help="gather reviews recorded in JupyterLab (cell metadata envkpi_review) from these copies")
    review.add_argument("--copy-to", metavar="FOLDER", help="write writable copies of the executed notebooks to annotate")
    review.set_defaults(handler=_review)

    check = commands.add_parser("verify", help="recompute the hashes of an output folder against its manifest")
    check.add_argument("folder", help="a year's output folder, e.g. outputs/FY2018")
    check.set_defaults(handler=_verify)

    kernel = commands.add_parser("kernel", help="install the project's Jupyter kernel (envkpi) into this environment")
    kernel.set_defaults(handler=_kernel)

    bench = commands.add_parser("bench", help="measure a run of the sample year against the obvious pipeline, reruns "
                                              "with the cache, and the large synthetic group (figures, in a scratch copy)")
    bench.add_argument("--quick", action="store_true", help="the sample year only: not the large group (e)")
    bench.add_argument("--repeat", type=_repeat, default=3, metavar="N", help="measurements per figure, the median shown (default 3)")
    bench.add_argument("--fy", type=_fiscal_year, default=2018, metavar="YYYY", help="the sample year measured (default 2018)")
    bench.add_argument("--workers", type=_workers, help=f"notebooks executed at once (default: every core, {os.cpu_count()})")
    bench.set_defaults(handler=_bench)
    return parser


def _bench(args: argparse.Namespace) -> int:
    from envkpi.running.bench import run_bench

    run_bench(project_root(), fiscal_year=args.fy, repeat=args.repeat, quick=args.quick, workers=args.workers,
              say=lambda line: print(line, flush=True))
    return 0


def _say(command: str, message: str) -> None:
    print(f"{command}: {message}", file=sys.stderr, flush=True)


def _os_error(command: str, exc: OSError) -> int:
    """One line naming the path and the system's reason. Exit 2 when the path is not what was expected
    (missing, a file for a folder or the reverse: the command line named it wrong), else 1."""
    paths = " → ".join(str(p) for p in (exc.filename, exc.filename2) if p is not None)
    _say(command, f"{paths + ': ' if paths else ''}{exc.strerror or exc}")
    return EXIT_USAGE if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EISDIR) else EXIT_FAILED


def _library_status(exc: Exception) -> int | None:
    """The exit status of an error of the library that means "nothing was done" (2) or "busy" (3)."""
    if isinstance(exc, (ParameterError, InputError, UsageError)):
        return EXIT_USAGE
    try:
        from envkpi.running.outfolder import OutputFolderBusy, OutputFolderError
    except ImportError:  # pragma: no cover - the module is part of the package
        return None
    if isinstance(exc, OutputFolderBusy):
        return EXIT_BUSY
    if isinstance(exc, OutputFolderError):
        return EXIT_USAGE
    return None


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``envkpi`` console script; returns the exit status (see the module docstring).

    The last line of defence: whatever a subcommand raises, the user reads one message, never a
    traceback — unless ``ENVKPI_DEBUG=1`` asks for it.
    """
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `envkpi indicators | head` ends quietly
    logging.basicConfig(level=logging.ERROR, format="%(name)s: %(message)s")
    parser = _parser()
    command = "envkpi"
    debug = os.environ.get("ENVKPI_DEBUG", "").strip() not in ("", "0")
    try:
        try:  # an argument type may look at the file system: inside the last line of defence too
            args, extras = parser.parse_known_args(argv)
            if extras:  # named against the subcommand, whose options they were meant to be
                _subcommands(parser)[args.command].error(f"unrecognized arguments: {' '.join(extras)}")
        except SystemExit as exc:  # --help (0), or an argument error already printed as one line (2)
            return exc.code if isinstance(exc.code, int) else EXIT_OK if exc.code is None else EXIT_USAGE
        command = f"envkpi {args.command}"
        return args.handler(args)
    except KeyboardInterrupt:
        _say(command, "interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:
        status = _library_status(exc)
        if status is not None:
            _say(command, str(exc))
            return status
        if debug:
            import traceback

            traceback.print_exc()
        if isinstance(exc, OSError):
            return _os_error(command, exc)
        text = (str(exc).strip().splitlines() or [""])[0]
        text = text if len(text) <= 300 else text[:300] + " …"
        _say(command, f"internal error: {type(exc).__name__}: {text} — this is a bug; "
                      "rerun with ENVKPI_DEBUG=1 to see the traceback")
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
