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
