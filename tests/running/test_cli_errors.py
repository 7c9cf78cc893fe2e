"""No traceback reaches a user: every subcommand given bad arguments answers with one short message
naming what is wrong and what was expected, and the exit status the README documents
(0 success, 1 attempted and failed, 2 nothing done: usage/arguments/parameters/inputs, 3 busy,
70 internal error, 130 interrupted).

Most cases run in-process (``envkpi.cli.main``) in a copy of the project (``ENVKPI_ROOT`` and the
working directory point at it); a few run the real console script ``envkpi`` in a subprocess, one of
them from a folder outside any project. Nothing here writes into the repository's outputs/ or data/.
"""

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from envkpi import cli
from envkpi.core.parameters import ParameterError
from envkpi.cycle.review import load_reviews

ROOT = Path(__file__).resolve().parents[2]
ENVKPI = Path(sys.executable).with_name("envkpi")  # the console script of this environment (.venv/bin/envkpi)
COMMANDS = set(cli._subcommands(cli._parser()))


@dataclass(frozen=True)
class Case:
    argv: tuple[str, ...]
    status: int
    names: tuple[str, ...]   # what the message must name: the option, the value, the path …
    max_lines: int = 3

    @property
    def command(self) -> str:
        """The subcommand the case is of ("" for none or an unknown one)."""
        return self.argv[0] if self.argv and self.argv[0] in COMMANDS else ""


def case(*argv, status=2, names=(), max_lines=3):
    return pytest.param(Case(tuple(argv), status, tuple(names), max_lines), id=" ".join(argv) or "(nothing)")


# Paths are relative to the copy of the project the cases run in: notes.txt is a file, empty/ an
# empty folder, outputs/FY2018 a copy of the published sample year.
CASES = [
    # no subcommand, an unknown one
    case(names=("envkpi: missing command", "run, indicators")),
    case("--fy", "2018", names=("unknown command '2018'", "expected one of run")),
    case("frobnicate", names=("unknown command 'frobnicate'", "expected one of run")),
    # run
    case("run", names=("missing --fy", "e.g. 2018")),
    case("run", "--fy", "abc", names=("--fy 'abc' is not a fiscal year", "4-digit year from 1990 to 2100")),
    case("run", "--fy", "99999", names=("--fy '99999' is not a fiscal year",)),
    case("run", "--fy", "-1", names=("--fy '-1' is not a fiscal year",)),
    case("run", "--fy", "1899", names=("--fy '1899'",)),
    case("run", "--fy", "2030", names=("parameters/FY2030.yaml", "file not found")),
    case("run", "--fy", "2018", "--params", "/nope.yaml", names=("--params '/nope.yaml' does not exist",
                                                                   "expected a parameter file")),
    case("run", "--fy", "2018", "--params", "empty", names=("--params 'empty' is a folder, not a file",)),
    case("run", "--fy", "2018", "--data", "/nope", names=("--data '/nope' does not exist", "input tables")),
    case("run", "--fy", "2018", "--data", "notes.txt", names=("--data 'notes.txt' is a file, not a folder",)),
    case("run", "--fy", "2018", "--only", "nope", names=("--only 'nope'", "avoided_emissions, product_use, production")),
    case("run", "--fy", "2018", "--only", "production,Water", names=("--only 'Water'",)),
    case("run", "--fy", "2018", "--workers", "0", names=("--workers '0'", "whole number ≥ 1")),
    case("run", "--fy", "2018", "--workers", "-1", names=("--workers '-1'",)),
    case("run", "--fy", "2018", "--workers", "two", names=("--workers 'two'",)),
    case("run", "--fy", "2018", "--bogus", names=("envkpi run: unexpected argument(s) --bogus",)),
    case("run", "--fy", names=("--fy needs a value",)),
    # indicators
    case("indicators", "--family", "nope", names=("--family 'nope'", "production")),
    case("indicators", "--format", "xml", names=("--format 'xml'", "table, csv, json")),
    case("indicators", "extra", names=("unexpected argument(s) extra",)),
    # new-year
    case("new-year", names=("missing year", "e.g. 2019")),
    case("new-year", "abc", names=("year 'abc' is not a fiscal year",)),
    case("new-year", "99999", names=("year '99999'",)),
    case("new-year", "2018", names=("FY2018 exists already", "parameters/FY2018.yaml")),
    case("new-year", "2019", "--source", "2030", names=("FY2030", "parameters/FY2030.yaml not found")),
    case("new-year", "2019", "--source", "x", names=("--source 'x'",)),
    case("run", "--fy", "2018", "--reason", " ", names=("--reason ' ' is blank", "why the year is restated")),
    # forms
    case("forms", names=("missing --fy",)),
    case("forms", "--fy", "2030", names=("FY2030", "no data/FY2029", "years here: FY2017, FY2018")),
    case("forms", "--fy", "2018", "--site", " ", names=("--site ' ' is blank",)),
    case("forms", "--fy", "2018", "--out", "notes.txt", names=("--out notes.txt is a file", "folder for the forms")),
    # diff
    case("diff", "--fy", "2018", names=("missing --against",)),
    case("diff", "--fy", "abc", "--against", "2017", names=("--fy 'abc'",)),
    case("diff", "--fy", "2018", "--against", "2030", "--no-effects",
         names=("--against 2030", "parameters/FY2030.yaml", "2017, 2018")),
    case("diff", "--fy", "2030", "--against", "2018", names=("--fy 2030", "parameters/FY2030.yaml")),
    case("diff", "--fy", "2018", "--against", "2018", names=("--against 2018 is --fy itself",)),
    # bench
    case("bench", "--repeat", "0", names=("--repeat '0' is not a number of measurements", "whole number ≥ 1")),
    case("bench", "--fy", "18", names=("--fy '18' is not a fiscal year",)),
    # publish
    case("publish", "--fy", "2018", names=("missing --by", "who publishes")),
    case("publish", "--fy", "2018", "--by", " ", names=("--by ' ' is blank", "expected a name")),
    case("publish", "--fy", "2018", "--by", "X", "--on", "2019-02-30", names=("--on '2019-02-30'", "YYYY-MM-DD")),
    case("publish", "--fy", "2018", "--by", "X", "--on", "yesterday", names=("--on 'yesterday' is not a date",)),
    case("publish", "--fy", "2018", "--by", "X", "--out", "/nope", names=("/nope: no such folder",)),
    case("publish", "--fy", "2018", "--by", "X", "--out", "notes.txt", names=("notes.txt: not a folder",)),
    case("publish", "--fy", "2018", "--by", "X", "--out", "empty", names=("empty: no manifest.json",
                                                                          "envkpi run --fy 2018")),
    case("publish", "--fy", "2030", "--by", "X", names=("outputs/FY2030: no such folder",)),
    case("publish", "--fy", "2018", "--by", "X", names=("outputs/FY2018: already published on 2019-06-28",)),
    case("publish", "--fy", "2017", "--by", "X", "--out", "unpublished",
         names=("--fy 2017", "is of FY2018")),
    case("publish", "--fy", "2018", "--by", "X", "--restatement", "last-week",
         names=("--restatement 'last-week' is not a restatement folder name", "YYYY-MM-DD or YYYY-MM-DD-N")),
    case("publish", "--fy", "2018", "--by", "X", "--restatement", "2020-05-10",
         names=("restated/2020-05-10: no such restatement", "unpublished restatements of FY2018: none")),
    case("publish", "--fy", "2018", "--by", "X", "--out", "unpublished", "--restatement", "2020-05-10",
         names=("unpublished: not published", "a restatement is of a published year")),
    # verify
    case("verify", names=("missing folder",)),
    case("verify", "/nope", names=("/nope: no such folder",)),
    case("verify", "notes.txt", names=("notes.txt: not a folder",)),
    case("verify", "empty", names=("empty: no manifest.json", "nothing to verify against")),
    case("verify", "outputs/FY2018", "outputs/FY2017", names=("unexpected argument(s) outputs/FY2017",)),
    # review
    case("review", "--fy", "2018", "--on", "2019-13-45", "--notebook", "production", "--cell", "scope2", "--ok",
         "--by", "A", names=("--on '2019-13-45' is not a date of the calendar", "month must be in 1..12")),
    case("review", "--fy", "2018", "--on", "2019-02-30", "--status", names=("--on '2019-02-30'",)),
    case("review", "--fy", "2018", "--on", "yesterday", "--status", names=("--on 'yesterday'",)),
    case("review", "--fy", "2018", "--copy-to", "notes.txt", names=("notes.txt: exists and is not a folder",)),
    case("review", "--fy", "2018", "--notebook", "production", "--cell", "scope2", "--ok",
         names=("missing --by", "recording a review needs")),
    case("review", "--fy", "2018", "--ok", "--by", "A", names=("missing --notebook, --cell",)),
    case("review", "--fy", "2018", "--ok", "--query", names=("--query and --ok given together",)),
    case("review", "--fy", "2018", names=("nothing to do", "--status")),
    case("review", "--fy", "2018", "--collect", "/nope.ipynb", names=("/nope.ipynb: cannot be read as a notebook",
                                                                      "No such file or directory")),
    case("review", "--fy", "2030", "--status", names=("outputs/FY2030: no such folder",)),
    case("review", "--fy", "2018", "--out", "/nope", "--status", names=("/nope: no such folder",)),
    case("review", "--fy", "2018", "--notebook", "nope", "--cell", "x", "--ok", "--by", "A",
         names=("no notebook 'nope'",)),
    # kernel
    case("kernel", "extra", names=("envkpi kernel: unexpected argument(s) extra",)),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the project's parameters, notebooks and published FY2018 outputs, with a file
    (notes.txt), an empty folder and an unpublished run folder of FY2018 beside them."""
    copy = tmp_path_factory.mktemp("project")
    for folder in ("parameters", "notebooks"):
        shutil.copytree(ROOT / folder, copy / folder)
    shutil.copytree(ROOT / "outputs" / "FY2018", copy / "outputs" / "FY2018")
    shutil.copytree(ROOT / "outputs" / "FY2018", copy / "unpublished")
    (copy / "unpublished" / "publication.json").unlink()
    (copy / "notes.txt").write_text("not a folder\n", encoding="utf-8")
    (copy / "empty").mkdir()
    return copy


@pytest.fixture
def inside(project, monkeypatch) -> Path:
    """Run in the copy of the project: as working directory and as ENVKPI_ROOT."""
    monkeypatch.chdir(project)
    monkeypatch.setenv("ENVKPI_ROOT", str(project))
    monkeypatch.delenv("ENVKPI_DEBUG", raising=False)
    return project


def run_main(capsys, *argv) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("bad", CASES)
def test_bad_arguments_give_one_short_message_and_the_documented_status(bad: Case, inside, capsys):
    before = tree(inside)
    status, out, err = run_main(capsys, *bad.argv)
    assert status == bad.status, err
    assert "Traceback" not in err and "Traceback" not in out
    lines = err.strip().splitlines()
    assert 1 <= len(lines) <= bad.max_lines, err
    assert lines[0].startswith(f"envkpi {bad.command}:" if bad.command else "envkpi:"), err
    for name in bad.names:
        assert name in err, f"{name!r} not in {err!r}"
    assert out == ""
    assert tree(inside) == before  # nothing written, nothing removed


def test_every_subcommand_has_a_bad_argument_case():
    covered = {param.values[0].command for param in CASES}
    assert COMMANDS <= covered, f"no bad-argument case for: {sorted(COMMANDS - covered)}"
    assert "" in covered  # and the command line without a subcommand


def test_help_documents_the_exit_statuses(capsys):
    status, out, _ = run_main(capsys, "--help")
    assert status == 0
    for line in ("0    success", "1    attempted and failed", "2    nothing done", "3    busy",
                 "70   internal error", "130  interrupted"):
        assert line in out


# --- outside a project -------------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [("run", "--fy", "2018"), ("new-year", "2019"), ("diff", "--fy", "2018", "--against",
                                  "2017"), ("publish", "--fy", "2018", "--by", "X"), ("review", "--fy", "2018", "--status")])
def test_outside_a_project_says_to_run_inside_one_or_set_envkpi_root(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ENVKPI_ROOT", raising=False)
    status, out, err = run_main(capsys, *argv)
    assert status == 2
    assert err == (f"envkpi {argv[0]}: no envkpi project at or above {tmp_path} (a folder with parameters/ and "
                   "notebooks/); run envkpi inside a project, or set ENVKPI_ROOT to one\n")


def test_envkpi_root_that_is_not_a_project_is_named(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ENVKPI_ROOT", str(tmp_path))
    status, _, err = run_main(capsys, "diff", "--fy", "2018", "--against", "2017")
    assert status == 2
    assert err.startswith(f"envkpi diff: ENVKPI_ROOT={tmp_path} is not an envkpi project")
    assert len(err.splitlines()) == 1


# --- the real console script -----------------------------------------------------------------------

def script(*argv, cwd: Path, root: Path | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("ENVKPI_ROOT", "ENVKPI_DEBUG")}
    if root is not None:
        env["ENVKPI_ROOT"] = str(root)
    return subprocess.run([str(ENVKPI), *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("argv, names", [
    (("review", "--fy", "2018", "--on", "2019-13-45", "--status"), ("envkpi review: --on '2019-13-45'",)),
    (("review", "--fy", "2018", "--copy-to", "notes.txt"), ("notes.txt: exists and is not a folder",)),
    (("verify", "/nope"), ("envkpi verify: /nope: no such folder",)),
])
def test_the_console_script_prints_one_line_and_exits_2(argv, names, project):
    finished = script(*argv, cwd=project, root=project)
    assert finished.returncode == 2, finished.stderr
    assert "Traceback" not in finished.stderr
    assert len(finished.stderr.splitlines()) == 1, finished.stderr
    for name in names:
        assert name in finished.stderr


def test_the_console_script_outside_a_project_says_where_to_run_it(tmp_path):
    finished = script("run", "--fy", "2018", cwd=tmp_path, root=None)
    assert finished.returncode == 2
    assert finished.stderr == (f"envkpi run: no envkpi project at or above {tmp_path} (a folder with parameters/ "
                               "and notebooks/); run envkpi inside a project, or set ENVKPI_ROOT to one\n")


# --- failures that are not argument errors ------------------------------------------------------------

def test_verify_of_a_folder_that_differs_exits_1_naming_the_file(project, tmp_path, capsys):
    folder = shutil.copytree(project / "outputs" / "FY2018", tmp_path / "FY2018")
    (folder / "results.csv").write_text("tampered\n", encoding="utf-8")
    status, _, err = run_main(capsys, "verify", str(folder))
    assert status == 1
    assert f"envkpi verify: {folder} does not match its manifest:" in err
    assert "results.csv: SHA-256 differs from the manifest" in err


def test_publish_of_a_run_that_differs_from_its_manifest_exits_1(project, tmp_path, capsys):
    folder = shutil.copytree(project / "unpublished", tmp_path / "FY2018")
    (folder / "results.csv").write_text("tampered\n", encoding="utf-8")
    status, _, err = run_main(capsys, "publish", "--fy", "2018", "--by", "X", "--out", str(folder))
    assert status == 1
    assert "does not match its manifest, not published" in err and "results.csv" in err
    assert not (folder / "publication.json").exists()


def test_publish_takes_the_date_given_with_on(project, tmp_path, capsys):
    folder = shutil.copytree(project / "unpublished", tmp_path / "FY2018")
    status, out, err = run_main(capsys, "publish", "--fy", "2018", "--by", "Environment Office", "--out", str(folder),
                                "--on", "2019-06-30")
    assert status == 0, err
    record = json.loads((folder / "publication.json").read_text(encoding="utf-8"))
    assert (record["published_on"], record["published_by"]) == ("2019-06-30", "Environment Office")


def test_a_review_takes_the_date_given_with_on(make_year, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = make_year(tmp_path / "FY2018")
    status, _, err = run_main(capsys, "review", "--fy", "2018", "--out", str(folder), "--notebook", "production",
                              "--cell", "calc", "--ok", "--by", "A. Auditor", "--on", "2019-05-20")
    assert status == 0, err
    (review,) = load_reviews(folder)["production"]["calc"]
    assert (review.date, review.reviewer, review.status) == (date(2019, 5, 20), "A. Auditor", "ok")


def test_copies_for_review_are_all_written_or_none(make_year, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = make_year(tmp_path / "FY2018")
    shutil.copy(folder / "production.ipynb", folder / "changes.ipynb")  # a second notebook, copied first
    (tmp_path / "copies").mkdir()
    (tmp_path / "copies" / "production.ipynb").write_text("the auditor's work\n", encoding="utf-8")
    status, _, err = run_main(capsys, "review", "--fy", "2018", "--out", str(folder), "--copy-to", "copies")
    assert status == 2
    assert "copies/production.ipynb: already exists" in err
    assert sorted(p.name for p in (tmp_path / "copies").iterdir()) == ["production.ipynb"]  # changes.ipynb not copied
    assert (tmp_path / "copies" / "production.ipynb").read_text(encoding="utf-8") == "the auditor's work\n"


def test_an_unreadable_parameter_file_is_an_argument_error(inside, capsys, monkeypatch):
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)  # as if not readable (tests may run as root)
    status, _, err = run_main(capsys, "run", "--fy", "2018", "--params", "parameters/FY2018.yaml")
    assert status == 2
    assert err.startswith("envkpi run: --params 'parameters/FY2018.yaml' cannot be read (permission denied); "
                          "expected a parameter file")


def test_new_year_that_cannot_write_names_the_file_and_keeps_nothing(tmp_path, capsys, monkeypatch):
    from envkpi.cycle import newyear

    root = tmp_path / "project"
    for folder in ("parameters", "notebooks"):
        shutil.copytree(ROOT / folder, root / folder)
    monkeypatch.setenv("ENVKPI_ROOT", str(root))

    def refused(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(newyear, "open", refused, raising=False)  # shadows the builtin in the module
    status, _, err = run_main(capsys, "new-year", "2019")
    assert status == 2
    assert err.startswith("envkpi new-year: cannot create FY2019: ") and "Permission denied (nothing kept)" in err
    assert "Traceback" not in err
    assert not (root / "parameters" / "FY2019.yaml").exists() and not (root / "data" / "FY2019").exists()


# --- the last line of defence in main() ------------------------------------------------------------------

@pytest.mark.parametrize("error, status, message", [
    (PermissionError(13, "Permission denied", "/x/catalogue.yaml"), 1,
     "envkpi indicators: /x/catalogue.yaml: Permission denied\n"),
    (OSError(28, "No space left on device", "/x/out.csv"), 1, "envkpi indicators: /x/out.csv: No space left on device\n"),
    (NotADirectoryError(20, "Not a directory", "/x/file/y"), 2, "envkpi indicators: /x/file/y: Not a directory\n"),
    (ParameterError(["parameters/FY2018.yaml: line 3: bad"]), 2, "envkpi indicators: 1 problem in the parameters"),
    (RuntimeError("boom\nsecond line"), 70,
     "envkpi indicators: internal error: RuntimeError: boom — this is a bug; rerun with ENVKPI_DEBUG=1 to see the "
     "traceback\n"),
    (KeyboardInterrupt(), 130, "envkpi indicators: interrupted\n"),
], ids=["permission", "disk-full", "not-a-directory", "parameters", "bug", "ctrl-c"])
def test_main_turns_any_exception_into_one_message_and_a_status(error, status, message, monkeypatch, capsys):
    monkeypatch.delenv("ENVKPI_DEBUG", raising=False)

    def failing():
        raise error

    monkeypatch.setattr(cli, "catalogue", failing)
    got, out, err = run_main(capsys, "indicators")
    assert got == status
    assert err.startswith(message)
    assert "Traceback" not in err


def test_envkpi_debug_shows_the_traceback_of_an_internal_error(monkeypatch, capsys):
    monkeypatch.setenv("ENVKPI_DEBUG", "1")

    def failing():
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "catalogue", failing)
    status, _, err = run_main(capsys, "indicators")
    assert status == 70
    assert "Traceback (most recent call last)" in err and 'raise RuntimeError("boom")' in err
    assert err.rstrip().endswith("rerun with ENVKPI_DEBUG=1 to see the traceback")
