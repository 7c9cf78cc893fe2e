"""Run a fiscal year: execute every family notebook with Papermill, export HTML, write results and manifest.

All outputs are first written to a staging folder beside the destination. Only when every notebook
ran and every check passed does the staging folder replace ``outputs/FY<yyyy>/``; otherwise it is
kept as ``outputs/FY<yyyy>.failed/`` for inspection, the destination is left untouched, and
:class:`RunError` names the notebook, the cell and the cause. So a folder under ``outputs/`` that
looks complete is complete.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import papermill

from . import __version__
from .catalogue import FAMILIES, catalogue
from .html import write_html
from .parameters import load_parameters, parameter_file
from .provenance import code_version, package_versions, sha256_file
from .results import PROVENANCE_MIME, Check, ResultRow, collect, duplicate_headlines, results_csv, results_json
from .tables import data_dir as default_data_dir

__all__ = ["KERNEL_NAME", "RunError", "RunSummary", "available_notebooks", "ensure_kernel", "run_year"]

#: The Jupyter kernel every notebook declares: the Python of the project's own environment.
KERNEL_NAME = "envkpi"
KERNEL_LOG_LEVEL = "--IPKernelApp.log_level=ERROR"


class RunError(RuntimeError):
    """A run that did not complete: the message names the notebook, the cell and the cause."""


@dataclass
class NotebookRun:
    name: str
    seconds: float
    results: list[ResultRow] = field(default_factory=list)
    checks: list[tuple[str, Check]] = field(default_factory=list)
    error: str | None = None


@dataclass
class RunSummary:
    fiscal_year: int
    out: Path
    notebooks: list[NotebookRun]
    seconds: float

    @property
    def results(self) -> list[ResultRow]:
        return [row for run in self.notebooks for row in run.results]


def ensure_kernel() -> None:
    """Install the ``envkpi`` kernelspec into this environment if it is missing or points elsewhere.

    The kernel runs this environment's Python. Its log level is ERROR, so that a run's output is not
    drowned in ipykernel's start-up warnings (errors in cells are reported by the runner).
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
        if Path(spec.argv[0]).resolve() == Path(sys.executable).resolve() and KERNEL_LOG_LEVEL in spec.argv:
            return
    except NoSuchKernel:
        pass
    from ipykernel.kernelspec import install

    folder = Path(install(kernel_name=KERNEL_NAME, display_name="envkpi (Python 3)", prefix=sys.prefix))
    spec_file = folder / "kernel.json"
    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    spec["argv"].append(KERNEL_LOG_LEVEL)
    spec_file.write_text(json.dumps(spec, indent=1), encoding="utf-8")


def available_notebooks(root: Path) -> list[str]:
    """Family notebooks present in ``notebooks/``, in catalogue family order."""
    present = {p.stem for p in (root / "notebooks").glob("*.ipynb")}
    return [family for family in FAMILIES if family in present]


def _select(root: Path, only: Sequence[str] | None) -> list[str]:
    names = available_notebooks(root)
    if not only:
        return names
    unknown = [n for n in only if n not in names]
    if unknown:
        raise RunError(f"--only: no notebook named {', '.join(unknown)}; available: {', '.join(names)}")
    return [n for n in names if n in only]


def _execute(root: Path, name: str, staging: Path, parameters: dict) -> NotebookRun:
    started = time.perf_counter()
    output = staging / f"{name}.ipynb"
    try:
        papermill.execute_notebook(
            str(root / "notebooks" / f"{name}.ipynb"), str(output), parameters=parameters,
            kernel_name=KERNEL_NAME, cwd=str(root), progress_bar=False, log_output=False,
        )
    except papermill.PapermillExecutionError as exc:
        return NotebookRun(name, time.perf_counter() - started, error=_describe_failure(output, name, exc))
    notebook = nbformat.read(output, as_version=4)
    results, checks = collect(notebook, name)
    return NotebookRun(name, time.perf_counter() - started, results, checks)


def _describe_failure(output: Path, name: str, exc: papermill.PapermillExecutionError) -> str:
    """Name the notebook, the failing cell (its id, as in the executed notebook) and the cause."""
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
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _finish_notebook(root: Path, staging: Path, out: Path, run: NotebookRun) -> list[dict]:
    """Make papermill's paths relative, export HTML; return the files the notebook read."""
    path = staging / f"{run.name}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    meta = notebook.metadata.get("papermill", {})
    meta["input_path"] = f"notebooks/{run.name}.ipynb"
    meta["output_path"] = _relative(out / f"{run.name}.ipynb", root)
    for cell in notebook.cells:  # papermill gives the cell it injects a random id; make it stable
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
    nbformat.write(notebook, path)
    write_html(notebook, staging / f"{run.name}.html")
    files = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            files += output.get("data", {}).get(PROVENANCE_MIME, {}).get("files", [])
    return files


def _write_manifest(staging: Path, summary: dict) -> None:
    outputs = [
        {"path": p.name, "sha256": sha256_file(p)} for p in sorted(staging.iterdir()) if p.name != "manifest.json"
    ]
    summary["outputs"] = outputs
    (staging / "manifest.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _replace(staging: Path, out: Path) -> None:
    """Put ``staging`` in the place of ``out`` (renames only, so never half-written)."""
    if out.exists():
        retired = out.parent / f".retired-{out.name}-{os.getpid()}"
        out.rename(retired)
        staging.rename(out)
        shutil.rmtree(retired)
    else:
        staging.rename(out)
    failed = out.parent / f"{out.name}.failed"
    if failed.exists():
        shutil.rmtree(failed)


def run_year(
    fiscal_year: int,
    *,
    root: Path,
    only: Sequence[str] | None = None,
    params: Path | None = None,
    data: Path | None = None,
    out: Path | None = None,
    workers: int = 2,
    progress: Callable[[str], None] = lambda message: None,
) -> RunSummary:
    """Execute the family notebooks of a fiscal year into its output folder.

    Parameters
    ----------
    fiscal_year : int
        The year, e.g. 2018.
    root : Path
        Project root.
    only : sequence of str, optional
        Family notebooks to run (default: all in ``notebooks/``).
    params, data, out : Path, optional
        Parameter file, input folder and output folder (defaults ``parameters/FY<yyyy>.yaml``,
        ``data/FY<yyyy>``, ``outputs/FY<yyyy>``).
    workers : int
        Notebooks executed at the same time.
    progress : callable
        Receives one line of text per step.

    Raises
    ------
    envkpi.parameters.ParameterError
        When the parameter file is invalid (checked before any notebook starts).
    RunError
        When a notebook fails or a check fails; the message names the notebook, cell and cause.
    """
    started_at = datetime.now(timezone.utc)
    clock = time.perf_counter()
    root = root.resolve()
    params_path = (params or parameter_file(root, fiscal_year)).resolve()
    data_path = (data or default_data_dir(root, fiscal_year)).resolve()
    out = (out or root / "outputs" / f"FY{fiscal_year}").resolve()
    parameters = load_parameters(params_path, root=root)
    if parameters.fiscal_year != fiscal_year:
        raise RunError(f"{_relative(params_path, root)} is for FY{parameters.fiscal_year}, not FY{fiscal_year}")
    if not data_path.is_dir():
        raise RunError(f"input folder {_relative(data_path, root)} does not exist")
    names = _select(root, only)
    ensure_kernel()

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".staging-{out.name}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    notebook_parameters = {
        "fiscal_year": fiscal_year,
        "parameters_file": str(params_path) if params else "",
        "data_dir": str(data_path) if data else "",
    }
    progress(f"FY{fiscal_year}: running {len(names)} notebook(s) ({', '.join(names)}) with {workers} worker(s)")
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(_execute, root, name, staging, notebook_parameters) for name in names]
        runs = []
        for future in futures:
            run = future.result()
            runs.append(run)
            status = "FAILED" if run.error else f"{len(run.results)} results, {len(run.checks)} checks"
            progress(f"  {run.name}: {status} ({run.seconds:.1f} s)")

    problems = [run.error for run in runs if run.error]
    for run in runs:
        problems += [f"{run.name}.ipynb, cell {cell_id!r}: check failed: {check.name} ({check.detail})"
                     for cell_id, check in run.checks if not check.passed]
    order = {entry.id: number for number, entry in enumerate(catalogue())}
    rows = sorted((row for run in runs for row in run.results), key=lambda r: (order[r.indicator_id], r.breakdown != ""))
    problems += [f"indicator reported twice: {d}" for d in duplicate_headlines(rows)]
    if problems:
        failed = out.parent / f"{out.name}.failed"
        shutil.rmtree(failed, ignore_errors=True)
        staging.rename(failed)
        raise RunError("\n".join(problems) + f"\n(executed notebooks kept in {_relative(failed, root)}; "
                       f"{_relative(out, root)} was not changed)")

    progress("  exporting HTML, results and manifest")
    files: dict[str, dict] = {}
    for run in runs:
        for record in _finish_notebook(root, staging, out, run):
            files[record["path"]] = record
    (staging / "results.csv").write_text(results_csv(rows), encoding="utf-8")
    (staging / "results.json").write_text(results_json(rows), encoding="utf-8")
    seconds = time.perf_counter() - clock
    _write_manifest(staging, {
        "fiscal_year": fiscal_year,
        "generated_by": f"envkpi {__version__}",
        "code_version": code_version(root),
        "packages": package_versions(),
        "run": {"started": started_at.isoformat(timespec="seconds"), "seconds": round(seconds, 1),
                "notebooks": {run.name: round(run.seconds, 1) for run in runs}},
        "parameters_file": _relative(params_path, root),
        "data_dir": _relative(data_path, root),
        "inputs": sorted(files.values(), key=lambda r: (r["role"], r["path"])),
    })
    _replace(staging, out)
    progress(f"FY{fiscal_year}: {len(rows)} result rows written to {_relative(out, root)} in {seconds:.1f} s")
    return RunSummary(fiscal_year, out, runs, seconds)
