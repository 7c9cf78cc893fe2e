"""What the yearly-cycle tests share: the `envkpi` command run in a copy of the project, as the team runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def envkpi(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "envkpi.cli", *args], cwd=cwd, capture_output=True, text=True)


def headline(rows, indicator_id, breakdown=""):
    [row] = [r for r in rows if r.indicator_id == indicator_id and r.breakdown == breakdown]
    return row.value
