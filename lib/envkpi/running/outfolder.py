"""Output folders: what a run may write into, one run at a time, and the swap into place.

A run never destroys anything that is not an envkpi output. Before anything runs, :func:`claim`
checks the output folder:

* where it is: inside the project it must lie under ``outputs/`` (``--force-out`` allows elsewhere in
  the project), and never the project folder itself, a folder that contains it, or ``data/``,
  ``parameters/``, ``notebooks/``, ``lib/``, ``tests/``, ``.git/``, ``.venv/`` or anything below them,
  forced or not; nor a folder inside another envkpi output folder. Outside the project any path will do;
* what is there: nothing (absent or empty), or an envkpi output folder — one whose ``manifest.json``
  was written by envkpi (``generated_by`` starts with "envkpi") and, unless the year is published (a
  published folder is never replaced), that holds nothing its manifest does not list besides
  ``publication.json``, ``review.yaml``, ``audit/`` and ``.ipynb_checkpoints/``;
* that it and its parent can be written.

Anything else raises :class:`OutputFolderError`, naming the folder and what is there.

One run at a time: the run holds an exclusive ``flock`` on ``.<name>.lock`` beside the folder (not in
it, so ``envkpi verify`` never sees it) from before it stages anything until its outputs are in place,
and removes the file when it ends. The file holds the holder's pid, host, start time and command line;
a second run into the same folder raises :class:`OutputFolderBusy` naming them. The operating system
releases the lock when its process dies, so a lock file whose lock is free is the record of a run that
did not finish (killed): the next run says so and cleans up after it.

The outputs are written into a staging folder of their own, ``.staging-<name>-<pid>-<random>``
beside the folder, so that two runs never share one. When everything succeeded, :func:`replace`
exchanges it with the output folder atomically (``renameat2(RENAME_EXCHANGE)`` on Linux), or by two
renames where the file system cannot: the folder to ``.retired-<name>-<pid>-<random>``, then the
staging folder to the folder. Whatever the moment a run is killed, the next run into that folder,
holding the lock, finds either the previous or the new outputs in place, or — killed between the two
renames — the folder missing and the previous outputs retired, which it renames back before
anything else; then it removes every ``.staging-<name>-…`` and ``.retired-<name>-…`` left beside the
folder (no run that is alive can own them: it would hold the lock), one progress line each.

A failed run keeps its executed notebooks in ``<name>.failed`` with a ``failure.json`` that says so;
an existing ``<name>.failed`` is replaced only under the same rule (absent, empty or envkpi's), else
the notebooks go to ``<name>.failed-2``, ``-3`` ….
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import re
import secrets
import shlex
import shutil
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from envkpi import __version__
from envkpi.cycle.publication import (
    AUDIT_DIR,
    MANIFEST_FILE,
    PUBLICATION_FILE,
    REVIEW_FILE,
    is_published,
    make_writable,
)

__all__ = ["FAILURE_FILE", "PROTECTED", "OutputFolderBusy", "OutputFolderError", "check", "check_contents",
           "check_location", "claim", "keep_failed", "lock_file", "output_lock", "remove", "replace"]

#: Folders of the project that a run never writes into, even with ``--force-out``.
PROTECTED = ("data", "parameters", "notebooks", "lib", "tests", ".git", ".venv")
#: The record a failed run leaves in ``<name>.failed``: it makes the folder envkpi's, so the next run may replace it.
FAILURE_FILE = "failure.json"
#: Entries of an unpublished output folder that its manifest does not list but a run may replace.
_BESIDE_OUTPUTS = {MANIFEST_FILE, PUBLICATION_FILE, REVIEW_FILE, AUDIT_DIR, ".ipynb_checkpoints"}
#: What follows ``.staging-<name>-`` or ``.retired-<name>-``: the pid of the run and a random part.
_LEFTOVER_TAIL = re.compile(r"\d+-[0-9a-f]{8}")
#: How many entries a refusal names.
_SHOWN_ENTRIES = 5

Progress = Callable[[str], None]


class OutputFolderError(Exception):
    """The output folder is refused, or cannot be written: nothing was run. The message names the folder."""


class OutputFolderBusy(Exception):
    """Another envkpi run holds the output folder's lock. The message names that run."""


# --- what --out may be -----------------------------------------------------------------------

def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def check_location(out: Path, root: Path, *, force: bool = False) -> None:
    """Refuse an output folder in the wrong place (see the module's docstring).

    Parameters
    ----------
    out, root : Path
        The output folder and the project root, both absolute and resolved.
    force : bool
        Allow a folder inside the project but outside ``outputs/`` (``--force-out``); the protected
        folders stay refused.

    Raises
    ------
    OutputFolderError
    """
    if out == root or root.is_relative_to(out):
        what = "is the project folder" if out == root else f"contains the project folder {root}"
        raise OutputFolderError(f"output folder {out} {what}; choose a folder under {root / 'outputs'} "
                                f"or outside the project")
    for folder in out.parents:
        if _written_by_envkpi(folder / MANIFEST_FILE):
            raise OutputFolderError(f"output folder {_shown(out, root)} is inside the envkpi output folder "
                                    f"{_shown(folder, root)}, which a run into that folder would replace; "
                                    f"choose a folder beside it")
    if not out.is_relative_to(root):
        return
    parts = out.relative_to(root).parts
    if parts[0] in PROTECTED:
        raise OutputFolderError(f"output folder {_shown(out, root)} is inside {parts[0]}/ of the project, which "
                                f"never holds outputs (not even with --force-out); choose a folder under outputs/")
    if parts[0] == "outputs" and len(parts) > 1:
        return
    if not force:
        raise OutputFolderError(f"output folder {_shown(out, root)} is inside the project but not under outputs/; "
                                f"choose a folder under outputs/ or outside the project, or pass --force-out")


def _written_by_envkpi(record: Path) -> bool:
    """Whether ``record`` (a manifest, a failure record) is a JSON object whose ``generated_by`` starts with envkpi."""
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(data, dict) and str(data.get("generated_by", "")).startswith("envkpi")


def is_envkpi_folder(folder: Path) -> bool:
    """Whether ``folder`` was written by envkpi: a run's outputs (``manifest.json``) or a failed run's (``failure.json``)."""
    return _written_by_envkpi(folder / MANIFEST_FILE) or _written_by_envkpi(folder / FAILURE_FILE)


def _entries(paths: list[Path]) -> str:
    names = [f"{p.name}/" if p.is_dir() and not p.is_symlink() else p.name for p in paths[:_SHOWN_ENTRIES]]
    more = f", … ({len(paths) - _SHOWN_ENTRIES} more)" if len(paths) > _SHOWN_ENTRIES else ""
    return ", ".join(names) + more


def _unlisted(folder: Path) -> list[Path]:
    """Entries of an envkpi output folder that a run replacing it would lose: neither an output its manifest
    lists nor one of the files kept beside the outputs (publication, review, auditor's pages)."""
    outputs = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8")).get("outputs")
    listed = {str(entry.get("path", "")).split("/")[0] for entry in (outputs if isinstance(outputs, list) else [])
              if isinstance(entry, dict)}
    return sorted(p for p in folder.iterdir() if p.name not in listed | _BESIDE_OUTPUTS)


def check_contents(out: Path, root: Path) -> None:
    """Refuse an output folder that holds something a run would destroy, or that cannot be written.

    Parameters
    ----------
    out, root : Path
        The output folder and the project root, both absolute and resolved.

    Raises
    ------
    OutputFolderError
        When ``out`` is a file, a non-empty folder that envkpi did not write, an unpublished envkpi
        output folder holding entries its manifest does not list, or a folder (or, when absent, the
        folder that would hold it) that cannot be written. The message names the folder and the
        first entries found, with their count.
    """
    shown = _shown(out, root)
    advice = "choose an absent or empty folder (or an envkpi output folder)"
    if not out.exists():
        existing = next(folder for folder in out.parents if folder.exists())
        if not existing.is_dir():
            raise OutputFolderError(f"output folder {shown}: {_shown(existing, root)} is a file, not a folder; {advice}")
        _require_writable(existing, out, root)
        return
    if not out.is_dir():
        kind = f"a file ({out.stat().st_size} bytes)" if out.is_file() else "not a folder"
        raise OutputFolderError(f"output folder {shown} is {kind}; it was left as it is; {advice}")
    try:
        entries = sorted(out.iterdir())
    except OSError as exc:
        raise OutputFolderError(f"output folder {shown} cannot be read ({exc.strerror}); {advice}") from None
    if entries and not _written_by_envkpi(out / MANIFEST_FILE):
        count = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
        raise OutputFolderError(f"output folder {shown} is not empty and was not written by envkpi (no manifest.json "
                                f"of an envkpi run): it holds {count}: {_entries(entries)}; nothing was run or "
                                f"changed; {advice}")
    if entries and not is_published(out):
        unlisted = _unlisted(out)
        if unlisted:
            count = f"{len(unlisted)} entr{'y' if len(unlisted) == 1 else 'ies'}"
            raise OutputFolderError(f"output folder {shown} is an envkpi output folder but holds {count} that its "
                                    f"manifest does not list, which a run would lose: {_entries(unlisted)}; move them "
                                    f"elsewhere, or choose another folder")
    _require_writable(out, out, root)
    _require_writable(out.parent, out, root)


def check(out: Path, root: Path, *, force: bool = False) -> None:
    """Refuse an output folder in the wrong place or holding what a run would destroy (before anything is read).

    :func:`check_location` then :func:`check_contents`; :func:`claim` checks again under the lock.

    Raises
    ------
    OutputFolderError
    """
    check_location(out, root, force=force)
    check_contents(out, root)


def _require_writable(folder: Path, out: Path, root: Path) -> None:
    if not os.access(folder, os.W_OK | os.X_OK):
        which = "it" if folder == out else f"{_shown(folder, root)}, where it is written,"
        raise OutputFolderError(f"output folder {_shown(out, root)}: {which} cannot be written (permission denied); "
                                f"nothing was run or changed")


# --- the lock --------------------------------------------------------------------------------

def lock_file(out: Path) -> Path:
    """The lock file of an output folder: ``.<name>.lock`` beside it."""
    return out.parent / f".{out.name}.lock"


def _command_line() -> str:
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    if program in ("envkpi", "cli.py", "__main__.py"):
        return shlex.join(["envkpi", *sys.argv[1:]])
    return shlex.join(sys.argv) or sys.executable


def _read_record(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, 4096).decode("utf-8", "replace").strip()


def describe_holder(record: str) -> str:
    """``pid 1234 on host, started …: envkpi run …`` from a lock file's text (shown as it is when not a record)."""
    try:
        data = json.loads(record)
        return (f"pid {data['pid']} on {data['host']}, started {data['started']}: {data['command']}")
    except (ValueError, TypeError, KeyError):
        return f"its lock file says {record[:200]!r}" if record else "it has not written its record yet"


@contextmanager
def output_lock(out: Path, *, optional: bool = False) -> Iterator[str]:
    """Hold the exclusive lock of an output folder; yield the record of a previous holder that did not finish.

    Parameters
    ----------
    out : Path
        The output folder (absolute); its parent must exist.
    optional : bool
        Where the lock file cannot be created (a read-only parent, where no run can replace the
        folder either), go on without the lock instead of raising.

    Yields
    ------
    str
        The text a run that died holding the lock left in the lock file ("" when there is none).

    Raises
    ------
    OutputFolderBusy
        When another process holds the lock; the message names it (pid, host, start time, command).
    OutputFolderError
        When the lock file cannot be created (a read-only parent).
    """
    path = lock_file(out)
    for _ in range(10):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            if optional:
                yield ""
                return
            raise OutputFolderError(f"output folder {out}: cannot create its lock file {path.name} in {out.parent} "
                                    f"({exc.strerror}); nothing was run or changed") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            record = _read_record(fd)
            for _ in range(20):  # the holder writes its record just after taking the lock
                if record:
                    break
                time.sleep(0.05)
                record = _read_record(fd)
            os.close(fd)
            raise OutputFolderBusy(f"output folder {out} is being written by another envkpi run ({describe_holder(record)}); "
                                   f"nothing was run; try again when it has finished (its lock: {path})") from None
        except OSError as exc:
            os.close(fd)
            raise OutputFolderError(f"output folder {out}: cannot lock {path} ({exc.strerror})") from None
        try:  # the run that held it may have removed the file between our open and our lock: then lock the new one
            current = os.stat(path)
            if (current.st_dev, current.st_ino) == (os.fstat(fd).st_dev, os.fstat(fd).st_ino):
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    else:
        raise OutputFolderError(f"output folder {out}: its lock file {path} keeps being replaced; is another program removing it?")
    previous = _read_record(fd)
    record = {"pid": os.getpid(), "host": socket.gethostname(),
              "started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "command": _command_line()}
    os.ftruncate(fd, 0)
    os.pwrite(fd, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"), 0)
    try:
        yield previous
    finally:
        try:
            path.unlink()  # while still holding the lock: a run waiting on this file will see it is gone
        except OSError:
            pass
        os.close(fd)


# --- leftovers of runs that did not finish ---------------------------------------------------

def _leftovers(out: Path, kind: str) -> list[Path]:
    """``.<kind>-<name>-<pid>-<random>`` folders beside ``out`` (and the fixed ``.staging-<name>`` of
    earlier versions), newest change first."""
    prefix = f".{kind}-{out.name}"
    found = []
    for path in out.parent.iterdir():
        name = path.name
        if name == prefix and kind == "staging" or (name.startswith(prefix + "-")
                                                    and _LEFTOVER_TAIL.fullmatch(name[len(prefix) + 1:])):
            if path.is_dir() and not path.is_symlink():
                found.append(path)
    return sorted(found, key=lambda p: p.stat().st_ctime, reverse=True)


def _restore_and_clean(out: Path, root: Path, previous: str, progress: Progress) -> None:
    """Undo what a killed run left: the folder retired but not replaced; staging and retired folders."""
    if previous:
        progress(f"  a previous run into {_shown(out, root)} did not finish ({describe_holder(previous)}); "
                 f"cleaning up after it")
    retired = _leftovers(out, "retired")
    if retired and not out.exists() and not out.is_symlink():
        latest = retired.pop(0)
        latest.rename(out)
        progress(f"  restored {_shown(out, root)} from {latest.name}: a run was stopped while it replaced the folder")
    for leftover in [*_leftovers(out, "staging"), *retired]:
        remove(leftover)
        progress(f"  removed {_shown(leftover, root)}, left by a run that did not finish")


def _new_staging(out: Path) -> Path:
    """A new folder ``.staging-<name>-<pid>-<random>`` beside ``out``, with the permissions of any new folder
    (unlike :func:`tempfile.mkdtemp`'s, private to the user: the outputs become this very folder)."""
    while True:
        staging = out.parent / f".staging-{out.name}-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            staging.mkdir()
        except FileExistsError:
            continue
        return staging


def _placement_error(out: Path, root: Path, exc: OSError) -> OutputFolderError:
    where = f" ({exc.filename})" if exc.filename else ""
    return OutputFolderError(f"output folder {_shown(out, root)}: cannot be prepared: {exc.strerror or exc}{where}; "
                             f"nothing was run")


@contextmanager
def claim(out: Path, root: Path, *, force: bool = False, progress: Progress = lambda line: None) -> Iterator[Path]:
    """Claim an output folder for one run; yield a staging folder of its own beside it.

    Checks the folder (:func:`check_location`, :func:`check_contents`), takes its lock, restores or
    removes what a killed run left, checks the folder again (now that no other run can change it) and
    creates the staging folder. The lock is held until the ``with`` block ends; the staging folder, if
    still there then (the block did not place or keep it), is removed.

    Parameters
    ----------
    out, root : Path
        The output folder and the project root, both absolute and resolved.
    force : bool
        ``--force-out``: allow a folder inside the project outside ``outputs/``.
    progress : callable
        Receives one line per leftover restored or removed.

    Raises
    ------
    OutputFolderError, OutputFolderBusy
    """
    check(out, root, force=force)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _placement_error(out, root, exc) from None
    with output_lock(out) as previous:
        try:
            _restore_and_clean(out, root, previous, progress)
        except OSError as exc:
            raise _placement_error(out, root, exc) from None
        check_contents(out, root)
        try:
            staging = _new_staging(out)
        except OSError as exc:
            raise _placement_error(out, root, exc) from None
        try:
            yield staging
        finally:
            if staging.exists():
                try:
                    remove(staging)
                except OSError:  # the next run into the folder removes it
                    pass


# --- placing ---------------------------------------------------------------------------------

def remove(folder: Path) -> None:
    """Remove a folder this run owns (a staging, retired or failed folder), read-only files included."""
    if folder.exists():
        make_writable(folder)
        shutil.rmtree(folder)


def _load_renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _load_renameat2()
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Exchange two folders in one atomic step (Linux ``renameat2`` with ``RENAME_EXCHANGE``).

    Returns False, having changed nothing, where the system or the file system cannot.
    """
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _retire(out: Path) -> Path:
    """First of the two renames of a swap: the previous outputs to ``.retired-<name>-<pid>-<random>``."""
    retired = out.parent / f".retired-{out.name}-{os.getpid()}-{secrets.token_hex(4)}"
    out.rename(retired)
    return retired


def replace(staging: Path, out: Path, progress: Progress = lambda line: None) -> None:
    """Put ``staging`` in the place of ``out`` by renames only, and remove the previous outputs.

    The review (``review.yaml``) belongs to the year, not to one run: it is copied into the new outputs
    before the swap, so that whatever the moment the process is stopped, the folder in place has it.
    A ``<name>.failed`` folder beside ``out`` is removed if envkpi wrote it.

    Raises
    ------
    OSError
        When the swap fails; ``out`` is then as it was.
    """
    if out.exists():
        if (out / REVIEW_FILE).exists():
            shutil.copy2(out / REVIEW_FILE, staging / REVIEW_FILE)
        if _exchange(staging, out):
            previous = staging
        else:
            previous = _retire(out)
            try:
                staging.rename(out)
            except OSError:
                previous.rename(out)
                raise
        try:
            remove(previous)
        except OSError as exc:
            progress(f"  could not remove the previous outputs kept in {previous} ({exc.strerror}); "
                     f"the next run into {out.name} removes them")
    else:
        staging.rename(out)
    failed = out.parent / f"{out.name}.failed"
    if failed.is_dir() and not failed.is_symlink() and is_envkpi_folder(failed):
        try:
            remove(failed)
        except OSError:
            pass


def keep_failed(staging: Path, out: Path, problems: list[str]) -> Path:
    """Keep a failed run's staging folder as ``<name>.failed`` (with ``failure.json``) for inspection.

    An existing ``<name>.failed`` is replaced only if it is empty or envkpi's; otherwise the folder is
    ``<name>.failed-2``, ``-3`` …, the first name that is free.

    Returns
    -------
    Path
        Where the executed notebooks were kept.
    """
    record = {"generated_by": f"envkpi {__version__}", "failed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "output_folder": str(out), "problems": problems}
    (staging / FAILURE_FILE).write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    target, number = out.parent / f"{out.name}.failed", 1
    while target.exists() or target.is_symlink():
        if target.is_dir() and not target.is_symlink() and (is_envkpi_folder(target) or not any(target.iterdir())):
            remove(target)
            break
        number += 1
        target = out.parent / f"{out.name}.failed-{number}"
    staging.rename(target)
    return target
