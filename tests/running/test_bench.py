"""envkpi bench's instruments (envkpi.running.bench): the benchmark itself prints figures, it passes or fails nothing;
these tests check that what it measures is measured."""

from __future__ import annotations

import sys

from envkpi import families
from envkpi.running.bench import _one_table, measure, obvious_pipeline


def test_measure_takes_the_wall_time_and_the_peak_memory_of_the_process_and_its_children(tmp_path):
    # a child holding 200 MiB for a second, started by a parent that holds little: the tree's peak counts it
    child = "import time; block = bytearray(200 * 2**20); block[::4096] = b'x' * len(block[::4096]); time.sleep(1.0)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}], check=True)"
    peak = measure([sys.executable, "-c", parent], cwd=tmp_path, interval=0.05)
    assert peak.returncode == 0
    assert peak.seconds >= 1.0
    assert 200 * 2**20 <= peak.peak_bytes < 2 * 2**30


def test_measure_reports_a_failing_command(tmp_path, capsys):
    peak = measure([sys.executable, "-c", "import sys; sys.exit('no such year')"], cwd=tmp_path)
    assert peak.returncode == 1
    assert "no such year" in capsys.readouterr().err


def test_the_changed_table_is_a_family_s_own_not_the_site_register():
    family, table = _one_table(list(families.names()))
    assert table != "sites.csv" and table in {spec.file_name for spec in families.family(family).tables}


def test_the_obvious_pipeline_executes_and_exports_each_notebook(project, tmp_path):
    seconds = obvious_pipeline(project, 2018, ["water"], tmp_path / "obvious")
    assert seconds > 0
    assert (tmp_path / "obvious" / "water.ipynb").is_file() and (tmp_path / "obvious" / "water.html").is_file()
    assert "<html" in (tmp_path / "obvious" / "water.html").read_text(encoding="utf-8")
