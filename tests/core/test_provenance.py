"""Provenance: file hashes, rows, code and package versions."""

import hashlib

from envkpi.core.provenance import code_version, file_record, package_versions, sha256_file


def test_sha256_of_a_file_is_that_of_its_bytes(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"site_id\nJP-01\n")
    assert sha256_file(path) == hashlib.sha256(b"site_id\nJP-01\n").hexdigest()


def test_file_record_is_relative_to_the_root(tmp_path):
    (tmp_path / "data").mkdir()
    path = tmp_path / "data" / "a.csv"
    path.write_text("x\n1\n", encoding="utf-8")
    record = file_record(path, root=tmp_path, role="input", rows=1)
    assert (record.path, record.role, record.rows) == ("data/a.csv", "input", 1)


def test_code_version_is_the_git_commit_in_a_checkout_and_the_package_outside(root, tmp_path):
    assert code_version(root).startswith("git ")
    assert code_version(tmp_path).startswith("envkpi ")


def test_package_versions_name_python_and_the_calculation_packages():
    versions = package_versions()
    assert {"python", "envkpi", "pandas", "pint", "pandera", "papermill"} <= versions.keys()


def test_the_record_of_a_history_file_is_of_the_rows_the_year_uses(tmp_path):
    """Publishing a year appends its rows to the history: the provenance of an earlier year stays the same,
    while an edit of a row it used changes it."""
    from envkpi.core.provenance import history_record

    path = tmp_path / "site_history.csv"
    path.write_text("site_id,fiscal_year,co2\nJP-01,2016,100\nJP-01,2017,90\n", encoding="utf-8")
    before = history_record(path, 2018, root=tmp_path)
    assert (before.role, before.path, before.rows) == ("history, rows before FY2018", "site_history.csv", 2)
    path.write_text(path.read_text(encoding="utf-8") + "JP-01,2018,80.5\n", encoding="utf-8")
    assert history_record(path, 2018, root=tmp_path) == before
    assert history_record(path, 2019, root=tmp_path).rows == 3
    path.write_text(path.read_text(encoding="utf-8").replace("JP-01,2017,90", "JP-01,2017,91"), encoding="utf-8")
    assert history_record(path, 2018, root=tmp_path).sha256 != before.sha256
