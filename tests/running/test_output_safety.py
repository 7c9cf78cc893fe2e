"""Outputs never destroy anything that is not theirs: what ``--out`` accepts, the lock, and runs killed or failing.

Every test works in a copy of the project (parameters, data, notebooks) under pytest's temporary folder
and runs ``envkpi`` there as a user would, mostly as a separate process (``python -m envkpi.cli``). One
completed run of the production notebook (the *baseline*) is made once for the module; tests that need
previous outputs copy it into their own project. Runs are killed with SIGKILL at chosen points: from
outside (during notebook execution), or through a small wrapper script that replaces one function of
the library by one that kills its own process after calling the original — the library has no test hooks.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from envkpi.running import outfolder
from envkpi.running.outfolder import OutputFolderError, output_lock
from envkpi.core.provenance import sha256_file
from envkpi.cycle.publication import make_writable, verify
from envkpi.running.runner import RunError, run_year

FY = 2018
ONLY = ("--only", "production")

# Run the command line with one library function replaced by one that kills the process (SIGKILL) after
# calling the original: ``python killer.py <point> run --fy …``.
KILLER = '''
import os, signal, sys
from envkpi import cli
from envkpi.pages import html
from envkpi.running import outfolder

def killing(module, name):
    original = getattr(module, name)
    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)
        return result
    setattr(module, name, wrapper)

point = sys.argv.pop(1)
if point == "export":            # the reader's pages of the run have been exported, not yet written
    killing(html, "render_pages")  # the runner imports it when it writes pages
elif point == "swap":            # between the two renames: the previous outputs retired, the new not yet in place
    outfolder._exchange = lambda a, b: False
    killing(outfolder, "_retire")
elif point == "exchange":        # just after the atomic exchange, before the previous outputs are removed
    killing(outfolder, "_exchange")
sys.exit(cli.main())
'''


def envkpi(*args: str, cwd: Path, script: list[str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *(script or ["-m", "envkpi.cli"]), *args], cwd=cwd,
                          capture_output=True, text=True)


def copy_project(root: Path, to: Path) -> Path:
    for folder in ("parameters", "data", "notebooks"):
        shutil.copytree(root / folder, to / folder)
    (to / "outputs").mkdir()
    return to


def hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below ``folder`` (relative paths), and the empty folders."""
    found = {p.relative_to(folder).as_posix(): sha256_file(p) for p in folder.rglob("*") if p.is_file()}
    found |= {p.relative_to(folder).as_posix() + "/": "" for p in folder.rglob("*") if p.is_dir() and not any(p.iterdir())}
    return found


def hidden_beside(folder: Path) -> list[str]:
    """What a run leaves beside an output folder when it does not finish: staging, retired and lock files."""
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith("."))


@pytest.fixture(scope="module")
def baseline(root, tmp_path_factory) -> Path:
    """A completed run of the production notebook into ``outputs/FY2018`` of a copy of the project."""
    project = copy_project(root, tmp_path_factory.mktemp("baseline"))
    out = project / "outputs" / f"FY{FY}"
    run_year(FY, root=project, only=["production"])
    assert (out / "results.csv").is_file()
    return out


@pytest.fixture
def project(root, tmp_path) -> Path:
    copy = copy_project(root, tmp_path / "project")
    yield copy
    make_writable(copy)


@pytest.fixture
def previous(project, baseline) -> Path:
    """The project's ``outputs/FY2018``: the outputs of a completed earlier run (a copy of the baseline)."""
    out = project / "outputs" / f"FY{FY}"
    shutil.copytree(baseline, out)
    return out


# --- what --out accepts ----------------------------------------------------------------------

def test_the_first_run_into_an_absent_folder_is_complete_and_leaves_nothing_beside_it(baseline):
    assert {"manifest.json", "results.csv", "production.ipynb", "production.html", "index.html"} <= {
        p.name for p in baseline.iterdir()}
    assert hidden_beside(baseline) == []  # no staging folder, no lock file
    assert json.loads((baseline / "manifest.json").read_text(encoding="utf-8"))["generated_by"].startswith("envkpi")


def test_out_onto_a_folder_of_someone_elses_files_is_refused_and_every_file_kept(project, tmp_path):
    theirs = tmp_path / "theirs"
    (theirs / "thesis").mkdir(parents=True)
    (theirs / "thesis" / "chapter1.tex").write_text("\\chapter{Introduction}\n", encoding="utf-8")
    (theirs / "budget.xlsx").write_bytes(b"PK\x03\x04 not really a spreadsheet")
    (theirs / "notes.txt").write_text("do not delete\n", encoding="utf-8")
    before = hashes(theirs)
    refused = envkpi("run", "--fy", str(FY), *ONLY, "--out", str(theirs), cwd=project)
    assert refused.returncode == 2, refused.stderr
    assert (f"envkpi run: output folder {theirs} is not empty and was not written by envkpi (no manifest.json of an "
            f"envkpi run): it holds 3 entries: budget.xlsx, notes.txt, thesis/; nothing was run or changed") in refused.stderr
    assert "Traceback" not in refused.stderr
    assert hashes(theirs) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "theirs"]  # no lock, no staging beside it


def test_a_refusal_names_the_first_entries_and_how_many_there_are(project, tmp_path):
    theirs = tmp_path / "photos"
    theirs.mkdir()
    for number in range(1, 13):
        (theirs / f"img_{number:02d}.jpg").write_bytes(b"\xff\xd8")
    refused = envkpi("run", "--fy", str(FY), *ONLY, "--out", str(theirs), cwd=project)
    assert refused.returncode == 2
    assert "it holds 12 entries: img_01.jpg, img_02.jpg, img_03.jpg, img_04.jpg, img_05.jpg, … (7 more)" in refused.stderr
    assert len(list(theirs.iterdir())) == 12


@pytest.mark.parametrize("given", ["data", "{project}/data/FY2018", "parameters", "tests/outputs"])
def test_out_into_the_projects_inputs_or_code_is_refused_even_with_force_out(project, given):
    given = given.format(project=project)
    before = {folder: hashes(project / folder) for folder in ("data", "parameters", "notebooks")}
    shown = Path(given).relative_to(project).as_posix() if Path(given).is_absolute() else given
    for force in ([], ["--force-out"]):
        refused = envkpi("run", "--fy", str(FY), *ONLY, "--out", given, *force, cwd=project)
        assert refused.returncode == 2, refused.stderr
        assert (f"envkpi run: output folder {shown} is inside {shown.split('/')[0]}/ of the project, which never "
                f"holds outputs (not even with --force-out); choose a folder under outputs/") in refused.stderr
    assert {folder: hashes(project / folder) for folder in before} == before
    assert not (project / "tests").exists()
    assert not list(project.rglob(".*"))  # no lock file, no staging folder


@pytest.mark.parametrize("given, what", [(".", "is the project folder"), ("..", "contains the project folder")])
def test_out_onto_the_project_or_a_folder_holding_it_is_refused(project, given, what):
    refused = envkpi("run", "--fy", str(FY), *ONLY, "--out", given, "--force-out", cwd=project)
    assert refused.returncode == 2
    assert f"envkpi run: output folder {(project / given).resolve()} {what}" in refused.stderr


def test_out_inside_the_project_but_outside_outputs_needs_force_out(project):
    """Refused without --force-out; with it, an empty folder is accepted (and so is an empty folder at all)."""
    reports = project / "reports"
    reports.mkdir()
    refused = envkpi("run", "--fy", str(FY), *ONLY, "--out", "reports", cwd=project)
    assert refused.returncode == 2
    assert ("envkpi run: output folder reports is inside the project but not under outputs/; choose a folder under "
            "outputs/ or outside the project, or pass --force-out") in refused.stderr
    assert list(reports.iterdir()) == []
    forced = envkpi("run", "--fy", str(FY), *ONLY, "--out", "reports", "--force-out", cwd=project)
    assert forced.returncode == 0, forced.stderr
    assert "result rows written to reports" in forced.stderr
    assert verify(reports) == []
    assert hidden_beside(reports) == []


@pytest.mark.parametrize("link", [False, True], ids=["file", "symlink to a file"])
def test_out_onto_a_regular_file_is_refused_and_the_file_untouched(project, tmp_path, link):
    file = tmp_path / "report.pdf"
    file.write_bytes(b"%PDF-1.7 someone's report")
    given = tmp_path / "link.pdf" if link else file
    if link:
        given.symlink_to(file)
    refused = envkpi("run", "--fy", str(FY), *ONLY, "--out", str(given), cwd=project)
    assert refused.returncode == 2
    assert (f"envkpi run: output folder {file} is a file (25 bytes); it was left as it is; choose an absent or empty "
            f"folder (or an envkpi output folder)") in refused.stderr
    assert "Traceback" not in refused.stderr
    assert file.read_bytes() == b"%PDF-1.7 someone's report"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["project", "report.pdf", *(["link.pdf"] if link else [])])


def test_an_output_folder_holding_files_its_manifest_does_not_list_is_refused(project, previous):
    (previous / "my-notes.md").write_text("figures checked with the plant on 3 May\n", encoding="utf-8")
    before = hashes(previous)
    refused = envkpi("run", "--fy", str(FY), *ONLY, cwd=project)
    assert refused.returncode == 2
    assert (f"envkpi run: output folder outputs/FY{FY} is an envkpi output folder but holds 1 entry that its manifest "
            f"does not list, which a run would lose: my-notes.md; move them elsewhere, or choose another folder") in refused.stderr
    assert hashes(previous) == before


def test_out_inside_another_output_folder_is_refused(project, previous):
    refused = envkpi("run", "--fy", str(FY), *ONLY, "--out", f"outputs/FY{FY}/mine", cwd=project)
    assert refused.returncode == 2
    assert (f"output folder outputs/FY{FY}/mine is inside the envkpi output folder outputs/FY{FY}, which a run into "
            f"that folder would replace") in refused.stderr


def failing_notebook(project: Path) -> None:
    """Make the project's production notebook one that fails in its second cell (id 'the-failure')."""
    parameters = nbformat.v4.new_code_cell('fiscal_year = 0\nparameters_file = ""\ndata_dir = ""', id="parameters")
    parameters.metadata["tags"] = ["parameters"]
    notebook = nbformat.v4.new_notebook(cells=[parameters, nbformat.v4.new_code_cell(
        'raise ValueError("the figures do not add up")', id="the-failure")])
    notebook.metadata["kernelspec"] = {"name": "envkpi", "display_name": "envkpi", "language": "python"}
    nbformat.write(notebook, project / "notebooks" / "production.ipynb")


def test_a_failed_run_never_replaces_a_foreign_failed_folder(project, previous):
    """``<name>.failed`` is someone's: the failed run keeps its notebooks in ``<name>.failed-2`` instead."""
    theirs = project / "outputs" / f"FY{FY}.failed"
    theirs.mkdir()
    (theirs / "keep.txt").write_text("mine\n", encoding="utf-8")
    failing_notebook(project)
    before = hashes(previous)
    failed = envkpi("run", "--fy", str(FY), *ONLY, cwd=project)
    assert failed.returncode == 1, failed.stderr
    assert "production.ipynb failed in the cell with id 'the-failure'" in failed.stderr
    assert (f"(executed notebooks kept in outputs/FY{FY}.failed-2 with failure.html, the page of what failed; "
            f"outputs/FY{FY} was not changed)") in failed.stderr
    assert (theirs / "keep.txt").read_text(encoding="utf-8") == "mine\n" and len(list(theirs.iterdir())) == 1
    kept = project / "outputs" / f"FY{FY}.failed-2"
    assert (kept / "production.ipynb").is_file()
    assert json.loads((kept / "failure.json").read_text(encoding="utf-8"))["generated_by"].startswith("envkpi")
    page = (kept / "failure.html").read_text(encoding="utf-8")
    assert "the-failure" in page and '<a href="production.ipynb">' in page
    assert hashes(previous) == before


# --- the lock ----------------------------------------------------------------------------------

def test_a_second_run_into_the_same_folder_stops_at_once_naming_the_first(project, baseline):
    out = project / "outputs" / f"FY{FY}"
    lock = project / "outputs" / f".FY{FY}.lock"
    first = subprocess.Popen([sys.executable, "-m", "envkpi.cli", "run", "--fy", str(FY), *ONLY], cwd=project,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        record = {}
        for _ in range(600):  # until the first run holds the lock and has written its record
            if first.poll() is not None:
                break
            try:
                record = json.loads(lock.read_text(encoding="utf-8"))
                break
            except (OSError, ValueError):
                time.sleep(0.1)
        assert record.get("pid") == first.pid, record
        # Hold the first run where it is (it keeps its lock) while the second starts: on a loaded machine the
        # first could otherwise finish before the second reaches the lock, and the test would prove nothing.
        os.kill(first.pid, signal.SIGSTOP)
        try:
            second = envkpi("run", "--fy", str(FY), *ONLY, cwd=project)
        finally:
            os.kill(first.pid, signal.SIGCONT)
    finally:
        _, first_err = first.communicate()
    assert second.returncode == 3, second.stderr
    assert (f"envkpi run: output folder {out} is being written by another envkpi run (pid {first.pid} on "
            f"{record['host']}, started {record['started']}: envkpi run --fy {FY} --only production); nothing was run; "
            f"try again when it has finished (its lock: {lock})") in second.stderr
    assert "running 1 notebook" not in second.stderr
    assert first.returncode == 0, first_err
    assert envkpi("verify", str(out), cwd=project).returncode == 0
    assert (out / "results.csv").read_bytes() == (baseline / "results.csv").read_bytes()
    assert hidden_beside(out) == []


def test_a_lock_file_left_by_a_dead_process_does_not_block(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    out = tmp_path / f"FY{FY}"
    stale = {"pid": dead.pid, "host": "vm", "started": "2019-06-30T09:00:00+00:00", "command": "envkpi run --fy 2018"}
    outfolder.lock_file(out).write_text(json.dumps(stale) + "\n", encoding="utf-8")
    with output_lock(out) as previous:
        assert outfolder.describe_holder(previous) == (f"pid {dead.pid} on vm, started 2019-06-30T09:00:00+00:00: "
                                                       f"envkpi run --fy 2018")
        assert json.loads(outfolder.lock_file(out).read_text(encoding="utf-8"))["pid"] == os.getpid()
        with pytest.raises(outfolder.OutputFolderBusy, match=rf"another envkpi run \(pid {os.getpid()} on "):
            with output_lock(out):
                pass
    assert not outfolder.lock_file(out).exists()


# --- runs killed at any moment -----------------------------------------------------------------

def wait_for_a_kernel(run: subprocess.Popen, outputs: Path) -> None:
    """Until the run has claimed its staging folder and a notebook's kernel (a child process) is running."""
    for _ in range(3000):
        if run.poll() is not None:
            return
        if list(outputs.glob(f".staging-FY{FY}-*")) and any(
                b"ipykernel" in cmdline for cmdline in _cmdlines_of_children(run.pid)):
            return
        time.sleep(0.1)


def _cmdlines_of_children(pid: int) -> list[bytes]:
    """The command lines of the processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append((entry / "cmdline").read_bytes())
        except (OSError, IndexError, ValueError):
            continue
    return found


@pytest.mark.parametrize("point", ["notebooks", "export", "swap", "exchange"])
def test_a_run_killed_at_any_point_leaves_the_previous_outputs_and_the_next_run_cleans_up(project, previous, baseline,
                                                                                         tmp_path, point):
    """Killed (SIGKILL) while the notebooks run, while the pages are exported, between the two renames of a
    swap, or just after an atomic exchange: the folder holds the previous outputs (restored by the next
    run, for a kill between the renames) or the new ones, complete; the next run succeeds, says what it
    restored and removed, and leaves no hidden folder."""
    outputs = previous.parent
    before = hashes(previous)
    if point == "notebooks":
        killed = subprocess.Popen([sys.executable, "-m", "envkpi.cli", "run", "--fy", str(FY), *ONLY, "--no-cache"],
                                  cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_for_a_kernel(killed, outputs)  # the notebooks are being executed (not taken from the cache)
        os.killpg(killed.pid, signal.SIGKILL)
        pid, returncode = killed.pid, killed.wait()
    else:
        killer = tmp_path / "killer.py"
        killer.write_text(KILLER, encoding="utf-8")
        returncode = envkpi(point, "run", "--fy", str(FY), *ONLY, cwd=project, script=[str(killer)]).returncode
        pid = json.loads((outputs / f".FY{FY}.lock").read_text(encoding="utf-8"))["pid"]
    assert returncode == -signal.SIGKILL
    left = [name for name in hidden_beside(previous) if name != f".FY{FY}.lock"]
    assert left, "the killed run left no staging or retired folder: it was killed too late"
    if point == "swap":
        assert not previous.exists() and [name.startswith(".retired-") for name in left].count(True) == 1
    elif point == "exchange":
        assert (previous / "results.csv").read_bytes() == (baseline / "results.csv").read_bytes()
    else:
        assert hashes(previous) == before

    lines = []
    run_year(FY, root=project, only=["production"], progress=lines.append)  # the next run
    message = "\n".join(lines)
    assert f"a previous run into outputs/FY{FY} did not finish (pid {pid} on " in message
    if point == "swap":
        [retired] = [name for name in left if name.startswith(".retired-")]
        assert f"restored outputs/FY{FY} from {retired}: a run was stopped while it replaced the folder" in message
        left.remove(retired)
    for name in left:
        assert f"removed outputs/{name}, left by a run that did not finish" in message
    assert hidden_beside(previous) == []
    assert verify(previous) == []
    assert (previous / "results.csv").read_bytes() == (baseline / "results.csv").read_bytes()


# --- a folder that cannot be written ---------------------------------------------------------

@pytest.mark.parametrize("which, said", [("folder", "it"), ("parent", "outputs, where it is written,")])
def test_a_read_only_output_folder_or_parent_is_refused_with_one_line_and_nothing_changes(project, previous, monkeypatch,
                                                                                        which, said):
    """With permissions in force (not root) the folder is made read-only; a superuser passes every
    permission check, so there the check is told that the folder is read-only."""
    outputs = previous.parent
    read_only = previous if which == "folder" else outputs
    before = hashes(outputs)
    if os.geteuid() != 0:
        read_only.chmod(0o555)
    else:
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda path, mode, **kw: Path(path) != read_only and real_access(path, mode, **kw))
    try:
        with pytest.raises(OutputFolderError) as refused:
            run_year(FY, root=project, only=["production"])
    finally:
        read_only.chmod(0o755)
    assert str(refused.value) == (f"output folder outputs/FY{FY}: {said} cannot be written (permission denied); "
                                  f"nothing was run or changed")
    assert hashes(outputs) == before


def test_a_swap_that_the_file_system_refuses_leaves_the_previous_outputs(project, previous, monkeypatch):
    """The second rename of a swap fails (permission denied): the previous outputs are put back, the run
    fails with a message naming the folder and the cause, and nothing is left beside the folder."""
    before = hashes(previous)
    monkeypatch.setattr(outfolder, "_renameat2", None)  # the two-rename swap
    real_rename = Path.rename

    def rename(self, target):
        if Path(target) == previous and self.name.startswith(".staging-"):
            raise PermissionError(errno.EACCES, "Permission denied", str(self), None, str(target))
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(RunError) as failed:
        run_year(FY, root=project, only=["production"])
    message = str(failed.value)
    assert message.startswith(f"the outputs could not be put in place in outputs/FY{FY} (Permission denied: ")
    assert message.endswith(f"; outputs/FY{FY} was not changed")
    assert hashes(previous) == before
    assert hidden_beside(previous) == []
