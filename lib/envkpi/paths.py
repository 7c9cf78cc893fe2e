"""Where things are: every path derives from the project root and the fiscal year.

The root is the folder holding ``parameters/`` and ``notebooks/``; it is found by walking up from
the working directory, so a notebook runs the same from the repository root (Papermill, the
runner) and from ``notebooks/`` or ``outputs/FY<yyyy>/`` (JupyterLab, nbval).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["project_root", "ReportPaths", "report_paths"]


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
    history_file: Path

    def resolve(self, given: str, default: str) -> Path:
        """A notebook's file parameter: ``given`` if not empty, else ``default``; relative to the root."""
        return (self.root / (given or default)).resolve()


def report_paths(fiscal_year: int, parameters_file: str = "", data_dir: str = "", history_file: str = "") -> ReportPaths:
    """Resolve a notebook's path parameters; empty strings mean the defaults of ``fiscal_year``.

    Defaults: ``parameters/FY<yyyy>.yaml``, ``data/FY<yyyy>``, ``data/history/site_history.csv``.
    Relative paths are taken from the project root.
    """
    root = project_root()

    def resolve(given: str, default: Path) -> Path:
        return (root / given).resolve() if given else default

    return ReportPaths(
        root=root,
        parameters_file=resolve(parameters_file, root / "parameters" / f"FY{fiscal_year}.yaml"),
        data_dir=resolve(data_dir, root / "data" / f"FY{fiscal_year}"),
        history_file=resolve(history_file, root / "data" / "history" / "site_history.csv"),
    )
