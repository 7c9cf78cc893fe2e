"""Run a fiscal year: execute every family notebook with Papermill, export HTML, write results and manifest.

Before anything runs, the output folder is checked and claimed (:func:`envkpi.running.outfolder.claim`): a run
writes only into a folder that is absent, empty or an envkpi output folder, under ``outputs/`` when
inside the project, and never into ``data/``, ``parameters/`` … (:class:`~envkpi.running.outfolder.OutputFolderError`);
it holds the folder's lock (``.<name>.lock`` beside it) until its outputs are in place, so a second
run into the same folder stops at once (:class:`~envkpi.running.outfolder.OutputFolderBusy`); and it restores
and removes what a run that was killed left beside the folder.

All outputs are first written to a staging folder of this run's own beside the destination
(``.staging-<name>-<pid>-<random>``). Only when every notebook ran and every check passed does the
staging folder replace ``outputs/FY<yyyy>/``, by an atomic exchange (or two renames); otherwise it is
kept as ``outputs/FY<yyyy>.failed/`` for inspection, the destination is left untouched, and
:class:`RunError` names the notebook, the cell and the cause. So a folder under ``outputs/`` that
looks complete is complete, and a run killed at any moment leaves the previous outputs in place (or,
killed between the two renames of a swap, retired beside it, for the next run to put back).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from envkpi import __version__, families
from envkpi.core.catalogue import catalogue
from envkpi.core.columns import YEAR
from envkpi.core.inputs import Column, InputError, parse_cell, read_csv_text, table_file, table_rows, warning_line
from envkpi.core.inputs import data_dir as default_data_dir
from envkpi.core.parameters import Parameters, carried_over, load_document, parameter_file, what_changed_problems
from envkpi.core.provenance import code_version, display_path, package_versions, sha256_file
from envkpi.core.results import (
    PROVENANCE_MIME,
    Check,
    ResultRow,
    collect,
    duplicate_headlines,
    read_results,
    results_csv,
    results_json,
)
from envkpi.cycle.changes import differing_indicators, isolatable, parameter_diff, results_equal
from envkpi.cycle.publication import (
    Supersession,
    based_on,
    is_published,
    latest_results_folder,
    latest_version,
    restatement_folder,
    superseded,
    version_of,
)
from envkpi.cycle.review import code_changed_cells, source_notebook
from envkpi.cycle.series import published_years
from envkpi.families import load_parameters
from envkpi.running.cache import (
    ExecutionCache,
    Key,
    KeyContext,
    ValidatedInputs,
    default_cache_dir,
    execution_key,
    keys_record,
)
from envkpi.running.outfolder import check as check_output_folder
from envkpi.running.outfolder import claim, keep_failed, remove, replace

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from envkpi.pages.failure import Failure

__all__ = ["KERNEL_NAME", "RunError", "RunRefused", "RunSummary", "available_notebooks", "ensure_kernel", "run_year"]

#: The Jupyter kernel every notebook declares: the Python of the project's own environment.
KERNEL_NAME = "envkpi"
KERNEL_LOG_LEVEL = "--IPKernelApp.log_level=CRITICAL"


@functools.cache
def _papermill():
    """Papermill, imported on the first notebook executed (a run that reuses every notebook never needs it),
    with its local file I/O replaced by one that does not switch the working directory.

    Papermill reads and writes notebooks inside ``chdir(cwd)``, with ``cwd`` kept in one module-wide
    handler that concurrent executions overwrite: notebooks run in threads would change the working
    directory of the whole process under each other. The runner passes absolute paths only, so the
    switching is not needed; without it, nothing in a run changes the process's working directory.
    """
    import papermill
    import papermill.iorw

    class LocalFiles(papermill.iorw.LocalHandler):
        def cwd(self, new_path):
            return None

    papermill.iorw.papermill_io.register("local", LocalFiles())
    return papermill


class RunError(RuntimeError):
    """A run that did not complete: the message names the notebook, the cell and the cause."""


class RunRefused(RunError):
    """A run refused before any notebook started (a year not ready, a parameter file of another
    year, no such input folder or notebook): nothing was run, nothing written."""


@dataclass
class NotebookRun:
    name: str
    seconds: float
    results: list[ResultRow] = field(default_factory=list)
    checks: list[tuple[str, Check]] = field(default_factory=list)
    error: str | None = None
    key: Key | None = None  # its key in the execution cache, when the run uses the cache
    reused: bool = False  # taken from the cache, not executed


@dataclass(frozen=True)
class _Caching:
    """The execution cache of a run (:mod:`envkpi.running.cache`) and what its keys share."""

    store: ExecutionCache
    context: KeyContext

    @classmethod
    def at(cls, folder: Path, root: Path) -> _Caching:
        return cls(ExecutionCache(folder, root), KeyContext(root))

    def key(self, name: str, parameters: dict, results_text: str | None, scratch: bool) -> Key:
        root, fiscal_year = self.context.root, int(parameters["fiscal_year"])
        params_path = Path(parameters["parameters_file"]) if parameters.get("parameters_file") else parameter_file(root, fiscal_year)
        data_path = Path(parameters["data_dir"]) if parameters.get("data_dir") else default_data_dir(root, fiscal_year)
        return execution_key(self.context, name, parameters, params_path=params_path.resolve(), data_path=data_path.resolve(),
                             results_text=results_text, scratch=scratch)


@dataclass
class RunSummary:
    fiscal_year: int
    out: Path | None
    notebooks: list[NotebookRun]
    seconds: float

    @property
    def results(self) -> list[ResultRow]:
        return [row for run in self.notebooks for row in run.results]


def ensure_kernel() -> None:
    """Install the ``envkpi`` kernelspec into this environment if it is missing or points elsewhere.

    The kernel runs this environment's Python, compared by its path, not by the binary it resolves to:
    every virtual environment's ``python`` links to the same interpreter, but each imports its own
    packages (a kernel of a copied checkout would otherwise run the other folder's ``envkpi``). Its log
    level is CRITICAL, so that a run's output is not drowned in ipykernel's start-up warnings, nor in the
    "KeyboardInterrupt caught in kernel" it logs as an error when the runner shuts it down after the
    last cell (errors in cells are reported by the runner).
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
        if os.path.abspath(spec.argv[0]) == os.path.abspath(sys.executable) and KERNEL_LOG_LEVEL in spec.argv:
            return
    except NoSuchKernel:
        pass
    from ipykernel.kernelspec import install

    folder = Path(install(kernel_name=KERNEL_NAME, display_name="envkpi (Python 3)", prefix=sys.prefix))
    spec_file = folder / "kernel.json"
    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    spec["argv"].append(KERNEL_LOG_LEVEL)
    spec_file.write_text(json.dumps(spec, indent=1), encoding="utf-8")


_KERNEL_LOCK = threading.Lock()
_kernel_checked: list[bool] = []


def _ensure_kernel_once() -> None:
    """:func:`ensure_kernel`, once per process, before the first notebook is executed (a run that reuses every
    notebook from the cache starts no kernel and needs no kernelspec)."""
    with _KERNEL_LOCK:
        if not _kernel_checked:
            ensure_kernel()
            _kernel_checked.append(True)


def available_notebooks(root: Path) -> list[str]:
    """Family notebooks present in ``notebooks/``, in catalogue family order."""
    present = {p.stem for p in (root / "notebooks").glob("*.ipynb")}
    return [name for name in families.names() if name in present]


def _select(root: Path, only: Sequence[str] | None) -> list[str]:
    names = available_notebooks(root)
    if not only:
        return names
    unknown = [n for n in only if n not in names]
    if unknown:
        raise RunRefused(f"--only: no notebook named {', '.join(unknown)}; available: {', '.join(names)}")
    return [n for n in names if n in only]


def _execute(root: Path, name: str, staging: Path, parameters: dict, cwd: Path | None = None, *,
             caching: _Caching | None = None, results_text: str | None = None, scratch: bool = False) -> NotebookRun:
    """Execute notebook ``name`` into ``staging`` with ``parameters``; or, with ``caching``, take the family's
    executed notebook from the cache when its key (:func:`envkpi.running.cache.execution_key`) is there,
    and keep a fresh execution whose checks all passed there."""
    started = time.perf_counter()
    output = staging / f"{name}.ipynb"
    key = caching.key(name, parameters, results_text, scratch) if caching and name in families.names() else None
    if key is None:
        return _execute_fresh(root, name, output, parameters, cwd, started)
    with caching.store.claim(key):  # a run executing the same key meanwhile is waited for
        cached = caching.store.load(key, cwd, caching.context.file)
        if cached is not None:
            output.write_bytes(cached)
            # stored after a validated execution: read as JSON, without nbformat's schema validation again
            results, checks = collect(json.loads(cached), name)
            return NotebookRun(name, time.perf_counter() - started, results, checks, key=key, reused=True)
        run = _execute_fresh(root, name, output, parameters, cwd, started)
        run.key = key
        if run.error is None and all(check.passed for _, check in run.checks):
            caching.store.store(key, output)
        return run


def _execute_fresh(root: Path, name: str, output: Path, parameters: dict, cwd: Path | None, started: float) -> NotebookRun:
    """Execute notebook ``name`` into ``output`` with Papermill, and collect its results and checks."""
    import nbformat

    papermill = _papermill()
    _ensure_kernel_once()
    try:
        # The kernel starts in ``cwd``, the metadata path nbclient is given. Papermill's own ``cwd`` changes the
        # working directory of this whole process, which notebooks running in other threads would share.
        papermill.execute_notebook(
            str(root / "notebooks" / f"{name}.ipynb"), str(output), parameters=parameters,
            kernel_name=KERNEL_NAME, progress_bar=False, log_output=False,
            request_save_on_cell_execute=False,  # written once, at the end (or at the failing cell), not after every cell
            resources={"metadata": {"path": str(cwd or root)}},
        )
    except papermill.PapermillExecutionError as exc:
        return NotebookRun(name, time.perf_counter() - started, error=_describe_failure(output, name, exc))
    notebook = nbformat.read(output, as_version=4)
    results, checks = collect(notebook, name)
    return NotebookRun(name, time.perf_counter() - started, results, checks)


def _describe_failure(output: Path, name: str, exc) -> str:
    """Name the notebook, the failing cell (its id, as in the executed notebook) and the cause of ``exc``,
    a ``papermill.PapermillExecutionError``."""
    import nbformat

    where = f"In [{exc.exec_count}]"
    try:
        notebook = nbformat.read(output, as_version=4)
        failing = [c for c in notebook.cells if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
        if failing:
            where = f"the cell with id {failing[0].get('id', '?')!r} ({where})"
    except (OSError, ValueError):  # the partial notebook is a courtesy; the cause stands without it
        pass
    return f"{name}.ipynb failed in {where}:\n{exc.ename}: {exc.evalue}"


def _relative(path: Path, root: Path) -> str:
    return display_path(path, root)


#: Papermill's timing metadata: run metadata, moved from the notebooks to the manifest.
_RUN_METADATA = ("start_time", "end_time", "duration")


def _finish_notebook(root: Path, staging: Path, out: Path, run: NotebookRun) -> tuple[dict[str, float], NotebookNode]:
    """Make the executed notebook the same from one run to the next.

    Papermill's paths become relative, the id of the cell it injects (random) becomes stable, and its
    timings move out of the notebook: they are returned, per cell id, for the manifest, with the notebook.
    """
    import nbformat

    path = staging / f"{run.name}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    meta = notebook.metadata.get("papermill", {})
    meta["input_path"] = f"notebooks/{run.name}.ipynb"
    meta["output_path"] = _relative(out / f"{run.name}.ipynb", root)
    for key in _RUN_METADATA:
        meta.pop(key, None)
    timings = {}
    for cell in notebook.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
        cell_meta = cell.metadata.get("papermill", {})
        if cell.cell_type == "code" and cell_meta.get("duration") is not None:
            timings[cell.id] = round(cell_meta["duration"], 3)
        for key in _RUN_METADATA:
            cell_meta.pop(key, None)
        cell.metadata.pop("execution", None)  # nbclient's timestamps of the same execution
    nbformat.write(notebook, path)
    return timings, notebook


def _provenance_of(path: Path) -> list[dict]:
    """The files an executed notebook says it read (its provenance outputs)."""
    import nbformat

    files = []
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            files += output.get("data", {}).get(PROVENANCE_MIME, {}).get("files", [])
    return files


def _write_manifest(staging: Path, summary: dict) -> None:
    outputs = [
        {"path": p.name, "sha256": sha256_file(p)} for p in sorted(staging.iterdir()) if p.name != "manifest.json"
    ]
    summary["outputs"] = outputs
    (staging / "manifest.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _replace(staging: Path, out: Path, root: Path, progress) -> None:
    """Put ``staging`` in the place of ``out`` (renames only, so never half-written; the review carried over)."""
    try:
        replace(staging, out, progress)
    except OSError as exc:
        raise RunError(_not_placed(exc, out, root)) from None


def _not_placed(exc: OSError, out: Path, root: Path) -> str:
    """The message of a run whose outputs could not be put in place (a read-only folder, a full disk …)."""
    where = f": {exc.filename}" if exc.filename else ""
    return (f"the outputs could not be put in place in {_relative(out, root)} ({exc.strerror or exc}{where}); "
            f"{_relative(out, root)} was not changed")


def preflight(root: Path, parameters, params_path: Path, data_path: Path, names: Sequence[str], *,
              warn: Callable[[str], None] | None = None, memo: families.ValidationMemo | None = None,
              workers: int = 1) -> list[str]:
    """What stops a year from running, before any notebook starts: every problem, one line each.

    First whether the year is ready: values that ``envkpi new-year`` carried over and nobody confirmed;
    input tables that are missing or still empty templates; published history that lacks the previous
    year (the chained index and the target progress need it). These are returned. When the year is
    ready, the inputs of every family in ``names`` are loaded and validated as their notebooks will
    load them (each family's ``load_inputs``): the problems of all families are raised together as one
    :class:`envkpi.core.inputs.InputError`, and the warnings (values outside their typical range) are
    passed to ``warn`` as ``warning: file, row, column: ...`` lines (default: printed on stderr). With
    ``memo``, a family whose inputs were found valid before (its cache key unchanged) is not read again; the
    families are validated ``workers`` at a time.

    Raises
    ------
    InputError
        With every problem in the inputs of every family named.
    """
    shown = _relative(params_path, root)
    problems = [f"{shown}: {path}: carried over from FY{year}; confirm the value and its source, then delete "
                f"carried_over_from" for path, year in carried_over(parameters)]
    problems += what_changed_problems(parameters, shown)
    for name in names:
        declared = families.family(name) if name in families.names() else None
        for spec in declared.tables if declared else ():
            # <table>.parquet or <table>.xlsx may stand for <table>.csv, or sheets <table> of year workbooks; so may a
            # table declared to be given in its place (the family's loader says if both are given)
            instead = [other for other in declared.alternatives if other.instead_of == spec.name]
            for given in (spec, *instead):
                file = table_file(data_path / given.file_name)
                try:
                    rows = table_rows(data_path / given.file_name, root,
                                      encoding=parameters.inputs.encodings.get(given.file_name))
                except InputError:  # not UTF-8, two files: the validation below names the file and the problem
                    rows = 1
                if rows is not None:
                    break
            if rows is None:
                file = table_file(data_path / spec.file_name)
                problems.append(f"{_relative(file, root)}: missing ({name} reads it); expected {spec.name}.csv, "
                                f"{spec.name}.parquet or {spec.name}.xlsx, or a sheet {spec.name!r} in a workbook "
                                f"(*.xlsx) of {_relative(data_path, root)}"
                                + "".join(f"; or {other.name}.csv (or .parquet, .xlsx) in its place" for other in instead))
                continue
            empty = rows == 0
            sheet = f", sheet {given.name!r}" if file.suffix == ".xlsx" and file.stem != given.name else ""
            if empty and not given.may_be_empty:
                problems.append(f"{_relative(file, root)}{sheet}: no rows — an empty template; fill it")
    previous = parameters.fiscal_year - 1
    needs = [(root / history.path, history.what) for name in names if name in families.names()
             for history in families.family(name).histories if history.needed(parameters, previous)]
    for file, what in needs:
        years = _history_years(file, root) if file.exists() else None
        if years is not None and previous not in years:
            problems.append(f"{_relative(file, root)}: no row for FY{previous}; publishing FY{previous} writes its {what} "
                            f"(envkpi publish --fy {previous} --by NAME); for a year published before envkpi, type "
                            f"the published figures in")
    problems += _pending_restatements(root, parameters.fiscal_year)
    if problems:
        return problems
    try:
        warnings = families.validate_inputs(parameters, data_path, root, names, memo, workers)
    except InputError as exc:  # the warnings too, so that everything can be looked at in one go
        for warning in exc.warnings:
            (warn or _print_warning)(warning_line(warning))
        raise
    for warning in warnings:
        (warn or _print_warning)(warning_line(warning))
    return []


def _pending_restatements(root: Path, fiscal_year: int) -> list[str]:
    """Earlier years restated but not yet published: their figures are not yet in the history files, so a
    later year would mix the restated figures (its changes report) with the superseded ones (its history)."""
    problems = []
    for year_folder in sorted((root / "outputs").glob("FY[0-9][0-9][0-9][0-9]")):
        year = int(year_folder.name[2:])
        if year >= fiscal_year or not is_published(year_folder):
            continue
        latest = latest_results_folder(year_folder)
        if latest != year_folder and not is_published(latest):
            problems.append(f"{_relative(latest, root)}: a restatement of FY{year} not yet published; publish it "
                            f"(envkpi publish --fy {year} --restatement {latest.name} --by NAME), which writes its "
                            f"figures into the history files, then run FY{fiscal_year}")
    return problems


def _print_warning(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _history_years(file: Path, root: Path | None = None) -> set[int] | None:
    """The fiscal years of a history file, read as its table reads them (``2017.0`` is 2017).

    None when the file cannot be read as UTF-8 text (the validation of the inputs says why); cells
    that are not a year are left out (the validation names them).
    """
    text, problem = read_csv_text(file, _relative(file, root) if root else str(file))
    if problem is not None:
        return None
    years = set()
    for row in csv.DictReader(io.StringIO(text, newline="")):
        year, error = parse_cell(_FISCAL_YEAR, (row.get("fiscal_year") or "").strip())
        if error is None and year is not None:
            years.add(year)
    return years


#: The ``fiscal_year`` column of the history tables.
_FISCAL_YEAR = Column("fiscal_year", "integer", "fiscal year", minimum=1990, plausible=(YEAR,))


@dataclass(frozen=True)
class _Plan:
    """What a run of a year works from, resolved before anything runs (:func:`_resolve`)."""

    fiscal_year: int
    root: Path  # resolved, as every path below
    params_path: Path
    data_path: Path
    out: Path
    parameters: Parameters
    names: tuple[str, ...]  # the family notebooks to run, in catalogue order
    only: tuple[str, ...] | None  # as asked: None also runs the changes report
    stale: tuple[Supersession, ...]  # earlier years restated since the published version of ``out`` used them
    parameters_file: str  # the parameter file passed to the notebooks: "" for the year's own
    data_dir: str  # the input folder passed to the notebooks: "" for the year's own
    started: datetime
    clock: float  # ``time.perf_counter()`` when the run started

    @property
    def notebook_parameters(self) -> dict:
        """The parameters every family notebook is executed with."""
        return {"fiscal_year": self.fiscal_year, "parameters_file": self.parameters_file, "data_dir": self.data_dir}


@dataclass(frozen=True)
class _Results:
    """The year's result rows (:func:`_collect_results`) and the restatement they make of a published year."""

    rows: list[ResultRow]
    restating: Restatement | None
    reproduced: bool = False  # a rerun of a published year that reproduced it: nothing written, staging removed


def run_year(
    fiscal_year: int,
    *,
    root: Path,
    only: Sequence[str] | None = None,
    params: Path | None = None,
    data: Path | None = None,
    out: Path | None = None,
    force_out: bool = False,
    workers: int | None = None,
    today: date | None = None,
    reason: str | None = None,
    cache: bool = True,
    cache_dir: Path | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> RunSummary:
    """Execute the family notebooks of a fiscal year into its output folder.

    A run is a pipeline of stages, in this order: :func:`_resolve` (paths, parameters, families),
    :func:`_check_ready` (:func:`preflight`), then, inside the claim of the output folder,
    :func:`_execute_families`, :func:`_collect_results`, :func:`_write_databook`, :func:`_run_changes_report`,
    :func:`_write_pages`,
    :func:`_write_run_manifest` and :func:`_audit_and_place`.

    Parameters
    ----------
    fiscal_year : int
        The year, e.g. 2018.
    root : Path
        Project root.
    only : sequence of str, optional
        Family notebooks to run (default: all in ``notebooks/``, then the changes report).
    params, data, out : Path, optional
        Parameter file, input folder and output folder (defaults ``parameters/FY<yyyy>.yaml``,
        ``data/FY<yyyy>``, ``outputs/FY<yyyy>``). ``out`` must be absent, empty or an envkpi output
        folder; inside the project, under ``outputs/`` (see :mod:`envkpi.running.outfolder`).
    force_out : bool
        Allow ``out`` inside the project outside ``outputs/`` (never in ``data/``, ``parameters/`` …).
    workers : int, optional
        Notebooks executed at the same time (default: one per core).
    today : date, optional
        The date of a restatement folder (default: today).
    reason : str, optional
        Why a published year is restated: required when this run of a published year differs from
        it, unless the difference comes from restated earlier years (then the reason is "restatement
        of FY<yyyy>"). Default: ``restatement_reason`` of the year file.
    cache : bool
        Reuse the executed notebook of a family whose notebook, parameters, inputs, library and
        environment are unchanged (:mod:`envkpi.running.cache`), and keep fresh executions there; False
        executes every notebook.
    cache_dir : Path, optional
        The cache folder (default: :func:`envkpi.running.cache.default_cache_dir`).
    progress : callable
        Receives one line of text per step.

    Returns
    -------
    RunSummary
        ``out`` is where the outputs went: the output folder, a restatement folder of a published
        year, or None when a rerun of a published year reproduced it (nothing written).

    Raises
    ------
    envkpi.core.parameters.ParameterError
        When the parameter file is invalid (checked before any notebook starts).
    envkpi.core.inputs.InputError
        When an input table of a family to run has problems (all of them, every family, before any
        notebook starts).
    RunRefused
        When the year is not ready (carried-over values, empty tables, missing history), the
        parameter file is of another year, or the input folder or a notebook does not exist.
    RunError
        When a notebook fails or a check fails, or the outputs cannot be put in place; the message
        names the notebook, cell and cause.
    envkpi.running.outfolder.OutputFolderError
        When the output folder is refused (where it is, what it holds, not writable); nothing was run.
    envkpi.running.outfolder.OutputFolderBusy
        When another run holds the output folder's lock; nothing was run.
    """
    workers = workers or os.cpu_count() or 2
    plan = _resolve(fiscal_year, root, only=only, params=params, data=data, out=out, force_out=force_out)
    caching = _Caching.at(cache_dir or default_cache_dir(plan.root), plan.root) if cache else None
    _check_ready(plan, progress, caching, workers)

    # the output folder is locked until the outputs are in place
    with claim(plan.out, plan.root, force=force_out, progress=progress) as staging:
        runs = _execute_families(plan, staging, workers, progress, caching)
        results = _collect_results(plan, runs, staging, reason, today, progress)
        if results.reproduced:
            seconds = time.perf_counter() - plan.clock
            progress(f"FY{fiscal_year}: done in {seconds:.1f} s")
            return RunSummary(fiscal_year, None, runs, seconds)
        from envkpi.pages.html import page_cache  # the pages' modules (nbconvert, matplotlib) only when pages are made

        with page_cache(caching.store.folder if caching else None):
            _write_databook(plan, staging, results, progress)
            runs = [*runs, *_run_changes_report(plan, staging, results.restating, workers, progress, caching)]
            timings = _write_pages(plan, staging, runs, results, progress, workers)
            seconds = _write_run_manifest(plan, staging, runs, timings, results.restating)
            target = _audit_and_place(plan, staging, results, progress, workers)
    progress(f"FY{fiscal_year}: done in {seconds:.1f} s")
    return RunSummary(fiscal_year, target, runs, seconds)


def _resolve(fiscal_year: int, root: Path, *, only: Sequence[str] | None, params: Path | None, data: Path | None,
             out: Path | None, force_out: bool) -> _Plan:
    """Resolve the paths of a run, load its parameters and select its families; the run's clock starts here.

    Parameters
    ----------
    fiscal_year, root, only, params, data, out, force_out
        As given to :func:`run_year`.

    Raises
    ------
    envkpi.running.outfolder.OutputFolderError
        When the output folder is refused.
    RunRefused
        When the parameter file is of another year, or the input folder or a notebook does not exist.
    """
    started = datetime.now(timezone.utc)
    clock = time.perf_counter()
    root = root.resolve()
    params_path = (params or parameter_file(root, fiscal_year)).resolve()
    data_path = (data or default_data_dir(root, fiscal_year)).resolve()
    out = (out or root / "outputs" / f"FY{fiscal_year}").resolve()
    check_output_folder(out, root, force=force_out)  # refused before anything is read; checked again when claimed
    parameters = load_parameters(params_path, root=root)
    if parameters.fiscal_year != fiscal_year:
        raise RunRefused(f"{_relative(params_path, root)} is for FY{parameters.fiscal_year}, not FY{fiscal_year}")
    if not data_path.is_dir():
        raise RunRefused(f"input folder {_relative(data_path, root)} does not exist")
    names = tuple(_select(root, only))
    stale = tuple(superseded(latest_results_folder(out), root / "outputs")) if is_published(out) else ()
    return _Plan(fiscal_year, root, params_path, data_path, out, parameters, names,
                 tuple(only) if only is not None else None, stale,
                 parameters_file=str(params_path) if params else "", data_dir=str(data_path) if data else "",
                 started=started, clock=clock)


def _check_ready(plan: _Plan, progress: Callable[[str], None], caching: _Caching | None = None,
                 workers: int = 1) -> None:
    """Refuse a year that is not ready to run (:func:`preflight`); say which superseded version it restates.

    Raises
    ------
    RunRefused
        With every problem :func:`preflight` returns.
    envkpi.core.inputs.InputError
        With every problem in the inputs of the families to run.
    """
    fiscal_year, out, stale = plan.fiscal_year, plan.out, plan.stale
    memo = ValidatedInputs(caching.store, caching.context, plan.notebook_parameters, plan.params_path, plan.data_path) \
        if caching else None
    blocking = preflight(plan.root, plan.parameters, plan.params_path, plan.data_path, plan.names, memo=memo,
                         workers=workers)
    if blocking:
        raise RunRefused(f"FY{fiscal_year} is not ready to run "
                         f"({len(blocking)} problem{'s' if len(blocking) > 1 else ''}):\n"
                         + "\n".join(f"  {line}" for line in blocking)
                         + "".join(f"\n(FY{fiscal_year}, {latest_version(out).label}, is {supersession})"
                                   for supersession in stale))
    for supersession in stale:
        progress(f"FY{fiscal_year} ({latest_version(out).label}) is {supersession}: this run restates it")


def _execute_families(plan: _Plan, staging: Path, workers: int, progress: Callable[[str], None],
                      caching: _Caching | None = None) -> list[NotebookRun]:
    """Execute the family notebooks of the plan into ``staging``, ``workers`` at a time (or reuse their cached
    executions, with ``caching``).

    Raises
    ------
    RunError
        When a notebook or one of its checks fails (the executed notebooks are kept in ``<out>.failed``).
    """
    names = plan.names
    progress(f"FY{plan.fiscal_year}: running {len(names)} notebook(s) ({', '.join(names)}) with {workers} worker(s)")
    current = latest_results_folder(plan.out) / "results.csv"
    kept = [r for r in read_results(current) if r.notebook not in names] if plan.only and current.is_file() else []
    runs = _execute_all(plan.root, names, staging, plan.notebook_parameters, workers, progress, kept, caching)
    reused = [run.name for run in runs if run.reused]
    if reused:
        progress(f"  reused from the cache (notebook, parameters, inputs, library and environment unchanged): "
                 f"{', '.join(reused)}")
    _stop_on_problems(runs, plan.root, staging, plan.out, plan.fiscal_year)
    return runs


def _collect_results(plan: _Plan, runs: list[NotebookRun], staging: Path, reason: str | None, today: date | None,
                     progress: Callable[[str], None]) -> _Results:
    """The year's result rows in catalogue order, written to ``results.csv`` and ``results.json`` in ``staging``.

    A run of some families into an unpublished folder carries the other families over. Of a published
    year, the rows are a restatement, or reproduce it: then nothing is written and ``staging`` is removed.

    Parameters
    ----------
    reason, today
        As given to :func:`run_year`: the reason and the date of a restatement.

    Raises
    ------
    RunError
        When an indicator is reported twice, or the run differs from the published year for no reason given.
    """
    root, out, names = plan.root, plan.out, plan.names
    order = {entry.id: number for number, entry in enumerate(catalogue())}
    others_kept = plan.only and out.exists() and not is_published(out)
    kept = _keep_other_families(root, out, staging, names) if others_kept else []
    rows = sorted([*kept, *(row for run in runs for row in run.results)],
                  key=lambda r: (order[r.indicator_id], r.breakdown != ""))
    duplicates = duplicate_headlines(rows)
    if duplicates:
        from envkpi.pages.failure import Failure

        twice = [f"indicator reported twice: {d}" for d in duplicates]
        _stop(root, staging, out, twice, plan.fiscal_year, [Failure("", None, "Every indicator is reported once", d)
                                                            for d in twice])
    restating = None
    if is_published(out):
        restating = _restatement(out, plan.fiscal_year, rows, names, plan.stale,
                                 reason or plan.parameters.restatement_reason, today or date.today())
        if restating is None:
            _reproduced(root, out, staging, names, progress)
            return _Results(rows, None, reproduced=True)
    (staging / "results.csv").write_text(results_csv(rows), encoding="utf-8")
    (staging / "results.json").write_text(results_json(rows), encoding="utf-8")
    return _Results(rows, restating)


def _write_databook(plan: _Plan, staging: Path, results: _Results, progress: Callable[[str], None]) -> None:
    """Write the data book into ``staging``: ``databook.xlsx`` and ``databook.csv``, every indicator of the
    catalogue over every published year before this one (its current version) and this run's results.

    Its bytes depend on the figures only (:mod:`envkpi.pages.databook`), so a rerun that reproduces a
    published year would write the same file (and writes nothing at all).
    """
    from envkpi.pages.databook import DATABOOK_CSV, DATABOOK_XLSX, databook, databook_csv, write_databook

    earlier = published_years(plan.root / "outputs", plan.fiscal_year)
    this = results.restating.label if results.restating else f"FY{plan.fiscal_year}, the results of this run (results.csv)"
    book = databook(plan.fiscal_year, results.rows, earlier, this)
    write_databook(staging / DATABOOK_XLSX, book, title=f"{plan.parameters.organisation.name}: data book, FY{plan.fiscal_year}",
                   created=plan.parameters.period[1])
    (staging / DATABOOK_CSV).write_text(databook_csv(book), encoding="utf-8")
    progress(f"  data book: {len(book.years)} fiscal year(s) (FY{book.years[0]}–FY{book.years[-1]}) written to {DATABOOK_XLSX}")


def _run_changes_report(plan: _Plan, staging: Path, restating: Restatement | None, workers: int,
                        progress: Callable[[str], None], caching: _Caching | None = None) -> list[NotebookRun]:
    """Execute ``changes.ipynb`` in ``staging``, after :func:`prepare_changes`, when every family was run.

    Returns
    -------
    list of NotebookRun
        The run of the changes report; empty when only some families were run or there is no such notebook.

    Raises
    ------
    RunError
        When a rerun for the changes report, the report or one of its checks fails.
    """
    fiscal_year, root = plan.fiscal_year, plan.root
    if plan.only is not None or not (root / "notebooks" / "changes.ipynb").exists():
        return []
    progress(f"  changes since FY{fiscal_year - 1}: isolating parameter effects, rerunning FY{fiscal_year - 1}")
    prepare_changes(root, fiscal_year, plan.params_path, staging, workers, caching)
    inside = staging.resolve().is_relative_to(root)
    changes = _execute(root, "changes", staging, {"fiscal_year": fiscal_year, "parameters_file": plan.parameters_file,
                                                  "project_dir": "" if inside else str(root),
                                                  "restatement_reason": restating.reason if restating else ""},
                       cwd=staging)
    progress(f"  changes: {'FAILED' if changes.error else f'{len(changes.checks)} checks'} ({changes.seconds:.1f} s)")
    _stop_on_problems([changes], root, staging, plan.out, fiscal_year)
    return [changes]


def _write_pages(plan: _Plan, staging: Path, runs: list[NotebookRun], results: _Results,
                 progress: Callable[[str], None], workers: int = 1) -> dict[str, dict[str, float]]:
    """Finish every executed notebook (:func:`_finish_notebook`) and export its reader's page, ``workers`` at a
    time; write ``index.html``.

    Returns
    -------
    dict
        The timings of the cells, by notebook name and cell id, for the manifest.
    """
    from envkpi.pages.databook import DATABOOK_XLSX
    from envkpi.pages.html import export_html, render_pages
    from envkpi.pages.site import index_html

    progress("  exporting HTML (reader's and auditor's pages), the year's index page and the manifest")
    notice = results.restating.notice_html() if results.restating else ""
    finished = {run.name: _finish_notebook(plan.root, staging, plan.out, run) for run in runs}
    pages = render_pages([(export_html, (notebook,), {"notice": notice}) for _, notebook in finished.values()], workers)
    for name, page in zip(finished, pages):
        (staging / f"{name}.html").write_bytes(page.encode("utf-8"))
    timings = {name: times for name, (times, _) in finished.items()}
    last_year = latest_results_folder(plan.root / "outputs" / f"FY{plan.fiscal_year - 1}")
    known = (last_year / "results.csv").exists()
    pages = sorted(p.stem for p in staging.glob("*.html"))
    (staging / "index.html").write_text(
        index_html(plan.parameters, results.rows, read_results(last_year / "results.csv") if known else None, pages,
                   compared_with=version_of(last_year).label if known else None, notice=notice,
                   databook=(staging / DATABOOK_XLSX).is_file()), encoding="utf-8")
    return timings


def _write_run_manifest(plan: _Plan, staging: Path, runs: list[NotebookRun], timings: dict[str, dict[str, float]],
                        restating: Restatement | None) -> float:
    """Write ``manifest.json`` in ``staging``: how the run was made, what it read, the checksum of every output.

    Returns
    -------
    float
        The seconds the run took, as the manifest records them.
    """
    root = plan.root
    files = {record["path"]: record for path in sorted(staging.glob("*.ipynb")) for record in _provenance_of(path)}
    seconds = time.perf_counter() - plan.clock
    _write_manifest(staging, {
        "fiscal_year": plan.fiscal_year,
        "generated_by": f"envkpi {__version__}",
        "code_version": code_version(root),
        "packages": package_versions(),
        "run": {"started": plan.started.isoformat(timespec="seconds"), "seconds": round(seconds, 1),
                "notebooks": {run.name: round(run.seconds, 1) for run in runs}, "cells": timings},
        "parameters_file": _relative(plan.params_path, root),
        "data_dir": _relative(plan.data_path, root),
        "inputs": sorted(files.values(), key=lambda r: (r["role"], r["path"])),
        "based_on": based_on(root / "outputs", plan.fiscal_year),
        "cache": {"reused": [run.name for run in runs if run.reused],
                  "keys": keys_record([run.key for run in runs if run.key is not None])},
        **({"restatement": restating.record()} if restating else {}),
    })
    return seconds


def _audit_and_place(plan: _Plan, staging: Path, results: _Results, progress: Callable[[str], None],
                     workers: int = 1) -> Path:
    """Write the auditor's pages into ``staging`` and put the outputs in place (:func:`_place`).

    Returns
    -------
    Path
        Where the outputs went: the output folder, or the restatement folder of a published year.
    """
    from envkpi.pages.audit import write_audit_pages

    write_audit_pages(plan.out, staging, workers=workers)
    return _place(staging, plan.out, results.rows, results.restating, progress, plan.root)


#: The results of the year that the families which need them read (``Family.needs_results``): the rows of the
#: families executed before them, written in the run's folder (listed in the manifest like every output).
RESULTS_READ_FILE = "results_of_other_families.csv"


def _needs_results(name: str) -> bool:
    return name in families.names() and families.family(name).needs_results


def _execute_dependent(root: Path, name: str, folder: Path, parameters: dict, rows: list[ResultRow],
                       caching: _Caching | None = None, scratch: bool = False) -> NotebookRun:
    """Execute a family that reads the year's results of the others: ``rows`` are written to
    :data:`RESULTS_READ_FILE` in ``folder``, the notebook's working directory, and passed as ``results_file``
    (relative, so that the executed notebook reruns from its folder); ``project_dir`` names the project when
    the folder lies outside it."""
    text = results_csv([r for r in rows if r.notebook != name])
    (folder / RESULTS_READ_FILE).write_text(text, encoding="utf-8")
    inside = folder.resolve().is_relative_to(root.resolve())
    return _execute(root, name, folder, {**parameters, "results_file": RESULTS_READ_FILE,
                                         "project_dir": "" if inside else str(root)}, cwd=folder,
                    caching=caching, results_text=text, scratch=scratch)


def _execute_all(root: Path, names, staging: Path, parameters: dict, workers: int, progress,
                 kept: Sequence[ResultRow] = (), caching: _Caching | None = None) -> list[NotebookRun]:
    """Execute the notebooks ``names`` into ``staging``, ``workers`` at a time; the families that need the
    year's results of the others (``needs_results``) after them, with their rows (and ``kept``, the rows of
    families not run this time)."""
    first = [n for n in names if not _needs_results(n)]
    then = [n for n in names if _needs_results(n)]

    def report(run: NotebookRun) -> NotebookRun:
        status = "FAILED" if run.error else f"{len(run.results)} results, {len(run.checks)} checks"
        progress(f"  {run.name}: {status} ({'reused from the cache' if run.reused else f'{run.seconds:.1f} s'})")
        return run

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(_execute, root, name, staging, parameters, caching=caching) for name in first]
        runs = [report(future.result()) for future in futures]
    if then and not any(run.error for run in runs):
        rows = [*kept, *(row for run in runs for row in run.results)]
        runs += [report(_execute_dependent(root, name, staging, parameters, rows, caching)) for name in then]
    return runs


def _stop_on_problems(runs: list[NotebookRun], root: Path, staging: Path, out: Path, fiscal_year: int) -> None:
    problems = [run.error for run in runs if run.error]
    for run in runs:
        problems += [f"{run.name}.ipynb, cell {cell_id!r}: check failed: {check.name} ({check.detail})"
                     for cell_id, check in run.checks if not check.passed]
    if problems:
        from envkpi.pages.failure import failed_checks, notebook_error

        failures = [notebook_error(run.name, run.error) for run in runs if run.error]
        for run in runs:
            failures += failed_checks(run.name, run.checks)
        _stop(root, staging, out, problems, fiscal_year, failures)



def _stop(root: Path, staging: Path, out: Path, problems: list[str], fiscal_year: int, failures: list[Failure]) -> None:
    """Fail the run: keep the executed notebooks in ``<name>.failed`` (never over a folder envkpi did not write),
    with ``failure.html``, the page that names each failure with its figures."""
    from envkpi.pages.failure import failure_html

    page = ""
    try:
        notebooks = sorted(p.stem for p in staging.glob("*.ipynb"))
        (staging / "failure.html").write_text(failure_html(fiscal_year, failures, notebooks, outputs=_relative(out, root)),
                                              encoding="utf-8")
        page = " with failure.html, the page of what failed"
        failed = keep_failed(staging, out, problems)
    except OSError as exc:
        kept = f"the executed notebooks could not be kept ({exc.strerror or exc})"
    else:
        kept = f"executed notebooks kept in {_relative(failed, root)}{page}"
    raise RunError("\n".join(problems) + f"\n({kept}; {_relative(out, root)} was not changed)")


def _remove(folder: Path) -> None:
    remove(folder)


def _keep_other_families(root: Path, out: Path, staging: Path, names: Sequence[str]) -> list[ResultRow]:
    """For a run of some families into an existing folder: carry the other families' notebooks, pages
    and results over, so the folder stays complete (the changes report, which needs them all, is not)."""
    others = [n for n in available_notebooks(root) if n not in names]
    for name in others:
        for kind in ("ipynb", "html"):
            if (out / f"{name}.{kind}").exists():
                shutil.copy2(out / f"{name}.{kind}", staging / f"{name}.{kind}")
    previous = read_results(out / "results.csv") if (out / "results.csv").exists() else []
    return [row for row in previous if row.notebook in others]


@dataclass(frozen=True)
class Restatement:
    """What a run of a published year that does not reproduce it is: a restatement of the current version."""

    fiscal_year: int
    of: str  # the label of the version it restates, e.g. "FY2018 as published on 2019-06-28"
    folder: Path  # where it will be written: outputs/FY<yyyy>/restated/<yyyy-mm-dd[-n]>
    reason: str
    supersedes: tuple[str, ...]  # the earlier years' restatements it follows, in words

    @property
    def label(self) -> str:
        """``FY2018 as restated on 2020-05-10``, as :class:`envkpi.cycle.publication.Version` names it."""
        return version_of(self.folder, self.fiscal_year).label

    def record(self) -> dict:
        """The manifest's ``restatement`` entry."""
        return {"of": self.of, "on": version_of(self.folder, self.fiscal_year).on, "reason": self.reason,
                "follows": list(self.supersedes)}

    def notice_html(self) -> str:
        """The label every reader's page of the restatement carries (``restated/<date>/``), linking the
        published year's pages two folders up."""
        from html import escape

        return (f'<aside class="envkpi-restatement" role="note"><strong>Restatement.</strong> '
                f"{escape(self.label)}, restating {escape(self.of)} "
                f'(<a href="../../index.html">the published pages</a>). Reason: {escape(self.reason)}</aside>')


def _restatement(out: Path, fiscal_year: int, rows: list[ResultRow], names: Sequence[str], stale, reason: str | None,
                 today: date) -> Restatement | None:
    """None when this run reproduces the current version of the published year ``out``, and no earlier
    year it was based on has been restated since; else the restatement it is.

    Raises
    ------
    RunError
        When the run differs from the published figures for no reason given and none that follows from
        an earlier year's restatement.
    """
    current = latest_results_folder(out)
    published = [r for r in read_results(current / "results.csv") if r.notebook in names]
    differs = not results_equal(rows, published)
    if not differs and not stale:
        return None
    follows = tuple(f"restatement of FY{s.fiscal_year} ({s.now})" for s in stale)
    given = (reason or "").strip()
    if not given and not follows:
        moved = _moved(published, rows)
        raise RunError(f"FY{fiscal_year} is published ({version_of(current).label}) and this run differs from it"
                       f"{': ' + '; '.join(moved) if moved else ''}. A restatement needs its reason: rerun with "
                       f"--reason \"…\" (or restatement_reason: in the year file). Nothing was written.")
    return Restatement(fiscal_year, version_of(current).label, restatement_folder(out, today),
                       "; ".join(part for part in (given, *follows) if part), follows)


def _moved(before: list[ResultRow], after: list[ResultRow]) -> list[str]:
    """The indicators that differ, with their headline before and after: ``<id> 377,328.120 → 377,738.120 t CO2e``."""
    was = {r.indicator_id: r for r in before if r.breakdown == ""}
    now = {r.indicator_id: r for r in after if r.breakdown == ""}
    return [f"{i} {was[i].value:,.3f} → {now[i].value:,.3f} {now[i].unit}" if i in was and i in now else f"{i} (breakdown)"
            for i in differing_indicators(before, after)]


def _reproduced(root: Path, out: Path, staging: Path, names: Sequence[str], progress) -> None:
    """A rerun of a published year that reproduces it: nothing written; code changed since review is said."""
    changed = _code_changes(staging, latest_results_folder(out), names)
    _remove(staging)
    progress(f"  {_relative(out, root)} is published and this run reproduces its results: nothing written")
    if changed:
        progress("  but its code differs from the published notebooks (code changed since review): "
                 + "; ".join(f"{name}: {', '.join(cells)}" for name, cells in changed.items()))
        from envkpi.pages.audit import write_audit_pages

        write_audit_pages(out, source_notebooks=root / "notebooks")


def _place(staging: Path, out: Path, rows: list[ResultRow], restating: Restatement | None, progress,
           root: Path) -> Path:
    """Put the staged outputs in place: over an unpublished folder; beside a published one, as its restatement."""
    if restating is None:
        _replace(staging, out, root, progress)
        progress(f"  {len(rows)} result rows written to {_relative(out, root)}")
        return out
    target = restating.folder
    try:
        target.parent.mkdir(exist_ok=True)
        staging.rename(target)
    except OSError as exc:
        raise RunError(_not_placed(exc, target, root)) from None
    progress(f"  {_relative(out, root)} is published and this run differs: restatement written to "
             f"{_relative(target, root)} (reason: {restating.reason})")
    from envkpi.pages.audit import write_audit_pages

    write_audit_pages(out)  # the pages of the figures it replaces say so, with the reviews it made stale
    return target


def _code_changes(staging: Path, published: Path, names: Sequence[str]) -> dict[str, list[str]]:
    """The code cells whose source differs between this run's notebooks and the published ones, by notebook."""
    changed = {}
    for name in names:
        mine, theirs = source_notebook(staging, name, validate=False), source_notebook(published, name, validate=False)
        cells = code_changed_cells(mine, theirs) if mine is not None and theirs is not None else []
        if cells:
            changed[name] = cells
    return changed


def prepare_changes(root: Path, fiscal_year: int, params_path: Path, folder: Path, workers: int = 2,
                    caching: _Caching | None = None) -> None:
    """Write what the changes report needs beside the year's results: the isolated effect of each
    changed parameter (``effects.csv``) and last year rerun with today's code (``previous_rerun.csv``).

    Each numeric parameter that changed since last year's file is reverted alone, in a copy of this
    year's parameters, and the family it belongs to is rerun: the difference of its headline results
    is the effect of that change. The effects (one after the other) and last year's notebooks are
    executed side by side, ``workers`` at a time.
    """
    previous_file = parameter_file(root, fiscal_year - 1)
    previous_data = default_data_dir(root, fiscal_year - 1)
    scratch = folder / ".previous"
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        effects = pool.submit(parameter_effects, root, fiscal_year, params_path, fiscal_year - 1,
                              current=read_results(folder / "results.csv"), scratch=folder, caching=caching) \
            if previous_file.exists() else None
        reruns = None
        if previous_file.exists() and previous_data.is_dir():
            scratch.mkdir()
            parameters = {"fiscal_year": fiscal_year - 1, "parameters_file": "", "data_dir": ""}
            reruns = pool.submit(_execute_all, root, available_notebooks(root), scratch, parameters, workers,
                                 lambda line: None, caching=caching)
        write_effects(folder / "effects.csv", effects.result() if effects else [])
        rerun: list[ResultRow] = []
        for run in reruns.result() if reruns else []:
            if run.error:
                raise RunError(f"rerunning FY{fiscal_year - 1} for the changes report failed:\n{run.error}")
            rerun += run.results
    if scratch.exists():
        shutil.rmtree(scratch)
    (folder / "previous_rerun.csv").write_text(results_csv(rerun), encoding="utf-8")


def parameter_effects(root: Path, fiscal_year: int, params_path: Path, against: int, *,
                      current: list[ResultRow] | None = None, scratch: Path | None = None,
                      caching: _Caching | None = None) -> list[dict]:
    """The effect of each numeric parameter change since ``against``, each isolated by a rerun.

    For every value of a family that differs from year ``against``'s file, the family is rerun with
    this year's parameters and inputs but that one value reverted; the effect is the difference of
    its headline results. ``current`` (this year's results) is computed by a run when not given.
    """
    old = load_parameters(parameter_file(root, against), root=root)
    new = load_parameters(params_path, root=root)
    changed = isolatable(parameter_diff(old, new))
    if changed.empty:
        return []
    with tempfile.TemporaryDirectory(dir=scratch) as work:
        work = Path(work)
        if current is None:
            current = []
            families = sorted({f.strip() for value in changed["family"] for f in value.split(",")})
            for run in _execute_all(root, families, work, {"fiscal_year": fiscal_year, "parameters_file": str(params_path),
                                                           "data_dir": ""}, 2, lambda line: None):
                if run.error:
                    raise RunError(run.error)
                current += run.results
        effects = []
        for change in changed.itertuples(index=False):
            effects += _effect_of(root, fiscal_year, params_path, change, old, current, work, caching)
        return effects


def _effect_of(root: Path, fiscal_year: int, params_path: Path, change, old, current, folder: Path,
               caching: _Caching | None = None) -> list[dict]:
    document = load_document(params_path)
    node = document
    keys = change.path.split(".")
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = old.get(change.path).model_dump(exclude_none=True, mode="json")
    scratch = folder / ".effect"
    scratch.mkdir()
    reverted = scratch / f"FY{fiscal_year}.yaml"
    reverted.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    rows = []
    for family in [f.strip() for f in change.family.split(",")]:
        parameters = {"fiscal_year": fiscal_year, "parameters_file": str(reverted), "data_dir": ""}
        run = _execute_dependent(root, family, scratch, parameters, current, caching, scratch=True) \
            if _needs_results(family) else _execute(root, family, scratch, parameters, caching=caching, scratch=True)
        if run.error:
            raise RunError(f"isolating the effect of {change.path} failed:\n{run.error}")
        without = {r.indicator_id: r for r in run.results if r.breakdown == ""}
        for row in current:
            if row.breakdown == "" and row.indicator_id in without and row.notebook == family:
                rows.append({"path": change.path, "old": f"{change.old_value} {change.old_unit}",
                             "new": f"{change.new_value} {change.new_unit}", "indicator_id": row.indicator_id,
                             "with_change": row.value, "without_change": without[row.indicator_id].value,
                             "effect": row.value - without[row.indicator_id].value, "unit": row.unit})
    shutil.rmtree(scratch)
    return rows


def write_effects(path: Path, effects: list[dict]) -> None:
    """``effects.csv``: one row per changed parameter and indicator it moves (full precision)."""
    columns = ["path", "old", "new", "indicator_id", "with_change", "without_change", "effect", "unit"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for effect in effects:
            writer.writerow({k: repr(v) if isinstance(v, float) else v for k, v in effect.items()})
