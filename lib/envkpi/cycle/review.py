"""Auditor review: per-cell sign-off bound to the exact content that was reviewed.

An auditor reviews the executed notebooks of a year cell by cell. Each review — reviewer, date,
status (``ok``, ``query`` or ``rejected``) and comment — is recorded in ``outputs/FY<yyyy>/review.yaml``
under the notebook and the cell id, together with the SHA-256 of that cell's content
(:func:`cell_sha256`: its type, source and outputs). When the cell later changes — its code was
edited, an input moved its result — the hash no longer matches and the review is *stale*: it was
given to something else. Reviews are kept as a history per cell; the latest one counts.

The review belongs to the year, not to one run: a rerun of an unpublished year keeps
``review.yaml``, and a published year can be reviewed (``review.yaml`` and the auditor pages in
``audit/`` are not part of the publication; they are written beside it). Reviews are checked
against the year's current figures: its latest restatement if there is one
(:func:`envkpi.cycle.publication.latest_results_folder`).

An auditor who works in JupyterLab records the same fields in the metadata of the cell, under
:data:`METADATA_KEY`, in a copy of the executed notebook (:func:`copy_for_review`);
:func:`collect` gathers them into ``review.yaml``.

Layout of ``review.yaml``::

    fiscal_year: 2018
    notebooks:
      <family>:                     # notebook name (<family>.ipynb)
        scope-2-total:              # cell id
        - reviewer: A. Auditor
          date: 2019-05-20
          status: ok                # ok | query | rejected
          comment: Tied to <table>.csv rows 2-13 and the FY2018 grid factors.
          sha256: 9f2c…             # of the cell's type, source and outputs when reviewed
"""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from pathlib import Path

import nbformat
import nbformat.reader
import yaml
from nbformat import NotebookNode
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from envkpi.cycle.publication import REVIEW_FILE, latest_results_folder

__all__ = [
    "REVIEW_FILE",
    "METADATA_KEY",
    "STATES",
    "ReviewError",
    "Status",
    "CellReview",
    "Review",
    "CellState",
    "cell_sha256",
    "cell_difference",
    "Collected",
    "load_reviews",
    "record_review",
    "cell_states",
    "notebook_states",
    "executed_notebooks",
    "status_summary",
    "open_queries",
    "SignOff",
    "YEAR",
    "load_sign_offs",
    "sign_off",
    "sign_off_states",
    "source_notebook",
    "code_changed_cells",
    "collect",
    "copy_for_review",
]

#: The cell-metadata key under which a review is recorded in JupyterLab.
METADATA_KEY = "envkpi_review"
#: The state of a cell, in the order of the summary.
STATES = ("reviewed", "stale", "queried", "answered", "rejected", "unreviewed")
#: The entries of a cell's thread that keep a query open: the auditor's query and the preparer's answer.
_OPEN = ("query", "answer")

_HEADER = (
    "# Auditor review of this fiscal year's executed notebooks, written by `envkpi review`.\n"
    "# Per notebook and cell id, the reviews given (the latest counts), each bound to the SHA-256 of\n"
    "# the cell's type, source and outputs: a cell that changed since shows as \"review stale\".\n"
)


class ReviewError(ValueError):
    """A review that cannot be recorded or read; the message names the file, the cell and the key."""


class Status(str, Enum):
    """What the auditor concluded about a cell, or a step of a query's thread."""

    ok = "ok"
    query = "query"
    rejected = "rejected"
    answer = "answer"      # the preparer's answer to the open query
    resolved = "resolved"  # the auditor closes the query: the cell is reviewed


class CellReview(BaseModel):
    """A review as an auditor gives it: on the command line, or in a cell's metadata in JupyterLab."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    reviewer: str = Field(min_length=1)
    date: date
    status: Status
    comment: str = ""

    @field_validator("reviewer")
    @classmethod
    def _named(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("must name the reviewer")
        return text.strip()


class Review(CellReview):
    """One review of one cell, bound to the SHA-256 of the content reviewed."""

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class SignOff(BaseModel):
    """The auditor's sign-off of a notebook (or of the year), bound to the content signed off."""

    model_config = ConfigDict(extra="forbid")

    reviewer: str = Field(min_length=1)
    date: date
    comment: str = ""
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")  # of the cells' hashes (a notebook) or the notebooks' (the year)


#: The key of the year's own sign-off among the sign-offs of ``review.yaml``.
YEAR = "year"


class _ReviewFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fiscal_year: int
    notebooks: dict[str, dict[str, list[Review]]] = {}
    sign_offs: dict[str, list[SignOff]] = {}


@dataclass(frozen=True)
class CellState:
    """A cell of an executed notebook and where its review stands."""

    notebook: str
    cell_id: str
    cell_type: str
    sha256: str
    state: str                 # one of STATES
    review: Review | None      # the latest review, if any
    thread: tuple = ()         # the entries since the latest query was raised, when there is one
    covered_by: str | None = None  # a markdown cell without its own review: the section's code cells reviewed
    code_changed: bool = False     # the cell's code in notebooks/ differs from the code that was run
    is_result: bool = False        # the cell records an indicator's result (RESULT_MIME)


# --- hashing ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Collected:
    """What :func:`collect` recorded and what it refused (one line each, naming file, cell and why)."""

    added: list
    refused: list[str]


#: Keys of an output that are not its content: the execution count moves when a cell is added above,
#: ``transient`` is never saved, and an empty ``metadata`` may be dropped or added by an editor.
_NOT_CONTENT = ("execution_count", "transient")


def _canonical(value):
    """A JSON value in the form a notebook editor cannot change: integral floats as integers
    (JupyterLab saves ``42080.0`` as ``42080``), line ends as ``\\n``; key order is fixed by the dump."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2 ** 53 else value
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


def _output_content(output: dict) -> dict:
    """An output's content in canonical form (:func:`_canonical`), without what is not content."""
    content = {key: value for key, value in output.items() if key not in _NOT_CONTENT}
    if not content.get("metadata"):
        content.pop("metadata", None)
    return _canonical(content)


def _digest(content) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def cell_sha256(cell: NotebookNode) -> str:
    """SHA-256 of what an auditor reviews in a cell: its type, source and outputs, in canonical form.

    Parameters
    ----------
    cell : nbformat.NotebookNode
        A cell of a notebook read with nbformat (multi-line strings joined).

    Returns
    -------
    str
        Hex digest of the canonical JSON (sorted keys, UTF-8, no spaces) of the cell type, the
        source, the attachments of a markdown cell and the outputs, each value in the form a save in
        JupyterLab does not change (:func:`_canonical`: integral numbers, line ends; an output's
        execution count, transient data and empty metadata left out). Cell metadata (tags, timings,
        a review written in JupyterLab) does not count: it is not what was reviewed.
    """
    return _digest({
        "cell_type": cell.get("cell_type"),
        "source": _canonical(cell.get("source", "")),
        "attachments": _canonical(cell.get("attachments") or {}),
        "outputs": [_output_content(o) for o in cell.get("outputs", [])],
    })


def cell_difference(cell: NotebookNode, reference: NotebookNode) -> str | None:
    """What differs between a cell and the same cell of the reference notebook, or None.

    Names the part: ``its source``, ``its type``, ``its number of outputs (3, the year's 2)`` or
    ``output 2 (display_data, text/html)``, counting outputs from 1.
    """
    if cell_sha256(cell) == cell_sha256(reference):
        return None
    if cell.get("cell_type") != reference.get("cell_type"):
        return "its type"
    if _canonical(cell.get("source", "")) != _canonical(reference.get("source", "")):
        return "its source"
    mine, theirs = cell.get("outputs", []), reference.get("outputs", [])
    if len(mine) != len(theirs):
        return f"its number of outputs ({len(mine)}, the year's {len(theirs)})"
    for number, (a, b) in enumerate(zip(mine, theirs), start=1):
        a, b = _output_content(a), _output_content(b)
        if a != b:
            keys = sorted(k for k in set(a.get("data", {})) | set(b.get("data", {}))
                          if a.get("data", {}).get(k) != b.get("data", {}).get(k))
            return f"output {number} ({a.get('output_type', '?')}{', ' + ', '.join(keys) if keys else ''})"
    return "its attachments"


# --- the record --------------------------------------------------------------------------------

def _problems(error: ValidationError, prefix: str) -> list[str]:
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        lines.append(f"{prefix}{where}: {item['msg'].removeprefix('Value error, ')}")
    return lines


class _TextDatesLoader(yaml.SafeLoader):
    """YAML loader that leaves dates as text, so that pydantic — not the YAML parser — judges them."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def load_reviews(year_folder: Path) -> dict[str, dict[str, list[Review]]]:
    """The reviews recorded for a year, by notebook and cell id (empty when none).

    Raises
    ------
    ReviewError
        When ``review.yaml`` is not valid; every problem is listed with its key path.
    """
    return _load_file(year_folder).notebooks


def load_sign_offs(year_folder: Path) -> dict[str, list[SignOff]]:
    """The sign-offs recorded for a year, by notebook name (and :data:`YEAR` for the year's own)."""
    return _load_file(year_folder).sign_offs


def _load_file(year_folder: Path) -> _ReviewFile:
    path = Path(year_folder) / REVIEW_FILE
    if not path.exists():
        return _ReviewFile(fiscal_year=0)
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextDatesLoader) or {}
        return _ReviewFile.model_validate(document)
    except OSError as exc:
        raise ReviewError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise ReviewError(f"{path}: not UTF-8 text (byte {exc.start}); "
                          "expected the review.yaml envkpi writes") from None
    except yaml.YAMLError as exc:
        raise ReviewError(f"{path}: not valid YAML: {exc}") from None
    except ValidationError as exc:
        raise ReviewError("\n".join(_problems(exc, f"{path}: "))) from None


def _save_reviews(year_folder: Path, fiscal_year: int, reviews: dict[str, dict[str, list[Review]]],
                  sign_offs: dict[str, list[SignOff]] | None = None) -> Path:
    path = Path(year_folder) / REVIEW_FILE
    if sign_offs is None:
        sign_offs = load_sign_offs(year_folder)
    document = {"fiscal_year": fiscal_year, "notebooks": {
        name: {cell_id: [r.model_dump() for r in history] for cell_id, history in sorted(cells.items())}
        for name, cells in sorted(reviews.items())}}
    if sign_offs:
        document["sign_offs"] = {name: [s.model_dump() for s in history] for name, history in sign_offs.items()}
    text = _HEADER + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    partial = path.with_name(f".{REVIEW_FILE}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
    return path


def _fiscal_year(year_folder: Path) -> int:
    """The fiscal year of a year's outputs, from the manifest of its current figures."""
    manifest = latest_results_folder(Path(year_folder)) / "manifest.json"
    try:
        return int(json.loads(manifest.read_text(encoding="utf-8"))["fiscal_year"])
    except (OSError, ValueError, KeyError, TypeError):
        raise ReviewError(f"{manifest}: missing or without fiscal_year; run the year first (envkpi run --fy …)") from None


def _require_run_folder(folder: Path) -> list[Path]:
    """The executed notebooks (``*.ipynb``) of a run folder, in name order.

    Raises
    ------
    ReviewError
        When the folder does not exist, is not a folder, or holds no executed notebook.
    """
    folder = Path(folder)
    if not folder.exists():
        raise ReviewError(f"{folder}: no such folder; run the year first (envkpi run --fy …) "
                          "or name its folder with --out")
    if not folder.is_dir():
        raise ReviewError(f"{folder}: not a folder; expected a year's output folder such as outputs/FY<yyyy>")
    paths = sorted(folder.glob("*.ipynb"))
    if not paths:
        raise ReviewError(f"{folder}: no executed notebooks; run the year first (envkpi run --fy …)")
    return paths


def executed_notebooks(folder: Path) -> dict[str, NotebookNode]:
    """The executed notebooks of a run folder, by name, in name order.

    Raises
    ------
    ReviewError
        When there is none (see :func:`_require_run_folder`), or one cannot be read as a notebook.
    """
    notebooks = {}
    for path in _require_run_folder(folder):
        try:
            notebooks[path.stem] = nbformat.read(path, as_version=4)
        except (OSError, ValueError) as exc:  # nbformat's NotJSONError is a ValueError
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).splitlines()[0][:200]
            raise ReviewError(f"{path}: cannot be read as a notebook ({reason})") from None
    return notebooks


def _current_cells(year_folder: Path) -> dict[str, dict[str, NotebookNode]]:
    """Cell by id of every executed notebook of the year's current figures."""
    return {name: {cell.id: cell for cell in notebook.cells}
            for name, notebook in executed_notebooks(latest_results_folder(year_folder)).items()}


def record_review(year_folder: Path, notebook: str, cell_ids: list[str], *, status: str, reviewer: str,
                  on: date, comment: str = "") -> list[Review]:
    """Record the review of one or more cells of a notebook of the year.

    Parameters
    ----------
    year_folder : Path
        ``outputs/FY<yyyy>`` (published or not).
    notebook : str
        The notebook's name, e.g. ``<family>``.
    cell_ids : list of str
        Ids of the cells reviewed (as in the auditor page and the executed notebook).
    status : {"ok", "query", "rejected"}
    reviewer : str
        Who reviewed.
    on : date
        When.
    comment : str
        What was checked, or the question.

    Returns
    -------
    list of Review
        The reviews added, each bound to the current SHA-256 of its cell.

    Raises
    ------
    ReviewError
        For an unknown notebook or cell id (all named at once), or an invalid field.
    """
    year_folder = Path(year_folder)
    fiscal_year = _fiscal_year(year_folder)
    cells = _current_cells(year_folder)
    if notebook not in cells:
        raise ReviewError(f"{year_folder}: no notebook {notebook!r}; the year has: {', '.join(cells)}")
    unknown = [cell_id for cell_id in cell_ids if cell_id not in cells[notebook]]
    if unknown or not cell_ids:
        raise ReviewError(f"{notebook}.ipynb of FY{fiscal_year} has no cell with id {', '.join(map(repr, unknown))}; "
                          f"its cells are: {', '.join(cells[notebook])}"
                          if unknown else "name at least one cell (--cell)")
    try:
        added = [Review(reviewer=reviewer, date=on, status=status, comment=comment,
                        sha256=cell_sha256(cells[notebook][cell_id])) for cell_id in cell_ids]
    except ValidationError as exc:
        raise ReviewError("\n".join(_problems(exc, "review: "))) from None
    reviews = load_reviews(year_folder)
    if status in ("answer", "resolved"):
        closed = [cell_id for cell_id in cell_ids
                  if not reviews.get(notebook, {}).get(cell_id) or reviews[notebook][cell_id][-1].status not in _OPEN]
        if closed:
            raise ReviewError(f"{notebook}: no open query on cell {', '.join(map(repr, closed))} to "
                              f"{'answer' if status == 'answer' else 'resolve'} (envkpi review --fy {fiscal_year} --open lists them)")
        if status == "answer" and not comment.strip():
            raise ReviewError("an answer needs its text (--comment)")
    for cell_id, review in zip(cell_ids, added):
        reviews.setdefault(notebook, {}).setdefault(cell_id, []).append(review)
    _save_reviews(year_folder, fiscal_year, reviews)
    return added


def _state(review: Review | None, sha256: str) -> str:
    if review is None:
        return "unreviewed"
    if review.sha256 != sha256:
        return "stale"
    return {"ok": "reviewed", "query": "queried", "answer": "answered", "rejected": "rejected",
            "resolved": "reviewed"}[review.status]


def cell_states(year_folder: Path, results_folder: Path | None = None,
                source_notebooks: Path | None = None) -> dict[str, list[CellState]]:
    """Where the review of every cell of the year stands, by notebook, in cell order.

    Parameters
    ----------
    year_folder : Path
        ``outputs/FY<yyyy>``, which holds ``review.yaml``.
    results_folder : Path, optional
        The executed notebooks to check against (default: the year's current figures, i.e. its
        latest restatement or the folder itself).
    source_notebooks : Path, optional
        The project's ``notebooks/``: a cell whose code there differs from the code that was run is
        marked ``code_changed`` (a rerun that reproduces the results writes nothing, so the reviewed
        cell is still the one shown, but it is no longer the code of the workbook).
    """
    reviews = load_reviews(year_folder)
    folder = results_folder or latest_results_folder(year_folder)
    return {name: notebook_states(name, notebook, reviews.get(name, {}), source_notebook(source_notebooks, name))
            for name, notebook in executed_notebooks(folder).items()}


def source_notebook(folder: Path | None, name: str, *, validate: bool = True) -> NotebookNode | None:
    """``<folder>/<name>.ipynb`` read with nbformat, or None when there is no folder or no readable file.

    ``validate=False`` skips nbformat's schema validation (a fifth of the time), for notebooks a run wrote
    itself and only compares: their cells are read the same way.
    """
    path = folder / f"{name}.ipynb" if folder else None
    if path is None or not path.is_file():
        return None
    try:
        if not validate:
            return nbformat.convert(nbformat.reader.reads(path.read_text(encoding="utf-8")), 4)
        return nbformat.read(path, as_version=4)
    except (OSError, ValueError):
        return None


def code_changed_cells(executed: NotebookNode, source: NotebookNode) -> list[str]:
    """Ids of the code cells of an executed notebook whose source differs from the same cell of ``source``
    (the notebook in ``notebooks/``, or another run's); the cell Papermill injected does not count."""
    code = {cell.id: cell.source for cell in source.cells if cell.cell_type == "code"}
    return [cell.id for cell in executed.cells if cell.cell_type == "code" and code.get(cell.id) != cell.source
            and "injected-parameters" not in cell.metadata.get("tags", [])]


def _thread(history: list[Review]) -> tuple:
    """The entries since the latest query (the query, its answers, its resolution), or none."""
    starts = [i for i, review in enumerate(history) if review.status == "query"]
    return tuple(history[starts[-1]:]) if starts and history[-1].status in ("query", "answer", "resolved") else ()


def notebook_states(name: str, notebook: NotebookNode, given: dict[str, list[Review]],
                    source: NotebookNode | None = None) -> list[CellState]:
    """Where the review of every cell of one executed notebook stands, given its reviews by cell id.

    A markdown cell without its own review is covered by its section's: it shows as ``reviewed``
    (``covered_by`` naming the section's code cells) when every code cell that follows it, up to the
    next markdown cell, is reviewed. With ``source`` (the notebook in ``notebooks/``), a code cell
    whose source there differs is marked ``code_changed``.
    """
    from envkpi.core.results import RESULT_MIME

    changed_code = set(code_changed_cells(notebook, source)) if source is not None else set()
    states = []
    for cell in notebook.cells:
        sha256 = cell_sha256(cell)
        history = given.get(cell.id, [])
        latest = history[-1] if history else None
        changed = cell.id in changed_code
        is_result = any(RESULT_MIME in output.get("data", {}) for output in cell.get("outputs", []))
        states.append(CellState(name, cell.id, cell.cell_type, sha256, _state(latest, sha256), latest, _thread(history),
                                code_changed=changed, is_result=is_result))
    for index, state in enumerate(states):
        if state.cell_type != "markdown" or state.review is not None:
            continue
        section = []
        for following in states[index + 1:]:
            if following.cell_type == "markdown":
                break
            section.append(following)
        if section and all(s.state == "reviewed" for s in section):
            states[index] = replace(state, state="reviewed", covered_by=", ".join(s.cell_id for s in section))
    return states


def open_queries(year_folder: Path) -> list[dict]:
    """The queries still open in the year: per cell, the query and the answer given to it, if any.

    Returns
    -------
    list of dict
        ``notebook, cell_id, state`` (``queried`` or ``answered``, or ``stale`` when the cell changed
        since) and ``thread``: the entries since the query was raised (:class:`Review`), oldest first.
    """
    found = []
    for name, states in cell_states(year_folder).items():
        reviews = load_reviews(year_folder).get(name, {})
        for cell in states:
            history = reviews.get(cell.cell_id, [])
            if not history or history[-1].status not in _OPEN:
                continue
            start = max(i for i, review in enumerate(history) if review.status == "query")
            found.append({"notebook": name, "cell_id": cell.cell_id, "state": cell.state, "thread": history[start:]})
    return found


# --- sign-off ----------------------------------------------------------------------------------------

def _notebook_digest(states: list[CellState]) -> str:
    return _digest([state.sha256 for state in states])


def _year_digest(states: dict[str, list[CellState]]) -> str:
    return _digest({name: _notebook_digest(cells) for name, cells in sorted(states.items())})


def sign_off_states(year_folder: Path, states: dict[str, list[CellState]] | None = None) -> dict[str, str]:
    """Per notebook and for the year (:data:`YEAR`): ``signed off``, ``sign-off stale`` (the content
    changed since) or ``not signed off``."""
    states = states if states is not None else cell_states(year_folder)
    given = load_sign_offs(year_folder)
    digests = {name: _notebook_digest(cells) for name, cells in states.items()}
    digests[YEAR] = _year_digest(states)
    result = {}
    for name, digest in digests.items():
        history = given.get(name, [])
        result[name] = ("not signed off" if not history else
                        "signed off" if history[-1].sha256 == digest else "sign-off stale")
    return result


def sign_off(year_folder: Path, notebook: str | None, *, reviewer: str, on: date, comment: str = "") -> SignOff:
    """Sign off a notebook of the year (every result cell reviewed, no open query, nothing rejected), or
    the year itself (``notebook`` None: every notebook signed off on its current content).

    Raises
    ------
    ReviewError
        Naming every cell or notebook that stands in the way.
    """
    year_folder = Path(year_folder)
    fiscal_year = _fiscal_year(year_folder)
    states = cell_states(year_folder)
    if notebook is None:
        current = sign_off_states(year_folder, states)
        missing = [name for name in states if current[name] != "signed off"]
        if missing:
            raise ReviewError(f"FY{fiscal_year} cannot be signed off: {', '.join(f'{n} ({current[n]})' for n in missing)}; "
                              f"sign off each notebook first (envkpi review --fy {fiscal_year} --sign-off --notebook NAME --by NAME)")
        key, digest = YEAR, _year_digest(states)
    else:
        if notebook not in states:
            raise ReviewError(f"{year_folder}: no notebook {notebook!r}; the year has: {', '.join(states)}")
        cells = states[notebook]
        problems = [f"result cell {c.cell_id!r} is {_LABEL.get(c.state, c.state)}" for c in cells
                    if c.is_result and c.state != "reviewed"]
        problems += [f"cell {c.cell_id!r} is {_LABEL.get(c.state, c.state)}" for c in cells
                     if c.state in ("queried", "answered", "rejected") and not c.is_result]
        if problems:
            raise ReviewError(f"{notebook} of FY{fiscal_year} cannot be signed off ({len(problems)} cell"
                              f"{'s' if len(problems) > 1 else ''}):\n" + "\n".join(f"  {p}" for p in problems))
        key, digest = notebook, _notebook_digest(cells)
    try:
        given = SignOff(reviewer=reviewer, date=on, comment=comment, sha256=digest)
    except ValidationError as exc:
        raise ReviewError("\n".join(_problems(exc, "sign-off: "))) from None
    sign_offs = load_sign_offs(year_folder)
    sign_offs.setdefault(key, []).append(given)
    _save_reviews(year_folder, fiscal_year, load_reviews(year_folder), sign_offs)
    return given


_LABEL = {"unreviewed": "not reviewed", "stale": "review stale", "answered": "query answered, not resolved"}


def status_summary(year_folder: Path, source_notebooks: Path | None = None) -> list[dict]:
    """Per notebook, how many cells are reviewed, stale, queried, answered, rejected and unreviewed,
    and where its sign-off stands.

    Reviews of cells that no longer exist are counted as ``removed``; with ``source_notebooks``
    (the project's ``notebooks/``), ``code_changed`` lists the cells whose code there is no longer the
    code that was run (and reviewed).
    """
    reviews = load_reviews(year_folder)
    states = cell_states(year_folder, source_notebooks=source_notebooks)
    signed = sign_off_states(year_folder, states)
    rows = []
    for name, cells in states.items():
        counts = Counter(cell.state for cell in cells)
        removed = set(reviews.get(name, {})) - {cell.cell_id for cell in cells}
        rows.append({"notebook": name, "cells": len(cells), **{state: counts[state] for state in STATES},
                     "removed": len(removed), "sign_off": signed[name],
                     "code_changed": [cell.cell_id for cell in cells if cell.code_changed]})
    return rows


# --- JupyterLab ---------------------------------------------------------------------------------

def copy_for_review(year_folder: Path, destination: Path) -> list[Path]:
    """Writable copies of the year's executed notebooks, for an auditor to annotate in JupyterLab.

    The executed notebooks of a run are covered by its manifest (and read-only once published), so
    the auditor writes reviews into cell metadata of copies; :func:`collect` reads them back.

    Raises
    ------
    ReviewError
        When the year has no executed notebooks, ``destination`` is a file, a copy exists there
        already (never overwritten), or a copy cannot be written; then nothing is copied.
    """
    source = latest_results_folder(Path(year_folder))
    notebooks = _require_run_folder(source)
    destination = Path(destination)
    if (destination.exists() or destination.is_symlink()) and not destination.is_dir():
        raise ReviewError(f"{destination}: exists and is not a folder; expected a folder for the copies "
                          "(absent, or without copies of these notebooks)")
    existing = [destination / path.name for path in notebooks if (destination / path.name).exists()]
    if existing:  # checked before anything is copied: all the copies are written, or none
        raise ReviewError(f"{', '.join(map(str, existing))}: already exist{'s' if len(existing) == 1 else ''}; "
                          "collect it first or choose another folder")
    copies = []
    try:
        destination.mkdir(parents=True, exist_ok=True)
        for path in notebooks:
            target = destination / path.name
            shutil.copyfile(path, target)
            target.chmod(stat.S_IMODE(target.stat().st_mode) | stat.S_IWUSR)
            copies.append(target)
    except OSError as exc:
        for target in copies:
            target.unlink(missing_ok=True)
        raise ReviewError(f"{exc.filename or destination}: cannot write a copy ({exc.strerror or exc}); "
                          "nothing copied") from None
    return copies


def collect(year_folder: Path, files: list[Path]) -> Collected:
    """Gather the reviews written in JupyterLab (cell metadata ``envkpi_review``) into ``review.yaml``.

    Parameters
    ----------
    year_folder : Path
        ``outputs/FY<yyyy>``.
    files : list of Path
        Annotated copies of the year's executed notebooks; each file's name (``<family>.ipynb``)
        says which notebook it is.

    Returns
    -------
    Collected
        ``added``: the reviews recorded (notebook, cell id, Review); a review already recorded (same
        fields, same content) is not added twice. ``refused``: one line per review that could not be
        taken, naming the file and cell and why: an unreadable file, an unknown notebook or cell, a
        field that is wrong, or a cell whose content differs from the year's executed notebook (which
        part: the source or which output). Every good review is recorded whatever is refused.
    """
    year_folder = Path(year_folder)
    fiscal_year = _fiscal_year(year_folder)
    current = _current_cells(year_folder)
    reviews = load_reviews(year_folder)
    problems, added = [], []
    for file in files:
        file = Path(file)
        try:
            notebook = nbformat.read(file, as_version=4)
        except (OSError, ValueError) as exc:  # nbformat's NotJSONError is a ValueError
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).splitlines()[0][:200]
            problems.append(f"{file}: cannot be read as a notebook ({reason})")
            continue
        if file.stem not in current:
            problems.append(f"{file}: FY{fiscal_year} has no notebook {file.stem!r} ({', '.join(current)})")
            continue
        for cell in notebook.cells:
            metadata = cell.metadata.get(METADATA_KEY)
            if metadata is None:
                continue
            where = f"{file}: cell {cell.get('id')!r}: metadata {METADATA_KEY}"
            theirs = current[file.stem].get(cell.get("id"))
            if theirs is None:
                problems.append(f"{where}: the year's {file.name} has no cell with this id")
                continue
            difference = cell_difference(cell, theirs)
            if difference:
                problems.append(f"{where}: {difference} differs from the year's {file.name}, so the review would "
                                f"not be of what the year reports; review the cell as the year reports it")
                continue
            try:
                given = CellReview.model_validate(metadata)
            except ValidationError as exc:
                problems += _problems(exc, f"{where}.")
                continue
            review = Review(**given.model_dump(), sha256=cell_sha256(theirs))
            history = reviews.setdefault(file.stem, {}).setdefault(cell.id, [])
            if review not in history:
                history.append(review)
                added.append((file.stem, cell.id, review))
    if added:
        _save_reviews(year_folder, fiscal_year, reviews)
    return Collected(added, problems)
