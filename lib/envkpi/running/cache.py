"""The cache of family executions: an unchanged family is not executed again, a changed one always is.

A family's executed notebook depends on five things, and its cache key is the SHA-256 of their
contents (:func:`execution_key`), never of dates or paths of files:

``notebook``
    the bytes of ``notebooks/<name>.ipynb``;
``parameters``
    the parameters the family reads: the shared sections and its own, and of another family's section
    only the paths it declares in ``Family.reads`` (a change to another family's section, to
    ``explanations`` or to ``restatement_reason`` is not one of its parameters); the values of the paths
    its report shows across years (``Family.across_years``) in every year's file; and the values it is
    executed with (``fiscal_year``, the files passed);
``inputs``
    the bytes of its input tables in the year's folder (``<table>.*``: CSV, Parquet, Excel) and of the
    year workbooks there (any other ``*.xlsx``: a sheet may give rows to its tables), its reference tables, the rows before the
    year of its history files (as its provenance records them, so that publishing a year does not
    change the key of the years before it), and for a family that reads the results of the others,
    those rows and the published results of earlier years;
``library``
    every source file of the ``envkpi`` package (:func:`envkpi.core.provenance.library_digest`);
``environment``
    Python, every installed distribution and its version, and the project's ``constraints.txt``
    (:func:`envkpi.core.provenance.environment_digest`).

A cached execution is the notebook as Papermill wrote it; a run that reuses it copies it into its
staging folder, and from there on treats it exactly as a fresh one (its paths normalised, its pages
exported), so the outputs are byte-identical to those of a fresh execution. Before it is reused, every
file its provenance cell lists is hashed again: a file the key missed cannot make it stale (and the
SHA-256 of a parameter file changed in a section the family does not read is brought up to date).

Entries are written atomically (a temporary file, then a rename), so concurrent runs (the test
suite's workers) share a cache safely. ``envkpi run --no-cache`` executes everything; the run's
manifest records which families were reused, with their keys.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from envkpi import families
from envkpi.core.provenance import environment_digest, history_record, library_digest, sha256_file
from envkpi.core.inputs import Problem, year_workbooks
from envkpi.core.paths import write_atomically
from envkpi.core.results import PROVENANCE_MIME

__all__ = ["CACHE_ENV", "DEFAULT_CACHE_DIR", "ExecutionCache", "Key", "KeyContext", "execution_key", "default_cache_dir",
           "keys_record"]

#: The environment variable naming the cache folder (the test suite shares one between its workers).
CACHE_ENV = "ENVKPI_CACHE"

#: The cache folder inside a project, when ``ENVKPI_CACHE`` is not set (git-ignored).
DEFAULT_CACHE_DIR = ".envkpi-cache"

#: Sections of a parameter file that no family notebook reads: the changes report's and the run's.
_NOT_READ_BY_FAMILIES = ("explanations", "restatement_reason")


def default_cache_dir(root: Path) -> Path:
    """``$ENVKPI_CACHE`` when set, else ``<root>/.envkpi-cache``."""
    configured = os.environ.get(CACHE_ENV, "").strip()
    return Path(configured).expanduser().resolve() if configured else Path(root) / DEFAULT_CACHE_DIR


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Key:
    """A cache key: the SHA-256 of each part (notebook, parameters, inputs, library, environment), and of all."""

    family: str
    parts: Mapping[str, str]

    @property
    def digest(self) -> str:
        return _digest({"family": self.family, **self.parts})


@dataclass
class KeyContext:
    """What the keys of one run share, computed once: the library's and the environment's digests, the
    parameter files of every year read as documents, and the hashes of files (by path, size and mtime)."""

    root: Path
    library: str = ""
    environment: str = ""
    _documents: dict[tuple[Path, str], dict | str] = field(default_factory=dict)
    _hashes: dict[tuple, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.library = self.library or library_digest()
        self.environment = self.environment or environment_digest(self.root / "constraints.txt")

    def file(self, path: Path) -> str:
        """SHA-256 of a file's bytes, or ``absent``."""
        try:
            stat = path.stat()
        except OSError:
            return "absent"
        memo = (str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
        if memo not in self._hashes:
            self._hashes[memo] = sha256_file(path)
        return self._hashes[memo]

    def document(self, path: Path) -> dict | str:
        """A parameter file as the run reads it (its ``extends`` merged and validated), or, when it cannot be
        read so, the SHA-256 of its bytes (then any change to it changes every key)."""
        memo = (path, self.file(path))
        if memo not in self._documents:
            try:
                self._documents[memo] = families.load_parameters(path, root=self.root).model_dump(mode="json")
            except Exception:  # noqa: BLE001 - an unreadable file of another year: its bytes stand for it
                self._documents[memo] = memo[1]
        return self._documents[memo]


def _read_by(name: str, document: dict | str) -> dict | str:
    """The part of a parameter document that family ``name`` reads: the shared sections, its own section,
    and the paths of other families' sections it declares in ``reads``."""
    if isinstance(document, str):
        return document
    others = set(families.names()) - {name}
    part = {key: value for key, value in document.items() if key not in others and key not in _NOT_READ_BY_FAMILIES}
    for path in families.family(name).reads:
        keys = path.split(".")
        if keys[0] not in others:
            continue
        node = document
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        part[f"reads:{path}"] = node
    return part


def _value_at(document: dict | str, path: str):
    """The value at a dotted ``path`` of a parameter document (None where absent; the document's digest when
    it could not be read)."""
    node = document
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else (node if isinstance(node, str) else None)
    return node


def execution_key(context: KeyContext, name: str, notebook_parameters: Mapping[str, object], *, params_path: Path,
                  data_path: Path, results_text: str | None = None, scratch: bool = False) -> Key:
    """The cache key of executing family ``name`` with ``notebook_parameters``.

    Parameters
    ----------
    context : KeyContext
        What the keys of a run share.
    name : str
        The family.
    notebook_parameters : mapping
        The parameters Papermill injects (they appear in the executed notebook, so they are part of the key).
    params_path, data_path : Path
        The parameter file and the input folder the execution reads.
    results_text : str, optional
        The results of the other families it reads (``results_of_other_families.csv``), for a family that
        needs them.
    scratch : bool
        An execution whose notebook is not kept (the changes report's isolated effects): the path of its
        parameter file, a temporary file, is left out of the key (its contents are in it).
    """
    root = context.root
    family = families.family(name)
    fiscal_year = int(notebook_parameters["fiscal_year"])
    injected = {k: v for k, v in notebook_parameters.items() if not (scratch and k == "parameters_file")}
    years = sorted((root / "parameters").glob("FY[0-9][0-9][0-9][0-9].yaml")) if family.across_years else []
    parameters = {"injected": injected, "file": _read_by(name, context.document(params_path)),
                  "across years": {p.name: [_value_at(context.document(p.resolve()), path) for path in family.across_years]
                                   for p in years}}
    inputs: dict[str, str] = {}
    for spec in family.tables:
        stem = Path(spec.file_name).stem
        for file in sorted(data_path.glob(f"{stem}.*")) or [data_path / spec.file_name]:
            inputs[f"data:{file.name}"] = context.file(file)
    for book in year_workbooks(data_path):  # its sheets named after tables give rows to those tables
        inputs[f"data:{book.name}"] = context.file(book)
    for spec in family.reference_tables:
        inputs[f"reference:{spec.file_name}"] = context.file(root / "data" / "reference" / spec.file_name)
    for history in family.histories:
        file = root / history.path
        inputs[f"history:{history.path}"] = history_record(file, fiscal_year).sha256 if file.is_file() else "absent"
    if family.needs_results:
        from envkpi.cycle.series import series_files

        inputs["results of the other families"] = hashlib.sha256((results_text or "").encode("utf-8")).hexdigest()
        for record in series_files(root, fiscal_year):
            inputs[f"{record.role}:{record.path}"] = record.sha256
    notebook = root / "notebooks" / f"{name}.ipynb"
    return Key(name, {"notebook": context.file(notebook), "parameters": _digest(parameters), "inputs": _digest(inputs),
                      "library": context.library, "environment": context.environment})


def _brought_up_to_date(data: bytes, root: Path, cwd: Path, hash_file: Callable[[Path], str]) -> bytes | None:
    """The stored notebook ``data`` as a fresh execution would write it now, or None when it is stale.

    Every file its provenance lists is hashed again: an input or history file that changed makes it
    stale. A parameter file is recorded with the SHA-256 of all its bytes, while the key holds only the
    sections the family reads: when the file changed elsewhere (another family's section), the recorded
    hash is replaced by the file's current one, which is what a fresh execution would record. A relative
    path is of the project ``root``, else of ``cwd``, the execution's working folder (the results of
    the other families that a family reads). ``hash_file`` hashes a file (the run's, which hashed most of
    them for the key already).
    """
    text = data.decode("utf-8")
    for cell in json.loads(text).get("cells", []):
        for output in cell.get("outputs", []):
            for record in output.get("data", {}).get(PROVENANCE_MIME, {}).get("files", []):
                path = Path(record["path"])
                if not path.is_absolute():
                    path = root / path if (root / path).is_file() else cwd / path
                role = str(record.get("role", ""))
                if role == "parameters" and not path.is_file():  # the temporary file of an isolated effect: the
                    continue  # key holds what it gave
                if not path.is_file():
                    return None
                if role.startswith("history") and "FY" in role:
                    now = history_record(path, int(role.rsplit("FY", 1)[-1])).sha256
                else:
                    now = hash_file(path)
                if now == record["sha256"]:
                    continue
                if role != "parameters":
                    return None
                text = _replace_hash(text, record["sha256"], now)
    return text.encode("utf-8")


def _replace_hash(text: str, old: str, new: str) -> str:
    """``text`` with the hex digest ``old`` replaced by ``new`` wherever it appears, also where a table shows it
    broken by ``<wbr>`` (the breaks kept where they were)."""
    pattern = re.compile("".join(f"{re.escape(c)}((?:<wbr>)?)" for c in old[:-1]) + re.escape(old[-1]))
    return pattern.sub(lambda m: "".join(c + (m.group(i + 1) or "") for i, c in enumerate(new[:-1])) + new[-1], text)


class ExecutionCache:
    """Executed notebooks by key, in ``folder`` (``<digest[:2]>/<digest>.ipynb``)."""

    def __init__(self, folder: Path, root: Path):
        self.folder = Path(folder)
        self.root = Path(root).resolve()

    def _path(self, key: Key) -> Path:
        return self.folder / key.digest[:2] / f"{key.digest}.ipynb"

    def load(self, key: Key, cwd: Path | None = None, hash_file: Callable[[Path], str] = sha256_file) -> bytes | None:
        """The executed notebook stored under ``key``, brought up to date (:func:`_brought_up_to_date`), if
        there is one and it is not stale."""
        try:
            return _brought_up_to_date(self._path(key).read_bytes(), self.root, cwd or self.root, hash_file)
        except (OSError, ValueError):
            return None

    @contextmanager
    def claim(self, key: Key) -> Iterator[None]:
        """Hold ``key`` while it is looked up and, if missing, executed: a run that needs the same key meanwhile
        (another worker, another process) waits, then finds it stored, instead of executing it too. The lock
        is the system's (``flock``), released when the process ends, however it ends."""
        path = self._path(key).with_suffix(".lock")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:  # a cache that cannot be written: no waiting, no sharing
            yield
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        finally:
            os.close(handle)

    def store(self, key: Key, executed: Path) -> None:
        """Keep the executed notebook ``executed`` under ``key`` (atomically; a failure to write is not an error)."""
        write_atomically(self._path(key), executed.read_bytes())


@dataclass
class ValidatedInputs:
    """The inputs of a year's families found valid before, by key (:class:`envkpi.families.ValidationMemo`):
    validating a family's inputs depends on nothing but what its execution key covers, so a family whose
    key is unchanged is valid, with the same warnings, without reading its tables again."""

    store: ExecutionCache
    context: KeyContext
    parameters: Mapping[str, object]  # the notebook parameters of the run (the files it reads)
    params_path: Path
    data_path: Path

    def _path(self, name: str) -> Path:
        key = execution_key(self.context, name, self.parameters, params_path=self.params_path, data_path=self.data_path)
        return self.store.folder / key.digest[:2] / f"{key.digest}.valid.json"

    def get(self, name: str) -> list[Problem] | None:
        try:
            return [Problem(**warning) for warning in json.loads(self._path(name).read_text(encoding="utf-8"))]
        except (OSError, ValueError, TypeError):
            return None

    def put(self, name: str, warnings: list[Problem]) -> None:
        write_atomically(self._path(name), json.dumps([dataclasses.asdict(w) for w in warnings]).encode("utf-8"))


def keys_record(keys: Sequence[Key]) -> dict:
    """The manifest's record of the keys: family → digest and parts."""
    return {key.family: {"key": key.digest, **key.parts} for key in keys}
