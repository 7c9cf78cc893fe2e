"""``envkpi bench``: how long a year takes, measured on this machine; figures, not pass or fail.

Everything runs in a scratch copy of the project (``parameters/``, ``data/``, ``notebooks/``,
``outputs/``, ``bench/``), so the project itself is never written. Each figure is the median of
``repeat`` measurements, taken in one sitting, (a) and (b) alternating so that both meet the same
machine:

(a) a cold run of the sample year's family notebooks: ``envkpi run --only <every family>`` into an
    empty folder, the cache not used: validation, execution, the reader's and the auditor's pages,
    results, data book, manifest (the changes report, which reruns last year, is measured apart:
    "full run with the changes report");
(b) the same notebooks through the obvious pipeline: the Papermill command line, then
    ``jupyter nbconvert --to html``, one notebook after the other;
(c) a rerun with nothing changed, the cache in use: of the published sample year, as ``make run`` makes
    it (it reproduces the year and writes nothing), as the run measures itself, and as the command line
    takes it (with the start of Python and the imports); and, apart, of a year not yet published, which
    writes every output again;
(d) the same rerun after one input table of one family changed (other bytes, the same rows), and that
    family's own time in it;
(e) the large synthetic group of ``bench/make_large_group.py`` (5,000 sites, 200,000 transport records,
    1,000,000 product shipments a year, FY2017 and FY2018) at a tenth and at full size, a full run of FY2018 with the changes report, the
    cache not used: wall time and peak memory (the run and its kernels together), and the growth.

The last two lines read ``ratio full/obvious: <x>`` ((a)/(b)) and ``rerun unchanged: <seconds> s`` ((c) as the
command line takes it, Python's start included).
"""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from envkpi import families

__all__ = ["run_bench"]

#: What a scratch copy of the project holds.
PROJECT_FOLDERS = ("parameters", "data", "notebooks", "outputs", "bench")


@dataclass(frozen=True)
class Peak:
    """A command's wall time and the peak resident memory of it and all its child processes together."""

    seconds: float
    peak_bytes: int
    returncode: int


def _tree_rss(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants, in bytes (from /proc; 0 where unreadable)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            children.setdefault(int(fields[1]), []).append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack += children.get(current, [])
    return total


def measure(command: list[str], *, cwd: Path, env: dict[str, str] | None = None, interval: float = 0.2) -> Peak:
    """Run ``command`` and sample the memory of its process tree every ``interval`` seconds."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    done.set()
    sampler.join()
    if process.returncode:
        sys.stderr.write(stderr.decode("utf-8", "replace")[-4000:])
    return Peak(time.perf_counter() - started, peak, process.returncode)


def _copy_project(root: Path, to: Path) -> Path:
    for folder in PROJECT_FOLDERS:
        if (root / folder).is_dir():
            shutil.copytree(root / folder, to / folder, ignore=shutil.ignore_patterns(".staging-*", "*.failed*", "__pycache__"))
    from envkpi.cycle.publication import make_writable

    make_writable(to)
    return to


def _command(name: str) -> list[str]:
    """The console script ``name`` of this environment (beside its Python)."""
    script = Path(sys.executable).parent / name
    return [str(script)] if script.exists() else [sys.executable, "-m", name]


def obvious_pipeline(project: Path, fiscal_year: int, names: list[str], out: Path) -> float:
    """Seconds the family notebooks take through the Papermill command line and ``jupyter nbconvert``, one after
    the other (the way a notebook project is run without envkpi)."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for name in names:
        executed = out / f"{name}.ipynb"
        subprocess.run([*_command("papermill"), str(project / "notebooks" / f"{name}.ipynb"), str(executed),
                        "-p", "fiscal_year", str(fiscal_year), "-k", "envkpi", "--no-progress-bar"],
                       cwd=project, check=True, capture_output=True)
        subprocess.run([*_command("jupyter"), "nbconvert", "--to", "html", str(executed)], cwd=project, check=True,
                       capture_output=True)
    return time.perf_counter() - started


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _load_generator(root: Path):
    path = root / "bench" / "make_large_group.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("make_large_group", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_bench(root: Path, *, fiscal_year: int = 2018, repeat: int = 3, quick: bool = False,
              workers: int | None = None, say: Callable[[str], None] = print) -> dict[str, float]:
    """Measure (a)–(e) (``quick``: (a)–(d)) and print them with ``say``; return the figures by name."""
    from envkpi.running.runner import run_year

    workers = workers or os.cpu_count() or 2
    names = list(families.names())
    figures: dict[str, float] = {}
    say(f"envkpi bench: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{_memory_text()}; FY{fiscal_year} of the sample, {len(names)} family notebooks, {workers} workers, "
        f"median of {repeat}")
    with tempfile.TemporaryDirectory(prefix="envkpi-bench-") as scratch:
        scratch = Path(scratch)
        project = _copy_project(root, scratch / "project")
        cold, obvious = [], []
        for number in range(repeat):
            out = scratch / f"cold-{number}" / f"FY{fiscal_year}"
            summary = run_year(fiscal_year, root=project, only=names, out=out, cache=False, workers=workers)
            cold.append(summary.seconds)
            obvious.append(obvious_pipeline(project, fiscal_year, names, scratch / f"obvious-{number}"))
            say(f"  run {number + 1}: (a) {cold[-1]:.1f} s, (b) {obvious[-1]:.1f} s")
        figures["cold"], figures["obvious"] = _median(cold), _median(obvious)
        say(f"(a) cold run of the family notebooks (envkpi run --only …, no cache): {figures['cold']:.1f} s")
        say(f"(b) the same notebooks, papermill CLI then jupyter nbconvert, one after the other: {figures['obvious']:.1f} s")

        full = scratch / "full" / f"FY{fiscal_year}"
        figures["full"] = run_year(fiscal_year, root=project, out=full, cache=False, workers=workers).seconds
        say(f"    full run with the changes report (last year rerun, each parameter change isolated), no cache: "
            f"{figures['full']:.1f} s")

        # (c) and (d): reruns of the published sample year, as `make run` makes them (it reproduces the year and
        # writes nothing), with the cache in use; the first fills it
        cache = scratch / "cache"
        rerun = partial(run_year, fiscal_year, root=project, cache_dir=cache, workers=workers)
        rerun()
        reruns, walls = [], []
        environment = {**os.environ, "ENVKPI_CACHE": str(cache), "ENVKPI_ROOT": str(project)}
        for _ in range(repeat):
            reruns.append(rerun().seconds)
            started = time.perf_counter()
            subprocess.run([*_command("envkpi"), "run", "--fy", str(fiscal_year)], cwd=project, env=environment,
                           check=True, capture_output=True)
            walls.append(time.perf_counter() - started)
        figures["rerun"], figures["rerun_command"] = _median(reruns), _median(walls)
        say(f"(c) rerun of the published FY{fiscal_year} with nothing changed (as make run; the cache in use): "
            f"{figures['rerun']:.2f} s as the run measures itself, {figures['rerun_command']:.2f} s for the command "
            f"(Python's start-up and imports included)")

        changed, own = [], []
        family, table = _one_table(names)
        file = project / "data" / f"FY{fiscal_year}" / table
        original = file.read_bytes()
        for number in range(repeat):
            file.write_bytes(original + b"\n" * (number + 1))  # other bytes, the same rows: the year reproduces
            summary = rerun()
            changed.append(summary.seconds)
            own.append(next(run.seconds for run in summary.notebooks if run.name == family))
        file.write_bytes(original)
        figures["rerun_changed"], figures["family"] = _median(changed), _median(own)
        say(f"(d) rerun after {table} ({family}) changed: {figures['rerun_changed']:.1f} s, of which {family} "
            f"{figures['family']:.1f} s (the other families reused)")

        unpublished = scratch / "unpublished" / f"FY{fiscal_year}"
        run_year(fiscal_year, root=project, out=unpublished, cache_dir=cache, workers=workers)
        again = [run_year(fiscal_year, root=project, out=unpublished, cache_dir=cache, workers=workers).seconds
                 for _ in range(repeat)]
        figures["rerun_unpublished"] = _median(again)
        say(f"    rerun with nothing changed of a year not yet published (every output written again, with the "
            f"changes report): {figures['rerun_unpublished']:.1f} s")

        if not quick:
            _large_group(root, scratch, fiscal_year, figures, say)
    say(f"ratio full/obvious: {figures['cold'] / figures['obvious']:.2f}")
    say(f"rerun unchanged: {figures['rerun_command']:.2f} s")  # the command, as a user waits for it
    return figures


def _one_table(names: list[str]) -> tuple[str, str]:
    """A family and the first of its own input tables (not the site register, which several families read)."""
    for name in names:
        for spec in families.family(name).tables:
            if spec.file_name != "sites.csv":
                return name, spec.file_name
    raise LookupError("no family reads an input table")


def _memory_text() -> str:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return "memory unknown"
    return f"{total / 2**30:.0f} GiB memory"


def _large_group(root: Path, scratch: Path, fiscal_year: int, figures: dict[str, float], say) -> None:
    generator = _load_generator(root)
    if generator is None:
        say("(e) bench/make_large_group.py not found: the large group is not measured")
        return
    results = {}
    for label, scale in (("tenth", 0.1), ("full", 1.0)):
        folder = scratch / f"large-{label}"
        generator.make_large_group(folder, scale=scale)
        environment = {**os.environ, "ENVKPI_ROOT": str(folder), "ENVKPI_CACHE": str(scratch / f"cache-{label}")}
        peak = measure([*_command("envkpi"), "run", "--fy", str(fiscal_year), "--no-cache"], cwd=folder, env=environment)
        if peak.returncode:
            say(f"(e) the large group at {scale:g} failed (exit {peak.returncode}); see the messages above")
            return
        results[label] = peak
        say(f"(e) large group at {scale:g} of 5,000 sites, 200,000 transport records and 1,000,000 product shipments "
            f"(full run, with the changes "
            f"report): {peak.seconds:.1f} s, peak memory {peak.peak_bytes / 2**30:.2f} GiB (the run and its kernels)")
        shutil.rmtree(folder, ignore_errors=True)
    figures["large_tenth"], figures["large_full"] = results["tenth"].seconds, results["full"].seconds
    figures["large_full_peak_gib"] = results["full"].peak_bytes / 2**30
    say(f"(e) growth from a tenth to full size: {results['full'].seconds / results['tenth'].seconds:.1f}× the time, "
        f"{results['full'].peak_bytes / max(results['tenth'].peak_bytes, 1):.1f}× the memory")
