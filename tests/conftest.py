"""Shared test set-up: the project root, and the Jupyter kernel the notebooks (and nbval) run on."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config):
    from envkpi.runner import ensure_kernel

    ensure_kernel()


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT
