"""The registry of families: which are built, and what each declares.

A family of the catalogue (``catalogue.yaml``, ``families:``) is built when its folder here holds a
``FAMILY`` (:class:`envkpi.core.family.Family`). The runner, the preflight, ``envkpi new-year``, the
data dictionary, the changes report, ``envkpi publish`` and the command line learn every family
from this module and name none; adding a family edits no shared module (README, "Adding a
family").

The parameter model of a year is assembled here: the shared sections
(:class:`envkpi.core.parameters.Parameters`) with one section per built family, each family's checks
between its section and the shared ones, so that the whole file is validated at once, every problem
listed, before any notebook runs.
"""

from __future__ import annotations

import importlib
import importlib.util
import multiprocessing
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path
from typing import Protocol

from pydantic import create_model, model_validator

from envkpi.core.catalogue import family_entries
from envkpi.core.family import Family, History
from envkpi.core.inputs import InputError, Problem, TableSpec, raise_problems
from envkpi.core.parameters import Parameters
from envkpi.core.parameters import load_parameters as _load_parameters

__all__ = ["families", "family", "names", "parameters_model", "load_parameters", "year_tables", "histories",
           "all_tables", "section_families", "validate_inputs"]


@cache
def families() -> tuple[Family, ...]:
    """The built families, in the catalogue's report order."""
    found = []
    for entry in family_entries():
        if importlib.util.find_spec(f"{__name__}.{entry.name}") is None:
            continue
        module = importlib.import_module(f"{__name__}.{entry.name}")
        declared = getattr(module, "FAMILY", None)
        if not isinstance(declared, Family) or declared.name != entry.name:
            raise TypeError(f"{module.__name__}: expected FAMILY = Family(name={entry.name!r}, …)")
        found.append(declared)
    return tuple(found)


def names() -> tuple[str, ...]:
    """The names of the built families, in report order."""
    return tuple(f.name for f in families())


def family(name: str) -> Family:
    """The declaration of a built family.

    Raises
    ------
    KeyError
        Naming the family and the built ones.
    """
    for declared in families():
        if declared.name == name:
            return declared
    raise KeyError(f"{name!r} is not a built family (built: {', '.join(names())})")


@cache
def parameters_model() -> type[Parameters]:
    """The model of a year's parameters: the shared sections and one section per built family."""

    def family_checks(parameters: Parameters) -> Parameters:
        problems = [line for f in families() if f.check_parameters for line in f.check_parameters(parameters)]
        if problems:
            raise ValueError("\n".join(problems))
        return parameters

    sections = {f.name: (f.section, ...) for f in families()}
    return create_model("Parameters", __base__=Parameters, __module__=__name__,
                        __validators__={"_family_checks": model_validator(mode="after")(family_checks)}, **sections)


def load_parameters(path: str | Path, root: str | Path | None = None) -> Parameters:
    """Load and validate a fiscal year's parameter file with the section of every built family.

    See :func:`envkpi.core.parameters.load_parameters`.

    Raises
    ------
    ParameterError
        Listing every problem, each with file and key path.
    """
    __tracebackhide__ = True
    return _load_parameters(path, root, model=parameters_model())


def year_tables() -> tuple[TableSpec, ...]:
    """The input tables of a year's folder (``data/FY<yyyy>/``), each once, in family order."""
    seen: dict[str, TableSpec] = {}
    for declared in families():
        for spec in declared.tables:
            seen.setdefault(spec.name, spec)
    return tuple(seen.values())


def histories() -> tuple[History, ...]:
    """The history files of every built family."""
    return tuple(h for f in families() for h in f.histories)


def all_tables() -> tuple[TableSpec, ...]:
    """Every table spec, for the data dictionary (``data/README.md``): the year's tables, those that may be
    given in place of one of them, then the history and reference tables."""
    extra = ([t for f in families() for t in f.alternatives] + [h.spec for h in histories()]
             + [t for f in families() for t in f.reference_tables])
    return (*year_tables(), *extra)


#: What the processes forked by :func:`_validations` validate: (parameters, folder, root), set before they fork.
_VALIDATING: list[tuple[Parameters, Path, Path]] = []


def _validations(params: Parameters, folder: Path, root: Path, names: list[str],
                 workers: int) -> list[tuple[list[Problem], list[Problem]]]:
    """The (problems, warnings) of the inputs of each family of ``names``, in order; ``workers`` at a time in
    forked processes (the parameters reach them by the fork, not by pickling), else one after the other here."""
    if workers <= 1 or len(names) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [_validation(params, folder, root, name) for name in names]
    _VALIDATING.append((params, folder, root))
    try:
        with ProcessPoolExecutor(max_workers=min(workers, len(names)), mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_forked_validation, names))
    finally:
        _VALIDATING.pop()


def _forked_validation(name: str) -> tuple[list[Problem], list[Problem]]:
    return _validation(*_VALIDATING[-1], name)


def _validation(params: Parameters, folder: Path, root: Path, name: str) -> tuple[list[Problem], list[Problem]]:
    try:
        return [], list(family(name).load_inputs(params, folder, root).warnings)
    except InputError as exc:
        return list(exc.problems), list(exc.warnings)


def section_families() -> dict[str, list[str]]:
    """Parameter section or key path → the families whose results it can move: each family's own section
    and what it reads (a shared section such as ``boundary``, or a key path of another family's section
    such as ``<family>.fuels``)."""
    found: dict[str, list[str]] = {}
    for declared in families():
        for section in (declared.name, *declared.reads):
            found.setdefault(section, []).append(declared.name)
    return found


class ValidationMemo(Protocol):
    """What :func:`validate_inputs` may be given to skip families whose inputs were validated before: the
    warnings of a family whose inputs, parameters and library are unchanged since they were found valid
    (None when not known), and where to keep those of a family found valid now."""

    def get(self, name: str) -> list[Problem] | None: ...

    def put(self, name: str, warnings: list[Problem]) -> None: ...


def validate_inputs(params: Parameters, folder: Path, root: Path, selected: Iterable[str],
                    memo: ValidationMemo | None = None, workers: int = 1) -> list[Problem]:
    """Load and validate the inputs of several families, as their notebooks will (with ``memo``, only those
    of the families it does not know valid), ``workers`` families at a time in processes forked from this one.

    Returns
    -------
    list of Problem
        The warnings of all families (values outside their typical range).

    Raises
    ------
    InputError
        With every problem of every family (and their warnings in ``warnings``).
    """
    __tracebackhide__ = True
    problems: list[Problem] = []
    warnings: list[Problem] = []
    names = []
    for declared in families():
        if declared.name not in selected:
            continue
        known = memo.get(declared.name) if memo is not None else None
        if known is not None:
            warnings += known
        else:
            names.append(declared.name)
    for name, (failed, found) in zip(names, _validations(params, Path(folder), Path(root), names, workers)):
        problems += failed
        warnings += found
        if memo is not None and not failed:
            memo.put(name, list(found))
    raise_problems(problems, warnings)
    return sorted(set(warnings), key=lambda p: (p.file, p.row or 0, p.column or "", p.message))
