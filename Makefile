# OpenEPA: `make run` sets everything up and runs the main job; `make test` sets up and
# runs every check. Both work on a fresh clone with Python 3.11.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed

.PHONY: setup setup-dev run test lint check-specs format clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "OpenEPA needs Python 3.11; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV): pyproject.toml $(RUNTIME)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(RUNTIME)

setup-dev: $(DEV)

## run: validate the specifications and grade a worked example for each of them
run: setup
	$(BIN)/openepa specs check
	@for example in examples/*.json; do \
		echo; echo "== $$example"; \
		$(BIN)/openepa grade "$$example" || exit 1; \
	done

## lint: ruff and mypy
lint: setup-dev
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

check-specs: setup
	$(BIN)/openepa specs check

## test: lint, validate the specifications and run the whole test suite
test: lint check-specs
	$(BIN)/pytest

format: setup-dev
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis build src/*.egg-info
