"""The bad-input corpus (``tests/bad_inputs/``): realistic mistakes, each run through ``envkpi`` on a copy.

Every case edits a copy of the sample project (data, parameters, notebooks, and the outputs of an earlier
run), runs the command in-process through :func:`envkpi.cli.main` with the copy as the project, and checks
the exit status, the message (file, row, column or key, and what was expected), that no traceback reached
the user, and that the earlier outputs are untouched when the run did not succeed. ``README.md`` in that
folder describes a case file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest
import yaml

from envkpi import cli
from envkpi.cycle.publication import make_writable

CORPUS = Path(__file__).resolve().parents[1] / "bad_inputs"
CASES = sorted(CORPUS.glob("*.yaml"))
#: What the earlier run left in outputs/FY2018 (a copy of the reference run, unpublished).
PREVIOUS = ("manifest.json", "results.csv", "results.json", "index.html", "production.ipynb", "production.html")
#: A message longer than this is not read by anyone (and a YAML bomb once made one of 72 MB).
LONGEST_MESSAGE = 20_000


def test_the_corpus_has_a_case_for_every_finding_and_at_least_forty_cases():
    assert len(CASES) >= 40
    for case in CASES:
        spec = yaml.safe_load(case.read_text(encoding="utf-8"))
        assert {"finding", "exit", "messages"} <= set(spec), f"{case.name}: finding, exit and messages are required"
        assert spec["messages"], f"{case.name}: a case names what the user is told"


@pytest.fixture(scope="module")
def template(root, tmp_path_factory) -> Path:
    """A copy of the sample project with the outputs of an earlier (unpublished) run of FY2018."""
    copy = tmp_path_factory.mktemp("corpus") / "project"
    for folder in ("parameters", "data", "notebooks"):
        shutil.copytree(root / folder, copy / folder)
    previous = copy / "outputs" / "FY2018"
    previous.mkdir(parents=True)
    for name in PREVIOUS:
        shutil.copy2(root / "outputs" / "FY2018" / name, previous / name)
    make_writable(previous)
    return copy


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def _set_cell(lines: list[str], row: int, column: str, value: str) -> None:
    header = next(csv.reader([lines[0]]))
    cells = next(csv.reader([lines[row - 1]]))
    cells[header.index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    lines[row - 1] = buffer.getvalue()


def apply_edit(project: Path, edit: dict) -> None:
    """Apply one edit of a case file to the copy (rows are file lines, header = row 1)."""
    path = project / edit["file"]
    if "write" in edit:
        path.write_text(edit["write"], encoding="utf-8")
        return
    if "encoding" in edit:
        path.write_bytes(path.read_text(encoding="utf-8").encode(edit["encoding"]))
        return
    if "replace" in edit:
        text = path.read_text(encoding="utf-8")
        assert edit["replace"] in text, f"{edit['file']}: {edit['replace']!r} not found"
        path.write_text(text.replace(edit["replace"], edit["with"], 1), encoding="utf-8")
        return
    lines = _lines(path)
    if not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    if "row" in edit:
        _set_cell(lines, edit["row"], edit["column"], str(edit["value"]))
    elif "duplicate_row" in edit:
        lines.append(lines[edit["duplicate_row"] - 1])
    elif "delete_row" in edit:
        del lines[edit["delete_row"] - 1]
    elif "append" in edit:
        lines.append(edit["append"] + "\n")
    else:
        raise AssertionError(f"unknown edit {edit}")
    path.write_text("".join(lines), encoding="utf-8")


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_a_bad_input_is_refused_with_a_message_naming_where_and_what(case, template, tmp_path, monkeypatch, capsys):
    spec = yaml.safe_load(case.read_text(encoding="utf-8"))
    project = tmp_path / "project"
    shutil.copytree(template, project)
    for edit in spec.get("edits", []):
        apply_edit(project, edit)
    before = _hashes(project / "outputs" / "FY2018")
    monkeypatch.setenv("ENVKPI_ROOT", str(project))
    monkeypatch.chdir(project)

    status = cli.main([str(a) for a in spec.get("args", ["run", "--fy", "2018"])])

    captured = capsys.readouterr()
    said = captured.out + captured.err
    assert status == spec["exit"], f"exit {status}, expected {spec['exit']}; the command said:\n{said}"
    for text in spec["messages"]:
        assert text in said, f"{text!r} is not in what the command said:\n{said}"
    for text in spec.get("absent", []):
        assert text not in said, f"{text!r} should not be in what the command said:\n{said}"
    assert "Traceback" not in said
    assert len(said) < LONGEST_MESSAGE, f"a message of {len(said):,} characters"
    if status != 0:
        assert _hashes(project / "outputs" / "FY2018") == before, "a failed run changed the previous outputs"
