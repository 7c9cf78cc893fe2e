"""The ``envkpi`` command.

``envkpi run --fy 2018`` executes every family notebook of a fiscal year into ``outputs/FY2018/``;
``envkpi indicators`` prints the catalogue. Exit status: 0 success, 1 a notebook or check failed,
2 bad usage, parameters or inputs.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import signal
import sys
from datetime import date
from pathlib import Path

from .catalogue import FAMILIES, catalogue
from .inputs import InputError
from .parameters import ParameterError
from .paths import project_root

__all__ = ["main"]


def _run(args: argparse.Namespace) -> int:
    from .runner import RunError, run_year

    root = project_root()
    only = [name.strip() for name in args.only.split(",") if name.strip()] if args.only else None
    try:
        run_year(
            args.fy, root=root, only=only,
            params=Path(args.params).resolve() if args.params else None,
            data=Path(args.data).resolve() if args.data else None,
            out=Path(args.out).resolve() if args.out else None,
            workers=args.workers,
            progress=lambda line: print(line, file=sys.stderr, flush=True),
        )
    except (ParameterError, InputError) as exc:
        print(f"envkpi run: {exc}", file=sys.stderr)
        return 2
    except RunError as exc:
        print(f"envkpi run: FY{args.fy} failed\n{exc}", file=sys.stderr)
        return 1
    return 0


def _indicators(args: argparse.Namespace) -> int:
    entries = [e for e in catalogue() if not args.family or e.family == args.family]
    fields = ("id", "family", "unit", "name_en", "name_ja")
    rows = [{f: getattr(e, f) for f in fields} for e in entries]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        widths = {f: max(len(f), *(len(str(r[f])) for r in rows)) for f in fields[:3]}
        print("  ".join(f.ljust(widths[f]) for f in fields[:3]) + "  name (English / 日本語)")
        for r in rows:
            print("  ".join(str(r[f]).ljust(widths[f]) for f in fields[:3]) + f"  {r['name_en']} / {r['name_ja']}")
    return 0


def _new_year(args: argparse.Namespace) -> int:
    from .newyear import NewYearError, new_year

    root = project_root()
    try:
        written = new_year(root, args.year, source_year=args.source, today=date.today())
    except NewYearError as exc:
        print(f"envkpi new-year: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(path.relative_to(root))
    print(f"FY{args.year} created: confirm every value marked carried_over_from in parameters/FY{args.year}.yaml "
          f"and fill the tables of data/FY{args.year}/; `envkpi run --fy {args.year}` lists what is left.",
          file=sys.stderr)
    return 0


def _diff(args: argparse.Namespace) -> int:
    import pandas as pd

    from .changes import isolatable, parameter_diff
    from .parameters import load_parameters, parameter_file
    from .runner import RunError, parameter_effects

    root = project_root()
    try:
        old = load_parameters(parameter_file(root, args.against), root=root)
        new = load_parameters(parameter_file(root, args.fy), root=root)
    except ParameterError as exc:
        print(f"envkpi diff: {exc}", file=sys.stderr)
        return 2
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


def _publish(args: argparse.Namespace) -> int:
    from .publication import PublicationError, publish

    folder = _year_folder(args)
    try:
        record = publish(folder, published_on=date.fromisoformat(args.on) if args.on else date.today(),
                         published_by=args.by)
    except PublicationError as exc:
        print(f"envkpi publish: {exc}", file=sys.stderr)
        return 1
    print(f"FY{args.fy} published: {record}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from .publication import verify

    folder = Path(args.folder).resolve()
    problems = verify(folder)
    restated = sorted((folder / "restated").glob("*/manifest.json")) if (folder / "restated").is_dir() else []
    for manifest in restated:
        problems += [f"restated/{manifest.parent.name}/{p}" for p in verify(manifest.parent)]
    if problems:
        print(f"envkpi verify: {folder} does not match its manifest:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"{folder}: every file matches its manifest ({1 + len(restated)} manifest(s) checked)")
    return 0


def _year_folder(args: argparse.Namespace) -> Path:
    return Path(args.out).resolve() if args.out else project_root() / "outputs" / f"FY{args.fy}"


def _print_review_status(folder: Path) -> None:
    from .review import STATES, status_summary

    rows = status_summary(folder)
    columns = ["notebook", "cells", *STATES, "removed"]
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) if c == "notebook" else c.rjust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(str(row[c]).ljust(widths[c]) if c == "notebook" else str(row[c]).rjust(widths[c])
                        for c in columns))


def _review(args: argparse.Namespace) -> int:
    from .audit import write_audit_pages
    from .review import ReviewError, collect, copy_for_review, record_review

    folder = _year_folder(args)
    try:
        if args.copy_to:
            for path in copy_for_review(folder, Path(args.copy_to)):
                print(path)
            print(f"Open these copies in JupyterLab, record reviews in the cells' metadata under \"envkpi_review\", "
                  f"then: envkpi review --fy {args.fy} --collect {args.copy_to}/*.ipynb")
            return 0
        if args.collect:
            added = collect(folder, [Path(f) for f in args.collect])
            print(f"{len(added)} review(s) collected into {folder / 'review.yaml'}")
        elif args.cell or args.notebook:
            if not (args.notebook and args.cell and args.verdict and args.by):
                print("envkpi review: recording a review needs --notebook, --cell, one of --ok/--query/--reject "
                      "and --by", file=sys.stderr)
                return 2
            on = date.fromisoformat(args.on) if args.on else date.today()
            record_review(folder, args.notebook, args.cell, status=args.verdict, reviewer=args.by, on=on,
                          comment=args.comment or "")
            print(f"{len(args.cell)} cell(s) of {args.notebook} recorded as {args.verdict} in {folder / 'review.yaml'}")
        elif not args.status:
            print("envkpi review: say what to do: --status, --notebook/--cell with a verdict, --collect or --copy-to",
                  file=sys.stderr)
            return 2
        if args.collect or args.cell:
            write_audit_pages(folder)
        _print_review_status(folder)
    except ReviewError as exc:
        print(f"envkpi review: {exc}", file=sys.stderr)
        return 2
    return 0


def _kernel(args: argparse.Namespace) -> int:
    from .runner import KERNEL_NAME, ensure_kernel

    ensure_kernel()
    print(f"Jupyter kernel {KERNEL_NAME!r} runs {sys.executable}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="envkpi", description="Environmental performance indicator workbook.")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="execute the family notebooks of a fiscal year",
                              description="Execute every family notebook of a fiscal year with Papermill into "
                                          "outputs/FY<yyyy>/: executed notebooks, HTML, results.csv/.json, manifest.json.")
    run.add_argument("--fy", type=int, required=True, help="fiscal year, e.g. 2018 (April 2018 to March 2019)")
    run.add_argument("--only", help="comma-separated families to run, e.g. production,logistics")
    run.add_argument("--params", help="parameter file (default parameters/FY<yyyy>.yaml)")
    run.add_argument("--data", help="input folder (default data/FY<yyyy>)")
    run.add_argument("--out", help="output folder (default outputs/FY<yyyy>)")
    run.add_argument("--workers", type=int, default=2, help="notebooks executed at once (default 2)")
    run.set_defaults(handler=_run)

    indicators = commands.add_parser("indicators", help="print the indicator catalogue")
    indicators.add_argument("--family", choices=FAMILIES, help="only this family")
    indicators.add_argument("--format", choices=("table", "csv", "json"), default="table")
    indicators.set_defaults(handler=_indicators)
    year = commands.add_parser("new-year", help="start a fiscal year from the previous one (parameters + empty data templates)")
    year.add_argument("year", type=int, help="the new fiscal year, e.g. 2019")
    year.add_argument("--source", type=int, help="the year to carry over from (default: the year before)")
    year.set_defaults(handler=_new_year)

    diff = commands.add_parser("diff", help="parameters that changed between two fiscal years, and their effects")
    diff.add_argument("--fy", type=int, required=True, help="the fiscal year, e.g. 2018")
    diff.add_argument("--against", type=int, required=True, help="the year to compare with, e.g. 2017")
    diff.add_argument("--no-effects", action="store_true", help="do not rerun families to isolate each change's effect")
    diff.set_defaults(handler=_diff)

    publish = commands.add_parser("publish", help="freeze a fiscal year's outputs (its manifest becomes the certificate)")
    publish.add_argument("--fy", type=int, required=True)
    publish.add_argument("--out", help="output folder (default outputs/FY<yyyy>)")
    publish.add_argument("--by", required=True, help="who publishes (name or role)")
    publish.add_argument("--on", help="publication date YYYY-MM-DD (default today)")
    publish.set_defaults(handler=_publish)

    review = commands.add_parser(
        "review", help="record an auditor's review of cells, or summarise where the review stands",
        description="Record an auditor's review of cells of a year's executed notebooks in outputs/FY<yyyy>/review.yaml, "
                    "each bound to the SHA-256 of the cell's source and outputs, and rewrite the auditor's pages (audit/). "
                    "Works on a published year.")
    review.add_argument("--fy", type=int, required=True)
    review.add_argument("--out", help="output folder (default outputs/FY<yyyy>)")
    review.add_argument("--status", action="store_true",
                        help="summarise reviewed / stale / queried / rejected / unreviewed cells per notebook")
    review.add_argument("--notebook", help="the notebook reviewed, e.g. production")
    review.add_argument("--cell", action="append", help="id of a cell reviewed (repeat for several)")
    verdict = review.add_mutually_exclusive_group()
    verdict.add_argument("--ok", dest="verdict", action="store_const", const="ok", help="the cell is correct")
    verdict.add_argument("--query", dest="verdict", action="store_const", const="query", help="a question is open")
    verdict.add_argument("--reject", dest="verdict", action="store_const", const="rejected", help="the cell is wrong")
    review.add_argument("--by", help="reviewer's name")
    review.add_argument("--on", help="review date YYYY-MM-DD (default today)")
    review.add_argument("--comment", help="what was checked, or the question")
    review.add_argument("--collect", nargs="+", metavar="NOTEBOOK",
                        help="gather reviews recorded in JupyterLab (cell metadata envkpi_review) from these copies")
    review.add_argument("--copy-to", metavar="FOLDER", help="write writable copies of the executed notebooks to annotate")
    review.set_defaults(handler=_review)

    check = commands.add_parser("verify", help="recompute the hashes of an output folder against its manifest")
    check.add_argument("folder", help="e.g. outputs/FY2018")
    check.set_defaults(handler=_verify)

    kernel = commands.add_parser("kernel", help="install the project's Jupyter kernel (envkpi) into this environment")
    kernel.set_defaults(handler=_kernel)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``envkpi`` console script."""
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `envkpi indicators | head` ends quietly
    logging.basicConfig(level=logging.ERROR, format="%(name)s: %(message)s")
    args = _parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
