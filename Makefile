# Masthead: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Two test processes (pytest-xdist): the machines have two cores.
PYTEST_ARGS ?= -n 2

.PHONY: run test setup install lint format browser-deps clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

# A production install: what Masthead runs on, without the test and lint tools.
RUNTIME_STAMP := $(VENV)/.installed-runtime
$(RUNTIME_STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $(RUNTIME_STAMP)

install: $(RUNTIME_STAMP)

run: setup
	$(BIN)/masthead migrate --noinput
	$(BIN)/masthead demo
	$(BIN)/masthead serve

# Browser tests drive Debian's Chromium; install it when it is missing (needs root, as in CI).
browser-deps:
	@test -x /usr/bin/chromium || { \
		echo "Installing Chromium for the browser tests (apt-get)…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: setup browser-deps lint
	$(BIN)/pytest $(PYTEST_ARGS)

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
