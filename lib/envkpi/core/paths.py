"""Where things are: every path derives from the project root and the fiscal year.

The root is the folder holding ``parameters/`` and ``notebooks/``; it is found by walking up from
the working directory, so a notebook runs the same from the repository root (Papermill, the
runner) and from ``notebooks/`` or ``outputs/FY<yyyy>/`` (JupyterLab, nbval).

A notebook's path parameters are relative to the root and must stay inside it (``../../etc/x`` is
refused); an absolute path is taken as it is, since whoever gives one chooses it on purpose (the
runner passes absolute paths for ``envkpi run --params/--data``).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["project_root", "ReportPaths", "report_paths", "inside_root", "write_atomically"]


def project_root(start: str | Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: the working directory) with ``parameters/``.

    ``ENVKPI_ROOT`` in the environment, when set, wins.

    Raises
    ------
    FileNotFoundError
        When no such folder exists.
    """
    if os.environ.get("ENVKPI_ROOT"):
        return Path(os.environ["ENVKPI_ROOT"]).resolve()
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "parameters").is_dir() and (folder / "notebooks").is_dir():
            return folder
    raise FileNotFoundError(f"no envkpi project (a folder with parameters/ and notebooks/) at or above {here}")


@dataclass(frozen=True)
class ReportPaths:
    """The files one report reads."""

    root: Path
    parameters_file: Path
    data_dir: Path

    def resolve(self, given: str, default: str, name: str = "a file parameter of the notebook") -> Path:
        """A notebook's file parameter: ``given`` if not empty, else ``default``; relative to the root.

        Raises
        ------
        envkpi.core.parameters.ParameterError
            When a relative ``given`` leads out of the root (see :func:`inside_root`).
        """
        return inside_root(self.root, given or default, name)


def inside_root(root: Path, given: str, name: str) -> Path:
    """``given`` resolved from ``root``: an absolute path as it is, a relative one only if it stays inside
    ``root``.

    The test is on the path as written (``..`` segments), not on links: a link inside the project is
    set up by whoever owns it, like an absolute path, and may point to data elsewhere on purpose.

    Raises
    ------
    envkpi.core.parameters.ParameterError
        Naming the parameter, the path and what is expected, e.g. ``data_dir: '../../etc' leads out of
        the project /work/main; expected a path relative to the project root that stays inside it, or an
        absolute path``.
    """
    from envkpi.core.parameters import ParameterError  # here: parameters does not depend on paths

    path = Path(given)
    if not path.is_absolute() and not Path(os.path.normpath(root / path)).is_relative_to(root):
        shown = given if len(given) <= 200 else given[:199] + "…"
        raise ParameterError([f"{name}: {shown!r} leads out of the project {root}; expected a path relative to "
                              "the project root that stays inside it, or an absolute path"])
    return (root / path).resolve()


def report_paths(fiscal_year: int, parameters_file: str = "", data_dir: str = "") -> ReportPaths:
    """Resolve a notebook's path parameters; empty strings mean the defaults of ``fiscal_year``.

    Defaults: ``parameters/FY<yyyy>.yaml``, ``data/FY<yyyy>``; a family's other files are resolved with
    :meth:`ReportPaths.resolve`.
    Relative paths are taken from the project root and must stay inside it; absolute paths are
    taken as they are.

    Raises
    ------
    envkpi.core.parameters.ParameterError
        When a relative path leads out of the project root (:func:`inside_root`).
    """
    root = project_root()

    def resolve(given: str, default: Path, name: str) -> Path:
        return inside_root(root, given, name) if given else default

    return ReportPaths(
        root=root,
        parameters_file=resolve(parameters_file, root / "parameters" / f"FY{fiscal_year}.yaml", "parameters_file"),
        data_dir=resolve(data_dir, root / "data" / f"FY{fiscal_year}", "data_dir"),
    )


def write_atomically(target: Path, data: bytes) -> bool:
    """Write ``data`` to ``target`` through a temporary file beside it and a rename, so that a reader never sees
    it half-written (the caches of :mod:`envkpi.running.cache` and :mod:`envkpi.pages.html`, which runs
    share). Returns False, having written nothing, when the folder cannot be written."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except OSError:
        return False
    return True
