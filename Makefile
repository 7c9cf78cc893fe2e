# envkpi — two commands: `make run` (set up + run the sample fiscal year) and `make test`.
# Needs only Python 3.11, pip and make. The environment lives in .venv/ (git-ignored); set-up is
# idempotent and re-runs only when pyproject.toml or constraints.txt change.

PYTHON ?= python3
FY ?= 2018
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.envkpi-installed

.PHONY: setup system-packages run test lab clean-outputs

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,lab]'
	$(BIN)/envkpi kernel
	@touch $(STAMP)

# The browser tests (tests/pages/test_browser.py) drive Debian's Chromium with Playwright (never `playwright
# install`), and the pages show Japanese text: install both with apt-get when missing (sudo unless root).
system-packages:
	@missing=""; \
	test -x /usr/bin/chromium || missing=" chromium"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; \
	  elif command -v sudo >/dev/null; then sudo="sudo"; \
	  else echo "missing Debian packages:$$missing; as root: apt-get install --no-install-recommends$$missing" >&2; exit 1; fi; \
	  echo "installing Debian packages:$$missing"; \
	  $$sudo apt-get update && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

run: setup
	$(BIN)/envkpi run --fy $(FY)

# The suite runs on every core (pytest-xdist; --dist loadfile keeps each notebook's cells on one worker).
test: setup system-packages
	$(BIN)/python -m pytest -n auto

# JupyterLab on the project root (notebooks/, outputs/FY*/, review/ copies); --allow-root only as root.
lab: setup
	$(BIN)/jupyter lab --ServerApp.root_dir=. $(if $(filter 0,$(shell id -u)),--allow-root)
