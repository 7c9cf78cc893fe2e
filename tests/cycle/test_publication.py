"""Publication of a fiscal year (envkpi.publication) on a real run folder.

Each test works on a copy of the committed outputs/FY2018 in a scratch folder; the repository's
outputs are never touched. Published files are read-only, so the fixture makes them writable again
before pytest removes the scratch folder.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from datetime import date
from pathlib import Path

import pytest

from envkpi.core.provenance import sha256_file
from envkpi.cycle.publication import (PUBLICATION_FILE, PublicationError, is_published, latest_results_folder,
    make_writable, publication, publish, restatement_folder, verify)

PUBLISHED_ON = date(2019, 6, 28)
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def year(root, tmp_path) -> Path:
    """An unpublished copy of outputs/FY2018 (the repository's copy is published: its record is left
    out), made writable again after the test so that it can be removed."""
    folder = tmp_path / "FY2018"
    shutil.copytree(root / "outputs" / "FY2018", folder, ignore=shutil.ignore_patterns(PUBLICATION_FILE, "restated"))
    make_writable(folder)
    yield folder
    make_writable(tmp_path)


def manifest_sha(folder: Path, name: str) -> str:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    [sha] = [entry["sha256"] for entry in manifest["outputs"] if entry["path"] == name]
    return sha


def flip_a_byte(path: Path, offset: int = 100) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def is_read_only(path: Path) -> bool:
    """No write bit, and (unless we are the superuser, whom permissions do not stop) no write access."""
    no_bits = not stat.S_IMODE(path.stat().st_mode) & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    return no_bits and (AS_ROOT or not os.access(path, os.W_OK))


# --- publish ---------------------------------------------------------------------------------

def test_publish_records_the_manifest_hash_and_makes_every_file_read_only(year):
    manifest_hash = sha256_file(year / "manifest.json")
    path = publish(year, published_on=PUBLISHED_ON, published_by="Environment Office")

    assert path == year / PUBLICATION_FILE
    record = {"fiscal_year": 2018, "published_on": "2019-06-28", "published_by": "Environment Office",
              "manifest_sha256": manifest_hash}
    assert path.read_text(encoding="utf-8") == json.dumps(record, sort_keys=True, indent=1) + "\n"
    assert is_published(year) and publication(year) == record
    files = sorted(p for p in year.iterdir() if p.is_file())
    assert {p.name for p in files} >= {"manifest.json", PUBLICATION_FILE, "results.csv", "production.html"}
    assert all(is_read_only(p) for p in files), [p.name for p in files if not is_read_only(p)]
    assert verify(year) == []
    (year / "restated").mkdir()  # the folder itself stays writable, for restatements


def test_publishing_twice_is_refused(year):
    publish(year, published_on=PUBLISHED_ON, published_by="Environment Office")
    with pytest.raises(PublicationError, match="already published on 2019-06-28 by Environment Office"):
        publish(year, published_on=date(2019, 7, 1), published_by="someone else")
    assert publication(year)["published_on"] == "2019-06-28"


def test_a_folder_that_does_not_match_its_manifest_is_not_published(year):
    flip_a_byte(year / "results.csv")
    (year / "notes.txt").write_text("draft\n", encoding="utf-8")
    with pytest.raises(PublicationError) as error:
        publish(year, published_on=PUBLISHED_ON, published_by="Environment Office")
    message = str(error.value)
    assert str(year) in message
    assert "results.csv: SHA-256 differs from the manifest" in message
    assert "notes.txt: not in the manifest" in message
    assert not is_published(year)
    assert os.access(year / "production.html", os.W_OK) and stat.S_IMODE((year / "results.json").stat().st_mode) & 0o200


def test_a_folder_without_manifest_is_not_published(year):
    (year / "manifest.json").unlink()
    with pytest.raises(PublicationError, match="no manifest.json"):
        publish(year, published_on=PUBLISHED_ON, published_by="Environment Office")
    assert not is_published(year)


def test_publish_needs_who_published(year):
    with pytest.raises(PublicationError, match="published_by"):
        publish(year, published_on=PUBLISHED_ON, published_by="  ")


def test_publication_of_an_unpublished_folder_raises(year):
    assert not is_published(year)
    with pytest.raises(PublicationError, match="not published"):
        publication(year)


# --- verify ----------------------------------------------------------------------------------

def test_a_fresh_copy_is_verified(year):
    assert verify(year) == []


def test_verify_names_exactly_the_published_output_that_changed(year):
    publish(year, published_on=PUBLISHED_ON, published_by="Environment Office")
    html = year / "production.html"
    expected = manifest_sha(year, "production.html")
    make_writable(html)
    flip_a_byte(html)
    assert verify(year) == [
        f"production.html: SHA-256 differs from the manifest (expected {expected}, found {sha256_file(html)})"
    ]


def test_verify_reports_a_missing_and_an_extra_file(year):
    (year / "product_use.html").unlink()
    (year / "notes.txt").write_text("draft\n", encoding="utf-8")
    (year / "restated" / "2019-07-01").mkdir(parents=True)  # restatements are not outputs of the year
    (year / "restated" / "2019-07-01" / "results.csv").write_text("x\n", encoding="utf-8")
    assert verify(year) == ["product_use.html: missing", "notes.txt: not in the manifest"]


def test_verify_reports_a_file_in_an_unexpected_subfolder(year):
    (year / ".ipynb_checkpoints").mkdir()
    (year / ".ipynb_checkpoints" / "production-checkpoint.ipynb").write_text("{}", encoding="utf-8")
    assert verify(year) == [".ipynb_checkpoints/production-checkpoint.ipynb: not in the manifest"]


def test_verify_detects_a_manifest_changed_after_publication(year):
    published = publish(year, published_on=PUBLISHED_ON, published_by="Environment Office")
    recorded = json.loads(published.read_text(encoding="utf-8"))["manifest_sha256"]
    # Change an output and "fix" its hash in the manifest: only the publication record still knows.
    make_writable(year)
    flip_a_byte(year / "results.json")
    manifest = json.loads((year / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["outputs"]:
        if entry["path"] == "results.json":
            entry["sha256"] = sha256_file(year / "results.json")
    (year / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert verify(year) == [
        f"manifest.json: SHA-256 differs from the publication record "
        f"(expected {recorded}, found {sha256_file(year / 'manifest.json')})"
    ]


def test_verify_reports_a_missing_manifest_and_refuses_a_missing_folder(year, tmp_path):
    (year / "manifest.json").unlink()
    assert verify(year) == ["manifest.json: missing"]
    with pytest.raises(PublicationError, match="FY2099"):
        verify(tmp_path / "FY2099")


# --- restatements ----------------------------------------------------------------------------

def test_restatement_folders_are_dated_and_numbered_and_not_created(year):
    on = date(2019, 11, 5)
    first = restatement_folder(year, on)
    assert first == year / "restated" / "2019-11-05"
    assert not first.exists()
    first.mkdir(parents=True)
    second = restatement_folder(year, on)
    assert second == year / "restated" / "2019-11-05-2"
    second.mkdir()
    assert restatement_folder(year, on) == year / "restated" / "2019-11-05-3"
    assert restatement_folder(year, date(2019, 11, 6)) == year / "restated" / "2019-11-06"


def test_latest_results_folder_is_the_year_itself_without_restatements(year):
    assert latest_results_folder(year) == year
    (year / "restated").mkdir()
    assert latest_results_folder(year) == year


def test_latest_results_folder_is_the_newest_restatement_with_results(year):
    restated = year / "restated"
    for name, with_results in [("2019-08-01", True), ("2019-12-01", True), ("2019-12-01-2", True),
                               ("2019-12-01-10", True), ("2020-01-15", False), (".staging-2020-02-01-1", True),
                               ("2020-03-01.failed", True), ("notes", True)]:
        (restated / name).mkdir(parents=True)
        if with_results:
            (restated / name / "results.csv").write_text("indicator_id\n", encoding="utf-8")
    assert latest_results_folder(year) == restated / "2019-12-01-10"


def test_make_writable_ignores_a_missing_path(tmp_path):
    make_writable(tmp_path / "nothing")


def test_a_folder_whose_files_cannot_be_made_read_only_is_left_unpublished(year, monkeypatch):
    chmod = Path.chmod

    def refuse(self, mode, **kwargs):
        if self.name == "results.csv" and not mode & stat.S_IWUSR:
            raise PermissionError(1, "Operation not permitted", str(self))
        return chmod(self, mode, **kwargs)

    monkeypatch.setattr(Path, "chmod", refuse)
    refused = r"not published: cannot make these files read-only[^\n]*\n  results.csv"
    with pytest.raises(PublicationError, match=refused):
        publish(year, published_on=PUBLISHED_ON, published_by="Environment Office")
    assert not is_published(year)
    assert all(stat.S_IMODE(p.stat().st_mode) & stat.S_IWUSR for p in year.iterdir())


def test_a_run_from_a_dirty_tree_is_published_only_when_allowed_and_then_says_so(year):
    manifest_path = year / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["code_version"] = "git 204931fbc4d2+dirty"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(PublicationError, match=r"code version is 'git 204931fbc4d2\+dirty'.*--allow-dirty"):
        publish(year, published_on=date(2019, 6, 28), published_by="Environment Office")
    assert not is_published(year)
    record = publish(year, published_on=date(2019, 6, 28), published_by="Environment Office", allow_dirty=True)
    written = json.loads(record.read_text(encoding="utf-8"))
    assert written["code_version"] == "git 204931fbc4d2+dirty" and written["dirty_tree_allowed"] is True


# --- versions: the words every page uses for the figures it compares with --------------------------------

def _results(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.csv").write_text(f"indicator_id,fiscal_year,breakdown,value,unit,notebook,cell_id\n{text}\n",
                                        encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps({"fiscal_year": 2018, "run": {"started": "2019-05-01T09:00:00+00:00"}}),
                                          encoding="utf-8")
    return folder


def test_a_version_is_named_as_run_as_published_or_as_restated(tmp_path):
    from envkpi.cycle.publication import latest_version, version_of

    year = _results(tmp_path / "FY2018", "PRD-07,2018,,377328.1,t CO2e,production,scope2")
    assert version_of(year).label == "FY2018 as run on 2019-05-01 (not published)"
    (year / PUBLICATION_FILE).write_text(json.dumps({"published_on": "2019-06-28"}), encoding="utf-8")
    assert version_of(year).label == "FY2018 as published on 2019-06-28"
    _results(year / "restated" / "2020-05-10", "PRD-07,2018,,377738.1,t CO2e,production,scope2")
    _results(year / "restated" / "2020-05-10-2", "PRD-07,2018,,377740.1,t CO2e,production,scope2")
    assert latest_version(year).label == "FY2018 as restated on 2020-05-10 (restatement 2 of that day)"
    assert version_of(year / "restated" / "2020-05-10").label == "FY2018 as restated on 2020-05-10"


def test_a_later_year_is_superseded_once_a_year_it_was_based_on_is_restated(tmp_path):
    from envkpi.cycle.publication import based_on, latest_published_folder, superseded

    outputs = tmp_path / "outputs"
    fy2018 = _results(outputs / "FY2018", "PRD-07,2018,,377328.1,t CO2e,production,scope2")
    (fy2018 / PUBLICATION_FILE).write_text(json.dumps({"published_on": "2019-06-28"}), encoding="utf-8")
    _results(outputs / "FY2017", "PRD-07,2017,,370000.0,t CO2e,production,scope2")  # not published: not a basis
    fy2019 = outputs / "FY2019"
    fy2019.mkdir()
    used = based_on(outputs, 2019)
    assert used == [{"fiscal_year": 2018, "version": "FY2018 as published on 2019-06-28", "folder": "FY2018",
                     "results_sha256": sha256_file(fy2018 / "results.csv")}]
    (fy2019 / "manifest.json").write_text(json.dumps({"fiscal_year": 2019, "based_on": used}), encoding="utf-8")
    assert superseded(fy2019, outputs) == []

    restated = _results(fy2018 / "restated" / "2020-05-10", "PRD-07,2018,,377738.1,t CO2e,production,scope2")
    [found] = superseded(fy2019, outputs)
    assert str(found) == ("based on superseded figures of FY2018 (it used FY2018 as published on 2019-06-28; "
                          "now FY2018 as restated on 2020-05-10)")
    assert latest_published_folder(fy2018) == fy2018  # the restatement is not published yet
    (restated / PUBLICATION_FILE).write_text(json.dumps({"published_on": "2020-05-12"}), encoding="utf-8")
    assert latest_published_folder(fy2018) == restated
