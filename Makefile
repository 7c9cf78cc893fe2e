# envkpi — two commands: `make run` (set up + run the sample fiscal year) and `make test`.
# Needs only Python 3.11, pip and make. The environment lives in .venv/ (git-ignored); set-up is
# idempotent and re-runs only when pyproject.toml or constraints.txt change.

PYTHON ?= python3
FY ?= 2018
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.envkpi-installed

.PHONY: setup run test lab clean-outputs

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,lab]'
	$(BIN)/envkpi kernel
	@touch $(STAMP)

run: setup
	$(BIN)/envkpi run --fy $(FY)

test: setup
	$(BIN)/python -m pytest

lab: setup
	$(BIN)/jupyter lab notebooks
