"""What a family tells the shared parts about itself: the declaration each family folder exports.

A family is a folder, ``envkpi/families/<name>/``, and a notebook, ``notebooks/<name>.ipynb``,
listed in the catalogue (``catalogue.yaml``, ``families:``). Its ``__init__.py`` exports
``FAMILY``, a :class:`Family`, from which the shared parts learn everything they need without
naming it: the runner which notebook to execute and which input tables to check before it starts,
the parameter loader the model of its section, ``envkpi new-year`` the templates to write, the data
dictionary its columns, the changes report which parameter sections move its results and how its
results reconcile, ``envkpi publish`` which figures to keep in its history files.

Only the shared ground floor (``envkpi.core``) is imported here, so a family depends on nothing
above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from envkpi.core.inputs import TableSpec
from envkpi.core.parameters import Parameters
from envkpi.core.results import ResultRow

__all__ = ["Family", "History", "HistoryError", "SeriesFigure", "BreakdownSum", "Identity", "MoveTogether", "figure_text"]


class HistoryError(Exception):
    """The figures of a published run cannot be taken for a history file; the message says why."""


def figure_text(value: float) -> str:
    """A figure for a history file at full precision, as ``results.csv`` writes it (``repr``): reading it
    back gives the same float."""
    return repr(float(value))


@dataclass(frozen=True)
class SeriesFigure:
    """A published figure of a catalogue indicator, or of a sum of indicators, that a history row holds.

    Attributes
    ----------
    indicators : tuple of str
        The catalogue ids whose headline values it is (one id, or the parts of a sum, in catalogue order).
    fiscal_year : int
    value : float
        In ``unit``.
    unit : str
    source : str
        The row's source ("FY2013 data book …", "FY2017 as published on …").
    """

    indicators: tuple[str, ...]
    fiscal_year: int
    value: float
    unit: str
    source: str


@dataclass(frozen=True)
class History:
    """A file of published figures of earlier years that a family reads, and ``envkpi publish`` extends.

    Attributes
    ----------
    path : str
        The file, relative to the project root, e.g. ``data/history/<name>.csv``.
    spec : TableSpec
        Its columns (the data dictionary; the run reads it with them).
    keys : tuple of str
        The columns that identify a row; the last is ``fiscal_year``.
    figures : tuple of str
        The published figures of a row: a restatement keeps each as first published in a
        ``<figure>_as_published`` column.
    what : str
        What the rows hold, for messages ("site CO2 and output").
    rows : callable
        ``rows(results, inputs, root, fiscal_year, source)``: the rows of a published run, column →
        text, each with ``source``; ``results`` are its ``results.csv`` rows, ``inputs`` the input
        records of its manifest (path, sha256). ``[]`` when the run did not compute them (a run of
        some families only). Raises :class:`HistoryError` naming what is wrong.
    needed : callable
        ``needed(parameters, year)``: whether a run with these parameters reads the row of ``year``
        (the run refuses to start when the previous year's row is missing).
    series : callable, optional
        ``series(rows)``: the figures of catalogue indicators (or of sums of them) that the file's rows
        hold (column → text, as read), as :class:`SeriesFigure`; the published series of an indicator
        (:mod:`envkpi.cycle.series`) takes the years before the first published run from them.
    """

    path: str
    spec: TableSpec
    keys: tuple[str, ...]
    figures: tuple[str, ...]
    what: str
    rows: Callable[[list[ResultRow], list[dict], Path, int, str], list[dict[str, str]]]
    needed: Callable[[Parameters, int], bool]
    series: Callable[[list[dict[str, str]]], list[SeriesFigure]] | None = None


@dataclass(frozen=True)
class BreakdownSum:
    """A reconciliation: the rows of an indicator broken down by ``dimension`` (``site=…``) add up to its headline."""

    indicator_id: str
    dimension: str
    name: str


@dataclass(frozen=True)
class Identity:
    """A reconciliation: the headlines of ``left`` add up to those of ``right``, in ``unit``."""

    name: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    unit: str


@dataclass(frozen=True)
class MoveTogether:
    """A reconciliation: two indicators change from last year in the same direction, or both within
    the flag threshold. ``first`` and ``second`` are (indicator id, what it measures)."""

    name: str
    first: tuple[str, str]
    second: tuple[str, str]


@dataclass(frozen=True)
class Family:
    """The declaration of a family (``FAMILY`` in ``envkpi/families/<name>/__init__.py``).

    Attributes
    ----------
    name : str
        Its name in the catalogue: the folder, the notebook ``notebooks/<name>.ipynb`` and the
        section ``<name>:`` of the parameter files.
    section : type
        The pydantic model of its parameter section.
    tables : tuple of TableSpec
        The input tables it reads from the year's folder (``data/FY<yyyy>/``), in reading order.
    alternatives : tuple of TableSpec
        Tables of the year's folder that may be given in place of one of ``tables``
        (:attr:`envkpi.core.inputs.TableSpec.instead_of`), from which its loader derives that table.
    load_inputs : callable
        ``load_inputs(parameters, folder, root)``: reads and validates its inputs as its notebook does
        (with the default history and reference files), returning them with their ``warnings``, or
        raising :class:`envkpi.core.inputs.InputError` with every problem.
    reads : tuple of str
        What its results depend on in the parameters besides its own section: shared sections (e.g.
        ``boundary``) or key paths of another family's section (e.g. ``<family>.fuels``). The changes
        report attributes a change under one of them to the family (and reruns it to isolate the effect).
    reference_tables : tuple of TableSpec
        Tables it reads from outside the year's folder that are not history files (the data
        dictionary lists them).
    histories : tuple of History
        The published history it reads and ``envkpi publish`` extends.
    check_parameters : callable, optional
        ``check_parameters(parameters)``: problems between its section and the shared ones, each
        ``key.path: message``.
    reconciliations : tuple
        :class:`BreakdownSum`, :class:`Identity` and :class:`MoveTogether` checks of its results,
        made by the changes report.
    explanation_example : tuple of (str, str)
        An indicator id and a reason it may move, for the comment ``envkpi new-year`` writes above
        ``explanations:``.
    across_years : tuple of str
        Key paths of parameters its report shows in every fiscal year's file
        (:func:`envkpi.pages.report.show_parameter_across_years`): the only values of other years' files its
        results and report depend on (the execution cache keys them, :mod:`envkpi.running.cache`).
    references : callable, optional
        ``references(parameters, spec)``: the known keys of the columns of its table ``spec`` that come from
        the parameters (column → values: fuels, carriers, gases, regions, categories …), as its loader
        passes them to :func:`envkpi.core.inputs.read_table`. Site ids come from the site register and are
        not given here. ``envkpi forms`` offers them as drop-down lists.
    needs_results : bool
        Whether its notebook reads this year's results of the other families (a family that follows
        the others, such as the progress against commitments). The runner executes it after the others and passes
        it ``results_file``, a CSV of their rows (``results.csv``'s columns) in the run's folder, which
        the notebook resolves from its working directory, the run's folder.
    """

    name: str
    section: type[BaseModel]
    tables: tuple[TableSpec, ...]
    load_inputs: Callable[[Parameters, Path, Path], Any]
    alternatives: tuple[TableSpec, ...] = ()
    reads: tuple[str, ...] = ()
    reference_tables: tuple[TableSpec, ...] = ()
    histories: tuple[History, ...] = ()
    check_parameters: Callable[[Parameters], list[str]] | None = None
    reconciliations: tuple[BreakdownSum | Identity | MoveTogether, ...] = ()
    explanation_example: tuple[str, str] | None = None
    across_years: tuple[str, ...] = ()
    needs_results: bool = False
    references: Callable[[Parameters, TableSpec], dict[str, list[str]]] | None = None
